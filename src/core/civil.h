/*
 * civil.h - dates and times in Vietnam's civil time (UTC+7, no daylight saving).
 *
 * Instants are `int64_t` seconds since 1970-01-01T00:00:00Z (mc_time).  Days are
 * `int32_t` day numbers: 0 is 1970-01-01 in Vietnam.  Everything here is pure
 * arithmetic on the proleptic Gregorian calendar: no clock reads, no locale, no
 * time zone database (Vietnam has been UTC+7 since 1975; older instants are
 * still shown at +07:00, which is what the portal's date strings assume).
 */
#ifndef MOTCUA_CIVIL_H
#define MOTCUA_CIVIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIVIL_TZ_OFFSET (7 * 3600) /* seconds east of UTC */
#define CIVIL_DAY 86400

typedef int64_t mc_time;

struct civil_date {
	int year;  /* e.g. 2026 */
	int month; /* 1..12 */
	int day;   /* 1..31 */
};

struct civil_time {
	struct civil_date date;
	int hour, minute, second;
};

/* Day number of a valid date; civil_from_days() is its inverse. */
int32_t civil_days_from_date(int year, int month, int day);
struct civil_date civil_date_from_days(int32_t days);

/* 0 = Sunday .. 6 = Saturday. */
int civil_weekday(int32_t days);
bool civil_is_leap_year(int year);
int civil_days_in_month(int year, int month);
bool civil_date_valid(int year, int month, int day);

/* Instant <-> Vietnam local time. */
mc_time civil_make_time(int32_t days, int seconds_of_day);
int32_t civil_day_of(mc_time t);           /* local day number */
int civil_seconds_of_day(mc_time t);       /* 0..86399, local */
struct civil_time civil_split(mc_time t);

/*
 * Parsers.  Each returns 0 and fills *out, or -1 for anything that is not
 * exactly the format with a valid calendar date and time.
 *   civil_parse_date:     "YYYY-MM-DD"
 *   civil_parse_datetime: "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS",
 *                         "YYYY-MM-DDTHH:MM[:SS]", optionally followed by
 *                         "+07:00" / "Z" / "+HH:MM" (converted to +07:00)
 *   civil_parse_hhmm:     "HH:MM" into minutes since midnight
 */
int civil_parse_date(const char *s, int32_t *out);
int civil_parse_datetime(const char *s, mc_time *out);
int civil_parse_hhmm(const char *s, int *minutes);

/*
 * Formatters write a NUL-terminated string into buf (size at least the named
 * constant) and return buf.
 *   ISO:  "2026-03-13T09:00:00+07:00"
 *   DATE: "2026-03-13"
 */
#define CIVIL_ISO_LEN 32
#define CIVIL_DATE_LEN 16
char *civil_format_iso(mc_time t, char *buf, size_t size);
char *civil_format_date(int32_t days, char *buf, size_t size);

#endif
