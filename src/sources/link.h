/*
 * link.h - one system as every job reaches it: its token, then its session
 * login where the dialect has one, then ready; with a backoff after a
 * failure and the failure kept as a code (core/error.h).
 *
 *     IDLE --want--> TOKEN --token--> [LOGIN] --> READY
 *                      |                 |          |
 *                      +-- failed -------+--> DOWN  +-- refused (401, dead session)
 *                                           (until      --> IDLE (renew), or DOWN
 *                                            backoff)       after 3 in a row
 *
 * The pull (src/sync), the replay of the queue and the audit log's shipping
 * (src/outbox), attachment downloads and `motcua doctor` all reach a system
 * through its one link, so a token is exchanged and a session opened once
 * for all of them, and a system that is down is down for all of them.
 *
 * The link owns its connector (struct source) and uses the connector's own
 * login request and parser, so it knows nothing of any dialect.  It never
 * reads the clock itself (options.now) and never retries on its own: a job
 * that finds the link down decides when to ask again (source_link_retry_at).
 *
 * Ownership: source_link_new() takes the source; the options' net and
 * tokens are borrowed and must outlive the link.  One loop, no threads.
 */
#ifndef MOTCUA_SOURCES_LINK_H
#define MOTCUA_SOURCES_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/error.h"
#include "net/net.h"
#include "sources/source.h"

/*
 * Where tokens come from (the sign-in in the program, a fixed map in tests).
 * get() calls done exactly once, possibly before it returns, with the token
 * (borrowed for the call) or NULL and why.
 */
typedef void source_token_fn(void *arg, const char *token, const struct mc_err *why);
struct source_tokens {
	void (*get)(void *ctx, const char *system, source_token_fn *done, void *arg);
	void (*invalidate)(void *ctx, const char *system); /* may be NULL */
	void *ctx;
};

enum source_link_state {
	SOURCE_LINK_IDLE = 0,
	SOURCE_LINK_TOKEN,   /* a token asked for */
	SOURCE_LINK_LOGIN,   /* the session login in flight */
	SOURCE_LINK_READY,
	SOURCE_LINK_DOWN,    /* until retry_at; the error says why */
};

struct source_link_options {
	struct net *net;                    /* required */
	const struct source_tokens *tokens; /* NULL: no token is asked for (tests set
	                                       the source's token themselves) */
	mc_time (*now)(void *arg);          /* NULL: time() */
	void *now_arg;
	int64_t backoff_min_s;              /* first wait after a failure; 0: 5 */
	int64_t backoff_max_s;              /* the longest; 0: 300 */
};

struct source_link;

struct source_link *source_link_new(struct source *src, const struct source_link_options *opt);
/* Cancels the login in flight; waiters are dropped without a call.  NULL is fine. */
void source_link_free(struct source_link *l);

struct source *source_link_source(const struct source_link *l);
const char *source_link_name(const struct source_link *l);
enum source_link_state source_link_state(const struct source_link *l);

/*
 * A job wants the system ready: fn(arg, link, NULL) once it is, or
 * fn(arg, link, err) when it cannot be now (err borrowed for the call).
 * Called at once when the link is READY or DOWN, else when the token and
 * login are done.  `arg` identifies the waiter for source_link_forget().
 */
typedef void source_link_fn(void *arg, struct source_link *l, const struct mc_err *err);
void source_link_want(struct source_link *l, source_link_fn *fn, void *arg);
/* The waiter `arg` goes away: it will not be called. */
void source_link_forget(struct source_link *l, void *arg);

/*
 * A request of a job was refused for its token or session (401/403, a dead
 * session): both are dropped and fetched anew at the next want().  After
 * three refusals in a row the link goes DOWN (MC_E_TOKEN_REFUSED).  Returns
 * true when the job may try once more now.
 */
bool source_link_refused(struct source_link *l);

/*
 * What one answer of the system says about it: online when it answered
 * (a transport success below HTTP 500); an answer below 400 also ends any
 * backoff and the refusal count (a system that answers is not down).
 */
void source_link_answered(struct source_link *l, const struct net_response *resp);

/* Whether the last contact succeeded (the status bar's online mark). */
bool source_link_online(const struct source_link *l);

/* The last failure (code MC_OK when none since the last success). */
const struct mc_err *source_link_error(const struct source_link *l);
/* When a DOWN link may be tried again (0 when it is not down). */
mc_time source_link_retry_at(const struct source_link *l);
/* The clerk asked for it (sync now): a DOWN link is tried at the next want(). */
void source_link_retry_now(struct source_link *l);

#endif
