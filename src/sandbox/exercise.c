/*
 * exercise.c - reading an exercise file, resolving its targets and moving
 * the trainee through its steps (exercise.h).
 *
 * The file is checked the way profiles are (src/sources/profile.c): each
 * object has a list of the keys it may hold, "_comment" may stand anywhere,
 * and anything else is refused with "FILE: key: problem", so a typo in a
 * trainer's file is found at load and not in front of a class.  Whatever
 * the error quotes from the file is reduced to printable ASCII: it goes
 * into a JSON reply and onto a terminal.
 */
#include "sandbox/exercise.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/catalog.h"
#include "sandbox/fault.h"

#define NAME_MAX_LEN 64
#define TEXT_MAX_LEN 4000
#define TARGET_NAME_MAX 32

struct parse {
	const char *file;
	char **cause;
	struct exercise *ex;
	struct world *world;
	mc_time now;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	*p->cause = xasprintf_line("%s: %s", p->file, msg);
	free(msg);
	return -1;
}

/* Outside text quoted in an error: printable ASCII only, at most 40 bytes. */
static void
quote(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0' && n + 1 < size && n < 40; s++)
		out[n++] = (*s >= 0x20 && *s < 0x7f && *s != '"') ? *s : '?';
	out[n] = '\0';
}

static bool
is_comment(const char *key)
{
	return strcmp(key, "_comment") == 0;
}

/* obj must be an object whose keys are all in `allowed` (NULL-terminated). */
static int
check_keys(struct parse *p, json_t *obj, const char *where, const char *const *allowed)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return fail(p, "%s: must be an object", where);
	json_object_foreach(obj, k, v) {
		const char *const *a = allowed;
		char safe[48];

		(void)v;
		if (is_comment(k))
			continue;
		while (*a != NULL && strcmp(*a, k) != 0)
			a++;
		if (*a == NULL) {
			quote(k, safe, sizeof safe);
			return fail(p, "%s: unknown key \"%s\"", where, safe);
		}
	}
	return 0;
}

static bool
name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

static bool
target_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static struct exercise_target *
find_target(struct exercise *ex, const char *name, size_t len)
{
	for (size_t i = 0; i < ex->n_targets; i++)
		if (strlen(ex->targets[i].name) == len && strncmp(ex->targets[i].name, name, len) == 0)
			return &ex->targets[i];
	return NULL;
}

/*
 * A text with its {target} placeholders replaced by the resolved codes.
 * A brace not around a name is kept as it is; a name that is no target is
 * an error.  *out is the caller's.
 */
