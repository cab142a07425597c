/*
 * Unit tests for the classifications of src/core/deadline.c: open dossiers
 * (on track, coming due, overdue) and the horizon that lets the store and
 * every screen count them with one rule; finished ones (early, on time,
 * late: the national indicator's rule, and the provincial day-granularity
 * one); the names.  The due dates themselves are test_deadline.c's.
 * March 2026: Mon 9, Fri 13, Sat 14, Sun 15, Mon 16, Wed 18 (test day off), Fri 20.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/dossier.h"
#include "deadline_fixture.h"

#define H 3600
#define DAY8 (8 * H)

/* ---- classification --------------------------------------------------------------- */

static void
test_classify_open(void **state)
{
	struct calendar *cal = *state;
	mc_time due_fri = T("2026-03-13 17:00");

	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-13 17:00:01"), -1),
			 DEADLINE_OVERDUE);
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-16 08:00"), -1),
			 DEADLINE_OVERDUE);
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-13 17:00"), -1),
			 DEADLINE_DUE_SOON);
	/* Exactly one working day left is coming due; a second more is on track. */
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-12 17:00"), -1),
			 DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-12 16:59:59"), -1),
			 DEADLINE_ON_TRACK);
	/* Counted in working time over the weekend: due Monday 09:00. */
	assert_int_equal(deadline_classify_open(cal, NULL, T("2026-03-16 09:00"),
						T("2026-03-13 09:00"), -1),
			 DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_open(cal, NULL, T("2026-03-16 09:00"),
						T("2026-03-13 08:59"), -1),
			 DEADLINE_ON_TRACK);
	/* ...and over the day off: due Thursday 17:00, Tuesday 17:00 is 8 h away. */
	assert_int_equal(deadline_classify_open(cal, NULL, T("2026-03-19 17:00"),
						T("2026-03-17 17:00"), -1),
			 DEADLINE_DUE_SOON);
	/* A custom threshold of 2 working hours. */
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-13 15:00"), 2 * H),
			 DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-13 14:59"), 2 * H),
			 DEADLINE_ON_TRACK);
	/* Threshold 0: coming due only when no working time is left. */
	assert_int_equal(deadline_classify_open(cal, NULL, T("2026-03-16 07:00"),
						T("2026-03-13 17:30"), 0),
			 DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_open(cal, NULL, due_fri, T("2026-03-13 16:00"), 0),
			 DEADLINE_ON_TRACK);
	/* Far future due dates stay cheap and on track. */
	assert_int_equal(deadline_classify_open(cal, NULL, T("2036-03-13 17:00"),
						T("2026-03-13 09:00"), -1),
			 DEADLINE_ON_TRACK);
	assert_int_equal(deadline_classify_open(cal, NULL, 0, T("2026-03-13 09:00"), -1),
			 DEADLINE_NONE);
}

/* ---- the horizon: one rule for coming due and overdue -------------------------------- */

/*
 * The rule as first written, independently of the horizon: overdue when
 * now > due_at, coming due when the working time to due_at is at most `soon`.
 */
static enum deadline_class
reference_class(int64_t worked, mc_time due_at, mc_time now, int64_t soon)
{
	if (due_at == 0)
		return DEADLINE_NONE;
	if (now > due_at)
		return DEADLINE_OVERDUE;
	return worked <= soon ? DEADLINE_DUE_SOON : DEADLINE_ON_TRACK;
}

static void
check_one(struct calendar *cal, const struct worktime *wt, const struct deadline_horizon *h,
	  mc_time due_at, int64_t soon, int64_t soon_arg, bool also_open)
{
	int64_t worked = deadline_working_seconds(cal, wt, h->now, due_at);
	enum deadline_class want = reference_class(worked, due_at, h->now, soon);
	enum deadline_class got = deadline_classify_at(h, due_at);

	if (got != want) {
		char n[CIVIL_ISO_LEN], d[CIVIL_ISO_LEN], e[CIVIL_ISO_LEN];
		fail_msg("now %s soon %lld due %s (soon_end %s): got %s, want %s",
			 civil_format_iso(h->now, n, sizeof n), (long long)soon_arg,
			 civil_format_iso(due_at, d, sizeof d),
			 civil_format_iso(h->soon_end, e, sizeof e), deadline_class_name(got),
			 deadline_class_name(want));
	}
	if (also_open)
		assert_int_equal(deadline_classify_open(cal, wt, due_at, h->now, soon_arg), want);
}

