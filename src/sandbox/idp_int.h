/*
 * idp_int.h - what the files of the sandbox's OpenID provider share (not an
 * API: only src/sandbox/idp*.c include it; everyone else uses idp.h).
 *
 *   idp.c         the façade: idp_new/idp_free, the routes, the response helpers
 *   idp_state.c   what the provider holds in memory: random secrets and user
 *                 codes, sign-in families, the token table, pending devices,
 *                 the sweep of expired entries
 *   idp_device.c  discovery, the device authorization endpoint and the
 *                 verification page the phone shows (approve / deny)
 *   idp_token.c   the token endpoint: device code, refresh (rotation, reuse
 *                 revokes the family) and token exchange grants
 *   idp_check.c   what a presented token is worth: idp_check_token(),
 *                 userinfo, revocation
 */
#ifndef MOTCUA_SBX_IDP_INT_H
#define MOTCUA_SBX_IDP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/civil.h"
#include "sandbox/http.h"
#include "sandbox/idp.h"

#define IDP_GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
#define IDP_GRANT_REFRESH "refresh_token"
#define IDP_GRANT_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"

#define IDP_USER_CODE_LEN 8

/* The synthetic official who approves sign-ins (see doc/sandbox.md). */
struct idp_account {
	const char *sub;
	const char *tech_id;
	int loai_tai_khoan;
	const char *ho_va_ten;
	const char *so_dinh_danh;
	const char *ngay_sinh;
};

/* The synthetic official who approves every sign-in (idp_state.c). */
extern const struct idp_account idp_sandbox_official;

enum idp_device_state { IDP_DEV_PENDING, IDP_DEV_APPROVED, IDP_DEV_DENIED };

struct idp_device {
	char *device_code;
	char user_code[IDP_USER_CODE_LEN + 1]; /* normalised: no dash */
	char *client_id;
	char *scope;
	mc_time expires_at;
	mc_time last_poll; /* -1 before the first poll */
	int interval;
	enum idp_device_state state;
	struct idp_device *next;
};

/* One sign-in: every token issued from it points here. */
struct idp_family {
	unsigned refs;
	bool revoked;
	const struct idp_account *account;
	char *client_id;
	char *scope;
	mc_time auth_time;
};

enum idp_tok_kind { IDP_TOK_ACCESS, IDP_TOK_REFRESH };

struct idp_tok {
	char *value;
	enum idp_tok_kind kind;
	struct idp_family *fam;
	char *audience; /* access tokens: the issuer (userinfo) or a system name */
	mc_time expires_at;
	bool rotated;   /* refresh tokens already exchanged for a new one */
	struct idp_tok *next;
};

struct idp_sys {
	char *name, *dialect, *title, *base_url;
};

struct idp {
	char *issuer;
	struct idp_sys *systems;
	size_t n_systems;
	int interval, device_ttl, access_ttl, refresh_ttl;
	uint64_t prng;
	unsigned char id_token_key[32];

	struct idp_device *devices;
	size_t n_devices;

	struct idp_tok **buckets;
	size_t n_buckets;
	size_t n_tokens;
	mc_time next_sweep;
};

/* ---- idp_state.c ------------------------------------------------------- */

/* base64url without padding into out (NUL-terminated, cut at out_size). */
size_t idp_base64url(const unsigned char *in, size_t len, char *out, size_t out_size);
/* base64url of a string; malloc'd. */
char *idp_b64url_str(const char *s);
/* "prefix" + 43 base64url characters of 32 random bytes; malloc'd. */
char *idp_new_secret(const char *prefix);
/* A fresh user code (seeded PRNG) no pending device has; normalised. */
void idp_new_user_code(struct idp *idp, char out[IDP_USER_CODE_LEN + 1]);
/* Client ids: "motcua" or anything that looks registered ([A-Za-z0-9._-]{1,64}). */
bool idp_client_id_ok(const char *id);

/* A new sign-in with no references yet (tokens and callers take them). */
struct idp_family *idp_family_new(const struct idp_account *acct, const char *client_id,
				  const char *scope, mc_time now);
/* Drop one reference; frees at zero.  NULL is fine. */
void idp_family_unref(struct idp_family *f);
/* End the sign-in: every token of the family fails from now on. */
void idp_revoke_family(struct idp_family *fam);

/* Issue a token of `fam`; the table takes a reference.  Borrowed result. */
struct idp_tok *idp_tok_issue(struct idp *idp, struct idp_family *fam, enum idp_tok_kind kind,
			      const char *audience, mc_time expires_at);
/* The token with this value (any state), or NULL.  Borrowed. */
struct idp_tok *idp_tok_find(struct idp *idp, const char *value);
void idp_tok_free(struct idp_tok *t);

/* Pending devices by user code as typed, or by device code; NULL when none. */
struct idp_device *idp_device_by_user_code(struct idp *idp, const char *typed);
struct idp_device *idp_device_by_code(struct idp *idp, const char *code);
/* Unlink and free a device. */
void idp_device_remove(struct idp *idp, struct idp_device *victim);
void idp_device_free(struct idp_device *d);

/* Drop expired tokens and devices, at most every 30 s unless force. */
void idp_sweep(struct idp *idp, mc_time now, bool force);

/* ---- idp.c: responses -------------------------------------------------- */

/* Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1). */
void idp_no_store(struct sbx_response *resp);
/* An OAuth error body (no-store included). */
void idp_oauth_error(struct sbx_response *resp, int status, const char *code,
		     const char *desc);
/* The issuer + path; malloc'd. */
char *idp_url(const struct idp *idp, const char *path);

/* ---- route handlers ---------------------------------------------------- */

/* idp_device.c */
void idp_handle_discovery(struct idp *idp, struct sbx_response *resp);
void idp_handle_device_authorization(struct idp *idp, const struct sbx_request *req,
				     struct sbx_response *resp);
void idp_handle_device_page(struct idp *idp, const struct sbx_request *req,
			    struct sbx_response *resp);
/* idp_token.c */
void idp_handle_token(struct idp *idp, const struct sbx_request *req,
		      struct sbx_response *resp);
/* idp_check.c */
void idp_handle_userinfo(struct idp *idp, const struct sbx_request *req,
			 struct sbx_response *resp);
void idp_handle_revoke(struct idp *idp, const struct sbx_request *req,
		       struct sbx_response *resp);
/* A live access token (not expired, family not revoked), or NULL.  Borrowed. */
struct idp_tok *idp_live_access_token(struct idp *idp, const char *value, mc_time now);

#endif
