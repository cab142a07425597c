/*
 * profile_action.c - the "actions" of a profile (profile.h): per action
 * the request (method, path, body template with its {code}-style fields),
 * how the system names versions and deduplicates, and how its answers read.
 * Read and checked here with profile.c's helpers (profile_int.h); sent by
 * the generic connector (generic.c).  Nothing here talks to a server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xalloc.h"
#include "sources/profile.h"
#include "sources/profile_int.h"
#include "sources/source_int.h"

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
		*cause = profile_fail(p->path, "%s: nested too deep", where);
		return -1;
	}
	if (json_is_object(t)) {
		json_object_foreach(t, k, v) {
			if (profile_is_comment(k))
				continue; /* not sent (expand() leaves it out) */
			if (strlen(k) == 0 || strlen(k) > 120 || strlen(k) != strcspn(k, "\"\\")) {
				*cause = profile_fail(p->path, "%s: a key must be 1..120 characters", where);
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
			*cause = profile_fail(p->path, "%s: a string must be at most 512 bytes, no NUL", where);
			return -1;
		}
		if (s[0] == '{' && s[strlen(s) - 1] == '}' && !is_placeholder(s)) {
			char safe[48];
			src_safe_code(s, safe, sizeof safe);
			*cause = profile_fail(p->path, "%s: unknown placeholder %s (one of {code}, {action}, "
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
		*cause = profile_fail(p->path, "%s: must be a list of 1..%zu HTTP statuses", where, cap - 1);
		return -1;
	}
	json_array_foreach(v, i, e) {
		json_int_t c = json_integer_value(e);
		if (!json_is_integer(e) || c < 100 || c > 599) {
			*cause = profile_fail(p->path, "%s: must be a list of HTTP statuses 100..599", where);
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
		*cause = profile_fail(p->path, "%s: must be an object", where);
		return -1;
	}
	json_object_foreach(obj, k, v) {
		size_t i = 0;
		if (profile_is_comment(k))
			continue;
		while (keys[i] != NULL && strcmp(keys[i], k) != 0)
			i++;
		if (keys[i] == NULL) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "%s: unknown key \"%s\"", where, safe);
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
		ok = s[0] == '\0' ? strcmp(key, "dossier") == 0 : profile_ident_ok(s, true);
	if (ok && kind == K_IDENT)
		ok = profile_ident_ok(s, false);
	if (!ok) {
		*cause = profile_fail(p->path, "%s.%s: %s", where, key,
			      kind == K_PATHEXPR ? "must be a field path like a.b"
			      : kind == K_IDENT  ? "must be a header name (letters, digits, -, _)"
						 : "must be a string of at most 200 bytes");
		return -1;
	}
	*out = xstrdup(s);
	return 0;
}

void
profile_action_free(struct profile_action *a)
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
		if (a->result.path == NULL ||
		    (a->result.applied == NULL && a->result.conflict == NULL &&
		     a->result.refused == NULL)) {
			*cause = profile_fail(p->path, "%s: needs path and one of applied, conflict, "
					      "refused", w);
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
		*cause = profile_fail(p->path, "%s.method: must be POST, PUT or PATCH", where);
		goto bad;
	}
	a->method = xstrdup(s != NULL ? s : "POST");
	s = json_string_value(json_object_get(o, "path"));
	if (s == NULL || !profile_path_ok(s)) {
		*cause = profile_fail(p->path, "%s.path: required, a path starting with / (no .., no "
				       "spaces; {code} and {action} are replaced)", where);
		goto bad;
	}
	a->path = xstrdup(s);
	if ((v = json_object_get(o, "body")) != NULL) {
		char w[80];
		snprintf(w, sizeof w, "%s.body", where);
		if (!json_is_object(v) && !json_is_array(v)) {
			*cause = profile_fail(p->path, "%s: must be an object or a list", w);
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
		*cause = profile_fail(p->path, "%s.version: must be \"none\", \"if-match\" or \"body\"",
			      where);
		goto bad;
	}
	a->version = s == NULL || strcmp(s, "none") == 0 ? PROFILE_VERSION_NONE
		     : strcmp(s, "if-match") == 0       ? PROFILE_VERSION_IF_MATCH
							: PROFILE_VERSION_BODY;
	if (a->version == PROFILE_VERSION_BODY && !has_version) {
		*cause = profile_fail(p->path, "%s.version: \"body\" needs {version} or {version_int} in "
				       "the body", where);
		goto bad;
	}
	if (a->version == PROFILE_VERSION_NONE && has_version) {
		*cause = profile_fail(p->path, "%s.version: the body sends {version}: say \"body\"", where);
		goto bad;
	}
	if (opt_str(p, where, o, "idempotency_header", K_IDENT, &a->idem_header, cause) != 0)
		goto bad;
	if (a->idem_header == NULL && p->detail_path == NULL) {
		/* without a key the server cannot deduplicate: the outbox reads the
		 * dossier before sending again, so it must be readable */
		*cause = profile_fail(p->path, "%s: without idempotency_header the profile needs "
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
	profile_action_free(a);
	return -1;
}

int
profile_read_actions(struct source_profile *p, json_t *acts, char **cause)
{
	const char *k;
	json_t *v;

	if (!json_is_object(acts)) {
		*cause = profile_fail(p->path, "actions: must be an object of action: description");
		return -1;
	}
	json_object_foreach(acts, k, v) {
		enum action a = ACTION_NONE;
		if (profile_is_comment(k))
			continue;
		for (int i = ACTION_NONE + 1; i < ACTION_COUNT; i++)
			if (strcmp(action_name((enum action)i), k) == 0)
				a = (enum action)i;
		if (a == ACTION_NONE) {
			char safe[48];
			src_safe_code(k, safe, sizeof safe);
			*cause = profile_fail(p->path, "actions: unknown action \"%s\" (receive, refuse, "
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