/*
 * deadline_classify_at() against the working-time rule for one `now` and one
 * threshold: every minute from two hours before now to a week after (or a day
 * past soon_end, whichever is later), every second around now, around the
 * instant the threshold's working time runs out and around soon_end.  The
 * working time of the minute sweep is accumulated minute by minute, so the
 * reference does not share the horizon's arithmetic.
 */
static void
check_horizon(struct calendar *cal, const struct worktime *wt, mc_time now, int64_t soon_arg)
{
	struct deadline_horizon h = {0, 0};
	int64_t soon = soon_arg < 0 ? deadline_day_seconds(wt) : soon_arg;
	mc_time first = now - now % 60 - 2 * H, last = now + 7 * CIVIL_DAY;
	int64_t worked = 0;
	long n = 0;

	assert_int_equal(deadline_horizon_at(cal, wt, now, soon_arg, &h), 0);
	assert_int_equal(h.now, now);
	assert_true(h.soon_end > now);
	if (h.soon_end + CIVIL_DAY > last)
		last = h.soon_end + CIVIL_DAY;
	const mc_time at_second[] = {now, deadline_add_working(cal, wt, now, soon), h.soon_end};
	for (mc_time due_at = first; due_at <= last; due_at += 60, n++) {
		enum deadline_class want;

		if (due_at > now)
			worked += deadline_working_seconds(cal, wt, due_at > now + 60 ? due_at - 60 : now,
							   due_at);
		want = reference_class(worked, due_at, now, soon);
		if (deadline_classify_at(&h, due_at) != want)
			check_one(cal, wt, &h, due_at, soon, soon_arg, false); /* fails, with words */
		if (n % 97 == 0)
			check_one(cal, wt, &h, due_at, soon, soon_arg, true);
	}
	for (size_t i = 0; i < sizeof at_second / sizeof at_second[0]; i++)
		for (mc_time due_at = at_second[i] - 2; due_at <= at_second[i] + 2; due_at++)
			check_one(cal, wt, &h, due_at, soon, soon_arg, true);
	/* soon_end is the exact edge: the second before it is coming due, it is not. */
	assert_int_equal(deadline_classify_at(&h, h.soon_end - 1), DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_at(&h, h.soon_end), DEADLINE_ON_TRACK);
	assert_int_equal(deadline_classify_at(&h, now - 1), DEADLINE_OVERDUE);
	assert_int_equal(deadline_classify_at(&h, now), DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_at(&h, 0), DEADLINE_NONE);
}

static void
test_horizon_matches_classify_open(void **state)
{
	struct calendar *cal = *state;
	/* Inside periods, at their edges, lunch, evenings, nights, weekends; the day
	 * before the test day off (Wed 18 March), before 30/4-1/5, before and in
	 * Tết (16-20 February), before New Year's Day. */
	static const char *const nows[] = {
		"2026-03-09 07:00:00", "2026-03-09 09:17:23", "2026-03-09 11:29:59",
		"2026-03-09 11:30:00", "2026-03-09 12:15:00", "2026-03-09 13:30:00",
		"2026-03-09 16:59:59", "2026-03-09 17:00:00", "2026-03-09 20:00:00",
		"2026-03-10 06:00:00", "2026-03-13 09:00:00", "2026-03-13 15:00:00",
		"2026-03-13 16:30:41", "2026-03-14 10:00:00", "2026-03-15 23:59:59",
		"2026-03-17 09:00:00", "2026-03-17 15:00:00", "2026-04-29 09:00:00",
		"2026-04-29 15:00:00", "2026-04-30 09:00:00", "2026-02-13 15:00:00",
		"2026-02-17 10:00:00", "2026-02-20 17:30:00", "2026-12-31 15:00:00",
	};
	static const int64_t soons[] = {0, 1, H, 4 * H + 30 * 60, DAY8, 3 * DAY8, -1};

	for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++)
		for (size_t j = 0; j < sizeof soons / sizeof soons[0]; j++)
			check_horizon(cal, NULL, T(nows[i]), soons[j]);
}

/* Other hours: adjacent periods, and a day that is all working time. */
static void
test_horizon_custom_worktime(void **state)
{
	struct calendar *cal = *state;
	static const char *const hours[] = {"07:30-11:30,11:30-12:00,13:00-16:30",
					    "00:00-24:00"};
	static const char *const nows[] = {"2026-03-09 11:30:00", "2026-03-12 16:00:00",
					   "2026-03-13 23:59:59", "2026-03-14 10:00:00",
					   "2026-03-17 12:30:00"};
	static const int64_t soons[] = {0, H, 30 * 60, -1};

	for (size_t k = 0; k < sizeof hours / sizeof hours[0]; k++) {
		struct worktime wt;

		assert_int_equal(deadline_worktime_parse(hours[k], &wt), 0);
		for (size_t i = 0; i < sizeof nows / sizeof nows[0]; i++)
			for (size_t j = 0; j < sizeof soons / sizeof soons[0]; j++)
				check_horizon(cal, &wt, T(nows[i]), soons[j]);
	}
}

