/*
 * test_deadline_notices.c - due dates across the days the official notices
 * moved, with the notices the package ships (config/calendar/2024.json,
 * 2025.json, 2026.json, read as motcua reads them): each case also says
 * what the statutory days alone would give, so a notice file that loses a
 * day fails here.  And the explanation of such a due date names the notice's
 * document and file.
 *
 * The default Monday..Friday week and working hours (07:00-11:30,
 * 13:30-17:00): a Saturday counts only when a notice declares it working.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/calendar_file.h"
#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/due_explain.h"
#include "deadline_fixture.h"

struct cals {
	struct calendar *notices;   /* the statutory days and the shipped notices */
	struct calendar *statutory; /* the statutory days only */
};

/*
 * The shipped notices: config/calendar of the source tree, found from the
 * working folder (make runs the tests from the top) or else above this
 * program (build/test/tests/...), so the test does not depend on where it
 * is started.
 */
static int
shipped_dir(char *out, size_t size)
{
	char exe[PATH_MAX - 64], probe[PATH_MAX];
	ssize_t n;

	if (access("config/calendar/2024.json", R_OK) == 0) {
		snprintf(out, size, "config/calendar");
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (int up = 0; up < 6; up++) {
		char *slash = strrchr(exe, '/');
		if (slash == NULL)
			return -1;
		*slash = '\0';
		snprintf(probe, sizeof probe, "%s/config/calendar/2024.json", exe);
		if (access(probe, R_OK) == 0) {
			snprintf(out, size, "%s/config/calendar", exe);
			return 0;
		}
	}
	return -1;
}

static void
warned(void *ctx, const char *msg)
{
	(void)ctx;
	fail_msg("a shipped notice file warned: %s", msg);
}

static int
setup(void **state)
{
	static struct cals c;
	char dir[PATH_MAX];

	if (shipped_dir(dir, sizeof dir) != 0) {
		fprintf(stderr, "config/calendar not found from here or above the program\n");
		return -1;
	}
	c.notices = calendar_new();
	c.statutory = calendar_new();
	/* all three years, with no warning (an unknown key would be one) */
	if (calendar_file_load_dir(c.notices, dir, warned, NULL) < 3)
		return -1;
	*state = &c;
	return 0;
}

static int
teardown(void **state)
{
	struct cals *c = *state;

	calendar_free(c->notices);
	calendar_free(c->statutory);
	return 0;
}

static mc_time
due(struct calendar *cal, int duration, enum deadline_unit unit, const char *received)
{
	struct due_rule rule = {duration, unit, -1, DEADLINE_RESTART};
	mc_time at = 0;

	assert_int_equal(deadline_due(cal, NULL, &rule, T(received), &at), 0);
	return at;
}

/* One case: with the notices `want`, with the statutory days alone `without`. */
static void
expect(struct cals *c, int duration, enum deadline_unit unit, const char *received,
       const char *want, const char *without)
{
	assert_at(due(c->notices, duration, unit, received), want);
	assert_at(due(c->statutory, duration, unit, received), without);
}

static void
day_off(struct calendar *cal, int y, int m, int d, bool off)
{
	if (calendar_is_day_off(cal, civil_days_from_date(y, m, d)) != off)
		fail_msg("%04d-%02d-%02d should be %s", y, m, d, off ? "off" : "working");
}

/*
 * 2024 (8662/VPCP-KGVX, 2450/VPCP-KGVX): Tết off Thursday 8/2 to Wednesday
 * 14/2 with Thursday 15/2 working; Monday 29/4 off, Saturday 4/5 working.
 */
static void
test_2024(void **state)
{
	struct cals *c = *state;

	for (int d = 8; d <= 14; d++)
		day_off(c->notices, 2024, 2, d, true);
	day_off(c->notices, 2024, 2, 15, false);
	day_off(c->notices, 2024, 4, 29, true);
	day_off(c->notices, 2024, 5, 4, false);
	day_off(c->notices, 2024, 9, 3, true); /* National Day 2/9 + 3/9: as computed */

	/* received the day before Tết: the next working day is 15/2, not 8/2 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2024-02-07 09:00", "2024-02-15 09:00",
	       "2024-02-08 09:00");
	/* received on 14/2, a day off: the clock starts on 15/2 at 07:00 and one
	 * working day (8 working hours) ends at 17:00 (computed: 15/2 is a nghỉ bù) */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2024-02-14 10:00", "2024-02-15 17:00",
	       "2024-02-16 17:00");
	/* 3 working days from Tuesday 6/2: 7/2, 15/2, 16/2 */
	expect(c, 3, DEADLINE_WORKING_DAYS, "2024-02-06 14:00", "2024-02-16 14:00",
	       "2024-02-16 14:00");
	/* 8 working hours from Wednesday 7/2 15:00: 2 that day, 6 on 15/2 */
	expect(c, 8, DEADLINE_HOURS, "2024-02-07 15:00", "2024-02-15 15:00",
	       "2024-02-08 15:00");
	/* 30/4 and 1/5: Friday 26/4 + 1 working day skips Monday 29/4 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2024-04-26 10:00", "2024-05-02 10:00",
	       "2024-04-29 10:00");
	/* Saturday 4/5 is worked in exchange: it counts */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2024-05-03 10:00", "2024-05-04 10:00",
	       "2024-05-06 10:00");
	/* calendar days landing on 8/2 move to the next working day, 15/2 */
	expect(c, 10, DEADLINE_CALENDAR_DAYS, "2024-01-29 10:00", "2024-02-15 10:00",
	       "2024-02-08 10:00");
}

