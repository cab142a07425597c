/*
 * inbox.c - inbox queries: filter, search, sort, page, count.
 *
 * A struct store_query becomes a SELECT built from fixed fragments, with
 * every value bound as a parameter (never spliced into the text), so the
 * number of distinct statements is small and each is prepared once and
 * cached.  Every search word is a trigram phrase for the FTS5 index and a
 * needle for motcua_has(); which of the two a query uses is decided per
 * query (see "plan" below).  The due class is computed here from the
 * query's thresholds `now` and `soon_end` (core's deadline_horizon_at()
 * makes them); nothing about "overdue" is ever stored.  This file never
 * reads or writes whole dossiers (dossiers.c does) and has no statistics
 * (stats.c); a keystroke that narrows the last search is answered in
 * inbox_narrow.c, when this file's plans say so.
 */
#include "store/inbox_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/fold.h"
#include "core/unittest.h" /* IWYU pragma: keep */
#include "core/xalloc.h"
#include "store/protect_int.h"

static const char *const due_class_names[] = {
	[STORE_DUE_ANY] = "any",         [STORE_DUE_OVERDUE] = "overdue",
	[STORE_DUE_SOON] = "soon",       [STORE_DUE_OK] = "ok",
	[STORE_DUE_NONE] = "none",       [STORE_DUE_FINISHED] = "finished",
};

/* Where each due class lies on the due_key axis (?1 now, ?2 soon_end): half-open. */
static const char *const due_class_where[] = {
	[STORE_DUE_ANY] = NULL,
	[STORE_DUE_OVERDUE] = "due_key < ?1",
	[STORE_DUE_SOON] = "due_key >= ?1 AND due_key < ?2",
	[STORE_DUE_OK] = "due_key >= ?2 AND due_key < " DUE_NONE_SQL,
	[STORE_DUE_NONE] = "due_key >= " DUE_NONE_SQL " AND due_key < " DUE_FINISHED_SQL,
	[STORE_DUE_FINISHED] = "due_key >= " DUE_FINISHED_SQL,
};

const struct sort_entry inbox_sorts[] = {
	[STORE_SORT_DUE] = {"due", "due_key, id", "due_key DESC, id DESC",
			    "dossiers_due_search"},
	[STORE_SORT_RECEIVED] = {"received", "received_at, id", "received_at DESC, id DESC",
				 "dossiers_received"},
	[STORE_SORT_STATUS] = {"status", "status, due_key, id",
			       "status DESC, due_key DESC, id DESC", "dossiers_status_due"},
	[STORE_SORT_CODE] = {"code", "code", "code DESC", "dossiers_code"},
	[STORE_SORT_UPDATED] = {"updated", "updated_at, id", "updated_at DESC, id DESC",
				"dossiers_updated"},
	/* by one key, then due: each index ends in due_key (and, as every
	 * index, the row id), so it yields the whole order */
	[STORE_SORT_APPLICANT] = {"applicant", "name_key, due_key, id",
				  "name_key DESC, due_key DESC, id DESC", "dossiers_name"},
	[STORE_SORT_PROCEDURE] = {"procedure", "procedure_code, due_key, id",
				  "procedure_code DESC, due_key DESC, id DESC",
				  "dossiers_procedure"},
	[STORE_SORT_SOURCE] = {"source", "source, due_key, id",
			       "source DESC, due_key DESC, id DESC", "dossiers_source_due"},
	[STORE_SORT_AREA] = {"area", "area, due_key, id", "area DESC, due_key DESC, id DESC",
			     "dossiers_area"},
};
_Static_assert(sizeof inbox_sorts / sizeof inbox_sorts[0] == STORE_SORTS,
	       "a sort without its entry");

/* The inbox columns, in struct store_row order. */
enum {
	R_CODE = 0, R_SOURCE, R_PROCEDURE_CODE, R_PROCEDURE_NAME, R_APPLICANT_NAME,
	R_RAW_STATUS, R_AREA, R_STATUS, R_COORD_STATUS, R_RECEIVED_AT, R_SOURCE_DUE_AT,
	R_DUE_AT, R_FINISHED_AT, R_DUE_CLASS,
};