static int
expand(struct parse *p, const char *where, const char *s, char **out)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *buf = xmalloc(cap);

	while (*s != '\0') {
		size_t len = 0;
		const char *add = s;
		size_t add_len = 1;

		if (*s == '{') {
			while (target_char(s[1 + len]))
				len++;
			if (len > 0 && s[1 + len] == '}') {
				struct exercise_target *t = find_target(p->ex, s + 1, len);
				if (t == NULL) {
					char safe[48];
					char *name = xstrndup(s + 1, len);
					quote(name, safe, sizeof safe);
					free(name);
					free(buf);
					return fail(p, "%s: unknown placeholder {%s}", where, safe);
				}
				add = t->code;
				add_len = strlen(t->code);
				s += len + 1;
			}
		}
		if (n + add_len + 1 > cap) {
			cap = 2 * (n + add_len + 1);
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + n, add, add_len);
		n += add_len;
		s++;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

static int
text(struct parse *p, json_t *obj, const char *where, struct exercise_text *out)
{
	static const char *const keys[] = {"vi", "en", NULL};
	const char *lang[2] = {"vi", "en"};
	char **dst[2] = {&out->vi, &out->en};

	if (obj == NULL)
		return fail(p, "%s: missing (an object with \"vi\" and \"en\")", where);
	if (check_keys(p, obj, where, keys) != 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(obj, lang[i]);
		const char *s = json_string_value(v);
		char at[96];

		snprintf(at, sizeof at, "%s.%s", where, lang[i]);
		if (s == NULL || s[0] == '\0' || strlen(s) > TEXT_MAX_LEN)
			return fail(p, "%s: must be a text of 1..%d bytes", at, TEXT_MAX_LEN);
		if (expand(p, at, s, dst[i]) != 0)
			return -1;
	}
	return 0;
}

/* ---- targets ------------------------------------------------------------- */

struct selector {
	int source;   /* SRC_NONE: any */
	int status;   /* 0: any */
	int overdue;  /* -1 any, 0 no, 1 yes */
	int fees;     /* -1 any, 0 none, 1 some */
};

static int
tri(struct parse *p, json_t *obj, const char *key, const char *where, int *out)
{
	json_t *v = json_object_get(obj, key);

	*out = -1;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(p, "%s.%s: must be true or false", where, key);
	*out = json_is_true(v);
	return 0;
}

static int
selector(struct parse *p, json_t *obj, const char *where, struct selector *sel)
{
	static const char *const keys[] = {"source", "status", "overdue", "fees", NULL};
	json_t *src = json_object_get(obj, "source"), *st = json_object_get(obj, "status");

	if (check_keys(p, obj, where, keys) != 0)
		return -1;
	sel->source = SRC_NONE;
	sel->status = 0;
	if (src != NULL) {
		char safe[48];
		sel->source = catalog_source_from_name(json_string_value(src));
		if (sel->source == SRC_NONE) {
			quote(json_string_value(src), safe, sizeof safe);
			return fail(p, "%s.source: unknown system \"%s\" (dvcqg, tuphap, congan, nnmt, "
				    "tinh)", where, safe);
		}
	}
	if (st != NULL) {
		json_int_t v = json_integer_value(st);
		if (!json_is_integer(st) || v < STATUS_MIN || v > STATUS_MAX)
			return fail(p, "%s.status: must be an integer %d..%d", where, STATUS_MIN,
				    STATUS_MAX);
		sel->status = (int)v;
	}
	if (tri(p, obj, "overdue", where, &sel->overdue) != 0 ||
	    tri(p, obj, "fees", where, &sel->fees) != 0)
		return -1;
	return 0;
}

static bool
matches(const struct world_dossier *d, const struct selector *sel, mc_time now)
{
	if (sel->source == SRC_DVCQG && d->coord_status == 0)
		return false;
	if (sel->source != SRC_NONE && sel->source != SRC_DVCQG && world_source_of(d) != sel->source)
		return false;
	if (sel->status != 0 &&
	    (sel->source != SRC_NONE ? world_status_in(d, sel->source) : d->status) != sel->status)
		return false;
	if (sel->overdue >= 0 && (d->due_at != 0 && d->due_at < now) != (sel->overdue == 1))
		return false;
	if (sel->fees >= 0 && (world_fees_total(d) > 0) != (sel->fees == 1))
		return false;
	return true;
}

static bool
taken(const struct exercise *ex, uint32_t idx)
{
	for (size_t i = 0; i < ex->n_targets; i++)
		if (ex->targets[i].idx == idx)
			return true;
	return false;
}

/* Each target: the first dossier in index order that matches and that no
 * earlier target took. */
static int
targets(struct parse *p, json_t *obj)
{
	struct exercise *ex = p->ex;
	const char *k;
	json_t *v;

	if (obj == NULL)
		return 0;
	if (!json_is_object(obj))
		return fail(p, "targets: must be an object");
	ex->targets = xcalloc(json_object_size(obj) + 1, sizeof(*ex->targets));
	json_object_foreach(obj, k, v) {
		char where[64], safe[48];
		struct selector sel = {SRC_NONE, 0, -1, -1};
		size_t n = world_count(p->world);
		uint32_t i;

		if (is_comment(k))
			continue;
		quote(k, safe, sizeof safe);
		if (!name_ok(k, TARGET_NAME_MAX) || strchr(k, '.') != NULL)
			return fail(p, "targets: \"%s\": a target's name is 1..%d letters, digits, "
				    "'_' or '-'", safe, TARGET_NAME_MAX);
		if (ex->n_targets == EXERCISE_MAX_TARGETS)
			return fail(p, "targets: more than %d", EXERCISE_MAX_TARGETS);
		snprintf(where, sizeof where, "targets.%s", k);
		if (selector(p, v, where, &sel) != 0)
			return -1;
		for (i = 0; i < n; i++) {
			const struct world_dossier *d = world_get(p->world, i);
			if (!taken(ex, i) && matches(d, &sel, p->now))
				break;
		}
		if (i == n)
			return fail(p, "%s: no dossier matches (or every match is another target's)",
				    where);
		struct exercise_target *t = &ex->targets[ex->n_targets++];
		t->name = xstrdup(k);
		t->idx = i;
		snprintf(t->code, sizeof t->code, "%s", world_get(p->world, i)->code);
	}
	return 0;
}

static struct exercise_target *
target_ref(struct parse *p, json_t *v, const char *where, size_t *out)
{
	const char *s = json_string_value(v);
	struct exercise_target *t = s != NULL ? find_target(p->ex, s, strlen(s)) : NULL;
	char safe[48];

	if (s == NULL) {
		fail(p, "%s: must name a target", where);
		return NULL;
	}
	if (t == NULL) {
		quote(s, safe, sizeof safe);
		fail(p, "%s: unknown target \"%s\"", where, safe);
		return NULL;
	}
	*out = (size_t)(t - p->ex->targets);
	return t;
}

/* ---- steps --------------------------------------------------------------- */

static int
check(struct parse *p, json_t *obj, const char *where, struct exercise_step *st)
{
	static const char *const keys[] = {"viewed", "action", "dossier", "reason", "signed",
					   "refused", NULL};
	json_t *viewed = json_object_get(obj, "viewed"), *action = json_object_get(obj, "action");
	json_t *reason = json_object_get(obj, "reason"), *sig = json_object_get(obj, "signed");
	json_t *refused = json_object_get(obj, "refused");
	char at[96], safe[48];

	if (obj == NULL)
		return fail(p, "%s: missing", where);
	if (check_keys(p, obj, where, keys) != 0)
		return -1;
	if ((viewed != NULL) == (action != NULL))
		return fail(p, "%s: needs one of \"viewed\" or \"action\"", where);
	if (viewed != NULL) {
		if (json_object_get(obj, "dossier") != NULL || reason != NULL || sig != NULL ||
		    refused != NULL)
			return fail(p, "%s: \"viewed\" takes no other key", where);
		st->check = EXERCISE_CHECK_VIEWED;
		snprintf(at, sizeof at, "%s.viewed", where);
		return target_ref(p, viewed, at, &st->target) != NULL ? 0 : -1;
	}
	st->check = EXERCISE_CHECK_ACTION;
	st->action = action_from_name(json_string_value(action));
	if (st->action == ACTION_NONE) {
		quote(json_string_value(action), safe, sizeof safe);
		return fail(p, "%s.action: unknown action \"%s\"", where, safe);
	}
	snprintf(at, sizeof at, "%s.dossier", where);
	if (json_object_get(obj, "dossier") == NULL)
		return fail(p, "%s: missing", at);
	if (target_ref(p, json_object_get(obj, "dossier"), at, &st->target) == NULL)
		return -1;
	if (reason != NULL && !json_is_boolean(reason))
		return fail(p, "%s.reason: must be true or false", where);
	if (sig != NULL && !json_is_boolean(sig))
		return fail(p, "%s.signed: must be true or false", where);
	if (json_is_true(sig) && st->action != ACTION_RETURN_RESULT)
		return fail(p, "%s.signed: only for \"return-result\"", where);
	if (refused != NULL && !json_is_boolean(refused))
		return fail(p, "%s.refused: must be true or false", where);
	st->need_reason = json_is_true(reason);
	st->need_signed = json_is_true(sig);
	st->need_refused = json_is_true(refused);
	return 0;
}

/* "+2h", "+30m", "+90s", "+1d" -> seconds (at most 400 days). */
static int
parse_offset(const char *s, int64_t *out)
{
	char *end;
	long long v;
	int64_t unit;

	if (s == NULL || s[0] != '+' || s[1] < '0' || s[1] > '9')
		return -1;
	v = strtoll(s + 1, &end, 10);
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (end[1] != '\0' || v <= 0 || v > 400LL * 86400 / unit)
		return -1;
	*out = (int64_t)v * unit;
	return 0;
}

static int
on_start(struct parse *p, json_t *obj, const char *where, struct exercise_on_start *os)
{
	static const char *const keys[] = {"offline", "for_s", "clock", "elsewhere", NULL};
	static const char *const else_keys[] = {"action", "dossier", NULL};
	json_t *off = json_object_get(obj, "offline"), *for_s = json_object_get(obj, "for_s");
	json_t *clock = json_object_get(obj, "clock"), *other = json_object_get(obj, "elsewhere");
	char safe[48], at[96];

	os->offline = -1;
	os->elsewhere = ACTION_NONE;
	if (obj == NULL)
		return 0;
	if (check_keys(p, obj, where, keys) != 0)
		return -1;
	if (off != NULL) {
		os->offline = faults_target_from_name(json_string_value(off));
		if (os->offline < 0) {
			quote(json_string_value(off), safe, sizeof safe);
			return fail(p, "%s.offline: unknown system \"%s\"", where, safe);
		}
		if (!json_is_integer(for_s) || json_integer_value(for_s) < 1 ||
		    json_integer_value(for_s) > EXERCISE_MAX_OFFLINE_S)
			return fail(p, "%s.for_s: must be an integer 1..%d (seconds offline)", where,
				    EXERCISE_MAX_OFFLINE_S);
		os->offline_s = (long)json_integer_value(for_s);
	} else if (for_s != NULL) {
		return fail(p, "%s.for_s: only with \"offline\"", where);
	}
	if (clock != NULL && parse_offset(json_string_value(clock), &os->clock_s) != 0)
		return fail(p, "%s.clock: must be \"+N\" and s, m, h or d (\"+2h\"), at most 400 "
			    "days", where);
	if (other != NULL) {
		snprintf(at, sizeof at, "%s.elsewhere", where);
		if (!json_is_object(other))
			return fail(p, "%s: must be {\"action\", \"dossier\"}", at);
		if (check_keys(p, other, at, else_keys) != 0)
			return -1;
		os->elsewhere = action_from_name(json_string_value(json_object_get(other, "action")));
		if (os->elsewhere == ACTION_NONE) {
			quote(json_string_value(json_object_get(other, "action")), safe, sizeof safe);
			return fail(p, "%s.action: unknown action \"%s\"", at, safe);
		}
		snprintf(at, sizeof at, "%s.elsewhere.dossier", where);
		if (target_ref(p, json_object_get(other, "dossier"), at, &os->elsewhere_target) ==
		    NULL)
			return -1;
	}
	return 0;
}

static int
steps(struct parse *p, json_t *arr)
{
	static const char *const keys[] = {"do", "hint", "check", "on_start", NULL};
	struct exercise *ex = p->ex;

	if (arr == NULL)
		return fail(p, "steps: missing");
	if (!json_is_array(arr) || json_array_size(arr) == 0 ||
	    json_array_size(arr) > EXERCISE_MAX_STEPS)
		return fail(p, "steps: must be a list of 1..%d steps", EXERCISE_MAX_STEPS);
	ex->steps = xcalloc(json_array_size(arr), sizeof(*ex->steps));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *o = json_array_get(arr, i);
		struct exercise_step *st = &ex->steps[ex->n_steps++];
		char where[32], at[48];

		st->on_start.offline = -1;
		/* counted from 1, as the console shows them */
		snprintf(where, sizeof where, "steps[%zu]", i + 1);
		if (check_keys(p, o, where, keys) != 0)
			return -1;
		snprintf(at, sizeof at, "%s.do", where);
		if (text(p, json_object_get(o, "do"), at, &st->todo) != 0)
			return -1;
		snprintf(at, sizeof at, "%s.hint", where);
		if (text(p, json_object_get(o, "hint"), at, &st->hint) != 0)
			return -1;
		snprintf(at, sizeof at, "%s.check", where);
		if (check(p, json_object_get(o, "check"), at, st) != 0)
			return -1;
		snprintf(at, sizeof at, "%s.on_start", where);
		if (on_start(p, json_object_get(o, "on_start"), at, &st->on_start) != 0)
			return -1;
	}
	return 0;
}

