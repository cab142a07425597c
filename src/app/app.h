/*
 * app.h - the application, once, for both front ends (the console in ui/
 * and the commands in src/cli/): open a session, run one turn of the loop,
 * close it (DESIGN.md section 3, doc/app.md).
 *
 * Opening finds the files by one rule (config/config.h), reads the
 * configuration, opens the store in the data folder with its privacy
 * settings, the calendar with the yearly notices and the procedure
 * catalogue, the sign-in session of the remembered server (or --issuer,
 * $MOTCUA_ISSUER, config.json), one network, and the systems: every system
 * the provider's discovery lists and every profile of sources.d, each with
 * its one link (sources/link.h) shared by the pull (src/sync), the replay of
 * the queue and the audit log's shipping (src/outbox), downloads and doctor.
 *
 * One turn of the loop (app_turn) does everything that runs beside the
 * clerk, whoever the front end is: the discovery when it has not answered
 * yet, the pull schedule and what arrived, the queued actions' effects put
 * back on dossiers a pull overwrote, the replay, the audit log's shipping,
 * retention after each pull, the download and the signing job under way.
 * The console calls it once per loop turn; `motcua sync` runs turns until
 * its pass and queue are done (app_sync).
 *
 * Words are not the app's business: what went wrong is a struct mc_err
 * (core/error.h) that the front ends word in the clerk's language.  Nothing
 * here prints or draws.
 *
 * Ownership: app_open() returns the app; app_close() cancels what is in
 * flight and frees everything.  Strings and structs the accessors return are
 * borrowed until the next call into the app unless said otherwise.  One
 * thread, one loop.
 */
#ifndef MOTCUA_APP_H
#define MOTCUA_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/dossier.h"
#include "core/due_explain.h"
#include "core/error.h"
#include "core/status.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/store.h"

struct app;

enum app_flags {
	APP_SIGN_IN = 1 << 0,  /* open the sign-in session when a server is known */
	APP_SYSTEMS = 1 << 1,  /* the systems, their links, the pull, the replay, the audit
	                          log's shipping (implies APP_SIGN_IN) */
	APP_WAIT_DISCOVERY = 1 << 2, /* wait for the provider's discovery in app_open (the
	                          one-shot commands); without it the first turns wait */
	APP_NO_STORE = 1 << 3, /* configuration and calendar only (sign, due, calendar) */
};

/* A warning while opening or running: a profile skipped, a catalogue
 * unreadable, a system without a connector (err.field names the file). */
typedef void app_warn_fn(void *ctx, const struct mc_err *warning);

struct app_options {
	const char *config_file;     /* --config; NULL: the one rule (config/config.h) */
	const char *issuer;          /* --issuer; NULL: $MOTCUA_ISSUER, config.json, the
	                                last sign-in's */
	const char *client_id;       /* --client-id; NULL: likewise, else "motcua" */
	unsigned flags;              /* enum app_flags */
	app_warn_fn *warn;           /* NULL: warnings dropped */
	void *warn_ctx;
	/* The clock of the whole application (due classes, schedules, the
	 * queue); NULL: time().  The demo passes the sandbox's clock. */
	mc_time (*now)(void *arg);
	void *now_arg;
	int64_t pull_every_s;        /* between automatic pulls; <= 0: 300 */
	const char *via;             /* the front end, for the audit log: "console" or
	                                "cli" (NULL) */
	struct config_error *config_error; /* out: why config.json was refused; may
					      be NULL */
	/* The yearly notices from this folder alone instead of the calendar/
	 * folders of the rule (`--calendar DIR`: a notice file being checked);
	 * NULL: the rule's. */
	const char *calendar_dir;
	/* Long work while opening: the stored due dates re-computed because
	 * what they depend on changed (app_due_refresh): `done` of `total`
	 * dossiers, at the start (0), after each batch and at the end.  NULL:
	 * not told.  The front ends say it for large stores. */
	void (*due_progress)(void *ctx, int64_t done, int64_t total);
	void *due_progress_ctx;
};

/*
 * Open.  0, or -1 with *err when nothing can work: config.json refused
 * (MC_E_CONFIG, field: the file; *opt->config_error says why), the data
 * folder or the store cannot be opened, the network layer cannot start
 * (MC_E_STORE, MC_E_FILE, MC_E_INTERNAL).  A missing sign-in or an
 * unreachable provider is not an error here (app_signin_state says what
 * there is).
 */
