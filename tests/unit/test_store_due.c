/*
 * test_store_due.c - the stored due dates re-computed in bulk (store/due.c):
 * the fingerprint kept in the store, and the walk that
 * rewrites due_at and the due sort key in batches - so the inbox's order and
 * due classes follow a moved date, a row moved ahead of the walk is not
 * counted twice, and a failing batch leaves its dates as they were.
 */
#include "store_fixture.h"

#include "core/status.h"

/* The caller's rule in these tests: due `shift` after the reception, none
 * for the dossiers whose code ends in '0'. */
struct rule {
	mc_time shift;
	int calls;
	int fail_at;     /* > 0: fail on that call */
	int64_t progress[16][2];
	size_t n_progress;
};

static int
shifted(void *ctx, const struct dossier *d, mc_time *due_at)
{
	struct rule *r = ctx;
	size_t len = strlen(d->code);

	r->calls++;
	if (r->fail_at > 0 && r->calls == r->fail_at)
		return -1;
	*due_at = d->code[len - 1] == '0' ? 0 : d->received_at + r->shift;
	return 0;
}

static void
progress(void *ctx, int64_t done, int64_t total)
{
	struct rule *r = ctx;

	if (r->n_progress < 16) {
		r->progress[r->n_progress][0] = done;
		r->progress[r->n_progress][1] = total;
		r->n_progress++;
	}
}

static mc_time
due_of(struct store *s, const char *code)
{
	struct dossier d;
	mc_time due;

	assert_int_equal(store_dossier_load(s, code, &d), 0);
	due = d.due_at;
	dossier_release(&d);
	return due;
}

