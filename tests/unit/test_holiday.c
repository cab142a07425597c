/*
 * test_holiday.c - statutory days off and nghỉ bù (core/holiday.c).
 *
 * Specific years are checked day by day, with the weekday reasoning in the
 * comments; then properties of every year 1900..2100.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/holiday.h"

#define SAT_SUN 0x41u /* bit 0 Sunday, bit 6 Saturday */
#define SUN_ONLY 0x01u

struct expect {
	int m, d;
	const char *name;
	enum calendar_kind kind;
};

#define S CALENDAR_STATUTORY
#define C CALENDAR_COMPENSATORY

static void
assert_year(int year, unsigned rest, const struct expect *want, size_t n_want)
{
	struct calendar_day got[HOLIDAY_MAX];
	size_t n = holiday_compute(year, rest, got);
	char a[CIVIL_DATE_LEN], b[CIVIL_DATE_LEN];

	for (size_t i = 0; i < n && i < n_want; i++) {
		civil_format_date(got[i].day, a, sizeof a);
		civil_format_date(civil_days_from_date(year, want[i].m, want[i].d), b, sizeof b);
		if (strcmp(a, b) != 0 || strcmp(got[i].name, want[i].name) != 0 ||
		    got[i].kind != want[i].kind)
			fail_msg("%d entry %zu: got %s %s (%d), want %s %s (%d)", year, i, a,
				 got[i].name, got[i].kind, b, want[i].name, want[i].kind);
	}
	assert_int_equal(n, n_want);
}

/*
 * 2026: 1/1 is a Thursday.  Lunar new year Bính Ngọ is Tuesday 17 February;
 * month 12 of Ất Tỵ began 19 January and has 29 days, so the eve is
 * Monday 16 February "29 tháng Chạp", and Tết runs Mon 16 - Fri 20: no
 * weekend, no nghỉ bù.  10/3 lunar is Sunday 26 April, giving Monday 27 April.
 * 30/4 and 1/5 are Thursday and Friday; 2/9 and 3/9 Wednesday and Thursday.
 */
static void
test_2026(void **state)
{
	static const struct expect want[] = {
		{1, 1, "Tết Dương lịch", S},
		{2, 16, "Tết Âm lịch (29 tháng Chạp)", S},
		{2, 17, "Tết Âm lịch (mùng 1)", S},
		{2, 18, "Tết Âm lịch (mùng 2)", S},
		{2, 19, "Tết Âm lịch (mùng 3)", S},
		{2, 20, "Tết Âm lịch (mùng 4)", S},
		{4, 26, "Giỗ Tổ Hùng Vương", S},
		{4, 27, "Nghỉ bù Giỗ Tổ Hùng Vương", C},
		{4, 30, "Ngày Chiến thắng", S},
		{5, 1, "Ngày Quốc tế Lao động", S},
		{9, 2, "Quốc khánh", S},
		{9, 3, "Quốc khánh (ngày liền kề)", S},
	};
	(void)state;
	assert_year(2026, SAT_SUN, want, sizeof want / sizeof want[0]);
}

/*
 * 2024: Tết Giáp Thìn is Saturday 10 February; the eve is Friday 9 February
 * (30 tháng Chạp).  Mùng 1 and mùng 2 fall on Saturday and Sunday, so the
 * two days after the Tết block, Wednesday 14 and Thursday 15, are nghỉ bù.
 * 10/3 lunar is Thursday 18 April; 30/4 Tuesday, 1/5 Wednesday; 2/9 Monday.
 */
static void
test_2024_tet_on_weekend(void **state)
{
	static const struct expect want[] = {
		{1, 1, "Tết Dương lịch", S},
		{2, 9, "Tết Âm lịch (30 tháng Chạp)", S},
		{2, 10, "Tết Âm lịch (mùng 1)", S},
		{2, 11, "Tết Âm lịch (mùng 2)", S},
		{2, 12, "Tết Âm lịch (mùng 3)", S},
		{2, 13, "Tết Âm lịch (mùng 4)", S},
		{2, 14, "Nghỉ bù Tết Âm lịch", C},
		{2, 15, "Nghỉ bù Tết Âm lịch", C},
		{4, 18, "Giỗ Tổ Hùng Vương", S},
		{4, 30, "Ngày Chiến thắng", S},
		{5, 1, "Ngày Quốc tế Lao động", S},
		{9, 2, "Quốc khánh", S},
		{9, 3, "Quốc khánh (ngày liền kề)", S},
	};
	(void)state;
	assert_year(2024, SAT_SUN, want, sizeof want / sizeof want[0]);
}

