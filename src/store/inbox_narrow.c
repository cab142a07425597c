/*
 * inbox_narrow.c - a search keystroke answered from the last search's rows
 * (inbox.c decides when; inbox_int.h).
 */
#include "store/inbox_int.h"

#include <stdio.h>
#include <string.h>

/*
 * A clerk types a name a letter at a time, and each keystroke asks again.
 * When a search is answered the selective way (its matches are few and
 * scattered, so the ordered try ran out of time), its matching rows, up
 * to NARROW_MAX, are kept in temp.narrow.  A next query that can only
 * match fewer - the same filters, each word the same or longer at its end
 * ("tran thi h" -> "tran thi ho"), maybe a word more - is answered from
 * them: the rows that no longer match are dropped (motcua_has() on each,
 * as the ordered plan tests them), and the page is sorted from what is
 * left.  On 1,000,000 dossiers "tran thi h" costs the FTS index about
 * 30 ms; "tran thi ho" then costs a millisecond or two, and its count
 * nothing.  Any write to the store, another filter, a deleted letter or a
 * word that changed in the middle starts again from the FTS index.
 */
#define NARROW_MAX 20000

/* The query's filters, as narrow_filters records them (not its words). */
static void
filters_key(char *key, size_t size, const struct store_query *q)
{
	bool timed = q->due != STORE_DUE_ANY; /* the due class depends on now */

	snprintf(key, size, "%s|%s|%d|%s|%s|%s|%d|%d|%lld|%lld|%lld", q->coordinated ? "c" : "",
		 q->source ? q->source : "", q->status, q->procedure_code ? q->procedure_code : "",
		 q->field_code ? q->field_code : "", q->area ? q->area : "", (int)q->due,
		 (int)q->mismatch_only, timed ? (long long)q->now : 0LL,
		 timed ? (long long)store_soon_end(q->now, q->soon_end) : 0LL,
		 (long long)q->after_id);
}

/* t's needles, each followed by '\n', into buf; false when they do not fit. */
static bool
needles_join(const struct search_terms *t, char *buf, size_t size)
{
	size_t len = 0;

	for (size_t i = 0; i < t->n; i++) {
		size_t n = strlen(t->needle[i]);

		if (len + n + 2 > size || strchr(t->needle[i], '\n') != NULL)
			return false;
		memcpy(buf + len, t->needle[i], n);
		buf[len + n] = '\n';
		len += n + 1;
	}
	buf[len] = '\0';
	return true;
}

/*
 * Can the new needle only match rows the old one matched?  A word start
 * (" van") is narrowed by a longer word start (" vang"); a needle matched
 * anywhere ("0042") by any needle that contains it.
 */
static bool
needle_narrows(const char *old, size_t old_len, const char *new)
{
	if (old[0] == ' ')
		return new[0] == ' ' && strncmp(new, old, old_len) == 0;
	return memmem(new, strlen(new), old, old_len) != NULL;
}

/* Can temp.narrow answer this query: 0 no, 1 it holds its very rows, 2
 * it holds them and more. */
int
inbox_narrow_match(struct store *s, const struct store_query *q, const struct search_terms *t)
{
	char key[sizeof s->narrow_filters];
	const char *old = s->narrow_needles;
	size_t i = 0;
	bool same = true;

	if (s->narrow_version == 0 || t->n == 0)
		return 0;
	filters_key(key, sizeof key, q);
	if (strcmp(key, s->narrow_filters) != 0 || inbox_data_version(s) != s->narrow_version)
		return 0;
	for (; *old != '\0'; i++) {
		const char *end = strchr(old, '\n');
		size_t len = (size_t)(end - old);

		if (i >= t->n || !needle_narrows(old, len, t->needle[i]))
			return 0;
		same = same && strlen(t->needle[i]) == len;
		old = end + 1;
	}
	return same && i == t->n ? 1 : 2;
}

/* Forget temp.narrow's rows (they stay until the next fill). */
static void
narrow_forget(struct store *s)
{
	s->narrow_version = 0;
}

/* Is temp.narrow there to use: not in a transaction (a rollback would
 * take its rows back behind our back), not a test's forced plan. */
