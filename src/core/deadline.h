/*
 * deadline.h - the deadline engine: when a dossier falls due, how much working
 * time lies between two instants, and how a dossier stands against its due date.
 *
 * Pure arithmetic over a working-day calendar (core/calendar.h) and a working
 * day's periods (struct worktime, below).  No I/O, no clock reads: "now" is
 * always a parameter.  It does not know procedures (the caller picks the rule
 * per procedure) nor where a due date is stored.  The rules as implemented,
 * with worked examples, are in doc/deadlines.md.
 *
 * Conventions shared by every function here:
 *   - instants are mc_time (core/civil.h), Vietnam civil time, 1-second precision;
 *   - working time is counted in seconds; one working day is the total length
 *     of the worktime's periods (8 h by default); each day's periods are its
 *     weekday's own when it has them (struct worktime);
 *   - a period is half-open, [start, end): 07:00:00 is inside working time,
 *     11:30:00 and 17:00:00 are not;
 *   - `cal` is borrowed and not const because it caches years on first use;
 *   - `wt` is borrowed; NULL means the default worktime (07:00-11:30, 13:30-17:00).
 *     Functions that return a status reject a wt failing deadline_worktime_check();
 *     the others use the default in its place rather than loop for ever;
 *   - a result that ends exactly at the end of a period is that end (17:00),
 *     never the start of the next period (07:00 the next morning) - except
 *     that a due date at the end of a period followed by another on the same
 *     day is that next start (13:30) under DEADLINE_BREAK_AFTER;
 *   - not thread-safe (the calendar's cache), like the calendar.
 *
 * Cost: iterates per day and per period, never per minute.  A 20-working-day
 * due date takes about 30 calendar lookups.
 */
#ifndef MOTCUA_DEADLINE_H
#define MOTCUA_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/dossier.h"

/* ---- Working time of one working day -------------------------------------- */

#define DEADLINE_MAX_PERIODS 4

struct worktime_period {
	int start; /* minutes since midnight, 0..1439 */
	int end;   /* minutes since midnight, start < end <= 1440 */
};

/* One weekday's own periods (struct worktime.day). */
struct worktime_day {
	size_t n_periods; /* 1..DEADLINE_MAX_PERIODS */
	struct worktime_period periods[DEADLINE_MAX_PERIODS];
};

/*
 * The choices where the rules read two ways (doc/deadlines.md section 11).
 * Zero is the default of each, the behaviour before they were choices.
 */
enum deadline_calendar_from {
	DEADLINE_FROM_RECEPTION = 0, /* N x 24 h on the wall clock from the reception
					instant (or the cut-off's start) */
	DEADLINE_FROM_NEXT_DAY = 1,  /* the day after it is day 1: the end of the
					working hours of day N */
};
enum deadline_break {
	DEADLINE_BREAK_BEFORE = 0,   /* a due instant in a break: the end of the period
					before it (11:30) */
	DEADLINE_BREAK_AFTER = 1,    /* the start of the period after it (13:30) */
};
enum deadline_days_as {
	DEADLINE_DAYS_AS_HOURS = 0,  /* N working days = N x one working day of working
					time (N x 8 h) from the start */
	DEADLINE_DAYS_TO_DAY_END = 1,/* to the end of the Nth working day; the day the
					clock starts on is day 1 only when it starts at
					its opening */
};
struct deadline_reading {
	enum deadline_calendar_from calendar_from;
	enum deadline_break in_break;
	enum deadline_days_as working_days;
};

/*
 * The periods of a working day, sorted and not overlapping (a period may
 * start where the previous one ends), and how the rules are read.  Which
 * days are working days is the calendar's business (calendar_set_workweek,
 * holidays, overrides).
 *
 * n_periods/periods are the hours of every working day; a weekday whose bit
 * is set in own_days (bit 0 = Sunday .. bit 6 = Saturday) has day[weekday]
 * instead (Saturday-morning intake: "sat" 07:30-11:30), except on a day a
 * notice declared working (calendar_declared_working: a swapped Saturday
 * stands in for a whole weekday, so it has the hours of every day).  One
 * working day of working time (deadline_day_seconds) is the length of
 * n_periods/periods whatever a weekday's own hours.  Zero-initialised
 * beyond n_periods/periods, it is the old single-hours worktime read the
 * old way.
 */
struct worktime {
	size_t n_periods; /* 1..DEADLINE_MAX_PERIODS */
	struct worktime_period periods[DEADLINE_MAX_PERIODS];
	unsigned own_days;            /* weekdays with their own periods in day[] */
	struct worktime_day day[7];   /* indexed by weekday, 0 = Sunday */
	struct deadline_reading reading;
};

/* Fill *wt with the default: 07:00-11:30 and 13:30-17:00 (8 h), every day. */
void deadline_worktime_default(struct worktime *wt);

