/*
 * Unit tests for guided exercises in the sandbox: the file is checked key
 * by key (unknown keys, checks, targets, placeholders refused with
 * "FILE: key: problem"), targets resolve to the same distinct dossiers for
 * a seed, steps move only on the event they wait for while they are
 * current, each mistake is recorded as it is, hints are counted once per
 * step, the time stops at the end; the sandbox's glue (an on_start that
 * switches a system off and back on, a client's retry that is not a
 * mistake); and a class: isolated seats under /seat/K, and /class.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/class.h"
#include "sandbox/exercise.h"
#include "sandbox/sandbox.h"

static mc_time
at(const char *s)
{
	mc_time t = 0;
	assert_int_equal(civil_parse_datetime(s, &t), 0);
	return t;
}

static struct world *
make_world(void)
{
	struct world_config cfg = {.seed = 7, .n_dossiers = 2000, .now = at("2026-03-12 09:30"),
				   .dvcqg_share = 0.2};
	return world_new(&cfg);
}

#define TITLE "\"title\":{\"vi\":\"Thử\",\"en\":\"Try\"}"
#define TEXT(s) "{\"vi\":\"" s "\",\"en\":\"" s "\"}"
#define STEP(check) "{\"do\":" TEXT("do") ",\"hint\":" TEXT("hint") ",\"check\":" check "}"

/* A file with these targets and steps. */
static char *
file_of(const char *targets, const char *steps)
{
	return xasprintf("{\"name\":\"t\"," TITLE ",\"targets\":{%s},\"steps\":[%s]}", targets,
			 steps);
}

static struct exercise *
load(struct world *w, const char *text, char **cause)
{
	return exercise_load(text, strlen(text), "ex.json", w, at("2026-03-12 09:30"), 1000,
			     cause);
}

/* Loading fails with a message that contains `want`. */
static void
refused(struct world *w, const char *text, const char *want)
{
	char *cause = NULL;
	struct exercise *ex = load(w, text, &cause);

	assert_null(ex);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, want);
	assert_memory_equal(cause, "ex.json: ", 9);
	assert_null(strchr(cause, '\n'));
	free(cause);
}

