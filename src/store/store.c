/*
 * store.c - opening and closing the store, the statement cache, batches,
 * per-source sync state and byte counters.
 *
 * Opening is careful about files it does not understand: the header is read
 * with plain read(2) before SQLite sees the file (magic, application id,
 * schema version), the identity (application
 * id, schema version, readable schema) is checked with checkpoint-on-close
 * disabled, and only then does the store switch to WAL and migrate.  A file
 * refused at any of these steps is left as it was.  Dossier rows live in
 * dossiers.c and inbox queries in inbox.c; the schema in schema.c.
 */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "store/protect_int.h"

#define BUSY_TIMEOUT_MS 5000
/* About 8 MB of page cache: enough for the inbox indexes' hot pages, and it
 * keeps the whole console under its 48 MB budget (DESIGN.md section 10). */
#define CACHE_PRAGMA "PRAGMA cache_size = -8000"

static const char sqlite_magic[16] = "SQLite format 3";

/* ------------------------------------------------------------------ */
/* Errors and helpers shared by the store's files                      */

int
store_failf(struct store *s, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(s->err, sizeof s->err, "%s: ", s->path);

	if (n < 0 || (size_t)n >= sizeof s->err)
		return -1; /* the path alone fills the buffer: keep it */
	va_start(ap, fmt);
	vsnprintf(s->err + n, sizeof s->err - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int
store_fail(struct store *s, const char *what)
{
	return store_failf(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

const char *
store_errmsg(const struct store *s)
{
	return s->err;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

int
store_exec(struct store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, sql);
	return 0;
}

int
store_step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		store_fail(s, what);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int
store_query_int64(struct store *s, const char *sql, int64_t *out, const char *what)
{
	sqlite3_stmt *st = store_stmt(s, sql);
	int rc;

	*out = 0;
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		store_fail(s, what);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

char *
store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : xstrdup((const char *)t);
}

sqlite3_stmt *
store_stmt(struct store *s, const char *sql)
{
	struct store_stmt *slot = NULL;

	for (size_t i = 0; i < STORE_STMT_CACHE; i++) {
		struct store_stmt *c = &s->cache[i];

		if (c->sql != NULL && strcmp(c->sql, sql) == 0) {
			c->used = ++s->tick;
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return c->stmt;
		}
		if (slot == NULL || c->sql == NULL || (slot->sql != NULL && c->used < slot->used))
			slot = c;
	}
	if (slot->sql != NULL) {
		sqlite3_finalize(slot->stmt);
		free(slot->sql);
		slot->sql = NULL;
		slot->stmt = NULL;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->stmt, NULL) !=
	    SQLITE_OK) {
		store_fail(s, "preparing a query");
		slot->stmt = NULL;
		return NULL;
	}
	slot->sql = xstrdup(sql);
	slot->used = ++s->tick;
	return slot->stmt;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Before SQLite touches the file: create it 0600 if absent, else make sure it
 * is a regular file that starts like an SQLite database.  Writes a message
 * into msg and returns -1 when the file must be refused.
 */
static int
prepare_file(const char *path, char *msg, size_t size)
{
	struct stat sb;
	unsigned char head[100]; /* the database header */
	ssize_t got;
	uint32_t app, version;
	int fd;

	if (stat(path, &sb) != 0) {
		if (errno != ENOENT) {
			snprintf(msg, size, "%s: %s", path, strerror(errno));
			return -1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			snprintf(msg, size, "%s: cannot create the store: %s", path,
				 strerror(errno));
			return -1;
		}
		close(fd);
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(msg, size, "%s: not a regular file; left unchanged", path);
		return -1;
	}
	if (sb.st_size == 0)
		return 0; /* created by us and never written: an empty store */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	got = read(fd, head, sizeof head);
	close(fd);
	if (got != (ssize_t)sizeof head || memcmp(head, sqlite_magic, sizeof sqlite_magic) != 0) {
		snprintf(msg, size,
			 "%s: not a motcua store (not an SQLite database); left unchanged", path);
		return -1;
	}
	/*
	 * Refuse what the header already shows, before SQLite opens the file
	 * (which would create -wal and -shm files beside it for a WAL
	 * database).  A newer schema still in an uncheckpointed WAL is caught
	 * by check_identity() after the open.
	 */
	app = be32(head + 68);
	version = be32(head + 60);
	if (app != STORE_APPLICATION_ID && app != 0) {
		snprintf(msg, size, "%s: not a motcua store (belongs to another program); "
			 "left unchanged", path);
		return -1;
	}
	if (version > (uint32_t)store_schema_latest()) {
		snprintf(msg, size, "%s: written by a newer motcua (schema %" PRIu32 ", this "
			 "build knows %d); left unchanged", path, version, store_schema_latest());
		return -1;
	}
	return 0;
}

/* Read one integer pragma or query result. */
static int
query_int(struct store *s, const char *sql, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Is this a motcua store this build may open?  Reads only.  A file SQLite
 * cannot read, one with another program's application id or tables, or a
 * newer schema is refused.
 */
static int
check_identity(struct store *s)
{
	int64_t app = 0, version = 0, objects = 0;

	if (query_int(s, "SELECT count(*) FROM sqlite_schema", &objects) != 0 ||
	    query_int(s, "PRAGMA application_id", &app) != 0 ||
	    query_int(s, "PRAGMA user_version", &version) != 0) {
		int code = sqlite3_errcode(s->db);

		if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
			return store_fail(s, "opening the store");
		return store_failf(s, "damaged or not a motcua store (%s); left unchanged",
				   sqlite3_errmsg(s->db));
	}
	if (app != STORE_APPLICATION_ID && (app != 0 || version != 0 || objects != 0))
		return store_failf(s, "not a motcua store (belongs to another program); "
				   "left unchanged");
	if (version > store_schema_latest())
		return store_failf(s, "written by a newer motcua (schema %lld, this build "
				   "knows %d); left unchanged",
				   (long long)version, store_schema_latest());
	return 0;
}

static int
set_journal_wal(struct store *s, bool memory)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	int ok = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "switching to WAL");
	if (sqlite3_step(st) == SQLITE_ROW) {
		mode = sqlite3_column_text(st, 0);
		ok = mode != NULL && (strcmp((const char *)mode, "wal") == 0 ||
				      (memory && strcmp((const char *)mode, "memory") == 0));
	}
	if (!ok) {
		store_fail(s, "switching to WAL");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

int
store_open(const char *path, struct store **out, char **err)
{
	struct store *s = NULL;
	char msg[STORE_ERR_LEN] = "";
	bool memory;
	int flags = SQLITE_OPEN_READWRITE;

	*out = NULL;
	if (path == NULL || path[0] == '\0') {
		snprintf(msg, sizeof msg, "store: no file name given");
		goto fail;
	}
	memory = strcmp(path, ":memory:") == 0;
	/* The store creates the file itself (0600); SQLite would use 0644. */
	if (memory)
		flags |= SQLITE_OPEN_CREATE;
	else if (prepare_file(path, msg, sizeof msg) != 0)
		goto fail;

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		if (s->db != NULL)
			store_fail(s, "opening the store");
		else
			store_failf(s, "cannot open the store");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* While we do not know the file, closing must not checkpoint a WAL into it. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (check_identity(s) != 0)
		goto fail;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);

	if (set_journal_wal(s, memory) != 0)
		goto fail;
	/* FULL: a committed batch (and later the outbox) survives power loss. */
	if (store_exec(s, "PRAGMA synchronous = FULL") != 0 ||
	    store_exec(s, "PRAGMA foreign_keys = ON") != 0 ||
	    store_exec(s, CACHE_PRAGMA) != 0)
		goto fail;
	if (store_schema_migrate(s) != 0 || store_inbox_register(s) != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	if (err != NULL)
		*err = xstrdup(s != NULL ? s->err : msg);
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < STORE_STMT_CACHE; i++) {
		sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].sql);
	}
	if (s->db != NULL) {
		if (s->in_batch)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	store_protect_free(s->protect);
	free(s->path);
	free(s);
}

int
store_check(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, "checking the store");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (line != NULL && strcmp(line, "ok") != 0 && ret == 0)
			ret = store_failf(s, "damaged: %s", line);
	}
	if (rc != SQLITE_DONE && ret == 0)
		ret = store_fail(s, "checking the store");
	sqlite3_finalize(st);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */

int
store_begin(struct store *s)
{
	if (s->in_batch)
		return store_failf(s, "a batch is already open");
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	s->in_batch = true;
	return 0;
}

int
store_commit(struct store *s)
{
	if (!s->in_batch)
		return store_failf(s, "commit without a batch");
	if (store_exec(s, "COMMIT") != 0)
		return -1; /* still open: the caller may retry or roll back */
	s->in_batch = false;
	return 0;
}

int
store_rollback(struct store *s)
{
	int rc = 0;

	if (sqlite3_get_autocommit(s->db) == 0)
		rc = store_exec(s, "ROLLBACK");
	s->in_batch = false;
	return rc;
}

bool
store_in_batch(const struct store *s)
{
	return s->in_batch;
}

/* ------------------------------------------------------------------ */
/* Sync state                                                          */

void
store_sync_state_release(struct store_sync_state *st)
{
	free(st->cursor);
	free(st->watermark);
	free(st->last_error);
	memset(st, 0, sizeof *st);
}

int
store_sync_state_get(struct store *s, const char *source, struct store_sync_state *out)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	st = store_stmt(s, "SELECT cursor, watermark, last_sync_at, last_ok_at, last_error"
			   " FROM sync_state WHERE source = ?1");
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
			   " (source, cursor, watermark, last_sync_at, last_ok_at, last_error)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (st == NULL)
		return -1;
	store_bind_text(st, 1, source);
	store_bind_text(st, 2, in->cursor);
	store_bind_text(st, 3, in->watermark);
	sqlite3_bind_int64(st, 4, in->last_sync_at);
	sqlite3_bind_int64(st, 5, in->last_ok_at);
	store_bind_text(st, 6, in->last_error);
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
