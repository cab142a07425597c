/*
 * store.h - the local SQLite store: dossier cache, inbox queries, per-source
 * sync state and byte counters.
 *
 * The only module that includes sqlite3.h; every SQL statement of motcua
 * lives under src/store behind the typed functions below.  The store is one
 * SQLite file in WAL mode, created mode 0600 (creating its directory is the
 * caller's job), with a schema versioned by numbered migrations applied in
 * one transaction at open (see doc/store.md).  ":memory:" gives a private
 * in-memory store for tests.
 *
 * Loop assumptions: one thread, one loop.  A store handle is used by one
 * thread.  Batch writes with store_begin()/store_commit() once per loop turn;
 * a write outside such a batch is its own transaction.
 *
 * Errors: functions return 0 on success and -1 on error, with the reason
 * (naming the file) in store_errmsg() until the next call.  Lookups that can
 * miss return 1 for "not found".  Time is never read here: `now` is passed in.
 *
 * This module does not compute deadlines (core/deadline does; the caller puts
 * the result in dossier.due_at), does not merge sources (sync does) and does
 * not own the outbox or audit tables' logic (later migrations add them).
 */
#ifndef MOTCUA_STORE_H
#define MOTCUA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "core/error.h"

struct store;

/*
 * Open (creating if absent, mode 0600) the store at `path` and migrate its
 * schema forward.  On success *out is the handle (free with store_close())
 * and 0 is returned.  On failure returns -1, *out is NULL and *err (if err is
 * not NULL) is a one-line message naming the file that the caller frees.
 * A file that is not an SQLite database, is damaged beyond reading its
 * schema, belongs to another program, or was written by a newer motcua
 * (schema version above store_schema_latest()) is refused and left
 * byte-for-byte untouched; the store never deletes or recreates a file.
 *
 * Opening may succeed with a handle that cannot write (store_fault() says
 * why; store_writable() is false): a store found damaged by the quick
 * check (below), or one that can only be read because its disk is
 * read-only or full, or it may not be written (then it is opened
 * read-only, and read without its WAL when no WAL with content exists).
 * Reading works; every write fails with that reason.
 *
 * The quick check (PRAGMA quick_check) runs at open on the queue and the
 * state tables every time (they are small), and on the whole file when the
 * last session did not close it cleanly or damage was seen (the marker
 * `<path>.open`, health.c, doc/store.md).
 */
int store_open(const char *path, struct store **out, char **err);

/*
 * What kind of trouble a store is in, for the words above it (the store
 * says what; the front ends say it in the clerk's language).
 */
enum store_fault {
	STORE_FAULT_NONE = 0,
	STORE_FAULT_DAMAGED,    /* SQLITE_CORRUPT, SQLITE_NOTADB, or the quick check failed */
	STORE_FAULT_MISSING,    /* missing or empty (STORE_OPEN_MUST_EXIST) */
	STORE_FAULT_READ_ONLY,  /* a read-only file system or file (EROFS, SQLITE_READONLY) */
	STORE_FAULT_FULL,       /* no space left (ENOSPC, EDQUOT, SQLITE_FULL) */
	STORE_FAULT_PERMISSION, /* not allowed (EACCES, EPERM) */
	STORE_FAULT_BUSY,       /* held by another process past the timeout */
	STORE_FAULT_FOREIGN,    /* not a motcua store, or a newer one: left alone */
	STORE_FAULT_OTHER,      /* anything else: an I/O error, out of memory */
};

enum store_open_flags {
	/*
	 * The caller knows a store existed here (its data key is still in
	 * the keyring): a missing file, or an empty one without a WAL, is
	 * refused (STORE_FAULT_MISSING) instead of being created afresh.
	 */
	STORE_OPEN_MUST_EXIST = 1 << 0,
	/* Check the whole file at open, whatever the marker says. */
	STORE_OPEN_CHECK_ALL = 1 << 1,
};

/*
 * store_open() with flags (enum store_open_flags).  *fault (may be NULL)
 * says what kind of failure a -1 was, and after a success why the handle
 * cannot write (STORE_FAULT_NONE when it can).
 */
int store_open_ex(const char *path, unsigned flags, struct store **out,
		  enum store_fault *fault, char **err);

/*
 * Is there no store at `path`: no file, or an empty one (0 bytes) whose WAL
 * is absent or empty too (*empty, may be NULL, tells which)?  A directory or
 * a file that cannot be looked at is not "absent".
 */
