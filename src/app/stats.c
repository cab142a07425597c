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
};

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

	s->finished_read++;
	if (row->finished_at < s->since || row->finished_at > s->now)
		return 0;
	r = row_get(&s->systems, &s->n_systems, row->source);
	r->finished++;
	switch (classify(fc->a, row->code)) {
	case DEADLINE_EARLY:
		r->early++;
		break;
	case DEADLINE_ON_TIME:
		r->on_time++;
		break;
	case DEADLINE_LATE:
		r->late++;
		break;
	default:
		r->unclassified++;
		break;
	}
	return 0;
}

int
app_stats(struct app *a, mc_time now, mc_time since, struct app_stats *out, struct mc_err *err)
{
	struct deadline_horizon h;
	struct store_query q;
	struct finished_ctx fc = {a, out};

	memset(out, 0, sizeof *out);
	mc_err_clear(err);
	out->now = now;
	out->since = since > 0 ? since : now - (mc_time)DEFAULT_DAYS * 86400;
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
	memset(s, 0, sizeof *s);
}

int
app_stats_rate(const struct app_stats_row *r)
{
	int64_t classified = r->early + r->on_time + r->late;

	if (classified <= 0)
		return -1;
	return (int)(((r->early + r->on_time) * 100 + classified / 2) / classified);
}
