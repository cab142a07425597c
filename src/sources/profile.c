/*
 * profile.c - reading and validating config/sources.d/NAME.json (profile.h).
 *
 * Tables of allowed keys, not ad-hoc checks: each object of a profile has a
 * table saying which keys exist, their type and where the value goes, so an
 * unknown key (a typo) and a wrong type are refused with the same clear
 * message.  Nothing here talks to a server.
 */
#include "sources/profile.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "config/file.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "sources/profile_int.h"
#include "sources/source_int.h"

#define MAX_FILE (1024 * 1024)

char *
profile_fail(const char *path, const char *fmt, ...)
{
	char msg[384];
	char *out;
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = strlen(path) + strlen(msg) + 3;
	out = xmalloc(n);
	snprintf(out, n, "%s: %s", path, msg);
	/* One printable line: keys and jansson's "near" quote the file. */
	return xstr_one_line(out);
}

/* "_comment" may stand anywhere in a file, with any value, and is ignored:
 * profiles are written and reviewed by people, who need to say why. */
bool
profile_is_comment(const char *key)
{
	return strcmp(key, "_comment") == 0;
}

/* A query parameter name or a dotted JSON path. */
bool
profile_ident_ok(const char *s, bool dots)
{
	size_t n = strlen(s);
	if (n == 0 || n > 120)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || (dots && c == '.')))
			return false;
	}
	return !dots || (s[0] != '.' && s[n - 1] != '.' && strstr(s, "..") == NULL);
}

static bool
url_ok(const char *s)
{
	if (strlen(s) > 512 || (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0))
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return false;
	return true;
}

