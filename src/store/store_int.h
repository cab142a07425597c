/*
 * store_int.h - what the files of src/store share and nobody else sees: the
 * handle, the statement cache, error helpers and the migration entry point.
 *
 * Only files under src/store include this (and through it sqlite3.h).  A
 * later store file (the outbox, the audit log) uses the same helpers and adds
 * its tables as a new numbered migration in schema.c.
 */
#ifndef MOTCUA_STORE_INT_H
#define MOTCUA_STORE_INT_H

#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

#define STORE_STMT_CACHE 48
#define STORE_ERR_LEN 512

/* Due sort key (column due_key); see doc/store.md. */
#define STORE_DUE_KEY_NONE ((int64_t)1 << 60)
#define STORE_DUE_KEY_FINISHED ((int64_t)2 << 60)

/* The due_key of a dossier with these columns (dossiers.c). */
int64_t store_due_key(int status, mc_time finished_at, mc_time due_at, mc_time source_due_at);

/*
 * The applicant sort key (column name_key, dossiers.c): a person's name
 * folded (fold_text) with its last word, the given name, put first
 * ("nguyen van an" -> "an nguyen van an"); an enterprise, agency or
 * organisation (applicant_kind 2..4) by its folded name as it is; no name:
 * STORE_NAME_KEY_NONE, which sorts after every other key.  Caller frees.
 */
char *store_name_key(const char *name, int applicant_kind);
/* U+10FFFF: valid UTF-8 and above any other character in byte order. */
#define STORE_NAME_KEY_NONE "\xf4\x8f\xbf\xbf"

/*
 * Register the SQL function motcua_name_key(name, kind) = store_name_key()
 * (dossiers.c): the migration to version 11 and a repair fill the column
 * with it, so it is registered before the schema is migrated.
 */
int store_dossiers_register(struct store *s);

/* PRAGMA application_id of a motcua store: 'MCUA'. */
#define STORE_APPLICATION_ID 0x4D435541

struct store_stmt {
	char *sql;              /* owned; NULL for a free slot */
	sqlite3_stmt *stmt;
	unsigned long used;     /* LRU tick */
};

struct store {
	sqlite3 *db;
	char *path;
	bool in_batch;
	unsigned batch_flags;   /* the open batch's (enum store_batch_flags) */
	bool batch_broken;      /* a write of a STORE_BATCH_CACHE batch failed half
	                           way: it may only be rolled back (store.c) */
	int force_plan;         /* tests: 0 automatic, else one inbox plan (inbox.c) */
	/* The last inbox page the ordered try answered (inbox.c): what it was
	 * for (its words and filters), how long the ordered try took for how
	 * many rows (INFINITY: it gave up, the selective way answered), and
	 * whether it reached the end of the matches (then they are counted). */
	char walk_key[512];
	double walk_ms;
	int64_t walk_rows;      /* offset + the page's rows */
	bool walk_ended;
	int64_t walk_version;   /* the store's data version then */
	/* The rows matching the last words searched the selective way, kept
	 * in temp.narrow for the next keystroke (inbox.c, "narrowing"): the
	 * filters they were found with, the words' needles (each followed
	 * by '\n'), how many rows, the data version after (0: none kept), and
	 * whether temp.narrow can be used here (0 not tried, 1 yes, -1 no). */
	char narrow_filters[256];
	char narrow_needles[512];
	int64_t narrow_rows;
	int64_t narrow_version;
	int narrow_ready;
	long narrowed;          /* pages answered so (tests) */
	unsigned long tick;
	struct store_protect *protect; /* protect.c: sealed ID numbers; NULL: clear */
	bool read_only;         /* opened read-only (a read-only or full disk) */
	enum store_fault fault; /* health.c: why it cannot write (damage latches) */
	enum store_fault last_fault; /* the kind of the last failure */
	int mark_fd;            /* health.c: the `.open` marker, flock'd shared; -1 none */
	bool fts_pending;       /* temp.fts_pending may hold rows (dossiers.c) */
	struct store_stmt cache[STORE_STMT_CACHE];
	char err[STORE_ERR_LEN];
};

/*
 * A prepared statement for `sql` from the handle's cache, reset and with its
 * bindings cleared; the cache keeps ownership (never finalize it).  Valid
 * until the next store_stmt() call that evicts it: with 48 slots, use it and
 * reset it before preparing more than that.  NULL on error (store_errmsg set).
 */
sqlite3_stmt *store_stmt(struct store *s, const char *sql);

