/*
 * lunar.c - the Vietnamese lunisolar calendar (âm lịch), computed from
 * astronomy for Vietnam's time zone (UTC+7).
 *
 * Two astronomical quantities are enough:
 *   - the instants of new moon: J. Meeus, Astronomical Algorithms (2nd ed.),
 *     chapter 49 (mean phase, the periodic terms for the new moon and the
 *     fourteen planetary arguments), accurate to well under a minute;
 *   - the Sun's apparent longitude: Meeus chapter 25, the low-accuracy
 *     method (geometric mean longitude, equation of centre, nutation and
 *     aberration folded into one Ω term), accurate to about 0.01 degree,
 *     i.e. a quarter of an hour for the instant of a solar term.
 * Both give Terrestrial Time; ΔT (TT - UT) is added from the polynomial fits
 * of Espenak and Meeus, so the days are civil days in UTC+7.
 *
 * The calendar rules, applied to a "span" that runs from the month 11 of one
 * Gregorian year to the month 11 of the next:
 *   - a month begins on the local day that contains a new moon;
 *   - month 11 is the month that contains the December solstice (270°);
 *   - when a span holds 13 months, the first month after month 11 that
 *     contains no major solar term (a multiple of 30° of longitude) is the
 *     leap month and repeats the number of the month before it.
 *
 * This module does no I/O and reads no clock; it only remembers the spans it
 * has computed (a span costs about thirty trigonometric series).
 */
#include "core/lunar.h"

#include <math.h>
#include <stdio.h>

#include "core/civil.h"
#include "core/unittest.h"

#define PI 3.14159265358979323846
#define JD_UNIX_EPOCH 2440587.5     /* JD of 1970-01-01T00:00Z */
#define JD_J2000 2451545.0          /* 2000-01-01T12:00 TT */
#define LOCAL_OFFSET_DAYS (7.0 / 24.0)
#define SYNODIC_MONTH 29.530588861
#define NEW_MOON_EPOCH 2451550.09766 /* Meeus' k = 0: new moon of 2000-01-06 */

#define FIRST_SPAN 1900 /* span from month 11 of 1899 to month 11 of 1900 */
#define LAST_SPAN 2101  /* holds 2100-12-31 */

/* A span: the months from month 11 of year-1 to month 11 of year. */
struct span {
	int n;              /* 12 or 13 months */
	int32_t start[14];  /* first day of each month; start[n] is the next month 11 */
	int number[13];     /* 1..12 */
	bool leap[13];
	int year[13];       /* lunar year each month belongs to */
};

UNITTEST double lunar_new_moon_jde(int k);
UNITTEST double lunar_sun_longitude(double jde);
UNITTEST double lunar_delta_t(double year);

static double
rad(double deg)
{
	return deg * PI / 180.0;
}

static double
sind(double deg)
{
	return sin(rad(deg));
}

static double
norm360(double deg)
{
	deg = fmod(deg, 360.0);
	return deg < 0 ? deg + 360.0 : deg;
}

/*
 * TT - UT in seconds for a decimal year: the polynomial fits published by
 * F. Espenak and J. Meeus (NASA, "Five Millennium Canon of Solar Eclipses"),
 * the pieces that cover 1860..2150.  Past 2005 it is an extrapolation; its
 * error (a minute or so by 2100) only matters for a new moon within a minute
 * of midnight.
 */
UNITTEST double
lunar_delta_t(double y)
{
	double t;

	if (y < 1900) {
		t = y - 1860;
		return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * t * t * t -
		       0.0004473624 * pow(t, 4) + pow(t, 5) / 233174;
	}
	if (y < 1920) {
		t = y - 1900;
		return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * t * t * t -
		       0.000197 * pow(t, 4);
	}
	if (y < 1941) {
		t = y - 1920;
		return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * t * t * t;
	}
	if (y < 1961) {
		t = y - 1950;
		return 29.07 + 0.407 * t - t * t / 233 + t * t * t / 2547;
	}
	if (y < 1986) {
		t = y - 1975;
		return 45.45 + 1.067 * t - t * t / 260 - t * t * t / 718;
	}
	if (y < 2005) {
		t = y - 2000;
		return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * t * t * t +
		       0.000651814 * pow(t, 4) + 0.00002373599 * pow(t, 5);
	}
	if (y < 2050) {
		t = y - 2000;
		return 62.92 + 0.32217 * t + 0.005589 * t * t;
	}
	t = (y - 1820) / 100;
	return -20 + 32 * t * t - 0.5628 * (2150 - y);
}

