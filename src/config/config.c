/*
 * config.c - configuration paths (MOTCUA_HOME, XDG) and config.json.
 *
 * Parsing goes to a scratch struct that replaces the caller's only when the
 * whole file is valid, so a bad file never half-applies.
 */
#include "config/config.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return (v != NULL && v[0] != '\0') ? v : NULL;
}

static char *
dirname_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

void
config_paths_init(struct config_paths *paths, const char *config_file)
{
	const char *home = env_nonempty("MOTCUA_HOME");
	const char *xdg, *user = env_nonempty("HOME");

	if (user == NULL)
		user = ".";
	memset(paths, 0, sizeof *paths);
	if (home != NULL) {
		paths->config_dir = xstrdup(home);
		paths->data_dir = xstrdup(home);
	} else {
		xdg = env_nonempty("XDG_CONFIG_HOME");
		paths->config_dir = xdg ? xasprintf("%s/motcua", xdg)
					: xasprintf("%s/.config/motcua", user);
		xdg = env_nonempty("XDG_DATA_HOME");
		paths->data_dir = xdg ? xasprintf("%s/motcua", xdg)
				      : xasprintf("%s/.local/share/motcua", user);
	}
	if (config_file != NULL) {
		free(paths->config_dir);
		paths->config_dir = dirname_of(config_file);
		paths->config_file = xstrdup(config_file);
	} else {
		paths->config_file = xasprintf("%s/config.json", paths->config_dir);
#ifdef MOTCUA_SYSCONFDIR
		/* No config.json of the user's own: the system-wide default (the
		 * Debian package's /etc/motcua/config.json).  Never with
		 * MOTCUA_HOME, which keeps tests and demos to their own folder. */
		if (home == NULL && access(paths->config_file, F_OK) != 0 &&
		    access(MOTCUA_SYSCONFDIR "/config.json", F_OK) == 0) {
			free(paths->config_file);
			paths->config_file = xstrdup(MOTCUA_SYSCONFDIR "/config.json");
		}
#endif
	}
}

void
config_paths_release(struct config_paths *paths)
{
	free(paths->config_dir);
	free(paths->config_file);
	free(paths->data_dir);
	memset(paths, 0, sizeof *paths);
}

