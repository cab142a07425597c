/*
 * calendar.c - the working-day calendar: working week, statutory days off,
 * compensatory days and yearly overrides, cached per year.
 *
 * It does not compute holidays (holiday.c) nor read override files
 * (src/config/calendar_file.c).
 */
#include "core/calendar.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/holiday.h"
#include "core/xalloc.h"

#define DEFAULT_WORKWEEK 0x3eu /* Monday..Friday */

struct year_cache {
	int year;
	struct calendar_day *off;     /* sorted by day */
	size_t n_off;
	struct calendar_day *working; /* sorted by day */
	size_t n_working;
};

struct override_copy {
	int year;
	struct calendar_day *off;
	size_t n_off;
	struct calendar_day *working;
	size_t n_working;
};

struct calendar {
	unsigned workweek;
	struct override_copy *overrides;
	size_t n_overrides;
	struct year_cache *years;
	size_t n_years;
};

struct calendar *
calendar_new(void)
{
	struct calendar *cal = xcalloc(1, sizeof *cal);
	cal->workweek = DEFAULT_WORKWEEK;
	return cal;
}

static void
free_days(struct calendar_day *days, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)days[i].name);
		free((char *)days[i].source);
		free((char *)days[i].file);
	}
	free(days);
}

static void
clear_cache(struct calendar *cal)
{
	for (size_t i = 0; i < cal->n_years; i++) {
		free_days(cal->years[i].off, cal->years[i].n_off);
		free_days(cal->years[i].working, cal->years[i].n_working);
	}
	free(cal->years);
	cal->years = NULL;
	cal->n_years = 0;
}

static void
free_override(struct override_copy *ov)
{
	free_days(ov->off, ov->n_off);
	free_days(ov->working, ov->n_working);
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	clear_cache(cal);
	for (size_t i = 0; i < cal->n_overrides; i++)
		free_override(&cal->overrides[i]);
	free(cal->overrides);
	free(cal);
}

void
calendar_set_workweek(struct calendar *cal, unsigned mask)
{
	cal->workweek = mask & 0x7fu;
	clear_cache(cal);
}

unsigned
calendar_workweek(const struct calendar *cal)
{
	return cal->workweek;
}