bool store_file_absent(const char *path, bool *empty);

/* Close the handle (NULL is fine).  An open batch is rolled back. */
void store_close(struct store *s);

/*
 * Why this handle cannot write: STORE_FAULT_DAMAGED once SQLite reported
 * damage on it (SQLITE_CORRUPT or SQLITE_NOTADB from any call, or a failed
 * quick check; it stays so: every later write is refused, the WAL is not
 * checkpointed into the file, and later opens check again until the file is
 * repaired), or the reason it was opened read-only.  STORE_FAULT_NONE when
 * it can write.
 */
enum store_fault store_fault(const struct store *s);
bool store_damaged(const struct store *s);
bool store_writable(const struct store *s);

/* The kind of the last failure of this handle (with store_errmsg()). */
enum store_fault store_last_fault(const struct store *s);

/*
 * The error code (core/error.h) for a kind of failure: MC_E_STORE_DAMAGED,
 * MC_E_STORE_MISSING, MC_E_READ_ONLY, MC_E_DISK_FULL, MC_E_PERMISSION, else
 * MC_E_STORE.  store_errc() is that of the handle's last failure.
 */
enum mc_errc store_fault_errc(enum store_fault f);
enum mc_errc store_errc(const struct store *s);

/* English words for a kind (logs, tests): "damaged", "no space left ...". */
const char *store_fault_words(enum store_fault f);

/*
 * Repair (`motcua doctor --repair`): a store that is sound (its quick check
 * passes and no session saw damage) is left alone (r->sound).  Otherwise
 * copy what can be read from the store
 * at `path` (it may be damaged, empty or missing) into a new file, then put
 * the new file at `path` and keep the old one (with its -wal and -shm) as
 * `aside`, which must not exist.  Nothing is ever deleted or overwritten:
 * the old file keeps every byte.  Tables go in this order: the queue
 * (outbox), the audit log and its state, the key record, sync state, the
 * dossiers with their children, the byte counters; a table is read in key
 * order and an unreadable part is stepped over.  Values are copied as
 * stored, so sealed ID numbers, the audit chain and the key record stay
 * what the same data key opens (the applicant sort key, derived, is made
 * again).  Refused (STORE_FAULT_BUSY) while any
 * motcua has the store open.  0 with *r filled, or -1 with *fault and *err
 * (malloc'd; the old file is then where it was).
 */
#define STORE_REPAIR_TABLES 12
struct store_repair_table {
	const char *name;      /* the table, e.g. "outbox" (static) */
	int64_t copied;        /* rows in the new file */
	int64_t refused;       /* rows read but not taken (a constraint, a lost parent) */
	int64_t skipped;       /* unreadable parts stepped over */
	bool unreadable;       /* the table could not be read at all */
};
struct store_repair_report {
	bool sound;            /* the store was sound: left as it was, nothing kept aside */
	bool missing;          /* there was no file: a new empty store was made */
	bool empty;            /* the file was empty: kept aside, a new one made */
	bool schema_read;      /* the old file's tables could be listed */
	bool was_damaged;      /* the old file failed its quick check */
	int old_version;       /* its schema version (-1 unknown) */
	size_t n_tables;
	struct store_repair_table tables[STORE_REPAIR_TABLES];
};
int store_repair(const char *path, const char *aside, struct store_repair_report *r,
		 enum store_fault *fault, char **err);

/* Last error of this handle, e.g. "/x/cache.db: database is locked".  Borrowed. */
const char *store_errmsg(const struct store *s);

/* The path given to store_open().  Borrowed. */
const char *store_path(const struct store *s);

/* The newest schema version this build knows. */
int store_schema_latest(void);

/* The schema version of the open file (== store_schema_latest() after open). */
int store_schema_version(struct store *s);

/*
 * PRAGMA quick_check of the whole file: 0 when it is sound, -1 with the
 * first problem in store_errmsg() (damage found latches, see store_fault()).
 * A handle that saw damage before is never "sound" again.
 */
int store_check(struct store *s);

/*
 * Batching: one write transaction per loop turn.  store_begin() takes the
 * write lock at once (BEGIN IMMEDIATE) so a busy database fails here and not
 * half way through the batch.  On a store that cannot write
 * (store_writable() false) the batch opens anyway and its first write
 * fails with the reason, so a caller fails the batch as a whole.  Nesting
 * is not supported.
 */
int store_begin(struct store *s);

