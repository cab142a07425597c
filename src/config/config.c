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
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/file.h"
#include "core/suggest.h"
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

#ifndef MOTCUA_DATADIR
#define MOTCUA_DATADIR "/usr/local/share/motcua"
#endif

void
config_paths_init(struct config_paths *paths, const char *config_file)
{
	const char *home = env_nonempty("MOTCUA_HOME");
	const char *xdg, *user = env_nonempty("HOME");
	char *found;

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
	}
	paths->dirs[paths->n_dirs++] = xstrdup(paths->config_dir);
#ifdef MOTCUA_SYSCONFDIR
	if (home == NULL && config_file == NULL)
		paths->dirs[paths->n_dirs++] = xstrdup(MOTCUA_SYSCONFDIR);
#endif
	paths->dirs[paths->n_dirs++] = xstrdup(MOTCUA_DATADIR);
	if (access(MOTCUA_DATADIR, F_OK) != 0)
		paths->dirs[paths->n_dirs++] = xstrdup("./config"); /* not installed: a checkout */
	if (config_file != NULL) {
		paths->config_file = xstrdup(config_file);
	} else {
		found = config_paths_find(paths, "config.json");
		paths->config_file = found != NULL ? found
						   : xasprintf("%s/config.json", paths->config_dir);
	}
}

void
config_paths_release(struct config_paths *paths)
{
	free(paths->config_dir);
	free(paths->config_file);
	free(paths->data_dir);
	for (size_t i = 0; i < paths->n_dirs; i++)
		free(paths->dirs[i]);
	memset(paths, 0, sizeof *paths);
}

char *
config_paths_in(const struct config_paths *paths, size_t i, const char *name)
{
	char *p;

	if (i >= paths->n_dirs)
		return NULL;
	p = xasprintf("%s/%s", paths->dirs[i], name);
	if (access(p, F_OK) == 0)
		return p;
	free(p);
	return NULL;
}

char *
config_paths_find(const struct config_paths *paths, const char *name)
{
	for (size_t i = 0; i < paths->n_dirs; i++) {
		char *p = config_paths_in(paths, i, name);
		if (p != NULL)
			return p;
	}
	return NULL;
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
	cfg->mouse = true;
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
	for (size_t i = 0; i < cfg->n_views; i++) {
		free(cfg->views[i].name);
		free(cfg->views[i].filter);
	}
	free(cfg->views);
	free(cfg->tls.ca_file);
	free(cfg->tls.ca_dir);
	for (size_t i = 0; i < cfg->tls.n_systems; i++) {
		free(cfg->tls.systems[i].name);
		free(cfg->tls.systems[i].ca_file);
		free(cfg->tls.systems[i].ca_dir);
		free(cfg->tls.systems[i].pin);
	}
	free(cfg->tls.systems);
	free(cfg->proxy);
	free(cfg->issuer);
	free(cfg->client_id);
	free(cfg->language);
	memset(cfg, 0, sizeof *cfg);
}

/* One key of the file: how to read it into the scratch config.  On a bad
 * value: -1 with e->expect (and min, max) set; e->key when nested. */
struct key {
	const char *name;
	int (*read)(struct config *cfg, json_t *value, struct config_error *e);
};

static int
want(struct config_error *e, enum config_expect what)
{
	e->expect = what;
	return -1;
}

static int
read_string(char **dst, json_t *value, struct config_error *e)
{
	if (!json_is_string(value) || json_string_length(value) == 0 ||
	    json_string_length(value) > 4096)
		return want(e, CONFIG_WANT_STRING);
	free(*dst);
	*dst = xstrdup(json_string_value(value));
	return 0;
}

static int
read_int(int *dst, json_t *value, int min, int max, struct config_error *e)
{
	if (!json_is_integer(value) || json_integer_value(value) < min ||
	    json_integer_value(value) > max) {
		e->min = min;
		e->max = max;
		return want(e, CONFIG_WANT_NUMBER);
	}
	*dst = (int)json_integer_value(value);
	return 0;
}

