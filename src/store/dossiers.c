/*
 * dossiers.c - storing and loading whole dossiers with their children
 * (history, attachments, fees, supplements).
 *
 * An upsert keeps the row id of an existing dossier (children and the search
 * index key on it) and replaces the children wholesale: the sources always
 * send a dossier's full lists, so replacing is simpler and no slower than
 * diffing.  The row itself is updated with only the indexed columns whose
 * values changed, so a status change rewrites the status and due indexes,
 * not all eleven.  A new dossier has no children to delete and goes into the
 * search index with the rest of its batch (store_fts_flush()).  The derived
 * columns (folded search text, due sort key, applicant sort key) are
 * computed here, in one place.  Queries over many dossiers are in inbox.c.
 */
#include "store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "store/protect_int.h"

#define DOSSIER_COLUMNS                                                                \
	"code, source, procedure_code, procedure_name, field_code, field_name,"        \
	" applicant_name, applicant_id, applicant_kind, area, summary, unit, channel," \
	" received_at, source_due_at, due_at, finished_at, updated_at,"                \
	" status, raw_status, coord_status, version, payment, payment_channel, detail_at"

enum {
	C_CODE = 0, C_SOURCE, C_PROCEDURE_CODE, C_PROCEDURE_NAME, C_FIELD_CODE,
	C_FIELD_NAME, C_APPLICANT_NAME, C_APPLICANT_ID, C_APPLICANT_KIND, C_AREA,
	C_SUMMARY, C_UNIT, C_CHANNEL, C_RECEIVED_AT, C_SOURCE_DUE_AT, C_DUE_AT,
	C_FINISHED_AT, C_UPDATED_AT, C_STATUS, C_RAW_STATUS, C_COORD_STATUS,
	C_VERSION, C_PAYMENT, C_PAYMENT_CHANNEL, C_DETAIL_AT, C_DUE_KEY, C_SEARCH,
	C_KEEP_PAYMENT, C_NAME_KEY, C_ID = C_DUE_KEY,
};

#define INSERT_SQL                                                                      \
	"INSERT INTO dossiers (" DOSSIER_COLUMNS ", due_key, search, detail_version,"      \
	" name_key) VALUES"                                                                 \
	" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"    \
	" ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, CASE WHEN ?25 > 0 THEN ?22 END," \
	" ?29)"

/* A dossier not stored yet, most likely: inserted; nothing happens when
 * the code is stored (then update_row() below). */
static const char insert_sql[] = INSERT_SQL " ON CONFLICT (code) DO NOTHING";

/*
 * An update sets the columns no index covers every time (the row is written
 * anyway) and an indexed column only when its value changed (upd_cols):
 * SQLite rewrites an index's entry for every update that names one of its
 * columns, changed or not.  The bindings are the insert's, ?30 the row id.
 */
#define UPDATE_SQL_HEAD                                                                 \
	"UPDATE dossiers SET procedure_name = ?4, field_name = ?6, applicant_name = ?7,"  \
	" applicant_id = ?8, applicant_kind = ?9, summary = ?11, unit = ?12,"              \
	" channel = ?13, source_due_at = ?15, due_at = ?16, finished_at = ?17,"            \
	" raw_status = ?20, version = ?22, payment = ?23,"                                 \
	/* a record without the payment's details keeps the ones a detail gave */          \
	" payment_channel = CASE WHEN ?28 THEN payment_channel ELSE ?24 END,"              \
	" detail_version = CASE WHEN ?25 > 0 THEN ?22 ELSE detail_version END,"            \
	" detail_at = max(detail_at, ?25)"
#define UPDATE_ID_PARAM 30
#define UPDATE_SQL_TAIL " WHERE id = ?30"

/* The indexed columns, in the order stored_row() reads them after id. */
static const struct {
	const char *set;
	int column;  /* C_* of its new value */
	bool number;
} upd_cols[] = {
	{", source = ?2", C_SOURCE, false},
	{", status = ?19", C_STATUS, true},
	{", due_key = ?26", C_DUE_KEY, true},
	{", search = ?27", C_SEARCH, false},
	{", received_at = ?14", C_RECEIVED_AT, true},
	{", updated_at = ?18", C_UPDATED_AT, true},
	{", procedure_code = ?3", C_PROCEDURE_CODE, false},
	{", field_code = ?5", C_FIELD_CODE, false},
	{", area = ?10", C_AREA, false},
	{", name_key = ?29", C_NAME_KEY, false},
	{", coord_status = ?21", C_COORD_STATUS, true},
};
#define UPD_SEARCH (1u << 3)

