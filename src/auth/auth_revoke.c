/*
 * auth_revoke.c - signing out: revoking the refresh token at the provider
 * (RFC 7009) when it has a revocation endpoint and answers, then removing
 * it from the keyring and wiping every token in memory whatever the
 * provider said.
 *
 * It never touches the store or the offline queue: queued actions survive a
 * sign-out.
 */
#include <stdlib.h>

#include "auth/auth_int.h"
#include "core/xalloc.h"

static void
signed_out(struct auth_op *op)
{
	struct auth *a = op->a;
	const char *cause = NULL;
	bool had;
	char *rt = NULL;

	had = auth_keyring_lookup(auth_active_keyring(a), a->issuer, &rt, NULL, NULL) == 1;
	xfree_secret(rt);
	if (auth_keyring_clear(a->keyring, a->issuer, &cause) != 0) {
		auth_wipe_tokens(a);
		auth_finish_step(op, AUTH_KEYRING, cause);
		return;
	}
	if (a->fallback != NULL)
		(void)auth_keyring_clear(a->fallback, a->issuer, NULL);
	auth_wipe_tokens(a);
	free(a->name);
	a->name = NULL;
	if (op->revoked || !had)
		auth_finish_step(op, AUTH_OK, op->revoked ? "revoked" : "nothing stored");
	else
		auth_finish_step(op, AUTH_OFFLINE, a->detail[0] != '\0' ? a->detail : NULL);
}

static void
on_revoke(struct auth_op *op, const struct auth_reply *r)
{
	op->revoked = r->result == NET_OK && r->status == 200;
	if (!op->revoked)
		auth_say(op->a, "not revoked at the provider (%s); removed here",
			 auth_reply_reason(op->a, r));
	signed_out(op);
}

static void
sign_out_discovered(struct auth_op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	char *rt = NULL;

	a->detail[0] = '\0';
	if (st != AUTH_OK || a->revoke_ep == NULL ||
	    auth_keyring_lookup(auth_active_keyring(a), a->issuer, &rt, NULL, NULL) != 1) {
		if (st != AUTH_OK)
			auth_say(a, "not revoked at the provider (%s); removed here", detail);
		else if (a->revoke_ep == NULL)
			auth_say(a, "%s", "the provider has no revocation endpoint; removed here");
		signed_out(op);
		return;
	}
	{
		const char *form[] = {"token", rt, "token_type_hint", "refresh_token", "client_id",
				      a->client_id, NULL};
		auth_send(op, "POST", a->revoke_ep, "revoke", NULL, form, 0, &auth_retry_idempotent,
		     on_revoke);
	}
	xfree_secret(rt);
}

void
auth_sign_out(struct auth *a, auth_done_fn *done, void *arg)
{
	struct auth_op *op = auth_op_new(a, AUTH_OP_SIGN_OUT, arg);

	op->done = done;
	auth_discover_then(op, sign_out_discovered);
}
