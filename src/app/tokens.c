/*
 * tokens.c - the sync engine's token seam over src/auth: each source's token
 * is auth_system_token() for its name (token exchange, cached while fresh);
 * a refused token is forgotten with auth_invalidate() so the next request
 * exchanges anew.  Tests use a fixed map instead (struct sync_tokens).
 */
#include <stdlib.h>

#include "auth/auth.h"
#include "core/xalloc.h"
#include "sync/sync.h"

struct tramp {
	sync_token_fn *done;
	void *arg;
};

static void
on_auth_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	      void *arg)
{
	struct tramp t = *(struct tramp *)arg;

	(void)auth;
	free(arg);
	if (status == AUTH_OK && token != NULL) {
		t.done(t.arg, token, NULL);
		return;
	}
	t.done(t.arg, NULL, detail != NULL && detail[0] != '\0' ? detail
								: auth_status_message(status));
}

static void
get(void *ctx, const char *system, sync_token_fn *done, void *arg)
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
sync_tokens_from_auth(struct sync_tokens *out, struct auth *auth)
{
	out->get = get;
	out->invalidate = invalidate;
	out->ctx = auth;
}
