/*
 * stats.c - counts for the dashboard and the CSV export: per source and
 * status, per area, per all three, overdue and coming due.
 *
 * Whole-table aggregates, not per-keystroke queries: each walks an index or
 * the table once, and none sorts the rows (groups are counted here when no
 * index gives their order).  The due classes follow the due_key ranges of schema.c,
 * with the thresholds `now` and `soon_end` passed in (inbox.c's rule).
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* 2^61, as STORE_DUE_KEY_FINISHED, for splicing into SQL text. */
#define DUE_FINISHED_SQL "2305843009213693952"
_Static_assert(STORE_DUE_KEY_FINISHED == 2305843009213693952LL, "DUE_FINISHED_SQL");

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * The systems present, found by skipping from one to the next through the
 * (source, due_key) index.  Grouping the dossiers by source read every row:
 * on 1,000,000 dossiers 2.4 s and a 40 MB sorter, at every refresh of the
 * status bar's list of systems.
 */
int
store_sources(struct store *s, store_source_fn fn, void *ctx)
{
	sqlite3_stmt *st = store_stmt(
		s, "WITH RECURSIVE src(name) AS (SELECT min(source) FROM dossiers"
		   " UNION ALL SELECT (SELECT min(source) FROM dossiers WHERE source > src.name)"
		   " FROM src WHERE src.name IS NOT NULL)"
		   " SELECT name FROM src WHERE name IS NOT NULL");
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(ctx, col_text(st, 0)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(s, "listing the systems");
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Groups counted here, not by SQLite                                  */

/*
 * SQLite answers GROUP BY over columns no index orders by sorting every
 * row first: on 1,000,000 dossiers 2.5 s and a 40-80 MB sorter per query
 * (temp_store is memory), where the dashboard has a few hundred groups.
 * So the rows are read in one plain pass and counted into a small hash
 * table of groups, which is then sorted: 0.3 s, a few hundred KB.
 */
struct group {
	char *source;
	int status;
	char *area;             /* NULL when grouping by source and status only */
	int64_t total, soon, overdue, received;
	uint64_t hash;
};

struct groups {
	struct group *v;        /* open addressing; source NULL: empty */
	size_t cap, n;
};

static uint64_t
group_hash(const char *source, int status, const char *area)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)source; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	h = (h ^ (uint64_t)(unsigned)status) * 1099511628211ULL;
	for (const unsigned char *p = (const unsigned char *)(area ? area : ""); *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

static struct group *
group_find(struct groups *g, const char *source, int status, const char *area)
{
	uint64_t h = group_hash(source, status, area);
	size_t i;

	if (2 * (g->n + 1) > g->cap) {
		struct groups bigger = {xcalloc(g->cap ? 2 * g->cap : 256, sizeof *g->v),
					g->cap ? 2 * g->cap : 256, g->n};

		for (size_t k = 0; k < g->cap; k++) {
			if (g->v[k].source == NULL)
				continue;
			for (i = g->v[k].hash & (bigger.cap - 1); bigger.v[i].source != NULL;
			     i = (i + 1) & (bigger.cap - 1))
				;
			bigger.v[i] = g->v[k];
		}
		free(g->v);
		*g = bigger;
	}
	for (i = h & (g->cap - 1); g->v[i].source != NULL; i = (i + 1) & (g->cap - 1)) {
		struct group *e = &g->v[i];

		if (e->hash == h && e->status == status && strcmp(e->source, source) == 0 &&
		    (area == NULL ? e->area == NULL : e->area != NULL && strcmp(e->area, area) == 0))
			return e;
	}
	g->v[i].source = xstrdup(source);
	g->v[i].status = status;
	g->v[i].area = area != NULL ? xstrdup(area) : NULL;
	g->v[i].hash = h;
	g->n++;
	return &g->v[i];
}

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->source, y->source);

	if (c != 0)
		return c;
	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	return strcmp(x->area ? x->area : "", y->area ? y->area : "");
}

/* Pack the groups at the front, sorted by source, status, area (byte order). */
static void
groups_sort(struct groups *g)
{
	size_t k = 0;

	for (size_t i = 0; i < g->cap; i++)
		if (g->v[i].source != NULL)
			g->v[k++] = g->v[i];
	/* the slots behind hold copies of moved pointers now */
	for (size_t i = k; i < g->cap; i++)
		memset(&g->v[i], 0, sizeof g->v[i]);
	if (k > 0)
		qsort(g->v, k, sizeof *g->v, group_cmp);
	g->n = k;
}

static void
groups_free(struct groups *g)
{
	for (size_t i = 0; i < g->cap; i++) {
		free(g->v[i].source);
		free(g->v[i].area);
	}
	free(g->v);
}

