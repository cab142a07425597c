/*
 * test_lunar.c - the Vietnamese lunar calendar (core/lunar.c).
 *
 * Three kinds of checks:
 *   - the astronomy against the worked examples of Meeus' book;
 *   - dates a Vietnamese reader knows (Tết, leap months, Trung thu), each
 *     with the reason it is right, notably the years where Vietnam (UTC+7)
 *     and China (UTC+8) differ;
 *   - properties of every day and month 1900..2100.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/civil.h"
#include "core/lunar.h"

/* Statics reached through UNITTEST (make check builds with MOTCUA_UNITTEST). */
double lunar_new_moon_jde(int k);
double lunar_sun_longitude(double jde);
double lunar_delta_t(double year);

static int32_t
solar(int y, int m, int d)
{
	return civil_days_from_date(y, m, d);
}

static struct lunar_date
lunar_of(int y, int m, int d)
{
	struct lunar_date ld;
	assert_int_equal(lunar_from_solar(solar(y, m, d), &ld), 0);
	return ld;
}

static int32_t
tet(int lunar_year)
{
	struct lunar_date ld = {.year = lunar_year, .month = 1, .day = 1, .leap = false};
	int32_t day = 0;
	assert_int_equal(lunar_to_solar(&ld, &day), 0);
	return day;
}

static void
assert_lunar(int y, int m, int d, int ly, int lm, int ldd, bool leap)
{
	struct lunar_date ld = lunar_of(y, m, d);
	assert_int_equal(ld.year, ly);
	assert_int_equal(ld.month, lm);
	assert_int_equal(ld.day, ldd);
	assert_int_equal(ld.leap, leap);
}

/* Meeus, Astronomical Algorithms, 2nd ed.: example 49.a (the new moon of
 * 1977 February, k = -283, JDE 2443192.65118) and example 25.a (the Sun on
 * 1992 October 13.0 TD, apparent longitude 199.90895° by the low-accuracy
 * method).  A wrong coefficient in the tables moves these. */
static void
test_meeus_examples(void **state)
{
	(void)state;
	assert_true(fabs(lunar_new_moon_jde(-283) - 2443192.65118) < 0.00002);
	assert_true(fabs(lunar_sun_longitude(2448908.5) - 199.90895) < 0.0001);
	/* ΔT: about 64 s in 2000, close to zero around 1900-1902. */
	assert_true(fabs(lunar_delta_t(2000.0) - 63.9) < 0.5);
	assert_true(fabs(lunar_delta_t(1900.0) + 2.8) < 0.5);
}

/*
 * Tết Nguyên Đán (lunar 1/1) as observed in Vietnam.
 *   1968: the new moon was 1968-01-29 16:29 UT, 23:29 in UTC+7 but 00:29 on
 *         the 30th in UTC+8: Hà Nội's new UTC+7 calendar put Tết Mậu Thân
 *         on 29 January, a day before China (and Sài Gòn).
 *   1985: the December 1984 solstice (about 16:2x UT on the 21st) is on the
 *         21st in Vietnam, before the new moon of 22 December, so month 11
 *         began on 23 November 1984 and Tết came on 21 January, while China
 *         (solstice on the 22nd local, leap 10th month) had it on 20 February.
 *   2007: new moon 2007-02-17 16:14 UT: 17 February in Vietnam, 18 in China.
 *   2030: new moon 2030-02-02 16:07 UT: 2 February (23:07) in Vietnam,
 *         3 February (00:07) in China.
 *   The others are the same in both countries and widely published.
 */
static void
test_tet_dates(void **state)
{
	static const struct {
		int lunar_year, y, m, d;
	} known[] = {
		{1900, 1900, 1, 31}, {1945, 1945, 2, 13}, {1954, 1954, 2, 3},
		{1968, 1968, 1, 29}, {1975, 1975, 2, 11}, {1985, 1985, 1, 21},
		{2000, 2000, 2, 5},  {2007, 2007, 2, 17}, {2008, 2008, 2, 7},
		{2009, 2009, 1, 26}, {2010, 2010, 2, 14}, {2011, 2011, 2, 3},
		{2012, 2012, 1, 23}, {2013, 2013, 2, 10}, {2014, 2014, 1, 31},
		{2015, 2015, 2, 19}, {2016, 2016, 2, 8},  {2017, 2017, 1, 28},
		{2018, 2018, 2, 16}, {2019, 2019, 2, 5},  {2020, 2020, 1, 25},
		{2021, 2021, 2, 12}, {2022, 2022, 2, 1},  {2023, 2023, 1, 22},
		{2024, 2024, 2, 10}, {2025, 2025, 1, 29}, {2026, 2026, 2, 17},
		{2027, 2027, 2, 6},  {2028, 2028, 1, 26}, {2029, 2029, 2, 13},
		{2030, 2030, 2, 2},
	};
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		char got[CIVIL_DATE_LEN], want[CIVIL_DATE_LEN];
		civil_format_date(tet(known[i].lunar_year), got, sizeof got);
		civil_format_date(solar(known[i].y, known[i].m, known[i].d), want, sizeof want);
		assert_string_equal(got, want);
	}
	/* The day before Tết is the last day of the old year (30 tháng Chạp in
	 * 2024, a 30-day month; 29 in 2026). */
	assert_lunar(2024, 2, 9, 2023, 12, 30, false);
	assert_lunar(2026, 2, 16, 2025, 12, 29, false);
}

