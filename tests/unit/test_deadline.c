/*
 * Unit tests for src/core/deadline.c: working time, due dates per unit, cut-off,
 * same-day procedures, supplements (pause / restart), names; the classifications are
 * test_deadline_class.c's.
 *
 * Most cases use March 2026, which has no statutory day off, with an explicit
 * override making Wednesday 2026-03-18 a day off, so they do not depend on the
 * holiday computation; test_tet_2026 uses the real computed holidays on purpose.
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

/* ---- helpers -------------------------------------------------------------------- */

static mc_time
due(struct calendar *cal, const struct worktime *wt, int duration, enum deadline_unit unit,
    int cutoff, const char *received)
{
	struct due_rule rule = {duration, unit, cutoff, DEADLINE_RESTART};
	mc_time at = 0;
	assert_int_equal(deadline_due(cal, wt, &rule, T(received), &at), 0);
	return at;
}

static mc_time
due_h(struct calendar *cal, int hours, const char *received)
{
	return due(cal, NULL, hours, DEADLINE_HOURS, -1, received);
}

static mc_time
due_wd(struct calendar *cal, int days, const char *received)
{
	return due(cal, NULL, days, DEADLINE_WORKING_DAYS, -1, received);
}

static mc_time
due_cd(struct calendar *cal, int days, const char *received)
{
	return due(cal, NULL, days, DEADLINE_CALENDAR_DAYS, -1, received);
}

/* ---- worktime and names ----------------------------------------------------------- */

static void
test_worktime(void **state)
{
	struct worktime wt, bad;
	(void)state;

	deadline_worktime_default(&wt);
	assert_int_equal(deadline_worktime_check(&wt), 0);
	assert_int_equal(wt.n_periods, 2);
	assert_int_equal(wt.periods[0].start, 7 * 60);
	assert_int_equal(wt.periods[0].end, 11 * 60 + 30);
	assert_int_equal(wt.periods[1].start, 13 * 60 + 30);
	assert_int_equal(wt.periods[1].end, 17 * 60);
	assert_int_equal(deadline_day_seconds(&wt), DAY8);
	assert_int_equal(deadline_day_seconds(NULL), DAY8);

	assert_int_equal(deadline_worktime_parse("08:00-12:00", &wt), 0);
	assert_int_equal(wt.n_periods, 1);
	assert_int_equal(deadline_day_seconds(&wt), 4 * H);
	assert_int_equal(deadline_worktime_parse("07:30-11:30,13:00-17:00,18:00-24:00", &wt), 0);
	assert_int_equal(wt.n_periods, 3);
	assert_int_equal(wt.periods[2].end, 1440);
	assert_int_equal(deadline_day_seconds(&wt), 14 * H);

	const char *rejects[] = {"", "07:00", "07:00-", "07:00-11:30,", "11:30-07:00",
				 "07:00-07:00", "13:30-17:00,07:00-11:30", "07:00-12:00,11:30-17:00",
				 "07:00-11:30;13:30-17:00", "07:00-11:30 ", "25:00-26:00",
				 "01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00"};
	deadline_worktime_default(&wt);
	for (size_t i = 0; i < sizeof rejects / sizeof *rejects; i++) {
		assert_int_equal(deadline_worktime_parse(rejects[i], &wt), -1);
		assert_int_equal(wt.n_periods, 2); /* untouched */
	}
	assert_int_equal(deadline_worktime_parse(NULL, &wt), -1);

	memset(&bad, 0, sizeof bad);
	assert_int_equal(deadline_worktime_check(&bad), -1);
	assert_int_equal(deadline_worktime_check(NULL), -1);
	bad.n_periods = 1;
	bad.periods[0].start = 600;
	bad.periods[0].end = 1441;
	assert_int_equal(deadline_worktime_check(&bad), -1);
}

static void
test_rule_names(void **state)
{
	enum deadline_unit u;
	enum deadline_policy p;
	struct due_rule rule = DEADLINE_RULE_INIT, zero;
	(void)state;

	assert_int_equal(deadline_unit_parse("hours", &u), 0);
	assert_int_equal(u, DEADLINE_HOURS);
	assert_int_equal(deadline_unit_parse("working-days", &u), 0);
	assert_int_equal(u, DEADLINE_WORKING_DAYS);
	assert_int_equal(deadline_unit_parse("calendar-days", &u), 0);
	assert_int_equal(u, DEADLINE_CALENDAR_DAYS);
	assert_int_equal(deadline_unit_parse("days", &u), -1);
	assert_int_equal(deadline_unit_parse("Hours", &u), -1);
	assert_int_equal(deadline_unit_parse(NULL, &u), -1);
	assert_string_equal(deadline_unit_name(DEADLINE_CALENDAR_DAYS), "calendar-days");
	assert_string_equal(deadline_unit_name((enum deadline_unit)9), "?");

	assert_int_equal(deadline_policy_parse("pause", &p), 0);
	assert_int_equal(p, DEADLINE_PAUSE);
	assert_int_equal(deadline_policy_parse("restart", &p), 0);
	assert_int_equal(p, DEADLINE_RESTART);
	assert_int_equal(deadline_policy_parse("stop", &p), -1);
	assert_string_equal(deadline_policy_name(DEADLINE_PAUSE), "pause");

	/* The documented default is restart, and a zeroed rule is valid. */
	assert_int_equal(rule.supplement, DEADLINE_RESTART);
	assert_int_equal(rule.cutoff, -1);
	assert_int_equal(deadline_rule_check(&rule), 0);
	memset(&zero, 0, sizeof zero);
	assert_int_equal(deadline_rule_check(&zero), 0);

	rule.duration = DEADLINE_MAX_DURATION;
	assert_int_equal(deadline_rule_check(&rule), 0);
	rule.duration = DEADLINE_MAX_DURATION + 1;
	assert_int_equal(deadline_rule_check(&rule), -1);
	rule.duration = -1;
	assert_int_equal(deadline_rule_check(&rule), -1);
	rule.duration = 1;
	rule.cutoff = 1440;
	assert_int_equal(deadline_rule_check(&rule), -1);
	rule.cutoff = 1439;
	assert_int_equal(deadline_rule_check(&rule), 0);
	rule.unit = (enum deadline_unit)7;
	assert_int_equal(deadline_rule_check(&rule), -1);
	assert_int_equal(deadline_rule_check(NULL), -1);
}

