/*
 * idp_token.c - the sandbox provider's token endpoint: the device code grant
 * (pending, slow_down, expired, denied, or the sign-in's first tokens with
 * an HS256 id_token), the refresh grant (each refresh token is good once;
 * presenting a rotated one revokes the whole sign-in, as the OAuth Security
 * BCP asks), and token exchange (RFC 8693) of the provider's own access
 * token for one system's audience.
 *
 * It does not check tokens presented to the systems or userinfo
 * (idp_check.c) nor keep the tables itself (idp_state.c).
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/idp_int.h"

#define SLOW_DOWN_STEP 5      /* RFC 8628 §3.5 */
#define MAX_TOKENS 200000     /* live access + refresh tokens */
#define TOKEN_TYPE_ACCESS "urn:ietf:params:oauth:token-type:access_token"

static char *
make_id_token(struct idp *idp, const struct idp_family *fam, mc_time now)
{
	json_t *hdr = json_pack("{s:s, s:s}", "alg", "HS256", "typ", "JWT");
	json_t *claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "iss", idp->issuer,
				   "sub", fam->account->sub, "aud", fam->client_id, "iat",
				   (json_int_t)now, "exp", (json_int_t)(now + idp->access_ttl),
				   "auth_time", (json_int_t)fam->auth_time, "name",
				   fam->account->ho_va_ten);
	char *h = json_dumps(hdr, JSON_COMPACT | JSON_SORT_KEYS);
	char *c = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
	char *eh = idp_b64url_str(h), *ec = idp_b64url_str(c);
	size_t n = strlen(eh) + strlen(ec) + 2 + 64;
	char *jwt = xmalloc(n);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char sig[64];
	size_t signed_len;

	snprintf(jwt, n, "%s.%s", eh, ec);
	signed_len = strlen(jwt);
	HMAC(EVP_sha256(), idp->id_token_key, sizeof idp->id_token_key,
	     (const unsigned char *)jwt, signed_len, mac, &mac_len);
	idp_base64url(mac, mac_len, sig, sizeof sig);
	snprintf(jwt + signed_len, n - signed_len, ".%s", sig);
	json_decref(hdr);
	json_decref(claims);
	free(h);
	free(c);
	free(eh);
	free(ec);
	return jwt;
}

/* Access token for the provider itself (userinfo, token exchange) + rotated refresh. */
static void
issue_sign_in_tokens(struct idp *idp, struct idp_family *fam, mc_time now, bool with_id_token,
		     struct sbx_response *resp)
{
	struct idp_tok *at =
		idp_tok_issue(idp, fam, IDP_TOK_ACCESS, idp->issuer, now + idp->access_ttl);
	struct idp_tok *rt = idp_tok_issue(idp, fam, IDP_TOK_REFRESH, NULL, now + idp->refresh_ttl);
	json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:s}", "access_token", at->value,
				 "token_type", "Bearer", "refresh_token", rt->value, "expires_in",
				 idp->access_ttl, "scope", fam->scope);

	if (with_id_token) {
		char *jwt = make_id_token(idp, fam, now);
		json_object_set_new(body, "id_token", json_string(jwt));
		free(jwt);
	}
	sbx_response_json(resp, 200, body);
	idp_no_store(resp);
}

static void
grant_device_code(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *code = sbx_form_value(req, "device_code");
	char *client_id = sbx_form_value(req, "client_id");
	struct idp_device *d;
	struct idp_family *fam;

	if (code == NULL) {
		idp_oauth_error(resp, 400, "invalid_request", "device_code is required");
		goto out;
	}
	d = idp_device_by_code(idp, code);
	if (d == NULL) {
		idp_oauth_error(resp, 400, "invalid_grant", "unknown or already used device_code");
		goto out;
	}
	if (client_id != NULL && strcmp(client_id, d->client_id) != 0) {
		idp_oauth_error(resp, 400, "invalid_grant",
				"device_code was issued to another client");
		goto out;
	}
	if (req->now >= d->expires_at) {
		idp_oauth_error(resp, 400, "expired_token", "the device code has expired");
		goto out;
	}
	if (d->state == IDP_DEV_DENIED) {
		idp_oauth_error(resp, 400, "access_denied", "the sign-in was denied");
		goto out;
	}
	if (d->state == IDP_DEV_PENDING) {
		bool too_fast = d->last_poll >= 0 && req->now - d->last_poll < d->interval;
		d->last_poll = req->now;
		if (too_fast) {
			d->interval += SLOW_DOWN_STEP;
			idp_oauth_error(resp, 400, "slow_down", "polling too fast; wait longer");
		} else {
			idp_oauth_error(resp, 400, "authorization_pending",
					"waiting for the official to approve");
		}
		goto out;
	}
	fam = idp_family_new(&idp_sandbox_official, d->client_id, d->scope, req->now);
	fam->refs++; /* ours, until the tokens hold theirs */
	issue_sign_in_tokens(idp, fam, req->now, strstr(d->scope, "openid") != NULL, resp);
	idp_family_unref(fam);
	idp_device_remove(idp, d); /* a device code is good for one sign-in */
out:
	xfree_secret(code);
	free(client_id);
}

