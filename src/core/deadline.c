/*
 * deadline.c - due dates, working time and deadline classes (see deadline.h).
 *
 * Everything walks the calendar a day at a time and a working day a period at
 * a time; whole working days are skipped in one step, so the cost grows with
 * the number of calendar days crossed, never with minutes.  It does not decide
 * which rule a procedure has, read clocks or store anything.
 */
#include "core/deadline.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define MINUTE 60
#define HOUR 3600

static const struct worktime default_worktime = {
	2, {{7 * 60, 11 * 60 + 30}, {13 * 60 + 30, 17 * 60}, {0, 0}, {0, 0}}, 0, {{0}}, {0},
};

/* ---- Working time of one working day ----------------------------------------- */

void
deadline_worktime_default(struct worktime *wt)
{
	*wt = default_worktime;
}

static int
periods_check(const struct worktime_period *p, size_t n)
{
	int prev_end = 0;

	if (n < 1 || n > DEADLINE_MAX_PERIODS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i].start < prev_end || p[i].start < 0 || p[i].start >= p[i].end ||
		    p[i].end > 24 * 60)
			return -1;
		prev_end = p[i].end;
	}
	return 0;
}

int
deadline_worktime_check(const struct worktime *wt)
{
	if (wt == NULL || periods_check(wt->periods, wt->n_periods) < 0 || wt->own_days > 0x7fu)
		return -1;
	for (int d = 0; d < 7; d++)
		if ((wt->own_days & (1u << d)) != 0 &&
		    periods_check(wt->day[d].periods, wt->day[d].n_periods) < 0)
			return -1;
	if ((unsigned)wt->reading.calendar_from > DEADLINE_FROM_NEXT_DAY ||
	    (unsigned)wt->reading.in_break > DEADLINE_BREAK_AFTER ||
	    (unsigned)wt->reading.working_days > DEADLINE_DAYS_TO_DAY_END)
		return -1;
	return 0;
}

/*
 * An unusable worktime would make the walks below loop for ever; the functions
 * without a status to return fall back to the default instead (deadline.h).
 */
static const struct worktime *
usable(const struct worktime *wt)
{
	return wt != NULL && deadline_worktime_check(wt) == 0 ? wt : &default_worktime;
}

/* "HH:MM-HH:MM[,...]" into n/p; 0 or -1 (n, p untouched). */
static int
parse_periods(const char *s, size_t *n, struct worktime_period *p)
{
	struct worktime_period out[DEADLINE_MAX_PERIODS];
	size_t k = 0;
	char hhmm[6];

	if (s == NULL)
		return -1;
	for (;;) {
		struct worktime_period one;
		/* "HH:MM-HH:MM" then ',' or the end */
		if (k == DEADLINE_MAX_PERIODS || strlen(s) < 11 || s[5] != '-')
			return -1;
		memcpy(hhmm, s, 5);
		hhmm[5] = '\0';
		if (civil_parse_hhmm(hhmm, &one.start) < 0)
			return -1;
		memcpy(hhmm, s + 6, 5);
		if (civil_parse_hhmm(hhmm, &one.end) < 0)
			return -1;
		out[k++] = one;
		s += 11;
		if (*s == '\0')
			break;
		if (*s != ',')
			return -1;
		s++;
	}
	if (periods_check(out, k) < 0)
		return -1;
	*n = k;
	memcpy(p, out, k * sizeof *out);
	return 0;
}

int
deadline_worktime_parse(const char *s, struct worktime *wt)
{
	struct worktime out = {0};

	/* The whole worktime, as before weekdays had their own hours: callers
	 * parse into an uninitialised struct. */
	if (parse_periods(s, &out.n_periods, out.periods) < 0)
		return -1;
	*wt = out;
	return 0;
}

int
deadline_worktime_parse_day(const char *s, int weekday, struct worktime *wt)
{
	if (weekday < 0 || weekday > 6 ||
	    parse_periods(s, &wt->day[weekday].n_periods, wt->day[weekday].periods) < 0)
		return -1;
	wt->own_days |= 1u << weekday;
	return 0;
}

