/*
 * deadline_fixture.h - what the deadline tests (test_deadline.c,
 * test_deadline_class.c, test_due_explain.c) share: T("2026-03-12 09:00")
 * is that Vietnam time (one the test cannot parse fails it), assert_at()
 * compares instants as ISO text, and setup_cal/teardown_cal give a
 * Monday..Friday calendar with Wednesday 2026-03-18 declared a day off.
 * Include after <cmocka.h>; everything is static inline (each unit program
 * is one .c and uses what it needs).
 */
#ifndef MOTCUA_TEST_DEADLINE_FIXTURE_H
#define MOTCUA_TEST_DEADLINE_FIXTURE_H

#include "core/calendar.h"
#include "core/civil.h"

static inline mc_time
T(const char *s)
{
	mc_time t = 0;
	if (civil_parse_datetime(s, &t) != 0)
		fail_msg("bad test time '%s'", s);
	return t;
}

/* Compare as ISO strings so a failure prints both instants readably. */
static inline void
assert_at(mc_time got, const char *want)
{
	char g[CIVIL_ISO_LEN], w[CIVIL_ISO_LEN];
	assert_string_equal(civil_format_iso(got, g, sizeof g), civil_format_iso(T(want), w, sizeof w));
}

/* Monday..Friday with Wednesday 2026-03-18 declared a day off. */
static inline int
setup_cal(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override_entry off = {.day = civil_days_from_date(2026, 3, 18),
					      .name = "Nghỉ thử nghiệm"};
	struct calendar_override ov = {.year = 2026, .days_off = &off, .n_days_off = 1};

	if (calendar_add_override(cal, &ov) != 0)
		return -1;
	*state = cal;
	return 0;
}

static inline int
teardown_cal(void **state)
{
	calendar_free(*state);
	return 0;
}

#endif
