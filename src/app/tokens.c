/*
 * tokens.c - the links' token seam (sources/link.h) over src/auth: each
 * system's token is auth_system_token() for its name (token exchange,
 * cached while fresh); a refused token is forgotten with auth_invalidate()
 * so the next request exchanges anew.  Tests use a fixed map instead.
 */
#include <stdlib.h>

#include "app/app_int.h"
#include "auth/auth.h"
#include "core/xalloc.h"

struct tramp {
	source_token_fn *done;
	void *arg;
};

/* What the sign-in's status means for a system that wanted a token. */
static enum mc_errc
code_of(enum auth_status status)
{
	switch (status) {
	case AUTH_OFFLINE:
		return MC_E_NETWORK;
	case AUTH_NO_SESSION:
	case AUTH_REVOKED:
	case AUTH_EXPIRED:
		return MC_E_SIGNED_OUT;
	case AUTH_CANCELLED:
		return MC_E_CANCELLED;
	default:
		return MC_E_TOKEN;
	}
}

static void
on_auth_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	      void *arg)
{
	struct tramp t = *(struct tramp *)arg;
	struct mc_err err;

	free(arg);
	if (status == AUTH_OK && token != NULL) {
		t.done(t.arg, token, NULL);
		return;
	}
	/* the provider out of reach: its certificate, when that was why */
	mc_err_set(&err, status == AUTH_OFFLINE ? auth_transport_errc(auth) : code_of(status), NULL,
		   "%s",
		   detail != NULL && detail[0] != '\0' ? detail : auth_status_name(status));
	t.done(t.arg, NULL, &err);
}

static void
get(void *ctx, const char *system, source_token_fn *done, void *arg)
{
	struct tramp *t = xmalloc(sizeof *t);

	t->done = done;
	t->arg = arg;
	auth_system_token(ctx, system, on_auth_token, t);
}

static void
invalidate(void *ctx, const char *system)
{
	auth_invalidate(ctx, system);
}

void
app_tokens_init(struct source_tokens *out, struct auth *auth)
{
	out->get = get;
	out->invalidate = invalidate;
	out->ctx = auth;
}
