/*
 * stats.c - the statistics every front end shows (stats.h): the counts
 * come from the store's aggregate queries; the classification of finished
 * dossiers reads each one finished within the period (bounded by
 * APP_STATS_FINISHED_MAX) for its procedure, reception and supplements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/stats.h"
#include "core/xalloc.h"

#define DEFAULT_DAYS 30

static struct app_stats_row *
row_get(struct app_stats_row **rows, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*rows)[i].name, name) == 0)
			return &(*rows)[i];
	*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
	memset(&(*rows)[*n], 0, sizeof **rows);
	snprintf((*rows)[*n].name, sizeof (*rows)[*n].name, "%s", name);
	return &(*rows)[(*n)++];
}

static int
on_status(void *ctx, const char *source, int status, int64_t n)
{
	struct app_stats *s = ctx;
	struct app_stats_row *r = row_get(&s->systems, &s->n_systems, source);

	r->total += n;
	if (!status_is_finished(status))
		r->open += n;
	if (status >= 1 && status <= STATUS_MAX)
		s->by_status[status] += n;
	return 0;
}

static int
on_area(void *ctx, const struct store_area_stats *a)
{
	struct app_stats *s = ctx;
	struct app_stats_row *r = row_get(&s->areas, &s->n_areas, a->area);

	r->total = a->total;
	r->open = a->open;
	r->soon = a->soon;
	r->overdue = a->overdue;
	return 0;
}

struct finished_ctx {
	struct app *a;
	struct app_stats *s;
	bool cells;
};

static int
cell_cmp(const struct app_stats_cell *c, const char *system, int status, const char *area)
{
	int d = strcmp(c->system, system);

	if (d == 0)
		d = c->status < status ? -1 : c->status > status;
	if (d == 0)
		d = strcmp(c->area, area);
	return d;
}

/* The cell of system x status x area, made (in order) when absent: the
 * cells come sorted from the store, and a dossier that arrived between
 * the two reads (a sync in another process) still gets a place. */
