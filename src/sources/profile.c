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

#include <jansson.h>

#include "config/file.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "sources/source_int.h"

#define MAX_FILE (1024 * 1024)

static char *
fail(const char *path, const char *fmt, ...)
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
static bool
is_comment(const char *key)
{
	return strcmp(key, "_comment") == 0;
}

/* A query parameter name or a dotted JSON path. */
static bool
ident_ok(const char *s, bool dots)
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
static bool
path_ok(const char *s)
{
	if (s[0] != '/' || strlen(s) > 512 || strstr(s, "..") != NULL || strstr(s, "//") != NULL)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
			return false;
	return true;
}

enum kind { K_NAME, K_IDENT, K_PATHEXPR, K_URL, K_URLPATH, K_TEXT, K_INT, K_BOOL, K_OBJ };

struct key {
	const char *name;
	enum kind kind;
	size_t off;        /* offsetof into the target struct, for scalars */
	int min, max;      /* K_INT */
};

#define P(f) offsetof(struct source_profile, f)

static const struct key pull_keys[] = {
	{"path", K_URLPATH, P(pull_path), 0, 0},
	{"paging", K_TEXT, 0, 0, 0}, /* handled by hand */
	{"page_size", K_INT, P(page_size), 1, 1000},
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
		*cause = fail(p->path, "%s: must be an object", where);
		return -1;
	}
	json_object_foreach(obj, k, v) {
		const struct key *key = keys;
		if (is_comment(k))
			continue;
		while (key->name != NULL && strcmp(key->name, k) != 0)
			key++;
		if (key->name == NULL) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = fail(p->path, "%s: unknown key \"%s\"", where, safe);
			return -1;
		}
		if (key->kind == K_OBJ || (key->kind == K_TEXT && key->off == 0))
			continue;
		if (key->kind == K_INT) {
			json_int_t x = json_integer_value(v);
			if (!json_is_integer(v) || x < key->min || x > key->max) {
				*cause = fail(p->path, "%s.%s: must be an integer %d..%d", where, k,
					      key->min, key->max);
				return -1;
			}
			*(int *)(void *)((char *)p + key->off) = (int)x;
			continue;
		}
		if (key->kind == K_BOOL) {
			if (!json_is_boolean(v)) {
				*cause = fail(p->path, "%s.%s: must be true or false", where, k);
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
				ok = ident_ok(s, false);
			if (ok && key->kind == K_PATHEXPR)
				ok = s[0] == '\0' ? strcmp(k, "items") == 0 : ident_ok(s, true);
			if (ok && key->kind == K_URLPATH)
				ok = path_ok(s);
			if (!ok) {
				*cause = fail(p->path, "%s.%s: %s", where, k,
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

static const char *const paging_names[] = {"cursor", "offset", "page", "since", NULL};

static int
read_status_map(struct source_profile *p, json_t *map, char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(map) || json_object_size(map) == 0 || json_object_size(map) > 200) {
		*cause = fail(p->path, "status_map: must be an object of 1..200 entries");
		return -1;
	}
	p->st_raw = xcalloc(json_object_size(map), sizeof *p->st_raw);
	p->st_code = xcalloc(json_object_size(map), sizeof *p->st_code);
	json_object_foreach(map, k, v) {
		if (is_comment(k))
			continue;
		if (!json_is_integer(v) || !status_valid((int)json_integer_value(v)) ||
		    strlen(k) > SRC_MAX_SHORT) {
			*cause = fail(p->path, "status_map: every value must be a status 1..10");
			return -1;
		}
		p->st_raw[p->n_status] = xstrdup(k);
		p->st_code[p->n_status++] = (int)json_integer_value(v);
	}
	if (p->n_status == 0) {
		*cause = fail(p->path, "status_map: must be an object of 1..200 entries");
		return -1;
	}
	return 0;
}

/* ---- actions ------------------------------------------------------------------ */

/* The placeholders of a body template: a string that is exactly one of them
 * is replaced by its value (left out when the action has none). */
static const char *const placeholders[] = {"{code}",   "{action}",  "{reason}",  "{to_unit}",
					   "{actor}",  "{key}",     "{files}",   "{version}",
					   "{version_int}", NULL};

static bool
is_placeholder(const char *s)
{
	for (size_t i = 0; placeholders[i] != NULL; i++)
		if (strcmp(placeholders[i], s) == 0)
			return true;
	return false;
}

/* Check a body template: objects, arrays and scalars, 8 levels at most; a
 * string "{...}" must be a known placeholder.  Sets *has_version.  0, or -1
 * with *cause. */
static int
check_template(const struct source_profile *p, const char *where, json_t *t, int depth,
	       bool *has_version, char **cause)
{
	const char *k;
	json_t *v;
	size_t i;

	if (depth > 8) {
		*cause = fail(p->path, "%s: nested too deep", where);
		return -1;
	}
	if (json_is_object(t)) {
		json_object_foreach(t, k, v) {
			if (is_comment(k))
				continue; /* not sent (expand() leaves it out) */
			if (strlen(k) == 0 || strlen(k) > 120 || strlen(k) != strcspn(k, "\"\\")) {
				*cause = fail(p->path, "%s: a key must be 1..120 characters", where);
				return -1;
			}
			if (check_template(p, where, v, depth + 1, has_version, cause) != 0)
				return -1;
		}
	} else if (json_is_array(t)) {
		json_array_foreach(t, i, v)
			if (check_template(p, where, v, depth + 1, has_version, cause) != 0)
				return -1;
	} else if (json_is_string(t)) {
		const char *s = json_string_value(t);
		if (json_string_length(t) != strlen(s) || strlen(s) > 512) {
			*cause = fail(p->path, "%s: a string must be at most 512 bytes, no NUL", where);
			return -1;
		}
		if (s[0] == '{' && s[strlen(s) - 1] == '}' && !is_placeholder(s)) {
			char safe[48];
			src_safe_code(s, safe, sizeof safe);
			*cause = fail(p->path, "%s: unknown placeholder %s (one of {code}, {action}, "
					       "{reason}, {to_unit}, {actor}, {key}, {files}, "
					       "{version}, {version_int})", where, safe);
			return -1;
		}
		if (strcmp(s, "{version}") == 0 || strcmp(s, "{version_int}") == 0)
			*has_version = true;
	}
	return 0;
}

/* A list of HTTP statuses into out[cap] (0-terminated). */
static int
read_codes(const struct source_profile *p, const char *where, json_t *v, int *out, size_t cap,
	   char **cause)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) >= cap) {
		*cause = fail(p->path, "%s: must be a list of 1..%zu HTTP statuses", where, cap - 1);
		return -1;
	}
	json_array_foreach(v, i, e) {
		json_int_t c = json_integer_value(e);
		if (!json_is_integer(e) || c < 100 || c > 599) {
			*cause = fail(p->path, "%s: must be a list of HTTP statuses 100..599", where);
			return -1;
		}
		out[i] = (int)c;
	}
	out[json_array_size(v)] = 0;
	return 0;
}