int app_open(struct app **out, const struct app_options *opt, struct mc_err *err);
void app_close(struct app *a);
/* Add the systems to an app opened without APP_SYSTEMS (needs the sign-in
 * opened, APP_SIGN_IN).  0, or -1 with *err. */
int app_systems_open(struct app *a, bool wait_discovery, struct mc_err *err);

/* The folders of yearly notices a calendar was read from, in order. */
struct app_calendar_dirs {
	char *dir[CONFIG_MAX_DIRS];  /* owned */
	int n_files[CONFIG_MAX_DIRS]; /* notice files applied from each; -1: unreadable */
	size_t n;
};
void app_calendar_dirs_release(struct app_calendar_dirs *d);

/*
 * The calendar of the yearly notices over the statutory days.  With `dir`,
 * that folder only (`--calendar DIR`: a file being checked).  Else every
 * calendar/ of the folders of the rule (config/config.h; `paths` NULL: the
 * default ones), the clerk's first: $MOTCUA_HOME/calendar or the user's
 * config folder's, the system's, the notices the package ships (installed,
 * or ./config/calendar in a source checkout); per year the first folder's
 * valid YYYY.json applies, so a clerk's own notice replaces the shipped one
 * of that year.  A bad file goes to warn (MC_E_CONFIG, detail
 * "PATH:LINE: ...") and is ignored whole.  `read`, when not NULL, gets the
 * folders read (release it with app_calendar_dirs_release()).  Free the
 * calendar with calendar_free().  app_open() uses it; so do `due` and
 * `calendar`.
 */
struct calendar *app_calendar_open(const struct config_paths *paths, const char *dir,
				   app_warn_fn *warn, void *ctx, struct app_calendar_dirs *read);
/* The app's calendar (borrowed; working week from the config). */
struct calendar *app_calendar(struct app *a);
/*
 * The years whose official notice of days off the app's calendar lacks at
 * `now` (app_now() in the console's turn): this year's, and from 1 December
 * next year's too (core/calendar.h).  Fills years[0..1]; returns how many.
 */
size_t app_notices_missing(struct app *a, mc_time now, int years[2]);
/* The folders the app's calendar was read from (borrowed). */
const struct app_calendar_dirs *app_calendar_dirs(const struct app *a);

/*
 * The stored local due dates against what they were computed from
 * (app_due.c, doc/deadlines.md "Stored due dates"): the workweek and the
 * days of every year a notice applies to, the procedures' rules, the
 * working time, and the build's own rules (DEADLINE_RULES_VERSION).  When their fingerprint differs from
 * the one the store noted (or none was noted, or `force`), every stored
 * dossier's due date is re-computed as the pull computes it, in batches
 * (opt.due_progress tells), and the new fingerprint noted.  app_open() does
 * it after loading the calendar and the catalogue; a store that cannot be
 * written is left as it is.  0, or -1 (warned; the dates stay, the next
 * open tries again).
 */
int app_due_refresh(struct app *a, bool force);
struct app_due_refresh {
	bool ran;        /* the dates were re-computed at this open */
	int64_t total;   /* dossiers walked */
	int64_t changed; /* whose due date moved */
};
/* What the last app_due_refresh() did. */
void app_due_refreshed(const struct app *a, struct app_due_refresh *out);

/* ---- what was opened ---------------------------------------------------- */

const struct config *app_config(const struct app *a);
const struct config_paths *app_paths(const struct app *a);
/* The folders and files the one rule finds for --config `config_file`
 * (NULL: the default), without opening anything: for saying where a refused
 * configuration was looked for.  Release with app_paths_release(). */
void app_paths_for(const char *config_file, struct config_paths *out);
void app_paths_release(struct config_paths *p);
/* Why config.json was last refused (a re-read before signing warns with
 * MC_E_CONFIG; this says what). */
const struct config_error *app_config_problem(const struct app *a);
/* Whether ID numbers are sealed (true) or not kept at all (no keyring). */
bool app_ids_sealed(const struct app *a);
mc_time app_now(const struct app *a);

/*
 * The due classes' thresholds at `now` (the one rule: core/deadline.h,
 * config due_soon_minutes of working time).  Recompute it as time passes.
 */
