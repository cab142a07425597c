/*
 * idp.h - the sandbox's OpenID provider for officials.
 *
 * Serves OpenID Connect discovery, the device authorization grant (RFC 8628),
 * refresh tokens that rotate (reuse of an old one revokes the whole family),
 * token exchange (RFC 8693) issuing per-system access tokens, userinfo,
 * revocation (RFC 7009) and a verification page.  Tokens are opaque random
 * strings held in memory; each access token carries one audience, and
 * idp_check_token() is how every simulated system refuses a token meant for
 * another.
 *
 * Paths (under the sandbox's base URL, which is the issuer):
 *   GET  /.well-known/openid-configuration
 *   POST /oidc/device_authorization, POST /oidc/token, GET /oidc/userinfo,
 *   POST /oidc/revoke, GET|POST /oidc/device (verification page)
 * The discovery document also lists the sandbox's systems and base URLs under
 * "motcua_systems", so a client needs nothing but the issuer URL.
 */
#ifndef MOTCUA_SBX_IDP_H
#define MOTCUA_SBX_IDP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "sandbox/http.h"

/* One simulated system, as published in discovery. */
struct idp_system {
	const char *name;     /* "tuphap"; also the token audience */
	const char *dialect;  /* "tuphap" */
	const char *path;     /* "/tuphap" (appended to the issuer for base_url) */
	const char *title;    /* "Hệ thống thông tin ... Bộ Tư pháp" */
};

struct idp_config {
	const char *issuer;              /* "http://127.0.0.1:8080" (no trailing /) */
	const struct idp_system *systems;
	size_t n_systems;
	uint64_t seed;                   /* deterministic codes and tokens */
	int interval;                    /* device poll interval, s (default 5) */
	int device_code_ttl;             /* s (default 600) */
	int access_token_ttl;            /* s (default 900) */
	int refresh_token_ttl;           /* s (default 8 h) */
};

struct idp;

/* Copies what it needs from cfg. */
struct idp *idp_new(const struct idp_config *cfg);
void idp_free(struct idp *idp);

/*
 * Handle a request if its path belongs to the provider: returns true and fills
 * resp, else false and leaves resp alone.
 */
bool idp_handle(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp);

/*
 * Validate "Authorization: Bearer X" for `audience` at req->now.  Returns 0 and
 * sets *subject (borrowed, may be NULL) when valid; -1 with resp filled as a
 * 401 (WWW-Authenticate: Bearer error="invalid_token") otherwise (missing,
 * unknown, expired, revoked, or issued for another audience).
 */
int idp_check_token(struct idp *idp, const struct sbx_request *req, const char *audience,
		    const char **subject, struct sbx_response *resp);

/* What the control API and trainers use: approve or deny a pending user code
 * (case- and dash-insensitive) as the phone would.  0 ok, -1 no such code. */
int idp_approve(struct idp *idp, const char *user_code, mc_time now);
int idp_deny(struct idp *idp, const char *user_code, mc_time now);

#endif