static void
test_invalid_inputs(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {3651, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART};
	struct worktime bad;
	mc_time at = 12345;

	assert_int_equal(deadline_due(cal, NULL, &rule, T("2026-03-09 09:00"), &at), -1);
	assert_int_equal(at, 0);
	at = 12345;
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), NULL, 0,
						   &at),
			 DEADLINE_INVALID);
	assert_int_equal(at, 0);

	rule.duration = 1;
	memset(&bad, 0, sizeof bad);
	assert_int_equal(deadline_due(cal, &bad, &rule, T("2026-03-09 09:00"), &at), -1);
	/* Functions without a status fall back to the default rather than loop. */
	assert_true(deadline_in_working_time(cal, &bad, T("2026-03-09 09:00")));
	assert_at(deadline_add_working(cal, &bad, T("2026-03-09 09:00"), 8 * H),
		  "2026-03-10 09:00");
}

/* ---- working time ----------------------------------------------------------------- */

static void
test_in_working_time(void **state)
{
	struct calendar *cal = *state;
	struct {
		const char *at;
		bool in;
	} cases[] = {
		{"2026-03-09 06:59:59", false}, {"2026-03-09 07:00", true},
		{"2026-03-09 11:29:59", true},  {"2026-03-09 11:30", false},
		{"2026-03-09 12:00", false},    {"2026-03-09 13:29:59", false},
		{"2026-03-09 13:30", true},     {"2026-03-09 16:59:59", true},
		{"2026-03-09 17:00", false},    {"2026-03-09 23:00", false},
		{"2026-03-14 09:00", false}, /* Saturday */
		{"2026-03-15 09:00", false}, /* Sunday */
		{"2026-03-18 09:00", false}, /* override day off */
		{"2026-03-19 09:00", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		if (deadline_in_working_time(cal, NULL, T(cases[i].at)) != cases[i].in)
			fail_msg("%s: expected %s working time", cases[i].at,
				 cases[i].in ? "inside" : "outside");
}

static void
test_working_seconds(void **state)
{
	struct calendar *cal = *state;

	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-09 08:00"),
						  T("2026-03-09 10:00")), 2 * H);
	/* Lunch does not count. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-09 11:00"),
						  T("2026-03-09 14:00")), 1 * H);
	/* A whole day, from before opening to after closing. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-09 00:00"),
						  T("2026-03-10 00:00")), DAY8);
	/* Friday 15:00 to Monday 09:00: 2 h + weekend 0 + 2 h. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-13 15:00"),
						  T("2026-03-16 09:00")), 4 * H);
	/* Tuesday 15:00 to Thursday 09:00 over the day off. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-17 15:00"),
						  T("2026-03-19 09:00")), 4 * H);
	/* A week Monday 00:00 to Monday 00:00 minus the day off. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-16 00:00"),
						  T("2026-03-23 00:00")), 4 * DAY8);
	/* Empty and reversed intervals. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-09 10:00"),
						  T("2026-03-09 10:00")), 0);
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-10 10:00"),
						  T("2026-03-09 10:00")), 0);
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-14 08:00"),
						  T("2026-03-15 16:00")), 0);
	/* Seconds count. */
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-03-09 16:59:30"),
						  T("2026-03-10 07:00:15")), 45);
}

static void
test_next_working_instant(void **state)
{
	struct calendar *cal = *state;

	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-09 06:00")),
		  "2026-03-09 07:00");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-09 09:15:20")),
		  "2026-03-09 09:15:20");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-09 11:30")),
		  "2026-03-09 13:30");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-09 12:00")),
		  "2026-03-09 13:30");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-09 17:00")),
		  "2026-03-10 07:00");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-13 17:30")),
		  "2026-03-16 07:00");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-14 10:00")),
		  "2026-03-16 07:00");
	assert_at(deadline_next_working_instant(cal, NULL, T("2026-03-17 18:00")),
		  "2026-03-19 07:00"); /* skips the day off */
	assert_at(deadline_end_of_day(cal, NULL, civil_days_from_date(2026, 3, 14)),
		  "2026-03-14 17:00");
}

static void
test_add_working(void **state)
{
	struct calendar *cal = *state;

	assert_at(deadline_add_working(cal, NULL, T("2026-03-12 15:00"), 4 * H),
		  "2026-03-13 09:00");
	/* Ends exactly at the end of a period: shown at that end. */
	assert_at(deadline_add_working(cal, NULL, T("2026-03-12 15:00"), 2 * H),
		  "2026-03-12 17:00");
	assert_at(deadline_add_working(cal, NULL, T("2026-03-12 07:00"), 4 * H + 1800),
		  "2026-03-12 11:30");
	assert_at(deadline_add_working(cal, NULL, T("2026-03-12 07:00"), 4 * H + 1801),
		  "2026-03-12 13:30:01");
	assert_at(deadline_add_working(cal, NULL, T("2026-03-09 07:00"), DAY8),
		  "2026-03-09 17:00");
	assert_at(deadline_add_working(cal, NULL, T("2026-03-13 15:00"), 4 * H),
		  "2026-03-16 09:00");
	assert_at(deadline_add_working(cal, NULL, T("2026-03-14 10:00"), 1 * H),
		  "2026-03-16 08:00");
	/* Zero from anywhere is the instant itself, even outside working time. */
	assert_at(deadline_add_working(cal, NULL, T("2026-03-14 10:00"), 0), "2026-03-14 10:00");
	assert_at(deadline_add_working(cal, NULL, T("2026-03-09 17:00"), 0), "2026-03-09 17:00");
	/* Whole days skipped in one step land right: 10 days from Monday 07:00. */
	assert_at(deadline_add_working(cal, NULL, T("2026-03-09 07:00"), 10 * DAY8),
		  "2026-03-23 17:00"); /* 9..13, 16, 17, 19, 20, 23 */
}

