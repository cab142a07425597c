/*
 * session.c - opening the sign-in machinery for a command (see session.h).
 * Reads config.json and the environment; prints nothing.
 */
#include "auth/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/xalloc.h"

static char *
dup_msg(const char *fmt, const char *s)
{
	size_t n = strlen(fmt) + (s != NULL ? strlen(s) : 0) + 1;
	char *m = xmalloc(n);
	snprintf(m, n, fmt, s != NULL ? s : "");
	return m;
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

int
auth_session_open(struct auth_session *s, const char *issuer, const char *client_id,
		  char **cause)
{
	struct config_paths paths;
	struct config cfg;
	struct auth_options opt = {0};
	const char *why = NULL;
	char *lock_path = NULL;
	char *ccause = NULL;
	int rc = -1;

	memset(s, 0, sizeof *s);
	*cause = NULL;
	config_paths_init(&paths, NULL);
	config_init(&cfg);
	if (config_load(&cfg, paths.config_file, &ccause, NULL, NULL) < 0) {
		*cause = ccause;
		ccause = NULL;
		goto out;
	}
	if (issuer == NULL)
		issuer = env("MOTCUA_ISSUER");
	if (issuer == NULL)
		issuer = cfg.issuer;
	if (client_id == NULL)
		client_id = env("MOTCUA_CLIENT_ID");
	if (client_id == NULL)
		client_id = cfg.client_id;
	if (issuer == NULL) {
		*cause = dup_msg("no sign-in server configured: use --issuer URL, MOTCUA_ISSUER "
				 "or \"issuer\" in %s", paths.config_file);
		goto out;
	}
	if (strncmp(issuer, "http://", 7) != 0 && strncmp(issuer, "https://", 8) != 0) {
		*cause = dup_msg("issuer must be an http:// or https:// URL: %s", issuer);
		goto out;
	}
	s->issuer = xstrdup(issuer);
	s->client_id = xstrdup(client_id != NULL ? client_id : "motcua");
	s->lock_idle_minutes = cfg.lock_idle_minutes;
	s->lock_grace_minutes = cfg.lock_grace_minutes;
	s->net = net_new(&why);
	if (s->net == NULL) {
		*cause = dup_msg("cannot start the network layer: %s", why);
		goto out;
	}
	s->keyring = auth_keyring_open(&s->keyring_notice);
	if (config_ensure_dir(paths.data_dir, &ccause) == 0) {
		size_t n = strlen(paths.data_dir) + sizeof "/auth.lock";
		lock_path = xmalloc(n);
		snprintf(lock_path, n, "%s/auth.lock", paths.data_dir);
	}
	free(ccause);
	ccause = NULL;
	opt.issuer = s->issuer;
	opt.client_id = s->client_id;
	opt.lock_path = lock_path;
	s->auth = auth_new(s->net, s->keyring, &opt);
	rc = 0;
out:
	free(lock_path);
	free(ccause);
	config_release(&cfg);
	config_paths_release(&paths);
	return rc;
}

int
auth_session_wait(struct auth_session *s, const bool *flag)
{
	while (!*flag)
		if (net_poll(s->net, 1000, NULL, 0) < 0)
			return -1;
	return 0;
}

void
auth_session_release(struct auth_session *s)
{
	if (s->auth != NULL && auth_busy(s->auth)) {
		auth_cancel(s->auth);
		while (auth_busy(s->auth) && net_poll(s->net, 1000, NULL, 0) >= 0)
			;
	}
	auth_free(s->auth);
	auth_keyring_free(s->keyring);
	if (s->net != NULL)
		net_free(s->net);
	free(s->issuer);
	free(s->client_id);
	memset(s, 0, sizeof *s);
}