/* http:// or https:// and a host, no blanks or controls. */
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
rd_issuer(struct config *c, json_t *v, struct config_error *e)
{
	if (read_string(&c->issuer, v, e) < 0)
		return -1;
	return is_http_url(c->issuer) ? 0 : want(e, CONFIG_WANT_URL);
}

static int
rd_client_id(struct config *c, json_t *v, struct config_error *e)
{
	return read_string(&c->client_id, v, e);
}

static int
rd_language(struct config *c, json_t *v, struct config_error *e)
{
	if (!json_is_string(v) || (strcmp(json_string_value(v), "vi") != 0 &&
				   strcmp(json_string_value(v), "en") != 0))
		return want(e, CONFIG_WANT_LANGUAGE);
	return read_string(&c->language, v, e);
}

static int
rd_lock_idle(struct config *c, json_t *v, struct config_error *e)
{
	return read_int(&c->lock_idle_minutes, v, 0, 24 * 60, e);
}

static int
rd_lock_grace(struct config *c, json_t *v, struct config_error *e)
{
	return read_int(&c->lock_grace_minutes, v, 0, 24 * 60, e);
}

static int
rd_retention(struct config *c, json_t *v, struct config_error *e)
{
	return read_int(&c->retention_days, v, 1, 3650, e);
}

static int
rd_due_soon(struct config *c, json_t *v, struct config_error *e)
{
	return read_int(&c->due_soon_minutes, v, 0, 30 * 24 * 60, e);
}

static int
rd_mouse(struct config *c, json_t *v, struct config_error *e)
{
	if (!json_is_boolean(v))
		return want(e, CONFIG_WANT_BOOL);
	c->mouse = json_is_true(v);
	return 0;
}

static int
rd_shared(struct config *c, json_t *v, struct config_error *e)
{
	if (!json_is_boolean(v))
		return want(e, CONFIG_WANT_BOOL);
	c->shared_terminal = json_is_true(v);
	return 0;
}

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static int
rd_workweek(struct config *c, json_t *v, struct config_error *e)
{
	unsigned mask = 0;
	size_t i;
	json_t *day;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return want(e, CONFIG_WANT_DAYS);
	json_array_foreach(v, i, day) {
		int d;
		if (!json_is_string(day))
			return want(e, CONFIG_WANT_DAYS);
		for (d = 0; d < 7; d++)
			if (strcmp(json_string_value(day), day_names[d]) == 0)
				break;
		if (d == 7)
			return want(e, CONFIG_WANT_DAYS);
		mask |= 1u << d;
	}
	c->workweek = mask;
	return 0;
}

/* The hours of every day; a weekday's own hours and the reading, which
 * other keys set in any order, stay. */
static int
rd_hours(struct config *c, json_t *v, struct config_error *e)
{
	struct worktime every;

	if (!json_is_string(v) || deadline_worktime_parse(json_string_value(v), &every) < 0)
		return want(e, CONFIG_WANT_HOURS);
	c->worktime.n_periods = every.n_periods;
	memcpy(c->worktime.periods, every.periods, sizeof every.periods);
	return 0;
}

/* An unknown key of an object: the problem, with the closest known name. */
static int
unknown_key(struct config_error *e, const char *key, const char *const *known, size_t n)
{
	const char *near = suggest_closest(key, known, n);

	e->problem = CONFIG_E_UNKNOWN_KEY;
	snprintf(e->near, sizeof e->near, "%s", near != NULL ? near : "");
	return -1;
}

/* key, or key.sub when sub is not NULL, into e->key (one printable line). */
static void
set_key(struct config_error *e, const char *key, const char *sub)
{
	char *line = sub != NULL ? xasprintf_line("%s.%s", key, sub) : xasprintf_line("%s", key);

	snprintf(e->key, sizeof e->key, "%s", line);
	free(line);
}

