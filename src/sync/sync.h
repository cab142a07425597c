/*
 * sync.h - the sync engine: pull every source concurrently and
 * incrementally into the store, merge the coordination system's copies with
 * the handling systems' records, compute each dossier's own due date.
 *
 * One net, one loop: the engine submits requests on the caller's net and
 * moves each source through an explicit state machine from the callbacks
 * (doc/sync.md):
 *
 *     IDLE -> LINK -> PULL -> PULL ... -> DONE
 *               \        \-> FAILED (error kept for the report)
 *                \-> (token or session refused on any page: LINK again, once)
 *
 * LINK is the system's link (sources/link.h): its token and session login,
 * shared with the replay, downloads and the audit log's shipping.
 *
 * Parsed pages wait in memory until sync_flush(), which the caller runs once
 * per loop turn: once a few thousand dossiers or a second's worth wait, or a
 * pass ended, one store transaction applies every waiting page, then the
 * source's watermark is stored, so a crash loses at most that second's
 * pages and never stores a watermark ahead of its dossiers.
 *
 * Merging (merge.c): the handling system is the record; the coordination
 * system's copy (a source whose `coordination` is set) only sets
 * coord_status on it (a mismatch is then flagged by the store), and is kept
 * as the dossier (under the coordination system's name) only until the
 * handling system's record arrives.  Due dates: core/deadline with the procedure's rule from
 * the catalogue (config/procedures.h), independent of the source's own.
 *
 * Ownership: sync_new() borrows everything in its options (they must
 * outlive the sync); sync_add_source() borrows the link.  Not thread-safe.
 */
#ifndef MOTCUA_SYNC_H
#define MOTCUA_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/procedures.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "core/dossier.h"
#include "core/error.h"
#include "net/net.h"
#include "sources/link.h"
#include "sources/source.h"
#include "store/store.h"

struct sync;

/* What the engine tells its caller (the front ends word it). */
enum sync_event_kind {
	SYNC_EV_REFUSED = 0,  /* one dossier of a page refused: detail "CODE: field 'x': why"
	                         (never a value, so no personal data) */
	SYNC_EV_FAILED,       /* a system's pass failed: err */
	SYNC_EV_SUSPECT,      /* one dossier kept whose update time is later than the
	                         server's clock: it did not move the position; detail
	                         "CODE: field 'x': why" */
	SYNC_EV_TOTAL_GREW,   /* the system says it holds more than at its last pass
	                         but nothing new came: its position is dropped and it
	                         is read again from the start; detail "OLD -> NEW" */
	SYNC_EV_RESYNC,       /* the pass reads the system from the start, as asked
	                         (sync_resync): its position is dropped */
	SYNC_EV_PROFILE_CHANGED, /* the system is read with another definition than
	                         at its last pass (sync_set_fingerprint): its position
	                         is dropped and it is read from the start; detail the
	                         profile's path, or NULL (a built-in dialect now) */
};
struct sync_event {
	enum sync_event_kind kind;
	const char *system;
	const char *detail;          /* REFUSED, SUSPECT, TOTAL_GREW, PROFILE_CHANGED */
	const struct mc_err *err;    /* FAILED */
};
typedef void sync_event_fn(void *ctx, const struct sync_event *ev);

struct sync_options {
	struct net *net;                 /* required */
	struct store *store;             /* required */
	struct calendar *cal;            /* required for due dates; NULL: due_at stays 0 */
	const struct worktime *wt;       /* NULL: the default working hours */
	const struct procedures *procs;  /* NULL: no catalogue, due_at stays 0 */
	mc_time (*now)(void *arg);       /* NULL: time() */
	void *now_arg;
	/* Told of each refused dossier and each failed pass; may be NULL. */
	sync_event_fn *event;
	void *event_ctx;
	/* Install net_on_account() and add every request's bytes (auth's too)
	 * to the store's counters at each flush. */
	bool account_bytes;
	/* Stop a source's pass after this many pages (0: 100000). */
	unsigned max_pages;
	/* Stop a source's pass after this long, the page in flight cancelled
	 * (0: 15 minutes); what was read is kept, the rest comes next time. */
	uint64_t max_pass_ms;
};

struct sync *sync_new(const struct sync_options *opt);
/* Cancels what is in flight (their callbacks run inside this call). */
void sync_free(struct sync *s);

/* Replace the event hook of the options (NULL: none). */
void sync_set_events(struct sync *s, sync_event_fn *fn, void *ctx);

/* Pull this system (its link, borrowed).  -1 when the name is already there
 * or a pass is running. */
int sync_add_source(struct sync *s, struct source_link *link);
size_t sync_n_sources(const struct sync *s);
struct source *sync_source(const struct sync *s, size_t i);
struct source_link *sync_link(const struct sync *s, size_t i);

/*
 * Start one pass of every source (only == NULL) or of `only`.  Sources whose
 * pass is still running are left alone.  0, or -1 when `only` is unknown.
 */
int sync_start(struct sync *s, const char *only);

