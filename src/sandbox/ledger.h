/*
 * ledger.h - what the simulated systems remember about submissions:
 * idempotency keys with the reply they produced, and every client intent
 * (an idempotency key or a free-text client reference) that led to an
 * applied action.  From that it keeps the exactly-once counters of
 * /_control/stats:
 *   applied                 every action a system applied;
 *   duplicates_absorbed     a repeated submission that changed nothing: an
 *                           idempotent replay, or a rejected action whose
 *                           intent had already been applied (state check);
 *   applied_more_than_once  an action applied while its intent had already
 *                           been applied (must stay 0 for a correct client).
 * Intents are scoped per dossier (MaHoSo), across systems.  Not thread-safe
 * (http.c serialises handlers).
 */
#ifndef MOTCUA_SBX_LEDGER_H
#define MOTCUA_SBX_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/catalog.h"
#include "sandbox/http.h"

struct ledger;

struct ledger_stats {
	uint64_t applied;
	uint64_t duplicates_absorbed;
	uint64_t applied_more_than_once;
	uint64_t rejected;                 /* not allowed, stale, invalid */
	uint64_t applied_by[SRC_COUNT];
	uint64_t absorbed_by[SRC_COUNT];
};

struct ledger *ledger_new(void);
void ledger_free(struct ledger *l);

/*
 * Idempotency: the reply remembered for (src, key), copied into *resp (which
 * must be initialised and empty), and whether the fingerprint matches.
 * Returns 1 replayed (same fingerprint; counted as absorbed when the stored
 * reply is a 2xx), 0 unknown key,
 * -1 known key with a different fingerprint (nothing copied).
 */
int ledger_replay(struct ledger *l, int src, const char *key, const char *fingerprint,
		  struct sbx_response *resp);
/* Remember resp for (src, key); copies everything. */
void ledger_remember(struct ledger *l, int src, const char *key, const char *fingerprint,
		     const struct sbx_response *resp);

/* An action was applied to `code` through src, for intent `ref` (NULL/"" = none). */
void ledger_applied(struct ledger *l, int src, const char *code, const char *ref);
/* An action was rejected; counted absorbed when `ref` was applied before. */
void ledger_rejected(struct ledger *l, int src, const char *code, const char *ref);
/* Was this intent applied already? */
bool ledger_intent_applied(const struct ledger *l, const char *code, const char *ref);

void ledger_stats(const struct ledger *l, struct ledger_stats *out);
/* Forget the counters (not the keys); for tests that measure one phase. */
void ledger_reset_counters(struct ledger *l);

#endif