/* The sort key described in schema.c: open by due, open without due, finished. */
int64_t
store_due_key(int status, mc_time finished_at, mc_time due_at, mc_time source_due_at)
{
	mc_time due = due_at != 0 ? due_at : source_due_at;
	bool finished = status_is_finished(status) || finished_at != 0;

	if (due < 0)
		due = 0;
	if (due >= STORE_DUE_KEY_NONE)
		due = STORE_DUE_KEY_NONE - 1;
	if (finished)
		return STORE_DUE_KEY_FINISHED + due;
	return due != 0 ? due : STORE_DUE_KEY_NONE;
}

/*
 * The applicant sort key (store_int.h).  Vietnamese names are sorted by the
 * given name, which comes last ("Nguyễn Văn An" is found under A), then by
 * the whole name, so "Lê An" comes before "Nguyễn Văn An" and both before
 * "Trần Thị Bình".  The word boundary is a space: folded text has no
 * character below it but control characters, so the given name alone
 * orders first ("an ..." < "anh ...").  An organisation's name has no
 * given name: "Công ty TNHH An Phát" is under C.  A name that folds to
 * nothing sorts last rather than first, where the clerk would meet a block
 * of empty rows before any name.
 */
char *
store_name_key(const char *name, int applicant_kind)
{
	char *folded = fold_text(name), *key, *last;
	size_t len = strlen(folded), given;

	if (len == 0) {
		free(folded);
		return xstrdup(STORE_NAME_KEY_NONE);
	}
	if (applicant_kind == APPLICANT_ENTERPRISE || applicant_kind == APPLICANT_AGENCY ||
	    applicant_kind == APPLICANT_ORGANISATION)
		return folded;
	last = strrchr(folded, ' ');
	last = last != NULL ? last + 1 : folded;
	given = len - (size_t)(last - folded);
	key = xmalloc(given + 1 + len + 1);
	memcpy(key, last, given);
	key[given] = ' ';
	memcpy(key + given + 1, folded, len + 1);
	free(folded);
	return key;
}

/* motcua_name_key(name, kind): store_name_key() for SQL (schema.c, repair.c). */
static void
sql_name_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char *key;

	(void)argc;
	key = store_name_key((const char *)sqlite3_value_text(argv[0]),
			     sqlite3_value_int(argv[1]));
	sqlite3_result_text(ctx, key, -1, free);
}

int
store_dossiers_register(struct store *s)
{
	if (sqlite3_create_function_v2(s->db, "motcua_name_key", 2,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
				       NULL, sql_name_key, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, "registering the name key function");
	return 0;
}

/*
 * The folded words of the code, applicant name, procedure name and ID number,
 * each preceded by two spaces ("  h56.14-260312-00042  nguyen  van  duong
 * ...").  The spaces make the start of a word visible to the trigram index:
 * "  d" and " du" are trigrams, so one- and two-letter search words are
 * indexed too (inbox.c).  When ID numbers are sealed (protect.h) the number
 * is replaced by its keyed token, and left out when they are not kept.
 */
char *
store_search_text(struct store *s, const char *code, const char *applicant_name,
		  const char *procedure_name, const char *id)
{
	char token[STORE_PII_TOKEN_LEN + 1];
	enum store_pii_mode mode = store_protect_mode(s);
	const char *parts[] = {code, applicant_name, procedure_name,
			       mode == STORE_PII_CLEAR ? id
			       : store_pii_token(s, id, token) ? token : NULL};
	size_t cap = 1, len = 0;
	char *out;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		cap += (parts[i] != NULL ? 3 * strlen(parts[i]) : 0) + 2;
	out = xmalloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		char *folded;

		if (parts[i] == NULL)
			continue;
		folded = fold_text(parts[i]);
		/* fold_text() leaves single spaces between words: widen them. */
		for (char *w = folded; *w != '\0';) {
			size_t n = strcspn(w, " ");

			out[len++] = ' ';
			out[len++] = ' ';
			memcpy(out + len, w, n);
			len += n;
			w += n;
			while (*w == ' ')
				w++;
		}
		out[len] = '\0';
		free(folded);
	}
	return out;
}

