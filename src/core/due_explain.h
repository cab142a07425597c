/*
 * due_explain.h - why a due date is what it is: the steps of the rule of
 * core/deadline.h, told as data, for the clerk who disputes an overdue flag
 * ("Vì sao hạn này?") and the support engineer who compares with a system's
 * own date.  Pure: time and the calendar are passed in, no I/O.
 *
 * The explanation follows deadline_due_supplemented() step by step and ends
 * with the same instant (tests/unit/test_due_explain.c checks that for every
 * rule); it never computes a date of its own.
 */
#ifndef MOTCUA_CORE_DUE_EXPLAIN_H
#define MOTCUA_CORE_DUE_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/deadline.h"
#include "core/dossier.h"

enum due_step_kind {
	DUE_STEP_RECEIVED,      /* at: the reception instant */
	DUE_STEP_AFTER_CUTOFF,  /* received after the cut-off (cutoff, minutes): clock from `until` */
	DUE_STEP_OUTSIDE_HOURS, /* received outside working time: clock from `until` */
	DUE_STEP_START,         /* at: the clock starts */
	DUE_STEP_DAYS_OFF,      /* days day..day_end not counted: weekend or a named day off */
	DUE_STEP_PAUSE,         /* at..until: the clock stood still for a supplement */
	DUE_STEP_RESTART,       /* at: supplement completed; the full duration again from there */
	DUE_STEP_WAITING,       /* at: a supplement asked for and not completed: no due date */
	DUE_STEP_MOVED,         /* calendar days: `at` fell on a day off or outside hours: `until` */
	DUE_STEP_DUE,           /* at: the due date */
	DUE_STEP_DAY_HOURS,     /* day: counted with its weekday's own hours (hours);
				   only with struct worktime's own_days */
};

/* What kind of day off a DUE_STEP_DAYS_OFF is. */
enum due_day_kind {
	DUE_DAY_WEEKEND,        /* outside the working week */
	DUE_DAY_HOLIDAY,        /* statutory holiday (Labour Code art. 112) */
	DUE_DAY_IN_LIEU,        /* nghỉ bù for a holiday on a weekly rest day */
	DUE_DAY_NOTICE,         /* from a yearly official notice (config/calendar) */
};

struct due_step {
	enum due_step_kind kind;
	mc_time at, until;      /* as the kind says; 0 when unused */
	int32_t day, day_end;   /* DUE_STEP_DAYS_OFF: first and last civil day */
	enum due_day_kind day_kind;
	char *name;             /* the day off's name (Vietnamese; owned); NULL for weekends */
	char *source;           /* DUE_DAY_NOTICE: the document that fixed the days
				   (owned); NULL when the notice names none */
	char *file;             /* DUE_DAY_NOTICE: the notice file (owned); NULL: unknown */
	int cutoff;             /* DUE_STEP_AFTER_CUTOFF: minutes since midnight */
	struct worktime_day hours; /* DUE_STEP_DAY_HOURS: that day's periods */
};

struct due_explanation {
	struct due_rule rule;
	struct deadline_reading reading; /* how the rules were read (wt's) */
	int status;             /* enum deadline_status */
	mc_time received, start, due_at;
	struct due_step *steps; /* owned */
	size_t n_steps;
	size_t n_supplements;   /* asked for (requested_at != 0) */
};

/*
 * Explain the due date of a dossier received at `received` under `rule`, with
 * its supplements (borrowed; may be NULL when n is 0), as
 * deadline_due_supplemented() computes it.  wt NULL is the default.  Fills
 * *out (release with due_explanation_release()) and returns its status
 * (DEADLINE_OK, DEADLINE_WAITING, or DEADLINE_INVALID with no steps).
 */
int due_explain(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
		mc_time received, const struct dossier_supplement *sup, size_t n,
		struct due_explanation *out);
void due_explanation_release(struct due_explanation *e);

/* Stable machine names ("received", "days_off", ...; "weekend", "holiday",
 * "in_lieu", "notice"): static. */
const char *due_step_kind_name(enum due_step_kind k);
const char *due_day_kind_name(enum due_day_kind k);

#endif