static void
test_refusals(void **state)
{
	(void)state;
	struct world *w = make_world();
	const char *t1 = "\"t1\":{\"source\":\"tuphap\",\"status\":1}";
	char *f;

	refused(w, "{\"name\":\"t\"," TITLE ",\"steps\":[" STEP("{\"viewed\":\"t1\"}") "],\"x\":1}",
		"exercise: unknown key \"x\"");
	refused(w, "not json", "not JSON");
	refused(w, "{\"name\":\"t\",\"name\":\"u\"}", "not JSON");
	refused(w, "[1]", "must be a JSON object");
	refused(w, "{" TITLE ",\"steps\":[]}", "name: missing");
	refused(w, "{\"name\":\"a b\"}", "name: must be");
	refused(w, "{\"name\":\"t\",\"scenario\":\"sunny\"}", "scenario: unknown scenario \"sunny\"");

	f = file_of(t1, STEP("{\"clicked\":\"t1\"}"));
	refused(w, f, "steps[1].check: unknown key \"clicked\"");
	free(f);
	f = file_of(t1, STEP("{}"));
	refused(w, f, "steps[1].check: needs one of \"viewed\" or \"action\"");
	free(f);
	f = file_of(t1, STEP("{\"viewed\":\"t1\"}") "," STEP("{\"viewed\":\"t9\"}"));
	refused(w, f, "steps[2].check.viewed: unknown target \"t9\"");
	free(f);
	f = file_of(t1, STEP("{\"action\":\"recieve\",\"dossier\":\"t1\"}"));
	refused(w, f, "steps[1].check.action: unknown action \"recieve\"");
	free(f);
	f = file_of(t1, STEP("{\"action\":\"receive\",\"dossier\":\"t1\",\"signed\":true}"));
	refused(w, f, "steps[1].check.signed: only for \"return-result\"");
	free(f);
	f = file_of(t1, STEP("{\"action\":\"receive\",\"dossier\":\"t1\",\"reason\":1}"));
	refused(w, f, "steps[1].check.reason: must be true or false");
	free(f);
	/* dvcqg never holds a new dossier */
	f = file_of("\"t1\":{\"source\":\"dvcqg\",\"status\":1}", STEP("{\"viewed\":\"t1\"}"));
	refused(w, f, "targets.t1: no dossier matches");
	free(f);
	f = file_of("\"t1\":{\"source\":\"tuphap\",\"colour\":\"red\"}", STEP("{\"viewed\":\"t1\"}"));
	refused(w, f, "targets.t1: unknown key \"colour\"");
	free(f);
	f = file_of("\"t1\":{\"source\":\"moj\"}", STEP("{\"viewed\":\"t1\"}"));
	refused(w, f, "targets.t1.source: unknown system \"moj\"");
	free(f);
	f = file_of("\"t1\":{\"status\":11}", STEP("{\"viewed\":\"t1\"}"));
	refused(w, f, "targets.t1.status: must be an integer 1..10");
	free(f);
	f = file_of(t1, "{\"do\":" TEXT("Mở {t1} rồi {t2}") ",\"hint\":" TEXT("h")
			",\"check\":{\"viewed\":\"t1\"}}");
	refused(w, f, "steps[1].do.vi: unknown placeholder {t2}");
	free(f);
	f = file_of(t1, "{\"do\":" TEXT("d") ",\"check\":{\"viewed\":\"t1\"}}");
	refused(w, f, "steps[1].hint: missing");
	free(f);
	f = file_of(t1, "{\"do\":{\"vi\":\"d\"},\"hint\":" TEXT("h") ",\"check\":{\"viewed\":\"t1\"}}");
	refused(w, f, "steps[1].do.en: must be a text");
	free(f);
	f = file_of(t1, "{\"do\":" TEXT("d") ",\"hint\":" TEXT("h") ",\"check\":{\"viewed\":\"t1\"},"
			"\"on_start\":{\"offline\":\"tuphap\"}}");
	refused(w, f, "steps[1].on_start.for_s: must be an integer 1..3600");
	free(f);
	f = file_of(t1, "{\"do\":" TEXT("d") ",\"hint\":" TEXT("h") ",\"check\":{\"viewed\":\"t1\"},"
			"\"on_start\":{\"clock\":\"2h\"}}");
	refused(w, f, "steps[1].on_start.clock: must be");
	free(f);
	f = file_of(t1, "");
	refused(w, f, "steps: must be a list of 1..30 steps");
	free(f);
	/* 31 steps */
	char *many = xstrdup(STEP("{\"viewed\":\"t1\"}"));
	for (int i = 1; i < 31; i++) {
		char *more = xasprintf("%s," STEP("{\"viewed\":\"t1\"}"), many);
		free(many);
		many = more;
	}
	f = file_of(t1, many);
	refused(w, f, "steps: must be a list of 1..30 steps");
	free(f);
	free(many);
	/* over 256 KB, whatever it holds */
	char *big = xmalloc(EXERCISE_MAX_FILE + 2);
	memset(big, ' ', EXERCISE_MAX_FILE + 1);
	big[EXERCISE_MAX_FILE + 1] = '\0';
	refused(w, big, "larger than 256 KB");
	free(big);
	/* what the file says is quoted as printable ASCII only */
	refused(w, "{\"name\":\"t\",\"k\\u001b[2J\":1}", "unknown key \"k?[2J\"");
	world_free(w);
}

static void
test_comments_and_placeholders(void **state)
{
	(void)state;
	struct world *w = make_world();
	char *cause = NULL;
	const char *text =
		"{\"_comment\":\"top\",\"name\":\"first-morning\"," TITLE ",\"scenario\":\"quiet-morning\","
		"\"targets\":{\"_comment\":1,\"t1\":{\"_comment\":[],\"source\":\"tuphap\",\"status\":1}},"
		"\"steps\":[{\"_comment\":\"s\",\"do\":{\"vi\":\"Mở {t1} {x y} {}\",\"en\":\"Open {t1}\","
		"\"_comment\":0},\"hint\":" TEXT("{t1}?") ",\"check\":{\"viewed\":\"t1\",\"_comment\":0},"
		"\"on_start\":{\"clock\":\"+2h\",\"_comment\":0}}]}";
	struct exercise *ex = load(w, text, &cause);

	assert_non_null(ex);
	assert_null(cause);
	assert_string_equal(ex->name, "first-morning");
	assert_string_equal(ex->scenario, "quiet-morning");
	char *want = xasprintf("Mở %s {x y} {}", ex->targets[0].code);
	assert_string_equal(ex->steps[0].todo.vi, want);
	free(want);
	want = xasprintf("%s?", ex->targets[0].code);
	assert_string_equal(ex->steps[0].hint.en, want);
	free(want);
	assert_int_equal(ex->steps[0].on_start.clock_s, 7200);
	assert_int_equal(ex->steps[0].on_start.offline, -1);
	exercise_free(ex);
	world_free(w);
}