static int64_t
periods_seconds(const struct worktime_period *p, size_t n)
{
	int64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += (int64_t)(p[i].end - p[i].start) * MINUTE;
	return total;
}

int64_t
deadline_day_seconds(const struct worktime *wt)
{
	wt = usable(wt);
	return periods_seconds(wt->periods, wt->n_periods);
}

/* The periods of one day, as the walks below read them. */
struct hours {
	size_t n;
	const struct worktime_period *p;
};

/*
 * The periods of `day`: its weekday's own, unless a notice declared the day
 * working (it stands in for a whole weekday: the hours of every day); cal
 * NULL does not ask.  wt is usable.
 */
static struct hours
hours_of(struct calendar *cal, const struct worktime *wt, int32_t day)
{
	int w;

	if (wt->own_days != 0) {
		w = civil_weekday(day);
		if ((wt->own_days & (1u << w)) != 0 &&
		    (cal == NULL || !calendar_declared_working(cal, day)))
			return (struct hours){wt->day[w].n_periods, wt->day[w].periods};
	}
	return (struct hours){wt->n_periods, wt->periods};
}

bool
deadline_day_own_hours(struct calendar *cal, const struct worktime *wt, int32_t day,
		       struct worktime_day *out)
{
	struct hours h;

	wt = usable(wt);
	h = hours_of(cal, wt, day);
	if (h.p == wt->periods)
		return false;
	if (out != NULL) {
		out->n_periods = h.n;
		memcpy(out->periods, h.p, h.n * sizeof *h.p);
	}
	return true;
}

static int
period_start(struct hours h, size_t i)
{
	return h.p[i].start * MINUTE;
}

static int
period_end(struct hours h, size_t i)
{
	return h.p[i].end * MINUTE;
}

/* ---- Rules --------------------------------------------------------------------- */

struct name_value {
	const char *name;
	int value;
};

static const struct name_value unit_names[] = {
	{"hours", DEADLINE_HOURS},
	{"working-days", DEADLINE_WORKING_DAYS},
	{"calendar-days", DEADLINE_CALENDAR_DAYS},
	{NULL, 0},
};

static const struct name_value policy_names[] = {
	{"restart", DEADLINE_RESTART},
	{"pause", DEADLINE_PAUSE},
	{NULL, 0},
};

static int
lookup_name(const struct name_value *table, const char *name, int *value)
{
	if (name == NULL)
		return -1;
	for (const struct name_value *e = table; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0) {
			*value = e->value;
			return 0;
		}
	return -1;
}

static const char *
lookup_value(const struct name_value *table, int value)
{
	for (const struct name_value *e = table; e->name != NULL; e++)
		if (e->value == value)
			return e->name;
	return "?";
}

int
deadline_unit_parse(const char *name, enum deadline_unit *out)
{
	int v;
	if (lookup_name(unit_names, name, &v) < 0)
		return -1;
	*out = (enum deadline_unit)v;
	return 0;
}

const char *
deadline_unit_name(enum deadline_unit unit)
{
	return lookup_value(unit_names, (int)unit);
}

int
deadline_policy_parse(const char *name, enum deadline_policy *out)
{
	int v;
	if (lookup_name(policy_names, name, &v) < 0)
		return -1;
	*out = (enum deadline_policy)v;
	return 0;
}

const char *
deadline_policy_name(enum deadline_policy policy)
{
	return lookup_value(policy_names, (int)policy);
}

static const struct name_value calendar_from_names[] = {
	{"reception", DEADLINE_FROM_RECEPTION},
	{"next_day", DEADLINE_FROM_NEXT_DAY},
	{NULL, 0},
};

static const struct name_value break_names[] = {
	{"before", DEADLINE_BREAK_BEFORE},
	{"after", DEADLINE_BREAK_AFTER},
	{NULL, 0},
};