void app_horizon(struct app *a, mc_time now, struct deadline_horizon *out);
/* One dossier's due class at `now` by the same rule (the inbox's names). */
enum store_due_class app_due_class(struct app *a, int status, mc_time due_at, mc_time now);

/* ---- the loop ----------------------------------------------------------- */

enum app_changes {
	APP_CHANGED_DOSSIERS = 1 << 0, /* the store's dossiers changed: reload lists */
	APP_CHANGED_QUEUE = 1 << 1,    /* entries were sent, settled, re-applied */
	APP_CHANGED_SYSTEMS = 1 << 2,  /* online marks, ages, the pass started or ended */
	APP_CHANGED_SIGNING = 1 << 3,  /* the signing job moved on */
	APP_CHANGED_DOWNLOAD = 1 << 4, /* the download moved on */
};

/* The network layer, for the front end's wait (net_poll with stdin). */
struct net *app_net(struct app *a);
/* Wake the loop from a signal handler (async-signal-safe). */
void app_wakeup(struct app *a);
/* Wait for the network or `fd` (may be -1) up to `timeout_ms`.  Returns 1
 * when fd is readable, 0 otherwise, -1 when the network layer failed. */
int app_wait(struct app *a, int timeout_ms, int fd);

/*
 * One turn, after the wait: returns enum app_changes.  While the front end
 * holds the engines (app_hold) nothing is pulled, sent or shipped; the
 * sign-in, downloads and signing jobs go on.
 */
unsigned app_turn(struct app *a, mc_time now);

/* The console holds the engines until its first sign-in is settled. */
void app_hold(struct app *a, bool hold);

/* Pull every system now (`only` NULL) or one; a system waiting after a
 * failure is tried at once.  0, or -1 when `only` names no system. */
int app_pull_now(struct app *a, const char *only);

/* ---- one-shot: motcua sync, queue send, demo --check --------------------- */

struct app_sync_report {
	const char *name;          /* borrowed */
	bool ran, ok;
	int64_t n_new, n_changed, n_rejected, n_seen;
	uint64_t bytes_in, bytes_out;   /* the system's own requests in this pass */
	uint64_t pull_in, pull_out;     /* the pull requests alone */
	uint64_t ms;
	const struct mc_err *error;     /* NULL when ok; borrowed */
};

struct app_queue_report {
	uint64_t applied, conflicts, failed, retries, sends, probes, uploads, upload_resumed;
	uint64_t requests, bytes_in, bytes_out;
	int64_t remaining;         /* entries still to send */
};

/* What the one-shot runs tell as they go (front ends print or drop them). */
enum app_event_kind {
	APP_EV_REFUSED_DOSSIER,    /* system, detail ("CODE: field 'x': why") */
	APP_EV_PULL_FAILED,        /* system, err */
	APP_EV_SENT,               /* entry, code, action: applied */
	APP_EV_CONFLICT,           /* entry, code, action, err */
	APP_EV_REFUSED,            /* entry, code, action, err */
	APP_EV_WAITING,            /* a system cannot be reached now: err */
	APP_EV_LOCKED,             /* another motcua is sending this queue */
	APP_EV_STORE,              /* the store failed: err */
	APP_EV_SUSPECT_DOSSIER,    /* system, detail ("CODE: field 'x': why"): kept, but
	                              its update time is past the server's clock, so it
	                              did not move the system's position */
	APP_EV_TOTAL_GREW,         /* system, detail ("OLD -> NEW"): it says it holds more
	                              but nothing new came: read again from the start */
	APP_EV_RESYNC,             /* system: its position forgotten, read from the start
	                              as asked (app_resync) */
	APP_EV_PROFILE_CHANGED,    /* system, detail (its profile's path, or NULL): the
	                              profile changed since its last pull: its position
	                              forgotten, read from the start */
};
struct app_event {
	enum app_event_kind kind;
	const char *system;
	const char *detail;
	int64_t entry;
	const char *code;
	enum action action;
	const struct mc_err *err;
};
typedef void app_event_fn(void *ctx, const struct app_event *ev);
/* Where events go (NULL: nowhere). */
void app_set_events(struct app *a, app_event_fn *fn, void *ctx);