static int
top(struct parse *p, json_t *root)
{
	static const char *const keys[] = {"name", "title", "scenario", "targets", "steps", NULL};
	struct exercise *ex = p->ex;
	json_t *name = json_object_get(root, "name"), *scen = json_object_get(root, "scenario");
	char safe[48];

	if (!json_is_object(root))
		return fail(p, "must be a JSON object");
	if (check_keys(p, root, "exercise", keys) != 0)
		return -1;
	if (name == NULL)
		return fail(p, "name: missing");
	if (!json_is_string(name) || !name_ok(json_string_value(name), NAME_MAX_LEN))
		return fail(p, "name: must be 1..%d letters, digits, '.', '_' or '-'", NAME_MAX_LEN);
	ex->name = xstrdup(json_string_value(name));
	if (scen != NULL) {
		if (world_scenario_from_name(json_string_value(scen)) < 0) {
			quote(json_string_value(scen), safe, sizeof safe);
			return fail(p, "scenario: unknown scenario \"%s\" (quiet-morning, "
				    "post-tet-backlog, rural-outage)", safe);
		}
		ex->scenario = xstrdup(json_string_value(scen));
	}
	/* targets first: the texts name them */
	if (targets(p, json_object_get(root, "targets")) != 0)
		return -1;
	if (text(p, json_object_get(root, "title"), "title", &ex->title) != 0)
		return -1;
	return steps(p, json_object_get(root, "steps"));
}