/* 0 when *wt is usable (see struct worktime: every day's periods, the
 * reading's values), else -1. */
int deadline_worktime_check(const struct worktime *wt);

/*
 * Parse "HH:MM-HH:MM[,HH:MM-HH:MM...]" (e.g. "07:00-11:30,13:30-17:00"; "24:00"
 * is allowed as an end) into *wt, the whole of it: those hours every day, no
 * weekday with its own, the default reading (so *wt may be uninitialised;
 * set a weekday's own hours and the reading after it).  Returns 0, or -1 (and
 * *wt untouched) for anything malformed, unsorted, overlapping or with too
 * many periods.
 */
int deadline_worktime_parse(const char *s, struct worktime *wt);

/*
 * The same for one weekday (0 = Sunday .. 6 = Saturday): its own hours
 * instead of the hours of every day.  0, or -1 (*wt untouched).
 */
int deadline_worktime_parse_day(const char *s, int weekday, struct worktime *wt);

/*
 * Whether `day` has its weekday's own hours (struct worktime: own_days, and
 * not a day a notice declared working); if so, and `out` is not NULL, they
 * go to *out.  wt NULL or unusable: the default, which has none.
 */
bool deadline_day_own_hours(struct calendar *cal, const struct worktime *wt, int32_t day,
			    struct worktime_day *out);

/* Seconds of working time in one working day (28800 by default): the length
 * of the hours of every day, not of a weekday's own. */
int64_t deadline_day_seconds(const struct worktime *wt);

/*
 * The version of the rules below and of the calendar's statutory days
 * (holiday.c, lunar.c, calendar.c).  Raise it with any change there that
 * moves a due date for the same inputs: stored due dates are re-computed
 * when it differs from the one they were computed under (app/app_due.c).
 */
#define DEADLINE_RULES_VERSION 1

/* Stable names of the reading's choices (config.json, --json; static),
 * and back: 0 or -1. */
const char *deadline_calendar_from_name(enum deadline_calendar_from v);
int deadline_calendar_from_parse(const char *name, enum deadline_calendar_from *out);
const char *deadline_break_name(enum deadline_break v);
int deadline_break_parse(const char *name, enum deadline_break *out);
const char *deadline_days_as_name(enum deadline_days_as v);
int deadline_days_as_parse(const char *name, enum deadline_days_as *out);

/* ---- Rules ------------------------------------------------------------------ */

enum deadline_unit {
	DEADLINE_HOURS = 0,         /* working hours */
	DEADLINE_WORKING_DAYS = 1,  /* N x deadline_day_seconds() of working time */
	DEADLINE_CALENDAR_DAYS = 2, /* N x 24 h on the wall clock, then moved/clamped */
};

/* What a supplement request (yêu cầu bổ sung) does to the clock. */
enum deadline_policy {
	DEADLINE_RESTART = 0, /* default: full duration again from the completed supplement */
	DEADLINE_PAUSE = 1,   /* clock stops from request to completion */
};

#define DEADLINE_MAX_DURATION 3650

/*
 * A procedure's deadline rule.  Zero-initialised it is "same day, hours, no
 * cut-off, restart", which is valid; DEADLINE_RULE_INIT spells the defaults.
 */
struct due_rule {
	int duration;                /* 0..DEADLINE_MAX_DURATION; 0 = same-day procedure */
	enum deadline_unit unit;
	int cutoff;                  /* minutes since midnight, 1..1439; <= 0 = none (use -1) */
	enum deadline_policy supplement;
};

#define DEADLINE_RULE_INIT {0, DEADLINE_WORKING_DAYS, -1, DEADLINE_RESTART}

/* "hours", "working-days", "calendar-days" <-> enum.  Parse returns 0 or -1. */
int deadline_unit_parse(const char *name, enum deadline_unit *out);
const char *deadline_unit_name(enum deadline_unit unit); /* static; "?" if unknown */
/* "pause", "restart" <-> enum.  Parse returns 0 or -1. */
int deadline_policy_parse(const char *name, enum deadline_policy *out);
const char *deadline_policy_name(enum deadline_policy policy);

/* 0 when every field of *rule is in range, else -1. */
int deadline_rule_check(const struct due_rule *rule);

/* ---- Working time ----------------------------------------------------------- */

/* True when t lies inside a period of a working day. */
bool deadline_in_working_time(struct calendar *cal, const struct worktime *wt, mc_time t);

/*
 * Working seconds in [from, to); 0 when to <= from.  Used for pauses and for
 * "how much working time is left".
 */
int64_t deadline_working_seconds(struct calendar *cal, const struct worktime *wt,
				 mc_time from, mc_time to);

/* t itself when inside working time, else the start of the next working period. */
mc_time deadline_next_working_instant(struct calendar *cal, const struct worktime *wt,
				      mc_time t);

