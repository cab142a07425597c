/*
 * store.c - opening and closing the store, the statement cache and
 * batches.  Per-source sync state and byte counters are sync_state.c.
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
/*
 * While a STORE_BATCH_CACHE batch is open: 32 MB.  A sync turn of a few
 * thousand new dossiers dirties a leaf of each of the nine dossier
 * indexes per row; with 8 MB SQLite wrote dirty pages to the WAL before
 * the commit to make room (and again at the commit) and read them back.
 * Back to 8 MB after the batch: between batches the console's queries
 * work within what its figures were measured with.
 */
#define BATCH_CACHE_PRAGMA "PRAGMA cache_size = -32768"
/*
 * The page size of a new store: 16 KB, not SQLite's 4 KB.  A dossier adds a
 * key to each of the ten inbox indexes; with 16 KB pages the trees are a
 * level shallower and a batch dirties fewer pages: filling 100,000 dossiers
 * took 4.2 s of CPU with 4 KB pages, 3.4-3.5 s with 16 KB (19,700-22,200 ->
 * 24,900-25,700 a second), the inbox's queries the same (bench_store).  32
 * and 64 KB gained nothing more and slowed the first page.  The cache sizes
 * are in bytes, so memory is unchanged.  An existing store keeps the size it
 * was made with (it changes only with a VACUUM).
 */
#define PAGE_SIZE_PRAGMA "PRAGMA page_size = 16384"
/* SQLite's default: the WAL is copied into the file once it holds this
 * many pages.  A cache batch lets it grow 8 times as far, so a page that
 * several batches of a first sync change is copied once, not once each. */
#define CHECKPOINT_PAGES 1000
#define BATCH_CHECKPOINT_PAGES 8000

static const char sqlite_magic[16] = "SQLite format 3";

/* ------------------------------------------------------------------ */
/* Errors and helpers shared by the store's files                      */

static int
vfail(struct store *s, const char *fmt, va_list ap)
{
	int n = snprintf(s->err, sizeof s->err, "%s: ", s->path);

	if (n < 0 || (size_t)n >= sizeof s->err)
		return -1; /* the path alone fills the buffer: keep it */
	vsnprintf(s->err + n, sizeof s->err - (size_t)n, fmt, ap);
	return -1;
}