int
config_ensure_dir(const char *dir, char **cause)
{
	char *copy = xstrdup(dir);
	int rc = -1;

	for (char *p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
			*cause = xasprintf("%s: cannot create: %s", copy, strerror(errno));
			goto out;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

void
config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->client_id = xstrdup("motcua");
	cfg->language = xstrdup("vi");
	cfg->lock_idle_minutes = 10;
	cfg->lock_grace_minutes = 2;
	cfg->retention_days = 90;
	cfg->due_soon_minutes = 480;
	cfg->workweek = 0x3e;
	deadline_worktime_default(&cfg->worktime);
}

void
config_release(struct config *cfg)
{
	free(cfg->signing.pkcs11_module);
	free(cfg->signing.token);
	free(cfg->signing.key);
	free(cfg->signing.remote_url);
	free(cfg->signing.credential);
	free(cfg->signing.tsa_url);
	for (size_t i = 0; i < cfg->n_keys; i++) {
		free(cfg->keys[i].action);
		for (size_t k = 0; k < cfg->keys[i].n_keys; k++)
			free(cfg->keys[i].keys[k]);
	}
	free(cfg->keys);
	free(cfg->issuer);
	free(cfg->client_id);
	free(cfg->language);
	memset(cfg, 0, sizeof *cfg);
}

/* One key of the file: how to read it into the scratch config. */
struct key {
	const char *name;
	int (*read)(struct config *cfg, json_t *value, char **why);
};

static int
read_string(char **dst, json_t *value, char **why)
{
	if (!json_is_string(value) || json_string_length(value) == 0 ||
	    json_string_length(value) > 4096) {
		*why = xstrdup("must be a non-empty string");
		return -1;
	}
	free(*dst);
	*dst = xstrdup(json_string_value(value));
	return 0;
}

static int
read_int(int *dst, json_t *value, int min, int max, char **why)
{
	if (!json_is_integer(value) || json_integer_value(value) < min ||
	    json_integer_value(value) > max) {
		*why = xasprintf("must be a whole number from %d to %d", min, max);
		return -1;
	}
	*dst = (int)json_integer_value(value);
	return 0;
}

static int
rd_issuer(struct config *c, json_t *v, char **why)
{
	if (read_string(&c->issuer, v, why) < 0)
		return -1;
	if (strncmp(c->issuer, "http://", 7) != 0 && strncmp(c->issuer, "https://", 8) != 0) {
		*why = xstrdup("must be an http:// or https:// URL");
		return -1;
	}
	return 0;
}

static int
rd_client_id(struct config *c, json_t *v, char **why)
{
	return read_string(&c->client_id, v, why);
}

static int
rd_language(struct config *c, json_t *v, char **why)
{
	if (read_string(&c->language, v, why) < 0)
		return -1;
	if (strcmp(c->language, "vi") != 0 && strcmp(c->language, "en") != 0) {
		*why = xstrdup("must be \"vi\" or \"en\"");
		return -1;
	}
	return 0;
}

static int
rd_lock_idle(struct config *c, json_t *v, char **why)
{
	return read_int(&c->lock_idle_minutes, v, 0, 24 * 60, why);
}

static int
rd_lock_grace(struct config *c, json_t *v, char **why)
{
	return read_int(&c->lock_grace_minutes, v, 0, 24 * 60, why);
}

static int
rd_retention(struct config *c, json_t *v, char **why)
{
	return read_int(&c->retention_days, v, 1, 3650, why);
}

static int
rd_due_soon(struct config *c, json_t *v, char **why)
{
	return read_int(&c->due_soon_minutes, v, 0, 30 * 24 * 60, why);
}

static int
rd_shared(struct config *c, json_t *v, char **why)
{
	if (!json_is_boolean(v)) {
		*why = xstrdup("must be true or false");
		return -1;
	}
	c->shared_terminal = json_is_true(v);
	return 0;
}

static int
rd_workweek(struct config *c, json_t *v, char **why)
{
	static const char *const names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	unsigned mask = 0;
	size_t i;
	json_t *day;

	if (!json_is_array(v) || json_array_size(v) == 0)
		goto bad;
	json_array_foreach(v, i, day) {
		int d;
		if (!json_is_string(day))
			goto bad;
		for (d = 0; d < 7; d++)
			if (strcmp(json_string_value(day), names[d]) == 0)
				break;
		if (d == 7)
			goto bad;
		mask |= 1u << d;
	}
	c->workweek = mask;
	return 0;
bad:
	*why = xstrdup("must be a non-empty list of \"mon\" .. \"sun\"");
	return -1;
}

static int
rd_hours(struct config *c, json_t *v, char **why)
{
	if (!json_is_string(v) || deadline_worktime_parse(json_string_value(v), &c->worktime) < 0) {
		*why = xstrdup("must be like \"07:00-11:30,13:30-17:00\" (sorted, not overlapping)");
		return -1;
	}
	return 0;
}

/* http:// or https:// and a host: what RFC 3161 over HTTP can reach. */
static bool
is_http_url(const char *url)
{
	size_t skip = strncmp(url, "http://", 7) == 0    ? 7
		      : strncmp(url, "https://", 8) == 0 ? 8
							 : 0;

	if (skip == 0 || url[skip] == '\0' || url[skip] == '/')
		return false;
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}

static int
rd_signing(struct config *c, json_t *v, char **why)
{
	static const char *const names[] = {"pkcs11_module", "token", "key", "remote_url",
					    "credential", "tsa_url"};
	char **fields[] = {&c->signing.pkcs11_module, &c->signing.token, &c->signing.key,
			   &c->signing.remote_url, &c->signing.credential, &c->signing.tsa_url};
	const char *name;
	json_t *value;

	if (!json_is_object(v)) {
		*why = xstrdup("must be an object with pkcs11_module, token, key, remote_url, "
			       "credential, tsa_url");
		return -1;
	}
	json_object_foreach(v, name, value) {
		size_t i;
		for (i = 0; i < sizeof names / sizeof *names; i++)
			if (strcmp(name, names[i]) == 0)
				break;
		if (i == sizeof names / sizeof *names) {
			*why = xasprintf("has an unknown key \"%s\"", name);
			return -1;
		}
		if (read_string(fields[i], value, why) < 0) {
			char *inner = *why;
			*why = xasprintf(".%s %s", name, inner);
			free(inner);
			return -1;
		}
	}
	if (c->signing.tsa_url != NULL && !is_http_url(c->signing.tsa_url)) {
		*why = xstrdup(".tsa_url must be an http:// or https:// URL");
		return -1;
	}
	return 0;
}

/* The bindings' names are the console's to check (ui/keymap.c); here their shape. */
static int
rd_keys(struct config *c, json_t *v, char **why)
{
	const char *action;
	json_t *value;

	if (!json_is_object(v)) {
		*why = xstrdup("must be an object of action: key or [keys]");
		return -1;
	}
	json_object_foreach(v, action, value) {
		struct config_key *k;

		if (!json_is_string(value) &&
		    (!json_is_array(value) || json_array_size(value) > CONFIG_KEYS_PER_ACTION)) {
			*why = xasprintf_line(".%s: expected a key name or a list of up to %d",
					      action, CONFIG_KEYS_PER_ACTION);
			return -1;
		}
		c->keys = xreallocarray(c->keys, c->n_keys + 1, sizeof *c->keys);
		k = &c->keys[c->n_keys++];
		memset(k, 0, sizeof *k);
		k->action = xstrdup(action);
		if (json_is_string(value)) {
			k->keys[k->n_keys++] = xstrdup(json_string_value(value));
			continue;
		}
		for (size_t i = 0; i < json_array_size(value); i++) {
			json_t *name = json_array_get(value, i);
			if (!json_is_string(name)) {
				*why = xasprintf_line(".%s: keys must be strings", action);
				return -1;
			}
			k->keys[k->n_keys++] = xstrdup(json_string_value(name));
		}
	}
	return 0;
}

static const struct key keys[] = {
	{"signing", rd_signing},
	{"keys", rd_keys},
	{"issuer", rd_issuer},
	{"client_id", rd_client_id},
	{"language", rd_language},
	{"lock_idle_minutes", rd_lock_idle},
	{"lock_grace_minutes", rd_lock_grace},
	{"retention_days", rd_retention},
	{"due_soon_minutes", rd_due_soon},
	{"shared_terminal", rd_shared},
	{"workweek", rd_workweek},
	{"working_hours", rd_hours},
	{NULL, NULL},
};

/* jansson keeps no positions in its tree: find the key's line in the text. */
static int
line_of_key(const char *text, size_t len, const char *key)
{
	char *needle = xasprintf("\"%s\"", key);
	size_t nlen = strlen(needle);
	int line = 0;

	for (size_t i = 0, l = 1; i + nlen <= len; i++) {
		if (text[i] == '\n')
			l++;
		if (memcmp(text + i, needle, nlen) == 0) {
			line = (int)l;
			break;
		}
	}
	free(needle);
	return line;
}

static void
copy_config(struct config *dst, const struct config *src)
{
	*dst = *src;
	dst->signing.pkcs11_module = xstrdup_or_null(src->signing.pkcs11_module);
	dst->signing.token = xstrdup_or_null(src->signing.token);
	dst->signing.key = xstrdup_or_null(src->signing.key);
	dst->signing.remote_url = xstrdup_or_null(src->signing.remote_url);
	dst->signing.credential = xstrdup_or_null(src->signing.credential);
	dst->signing.tsa_url = xstrdup_or_null(src->signing.tsa_url);
	dst->keys = src->n_keys > 0 ? xcalloc(src->n_keys, sizeof *dst->keys) : NULL;
	for (size_t i = 0; i < src->n_keys; i++) {
		dst->keys[i].action = xstrdup(src->keys[i].action);
		dst->keys[i].n_keys = src->keys[i].n_keys;
		for (size_t k = 0; k < src->keys[i].n_keys; k++)
			dst->keys[i].keys[k] = xstrdup(src->keys[i].keys[k]);
	}
	dst->issuer = xstrdup_or_null(src->issuer);
	dst->client_id = xstrdup_or_null(src->client_id);
	dst->language = xstrdup_or_null(src->language);
}

int
config_parse(struct config *cfg, const char *path, const char *text, size_t len, char **cause,
	     config_warn_fn *warn, void *ctx)
{
	json_error_t jerr;
	json_t *root, *value;
	const char *name;
	struct config scratch;
	char *why = NULL;
	int rc = -1;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		*cause = xasprintf_line("%s:%d: %s", path, jerr.line, jerr.text);
		return -1;
	}
	copy_config(&scratch, cfg);
	if (!json_is_object(root)) {
		*cause = xasprintf("%s:1: the configuration must be a JSON object", path);
		goto out;
	}
	json_object_foreach(root, name, value) {
		const struct key *k;
		for (k = keys; k->name != NULL; k++)
			if (strcmp(k->name, name) == 0)
				break;
		if (k->name == NULL) {
			if (warn != NULL) {
				char *msg = xasprintf_line("%s:%d: unknown key \"%s\" ignored",
							   path, line_of_key(text, len, name), name);
				warn(ctx, msg);
				free(msg);
			}
			continue;
		}
		if (k->read(&scratch, value, &why) < 0) {
			*cause = xasprintf_line("%s:%d: \"%s\" %s", path,
						line_of_key(text, len, name), name, why);
			free(why);
			goto out;
		}
	}
	config_release(cfg);
	*cfg = scratch;
	memset(&scratch, 0, sizeof scratch);
	rc = 0;
out:
	config_release(&scratch);
	json_decref(root);
	return rc;
}

int
config_load(struct config *cfg, const char *path, char **cause, config_warn_fn *warn, void *ctx)
{
	FILE *f;
	char *text = NULL;
	size_t len;
	int rc = -1;

	f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	text = xmalloc(CONFIG_MAX_BYTES + 1);
	len = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	if (ferror(f)) {
		*cause = xasprintf("%s: read error", path);
		goto out;
	}
	if (len > CONFIG_MAX_BYTES) {
		*cause = xasprintf("%s: larger than %d bytes", path, CONFIG_MAX_BYTES);
		goto out;
	}
	rc = config_parse(cfg, path, text, len, cause, warn, ctx);
out:
	free(text);
	fclose(f);
	return rc;
}
