/*
 * test_calendar.c - the working-day calendar (core/calendar.c): working week,
 * statutory days, yearly overrides (days off, days declared working), and
 * the next-working-day walks the deadline engine relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/xalloc.h"

static int32_t
day_of(int y, int m, int d)
{
	return civil_days_from_date(y, m, d);
}

static struct calendar_override_entry
entry(int y, int m, int d, const char *name)
{
	struct calendar_override_entry e = {.day = day_of(y, m, d), .name = xstrdup(name)};
	return e;
}

/* An override of 2026 in the shape src/config produces (heap-owned). */
static struct calendar_override
override_2026(void)
{
	struct calendar_override ov = {.year = 2026};
	ov.days_off = xcalloc(2, sizeof *ov.days_off);
	ov.days_off[0] = entry(2026, 2, 13, "Nghỉ Tết theo thông báo");
	ov.days_off[1] = entry(2026, 1, 1, "Trùng ngày lễ");
	ov.n_days_off = 2;
	ov.working_days = xcalloc(2, sizeof *ov.working_days);
	ov.working_days[0] = entry(2026, 2, 28, "Làm bù");
	ov.working_days[1] = entry(2026, 9, 3, "Quốc khánh dời sang 1/9");
	ov.n_working_days = 2;
	return ov;
}

static const struct calendar_day *
find(const struct calendar_day *days, size_t n, int32_t day)
{
	for (size_t i = 0; i < n; i++)
		if (days[i].day == day)
			return &days[i];
	return NULL;
}

/* Monday..Friday by default; weekends and holidays are days off. */
static void
test_default_week_and_holidays(void **state)
{
	struct calendar *cal = calendar_new();
	(void)state;

	assert_int_equal(calendar_workweek(cal), 0x3e);
	assert_true(calendar_is_working_day(cal, day_of(2026, 3, 2)));  /* Monday */
	assert_true(calendar_is_working_day(cal, day_of(2026, 3, 6)));  /* Friday */
	assert_false(calendar_is_working_day(cal, day_of(2026, 3, 7))); /* Saturday */
	assert_true(calendar_is_day_off(cal, day_of(2026, 3, 8)));      /* Sunday */
	assert_false(calendar_is_working_day(cal, day_of(2026, 2, 17))); /* Tết, Tuesday */
	assert_false(calendar_is_working_day(cal, day_of(2026, 4, 27))); /* nghỉ bù, Monday */
	assert_true(calendar_is_working_day(cal, day_of(2026, 4, 28)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 9, 3)));
	calendar_free(cal);
}

/* The named days off of 2026: 12, sorted, with kinds; no plain weekends. */
static void
test_days_off_listing(void **state)
{
	struct calendar *cal = calendar_new();
	const struct calendar_day *days;
	size_t n = calendar_days_off(cal, 2026, &days);
	(void)state;

	assert_int_equal(n, 12);
	for (size_t i = 1; i < n; i++)
		assert_true(days[i - 1].day < days[i].day);
	assert_string_equal(days[0].name, "Tết Dương lịch");
	assert_int_equal(days[7].day, day_of(2026, 4, 27));
	assert_int_equal(days[7].kind, CALENDAR_COMPENSATORY);
	assert_null(find(days, n, day_of(2026, 3, 7)));
	assert_int_equal(calendar_working_overrides(cal, 2026, &days), 0);
	calendar_free(cal);
}

/*
 * Next working day across Tết 2026: from Friday 13 February the next is
 * Monday 23 February (16..20 Tết, 21..22 weekend); across Giỗ Tổ and its
 * nghỉ bù; across the new year.
 */
static void
test_next_working_day(void **state)
{
	struct calendar *cal = calendar_new();
	(void)state;

	assert_int_equal(calendar_next_working_day(cal, day_of(2026, 2, 13)), day_of(2026, 2, 23));
	assert_int_equal(calendar_working_day_on_or_after(cal, day_of(2026, 2, 14)),
			 day_of(2026, 2, 23));
	assert_int_equal(calendar_working_day_on_or_after(cal, day_of(2026, 2, 23)),
			 day_of(2026, 2, 23));
	assert_int_equal(calendar_next_working_day(cal, day_of(2026, 2, 23)), day_of(2026, 2, 24));
	assert_int_equal(calendar_next_working_day(cal, day_of(2026, 4, 24)), day_of(2026, 4, 28));
	assert_int_equal(calendar_next_working_day(cal, day_of(2025, 12, 31)), day_of(2026, 1, 2));
	calendar_free(cal);
}

