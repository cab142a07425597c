/*
 * audit.h - the audit log: an append-only, hash-chained record of what the
 * clerks did on this terminal (actions queued, personal data revealed,
 * sign-in and sign-out), kept in the store and shipped to the server.
 *
 * Each entry has a sequence number (1, 2, ...), a time, the clerk, a kind,
 * the dossier, a purpose, details (compact JSON, never an ID number or a
 * token), the previous entry's hash and its own hash:
 *
 *     hash = SHA-256(prev_hash || canonical(entry))       (hex, 64 digits)
 *     mac  = HMAC-SHA-256(audit key, "audit-mac1;" || hash)   (hex; keyed stores)
 *
 * The hash chain is what the server recomputes; the mac is local: the audit
 * key is derived from the store's data key in the Secret Service
 * (store/protect.h), so someone who rewrites the file without the key cannot
 * produce a chain that verifies here.  audit_state keeps where keying starts
 * and the last keyed entry under an HMAC of its own (a cut tail or a
 * rewritten state is caught).  Without a key (no Secret Service) entries
 * are written unkeyed and verify says the chain proves order and integrity
 * against accidents only.
 *
 * canonical() is store_audit_canonical(): netstrings of the fields in a
 * fixed order (doc/security.md).  The first entry's prev_hash is the hash of
 * the chain's random id, so two chains (say, before and after a wipe) never
 * share a genesis.  store_audit_verify() recomputes everything and names the
 * first bad entry: altered, removed, reordered or inserted.
 *
 * What it does not do: decide who the clerk is (the caller passes it; NULL
 * means the clerk of the last sign-in recorded here), send anything
 * (outbox/audit_ship.c), or keep ID numbers out of `details` (callers must).
 * Durability and transactions as in store/outbox.h: a function here commits
 * on its own, or joins the caller's batch (store_begin) through a savepoint.
 * Strings in entries are owned by the entry.  Returns 0, or -1 with
 * store_errmsg().
 */
#ifndef MOTCUA_STORE_AUDIT_H
#define MOTCUA_STORE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "store/store.h"

#define STORE_AUDIT_HASH_LEN 64 /* hex digits of a SHA-256 */

/* Kinds the program writes (a kind is free text; these are the known ones). */
#define STORE_AUDIT_SIGNIN "signin"
#define STORE_AUDIT_SIGNOUT "signout"
#define STORE_AUDIT_ACTION "action"       /* an action queued (outbox) */
#define STORE_AUDIT_RETRY "action-retry"  /* a conflict re-applied */
#define STORE_AUDIT_DROP "action-drop"    /* a queued action dropped */
#define STORE_AUDIT_REVEAL_ID "reveal-id" /* the full ID number shown */
#define STORE_AUDIT_REVEAL "reveal"       /* the full record shown (show --reveal) */
#define STORE_AUDIT_VIEW "view"           /* a record opened, ID masked (detail, show) */
#define STORE_AUDIT_PURGE "retention"     /* finished dossiers left the cache */
#define STORE_AUDIT_WIPE_REFUSED "wipe-refused"
#define STORE_AUDIT_KEYED "audit-key"     /* the chain is keyed from here (details.reason) */
/* details.reason of the audit-key entry written when the store's record of
 * its key was removed or replaced while the keyring still held the key */
#define STORE_AUDIT_REASON_RECORD_LOST "key-record-lost"

/* What the caller records.  All borrowed; clerk NULL: the current clerk. */
struct store_audit_record {
	const char *clerk;
	const char *kind;     /* required */
	const char *dossier;  /* NULL: none */
	const char *purpose;  /* NULL: none */
	const char *details;  /* compact JSON object; NULL: "{}" */
};

struct store_audit_entry {
	int64_t seq;
	mc_time at;
	char *clerk;
	char *kind;
	char *dossier;        /* may be NULL */
	char *purpose;        /* may be NULL */
	char *details;
	char prev_hash[STORE_AUDIT_HASH_LEN + 1];
	char hash[STORE_AUDIT_HASH_LEN + 1];
	char mac[STORE_AUDIT_HASH_LEN + 1]; /* "" when written without the key; never shipped */
};