static struct app_stats_cell *
cell_get(struct app_stats *s, const char *system, int status, const char *area)
{
	size_t lo = 0, hi = s->n_cells;

	if (area == NULL)
		area = "";
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = cell_cmp(&s->cells[mid], system, status, area);
		if (d == 0)
			return &s->cells[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	s->cells = xreallocarray(s->cells, s->n_cells + 1, sizeof *s->cells);
	memmove(&s->cells[lo + 1], &s->cells[lo], (s->n_cells - lo) * sizeof *s->cells);
	s->n_cells++;
	memset(&s->cells[lo], 0, sizeof *s->cells);
	s->cells[lo].system = xstrdup(system);
	s->cells[lo].status = status;
	s->cells[lo].area = xstrdup(area);
	return &s->cells[lo];
}

static int
on_cell(void *ctx, const struct store_cell_stats *cs)
{
	struct app_stats *s = ctx;
	struct app_stats_cell *c = cell_get(s, cs->source, cs->status, cs->area);

	c->total += cs->total;
	/* open as the systems' rows count it (on_status) */
	if (!status_is_finished(cs->status))
		c->open += cs->total;
	c->soon += cs->soon;
	c->overdue += cs->overdue;
	c->received += cs->received;
	s->received += cs->received;
	return 0;
}

/* The national indicator's class of one finished dossier: the detail
 * screen's and `show`'s (app_finished_class). */
static enum deadline_class
classify(struct app *a, const char *code)
{
	struct dossier d;
	enum deadline_class c = DEADLINE_NONE;

	dossier_init(&d);
	if (store_dossier_load(a->store, code, &d) == 0)
		c = app_finished_class(a, &d);
	dossier_release(&d);
	return c;
}

static int
on_finished(void *ctx, const struct store_row *row)
{
	struct finished_ctx *fc = ctx;
	struct app_stats *s = fc->s;
	struct app_stats_row *r;
	struct app_stats_cell *c;

	s->finished_read++;
	if (row->finished_at < s->since || row->finished_at > s->until)
		return 0;
	r = row_get(&s->systems, &s->n_systems, row->source);
	c = fc->cells ? cell_get(s, row->source, row->status, row->area) : NULL;
	r->finished++;
	switch (classify(fc->a, row->code)) {
	case DEADLINE_EARLY:
		r->early++;
		if (c != NULL)
			c->early++;
		break;
	case DEADLINE_ON_TIME:
		r->on_time++;
		if (c != NULL)
			c->on_time++;
		break;
	case DEADLINE_LATE:
		r->late++;
		if (c != NULL)
			c->late++;
		break;
	default:
		r->unclassified++;
		if (c != NULL)
			c->unclassified++;
		break;
	}
	if (c != NULL)
		c->finished++;
	return 0;
}

int
app_stats(struct app *a, mc_time now, mc_time since, struct app_stats *out, struct mc_err *err)
{
	return app_stats_period(a, now, since, 0, 0, out, err);
}

int
app_stats_period(struct app *a, mc_time now, mc_time since, mc_time until, unsigned flags,
		 struct app_stats *out, struct mc_err *err)
{
	struct deadline_horizon h;
	struct store_query q;
	struct finished_ctx fc = {a, out, (flags & APP_STATS_CELLS) != 0};

	memset(out, 0, sizeof *out);
	mc_err_clear(err);
	out->now = now;
	out->until = until > 0 ? until : now;
	out->since = since > 0 ? since : out->until - (mc_time)DEFAULT_DAYS * 86400;
	app_horizon(a, now, &h);
	/* every configured system, even before it has data */
	for (size_t i = 0; i < a->n_links; i++)
		row_get(&out->systems, &out->n_systems, source_link_name(a->links[i]));
	if (store_stats_status(a->store, on_status, out) != 0)
		goto fail;
	for (size_t i = 0; i < out->n_systems; i++) {
		struct app_stats_row *r = &out->systems[i];
		struct store_sync_state st;

		if (store_due_counts(a->store, r->name, h.now, h.soon_end, &r->overdue, &r->soon) !=
			    0 ||
		    store_bytes_get(a->store, r->name, now, &r->bytes) != 0)
			goto fail;
		if (store_sync_state_get(a->store, r->name, &st) == 0) {
			r->last_ok_at = st.last_ok_at;
			store_sync_state_release(&st);
		}
	}
	/* the cells before the finished ones, which land in them */
	if (fc.cells && store_stats_cells(a->store, h.now, h.soon_end, out->since, out->until,
					  on_cell, out) != 0)
		goto fail;
	store_query_init(&q, h.now);
	q.soon_end = h.soon_end;
	q.due = STORE_DUE_FINISHED;
	q.sort = STORE_SORT_UPDATED;
	q.descending = true;
	q.limit = APP_STATS_FINISHED_MAX;
	if (store_inbox_each(a->store, &q, on_finished, &fc) != 0)
		goto fail;
	out->capped = out->finished_read >= APP_STATS_FINISHED_MAX;
	for (size_t i = 0; i < out->n_systems; i++) {
		const struct app_stats_row *r = &out->systems[i];
		out->all.total += r->total;
		out->all.open += r->open;
		out->all.soon += r->soon;
		out->all.overdue += r->overdue;
		out->all.finished += r->finished;
		out->all.early += r->early;
		out->all.on_time += r->on_time;
		out->all.late += r->late;
		out->all.unclassified += r->unclassified;
		out->all.bytes.today_in += r->bytes.today_in;
		out->all.bytes.today_out += r->bytes.today_out;
		out->all.bytes.total_in += r->bytes.total_in;
		out->all.bytes.total_out += r->bytes.total_out;
	}
	if (store_stats_area(a->store, h.now, h.soon_end, on_area, out) != 0)
		goto fail;
	return 0;
fail:
	return mc_err_set(err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
}

void
app_stats_release(struct app_stats *s)
{
	free(s->systems);
	free(s->areas);
	for (size_t i = 0; i < s->n_cells; i++) {
		free(s->cells[i].system);
		free(s->cells[i].area);
	}
	free(s->cells);
	memset(s, 0, sizeof *s);
}

int
app_stats_rate_of(int64_t early, int64_t on_time, int64_t late)
{
	int64_t classified = early + on_time + late;

	if (classified <= 0)
		return -1;
	return (int)(((early + on_time) * 100 + classified / 2) / classified);
}

int
app_stats_rate(const struct app_stats_row *r)
{
	return app_stats_rate_of(r->early, r->on_time, r->late);
}