static void
assert_horizon(struct calendar *cal, const char *now, int64_t soon, const char *last_soon)
{
	struct deadline_horizon h;

	assert_int_equal(deadline_horizon_at(cal, NULL, T(now), soon, &h), 0);
	assert_at(h.now, now);
	assert_at(h.soon_end - 1, last_soon);
}

static void
test_horizon_examples(void **state)
{
	struct calendar *cal = *state;
	struct deadline_horizon h;
	struct worktime bad = {0};

	/* Friday afternoon, one working day: Monday 09:00 is coming due (2 h + 6 h). */
	assert_int_equal(deadline_horizon_at(cal, NULL, T("2026-03-13 15:00"), -1, &h), 0);
	assert_int_equal(deadline_classify_at(&h, T("2026-03-16 09:00")), DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_at(&h, T("2026-03-16 15:00")), DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_at(&h, T("2026-03-16 15:00:01")), DEADLINE_ON_TRACK);
	assert_int_equal(deadline_classify_at(&h, T("2026-03-13 14:59:59")), DEADLINE_OVERDUE);
	/* Friday 07:00: the day runs out at 17:00, and Monday 07:00 has no more
	 * working time ahead of it than Friday 17:00 has. */
	assert_horizon(cal, "2026-03-13 07:00", -1, "2026-03-16 07:00");
	assert_horizon(cal, "2026-03-13 07:00", DAY8, "2026-03-16 07:00");
	assert_horizon(cal, "2026-03-13 09:00", -1, "2026-03-16 09:00");
	/* In the evening or at the weekend the next working day counts whole, and
	 * the morning after it opens with those 8 h still ahead. */
	assert_horizon(cal, "2026-03-13 18:00", -1, "2026-03-17 07:00");
	assert_horizon(cal, "2026-03-14 10:00", -1, "2026-03-17 07:00");
	/* A threshold ending at the lunch break reaches to 13:30. */
	assert_horizon(cal, "2026-03-09 09:30", 2 * H, "2026-03-09 13:30");
	/* Threshold 0: only due dates with no working time left. */
	assert_horizon(cal, "2026-03-09 10:00", 0, "2026-03-09 10:00");
	assert_horizon(cal, "2026-03-13 17:30", 0, "2026-03-16 07:00");
	/* Over the day off (Wednesday 18 March), 30/4-1/5 and Tết. */
	assert_horizon(cal, "2026-03-17 07:00", -1, "2026-03-19 07:00");
	assert_horizon(cal, "2026-03-17 15:00", -1, "2026-03-19 15:00");
	assert_horizon(cal, "2026-04-29 07:00", -1, "2026-05-04 07:00");
	assert_horizon(cal, "2026-04-29 09:00", -1, "2026-05-04 09:00");
	assert_horizon(cal, "2026-04-29 15:00", -1, "2026-05-04 15:00");
	assert_horizon(cal, "2026-02-13 15:00", -1, "2026-02-23 15:00");
	assert_horizon(cal, "2026-02-13 07:00", -1, "2026-02-23 07:00");
	/* A bad worktime is refused and *out left alone. */
	h.now = 1;
	h.soon_end = 2;
	assert_int_equal(deadline_horizon_at(cal, &bad, T("2026-03-13 15:00"), -1, &h), -1);
	assert_int_equal(h.now, 1);
	assert_int_equal(h.soon_end, 2);
	/* A horizon is plain comparison: it also serves a wall-clock window. */
	h.now = T("2026-03-13 15:00");
	h.soon_end = T("2026-03-14 00:00");
	assert_int_equal(deadline_classify_at(&h, T("2026-03-13 23:59:59")), DEADLINE_DUE_SOON);
	assert_int_equal(deadline_classify_at(&h, T("2026-03-14 00:00")), DEADLINE_ON_TRACK);
}