void store_audit_entry_release(struct store_audit_entry *e);
void store_audit_list_free(struct store_audit_entry *v, size_t n);

/*
 * Append one entry at `now`.  A "signin" entry makes its clerk the current
 * one; a "signout" entry ends it (later entries without a clerk say
 * "(không rõ)" / unknown).  *seq (when not NULL) gets the new entry's number.
 */
int store_audit_append(struct store *s, const struct store_audit_record *r, mc_time now,
		       int64_t *seq);

/* The clerk of the last sign-in not followed by a sign-out: malloc'd, or NULL. */
int store_audit_current_clerk(struct store *s, char **clerk);

/*
 * The last `limit` entries (limit <= 0: all) in sequence order; *out is a
 * malloc'd array (store_audit_list_free).  after > 0: only entries with
 * seq > after (then the FIRST `limit` of them).
 */
int store_audit_list(struct store *s, int64_t after, int64_t limit,
		     struct store_audit_entry **out, size_t *n);

/* Chain state: its id, the head, and how far the server has it. */
struct store_audit_state {
	char chain[33];       /* random hex id; "" before the first entry */
	int64_t head_seq;     /* 0 before the first entry */
	char head_hash[STORE_AUDIT_HASH_LEN + 1];
	int64_t shipped_seq;  /* the server holds 1..shipped_seq */
	int64_t total;        /* rows in the table */
	int64_t keyed_from;   /* first entry written with the audit key; 0 never, -1 older store */
	int64_t keyed_head;   /* the last entry written with it */
	char shipped_hash[STORE_AUDIT_HASH_LEN + 1]; /* the receipt: entry shipped_seq's
						      * hash as acknowledged; "" none */
	int64_t refused_seq;  /* > 0: the server refused the log's continuity there */
	char refused_why[160];/* the server's words (its bytes; show with core/visible) */
};
int store_audit_state(struct store *s, struct store_audit_state *out);

/* The server acknowledged entries up to `seq` (never moves backwards). */
int store_audit_mark_shipped(struct store *s, int64_t seq);

/*
 * The server's receipt: it holds entries up to `seq`, the last with `hash`
 * (NULL: not given; ours is taken).  Moves the shipped mark there and keeps
 * the hash (never backwards, never past the head).  1 when this log has no
 * entry `seq` or another hash there (the server holds another log: nothing
 * is marked), 0 marked (or nothing to move), -1 error.
 */
int store_audit_receipt(struct store *s, int64_t seq, const char *hash);

/* The server refused the log's continuity at `seq` for `why` (kept until a
 * later shipment is accepted); why NULL: it accepted, forget the refusal. */
int store_audit_set_refused(struct store *s, int64_t seq, const char *why);

/*
 * The anchor: what the log must still hold later, kept outside the file
 * (the app keeps it in the keyring, app/audit_anchor.h) so a tail cut
 * together with a rewrite of audit_state is seen.  The head written, the
 * server's receipt, and its refusal; all from audit_state.
 */
struct store_audit_anchor {
	char chain[33];
	int64_t head_seq;
	char head_hash[STORE_AUDIT_HASH_LEN + 1];
	int64_t shipped_seq;
	char shipped_hash[STORE_AUDIT_HASH_LEN + 1]; /* "" when no receipt */
	int64_t refused_seq;
};
int store_audit_anchor_get(struct store *s, struct store_audit_anchor *out);
/* 1 when the log still holds what `a` anchors (same chain; entries head_seq
 * and shipped_seq present with their hashes; head not behind), 0 when not,
 * -1 on error.  An anchor may only move forward over a log that holds it. */
int store_audit_anchor_holds(struct store *s, const struct store_audit_anchor *a);
/* "anchor1 CHAIN HEAD HEAD_HASH SHIPPED SHIPPED_HASH REFUSED" (malloc'd). */
char *store_audit_anchor_format(const struct store_audit_anchor *a);
/* Parse that text strictly: 0, or -1 (out zeroed). */
int store_audit_anchor_parse(const char *text, struct store_audit_anchor *out);

