/*
 * outbox_replay.h - sending the offline queue: each dossier's actions in
 * order, dossiers and sources in parallel, exactly once (doc/outbox.md).
 *
 * One net, one loop: outbox_replay_step() is called once per loop turn
 * (after net_poll(), outside any store batch).  It writes the outcomes of
 * the requests that finished since the last turn in one transaction, starts
 * what may start, and - before any action request is submitted - commits
 * the entries it sends as 'sending' (synchronous=FULL), so a crash after
 * the request left is always known on the next start.  Each entry moves
 * through an explicit job state machine:
 *
 *   LINK (token, session) -> [UPLOAD ...] -> [PROBE] -> MARK -> SEND -> FINISHED
 *
 * UPLOAD: result files, resumably, on dialects with uploads.  PROBE: a
 * detail read; before the first send of an action a dialect without
 * idempotency or versions could not recognise afterwards (its fingerprint
 * is stored with 'sending'), before resending an entry whose answer was
 * lost on a dialect without idempotency, and after a conflict that did not
 * carry the server's version.  Backoff with full jitter and Retry-After
 * (net_backoff_delay_ms), durable as the entry's next_at.
 *
 * Ownership: everything in the options is borrowed and must outlive the
 * replay.  The replay takes no link; the links keep tokens and sessions.
 * Not thread-safe.
 */
#ifndef MOTCUA_OUTBOX_REPLAY_H
#define MOTCUA_OUTBOX_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/error.h"
#include "core/status.h"
#include "net/net.h"
#include "sources/link.h"
#include "store/store.h"

struct outbox_replay;

/* What the replay tells its caller, one event per settled entry and per
 * problem (the front ends word them; no personal data). */
enum outbox_event_kind {
	OUTBOX_EV_DONE = 0,       /* entry applied at the system */
	OUTBOX_EV_CONFLICT,       /* the dossier changed at the system: the clerk decides */
	OUTBOX_EV_REFUSED,        /* the system refused it for good */
	OUTBOX_EV_WAITING,        /* the system cannot be reached now (err) */
	OUTBOX_EV_LOCKED,         /* another motcua is sending this store's queue */
	OUTBOX_EV_STORE,          /* the store failed (err) */
};
struct outbox_event {
	enum outbox_event_kind kind;
	int64_t id;                /* the entry; 0 for LOCKED, STORE, WAITING */
	const char *code;          /* the dossier; NULL likewise */
	enum action action;
	const char *system;        /* WAITING: the system */
	const struct mc_err *err;  /* CONFLICT, REFUSED, WAITING, STORE; else NULL */
};

struct outbox_replay_options {
	struct store *store;                /* required */
	struct net *net;                    /* required */
	/* The link of the system named `name` (borrowed; it carries the token,
	 * the session and the connector), or NULL when not configured: its
	 * entries wait (their last error says so). */
	struct source_link *(*find_link)(void *arg, const char *name);
	void *find_arg;
	/* Only system `only`'s entries are taken and waited for (borrowed;
	 * NULL: every system's): the others are not this replay's business,
	 * and are left as they are, not marked as waiting for a link. */
	const char *only;
	const char *actor;                  /* the official's name, sent; may be NULL */
	mc_time (*now)(void *arg);          /* NULL: time() */
	void *now_arg;
	unsigned max_jobs;                  /* entries in flight at once; 0: 64 */
	size_t chunk_bytes;                 /* upload chunk size; 0: 64 KiB */
	uint64_t backoff_base_ms;           /* 0: 1000 */
	uint64_t backoff_cap_ms;            /* 0: 300000 */
	/* Told of each settled entry and each problem; may be NULL. */
	void (*event)(void *ctx, const struct outbox_event *ev);
	void *event_ctx;
};

struct outbox_replay_stats {
	uint64_t applied;      /* done this run, by a send or by reading the server */
	uint64_t conflicts;
	uint64_t failed;
	uint64_t retries;      /* attempts that ended "try later" */
	uint64_t sends;        /* action requests */
	uint64_t probes;       /* detail reads */
	uint64_t uploads;      /* upload requests (create, offset, chunks) */
	uint64_t upload_resumed; /* uploads continued from a server offset > 0 */
	uint64_t requests;     /* all of the above plus tokens and logins not counted */
	uint64_t bytes_in, bytes_out; /* on the wire, the replay's own requests */
};

struct outbox_replay *outbox_replay_new(const struct outbox_replay_options *opt);
/*
 * Cancel what is in flight (their callbacks run inside this call, polling
 * the net) and free.  An action whose answer is lost that way stays
 * 'sending' and is resolved by the next replay.  NULL is fine.
 */
void outbox_replay_free(struct outbox_replay *r);

/*
 * One loop turn: flush finished outcomes, start ready entries.  Returns
 * the number of requests submitted, or -1 when the store failed (nothing
 * was sent that was not first marked).
 */
int outbox_replay_step(struct outbox_replay *r);

/* Jobs in flight or waiting for the next step. */
bool outbox_replay_busy(const struct outbox_replay *r);

/*
 * For one-shot commands (motcua sync, motcua queue send): step and poll
 * until nothing more can be sent now: returns 0 when no open entry is left
 * to send (conflicts and refusals may remain), 1 when entries wait for a
 * later time beyond max_wait_ms or for an unavailable source, or when
 * requests still in flight 5 minutes past max_wait_ms (a crawling link;
 * free the replay to cancel them), -1 on a store or net failure.
 */
int outbox_replay_run(struct outbox_replay *r, int64_t max_wait_ms);
/* The same, ending after limit_ms at the latest (0: max_wait_ms + 5 min). */
int outbox_replay_run_limit(struct outbox_replay *r, int64_t max_wait_ms, int64_t limit_ms);

void outbox_replay_get_stats(const struct outbox_replay *r, struct outbox_replay_stats *out);

#endif