/* ---- due dates per unit ------------------------------------------------------------ */

static void
test_hours(void **state)
{
	struct calendar *cal = *state;

	/* 4 working hours from 15:00 -> next day 09:00 (the CLI's example). */
	assert_at(due_h(cal, 4, "2026-03-12 15:00"), "2026-03-13 09:00");
	/* Friday afternoon crossing the weekend. */
	assert_at(due_h(cal, 4, "2026-03-13 15:00"), "2026-03-16 09:00");
	assert_at(due_h(cal, 2, "2026-03-13 15:00"), "2026-03-13 17:00");
	/* During the lunch break: counts from 13:30. */
	assert_at(due_h(cal, 2, "2026-03-09 12:00"), "2026-03-09 15:30");
	/* Before 07:00 and after 17:00. */
	assert_at(due_h(cal, 4, "2026-03-09 06:00"), "2026-03-09 11:00");
	assert_at(due_h(cal, 4, "2026-03-09 18:00"), "2026-03-10 11:00");
	assert_at(due_h(cal, 1, "2026-03-13 20:00"), "2026-03-16 08:00");
	/* Exactly at 11:30 and 17:00 (already outside). */
	assert_at(due_h(cal, 1, "2026-03-09 11:30"), "2026-03-09 14:30");
	assert_at(due_h(cal, 1, "2026-03-09 17:00"), "2026-03-10 08:00");
	/* Exactly at 07:00 and a result exactly at 11:30 / 17:00. */
	assert_at(due_h(cal, 4, "2026-03-09 07:30"), "2026-03-09 11:30");
	assert_at(due_h(cal, 8, "2026-03-09 07:00"), "2026-03-09 17:00");
	assert_at(due_h(cal, 3, "2026-03-09 14:00"), "2026-03-09 17:00");
	/* On the day off and the day before it. */
	assert_at(due_h(cal, 2, "2026-03-18 09:00"), "2026-03-19 09:00");
	assert_at(due_h(cal, 4, "2026-03-17 15:00"), "2026-03-19 09:00");
	/* Hours spanning several days: Mon 09:00 + 20 h = 6 + 8 + 6 -> Wed 15:00. */
	assert_at(due_h(cal, 20, "2026-03-09 09:00"), "2026-03-11 15:00");
	/* 40 h from Friday 10:00: Fri 5, Mon 8, Tue 8, (Wed off), Thu 8, Fri 8, Mon 3. */
	assert_at(due_h(cal, 40, "2026-03-13 10:00"), "2026-03-23 10:00");
}

static void
test_working_days(void **state)
{
	struct calendar *cal = *state;

	assert_at(due_wd(cal, 1, "2026-03-09 09:00"), "2026-03-10 09:00");
	assert_at(due_wd(cal, 1, "2026-03-09 07:00"), "2026-03-09 17:00");
	assert_at(due_wd(cal, 1, "2026-03-09 06:15"), "2026-03-09 17:00");
	assert_at(due_wd(cal, 1, "2026-03-09 17:00"), "2026-03-10 17:00");
	assert_at(due_wd(cal, 3, "2026-03-09 07:00"), "2026-03-11 17:00");
	/* Friday afternoon, weekend crossed, then the day off crossed. */
	assert_at(due_wd(cal, 1, "2026-03-13 15:00"), "2026-03-16 15:00");
	assert_at(due_wd(cal, 3, "2026-03-13 15:00"), "2026-03-19 15:00");
	assert_at(due_wd(cal, 5, "2026-03-13 10:00"), "2026-03-23 10:00");
	/* Received during lunch: from 13:30, 3.5 h + 4.5 h -> Tuesday 11:30. */
	assert_at(due_wd(cal, 1, "2026-03-09 12:10"), "2026-03-10 11:30");
	/* Received at 11:30 sharp: the same instant of working time as 13:30. */
	assert_at(due_wd(cal, 1, "2026-03-09 11:30"), "2026-03-10 11:30");
	/* Received on the weekend or the day off. */
	assert_at(due_wd(cal, 2, "2026-03-14 09:00"), "2026-03-17 17:00");
	assert_at(due_wd(cal, 1, "2026-03-18 10:00"), "2026-03-19 17:00");
	/* 20 working days from Monday 2026-03-02 09:00: 21 weekdays, one off -> 31 March 09:00. */
	assert_at(due_wd(cal, 20, "2026-03-02 09:00"), "2026-03-31 09:00");
}

static void
test_calendar_days(void **state)
{
	struct calendar *cal = *state;

	assert_at(due_cd(cal, 2, "2026-03-09 10:00"), "2026-03-11 10:00");
	/* Lands on a Saturday: next working day, clock time clamped. */
	assert_at(due_cd(cal, 3, "2026-03-11 10:00"), "2026-03-16 10:00");
	assert_at(due_cd(cal, 3, "2026-03-11 18:00"), "2026-03-16 17:00");
	assert_at(due_cd(cal, 2, "2026-03-12 06:00"), "2026-03-16 07:00");
	assert_at(due_cd(cal, 2, "2026-03-12 12:00"), "2026-03-16 11:30");
	assert_at(due_cd(cal, 2, "2026-03-12 13:30"), "2026-03-16 13:30");
	assert_at(due_cd(cal, 2, "2026-03-12 11:30"), "2026-03-16 11:30");
	assert_at(due_cd(cal, 2, "2026-03-12 17:00"), "2026-03-16 17:00");
	/* Lands on the override day off. */
	assert_at(due_cd(cal, 1, "2026-03-17 09:45"), "2026-03-19 09:45");
	/* Lands on a working day outside working hours: clamped too. */
	assert_at(due_cd(cal, 1, "2026-03-09 18:00"), "2026-03-10 17:00");
	assert_at(due_cd(cal, 1, "2026-03-09 05:00"), "2026-03-10 07:00");
	/* Received on Saturday: the 24-hour days run from the reception itself. */
	assert_at(due_cd(cal, 2, "2026-03-14 10:00"), "2026-03-16 10:00");
	/* 30 calendar days across a month end. */
	assert_at(due_cd(cal, 30, "2026-03-09 08:00"), "2026-04-08 08:00");
}