/* Flags of store_begin_ex(). */
enum store_batch_flags {
	/*
	 * The batch writes only what can be read again from the systems:
	 * cached dossiers, read positions, byte counters (a sync turn).  Its
	 * commit does not wait for the disk (synchronous=NORMAL: a power cut
	 * may take back the last such batches, whole, never half of one), it
	 * has a larger page cache while open, and an upsert in it is not a
	 * savepoint of its own: after a failed write the batch can only be
	 * rolled back (store_commit() refuses it).  The queue and the audit
	 * log refuse to write inside it (their writes must survive a power
	 * cut); the data key changes in no batch at all.
	 */
	STORE_BATCH_CACHE = 1 << 0,
};

/* store_begin() with flags (enum store_batch_flags). */
int store_begin_ex(struct store *s, unsigned flags);
int store_commit(struct store *s);
int store_rollback(struct store *s);
bool store_in_batch(const struct store *s);

/* ------------------------------------------------------------------ */
/* Dossiers                                                            */

/*
 * Insert or replace the dossier with d->code (required, as are d->source).
 * All fields are stored; its history, attachments, fees and supplements
 * replace the stored ones.  The folded search text, the due sort key and
 * the applicant sort key are derived here.  Atomic on its own (a savepoint), so a failure leaves the
 * previous version and the surrounding batch intact; in a STORE_BATCH_CACHE
 * batch it is not, and a failure leaves that batch to be rolled back.  `d`
 * is borrowed.
 */
int store_dossier_upsert(struct store *s, const struct dossier *d);
/*
 * store_dossier_upsert() for each of the n dossiers d[0..n-1], in the order
 * that writes them fastest (by due key), not as given: their codes must
 * differ.  Stops at the first failure (-1: some may be stored, as with one
 * upsert after another; in a STORE_BATCH_CACHE batch the batch is to be
 * rolled back).  Each d[i] is released (dossier_release()) once written, or
 * when a failure stops the rest; the array itself stays the caller's.
 */
int store_dossiers_upsert(struct store *s, struct dossier *d, size_t n);

/*
 * Load the dossier `code` into *out (initialised here; release it with
 * dossier_release()).  Returns 0 found, 1 not found (*out empty), -1 error.
 */
int store_dossier_load(struct store *s, const char *code, struct dossier *out);

/*
 * The stored version (ETag) of `code` for conditional requests: *version is
 * NULL or a string the caller frees.  Returns 0 found, 1 not found, -1 error.
 */
int store_dossier_version(struct store *s, const char *code, char **version);

/*
 * The stored dossier `code`'s system and coordination status, without its
 * lists: *source is a string the caller frees (NULL when not found).
 * Returns 0 found, 1 not found, -1 error.
 */
int store_dossier_coord_get(struct store *s, const char *code, char **source,
			    int *coord_status);

/*
 * Set only the coordination status of `code` (the coordination system's
 * view of a record another system keeps, sync/merge.c): the row's other
 * columns, its lists and the search index stay.  Returns 0, 1 not found, -1.
 */
int store_dossier_coord_set(struct store *s, const char *code, int coord_status);

/* Delete `code` with its children.  Returns 0 deleted, 1 not found, -1 error. */
int store_dossier_delete(struct store *s, const char *code);
/* The row id of the dossier stored last (0 when none): new arrivals are
 * those after it (store_query.after_id).  0 or -1. */
int store_dossiers_last_id(struct store *s, int64_t *id);
/* The system said the stored copy of `code` is its current one at `at`
 * (a conditional detail read answered 304): detail_at moves. */
int store_dossier_detail_seen(struct store *s, const char *code, mc_time at);
/* The version the stored detail of `code` was read at, when the stored
 * dossier still has it (else *version NULL: read it whole).  0 or -1. */
int store_dossier_detail_version(struct store *s, const char *code, char **version);

/* Number of dossiers, of one source or of all (source NULL). */
int store_dossier_count(struct store *s, const char *source, int64_t *n);

/* ------------------------------------------------------------------ */
/* Local due dates re-computed (due.c)                                 */

/*
 * When what the local due dates depend on changes (the calendar's days,
 * the procedures' rules, the working time), the caller re-computes every
 * stored one; the store keeps a fingerprint of those inputs so that it
 * happens once per change (app/app_due.c, doc/deadlines.md).
 */
#define STORE_DUE_INPUTS_LEN 64  /* SHA-256 in hex */
#define STORE_DUE_BATCH 5000     /* dossiers per transaction by default */