static void
test_classify_finished(void **state)
{
	struct calendar *cal = *state;
	mc_time due_at = T("2026-03-12 09:00");
	struct dossier_supplement sup[2] = {{0}};

	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 09:00"), NULL, 0),
			 DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 08:00"), NULL, 0),
			 DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 09:00:01"), NULL,
						    0),
			 DEADLINE_LATE);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-11 16:00"), NULL, 0),
			 DEADLINE_EARLY);

	/* One supplement of 5 working hours moves the effective due date to 16:00. */
	sup[0].requested_at = T("2026-03-10 10:00");
	sup[0].completed_at = T("2026-03-10 17:00");
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 15:59"), sup, 1),
			 DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 16:00"), sup, 1),
			 DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 16:01"), sup, 1),
			 DEADLINE_LATE);
	/* A supplement still pending when the dossier ended counts up to the end. */
	sup[0].requested_at = T("2026-03-12 08:00");
	sup[0].completed_at = 0;
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-12 10:30"), sup, 1),
			 DEADLINE_ON_TIME);
	/* A second supplement request makes it late, even finished early. */
	sup[0].completed_at = T("2026-03-10 08:00");
	sup[0].requested_at = T("2026-03-10 07:30");
	sup[1].requested_at = T("2026-03-10 09:00");
	sup[1].completed_at = T("2026-03-10 09:30");
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-10 10:00"), sup, 1),
			 DEADLINE_EARLY);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, T("2026-03-10 10:00"), sup, 2),
			 DEADLINE_LATE);

	assert_int_equal(deadline_classify_finished(cal, NULL, 0, T("2026-03-10 10:00"), NULL, 0),
			 DEADLINE_NONE);
	assert_int_equal(deadline_classify_finished(cal, NULL, due_at, 0, NULL, 0), DEADLINE_NONE);
}

static void
test_classify_by_day(void **state)
{
	mc_time due_at = T("2026-03-12 09:00");
	(void)state;

	/* Same date is on time whatever the hour (the national indicator says late here). */
	assert_int_equal(deadline_classify_by_day(due_at, T("2026-03-12 16:30")), DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_by_day(due_at, T("2026-03-12 00:00")), DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_by_day(due_at, T("2026-03-12 23:59:59")), DEADLINE_ON_TIME);
	assert_int_equal(deadline_classify_by_day(due_at, T("2026-03-11 23:59:59")), DEADLINE_EARLY);
	assert_int_equal(deadline_classify_by_day(due_at, T("2026-03-13 00:00")), DEADLINE_LATE);
	assert_int_equal(deadline_classify_by_day(0, T("2026-03-13 00:00")), DEADLINE_NONE);
	assert_int_equal(deadline_classify_by_day(due_at, 0), DEADLINE_NONE);
}

static void
test_class_names(void **state)
{
	static const char *const names[] = {"none", "on_track", "due_soon", "overdue",
					    "early", "on_time", "late"};
	enum deadline_class c;
	(void)state;

	for (int i = 0; i < DEADLINE_N_CLASSES; i++) {
		assert_string_equal(deadline_class_name((enum deadline_class)i), names[i]);
		assert_int_equal(deadline_class_parse(names[i], &c), 0);
		assert_int_equal(c, i);
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(deadline_class_label((enum deadline_class)i, "vi"),
						deadline_class_label((enum deadline_class)j, "vi"));
			assert_string_not_equal(deadline_class_label((enum deadline_class)i, "en"),
						deadline_class_label((enum deadline_class)j, "en"));
		}
	}
	assert_string_equal(deadline_class_label(DEADLINE_DUE_SOON, "vi"), "Sắp đến hạn");
	assert_string_equal(deadline_class_label(DEADLINE_OVERDUE, NULL), "Quá hạn");
	assert_string_equal(deadline_class_label(DEADLINE_ON_TIME, "vi_VN.UTF-8"), "Đúng hạn");
	assert_string_equal(deadline_class_label(DEADLINE_DUE_SOON, "en_GB"), "Coming due");
	assert_string_equal(deadline_class_label(DEADLINE_LATE, "en"), "Late");
	assert_string_equal(deadline_class_name((enum deadline_class)DEADLINE_N_CLASSES), "?");
	assert_string_equal(deadline_class_label((enum deadline_class)-1, "en"), "?");
	assert_int_equal(deadline_class_parse("soon", &c), -1);
	assert_int_equal(deadline_class_parse(NULL, &c), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_classify_open, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_horizon_matches_classify_open, setup_cal,
						teardown_cal),
		cmocka_unit_test_setup_teardown(test_horizon_custom_worktime, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_horizon_examples, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_classify_finished, setup_cal, teardown_cal),
		cmocka_unit_test(test_classify_by_day),
		cmocka_unit_test(test_class_names),
	};
	return cmocka_run_group_tests_name("deadline_class", tests, NULL, NULL);
}