static const struct name_value days_as_names[] = {
	{"hours", DEADLINE_DAYS_AS_HOURS},
	{"day_end", DEADLINE_DAYS_TO_DAY_END},
	{NULL, 0},
};

const char *
deadline_calendar_from_name(enum deadline_calendar_from v)
{
	return lookup_value(calendar_from_names, (int)v);
}

int
deadline_calendar_from_parse(const char *name, enum deadline_calendar_from *out)
{
	int v;
	if (lookup_name(calendar_from_names, name, &v) < 0)
		return -1;
	*out = (enum deadline_calendar_from)v;
	return 0;
}

const char *
deadline_break_name(enum deadline_break v)
{
	return lookup_value(break_names, (int)v);
}

int
deadline_break_parse(const char *name, enum deadline_break *out)
{
	int v;
	if (lookup_name(break_names, name, &v) < 0)
		return -1;
	*out = (enum deadline_break)v;
	return 0;
}

const char *
deadline_days_as_name(enum deadline_days_as v)
{
	return lookup_value(days_as_names, (int)v);
}

int
deadline_days_as_parse(const char *name, enum deadline_days_as *out)
{
	int v;
	if (lookup_name(days_as_names, name, &v) < 0)
		return -1;
	*out = (enum deadline_days_as)v;
	return 0;
}

int
deadline_rule_check(const struct due_rule *rule)
{
	if (rule == NULL || rule->duration < 0 || rule->duration > DEADLINE_MAX_DURATION)
		return -1;
	if (rule->unit != DEADLINE_HOURS && rule->unit != DEADLINE_WORKING_DAYS &&
	    rule->unit != DEADLINE_CALENDAR_DAYS)
		return -1;
	if (rule->cutoff >= 24 * 60)
		return -1;
	if (rule->supplement != DEADLINE_RESTART && rule->supplement != DEADLINE_PAUSE)
		return -1;
	return 0;
}

/* ---- Working time -------------------------------------------------------------- */

bool
deadline_in_working_time(struct calendar *cal, const struct worktime *wt, mc_time t)
{
	int32_t day = civil_day_of(t);
	int sod = civil_seconds_of_day(t);
	struct hours h;

	wt = usable(wt);
	if (!calendar_is_working_day(cal, day))
		return false;
	h = hours_of(cal, wt, day);
	for (size_t i = 0; i < h.n; i++)
		if (sod >= period_start(h, i) && sod < period_end(h, i))
			return true;
	return false;
}

int64_t
deadline_working_seconds(struct calendar *cal, const struct worktime *wt, mc_time from,
			 mc_time to)
{
	int32_t first = civil_day_of(from), last = civil_day_of(to);
	int64_t total = 0;

	if (to <= from)
		return 0;
	wt = usable(wt);
	for (int32_t day = first; day <= last; day++) {
		int lo = day == first ? civil_seconds_of_day(from) : 0;
		int hi = day == last ? civil_seconds_of_day(to) : CIVIL_DAY;
		struct hours h;

		if (!calendar_is_working_day(cal, day))
			continue;
		h = hours_of(cal, wt, day);
		for (size_t i = 0; i < h.n; i++) {
			int a = period_start(h, i) > lo ? period_start(h, i) : lo;
			int b = period_end(h, i) < hi ? period_end(h, i) : hi;
			if (b > a)
				total += b - a;
		}
	}
	return total;
}

mc_time
deadline_next_working_instant(struct calendar *cal, const struct worktime *wt, mc_time t)
{
	int32_t day = civil_day_of(t);
	int sod = civil_seconds_of_day(t);
	struct hours h;

	wt = usable(wt);
	if (calendar_is_working_day(cal, day)) {
		h = hours_of(cal, wt, day);
		for (size_t i = 0; i < h.n; i++)
			if (sod < period_end(h, i))
				return sod >= period_start(h, i)
					       ? t
					       : civil_make_time(day, period_start(h, i));
	}
	day = calendar_next_working_day(cal, day);
	return civil_make_time(day, period_start(hours_of(cal, wt, day), 0));
}