bool
inbox_narrow_usable(struct store *s)
{
	if ((s->force_plan != PLAN_NATURAL && s->force_plan != PLAN_TEST_NARROW) ||
	    !sqlite3_get_autocommit(s->db))
		return false;
	if (s->narrow_ready == 0)
		s->narrow_ready = sqlite3_exec(s->db, "CREATE TEMP TABLE IF NOT EXISTS narrow"
						      " (id INTEGER PRIMARY KEY)",
					       NULL, NULL, NULL) == SQLITE_OK ? 1 : -1;
	return s->narrow_ready > 0;
}

/* Run one statement on temp.narrow; its changes, or -1 (the reason is
 * not the clerk's business: the query is answered the usual way). */
static int64_t
narrow_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? sqlite3_changes64(sqlite3_db_handle(st)) : -1;
}

/* Keep t's rows (found the selective way) in temp.narrow: 0, or -1 when
 * they are too many or the table cannot take them. */
int
inbox_narrow_fill(struct store *s, const struct store_query *q, const struct search_terms *t)
{
	sqlite3_stmt *st;
	int64_t n;

	narrow_forget(s);
	if (!needles_join(t, s->narrow_needles, sizeof s->narrow_needles))
		return -1;
	st = store_stmt(s, "DELETE FROM temp.narrow");
	if (st == NULL || narrow_step(st) < 0)
		return -1;
	st = inbox_prepare(s, q, t, PLAN_SELECTIVE, SHAPE_NARROW, false);
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, P_LIMIT, NARROW_MAX + 1);
	n = narrow_step(st);
	if (n < 0 || n > NARROW_MAX)
		return -1;
	filters_key(s->narrow_filters, sizeof s->narrow_filters, q);
	s->narrow_rows = n;
	s->narrow_version = inbox_data_version(s);
	return 0;
}

/* Drop the rows of temp.narrow that t's words no longer match: 0, or -1. */
int
inbox_narrow_refine(struct store *s, const struct search_terms *t)
{
	struct sqlbuf b = {.len = 0};
	sqlite3_stmt *st;
	int64_t n;

	narrow_forget(s);
	if (!needles_join(t, s->narrow_needles, sizeof s->narrow_needles))
		return -1;
	inbox_sql_add(&b, "DELETE FROM temp.narrow WHERE NOT EXISTS (SELECT 1 FROM dossiers d"
		    " WHERE d.id = narrow.id");
	for (size_t i = 0; i < t->n; i++) {
		char cond[64];

		snprintf(cond, sizeof cond, " AND motcua_has(d.search, ?%zu)", P_NEEDLE0 + i);
		inbox_sql_add(&b, cond);
	}
	inbox_sql_add(&b, ")");
	if (b.overflow || (st = store_stmt(s, b.text)) == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		store_bind_text(st, (int)(P_NEEDLE0 + i), t->needle[i]);
	n = narrow_step(st);
	if (n < 0)
		return -1;
	s->narrow_rows -= n;
	s->narrow_version = inbox_data_version(s);
	return 0;
}

/* The page of q from temp.narrow's rows. */
int
inbox_narrow_page(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx)
{
	size_t sort = (size_t)q->sort < STORE_SORTS ? (size_t)q->sort : STORE_SORT_DUE;
	struct sqlbuf b = {.len = 0};
	sqlite3_stmt *st;

	inbox_sql_add(&b, "SELECT " ROW_COLUMNS " FROM dossiers WHERE id IN"
		    " (SELECT id FROM temp.narrow) ORDER BY +");
	inbox_sql_add(&b, q->descending ? inbox_sorts[sort].desc : inbox_sorts[sort].asc);
	inbox_sql_add(&b, " LIMIT ?9 OFFSET ?10");
	if (b.overflow || (st = store_stmt(s, b.text)) == NULL)
		return -1;
	sqlite3_bind_int64(st, P_NOW, q->now);
	sqlite3_bind_int64(st, P_SOON_END, store_soon_end(q->now, q->soon_end));
	sqlite3_bind_int64(st, P_LIMIT, q->limit);
	sqlite3_bind_int64(st, P_OFFSET, q->offset > 0 ? q->offset : 0);
	return inbox_stream_rows(s, st, fn, ctx);
}