/* A path under base_url: starts with '/', printable, {code} allowed. */
bool
profile_path_ok(const char *s)
{
	if (s[0] != '/' || strlen(s) > 512 || strstr(s, "..") != NULL || strstr(s, "//") != NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
			return false;
	return true;
}


struct key {
	const char *name;
	enum profile_kind kind;
	size_t off;        /* offsetof into the target struct, for scalars */
	int min, max;      /* K_INT */
};

#define P(f) offsetof(struct source_profile, f)

static const struct key pull_keys[] = {
	{"path", K_URLPATH, P(pull_path), 0, 0},
	{"paging", K_TEXT, 0, 0, 0}, /* handled by hand */
	{"page_size", K_INT, P(page_size), 1, 1000},
	{"first_page", K_INT, P(first_page), 0, 1},
	{"next", K_PATHEXPR, P(next_link), 0, 0},
	{"since_inclusive", K_BOOL, P(since_inclusive), 0, 0},
	{"params", K_OBJ, 0, 0, 0},
	{"items", K_PATHEXPR, P(items), 0, 0},
	{"more", K_PATHEXPR, P(more), 0, 0},
	{"total_pages", K_PATHEXPR, P(total_pages), 0, 0},
	{"next_cursor", K_PATHEXPR, P(next_cursor), 0, 0},
	{"success", K_OBJ, 0, 0, 0},
	{NULL, K_TEXT, 0, 0, 0},
};

static const struct key param_keys[] = {
	{"cursor", K_IDENT, P(p_cursor), 0, 0}, {"size", K_IDENT, P(p_size), 0, 0},
	{"since", K_IDENT, P(p_since), 0, 0},   {"offset", K_IDENT, P(p_offset), 0, 0},
	{"page", K_IDENT, P(p_page), 0, 0},     {NULL, K_TEXT, 0, 0, 0},
};

static const struct key success_keys[] = {
	{"path", K_PATHEXPR, P(ok_path), 0, 0}, {"equals", K_TEXT, P(ok_value), 0, 0},
	{NULL, K_TEXT, 0, 0, 0},
};

static const struct key detail_keys[] = {
	{"path", K_URLPATH, P(detail_path), 0, 0}, {"object", K_PATHEXPR, P(detail_object), 0, 0},
	{NULL, K_TEXT, 0, 0, 0},
};

static const struct key field_keys[] = {
	{"code", K_PATHEXPR, P(f_code), 0, 0},
	{"status", K_PATHEXPR, P(f_status), 0, 0},
	{"procedure_code", K_PATHEXPR, P(f_procedure_code), 0, 0},
	{"procedure_name", K_PATHEXPR, P(f_procedure_name), 0, 0},
	{"field_code", K_PATHEXPR, P(f_field_code), 0, 0},
	{"field_name", K_PATHEXPR, P(f_field_name), 0, 0},
	{"applicant_name", K_PATHEXPR, P(f_applicant_name), 0, 0},
	{"applicant_id", K_PATHEXPR, P(f_applicant_id), 0, 0},
	{"unit", K_PATHEXPR, P(f_unit), 0, 0},
	{"summary", K_PATHEXPR, P(f_summary), 0, 0},
	{"received_at", K_PATHEXPR, P(f_received_at), 0, 0},
	{"due_at", K_PATHEXPR, P(f_due_at), 0, 0},
	{"finished_at", K_PATHEXPR, P(f_finished_at), 0, 0},
	{"updated_at", K_PATHEXPR, P(f_updated_at), 0, 0},
	{"version", K_PATHEXPR, P(f_version), 0, 0},
	{NULL, K_TEXT, 0, 0, 0},
};

/* Apply `obj` to the profile through a key table.  0, or -1 with *cause. */
static int
apply(struct source_profile *p, const char *where, json_t *obj, const struct key *keys,
      char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj)) {
		*cause = profile_fail(p->path, "%s: must be an object", where);
		return -1;
	}
	json_object_foreach(obj, k, v) {
		const struct key *key = keys;
		if (profile_is_comment(k))
			continue;
		while (key->name != NULL && strcmp(key->name, k) != 0)
			key++;
		if (key->name == NULL) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "%s: unknown key \"%s\"", where, safe);
			return -1;
		}
		if (key->kind == K_OBJ || (key->kind == K_TEXT && key->off == 0))
			continue;
		if (key->kind == K_INT) {
			json_int_t x = json_integer_value(v);
			if (!json_is_integer(v) || x < key->min || x > key->max) {
				*cause = profile_fail(p->path, "%s.%s: must be an integer %d..%d", where, k,
					      key->min, key->max);
				return -1;
			}
			*(int *)(void *)((char *)p + key->off) = (int)x;
			continue;
		}
		if (key->kind == K_BOOL) {
			if (!json_is_boolean(v)) {
				*cause = profile_fail(p->path, "%s.%s: must be true or false", where, k);
				return -1;
			}
			*(bool *)(void *)((char *)p + key->off) = json_is_true(v);
			continue;
		}
		{
			const char *s = json_string_value(v);
			bool ok = s != NULL && json_string_length(v) == strlen(s) && strlen(s) <= 512;
			char **dst = (char **)(void *)((char *)p + key->off);
			if (ok && key->kind == K_IDENT)
				ok = profile_ident_ok(s, false);
			if (ok && key->kind == K_PATHEXPR)
				ok = s[0] == '\0' ? strcmp(k, "items") == 0 : profile_ident_ok(s, true);
			if (ok && key->kind == K_URLPATH)
				ok = profile_path_ok(s);
			if (!ok) {
				*cause = profile_fail(p->path, "%s.%s: %s", where, k,
					      key->kind == K_PATHEXPR ? "must be a field path like a.b"
					      : key->kind == K_IDENT  ? "must be a parameter name"
					      : key->kind == K_URLPATH
						      ? "must be a path starting with / (no .., no spaces)"
						      : "must be a string");
				return -1;
			}
			free(*dst);
			*dst = xstrdup(s);
		}
	}
	return 0;
}

static const char *const paging_names[] = {"cursor", "offset", "page", "since", "next", NULL};

static int
read_status_map(struct source_profile *p, json_t *map, char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(map) || json_object_size(map) == 0 || json_object_size(map) > 200) {
		*cause = profile_fail(p->path, "status_map: must be an object of 1..200 entries");
		return -1;
	}
	p->st_raw = xcalloc(json_object_size(map), sizeof *p->st_raw);
	p->st_code = xcalloc(json_object_size(map), sizeof *p->st_code);
	json_object_foreach(map, k, v) {
		if (profile_is_comment(k))
			continue;
		if (!json_is_integer(v) || !status_valid((int)json_integer_value(v)) ||
		    strlen(k) > SRC_MAX_SHORT) {
			*cause = profile_fail(p->path, "status_map: every value must be a status 1..10");
			return -1;
		}
		p->st_raw[p->n_status] = xstrdup(k);
		p->st_code[p->n_status++] = (int)json_integer_value(v);
	}
	if (p->n_status == 0) {
		*cause = profile_fail(p->path, "status_map: must be an object of 1..200 entries");
		return -1;
	}
	return 0;
}