static void
test_targets(void **state)
{
	(void)state;
	struct world *w = make_world(), *again = make_world();
	mc_time now = at("2026-03-12 09:30");
	char *cause = NULL;
	/* t1 and t3 ask for the same thing: t3 gets the next match */
	char *f = file_of("\"t1\":{\"source\":\"tuphap\",\"status\":1},"
			  "\"t2\":{\"source\":\"congan\",\"status\":4,\"overdue\":true},"
			  "\"t3\":{\"source\":\"tuphap\",\"status\":1},"
			  "\"t4\":{\"status\":1,\"fees\":true},"
			  "\"t5\":{\"overdue\":false,\"fees\":false},"
			  "\"t6\":{\"source\":\"dvcqg\",\"status\":9}",
			  STEP("{\"viewed\":\"t1\"}"));
	struct exercise *a = load(w, f, &cause), *b = load(again, f, &cause);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->n_targets, 6);
	for (size_t i = 0; i < a->n_targets; i++) {
		assert_string_equal(a->targets[i].code, b->targets[i].code);
		assert_int_equal(a->targets[i].idx, b->targets[i].idx);
		for (size_t j = 0; j < i; j++)
			assert_int_not_equal(a->targets[i].idx, a->targets[j].idx);
	}
	const struct world_dossier *d = world_get(w, a->targets[0].idx);
	assert_int_equal(world_source_of(d), SRC_TUPHAP);
	assert_int_equal(d->status, 1);
	/* the first match in index order */
	for (uint32_t i = 0; i < a->targets[0].idx; i++) {
		const struct world_dossier *e = world_get(w, i);
		assert_false(world_source_of(e) == SRC_TUPHAP && e->status == 1);
	}
	assert_true(a->targets[2].idx > a->targets[0].idx);
	d = world_get(w, a->targets[1].idx);
	assert_int_equal(world_source_of(d), SRC_CONGAN);
	assert_int_equal(d->status, 4);
	assert_true(d->due_at != 0 && d->due_at < now);
	d = world_get(w, a->targets[3].idx);
	assert_true(d->status == 1 && world_fees_total(d) > 0);
	d = world_get(w, a->targets[4].idx);
	assert_true((d->due_at == 0 || d->due_at >= now) && world_fees_total(d) == 0);
	d = world_get(w, a->targets[5].idx);
	assert_int_equal(d->coord_status, 9);
	/* the status shows the codes by name */
	json_t *st = exercise_status(a, 1000);
	assert_string_equal(json_string_value(json_object_get(json_object_get(st, "targets"), "t2")),
			    a->targets[1].code);
	json_decref(st);
	exercise_free(a);
	exercise_free(b);
	free(f);
	world_free(w);
	world_free(again);
}

/* ---- progress ------------------------------------------------------------ */

struct fixture {
	struct world *w;
	struct exercise *ex;
	uint32_t t1, t2, other;
};

static const char *const progress_file =
	"{\"name\":\"p\"," TITLE ",\"targets\":{\"t1\":{\"source\":\"tuphap\",\"status\":1},"
	"\"t2\":{\"source\":\"tuphap\",\"status\":4},\"t3\":{\"source\":\"tuphap\",\"status\":1}},"
	"\"steps\":[" STEP("{\"viewed\":\"t1\"}") "," STEP("{\"action\":\"receive\",\"dossier\":\"t1\"}")
	"," STEP("{\"action\":\"request-supplement\",\"dossier\":\"t2\",\"reason\":true}") "]}";

static void
setup(struct fixture *fx)
{
	char *cause = NULL;

	fx->w = make_world();
	fx->ex = load(fx->w, progress_file, &cause);
	assert_non_null(fx->ex);
	fx->t1 = fx->ex->targets[0].idx;
	fx->t2 = fx->ex->targets[1].idx;
	fx->other = fx->ex->targets[2].idx; /* another new tuphap dossier */
}

static void
teardown(struct fixture *fx)
{
	exercise_free(fx->ex);
	world_free(fx->w);
}