/*
 * As sync_start, but the passes read from the start: each system's stored
 * position (and its last total) is dropped with the pass's first store
 * write, so even a pass that fails leaves it dropped, and the dialect is
 * asked for its first page (SYNC_EV_RESYNC per system).  Dossiers stay (the
 * merge sees "same" for unchanged ones); the outbox is not touched.  A
 * source whose pass is still running reads from the start at its next
 * pass.  0, or -1 when `only` is unknown.
 */
int sync_resync(struct sync *s, const char *only);

/*
 * What the system `name` is read with: a fingerprint of its definition (the
 * app's: a hash of its sources.d profile's bytes, "" for a built-in
 * dialect), copied.  Kept in the store's sync state with the position; a
 * pass that finds another one stored drops the position and reads from the
 * start (SYNC_EV_PROFILE_CHANGED), so rows the old profile refused (a
 * status missing from its status_map) come in once it is fixed.  None
 * stored (a store from an older release): recorded, no re-read.  NULL (the
 * default): not checked.  0, or -1 when `name` is unknown.
 */
int sync_set_fingerprint(struct sync *s, const char *name, const char *fingerprint);

/* Whether a pass is running or pages wait for sync_flush(). */
bool sync_busy(const struct sync *s);

/*
 * Apply the pages parsed since the last call in one store transaction, store
 * the watermarks and counters; while passes still read and few dossiers
 * have waited only briefly (under 4,000, under a second), nothing yet (the
 * counters wait too).  Call once per loop turn, after net_poll().
 * Returns 0, or -1 when the store failed (the sources of those pages are
 * marked failed; their watermarks are not moved).
 */
int sync_flush(struct sync *s);

/* Change sync_options.max_pass_ms (0: 15 minutes) for the passes to come. */
void sync_set_max_pass_ms(struct sync *s, uint64_t ms);

/* For one-shot commands: start a pass and loop net_poll() + flush until done. */
int sync_run(struct sync *s, const char *only);

/* What one source's last pass did. */
struct sync_report {
	const char *name;        /* borrowed from the sync */
	bool ran;                /* part of the last pass */
	bool ok;
	int64_t n_new, n_changed, n_rejected, n_seen;
	uint64_t bytes_in, bytes_out; /* this pass, on the wire, the source's own requests */
	uint64_t pull_in, pull_out;   /* the same for the pull requests alone (without a
	                                 session login, which a long-running console
	                                 does once per session) */
	uint64_t ms;
	const struct mc_err *error; /* NULL when ok (or not run); borrowed */
};
/* Fill out[i] for each source (up to max); returns the number of sources. */
size_t sync_reports(const struct sync *s, struct sync_report *out, size_t max);

/* Whether the source's last contact succeeded (the status bar's online). */
bool sync_source_online(const struct sync *s, const char *name);

/* ---- merging (merge.c), exposed for tests ------------------------------ */

enum sync_merge_result {
	SYNC_MERGE_SAME = 0,  /* nothing to write */
	SYNC_MERGE_NEW,
	SYNC_MERGE_CHANGED,
};

/*
 * Decide what to store for `incoming` given the stored `existing` (NULL when
 * none).  existing_is_copy: the stored dossier is the coordination system's
 * copy (no handling record yet); from_coordination: incoming is the
 * coordination system's copy.  On NEW/CHANGED *out is filled (release it);
 * on SAME *out is left empty.  `incoming` may be emptied (its contents moved
 * into *out).
 */
enum sync_merge_result sync_merge(const struct dossier *existing, bool existing_is_copy,
				  struct dossier *incoming, bool from_coordination,
				  struct dossier *out);

/*
 * The dossier's own due date from its procedure's rule (0 when the
 * procedure is unknown, the reception date is missing, or a supplement is
 * pending).
 */
mc_time sync_due_at(const struct dossier *d, const struct procedures *procs,
		    struct calendar *cal, const struct worktime *wt);
/*
 * The same, with the dossier's pending supplements taken as received at
 * `supplement_in` when it is not 0: the clerk queued "supplement received"
 * then, and the due date restarts or resumes from there (per the procedure's
 * policy) instead of becoming unknown until the system confirms.
 */
mc_time sync_due_at_with(const struct dossier *d, mc_time supplement_in,
			 const struct procedures *procs, struct calendar *cal,
			 const struct worktime *wt);
/*
 * The local due date as the store keeps it, for the pull and for the
 * clerk's "supplement received": sync_due_at(), or, while a pending
 * supplement's "supplement received" is queued (store_outbox_open_since),
 * sync_due_at_with() from when it was queued.  0 and *due, or -1 on a store
 * error.
 */
int sync_local_due(struct store *st, const struct dossier *d, const struct procedures *procs,
		   struct calendar *cal, const struct worktime *wt, mc_time *due);
/* When the clerk queued "supplement received" for d's pending supplement:
 * 0 and *at (0 when none is pending or queued), or -1 on a store error. */
int sync_supplement_queued(struct store *st, const struct dossier *d, mc_time *at);

#endif