/* The child lists' tables, each with the list bit a record may lack. */
static const struct {
	unsigned list;
	const char *table;
} child_tables[] = {
	{DOSSIER_LIST_HISTORY, "dossier_events"},
	{DOSSIER_LIST_ATTACHMENTS, "dossier_attachments"},
	{DOSSIER_LIST_FEES, "dossier_fees"},
	{DOSSIER_LIST_SUPPLEMENTS, "dossier_supplements"},
	{DOSSIER_LIST_PAYMENT, "dossier_receipts"},
};

/*
 * Delete the lists, but those in `keep`, of the dossiers whose dossier_id
 * matches `cond` ("= ?1" or "IN (SELECT ...)"); ?1 is `code` when it is not
 * NULL, else `id`.  0 or -1.
 */
static int
delete_lists(struct store *s, unsigned keep, const char *cond, int64_t id, const char *code)
{
	for (size_t i = 0; i < sizeof child_tables / sizeof child_tables[0]; i++) {
		char sql[512];
		sqlite3_stmt *st;

		if ((keep & child_tables[i].list) != 0)
			continue;
		if ((size_t)snprintf(sql, sizeof sql, "DELETE FROM %s WHERE dossier_id %s",
				     child_tables[i].table, cond) >= sizeof sql)
			return store_failf(s, "deleting a dossier's details: query too long");
		st = store_stmt(s, sql);
		if (st == NULL)
			return -1;
		if (code != NULL)
			store_bind_text(st, 1, code);
		else
			sqlite3_bind_int64(st, 1, id);
		if (store_step_done(s, st, "deleting a dossier's details") != 0)
			return -1;
	}
	return 0;
}

/* Replace the lists the record carries; keep those it does not (lists_absent). */
static int
delete_children(struct store *s, int64_t id, unsigned absent)
{
	return delete_lists(s, absent, "= ?1", id, NULL);
}