/*
 * 2025 (6150/TB-BLĐTBXH): Tết days 27/1..31/1 (off 25/1..2/2), Monday 3/2
 * working; Friday 2/5 off, Saturday 26/4 working; National Day 1/9 + 2/9,
 * 3/9 working.
 */
static void
test_2025(void **state)
{
	struct cals *c = *state;

	for (int d = 27; d <= 31; d++)
		day_off(c->notices, 2025, 1, d, true);
	day_off(c->notices, 2025, 2, 3, false);
	day_off(c->notices, 2025, 4, 26, false);
	day_off(c->notices, 2025, 5, 2, true);
	day_off(c->notices, 2025, 9, 1, true);
	day_off(c->notices, 2025, 9, 2, true);
	day_off(c->notices, 2025, 9, 3, false);

	/* Friday before Tết + 1 working day: Monday 3/2, not Monday 27/1 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-01-24 10:00", "2025-02-03 10:00",
	       "2025-01-27 10:00");
	/* 2 working days from Friday 24/1: 3/2 and 4/2 (computed: 27/1, then 4/2
	 * after the nghỉ bù of 3/2) */
	expect(c, 2, DEADLINE_WORKING_DAYS, "2025-01-24 10:00", "2025-02-04 10:00",
	       "2025-02-04 10:00");
	/* received on Monday 3/2, a working day by the notice: counted from then */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-02-03 09:00", "2025-02-04 09:00",
	       "2025-02-04 17:00");
	/* Saturday 26/4 is worked in exchange for Friday 2/5 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-04-25 10:00", "2025-04-26 10:00",
	       "2025-04-28 10:00");
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-04-29 10:00", "2025-05-05 10:00",
	       "2025-05-02 10:00");
	/* National Day: Friday 29/8 + 1 working day skips 1/9 and 2/9, lands on 3/9 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-08-29 10:00", "2025-09-03 10:00",
	       "2025-09-01 10:00");
	/* from Monday 1/9 (off by the notice): the clock starts on 3/9 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-09-01 08:00", "2025-09-03 17:00",
	       "2025-09-04 08:00");
}

/*
 * 2026 (12729/VPCP-KGVX, 9441/TB-BNV): Friday 2/1 off, Saturday 10/1
 * working; Tết 16/2..20/2 as computed; Monday 31/8 off, Saturday 22/8
 * working; National Day 1/9 + 2/9, 3/9 working.
 */