/*
 * The earliest instant e >= from with deadline_working_seconds(from, e) ==
 * seconds (seconds >= 0).  So 2 h from 15:00 is 17:00, not 07:00 next day, and
 * 0 from anywhere is `from` itself.
 */
mc_time deadline_add_working(struct calendar *cal, const struct worktime *wt, mc_time from,
			     int64_t seconds);

/*
 * The end of the last period of `day` (17:00 by default), whether or not it
 * works, by its weekday's hours (cal NULL: not knowing whether a notice
 * declared it working, which gives it the hours of every day).
 */
mc_time deadline_end_of_day(struct calendar *cal, const struct worktime *wt, int32_t day);

/* ---- Due dates -------------------------------------------------------------- */

/*
 * The instant the clock starts for a dossier received at `received`:
 *   - received strictly after the rule's cut-off (clock time, any day): the
 *     start of the first period of the next working day after that day;
 *   - hours and working days: deadline_next_working_instant(received);
 *   - calendar days: `received` itself (the days run on the wall clock; the
 *     result is moved and clamped instead, see deadline_due).
 * Same-day procedures (duration 0) count from the same instant as working units.
 * Returns 0 and sets *start, or -1 for an invalid rule or wt.
 */
int deadline_start(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
		   mc_time received, mc_time *start);

/*
 * The due date of a dossier received at `received`, without supplements:
 *   - duration 0 (any unit): the end of the working day the clock starts on
 *     (received on a day off, at/after the last period's end, or after the
 *     cut-off: the end of the next working day);
 *   - hours: deadline_add_working(start, N h);
 *   - working days: deadline_add_working(start, N x day) (DEADLINE_DAYS_AS_HOURS),
 *     or the end of the Nth working day (DEADLINE_DAYS_TO_DAY_END);
 *   - calendar days: deadline_calendar_landing(); if that day is a day off,
 *     the next working day at the same clock time; then the clock time is
 *     clamped into that day's working hours: before the first period -> its
 *     start (06:00 -> 07:00), after the last -> its end (18:00 -> 17:00), in
 *     a break -> the end of the period before it (12:00 -> 11:30) or, under
 *     DEADLINE_BREAK_AFTER, the start of the one after it (13:30);
 *   - any unit, under DEADLINE_BREAK_AFTER: a due date at the end of a period
 *     that another follows on the same day moves to that one's start.
 * Returns 0 and sets *due_at, or -1 (and *due_at = 0) for an invalid rule or wt.
 */
int deadline_due(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
		 mc_time received, mc_time *due_at);

/*
 * Calendar days (duration > 0): where the days counted from `start` land
 * before the landing is moved onto working time - start + N x 24 h
 * (DEADLINE_FROM_RECEPTION), or the end of the working hours of the Nth day
 * after start's day, of the hours of every day when it is a day off
 * (DEADLINE_FROM_NEXT_DAY; the due date is then the end of the working day
 * it moves to, not a clamped clock time) - with `paused` seconds of a
 * supplement's pause added (on the wall clock; in whole days, rounded up,
 * from the next day).  For due_explain: deadline_due() is this, then moved
 * and clamped.  0 for another unit.
 */
mc_time deadline_calendar_landing(struct calendar *cal, const struct worktime *wt,
				  const struct due_rule *rule, mc_time start, int64_t paused);

enum deadline_status {
	DEADLINE_INVALID = -1, /* bad rule or worktime; *due_at = 0 */
	DEADLINE_OK = 0,       /* *due_at set */
	DEADLINE_WAITING = 1,  /* a supplement is pending: no due date; *due_at = 0 */
};

/*
 * The due date with the dossier's supplements applied per rule->supplement.
 * Only requested_at and completed_at of each element are read (borrowed; the
 * order does not matter); elements with requested_at == 0 are ignored.
 *   - any element with completed_at == 0 (pending): DEADLINE_WAITING;
 *   - restart: deadline_due() with the latest completed_at as the reception;
 *   - pause: deadline_due() from `received`, then moved later by the time the
 *     clock stood still: the union of the [requested_at, completed_at]
 *     intervals (clipped to start at `received`), counted in working time for
 *     hours/working days (deadline_add_working) and on the wall clock for
 *     calendar days (then moved and clamped as in deadline_due).
 * With n == 0 this is deadline_due().  Returns an enum deadline_status.
 */
int deadline_due_supplemented(struct calendar *cal, const struct worktime *wt,
			      const struct due_rule *rule, mc_time received,
			      const struct dossier_supplement *sup, size_t n, mc_time *due_at);

/* ---- Classification --------------------------------------------------------- */