/* Apply an action to the world and tell the exercise, as sandbox_act does. */
static bool
act(struct fixture *fx, uint32_t idx, enum action a, const char *reason, uint64_t ms)
{
	struct world_act wa = {.action = a, .via = SRC_TUPHAP, .reason = reason};
	enum world_act_result r = world_act(fx->w, idx, &wa, at("2026-03-12 09:31"));

	return exercise_acted(fx->ex, idx, world_get(fx->w, idx)->code, &wa, r, ms);
}

static json_t *
mistake_of(struct fixture *fx)
{
	json_t *st = exercise_status(fx->ex, 1000);
	json_t *m = json_incref(json_object_get(st, "last_mistake"));

	json_decref(st);
	return m;
}

static void
test_progress(void **state)
{
	(void)state;
	struct fixture fx;

	setup(&fx);
	assert_int_equal(fx.ex->current, 0);
	/* an action while the step wants a dossier opened: neither progress nor a mistake */
	assert_false(act(&fx, fx.other, ACTION_RECEIVE, NULL, 2000));
	assert_int_equal(fx.ex->mistakes, 0); /* no mistake on a "viewed" step */
	assert_false(exercise_viewed(fx.ex, fx.other, 3000));
	assert_true(exercise_viewed(fx.ex, fx.t1, 42999));
	assert_int_equal(fx.ex->current, 1);
	assert_int_equal(fx.ex->step_done_s[0], 41);
	assert_false(exercise_viewed(fx.ex, fx.t1, 44000)); /* already done */
	assert_int_equal(fx.ex->current, 1);
	assert_true(act(&fx, fx.t1, ACTION_RECEIVE, NULL, 50000));
	assert_int_equal(fx.ex->current, 2);
	assert_int_equal(fx.ex->step_done_s[1], 49);
	/* without a reason: the world wants one for this action, so it is refused */
	assert_false(act(&fx, fx.t2, ACTION_REQUEST_SUPPLEMENT, NULL, 60000));
	json_t *m = mistake_of(&fx);
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "refused");
	assert_string_equal(json_string_value(json_object_get(m, "why")), "need_reason");
	json_decref(m);
	assert_true(act(&fx, fx.t2, ACTION_REQUEST_SUPPLEMENT, "Thiếu bản sao CCCD", 61500));
	assert_true(exercise_done(fx.ex));
	assert_int_equal(fx.ex->mistakes, 1);

	json_t *st = exercise_status(fx.ex, 999000);
	assert_true(json_is_true(json_object_get(st, "done")));
	assert_int_equal(json_integer_value(json_object_get(st, "step")), 4);
	assert_true(json_is_null(json_object_get(st, "do")));
	assert_true(json_is_null(json_object_get(st, "hint")));
	assert_int_equal(json_integer_value(json_object_get(st, "elapsed_s")), 60); /* frozen */
	assert_int_equal(json_integer_value(json_array_get(json_object_get(st, "step_done_s"), 2)),
			 60);
	json_decref(st);
	/* nothing moves once done */
	assert_false(act(&fx, fx.other, ACTION_REFUSE, NULL, 1000000));
	assert_int_equal(fx.ex->mistakes, 1);
	teardown(&fx);
}

static void
test_mistakes(void **state)
{
	(void)state;
	struct fixture fx;
	json_t *m;

	setup(&fx);
	assert_true(exercise_viewed(fx.ex, fx.t1, 2000));
	/* wrong dossier: the right action on another one */
	assert_false(act(&fx, fx.other, ACTION_RECEIVE, NULL, 11000));
	m = mistake_of(&fx);
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "wrong_dossier");
	assert_int_equal(json_integer_value(json_object_get(m, "step")), 2);
	assert_string_equal(json_string_value(json_object_get(m, "code")),
			    world_get(fx.w, fx.other)->code);
	assert_string_equal(json_string_value(json_object_get(m, "expected")), fx.ex->targets[0].code);
	assert_string_equal(json_string_value(json_object_get(m, "action")), "receive");
	assert_int_equal(json_integer_value(json_object_get(m, "at_s")), 10);
	json_decref(m);
	/* refused: not allowed from the status (the other dossier is received now) */
	assert_false(act(&fx, fx.other, ACTION_RECEIVE, NULL, 12000));
	m = mistake_of(&fx);
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "refused");
	assert_string_equal(json_string_value(json_object_get(m, "why")), "not_allowed");
	json_decref(m);
	/* refused: stale version */
	struct world_act wa = {.action = ACTION_FORWARD, .via = SRC_TUPHAP, .check_version = true,
			       .version = 1};
	enum world_act_result r = world_act(fx.w, fx.other, &wa, at("2026-03-12 09:32"));
	assert_int_equal(r, WORLD_ACT_STALE);
	assert_false(exercise_acted(fx.ex, fx.other, "X", &wa, r, 13000));
	m = mistake_of(&fx);
	assert_string_equal(json_string_value(json_object_get(m, "why")), "stale");
	json_decref(m);
	/* wrong action on the right dossier */
	assert_false(act(&fx, fx.t1, ACTION_REFUSE, "Không đủ giấy tờ", 14000));
	m = mistake_of(&fx);
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "wrong_action");
	assert_string_equal(json_string_value(json_object_get(m, "action")), "refuse");
	assert_string_equal(json_string_value(json_object_get(m, "expected_action")), "receive");
	json_decref(m);
	assert_int_equal(fx.ex->mistakes, 4);
	assert_int_equal(fx.ex->current, 1); /* a mistake does not fail the step */
	teardown(&fx);
}