mc_time
deadline_add_working(struct calendar *cal, const struct worktime *wt, mc_time from,
		     int64_t seconds)
{
	int32_t day = civil_day_of(from);
	int sod = civil_seconds_of_day(from);

	if (seconds <= 0)
		return from;
	wt = usable(wt);
	for (;;) {
		struct hours h;

		if (!calendar_is_working_day(cal, day)) {
			day = calendar_working_day_on_or_after(cal, day);
			sod = 0;
		}
		h = hours_of(cal, wt, day);
		/* A whole working day, not the last: skip it in one step. */
		if (sod == 0 && seconds > periods_seconds(h.p, h.n)) {
			seconds -= periods_seconds(h.p, h.n);
			day++;
			continue;
		}
		for (size_t i = 0; i < h.n; i++) {
			int from_sod, avail;
			if (sod >= period_end(h, i))
				continue;
			from_sod = sod > period_start(h, i) ? sod : period_start(h, i);
			avail = period_end(h, i) - from_sod;
			/* <=: a result at a period's end stays at that end (17:00). */
			if (seconds <= avail)
				return civil_make_time(day, from_sod + (int)seconds);
			seconds -= avail;
			sod = period_end(h, i);
		}
		day++;
		sod = 0;
	}
}

mc_time
deadline_end_of_day(struct calendar *cal, const struct worktime *wt, int32_t day)
{
	struct hours h;

	wt = usable(wt);
	h = hours_of(cal, wt, day);
	return civil_make_time(day, period_end(h, h.n - 1));
}

/* ---- Due dates ----------------------------------------------------------------- */

static bool
counts_wall_clock(const struct due_rule *rule)
{
	return rule->unit == DEADLINE_CALENDAR_DAYS && rule->duration > 0;
}

int
deadline_start(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
	       mc_time received, mc_time *start)
{
	if (deadline_rule_check(rule) < 0 || (wt != NULL && deadline_worktime_check(wt) < 0))
		return -1;
	wt = usable(wt);
	/* Strictly after: received at 15:00:00 with a 15:00 cut-off is before it. */
	if (rule->cutoff > 0 && civil_seconds_of_day(received) > rule->cutoff * MINUTE) {
		int32_t day = calendar_next_working_day(cal, civil_day_of(received));
		*start = civil_make_time(day, period_start(hours_of(cal, wt, day), 0));
	} else if (counts_wall_clock(rule)) {
		*start = received;
	} else {
		*start = deadline_next_working_instant(cal, wt, received);
	}
	return 0;
}

/*
 * A clock time in the break after period i of h: the end of that period
 * (DEADLINE_BREAK_BEFORE) or the start of the next (DEADLINE_BREAK_AFTER).
 */
static int
settle_in_break(const struct worktime *wt, struct hours h, size_t i)
{
	return wt->reading.in_break == DEADLINE_BREAK_AFTER ? period_start(h, i + 1)
							    : period_end(h, i);
}

/*
 * A wall-clock result moved onto a working day and clamped into its working
 * hours: before the first period -> its start; after the last -> its end; in
 * a break -> the end of the period before it (or the start of the one after,
 * as the reading says), so by default the due time never moves later on the
 * day except before opening.
 */
static mc_time
place_on_working_time(struct calendar *cal, const struct worktime *wt, mc_time raw)
{
	int32_t day = calendar_working_day_on_or_after(cal, civil_day_of(raw));
	int sod = civil_seconds_of_day(raw);
	struct hours h = hours_of(cal, wt, day);
	size_t last = h.n - 1;

	if (sod < period_start(h, 0))
		sod = period_start(h, 0);
	else if (sod >= period_end(h, last))
		sod = period_end(h, last);
	else
		for (size_t i = 0; i < last; i++)
			if (sod >= period_end(h, i) && sod < period_start(h, i + 1))
				sod = settle_in_break(wt, h, i);
	return civil_make_time(day, sod);
}

