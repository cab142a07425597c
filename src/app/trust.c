/*
 * trust.c - one trust for every connection the application makes (app_int.h,
 * app_trust_net()): config.json's "tls" (extra authorities, per-system ones
 * and pinned keys) and "proxy", with the proxy's credentials from the
 * keyring, set on each net the application uses - the sign-in's (which
 * also carries the systems, the queue and the audit log) and the signing
 * job's (remote signer, time-stamping authority).  Requests are labelled
 * by their system ("tuphap", ...) or service ("auth", "audit", "csc",
 * "tsa"), and tls.systems is keyed by those labels.  doc/net.md "Trust".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_int.h"
#include "auth/keyring.h"
#include "core/xalloc.h"

#define PROXY_ITEM_PREFIX "motcua-proxy:"

/* "user:password" for the proxy from the keyring (malloc'd), or NULL. */
static char *
proxy_credentials(const char *proxy)
{
	struct auth_keyring *kr = auth_keyring_open();
	char *item = xasprintf("%s%s", PROXY_ITEM_PREFIX, proxy), *secret = NULL, *user = NULL;
	char *out = NULL;

	if (auth_keyring_persistent(kr) &&
	    auth_keyring_lookup(kr, item, &secret, &user, NULL) == 1 && secret != NULL &&
	    user != NULL && user[0] != '\0')
		out = xasprintf("%s:%s", user, secret);
	xfree_secret(secret);
	free(user);
	free(item);
	auth_keyring_free(kr);
	return out;
}

/* A CA file or folder that cannot be read is said (once per net) with its
 * path: otherwise every https system would just look "not trusted". */
static void
check_path(struct app *a, const char *path)
{
	if (path != NULL && access(path, R_OK) != 0)
		app_warnf(a, MC_E_FILE, NULL, path, "%s", strerror(errno));
}

void
app_trust_net(struct app *a, struct net *net)
{
	const struct config_tls *t = &a->cfg.tls;
	char *auth = NULL;

	if (net == NULL)
		return;
	check_path(a, t->ca_file);
	check_path(a, t->ca_dir);
	for (size_t i = 0; i < t->n_systems; i++) {
		check_path(a, t->systems[i].ca_file);
		check_path(a, t->systems[i].ca_dir);
	}
	if (a->cfg.proxy != NULL)
		auth = proxy_credentials(a->cfg.proxy);
	net_set_tls(net, NULL, &(struct net_tls){
		.ca_file = t->ca_file,
		.ca_dir = t->ca_dir,
		.proxy = a->cfg.proxy,
		.proxy_auth = auth,
	});
	for (size_t i = 0; i < t->n_systems; i++)
		net_set_tls(net, t->systems[i].name, &(struct net_tls){
			.ca_file = t->systems[i].ca_file,
			.ca_dir = t->systems[i].ca_dir,
			.pin = t->systems[i].pin,
		});
	xfree_secret(auth);
}
