/*
 * Unit tests for src/core/due_explain.c: the explanation ends where the
 * deadline engine ends (for a sweep of rules, instants and supplements), and
 * names what a clerk disputing a date must see: the cut-off, the holidays
 * 30/4 and 1/5 by name, the weekend, Tết, a supplement's pause, a restart, a
 * pending supplement, a calendar-day due date moved off a Sunday.
 * Uses the real computed holidays of 2026 (30/4 Thursday, 1/5 Friday; Tết
 * 16-20 February).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/due_explain.h"
#include "deadline_fixture.h"

static int32_t
D(int y, int m, int d)
{
	return civil_days_from_date(y, m, d);
}

/* The first step of `kind` (NULL when none). */
static const struct due_step *
find(const struct due_explanation *e, enum due_step_kind kind)
{
	for (size_t i = 0; i < e->n_steps; i++)
		if (e->steps[i].kind == kind)
			return &e->steps[i];
	return NULL;
}

static void
test_holidays_named(void **state)
{
	struct calendar *cal = calendar_new();
	struct due_rule rule = {1, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART};
	struct due_explanation e;
	int n_days_off = 0;

	(void)state;
	assert_int_equal(due_explain(cal, NULL, &rule, T("2026-04-29 09:00"), NULL, 0, &e),
			 DEADLINE_OK);
	assert_int_equal(e.due_at, T("2026-05-04 09:00"));
	assert_int_equal(e.steps[0].kind, DUE_STEP_RECEIVED);
	assert_int_equal(e.steps[e.n_steps - 1].kind, DUE_STEP_DUE);
	for (size_t i = 0; i < e.n_steps; i++) {
		const struct due_step *s = &e.steps[i];
		if (s->kind != DUE_STEP_DAYS_OFF)
			continue;
		n_days_off++;
		if (s->day == D(2026, 4, 30)) {
			assert_int_equal(s->day_kind, DUE_DAY_HOLIDAY);
			assert_non_null(strstr(s->name, "Chiến thắng"));
		} else if (s->day == D(2026, 5, 1)) {
			assert_int_equal(s->day_kind, DUE_DAY_HOLIDAY);
			assert_non_null(strstr(s->name, "Lao động"));
		} else {
			/* Saturday and Sunday as one run */
			assert_int_equal(s->day, D(2026, 5, 2));
			assert_int_equal(s->day_end, D(2026, 5, 3));
			assert_int_equal(s->day_kind, DUE_DAY_WEEKEND);
			assert_null(s->name);
		}
	}
	assert_int_equal(n_days_off, 3);
	due_explanation_release(&e);
	calendar_free(cal);
}

static void
test_cutoff_and_outside_hours(void **state)
{
	struct calendar *cal = calendar_new();
	struct due_rule rule = {2, DEADLINE_WORKING_DAYS, 15 * 60, DEADLINE_RESTART};
	struct due_explanation e;
	const struct due_step *s;

	(void)state;
	/* after the 15:00 cut-off on Wednesday 29/4: from Monday 4/5 07:00 */
	due_explain(cal, NULL, &rule, T("2026-04-29 16:10"), NULL, 0, &e);
	s = find(&e, DUE_STEP_AFTER_CUTOFF);
	assert_non_null(s);
	assert_int_equal(s->cutoff, 15 * 60);
	assert_int_equal(s->until, T("2026-05-04 07:00"));
	assert_int_equal(find(&e, DUE_STEP_START)->at, T("2026-05-04 07:00"));
	/* the days the start skipped are listed too */
	assert_int_equal(find(&e, DUE_STEP_DAYS_OFF)->day, D(2026, 4, 30));
	due_explanation_release(&e);

	/* received in the lunch break, no cut-off: from 13:30 */
	rule.cutoff = -1;
	due_explain(cal, NULL, &rule, T("2026-03-09 12:00"), NULL, 0, &e);
	s = find(&e, DUE_STEP_OUTSIDE_HOURS);
	assert_non_null(s);
	assert_int_equal(s->until, T("2026-03-09 13:30"));
	assert_null(find(&e, DUE_STEP_AFTER_CUTOFF));
	due_explanation_release(&e);
	calendar_free(cal);
}