/*
 * A result of working time that ends at the end of a period another follows
 * on the same day is in that break: under DEADLINE_BREAK_AFTER it is shown
 * at the next period's start (11:30 -> 13:30; the same working time).
 */
static mc_time
settle_working(struct calendar *cal, const struct worktime *wt, mc_time due)
{
	int32_t day = civil_day_of(due);
	int sod = civil_seconds_of_day(due);
	struct hours h;

	if (wt->reading.in_break != DEADLINE_BREAK_AFTER)
		return due;
	h = hours_of(cal, wt, day);
	for (size_t i = 0; i + 1 < h.n; i++)
		if (sod >= period_end(h, i) && sod < period_start(h, i + 1))
			return civil_make_time(day, period_start(h, i + 1));
	return due;
}

mc_time
deadline_calendar_landing(struct calendar *cal, const struct worktime *wt,
			  const struct due_rule *rule, mc_time start, int64_t paused)
{
	int32_t day;

	if (!counts_wall_clock(rule))
		return 0;
	wt = usable(wt);
	if (wt->reading.calendar_from == DEADLINE_FROM_RECEPTION)
		return start + (int64_t)rule->duration * CIVIL_DAY + paused;
	/* the day after the start's is day 1; a pause in whole days */
	day = civil_day_of(start) + rule->duration +
	      (int32_t)((paused + CIVIL_DAY - 1) / CIVIL_DAY);
	/* The end of that day's hours if it works, else of the hours of every
	 * day (a day off has none of its own to end); due_from_start() then
	 * takes the end of the working day it moves to. */
	if (calendar_is_working_day(cal, day))
		return deadline_end_of_day(cal, wt, day);
	return civil_make_time(day, wt->periods[wt->n_periods - 1].end * MINUTE);
}

/*
 * The end of the Nth working day from start (a working instant): the start's
 * day is day 1 when the clock starts at its opening, else the next working
 * day is.
 */
static mc_time
end_of_nth_working_day(struct calendar *cal, const struct worktime *wt, mc_time start, int n)
{
	int32_t day = civil_day_of(start);

	if (civil_seconds_of_day(start) > period_start(hours_of(cal, wt, day), 0) ||
	    !calendar_is_working_day(cal, day))
		day = calendar_next_working_day(cal, day);
	for (int k = 1; k < n; k++)
		day = calendar_next_working_day(cal, day);
	return deadline_end_of_day(cal, wt, day);
}

/* The due date from an already computed start, moved by `paused` seconds. */
static mc_time
due_from_start(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
	       mc_time start, int64_t paused)
{
	mc_time due;

	if (counts_wall_clock(rule)) {
		due = deadline_calendar_landing(cal, wt, rule, start, paused);
		/* From the next day, a due date is the end of a working day's
		 * hours: the end of the one it moves to, which may differ from
		 * the landing's (Saturday-morning hours). */
		if (wt->reading.calendar_from == DEADLINE_FROM_NEXT_DAY)
			return deadline_end_of_day(
				cal, wt, calendar_working_day_on_or_after(cal, civil_day_of(due)));
		return place_on_working_time(cal, wt, due);
	}
	if (rule->duration == 0)
		due = deadline_end_of_day(cal, wt, civil_day_of(start));
	else if (rule->unit == DEADLINE_HOURS)
		due = deadline_add_working(cal, wt, start, (int64_t)rule->duration * HOUR);
	else if (wt->reading.working_days == DEADLINE_DAYS_TO_DAY_END)
		due = end_of_nth_working_day(cal, wt, start, rule->duration);
	else
		due = deadline_add_working(cal, wt, start,
					   (int64_t)rule->duration * deadline_day_seconds(wt));
	return settle_working(cal, wt, deadline_add_working(cal, wt, due, paused));
}

