/*
 * auth.h - signing the official in once, and every system's token after.
 *
 * OpenID Connect discovery from the issuer URL; the device authorization
 * grant (RFC 8628) for the sign-in itself; a refresh token that rotates,
 * kept in the keyring (keyring.h) and re-read from it before every refresh;
 * per-system access tokens by token exchange (RFC 8693) with each system's
 * audience (from the discovery's "motcua_systems" or added by the caller);
 * revocation (RFC 7009) at sign-out.  The retry rules for a refresh whose
 * answer was lost, and why, are in doc/auth.md.
 *
 * Asynchronous on the caller's net (net.h): every operation submits requests
 * and reports through its callback from inside net_poll().  A callback may
 * also run before the call returns when no request is needed (a cached
 * token, a missing discovery endpoint).  One refresh at a time: concurrent
 * requests for tokens wait for the refresh in flight, and with a lock file
 * (auth_options.lock_path) other motcua processes wait too, so two processes
 * never spend the same refresh token (which the provider would read as theft).
 *
 * What it does not do: draw anything (the CLI and the UI show the prompt, the
 * QR code comes from qr.h), know the store or the offline queue (a revoked
 * sign-in never touches them), or decide the screen lock (lock.h).  Tokens
 * are never logged, put in argv or the environment; they are wiped when
 * replaced and at auth_free().
 */
#ifndef MOTCUA_AUTH_H
#define MOTCUA_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/keyring.h"
#include "core/civil.h"
#include "net/net.h"

enum auth_status {
	AUTH_OK = 0,
	AUTH_NO_SESSION,    /* nothing stored: sign in (motcua login) */
	AUTH_REVOKED,       /* the provider ended the sign-in: sign in again */
	AUTH_EXPIRED,       /* the device code expired before approval: new code */
	AUTH_DENIED,        /* the official refused the sign-in */
	AUTH_OFFLINE,       /* provider unreachable or failing; nothing lost, retry later */
	AUTH_UNSUPPORTED,   /* the provider lacks what this needs (device grant, exchange) */
	AUTH_UNKNOWN_SYSTEM,/* no such system, or the provider will not issue for it */
	AUTH_PROTOCOL,      /* the provider answered something unexpected */
	AUTH_KEYRING,       /* the keyring failed */
	AUTH_CANCELLED,     /* auth_cancel() */
};

/* A stable machine name ("offline", "no-session"...); static, "?" if unknown. */
const char *auth_status_name(enum auth_status status);

struct auth_options {
	const char *issuer;     /* required; trailing '/' ignored */
	const char *client_id;  /* default "motcua" */
	const char *scope;      /* default "openid profile offline_access" */
	/* A file used with flock() around refreshes, shared by motcua processes
	 * of this user; NULL: no cross-process lock. */
	const char *lock_path;
	/* Clock seam for tests; NULL: time(). */
	mc_time (*now)(void *arg);
	void *now_arg;
};

struct auth;

/* net and keyring are borrowed and must outlive the auth.  Never NULL. */
struct auth *auth_new(struct net *net, struct auth_keyring *keyring,
		      const struct auth_options *opt);

/*
 * Wipes every token held in memory and frees.  Must not be called while an
 * operation is pending (auth_busy()): call auth_cancel() and poll the net
 * until auth_busy() is false first.  NULL is fine.
 */
void auth_free(struct auth *auth);

/* Whether any operation is waiting for the network. */
bool auth_busy(const struct auth *auth);

/* Cancel everything pending; callbacks then report AUTH_CANCELLED. */
void auth_cancel(struct auth *auth);

/*
 * Done callback.  `detail` is a short reason for logs and messages (borrowed,
 * may be NULL; never a token).
 */
typedef void auth_done_fn(struct auth *auth, enum auth_status status, const char *detail,
			  void *arg);

/* Fetch the discovery document (done once per auth; later calls are cached). */
void auth_discover(struct auth *auth, auth_done_fn *done, void *arg);