/* The lists of d the record carries (a list it does not carry is empty in d). */
static int
insert_children(struct store *s, int64_t id, const struct dossier *d)
{
	sqlite3_stmt *st;

	for (size_t i = 0; i < d->n_history; i++) {
		const struct dossier_event *e = &d->history[i];

		st = store_stmt(s, "INSERT INTO dossier_events"
				   " (dossier_id, seq, at, actor, unit, content, status)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, e->at);
		store_bind_text(st, 4, e->actor);
		store_bind_text(st, 5, e->unit);
		store_bind_text(st, 6, e->content);
		sqlite3_bind_int(st, 7, e->status);
		if (store_step_done(s, st, "saving history") != 0)
			return -1;
	}
	for (size_t i = 0; i < d->n_attachments; i++) {
		const struct dossier_attachment *a = &d->attachments[i];

		st = store_stmt(s, "INSERT INTO dossier_attachments"
				   " (dossier_id, seq, attachment_id, name, component_code, url, size)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		store_bind_text(st, 3, a->id);
		store_bind_text(st, 4, a->name);
		store_bind_text(st, 5, a->component_code);
		store_bind_text(st, 6, a->url);
		sqlite3_bind_int64(st, 7, a->size);
		if (store_step_done(s, st, "saving attachments") != 0)
			return -1;
	}
	for (size_t i = 0; i < d->n_fees; i++) {
		const struct dossier_fee *f = &d->fees[i];

		st = store_stmt(s, "INSERT INTO dossier_fees (dossier_id, seq, code, name, amount)"
				   " VALUES (?1, ?2, ?3, ?4, ?5)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		store_bind_text(st, 3, f->code);
		store_bind_text(st, 4, f->name);
		sqlite3_bind_int64(st, 5, f->amount);
		if (store_step_done(s, st, "saving fees") != 0)
			return -1;
	}
	for (size_t i = 0; i < d->n_receipts; i++) {
		const struct dossier_receipt *r = &d->receipts[i];

		st = store_stmt(s, "INSERT INTO dossier_receipts"
				   " (dossier_id, seq, number, series, issuer, amount, issued_at)"
				   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		store_bind_text(st, 3, r->number);
		store_bind_text(st, 4, r->series);
		store_bind_text(st, 5, r->issuer);
		sqlite3_bind_int64(st, 6, r->amount);
		sqlite3_bind_int64(st, 7, r->issued_at);
		if (store_step_done(s, st, "saving receipts") != 0)
			return -1;
	}
	for (size_t i = 0; i < d->n_supplements; i++) {
		const struct dossier_supplement *p = &d->supplements[i];

		st = store_stmt(s, "INSERT INTO dossier_supplements"
				   " (dossier_id, seq, requested_at, completed_at, reason)"
				   " VALUES (?1, ?2, ?3, ?4, ?5)");
		if (st == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, p->requested_at);
		sqlite3_bind_int64(st, 4, p->completed_at);
		store_bind_text(st, 5, p->reason);
		if (store_step_done(s, st, "saving supplements") != 0)
			return -1;
	}
	return 0;
}

/* What a dossier's row holds besides its fields, made once per upsert (an
 * update tries the insert first): the search text, the applicant sort key,
 * the ID number as stored (sealed). */
struct derived {
	char *search;
	char *name_key;
	char *sealed_id;
	int64_t due_key;
};

/* Bind d's values as the insert and the update number them. */
static void
bind_dossier(sqlite3_stmt *st, const struct dossier *d, const struct derived *dv)
{
	store_bind_text(st, C_CODE + 1, d->code);
	store_bind_text(st, C_SOURCE + 1, d->source);
	store_bind_text(st, C_PROCEDURE_CODE + 1, d->procedure_code);
	store_bind_text(st, C_PROCEDURE_NAME + 1, d->procedure_name);
	store_bind_text(st, C_FIELD_CODE + 1, d->field_code);
	store_bind_text(st, C_FIELD_NAME + 1, d->field_name);
	store_bind_text(st, C_APPLICANT_NAME + 1, d->applicant_name);
	if (dv->sealed_id != NULL)
		sqlite3_bind_text(st, C_APPLICANT_ID + 1, dv->sealed_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, C_APPLICANT_KIND + 1, d->applicant_kind);
	store_bind_text(st, C_AREA + 1, d->area);
	store_bind_text(st, C_SUMMARY + 1, d->summary);
	store_bind_text(st, C_UNIT + 1, d->unit);
	sqlite3_bind_int(st, C_CHANNEL + 1, d->channel);
	sqlite3_bind_int64(st, C_RECEIVED_AT + 1, d->received_at);
	sqlite3_bind_int64(st, C_SOURCE_DUE_AT + 1, d->source_due_at);
	sqlite3_bind_int64(st, C_DUE_AT + 1, d->due_at);
	sqlite3_bind_int64(st, C_FINISHED_AT + 1, d->finished_at);
	sqlite3_bind_int64(st, C_UPDATED_AT + 1, d->updated_at);
	sqlite3_bind_int(st, C_STATUS + 1, d->status);
	store_bind_text(st, C_RAW_STATUS + 1, d->raw_status);
	sqlite3_bind_int(st, C_COORD_STATUS + 1, d->coord_status);
	store_bind_text(st, C_VERSION + 1, d->version);
	sqlite3_bind_int(st, C_PAYMENT + 1, d->payment);
	store_bind_text(st, C_PAYMENT_CHANNEL + 1, d->payment_channel);
	sqlite3_bind_int64(st, C_DETAIL_AT + 1, d->detail_at);
	sqlite3_bind_int64(st, C_DUE_KEY + 1, dv->due_key);
	store_bind_text(st, C_SEARCH + 1, dv->search);
	sqlite3_bind_text(st, C_NAME_KEY + 1, dv->name_key, -1, SQLITE_STATIC);
}

/* Insert the row of a dossier most likely not stored: 0 with *id, 1 when
 * its code is stored after all (nothing written), or -1. */
static int
insert_row(struct store *s, const struct dossier *d, const struct derived *dv, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, insert_sql);

	if (st == NULL)
		return -1;
	bind_dossier(st, d, dv);
	if (store_step_done(s, st, "saving a dossier") != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return 1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* Update row `id` with d, naming the indexed columns `changed` flags
 * (bits of upd_cols). */
static int
update_row(struct store *s, const struct dossier *d, const struct derived *dv, int64_t id,
	   unsigned changed)
{
	/* the head, every indexed column (under 32 bytes each) and the tail */
	char sql[sizeof UPDATE_SQL_HEAD + 32 * (sizeof upd_cols / sizeof upd_cols[0]) +
		 sizeof UPDATE_SQL_TAIL];
	size_t len = strlen(UPDATE_SQL_HEAD);
	sqlite3_stmt *st;

	memcpy(sql, UPDATE_SQL_HEAD, len);
	for (size_t i = 0; i < sizeof upd_cols / sizeof upd_cols[0]; i++) {
		size_t n = strlen(upd_cols[i].set);

		if ((changed & (1u << i)) == 0)
			continue;
		if (len + n + sizeof UPDATE_SQL_TAIL > sizeof sql)
			return store_failf(s, "saving a dossier: the update is too long");
		memcpy(sql + len, upd_cols[i].set, n);
		len += n;
	}
	memcpy(sql + len, UPDATE_SQL_TAIL, sizeof UPDATE_SQL_TAIL);
	st = store_stmt(s, sql);
	if (st == NULL)
		return -1;
	bind_dossier(st, d, dv);
	sqlite3_bind_int(st, C_KEEP_PAYMENT + 1, (d->lists_absent & DOSSIER_LIST_PAYMENT) != 0);
	sqlite3_bind_int64(st, UPDATE_ID_PARAM, id);
	return store_step_done(s, st, "saving a dossier");
}

/*
 * The search index takes new rows once per batch: each new row's id waits in
 * temp.fts_pending (a temporary table, so a rollback drops it with the row)
 * and one statement indexes them all.  FTS5 writes what it holds to disk at
 * every savepoint, which in a batch is nearly every statement: indexing row
 * by row made a segment per dossier (schema.c, version 9).
 */
int
store_fts_flush(struct store *s)
{
	static const char *const sql[] = {
		"SAVEPOINT fts_flush",
		/* parenthesised: one element made of two literals, not two */
		/* CROSS JOIN: the pending ids drive the loop.  Left to itself
		 * the planner walked the whole (due_key, search) index for
		 * every batch, so applying grew with the square of the store
		 * (4.8 of 12 s of CPU for 100,000 dossiers). */
		("INSERT INTO dossier_fts (rowid, search) SELECT d.id, d.search"
		 " FROM temp.fts_pending p CROSS JOIN dossiers d ON d.id = p.id"),
		"DELETE FROM temp.fts_pending",
		"RELEASE fts_flush",
	};

	if (!s->fts_pending)
		return 0;
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *st = store_stmt(s, sql[i]);

		if (st == NULL || store_step_done(s, st, "indexing dossiers for search") != 0) {
			char why[STORE_ERR_LEN];

			memcpy(why, s->err, sizeof why);
			if (i > 0)
				sqlite3_exec(s->db, "ROLLBACK TO fts_flush; RELEASE fts_flush", NULL,
					     NULL, NULL);
			memcpy(s->err, why, sizeof why);
			return -1;
		}
	}
	s->fts_pending = false;
	return 0;
}

/* Whether column `col` of st's row differs from text v (NULL: SQL NULL). */
static bool
text_differs(sqlite3_stmt *st, int col, const char *v)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	if (t == NULL || v == NULL)
		return (t == NULL) != (v == NULL);
	return strcmp((const char *)t, v) != 0;
}

/*
 * The row id stored for d's code and which of its indexed columns d's values
 * change (*changed, bits of upd_cols): 0, 1 when there is none, -1.
 */
static int
stored_row(struct store *s, const struct dossier *d, const struct derived *dv, int64_t *id,
	   unsigned *changed)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT id, source, status, due_key, search, received_at,"
					 " updated_at, procedure_code, field_code, area, name_key,"
					 " coord_status FROM dossiers WHERE code = ?1");
	int rc;

	*id = 0;
	*changed = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, d->code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const int64_t numbers[] = {
			[C_STATUS] = d->status,          [C_DUE_KEY] = dv->due_key,
			[C_RECEIVED_AT] = d->received_at, [C_UPDATED_AT] = d->updated_at,
			[C_COORD_STATUS] = d->coord_status,
		};
		const char *texts[] = {
			[C_SOURCE] = d->source,       [C_SEARCH] = dv->search,
			[C_PROCEDURE_CODE] = d->procedure_code, [C_FIELD_CODE] = d->field_code,
			[C_AREA] = d->area,           [C_NAME_KEY] = dv->name_key,
		};

		*id = sqlite3_column_int64(st, 0);
		for (size_t i = 0; i < sizeof upd_cols / sizeof upd_cols[0]; i++) {
			int c = upd_cols[i].column, col = (int)i + 1;
			bool differs = upd_cols[i].number
					       ? sqlite3_column_type(st, col) != SQLITE_INTEGER ||
							 sqlite3_column_int64(st, col) != numbers[c]
					       : text_differs(st, col, texts[c]);

			if (differs)
				*changed |= 1u << i;
		}
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "saving a dossier");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* A cached statement without rows or bindings ("SAVEPOINT ..."). */
static int
step_sql(struct store *s, const char *sql, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, sql);

	return st == NULL ? -1 : store_step_done(s, st, what);
}

