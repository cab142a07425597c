/*
 * auth_exchange.c - per-system tokens: from the in-memory cache while more
 * than a fifth of their life is left, else by token exchange (RFC 8693) of
 * the provider's access token for the system's audience, refreshing the
 * sign-in first when that token is stale, and once more when the exchange
 * refuses the subject token.  auth_invalidate() forgets one.
 *
 * It does not learn which systems exist (auth_discovery.c) nor hold the
 * refresh token (auth_refresh.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "core/unittest.h"
#include "core/xalloc.h"

#define TOKEN_TYPE_ACCESS "urn:ietf:params:oauth:token-type:access_token"

/* Fresh while more than a fifth of its life (at least 5 s, at most 2 min) is left. */
UNITTEST bool auth_fresh(mc_time expires_at, mc_time issued_at, mc_time t);
UNITTEST bool
auth_fresh(mc_time expires_at, mc_time issued_at, mc_time t)
{
	mc_time margin = (expires_at - issued_at) / 5;

	if (margin < 5)
		margin = 5;
	if (margin > 120)
		margin = 120;
	return t + margin < expires_at;
}


static void exchange(struct auth_op *op, enum auth_status st, const char *detail);

static void
on_exchange(struct auth_op *op, const struct auth_reply *r)
{
	struct auth *a = op->a;
	struct auth_sys *s = auth_find_system(a, op->system);
	struct auth_tokens t;
	const char *why = NULL;

	if (r->result == NET_ERR_CANCELLED) {
		auth_finish_step(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (auth_transient(r)) {
		auth_finish_step(op, AUTH_OFFLINE, auth_reply_reason(a, r));
		return;
	}
	if (r->status == 200 && auth_parse_tokens(r->json, &t, &why) == 0) {
		mc_time t0 = auth_now(a);
		auth_replace_secret(&s->token, t.access);
		s->issued_at = t0;
		s->expires_at = t0 + t.expires_in;
		auth_finish(op, AUTH_OK, s->token, NULL);
		return;
	}
	if (r->error != NULL && strcmp(r->error, "invalid_target") == 0) {
		/* the audience asked for is not one the provider gives tokens for:
		 * a profile's system may need its own ("audience") */
		char detail[256];
		snprintf(detail, sizeof detail,
			 "the sign-in server gives no token for the audience \"%.80s\"",
			 s != NULL && s->audience != NULL ? s->audience : op->system);
		auth_finish_step(op, AUTH_UNKNOWN_SYSTEM, detail);
		return;
	}
	if (r->error != NULL && strcmp(r->error, "unsupported_grant_type") == 0) {
		auth_finish_step(op, AUTH_UNSUPPORTED, "token exchange");
		return;
	}
	/* The subject token was refused (e.g. the provider's clock ran ahead):
	 * refresh the sign-in once and try again. */
	if (!op->exchange_retried && r->error != NULL &&
	    (strcmp(r->error, "invalid_request") == 0 || strcmp(r->error, "invalid_grant") == 0 ||
	     strcmp(r->error, "invalid_token") == 0)) {
		op->exchange_retried = true;
		auth_replace_secret(&a->access, NULL);
		auth_refresh(op, exchange);
		return;
	}
	auth_finish_step(op, AUTH_PROTOCOL, why != NULL ? why : auth_reply_reason(a, r));
}

static void
exchange(struct auth_op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	struct auth_sys *s = auth_find_system(a, op->system);
	const char *form[] = {"grant_type", AUTH_GRANT_EXCHANGE, "subject_token", a->access,
			      "subject_token_type", TOKEN_TYPE_ACCESS, "requested_token_type",
			      TOKEN_TYPE_ACCESS, "audience", s != NULL ? s->audience : NULL,
			      "client_id", a->client_id, NULL};

	if (st != AUTH_OK) {
		auth_finish_step(op, st, detail);
		return;
	}
	if (a->access == NULL) {
		auth_finish_step(op, AUTH_NO_SESSION, NULL);
		return;
	}
	auth_send(op, "POST", a->token_ep, "exchange", NULL, form, 0, &auth_retry_idempotent,
		  on_exchange);
}

static void
token_discovered(struct auth_op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	struct auth_sys *s;

	if (st != AUTH_OK) {
		auth_finish_step(op, st, detail);
		return;
	}
	s = auth_find_system(a, op->system);
	if (s == NULL) {
		auth_finish_step(op, AUTH_UNKNOWN_SYSTEM, op->system);
		return;
	}
	if (!a->can_exchange) {
		auth_finish_step(op, AUTH_UNSUPPORTED,
				 "the provider does not offer token exchange");
		return;
	}
	if (a->access != NULL && auth_fresh(a->access_expires_at, a->access_issued_at, auth_now(a)))
		exchange(op, AUTH_OK, NULL);
	else
		auth_refresh(op, exchange);
}

void
auth_system_token(struct auth *a, const char *system, auth_token_fn *done, void *arg)
{
	struct auth_op *op = auth_op_new(a, AUTH_OP_TOKEN, arg);
	struct auth_sys *s = auth_find_system(a, system);

	op->token_done = done;
	op->system = xstrdup(system);
	if (s != NULL && s->token != NULL && a->access_expires_at != 0 &&
	    auth_fresh(s->expires_at, s->issued_at, auth_now(a))) {
		auth_finish(op, AUTH_OK, s->token, NULL);
		return;
	}
	auth_discover_then(op, token_discovered);
}

void
auth_invalidate(struct auth *a, const char *system)
{
	struct auth_sys *s = auth_find_system(a, system);

	if (s != NULL) {
		auth_replace_secret(&s->token, NULL);
		s->expires_at = s->issued_at = 0;
	}
}
