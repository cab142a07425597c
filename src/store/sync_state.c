/*
 * sync_state.c - what the store keeps per system besides its dossiers: the
 * pull's position and outcome (store_sync_state_*) and the bytes counted
 * per system, kind and day (store_bytes_*).  store.h has the contracts.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* ------------------------------------------------------------------ */
/* Sync state                                                          */

void
store_sync_state_release(struct store_sync_state *st)
{
	free(st->cursor);
	free(st->watermark);
	free(st->last_error);
	free(st->fingerprint);
	memset(st, 0, sizeof *st);
}

int
store_sync_state_get(struct store *s, const char *source, struct store_sync_state *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	out->server_total = -1;
	st = store_stmt(s, "SELECT cursor, watermark, last_sync_at, last_ok_at, last_error,"
			   " server_total, fingerprint FROM sync_state WHERE source = ?1");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->cursor = store_column_dup(st, 0);
		out->watermark = store_column_dup(st, 1);
		out->last_sync_at = sqlite3_column_int64(st, 2);
		out->last_ok_at = sqlite3_column_int64(st, 3);
		out->last_error = store_column_dup(st, 4);
		out->server_total = sqlite3_column_int64(st, 5);
		out->fingerprint = store_column_dup(st, 6);
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading sync state");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 1;
}

int
store_sync_state_sources(struct store *s, int (*fn)(void *ctx, const char *source), void *ctx)
{
	sqlite3_stmt *st = store_stmt(s, "SELECT source FROM sync_state ORDER BY source");
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, "reading sync states");
	return 0;
}

int
store_sync_state_set(struct store *s, const char *source, const struct store_sync_state *in)
{
	sqlite3_stmt *st;

	if (source == NULL)
		return store_failf(s, "sync state without a source");
	st = store_stmt(s, "INSERT OR REPLACE INTO sync_state"
			   " (source, cursor, watermark, last_sync_at, last_ok_at, last_error,"
			   " server_total, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, source);
	store_bind_text(st, 2, in->cursor);
	store_bind_text(st, 3, in->watermark);
	sqlite3_bind_int64(st, 4, in->last_sync_at);
	sqlite3_bind_int64(st, 5, in->last_ok_at);
	store_bind_text(st, 6, in->last_error);
	sqlite3_bind_int64(st, 7, in->server_total);
	store_bind_text(st, 8, in->fingerprint);
	return store_step_done(s, st, "saving sync state");
}

/* ------------------------------------------------------------------ */
/* Byte counters                                                       */

int
store_bytes_add(struct store *s, const char *source, const char *kind, mc_time now,
		int64_t bytes_in, int64_t bytes_out, int64_t requests)
{
	sqlite3_stmt *st;

	if (source == NULL || kind == NULL)
		return store_failf(s, "byte counter without a source or kind");
	st = store_stmt(s, "INSERT INTO traffic (source, kind, day, bytes_in, bytes_out, requests)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
			   " ON CONFLICT (source, kind, day) DO UPDATE SET"
			   " bytes_in = bytes_in + excluded.bytes_in,"
			   " bytes_out = bytes_out + excluded.bytes_out,"
			   " requests = requests + excluded.requests");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, source);
	store_bind_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, civil_day_of(now));
	sqlite3_bind_int64(st, 4, bytes_in);
	sqlite3_bind_int64(st, 5, bytes_out);
	sqlite3_bind_int64(st, 6, requests);
	return store_step_done(s, st, "counting bytes");
}

#define BYTES_COLUMNS                                                          \
	"coalesce(sum(CASE WHEN day = ?1 THEN bytes_in END), 0),"              \
	" coalesce(sum(CASE WHEN day = ?1 THEN bytes_out END), 0),"            \
	" coalesce(sum(CASE WHEN day = ?1 THEN requests END), 0),"             \
	" coalesce(sum(bytes_in), 0), coalesce(sum(bytes_out), 0),"            \
	" coalesce(sum(requests), 0)"

static void
bytes_from_row(sqlite3_stmt *st, int col, struct store_bytes *b)
{
	b->today_in = sqlite3_column_int64(st, col);
	b->today_out = sqlite3_column_int64(st, col + 1);
	b->today_requests = sqlite3_column_int64(st, col + 2);
	b->total_in = sqlite3_column_int64(st, col + 3);
	b->total_out = sqlite3_column_int64(st, col + 4);
	b->total_requests = sqlite3_column_int64(st, col + 5);
}

int
store_bytes_get(struct store *s, const char *source, mc_time now, struct store_bytes *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = store_stmt(s, "SELECT " BYTES_COLUMNS " FROM traffic"
			   " WHERE ?2 IS NULL OR source = ?2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, civil_day_of(now));
	store_bind_text(st, 2, source);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		bytes_from_row(st, 0, out);
	else
		store_fail(s, "reading byte counters");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_bytes_each(struct store *s, mc_time now, store_bytes_fn fn, void *ctx)
{
	sqlite3_stmt *st;
	int rc;

	st = store_stmt(s, "SELECT source, " BYTES_COLUMNS " FROM traffic"
			   " GROUP BY source ORDER BY source");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, civil_day_of(now));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_bytes b;

		bytes_from_row(st, 1, &b);
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), &b) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		store_fail(s, "reading byte counters");
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
