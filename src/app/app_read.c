/*
 * app_read.c - the read model the front ends draw and print from (app.h):
 * inbox pages and counts with the app's due-class horizon, dossiers, the
 * store's last error.  Reads only; everything that writes goes through the
 * queue or the loop.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "sync/sync.h"

void
app_query_init(struct app *a, struct store_query *q, mc_time now)
{
	store_query_init(q, now);
	if (a != NULL)
		app_query_clock(a, q, now);
}

void
app_query_clock(struct app *a, struct store_query *q, mc_time now)
{
	struct deadline_horizon h;

	app_horizon(a, now, &h);
	q->now = h.now;
	q->soon_end = h.soon_end;
}

void
app_query_source(struct app *a, struct store_query *q, const char *name)
{
	const struct source_link *l = name != NULL ? app_link(a, name) : NULL;
	const struct source_ops *ops;

	q->source = name;
	if (l != NULL) {
		q->coordinated = source_link_source(l)->coordination;
		return;
	}
	/* no systems opened (a command reading the store alone): a system
	 * named like the coordination dialect is taken to be it, as sync
	 * takes it by default */
	ops = name != NULL ? source_ops_find(name) : NULL;
	q->coordinated = ops != NULL && ops->coordination;
}

int
app_inbox_page(struct app *a, const struct store_query *q, struct store_page *out)
{
	return store_inbox_page(a->store, q, out);
}

int
app_inbox_count(struct app *a, const struct store_query *q, int64_t cap, int64_t *n)
{
	return store_inbox_count(a->store, q, cap, n);
}

int
app_inbox_count_typing(struct app *a, const struct store_query *q, int64_t cap, int64_t *n,
		       bool *partial)
{
	return store_inbox_count_within(a->store, q, cap, STORE_COUNT_TYPING_MS, n, partial);
}

int
app_inbox_each(struct app *a, const struct store_query *q, store_row_fn fn, void *ctx)
{
	return store_inbox_each(a->store, q, fn, ctx);
}

void
app_page_release(struct store_page *p)
{
	store_page_release(p);
}

const char *
app_due_class_name(enum store_due_class c)
{
	return store_due_class_name(c);
}

int
app_due_class_from_name(const char *name)
{
	return store_due_class_from_name(name);
}


int
app_sort_from_name(const char *name)
{
	/* the console calls the source a system: either word sorts by it */
	if (name != NULL && strcmp(name, "system") == 0)
		return STORE_SORT_SOURCE;
	return store_sort_from_name(name);
}

int
app_dossier(struct app *a, const char *code, struct dossier *d)
{
	return store_dossier_load(a->store, code, d);
}


const char *
app_store_error(struct app *a)
{
	return store_errmsg(a->store);
}

const char *
app_procedure_short(const struct app *a, const char *code)
{
	const struct procedure *p = procedures_find(&a->procs, code);

	return p != NULL ? p->short_name : NULL;
}

int
app_due_explain(struct app *a, const struct dossier *d, struct due_explanation *out)
{
	const struct procedure *p = procedures_find(&a->procs, d->procedure_code);
	struct dossier_supplement *sup = NULL;
	mc_time in_at = 0;
	int st;

	memset(out, 0, sizeof *out);
	if (p == NULL || d->received_at == 0)
		return -1;
	/* a queued "supplement received" counts as the pull counts it */
	if (sync_supplement_queued(a->store, d, &in_at) == 0 && in_at != 0)
		sup = dossier_supplements_completed(d, in_at);
	st = due_explain(a->cal, &a->cfg.worktime, &p->rule, d->received_at,
			 sup != NULL ? sup : d->supplements, d->n_supplements, out);
	free(sup);
	if (st == DEADLINE_INVALID) {
		due_explanation_release(out);
		return -1;
	}
	return 0;
}

enum deadline_class
app_finished_class(struct app *a, const struct dossier *d)
{
	const struct procedure *p = procedures_find(&a->procs, d->procedure_code);
	mc_time due = 0;

	if (d->finished_at == 0)
		return DEADLINE_NONE;
	if (p == NULL || d->received_at == 0 ||
	    deadline_due(a->cal, &a->cfg.worktime, &p->rule, d->received_at, &due) != 0)
		due = d->source_due_at;
	return deadline_classify_finished(a->cal, &a->cfg.worktime, due, d->finished_at,
					  d->supplements, d->n_supplements);
}