struct exercise *
exercise_load(const char *src, size_t len, const char *file, struct world *w, mc_time now,
	      uint64_t now_ms, char **cause)
{
	struct exercise *ex = xcalloc(1, sizeof(*ex));
	struct parse p = {file, cause, ex, w, now};
	json_error_t jerr;
	json_t *root = NULL;

	*cause = NULL;
	if (len > EXERCISE_MAX_FILE) {
		fail(&p, "larger than %u KB", EXERCISE_MAX_FILE / 1024);
		goto bad;
	}
	root = json_loadb(src, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		char safe[48];
		quote(jerr.text, safe, sizeof safe);
		fail(&p, "not JSON: line %d: %s", jerr.line, safe);
		goto bad;
	}
	if (top(&p, root) != 0)
		goto bad;
	json_decref(root);
	ex->step_done_s = xcalloc(ex->n_steps, sizeof(*ex->step_done_s));
	ex->hints_used = xcalloc(ex->n_steps, sizeof(*ex->hints_used));
	for (size_t i = 0; i < ex->n_steps; i++)
		ex->step_done_s[i] = -1;
	ex->started_ms = now_ms;
	return ex;
bad:
	json_decref(root);
	exercise_free(ex);
	return NULL;
}

static void
text_release(struct exercise_text *t)
{
	free(t->vi);
	free(t->en);
}