/* "working_hours_by_day": {"sat": "07:30-11:30"}: those weekdays' own hours
 * (Saturday-morning intake) instead of working_hours'. */
static int
rd_hours_by_day(struct config *c, json_t *v, struct config_error *e)
{
	const char *name;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_DAY_HOURS);
	json_object_foreach(v, name, value) {
		int d;

		set_key(e, "working_hours_by_day", name);
		for (d = 0; d < 7; d++)
			if (strcmp(name, day_names[d]) == 0)
				break;
		if (d == 7)
			return unknown_key(e, name, day_names, 7);
		if (!json_is_string(value) ||
		    deadline_worktime_parse_day(json_string_value(value), d, &c->worktime) < 0)
			return want(e, CONFIG_WANT_HOURS);
	}
	e->key[0] = '\0';
	return 0;
}

/* "deadline_reading": where the rules read two ways, which way (deadline.h,
 * struct deadline_reading); each key optional, its default the zero one. */
static int
rd_reading(struct config *c, json_t *v, struct config_error *e)
{
	static const char *const names[] = {"calendar_days_from", "lunch_break", "working_days"};
	struct deadline_reading *r = &c->worktime.reading;
	const char *name;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_READING);
	json_object_foreach(v, name, value) {
		const char *s = json_is_string(value) ? json_string_value(value) : NULL;

		set_key(e, "deadline_reading", name);
		if (strcmp(name, names[0]) == 0) {
			if (deadline_calendar_from_parse(s, &r->calendar_from) < 0)
				return want(e, CONFIG_WANT_CALENDAR_FROM);
		} else if (strcmp(name, names[1]) == 0) {
			if (deadline_break_parse(s, &r->in_break) < 0)
				return want(e, CONFIG_WANT_BREAK);
		} else if (strcmp(name, names[2]) == 0) {
			if (deadline_days_as_parse(s, &r->working_days) < 0)
				return want(e, CONFIG_WANT_DAYS_AS);
		} else {
			return unknown_key(e, name, names, sizeof names / sizeof *names);
		}
	}
	e->key[0] = '\0';
	return 0;
}

static int
rd_signing(struct config *c, json_t *v, struct config_error *e)
{
	static const char *const names[] = {"pkcs11_module", "token", "key", "remote_url",
					    "credential", "tsa_url"};
	char **fields[] = {&c->signing.pkcs11_module, &c->signing.token, &c->signing.key,
			   &c->signing.remote_url, &c->signing.credential, &c->signing.tsa_url};
	const char *name;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_SIGNING);
	json_object_foreach(v, name, value) {
		size_t i;
		for (i = 0; i < sizeof names / sizeof *names; i++)
			if (strcmp(name, names[i]) == 0)
				break;
		set_key(e, "signing", name);
		if (i == sizeof names / sizeof *names)
			return unknown_key(e, name, names, sizeof names / sizeof *names);
		if (read_string(fields[i], value, e) < 0)
			return -1;
	}
	if (c->signing.tsa_url != NULL && !is_http_url(c->signing.tsa_url)) {
		set_key(e, "signing", "tsa_url");
		return want(e, CONFIG_WANT_URL);
	}
	if (c->signing.remote_url != NULL && !is_http_url(c->signing.remote_url)) {
		set_key(e, "signing", "remote_url");
		return want(e, CONFIG_WANT_URL);
	}
	e->key[0] = '\0';
	return 0;
}

/* sha256//BASE64 (44 characters), ';'-separated: CURLOPT_PINNEDPUBLICKEY. */
static bool
is_pin(const char *s)
{
	while (*s != '\0') {
		size_t n = 0;

		if (strncmp(s, "sha256//", 8) != 0)
			return false;
		s += 8;
		while (s[n] != '\0' && s[n] != ';' &&
		       (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '/' || s[n] == '='))
			n++;
		if (n != 44)
			return false;
		s += n;
		if (*s == ';')
			s++;
	}
	return true;
}