bool
source_profile_can_send(const struct source_profile *p, enum action a)
{
	return p != NULL && a > ACTION_NONE && a < ACTION_COUNT && p->actions[a] != NULL;
}

static const char *const top_keys[] = {"name",	  "dialect",	    "title",   "base_url",
				       "auth",	  "api_key_header", "audience", "date_format",
				       "pull",	  "detail",	    "fields",  "status_map",
				       "lists",	  "actions",	    "enabled", "due_rule",
				       NULL};

/* A header name: a token of RFC 9110 letters, digits and dashes. */
static bool
header_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return false;
	/* the ones the connector sets itself */
	return strcasecmp(s, "Host") != 0 && strcasecmp(s, "Content-Length") != 0 &&
	       strcasecmp(s, "Content-Type") != 0 && strcasecmp(s, "Accept") != 0;
}

/* An audience: printable ASCII without spaces or quotes, 1..200. */
static bool
audience_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '"' ||
		    s[i] == '\\')
			return false;
	return true;
}

int
source_profile_parse(const char *path, const char *text, size_t len, struct source_profile **out,
		     char **cause)
{
	struct source_profile *p = xcalloc(1, sizeof *p);
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr);
	json_t *pull, *v;
	const char *k, *s;
	int fmt;

	*out = NULL;
	p->refs = 1;
	p->path = xstrdup(path);
	p->bearer = true;
	p->first_page = 1;
	p->page_size = 100;
	if (root == NULL) {
		char why[160];
		config_file_json_error(&jerr, why, sizeof why);
		*cause = profile_fail(path, "line %d: %s", jerr.line, why);
		goto bad;
	}
	if (!json_is_object(root)) {
		*cause = profile_fail(path, "must be a JSON object");
		goto bad;
	}
	json_object_foreach(root, k, v) {
		size_t i = 0;
		if (profile_is_comment(k))
			continue;
		while (top_keys[i] != NULL && strcmp(top_keys[i], k) != 0)
			i++;
		if (top_keys[i] == NULL) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(path, "unknown key \"%s\"", safe);
			goto bad;
		}
	}
	s = json_string_value(json_object_get(root, "name"));
	if (s == NULL || !dossier_source_name_ok(s)) {
		*cause = profile_fail(path, "name: required, 1..32 of a-z 0-9 _ -");
		goto bad;
	}
	p->name = xstrdup(s);
	if ((v = json_object_get(root, "title")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) > 200) {
			*cause = profile_fail(path, "title: must be a string");
			goto bad;
		}
		p->title = xstrdup(json_string_value(v));
	}
	if ((v = json_object_get(root, "base_url")) != NULL) {
		if (!json_is_string(v) || !url_ok(json_string_value(v))) {
			*cause = profile_fail(path, "base_url: must be an http:// or https:// URL");
			goto bad;
		}
		p->base_url = xstrdup(json_string_value(v));
	}
	s = json_string_value(json_object_get(root, "auth"));
	if (json_object_get(root, "auth") != NULL &&
	    (s == NULL || (strcmp(s, "bearer") != 0 && strcmp(s, "none") != 0 &&
			   strcmp(s, "api_key") != 0))) {
		*cause = profile_fail(path, "auth: must be \"bearer\", \"api_key\" or \"none\"");
		goto bad;
	}
	p->bearer = s == NULL || strcmp(s, "bearer") == 0;
	if ((v = json_object_get(root, "api_key_header")) != NULL) {
		if (s == NULL || strcmp(s, "api_key") != 0) {
			*cause = profile_fail(path, "api_key_header: only with \"auth\": \"api_key\"");
			goto bad;
		}
		if (!json_is_string(v) || !header_name_ok(json_string_value(v))) {
			*cause = profile_fail(path, "api_key_header: must be a header name like "
					      "X-API-Key");
			goto bad;
		}
	}
	if (s != NULL && strcmp(s, "api_key") == 0)
		p->key_header = xstrdup(v != NULL ? json_string_value(v) : "X-API-Key");
	if ((v = json_object_get(root, "audience")) != NULL) {
		if (!json_is_string(v) || !audience_ok(json_string_value(v))) {
			*cause = profile_fail(path, "audience: must be 1..200 printable characters, "
					      "no spaces");
			goto bad;
		}
		p->audience = xstrdup(json_string_value(v));
	}
	fmt = src_date_fmt_parse(json_string_value(json_object_get(root, "date_format")));
	if (fmt < 0) {
		*cause = profile_fail(path, "date_format: required, one of iso8601, yyyyMMddHHmmss, "
				    "dd/MM/yyyy HH:mm:ss, epoch_ms, epoch_s, or a pattern like "
				    "dd-MM-yyyy HH:mm");
		goto bad;
	}
	p->date_fmt = fmt;
	pull = json_object_get(root, "pull");
	if (pull == NULL) {
		*cause = profile_fail(path, "pull: required");
		goto bad;
	}
	if (apply(p, "pull", pull, pull_keys, cause) != 0)
		goto bad;
	if (json_object_get(pull, "params") != NULL &&
	    apply(p, "pull.params", json_object_get(pull, "params"), param_keys, cause) != 0)
		goto bad;
	if (json_object_get(pull, "success") != NULL &&
	    apply(p, "pull.success", json_object_get(pull, "success"), success_keys, cause) != 0)
		goto bad;
	s = json_string_value(json_object_get(pull, "paging"));
	{
		int i = 0;
		while (s != NULL && paging_names[i] != NULL && strcmp(paging_names[i], s) != 0)
			i++;
		if (s == NULL || paging_names[i] == NULL) {
			*cause = profile_fail(path, "pull.paging: required, one of cursor, offset, page, "
					      "since, next");
			goto bad;
		}
		p->paging = (enum profile_paging)i;
	}
	if (p->pull_path == NULL || p->items == NULL) {
		*cause = profile_fail(path, "pull: \"path\" and \"items\" are required");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_CURSOR && (p->p_cursor == NULL || p->next_cursor == NULL)) {
		*cause = profile_fail(path, "pull: cursor paging needs params.cursor and next_cursor");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_OFFSET && p->p_offset == NULL) {
		*cause = profile_fail(path, "pull: offset paging needs params.offset");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_PAGE && p->p_page == NULL) {
		*cause = profile_fail(path, "pull: page paging needs params.page");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_SINCE && p->p_since == NULL) {
		*cause = profile_fail(path, "pull: since paging needs params.since");
		goto bad;
	}
	if ((p->ok_path == NULL) != (p->ok_value == NULL)) {
		*cause = profile_fail(path, "pull.success: needs both path and equals");
		goto bad;
	}
	if (json_object_get(root, "detail") != NULL) {
		if (apply(p, "detail", json_object_get(root, "detail"), detail_keys, cause) != 0)
			goto bad;
		if (p->detail_path == NULL || strstr(p->detail_path, "{code}") == NULL) {
			*cause = profile_fail(path, "detail.path: required, with {code} in it");
			goto bad;
		}
	}
	if (json_object_get(root, "fields") == NULL ||
	    apply(p, "fields", json_object_get(root, "fields"), field_keys, cause) != 0) {
		if (*cause == NULL)
			*cause = profile_fail(path, "fields: required");
		goto bad;
	}
	if (p->f_code == NULL || p->f_status == NULL) {
		*cause = profile_fail(path, "fields: \"code\" and \"status\" are required");
		goto bad;
	}
	if (p->paging != PROFILE_PAGING_CURSOR && p->p_since != NULL && p->f_updated_at == NULL) {
		*cause = profile_fail(path, "fields.updated_at: required when pulling by params.since");
		goto bad;
	}
	if (read_status_map(p, json_object_get(root, "status_map"), cause) != 0)
		goto bad;
	if (json_object_get(root, "lists") != NULL &&
	    profile_read_lists(p, json_object_get(root, "lists"), cause) != 0)
		goto bad;
	if (json_object_get(root, "actions") != NULL &&
	    profile_read_actions(p, json_object_get(root, "actions"), cause) != 0)
		goto bad;
	json_decref(root);
	*out = p;
	return 0;