static void
test_same_day(void **state)
{
	struct calendar *cal = *state;

	assert_at(due_wd(cal, 0, "2026-03-09 09:00"), "2026-03-09 17:00");
	assert_at(due_wd(cal, 0, "2026-03-09 06:00"), "2026-03-09 17:00");
	assert_at(due_wd(cal, 0, "2026-03-09 12:00"), "2026-03-09 17:00");
	assert_at(due_wd(cal, 0, "2026-03-09 16:59:59"), "2026-03-09 17:00");
	assert_at(due_wd(cal, 0, "2026-03-09 17:00"), "2026-03-10 17:00");
	assert_at(due_wd(cal, 0, "2026-03-13 18:00"), "2026-03-16 17:00");
	assert_at(due_wd(cal, 0, "2026-03-14 09:00"), "2026-03-16 17:00");
	assert_at(due_wd(cal, 0, "2026-03-17 17:30"), "2026-03-19 17:00");
	/* Duration 0 is same-day whatever the unit. */
	assert_at(due_h(cal, 0, "2026-03-09 09:00"), "2026-03-09 17:00");
	assert_at(due_cd(cal, 0, "2026-03-09 09:00"), "2026-03-09 17:00");
	assert_at(due_cd(cal, 0, "2026-03-14 09:00"), "2026-03-16 17:00");

	/* With a 15:00 cut-off: after = strictly later than 15:00:00. */
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-09 14:59"),
		  "2026-03-09 17:00");
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-09 15:00"),
		  "2026-03-09 17:00");
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-09 15:00:01"),
		  "2026-03-10 17:00");
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-13 15:30"),
		  "2026-03-16 17:00");
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-17 16:00"),
		  "2026-03-19 17:00");
	/* On a day off the cut-off does not add a second day. */
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-14 16:00"),
		  "2026-03-16 17:00");
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-14 10:00"),
		  "2026-03-16 17:00");
	/* Morning before opening is before the cut-off. */
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-03-09 06:30"),
		  "2026-03-09 17:00");
}

static void
test_cutoff_nonzero(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {2, DEADLINE_HOURS, 900, DEADLINE_RESTART};
	mc_time start;

	/* Received after the cut-off: from the start of the next working day. */
	assert_at(due(cal, NULL, 2, DEADLINE_HOURS, 900, "2026-03-09 15:30"), "2026-03-10 09:00");
	assert_at(due(cal, NULL, 2, DEADLINE_HOURS, -1, "2026-03-09 15:30"), "2026-03-10 07:30");
	assert_at(due(cal, NULL, 1, DEADLINE_WORKING_DAYS, 900, "2026-03-09 15:00"),
		  "2026-03-10 15:00");
	assert_at(due(cal, NULL, 1, DEADLINE_WORKING_DAYS, 900, "2026-03-09 15:01"),
		  "2026-03-10 17:00");
	assert_at(due(cal, NULL, 1, DEADLINE_WORKING_DAYS, 900, "2026-03-13 16:00"),
		  "2026-03-16 17:00");
	assert_at(due(cal, NULL, 1, DEADLINE_WORKING_DAYS, 900, "2026-03-17 16:00"),
		  "2026-03-19 17:00");
	/* Calendar days after the cut-off: 24-hour days from 07:00 the next working day. */
	assert_at(due(cal, NULL, 2, DEADLINE_CALENDAR_DAYS, 900, "2026-03-09 16:00"),
		  "2026-03-12 07:00");
	assert_at(due(cal, NULL, 2, DEADLINE_CALENDAR_DAYS, 900, "2026-03-09 14:00"),
		  "2026-03-11 14:00");

	assert_int_equal(deadline_start(cal, NULL, &rule, T("2026-03-09 15:30"), &start), 0);
	assert_at(start, "2026-03-10 07:00");
	assert_int_equal(deadline_start(cal, NULL, &rule, T("2026-03-09 12:30"), &start), 0);
	assert_at(start, "2026-03-09 13:30");
	rule.unit = DEADLINE_CALENDAR_DAYS;
	assert_int_equal(deadline_start(cal, NULL, &rule, T("2026-03-14 12:30"), &start), 0);
	assert_at(start, "2026-03-14 12:30");
	rule.duration = 0; /* same-day counts like working units */
	assert_int_equal(deadline_start(cal, NULL, &rule, T("2026-03-14 12:30"), &start), 0);
	assert_at(start, "2026-03-16 07:00");
}

static void
test_custom_worktime(void **state)
{
	struct calendar *cal = calendar_new();
	struct worktime wt;
	(void)state;

	/* A six-day week (Monday..Saturday), mornings only 07:30-11:30. */
	calendar_set_workweek(cal, 0x7e);
	assert_int_equal(deadline_worktime_parse("07:30-11:30", &wt), 0);
	assert_true(deadline_in_working_time(cal, &wt, T("2026-03-14 08:00")));
	assert_false(deadline_in_working_time(cal, &wt, T("2026-03-15 08:00")));
	assert_false(deadline_in_working_time(cal, &wt, T("2026-03-13 14:00")));
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-13 10:00"),
		  "2026-03-14 10:00");
	assert_at(due(cal, &wt, 2, DEADLINE_WORKING_DAYS, -1, "2026-03-13 10:00"),
		  "2026-03-16 10:00");
	assert_at(due(cal, &wt, 6, DEADLINE_HOURS, -1, "2026-03-13 10:00"), "2026-03-16 08:00");
	assert_at(due(cal, &wt, 0, DEADLINE_WORKING_DAYS, -1, "2026-03-13 13:00"),
		  "2026-03-14 11:30");
	/* Calendar day landing on Sunday: Monday, 15:00 clamped to 11:30. */
	assert_at(due(cal, &wt, 2, DEADLINE_CALENDAR_DAYS, -1, "2026-03-13 15:00"),
		  "2026-03-16 11:30");
	assert_int_equal(deadline_working_seconds(cal, &wt, T("2026-03-09 00:00"),
						  T("2026-03-16 00:00")), 24 * H);
	assert_int_equal(deadline_classify_open(cal, &wt, T("2026-03-16 08:30"),
						T("2026-03-14 08:00"), -1),
			 DEADLINE_ON_TRACK); /* 3.5 h + 1 h > one 4-hour day */
	assert_int_equal(deadline_classify_open(cal, &wt, T("2026-03-16 08:30"),
						T("2026-03-14 11:00"), -1),
			 DEADLINE_DUE_SOON);
	calendar_free(cal);
}