static void
test_2026(void **state)
{
	struct cals *c = *state;

	day_off(c->notices, 2026, 1, 2, true);
	day_off(c->notices, 2026, 1, 10, false);
	day_off(c->notices, 2026, 1, 17, true); /* the other Saturdays stay off */
	for (int d = 16; d <= 20; d++)
		day_off(c->notices, 2026, 2, d, true);
	day_off(c->notices, 2026, 8, 22, false);
	day_off(c->notices, 2026, 8, 31, true);
	day_off(c->notices, 2026, 9, 1, true);
	day_off(c->notices, 2026, 9, 3, false);

	/* New Year's Eve + 1 working day skips 1/1, 2/1 and the weekend */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2025-12-31 10:00", "2026-01-05 10:00",
	       "2026-01-02 10:00");
	/* Saturday 10/1 counts only because the notice declares it working */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2026-01-09 10:00", "2026-01-10 10:00",
	       "2026-01-12 10:00");
	expect(c, 8, DEADLINE_HOURS, "2026-01-09 15:00", "2026-01-10 15:00",
	       "2026-01-12 15:00");
	/* received on Saturday 10/1: a working day, counted at once */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2026-01-10 09:00", "2026-01-12 09:00",
	       "2026-01-12 17:00");
	/* Tết: the notice is the computed default */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2026-02-13 15:00", "2026-02-23 15:00",
	       "2026-02-23 15:00");
	/* Saturday 22/8 is worked in exchange for Monday 31/8 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2026-08-21 10:00", "2026-08-22 10:00",
	       "2026-08-24 10:00");
	/* Friday 28/8 + 1 working day skips 31/8, 1/9 and 2/9: Thursday 3/9 */
	expect(c, 1, DEADLINE_WORKING_DAYS, "2026-08-28 10:00", "2026-09-03 10:00",
	       "2026-08-31 10:00");
	/* 5 working days from Wednesday 26/8: 27, 28/8, 3, 4, 7/9 */
	expect(c, 5, DEADLINE_WORKING_DAYS, "2026-08-26 10:00", "2026-09-07 10:00",
	       "2026-09-04 10:00");
}

/* The explanation names the notice's document and file for its days. */
static void
test_explain_names_document(void **state)
{
	struct cals *c = *state;
	struct due_rule rule = {1, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART};
	struct due_explanation e;
	const struct due_step *notice = NULL, *tet = NULL;

	assert_int_equal(due_explain(c->notices, NULL, &rule, T("2024-02-07 09:00"), NULL, 0, &e),
			 DEADLINE_OK);
	assert_at(e.due_at, "2024-02-15 09:00");
	for (size_t i = 0; i < e.n_steps; i++) {
		const struct due_step *s = &e.steps[i];
		if (s->kind != DUE_STEP_DAYS_OFF)
			continue;
		if (s->day == civil_days_from_date(2024, 2, 8))
			notice = s;
		if (s->day == civil_days_from_date(2024, 2, 10))
			tet = s;
	}
	assert_non_null(notice);
	assert_int_equal(notice->day_kind, DUE_DAY_NOTICE);
	assert_int_equal(notice->day_end, notice->day);
	assert_string_equal(notice->name, "Nghỉ Tết Âm lịch (29 tháng Chạp)");
	assert_string_equal(notice->source, "Công văn 8662/VPCP-KGVX ngày 03/11/2023");
	assert_non_null(notice->file);
	assert_non_null(strstr(notice->file, "calendar/2024.json"));
	/* a statutory day names no document */
	assert_non_null(tet);
	assert_int_equal(tet->day_kind, DUE_DAY_HOLIDAY);
	assert_null(tet->source);
	assert_null(tet->file);
	due_explanation_release(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2024),
		cmocka_unit_test(test_2025),
		cmocka_unit_test(test_2026),
		cmocka_unit_test(test_explain_names_document),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