static void
test_no_reason_and_signed(void **state)
{
	(void)state;
	struct world *w = make_world();
	char *cause = NULL;
	/* receive needs no reason in the world: the step's own rule shows */
	char *f = file_of("\"t1\":{\"source\":\"tuphap\",\"status\":1},"
			  "\"t2\":{\"source\":\"tuphap\",\"status\":9}",
			  STEP("{\"action\":\"receive\",\"dossier\":\"t1\",\"reason\":true}") ","
			  STEP("{\"action\":\"return-result\",\"dossier\":\"t2\",\"signed\":true}"));
	struct exercise *ex = load(w, f, &cause);
	assert_non_null(ex);
	struct world_act wa = {.action = ACTION_RECEIVE, .via = SRC_TUPHAP};
	uint32_t t1 = ex->targets[0].idx, t2 = ex->targets[1].idx;

	assert_false(exercise_acted(ex, t1, "c1", &wa, WORLD_ACT_OK, 5000));
	assert_int_equal(ex->last.kind, EXERCISE_MISTAKE_NO_REASON);
	wa.reason = "Đủ giấy tờ";
	assert_true(exercise_acted(ex, t1, "c1", &wa, WORLD_ACT_OK, 6000));

	const char *unsigned_files[] = {"ket-qua.pdf"};
	const char *other_sig[] = {"ket-qua.pdf", "khac.pdf.p7s"};
	const char *signed_files[] = {"ket-qua.pdf", "ket-qua.pdf.p7s"};
	struct world_act ret = {.action = ACTION_RETURN_RESULT, .via = SRC_TUPHAP,
				.result_files = unsigned_files, .n_result_files = 1};
	assert_false(exercise_acted(ex, t2, "c2", &ret, WORLD_ACT_OK, 7000));
	assert_int_equal(ex->last.kind, EXERCISE_MISTAKE_NOT_SIGNED);
	ret.result_files = other_sig;
	ret.n_result_files = 2;
	assert_false(exercise_acted(ex, t2, "c2", &ret, WORLD_ACT_OK, 7500));
	ret.result_files = signed_files;
	assert_true(exercise_acted(ex, t2, "c2", &ret, WORLD_ACT_OK, 8000));
	assert_true(exercise_done(ex));
	assert_int_equal(ex->mistakes, 3);
	exercise_free(ex);
	free(f);
	world_free(w);
}

static void
test_hints(void **state)
{
	(void)state;
	struct fixture fx;
	json_t *st;

	setup(&fx);
	st = exercise_status(fx.ex, 1000);
	assert_true(json_is_null(json_object_get(st, "hint")));
	json_decref(st);
	exercise_hint(fx.ex);
	exercise_hint(fx.ex); /* the same step: counted once */
	st = exercise_status(fx.ex, 1000);
	assert_int_equal(json_integer_value(json_object_get(st, "hints")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(st, "hint"), "en")),
			    "hint");
	assert_true(json_is_true(json_array_get(json_object_get(st, "hints_used"), 0)));
	json_decref(st);
	assert_true(exercise_viewed(fx.ex, fx.t1, 2000));
	st = exercise_status(fx.ex, 2000);
	assert_true(json_is_null(json_object_get(st, "hint"))); /* step 2: not asked yet */
	json_decref(st);
	assert_true(act(&fx, fx.t1, ACTION_RECEIVE, NULL, 3000));
	exercise_hint(fx.ex);
	st = exercise_status(fx.ex, 3000);
	assert_int_equal(json_integer_value(json_object_get(st, "hints")), 2);
	json_t *used = json_object_get(st, "hints_used");
	assert_true(json_is_true(json_array_get(used, 0)));
	assert_true(json_is_false(json_array_get(used, 1)));
	assert_true(json_is_true(json_array_get(used, 2)));
	assert_true(json_is_null(json_object_get(st, "last_mistake")));
	json_decref(st);
	st = exercise_status(NULL, 0);
	assert_true(json_is_false(json_object_get(st, "active")));
	assert_int_equal(json_object_size(st), 1);
	json_decref(st);
	teardown(&fx);
}