void
exercise_free(struct exercise *ex)
{
	if (ex == NULL)
		return;
	free(ex->name);
	free(ex->scenario);
	text_release(&ex->title);
	for (size_t i = 0; i < ex->n_targets; i++)
		free(ex->targets[i].name);
	free(ex->targets);
	for (size_t i = 0; i < ex->n_steps; i++) {
		text_release(&ex->steps[i].todo);
		text_release(&ex->steps[i].hint);
	}
	free(ex->steps);
	free(ex->step_done_s);
	free(ex->hints_used);
	free(ex);
}

/* ---- progress ------------------------------------------------------------ */

bool
exercise_done(const struct exercise *ex)
{
	return ex->current >= ex->n_steps;
}

const struct exercise_step *
exercise_current(const struct exercise *ex)
{
	return exercise_done(ex) ? NULL : &ex->steps[ex->current];
}

static int64_t
elapsed_s(const struct exercise *ex, uint64_t now_ms)
{
	uint64_t end = exercise_done(ex) ? ex->finished_ms : now_ms;

	return end > ex->started_ms ? (int64_t)((end - ex->started_ms) / 1000) : 0;
}

static bool
advance(struct exercise *ex, uint64_t now_ms)
{
	ex->step_done_s[ex->current] = elapsed_s(ex, now_ms);
	ex->current++;
	if (exercise_done(ex))
		ex->finished_ms = now_ms;
	return true;
}

