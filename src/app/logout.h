/*
 * logout.h - ending the sign-in and, on a shared terminal, removing what
 * the clerk leaves behind (doc/security.md): the store with its -wal/-shm
 * and its data key.  Queued work is never lost silently: the wipe counts
 * the unsent actions and the audit entries the server does not have (after
 * shipping what it can), and the front end refuses unless the clerk forces
 * it; a forced wipe's first audit entry in the new store says where the old
 * chain ended and what was lost.
 */
#ifndef MOTCUA_APP_LOGOUT_H
#define MOTCUA_APP_LOGOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/signin.h"

struct app_wipe_plan {
	int64_t unsent;               /* queued actions not done */
	int64_t audit_waiting;        /* audit entries the server does not have */
	struct store_audit_state chain;
	struct mc_err ship_error;     /* why the audit log could not all be shipped */
};

/* Record the sign-out; for a wipe, ship the audit log (up to max_wait_ms)
 * and count what a wipe would lose.  0, or -1 with *err. */
int app_logout_prepare(struct app *a, bool wipe, int64_t max_wait_ms,
		       struct app_wipe_plan *plan, struct mc_err *err);

/* Revoke the sign-in at the provider (when it answers) and remove every
 * token whatever it said.  *detail (size bytes) gets the provider's words. */
enum app_signin_result app_sign_out(struct app *a, char *detail, size_t size);

/* Delete the store and its key, open a new empty one and record the wipe
 * (forced: what was lost) as its first audit entry.  0, or -1 with *err. */
int app_wipe(struct app *a, const struct app_wipe_plan *plan, bool forced, struct mc_err *err);

#endif