static int
failf_keep(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
failf_keep(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(s, fmt, ap);
	va_end(ap);
	return -1;
}

int
store_failf(struct store *s, const char *fmt, ...)
{
	va_list ap;

	s->last_fault = STORE_FAULT_OTHER;
	va_start(ap, fmt);
	vfail(s, fmt, ap);
	va_end(ap);
	return -1;
}

int
store_fail(struct store *s, const char *what)
{
	char sqlmsg[256];
	int code = sqlite3_extended_errcode(s->db);
	enum store_fault f;

	/* before store_note_failure(), whose latch runs SQL of its own */
	snprintf(sqlmsg, sizeof sqlmsg, "%s", sqlite3_errmsg(s->db));
	f = store_note_failure(s);
	if (f == STORE_FAULT_DAMAGED && (code & 0xff) == SQLITE_READONLY)
		return failf_keep(s, "%s: the store is damaged; nothing more is written to it",
				  what);
	if (f == STORE_FAULT_DAMAGED)
		return failf_keep(s, "%s: damaged (%s); nothing more is written to it", what,
				  sqlmsg);
	if (s->read_only && (code & 0xff) == SQLITE_READONLY)
		return failf_keep(s, "%s: opened for reading only (%s)", what,
				  store_fault_words(s->fault));
	if (f == STORE_FAULT_FULL || f == STORE_FAULT_READ_ONLY || f == STORE_FAULT_PERMISSION)
		return failf_keep(s, "%s: %s (%s)", what, store_fault_words(f), sqlmsg);
	return failf_keep(s, "%s: %s", what, sqlmsg);
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

/* Does the store's WAL hold anything (frames not yet in the file)? */
static bool
wal_has_content(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	struct stat sb;
	bool yes = stat(wal, &sb) == 0 && sb.st_size > 0;

	free(wal);
	return yes;
}

/*
 * Before SQLite touches the file: create it 0600 if absent, else make sure it
 * is a regular file that starts like an SQLite database.  Writes a message
 * into msg, the kind into *fault, and returns -1 when the file must be
 * refused.  With STORE_OPEN_MUST_EXIST a missing or empty file is refused.
 */
static int
prepare_file(const char *path, unsigned flags, char *msg, size_t size, enum store_fault *fault,
	     bool *fresh)
{
	struct stat sb;
	unsigned char head[100]; /* the database header */
	ssize_t got;
	uint32_t app, version;
	bool empty = false;
	int fd;

	*fault = STORE_FAULT_FOREIGN;
	*fresh = false;
	if ((flags & STORE_OPEN_MUST_EXIST) && store_file_absent(path, &empty)) {
		*fault = STORE_FAULT_MISSING;
		/* a store was here (the caller knows its data key): making an
		 * empty one would hide that the queue and the audit log are gone */
		snprintf(msg, size, empty ? "%s: empty, where a store existed; left unchanged"
					  : "%s: missing, where a store existed; not made anew",
			 path);
		return -1;
	}
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT) {
			*fault = store_fault_errno(errno);
			snprintf(msg, size, "%s: %s", path, strerror(errno));
			return -1;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0) {
			*fault = store_fault_errno(errno);
			snprintf(msg, size, "%s: cannot create the store: %s", path,
				 strerror(errno));
			return -1;
		}
		close(fd);
		*fault = STORE_FAULT_NONE;
		*fresh = true;
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(msg, size, "%s: not a regular file; left unchanged", path);
		return -1;
	}
	if (sb.st_size == 0) {
		/* created by us and never written: an empty store */
		*fault = STORE_FAULT_NONE;
		*fresh = !wal_has_content(path);
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*fault = store_fault_errno(errno);
		snprintf(msg, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	got = read(fd, head, sizeof head);
	if (got < 0)
		*fault = store_fault_errno(errno);
	close(fd);
	if (got < 0) {
		snprintf(msg, size, "%s: cannot be read: %s", path, strerror(errno));
		return -1;
	}
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
	*fault = STORE_FAULT_NONE;
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
 * newer schema is refused.  A disk that cannot give SQLite what reading
 * needs (a -shm on a read-only or full disk) is said as such, so that the
 * caller can open the file for reading only.
 */
static int
check_identity(struct store *s)
{
	int64_t app = 0, version = 0, objects = 0;

	if (query_int(s, "SELECT count(*) FROM sqlite_schema", &objects) != 0 ||
	    query_int(s, "PRAGMA application_id", &app) != 0 ||
	    query_int(s, "PRAGMA user_version", &version) != 0) {
		char sqlmsg[256];
		enum store_fault f;

		snprintf(sqlmsg, sizeof sqlmsg, "%s", sqlite3_errmsg(s->db));
		f = store_note_failure(s);
		if (f == STORE_FAULT_BUSY)
			return failf_keep(s, "opening the store: %s", sqlmsg);
		if (f == STORE_FAULT_READ_ONLY || f == STORE_FAULT_FULL ||
		    f == STORE_FAULT_PERMISSION)
			return failf_keep(s, "cannot be opened: %s (%s); left unchanged",
					  store_fault_words(f), sqlmsg);
		if (f == STORE_FAULT_DAMAGED)
			return failf_keep(s, "damaged or not a motcua store (%s); left unchanged",
					  sqlmsg);
		return failf_keep(s, "cannot be read (%s); left unchanged", sqlmsg);
	}
	if (app != STORE_APPLICATION_ID && (app != 0 || version != 0 || objects != 0)) {
		store_failf(s, "not a motcua store (belongs to another program); left unchanged");
		s->last_fault = STORE_FAULT_FOREIGN;
		return -1;
	}
	if (version > store_schema_latest()) {
		store_failf(s, "written by a newer motcua (schema %lld, this build knows %d); "
			    "left unchanged", (long long)version, store_schema_latest());
		s->last_fault = STORE_FAULT_FOREIGN;
		return -1;
	}
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

enum open_mode { OPEN_RW, OPEN_RO, OPEN_IMMUTABLE };

char *
store_file_uri(const char *path, const char *query)
{
	static const char hexd[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *out = xmalloc(sizeof "file:" + 3 * n + 1 + strlen(query) + 1), *w = out;

	w += snprintf(w, 6, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p) != NULL) {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hexd[*p >> 4];
			*w++ = hexd[*p & 15];
		}
	}
	*w++ = '?';
	memcpy(w, query, strlen(query) + 1); /* sized above */
	return out;
}

static void
close_db(struct store *s)
{
	if (s->db != NULL)
		sqlite3_close_v2(s->db);
	s->db = NULL;
}

/*
 * Once per process, before SQLite starts: no memory statistics and no
 * per-connection mutexes.  One thread uses a handle (the loop), so both
 * only cost: the statistics take a global mutex at every allocation, and
 * the two were about 6 % of a first sync's CPU.  Too late when something
 * else in the process started SQLite first (then it is left as it is).
 */
static void
sqlite_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
}

static int
open_db(struct store *s, enum open_mode mode, bool memory)
{
	int flags = SQLITE_OPEN_READWRITE, rc;
	char *uri = NULL;

	sqlite_setup();
	if (memory)
		flags |= SQLITE_OPEN_CREATE; /* the store creates files itself (0600) */
	if (mode != OPEN_RW) {
		flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
		uri = store_file_uri(s->path, mode == OPEN_RO ? "mode=ro" : "immutable=1");
	}
	rc = sqlite3_open_v2(uri != NULL ? uri : s->path, &s->db, flags, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		if (s->db != NULL)
			store_fail(s, "opening the store");
		else
			store_failf(s, "cannot open the store");
		close_db(s);
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* While we do not know the file, closing must not checkpoint a WAL into it. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	return 0;
}

/*
 * Open the file and confirm what it is.  When the disk is read-only or
 * full, or the file may not be written, reading it must still work (the
 * inbox, the queue list, the audit log, doctor): open it read-only, and
 * when SQLite cannot set up its shared memory there either, read the file
 * alone ("immutable") - only when no WAL holds anything the file lacks.
 */
static int
open_checked(struct store *s, bool memory)
{
	char first[STORE_ERR_LEN];
	enum store_fault why;

	if (open_db(s, OPEN_RW, memory) == 0 && check_identity(s) == 0)
		return 0;
	why = s->last_fault;
	if (memory || (why != STORE_FAULT_READ_ONLY && why != STORE_FAULT_FULL &&
		       why != STORE_FAULT_PERMISSION))
		return -1;
	snprintf(first, sizeof first, "%s", s->err);
	close_db(s);
	if (open_db(s, OPEN_RO, false) == 0 && check_identity(s) == 0)
		goto read_only;
	close_db(s);
	if (!wal_has_content(s->path) && open_db(s, OPEN_IMMUTABLE, false) == 0 &&
	    check_identity(s) == 0)
		goto read_only;
	close_db(s);
	snprintf(s->err, sizeof s->err, "%s", first);
	s->last_fault = why;
	return -1;
read_only:
	s->read_only = true;
	s->fault = why;
	s->last_fault = why;
	failf_keep(s, "opened for reading only: %s", store_fault_words(why));
	return 0;
}

/*
 * Checked at every open: the queue and the one-row states, small and what
 * must never be written into a damaged file unnoticed.  Not the audit log:
 * it only grows (a quick check costs about 1.6 ms a megabyte), new entries
 * touch only its last page, and `audit verify` reads it all.
 */
static const char *const checked_tables[] = {
	"outbox", "audit_state", "protect_state", "sync_state",
};

static bool
table_exists(struct store *s, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool yes = false;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_schema WHERE type = 'table'"
				      " AND name = ?1", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		yes = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return yes;
}

/*
 * The quick check at open: the queue and the state tables always (a few
 * milliseconds: they are small, and a clerk's queued work is what must
 * not be written into a damaged file unnoticed); the whole file
 * when asked or when the last session did not close.  Damage found opens
 * the store for reading only; -1 only when the check cannot run at all.
 */
static int
check_at_open(struct store *s, bool whole)
{
	char first[256];
	int rc = 0;

	if (whole) {
		rc = store_quick_check(s, NULL, first, sizeof first);
	} else {
		for (size_t i = 0; rc == 0 && i < sizeof checked_tables / sizeof *checked_tables;
		     i++)
			if (table_exists(s, checked_tables[i]))
				rc = store_quick_check(s, checked_tables[i], first, sizeof first);
	}
	if (rc < 0)
		return failf_keep(s, "checking the store: %s", first);
	if (rc > 0)
		failf_keep(s, "damaged (%s); nothing more is written to it", first);
	return 0;
}

int
store_open_ex(const char *path, unsigned flags, struct store **out, enum store_fault *fault,
	      char **err)
{
	struct store *s = NULL;
	char msg[STORE_ERR_LEN] = "";
	enum store_fault f = STORE_FAULT_OTHER;
	bool memory, unclean = false, fresh = false;
	int64_t version = 0;

	*out = NULL;
	if (fault != NULL)
		*fault = STORE_FAULT_NONE;
	if (path == NULL || path[0] == '\0') {
		snprintf(msg, sizeof msg, "store: no file name given");
		goto fail;
	}
	memory = strcmp(path, ":memory:") == 0;
	/* The store creates the file itself (0600); SQLite would use 0644. */
	if (!memory && prepare_file(path, flags, msg, sizeof msg, &f, &fresh) != 0)
		goto fail;

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->mark_fd = -1;
	if (open_checked(s, memory) != 0)
		goto fail;
	if (!memory && store_mark_open(s, fresh, &unclean) != 0)
		goto fail;
	if (!memory && check_at_open(s, unclean || (flags & STORE_OPEN_CHECK_ALL)) != 0)
		goto fail;
	if (s->fault == STORE_FAULT_NONE) {
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
		/* before anything is written: a file that exists keeps its own */
		if (store_exec(s, PAGE_SIZE_PRAGMA) != 0 || set_journal_wal(s, memory) != 0)
			goto fail;
	}
	/* FULL: a committed batch (and later the outbox) survives power loss. */
	if (store_exec(s, "PRAGMA synchronous = FULL") != 0 ||
	    store_exec(s, "PRAGMA foreign_keys = ON") != 0 ||
	    store_exec(s, CACHE_PRAGMA) != 0 || store_exec(s, "PRAGMA temp_store = MEMORY") != 0)
		goto fail;
	/* before migrating: the migration to 11 calls motcua_name_key() */
	if (store_dossiers_register(s) != 0)
		goto fail;
	if (s->fault != STORE_FAULT_NONE) {
		/* read, not migrated: an older schema cannot be read as the
		 * newest, so it is refused rather than misread */
		if (query_int(s, "PRAGMA user_version", &version) != 0) {
			store_fail(s, "reading the schema version");
			goto fail;
		}
		if (version != store_schema_latest()) {
			failf_keep(s, "cannot be brought up to date (schema %lld): %s",
				   (long long)version, store_fault_words(s->fault));
			s->last_fault = s->fault;
			goto fail;
		}
	} else if (store_schema_migrate(s) != 0 ||
		   store_exec(s, "CREATE TEMP TABLE fts_pending (id INTEGER PRIMARY KEY)") != 0) {
		goto fail; /* fts_pending: new rows the search index has yet to take (dossiers.c) */
	}
	if (store_inbox_register(s) != 0)
		goto fail;
	*out = s;
	if (fault != NULL)
		*fault = s->fault;
	return 0;
fail:
	if (err != NULL)
		*err = xstrdup(s != NULL ? s->err : msg);
	if (fault != NULL)
		*fault = s != NULL ? (s->last_fault != STORE_FAULT_NONE ? s->last_fault
									 : STORE_FAULT_OTHER)
				   : f;
	store_close(s);
	return -1;
}

int
store_open(const char *path, struct store **out, char **err)
{
	return store_open_ex(path, 0, out, NULL, err);
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
	/* after SQLite has closed (and checkpointed): the last one out removes it */
	store_mark_close(s);
	store_protect_free(s->protect);
	free(s->path);
	free(s);
}

int
store_check(struct store *s)
{
	char first[256];
	int rc = store_quick_check(s, NULL, first, sizeof first);

	if (rc > 0) {
		failf_keep(s, "damaged: %s", first);
		return -1;
	}
	if (rc < 0)
		return failf_keep(s, "checking the store: %s", first);
	if (s->fault == STORE_FAULT_DAMAGED) {
		s->last_fault = STORE_FAULT_DAMAGED;
		return failf_keep(s, "damaged: SQLite reported it while reading (the quick check "
				  "does not see every kind); nothing more is written to it");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Batches                                                             */

/*
 * After a cache batch: what every other transaction runs with.  SQLite
 * refuses to change the safety level inside a transaction, so this runs
 * after the COMMIT or ROLLBACK.  Should it fail, the queue and the audit
 * log still say FULL before each of their own transactions.
 */
static void
batch_settings_restore(struct store *s)
{
	(void)sqlite3_exec(s->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	(void)sqlite3_exec(s->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	(void)sqlite3_exec(s->db, CACHE_PRAGMA, NULL, NULL, NULL);
	(void)sqlite3_wal_autocheckpoint(s->db, CHECKPOINT_PAGES);
}

int
store_begin_ex(struct store *s, unsigned flags)
{
	bool cache = (flags & STORE_BATCH_CACHE) != 0;

	if (s->in_batch)
		return store_failf(s, "a batch is already open");
	if (cache) {
		/* before BEGIN: the safety level is fixed inside a transaction */
		if (store_exec(s, "PRAGMA synchronous = NORMAL") != 0 ||
		    store_exec(s, "PRAGMA foreign_keys = OFF") != 0 ||
		    store_exec(s, BATCH_CACHE_PRAGMA) != 0) {
			batch_settings_restore(s);
			return -1;
		}
		(void)sqlite3_wal_autocheckpoint(s->db, BATCH_CHECKPOINT_PAGES);
	}
	/*
	 * A store that cannot write (damaged, a read-only or full disk) would
	 * refuse the write lock here, before the caller has a batch to fail
	 * as a whole: the batch opens, and its first write fails with the
	 * reason, where every caller already handles a failed write.
	 */
	if (store_exec(s, store_writable(s) ? "BEGIN IMMEDIATE" : "BEGIN") != 0) {
		if (cache)
			batch_settings_restore(s);
		return -1;
	}
	s->in_batch = true;
	s->batch_flags = cache ? STORE_BATCH_CACHE : 0;
	s->batch_broken = false;
	return 0;
}

int
store_begin(struct store *s)
{
	return store_begin_ex(s, 0);
}

/* Leave the batch's state after its COMMIT or ROLLBACK. */
static void
batch_end(struct store *s)
{
	bool cache = (s->batch_flags & STORE_BATCH_CACHE) != 0;

	s->in_batch = false;
	s->batch_flags = 0;
	s->batch_broken = false;
	if (cache)
		batch_settings_restore(s);
}

int
store_commit(struct store *s)
{
	if (!s->in_batch)
		return store_failf(s, "commit without a batch");
	if (s->batch_broken)
		return store_failf(s, "a write of this batch failed half way; it can only be "
				      "rolled back");
	if (store_fts_flush(s) != 0 || store_exec(s, "COMMIT") != 0)
		return -1; /* still open: the caller may retry or roll back */
	batch_end(s);
	return 0;
}

int
store_rollback(struct store *s)
{
	int rc = 0;

	if (sqlite3_get_autocommit(s->db) == 0)
		rc = store_exec(s, "ROLLBACK");
	batch_end(s);
	return rc;
}

int
store_durable_here(struct store *s, const char *what)
{
	if (s->in_batch && (s->batch_flags & STORE_BATCH_CACHE) != 0)
		return store_failf(s, "%s: not inside a batch of cached data, whose commit a "
				      "power cut may take back", what);
	return 0;
}

bool
store_in_batch(const struct store *s)
{
	return s->in_batch;
}
