/*
 * idp_check.c - what a presented token is worth at the sandbox provider:
 * idp_check_token(), with which every simulated system refuses a token that
 * is missing, unknown, expired, revoked or meant for another audience (RFC
 * 6750 challenges); the userinfo endpoint; and revocation (RFC 7009: a
 * refresh token ends its sign-in, an access token only itself).
 *
 * It issues nothing (idp_token.c does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/idp_int.h"

/* A live access token (not expired, family not revoked), or NULL. */
struct idp_tok *
idp_live_access_token(struct idp *idp, const char *value, mc_time now)
{
	struct idp_tok *t = value != NULL ? idp_tok_find(idp, value) : NULL;

	if (t == NULL || t->kind != IDP_TOK_ACCESS || t->expires_at <= now || t->fam->revoked)
		return NULL;
	return t;
}

static void
bearer_challenge(struct sbx_response *resp, const char *realm, const char *error,
		 const char *desc)
{
	char hdr[256];

	if (error != NULL)
		snprintf(hdr, sizeof hdr, "Bearer realm=\"%s\", error=\"%s\", error_description=\"%s\"",
			 realm, error, desc);
	else
		snprintf(hdr, sizeof hdr, "Bearer realm=\"%s\"", realm);
	sbx_response_oauth_error(resp, 401, error != NULL ? error : "invalid_token", desc);
	sbx_response_header(resp, "WWW-Authenticate", hdr);
}

int
idp_check_token(struct idp *idp, const struct sbx_request *req, const char *audience,
		const char **subject, struct sbx_response *resp)
{
	const char *bearer = sbx_request_bearer(req);
	struct idp_tok *t;

	idp_sweep(idp, req->now, false);
	if (bearer == NULL) {
		/* RFC 6750 §3.1: no error code when the request carried no token. */
		bearer_challenge(resp, audience, NULL, "a Bearer access token is required");
		return -1;
	}
	t = idp_live_access_token(idp, bearer, req->now);
	if (t == NULL) {
		bearer_challenge(resp, audience, "invalid_token",
				 "the access token is unknown, expired or revoked");
		return -1;
	}
	if (strcmp(t->audience, audience) != 0) {
		bearer_challenge(resp, audience, "invalid_token",
				 "the access token was issued for another audience");
		return -1;
	}
	if (subject != NULL)
		*subject = t->fam->account->sub;
	return 0;
}

void
idp_handle_userinfo(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *sub = NULL;
	const struct idp_account *a = &idp_sandbox_official;

	if (idp_check_token(idp, req, idp->issuer, &sub, resp) != 0)
		return;
	sbx_response_json(resp, 200,
			  json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "sub", a->sub, "name",
				    a->ho_va_ten, "TechID", a->tech_id, "LoaiTaiKhoan",
				    a->loai_tai_khoan, "HoVaTen", a->ho_va_ten, "SoDinhDanh",
				    a->so_dinh_danh, "NgayThangNamSinh", a->ngay_sinh));
	idp_no_store(resp);
}

/*
 * RFC 7009: revoking a refresh token ends its whole sign-in; revoking an
 * access token ends that token only.  Unknown tokens get 200 too (§2.2).
 */
void
idp_handle_revoke(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *value = sbx_form_value(req, "token");
	struct idp_tok *t;

	if (value == NULL) {
		idp_oauth_error(resp, 400, "invalid_request", "token is required");
		goto out;
	}
	t = idp_tok_find(idp, value);
	if (t != NULL && t->kind == IDP_TOK_REFRESH)
		idp_revoke_family(t->fam);
	else if (t != NULL)
		t->expires_at = req->now; /* swept later; live checks fail from now */
	sbx_response_text(resp, 200, "text/plain; charset=utf-8", "");
	idp_no_store(resp);
out:
	xfree_secret(value);
}