/* SHA-256 of `text` as 64 lower-case hex digits and a NUL. */
void store_due_inputs_digest(const char *text, size_t len, char out[STORE_DUE_INPUTS_LEN + 1]);
/* The fingerprint the stored due dates were computed from into out ("" when
 * none was ever noted: an older store, or a new one).  0 or -1. */
int store_due_inputs_get(struct store *s, char out[STORE_DUE_INPUTS_LEN + 1]);
/* Note it (any string up to STORE_DUE_INPUTS_LEN).  0 or -1. */
int store_due_inputs_set(struct store *s, const char *inputs);

/*
 * The caller's rule for one dossier: *due_at (0: none) from d, which
 * carries only code, source, procedure_code, received_at, source_due_at,
 * due_at (the stored one), finished_at, status and the supplements'
 * requested_at and completed_at (borrowed for the call).  0, or non-zero
 * to stop the run (a store failure of the function's own).
 */
typedef int store_due_fn(void *ctx, const struct dossier *d, mc_time *due_at);
/* After each batch: done of total dossiers so far (also 0 at the start
 * and total at the end). */
typedef void store_due_progress_fn(void *ctx, int64_t done, int64_t total);

struct store_due_run {
	int64_t total;    /* dossiers when the run started (grown if more came) */
	int64_t done;     /* walked */
	int64_t changed;  /* whose due_at (and due_key) changed */
};

/*
 * Re-compute due_at (and the due sort key) of every stored dossier with
 * fn, in due order (a moved date then rewrites neighbouring index pages),
 * `batch` dossiers per transaction (0: STORE_DUE_BATCH); a row is written
 * only when its date changed, and fn may see a row twice (its new date lay
 * ahead of the walk).  Not inside a batch of the caller's.  0 with *run filled, or -1 (the batch under way rolled back;
 * the ones before it stay, which is harmless: each is a correct date).
 */
int store_due_recompute(struct store *s, size_t batch, store_due_fn *fn,
			store_due_progress_fn *progress, void *ctx, struct store_due_run *run);

/* ------------------------------------------------------------------ */
/* Inbox queries                                                       */

/*
 * Due class, computed at query time from the thresholds `now` and `soon_end`
 * of the query, never stored.  The thresholds come from core's
 * deadline_horizon_at() (the one rule, doc/deadlines.md); the store only
 * compares the due date with them.
 */
enum store_due_class {
	STORE_DUE_ANY = 0,      /* filter: no filter */
	STORE_DUE_OVERDUE = 1,  /* open, due_at < now (quá hạn) */
	STORE_DUE_SOON = 2,     /* open, now <= due_at < soon_end (sắp đến hạn) */
	STORE_DUE_OK = 3,       /* open, due_at >= soon_end */
	STORE_DUE_NONE = 4,     /* open, no due date known */
	STORE_DUE_FINISHED = 5, /* processing has ended */
};

/* Name for --due and JSON ("overdue", "soon", "ok", "none", "finished", "any"). */
const char *store_due_class_name(enum store_due_class c);
/* Parse such a name; -1 when unknown. */
int store_due_class_from_name(const char *name);

/*
 * The inbox's orders.  Every order breaks its ties by row id, so pages are
 * stable, and `descending` reverses all of it.  The four after UPDATED
 * group the rows by one key and list each group by due (due_key), so the
 * most urgent dossier of a procedure, system or area comes first.  The
 * numbers are kept: a new order is added at the end.
 */
enum store_sort {
	STORE_SORT_DUE = 0,  /* open by due date (no date last), then finished */
	STORE_SORT_RECEIVED, /* received_at */
	STORE_SORT_STATUS,   /* status, then due */
	STORE_SORT_CODE,     /* MaHoSo */
	STORE_SORT_UPDATED,  /* last change at the source */
	/* The applicant's given name (a person's last word: "Nguyễn Văn An"
	 * under "an"), then the whole name, folded (fold_text); an enterprise,
	 * agency or organisation by its whole name; no name last.  Then due. */
	STORE_SORT_APPLICANT,
	STORE_SORT_PROCEDURE, /* procedure_code (no code first), then due */
	STORE_SORT_SOURCE,   /* the handling system, then due */
	STORE_SORT_AREA,     /* area (no area first), then due */
};

/* How many orders there are (the console cycles through them). */
#define STORE_SORTS (STORE_SORT_AREA + 1)

/* Name for --sort ("due", "received", "status", "code", "updated", "applicant",
 * "procedure", "source", "area"); parse: -1 unknown. */