static int
rd_tls_system(struct config *c, const char *sys, json_t *v, struct config_error *e)
{
	static const char *const names[] = {"ca_file", "ca_dir", "pin"};
	struct config_tls_system *t;
	const char *name;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_TLS_SYSTEM);
	c->tls.systems = xreallocarray(c->tls.systems, c->tls.n_systems + 1, sizeof *c->tls.systems);
	t = &c->tls.systems[c->tls.n_systems++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(sys);
	json_object_foreach(v, name, value) {
		char **fields[] = {&t->ca_file, &t->ca_dir, &t->pin};
		size_t i;
		char *sub = xasprintf("systems.%s.%s", sys, name);

		set_key(e, "tls", sub);
		free(sub);
		for (i = 0; i < sizeof names / sizeof *names; i++)
			if (strcmp(name, names[i]) == 0)
				break;
		if (i == sizeof names / sizeof *names)
			return unknown_key(e, name, names, sizeof names / sizeof *names);
		if (read_string(fields[i], value, e) < 0)
			return -1;
		if (i == 2 && !is_pin(t->pin))
			return want(e, CONFIG_WANT_PIN);
	}
	return 0;
}

static int
rd_tls(struct config *c, json_t *v, struct config_error *e)
{
	static const char *const names[] = {"ca_file", "ca_dir", "systems"};
	const char *name;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_TLS);
	json_object_foreach(v, name, value) {
		set_key(e, "tls", name);
		if (strcmp(name, "ca_file") == 0) {
			if (read_string(&c->tls.ca_file, value, e) < 0)
				return -1;
		} else if (strcmp(name, "ca_dir") == 0) {
			if (read_string(&c->tls.ca_dir, value, e) < 0)
				return -1;
		} else if (strcmp(name, "systems") == 0) {
			const char *sys;
			json_t *sv;

			if (!json_is_object(value))
				return want(e, CONFIG_WANT_TLS);
			json_object_foreach(value, sys, sv)
				if (rd_tls_system(c, sys, sv, e) < 0)
					return -1;
		} else {
			return unknown_key(e, name, names, sizeof names / sizeof *names);
		}
	}
	e->key[0] = '\0';
	return 0;
}

static int
rd_proxy(struct config *c, json_t *v, struct config_error *e)
{
	if (read_string(&c->proxy, v, e) < 0)
		return -1;
	return is_http_url(c->proxy) ? 0 : want(e, CONFIG_WANT_URL);
}

/* The bindings' names are the console's to check (ui/keymap.c); here their shape. */
static int
rd_keys(struct config *c, json_t *v, struct config_error *e)
{
	const char *action;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_BINDINGS);
	json_object_foreach(v, action, value) {
		struct config_key *k;

		set_key(e, "keys", action);
		if (!json_is_string(value) &&
		    (!json_is_array(value) || json_array_size(value) > CONFIG_KEYS_PER_ACTION)) {
			e->max = CONFIG_KEYS_PER_ACTION;
			return want(e, CONFIG_WANT_KEY_NAMES);
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
				e->max = CONFIG_KEYS_PER_ACTION;
				return want(e, CONFIG_WANT_KEY_NAMES);
			}
			k->keys[k->n_keys++] = xstrdup(json_string_value(name));
		}
	}
	e->key[0] = '\0';
	return 0;
}

/* "views": {"name": "search text"}; names without spaces (":view NAME"). */
static int
rd_views(struct config *c, json_t *v, struct config_error *e)
{
	const char *name;
	json_t *value;

	if (!json_is_object(v))
		return want(e, CONFIG_WANT_VIEWS);
	json_object_foreach(v, name, value) {
		struct config_view *cv;

		set_key(e, "views", name);
		if (name[0] == '\0' || strlen(name) > CONFIG_VIEW_NAME_MAX ||
		    strpbrk(name, " \t\r\n") != NULL || !json_is_string(value) ||
		    strlen(json_string_value(value)) > CONFIG_VIEW_FILTER_MAX)
			return want(e, CONFIG_WANT_VIEWS);
		c->views = xreallocarray(c->views, c->n_views + 1, sizeof *c->views);
		cv = &c->views[c->n_views++];
		cv->name = xstrdup(name);
		cv->filter = xstrdup(json_string_value(value));
	}
	e->key[0] = '\0';
	return 0;
}