static double
jd_to_decimal_year(double jd)
{
	return 2000.0 + (jd - JD_J2000) / 365.25;
}

/* Periodic terms of the new moon (Meeus table 49.A, first column). */
struct moon_term {
	double coeff;
	int e_power;        /* times E^e_power */
	int m, mp, f, om;   /* multiples of M, M', F, Ω */
};

static const struct moon_term new_moon_terms[] = {
	{-0.40720, 0, 0, 1, 0, 0}, {0.17241, 1, 1, 0, 0, 0},  {0.01608, 0, 0, 2, 0, 0},
	{0.01039, 0, 0, 0, 2, 0},  {0.00739, 1, -1, 1, 0, 0}, {-0.00514, 1, 1, 1, 0, 0},
	{0.00208, 2, 2, 0, 0, 0},  {-0.00111, 0, 0, 1, -2, 0}, {-0.00057, 0, 0, 1, 2, 0},
	{0.00056, 1, 1, 2, 0, 0},  {-0.00042, 0, 0, 3, 0, 0}, {0.00042, 1, 1, 0, 2, 0},
	{0.00038, 1, 1, 0, -2, 0}, {-0.00024, 1, -1, 2, 0, 0}, {-0.00017, 0, 0, 0, 0, 1},
	{-0.00007, 0, 2, 1, 0, 0}, {0.00004, 0, 0, 2, -2, 0}, {0.00004, 0, 3, 0, 0, 0},
	{0.00003, 0, 1, 1, -2, 0}, {0.00003, 0, 0, 2, 2, 0},  {-0.00003, 0, 1, 1, 2, 0},
	{0.00003, 0, -1, 1, 2, 0}, {-0.00002, 0, -1, 1, -2, 0}, {-0.00002, 0, 1, 3, 0, 0},
	{0.00002, 0, 0, 4, 0, 0},
};

/* The fourteen planetary arguments A1..A14 (Meeus ch. 49): a + b k (+ c T²). */
struct planet_term {
	double a, b, coeff;
};

static const struct planet_term planet_terms[] = {
	{299.77, 0.107408, 0.000325}, {251.88, 0.016321, 0.000165},
	{251.83, 26.651886, 0.000164}, {349.42, 36.412478, 0.000126},
	{84.66, 18.206239, 0.000110}, {141.74, 53.303771, 0.000062},
	{207.14, 2.453732, 0.000060}, {154.84, 7.306860, 0.000056},
	{34.52, 27.261239, 0.000047}, {207.19, 0.121824, 0.000042},
	{291.34, 1.844379, 0.000040}, {161.72, 24.198154, 0.000037},
	{239.56, 25.513099, 0.000035}, {331.55, 3.592518, 0.000023},
};