const char *store_sort_name(enum store_sort s);
int store_sort_from_name(const char *name);

/* The "coming due" window of a query that gives no soon_end: 24 h of wall clock. */
#define STORE_SOON_DEFAULT (24 * 3600)

/*
 * One inbox filter.  Every pointer is borrowed; NULL or 0 means "any".
 * Initialise with store_query_init() and set what you need.
 */
struct store_query {
	const char *source;         /* handling system */
	int status;                 /* canonical status 1..10 */
	const char *procedure_code; /* MaTTHC */
	const char *field_code;     /* MaLinhVuc */
	const char *area;           /* exact area */
	enum store_due_class due;   /* due class filter */
	bool mismatch_only;         /* status differs from the coordination system */
	/* With `source`: that system is the coordination system (dvcqg), so
	 * its dossiers are also those it carries for the others (their
	 * coordination status known), not only the ones stored under its name. */
	bool coordinated;
	/* New arrivals: only the dossiers first stored after the one with this
	 * row id (ids only grow; store_dossiers_last_id); 0: all. */
	int64_t after_id;
	/*
	 * What the clerk typed.  Folded with fold_text() and split into words
	 * (at most 16); every word must match, in any order, the code,
	 * applicant name, procedure name or ID number, with or without
	 * diacritics: a word at the start of a word ("uyen" is Uyên, not
	 * Nguyễn; "nguyen van d"), except that a word of 3+ characters with a
	 * digit matches anywhere (the end of a code or an ID number).
	 */
	const char *search;
	enum store_sort sort;
	bool descending;
	/*
	 * The due class thresholds (struct deadline_horizon of core/deadline.h):
	 * overdue before `now`, coming due from `now` up to but excluding
	 * `soon_end` (absolute).  soon_end 0: now + STORE_SOON_DEFAULT; a
	 * soon_end before now counts as now (nothing is coming due).
	 */
	mc_time now;
	mc_time soon_end;
	int64_t limit;              /* rows per page; <= 0 for all */
	int64_t offset;             /* rows to skip */
};

/* Zero everything (soon_end 0: now + STORE_SOON_DEFAULT), limit = 50, now = `now`. */
void store_query_init(struct store_query *q, mc_time now);

/* The columns the inbox shows. */
struct store_row {
	const char *code;
	const char *source;
	const char *procedure_code;
	const char *procedure_name;
	const char *applicant_name;
	const char *raw_status;
	const char *area;
	int status;
	int coord_status;           /* 0 unknown */
	bool mismatch;              /* coord_status known and != status */
	mc_time received_at, source_due_at, due_at, finished_at;
	enum store_due_class due_class;
};

/*
 * Call fn for each row of the page `q` selects, in order.  The row and its
 * strings are borrowed and valid only during the call.  fn returns 0 to go
 * on, non-zero to stop (store_inbox_each then returns 0).
 */
typedef int (*store_row_fn)(void *ctx, const struct store_row *row);
int store_inbox_each(struct store *s, const struct store_query *q, store_row_fn fn,
		     void *ctx);

/* A page of rows that owns its strings; release with store_page_release(). */
struct store_page {
	struct store_row *rows;
	size_t n;
};
int store_inbox_page(struct store *s, const struct store_query *q, struct store_page *out);
void store_page_release(struct store_page *p);

/*
 * Number of rows `q` selects, ignoring limit, offset and sort.  With cap > 0
 * counting stops at cap (the UI shows "1000+" while the clerk types); cap <= 0
 * counts all.
 */
int store_inbox_count(struct store *s, const struct store_query *q, int64_t cap,
		      int64_t *n);

/*
 * The count of a keystroke: as store_inbox_count() with cap > 0, but within
 * about budget_ms.  When counting would take longer (a word that is neither
 * common nor rare, in a large store), it stops and says so: *partial is set
 * and *n is what is known for sure, at least the rows of the page asked for
 * last with the same words and filters ("50+" on the screen).  The exact
 * count is store_inbox_count()'s, once the clerk stops typing.
 */
int store_inbox_count_within(struct store *s, const struct store_query *q, int64_t cap,
			     double budget_ms, int64_t *n, bool *partial);
/* A keystroke's count: what the console gives it (a page's try may take up
 * to 8 ms more on a million dossiers; section 10 allows 16 ms in all). */
#define STORE_COUNT_TYPING_MS 4.0