enum deadline_class {
	DEADLINE_NONE = 0,   /* no due date (none set, or waiting for a supplement) */
	DEADLINE_ON_TRACK,   /* open, due later than the threshold */
	DEADLINE_DUE_SOON,   /* open, due within the threshold (sắp đến hạn) */
	DEADLINE_OVERDUE,    /* open, now is after the due date (quá hạn) */
	DEADLINE_EARLY,      /* finished before the due date's day */
	DEADLINE_ON_TIME,    /* finished on the due date's day, not after it */
	DEADLINE_LATE,       /* finished after the due date */
};
#define DEADLINE_N_CLASSES 7

/*
 * The due classes' thresholds at one instant (the one rule; doc/deadlines.md).
 * An open dossier is overdue when due_at < now (now == due_at is not yet
 * overdue); coming due when now <= due_at < soon_end; on track when
 * due_at >= soon_end.  Both are plain instants, so the store can filter on
 * them in SQL (half-open ranges of its due_key) and the screens compare with
 * them, and every front end counts the same dossiers.
 */
struct deadline_horizon {
	mc_time now;       /* an open dossier with due_at < now is overdue */
	mc_time soon_end;  /* now <= due_at < soon_end: due soon; due_at >= soon_end: on track */
};

/*
 * The horizon at `now` for a threshold of `soon` seconds of WORKING time
 * (soon < 0: one working day, deadline_day_seconds(wt)): a due date is coming
 * due when the working time from now to it is at most `soon`.  With
 * e = deadline_add_working(now, soon), every due date up to and including
 * deadline_next_working_instant(e) has exactly `soon` working seconds or fewer
 * ahead of it (the time after e up to the next period is not working time:
 * with 8 h from Friday 09:00, both Friday 17:00 and Monday 07:00 are 8 h
 * away), so soon_end is that instant plus one second.  Computed once, it is
 * valid for every due date: deadline_classify_at(h, due_at) equals
 * deadline_classify_open(cal, wt, due_at, now, soon) for all due_at.
 * Returns 0 and fills *out, or -1 (*out untouched) for a wt failing
 * deadline_worktime_check(); wt NULL is the default.
 */
int deadline_horizon_at(struct calendar *cal, const struct worktime *wt, mc_time now,
			int64_t soon, struct deadline_horizon *out);

/* The class of an open dossier against h (due_at 0: DEADLINE_NONE). Pure comparison. */
enum deadline_class deadline_classify_at(const struct deadline_horizon *h, mc_time due_at);

/*
 * An open dossier at `now`: overdue when now > due_at (now == due_at is not
 * yet overdue); due soon when the working time from now to due_at is at most
 * `soon` seconds (soon < 0: one working day, deadline_day_seconds(wt)); else
 * on track.  due_at == 0 gives DEADLINE_NONE.  The same rule as
 * deadline_horizon_at() + deadline_classify_at() (it is implemented so); to
 * classify many dossiers at one instant, compute the horizon once.
 */
enum deadline_class deadline_classify_open(struct calendar *cal, const struct worktime *wt,
					   mc_time due_at, mc_time now, int64_t soon);

/*
 * A finished dossier, national indicator (DOMAIN.md section 3).  `due_at` is
 * the due date computed from reception WITHOUT supplements (deadline_due(), or
 * the source's original NgayHenTra); `finished_at` is NgayKetThucXuLy.
 *   - two or more supplement requests (requested_at != 0): late;
 *   - else the supplement's working time (request to completion, or to
 *     finished_at if not completed or completed later) is subtracted, i.e.
 *     due_at is moved later by it (deadline_add_working), giving the
 *     effective due date E;
 *   - finished_at > E: late; finished on a civil day before E's day: early;
 *     otherwise on time.
 * due_at == 0 or finished_at == 0 gives DEADLINE_NONE.  sup may be NULL if n == 0.
 */
enum deadline_class deadline_classify_finished(struct calendar *cal, const struct worktime *wt,
					       mc_time due_at, mc_time finished_at,
					       const struct dossier_supplement *sup, size_t n);

/*
 * The provincial day-granularity classification: early when the civil date of
 * finished_at is before that of due_at, on time on the same date (whatever the
 * clock time), late after.  No supplement handling.  A zero instant gives NONE.
 */
enum deadline_class deadline_classify_by_day(mc_time due_at, mc_time finished_at);

/*
 * Stable machine names: "none", "on_track", "due_soon", "overdue", "early",
 * "on_time", "late" (static strings; "?" for an out-of-range value).  Parse
 * returns 0 or -1.
 */
const char *deadline_class_name(enum deadline_class c);
int deadline_class_parse(const char *name, enum deadline_class *out);

/*
 * Human label, static UTF-8: lang "en..." gives English ("Coming due"),
 * anything else (NULL, "vi") Vietnamese ("Sắp đến hạn").
 */
const char *deadline_class_label(enum deadline_class c, const char *lang);

#endif
