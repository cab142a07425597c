/* Unit tests for src/core/civil.c: day numbers, weekdays, parsing, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/civil.h"

static void
test_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(civil_days_from_date(1970, 1, 1), 0);
	assert_int_equal(civil_days_from_date(2000, 3, 1), 11017);
	assert_int_equal(civil_days_from_date(1900, 1, 1), -25567);
	/* Every day 1900..2100 round-trips, and consecutive days are consecutive numbers. */
	int32_t prev = civil_days_from_date(1899, 12, 31);
	for (int y = 1900; y <= 2100; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= civil_days_in_month(y, m); d++) {
				int32_t n = civil_days_from_date(y, m, d);
				struct civil_date cd = civil_date_from_days(n);
				assert_int_equal(n, prev + 1);
				assert_int_equal(cd.year, y);
				assert_int_equal(cd.month, m);
				assert_int_equal(cd.day, d);
				prev = n;
			}
}

static void
test_weekday_and_leap(void **state)
{
	(void)state;
	assert_int_equal(civil_weekday(civil_days_from_date(1970, 1, 1)), 4);  /* Thursday */
	assert_int_equal(civil_weekday(civil_days_from_date(2026, 11, 22)), 0); /* Sunday */
	assert_int_equal(civil_weekday(civil_days_from_date(1900, 1, 1)), 1);  /* Monday */
	assert_int_equal(civil_weekday(civil_days_from_date(2026, 2, 17)), 2); /* Tuesday */
	assert_true(civil_is_leap_year(2000));
	assert_false(civil_is_leap_year(1900));
	assert_false(civil_is_leap_year(2100));
	assert_true(civil_is_leap_year(2024));
	assert_int_equal(civil_days_in_month(2024, 2), 29);
	assert_int_equal(civil_days_in_month(2026, 2), 28);
	assert_false(civil_date_valid(2026, 2, 29));
	assert_false(civil_date_valid(2026, 13, 1));
	assert_false(civil_date_valid(2026, 4, 31));
}

static void
test_time_zone(void **state)
{
	mc_time t;
	char buf[CIVIL_ISO_LEN];
	(void)state;

	/* 2026-03-13 09:00 in Vietnam is 02:00 UTC. */
	assert_int_equal(civil_parse_datetime("2026-03-13 09:00", &t), 0);
	assert_int_equal(t, (mc_time)civil_days_from_date(2026, 3, 13) * 86400 + 2 * 3600);
	assert_string_equal(civil_format_iso(t, buf, sizeof buf), "2026-03-13T09:00:00+07:00");
	/* Local midnight is 17:00 UTC the day before. */
	assert_int_equal(civil_parse_datetime("2026-03-13 00:00", &t), 0);
	assert_int_equal(civil_day_of(t), civil_days_from_date(2026, 3, 13));
	assert_int_equal(civil_day_of(t - 1), civil_days_from_date(2026, 3, 12));
	assert_int_equal(civil_seconds_of_day(t - 1), 86399);
	/* Other offsets are converted. */
	assert_int_equal(civil_parse_datetime("2026-03-13T02:00:00Z", &t), 0);
	assert_string_equal(civil_format_iso(t, buf, sizeof buf), "2026-03-13T09:00:00+07:00");
	assert_int_equal(civil_parse_datetime("2026-03-13T10:30:15+08:00", &t), 0);
	assert_string_equal(civil_format_iso(t, buf, sizeof buf), "2026-03-13T09:30:15+07:00");
	/* Before 1970 works too. */
	assert_int_equal(civil_parse_datetime("1900-01-01 07:00", &t), 0);
	assert_string_equal(civil_format_iso(t, buf, sizeof buf), "1900-01-01T07:00:00+07:00");
}

static void
test_parse_rejects(void **state)
{
	mc_time t;
	int32_t d;
	int m;
	(void)state;
	const char *bad_dt[] = {"", "2026-03-13", "2026-3-13 09:00", "2026-03-13 9:00",
				"2026-02-30 09:00", "2026-03-13 24:00", "2026-03-13 09:60",
				"2026-03-13 09:00x", "2026-03-13 09:00:61", "13/03/2026 09:00",
				"2026-03-13 09:00+7", "abcd-ef-gh ij:kl"};
	for (size_t i = 0; i < sizeof bad_dt / sizeof *bad_dt; i++)
		assert_int_equal(civil_parse_datetime(bad_dt[i], &t), -1);
	assert_int_equal(civil_parse_date("2026-03-13 ", &d), -1);
	assert_int_equal(civil_parse_date("2026-00-13", &d), -1);
	assert_int_equal(civil_parse_date("2026-03-13", &d), 0);
	assert_int_equal(civil_parse_hhmm("15:00", &m), 0);
	assert_int_equal(m, 900);
	assert_int_equal(civil_parse_hhmm("25:00", &m), -1);
	assert_int_equal(civil_parse_hhmm("15:0", &m), -1);
	assert_int_equal(civil_parse_hhmm("1500", &m), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_weekday_and_leap),
		cmocka_unit_test(test_time_zone),
		cmocka_unit_test(test_parse_rejects),
	};
	return cmocka_run_group_tests_name("civil", tests, NULL, NULL);
}