/*
 * 2022, rich in nghỉ bù: 1/1 is a Saturday, giving Monday 3 January (the
 * official 2022 arrangement did the same); 10/3 lunar is Sunday 10 April,
 * giving Monday 11 April; 30/4 and 1/5 are Saturday and Sunday, giving
 * Monday 2 May and, since that is taken, Tuesday 3 May; 3/9 is a Saturday,
 * giving Monday 5 September.  Tết Nhâm Dần is Tuesday 1 February, the eve
 * Monday 31 January (month 12 of Tân Sửu has 29 days).
 */
static void
test_2022_chained_compensation(void **state)
{
	static const struct expect want[] = {
		{1, 1, "Tết Dương lịch", S},
		{1, 3, "Nghỉ bù Tết Dương lịch", C},
		{1, 31, "Tết Âm lịch (29 tháng Chạp)", S},
		{2, 1, "Tết Âm lịch (mùng 1)", S},
		{2, 2, "Tết Âm lịch (mùng 2)", S},
		{2, 3, "Tết Âm lịch (mùng 3)", S},
		{2, 4, "Tết Âm lịch (mùng 4)", S},
		{4, 10, "Giỗ Tổ Hùng Vương", S},
		{4, 11, "Nghỉ bù Giỗ Tổ Hùng Vương", C},
		{4, 30, "Ngày Chiến thắng", S},
		{5, 1, "Ngày Quốc tế Lao động", S},
		{5, 2, "Nghỉ bù Ngày Chiến thắng", C},
		{5, 3, "Nghỉ bù Ngày Quốc tế Lao động", C},
		{9, 2, "Quốc khánh", S},
		{9, 3, "Quốc khánh (ngày liền kề)", S},
		{9, 5, "Nghỉ bù Quốc khánh", C},
	};
	(void)state;
	assert_year(2022, SAT_SUN, want, sizeof want / sizeof want[0]);
}

/*
 * 2029: 2/9 is a Sunday and 3/9 a Monday (itself a holiday), so the nghỉ bù
 * for 2/9 skips Monday and lands on Tuesday 4 September.
 */
static void
test_2029_compensation_skips_holiday(void **state)
{
	struct calendar_day got[HOLIDAY_MAX];
	size_t n = holiday_compute(2029, SAT_SUN, got);
	(void)state;
	assert_int_equal(n, 12);
	assert_int_equal(got[n - 1].day, civil_days_from_date(2029, 9, 4));
	assert_string_equal(got[n - 1].name, "Nghỉ bù Quốc khánh");
	assert_int_equal(got[n - 1].kind, CALENDAR_COMPENSATORY);
	assert_int_equal(got[n - 2].day, civil_days_from_date(2029, 9, 3));
	assert_int_equal(got[n - 2].kind, CALENDAR_STATUTORY);
}

/*
 * A six-day week (only Sunday off), 2022: Saturday 1 January and Saturday
 * 30 April are working days, so they give nothing; Sunday 1 May gives
 * Monday 2 May; Sunday 10 April gives Monday 11 April.
 */
static void
test_sunday_only_rest(void **state)
{
	static const struct expect want[] = {
		{1, 1, "Tết Dương lịch", S},
		{1, 31, "Tết Âm lịch (29 tháng Chạp)", S},
		{2, 1, "Tết Âm lịch (mùng 1)", S},
		{2, 2, "Tết Âm lịch (mùng 2)", S},
		{2, 3, "Tết Âm lịch (mùng 3)", S},
		{2, 4, "Tết Âm lịch (mùng 4)", S},
		{4, 10, "Giỗ Tổ Hùng Vương", S},
		{4, 11, "Nghỉ bù Giỗ Tổ Hùng Vương", C},
		{4, 30, "Ngày Chiến thắng", S},
		{5, 1, "Ngày Quốc tế Lao động", S},
		{5, 2, "Nghỉ bù Ngày Quốc tế Lao động", C},
		{9, 2, "Quốc khánh", S},
		{9, 3, "Quốc khánh (ngày liền kề)", S},
	};
	(void)state;
	assert_year(2022, SUN_ONLY, want, sizeof want / sizeof want[0]);
}