/*
 * Pull every system once (or `only`), put the queued effects back on what
 * the pull overwrote, send the queue for at most queue_wait_ms, ship the
 * audit log, remove finished dossiers past retention.  0 when every system
 * pulled, 1 when some failed (the others still synced), -1 when nothing
 * could run (no system: err MC_E_NO_CONNECTOR; `only` unknown:
 * MC_E_NOT_CONFIGURED).
 */
int app_sync(struct app *a, const char *only, int64_t queue_wait_ms, struct mc_err *err);
/*
 * app_sync, with each system it pulls (`only`, or every one when NULL) read
 * from the start: its stored position is forgotten (even if the pull then
 * fails) and its first page asked for; APP_EV_RESYNC says so per system.
 * The dossiers stay (unchanged ones are "same"), the queue is not touched.
 * Returns as app_sync.
 */
int app_resync(struct app *a, const char *only, int64_t queue_wait_ms, struct mc_err *err);
/*
 * The longest app_sync may run, pulls and queue together (`sync --max-time`):
 * a pull still running then stops (time-limit; what it read is kept) and
 * the queue's requests in flight are given up (an action that may have left
 * stays 'sending' for the next run).  0: the defaults (15 minutes per
 * system's pull; the queue its wait plus 5 minutes).
 */
void app_sync_limit(struct app *a, int64_t ms);
/* After app_sync or during the console: one report per system. */
size_t app_sync_reports(struct app *a, struct app_sync_report *out, size_t max);
/* The queue's replay so far in this process. */
void app_queue_report(struct app *a, struct app_queue_report *out);

/*
 * Send the queue only (`only` NULL: every system) for at most max_wait_ms
 * (nothing is pulled, so no queued effect needs putting back).  0 nothing
 * left to send, 1 some wait, -1
 * store failure.  backoff_cap_ms > 0 caps the waits between attempts.
 */
int app_queue_send(struct app *a, const char *only, int64_t max_wait_ms,
		   uint64_t backoff_cap_ms);

/* The audit log's shipping: 0 the server has everything, 1 some wait, -1. */
struct app_audit_report {
	int64_t shipped, duplicates, waiting;
	bool conflict;
	bool configured;           /* there is a server to ship to */
	struct mc_err error;
};
int app_audit_ship(struct app *a, int64_t max_wait_ms, struct app_audit_report *out);

/* Finished dossiers past retention removed now (*n may be NULL).  0 or -1. */
int app_retention(struct app *a, int64_t *n);
/* How many the last retention run removed (app_sync's, the loop's). */
int64_t app_retention_last(const struct app *a);

/* ---- the systems -------------------------------------------------------- */

struct app_system {
	const char *name;
	const char *title;         /* may be NULL */
	const char *dialect;       /* "" when not configured */
	bool configured;           /* false: only the store knows it (not signed
				      in yet, or no longer offered); offline */
	bool coordination;
	bool online;               /* the last contact succeeded */
	bool pulling;              /* a pass is under way */
	mc_time last_ok_at;        /* 0 never */
	struct mc_err last_error;  /* the last pass's, MC_OK when none */
};
size_t app_n_systems(const struct app *a);
/* How system `name` counts its own due dates, in the clerk's words, as its
 * definition in sources.d says ("due_rule"); NULL when it says nothing. */
const char *app_system_due_rule(struct app *a, const char *name);
/*
 * System i into *out (names and strings valid until the next call); false
 * past the last.  The configured systems come first (app_n_systems of them),
 * then those the store has pulled or holds dossiers of without a
 * configuration, so that a clerk not yet signed in, or a command that opens
 * no system, still sees every system of the data.
 * Asking for i == 0 re-reads the latter from the store.
 */
bool app_system(struct app *a, size_t i, struct app_system *out);
/* Whether `name` is a configured system. */
bool app_has_system(const struct app *a, const char *name);
/*
 * Whether `name` is a system this terminal knows (configured, or with
 * dossiers in the store): 0 yes; -1 no, with *near the closest known name
 * (or NULL) - for a --source that names no system.
 */
int app_system_known(struct app *a, const char *name, const char **near);

/* A pull under way: systems pulling, in the pass, dossiers so far.  False
 * when idle. */
struct app_progress {
	int running, total;
	int64_t dossiers;
};
bool app_progress(struct app *a, struct app_progress *out);

/* Why opening found no systems, or the discovery's failure (MC_OK: none). */
const struct mc_err *app_systems_error(const struct app *a);