static const char *const column_names[CONFIG_COLUMN_COUNT] = {
	[CONFIG_COLUMN_DUE] = "due",
	[CONFIG_COLUMN_CODE] = "code",
	[CONFIG_COLUMN_PROCEDURE] = "procedure",
	[CONFIG_COLUMN_APPLICANT] = "applicant",
	[CONFIG_COLUMN_STATUS] = "status",
	[CONFIG_COLUMN_SOURCE] = "source",
	[CONFIG_COLUMN_RECEIVED] = "received",
	[CONFIG_COLUMN_AREA] = "area",
};

/* "columns": ["due", "code", ...]: which the inbox shows, in that order.
 * A name that is not a column is refused with the closest one, so that a
 * typo does not silently hide a column. */
static int
rd_columns(struct config *c, json_t *v, struct config_error *e)
{
	size_t i, n = 0;
	json_t *item;
	enum config_column cols[CONFIG_COLUMN_COUNT];

	if (!json_is_array(v) || json_array_size(v) == 0)
		return want(e, CONFIG_WANT_COLUMNS);
	json_array_foreach(v, i, item) {
		const char *name = json_string_value(item);
		int col;

		if (name == NULL)
			return want(e, CONFIG_WANT_COLUMNS);
		for (col = 0; col < CONFIG_COLUMN_COUNT; col++)
			if (strcmp(name, column_names[col]) == 0)
				break;
		if (col == CONFIG_COLUMN_COUNT) {
			const char *near = suggest_closest(name, column_names, CONFIG_COLUMN_COUNT);
			char *line = xasprintf_line("%s", name);

			snprintf(e->detail, sizeof e->detail, "%s", line);
			snprintf(e->near, sizeof e->near, "%s", near != NULL ? near : "");
			free(line);
			return want(e, CONFIG_WANT_COLUMNS);
		}
		for (size_t k = 0; k < n; k++)
			if (cols[k] == (enum config_column)col) {
				snprintf(e->detail, sizeof e->detail, "%s", name);
				return want(e, CONFIG_WANT_COLUMN_ONCE);
			}
		cols[n++] = (enum config_column)col;
	}
	memcpy(c->columns, cols, n * sizeof cols[0]);
	c->n_columns = n;
	return 0;
}