int
store_dossier_upsert(struct store *s, const struct dossier *d)
{
	struct derived dv;
	int64_t id = 0;
	int found, ret = -1;
	bool existed;
	/* in a cache batch a failure fails the whole batch (store.h): the
	 * savepoint, and the copy of every page it touched, are not needed */
	bool savepoint = !s->in_batch || (s->batch_flags & STORE_BATCH_CACHE) == 0;

	if (d->code == NULL || d->code[0] == '\0' || d->source == NULL)
		return store_failf(s, "a dossier without a code or source cannot be stored");
	if (savepoint && step_sql(s, "SAVEPOINT dossier_upsert", "saving a dossier") != 0)
		return -1;
	dv.search = store_search_text(s, d->code, d->applicant_name, d->procedure_name,
				      d->applicant_id);
	dv.name_key = store_name_key(d->applicant_name, d->applicant_kind);
	dv.sealed_id = store_pii_seal(s, d->code, d->applicant_id);
	dv.due_key = store_due_key(d->status, d->finished_at, d->due_at, d->source_due_at);
	/* a new dossier first: the unique index answers whether it is one, in
	 * the same step that inserts it (a first sync is all new ones) */
	found = insert_row(s, d, &dv, &id);
	if (found < 0)
		goto out;
	existed = found == 1;
	if (existed) {
		unsigned changed;

		found = stored_row(s, d, &dv, &id, &changed);
		if (found != 0) {
			if (found > 0)
				store_failf(s, "saving a dossier: %s vanished", d->code);
			goto out;
		}
		/* the update trigger takes the old text out of the index: a
		 * row still pending is not in it yet */
		if ((changed & UPD_SEARCH) != 0 && store_fts_flush(s) != 0)
			goto out;
		if (update_row(s, d, &dv, id, changed) != 0 ||
		    delete_children(s, id, d->lists_absent) != 0)
			goto out;
	} else {
		sqlite3_stmt *st = store_stmt(s, "INSERT INTO temp.fts_pending (id) VALUES (?1)");

		if (st == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, id);
		if (store_step_done(s, st, "saving a dossier") != 0)
			goto out;
		s->fts_pending = true;
	}
	if (insert_children(s, id, d) != 0)
		goto out;
	/* alone, it is indexed now: the savepoint is its transaction */
	if (!s->in_batch && store_fts_flush(s) != 0)
		goto out;
	ret = 0;
out:
	if (ret != 0 && !savepoint) {
		s->batch_broken = true;
	} else if (ret != 0) {
		char why[STORE_ERR_LEN];

		memcpy(why, s->err, sizeof why);
		sqlite3_exec(s->db, "ROLLBACK TO dossier_upsert", NULL, NULL, NULL);
		memcpy(s->err, why, sizeof why);
		/* the rollback may have brought back rows a flush had indexed */
		s->fts_pending = true;
	}
	if (savepoint && step_sql(s, "RELEASE dossier_upsert", "saving a dossier") != 0 &&
	    ret == 0)
		ret = -1;
	free(dv.search);
	free(dv.name_key);
	xfree_secret(dv.sealed_id);
	return ret;
}