/*
 * Leap months (tháng nhuận) Vietnam observed or has published: 2012 leap 4,
 * 2014 leap 9, 2017 leap 6, 2020 leap 4 (23 May - 20 June 2020), 2023 leap 2
 * (22 March - 19 April 2023), 2025 leap 6 (25 July - 22 August 2025), and the
 * 2028 leap 5 and 2031 leap 3 that every published table agrees on.
 * 2033: the solstice month 11 begins 22 November 2033; the next month (from
 * 22 December) holds no major term, because the 300° term falls on
 * 20 January 2034 (about 07:30 in UTC+7), the day that month ends; the span
 * to the next month 11 holds 13 months, so that month is leap 11.
 */
static void
test_leap_months(void **state)
{
	static const struct {
		int lunar_year, month, y, m, d; /* first day of the leap month */
	} known[] = {
		{2012, 4, 2012, 5, 21}, {2014, 9, 2014, 10, 24}, {2017, 6, 2017, 7, 23},
		{2020, 4, 2020, 5, 23}, {2023, 2, 2023, 3, 22},  {2025, 6, 2025, 7, 25},
		{2028, 5, 2028, 6, 23}, {2031, 3, 2031, 4, 21},  {2033, 11, 2033, 12, 22},
	};
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		struct lunar_date ld = {.year = known[i].lunar_year, .month = known[i].month,
					.day = 1, .leap = true};
		int32_t day;
		assert_int_equal(lunar_to_solar(&ld, &day), 0);
		assert_int_equal(day, solar(known[i].y, known[i].m, known[i].d));
		/* and it is the only leap month of its year */
		for (int m = 1; m <= 12; m++) {
			struct lunar_date other = {.year = known[i].lunar_year, .month = m,
						   .day = 1, .leap = true};
			int32_t ignored;
			if (m != known[i].month)
				assert_int_equal(lunar_to_solar(&other, &ignored), -1);
		}
	}
	/* 2024 and 2026 have no leap month at all. */
	for (int m = 1; m <= 12; m++) {
		struct lunar_date a = {.year = 2024, .month = m, .day = 1, .leap = true};
		struct lunar_date b = {.year = 2026, .month = m, .day = 1, .leap = true};
		int32_t ignored;
		assert_int_equal(lunar_to_solar(&a, &ignored), -1);
		assert_int_equal(lunar_to_solar(&b, &ignored), -1);
	}
	/* Either side of the 2020 leap month: 30/4 and 1/5 regular. */
	assert_lunar(2020, 5, 22, 2020, 4, 30, false);
	assert_lunar(2020, 6, 21, 2020, 5, 1, false);
	assert_lunar(2020, 6, 20, 2020, 4, 29, true);
}

/* Well-known festival dates: Trung thu (15/8) 2024 on 17 September and 2025
 * on 6 October; Giỗ Tổ Hùng Vương (10/3) 2023 on 29 April, 2024 on 18 April,
 * 2025 on 7 April; month 11 of 1984 began on 23 November (see 1985 above). */
static void
test_festivals(void **state)
{
	(void)state;
	assert_lunar(2024, 9, 17, 2024, 8, 15, false);
	assert_lunar(2025, 10, 6, 2025, 8, 15, false);
	assert_lunar(2023, 4, 29, 2023, 3, 10, false);
	assert_lunar(2024, 4, 18, 2024, 3, 10, false);
	assert_lunar(2025, 4, 7, 2025, 3, 10, false);
	assert_lunar(1984, 11, 23, 1984, 11, 1, false);
	assert_lunar(1984, 11, 22, 1984, 10, 30, false);
}

static void
test_can_chi(void **state)
{
	static const struct {
		int year;
		const char *name;
	} known[] = {
		{2026, "Bính Ngọ"}, {2025, "Ất Tỵ"},   {2024, "Giáp Thìn"}, {2023, "Quý Mão"},
		{1984, "Giáp Tý"},  {1968, "Mậu Thân"}, {1945, "Ất Dậu"},    {1975, "Ất Mão"},
		{2000, "Canh Thìn"}, {1900, "Canh Tý"}, {2100, "Canh Thân"}, {1943, "Quý Mùi"},
	};
	char buf[LUNAR_CAN_CHI_LEN];
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		assert_string_equal(lunar_can_chi_year(known[i].year, buf, sizeof buf),
				    known[i].name);
}

