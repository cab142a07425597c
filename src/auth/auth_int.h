/*
 * auth_int.h - what the files of the sign-in client (auth*.c) share: the
 * struct auth itself, the `op` record every public operation moves through,
 * and the steps one job hands to another (discovery, refresh, userinfo,
 * the token reader).  Not an API: nothing outside src/auth/auth*.c includes
 * it; everyone else uses auth.h.
 *
 * How an op moves: a public entry point (auth.h) makes an op with
 * auth_op_new(), then chains steps.  auth_send() puts one request in flight
 * for the op; its reply comes back through the op's auth_reply_fn from inside
 * net_poll().  Steps that wait for another job (auth_discover_then(),
 * auth_refresh(), auth_userinfo()) take the auth_step_fn to continue with.
 * The op ends, exactly once, through auth_finish() or auth_finish_step(),
 * which report to the caller's callback and free the op.
 *
 * Which file does what:
 *   auth.c            the façade: lifecycle, status texts, state, cancel
 *   auth_op.c         op records and their HTTP requests and replies
 *   auth_discovery.c  the discovery document and the list of systems
 *   auth_token.c      token responses, storing the refresh token, userinfo
 *   auth_refresh.c    the single-flight refresh with the cross-process lock;
 *                     resuming a stored sign-in
 *   auth_device.c     the device authorization grant (sign-in)
 *   auth_exchange.c   per-system tokens by token exchange, their cache
 *   auth_revoke.c     sign-out and revocation
 */
#ifndef MOTCUA_AUTH_INT_H
#define MOTCUA_AUTH_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "auth/auth.h"
#include "auth/keyring.h"
#include "core/civil.h"
#include "net/net.h"

#define AUTH_GRANT_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"

/* One system a token can be exchanged for, and its cached token. */
struct auth_sys {
	char *name, *audience, *base_url, *title;
	char *dialect;            /* NULL: the provider did not say */
	char *token;
	mc_time expires_at, issued_at;
};

enum auth_op_kind {
	AUTH_OP_DISCOVER,
	AUTH_OP_SIGN_IN,
	AUTH_OP_RESUME,
	AUTH_OP_TOKEN,
	AUTH_OP_SIGN_OUT,
};

struct auth_op;
/* A continuation: what to do once discovery, a refresh or userinfo is over. */
typedef void auth_step_fn(struct auth_op *op, enum auth_status status, const char *detail);

/* A reply as the steps read it; everything is borrowed for the call only. */
struct auth_reply {
	enum net_result result;
	long status;
	const char *reason;   /* net reason or HTTP status text */
	json_t *json;         /* parsed body or NULL (borrowed) */
	const char *error;    /* OAuth "error" or NULL */
};
typedef void auth_reply_fn(struct auth_op *op, const struct auth_reply *r);

struct auth_op {
	struct auth *a;
	enum auth_op_kind kind;
	auth_done_fn *done;
	auth_token_fn *token_done;
	auth_prompt_fn *prompt;
	void *arg;
	char *system;

	auth_reply_fn *on_reply;
	struct net_request *req;  /* in flight (our reference) */
	auth_step_fn *after;      /* continuation after discover/refresh */

	/* device sign-in */
	char *device_code;
	int interval;
	mc_time deadline;
	unsigned failures;

	/* refresh */
	char *sent_rt;
	bool rt_reread;
	/* token exchange */
	bool exchange_retried;
	/* sign-out */
	bool revoked;

	struct auth_op *next_waiter;
	struct auth_op *next, *prev;   /* all live ops */
};

struct auth {
	struct net *net;
	enum mc_errc transport;         /* the last failed request's (auth_transport_errc) */
	struct auth_keyring *keyring;   /* borrowed */
	struct auth_keyring *fallback;  /* ours, after the keyring failed to store */
	char *issuer, *client_id, *scope, *lock_path;
	mc_time (*now_fn)(void *);
	void *now_arg;

	bool discovered, can_exchange;
	char *device_ep, *token_ep, *userinfo_ep, *revoke_ep;

	struct auth_sys *systems;
	size_t n_systems;

	char *access;            /* the provider's own access token */
	mc_time access_expires_at, access_issued_at;
	char *name, *subject, *account;

