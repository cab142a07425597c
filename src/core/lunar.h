/*
 * lunar.h - the Vietnamese lunisolar calendar (âm lịch), UTC+7.
 *
 * Computed from astronomical formulas (mean new moon with periodic terms,
 * apparent solar longitude; J. Meeus, Astronomical Algorithms), written here.
 * Vietnamese rules: the month begins on the local day (UTC+7) of the new moon;
 * the 11th month contains the winter solstice; a lunar year with 13 months
 * repeats the first month after the solstice month that contains no major
 * solar term (trung khí) as a leap month.
 * Valid at least for 1900..2100.
 */
#ifndef MOTCUA_LUNAR_H
#define MOTCUA_LUNAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lunar_date {
	int year;  /* lunar year, named after the solar year in which it mostly falls */
	int month; /* 1..12 */
	int day;   /* 1..30 */
	bool leap; /* a leap (nhuận) month */
};

/* Lunar date of civil day `day`.  Returns 0, or -1 outside the supported
 * range 1900-01-01..2100-12-31 (solar).  Not thread-safe: computed months are
 * cached in static storage. */
int lunar_from_solar(int32_t day, struct lunar_date *out);
/* Civil day of a lunar date.  Returns 0, or -1 when there is no such date
 * (no leap month of that number that year, day 30 of a 29-day month, ...) or
 * when it falls outside 1900-01-01..2100-12-31. */
int lunar_to_solar(const struct lunar_date *ld, int32_t *day);
/* Can Chi name of a lunar year, e.g. "Bính Ngọ" for 2026; static storage
 * per stem/branch, written into buf (at least LUNAR_CAN_CHI_LEN bytes). */
#define LUNAR_CAN_CHI_LEN 32
char *lunar_can_chi_year(int lunar_year, char *buf, size_t size);

#endif