/*
 * Every day from Tết 1900 to the end of 2100: the next day is the next lunar
 * day, or day 1 of the next month after day 29 or 30; lunar_to_solar gives
 * the day back; months have 29 or 30 days; lunar years 12 or 13 months
 * (353..355 or 383..385 days) with exactly one leap month in the long ones;
 * Tết between 21 January and 20 February.
 */
static void
test_properties_1900_2100(void **state)
{
	int32_t first = solar(1900, 1, 31), last = solar(2100, 12, 31);
	struct lunar_date prev, cur;
	int month_len = 0, months_in_year = 0, leaps_in_year = 0;
	int32_t year_start = first;
	(void)state;

	assert_int_equal(lunar_from_solar(first, &prev), 0);
	assert_int_equal(prev.year, 1900);
	assert_int_equal(prev.month, 1);
	assert_int_equal(prev.day, 1);
	month_len = 1;
	months_in_year = 1;
	for (int32_t day = first + 1; day <= last; day++) {
		int32_t back = 0;
		assert_int_equal(lunar_from_solar(day, &cur), 0);
		assert_int_equal(lunar_to_solar(&cur, &back), 0);
		assert_int_equal(back, day);
		if (cur.day != 1) {
			assert_int_equal(cur.day, prev.day + 1);
			assert_int_equal(cur.month, prev.month);
			assert_int_equal(cur.leap, prev.leap);
			month_len++;
			prev = cur;
			continue;
		}
		assert_in_range(month_len, 29, 30);
		month_len = 1;
		if (cur.leap) {
			assert_int_equal(cur.month, prev.month);
			assert_false(prev.leap);
			leaps_in_year++;
		} else {
			assert_int_equal(cur.month, prev.month % 12 + 1);
		}
		if (cur.month == 1 && !cur.leap) {
			struct civil_date cd = civil_date_from_days(day);
			int length = (int)(day - year_start);
			assert_int_equal(cur.year, prev.year + 1);
			assert_int_equal(cd.year, cur.year);
			assert_true((cd.month == 1 && cd.day >= 21) ||
				    (cd.month == 2 && cd.day <= 20));
			assert_true(months_in_year == 12 || months_in_year == 13);
			assert_int_equal(leaps_in_year, months_in_year - 12);
			if (months_in_year == 12)
				assert_in_range(length, 353, 355);
			else
				assert_in_range(length, 383, 385);
			months_in_year = 0;
			leaps_in_year = 0;
			year_start = day;
		} else {
			assert_int_equal(cur.year, prev.year);
		}
		months_in_year++;
		prev = cur;
	}
}

static void
test_rejects_nonexistent_dates(void **state)
{
	struct lunar_date ld;
	int32_t day;
	(void)state;

	/* 12th month of 2025 (Ất Tỵ) has 29 days: no 30 tháng Chạp. */
	ld = (struct lunar_date){.year = 2025, .month = 12, .day = 30, .leap = false};
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	ld.day = 29;
	assert_int_equal(lunar_to_solar(&ld, &day), 0);
	assert_int_equal(day, solar(2026, 2, 16));
	/* No leap 5th month in 2025 (the leap month is the 6th). */
	ld = (struct lunar_date){.year = 2025, .month = 5, .day = 1, .leap = true};
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	/* Out-of-range fields. */
	ld = (struct lunar_date){.year = 2026, .month = 0, .day = 1, .leap = false};
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	ld.month = 13;
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	ld.month = 1;
	ld.day = 0;
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	ld.day = 31;
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	/* Out of the supported range, both ways. */
	ld = (struct lunar_date){.year = 2150, .month = 1, .day = 1, .leap = false};
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	ld.year = 1850;
	assert_int_equal(lunar_to_solar(&ld, &day), -1);
	assert_int_equal(lunar_from_solar(solar(1899, 12, 31), &ld), -1);
	assert_int_equal(lunar_from_solar(solar(2101, 1, 1), &ld), -1);
	assert_int_equal(lunar_from_solar(solar(1900, 1, 1), &ld), 0);
	assert_int_equal(lunar_from_solar(solar(2100, 12, 31), &ld), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meeus_examples),
		cmocka_unit_test(test_tet_dates),
		cmocka_unit_test(test_leap_months),
		cmocka_unit_test(test_festivals),
		cmocka_unit_test(test_can_chi),
		cmocka_unit_test(test_properties_1900_2100),
		cmocka_unit_test(test_rejects_nonexistent_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
