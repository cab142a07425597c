/*
 * auth.c - the sign-in client's façade: making and freeing a struct auth,
 * the status texts, the state `motcua doctor` and the status bar read,
 * cancelling, and the small helpers every auth*.c file shares (auth_int.h).
 *
 * The protocol itself lives in one file per job (auth_int.h lists them):
 * discovery, the device grant, the refresh, token exchange, revocation.
 * This file sends nothing and parses no reply.  It never prints or logs;
 * it never touches the store or the offline queue.
 */
#include "auth/auth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth_int.h"
#include "core/jsonmem.h"
#include "core/xalloc.h"

mc_time
auth_now(const struct auth *a)
{
	return a->now_fn != NULL ? a->now_fn(a->now_arg) : (mc_time)time(NULL);
}

char *
auth_strip_slash(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	return xstrndup(s, n);
}

void
auth_replace_secret(char **slot, const char *value)
{
	xfree_secret(*slot);
	*slot = xstrdup_or_null(value);
}

struct auth_keyring *
auth_active_keyring(struct auth *a)
{
	return a->fallback != NULL ? a->fallback : a->keyring;
}

void
auth_wipe_tokens(struct auth *a)
{
	auth_replace_secret(&a->access, NULL);
	a->access_expires_at = a->access_issued_at = 0;
	for (size_t i = 0; i < a->n_systems; i++) {
		auth_replace_secret(&a->systems[i].token, NULL);
		a->systems[i].expires_at = a->systems[i].issued_at = 0;
	}
}

const char *
auth_say(struct auth *a, const char *fmt, const char *s)
{
	snprintf(a->detail, sizeof a->detail, fmt, s != NULL ? s : "");
	return a->detail;
}

const char *
auth_status_name(enum auth_status status)
{
	static const char *const names[] = {
		[AUTH_OK] = "ok",
		[AUTH_NO_SESSION] = "no-session",
		[AUTH_REVOKED] = "revoked",
		[AUTH_EXPIRED] = "expired",
		[AUTH_DENIED] = "denied",
		[AUTH_OFFLINE] = "offline",
		[AUTH_UNSUPPORTED] = "unsupported",
		[AUTH_UNKNOWN_SYSTEM] = "unknown-system",
		[AUTH_PROTOCOL] = "protocol",
		[AUTH_KEYRING] = "keyring",
		[AUTH_CANCELLED] = "cancelled",
	};
	if ((unsigned)status >= sizeof names / sizeof names[0] || names[status] == NULL)
		return "?";
	return names[status];
}


/* ---- jansson's allocator ---------------------------------------------- */

void
auth_json_wipe_on_free(void)
{
	json_set_alloc_funcs(jsonmem_malloc, jsonmem_free);
}

/* ---- lifecycle -------------------------------------------------------- */

struct auth *
auth_new(struct net *net, struct auth_keyring *kr, const struct auth_options *opt)
{
	struct auth *a = xcalloc(1, sizeof *a);

	a->net = net;
	a->keyring = kr;
	a->issuer = auth_strip_slash(opt->issuer);
	a->client_id = xstrdup(opt->client_id != NULL ? opt->client_id : "motcua");
	a->scope = xstrdup(opt->scope != NULL ? opt->scope : "openid profile offline_access");
	a->lock_path = xstrdup_or_null(opt->lock_path);
	a->now_fn = opt->now;
	a->now_arg = opt->now_arg;
	a->lock_fd = -1;
	return a;
}

static void
sys_release(struct auth_sys *s)
{
	free(s->name);
	free(s->audience);
	free(s->base_url);
	free(s->title);
	free(s->dialect);
	xfree_secret(s->token);
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	auth_wipe_tokens(a);
	for (size_t i = 0; i < a->n_systems; i++)
		sys_release(&a->systems[i]);
	free(a->systems);
	auth_keyring_free(a->fallback);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	free(a->issuer);
	free(a->client_id);
	free(a->scope);
	free(a->lock_path);
	free(a->device_ep);
	free(a->token_ep);
	free(a->userinfo_ep);
	free(a->revoke_ep);
	free(a->name);
	free(a->subject);
	free(a->account);
	free(a);
}

bool
auth_busy(const struct auth *a)
{
	return a->n_ops > 0;
}

/* ---- cancel, state ---------------------------------------------------- */

void
auth_cancel(struct auth *a)
{
	for (struct auth_op *op = a->ops; op != NULL; op = op->next)
		if (op->req != NULL)
			net_cancel(op->req);
}

void
auth_get_info(const struct auth *a, struct auth_info *info)
{
	memset(info, 0, sizeof *info);
	info->signed_in = a->access != NULL;
	info->persistent = a->fallback == NULL && auth_keyring_persistent(a->keyring);
	info->issuer = a->issuer;
	info->name = a->name;
	info->subject = a->subject;
	info->access_expires_at = a->access_expires_at;
	info->can_exchange = a->can_exchange;
	info->n_systems = a->n_systems;
}

int
auth_get_system(const struct auth *a, size_t i, struct auth_system_info *info)
{
	const struct auth_sys *s;

	if (i >= a->n_systems)
		return -1;
	s = &a->systems[i];
	info->name = s->name;
	info->audience = s->audience;
	info->base_url = s->base_url;
	info->title = s->title;
	info->dialect = s->dialect;
	info->token_expires_at = s->token != NULL ? s->expires_at : 0;
	return 0;
}

enum mc_errc
auth_transport_errc(const struct auth *auth)
{
	return auth != NULL && auth->transport != MC_OK ? auth->transport : MC_E_NETWORK;
}