/* ---- the sandbox's glue and the class ------------------------------------- */

static struct sandbox *
make_sandbox(void)
{
	struct sandbox_config cfg = {.seed = 7, .n_dossiers = 300, .start = at("2026-03-12 09:30")};
	const char *err = NULL;
	struct sandbox *sb = sandbox_new(&cfg, &err);

	assert_non_null(sb);
	sandbox_set_base_url(sb, "http://127.0.0.1:9");
	return sb;
}

static int
call(void (*handler)(void *, struct sbx_request *, struct sbx_response *), void *ctx,
     const char *method, const char *path, const char *body, json_t **out)
{
	struct sbx_request req = {.method = method, .path = path, .body = body,
				  .body_len = body != NULL ? strlen(body) : 0, .client_ip = "127.0.0.1",
				  .loopback = true};
	struct sbx_response resp;
	int status;

	sbx_response_init(&resp);
	handler(ctx, &req, &resp);
	status = resp.status;
	if (out != NULL)
		*out = json_loadb(resp.body, resp.body_len, 0, NULL);
	sbx_response_release(&resp);
	return status;
}

static void
sandbox_call(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	sandbox_handle(ctx, req, resp);
}

static void
test_sandbox_glue(void **state)
{
	(void)state;
	struct sandbox *sb = make_sandbox();
	char *cause = NULL;
	const char *text =
		"{\"name\":\"g\"," TITLE ",\"targets\":{\"t1\":{\"source\":\"tuphap\",\"status\":1}},"
		"\"steps\":[" STEP("{\"viewed\":\"t1\"}") ",{\"do\":" TEXT("d") ",\"hint\":" TEXT("h")
		",\"on_start\":{\"offline\":\"tuphap\",\"for_s\":20,\"clock\":\"+1h\"},"
		"\"check\":{\"action\":\"receive\",\"dossier\":\"t1\"}}]}";
	json_t *j = NULL;

	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise", "{\"name\":1}", &j),
			 400);
	assert_string_equal(json_string_value(json_object_get(j, "error")),
			    "exercise: name: must be 1..64 letters, digits, '.', '_' or '-'");
	json_decref(j);
	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise/hint", "", &j), 409);
	json_decref(j);
	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise", text, &j), 200);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "step")), 1);
	json_decref(j);
	uint32_t t1 = sb->exercise->targets[0].idx;
	mc_time before = sandbox_now(sb);

	assert_false(faults_offline(sb->faults, SRC_TUPHAP, before));
	sandbox_viewed(sb, t1);
	/* step 2 began: tuphap off for 20 s, the clock an hour on */
	assert_true(faults_offline(sb->faults, SRC_TUPHAP, before));
	assert_true(sandbox_now(sb) >= before + 3600);
	assert_int_equal(call(sandbox_call, sb, "GET", "/_control/health", NULL, NULL), 200);
	assert_true(faults_offline(sb->faults, SRC_TUPHAP, before));
	sb->online_at_ms[SRC_TUPHAP] = 1; /* the 20 s are up */
	assert_int_equal(call(sandbox_call, sb, "GET", "/_control/health", NULL, NULL), 200);
	assert_false(faults_offline(sb->faults, SRC_TUPHAP, before));

	/* a client retrying an action it already got applied is no mistake */
	struct world_act wa = {.action = ACTION_RECEIVE, .via = SRC_TUPHAP};
	assert_int_equal(sandbox_act(sb, SRC_TUPHAP, t1, &wa, "key-1", sandbox_now(sb)),
			 WORLD_ACT_OK);
	assert_true(exercise_done(sb->exercise));
	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise", text, NULL), 200);
	/* loaded again: t1 is no longer new, the next new one is the target */
	assert_int_not_equal(sb->exercise->targets[0].idx, t1);
	sandbox_viewed(sb, sb->exercise->targets[0].idx);
	assert_int_equal(sandbox_act(sb, SRC_TUPHAP, t1, &wa, "key-1", sandbox_now(sb)),
			 WORLD_ACT_NOT_ALLOWED);
	assert_int_equal(sb->exercise->mistakes, 0);
	assert_int_equal(sandbox_act(sb, SRC_TUPHAP, t1, &wa, "key-2", sandbox_now(sb)),
			 WORLD_ACT_NOT_ALLOWED);
	assert_int_equal(sb->exercise->mistakes, 1);
	sandbox_refused(sb, SRC_TUPHAP, t1, ACTION_FORWARD, WORLD_ACT_STALE, NULL);
	assert_int_equal(sb->exercise->last.why, WORLD_ACT_STALE);
	assert_int_equal(sb->exercise->mistakes, 2);

	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise/hint", "", &j), 200);
	assert_int_equal(json_integer_value(json_object_get(j, "hints")), 1);
	json_decref(j);
	assert_int_equal(call(sandbox_call, sb, "DELETE", "/_control/exercise", NULL, NULL), 200);
	assert_false(faults_offline(sb->faults, SRC_TUPHAP, before)); /* back on with it */
	assert_int_equal(call(sandbox_call, sb, "GET", "/_control/exercise", NULL, &j), 200);
	assert_true(json_is_false(json_object_get(j, "active")));
	json_decref(j);
	(void)cause;
	sandbox_free(sb);
}