/* One dossier of store_dossiers_upsert()'s batch: its due key, its place. */
struct upsert_order {
	int64_t due_key;
	size_t i;
};

static int
upsert_order_cmp(const void *a, const void *b)
{
	const struct upsert_order *x = a, *y = b;

	if (x->due_key != y->due_key)
		return x->due_key < y->due_key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The dossiers in due-key order: two of the inbox's indexes lead with the
 * due key and five hold it after a column of few values (source, status,
 * field, procedure, area), so in that order each index's new entries land
 * beside the last ones instead of all over the tree.  Filling 100,000
 * dossiers took 2.81-3.02 s of CPU in arrival order, 2.55-2.64 s so
 * (bench_store, alternately).
 */
int
store_dossiers_upsert(struct store *s, struct dossier *d, size_t n)
{
	struct upsert_order *o;
	int ret = 0;

	if (n == 0)
		return 0;
	o = xreallocarray(NULL, n, sizeof *o);
	for (size_t i = 0; i < n; i++) {
		o[i].due_key = store_due_key(d[i].status, d[i].finished_at, d[i].due_at,
					     d[i].source_due_at);
		o[i].i = i;
	}
	qsort(o, n, sizeof *o, upsert_order_cmp);
	/* each released once written: the page cache grows as they go */
	for (size_t i = 0; i < n; i++) {
		if (ret == 0)
			ret = store_dossier_upsert(s, &d[o[i].i]);
		dossier_release(&d[o[i].i]);
	}
	free(o);
	return ret;
}

static int
load_children(struct store *s, int64_t id, struct dossier *d)
{
	sqlite3_stmt *st;
	int rc;

	st = store_stmt(s, "SELECT at, actor, unit, content, status FROM dossier_events"
			   " WHERE dossier_id = ?1 ORDER BY seq");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dossier_add_event(d, sqlite3_column_int64(st, 0),
				  (const char *)sqlite3_column_text(st, 1),
				  (const char *)sqlite3_column_text(st, 2),
				  (const char *)sqlite3_column_text(st, 3),
				  sqlite3_column_int(st, 4));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);

	st = store_stmt(s, "SELECT attachment_id, name, component_code, url, size"
			   " FROM dossier_attachments WHERE dossier_id = ?1 ORDER BY seq");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dossier_add_attachment(d, (const char *)sqlite3_column_text(st, 0),
				       (const char *)sqlite3_column_text(st, 1),
				       (const char *)sqlite3_column_text(st, 2),
				       (const char *)sqlite3_column_text(st, 3),
				       sqlite3_column_int64(st, 4));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);

	st = store_stmt(s, "SELECT code, name, amount FROM dossier_fees"
			   " WHERE dossier_id = ?1 ORDER BY seq");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dossier_add_fee(d, (const char *)sqlite3_column_text(st, 0),
				(const char *)sqlite3_column_text(st, 1),
				sqlite3_column_int64(st, 2));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);

	st = store_stmt(s, "SELECT requested_at, completed_at, reason FROM dossier_supplements"
			   " WHERE dossier_id = ?1 ORDER BY seq");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dossier_add_supplement(d, sqlite3_column_int64(st, 0),
				       sqlite3_column_int64(st, 1),
				       (const char *)sqlite3_column_text(st, 2));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);

	st = store_stmt(s, "SELECT number, series, issuer, amount, issued_at FROM dossier_receipts"
			   " WHERE dossier_id = ?1 ORDER BY seq");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		dossier_add_receipt(d, (const char *)sqlite3_column_text(st, 0),
				    (const char *)sqlite3_column_text(st, 1),
				    (const char *)sqlite3_column_text(st, 2),
				    sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_reset(st);
	return 0;
fail:
	store_fail(s, "loading a dossier's details");
	sqlite3_reset(st);
	return -1;
}