/* The real computed holidays: Tết Bính Ngọ is Monday 16 .. Friday 20 February 2026. */
/* ---- per-weekday hours and the reading ------------------------------------------ */

/* Monday..Saturday, Saturday-morning intake 07:30-11:30, the rest default. */
static void
saturday_morning(struct calendar *cal, struct worktime *wt)
{
	calendar_set_workweek(cal, 0x7e);
	deadline_worktime_default(wt);
	assert_int_equal(deadline_worktime_parse_day("07:30-11:30", 6, wt), 0);
}

static void
test_weekday_hours(void **state)
{
	struct calendar *cal = *state;
	struct worktime wt, bad;

	saturday_morning(cal, &wt);
	assert_int_equal(deadline_worktime_check(&wt), 0);
	assert_int_equal(deadline_day_seconds(&wt), DAY8); /* one working day stays 8 h */
	assert_true(deadline_in_working_time(cal, &wt, T("2026-03-14 08:00")));
	assert_false(deadline_in_working_time(cal, &wt, T("2026-03-14 07:15")));
	assert_false(deadline_in_working_time(cal, &wt, T("2026-03-14 14:00")));
	assert_true(deadline_in_working_time(cal, &wt, T("2026-03-13 14:00")));
	assert_at(deadline_end_of_day(cal, &wt, civil_days_from_date(2026, 3, 14)),
		  "2026-03-14 11:30");
	/* Mon 9 .. Sat 14: five 8-hour days and a 4-hour Saturday. */
	assert_int_equal(deadline_working_seconds(cal, &wt, T("2026-03-09 00:00"),
						  T("2026-03-16 00:00")), 44 * H);
	/* Fri 10:00-17:00 gives 5 h, Saturday 3 h more of its 4. */
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-13 10:00"),
		  "2026-03-14 10:30");
	/* 16 h: Friday 5, Saturday 4, Monday 7. */
	assert_at(due(cal, &wt, 2, DEADLINE_WORKING_DAYS, -1, "2026-03-13 10:00"),
		  "2026-03-16 16:00");
	assert_at(due(cal, &wt, 6, DEADLINE_HOURS, -1, "2026-03-13 15:00"), "2026-03-14 11:30");
	assert_at(due(cal, &wt, 1, DEADLINE_HOURS, -1, "2026-03-14 12:00"), "2026-03-16 08:00");
	assert_at(due(cal, &wt, 1, DEADLINE_HOURS, -1, "2026-03-14 07:00"), "2026-03-14 08:30");
	assert_at(due(cal, &wt, 0, DEADLINE_WORKING_DAYS, -1, "2026-03-14 09:00"),
		  "2026-03-14 11:30");
	/* Saturday 15:00 is after Saturday's hours: their end. */
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-13 15:00"),
		  "2026-03-14 11:30");
	/* A cut-off moves the clock to Saturday's opening. */
	assert_at(due(cal, &wt, 1, DEADLINE_HOURS, 15 * 60, "2026-03-13 16:00"),
		  "2026-03-14 08:30");

	bad = wt;
	bad.day[6].n_periods = 0;
	assert_int_equal(deadline_worktime_check(&bad), -1);
	bad = wt;
	bad.own_days = 0x80;
	assert_int_equal(deadline_worktime_check(&bad), -1);
	bad = wt;
	assert_int_equal(deadline_worktime_parse_day("07:30-11:30", 7, &bad), -1);
	assert_int_equal(deadline_worktime_parse_day("11:30-07:30", 6, &bad), -1);
	assert_int_equal(deadline_worktime_parse_day(NULL, 6, &bad), -1);
	assert_memory_equal(&bad, &wt, sizeof wt); /* untouched on error */
}

/* A Saturday a notice declares working stands in for a weekday: full hours. */
static void
test_weekday_hours_swapped(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override_entry sat = {.day = civil_days_from_date(2026, 3, 21),
					      .name = "Làm bù"};
	struct calendar_override ov = {.year = 2026, .working_days = &sat, .n_working_days = 1};
	struct worktime wt;
	(void)state;

	assert_int_equal(calendar_add_override(cal, &ov), 0);
	deadline_worktime_default(&wt);
	assert_int_equal(deadline_worktime_parse_day("07:30-11:30", 6, &wt), 0);
	assert_true(calendar_declared_working(cal, sat.day));
	assert_false(calendar_declared_working(cal, civil_days_from_date(2026, 3, 20)));
	assert_true(deadline_in_working_time(cal, &wt, T("2026-03-21 07:10")));
	assert_true(deadline_in_working_time(cal, &wt, T("2026-03-21 14:00")));
	assert_false(deadline_in_working_time(cal, &wt, T("2026-03-14 08:00"))); /* Saturday off */
	assert_at(deadline_end_of_day(cal, &wt, sat.day), "2026-03-21 17:00");
	/* not knowing the notice: the Saturday's own hours */
	assert_at(deadline_end_of_day(NULL, &wt, sat.day), "2026-03-21 11:30");
	/* Friday 16:00-17:00, then the swapped Saturday from 07:00 */
	assert_at(due(cal, &wt, 2, DEADLINE_HOURS, -1, "2026-03-20 16:00"), "2026-03-21 08:00");
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-20 16:00"),
		  "2026-03-21 16:00"); /* 1 h, 4.5 h, then 2.5 h of the afternoon */
	calendar_free(cal);
}