/* A conflict to meet: at step 1 another official receives t1 at the system
 * while the trainee is offline; the trainee's receive is refused there,
 * which is the step (no mistake); then a supplement with a reason. */
static void
test_conflict_step(void **state)
{
	(void)state;
	struct sandbox *sb = make_sandbox();
	const char *text =
		"{\"name\":\"c\"," TITLE ",\"targets\":{\"t1\":{\"source\":\"tuphap\",\"status\":1}},"
		"\"steps\":[{\"do\":" TEXT("d") ",\"hint\":" TEXT("h")
		",\"on_start\":{\"offline\":\"tuphap\",\"for_s\":20,"
		"\"elsewhere\":{\"action\":\"receive\",\"dossier\":\"t1\"}},"
		"\"check\":{\"action\":\"receive\",\"dossier\":\"t1\",\"refused\":true}},"
		"{\"do\":" TEXT("d") ",\"hint\":" TEXT("h")
		",\"check\":{\"action\":\"request-supplement\",\"dossier\":\"t1\",\"reason\":true}}]}";
	json_t *j = NULL;

	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise", text, &j), 200);
	json_decref(j);
	uint32_t t1 = sb->exercise->targets[0].idx;
	/* received elsewhere at the next request (not under the reply that
	 * started the step), tuphap off */
	assert_int_equal(world_status_in(world_get(sb->world, t1), SRC_TUPHAP), STATUS_NEW);
	assert_int_equal(call(sandbox_call, sb, "GET", "/_control/health", NULL, NULL), 200);
	assert_int_equal(world_status_in(world_get(sb->world, t1), SRC_TUPHAP), STATUS_RECEIVED);
	assert_true(faults_offline(sb->faults, SRC_TUPHAP, sandbox_now(sb)));
	/* the trainee's queued receive, sent later, is refused: the step */
	struct world_act wa = {.action = ACTION_RECEIVE, .via = SRC_TUPHAP};
	assert_int_equal(sandbox_act(sb, SRC_TUPHAP, t1, &wa, "key-c", sandbox_now(sb)),
			 WORLD_ACT_NOT_ALLOWED);
	assert_int_equal(sb->exercise->mistakes, 0);
	assert_int_equal(exercise_current(sb->exercise), &sb->exercise->steps[1]);
	struct world_act sup = {.action = ACTION_REQUEST_SUPPLEMENT, .via = SRC_TUPHAP,
				.reason = "Thiếu giấy tờ"};
	assert_int_equal(sandbox_act(sb, SRC_TUPHAP, t1, &sup, "key-d", sandbox_now(sb)),
			 WORLD_ACT_OK);
	assert_true(exercise_done(sb->exercise));
	/* "elsewhere" names a target and an action the file must know */
	assert_int_equal(call(sandbox_call, sb, "POST", "/_control/exercise",
			      "{\"name\":\"c\"," TITLE ",\"targets\":{\"t1\":{\"status\":1}},\"steps\":["
			      "{\"do\":" TEXT("d") ",\"hint\":" TEXT("h")
			      ",\"on_start\":{\"elsewhere\":{\"action\":\"grab\",\"dossier\":\"t1\"}},"
			      "\"check\":{\"viewed\":\"t1\"}}]}",
			      &j),
			 400);
	assert_non_null(strstr(json_string_value(json_object_get(j, "error")),
			       "on_start.elsewhere.action: unknown action \"grab\""));
	json_decref(j);
	sandbox_free(sb);
}