/* Julian Ephemeris Day (TT) of the new moon number k (k = 0: 2000-01-06). */
UNITTEST double
lunar_new_moon_jde(int k)
{
	double T = k / 1236.85, T2 = T * T, T3 = T2 * T, T4 = T3 * T;
	double jde = NEW_MOON_EPOCH + SYNODIC_MONTH * k + 0.00015437 * T2 - 0.000000150 * T3 +
		     0.00000000073 * T4;
	double E = 1 - 0.002516 * T - 0.0000074 * T2;
	double M = 2.5534 + 29.10535670 * k - 0.0000014 * T2 - 0.00000011 * T3;
	double Mp = 201.5643 + 385.81693528 * k + 0.0107582 * T2 + 0.00001238 * T3 -
		    0.000000058 * T4;
	double F = 160.7108 + 390.67050284 * k - 0.0016118 * T2 - 0.00000227 * T3 +
		   0.000000011 * T4;
	double Om = 124.7746 - 1.56375588 * k + 0.0020672 * T2 + 0.00000215 * T3;
	double sum = 0;

	for (size_t i = 0; i < sizeof new_moon_terms / sizeof new_moon_terms[0]; i++) {
		const struct moon_term *t = &new_moon_terms[i];
		double arg = t->m * M + t->mp * Mp + t->f * F + t->om * Om;
		double c = t->coeff;
		for (int e = 0; e < t->e_power; e++)
			c *= E;
		sum += c * sind(norm360(arg));
	}
	for (size_t i = 0; i < sizeof planet_terms / sizeof planet_terms[0]; i++) {
		const struct planet_term *p = &planet_terms[i];
		double arg = p->a + p->b * k;
		if (i == 0)
			arg -= 0.009173 * T2;
		sum += p->coeff * sind(norm360(arg));
	}
	return jde + sum;
}

/* Apparent geocentric longitude of the Sun in degrees [0, 360) at JDE (TT). */
UNITTEST double
lunar_sun_longitude(double jde)
{
	double T = (jde - JD_J2000) / 36525.0, T2 = T * T;
	double L0 = 280.46646 + 36000.76983 * T + 0.0003032 * T2;
	double M = 357.52911 + 35999.05029 * T - 0.0001537 * T2;
	double C = (1.914602 - 0.004817 * T - 0.000014 * T2) * sind(M) +
		   (0.019993 - 0.000101 * T) * sind(2 * M) + 0.000289 * sind(3 * M);
	double omega = 125.04 - 1934.136 * T;

	return norm360(L0 + C - 0.00569 - 0.00478 * sind(omega));
}

/* Local (UTC+7) day number containing the UT Julian Day `jd`. */
static int32_t
local_day_of_jd_ut(double jd)
{
	return (int32_t)floor(jd - JD_UNIX_EPOCH + LOCAL_OFFSET_DAYS);
}

static int32_t
new_moon_day(int k)
{
	double jde = lunar_new_moon_jde(k);
	double jd_ut = jde - lunar_delta_t(jd_to_decimal_year(jde)) / 86400.0;
	return local_day_of_jd_ut(jd_ut);
}

/* Sun's apparent longitude at the local midnight that begins `day`. */
static double
sun_at_day_start(int32_t day)
{
	double jd_ut = JD_UNIX_EPOCH + day - LOCAL_OFFSET_DAYS;
	return lunar_sun_longitude(jd_ut + lunar_delta_t(jd_to_decimal_year(jd_ut)) / 86400.0);
}

/*
 * Does the Sun reach `target` degrees during the days [first, end)?  The Sun
 * moves about 1° a day, so over one month the longitude unwraps at most once.
 */
static bool
reaches(int32_t first, int32_t end, double target)
{
	double a = sun_at_day_start(first), b = sun_at_day_start(end);

	if (b < a)
		b += 360.0;
	if (target <= a)
		target += 360.0;
	return target <= b;
}

/* Does the month [first, end) contain a major solar term (trung khí)? */
static bool
has_major_term(int32_t first, int32_t end)
{
	double a = sun_at_day_start(first), b = sun_at_day_start(end);

	if (b < a)
		b += 360.0;
	return floor(b / 30.0) > floor(a / 30.0);
}

/* k of the new moon that begins month 11 of Gregorian `year`. */
static int
month11_k(int year)
{
	double jd_dec21 = JD_UNIX_EPOCH + civil_days_from_date(year, 12, 21);
	int k = (int)floor((jd_dec21 - NEW_MOON_EPOCH) / SYNODIC_MONTH);

	/* The estimate is the new moon before 21 December; the solstice month
	 * begins at most one month earlier or later than that. */
	for (int guess = k - 1; guess <= k + 1; guess++)
		if (reaches(new_moon_day(guess), new_moon_day(guess + 1), 270.0))
			return guess;
	return k; /* unreachable with sane ephemerides */
}