/* ---- the offline queue -------------------------------------------------- */

struct app_action {
	const char *code;
	enum action action;
	const char *reason;        /* may be NULL */
	const char *to_unit;       /* may be NULL */
	const char *via;           /* send through this system; NULL: the dossier's */
	const char *const *files;  /* n_files result files */
	size_t n_files;
};

/* Queue one action with its optimistic effect, durably, audited.  0 with
 * *id, or -1 with *err (the codes of outbox.h's outbox_act). */
int app_act(struct app *a, const struct app_action *act, int64_t *id, struct mc_err *err);
/*
 * The actions to offer on dossier `code` in `status`: those the status
 * allows (action_allowed_list), but "request payment" only when something
 * may be owed (its fees do not total 0 đ with nothing due; app_act refuses
 * it so, MC_E_NOTHING_OWED).  Returns the count written to out.
 */
size_t app_actions_offered(struct app *a, const char *code, int status,
			   enum action out[ACTION_COUNT]);
/* The clerk's decision on a conflict or refusal: 0, or -1 with *err. */
int app_queue_retry(struct app *a, int64_t id, struct mc_err *err);
int app_queue_drop(struct app *a, int64_t id, struct mc_err *err);
/*
 * Undo on dossier `code`: the clerk's last action on it taken back when it
 * has not been sent - the entry dropped, its optimistic effect on the local
 * status rolled back, audited (outbox_drop); an earlier action still queued
 * stays.  0 with *undone (the entry taken back; release it with
 * app_queue_entry_release).  -1 with *err: MC_E_NO_ENTRY (no action of this
 * terminal on it; field: the code), MC_E_ENTRY_SENT (the last one is being
 * sent, detail "sending", or was sent, "done"; *undone says which and when),
 * MC_E_ENTRY_STATE (a conflict or refusal: the queue screen decides it;
 * *undone filled), MC_E_BLOCKED (`only` is not 0 and not the last action's
 * id: the later one, in *undone, comes first), MC_E_STORE.  The field of
 * the last three is the last action's id.
 */
int app_queue_undo(struct app *a, const char *code, int64_t only,
		   struct store_outbox_entry *undone, struct mc_err *err);
/* Entries per state (STORE_OUTBOX_N_STATES).  0 or -1. */
int app_queue_counts(struct app *a, int64_t counts[STORE_OUTBOX_N_STATES]);
/* Entries waiting, conflicts and refusals included (DONE excluded); -1. */
int64_t app_queue_open_total(struct app *a);
/* Open entries of one dossier (0 none, -1 error). */
int app_queue_pending(struct app *a, const char *code);
/* Its entries waiting for the clerk: conflicts and refusals (0, -1 error). */
int app_queue_trouble(struct app *a, const char *code);
/* Entries in id order, open ones only unless `all`; free with
 * app_queue_list_free. */
int app_queue_list(struct app *a, bool all, struct store_outbox_entry **out, size_t *n);
void app_queue_list_free(struct store_outbox_entry *v, size_t n);
/* The actions queued on dossier `code` from this terminal, sent ones too
 * (store_outbox_of): the local history beside the system's.  0 or -1;
 * free with app_queue_list_free. */
int app_dossier_actions(struct app *a, const char *code, struct store_outbox_entry **out,
			size_t *n);
/* 0 found, 1 not found, -1; release with app_queue_entry_release. */
int app_queue_get(struct app *a, int64_t id, struct store_outbox_entry *out);
void app_queue_entry_release(struct store_outbox_entry *e);
/* "pending", "sending", "conflict", "failed", "done" (static). */
const char *app_queue_state_name(enum store_outbox_state st);
/* The stored error of an entry (its last_error) as codes. */
void app_queue_error(const struct store_outbox_entry *e, struct mc_err *out);
/* The reason and target unit of an entry's payload (malloc'd, NULL none). */
void app_queue_payload(const struct store_outbox_entry *e, char **reason, char **to_unit,
		       size_t *n_files);

/* ---- the read model ----------------------------------------------------- */

/*
 * A query at `now` with the app's horizon (soon_end) filled in; a NULL app
 * gives the defaults only (a command parsing its options before it opens
 * the app), to be put on the clock with app_query_clock.
 */