/*
 * An override adds days off (kind override), declares a Saturday working,
 * turns a statutory day (3/9) into a working day, and repeating a statutory
 * day (1/1) keeps its statutory name.  The calendar copies: the caller's
 * override is released before the queries.
 */
static void
test_override_applied(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override ov = override_2026();
	const struct calendar_day *days, *d;
	size_t n;
	(void)state;

	assert_int_equal(calendar_add_override(cal, &ov), 0);
	calendar_override_release(&ov);

	assert_false(calendar_is_working_day(cal, day_of(2026, 2, 13)));
	assert_true(calendar_is_working_day(cal, day_of(2026, 2, 28))); /* a Saturday */
	assert_true(calendar_is_working_day(cal, day_of(2026, 9, 3)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 9, 2)));

	n = calendar_days_off(cal, 2026, &days);
	assert_int_equal(n, 12); /* +13/2, -3/9, 1/1 not twice */
	d = find(days, n, day_of(2026, 2, 13));
	assert_non_null(d);
	assert_int_equal(d->kind, CALENDAR_OVERRIDE);
	assert_string_equal(d->name, "Nghỉ Tết theo thông báo");
	assert_null(find(days, n, day_of(2026, 9, 3)));
	d = find(days, n, day_of(2026, 1, 1));
	assert_string_equal(d->name, "Tết Dương lịch");
	assert_int_equal(d->kind, CALENDAR_STATUTORY);
	for (size_t i = 1; i < n; i++)
		assert_true(days[i - 1].day < days[i].day);

	n = calendar_working_overrides(cal, 2026, &days);
	assert_int_equal(n, 2);
	assert_int_equal(days[0].day, day_of(2026, 2, 28));
	assert_string_equal(days[0].name, "Làm bù");

	/* With 13/2 off the walk from Thursday 12 February skips one more day;
	 * the Saturday declared working is a working day for the walk too. */
	assert_int_equal(calendar_next_working_day(cal, day_of(2026, 2, 12)), day_of(2026, 2, 23));
	assert_int_equal(calendar_next_working_day(cal, day_of(2026, 2, 27)), day_of(2026, 2, 28));
	/* Other years are untouched. */
	assert_false(calendar_is_working_day(cal, day_of(2027, 9, 3)));
	calendar_free(cal);
}

/* A second override of the same year replaces the first whole. */
static void
test_override_replaced(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override first = override_2026();
	struct calendar_override second = {.year = 2026};
	(void)state;

	assert_int_equal(calendar_add_override(cal, &first), 0);
	assert_false(calendar_is_working_day(cal, day_of(2026, 2, 13)));
	second.days_off = xcalloc(1, sizeof *second.days_off);
	second.days_off[0] = entry(2026, 12, 24, "Nghỉ thêm");
	second.n_days_off = 1;
	assert_int_equal(calendar_add_override(cal, &second), 0);
	assert_true(calendar_is_working_day(cal, day_of(2026, 2, 13)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 2, 28)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 9, 3)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 12, 24)));
	calendar_override_release(&first);
	calendar_override_release(&second);
	calendar_free(cal);
}

/*
 * A notice's day carries the document that fixed it and the file it came
 * from, for the due-date explanation; a statutory day it repeats keeps its
 * own name and kind and names no document.  calendar_has_override() tells
 * which years have a notice.
 */
static void
test_override_source_and_file(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override ov = override_2026();
	const struct calendar_day *days, *d;
	size_t n;
	(void)state;

	ov.days_off[0].source = xstrdup("Thông báo 1/TB-THU ngày 01/01/2026");
	ov.working_days[0].source = xstrdup("Công văn 2/CV-THU");
	ov.file = xstrdup("/cal/2026.json");
	assert_false(calendar_has_override(cal, 2026));
	assert_int_equal(calendar_add_override(cal, &ov), 0);
	calendar_override_release(&ov); /* the calendar keeps its own copies */
	assert_true(calendar_has_override(cal, 2026));
	assert_false(calendar_has_override(cal, 2027));

	n = calendar_days_off(cal, 2026, &days);
	d = find(days, n, day_of(2026, 2, 13));
	assert_non_null(d);
	assert_int_equal(d->kind, CALENDAR_OVERRIDE);
	assert_string_equal(d->source, "Thông báo 1/TB-THU ngày 01/01/2026");
	assert_string_equal(d->file, "/cal/2026.json");
	d = find(days, n, day_of(2026, 1, 1)); /* repeats a statutory day */
	assert_non_null(d);
	assert_int_equal(d->kind, CALENDAR_STATUTORY);
	assert_null(d->source);
	assert_null(d->file);
	d = find(days, n, day_of(2026, 2, 17)); /* computed */
	assert_null(d->source);

	n = calendar_working_overrides(cal, 2026, &days);
	d = find(days, n, day_of(2026, 2, 28));
	assert_non_null(d);
	assert_string_equal(d->source, "Công văn 2/CV-THU");
	assert_string_equal(d->file, "/cal/2026.json");
	d = find(days, n, day_of(2026, 9, 3)); /* an entry naming no document */
	assert_non_null(d);
	assert_null(d->source);
	calendar_free(cal);
}