static const char *const action_keys[] = {"method", "path", "body", "version",
					  "idempotency_header", "answer", NULL};
static const char *const answer_keys[] = {"applied", "conflict", "refused", "result",
					  "message", "dossier", "status", NULL};
static const char *const result_keys[] = {"path", "applied", "conflict", "refused", NULL};

/* Every key of obj is one of keys[]; else -1 with *cause. */
static int
only_keys(const struct source_profile *p, const char *where, json_t *obj,
	  const char *const *keys, char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj)) {
		*cause = fail(p->path, "%s: must be an object", where);
		return -1;
	}
	json_object_foreach(obj, k, v) {
		size_t i = 0;
		if (is_comment(k))
			continue;
		while (keys[i] != NULL && strcmp(keys[i], k) != 0)
			i++;
		if (keys[i] == NULL) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = fail(p->path, "%s: unknown key \"%s\"", where, safe);
			return -1;
		}
	}
	return 0;
}

/* obj[key] as a copied string passing the check; absent: NULL, 0. */
static int
opt_str(const struct source_profile *p, const char *where, json_t *obj, const char *key,
	int kind, char **out, char **cause)
{
	json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);
	bool ok;

	*out = NULL;
	if (v == NULL)
		return 0;
	ok = s != NULL && json_string_length(v) == strlen(s) && strlen(s) <= 200;
	if (ok && kind == K_PATHEXPR)
		ok = s[0] == '\0' ? strcmp(key, "dossier") == 0 : ident_ok(s, true);
	if (ok && kind == K_IDENT)
		ok = ident_ok(s, false);
	if (!ok) {
		*cause = fail(p->path, "%s.%s: %s", where, key,
			      kind == K_PATHEXPR ? "must be a field path like a.b"
			      : kind == K_IDENT  ? "must be a header name (letters, digits, -, _)"
						 : "must be a string of at most 200 bytes");
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

static void
action_free(struct profile_action *a)
{
	if (a == NULL)
		return;
	free(a->method);
	free(a->path);
	json_decref(a->body);
	free(a->idem_header);
	free(a->result.path);
	free(a->result.applied);
	free(a->result.conflict);
	free(a->result.refused);
	free(a->message);
	free(a->dossier);
	free(a->status);
	free(a);
}

static int
read_answer(const struct source_profile *p, const char *where, json_t *ans,
	    struct profile_action *a, char **cause)
{
	char w[96];
	json_t *v;

	if (only_keys(p, where, ans, answer_keys, cause) != 0)
		return -1;
	snprintf(w, sizeof w, "%s.applied", where);
	if ((v = json_object_get(ans, "applied")) != NULL &&
	    read_codes(p, w, v, a->applied, sizeof a->applied / sizeof a->applied[0], cause) != 0)
		return -1;
	snprintf(w, sizeof w, "%s.conflict", where);
	if ((v = json_object_get(ans, "conflict")) != NULL &&
	    read_codes(p, w, v, a->conflict, sizeof a->conflict / sizeof a->conflict[0],
		       cause) != 0)
		return -1;
	snprintf(w, sizeof w, "%s.refused", where);
	if ((v = json_object_get(ans, "refused")) != NULL &&
	    read_codes(p, w, v, a->refused, sizeof a->refused / sizeof a->refused[0], cause) != 0)
		return -1;
	if (opt_str(p, where, ans, "message", K_PATHEXPR, &a->message, cause) != 0 ||
	    opt_str(p, where, ans, "dossier", K_PATHEXPR, &a->dossier, cause) != 0 ||
	    opt_str(p, where, ans, "status", K_PATHEXPR, &a->status, cause) != 0)
		return -1;
	if ((v = json_object_get(ans, "result")) != NULL) {
		snprintf(w, sizeof w, "%s.result", where);
		if (only_keys(p, w, v, result_keys, cause) != 0 ||
		    opt_str(p, w, v, "path", K_PATHEXPR, &a->result.path, cause) != 0 ||
		    opt_str(p, w, v, "applied", K_TEXT, &a->result.applied, cause) != 0 ||
		    opt_str(p, w, v, "conflict", K_TEXT, &a->result.conflict, cause) != 0 ||
		    opt_str(p, w, v, "refused", K_TEXT, &a->result.refused, cause) != 0)
			return -1;
		if (a->result.path == NULL || a->result.applied == NULL) {
			*cause = fail(p->path, "%s: needs at least path and applied", w);
			return -1;
		}
	}
	return 0;
}

static int
read_action(const struct source_profile *p, const char *name, json_t *o,
	    struct profile_action **out, char **cause)
{
	struct profile_action *a = xcalloc(1, sizeof *a);
	char where[64];
	const char *s;
	json_t *v;
	bool has_version = false;

	*out = NULL;
	snprintf(where, sizeof where, "actions.%s", name);
	if (only_keys(p, where, o, action_keys, cause) != 0)
		goto bad;
	s = json_string_value(json_object_get(o, "method"));
	if (json_object_get(o, "method") != NULL &&
	    (s == NULL || (strcmp(s, "POST") != 0 && strcmp(s, "PUT") != 0 &&
			   strcmp(s, "PATCH") != 0))) {
		*cause = fail(p->path, "%s.method: must be POST, PUT or PATCH", where);
		goto bad;
	}
	a->method = xstrdup(s != NULL ? s : "POST");
	s = json_string_value(json_object_get(o, "path"));
	if (s == NULL || !path_ok(s)) {
		*cause = fail(p->path, "%s.path: required, a path starting with / (no .., no "
				       "spaces; {code} and {action} are replaced)", where);
		goto bad;
	}
	a->path = xstrdup(s);
	if ((v = json_object_get(o, "body")) != NULL) {
		char w[80];
		snprintf(w, sizeof w, "%s.body", where);
		if (!json_is_object(v) && !json_is_array(v)) {
			*cause = fail(p->path, "%s: must be an object or a list", w);
			goto bad;
		}
		if (check_template(p, w, v, 0, &has_version, cause) != 0)
			goto bad;
		a->body = json_deep_copy(v);
	}
	s = json_string_value(json_object_get(o, "version"));
	if (json_object_get(o, "version") != NULL &&
	    (s == NULL || (strcmp(s, "none") != 0 && strcmp(s, "if-match") != 0 &&
			   strcmp(s, "body") != 0))) {
		*cause = fail(p->path, "%s.version: must be \"none\", \"if-match\" or \"body\"",
			      where);
		goto bad;
	}
	a->version = s == NULL || strcmp(s, "none") == 0 ? PROFILE_VERSION_NONE
		     : strcmp(s, "if-match") == 0       ? PROFILE_VERSION_IF_MATCH
							: PROFILE_VERSION_BODY;
	if (a->version == PROFILE_VERSION_BODY && !has_version) {
		*cause = fail(p->path, "%s.version: \"body\" needs {version} or {version_int} in "
				       "the body", where);
		goto bad;
	}
	if (a->version == PROFILE_VERSION_NONE && has_version) {
		*cause = fail(p->path, "%s.version: the body sends {version}: say \"body\"", where);
		goto bad;
	}
	if (opt_str(p, where, o, "idempotency_header", K_IDENT, &a->idem_header, cause) != 0)
		goto bad;
	if (a->idem_header == NULL && p->detail_path == NULL) {
		/* without a key the server cannot deduplicate: the outbox reads the
		 * dossier before sending again, so it must be readable */
		*cause = fail(p->path, "%s: without idempotency_header the profile needs "
				       "\"detail\" (the dossier is read before a resend)", where);
		goto bad;
	}
	if ((v = json_object_get(o, "answer")) != NULL) {
		char w[80];
		snprintf(w, sizeof w, "%s.answer", where);
		if (read_answer(p, w, v, a, cause) != 0)
			goto bad;
	}
	*out = a;
	return 0;
bad:
	action_free(a);
	return -1;
}

static int
read_actions(struct source_profile *p, json_t *acts, char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(acts)) {
		*cause = fail(p->path, "actions: must be an object of action: description");
		return -1;
	}
	json_object_foreach(acts, k, v) {
		enum action a = ACTION_NONE;
		if (is_comment(k))
			continue;
		for (int i = ACTION_NONE + 1; i < ACTION_COUNT; i++)
			if (strcmp(action_name((enum action)i), k) == 0)
				a = (enum action)i;
		if (a == ACTION_NONE) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = fail(p->path, "actions: unknown action \"%s\" (receive, refuse, "
					       "request-supplement, supplement-received, forward, "
					       "approve, request-payment, stop, return-result, "
					       "withdraw)", safe);
			return -1;
		}
		if (read_action(p, k, v, &p->actions[a], cause) != 0)
			return -1;
	}
	return 0;
}

