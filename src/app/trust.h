/*
 * trust.h - the console's side of the audit log and data protection
 * (doc/security.md): the struct ui_audit seam over store/audit.h (a reveal
 * with its purpose, a sign-in, each with the clerk signed in), shipping the
 * audit log every loop turn (sync/audit_ship.h), and the retention purge
 * after each pull (sync/privacy.h).
 *
 * No curses here: src/cli includes it.  Nothing draws; everything is
 * borrowed from the caller and must outlive the trust.
 */
#ifndef MOTCUA_UI_TRUST_H
#define MOTCUA_UI_TRUST_H

#include <stdbool.h>
#include <stdint.h>

#include "ui/console.h"

struct sync_tokens;

struct ui_trust_options {
	struct store *store;
	struct net *net;
	const struct sync_tokens *tokens; /* NULL: the log is not shipped */
	struct auth *auth;                /* names the clerk; NULL: the last sign-in's */
	const char *issuer;               /* the log's server; NULL: not shipped */
	int retention_days;               /* config; <= 0: keep finished dossiers */
};

struct ui_trust;
struct ui_trust *ui_trust_new(const struct ui_trust_options *opt);
/* Cancels a shipment in flight and frees.  NULL is fine. */
void ui_trust_free(struct ui_trust *t);

/* The seam for ui_options.audit.  Borrowed. */
const struct ui_audit *ui_trust_audit(struct ui_trust *t);

/*
 * Once per loop turn (the engine calls it): ship what the server lacks;
 * after a pull ended (pass_ended), remove finished dossiers past retention.
 * Returns true when the store's dossiers changed.
 */
bool ui_trust_turn(struct ui_trust *t, int64_t now, bool pass_ended);

#endif