bad:
	json_decref(root);
	source_profile_free(p);
	return -1;
}

struct source_profile *
source_profile_ref(struct source_profile *p)
{
	if (p != NULL)
		p->refs++;
	return p;
}

void
source_profile_free(struct source_profile *p)
{
	if (p == NULL || --p->refs > 0)
		return;
	char **strs[] = {&p->path, &p->name, &p->title, &p->base_url, &p->pull_path,
			 &p->p_cursor, &p->p_size, &p->p_since, &p->p_offset, &p->p_page,
			 &p->items, &p->more, &p->total_pages, &p->next_cursor, &p->ok_path,
			 &p->ok_value, &p->detail_path, &p->detail_object, &p->f_code,
			 &p->key_header, &p->audience, &p->next_link,
			 &p->f_status, &p->f_procedure_code, &p->f_procedure_name,
			 &p->f_field_code, &p->f_field_name, &p->f_applicant_name,
			 &p->f_applicant_id, &p->f_unit, &p->f_summary, &p->f_received_at,
			 &p->f_due_at, &p->f_finished_at, &p->f_updated_at, &p->f_version};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	for (size_t i = 0; i < ACTION_COUNT; i++)
		profile_action_free(p->actions[i]);
	profile_lists_free(p);
	for (size_t i = 0; i < p->n_status; i++)
		free(p->st_raw[i]);
	free(p->st_raw);
	free(p->st_code);
	free(p);
}