	bool refreshing;
	struct auth_op *refresh_waiters;
	int lock_fd;

	struct auth_op *ops;
	size_t n_ops;
	char detail[256];
};

/* A token response (RFC 6749 §5.1), strings borrowed from its JSON. */
struct auth_tokens {
	const char *access;
	const char *refresh;  /* may be NULL: the provider did not rotate */
	const char *id_token; /* may be NULL */
	long expires_in;
};

/* ---- auth.c: small helpers ------------------------------------------- */

/* The clock (the options' seam, else time()). */
mc_time auth_now(const struct auth *a);
/* A malloc'd copy of s without trailing '/'. */
char *auth_strip_slash(const char *s);
/* Wipe and free *slot, then put a copy of value (NULL: nothing) there. */
void auth_replace_secret(char **slot, const char *value);
/* The keyring in use: the in-memory fallback once the real one refused. */
struct auth_keyring *auth_active_keyring(struct auth *a);
/* Wipe every access token held (provider's and systems'). */
void auth_wipe_tokens(struct auth *a);
/* Format one string into a->detail and return it (valid until the next say). */
const char *auth_say(struct auth *a, const char *fmt, const char *s);

/* ---- auth_op.c: ops and their requests --------------------------------- */

/* A new op on a's list of live ops (auth_busy() is true until it ends). */
struct auth_op *auth_op_new(struct auth *a, enum auth_op_kind kind, void *arg);
/* Report to the op's callback (token only with AUTH_OK) and free the op. */
void auth_finish(struct auth_op *op, enum auth_status st, const char *token,
		 const char *detail);
/* auth_finish() without a token; has the shape of an auth_step_fn. */
void auth_finish_step(struct auth_op *op, enum auth_status st, const char *detail);

/* Three attempts with backoff, for requests safe to repeat. */
extern const struct net_retry_policy auth_retry_idempotent;

/*
 * Submit a request for `op`; fn gets the reply.  form: name/value pairs,
 * NULL-terminated (NULL form: no body; a NULL value skips its pair).
 * bearer may be NULL.  retry NULL: one attempt.
 */
void auth_send(struct auth_op *op, const char *method, const char *url, const char *kind,
	       const char *bearer, const char *const *form, uint64_t delay_ms,
	       const struct net_retry_policy *retry, auth_reply_fn *fn);
/* A failure that says nothing about the grant: the network or a busy server. */
bool auth_transient(const struct auth_reply *r);
/* A short reason for a failed reply, in a->detail. */
const char *auth_reply_reason(struct auth *a, const struct auth_reply *r);

/* ---- auth_discovery.c -------------------------------------------------- */

bool auth_is_http_url(const char *s);
/* The system by name, or NULL.  Borrowed from a. */
struct auth_sys *auth_find_system(struct auth *a, const char *name);
/* Fetch the discovery document unless done already, then continue with after. */
void auth_discover_then(struct auth_op *op, auth_step_fn *after);

/* ---- auth_token.c ------------------------------------------------------ */

/* Read a token response (RFC 6749 §5.1).  0, or -1 with *why (static). */
int auth_parse_tokens(json_t *j, struct auth_tokens *t, const char **why);
/* The subject of an id_token (unverified; labels the keyring item), or NULL. */
char *auth_id_token_subject(const char *jwt);
/* Take t's access token as the provider's own, issued now. */
void auth_set_access(struct auth *a, const struct auth_tokens *t);
/*
 * Store a (new) refresh token before the tokens that came with it are used;
 * *notice (static or NULL) says when it could only be kept in memory.
 */
enum auth_status auth_persist_refresh(struct auth *a, const char *rt, const char **notice);
/* Ask userinfo who signed in (never fails the op), then continue with after. */
void auth_userinfo(struct auth_op *op, auth_step_fn *after);

/* ---- auth_refresh.c ---------------------------------------------------- */

/*
 * Refresh the sign-in with the stored refresh token (single-flight, under the
 * lock file), then continue with after; ops arriving meanwhile wait for it.
 */
void auth_refresh(struct auth_op *op, auth_step_fn *after);

#endif
