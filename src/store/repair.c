/*
 * repair.c - `motcua doctor --repair` (store_repair() in store.h): what can
 * still be read of a damaged store is copied into a new file, which then
 * takes the store's place; the damaged file is kept beside it, every byte.
 *
 * The old file is read through a read-only connection of its own (its WAL
 * included, nothing written to it), table by table in the order that
 * matters to the clerk: the queue, the audit log and its state, the key
 * record, the sync state, the dossiers and their children, the byte
 * counters.  Each table is walked in key order; when SQLite reports a part
 * it cannot read, the walk seeks past it (doubling the step, then halving
 * back to the first key that reads), so one bad page costs the rows on it,
 * not the rest of the table.  Rows are copied as stored (column by column,
 * the columns both schemas have), so sealed ID numbers, the audit chain's
 * hashes and tags and the key record stay what the same data key opens.
 * The applicant sort key alone is made again from the names (it is derived,
 * and a file from before schema 11 has none).
 *
 * It does not do what SQLite's page-level recovery does (reading rows out
 * of pages no b-tree reaches any more), and it does not decide when to
 * repair (doctor does, on the clerk's word).
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

enum walk { WALK_ROWID, WALK_PAIR, WALK_NONE };

struct plan {
	const char *table;
	enum walk walk;
};

/* In the order that matters most: queued work first, byte counters last. */
static const struct plan plans[STORE_REPAIR_TABLES] = {
	{"outbox", WALK_ROWID},
	{"audit", WALK_ROWID},
	{"audit_state", WALK_ROWID},
	{"protect_state", WALK_ROWID},
	{"sync_state", WALK_ROWID},
	{"dossiers", WALK_ROWID},
	{"dossier_events", WALK_PAIR},
	{"dossier_attachments", WALK_PAIR},
	{"dossier_fees", WALK_PAIR},
	{"dossier_supplements", WALK_PAIR},
	{"dossier_receipts", WALK_PAIR},
	{"traffic", WALK_NONE},
};

/* A growable SQL text (only names from both schemas and fixed words). */
struct sql {
	char *buf;
	size_t len, cap;
};

static void
sql_add(struct sql *q, const char *text)
{
	size_t n = strlen(text);

	if (q->len + n + 1 > q->cap) {
		q->cap = (q->len + n + 1) * 2;
		q->buf = xrealloc(q->buf, q->cap);
	}
	memcpy(q->buf + q->len, text, n + 1);
	q->len += n;
}