static void
test_supplements(void **state)
{
	struct calendar *cal = calendar_new();
	struct due_rule rule = {3, DEADLINE_WORKING_DAYS, -1, DEADLINE_PAUSE};
	struct dossier_supplement sup = {T("2026-03-10 09:00"), T("2026-03-12 09:00"), NULL};
	struct due_explanation e;
	const struct due_step *s;
	mc_time want;

	(void)state;
	assert_int_equal(due_explain(cal, NULL, &rule, T("2026-03-09 09:00"), &sup, 1, &e),
			 DEADLINE_OK);
	s = find(&e, DUE_STEP_PAUSE);
	assert_non_null(s);
	assert_int_equal(s->at, sup.requested_at);
	assert_int_equal(s->until, sup.completed_at);
	assert_int_equal(e.n_supplements, 1);
	deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), &sup, 1, &want);
	assert_int_equal(e.due_at, want);
	due_explanation_release(&e);

	rule.supplement = DEADLINE_RESTART;
	due_explain(cal, NULL, &rule, T("2026-03-09 09:00"), &sup, 1, &e);
	assert_non_null(find(&e, DUE_STEP_RESTART));
	assert_null(find(&e, DUE_STEP_PAUSE));
	assert_int_equal(find(&e, DUE_STEP_RESTART)->at, sup.completed_at);
	due_explanation_release(&e);

	/* pending: no due date, and the explanation says since when */
	sup.completed_at = 0;
	assert_int_equal(due_explain(cal, NULL, &rule, T("2026-03-09 09:00"), &sup, 1, &e),
			 DEADLINE_WAITING);
	assert_int_equal(e.due_at, 0);
	assert_int_equal(find(&e, DUE_STEP_WAITING)->at, sup.requested_at);
	assert_null(find(&e, DUE_STEP_DUE));
	due_explanation_release(&e);
	calendar_free(cal);
}

static void
test_calendar_days_moved(void **state)
{
	struct calendar *cal = calendar_new();
	struct due_rule rule = {2, DEADLINE_CALENDAR_DAYS, -1, DEADLINE_RESTART};
	struct due_explanation e;
	const struct due_step *s;

	(void)state;
	/* Friday 13/3 10:00 + 2 days = Sunday 15/3 10:00, moved to Monday */
	due_explain(cal, NULL, &rule, T("2026-03-13 10:00"), NULL, 0, &e);
	s = find(&e, DUE_STEP_MOVED);
	assert_non_null(s);
	assert_int_equal(s->at, T("2026-03-15 10:00"));
	assert_int_equal(s->until, T("2026-03-16 10:00"));
	assert_null(find(&e, DUE_STEP_DAYS_OFF)); /* calendar days: weekends count */
	due_explanation_release(&e);
	calendar_free(cal);
}

/* One case: the explanation ends on the engine's own date, and the days it
 * says did not count are indeed days off. */
static void
check_one(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule, mc_time r,
	  bool with_sup)
{
	struct dossier_supplement sup = {r + 86400, r + 3 * 86400 + 3600, NULL};
	const struct dossier_supplement *sp = with_sup ? &sup : NULL;
	size_t n = with_sup ? 1 : 0;
	struct due_explanation e;
	mc_time want = 0;
	int st = due_explain(cal, wt, rule, r, sp, n, &e);

	assert_int_equal(st, deadline_due_supplemented(cal, wt, rule, r, sp, n, &want));
	assert_int_equal(e.due_at, want);
	assert_int_equal(e.steps[e.n_steps - 1].kind, DUE_STEP_DUE);
	assert_int_equal(e.steps[e.n_steps - 1].at, want);
	for (size_t i = 0; i < e.n_steps; i++)
		if (e.steps[i].kind == DUE_STEP_DAYS_OFF)
			for (int32_t d = e.steps[i].day; d <= e.steps[i].day_end; d++)
				assert_false(calendar_is_working_day(cal, d));
	due_explanation_release(&e);
}

/* Every unit, duration, cut-off and policy, receptions across Tết and 30/4,
 * with and without a supplement, under one worktime; adds to *checked. */
static void
check_all(struct calendar *cal, const struct worktime *wt, size_t *checked)
{
	const char *received[] = {"2026-02-12 16:30", "2026-02-13 11:45", "2026-02-14 10:00",
				  "2026-04-29 15:01", "2026-04-30 08:00", "2026-03-09 06:00"};
	const int durations[] = {0, 1, 4, 15};
	const int cutoffs[] = {-1, 15 * 60};

	for (int unit = 0; unit <= 2; unit++)
		for (size_t di = 0; di < 4; di++)
			for (size_t ci = 0; ci < 2; ci++)
				for (int pol = 0; pol <= 1; pol++)
					for (size_t ri = 0; ri < 6; ri++) {
						struct due_rule rule = {durations[di],
									(enum deadline_unit)unit,
									cutoffs[ci],
									(enum deadline_policy)pol};
						check_one(cal, wt, &rule, T(received[ri]), false);
						check_one(cal, wt, &rule, T(received[ri]), true);
						*checked += 2;
					}
}