static void
test_reading_break(void **state)
{
	struct calendar *cal = *state;
	struct worktime wt;

	deadline_worktime_default(&wt);
	/* Tuesday 12:00 is in the break */
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 12:00"),
		  "2026-03-10 11:30");
	assert_at(due(cal, &wt, 4, DEADLINE_HOURS, -1, "2026-03-09 07:30"), "2026-03-09 11:30");
	wt.reading.in_break = DEADLINE_BREAK_AFTER;
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 12:00"),
		  "2026-03-10 13:30");
	/* working time ending with the morning: shown at the afternoon's start */
	assert_at(due(cal, &wt, 4, DEADLINE_HOURS, -1, "2026-03-09 07:30"), "2026-03-09 13:30");
	/* the day's end stays the day's end; other clock times do not move */
	assert_at(due(cal, &wt, 8, DEADLINE_HOURS, -1, "2026-03-09 07:00"), "2026-03-09 17:00");
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-10 10:00");
	assert_at(due(cal, &wt, 0, DEADLINE_WORKING_DAYS, -1, "2026-03-09 12:00"),
		  "2026-03-09 17:00");
}

static void
test_reading_from_next_day(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {1, DEADLINE_CALENDAR_DAYS, -1, DEADLINE_RESTART};
	struct worktime wt;

	deadline_worktime_default(&wt);
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-10 10:00");
	wt.reading.calendar_from = DEADLINE_FROM_NEXT_DAY;
	/* the day after the reception is day 1: its end */
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-10 17:00");
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 06:00"),
		  "2026-03-10 17:00");
	/* day 5 is Saturday: Monday's end; day 1 the test day off: Thursday's */
	assert_at(due(cal, &wt, 5, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-16 17:00");
	assert_at(due(cal, &wt, 1, DEADLINE_CALENDAR_DAYS, -1, "2026-03-17 10:00"),
		  "2026-03-19 17:00");
	rule.duration = 5;
	assert_at(deadline_calendar_landing(cal, &wt, &rule, T("2026-03-09 10:00"), 0),
		  "2026-03-14 17:00");
	/* a pause counts in whole days, rounded up */
	assert_at(deadline_calendar_landing(cal, &wt, &rule, T("2026-03-09 10:00"), 3600),
		  "2026-03-15 17:00");
	wt.reading.calendar_from = DEADLINE_FROM_RECEPTION;
	assert_at(deadline_calendar_landing(cal, &wt, &rule, T("2026-03-09 10:00"), 3600),
		  "2026-03-14 11:00");
	rule.unit = DEADLINE_HOURS;
	assert_int_equal(deadline_calendar_landing(cal, &wt, &rule, T("2026-03-09 10:00"), 0), 0);
}

/* From the next day with Saturday-morning hours: a working Saturday ends at
 * 11:30; a Saturday off moves to Monday's end, not to Monday 11:30. */
static void
test_reading_next_day_saturday(void **state)
{
	struct calendar *cal = *state;
	struct worktime wt;

	saturday_morning(cal, &wt);
	wt.reading.calendar_from = DEADLINE_FROM_NEXT_DAY;
	assert_at(due(cal, &wt, 5, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-14 11:30");
	calendar_set_workweek(cal, 0x3e);
	assert_at(due(cal, &wt, 5, DEADLINE_CALENDAR_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-16 17:00");
}

static void
test_reading_to_day_end(void **state)
{
	struct calendar *cal = *state;
	struct worktime wt;

	deadline_worktime_default(&wt);
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-10 10:00");
	wt.reading.working_days = DEADLINE_DAYS_TO_DAY_END;
	/* the reception day is day 1 only when the clock starts at its opening */
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-10 17:00");
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-09 07:00"),
		  "2026-03-09 17:00");
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-09 06:00"),
		  "2026-03-09 17:00");
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-13 18:00"),
		  "2026-03-16 17:00");
	/* Tue 17 is day 1, Wed 18 is off, Thu 19 day 2, Fri 20 day 3 */
	assert_at(due(cal, &wt, 3, DEADLINE_WORKING_DAYS, -1, "2026-03-16 10:00"),
		  "2026-03-20 17:00");
	/* hours and same-day are not working days: unchanged */
	assert_at(due(cal, &wt, 2, DEADLINE_HOURS, -1, "2026-03-09 10:00"), "2026-03-09 14:00");
	assert_at(due(cal, &wt, 0, DEADLINE_WORKING_DAYS, -1, "2026-03-09 10:00"),
		  "2026-03-09 17:00");
	/* with Saturday-morning hours the Saturday ends at 11:30 */
	saturday_morning(cal, &wt);
	wt.reading.working_days = DEADLINE_DAYS_TO_DAY_END;
	assert_at(due(cal, &wt, 1, DEADLINE_WORKING_DAYS, -1, "2026-03-13 10:00"),
		  "2026-03-14 11:30");
}

static void
test_reading_pause(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {2, DEADLINE_WORKING_DAYS, -1, DEADLINE_PAUSE};
	struct dossier_supplement sup = {.requested_at = T("2026-03-10 09:00"),
					 .completed_at = T("2026-03-10 13:30")};
	struct worktime wt;
	mc_time at;

	/* day 1 Tue 10, day 2 Wed 11 (17:00), then the 2.5 working hours paused */
	deadline_worktime_default(&wt);
	wt.reading.working_days = DEADLINE_DAYS_TO_DAY_END;
	assert_int_equal(deadline_due_supplemented(cal, &wt, &rule, T("2026-03-09 10:00"), &sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-12 09:30");
}

static void
test_reading_names(void **state)
{
	struct worktime wt;
	enum deadline_calendar_from from;
	enum deadline_break brk;
	enum deadline_days_as days;
	(void)state;

	assert_string_equal(deadline_calendar_from_name(DEADLINE_FROM_RECEPTION), "reception");
	assert_string_equal(deadline_calendar_from_name(DEADLINE_FROM_NEXT_DAY), "next_day");
	assert_string_equal(deadline_break_name(DEADLINE_BREAK_BEFORE), "before");
	assert_string_equal(deadline_break_name(DEADLINE_BREAK_AFTER), "after");
	assert_string_equal(deadline_days_as_name(DEADLINE_DAYS_AS_HOURS), "hours");
	assert_string_equal(deadline_days_as_name(DEADLINE_DAYS_TO_DAY_END), "day_end");
	assert_int_equal(deadline_calendar_from_parse("next_day", &from), 0);
	assert_int_equal(from, DEADLINE_FROM_NEXT_DAY);
	assert_int_equal(deadline_break_parse("after", &brk), 0);
	assert_int_equal(brk, DEADLINE_BREAK_AFTER);
	assert_int_equal(deadline_days_as_parse("day_end", &days), 0);
	assert_int_equal(days, DEADLINE_DAYS_TO_DAY_END);
	assert_int_equal(deadline_calendar_from_parse("tomorrow", &from), -1);
	assert_int_equal(deadline_break_parse(NULL, &brk), -1);
	assert_int_equal(deadline_days_as_parse("Hours", &days), -1);
	/* a reading out of range is refused, not read as a default */
	deadline_worktime_default(&wt);
	wt.reading.in_break = (enum deadline_break)2;
	assert_int_equal(deadline_worktime_check(&wt), -1);
	/* parsing every day's hours leaves no weekday's own, the default reading */
	memset(&wt, 0xff, sizeof wt);
	assert_int_equal(deadline_worktime_parse("08:00-12:00", &wt), 0);
	assert_int_equal(wt.own_days, 0);
	assert_int_equal(wt.reading.calendar_from, DEADLINE_FROM_RECEPTION);
	assert_int_equal(wt.reading.in_break, DEADLINE_BREAK_BEFORE);
	assert_int_equal(wt.reading.working_days, DEADLINE_DAYS_AS_HOURS);
}

static void
test_tet_2026(void **state)
{
	struct calendar *cal = calendar_new();
	(void)state;

	for (int d = 16; d <= 20; d++) {
		int32_t day = civil_days_from_date(2026, 2, d);
		if (!calendar_is_day_off(cal, day))
			fail_msg("2026-02-%02d should be a Tết day off", d);
	}
	assert_at(due_wd(cal, 1, "2026-02-13 15:00"), "2026-02-23 15:00");
	assert_at(due_h(cal, 4, "2026-02-13 15:00"), "2026-02-23 09:00");
	assert_at(due_wd(cal, 0, "2026-02-16 09:00"), "2026-02-23 17:00");
	assert_at(due(cal, NULL, 0, DEADLINE_WORKING_DAYS, 900, "2026-02-13 15:30"),
		  "2026-02-23 17:00");
	assert_at(due_cd(cal, 5, "2026-02-12 10:00"), "2026-02-23 10:00");
	assert_at(due_wd(cal, 5, "2026-02-11 08:00"), "2026-02-25 08:00");
	assert_int_equal(deadline_working_seconds(cal, NULL, T("2026-02-13 00:00"),
						  T("2026-02-24 00:00")), 2 * DAY8);
	/* Open over Tết: due Monday 23rd 09:00 is 2 working hours away on Friday 13th 15:00. */
	assert_int_equal(deadline_classify_open(cal, NULL, T("2026-02-23 09:00"),
						T("2026-02-13 15:00"), -1),
			 DEADLINE_DUE_SOON);
	calendar_free(cal);
}

/* ---- supplements ------------------------------------------------------------------ */

static void
test_supplement_restart_pause(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {3, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART};
	struct dossier_supplement sup[3] = {{0}};
	mc_time at;

	/* Received Monday 09:00, 3 working days: Thursday 09:00... */
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), NULL, 0,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-12 09:00");

	/* ...supplement asked Tuesday 10:00, completed Wednesday 14:00. */
	sup[0].requested_at = T("2026-03-10 10:00");
	sup[0].completed_at = T("2026-03-11 14:00");
	/* Restart: 3 full days from Wednesday 14:00 -> Monday 14:00. */
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-16 14:00");
	/* Pause: 10 working hours stood still -> Friday 11:00. */
	rule.supplement = DEADLINE_PAUSE;
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-13 11:00");

	/* Pending: no due date, for both policies. */
	sup[1].requested_at = T("2026-03-12 08:00");
	at = 42;
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 2,
						   &at), DEADLINE_WAITING);
	assert_int_equal(at, 0);
	rule.supplement = DEADLINE_RESTART;
	at = 42;
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 2,
						   &at), DEADLINE_WAITING);
	assert_int_equal(at, 0);

	/* Two completed, given out of order: restart counts from the latest. */
	sup[1].completed_at = T("2026-03-12 10:00");
	sup[2] = sup[0];
	sup[0] = sup[1];
	sup[1] = sup[2];
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 2,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-17 10:00");
	/* Pause: 10 h + 2 h. */
	rule.supplement = DEADLINE_PAUSE;
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 2,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-13 15:00"); /* Fri 11:00 + 2 h: 11:00-11:30, 13:30-15:00 */
}