void app_query_init(struct app *a, struct store_query *q, mc_time now);
/* Set q's clock to `now` and its coming-due threshold by the one rule. */
void app_query_clock(struct app *a, struct store_query *q, mc_time now);
/*
 * Field filters in a search text (app/filter.c): "tt:STATUS" (tt:cho-bo-sung,
 * tt:5), "nguon:SYSTEM", "han:qua-han|sap-den-han|hom-nay", and "ten:",
 * "ma:", "tthc:" words; the rest are the words of the search.  Keys and
 * values with or without diacritics, a value cut short where only one
 * fits.  Sets q's fields; q->search and q->source point into *f, which must
 * outlive q's use.  0, or -1 with *err MC_E_BAD_FILTER (field: the token;
 * detail: "key", "value", "status", "several", "source" or "due").
 */
struct app_filter {
	char words[512];
	char source[64];
};
int app_filter_parse(struct app *a, const char *text, struct store_query *q,
		     struct app_filter *f, struct mc_err *err);
/*
 * Tab in the search box: complete the last word of `text` - a filter's key
 * ("ng" -> "nguon:") or its value ("tt:cho" -> "tt:cho-bo-sung", "nguon:tu"
 * -> "nguon:tuphap", "han:q" -> "han:qua-han").  Writes the completed text
 * into out (as far as the candidates agree) and the candidates, separated
 * by spaces, into choices (when more than one).  Returns the number of
 * candidates (0: nothing to complete; out is text).
 */
int app_filter_complete(struct app *a, const char *text, char *out, size_t size, char *choices,
			size_t choices_size);
/*
 * Save a view: `filter` (a search text, checked with app_filter_parse) under
 * `name` (no spaces, CONFIG_VIEW_NAME_MAX bytes at most) in config.json's
 * "views" (config_save_view), and in app_config()'s views at once.  0, or
 * -1 with *err: MC_E_BAD_FILTER (detail "name" for the name), MC_E_WRITE
 * (field: the file; detail: why).
 */
int app_view_save(struct app *a, const char *name, const char *filter, struct mc_err *err);
/* Only system `name`'s dossiers in q (NULL: all); for the coordination
 * system (dvcqg) also those it carries for the others (q->coordinated).
 * Without the systems opened, a name that is the coordination dialect's
 * ("dvcqg") is taken to be it. */
void app_query_source(struct app *a, struct store_query *q, const char *name);
int app_inbox_page(struct app *a, const struct store_query *q, struct store_page *out);
int app_inbox_count(struct app *a, const struct store_query *q, int64_t cap, int64_t *n);
/* A keystroke's count, after its page: within a few milliseconds, else
 * *partial and what is sure (store_inbox_count_within()). */
int app_inbox_count_typing(struct app *a, const struct store_query *q, int64_t cap, int64_t *n,
			   bool *partial);
int app_inbox_each(struct app *a, const struct store_query *q, store_row_fn fn, void *ctx);
void app_page_release(struct store_page *p);
/* Names for --due/--sort and JSON; parse: -1 unknown.  A sort is named as
 * the store names it (store_sort_name()), or "system" for "source". */
const char *app_due_class_name(enum store_due_class c);
int app_due_class_from_name(const char *name);
int app_sort_from_name(const char *name);
/* 0 found (*d filled, release with dossier_release), 1 not found, -1. */
int app_dossier(struct app *a, const char *code, struct dossier *d);
/*
 * New arrivals (app/arrivals.c): the dossiers stored after row id
 * app_arrivals_since() are those the clerk has not looked at (put it in
 * store_query.after_id; the first run has none).  app_arrivals_seen() says
 * the clerk looked: later calls count from the current last dossier; it
 * returns the marker before, for showing what was new.
 */
int64_t app_arrivals_since(struct app *a);
int64_t app_arrivals_seen(struct app *a);
/* The catalogue's short name of procedure `code` (procedures.json "short",
 * "Khai sinh"), or NULL.  Borrowed: valid while the app is open. */
const char *app_procedure_short(const struct app *a, const char *code);
/*
 * Why d's local due date is what it is (core/due_explain.h), under its
 * procedure's rule, the configured working hours and the calendar - the
 * same ones the pull computes due_at with.  Fills *out (release it with
 * due_explanation_release) and returns 0, or -1 when no rule applies (the
 * procedure is not in procedures.json, or no reception instant; *out empty).
 */
