/*
 * calendar.h - which days are working days.
 *
 * A calendar combines three things, most specific last:
 *   1. the working week (default Monday..Friday; the rest are weekly rest days);
 *   2. the statutory days off of each year and their compensatory days (nghỉ bù),
 *      computed by holiday.c from the Labour Code, lunar ones included;
 *   3. yearly overrides from official notices (config/calendar/YYYY.json, read
 *      by src/config): extra days off, and days declared working (a swapped
 *      Saturday, or a statutory day moved elsewhere).
 *
 * Years are computed on first use and cached, so the calendar is not const in
 * queries.  Not thread-safe (motcua has one thread).
 */
#ifndef MOTCUA_CALENDAR_H
#define MOTCUA_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum calendar_kind {
	CALENDAR_STATUTORY,    /* Labour Code art. 112 */
	CALENDAR_COMPENSATORY, /* nghỉ bù for a holiday on a weekly rest day */
	CALENDAR_OVERRIDE,     /* from a yearly official notice */
};

struct calendar_day {
	int32_t day;           /* civil day number */
	const char *name;      /* Vietnamese, e.g. "Tết Dương lịch"; owned by the calendar */
	enum calendar_kind kind;
	/* CALENDAR_OVERRIDE only, else NULL; owned by the calendar: */
	const char *source;    /* the document that fixed the day ("Công văn
				  8662/VPCP-KGVX ngày 03/11/2023"); NULL: none named */
	const char *file;      /* the notice file it was read from; NULL: unknown */
};

/* One entry of an override file, plain data (owned by the override). */
struct calendar_override_entry {
	int32_t day;
	char *name;
	char *source;          /* the document behind this day; NULL: none named */
};

/* One year's official notice, as src/config reads it. */
struct calendar_override {
	int year;
	struct calendar_override_entry *days_off;     /* extra days off */
	size_t n_days_off;
	struct calendar_override_entry *working_days; /* declared working */
	size_t n_working_days;
	char *file;            /* the file it was read from; NULL: not from a file */
};

struct calendar;

/* Default: Monday..Friday working week, no overrides. */
struct calendar *calendar_new(void);
void calendar_free(struct calendar *cal);

/*
 * Working week as a bit set of weekdays, bit 0 = Sunday .. bit 6 = Saturday.
 * Default 0x3e (Monday..Friday).  Clears the cache.
 */
void calendar_set_workweek(struct calendar *cal, unsigned mask);
unsigned calendar_workweek(const struct calendar *cal);

/*
 * Apply a year's override over the statutory days.  The calendar copies what it
 * needs; the caller still owns `ov`.  A later override of the same year replaces
 * the earlier one whole.  Returns 0, or -1 (and nothing changes) when an entry
 * lies outside ov->year or a day is both in days_off and in working_days.
 */
int calendar_add_override(struct calendar *cal, const struct calendar_override *ov);
void calendar_override_release(struct calendar_override *ov);

/* Whether an override (a yearly notice) was applied for `year`. */
bool calendar_has_override(const struct calendar *cal, int year);
/* The years an override was applied for: up to max of them into years,
 * ascending; returns how many there are (more than max: some left out). */
size_t calendar_override_years(const struct calendar *cal, int *years, size_t max);

/*
 * The years whose notice a clerk needs but the calendar lacks on civil day
 * `today`: the current year's, and from 1 December the next year's too
 * (the notices come out in the autumn; a December deadline often ends in
 * January).  Writes them to years[0..1] in order; returns how many (0..2).
 */
size_t calendar_notices_missing(const struct calendar *cal, int32_t today, int years[2]);

bool calendar_is_working_day(struct calendar *cal, int32_t day);
bool calendar_is_day_off(struct calendar *cal, int32_t day);
/* Whether a notice declared `day` working (a swapped Saturday). */
bool calendar_declared_working(struct calendar *cal, int32_t day);

/*
 * The named days off of `year` (holidays, compensatory days and override days,
 * not ordinary weekends), sorted by day, minus any the override declared
 * working.  *days points into the calendar and stays valid until the next call
 * that changes the calendar.  Returns the count.
 */
size_t calendar_days_off(struct calendar *cal, int year, const struct calendar_day **days);
/* The days of `year` an override declared working.  Same ownership. */
size_t calendar_working_overrides(struct calendar *cal, int year,
				  const struct calendar_day **days);

/* First working day strictly after / at or after `day`. */
int32_t calendar_next_working_day(struct calendar *cal, int32_t day);
int32_t calendar_working_day_on_or_after(struct calendar *cal, int32_t day);

#endif
