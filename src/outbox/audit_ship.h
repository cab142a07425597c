/*
 * audit_ship.h - shipping the audit log (store/audit.h) to the server that
 * keeps it: the coordination system's keeper, at "<issuer>/audit/entries",
 * with the coordination system's token (its link; the sandbox serves it).
 *
 * Protocol (doc/security.md): POST {"chain", "entries": [{seq, at, clerk,
 * kind, dossier, purpose, details, prev_hash, hash}]} in sequence order,
 * from the first entry the server does not have, at most 100 per request.
 * The server keeps each chain, checks that every entry follows its head
 * (prev_hash, recomputed hash) and answers {"accepted", "duplicates",
 * "head"}: entries it has already are counted as duplicates, never stored
 * twice, so a resend after a crash or a lost answer is harmless.  A 409 means
 * the server's copy and ours differ (the local log was changed after it was
 * shipped): shipping stops and says so; it is never "repaired".
 *
 * Runs on the caller's loop and net like the outbox replay; nothing here
 * blocks except audit_ship_run() (for one-shot commands).
 */
#ifndef MOTCUA_OUTBOX_AUDIT_SHIP_H
#define MOTCUA_OUTBOX_AUDIT_SHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/error.h"
#include "net/net.h"
#include "sources/link.h"
#include "store/store.h"

#define AUDIT_SHIP_PATH "/audit/entries"
#define AUDIT_SHIP_BATCH 100

struct audit_ship_options {
	struct store *store;               /* borrowed */
	struct net *net;                   /* borrowed */
	struct source_link *link;          /* the coordination system's (its token);
	                                      borrowed; NULL: nothing is shipped */
	const char *issuer;                /* the sink is issuer + AUDIT_SHIP_PATH */
};

struct audit_ship;

/* NULL when there is no issuer or no link (nothing to ship to). */
struct audit_ship *audit_ship_new(const struct audit_ship_options *opt);
/* Cancels a request in flight (polling the net until it is done).  NULL ok. */
void audit_ship_free(struct audit_ship *a);

/*
 * Once per loop turn: when nothing is in flight, entries wait and the backoff
 * has passed, send the next batch.  Returns true while a request is in
 * flight.
 */
bool audit_ship_step(struct audit_ship *a, mc_time now);

struct audit_ship_stats {
	int64_t shipped;      /* entries the server newly accepted in this process */
	int64_t duplicates;   /* entries it already had */
	int64_t waiting;      /* entries not yet on the server */
	bool conflict;        /* the server's copy differs: shipping stopped
	                         (error: MC_E_AUDIT_DIFFERS, detail: the server's why) */
	bool accepted;        /* the server accepted a shipment in this process */
	struct mc_err error;  /* the last failure; code MC_OK when none */
};
void audit_ship_get_stats(struct audit_ship *a, struct audit_ship_stats *st);

/*
 * One-shot: ship everything (poll the net) for at most max_wait_ms.
 * Returns 0 when the server has every entry, 1 when some wait (offline, a
 * conflict: *st says), -1 on a store error.
 */
int audit_ship_run(struct audit_ship *a, int64_t max_wait_ms, struct audit_ship_stats *st);

#endif