int
store_dossier_load(struct store *s, const char *code, struct dossier *out)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	dossier_init(out);
	st = store_stmt(s, "SELECT " DOSSIER_COLUMNS ", id FROM dossiers WHERE code = ?1");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		store_fail(s, "loading a dossier");
		sqlite3_reset(st);
		return -1;
	}
	out->code = store_column_dup(st, C_CODE);
	out->source = store_column_dup(st, C_SOURCE);
	out->procedure_code = store_column_dup(st, C_PROCEDURE_CODE);
	out->procedure_name = store_column_dup(st, C_PROCEDURE_NAME);
	out->field_code = store_column_dup(st, C_FIELD_CODE);
	out->field_name = store_column_dup(st, C_FIELD_NAME);
	out->applicant_name = store_column_dup(st, C_APPLICANT_NAME);
	out->applicant_id = store_pii_open(s, out->code,
					   (const char *)sqlite3_column_text(st, C_APPLICANT_ID));
	out->applicant_kind = sqlite3_column_int(st, C_APPLICANT_KIND);
	out->area = store_column_dup(st, C_AREA);
	out->summary = store_column_dup(st, C_SUMMARY);
	out->unit = store_column_dup(st, C_UNIT);
	out->channel = sqlite3_column_int(st, C_CHANNEL);
	out->received_at = sqlite3_column_int64(st, C_RECEIVED_AT);
	out->source_due_at = sqlite3_column_int64(st, C_SOURCE_DUE_AT);
	out->due_at = sqlite3_column_int64(st, C_DUE_AT);
	out->finished_at = sqlite3_column_int64(st, C_FINISHED_AT);
	out->updated_at = sqlite3_column_int64(st, C_UPDATED_AT);
	out->status = sqlite3_column_int(st, C_STATUS);
	out->raw_status = store_column_dup(st, C_RAW_STATUS);
	out->coord_status = sqlite3_column_int(st, C_COORD_STATUS);
	out->version = store_column_dup(st, C_VERSION);
	out->payment = sqlite3_column_int(st, C_PAYMENT);
	out->payment_channel = store_column_dup(st, C_PAYMENT_CHANNEL);
	out->detail_at = sqlite3_column_int64(st, C_DETAIL_AT);
	id = sqlite3_column_int64(st, C_ID);
	sqlite3_reset(st);
	if (load_children(s, id, out) != 0) {
		dossier_release(out);
		return -1;
	}
	return 0;
}

