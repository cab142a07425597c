/*
 * outbox.h - the offline queue's table: actions the clerk queued, each with
 * its optimistic local effect, idempotency key, base version, payload and
 * replay state (doc/outbox.md).
 *
 * Rows, not policy: the replay's decisions (when to send, what an answer
 * means, backoff) live in src/outbox/; these functions make each
 * decision durable in one transaction together with its effect on the
 * cached dossier, so that the queue and the inbox never disagree after a
 * crash.  The one rule enforced here is the status table (core/status.h):
 * an action is queued only when allowed from the dossier's current local
 * status, checked inside the enqueue transaction.
 *
 * Per dossier the entries form a chain in id order.  The first entry that is
 * not done is the dossier's "head"; only a head in state pending or sending
 * may be sent, and a head in conflict or failed blocks the entries behind it
 * until the clerk retries or drops it.
 *
 * Durability: every function here commits its own transaction with
 * synchronous=FULL; called inside a batch (store_begin) it joins the batch
 * through a savepoint and is durable only at store_commit().  Strings in
 * entries are owned by the entry (store_outbox_entry_release()).  Return
 * values: 0 success, -1 error (store_errmsg()), and where stated 1 "not
 * found" and 2 "refused by a rule" (the reason is in the out parameters).
 */
#ifndef MOTCUA_STORE_OUTBOX_H
#define MOTCUA_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/status.h"
#include "store/store.h"

enum store_outbox_state {
	STORE_OUTBOX_PENDING = 0, /* waiting to be sent (never reached the server) */
	STORE_OUTBOX_SENDING,     /* sent at least once; the answer is not known */
	STORE_OUTBOX_DONE,        /* the server applied it */
	STORE_OUTBOX_CONFLICT,    /* the server's version moved on: the clerk decides */
	STORE_OUTBOX_FAILED,      /* the server refused it: the clerk decides */
};
#define STORE_OUTBOX_N_STATES 5

/* "pending", "sending", "done", "conflict", "failed" (static); -1 when unknown. */
const char *store_outbox_state_name(enum store_outbox_state st);
int store_outbox_state_from_name(const char *name);

struct store_outbox_entry {
	int64_t id;
	char *code;               /* MaHoSo */
	char *source;             /* the system it is sent through */
	enum action action;
	char *idem_key;           /* 32 hex digits, the client reference */
	char *base_version;       /* version the intent was based on; NULL none/unknown */
	int base_status;          /* status the intent was based on */
	int target_status;        /* action_apply(action, base_status) */
	bool chained;             /* base_version comes from the entry before it */
	char *payload;            /* JSON: reason, to_unit, files (outbox.c in sync) */
	enum store_outbox_state state;
	int attempts;             /* sends marked so far */
	char *last_error;         /* NULL when none */
	char *probe;              /* server fingerprint before the first send; NULL */
	int server_status;        /* conflict/failed: the server's status; 0 unknown */
	char *server_version;     /* conflict/failed: the server's version; NULL */
	char *server_raw_status;  /* the server's own status text; NULL */
	mc_time next_at;          /* not to be sent before this */
	mc_time created_at, updated_at;
};

/* Free the strings and zero the entry. */
void store_outbox_entry_release(struct store_outbox_entry *e);
/* Release each entry and the array. */
void store_outbox_list_free(struct store_outbox_entry *v, size_t n);

/*
 * Queue e->action on dossier e->code through e->source (NULL: the dossier's
 * source) with e->idem_key and e->payload (both required), in ONE
 * transaction: read the dossier and its effective local status (the target
 * of its last open entry, else its cached status), check action_allowed(),
 * insert the entry (state pending) with base status/version filled in here,
 * and set the cached dossier's status to the target (the optimistic
 * effect).  On 0, e->id, base_*, target_status, chained, source and the
 * times are set.  Returns 1 when the dossier is not in the store, 2 when the
 * action is not allowed (*from_status = the effective status), 3 when an
 * earlier entry of the dossier is in conflict or failed and must be retried
 * or dropped first (e->id = that entry), -1 on error.
 */
int store_outbox_enqueue(struct store *s, struct store_outbox_entry *e, mc_time now,
			 int *from_status);

/* One entry by id into *out (caller releases).  0, 1 not found, -1. */
int store_outbox_get(struct store *s, int64_t id, struct store_outbox_entry *out);

enum store_outbox_list_flags {
	STORE_OUTBOX_LIST_DONE = 1 << 0, /* include done entries */
};
/* All entries (open ones only without STORE_OUTBOX_LIST_DONE), in id order.
 * *out is a malloc'd array (store_outbox_list_free) of *n entries. */
int store_outbox_list(struct store *s, unsigned flags, struct store_outbox_entry **out,
		      size_t *n);
/* Every entry of one dossier, done ones included (until the retention purges
 * them; dropped ones are gone), in id order: the clerk's own actions on it.
 * Same ownership as store_outbox_list. */
