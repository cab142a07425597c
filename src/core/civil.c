/*
 * civil.c - Gregorian day arithmetic and Vietnam civil time.
 *
 * The day-number conversions follow the well-known era decomposition (400-year
 * cycles of 146097 days), which is exact for every representable year.  Nothing
 * here reads the clock or the environment.
 */
#include "core/civil.h"

#include <stdio.h>
#include <string.h>

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int32_t
civil_days_from_date(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12; /* March = 0 */
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

struct civil_date
civil_date_from_days(int32_t days)
{
	int64_t z = (int64_t)days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct civil_date d;
	d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d.year = (int)(yoe + era * 400 + (d.month <= 2));
	return d;
}

int
civil_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	return (int)(((int64_t)days % 7 + 11) % 7);
}

bool
civil_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int
civil_days_in_month(int year, int month)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	return len[month - 1] + (month == 2 && civil_is_leap_year(year));
}

bool
civil_date_valid(int year, int month, int day)
{
	return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
	       day <= civil_days_in_month(year, month);
}

mc_time
civil_make_time(int32_t days, int seconds_of_day)
{
	return (mc_time)days * CIVIL_DAY + seconds_of_day - CIVIL_TZ_OFFSET;
}

/*
 * Times outside years 0..10000 mean nothing here and could overflow the
 * arithmetic below (a hostile server's saved position of 2^62 s): they are
 * clamped to those bounds, so every caller gets some date, never undefined
 * behaviour.
 */
#define CIVIL_T_MAX ((mc_time)10001 * 366 * CIVIL_DAY)

static mc_time
clamp_time(mc_time t)
{
	return t > CIVIL_T_MAX ? CIVIL_T_MAX : t < -CIVIL_T_MAX ? -CIVIL_T_MAX : t;
}

int32_t
civil_day_of(mc_time t)
{
	return (int32_t)floor_div(clamp_time(t) + CIVIL_TZ_OFFSET, CIVIL_DAY);
}

int
civil_seconds_of_day(mc_time t)
{
	t = clamp_time(t);
	return (int)((t + CIVIL_TZ_OFFSET) - (mc_time)civil_day_of(t) * CIVIL_DAY);
}

struct civil_time
civil_split(mc_time t)
{
	struct civil_time ct;
	int s = civil_seconds_of_day(t);
	ct.date = civil_date_from_days(civil_day_of(t));
	ct.hour = s / 3600;
	ct.minute = s / 60 % 60;
	ct.second = s % 60;
	return ct;
}

/* Reads exactly n decimal digits; -1 if any is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	*y = digits(s, 4);
	*m = digits(s + 5, 2);
	*d = digits(s + 8, 2);
	if (*y < 0 || *m < 0 || *d < 0 || !civil_date_valid(*y, *m, *d))
		return -1;
	return 0;
}

int
civil_parse_date(const char *s, int32_t *out)
{
	int y, m, d;
	if (parse_ymd(s, &y, &m, &d) < 0 || s[10] != '\0')
		return -1;
	*out = civil_days_from_date(y, m, d);
	return 0;
}

int
civil_parse_hhmm(const char *s, int *minutes)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	int h = digits(s, 2), m = digits(s + 3, 2);
	if (h < 0 || m < 0 || h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

int
civil_parse_datetime(const char *s, mc_time *out)
{
	int y, mo, d, h, mi, sec = 0;
	const char *p;
	int offset = CIVIL_TZ_OFFSET;

	if (parse_ymd(s, &y, &mo, &d) < 0 || (s[10] != ' ' && s[10] != 'T'))
		return -1;
	p = s + 11;
	if (strlen(p) < 5 || p[2] != ':')
		return -1;
	h = digits(p, 2);
	mi = digits(p + 3, 2);
	if (h < 0 || mi < 0 || h > 23 || mi > 59)
		return -1;
	p += 5;
	if (*p == ':') {
		sec = digits(p + 1, 2);
		if (sec < 0 || sec > 59)
			return -1;
		p += 3;
	}
	if (*p == 'Z') {
		offset = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = digits(p + 1, 2), om;
		if (oh < 0 || p[3] != ':' || (om = digits(p + 4, 2)) < 0 || oh > 14 || om > 59)
			return -1;
		offset = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	if (*p != '\0')
		return -1;
	*out = (mc_time)civil_days_from_date(y, mo, d) * CIVIL_DAY + h * 3600 + mi * 60 + sec -
	       offset;
	return 0;
}

char *
civil_format_iso(mc_time t, char *buf, size_t size)
{
	struct civil_time ct = civil_split(t);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", ct.date.year, ct.date.month,
		 ct.date.day, ct.hour, ct.minute, ct.second);
	return buf;
}

char *
civil_format_date(int32_t days, char *buf, size_t size)
{
	struct civil_date d = civil_date_from_days(days);
	snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
	return buf;
}
