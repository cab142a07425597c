/*
 * app_due.c - the stored local due dates kept in step with what they are
 * computed from (app.h, app_due_refresh).
 *
 * A pull computes each dossier's due date from its procedure's rule, the
 * calendar (statutory days, the yearly notices) and the working time, and
 * stores it.  When one of those changes - a notice file added, a rule
 * edited in procedures.json, other working hours in config.json, a build
 * whose holiday or deadline rules differ - the dates already stored are
 * stale.  At open the app describes those inputs in one canonical text, and
 * when its fingerprint differs from the one the store noted, re-computes
 * every stored date the way the pull does (sync_local_due) and notes the
 * new fingerprint.  The decisions (what goes into the text, why a store
 * without a fingerprint is re-computed) are in doc/deadlines.md, "Stored
 * due dates".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "core/xalloc.h"

/* A growing text. */
struct text {
	char *buf;
	size_t len, cap;
};

static void __attribute__((format(printf, 2, 3)))
text_addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->buf = xrealloc(t->buf, t->cap);
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void
add_periods(struct text *t, const struct worktime_period *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		text_addf(t, " %d-%d", p[i].start, p[i].end);
}

/*
 * The hours of every day, then each weekday's own and the reading only when
 * set: the text of a default configuration stays what it was before they
 * existed, so a store is not re-computed for nothing after an upgrade.
 */
static void
add_worktime(struct text *t, const struct worktime *wt)
{
	text_addf(t, "hours");
	add_periods(t, wt->periods, wt->n_periods);
	text_addf(t, "\n");
	for (int d = 0; d < 7; d++)
		if ((wt->own_days & (1u << d)) != 0) {
			text_addf(t, "day %d hours", d);
			add_periods(t, wt->day[d].periods, wt->day[d].n_periods);
			text_addf(t, "\n");
		}
	if (wt->reading.calendar_from != DEADLINE_FROM_RECEPTION ||
	    wt->reading.in_break != DEADLINE_BREAK_BEFORE ||
	    wt->reading.working_days != DEADLINE_DAYS_AS_HOURS)
		text_addf(t, "reading %s %s %s\n",
			  deadline_calendar_from_name(wt->reading.calendar_from),
			  deadline_break_name(wt->reading.in_break),
			  deadline_days_as_name(wt->reading.working_days));
}

static void
add_procedures(struct text *t, const struct procedures *procs)
{
	for (size_t i = 0; i < procs->n; i++) {
		const struct due_rule *r = &procs->items[i].rule;

		/* the code's length first: no code can pass for another's tail */
		text_addf(t, "procedure %zu:%s %d %d %d %d\n", strlen(procs->items[i].code),
			  procs->items[i].code, r->duration, (int)r->unit, r->cutoff,
			  (int)r->supplement);
	}
}

/*
 * The calendar: the workweek (it moves nghỉ bù too), and for every year a
 * notice applies to, that year's days off and declared working days as the
 * calendar computes them - not the notice files' text, so a comment or a
 * name edited changes nothing, and a notice file added, removed or changed
 * does.  The years without a notice are the statutory days alone, which
 * only a build with other rules changes (DEADLINE_RULES_VERSION).  Nothing
 * here depends on the store or the clock: a sync adding dossiers of a new
 * year is no reason to re-compute.
 */
static void
add_calendar(struct text *t, struct calendar *cal)
{
	int years[256];
	size_t n_years = calendar_override_years(cal, years, sizeof years / sizeof years[0]);

	text_addf(t, "workweek %#x\n", calendar_workweek(cal));
	for (size_t k = 0; k < n_years && k < sizeof years / sizeof years[0]; k++) {
		const struct calendar_day *days;
		size_t n = calendar_days_off(cal, years[k], &days);

		text_addf(t, "year %d off", years[k]);
		for (size_t i = 0; i < n; i++)
			text_addf(t, " %" PRId32, days[i].day);
		n = calendar_working_overrides(cal, years[k], &days);
		text_addf(t, " working");
		for (size_t i = 0; i < n; i++)
			text_addf(t, " %" PRId32, days[i].day);
		text_addf(t, "\n");
	}
}

char *
app_due_inputs_text(struct app *a)
{
	struct text t = {0};

	text_addf(&t, "motcua due inputs %d\n", DEADLINE_RULES_VERSION);
	add_worktime(&t, &a->cfg.worktime);
	add_procedures(&t, &a->procs);
	add_calendar(&t, a->cal);
	return t.buf;
}

struct refresh {
	struct app *a;
};

static int
recompute_one(void *ctx, const struct dossier *d, mc_time *due_at)
{
	struct app *a = ((struct refresh *)ctx)->a;

	return sync_local_due(a->store, d, &a->procs, a->cal, &a->cfg.worktime, due_at);
}

static void
progress(void *ctx, int64_t done, int64_t total)
{
	struct app *a = ((struct refresh *)ctx)->a;

	if (a->opt.due_progress != NULL)
		a->opt.due_progress(a->opt.due_progress_ctx, done, total);
}

int
app_due_refresh(struct app *a, bool force)
{
	char stored[STORE_DUE_INPUTS_LEN + 1], now[STORE_DUE_INPUTS_LEN + 1];
	struct refresh r = {a};
	struct store_due_run run;
	char *text;

	memset(&a->due_refresh, 0, sizeof a->due_refresh);
	/* a store that cannot be written keeps its dates (and is said so elsewhere) */
	if (a->store == NULL || !store_writable(a->store))
		return 0;
	if (store_due_inputs_get(a->store, stored) != 0)
		goto fail;
	text = app_due_inputs_text(a);
	store_due_inputs_digest(text, strlen(text), now);
	free(text);
	if (!force && strcmp(stored, now) == 0)
		return 0;
	if (store_due_recompute(a->store, 0, recompute_one, progress, &r, &run) != 0)
		goto fail;
	/* noted last: a run cut short is done again at the next open */
	if (store_due_inputs_set(a->store, now) != 0)
		goto fail;
	a->due_refresh.ran = true;
	a->due_refresh.total = run.total;
	a->due_refresh.changed = run.changed;
	return 0;
fail:
	/* the dates stay as they were: stale, not lost; the next open tries again */
	app_warnf(a, store_errc(a->store), NULL, a->db_path, "%s", store_errmsg(a->store));
	return -1;
}

void
app_due_refreshed(const struct app *a, struct app_due_refresh *out)
{
	*out = a->due_refresh;
}