static void
compute_span(int year, struct span *sp)
{
	int ka = month11_k(year - 1), kb = month11_k(year);
	int leap_at = -1, number = 11, lyear = year - 1;

	sp->n = kb - ka;
	for (int i = 0; i <= sp->n; i++)
		sp->start[i] = new_moon_day(ka + i);
	if (sp->n == 13)
		for (int i = 1; i < 13 && leap_at < 0; i++)
			if (!has_major_term(sp->start[i], sp->start[i + 1]))
				leap_at = i;
	for (int i = 0; i < sp->n; i++) {
		if (i > 0 && i != leap_at) {
			number = number % 12 + 1;
			if (number == 1)
				lyear++;
		}
		sp->number[i] = number;
		sp->leap[i] = i == leap_at;
		sp->year[i] = lyear;
	}
}

/*
 * Spans are pure functions of the year, so each is computed once and kept:
 * 202 spans of about 120 bytes.  Not thread-safe, like the rest of motcua's
 * single-threaded core.
 */
static void
build_span(int year, struct span *sp)
{
	static struct span cache[LAST_SPAN - FIRST_SPAN + 1];
	static bool cached[LAST_SPAN - FIRST_SPAN + 1];

	if (year < FIRST_SPAN || year > LAST_SPAN) {
		compute_span(year, sp);
		return;
	}
	if (!cached[year - FIRST_SPAN]) {
		compute_span(year, &cache[year - FIRST_SPAN]);
		cached[year - FIRST_SPAN] = true;
	}
	*sp = cache[year - FIRST_SPAN];
}

static int32_t
first_supported_day(void)
{
	return civil_days_from_date(1900, 1, 1);
}

static int32_t
last_supported_day(void)
{
	return civil_days_from_date(2100, 12, 31);
}

int
lunar_from_solar(int32_t day, struct lunar_date *out)
{
	struct span sp;
	int year;

	if (day < first_supported_day() || day > last_supported_day())
		return -1;
	year = civil_date_from_days(day).year;
	build_span(year, &sp);
	if (day >= sp.start[sp.n]) {
		year++;
		build_span(year, &sp);
	}
	for (int i = 0; i < sp.n; i++) {
		if (day < sp.start[i + 1]) {
			out->year = sp.year[i];
			out->month = sp.number[i];
			out->leap = sp.leap[i];
			out->day = (int)(day - sp.start[i]) + 1;
			return 0;
		}
	}
	return -1; /* before month 11 of year-1: cannot happen */
}

int
lunar_to_solar(const struct lunar_date *ld, int32_t *day)
{
	/* Months 11 and 12 (and a leap 11 or 12) of lunar year L lie in the span
	 * of Gregorian year L+1; the others in the span of L. */
	int span_year = ld->month >= 11 ? ld->year + 1 : ld->year;
	struct span sp;

	if (ld->month < 1 || ld->month > 12 || ld->day < 1 || ld->day > 30)
		return -1;
	if (span_year < FIRST_SPAN || span_year > LAST_SPAN)
		return -1;
	build_span(span_year, &sp);
	for (int i = 0; i < sp.n; i++) {
		if (sp.year[i] != ld->year || sp.number[i] != ld->month || sp.leap[i] != ld->leap)
			continue;
		if (ld->day > sp.start[i + 1] - sp.start[i])
			return -1;
		*day = sp.start[i] + ld->day - 1;
		if (*day < first_supported_day() || *day > last_supported_day())
			return -1;
		return 0;
	}
	return -1;
}

static const char *const stems[10] = {"Giáp", "Ất",  "Bính", "Đinh", "Mậu",
				      "Kỷ",   "Canh", "Tân", "Nhâm", "Quý"};
static const char *const branches[12] = {"Tý",  "Sửu", "Dần", "Mão",  "Thìn", "Tỵ",
					 "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"};

char *
lunar_can_chi_year(int lunar_year, char *buf, size_t size)
{
	/* 1984 was Giáp Tý, the start of a sixty-year cycle. */
	int offset = ((lunar_year - 1984) % 60 + 60) % 60;

	snprintf(buf, size, "%s %s", stems[offset % 10], branches[offset % 12]);
	return buf;
}