/* ------------------------------------------------------------------ */
/* Statistics (dashboard, export)                                      */

/* fn(ctx, source) for each system with dossiers in the store, sorted: a
 * few index lookups, not a pass over the dossiers. */
typedef int (*store_source_fn)(void *ctx, const char *source);
int store_sources(struct store *s, store_source_fn fn, void *ctx);

/* fn(ctx, source, status, count) for each source × status present, sorted. */
typedef int (*store_status_count_fn)(void *ctx, const char *source, int status, int64_t n);
int store_stats_status(struct store *s, store_status_count_fn fn, void *ctx);

struct store_area_stats {
	const char *area;       /* borrowed during the call; "" for no area */
	int64_t total, open, soon, overdue;
};
typedef int (*store_area_fn)(void *ctx, const struct store_area_stats *a);
/* One call per area, sorted by area.  now/soon_end as in store_query. */
int store_stats_area(struct store *s, mc_time now, mc_time soon_end, store_area_fn fn,
		     void *ctx);

/* One source x status x area: the export's rows (the same due classes). */
struct store_cell_stats {
	const char *source;     /* borrowed during the call */
	int status;
	const char *area;       /* borrowed during the call; "" for no area */
	int64_t total, soon, overdue; /* open: the caller knows from the status */
	int64_t received;       /* received_at within [from, to] */
};
typedef int (*store_cell_fn)(void *ctx, const struct store_cell_stats *c);
/* One call per source x status x area present, sorted by source, status,
 * area (byte order).  now/soon_end as in store_query. */
int store_stats_cells(struct store *s, mc_time now, mc_time soon_end, mc_time from,
		      mc_time to, store_cell_fn fn, void *ctx);

/*
 * Open dossiers overdue and coming due against the thresholds now/soon_end
 * (as in store_query; source NULL: all sources).
 */
int store_due_counts(struct store *s, const char *source, mc_time now, mc_time soon_end,
		     int64_t *overdue, int64_t *soon);

/* ------------------------------------------------------------------ */
/* Per-source sync state                                               */

struct store_sync_state {
	char *cursor;           /* opaque change-feed cursor or page; may be NULL */
	char *watermark;        /* updated-since value in the source's format; may be NULL */
	mc_time last_sync_at;   /* last attempt; 0 never */
	mc_time last_ok_at;     /* last success; 0 never */
	char *last_error;       /* NULL after a success */
	int64_t server_total;   /* what the system's first page said it holds at the
				   last full pass; -1 unknown (store_sync_state_get
				   of a system never synced gives -1) */
	char *fingerprint;      /* what the system's rows were last read with (sync.h,
				   sync_set_fingerprint: its profile file's fingerprint,
				   "" a built-in dialect); NULL not recorded */
};

/* Free the strings and zero the struct. */
void store_sync_state_release(struct store_sync_state *st);

/*
 * Read the state of `source` into *out (initialised here; the caller
 * releases it).  Returns 0 found, 1 never synced (*out zeroed), -1 error.
 */
int store_sync_state_get(struct store *s, const char *source, struct store_sync_state *out);

/* fn(ctx, source) for each source that has a state (pulled at least once),
 * sorted; fn returning non-zero stops.  0, or -1 on a store error. */
int store_sync_state_sources(struct store *s, int (*fn)(void *ctx, const char *source),
			     void *ctx);

/* Replace the state of `source`; `st` is borrowed. */
int store_sync_state_set(struct store *s, const char *source,
			 const struct store_sync_state *st);

/* ------------------------------------------------------------------ */
/* Byte counters                                                       */

/*
 * Add to the counters of (source, kind, the civil day of `now`).  `kind` is
 * the request kind ("pull", "fetch", "attachment", "action", "auth", ...).
 */
int store_bytes_add(struct store *s, const char *source, const char *kind, mc_time now,
		    int64_t bytes_in, int64_t bytes_out, int64_t requests);

struct store_bytes {
	int64_t today_in, today_out, today_requests;
	int64_t total_in, total_out, total_requests;
};

/* Totals of one source (NULL: all sources), today (the civil day of now) and ever. */
int store_bytes_get(struct store *s, const char *source, mc_time now, struct store_bytes *out);

/* fn(ctx, source, totals) for each source with counters, sorted by source. */
typedef int (*store_bytes_fn)(void *ctx, const char *source, const struct store_bytes *b);
int store_bytes_each(struct store *s, mc_time now, store_bytes_fn fn, void *ctx);

#endif