int store_outbox_of(struct store *s, const char *code, struct store_outbox_entry **out, size_t *n);

/*
 * Heads that may be sent now: per dossier the first open entry, when it is
 * pending or sending and next_at <= now, at most `limit`, oldest first;
 * only system `source`'s (NULL: every system's).
 */
int store_outbox_ready(struct store *s, mc_time now, size_t limit, const char *source,
		       struct store_outbox_entry **out, size_t *n);

/* Earliest next_at among heads in pending/sending (*at = 0 when none), of
 * system `source` (NULL: all).  *n_open = number of such heads. */
int store_outbox_next_due(struct store *s, const char *source, mc_time *at, int64_t *n_open);

/* Count of entries per state (indexed by enum store_outbox_state). */
int store_outbox_counts(struct store *s, int64_t counts[STORE_OUTBOX_N_STATES]);

/* Open entries (not done) of one dossier. */
int store_outbox_open_count(struct store *s, const char *code, int64_t *n);
/* Entries of `code` waiting for the clerk's decision (conflict or failed). */
int store_outbox_trouble_count(struct store *s, const char *code, int64_t *n);
/*
 * When the first open (not done) entry of `action` (enum action) for `code`
 * was queued: 1 and *at, 0 when there is none (*at = 0), -1 on error.  The
 * pull uses it for a queued "supplement received", whose effect on the due
 * date needs the procedure's rule (sync_due_at_with()).
 */
int store_outbox_open_since(struct store *s, const char *code, int action, mc_time *at);

/*
 * Before submitting: state sending, attempts + 1, updated_at = now, and the
 * probe fingerprint when not NULL.  Must be durable BEFORE the request is
 * submitted (call outside a batch, or commit the batch first).
 */
int store_outbox_mark_sending(struct store *s, int64_t id, mc_time now, const char *probe);

/* Replace the payload (upload progress: upload URLs, file ids). */
int store_outbox_set_payload(struct store *s, int64_t id, const char *payload, mc_time now);

/*
 * The clerk asked to send now (queue send, sync, S): every waiting entry
 * (of `source`, NULL: all) becomes due at `now`, whatever its backoff.
 * Attempts are kept.  0, or -1 on a store error.
 */
int store_outbox_wake(struct store *s, const char *source, mc_time now);

/*
 * Try later: state (PENDING when the request surely did not reach the
 * server, SENDING when it may have), next_at, last_error (may be NULL).
 */
int store_outbox_later(struct store *s, int64_t id, enum store_outbox_state state,
		       mc_time next_at, const char *error, mc_time now);

/* What the server said about the dossier; any field may be unknown. */
struct store_outbox_server {
	int status;               /* 0 unknown */
	const char *version;      /* NULL unknown (or none: dialects without versions) */
	const char *raw_status;   /* NULL unknown */
	mc_time updated_at;       /* 0 unknown */
	mc_time finished_at;      /* 0 unknown or open */
};

/*
 * Applied: state done; the cached dossier takes the server's status (else
 * the target), version, raw status and times; the next chained entry of the
 * dossier takes that version as its base.
 */
int store_outbox_done(struct store *s, int64_t id, const struct store_outbox_server *srv,
		      mc_time now);

/*
 * Conflict (st = CONFLICT) or refusal (st = FAILED): the server's state is
 * stored on the entry with `error`, and the cached dossier goes back to the
 * server's status (the base status when unknown) and version, so the inbox
 * shows the truth; nothing is overwritten on the server.
 */
int store_outbox_settle(struct store *s, int64_t id, enum store_outbox_state st,
			const struct store_outbox_server *srv, const char *error, mc_time now);

/*
 * Re-apply a conflict or failed entry on the server's state: new base
 * status/version = the server's (as stored at the conflict), new idem_key,
 * state pending, attempts 0, the optimistic effect again.  Returns 1 not
 * found, 2 refused: not in conflict/failed (*from_status = -1) or the action
 * is not allowed from the server's status (*from_status = that status).
 */
int store_outbox_retry(struct store *s, int64_t id, const char *new_key, mc_time now,
		       int *from_status);

/*
 * Remove an entry that is pending, conflict or failed (never one that may
 * be at the server: 2 with *state = sending; done entries: 2 too).  A
 * dropped pending entry gives the dossier back its base status; the entry
 * after it on the same dossier, if any, becomes a conflict ("the action
 * before it was dropped") for the clerk to re-apply or drop.  1 not found.
 */
int store_outbox_drop(struct store *s, int64_t id, mc_time now,
		      enum store_outbox_state *state);

/*
 * After the sync replaced a cached dossier with the server's copy: put the
 * optimistic effect of its open entries back (status = target of its last
 * pending/sending entry).  Nothing happens when it has none.
 */
int store_outbox_reapply(struct store *s, const char *code);
/* The same for every dossier with open entries (after a whole sync pass). */
int store_outbox_reapply_all(struct store *s);

#endif