int
deadline_due(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
	     mc_time received, mc_time *due_at)
{
	mc_time start;

	*due_at = 0;
	if (deadline_start(cal, wt, rule, received, &start) < 0)
		return -1;
	*due_at = due_from_start(cal, usable(wt), rule, start, 0);
	return 0;
}

struct interval {
	mc_time from, to;
};

static int
cmp_interval(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;
	return (x->from > y->from) - (x->from < y->from);
}

/* Time the clock stood still: the union of the intervals, clipped at `start`. */
static int64_t
paused_seconds(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
	       mc_time start, const struct dossier_supplement *sup, size_t n)
{
	struct interval *iv = xcalloc(n, sizeof *iv);
	size_t k = 0;
	int64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		mc_time from = sup[i].requested_at > start ? sup[i].requested_at : start;
		if (sup[i].requested_at == 0 || sup[i].completed_at <= from)
			continue;
		iv[k].from = from;
		iv[k].to = sup[i].completed_at;
		k++;
	}
	qsort(iv, k, sizeof *iv, cmp_interval);
	for (size_t i = 0; i < k;) {
		mc_time from = iv[i].from, to = iv[i].to;
		for (i++; i < k && iv[i].from <= to; i++)
			if (iv[i].to > to)
				to = iv[i].to;
		total += counts_wall_clock(rule) ? to - from
						 : deadline_working_seconds(cal, wt, from, to);
	}
	free(iv);
	return total;
}

int
deadline_due_supplemented(struct calendar *cal, const struct worktime *wt,
			  const struct due_rule *rule, mc_time received,
			  const struct dossier_supplement *sup, size_t n, mc_time *due_at)
{
	mc_time start, latest = 0;

	*due_at = 0;
	if (deadline_start(cal, wt, rule, received, &start) < 0)
		return DEADLINE_INVALID;
	wt = usable(wt);
	for (size_t i = 0; i < n; i++) {
		if (sup[i].requested_at == 0)
			continue;
		if (sup[i].completed_at == 0)
			return DEADLINE_WAITING;
		if (sup[i].completed_at > latest)
			latest = sup[i].completed_at;
	}
	if (latest == 0) {
		*due_at = due_from_start(cal, wt, rule, start, 0);
		return DEADLINE_OK;
	}
	if (rule->supplement == DEADLINE_RESTART) {
		/* The completed supplement is a new reception, cut-off included. */
		if (latest < received)
			latest = received;
		return deadline_due(cal, wt, rule, latest, due_at) < 0 ? DEADLINE_INVALID
								       : DEADLINE_OK;
	}
	*due_at = due_from_start(cal, wt, rule, start,
				 paused_seconds(cal, wt, rule, start, sup, n));
	return DEADLINE_OK;
}

/* ---- Classification ------------------------------------------------------------ */

/*
 * The working time from now to a due date grows by one each working second
 * and stands still outside working time.  e is the earliest instant with
 * `soon` working seconds from now; the working time to a later due date x is
 * soon + working_seconds(e, x), still `soon` exactly while [e, x) holds no
 * working second, i.e. while x <= next_working_instant(e).  So the last due
 * date coming due is next_working_instant(e), and soon_end the second after.
 */
int
deadline_horizon_at(struct calendar *cal, const struct worktime *wt, mc_time now, int64_t soon,
		    struct deadline_horizon *out)
{
	mc_time e;

	if (wt != NULL && deadline_worktime_check(wt) < 0)
		return -1;
	wt = usable(wt);
	if (soon < 0)
		soon = deadline_day_seconds(wt);
	e = deadline_add_working(cal, wt, now, soon);
	out->now = now;
	out->soon_end = deadline_next_working_instant(cal, wt, e) + 1;
	return 0;
}