static void
test_fingerprint_kept(void **state)
{
	struct store *s = open_ok(":memory:");
	char got[STORE_DUE_INPUTS_LEN + 1], digest[STORE_DUE_INPUTS_LEN + 1];

	(void)state;
	assert_int_equal(store_due_inputs_get(s, got), 0);
	assert_string_equal(got, ""); /* a new store: none noted */
	store_due_inputs_digest("abc", 3, digest);
	assert_string_equal(digest,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(store_due_inputs_set(s, digest), 0);
	assert_int_equal(store_due_inputs_get(s, got), 0);
	assert_string_equal(got, digest);
	store_due_inputs_digest("abd", 3, digest);
	assert_int_equal(store_due_inputs_set(s, digest), 0); /* replaced, one row */
	assert_int_equal(store_due_inputs_get(s, got), 0);
	assert_string_equal(got, digest);
	store_close(s);
}

static void
test_recompute_moves_dates_and_order(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_query q;
	struct store_due_run run;
	struct rule r = {.shift = 10 * DAY};
	char code[16];

	(void)state;
	/* seven open dossiers due in code order, and one finished */
	for (int i = 1; i <= 7; i++) {
		snprintf(code, sizeof code, "B%d", i);
		add(s, code, "tuphap", "Nguyễn Văn An", 4, NOW + i * HOUR);
	}
	add(s, "B10", "tuphap", "Phạm Văn Dũng", 4, NOW + 30 * DAY); /* the rule gives none */
	add(s, "F1", "congan", "Trần Thị Bình", STATUS_RETURNED, NOW - DAY);
	store_query_init(&q, NOW);
	q.limit = 0;
	assert_inbox(s, &q, "B1,B2,B3,B4,B5,B6,B7,B10,F1");

	/* batches of two: every new date lies ahead of the walk, so rows come
	 * round again and must neither loop nor count twice */
	assert_int_equal(store_due_recompute(s, 2, shifted, progress, &r, &run), 0);
	assert_int_equal(run.total, 9);
	assert_int_equal(run.done, 9);
	assert_int_equal(run.changed, 9);
	assert_true(r.calls >= 9);
	/* told at the start, after each full batch, and at the end */
	assert_true(r.n_progress >= 3);
	assert_int_equal(r.progress[0][0], 0);
	assert_int_equal(r.progress[0][1], 9);
	assert_int_equal(r.progress[r.n_progress - 1][0], 9);
	for (size_t i = 1; i < r.n_progress; i++)
		assert_true(r.progress[i][0] >= r.progress[i - 1][0]);

	/* received 3 days before the old due date: due 7 days after it now */
	assert_true(due_of(s, "B1") == NOW + HOUR + 7 * DAY);
	assert_true(due_of(s, "B10") == 0);
	assert_true(due_of(s, "F1") == NOW + 6 * DAY);
	/* the sort key followed: B10 has only the system's date now (30 days,
	 * after the others), the finished one stays last */
	assert_inbox(s, &q, "B1,B2,B3,B4,B5,B6,B7,B10,F1");
	q.due = STORE_DUE_OVERDUE;
	assert_inbox(s, &q, "");
	q.due = STORE_DUE_FINISHED;
	assert_inbox(s, &q, "F1");

	/* the same rule again: nothing to write */
	r.calls = 0;
	assert_int_equal(store_due_recompute(s, 0, shifted, NULL, &r, &run), 0);
	assert_int_equal(run.changed, 0);
	assert_int_equal(r.calls, 9);
	store_close(s);
}

/* The walk's dossier carries its supplements: a rule reading them. */
static int
by_supplements(void *ctx, const struct dossier *d, mc_time *due_at)
{
	(void)ctx;
	*due_at = (mc_time)d->n_supplements * DAY + d->received_at;
	for (size_t i = 0; i < d->n_supplements; i++)
		if (d->supplements[i].completed_at == 0)
			*due_at = 0; /* waiting */
	return 0;
}

static void
test_recompute_sees_supplements(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_due_run run;
	struct dossier d;

	(void)state;
	for (int i = 0; i < 5; i++) {
		char code[16];

		snprintf(code, sizeof code, "P%d", i);
		make(&d, code, "tuphap", "Nguyễn Văn An", 4, NOW + i * HOUR);
		for (int k = 0; k < i; k++)
			dossier_add_supplement(&d, NOW - (k + 2) * DAY, i == 4 ? 0 : NOW - DAY,
					       "Bổ sung");
		put(s, &d);
		dossier_release(&d);
	}
	assert_int_equal(store_due_recompute(s, 2, by_supplements, NULL, NULL, &run), 0);
	assert_true(due_of(s, "P0") == NOW - 3 * DAY);
	assert_true(due_of(s, "P1") == NOW + HOUR - 2 * DAY);
	assert_true(due_of(s, "P3") == NOW + 3 * HOUR);
	assert_true(due_of(s, "P4") == 0);
	store_close(s);
}

static void
test_recompute_failure_keeps_batch(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_due_run run;
	struct rule r = {.shift = 10 * DAY, .fail_at = 4};

	(void)state;
	add(s, "C1", "tuphap", "Nguyễn Văn An", 4, NOW + HOUR);
	add(s, "C2", "tuphap", "Nguyễn Văn An", 4, NOW + 2 * HOUR);
	add(s, "C3", "tuphap", "Nguyễn Văn An", 4, NOW + 3 * HOUR);
	add(s, "C4", "tuphap", "Nguyễn Văn An", 4, NOW + 4 * HOUR);
	/* batches of three: the first is written, the second fails at its first */
	assert_int_equal(store_due_recompute(s, 3, shifted, NULL, &r, &run), -1);
	assert_true(due_of(s, "C1") == NOW + HOUR + 7 * DAY);
	assert_false(store_in_batch(s));
	/* the failed batch's dates as they were: C4's */
	assert_true(due_of(s, "C4") == NOW + 4 * HOUR);
	/* inside the caller's batch: refused */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_due_recompute(s, 3, shifted, NULL, &r, &run), -1);
	assert_int_equal(store_rollback(s), 0);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint_kept),
		cmocka_unit_test(test_recompute_moves_dates_and_order),
		cmocka_unit_test(test_recompute_sees_supplements),
		cmocka_unit_test(test_recompute_failure_keeps_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
