/*
 * session.c - opening the sign-in machinery for the application (session.h).
 * Reads the environment and the remembered server; prints nothing.
 */
#include "auth/session.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#define REMEMBERED "signin.json"

static char *
remembered_path(const char *data_dir)
{
	size_t n = strlen(data_dir) + sizeof "/" REMEMBERED;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/" REMEMBERED, data_dir);
	return p;
}

/*
 * The issuer and client id of the last successful sign-in, so that
 * `motcua login --issuer URL` followed by `motcua sync` needs nothing else.
 * Neither is a secret.  A missing or unreadable file is simply not used.
 */
static void
read_remembered(const char *data_dir, char **issuer, char **client_id)
{
	char *path = remembered_path(data_dir);
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	const char *v;

	*issuer = *client_id = NULL;
	if (json_is_object(root)) {
		v = json_string_value(json_object_get(root, "issuer"));
		if (v != NULL && (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0))
			*issuer = xstrdup(v);
		v = json_string_value(json_object_get(root, "client_id"));
		if (v != NULL && v[0] != '\0')
			*client_id = xstrdup(v);
	}
	json_decref(root);
	free(path);
}

int
auth_session_remember(const struct auth_session *s)
{
	char *path, *tmp, *text = NULL;
	char *why = NULL;
	json_t *root;
	int fd, rc = -1;

	if (config_ensure_dir(s->data_dir, &why) < 0) {
		free(why);
		return -1;
	}
	path = remembered_path(s->data_dir);
	tmp = xmalloc(strlen(path) + 5);
	snprintf(tmp, strlen(path) + 5, "%s.tmp", path);
	root = json_pack("{s:s,s:s}", "issuer", s->issuer, "client_id", s->client_id);
	if (root != NULL)
		text = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	fd = text != NULL ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	if (fd >= 0) {
		size_t len = strlen(text);
		bool ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
		ok = (close(fd) == 0) && ok;
		if (ok && rename(tmp, path) == 0)
			rc = 0;
		else
			unlink(tmp);
	}
	free(text);
	free(tmp);
	free(path);
	return rc;
}

int
auth_session_open(struct auth_session *s, const struct auth_session_options *o, char **cause)
{
	char *saved_issuer = NULL, *saved_client = NULL;
	const char *issuer = o->issuer, *client_id = o->client_id;
	struct auth_options opt = {0};
	const char *why = NULL;
	char *lock_path = NULL;
	char *ccause = NULL, why_url[256];
	int rc = -1;

	memset(s, 0, sizeof *s);
	*cause = NULL;
	if (issuer == NULL)
		issuer = env("MOTCUA_ISSUER");
	if (issuer == NULL)
		issuer = o->config_issuer;
	if (issuer == NULL) {
		/* The last sign-in's server, with its client id unless one was named. */
		read_remembered(o->data_dir, &saved_issuer, &saved_client);
		issuer = saved_issuer;
		if (client_id == NULL && env("MOTCUA_CLIENT_ID") == NULL)
			client_id = saved_client;
	}
	if (client_id == NULL)
		client_id = env("MOTCUA_CLIENT_ID");
	if (client_id == NULL)
		client_id = o->config_client_id;
	if (issuer == NULL) {
		/* not a fault: this terminal has never been told of a server */
		rc = AUTH_SESSION_NO_ISSUER;
		goto out;
	}
	if (strncmp(issuer, "http://", 7) != 0 && strncmp(issuer, "https://", 8) != 0) {
		*cause = dup_msg("issuer must be an http:// or https:// URL: %s", issuer);
		goto out;
	}
	if (net_url_check(issuer, why_url, sizeof why_url) == NET_URL_INSECURE) {
		*cause = xasprintf("the sign-in server %s is refused: %s", issuer, why_url);
		goto out;
	}
	s->issuer = xstrdup(issuer);
	s->client_id = xstrdup(client_id != NULL ? client_id : "motcua");
	s->data_dir = xstrdup(o->data_dir);
	s->net = net_new(&why);
	if (s->net == NULL) {
		*cause = dup_msg("cannot start the network layer: %s", why);
		goto out;
	}
	s->keyring = auth_keyring_open();
	if (config_ensure_dir(o->data_dir, &ccause) == 0) {
		size_t n = strlen(o->data_dir) + sizeof "/auth.lock";
		lock_path = xmalloc(n);
		snprintf(lock_path, n, "%s/auth.lock", o->data_dir);
	}
	free(ccause);
	ccause = NULL;
	opt.issuer = s->issuer;
	opt.client_id = s->client_id;
	opt.lock_path = lock_path;
	s->auth = auth_new(s->net, s->keyring, &opt);
	rc = 0;
out:
	free(saved_issuer);
	free(saved_client);
	free(lock_path);
	free(ccause);
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
	free(s->data_dir);
	memset(s, 0, sizeof *s);
}
