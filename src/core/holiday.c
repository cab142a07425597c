/*
 * holiday.c - the statutory days off of a solar year (Labour Code 2019,
 * art. 112, cl. 1) and the compensatory days (nghỉ bù) they give.
 *
 * Lunar holidays come from lunar.c.  Outside the lunar calendar's range
 * (1900..2100) only the solar holidays are produced.  Yearly notices that
 * rearrange Tết or the National Day are not applied here: calendar.c lays
 * the override files over this list.
 */
#include "core/holiday.h"

#include <stdbool.h>
#include <stdlib.h>

#include "core/civil.h"
#include "core/lunar.h"

/* Each holiday and the name of the compensatory day it gives. */
enum holiday_id {
	HOL_NEW_YEAR,
	HOL_TET,
	HOL_HUNG_KINGS,
	HOL_VICTORY,
	HOL_LABOUR,
	HOL_NATIONAL,
	HOL_COUNT,
};

static const char *const compensatory_names[HOL_COUNT] = {
	[HOL_NEW_YEAR] = "Nghỉ bù Tết Dương lịch",
	[HOL_TET] = "Nghỉ bù Tết Âm lịch",
	[HOL_HUNG_KINGS] = "Nghỉ bù Giỗ Tổ Hùng Vương",
	[HOL_VICTORY] = "Nghỉ bù Ngày Chiến thắng",
	[HOL_LABOUR] = "Nghỉ bù Ngày Quốc tế Lao động",
	[HOL_NATIONAL] = "Nghỉ bù Quốc khánh",
};

/* Solar holidays: fixed day and month. */
static const struct {
	int month, day;
	enum holiday_id id;
	const char *name;
} solar_holidays[] = {
	{1, 1, HOL_NEW_YEAR, "Tết Dương lịch"},
	{4, 30, HOL_VICTORY, "Ngày Chiến thắng"},
	{5, 1, HOL_LABOUR, "Ngày Quốc tế Lao động"},
	{9, 2, HOL_NATIONAL, "Quốc khánh"},
	{9, 3, HOL_NATIONAL, "Quốc khánh (ngày liền kề)"},
};

/* Tết: the last day of the old lunar year, then mùng 1 to mùng 4. */
static const char *const tet_names[4] = {
	"Tết Âm lịch (mùng 1)",
	"Tết Âm lịch (mùng 2)",
	"Tết Âm lịch (mùng 3)",
	"Tết Âm lịch (mùng 4)",
};

#define TET_EVE_29 "Tết Âm lịch (29 tháng Chạp)"
#define TET_EVE_30 "Tết Âm lịch (30 tháng Chạp)"
#define HUNG_AND_VICTORY "Giỗ Tổ Hùng Vương và Ngày Chiến thắng"
#define HUNG_AND_LABOUR "Giỗ Tổ Hùng Vương và Ngày Quốc tế Lao động"

struct entry {
	struct calendar_day day;
	enum holiday_id id;
};

static void
add(struct entry *list, size_t *n, int32_t day, const char *name, enum calendar_kind kind,
    enum holiday_id id)
{
	if (*n >= HOLIDAY_MAX)
		return; /* cannot happen: at most 11 holidays and 11 compensatory days */
	list[*n].day.day = day;
	list[*n].day.name = name;
	list[*n].day.kind = kind;
	list[*n].id = id;
	(*n)++;
}

static bool
listed(const struct entry *list, size_t n, int32_t day)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].day.day == day)
			return true;
	return false;
}

static bool
is_rest(unsigned rest_days, int32_t day)
{
	return (rest_days & (1u << civil_weekday(day))) != 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return (x->day.day > y->day.day) - (x->day.day < y->day.day);
}

static void
add_lunar(int year, struct entry *list, size_t *n)
{
	struct lunar_date new_year = {.year = year, .month = 1, .day = 1, .leap = false};
	struct lunar_date hung = {.year = year, .month = 3, .day = 10, .leap = false};
	struct lunar_date eve;
	int32_t first, day;

	if (lunar_to_solar(&new_year, &first) == 0 && lunar_from_solar(first - 1, &eve) == 0) {
		add(list, n, first - 1, eve.day == 30 ? TET_EVE_30 : TET_EVE_29,
		    CALENDAR_STATUTORY, HOL_TET);
		for (int i = 0; i < 4; i++)
			add(list, n, first + i, tet_names[i], CALENDAR_STATUTORY, HOL_TET);
	}
	if (lunar_to_solar(&hung, &day) < 0)
		return;
	/*
	 * 10/3 lunar can fall on 30/4 or 1/5 after a leap 1st or 2nd month (30/4
	 * in 1947).  The law does not say that two holidays on one day give two
	 * days off, so the day is listed once under both names; a yearly notice
	 * that grants more is an override.
	 */
	for (size_t i = 0; i < *n; i++) {
		if (list[i].day.day != day)
			continue;
		list[i].day.name = list[i].id == HOL_VICTORY ? HUNG_AND_VICTORY : HUNG_AND_LABOUR;
		return;
	}
	add(list, n, day, "Giỗ Tổ Hùng Vương", CALENDAR_STATUTORY, HOL_HUNG_KINGS);
}

size_t
holiday_compute(int year, unsigned rest_days, struct calendar_day *out)
{
	struct entry list[HOLIDAY_MAX];
	size_t n = 0, n_statutory;

	rest_days &= 0x7fu;
	for (size_t i = 0; i < sizeof solar_holidays / sizeof solar_holidays[0]; i++)
		add(list, &n, civil_days_from_date(year, solar_holidays[i].month,
						   solar_holidays[i].day),
		    solar_holidays[i].name, CALENDAR_STATUTORY, solar_holidays[i].id);
	add_lunar(year, list, &n);
	qsort(list, n, sizeof list[0], cmp_entry);

	/*
	 * Nghỉ bù, in date order: each holiday on a weekly rest day gives the
	 * first later day that is not a rest day, not a holiday and not already
	 * given as a compensatory day.  With every day a rest day there is no
	 * working day to give, so nothing is added.
	 */
	n_statutory = n;
	if (rest_days != 0x7fu) {
		for (size_t i = 0; i < n_statutory; i++) {
			int32_t day = list[i].day.day;
			if (!is_rest(rest_days, day))
				continue;
			do
				day++;
			while (is_rest(rest_days, day) || listed(list, n, day));
			add(list, &n, day, compensatory_names[list[i].id], CALENDAR_COMPENSATORY,
			    list[i].id);
		}
		qsort(list, n, sizeof list[0], cmp_entry);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = list[i].day;
	return n;
}
