/*
 * holiday.h - statutory days off in Vietnam (Labour Code 2019, art. 112, cl. 1)
 * and their compensatory days (nghỉ bù), computed for one solar year.
 *
 * Defaults where the law leaves the arrangement to a yearly notice:
 *   - Tết Âm lịch: the last day of the lunar year and the first four days of
 *     the new one (5 days);
 *   - Quốc khánh: 2 September and the day after.
 * The yearly notice itself is applied by calendar.c as an override.
 */
#ifndef MOTCUA_HOLIDAY_H
#define MOTCUA_HOLIDAY_H

#include <stddef.h>

#include "core/calendar.h"

#define HOLIDAY_MAX 32

/*
 * Write the statutory days off of solar `year` and the compensatory days they
 * give (a holiday on a weekly rest day moves to the next working day that is
 * not itself a holiday), sorted by day, into out[HOLIDAY_MAX]; returns the
 * count.  `rest_days` is the bit set of weekly rest days (bit 0 = Sunday;
 * default 0x41 = Saturday and Sunday).  Names are static Vietnamese strings.
 * A day is listed once even when two holidays meet on it (10/3 lunar on 30/4
 * in 1947): it carries both names.  The lunar holidays need 1900..2100;
 * outside that range only the solar ones are returned.
 */
size_t holiday_compute(int year, unsigned rest_days, struct calendar_day *out);

#endif