static const struct key keys[] = {
	{"columns", rd_columns},
	{"views", rd_views},
	{"signing", rd_signing},
	{"keys", rd_keys},
	{"tls", rd_tls},
	{"proxy", rd_proxy},
	{"issuer", rd_issuer},
	{"client_id", rd_client_id},
	{"language", rd_language},
	{"lock_idle_minutes", rd_lock_idle},
	{"lock_grace_minutes", rd_lock_grace},
	{"retention_days", rd_retention},
	{"due_soon_minutes", rd_due_soon},
	{"shared_terminal", rd_shared},
	{"mouse", rd_mouse},
	{"workweek", rd_workweek},
	{"working_hours", rd_hours},
	{"working_hours_by_day", rd_hours_by_day},
	{"deadline_reading", rd_reading},
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

static void
error_start(struct config_error *e, const char *path)
{
	memset(e, 0, sizeof *e);
	snprintf(e->path, sizeof e->path, "%s", path);
}

int
config_parse(struct config *cfg, const char *path, const char *text, size_t len,
	     struct config_error *err)
{
	json_error_t jerr;
	json_t *root, *value;
	const char *name;
	struct config scratch;
	int rc = -1;

	error_start(err, path);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		err->problem = CONFIG_E_JSON;
		err->line = jerr.line;
		config_file_json_error(&jerr, err->detail, sizeof err->detail);
		xstr_one_line(err->detail);
		return -1;
	}
	copy_config(&scratch, cfg);
	if (!json_is_object(root)) {
		err->problem = CONFIG_E_NOT_OBJECT;
		err->line = 1;
		goto out;
	}
	json_object_foreach(root, name, value) {
		const struct key *k;
		for (k = keys; k->name != NULL; k++)
			if (strcmp(k->name, name) == 0)
				break;
		set_key(err, name, NULL);
		err->line = line_of_key(text, len, name);
		if (k->name == NULL) {
			const char *names[sizeof keys / sizeof keys[0]];
			size_t n = 0;
			for (k = keys; k->name != NULL; k++)
				names[n++] = k->name;
			unknown_key(err, name, names, n);
			goto out;
		}
		if (k->read(&scratch, value, err) < 0) {
			if (err->problem != CONFIG_E_UNKNOWN_KEY)
				err->problem = CONFIG_E_VALUE;
			if (err->key[0] == '\0')
				set_key(err, name, NULL);
			goto out;
		}
	}
	config_release(cfg);
	*cfg = scratch;
	memset(&scratch, 0, sizeof scratch);
	error_start(err, path);
	rc = 0;
out:
	config_release(&scratch);
	json_decref(root);
	return rc;
}

int
config_load(struct config *cfg, const char *path, struct config_error *err)
{
	char *text = NULL;
	const char *why = NULL;
	size_t len;
	int rc;

	error_start(err, path);
	switch (config_file_read(path, CONFIG_MAX_BYTES, &text, &len, &why)) {
	case 0:
		break;
	case 1:
		return 1;
	case CONFIG_FILE_E_TOO_BIG:
		err->problem = CONFIG_E_TOO_BIG;
		err->max = CONFIG_MAX_BYTES;
		return -1;
	case CONFIG_FILE_E_SYMLINK:
		err->problem = CONFIG_E_SYMLINK;
		return -1;
	case CONFIG_FILE_E_NOT_REGULAR:
		err->problem = CONFIG_E_NOT_REGULAR;
		return -1;
	case CONFIG_FILE_E_OWNER:
		err->problem = CONFIG_E_OWNER;
		return -1;
	default:
		err->problem = CONFIG_E_READ;
		snprintf(err->detail, sizeof err->detail, "%s", why);
		return -1;
	}
	rc = config_parse(cfg, path, text, len, err);
	free(text);
	return rc;
}

int
config_save_view(const char *path, const char *name, const char *filter, char **cause)
{
	json_t *root = NULL, *views;
	json_error_t jerr;
	char *tmp = NULL, *text = NULL;
	FILE *f;
	int fd, rc = -1;

	*cause = NULL;
	if (access(path, F_OK) == 0) {
		root = json_load_file(path, 0, &jerr);
		if (!json_is_object(root)) {
			*cause = xasprintf("%s: %s", path, root == NULL ? jerr.text : "not an object");
			goto out;
		}
	} else {
		root = json_object();
	}
	views = json_object_get(root, "views");
	if (views == NULL) {
		views = json_object();
		json_object_set_new(root, "views", views);
	} else if (!json_is_object(views)) {
		*cause = xasprintf("%s: \"views\" is not an object", path);
		goto out;
	}
	json_object_set_new(views, name, json_string(filter));
	text = json_dumps(root, JSON_INDENT(2));
	tmp = xasprintf("%s.XXXXXX", path);
	fd = text != NULL ? mkstemp(tmp) : -1;
	if (fd < 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		(void)unlink(tmp);
		goto out;
	}
	if (fputs(text, f) < 0 || fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fd) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		fclose(f);
		(void)unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		(void)unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(text);
	json_decref(root);
	return rc;
}