/*
 * Which notices are missing: the current year's; from 1 December the next
 * year's as well; none once both are there.
 */
static void
test_notices_missing(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override ov = {.year = 2026};
	int years[2] = {0, 0};
	(void)state;

	assert_int_equal(calendar_notices_missing(cal, day_of(2026, 11, 30), years), 1);
	assert_int_equal(years[0], 2026);
	assert_int_equal(calendar_notices_missing(cal, day_of(2026, 12, 1), years), 2);
	assert_int_equal(years[0], 2026);
	assert_int_equal(years[1], 2027);
	assert_int_equal(calendar_add_override(cal, &ov), 0);
	assert_int_equal(calendar_notices_missing(cal, day_of(2026, 11, 30), years), 0);
	assert_int_equal(calendar_notices_missing(cal, day_of(2026, 12, 5), years), 1);
	assert_int_equal(years[0], 2027);
	ov.year = 2027;
	assert_int_equal(calendar_add_override(cal, &ov), 0);
	assert_int_equal(calendar_notices_missing(cal, day_of(2026, 12, 31), years), 0);
	assert_int_equal(calendar_notices_missing(cal, day_of(2027, 1, 1), years), 0);
	calendar_free(cal);
}

/* Rejected overrides change nothing: an entry outside the year, or a day
 * both off and working. */
static void
test_override_rejected_whole(void **state)
{
	struct calendar *cal = calendar_new();
	struct calendar_override ov = override_2026();
	(void)state;

	assert_true(calendar_is_working_day(cal, day_of(2026, 2, 13))); /* fill the cache */
	free(ov.working_days[1].name);
	ov.working_days[1] = entry(2027, 1, 4, "Năm sau");
	assert_int_equal(calendar_add_override(cal, &ov), -1);
	assert_true(calendar_is_working_day(cal, day_of(2026, 2, 13)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 2, 28)));
	calendar_override_release(&ov);

	ov = override_2026();
	ov.working_days[0].day = day_of(2026, 2, 13); /* also in days_off */
	assert_int_equal(calendar_add_override(cal, &ov), -1);
	assert_true(calendar_is_working_day(cal, day_of(2026, 2, 13)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 9, 3)));
	calendar_override_release(&ov);
	calendar_free(cal);
}

/*
 * A six-day week (Monday..Saturday) changes both the weekly rest and the
 * nghỉ bù, even after the default week's year was cached: in 2022, 30/4 is
 * a Saturday, a working day in that week, so only Sunday 1/5 gives a nghỉ bù
 * (2 May) and 3 May is a working day again.
 */
static void
test_workweek_change(void **state)
{
	struct calendar *cal = calendar_new();
	(void)state;

	assert_false(calendar_is_working_day(cal, day_of(2022, 5, 3)));
	calendar_set_workweek(cal, 0x7e);
	assert_int_equal(calendar_workweek(cal), 0x7e);
	assert_true(calendar_is_working_day(cal, day_of(2022, 5, 3)));
	assert_false(calendar_is_working_day(cal, day_of(2022, 5, 2)));
	assert_true(calendar_is_working_day(cal, day_of(2022, 3, 5))); /* a Saturday */
	assert_false(calendar_is_working_day(cal, day_of(2022, 3, 6))); /* a Sunday */
	calendar_free(cal);
}

/* A working week of no days must not make the walk loop for ever. */
static void
test_empty_workweek_terminates(void **state)
{
	struct calendar *cal = calendar_new();
	int32_t d;
	(void)state;

	calendar_set_workweek(cal, 0);
	d = calendar_working_day_on_or_after(cal, day_of(2026, 3, 7));
	assert_int_equal(d, day_of(2026, 3, 9));
	calendar_free(cal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_week_and_holidays),
		cmocka_unit_test(test_days_off_listing),
		cmocka_unit_test(test_next_working_day),
		cmocka_unit_test(test_override_applied),
		cmocka_unit_test(test_override_replaced),
		cmocka_unit_test(test_override_source_and_file),
		cmocka_unit_test(test_notices_missing),
		cmocka_unit_test(test_override_rejected_whole),
		cmocka_unit_test(test_workweek_change),
		cmocka_unit_test(test_empty_workweek_terminates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