static int
cmp_day(const void *a, const void *b)
{
	const struct calendar_day *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static struct calendar_day *
copy_entries(const struct calendar_override_entry *e, size_t n, const char *file)
{
	struct calendar_day *days = xcalloc(n ? n : 1, sizeof *days);
	for (size_t i = 0; i < n; i++) {
		days[i].day = e[i].day;
		days[i].name = xstrdup(e[i].name != NULL ? e[i].name : "");
		days[i].kind = CALENDAR_OVERRIDE;
		days[i].source = dup_or_null(e[i].source);
		days[i].file = dup_or_null(file);
	}
	qsort(days, n, sizeof *days, cmp_day);
	return days;
}

static bool
entries_in_year(const struct calendar_override_entry *e, size_t n, int year)
{
	for (size_t i = 0; i < n; i++)
		if (civil_date_from_days(e[i].day).year != year)
			return false;
	return true;
}

/* A day both off and working would be listed as a day off yet count as working. */
static bool
lists_disjoint(const struct calendar_override *ov)
{
	for (size_t i = 0; i < ov->n_days_off; i++)
		for (size_t j = 0; j < ov->n_working_days; j++)
			if (ov->days_off[i].day == ov->working_days[j].day)
				return false;
	return true;
}

int
calendar_add_override(struct calendar *cal, const struct calendar_override *ov)
{
	struct override_copy copy;
	size_t i;

	if (!entries_in_year(ov->days_off, ov->n_days_off, ov->year) ||
	    !entries_in_year(ov->working_days, ov->n_working_days, ov->year) ||
	    !lists_disjoint(ov))
		return -1;
	copy.year = ov->year;
	copy.off = copy_entries(ov->days_off, ov->n_days_off, ov->file);
	copy.n_off = ov->n_days_off;
	copy.working = copy_entries(ov->working_days, ov->n_working_days, ov->file);
	copy.n_working = ov->n_working_days;

	for (i = 0; i < cal->n_overrides; i++)
		if (cal->overrides[i].year == ov->year)
			break;
	if (i < cal->n_overrides) {
		free_override(&cal->overrides[i]);
	} else {
		cal->overrides = xreallocarray(cal->overrides, cal->n_overrides + 1,
					       sizeof *cal->overrides);
		cal->n_overrides++;
	}
	cal->overrides[i] = copy;
	clear_cache(cal);
	return 0;
}

void
calendar_override_release(struct calendar_override *ov)
{
	for (size_t i = 0; i < ov->n_days_off; i++) {
		free(ov->days_off[i].name);
		free(ov->days_off[i].source);
	}
	for (size_t i = 0; i < ov->n_working_days; i++) {
		free(ov->working_days[i].name);
		free(ov->working_days[i].source);
	}
	free(ov->days_off);
	free(ov->working_days);
	free(ov->file);
	memset(ov, 0, sizeof *ov);
}

static const struct calendar_day *
find_day(const struct calendar_day *days, size_t n, int32_t day)
{
	struct calendar_day key = {.day = day};
	return n ? bsearch(&key, days, n, sizeof *days, cmp_day) : NULL;
}

static const struct override_copy *
find_override(const struct calendar *cal, int year)
{
	for (size_t i = 0; i < cal->n_overrides; i++)
		if (cal->overrides[i].year == year)
			return &cal->overrides[i];
	return NULL;
}

/* Append a copy of `d` (its strings copied too). */
static void
push_day(struct calendar_day **days, size_t *n, const struct calendar_day *d)
{
	*days = xreallocarray(*days, *n + 1, sizeof **days);
	(*days)[*n].day = d->day;
	(*days)[*n].name = xstrdup(d->name);
	(*days)[*n].kind = d->kind;
	(*days)[*n].source = dup_or_null(d->source);
	(*days)[*n].file = dup_or_null(d->file);
	(*n)++;
}

static struct year_cache *
year_of(struct calendar *cal, int year)
{
	struct calendar_day computed[HOLIDAY_MAX];
	const struct override_copy *ov;
	struct year_cache yc = {.year = year};
	size_t n;

	for (size_t i = 0; i < cal->n_years; i++)
		if (cal->years[i].year == year)
			return &cal->years[i];

	ov = find_override(cal, year);
	n = holiday_compute(year, ~cal->workweek & 0x7fu, computed);
	for (size_t i = 0; i < n; i++) {
		if (ov != NULL && find_day(ov->working, ov->n_working, computed[i].day))
			continue;
		struct calendar_day d = {.day = computed[i].day, .name = computed[i].name,
					 .kind = computed[i].kind};
		push_day(&yc.off, &yc.n_off, &d);
	}
	if (ov != NULL) {
		for (size_t i = 0; i < ov->n_off; i++) {
			/* An override that repeats a statutory day keeps the statutory name. */
			bool dup = false;
			for (size_t j = 0; j < yc.n_off; j++)
				dup = dup || yc.off[j].day == ov->off[i].day;
			if (!dup)
				push_day(&yc.off, &yc.n_off, &ov->off[i]);
		}
		for (size_t i = 0; i < ov->n_working; i++)
			push_day(&yc.working, &yc.n_working, &ov->working[i]);
	}
	if (yc.n_off)
		qsort(yc.off, yc.n_off, sizeof *yc.off, cmp_day);
	if (yc.n_working)
		qsort(yc.working, yc.n_working, sizeof *yc.working, cmp_day);

	cal->years = xreallocarray(cal->years, cal->n_years + 1, sizeof *cal->years);
	cal->years[cal->n_years] = yc;
	return &cal->years[cal->n_years++];
}

bool
calendar_has_override(const struct calendar *cal, int year)
{
	return find_override(cal, year) != NULL;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

size_t
calendar_override_years(const struct calendar *cal, int *years, size_t max)
{
	size_t n = cal->n_overrides < max ? cal->n_overrides : max;

	for (size_t i = 0; i < n; i++)
		years[i] = cal->overrides[i].year;
	/* one override per year (a later one replaces it): sorting is enough */
	qsort(years, n, sizeof *years, cmp_int);
	return cal->n_overrides;
}

size_t
calendar_notices_missing(const struct calendar *cal, int32_t today, int years[2])
{
	struct civil_date d = civil_date_from_days(today);
	size_t n = 0;

	if (!calendar_has_override(cal, d.year))
		years[n++] = d.year;
	if (d.month == 12 && !calendar_has_override(cal, d.year + 1))
		years[n++] = d.year + 1;
	return n;
}

bool
calendar_is_working_day(struct calendar *cal, int32_t day)
{
	struct year_cache *yc = year_of(cal, civil_date_from_days(day).year);

	if (find_day(yc->working, yc->n_working, day) != NULL)
		return true;
	if (find_day(yc->off, yc->n_off, day) != NULL)
		return false;
	return (cal->workweek & (1u << civil_weekday(day))) != 0;
}

bool
calendar_declared_working(struct calendar *cal, int32_t day)
{
	struct year_cache *yc = year_of(cal, civil_date_from_days(day).year);

	return find_day(yc->working, yc->n_working, day) != NULL;
}

bool
calendar_is_day_off(struct calendar *cal, int32_t day)
{
	return !calendar_is_working_day(cal, day);
}

size_t
calendar_days_off(struct calendar *cal, int year, const struct calendar_day **days)
{
	struct year_cache *yc = year_of(cal, year);
	*days = yc->off;
	return yc->n_off;
}

size_t
calendar_working_overrides(struct calendar *cal, int year, const struct calendar_day **days)
{
	struct year_cache *yc = year_of(cal, year);
	*days = yc->working;
	return yc->n_working;
}

int32_t
calendar_working_day_on_or_after(struct calendar *cal, int32_t day)
{
	/* A working week of no days would loop for ever; treat it as Mon..Fri. */
	if ((cal->workweek & 0x7fu) == 0)
		calendar_set_workweek(cal, DEFAULT_WORKWEEK);
	while (!calendar_is_working_day(cal, day))
		day++;
	return day;
}

int32_t
calendar_next_working_day(struct calendar *cal, int32_t day)
{
	return calendar_working_day_on_or_after(cal, day + 1);
}