/* By default, and with Saturday-morning hours (Saturday working) under each
 * reading. */
static void
test_agrees_with_engine(void **state)
{
	struct calendar *cal = calendar_new();
	struct worktime sat_after, sat_next_day_end;
	size_t checked = 0;

	(void)state;
	check_all(cal, NULL, &checked);
	assert_int_equal(checked, 3 * 4 * 2 * 2 * 6 * 2);
	deadline_worktime_default(&sat_after);
	assert_int_equal(deadline_worktime_parse_day("07:30-11:30", 6, &sat_after), 0);
	sat_next_day_end = sat_after;
	sat_after.reading.in_break = DEADLINE_BREAK_AFTER;
	sat_next_day_end.reading.calendar_from = DEADLINE_FROM_NEXT_DAY;
	sat_next_day_end.reading.working_days = DEADLINE_DAYS_TO_DAY_END;
	calendar_set_workweek(cal, 0x7e);
	check_all(cal, &sat_after, &checked);
	check_all(cal, &sat_next_day_end, &checked);
	assert_int_equal(checked, 3 * (3 * 4 * 2 * 2 * 6 * 2));
	calendar_free(cal);
}

/* Saturday-morning hours and the reading: the Saturday's own hours are a
 * step, the reading is the worktime's, and a calendar-day landing from the
 * next day that falls on a Sunday is shown moved. */
static void
test_day_hours_and_reading(void **state)
{
	struct calendar *cal = calendar_new();
	struct due_rule rule = {1, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART};
	struct worktime wt;
	struct due_explanation e;
	const struct due_step *s;

	(void)state;
	calendar_set_workweek(cal, 0x7e);
	deadline_worktime_default(&wt);
	assert_int_equal(deadline_worktime_parse_day("07:30-11:30", 6, &wt), 0);
	assert_int_equal(due_explain(cal, &wt, &rule, T("2026-03-13 10:00"), NULL, 0, &e),
			 DEADLINE_OK);
	assert_int_equal(e.due_at, T("2026-03-14 10:30"));
	assert_non_null(s = find(&e, DUE_STEP_DAY_HOURS));
	assert_int_equal(s->day, D(2026, 3, 14));
	assert_int_equal(s->hours.n_periods, 1);
	assert_int_equal(s->hours.periods[0].start, 7 * 60 + 30);
	assert_string_equal(due_step_kind_name(DUE_STEP_DAY_HOURS), "day_hours");
	assert_int_equal(e.reading.working_days, DEADLINE_DAYS_AS_HOURS);
	due_explanation_release(&e);

	/* the default worktime has no such step */
	assert_int_equal(due_explain(cal, NULL, &rule, T("2026-03-13 10:00"), NULL, 0, &e),
			 DEADLINE_OK);
	assert_null(find(&e, DUE_STEP_DAY_HOURS));
	due_explanation_release(&e);

	calendar_set_workweek(cal, 0x3e);
	wt.reading.calendar_from = DEADLINE_FROM_NEXT_DAY;
	rule.unit = DEADLINE_CALENDAR_DAYS;
	rule.duration = 6;
	assert_int_equal(due_explain(cal, &wt, &rule, T("2026-03-09 10:00"), NULL, 0, &e),
			 DEADLINE_OK);
	assert_int_equal(e.reading.calendar_from, DEADLINE_FROM_NEXT_DAY);
	assert_int_equal(e.due_at, T("2026-03-16 17:00"));
	assert_non_null(s = find(&e, DUE_STEP_MOVED));
	assert_int_equal(s->at, T("2026-03-15 17:00"));
	due_explanation_release(&e);
	calendar_free(cal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holidays_named),
		cmocka_unit_test(test_cutoff_and_outside_hours),
		cmocka_unit_test(test_supplements),
		cmocka_unit_test(test_calendar_days_moved),
		cmocka_unit_test(test_agrees_with_engine),
		cmocka_unit_test(test_day_hours_and_reading),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