static struct exercise_mistake *
mistake(struct exercise *ex, enum exercise_mistake_kind kind, const char *code, enum action a,
	uint64_t now_ms)
{
	struct exercise_mistake *m = &ex->last;

	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->step = ex->current + 1;
	snprintf(m->code, sizeof m->code, "%s", code != NULL ? code : "");
	m->action = a;
	m->at_s = elapsed_s(ex, now_ms);
	ex->mistakes++;
	return m;
}

bool
exercise_viewed(struct exercise *ex, uint32_t idx, uint64_t now_ms)
{
	const struct exercise_step *st = ex != NULL ? exercise_current(ex) : NULL;

	if (st == NULL || st->check != EXERCISE_CHECK_VIEWED || ex->targets[st->target].idx != idx)
		return false;
	return advance(ex, now_ms);
}

static bool
has_text(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

/* A detached signature beside its file: NAME and NAME.p7s both attached. */
static bool
has_signature(const struct world_act *act)
{
	for (size_t i = 0; i < act->n_result_files; i++) {
		const char *sig = act->result_files[i];
		size_t n = sig != NULL ? strlen(sig) : 0;
		if (n <= 4 || strcmp(sig + n - 4, ".p7s") != 0)
			continue;
		for (size_t j = 0; j < act->n_result_files; j++)
			if (j != i && act->result_files[j] != NULL &&
			    strlen(act->result_files[j]) == n - 4 &&
			    strncmp(act->result_files[j], sig, n - 4) == 0)
				return true;
	}
	return false;
}

bool
exercise_acted(struct exercise *ex, uint32_t idx, const char *code, const struct world_act *act,
	       enum world_act_result r, uint64_t now_ms)
{
	const struct exercise_step *st = ex != NULL ? exercise_current(ex) : NULL;
	const struct exercise_target *t;
	struct exercise_mistake *m;

	if (st == NULL)
		return false;
	if (r != WORLD_ACT_OK) {
		/* the step that waits for this refusal (a conflict met) */
		if (st->check == EXERCISE_CHECK_ACTION && st->need_refused &&
		    idx == ex->targets[st->target].idx && act->action == st->action)
			return advance(ex, now_ms);
		mistake(ex, EXERCISE_MISTAKE_REFUSED, code, act->action, now_ms)->why = r;
		return false;
	}
	if (st->need_refused && st->check == EXERCISE_CHECK_ACTION &&
	    idx == ex->targets[st->target].idx && act->action == st->action)
		return false; /* went through: the conflict is still to come */
	if (st->check != EXERCISE_CHECK_ACTION)
		return false;
	t = &ex->targets[st->target];
	if (idx != t->idx) {
		m = mistake(ex, EXERCISE_MISTAKE_WRONG_DOSSIER, code, act->action, now_ms);
		snprintf(m->expected, sizeof m->expected, "%s", t->code);
		return false;
	}
	if (act->action != st->action) {
		m = mistake(ex, EXERCISE_MISTAKE_WRONG_ACTION, code, act->action, now_ms);
		m->expected_action = st->action;
		return false;
	}
	if (st->need_reason && !has_text(act->reason)) {
		mistake(ex, EXERCISE_MISTAKE_NO_REASON, code, act->action, now_ms);
		return false;
	}
	if (st->need_signed && !has_signature(act)) {
		mistake(ex, EXERCISE_MISTAKE_NOT_SIGNED, code, act->action, now_ms);
		return false;
	}
	return advance(ex, now_ms);
}

void
exercise_hint(struct exercise *ex)
{
	if (ex == NULL || exercise_done(ex) || ex->hints_used[ex->current])
		return;
	ex->hints_used[ex->current] = true;
	ex->hints++;
}

/* ---- status -------------------------------------------------------------- */

const char *
exercise_mistake_name(enum exercise_mistake_kind kind)
{
	static const char *const names[] = {
		[EXERCISE_MISTAKE_NONE] = "none",
		[EXERCISE_MISTAKE_WRONG_DOSSIER] = "wrong_dossier",
		[EXERCISE_MISTAKE_WRONG_ACTION] = "wrong_action",
		[EXERCISE_MISTAKE_REFUSED] = "refused",
		[EXERCISE_MISTAKE_NO_REASON] = "no_reason",
		[EXERCISE_MISTAKE_NOT_SIGNED] = "not_signed",
	};
	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "none";
}

const char *
exercise_refusal_name(enum world_act_result r)
{
	switch (r) {
	case WORLD_ACT_NOT_ALLOWED: return "not_allowed";
	case WORLD_ACT_STALE: return "stale";
	case WORLD_ACT_NEED_REASON: return "need_reason";
	case WORLD_ACT_NO_FEES: return "no_fees";
	case WORLD_ACT_OK: break;
	}
	return "ok";
}

static json_t *
text_json(const struct exercise_text *t)
{
	return json_pack("{s:s,s:s}", "vi", t->vi, "en", t->en);
}

/* A dossier code as JSON: poisoned codes may hold bytes that are not UTF-8. */
static json_t *
code_json(const char *code)
{
	json_t *j = json_string(code);

	return j != NULL ? j : json_stringn("?", 1);
}

static json_t *
mistake_json(const struct exercise_mistake *m)
{
	json_t *j;

	if (m->kind == EXERCISE_MISTAKE_NONE)
		return json_null();
	j = json_pack("{s:s,s:I,s:o,s:s,s:I}", "kind", exercise_mistake_name(m->kind), "step",
		      (json_int_t)m->step, "code", code_json(m->code), "action",
		      action_name(m->action), "at_s", (json_int_t)m->at_s);
	switch (m->kind) {
	case EXERCISE_MISTAKE_WRONG_DOSSIER:
		json_object_set_new(j, "expected", code_json(m->expected));
		break;
	case EXERCISE_MISTAKE_WRONG_ACTION:
		json_object_set_new(j, "expected_action",
				    json_string(action_name(m->expected_action)));
		break;
	case EXERCISE_MISTAKE_REFUSED:
		json_object_set_new(j, "why", json_string(exercise_refusal_name(m->why)));
		break;
	default:
		break;
	}
	return j;
}

json_t *
exercise_status(const struct exercise *ex, uint64_t now_ms)
{
	json_t *j, *used, *done_s, *tg;
	const struct exercise_step *st;

	if (ex == NULL)
		return json_pack("{s:b}", "active", 0);
	st = exercise_current(ex);
	used = json_array();
	done_s = json_array();
	tg = json_object();
	for (size_t i = 0; i < ex->n_steps; i++) {
		json_array_append_new(used, json_boolean(ex->hints_used[i]));
		json_array_append_new(done_s, ex->step_done_s[i] >= 0
						      ? json_integer((json_int_t)ex->step_done_s[i])
						      : json_null());
	}
	for (size_t i = 0; i < ex->n_targets; i++)
		json_object_set_new(tg, ex->targets[i].name, code_json(ex->targets[i].code));
	j = json_pack("{s:b,s:s,s:o,s:I,s:I,s:b}", "active", 1, "name", ex->name, "title",
		      text_json(&ex->title), "step", (json_int_t)ex->current + 1, "n_steps",
		      (json_int_t)ex->n_steps, "done", st == NULL);
	json_object_set_new(j, "do", st != NULL ? text_json(&st->todo) : json_null());
	json_object_set_new(j, "hint", st != NULL && ex->hints_used[ex->current]
					       ? text_json(&st->hint)
					       : json_null());
	json_object_set_new(j, "hints_used", used);
	json_object_set_new(j, "hints", json_integer(ex->hints));
	json_object_set_new(j, "elapsed_s", json_integer((json_int_t)elapsed_s(ex, now_ms)));
	json_object_set_new(j, "step_done_s", done_s);
	json_object_set_new(j, "mistakes", json_integer(ex->mistakes));
	json_object_set_new(j, "last_mistake", mistake_json(&ex->last));
	json_object_set_new(j, "targets", tg);
	return j;
}