static void
test_class(void **state)
{
	(void)state;
	struct sandbox_config cfg = {.seed = 7, .n_dossiers = 200, .start = at("2026-03-12 09:30")};
	const char *err = NULL;
	struct sbx_class *c = class_new(&cfg, 3, &err);
	json_t *j = NULL;
	const char *text = "{\"name\":\"c\"," TITLE ",\"targets\":{\"t1\":{\"source\":\"tuphap\","
			   "\"status\":1}},\"steps\":[" STEP("{\"viewed\":\"t1\"}") "]}";

	assert_non_null(c);
	assert_null(class_new(&cfg, 41, &err));
	class_set_base_url(c, "http://127.0.0.1:9/");
	assert_int_equal(class_n_seats(c), 3);
	assert_string_equal(class_seat(c, 2)->base_url, "http://127.0.0.1:9/seat/2");
	assert_null(class_seat(c, 4));

	assert_int_equal(call(class_handle, c, "GET", "/seat/2/.well-known/openid-configuration",
			      NULL, &j), 200);
	assert_string_equal(json_string_value(json_object_get(j, "issuer")),
			    "http://127.0.0.1:9/seat/2");
	json_decref(j);
	assert_int_equal(call(class_handle, c, "POST", "/seat/1/_control/exercise", text, NULL),
			 200);
	assert_int_equal(call(class_handle, c, "GET", "/seat/3", NULL, &j), 200);
	assert_string_equal(json_string_value(json_object_get(j, "issuer")),
			    "http://127.0.0.1:9/seat/3");
	json_decref(j);
	assert_int_equal(call(class_handle, c, "GET", "/seat/4/_control/health", NULL, NULL), 404);
	assert_int_equal(call(class_handle, c, "GET", "/seat/01/_control/health", NULL, NULL), 404);
	assert_int_equal(call(class_handle, c, "GET", "/seat/0/_control/health", NULL, NULL), 404);
	assert_int_equal(call(class_handle, c, "GET", "/seat/1x/_control/health", NULL, NULL), 404);
	assert_int_equal(call(class_handle, c, "GET", "/_control/health", NULL, NULL), 404);

	/* seat 1 acts; seat 2's world does not change */
	struct sandbox *s1 = class_seat(c, 1), *s2 = class_seat(c, 2);
	uint32_t t1 = s1->exercise->targets[0].idx;
	assert_string_equal(world_get(s1->world, t1)->code, world_get(s2->world, t1)->code);
	struct world_act wa = {.action = ACTION_RECEIVE, .via = SRC_TUPHAP};
	assert_int_equal(sandbox_act(s1, SRC_TUPHAP, t1, &wa, NULL, sandbox_now(s1)), WORLD_ACT_OK);
	assert_int_equal(world_get(s1->world, t1)->status, 2);
	assert_int_equal(world_get(s2->world, t1)->status, 1);
	assert_int_equal(s1->exercise->mistakes, 0); /* a "viewed" step */

	assert_int_equal(call(class_handle, c, "GET", "/class", NULL, &j), 200);
	json_t *seats = json_object_get(j, "seats");
	assert_int_equal(json_array_size(seats), 3);
	json_t *one = json_array_get(seats, 0), *two = json_array_get(seats, 1);
	assert_int_equal(json_integer_value(json_object_get(one, "seat")), 1);
	assert_string_equal(json_string_value(json_object_get(one, "url")),
			    "http://127.0.0.1:9/seat/1");
	assert_true(json_is_true(json_object_get(one, "active")));
	assert_int_equal(json_integer_value(json_object_get(one, "step")), 1);
	assert_true(json_is_false(json_object_get(two, "active")));
	json_decref(j);
	assert_int_equal(call(class_handle, c, "POST", "/class", NULL, NULL), 405);
	class_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_comments_and_placeholders),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_progress),
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_no_reason_and_signed),
		cmocka_unit_test(test_hints),
		cmocka_unit_test(test_sandbox_glue),
		cmocka_unit_test(test_conflict_step),
		cmocka_unit_test(test_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