bool
source_profile_can_send(const struct source_profile *p, enum action a)
{
	return p != NULL && a > ACTION_NONE && a < ACTION_COUNT && p->actions[a] != NULL;
}

static const char *const top_keys[] = {"name", "dialect", "title", "base_url", "auth",
				       "date_format", "pull", "detail", "fields", "status_map",
				       "actions", "enabled", "due_rule", NULL};

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
		*cause = fail(path, "line %d: %s", jerr.line, why);
		goto bad;
	}
	if (!json_is_object(root)) {
		*cause = fail(path, "must be a JSON object");
		goto bad;
	}
	json_object_foreach(root, k, v) {
		size_t i = 0;
		if (is_comment(k))
			continue;
		while (top_keys[i] != NULL && strcmp(top_keys[i], k) != 0)
			i++;
		if (top_keys[i] == NULL) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = fail(path, "unknown key \"%s\"", safe);
			goto bad;
		}
	}
	s = json_string_value(json_object_get(root, "name"));
	if (s == NULL || !dossier_source_name_ok(s)) {
		*cause = fail(path, "name: required, 1..32 of a-z 0-9 _ -");
		goto bad;
	}
	p->name = xstrdup(s);
	if ((v = json_object_get(root, "title")) != NULL) {
		if (!json_is_string(v) || json_string_length(v) > 200) {
			*cause = fail(path, "title: must be a string");
			goto bad;
		}
		p->title = xstrdup(json_string_value(v));
	}
	if ((v = json_object_get(root, "base_url")) != NULL) {
		if (!json_is_string(v) || !url_ok(json_string_value(v))) {
			*cause = fail(path, "base_url: must be an http:// or https:// URL");
			goto bad;
		}
		p->base_url = xstrdup(json_string_value(v));
	}
	s = json_string_value(json_object_get(root, "auth"));
	if (json_object_get(root, "auth") != NULL &&
	    (s == NULL || (strcmp(s, "bearer") != 0 && strcmp(s, "none") != 0))) {
		*cause = fail(path, "auth: must be \"bearer\" or \"none\"");
		goto bad;
	}
	p->bearer = s == NULL || strcmp(s, "bearer") == 0;
	fmt = src_date_fmt_parse(json_string_value(json_object_get(root, "date_format")));
	if (fmt < 0) {
		*cause = fail(path, "date_format: required, one of iso8601, yyyyMMddHHmmss, "
				    "dd/MM/yyyy HH:mm:ss, epoch_ms, epoch_s");
		goto bad;
	}
	p->date_fmt = fmt;
	pull = json_object_get(root, "pull");
	if (pull == NULL) {
		*cause = fail(path, "pull: required");
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
			*cause = fail(path, "pull.paging: required, one of cursor, offset, page, since");
			goto bad;
		}
		p->paging = (enum profile_paging)i;
	}
	if (p->pull_path == NULL || p->items == NULL) {
		*cause = fail(path, "pull: \"path\" and \"items\" are required");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_CURSOR && (p->p_cursor == NULL || p->next_cursor == NULL)) {
		*cause = fail(path, "pull: cursor paging needs params.cursor and next_cursor");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_OFFSET && p->p_offset == NULL) {
		*cause = fail(path, "pull: offset paging needs params.offset");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_PAGE && p->p_page == NULL) {
		*cause = fail(path, "pull: page paging needs params.page");
		goto bad;
	}
	if (p->paging == PROFILE_PAGING_SINCE && p->p_since == NULL) {
		*cause = fail(path, "pull: since paging needs params.since");
		goto bad;
	}
	if ((p->ok_path == NULL) != (p->ok_value == NULL)) {
		*cause = fail(path, "pull.success: needs both path and equals");
		goto bad;
	}
	if (json_object_get(root, "detail") != NULL) {
		if (apply(p, "detail", json_object_get(root, "detail"), detail_keys, cause) != 0)
			goto bad;
		if (p->detail_path == NULL || strstr(p->detail_path, "{code}") == NULL) {
			*cause = fail(path, "detail.path: required, with {code} in it");
			goto bad;
		}
	}
	if (json_object_get(root, "fields") == NULL ||
	    apply(p, "fields", json_object_get(root, "fields"), field_keys, cause) != 0) {
		if (*cause == NULL)
			*cause = fail(path, "fields: required");
		goto bad;
	}
	if (p->f_code == NULL || p->f_status == NULL) {
		*cause = fail(path, "fields: \"code\" and \"status\" are required");
		goto bad;
	}
	if (p->paging != PROFILE_PAGING_CURSOR && p->p_since != NULL && p->f_updated_at == NULL) {
		*cause = fail(path, "fields.updated_at: required when pulling by params.since");
		goto bad;
	}
	if (read_status_map(p, json_object_get(root, "status_map"), cause) != 0)
		goto bad;
	if (json_object_get(root, "actions") != NULL &&
	    read_actions(p, json_object_get(root, "actions"), cause) != 0)
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
			 &p->f_status, &p->f_procedure_code, &p->f_procedure_name,
			 &p->f_field_code, &p->f_field_name, &p->f_applicant_name,
			 &p->f_applicant_id, &p->f_unit, &p->f_summary, &p->f_received_at,
			 &p->f_due_at, &p->f_finished_at, &p->f_updated_at, &p->f_version};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		free(*strs[i]);
	for (size_t i = 0; i < ACTION_COUNT; i++)
		action_free(p->actions[i]);
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
		*cause = fail(path, "line %d: %s", jerr.line, why);
		return -1;
	}
	if (!json_is_object(root)) {
		*cause = fail(path, "must be a JSON object");
		goto out;
	}
	dialect = json_string_value(json_object_get(root, "dialect"));
	name = json_string_value(json_object_get(root, "name"));
	if (dialect == NULL || source_ops_find(dialect) == NULL) {
		*cause = fail(path, "dialect: required, one of dvcqg, tuphap, congan, nnmt, tinh, "
				    "generic");
		goto out;
	}
	v = json_object_get(root, "enabled");
	if (v != NULL && !json_is_boolean(v)) {
		*cause = fail(path, "enabled: must be true or false");
		goto out;
	}
	out->enabled = v == NULL || json_is_true(v);
	/* the system's own deadline rule in the clerk's words, for the console
	 * to say why its due dates differ from the ones computed here */
	v = json_object_get(root, "due_rule");
	if (v != NULL && (!json_is_string(v) || json_string_length(v) == 0 ||
			  json_string_length(v) > 200)) {
		*cause = fail(path, "due_rule: must be a text of 1..200 bytes");
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
			if (is_comment(k))
				continue;
			while (ref_keys[i] != NULL && strcmp(ref_keys[i], k) != 0)
				i++;
			if (ref_keys[i] == NULL) {
				char safe[48];
				src_safe_code(k, safe, sizeof safe);
				*cause = fail(path, "unknown key \"%s\" (profile keys need "
						    "\"dialect\": \"generic\")", safe);
				goto out;
			}
		}
		if (name == NULL || !dossier_source_name_ok(name)) {
			*cause = fail(path, "name: required, 1..32 of a-z 0-9 _ -");
			goto out;
		}
		out->name = xstrdup(name);
		v = json_object_get(root, "base_url");
		if (v != NULL && (!json_is_string(v) || !url_ok(json_string_value(v)))) {
			*cause = fail(path, "base_url: must be an http:// or https:// URL");
			goto out;
		}
		out->base_url = xstrdup_or_null(json_string_value(v));
		v = json_object_get(root, "title");
		if (v != NULL && (!json_is_string(v) || json_string_length(v) > 200)) {
			*cause = fail(path, "title: must be a string");
			goto out;
		}
		out->title = xstrdup_or_null(json_string_value(v));
		v = json_object_get(root, "page_size");
		if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
				  json_integer_value(v) > 1000)) {
			*cause = fail(path, "page_size: must be an integer 1..1000");
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
		*cause = fail(path, "%s", strerror(ENOENT));
		return NULL;
	case CONFIG_FILE_E_TOO_BIG:
		*cause = fail(path, "larger than 1 MB");
		return NULL;
	default:
		*cause = fail(path, "%s", why);
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
				char *m = fail(path, "name \"%s\" already defined; file ignored",
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