/* ---- definitions ------------------------------------------------------------ */

static const char *const ref_keys[] = {"name", "dialect", "title", "base_url", "page_size",
				       "enabled", "due_rule", NULL};

int
source_def_parse(const char *path, const char *text, size_t len, struct source_def *out,
		 char **cause)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, 0, &jerr);
	const char *dialect, *name, *k;
	json_t *v;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if (root == NULL) {
		char why[160];
		config_file_json_error(&jerr, why, sizeof why);
		*cause = profile_fail(path, "line %d: %s", jerr.line, why);
		return -1;
	}
	if (!json_is_object(root)) {
		*cause = profile_fail(path, "must be a JSON object");
		goto out;
	}
	dialect = json_string_value(json_object_get(root, "dialect"));
	name = json_string_value(json_object_get(root, "name"));
	if (dialect == NULL || source_ops_find(dialect) == NULL) {
		*cause = profile_fail(path, "dialect: required, one of dvcqg, tuphap, congan, nnmt, tinh, "
				    "generic");
		goto out;
	}
	v = json_object_get(root, "enabled");
	if (v != NULL && !json_is_boolean(v)) {
		*cause = profile_fail(path, "enabled: must be true or false");
		goto out;
	}
	out->enabled = v == NULL || json_is_true(v);
	/* the system's own deadline rule in the clerk's words, for the console
	 * to say why its due dates differ from the ones computed here */
	v = json_object_get(root, "due_rule");
	if (v != NULL && (!json_is_string(v) || json_string_length(v) == 0 ||
			  json_string_length(v) > 200)) {
		*cause = profile_fail(path, "due_rule: must be a text of 1..200 bytes");
		goto out;
	}
	out->due_rule = xstrdup_or_null(json_string_value(v));
	if (strcmp(dialect, "generic") == 0) {
		if (source_profile_parse(path, text, len, &out->profile, cause) != 0)
			goto out;
		out->name = xstrdup(out->profile->name);
		out->base_url = xstrdup_or_null(out->profile->base_url);
		out->title = xstrdup_or_null(out->profile->title);
		out->page_size = out->profile->page_size;
	} else {
		json_object_foreach(root, k, v) {
			size_t i = 0;
			if (profile_is_comment(k))
				continue;
			while (ref_keys[i] != NULL && strcmp(ref_keys[i], k) != 0)
				i++;
			if (ref_keys[i] == NULL) {
				char safe[48];
				src_safe_code(k, safe, sizeof safe);
				*cause = profile_fail(path, "unknown key \"%s\" (profile keys need "
						    "\"dialect\": \"generic\")", safe);
				goto out;
			}
		}
		if (name == NULL || !dossier_source_name_ok(name)) {
			*cause = profile_fail(path, "name: required, 1..32 of a-z 0-9 _ -");
			goto out;
		}
		out->name = xstrdup(name);
		v = json_object_get(root, "base_url");
		if (v != NULL && (!json_is_string(v) || !url_ok(json_string_value(v)))) {
			*cause = profile_fail(path, "base_url: must be an http:// or https:// URL");
			goto out;
		}
		out->base_url = xstrdup_or_null(json_string_value(v));
		v = json_object_get(root, "title");
		if (v != NULL && (!json_is_string(v) || json_string_length(v) > 200)) {
			*cause = profile_fail(path, "title: must be a string");
			goto out;
		}
		out->title = xstrdup_or_null(json_string_value(v));
		v = json_object_get(root, "page_size");
		if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
				  json_integer_value(v) > 1000)) {
			*cause = profile_fail(path, "page_size: must be an integer 1..1000");
			goto out;
		}
		out->page_size = v != NULL ? (int)json_integer_value(v) : 0;
	}
	out->dialect = xstrdup(dialect);
	out->path = xstrdup(path);
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		source_def_release(out);
	return rc;
}