/* What to show the official while the device sign-in waits.  Borrowed. */
struct auth_device_prompt {
	const char *user_code;
	const char *verification_uri;
	const char *verification_uri_complete; /* may be NULL */
	int expires_in;                        /* s */
	int interval;                          /* s, 5 when the provider said nothing */
};
typedef void auth_prompt_fn(struct auth *auth, const struct auth_device_prompt *prompt,
			    void *arg);

/*
 * Device sign-in: discovery, a device code (prompt is called once with it),
 * polling at the interval (+5 s on slow_down, backing off on timeouts and
 * server errors), then the refresh token is stored in the keyring before
 * anything else uses the new tokens, and userinfo names the official.
 * Ends with AUTH_OK, AUTH_EXPIRED (start again for a new code), AUTH_DENIED,
 * AUTH_OFFLINE, AUTH_UNSUPPORTED, AUTH_PROTOCOL or AUTH_KEYRING.
 */
void auth_sign_in(struct auth *auth, auth_prompt_fn *prompt, auth_done_fn *done, void *arg);

/*
 * Resume a sign-in from the keyring: refresh (rotating the stored token) and
 * ask userinfo who it is.  AUTH_OK, AUTH_NO_SESSION, AUTH_REVOKED (the stored
 * token was removed), AUTH_OFFLINE (the stored token was kept), ...
 */
void auth_resume(struct auth *auth, auth_done_fn *done, void *arg);

/*
 * A token for one system (by name), from the cache while it has more than a
 * fifth of its life left, else by token exchange (refreshing the sign-in
 * first when needed).  `token` is borrowed: valid until the next call into
 * this auth; NULL unless status is AUTH_OK.
 */
typedef void auth_token_fn(struct auth *auth, enum auth_status status, const char *token,
			   const char *detail, void *arg);
void auth_system_token(struct auth *auth, const char *system, auth_token_fn *done, void *arg);

/* The system refused its token (401): forget it, so the next call exchanges anew. */
void auth_invalidate(struct auth *auth, const char *system);

/*
 * Add (or update) a system the discovery did not list, e.g. from a source
 * profile.  audience NULL: the name.  base_url may be NULL.
 */
void auth_add_system(struct auth *auth, const char *name, const char *audience,
		     const char *base_url);

/*
 * Sign out: revoke the refresh token at the provider when it has a
 * revocation endpoint and answers, then remove it from the keyring and wipe
 * every token from memory whatever the provider said.  AUTH_OK when revoked
 * (or nothing was stored), AUTH_OFFLINE when only the local copy was removed.
 */
void auth_sign_out(struct auth *auth, auth_done_fn *done, void *arg);

/* ---- state, for `motcua doctor` and the status bar ---------------------- */

struct auth_system_info {
	const char *name;
	const char *audience;
	const char *base_url;       /* may be NULL */
	const char *title;          /* may be NULL */
	/* The connector dialect the provider names for it ("tuphap"); NULL when
	 * it did not say or said something no connector could be called (then
	 * the name is the dialect).  Never set by auth_add_system(). */
	const char *dialect;
	mc_time token_expires_at;   /* 0: no token held */
};

struct auth_info {
	bool signed_in;             /* holds a live provider access token */
	bool persistent;            /* the refresh token survives this process */
	const char *issuer;
	const char *name;           /* HoVaTen or name from userinfo; may be NULL */
	const char *subject;        /* sub; may be NULL */
	mc_time access_expires_at;  /* 0 when none */
	bool can_exchange;          /* the provider offers token exchange */
	size_t n_systems;
};

/* Borrowed strings, valid until the next call into this auth. */
void auth_get_info(const struct auth *auth, struct auth_info *info);
/* How the provider's last failed request failed: MC_E_NETWORK, or the
 * MC_E_INSECURE / MC_E_TLS_* of its certificate (net_response_errc()). */
enum mc_errc auth_transport_errc(const struct auth *auth);
int auth_get_system(const struct auth *auth, size_t i, struct auth_system_info *info);

/*
 * Make jansson wipe what it frees (tokens pass through parsed JSON) and cut
 * the documents parsed in an arena from chunks (core/jsonmem.h).  Call once,
 * before the first document that may hold a secret; process-wide.
 */
void auth_json_wipe_on_free(void);

#endif