static void
grant_refresh(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *value = sbx_form_value(req, "refresh_token");
	char *client_id = sbx_form_value(req, "client_id");
	struct idp_tok *rt;

	if (value == NULL) {
		idp_oauth_error(resp, 400, "invalid_request", "refresh_token is required");
		goto out;
	}
	rt = idp_tok_find(idp, value);
	if (rt == NULL || rt->kind != IDP_TOK_REFRESH || rt->expires_at <= req->now) {
		idp_oauth_error(resp, 400, "invalid_grant", "unknown or expired refresh token");
		goto out;
	}
	if (rt->fam->revoked) {
		idp_oauth_error(resp, 400, "invalid_grant", "this sign-in has been revoked");
		goto out;
	}
	if (client_id != NULL && strcmp(client_id, rt->fam->client_id) != 0) {
		idp_oauth_error(resp, 400, "invalid_grant",
				"refresh token issued to another client");
		goto out;
	}
	if (rt->rotated) {
		/* OAuth 2.0 Security BCP §4.14.2: reuse means theft; end the sign-in. */
		idp_revoke_family(rt->fam);
		idp_oauth_error(resp, 400, "invalid_grant",
				"refresh token reused; the whole sign-in is revoked");
		goto out;
	}
	rt->rotated = true;
	issue_sign_in_tokens(idp, rt->fam, req->now, false, resp);
out:
	xfree_secret(value);
	free(client_id);
}

static const struct idp_sys *
system_by_audience(const struct idp *idp, const char *audience, const char *resource)
{
	for (size_t i = 0; i < idp->n_systems; i++) {
		const struct idp_sys *s = &idp->systems[i];
		if (audience != NULL && strcmp(audience, s->name) != 0)
			continue;
		if (resource != NULL) {
			size_t n = strlen(s->base_url);
			size_t r = strlen(resource);
			if (r > 0 && resource[r - 1] == '/')
				r--;
			if (r != n || strncmp(resource, s->base_url, n) != 0)
				continue;
		}
		return s;
	}
	return NULL;
}

static void
grant_token_exchange(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *subject = sbx_form_value(req, "subject_token");
	char *subject_type = sbx_form_value(req, "subject_token_type");
	char *audience = sbx_form_value(req, "audience");
	char *resource = sbx_form_value(req, "resource");
	char *requested = sbx_form_value(req, "requested_token_type");
	const struct idp_sys *sys;
	struct idp_tok *st, *at;

	if (subject == NULL || subject_type == NULL) {
		idp_oauth_error(resp, 400, "invalid_request",
				"subject_token and subject_token_type are required");
		goto out;
	}
	if (strcmp(subject_type, TOKEN_TYPE_ACCESS) != 0 ||
	    (requested != NULL && strcmp(requested, TOKEN_TYPE_ACCESS) != 0)) {
		idp_oauth_error(resp, 400, "invalid_request",
				"only access tokens can be exchanged");
		goto out;
	}
	if (audience == NULL && resource == NULL) {
		idp_oauth_error(resp, 400, "invalid_request", "audience or resource is required");
		goto out;
	}
	/* Only the provider's own access token: a system's token buys nothing. */
	st = idp_live_access_token(idp, subject, req->now);
	if (st == NULL || strcmp(st->audience, idp->issuer) != 0) {
		/* RFC 8693 §2.2.2 says invalid_request for an unacceptable subject_token. */
		idp_oauth_error(resp, 400, "invalid_request",
				"subject_token is invalid, expired or revoked");
		goto out;
	}
	sys = system_by_audience(idp, audience, resource);
	if (sys == NULL) {
		idp_oauth_error(resp, 400, "invalid_target",
				"no such system for audience/resource");
		goto out;
	}
	at = idp_tok_issue(idp, st->fam, IDP_TOK_ACCESS, sys->name, req->now + idp->access_ttl);
	sbx_response_json(resp, 200,
			  json_pack("{s:s, s:s, s:s, s:i, s:s}", "access_token", at->value,
				    "issued_token_type", TOKEN_TYPE_ACCESS, "token_type", "Bearer",
				    "expires_in", idp->access_ttl, "audience", sys->name));
	idp_no_store(resp);
out:
	xfree_secret(subject);
	free(subject_type);
	free(audience);
	free(resource);
	free(requested);
}

struct grant {
	const char *type;
	void (*run)(struct idp *, const struct sbx_request *, struct sbx_response *);
};

static const struct grant grants[] = {
	{IDP_GRANT_DEVICE, grant_device_code},
	{IDP_GRANT_REFRESH, grant_refresh},
	{IDP_GRANT_EXCHANGE, grant_token_exchange},
};

void
idp_handle_token(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *type = sbx_form_value(req, "grant_type");

	if (type == NULL) {
		idp_oauth_error(resp, 400, "invalid_request", "grant_type is required");
		goto out;
	}
	if (idp->n_tokens >= MAX_TOKENS)
		idp_sweep(idp, req->now, true);
	if (idp->n_tokens >= MAX_TOKENS) {
		idp_oauth_error(resp, 503, "temporarily_unavailable", "too many live tokens");
		goto out;
	}
	for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++) {
		if (strcmp(type, grants[i].type) == 0) {
			grants[i].run(idp, req, resp);
			goto out;
		}
	}
	idp_oauth_error(resp, 400, "unsupported_grant_type", "this grant type is not supported");
out:
	free(type);
}