int
store_dossier_version(struct store *s, const char *code, char **version)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT version FROM dossiers WHERE code = ?1");
	int rc;

	*version = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE)
		store_fail(s, "reading a dossier's version");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_dossiers_last_id(struct store *s, int64_t *id)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT coalesce(max(id), 0) FROM dossiers");
	int rc;

	*id = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : store_fail(s, "reading the last dossier");
}

int
store_dossier_coord_get(struct store *s, const char *code, char **source, int *coord_status)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT source, coord_status FROM dossiers"
					 " WHERE code = ?1");
	int rc;

	*source = NULL;
	*coord_status = 0;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*source = store_column_dup(st, 0);
		*coord_status = sqlite3_column_int(st, 1);
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "reading a dossier");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_dossier_coord_set(struct store *s, const char *code, int coord_status)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE dossiers SET coord_status = ?2 WHERE code = ?1");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int(st, 2, coord_status);
	if (store_step_done(s, st, "saving a dossier's coordination status") != 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_children_delete(struct store *s, const char *ids, const char *code)
{
	char cond[400];

	if ((size_t)snprintf(cond, sizeof cond, "IN (%s)", ids) >= sizeof cond)
		return store_failf(s, "deleting a dossier's details: query too long");
	return delete_lists(s, 0, cond, 0, code);
}

int
store_dossier_delete(struct store *s, const char *code)
{
	sqlite3_stmt *st;

	/* the delete trigger takes the row out of the index: it must be in it */
	if (store_fts_flush(s) != 0)
		return -1;
	/* no cascade inside a cache batch (store.c): its lists go first */
	if (store_children_delete(s, "SELECT id FROM dossiers WHERE code = ?1", code) != 0)
		return -1;
	st = store_stmt(s, "DELETE FROM dossiers WHERE code = ?1");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	if (store_step_done(s, st, "deleting a dossier") != 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int
store_dossier_detail_version(struct store *s, const char *code, char **version)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT detail_version FROM dossiers WHERE code = ?1"
					 " AND detail_version = version AND detail_at > 0");
	int rc;

	*version = NULL;
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*version = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		store_fail(s, "reading a dossier's version");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int
store_dossier_detail_seen(struct store *s, const char *code, mc_time at)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE dossiers SET detail_at = max(detail_at, ?2)"
					 " WHERE code = ?1");

	if (st == NULL)
		return -1;
	store_bind_text(st, 1, code);
	sqlite3_bind_int64(st, 2, at);
	return store_step_done(s, st, "noting the detail's age");
}

int
store_dossier_count(struct store *s, const char *source, int64_t *n)
{
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	st = store_stmt(s, source == NULL ? "SELECT count(*) FROM dossiers"
					  : "SELECT count(*) FROM dossiers WHERE source = ?1");
	if (st == NULL)
		return -1;
	if (source != NULL)
		store_bind_text(st, 1, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		store_fail(s, "counting dossiers");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}