enum store_audit_problem {
	STORE_AUDIT_OK = 0,
	STORE_AUDIT_ALTERED,    /* an entry's content no longer matches its hash */
	STORE_AUDIT_REMOVED,    /* entries are missing (a gap, or the tail) */
	STORE_AUDIT_REORDERED,  /* an entry sits at another place than it was written */
	STORE_AUDIT_INSERTED,   /* an entry that was never part of the chain */
	STORE_AUDIT_KEY_LOST,   /* the file lost its record of the key the keyring holds:
				 * entries before the "key-record-lost" mark are unproven */
	STORE_AUDIT_REPLACED,   /* another chain than the one anchored */
	STORE_AUDIT_SERVER_REFUSED, /* the server refused the log's continuity (409) */
};

/* "ok", "altered", "removed", "reordered", "inserted", "key-record-lost",
 * "replaced", "server-refused" (static). */
const char *store_audit_problem_name(enum store_audit_problem p);

enum store_audit_keying {
	STORE_AUDIT_UNKEYED = 0,  /* never keyed (no Secret Service): order and accidents only */
	STORE_AUDIT_KEY_CHECKED,  /* keyed, and the tags were checked with the key */
	STORE_AUDIT_KEY_ABSENT,   /* keyed, but the key is not reachable: tags not checked */
};

/* "unkeyed", "keyed", "key-unavailable" (static). */
const char *store_audit_keying_name(enum store_audit_keying k);

/* Whether the end of the log could be checked against an anchor. */
enum store_audit_tail {
	STORE_AUDIT_TAIL_ANCHORED = 0, /* checked against the anchor */
	STORE_AUDIT_TAIL_UNVERIFIABLE, /* no anchor can be kept (no keyring): a cut tail
					* with a rewritten head would not show */
	STORE_AUDIT_TAIL_NEW,          /* none was kept yet: anchored from now on */
};

/* "anchored", "unverifiable", "anchored-now" (static). */
const char *store_audit_tail_name(enum store_audit_tail t);

struct store_audit_verdict {
	enum store_audit_problem problem;
	int64_t seq;          /* the first bad sequence number (0 when ok) */
	int64_t checked;      /* entries checked */
	char why[256];        /* one line, English */
	enum store_audit_keying keying;
	int64_t keyed_from;   /* as in store_audit_state */
	int64_t keyed_head;
	int64_t unkeyed;      /* entries no keyed tag covers (before keying, after the last) */
	char note[256];       /* one line about the keying, English; "" when nothing to say */
	enum store_audit_tail tail;
};

/*
 * Recompute the whole chain, then - when the store has its audit key - the
 * keyed state and every entry's tag.  Besides what the chain catches, a
 * rewrite without the key is "altered" (a tag or the keyed state does not
 * match, or the keying was removed) and a cut of keyed entries "removed".
 * A "key-record-lost" audit-key entry (store/protect.h: the file's record of
 * its key was removed while the keyring held it) fails verification at that
 * entry, with or without the key: what came before it is not proven.
 * 0 with *v filled in (ok or not), -1 on error.
 */
int store_audit_verify(struct store *s, struct store_audit_verdict *v);

/*
 * The same, then the tail against `anchor` (NULL: none can be kept; tail
 * is then STORE_AUDIT_TAIL_UNVERIFIABLE): another chain is "replaced"; a
 * log that ends before the anchored head or receipt is "removed"; another
 * entry at either is "altered"; the log's own receipt is checked the same
 * way.  Last, a refusal recorded in the file or the anchor is
 * "server-refused" at its seq.
 */
int store_audit_verify_anchored(struct store *s, const struct store_audit_anchor *anchor,
				struct store_audit_verdict *v);

/* ---- pure: the chain's arithmetic (also used by the sandbox's sink) ---- */

/* The first entry's prev_hash for a chain id. */
void store_audit_genesis(const char *chain, char out[STORE_AUDIT_HASH_LEN + 1]);

/* The canonical serialization of e (all but prev_hash and hash): malloc'd. */
char *store_audit_canonical(const struct store_audit_entry *e, size_t *len);

/* SHA-256(prev_hash || canonical(e)) in hex, from e->prev_hash. */
void store_audit_hash(const struct store_audit_entry *e, char out[STORE_AUDIT_HASH_LEN + 1]);

#endif
