/*
 * due_explain.c - the steps of a due date (due_explain.h).
 *
 * Every instant here comes from core/deadline.c's own functions
 * (deadline_start, deadline_due_supplemented, deadline_next_working_instant);
 * this file only tells which of them applied and which days did not count.
 */
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/due_explain.h"
#include "core/xalloc.h"

static struct due_step *
add(struct due_explanation *e, enum due_step_kind kind, mc_time at, mc_time until)
{
	struct due_step *s;

	e->steps = xreallocarray(e->steps, e->n_steps + 1, sizeof *e->steps);
	s = &e->steps[e->n_steps++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	s->at = at;
	s->until = until;
	return s;
}

/* The named day off `day`, or NULL (a plain weekend, or a working day). */
static const struct calendar_day *
named_day(struct calendar *cal, int32_t day)
{
	const struct calendar_day *days;
	int year = civil_split(civil_make_time(day, 0)).date.year;
	size_t n = calendar_days_off(cal, year, &days);

	for (size_t i = 0; i < n; i++)
		if (days[i].day == day)
			return &days[i];
	return NULL;
}

static enum due_day_kind
day_kind(const struct calendar_day *d)
{
	if (d == NULL)
		return DUE_DAY_WEEKEND;
	switch (d->kind) {
	case CALENDAR_STATUTORY:
		return DUE_DAY_HOLIDAY;
	case CALENDAR_COMPENSATORY:
		return DUE_DAY_IN_LIEU;
	case CALENDAR_OVERRIDE:
		break;
	}
	return DUE_DAY_NOTICE;
}

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* The days off from `from` to `to` (civil days, inclusive), runs of the same
 * kind, name and document as one step each. */
static void
add_days_off(struct due_explanation *e, struct calendar *cal, int32_t from, int32_t to)
{
	struct due_step *run = NULL;

	for (int32_t day = from; day <= to; day++) {
		const struct calendar_day *d;
		enum due_day_kind k;

		if (calendar_is_working_day(cal, day)) {
			run = NULL;
			continue;
		}
		d = named_day(cal, day);
		k = day_kind(d);
		if (run != NULL && run->day_end == day - 1 && run->day_kind == k &&
		    ((run->name == NULL && d == NULL) ||
		     (run->name != NULL && d != NULL && strcmp(run->name, d->name) == 0 &&
		      same_text(run->source, d->source) && same_text(run->file, d->file)))) {
			run->day_end = day;
			continue;
		}
		run = add(e, DUE_STEP_DAYS_OFF, 0, 0);
		run->day = run->day_end = day;
		run->day_kind = k;
		run->name = d != NULL && d->name != NULL ? xstrdup(d->name) : NULL;
		if (k == DUE_DAY_NOTICE) {
			run->source = dup_or_null(d->source);
			run->file = dup_or_null(d->file);
		}
	}
}

/* The days from `from` to `to` (civil days, inclusive) that worked their
 * weekday's own hours (Saturday-morning intake): one step each, so the
 * clerk sees why a Saturday gave 4 hours, not 8. */
static void
add_day_hours(struct due_explanation *e, struct calendar *cal, const struct worktime *wt,
	      int32_t from, int32_t to)
{
	if (wt == NULL || wt->own_days == 0)
		return;
	for (int32_t day = from; day <= to; day++) {
		struct worktime_day hours;

		if (calendar_is_working_day(cal, day) &&
		    deadline_day_own_hours(cal, wt, day, &hours)) {
			struct due_step *s = add(e, DUE_STEP_DAY_HOURS, 0, 0);
			s->day = s->day_end = day;
			s->hours = hours;
		}
	}
}

/* How the clock started for a dossier (re)counted from `from`: the steps
 * that say it; returns the start. */
static mc_time
add_start(struct due_explanation *e, struct calendar *cal, const struct worktime *wt,
	  mc_time from)
{
	mc_time start = from;

	if (deadline_start(cal, wt, &e->rule, from, &start) < 0)
		return from;
	if (e->rule.cutoff > 0 && civil_seconds_of_day(from) > e->rule.cutoff * 60) {
		struct due_step *s = add(e, DUE_STEP_AFTER_CUTOFF, from, start);
		s->cutoff = e->rule.cutoff;
	} else if (start != from) {
		add(e, DUE_STEP_OUTSIDE_HOURS, from, start);
	}
	add(e, DUE_STEP_START, start, 0);
	return start;
}

int
due_explain(struct calendar *cal, const struct worktime *wt, const struct due_rule *rule,
	    mc_time received, const struct dossier_supplement *sup, size_t n,
	    struct due_explanation *out)
{
	mc_time latest_done = 0, count_from, from = received;
	bool pending = false;
	int st;

	memset(out, 0, sizeof *out);
	out->rule = *rule;
	if (wt != NULL)
		out->reading = wt->reading;
	out->received = received;
	out->status = DEADLINE_INVALID;
	if (deadline_rule_check(rule) < 0 || (wt != NULL && deadline_worktime_check(wt) < 0))
		return DEADLINE_INVALID;
	st = deadline_due_supplemented(cal, wt, rule, received, sup, n, &out->due_at);
	if (st == DEADLINE_INVALID)
		return DEADLINE_INVALID;
	out->status = st;

	add(out, DUE_STEP_RECEIVED, received, 0);
	out->start = count_from = add_start(out, cal, wt, received);
	for (size_t i = 0; i < n; i++) {
		if (sup[i].requested_at == 0)
			continue;
		out->n_supplements++;
		if (sup[i].completed_at == 0) {
			add(out, DUE_STEP_WAITING, sup[i].requested_at, 0);
			pending = true;
		} else if (rule->supplement == DEADLINE_PAUSE) {
			add(out, DUE_STEP_PAUSE, sup[i].requested_at, sup[i].completed_at);
		} else if (sup[i].completed_at > latest_done) {
			latest_done = sup[i].completed_at;
		}
	}
	if (pending)
		return out->status;
	if (latest_done != 0) {
		add(out, DUE_STEP_RESTART, latest_done, 0);
		count_from = add_start(out, cal, wt, latest_done);
		from = latest_done;
	}
	if (rule->unit == DEADLINE_CALENDAR_DAYS && rule->duration > 0) {
		/* weekends and holidays count; only the landing day may move */
		mc_time raw = deadline_calendar_landing(cal, wt, rule, count_from, 0);

		if (rule->supplement == DEADLINE_RESTART || out->n_supplements == 0) {
			if (raw != out->due_at)
				add(out, DUE_STEP_MOVED, raw, out->due_at);
		}
		/* only the due day's hours matter: it is clamped into them */
		add_day_hours(out, cal, wt, civil_day_of(out->due_at), civil_day_of(out->due_at));
	} else {
		/* from the reception (or restart), so the days the start skipped show too */
		add_days_off(out, cal, civil_day_of(from), civil_day_of(out->due_at));
		add_day_hours(out, cal, wt, civil_day_of(count_from), civil_day_of(out->due_at));
	}
	add(out, DUE_STEP_DUE, out->due_at, 0);
	return out->status;
}

void
due_explanation_release(struct due_explanation *e)
{
	for (size_t i = 0; i < e->n_steps; i++) {
		free(e->steps[i].name);
		free(e->steps[i].source);
		free(e->steps[i].file);
	}
	free(e->steps);
	memset(e, 0, sizeof *e);
}

const char *
due_step_kind_name(enum due_step_kind k)
{
	static const char *const names[] = {
		[DUE_STEP_RECEIVED] = "received",   [DUE_STEP_AFTER_CUTOFF] = "after_cutoff",
		[DUE_STEP_OUTSIDE_HOURS] = "outside_hours", [DUE_STEP_START] = "start",
		[DUE_STEP_DAYS_OFF] = "days_off",   [DUE_STEP_PAUSE] = "pause",
		[DUE_STEP_RESTART] = "restart",     [DUE_STEP_WAITING] = "waiting",
		[DUE_STEP_MOVED] = "moved",         [DUE_STEP_DUE] = "due",
		[DUE_STEP_DAY_HOURS] = "day_hours",
	};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *
due_day_kind_name(enum due_day_kind k)
{
	static const char *const names[] = {
		[DUE_DAY_WEEKEND] = "weekend", [DUE_DAY_HOLIDAY] = "holiday",
		[DUE_DAY_IN_LIEU] = "in_lieu", [DUE_DAY_NOTICE] = "notice",
	};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}