void
source_def_release(struct source_def *def)
{
	free(def->name);
	free(def->dialect);
	free(def->base_url);
	free(def->title);
	free(def->path);
	free(def->due_rule);
	source_profile_free(def->profile);
	memset(def, 0, sizeof *def);
}

bool
source_def_can_send(const struct source_def *def, enum action a)
{
	const struct source_ops *ops;

	if (def->profile != NULL)
		return source_profile_can_send(def->profile, a);
	ops = source_ops_find(def->dialect);
	return ops != NULL && ops->action_request != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole file, at most MAX_FILE bytes.  NULL with *cause. */
static char *
slurp(const char *path, size_t *len, char **cause)
{
	char *buf = NULL;
	const char *why = NULL;

	switch (config_file_read(path, MAX_FILE, &buf, len, &why)) {
	case 0:
		return buf;
	case 1:
		*cause = profile_fail(path, "%s", strerror(ENOENT));
		return NULL;
	case CONFIG_FILE_E_TOO_BIG:
		*cause = profile_fail(path, "larger than 1 MB");
		return NULL;
	default:
		*cause = profile_fail(path, "%s", why);
		return NULL;
	}
}

size_t
source_defs_load_dir(const char *dir, struct source_def **defs, source_warn_fn *warn, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n_names = 0, n = 0;

	*defs = NULL;
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 && e->d_name[0] != '.') {
			names = xreallocarray(names, n_names + 1, sizeof *names);
			names[n_names++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n_names > 1)
		qsort(names, n_names, sizeof *names, cmp_str);
	for (size_t i = 0; i < n_names; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2, len = 0;
		char *path = xmalloc(plen);
		char *cause = NULL, *text;
		struct source_def def;
		bool dup = false;

		snprintf(path, plen, "%s/%s", dir, names[i]);
		text = slurp(path, &len, &cause);
		if (text != NULL && source_def_parse(path, text, len, &def, &cause) == 0) {
			for (size_t j = 0; j < n; j++)
				dup = dup || strcmp((*defs)[j].name, def.name) == 0;
			if (dup) {
				char *m = profile_fail(path, "name \"%s\" already defined; file ignored",
					       def.name);
				if (warn != NULL)
					warn(ctx, m);
				free(m);
				source_def_release(&def);
			} else {
				*defs = xreallocarray(*defs, n + 1, sizeof **defs);
				(*defs)[n++] = def;
			}
		} else if (warn != NULL) {
			warn(ctx, cause);
		}
		free(cause);
		free(text);
		free(path);
		free(names[i]);
	}
	free(names);
	return n;
}

void
source_defs_free(struct source_def *defs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		source_def_release(&defs[i]);
	free(defs);
}