static void
test_supplement_edges(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {1, DEADLINE_WORKING_DAYS, -1, DEADLINE_PAUSE};
	struct dossier_supplement sup[2] = {{0}};
	mc_time at, plain;

	/* Overlapping pauses count once: Mon 09:00-11:00 and 10:00-11:30 = 2.5 h. */
	sup[0].requested_at = T("2026-03-09 09:00");
	sup[0].completed_at = T("2026-03-09 11:00");
	sup[1].requested_at = T("2026-03-09 10:00");
	sup[1].completed_at = T("2026-03-09 11:30");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 08:00"), sup, 2,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-10 10:30");

	/* A supplement with no request time is ignored. */
	sup[1].requested_at = 0;
	sup[1].completed_at = 0;
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 08:00"), sup, 2,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-10 10:00");

	/* A pause before the clock starts (after the cut-off) counts only from the start. */
	rule.cutoff = 900;
	sup[0].requested_at = T("2026-03-09 16:00");
	sup[0].completed_at = T("2026-03-10 09:00");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 15:30"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-11 09:00"); /* Tue 07:00 + 8 h + 2 h paused; Wed is a working day */

	/* Restart treats the completion as a new reception, cut-off included. */
	rule.supplement = DEADLINE_RESTART;
	sup[0].requested_at = T("2026-03-10 09:00");
	sup[0].completed_at = T("2026-03-10 15:30");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-11 17:00"); /* from Wednesday 07:00 */

	/* Calendar days pause on the wall clock: 1 day 2 h paused. */
	rule = (struct due_rule){2, DEADLINE_CALENDAR_DAYS, -1, DEADLINE_PAUSE};
	sup[0].requested_at = T("2026-03-09 10:00");
	sup[0].completed_at = T("2026-03-10 12:00");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-12 11:00");
	/* ... and the result is still moved off a weekend and clamped. */
	sup[0].completed_at = T("2026-03-11 12:00");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-13 11:00");
	sup[0].completed_at = T("2026-03-12 18:00");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-16 17:00"); /* Sat 17:00 -> Mon 17:00 */

	/* Same-day procedure paused 1 h: 1 h after the end of the day. */
	rule = (struct due_rule){0, DEADLINE_WORKING_DAYS, -1, DEADLINE_PAUSE};
	sup[0].requested_at = T("2026-03-09 10:00");
	sup[0].completed_at = T("2026-03-09 11:00");
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-09 09:00"), sup, 1,
						   &at), DEADLINE_OK);
	assert_at(at, "2026-03-10 08:00");

	/* No supplements: exactly deadline_due(). */
	rule = (struct due_rule){7, DEADLINE_HOURS, 900, DEADLINE_PAUSE};
	assert_int_equal(deadline_due(cal, NULL, &rule, T("2026-03-13 15:10"), &plain), 0);
	assert_int_equal(deadline_due_supplemented(cal, NULL, &rule, T("2026-03-13 15:10"), NULL, 0,
						   &at), DEADLINE_OK);
	assert_int_equal(at, plain);
}