const char *
store_due_class_name(enum store_due_class c)
{
	if ((size_t)c >= NELEM(due_class_names))
		return "?";
	return due_class_names[c];
}

int
store_due_class_from_name(const char *name)
{
	for (size_t i = 0; name != NULL && i < NELEM(due_class_names); i++)
		if (strcmp(name, due_class_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
store_sort_name(enum store_sort s)
{
	if ((size_t)s >= NELEM(inbox_sorts))
		return "?";
	return inbox_sorts[s].name;
}

int
store_sort_from_name(const char *name)
{
	for (size_t i = 0; name != NULL && i < NELEM(inbox_sorts); i++)
		if (strcmp(name, inbox_sorts[i].name) == 0)
			return (int)i;
	return -1;
}

void
store_query_init(struct store_query *q, mc_time now)
{
	memset(q, 0, sizeof *q);
	q->now = now;
	q->limit = 50;
}

mc_time
store_soon_end(mc_time now, mc_time soon_end)
{
	if (soon_end == 0)
		soon_end = now + STORE_SOON_DEFAULT;
	return soon_end > now ? soon_end : now;
}

/* ------------------------------------------------------------------ */
/* Building the statement                                              */

/* The ordered try's budget at 100,000 dossiers; it grows with the square
 * root of the store's size up to PLAN_BUDGET_MAX_MS (plan_budget()). */
#define PLAN_BUDGET_MS 2.0
#define PLAN_BUDGET_MAX_MS 8.0
#define PLAN_BUDGET_ROWS 100000.0
#define PLAN_PROGRESS_OPS 200

void
inbox_sql_add(struct sqlbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n >= sizeof b->text) {
		b->overflow = true;
		return;
	}
	memcpy(b->text + b->len, s, n + 1);
	b->len += n;
}

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static void
search_terms_release(struct search_terms *t)
{
	free(t->folded);
	free(t->match);
	for (size_t i = 0; i < t->n; i++)
		free(t->needle[i]);
	memset(t, 0, sizeof *t);
}

/* Append the FTS5 phrase "<spaces>word" (quotes doubled) to t->match. */
static void
match_add(struct search_terms *t, size_t *mlen, size_t *cap, const char *word,
	  size_t spaces)
{
	size_t need = *mlen + 2 * strlen(word) + spaces + 4;

	if (need > *cap) {
		*cap = 2 * need;
		t->match = xrealloc(t->match, *cap);
	}
	if (*mlen > 0)
		t->match[(*mlen)++] = ' ';
	t->match[(*mlen)++] = '"';
	for (size_t i = 0; i < spaces; i++)
		t->match[(*mlen)++] = ' ';
	for (const char *c = word; *c != '\0'; c++) {
		if (*c == '"')
			t->match[(*mlen)++] = '"';
		t->match[(*mlen)++] = *c;
	}
	t->match[(*mlen)++] = '"';
	t->match[*mlen] = '\0';
}

/*
 * Split the folded text into words; words past MAX_WORDS are ignored.  With
 * sealed ID numbers (protect.h) a word that is a whole ID number becomes
 * its keyed token, which is what the search text holds.
 */
static void
search_terms_init(struct search_terms *t, struct store *s, const char *search)
{
	size_t cap = 0, mlen = 0;
	char *word, *next;
	char token[STORE_PII_TOKEN_LEN + 1];

	memset(t, 0, sizeof *t);
	if (search == NULL)
		return;
	t->folded = fold_text(search);
	for (word = t->folded; *word != '\0' && t->n < MAX_WORDS; word = next) {
		size_t chars, len;
		bool anywhere;

		next = strchr(word, ' ');
		if (next != NULL)
			*next++ = '\0';
		else
			next = word + strlen(word);
		if (store_pii_search_word(s, word, token))
			word = token;
		chars = utf8_chars(word);
		len = strlen(word);
		anywhere = chars >= 3 && strpbrk(word, "0123456789") != NULL;
		/* Needle: the word, or " word" for a word start (one space is
		 * enough inside the stored text's double spaces). */
		t->needle[t->n] = xmalloc(len + 2);
		snprintf(t->needle[t->n], len + 2, "%s%s", anywhere ? "" : " ", word);
		match_add(t, &mlen, &cap, word, anywhere ? 0 : chars >= 2 ? 1 : 2);
		t->n++;
	}
}

static void
add_cond(struct sqlbuf *b, bool *first, const char *cond)
{
	inbox_sql_add(b, *first ? " WHERE " : " AND ");
	inbox_sql_add(b, cond);
	*first = false;
}

static int
n_equality_filters(const struct store_query *q)
{
	return (q->source != NULL) + (q->status != 0) + (q->procedure_code != NULL) +
	       (q->field_code != NULL) + (q->area != NULL);
}

static bool
has_filters(const struct store_query *q)
{
	return n_equality_filters(q) > 0 || q->mismatch_only || q->due != STORE_DUE_ANY ||
	       q->after_id > 0;
}

/*
 * The words and filters of a query, as a key: the page's answer noted for
 * the count that follows it (walk_note()).  The due class is a filter, so
 * `now` is part of it.
 */
static void
query_key(char *key, size_t size, const struct store_query *q, const struct search_terms *t)
{
	snprintf(key, size, "%s|%s|%d|%s|%s|%s|%d|%d|%lld|%lld|%lld", t->match ? t->match : "",
		 q->source ? q->source : "", q->status, q->procedure_code ? q->procedure_code : "",
		 q->field_code ? q->field_code : "", q->area ? q->area : "", (int)q->due,
		 (int)q->mismatch_only * 2 + (int)q->coordinated, (long long)q->now,
		 (long long)store_soon_end(q->now, q->soon_end), (long long)q->after_id);
}

static void
build_where(struct sqlbuf *b, const struct store_query *q, const struct search_terms *t,
	    enum plan plan)
{
	bool first = true;

	if (q->source != NULL)
		add_cond(b, &first, q->coordinated ? "(source = ?3 OR coord_status <> 0)"
						   : "source = ?3");
	if (q->status != 0)
		add_cond(b, &first, "status = ?4");
	if (q->procedure_code != NULL)
		add_cond(b, &first, "procedure_code = ?5");
	if (q->field_code != NULL)
		add_cond(b, &first, "field_code = ?6");
	if (q->area != NULL)
		add_cond(b, &first, "area = ?7");
	if ((size_t)q->due < NELEM(due_class_where) && due_class_where[q->due] != NULL)
		add_cond(b, &first, due_class_where[q->due]);
	if (q->mismatch_only)
		add_cond(b, &first, "coord_status <> 0 AND coord_status <> status");
	if (q->after_id > 0)
		add_cond(b, &first, "id > ?28");
	if (t->match != NULL && plan != PLAN_ORDERED)
		add_cond(b, &first,
			 "id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?8)");
	for (size_t i = 0; t->match != NULL && plan == PLAN_ORDERED && i < t->n; i++) {
		char cond[64];

		snprintf(cond, sizeof cond, "motcua_has(search, ?%zu)", P_NEEDLE0 + i);
		add_cond(b, &first, cond);
	}
}

static void
build_sql(struct sqlbuf *b, const struct store_query *q, const struct search_terms *t,
	  enum plan plan, enum shape shape, bool capped)
{
	size_t sort = (size_t)q->sort < NELEM(inbox_sorts) ? (size_t)q->sort : STORE_SORT_DUE;

	switch (shape) {
	case SHAPE_ROWS:
		inbox_sql_add(b, "SELECT " ROW_COLUMNS " FROM dossiers");
		break;
	case SHAPE_IDS:
		inbox_sql_add(b, "SELECT id FROM dossiers");
		break;
	case SHAPE_COUNT:
		inbox_sql_add(b, capped ? "SELECT count(*) FROM (SELECT 1 FROM dossiers"
				  : "SELECT count(*) FROM dossiers");
		break;
	case SHAPE_NARROW:
		inbox_sql_add(b, "INSERT INTO temp.narrow SELECT id FROM dossiers");
		break;
	}
	if (plan == PLAN_ORDERED) {
		inbox_sql_add(b, " INDEXED BY ");
		inbox_sql_add(b, inbox_sorts[shape == SHAPE_COUNT ? STORE_SORT_DUE : sort].index);
	}
	build_where(b, q, t, plan);
	if (shape == SHAPE_NARROW) {
		inbox_sql_add(b, " LIMIT ?9");
		return;
	}
	if (shape == SHAPE_COUNT) {
		if (capped)
			inbox_sql_add(b, " LIMIT ?9)");
		return;
	}
	inbox_sql_add(b, " ORDER BY ");
	/* A unary + keeps the planner from walking the sort index. */
	if (plan == PLAN_SELECTIVE)
		inbox_sql_add(b, "+");
	inbox_sql_add(b, q->descending ? inbox_sorts[sort].desc : inbox_sorts[sort].asc);
	inbox_sql_add(b, " LIMIT ?9 OFFSET ?10");
}

static void
bind_int(sqlite3_stmt *st, int i, int64_t v)
{
	if (i <= sqlite3_bind_parameter_count(st))
		sqlite3_bind_int64(st, i, v);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (i <= sqlite3_bind_parameter_count(st))
		store_bind_text(st, i, v);
}

static void
bind_query(sqlite3_stmt *st, const struct store_query *q, const struct search_terms *t)
{
	bind_int(st, P_NOW, q->now);
	bind_int(st, P_SOON_END, store_soon_end(q->now, q->soon_end));
	bind_text(st, P_SOURCE, q->source);
	bind_int(st, P_STATUS, q->status);
	bind_text(st, P_PROCEDURE, q->procedure_code);
	bind_text(st, P_FIELD, q->field_code);
	bind_text(st, P_AREA, q->area);
	bind_text(st, P_MATCH, t->match);
	bind_int(st, P_LIMIT, q->limit > 0 ? q->limit : -1);
	bind_int(st, P_OFFSET, q->offset > 0 ? q->offset : 0);
	bind_int(st, P_AFTER, q->after_id);
	for (size_t i = 0; i < t->n; i++)
		bind_text(st, (int)(P_NEEDLE0 + i), t->needle[i]);
}

/* Prepare (from the cache) and bind the statement of a plan and shape. */
sqlite3_stmt *
inbox_prepare(struct store *s, const struct store_query *q, const struct search_terms *t,
	enum plan plan, enum shape shape, bool capped)
{
	struct sqlbuf b = {.len = 0};
	sqlite3_stmt *st;

	build_sql(&b, q, t, plan, shape, capped);
	if (b.overflow) {
		store_failf(s, "inbox query too long");
		return NULL;
	}
	st = store_stmt(s, b.text);
	if (st != NULL)
		bind_query(st, q, t);
	return st;
}

/*
 * motcua_has(text, needle): 1 when needle occurs in text.  memmem() is several
 * times faster than LIKE '%...%', and the ordered plan calls it for every
 * row it walks past.
 */
static void
sql_has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const void *text = sqlite3_value_text(argv[0]);
	const void *needle = sqlite3_value_text(argv[1]);
	int tlen = sqlite3_value_bytes(argv[0]), nlen = sqlite3_value_bytes(argv[1]);

	(void)argc;
	if (text == NULL || needle == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int(ctx, memmem(text, (size_t)tlen, needle, (size_t)nlen) != NULL);
}

int
store_inbox_register(struct store *s)
{
	if (sqlite3_create_function_v2(s->db, "motcua_has", 2,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
				       NULL, sql_has, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, "registering the search function");
	return 0;
}

/* ------------------------------------------------------------------ */
/* The time budget of the ordered try                                  */

struct budget {
	struct timespec start;
	double ms;
	bool spent;
};

static double
budget_elapsed(const struct budget *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - b->start.tv_sec) * 1e3 +
	       (double)(now.tv_nsec - b->start.tv_nsec) / 1e6;
}

static int
budget_check(void *ctx)
{
	struct budget *b = ctx;

	if (budget_elapsed(b) > b->ms)
		b->spent = true;
	return b->spent;
}

/*
 * The ordered try's budget for this store.  What the try costs for a given
 * share of matching rows does not depend on the store's size; what the
 * selective way costs grows with it (the FTS index's lists of common
 * trigrams are longer).  The share at which both cost the same falls with
 * the square root of the size, and the try's cost at that share grows with
 * it: on 1,000,000 dossiers "nguyen van duo" (0.16 % of the rows) is found
 * by the try in 7 ms and by the FTS index in 36 ms.  The size is max(id), a
 * lookup at the end of the table.
 */
static double
plan_budget(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT max(id) FROM dossiers");
	double rows = 0, ms;

	if (st != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			rows = (double)sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	ms = PLAN_BUDGET_MS * sqrt(rows / PLAN_BUDGET_ROWS);
	return ms < PLAN_BUDGET_MS ? PLAN_BUDGET_MS : ms > PLAN_BUDGET_MAX_MS ? PLAN_BUDGET_MAX_MS : ms;
}

static void
budget_start(struct store *s, struct budget *b, double ms)
{
	b->ms = ms;
	b->spent = false;
	clock_gettime(CLOCK_MONOTONIC, &b->start);
	sqlite3_progress_handler(s->db, PLAN_PROGRESS_OPS, budget_check, b);
}

static void
budget_stop(struct store *s)
{
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
}

#ifdef MOTCUA_UNITTEST
/* Tests force one plan (1 ordered, 2 selective, 3 selective and narrowing) to
 * check all give the same answers. */
UNITTEST void store_inbox_force_plan(struct store *s, int plan);

UNITTEST void
store_inbox_force_plan(struct store *s, int plan)
{
	s->force_plan = plan;
}

/* Tests: how many pages were answered by narrowing the last search's rows. */
UNITTEST long store_inbox_narrowed(const struct store *s);

UNITTEST long
store_inbox_narrowed(const struct store *s)
{
	return s->narrowed;
}
#endif

/* ------------------------------------------------------------------ */
/* Rows                                                                */

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static void
row_from_stmt(sqlite3_stmt *st, struct store_row *r)
{
	r->code = col_text(st, R_CODE);
	r->source = col_text(st, R_SOURCE);
	r->procedure_code = col_text(st, R_PROCEDURE_CODE);
	r->procedure_name = col_text(st, R_PROCEDURE_NAME);
	r->applicant_name = col_text(st, R_APPLICANT_NAME);
	r->raw_status = col_text(st, R_RAW_STATUS);
	r->area = col_text(st, R_AREA);
	r->status = sqlite3_column_int(st, R_STATUS);
	r->coord_status = sqlite3_column_int(st, R_COORD_STATUS);
	r->mismatch = r->coord_status != 0 && r->coord_status != r->status;
	r->received_at = sqlite3_column_int64(st, R_RECEIVED_AT);
	r->source_due_at = sqlite3_column_int64(st, R_SOURCE_DUE_AT);
	r->due_at = sqlite3_column_int64(st, R_DUE_AT);
	r->finished_at = sqlite3_column_int64(st, R_FINISHED_AT);
	r->due_class = (enum store_due_class)sqlite3_column_int(st, R_DUE_CLASS);
}

/* Stream the rows of a statement to fn.  Returns 0, or -1 with the error set. */
int
inbox_stream_rows(struct store *s, sqlite3_stmt *st, store_row_fn fn, void *ctx)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_row r;

		row_from_stmt(st, &r);
		if (fn(ctx, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(s, "reading the inbox");
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Collect the page's row ids with `plan` (within budget_ms if > 0).  The
 * id-only statements walk indexes without touching table rows, which is
 * what makes a deep offset cheap.  Returns 0 with *ids (caller frees), *n
 * and the time it took in *ms, 1 when the budget ran out, -1 on error.
 */
static int
page_ids(struct store *s, const struct store_query *q, const struct search_terms *t,
	 enum plan plan, double budget_ms, int64_t **ids, size_t *n, double *ms)
{
	sqlite3_stmt *st = inbox_prepare(s, q, t, plan, SHAPE_IDS, false);
	bool budgeted = budget_ms > 0;
	struct budget b;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	b.spent = false;
	clock_gettime(CLOCK_MONOTONIC, &b.start);
	if (budgeted)
		budget_start(s, &b, budget_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
		}
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (budgeted)
		budget_stop(s);
	*ms = budget_elapsed(&b);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	free(*ids);
	*ids = NULL;
	*n = 0;
	if (budgeted && b.spent)
		return 1;
	return store_fail(s, "reading the inbox");
}

static int
fetch_ids(struct store *s, const struct store_query *q, const int64_t *ids, size_t n,
	  store_row_fn fn, void *ctx)
{
	mc_time soon_end = store_soon_end(q->now, q->soon_end);

	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_stmt(s, "SELECT " ROW_COLUMNS
						 " FROM dossiers WHERE id = ?11");
		struct store_row r;
		int rc, stop;

		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, P_NOW, q->now);
		sqlite3_bind_int64(st, P_SOON_END, soon_end);
		sqlite3_bind_int64(st, P_ID, ids[i]);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			sqlite3_reset(st);
			continue;
		}
		if (rc != SQLITE_ROW) {
			store_fail(s, "reading the inbox");
			sqlite3_reset(st);
			return -1;
		}
		row_from_stmt(st, &r);
		stop = fn(ctx, &r);
		sqlite3_reset(st);
		if (stop != 0)
			break;
	}
	return 0;
}

/*
 * Would the planner's own plan walk an index in the requested order?  True
 * for the default sort with at most one filter, since every filter column
 * has an index that ends in due_key.
 */
static bool
natural_is_ordered(const struct store_query *q)
{
	return q->sort == STORE_SORT_DUE && n_equality_filters(q) + q->mismatch_only <= 1;
}

/* What has changed the store since: this connection's writes and others'. */
int64_t
inbox_data_version(struct store *s)
{
	sqlite3_stmt *st = store_stmt(s, "PRAGMA data_version");
	int64_t v = -1;

	if (st != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return v * 1000003 + (int64_t)sqlite3_total_changes64(s->db);
}

/*
 * Note a searched page's answer for the count that follows it (a keystroke
 * asks for both): its words and filters, how long the ordered try took
 * (INFINITY: the selective way answered), the rows before and on the page,
 * and whether the matches ended on it.
 */
static void
walk_note(struct store *s, const struct store_query *q, const struct search_terms *t, double ms,
	  int64_t rows)
{
	int64_t off = q->offset > 0 ? q->offset : 0;

	query_key(s->walk_key, sizeof s->walk_key, q, t);
	s->walk_ms = ms;
	s->walk_rows = off + rows;
	s->walk_ended = rows < q->limit && (rows > 0 || off == 0);
	s->walk_version = inbox_data_version(s);
}

/* The note above, if it is about these words and filters and nothing has
 * been written since. */
static bool
walk_known(struct store *s, const struct store_query *q, const struct search_terms *t)
{
	char key[sizeof s->walk_key];

	if (s->walk_key[0] == '\0')
		return false;
	query_key(key, sizeof key, q, t);
	return strcmp(key, s->walk_key) == 0 && inbox_data_version(s) == s->walk_version;
}

/* Pass rows on to the caller's function, counting them. */
struct count_fn {
	store_row_fn fn;
	void *ctx;
	int64_t rows;
	bool stopped;
};

static int
count_through(void *ctx, const struct store_row *r)
{
	struct count_fn *cf = ctx;
	int stop;

	cf->rows++;
	stop = cf->fn(cf->ctx, r);
	cf->stopped = stop != 0;
	return stop;
}

int
store_inbox_each(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx)
{
	struct search_terms t;
	sqlite3_stmt *st;
	int64_t *ids = NULL;
	size_t n_ids = 0;
	double ms = 0;
	int ret = -1, rc;

	/* in a batch, new rows may still wait for the search index */
	if (s->fts_pending && q->search != NULL && store_fts_flush(s) != 0)
		return -1;
	search_terms_init(&t, s, q->search);
	if (q->limit <= 0) {
		/* Everything (the command line's listing): stream it. */
		st = inbox_prepare(s, q, &t, s->force_plan == PLAN_SELECTIVE ? PLAN_SELECTIVE
									: PLAN_NATURAL,
			     SHAPE_ROWS, false);
		ret = st != NULL ? inbox_stream_rows(s, st, fn, ctx) : -1;
		goto out;
	}
	if (s->force_plan == PLAN_SELECTIVE)
		goto selective;
	if (t.n > 0 && inbox_narrow_usable(s)) {
		int m = inbox_narrow_match(s, q, &t);

		if (m == 2 && inbox_narrow_refine(s, &t) != 0)
			m = 0;
		if (m > 0) {
			s->narrowed++;
			ret = inbox_narrow_page(s, q, fn, ctx);
			goto out;
		}
	}
	if (s->force_plan == PLAN_TEST_NARROW)
		goto selective;
	if (s->force_plan == PLAN_ORDERED)
		rc = page_ids(s, q, &t, PLAN_ORDERED, 0, &ids, &n_ids, &ms);
	else if (t.n == 0 && (!has_filters(q) || natural_is_ordered(q)))
		rc = page_ids(s, q, &t, PLAN_NATURAL, 0, &ids, &n_ids, &ms);
	else
		rc = page_ids(s, q, &t, PLAN_ORDERED, plan_budget(s), &ids, &n_ids, &ms);
	if (rc < 0)
		goto out;
	if (rc == 0) {
		if (t.n > 0)
			walk_note(s, q, &t, ms, (int64_t)n_ids);
		ret = fetch_ids(s, q, ids, n_ids, fn, ctx);
		goto out;
	}
selective:
	if (t.n > 0 && inbox_narrow_usable(s) && inbox_narrow_fill(s, q, &t) == 0) {
		ret = inbox_narrow_page(s, q, fn, ctx);
		goto out;
	}
	st = inbox_prepare(s, q, &t, PLAN_SELECTIVE, SHAPE_ROWS, false);
	if (st != NULL) {
		struct count_fn cf = {fn, ctx, 0, false};

		ret = inbox_stream_rows(s, st, count_through, &cf);
		if (ret == 0 && t.n > 0 && !cf.stopped)
			walk_note(s, q, &t, INFINITY, cf.rows);
	}
out:
	free(ids);
	search_terms_release(&t);
	return ret;
}

struct page_ctx {
	struct store_page *page;
	size_t cap;
};

static int
page_add(void *ctx, const struct store_row *r)
{
	struct page_ctx *pc = ctx;
	struct store_row *o;

	if (pc->page->n == pc->cap) {
		pc->cap = pc->cap ? 2 * pc->cap : 64;
		pc->page->rows = xreallocarray(pc->page->rows, pc->cap, sizeof *pc->page->rows);
	}
	o = &pc->page->rows[pc->page->n++];
	*o = *r;
	o->code = xstrdup_or_null(r->code);
	o->source = xstrdup_or_null(r->source);
	o->procedure_code = xstrdup_or_null(r->procedure_code);
	o->procedure_name = xstrdup_or_null(r->procedure_name);
	o->applicant_name = xstrdup_or_null(r->applicant_name);
	o->raw_status = xstrdup_or_null(r->raw_status);
	o->area = xstrdup_or_null(r->area);
	return 0;
}

int
store_inbox_page(struct store *s, const struct store_query *q, struct store_page *out)
{
	struct page_ctx pc = {.page = out, .cap = 0};

	memset(out, 0, sizeof *out);
	if (store_inbox_each(s, q, page_add, &pc) != 0) {
		store_page_release(out);
		return -1;
	}
	return 0;
}

void
store_page_release(struct store_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct store_row *r = &p->rows[i];

		/* The page owns these copies; the const is for the borrowed case. */
		free((char *)r->code);
		free((char *)r->source);
		free((char *)r->procedure_code);
		free((char *)r->procedure_name);
		free((char *)r->applicant_name);
		free((char *)r->raw_status);
		free((char *)r->area);
	}
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}

/* Run a count statement; with a budget (ms > 0), 1 means it ran out. */
static int
run_count(struct store *s, sqlite3_stmt *st, int64_t cap, double budget_ms, int64_t *n)
{
	bool budgeted = budget_ms > 0;
	struct budget b;
	int rc;

	if (cap > 0)
		bind_int(st, P_LIMIT, cap);
	if (budgeted)
		budget_start(s, &b, budget_ms);
	rc = sqlite3_step(st);
	if (budgeted)
		budget_stop(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (budgeted && b.spent)
		return 1;
	return store_fail(s, "counting the inbox");
}

/*
 * The count; budget_ms > 0 (with cap > 0): a keystroke's, which gives up
 * after about that long with *partial set (store.h).
 */
static int
count_rows(struct store *s, const struct store_query *q, int64_t cap, double budget_ms,
	   int64_t *n, bool *partial)
{
	struct search_terms t;
	struct budget clock;
	sqlite3_stmt *st;
	double walk_budget = 0, left;
	int ret = -1, rc;

	*n = 0;
	*partial = false;
	if (cap <= 0)
		budget_ms = 0;
	if (s->fts_pending && q->search != NULL && store_fts_flush(s) != 0)
		return -1;
	search_terms_init(&t, s, q->search);
	if (t.n == 0) {
		st = inbox_prepare(s, q, &t, PLAN_NATURAL, SHAPE_COUNT, cap > 0);
		ret = st != NULL ? run_count(s, st, cap, 0, n) : -1;
		goto out;
	}
	if (s->force_plan == PLAN_ORDERED) {
		st = inbox_prepare(s, q, &t, PLAN_ORDERED, SHAPE_COUNT, cap > 0);
		ret = st != NULL ? run_count(s, st, cap, 0, n) : -1;
		goto out;
	}
	if ((s->force_plan == PLAN_NATURAL || s->force_plan == PLAN_TEST_NARROW) &&
	    inbox_narrow_match(s, q, &t) == 1) {
		/* the page was read from these words' every match */
		*n = cap > 0 && s->narrow_rows > cap ? cap : s->narrow_rows;
		ret = 0;
		goto out;
	}
	clock.spent = false;
	clock_gettime(CLOCK_MONOTONIC, &clock.start);
	if (cap > 0)
		walk_budget = plan_budget(s);
	if (s->force_plan == PLAN_NATURAL && walk_known(s, q, &t)) {
		/* the page just read reached the last match: that is the count */
		if (s->walk_ended) {
			*n = cap > 0 && s->walk_rows > cap ? cap : s->walk_rows;
			ret = 0;
			goto out;
		}
		/* Dense words fill the cap quickly walking the covering index;
		 * a walk that needed walk_ms for walk_rows would need about
		 * cap / walk_rows times as long for the cap, and one the page
		 * gave up on (INFINITY: answered the selective way) would run
		 * out again. */
		if (cap > 0 && (isinf(s->walk_ms) ||
				s->walk_ms * (double)cap / (double)s->walk_rows > walk_budget))
			goto selective;
	}
	if (cap > 0 && s->force_plan != PLAN_SELECTIVE) {
		if (budget_ms > 0 && walk_budget > budget_ms / 2)
			walk_budget = budget_ms / 2;
		st = inbox_prepare(s, q, &t, PLAN_ORDERED, SHAPE_COUNT, true);
		if (st == NULL)
			goto out;
		rc = run_count(s, st, cap, walk_budget, n);
		if (rc <= 0) {
			ret = rc;
			goto out;
		}
	}
selective:
	left = budget_ms > 0 ? budget_ms - budget_elapsed(&clock) : 0;
	if (budget_ms > 0 && left <= 0)
		left = 1e-6; /* out of time already: stop at the first check */
	if (!has_filters(q)) {
		/* Every word is in the FTS query: the FTS index alone knows the answer. */
		st = store_stmt(s, cap > 0 ? "SELECT count(*) FROM (SELECT 1 FROM dossier_fts"
					     " WHERE dossier_fts MATCH ?1 LIMIT ?9)"
					   : "SELECT count(*) FROM dossier_fts"
					     " WHERE dossier_fts MATCH ?1");
		if (st == NULL)
			goto out;
		store_bind_text(st, 1, t.match);
	} else {
		st = inbox_prepare(s, q, &t, PLAN_SELECTIVE, SHAPE_COUNT, cap > 0);
		if (st == NULL)
			goto out;
	}
	rc = run_count(s, st, cap, left, n);
	if (rc == 1) {
		/* out of time: say what is sure, the rows of the page read last */
		*n = walk_known(s, q, &t) ? s->walk_rows : 0;
		*partial = true;
		rc = 0;
	}
	ret = rc;
out:
	search_terms_release(&t);
	return ret;
}

int
store_inbox_count(struct store *s, const struct store_query *q, int64_t cap, int64_t *n)
{
	bool partial;

	return count_rows(s, q, cap, 0, n, &partial);
}

int
store_inbox_count_within(struct store *s, const struct store_query *q, int64_t cap,
			 double budget_ms, int64_t *n, bool *partial)
{
	return count_rows(s, q, cap, budget_ms, n, partial);
}