/*
 * Count every dossier into its group: by source and status, and by area too
 * when by_area.  The due classes and the received window are counted as in
 * the SQL they replace.
 */
static int
groups_count(struct store *s, bool by_area, mc_time now, mc_time soon_end, mc_time from,
	     mc_time to, struct groups *g)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT source, status, coalesce(area, ''), due_key,"
					 " received_at FROM dossiers");
	mc_time soon = store_soon_end(now, soon_end);
	int rc;

	memset(g, 0, sizeof *g);
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *source = col_text(st, 0);
		int64_t due_key = sqlite3_column_int64(st, 3);
		int64_t received = sqlite3_column_int64(st, 4);
		struct group *e = group_find(g, source != NULL ? source : "",
					     sqlite3_column_int(st, 1),
					     by_area ? col_text(st, 2) : NULL);

		e->total++;
		e->soon += due_key >= now && due_key < soon;
		e->overdue += due_key < now;
		e->received += received > 0 && received >= from && received <= to;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		groups_free(g);
		memset(g, 0, sizeof *g);
		return store_fail(s, "counting the dossiers");
	}
	groups_sort(g);
	return 0;
}

int
store_stats_status(struct store *s, store_status_count_fn fn, void *ctx)
{
	struct groups g;

	if (groups_count(s, false, 0, 0, 0, 0, &g) != 0)
		return -1;
	for (size_t i = 0; i < g.n; i++)
		if (fn(ctx, g.v[i].source, g.v[i].status, g.v[i].total) != 0)
			break;
	groups_free(&g);
	return 0;
}

/*
 * Per area, in the order of the (area, due_key) index, which SQLite then
 * groups without sorting.  No area (NULL) and an empty one come first, one
 * after the other, and are counted as one: "".
 */
int
store_stats_area(struct store *s, mc_time now, mc_time soon_end, store_area_fn fn,
		 void *ctx)
{
	sqlite3_stmt *st = store_stmt(
		s, "SELECT area, count(*),"
		   " sum(due_key < " DUE_FINISHED_SQL "),"
		   " sum(due_key >= ?1 AND due_key < ?2),"
		   " sum(due_key < ?1)"
		   " FROM dossiers INDEXED BY dossiers_area GROUP BY area ORDER BY area");
	struct store_area_stats held = {0};
	char *held_area = NULL;
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, store_soon_end(now, soon_end));
	while (stop == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *area = col_text(st, 0) != NULL ? col_text(st, 0) : "";

		if (held_area != NULL && strcmp(held_area, area) != 0) {
			held.area = held_area;
			stop = fn(ctx, &held);
			free(held_area);
			held_area = NULL;
		}
		if (held_area == NULL) {
			memset(&held, 0, sizeof held);
			held_area = xstrdup(area);
		}
		held.total += sqlite3_column_int64(st, 1);
		held.open += sqlite3_column_int64(st, 2);
		held.soon += sqlite3_column_int64(st, 3);
		held.overdue += sqlite3_column_int64(st, 4);
	}
	if (stop != 0)
		rc = SQLITE_DONE;
	else if (rc == SQLITE_DONE && held_area != NULL) {
		held.area = held_area;
		(void)fn(ctx, &held);
	}
	free(held_area);
	if (rc != SQLITE_DONE)
		store_fail(s, "counting areas");
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_stats_cells(struct store *s, mc_time now, mc_time soon_end, mc_time from, mc_time to,
		  store_cell_fn fn, void *ctx)
{
	struct groups g;

	if (groups_count(s, true, now, soon_end, from, to, &g) != 0)
		return -1;
	for (size_t i = 0; i < g.n; i++) {
		struct store_cell_stats c = {
			.source = g.v[i].source,
			.status = g.v[i].status,
			.area = g.v[i].area,
			.total = g.v[i].total,
			.soon = g.v[i].soon,
			.overdue = g.v[i].overdue,
			.received = g.v[i].received,
		};

		if (fn(ctx, &c) != 0)
			break;
	}
	groups_free(&g);
	return 0;
}

int
store_due_counts(struct store *s, const char *source, mc_time now, mc_time soon_end,
		 int64_t *overdue, int64_t *soon)
{
	struct store_query q;
	int64_t n;

	*overdue = *soon = 0;
	store_query_init(&q, now);
	q.source = source;
	q.soon_end = soon_end;
	q.due = STORE_DUE_OVERDUE;
	if (store_inbox_count(s, &q, 0, &n) != 0)
		return -1;
	*overdue = n;
	q.due = STORE_DUE_SOON;
	if (store_inbox_count(s, &q, 0, &n) != 0)
		return -1;
	*soon = n;
	return 0;
}