/* ---- properties over many receptions ---------------------------------------------- */

/* Inside working time, or exactly at a period's end. */
static bool
at_working_position(struct calendar *cal, mc_time t)
{
	return deadline_in_working_time(cal, NULL, t) ||
	       (deadline_in_working_time(cal, NULL, t - 1) && !deadline_in_working_time(cal, NULL, t));
}

static void
test_properties(void **state)
{
	struct calendar *cal = *state;
	mc_time base = T("2026-03-07 00:00"); /* a Saturday, two weeks around the day off */

	/* Every 7 minutes over two weeks, 1..45 working hours. */
	for (mc_time r = base; r < base + 14 * CIVIL_DAY; r += 7 * 60 + 13) {
		for (int h = 1; h <= 45; h += 4) {
			mc_time at;
			struct due_rule rule = {h, DEADLINE_HOURS, -1, DEADLINE_RESTART};
			assert_int_equal(deadline_due(cal, NULL, &rule, r, &at), 0);
			/* Exactly h working hours after the reception, and the earliest such instant. */
			assert_int_equal(deadline_working_seconds(cal, NULL, r, at), (int64_t)h * H);
			assert_true(deadline_working_seconds(cal, NULL, r, at - 1) < (int64_t)h * H);
			assert_true(at_working_position(cal, at));
			assert_false(calendar_is_day_off(cal, civil_day_of(at)));
		}
		for (int d = 1; d <= 12; d += 5) {
			mc_time at;
			struct due_rule rule = {d, DEADLINE_CALENDAR_DAYS, -1, DEADLINE_RESTART};
			assert_int_equal(deadline_due(cal, NULL, &rule, r, &at), 0);
			assert_true(at_working_position(cal, at));
			assert_false(calendar_is_day_off(cal, civil_day_of(at)));
			assert_true(civil_day_of(at) >= civil_day_of(r) + d);
		}
	}
}

/* 200,000 due dates of 20 working days: must stay well under a second or two. */
static void
test_many_due_dates(void **state)
{
	struct calendar *cal = *state;
	struct due_rule rule = {20, DEADLINE_WORKING_DAYS, 900, DEADLINE_RESTART};
	mc_time r = T("2026-01-05 07:00"), at, sum = 0;

	for (int i = 0; i < 200000; i++) {
		assert_int_equal(deadline_due(cal, NULL, &rule, r + (mc_time)(i % 5000) * 997, &at), 0);
		sum += at - r;
	}
	assert_true(sum > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worktime),
		cmocka_unit_test(test_rule_names),
		cmocka_unit_test_setup_teardown(test_invalid_inputs, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_in_working_time, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_working_seconds, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_next_working_instant, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_add_working, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_hours, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_working_days, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_calendar_days, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_same_day, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_cutoff_nonzero, setup_cal, teardown_cal),
		cmocka_unit_test(test_custom_worktime),
		cmocka_unit_test(test_tet_2026),
		cmocka_unit_test_setup_teardown(test_weekday_hours, setup_cal, teardown_cal),
		cmocka_unit_test(test_weekday_hours_swapped),
		cmocka_unit_test_setup_teardown(test_reading_break, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_reading_from_next_day, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_reading_next_day_saturday, setup_cal,
						teardown_cal),
		cmocka_unit_test_setup_teardown(test_reading_to_day_end, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_reading_pause, setup_cal, teardown_cal),
		cmocka_unit_test(test_reading_names),
		cmocka_unit_test_setup_teardown(test_supplement_restart_pause, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_supplement_edges, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_properties, setup_cal, teardown_cal),
		cmocka_unit_test_setup_teardown(test_many_due_dates, setup_cal, teardown_cal),
	};
	return cmocka_run_group_tests_name("deadline", tests, NULL, NULL);
}