/* The columns of `table` in both files, as "\"a\", \"b\"" and their number. */
static int
common_columns(sqlite3 *old, sqlite3 *new, const char *table, struct sql *cols)
{
	sqlite3_stmt *a = NULL, *b = NULL;
	int n = 0;

	if (sqlite3_prepare_v2(new, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &a,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(old, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &b,
			       NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(a, 1, table, -1, SQLITE_STATIC);
	while (sqlite3_step(a) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(a, 0);

		if (name == NULL || strchr(name, '"') != NULL)
			continue;
		sqlite3_reset(b);
		sqlite3_bind_text(b, 1, table, -1, SQLITE_STATIC);
		sqlite3_bind_text(b, 2, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(b) != SQLITE_ROW)
			continue;
		sql_add(cols, n > 0 ? ", \"" : "\"");
		sql_add(cols, name);
		sql_add(cols, "\"");
		n++;
	}
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	return n;
}

struct copy {
	sqlite3 *old;
	sqlite3 *new;
	const struct plan *plan;
	struct store_repair_table *out;
	sqlite3_stmt *ins;
	char *select_from;      /* "SELECT <key>, <cols> FROM t" */
	int n_cols, n_keys;
	int64_t last[2];        /* the last key read */
	bool started;
};

static void
insert_row(struct copy *c, sqlite3_stmt *sel)
{
	sqlite3_reset(c->ins);
	sqlite3_clear_bindings(c->ins);
	for (int i = 0; i < c->n_cols; i++)
		sqlite3_bind_value(c->ins, i + 1, sqlite3_column_value(sel, c->n_keys + i));
	if (sqlite3_step(c->ins) == SQLITE_DONE)
		c->out->copied++;
	else
		c->out->refused++; /* a row the new schema does not take (a lost parent) */
	sqlite3_reset(c->ins);
}

/* The select that resumes after the last key (or starts at `from`). */
static sqlite3_stmt *
resume_stmt(struct copy *c, bool probe, int64_t from)
{
	struct sql q = {0};
	sqlite3_stmt *st = NULL;

	sql_add(&q, c->select_from);
	if (c->plan->walk == WALK_ROWID)
		sql_add(&q, probe ? " WHERE rowid >= ?1" : c->started ? " WHERE rowid > ?1" : "");
	else if (c->plan->walk == WALK_PAIR)
		sql_add(&q, probe ? " WHERE dossier_id >= ?1"
			    : c->started ? " WHERE (dossier_id, seq) > (?1, ?2)" : "");
	sql_add(&q, c->plan->walk == WALK_ROWID ? " ORDER BY rowid"
		    : c->plan->walk == WALK_PAIR ? " ORDER BY dossier_id, seq" : "");
	if (sqlite3_prepare_v2(c->old, q.buf, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		st = NULL;
	} else if (probe) {
		sqlite3_bind_int64(st, 1, from);
	} else if (c->started) {
		sqlite3_bind_int64(st, 1, c->last[0]);
		if (c->plan->walk == WALK_PAIR)
			sqlite3_bind_int64(st, 2, c->last[1]);
	}
	free(q.buf);
	return st;
}

/* Does a walk starting at key `from` read (a row, or the end)? */
static bool
reads_from(struct copy *c, int64_t from)
{
	sqlite3_stmt *st = resume_stmt(c, true, from);
	int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;

	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/*
 * After an unreadable part following key `last`: the first key from which
 * the walk reads again.  The step doubles until a start reads, then halves
 * back towards the smallest such start.  false when nothing after reads.
 */
static bool
skip_unreadable(struct copy *c, int64_t last, int64_t *from)
{
	int64_t lo = last, hi = 0, step = 1;
	bool found = false;

	for (int k = 0; k < 62; k++, step *= 2) {
		if (last > INT64_MAX - step)
			break;
		if (reads_from(c, last + step)) {
			hi = last + step;
			found = true;
			break;
		}
		lo = last + step;
	}
	if (!found)
		return false;
	/* lo does not read, hi does: the smallest start in (lo, hi] that reads */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;

		if (reads_from(c, mid))
			hi = mid;
		else
			lo = mid;
	}
	*from = hi;
	return true;
}

static void
walk_table(struct copy *c)
{
	sqlite3_stmt *st = resume_stmt(c, false, 0);
	int rc;

	if (st == NULL) {
		c->out->unreadable = true;
		return;
	}
	for (;;) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			if (c->plan->walk != WALK_NONE) {
				c->last[0] = sqlite3_column_int64(st, 0);
				c->last[1] = c->n_keys > 1 ? sqlite3_column_int64(st, 1) : 0;
			}
			c->started = true;
			insert_row(c, st);
			continue;
		}
		sqlite3_finalize(st);
		st = NULL;
		if (rc == SQLITE_DONE)
			return;
		/* an unreadable part */
		c->out->skipped++;
		if (c->plan->walk == WALK_NONE)
			return;
		{
			int64_t from;

			/* keys are positive: a walk that read nothing starts from 0 */
			if (!skip_unreadable(c, c->started ? c->last[0] : 0, &from))
				return;
			st = resume_stmt(c, true, from);
			if (st == NULL)
				return;
		}
		if (c->out->skipped > 10000)
			break; /* a file this broken: stop walking it */
	}
	sqlite3_finalize(st);
}

static void
copy_table(sqlite3 *old, sqlite3 *new, const struct plan *plan,
	   struct store_repair_table *out)
{
	struct sql cols = {0}, ins = {0}, sel = {0};
	struct copy c = {.old = old, .new = new, .plan = plan, .out = out};

	out->name = plan->table;
	c.n_cols = common_columns(old, new, plan->table, &cols);
	if (c.n_cols == 0) {
		/* not in the old schema (an older store), or its schema is gone */
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(old, "SELECT 1 FROM sqlite_schema WHERE name = ?1", -1, &st,
				       NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, plan->table, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW)
				out->unreadable = true;
		} else {
			out->unreadable = true;
		}
		sqlite3_finalize(st);
		free(cols.buf);
		return;
	}
	sql_add(&ins, "INSERT INTO \"");
	sql_add(&ins, plan->table);
	sql_add(&ins, "\" (");
	sql_add(&ins, cols.buf);
	sql_add(&ins, ") VALUES (?");
	for (int i = 1; i < c.n_cols; i++)
		sql_add(&ins, ", ?");
	sql_add(&ins, ")");
	c.n_keys = plan->walk == WALK_ROWID ? 1 : plan->walk == WALK_PAIR ? 2 : 0;
	sql_add(&sel, plan->walk == WALK_ROWID ? "SELECT rowid, "
		      : plan->walk == WALK_PAIR ? "SELECT dossier_id, seq, " : "SELECT ");
	sql_add(&sel, cols.buf);
	sql_add(&sel, " FROM \"");
	sql_add(&sel, plan->table);
	sql_add(&sel, "\"");
	c.select_from = sel.buf;
	if (sqlite3_prepare_v2(new, ins.buf, -1, &c.ins, NULL) == SQLITE_OK)
		walk_table(&c);
	else
		out->unreadable = true;
	sqlite3_finalize(c.ins);
	free(cols.buf);
	free(ins.buf);
	free(sel.buf);
}

/* The old file's next outbox id, so a lost last entry's number is not reused. */
static void
copy_sequence(sqlite3 *old, sqlite3 *new)
{
	sqlite3_stmt *a = NULL, *b = NULL;

	if (sqlite3_prepare_v2(old, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'", -1,
			       &a, NULL) == SQLITE_OK &&
	    sqlite3_step(a) == SQLITE_ROW &&
	    sqlite3_prepare_v2(new, "UPDATE sqlite_sequence SET seq = max(seq, ?1)"
				    " WHERE name = 'outbox'", -1, &b, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(b, 1, sqlite3_column_int64(a, 0));
		sqlite3_step(b);
	}
	sqlite3_finalize(a);
	sqlite3_finalize(b);
}

/* Open the old file for reading only; 0 when its schema can be listed, -2
 * when it belongs to another program, else -1. */
static int
open_old(const char *path, sqlite3 **db, struct store_repair_report *r)
{
	static const char *const modes[] = {"mode=ro", "immutable=1"};
	sqlite3_stmt *st = NULL;

	*db = NULL;
	for (size_t i = 0; i < 2; i++) {
		char *uri = store_file_uri(path, modes[i]);
		int64_t app = 0;
		bool ok = false;

		if (sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
		    SQLITE_OK) {
			sqlite3_extended_result_codes(*db, 1);
			sqlite3_busy_timeout(*db, 5000);
			sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
			/* catch more damage as errors instead of odd values */
			sqlite3_exec(*db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL);
			if (sqlite3_prepare_v2(*db, "SELECT count(*) FROM sqlite_schema", -1, &st,
					       NULL) == SQLITE_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				ok = true;
			sqlite3_finalize(st);
			st = NULL;
			if (ok && sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &st, NULL) ==
					  SQLITE_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				r->old_version = sqlite3_column_int(st, 0);
			sqlite3_finalize(st);
			st = NULL;
			if (ok && sqlite3_prepare_v2(*db, "PRAGMA application_id", -1, &st, NULL) ==
					  SQLITE_OK &&
			    sqlite3_step(st) == SQLITE_ROW)
				app = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			st = NULL;
		}
		free(uri);
		if (ok && app != STORE_APPLICATION_ID && app != 0)
			return -2; /* another program's database: not ours to replace */
		if (ok)
			return 0;
		sqlite3_close_v2(*db);
		*db = NULL;
	}
	return -1;
}

/*
 * Copy everything that reads from the old file into `ns`.  -1 with `msg`
 * and *fault when the old file must not be replaced (another program's, a
 * newer motcua's) or the new one cannot be written.
 */
static int
copy_all(const char *path, struct store *ns, struct store_repair_report *r, char *msg,
	 size_t size, enum store_fault *fault)
{
	sqlite3 *old = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	r->n_tables = STORE_REPAIR_TABLES;
	for (size_t i = 0; i < STORE_REPAIR_TABLES; i++)
		r->tables[i].name = plans[i].table;
	rc = open_old(path, &old, r);
	if (rc == -2) {
		sqlite3_close_v2(old);
		*fault = STORE_FAULT_FOREIGN;
		snprintf(msg, size, "%s: not a motcua store (belongs to another program); left "
			 "unchanged", path);
		return -1;
	}
	if (rc != 0) {
		for (size_t i = 0; i < STORE_REPAIR_TABLES; i++)
			r->tables[i].unreadable = true;
		return 0; /* nothing reads: the new store stays empty */
	}
	r->schema_read = true;
	if (r->old_version > store_schema_latest()) {
		sqlite3_close_v2(old);
		*fault = STORE_FAULT_FOREIGN;
		snprintf(msg, size, "%s: written by a newer motcua (schema %d); left unchanged",
			 path, r->old_version);
		return -1;
	}
	if (sqlite3_prepare_v2(old, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK) {
		int step = sqlite3_step(st);
		const char *line = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		r->was_damaged = step != SQLITE_ROW || line == NULL || strcmp(line, "ok") != 0;
	} else {
		r->was_damaged = true;
	}
	sqlite3_finalize(st);
	if (store_exec(ns, "BEGIN IMMEDIATE") != 0)
		goto fail;
	for (size_t i = 0; i < STORE_REPAIR_TABLES; i++)
		copy_table(old, ns->db, &plans[i], &r->tables[i]);
	copy_sequence(old, ns->db);
	/* derived, not copied: an older file has no name_key (schema.c,
	 * version 11), and a damaged one's may not be what its names give */
	if (store_exec(ns, "UPDATE dossiers SET name_key ="
			   " motcua_name_key(applicant_name, applicant_kind)") != 0)
		goto fail;
	/* new rows reach the search index in bulk (schema.c, version 9) */
	if (store_exec(ns, "INSERT INTO dossier_fts (dossier_fts) VALUES ('rebuild')") != 0)
		goto fail;
	/* an audit log from before schema 4 is keyed at its next open with
	 * the key, as the migration to 4 arranges for an older store */
	if (r->old_version >= 3 && r->old_version < 4 &&
	    store_exec(ns, "UPDATE audit_state SET keyed_from = -1") != 0)
		goto fail;
	if (store_exec(ns, "COMMIT") != 0)
		goto fail;
	sqlite3_close_v2(old);
	return 0;
fail:
	snprintf(msg, size, "%s", store_errmsg(ns));
	*fault = ns->last_fault;
	store_rollback(ns);
	sqlite3_close_v2(old);
	return -1;
}

/* Does the old file read whole (PRAGMA quick_check says "ok")? */
static bool
old_is_sound(const char *path, struct store_repair_report *r)
{
	sqlite3 *old = NULL;
	sqlite3_stmt *st = NULL;
	bool ok = false;

	if (open_old(path, &old, r) != 0) {
		sqlite3_close_v2(old);
		return false;
	}
	if (sqlite3_prepare_v2(old, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		ok = line != NULL && strcmp(line, "ok") == 0 && sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	sqlite3_close_v2(old);
	return ok;
}

static int
sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Put `from` at `to` too (a hard link), else move it there.  `to` must not exist. */
static int
keep_as(const char *from, const char *to)
{
	if (link(from, to) == 0)
		return 0;
	if (errno == EEXIST)
		return -1;
	/* a file system without hard links: move it (to must still not exist) */
	if (access(to, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* Remove a stale output of a repair that did not finish (never the store). */
static void
remove_partial(const char *tmp)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", ".open"};

	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		char *p = xasprintf("%s%s", tmp, suffixes[i]);
		unlink(p);
		free(p);
	}
}

static int
fail_with(char **err, enum store_fault *fault, enum store_fault f, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int
fail_with(char **err, enum store_fault *fault, enum store_fault f, const char *fmt, ...)
{
	char buf[STORE_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (err != NULL)
		*err = xstrdup(buf);
	if (fault != NULL)
		*fault = f;
	return -1;
}

int
store_repair(const char *path, const char *aside, struct store_repair_report *r,
	     enum store_fault *fault, char **err)
{
	static const char *const side[] = {"-wal", "-shm"};
	struct store *ns = NULL;
	char *tmp = NULL, *dir = NULL, *why = NULL, msg[STORE_ERR_LEN];
	enum store_fault f = STORE_FAULT_NONE;
	bool was_damaged = false, empty = false;
	struct stat sb;
	int mark = -1, ret = -1;

	memset(r, 0, sizeof *r);
	r->old_version = -1;
	if (err != NULL)
		*err = NULL;
	if (fault != NULL)
		*fault = STORE_FAULT_NONE;
	if (strcmp(path, ":memory:") == 0)
		return fail_with(err, fault, STORE_FAULT_OTHER, "%s: nothing to repair", path);
	/* no other motcua may have it open while it is copied and swapped */
	if (store_mark_take(path, &mark, &was_damaged) != 0) {
		if (errno == EWOULDBLOCK)
			return fail_with(err, fault, STORE_FAULT_BUSY,
					 "%s: in use by another motcua (the console, a sync): "
					 "close it first", path);
		return fail_with(err, fault, store_fault_errno(errno), "%s.open: %s", path,
				 strerror(errno));
	}
	if (store_file_absent(path, &empty)) {
		r->missing = !empty;
		r->empty = empty;
	}
	r->was_damaged = was_damaged;
	/* a sound store is left as it is: nothing is copied or moved aside */
	if (!r->missing && !r->empty && !was_damaged && old_is_sound(path, r)) {
		r->sound = true;
		ret = 0;
		goto out;
	}
	if (lstat(aside, &sb) == 0 || errno != ENOENT) {
		fail_with(err, fault, STORE_FAULT_OTHER, "%s: already exists", aside);
		goto out;
	}
	tmp = xasprintf("%s.repairing", path);
	remove_partial(tmp);
	if (store_open_ex(tmp, 0, &ns, &f, &why) != 0) {
		fail_with(err, fault, f, "%s", why != NULL ? why : tmp);
		goto out;
	}
	if (!r->missing && !r->empty && copy_all(path, ns, r, msg, sizeof msg, &f) != 0) {
		fail_with(err, fault, f, "%s", msg);
		goto out;
	}
	if (r->missing || r->empty) {
		r->n_tables = STORE_REPAIR_TABLES;
		for (size_t i = 0; i < STORE_REPAIR_TABLES; i++)
			r->tables[i].name = plans[i].table;
	}
	if (store_check(ns) != 0) {
		fail_with(err, fault, STORE_FAULT_OTHER, "%s", store_errmsg(ns));
		goto out;
	}
	store_close(ns); /* the last handle: the WAL goes into the file */
	ns = NULL;
	dir = dir_of(path);
	if (sync_path(tmp) != 0) {
		fail_with(err, fault, store_fault_errno(errno), "%s: %s", tmp, strerror(errno));
		goto out;
	}
	/*
	 * The swap.  The old file is linked at `aside` first (it stays at
	 * `path` too), its WAL and shared memory with it; only then are those
	 * two names cleared (a WAL left at `path` would be applied to the new
	 * file) and the new file renamed over `path`.  A crash in between
	 * leaves the old file at `path` (without its WAL) and whole at `aside`.
	 */
	if (!r->missing && keep_as(path, aside) != 0) {
		fail_with(err, fault, store_fault_errno(errno), "%s: cannot keep the old file as "
			  "%s: %s", path, aside, strerror(errno));
		goto out;
	}
	for (size_t i = 0; !r->missing && i < 2; i++) {
		char *from = xasprintf("%s%s", path, side[i]), *to = xasprintf("%s%s", aside, side[i]);
		int rc = 0;

		if (access(from, F_OK) == 0) {
			rc = keep_as(from, to);
			if (rc == 0 && access(from, F_OK) == 0)
				rc = unlink(from);
		}
		if (rc != 0)
			fail_with(err, fault, store_fault_errno(errno), "%s: cannot keep it as %s: %s",
				  from, to, strerror(errno));
		free(from);
		free(to);
		if (rc != 0)
			goto out;
	}
	if (rename(tmp, path) != 0) {
		fail_with(err, fault, store_fault_errno(errno), "%s: cannot put the new file in "
			  "place: %s", path, strerror(errno));
		goto out;
	}
	sync_path(dir);
	ret = 0;
out:
	store_close(ns);
	free(why);
	/* a repaired store is a clean one: its marker goes */
	store_mark_release(path, mark, ret == 0);
	free(tmp);
	free(dir);
	return ret;
}