enum deadline_class
deadline_classify_at(const struct deadline_horizon *h, mc_time due_at)
{
	if (due_at == 0)
		return DEADLINE_NONE;
	if (due_at < h->now)
		return DEADLINE_OVERDUE;
	return due_at < h->soon_end ? DEADLINE_DUE_SOON : DEADLINE_ON_TRACK;
}

enum deadline_class
deadline_classify_open(struct calendar *cal, const struct worktime *wt, mc_time due_at,
		       mc_time now, int64_t soon)
{
	struct deadline_horizon h;

	if (due_at == 0)
		return DEADLINE_NONE;
	/* usable(): never fails, like the other functions without a status. */
	deadline_horizon_at(cal, usable(wt), now, soon, &h);
	return deadline_classify_at(&h, due_at);
}

enum deadline_class
deadline_classify_finished(struct calendar *cal, const struct worktime *wt, mc_time due_at,
			   mc_time finished_at, const struct dossier_supplement *sup, size_t n)
{
	const struct dossier_supplement *only = NULL;
	size_t requests = 0;
	mc_time effective = due_at;

	if (due_at == 0 || finished_at == 0)
		return DEADLINE_NONE;
	for (size_t i = 0; i < n; i++)
		if (sup[i].requested_at != 0) {
			requests++;
			only = &sup[i];
		}
	if (requests > 1)
		return DEADLINE_LATE;
	if (only != NULL) {
		mc_time end = only->completed_at;
		if (end == 0 || end > finished_at)
			end = finished_at;
		effective = deadline_add_working(
			cal, wt, due_at, deadline_working_seconds(cal, wt, only->requested_at, end));
	}
	if (finished_at > effective)
		return DEADLINE_LATE;
	return civil_day_of(finished_at) < civil_day_of(effective) ? DEADLINE_EARLY
								   : DEADLINE_ON_TIME;
}

enum deadline_class
deadline_classify_by_day(mc_time due_at, mc_time finished_at)
{
	int32_t due_day, end_day;

	if (due_at == 0 || finished_at == 0)
		return DEADLINE_NONE;
	due_day = civil_day_of(due_at);
	end_day = civil_day_of(finished_at);
	if (end_day < due_day)
		return DEADLINE_EARLY;
	return end_day == due_day ? DEADLINE_ON_TIME : DEADLINE_LATE;
}

struct class_text {
	const char *name;
	const char *vi;
	const char *en;
};

/* Indexed by enum deadline_class. */
static const struct class_text class_texts[DEADLINE_N_CLASSES] = {
	[DEADLINE_NONE] = {"none", "Chưa có hạn", "No due date"},
	[DEADLINE_ON_TRACK] = {"on_track", "Trong hạn", "On track"},
	[DEADLINE_DUE_SOON] = {"due_soon", "Sắp đến hạn", "Coming due"},
	[DEADLINE_OVERDUE] = {"overdue", "Quá hạn", "Overdue"},
	[DEADLINE_EARLY] = {"early", "Trước hạn", "Early"},
	[DEADLINE_ON_TIME] = {"on_time", "Đúng hạn", "On time"},
	[DEADLINE_LATE] = {"late", "Trễ hạn", "Late"},
};

static const struct class_text *
class_text(enum deadline_class c)
{
	return (int)c >= 0 && (int)c < DEADLINE_N_CLASSES ? &class_texts[c] : NULL;
}

const char *
deadline_class_name(enum deadline_class c)
{
	const struct class_text *t = class_text(c);
	return t != NULL ? t->name : "?";
}

int
deadline_class_parse(const char *name, enum deadline_class *out)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < DEADLINE_N_CLASSES; i++)
		if (strcmp(class_texts[i].name, name) == 0) {
			*out = (enum deadline_class)i;
			return 0;
		}
	return -1;
}

const char *
deadline_class_label(enum deadline_class c, const char *lang)
{
	const struct class_text *t = class_text(c);

	if (t == NULL)
		return "?";
	return lang != NULL && strncmp(lang, "en", 2) == 0 ? t->en : t->vi;
}
