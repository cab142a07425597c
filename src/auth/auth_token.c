/*
 * auth_token.c - what a token response brings and where it goes: reading it
 * (RFC 6749 §5.1) and the id_token's subject, taking the provider's access
 * token, storing the (rotated) refresh token in the keyring before anything
 * uses the tokens that came with it, and asking userinfo who signed in.
 *
 * It sends no token request itself: the device grant, the refresh and the
 * exchange (auth_device.c, auth_refresh.c, auth_exchange.c) do, and hand
 * their replies here.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/auth_int.h"
#include "core/xalloc.h"

#define DEFAULT_EXPIRES_IN 300  /* when a token response omits it */

/* Read a token response (RFC 6749 §5.1).  0, or -1 with *why. */
int
auth_parse_tokens(json_t *j, struct auth_tokens *t, const char **why)
{
	const char *type = json_string_value(json_object_get(j, "token_type"));
	json_t *exp = json_object_get(j, "expires_in");

	memset(t, 0, sizeof *t);
	t->access = json_string_value(json_object_get(j, "access_token"));
	t->refresh = json_string_value(json_object_get(j, "refresh_token"));
	t->id_token = json_string_value(json_object_get(j, "id_token"));
	if (t->access == NULL || t->access[0] == '\0') {
		*why = "token response without access_token";
		return -1;
	}
	if (type == NULL || strcasecmp(type, "Bearer") != 0) {
		*why = "token response is not a Bearer token";
		return -1;
	}
	if (t->refresh != NULL && t->refresh[0] == '\0')
		t->refresh = NULL;
	t->expires_in = DEFAULT_EXPIRES_IN;
	if (json_is_integer(exp) && json_integer_value(exp) > 0)
		t->expires_in = (long)json_integer_value(exp);
	else if (json_is_string(exp)) {
		char *end;
		long v = strtol(json_string_value(exp), &end, 10);
		if (*end == '\0' && end != json_string_value(exp) && v > 0)
			t->expires_in = v;
	}
	if (t->expires_in > 30L * 86400)
		t->expires_in = 30L * 86400;
	return 0;
}

/*
 * The subject of an id_token, read without checking its signature: it only
 * labels the keyring item (the `account` attribute), it grants nothing.
 * Returns a malloc'd string or NULL.
 */
char *
auth_id_token_subject(const char *jwt)
{
	const char *p = jwt != NULL ? strchr(jwt, '.') : NULL;
	const char *q = p != NULL ? strchr(p + 1, '.') : NULL;
	size_t n, o = 0;
	unsigned char *buf;
	uint32_t acc = 0;
	int bits = 0;
	json_t *claims;
	char *sub = NULL;

	if (q == NULL || q - p - 1 > 8192)
		return NULL;
	n = (size_t)(q - p - 1);
	buf = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = p[1 + i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-' || c == '+')
			v = 62;
		else if (c == '_' || c == '/')
			v = 63;
		else
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	claims = json_loadb((const char *)buf, o, 0, NULL);
	if (json_is_string(json_object_get(claims, "sub")))
		sub = xstrdup(json_string_value(json_object_get(claims, "sub")));
	json_decref(claims);
	free(buf);
	return sub;
}

void
auth_set_access(struct auth *a, const struct auth_tokens *t)
{
	mc_time t0 = auth_now(a);

	auth_replace_secret(&a->access, t->access);
	a->access_issued_at = t0;
	a->access_expires_at = t0 + t->expires_in;
}

/*
 * Store a (new) refresh token before the tokens that came with it are used.
 * When the keyring will not take it, keep it in memory for this process and
 * remove the stored, now stale, one: a later process must not spend a
 * rotated token (the provider would revoke this very sign-in for it).
 */
enum auth_status
auth_persist_refresh(struct auth *a, const char *rt, const char **notice)
{
	const char *cause = NULL;

	*notice = NULL;
	if (auth_keyring_store(auth_active_keyring(a), a->issuer, a->account, rt, &cause) == 0)
		return AUTH_OK;
	if (auth_keyring_store(auth_active_keyring(a), a->issuer, a->account, rt, &cause) == 0)
		return AUTH_OK;
	(void)auth_keyring_clear(a->keyring, a->issuer, NULL);
	if (a->fallback == NULL)
		a->fallback = auth_keyring_memory();
	(void)auth_keyring_store(a->fallback, a->issuer, a->account, rt, NULL);
	*notice = "the keyring refused the token; kept in memory for this run only";
	return AUTH_OK;
}

/* ---- userinfo --------------------------------------------------------- */

static void
on_userinfo(struct auth_op *op, const struct auth_reply *r)
{
	struct auth *a = op->a;
	auth_step_fn *after = op->after;

	if (r->result == NET_OK && r->status == 200 && json_is_object(r->json)) {
		const char *name = json_string_value(json_object_get(r->json, "HoVaTen"));
		const char *sub = json_string_value(json_object_get(r->json, "sub"));
		if (name == NULL)
			name = json_string_value(json_object_get(r->json, "name"));
		free(a->name);
		a->name = xstrdup_or_null(name);
		free(a->subject);
		a->subject = xstrdup_or_null(sub);
	}
	/* Not knowing the name is no reason to fail a sign-in. */
	after(op, r->result == NET_ERR_CANCELLED ? AUTH_CANCELLED : AUTH_OK, NULL);
}

void
auth_userinfo(struct auth_op *op, auth_step_fn *after)
{
	struct auth *a = op->a;

	if (a->userinfo_ep == NULL || a->access == NULL) {
		after(op, AUTH_OK, NULL);
		return;
	}
	op->after = after;
	auth_send(op, "GET", a->userinfo_ep, "userinfo", a->access, NULL, 0, &auth_retry_idempotent,
	     on_userinfo);
}