/* Every day a rest day: nothing can be given, and it must not loop. */
static void
test_all_rest_days(void **state)
{
	struct calendar_day got[HOLIDAY_MAX];
	(void)state;
	assert_int_equal(holiday_compute(2022, 0x7f, got), 11);
	for (size_t i = 0; i < 11; i++)
		assert_int_equal(got[i].kind, CALENDAR_STATUTORY);
}

/* Outside the lunar calendar's range only the solar holidays remain. */
static void
test_out_of_lunar_range(void **state)
{
	struct calendar_day got[HOLIDAY_MAX];
	size_t n = holiday_compute(2150, 0, got);
	(void)state;
	assert_int_equal(n, 5);
	assert_int_equal(got[0].day, civil_days_from_date(2150, 1, 1));
	assert_int_equal(got[4].day, civil_days_from_date(2150, 9, 3));
}

/*
 * 1947: a leap month before the 3rd put 10/3 lunar on 30 April.  The day is listed once,
 * under both names, and counts as one day off (10 statutory entries).
 */
static void
test_1947_hung_kings_on_30_april(void **state)
{
	struct calendar_day got[HOLIDAY_MAX];
	size_t n = holiday_compute(1947, 0, got), found = 0;
	(void)state;
	assert_int_equal(n, 10);
	for (size_t i = 0; i < n; i++) {
		if (got[i].day != civil_days_from_date(1947, 4, 30))
			continue;
		assert_string_equal(got[i].name, "Giỗ Tổ Hùng Vương và Ngày Chiến thắng");
		found++;
	}
	assert_int_equal(found, 1);
}

/*
 * Every year 1900..2100 with a Saturday-Sunday weekend: 11 statutory days
 * (10 when 10/3 lunar meets 30/4 or 1/5),
 * sorted, all in the year, no day twice; one nghỉ bù per statutory day on a
 * weekend, each on a weekday that is not a holiday, after its holiday.
 */
static void
test_properties_1900_2100(void **state)
{
	(void)state;
	for (int year = 1900; year <= 2100; year++) {
		struct calendar_day got[HOLIDAY_MAX];
		size_t n = holiday_compute(year, SAT_SUN, got);
		size_t statutory = 0, on_weekend = 0, compensatory = 0;

		for (size_t i = 0; i < n; i++) {
			int wd = civil_weekday(got[i].day);
			assert_int_equal(civil_date_from_days(got[i].day).year, year);
			if (i > 0)
				assert_true(got[i - 1].day < got[i].day);
			if (got[i].kind == CALENDAR_STATUTORY) {
				statutory++;
				on_weekend += wd == 0 || wd == 6;
			} else {
				assert_int_equal(got[i].kind, CALENDAR_COMPENSATORY);
				assert_true(wd >= 1 && wd <= 5);
				assert_true(strncmp(got[i].name, "Nghỉ bù ", strlen("Nghỉ bù ")) ==
					    0);
				compensatory++;
			}
		}
		assert_true(statutory == 11 || (statutory == 10 && year == 1947));
		assert_int_equal(compensatory, on_weekend);
		assert_int_equal(n, statutory + compensatory);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2026),
		cmocka_unit_test(test_2024_tet_on_weekend),
		cmocka_unit_test(test_2022_chained_compensation),
		cmocka_unit_test(test_2029_compensation_skips_holiday),
		cmocka_unit_test(test_sunday_only_rest),
		cmocka_unit_test(test_all_rest_days),
		cmocka_unit_test(test_out_of_lunar_range),
		cmocka_unit_test(test_1947_hung_kings_on_30_april),
		cmocka_unit_test(test_properties_1900_2100),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