int app_due_explain(struct app *a, const struct dossier *d, struct due_explanation *out);
/*
 * A finished dossier's outcome by the national indicator's rule
 * (deadline_classify_finished: early / on time / late; two supplements or
 * more: late), against the due date from its reception without
 * supplements (the procedure's rule, else the system's date).  The
 * dashboard's on-time rate counts with it too.  DEADLINE_NONE when it has
 * no finishing time or no due date is known.
 */
enum deadline_class app_finished_class(struct app *a, const struct dossier *d);
/* The store's last error message (SQLite's words, for details). */
const char *app_store_error(struct app *a);

/* ---- the dossier's detail from its system (app_detail.c) ---------------- */

enum app_detail_state {
	APP_DETAIL_NONE = 0,       /* nothing asked for this dossier */
	APP_DETAIL_RUNNING,        /* asked; the answer has not come */
	APP_DETAIL_DONE,           /* the system's detail is in the store now */
	APP_DETAIL_CURRENT,        /* the system says the stored copy is current */
	APP_DETAIL_FAILED,         /* err says why; the stored copy stays */
};
struct app_detail_status {
	enum app_detail_state state;
	struct mc_err err;         /* FAILED */
	mc_time asked_at;          /* when asked (the app's clock) */
	uint64_t seq;              /* changes whenever the state does */
};
/*
 * Read dossier `code`'s whole detail from its system now, in the
 * background (one at a time: asking for another abandons the one under
 * way; asking again for the same while it runs does nothing).  Its answer
 * is put in the store at a later app_turn(), which then reports
 * APP_CHANGED_DOSSIERS; the stored dossier's detail_at says when it was
 * read.  0 asked, or -1 with *err: no such dossier here (MC_E_NO_DOSSIER),
 * its system is not one this terminal reaches (MC_E_NOT_CONFIGURED: not
 * signed in, or the app opened without its systems).
 */
int app_detail_fetch(struct app *a, const char *code, struct mc_err *err);
/* The state of the last fetch of `code`; false when there is none. */
bool app_detail_status(struct app *a, const char *code, struct app_detail_status *out);
/*
 * The one-shot form (`motcua show`): fetch and run the loop until the
 * answer is in the store or timeout_ms passed (then abandoned).  Returns
 * the final state; *err says why when FAILED (MC_E_TIME_LIMIT on time).
 */
enum app_detail_state app_detail_wait(struct app *a, const char *code, int64_t timeout_ms,
				      struct mc_err *err);

/* ---- the audit log ------------------------------------------------------ */

/*
 * Record that the clerk was shown personal data or a record: `kind`
 * STORE_AUDIT_VIEW / STORE_AUDIT_REVEAL / STORE_AUDIT_SIGNIN, of dossier
 * `code` (NULL for a sign-in), for `purpose`; `via` "console" or "cli".
 * 0, or -1 with *err and the data must NOT be shown.
 */
int app_audit_record(struct app *a, const char *kind, const char *code, const char *purpose,
		     const char *via, struct mc_err *err);

/* The log's entries after seq `after`, at most `limit` (0: all), the last
 * ones when after is 0 (store_audit_list); free with app_audit_list_free. */
int app_audit_list(struct app *a, int64_t after, int64_t limit, struct store_audit_entry **out,
		   size_t *n);
void app_audit_list_free(struct store_audit_entry *v, size_t n);
/* Recompute the chain and check its end against the keyring's anchor
 * (store_audit_verify_anchored, app/audit_anchor.h; v->tail says whether it
 * could be), and read its state.  0 or -1. */
int app_audit_verify(struct app *a, struct store_audit_verdict *v, struct store_audit_state *st);
const char *app_audit_problem_name(enum store_audit_problem p);
const char *app_audit_keying_name(enum store_audit_keying k);
/* How the provider's last failed request failed: MC_E_NETWORK, or the
 * MC_E_INSECURE / MC_E_TLS_* of its address or certificate. */
enum mc_errc app_signin_transport(struct app *a);
const char *app_audit_tail_name(enum store_audit_tail t);
/* Append an entry of `kind` with the clerk of the sign-in (or `clerk`),
 * details as JSON text; for sign-out, wipes and their refusals.  0 or -1. */
int app_audit_note(struct app *a, const char *clerk, const char *kind, const char *purpose,
		   const char *details, struct mc_err *err);

#endif