/*
 * For what must survive a power cut (the queue, the audit log): -1 with
 * the store's error when the open batch is a STORE_BATCH_CACHE one, whose
 * commit does not wait for the disk (store.c).  0 otherwise.
 */
int store_durable_here(struct store *s, const char *what);

/* Set the error from SQLite's message for the handle: "<path>: <what>: <msg>". */
int store_fail(struct store *s, const char *what);
/* Set the error from a format: "<path>: <message>".  Returns -1. */
int store_failf(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run SQL without results (several statements allowed). */
int store_exec(struct store *s, const char *sql);

/* Step a statement that returns no rows (or whose rows are ignored); resets it. */
int store_step_done(struct store *s, sqlite3_stmt *st, const char *what);

/*
 * The first column of the one row `sql` returns (NULL reads as 0) in *out.
 * 0, or -1 with the store's error naming `what`.
 */
int store_query_int64(struct store *s, const char *sql, int64_t *out, const char *what);

/*
 * Put the new rows waiting in temp.fts_pending into the search index
 * (dossiers.c): before a commit, before a search reads the index, and
 * before anything that updates `search` or deletes dossiers (their
 * triggers take rows out of the index, so a row must be in it).  0 or -1.
 */
int store_fts_flush(struct store *s);

/*
 * Delete the child lists (history, attachments, fees, supplements, receipts)
 * of the dossiers whose ids the SELECT `ids` gives (its ?1 bound to `code`
 * when not NULL), before the dossiers themselves: inside a cache batch the
 * foreign keys, and so their cascade, are off (store.c).  0 or -1.
 */
int store_children_delete(struct store *s, const char *ids, const char *code);

/* Bind a string or NULL. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);

/* Copy a text column: NULL stays NULL.  Caller frees. */
char *store_column_dup(sqlite3_stmt *st, int i);

/*
 * The end of the "coming due" range for thresholds now/soon_end as in
 * store_query: soon_end 0 is now + STORE_SOON_DEFAULT, and never before now,
 * so the due classes stay disjoint (inbox.c).
 */
mc_time store_soon_end(mc_time now, mc_time soon_end);

/* A "file:" URI for `path` with `query` ("mode=ro"): every byte outside
 * a safe set %-escaped.  Caller frees. */
char *store_file_uri(const char *path, const char *query);

/* Register the SQL functions the inbox queries use (inbox.c). */
int store_inbox_register(struct store *s);

/* Schema: migrate to the newest version inside one transaction (schema.c). */
int store_schema_migrate(struct store *s);

/* ---- health.c: faults, the damage latch, quick checks, the marker ---- */

/* The kind of an SQLite result code with the system's errno (0: none). */
enum store_fault store_fault_classify(int code, int sys_errno);
/* The kind of a system errno (ENOSPC, EROFS, EACCES...). */
enum store_fault store_fault_errno(int e);

/* Record the kind of the failure SQLite just reported on s (damage latches). */
enum store_fault store_note_failure(struct store *s);

/* Damage seen: refuse every write from now on, keep the WAL out of the
 * file at close, and mark the file for a check at every later open. */
void store_latch_damaged(struct store *s);

/*
 * PRAGMA quick_check of one table and its indexes (table NULL: the whole
 * file).  0 sound; 1 damaged (latched; the first problem in `first`); -1
 * the check could not run for another reason (store_note_failure()).
 */
int store_quick_check(struct store *s, const char *table, char *first, size_t size);

/*
 * Take the marker `<path>.open` (shared) for an open handle; *check: the
 * last session did not close cleanly, or saw damage (then the handle is
 * latched damaged too).  `fresh`: the store file is new or empty, so a
 * marker found is stale and reset.  0 (also when no marker can be kept: a
 * read-only or full disk), -1 when a repair holds it past the wait (store
 * error set, STORE_FAULT_BUSY).
 */
int store_mark_open(struct store *s, bool fresh, bool *check);
/* At close, after SQLite: the last handle out removes the marker unless
 * damage was seen. */
void store_mark_close(struct store *s);

/*
 * For a repair: the marker of `db` taken exclusively (no motcua has the
 * store open) into *fd; *was_damaged when it says so.  0, or -1 with errno
 * (EWOULDBLOCK: in use).  store_mark_release() closes it, removing the
 * marker when `remove`.
 */
int store_mark_take(const char *db, int *fd, bool *was_damaged);
void store_mark_release(const char *db, int fd, bool remove);

#endif
