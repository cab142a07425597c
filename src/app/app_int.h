/*
 * app_int.h - the application's state, shared by the files of src/app (not
 * an API; only the files of src/app include it).
 *
 *   app.c          open, close, the loop turn
 *   app_run.c      the one-shot runs: sync, queue send, audit shipping, retention
 *   app_systems.c  the systems: discovery + sources.d -> connectors and links
 *   app_queue.c    the offline queue for the front ends
 *   app_read.c     the read model: inbox, dossiers, the stored errors
 *   app_audit.c    the audit log: records, shipping
 *   app_due.c      the stored due dates kept in step with their inputs
 *   app_signin.c   the sign-in, the screen lock
 *   download.c     attachment downloads
 *   sign_job.c     signing results as a job of the loop
 *   stats.c        statistics (dashboard, export)
 */
#ifndef MOTCUA_APP_INT_H
#define MOTCUA_APP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "app/app.h"
#include "app/privacy.h"
#include "auth/lock.h"
#include "auth/session.h"
#include "config/procedures.h"
#include "core/calendar.h"
#include "outbox/audit_ship.h"
#include "outbox/outbox_replay.h"
#include "sources/link.h"
#include "sources/profile.h"
#include "sync/sync.h"

/* The remote signing service's system in the provider's list: the signing
 * job asks a token for it (sign_job.c); it is not a dossier system. */
#define APP_SIGNING_SYSTEM "csc"

struct app_download;
struct app_sign_job;

enum app_discovery {
	APP_DISC_NONE = 0,   /* no sign-in session: nothing to discover */
	APP_DISC_PENDING,    /* asked, no answer yet */
	APP_DISC_DONE,
	APP_DISC_FAILED,     /* asked again at disc_retry_at */
};

struct app {
	struct app_options opt;
	struct config_paths paths;
	struct config cfg;
	char *db_path;
	struct store *store;
	enum privacy_level privacy;
	struct procedures procs;
	const char *procs_origin;      /* procs_file or "built-in" */
	char *procs_file;
	struct calendar *cal;
	struct net *net;               /* the session's, or an own one */
	bool own_net;

	/* sign-in */
	struct auth_session session;
	bool have_session;
	struct source_tokens tokens;   /* over session.auth (tokens.c) */
	bool hold;                     /* the front end holds the engines (first sign-in) */
	struct auth_lock lock;

	/* the systems */
	enum app_discovery disc;
	mc_time disc_retry_at;
	bool systems_built;            /* from sources.d (and the discovery when done) */
	struct mc_err systems_error;
	struct source_def *defs;       /* sources.d */
	size_t n_defs;
	char **def_fps;                /* per defs[i]: what it reads with, for the pull
					  (app_defs_fingerprint); owned, each may be NULL */
	bool defs_loaded;              /* defs read (app_defs_load) */
	struct source_link **links;    /* one per system; owned */
	size_t n_links;
	struct sync *sync;             /* the pull over the links */
	size_t n_in_sync;              /* links[0..n_in_sync) are added to sync */
	char (*known)[32];             /* systems the store has dossiers of but no
					  link (yet): listed offline; owned */
	size_t n_known;

	struct config_error cfg_problem; /* why config.json was last refused */
	struct app_calendar_dirs calendar_dirs; /* the calendar/ folders read */
	char *sources_dir;             /* the sources.d/ read, or NULL */
	struct timespec cfg_mtime;     /* config.json's when read (0: absent) */
	off_t cfg_size;

	/* the loop */
	int64_t pull_every_s;
	mc_time next_pull_at;          /* 0: at the first turn */
	bool was_pulling;
	int64_t run_limit_ms;      /* app_sync_limit(); 0: the defaults */
	int64_t run_deadline_ms;   /* during app_sync with a limit: when it must end
	                              (monotonic ms), else 0 */
	int64_t seen_sum;              /* n_new + n_changed of the pass so far */
	struct outbox_replay *replay;  /* made at the first unheld turn */
	char *actor;                   /* the official's name sent with actions */
	uint64_t replay_sum;
	struct audit_ship *ship;
	struct store_audit_anchor anchor_seen; /* the log's state when the keyring's
					      anchor last followed it (audit_anchor.h) */
	mc_time anchor_turn_at;        /* app_turn looked at it in this second */
	bool store_degraded;           /* opened but not writable: no anchor moves */
	int64_t purged;                /* by the last retention run */
	struct app_download *download;
	struct app_detail *detail;     /* the detail read on demand; NULL none yet */
	struct app_sign_job *sign_job;

	struct app_due_refresh due_refresh; /* what the open's re-computing did */

	/* the one-shot runs' events */
	app_event_fn *event;
	void *event_ctx;
};

/* ---- trust.c -------------------------------------------------------------- */

/* config.json's "tls" and "proxy" (proxy credentials from the keyring) on
 * net, for every request it will make.  NULL is fine. */
void app_trust_net(struct app *a, struct net *net);

/* ---- app_systems.c ------------------------------------------------------ */

/* sources.d, then (when the discovery answered) the discovered systems:
 * make the links that are missing; add them to the pull when it is idle. */
void app_systems_build(struct app *a);
/* The link of system `name`, or NULL. */
struct source_link *app_link(const struct app *a, const char *name);
/* Read sources.d into a->defs once (bad files are warned and skipped). */
void app_defs_load(struct app *a);
/* a->def_fps for a->defs, read right after them (app_systems.c). */
void app_defs_fingerprint(struct app *a);
/* The coordination system's link, or NULL. */
struct source_link *app_coordination_link(const struct app *a);
/* Free the links (the pull and the replay must be gone). */
void app_systems_free(struct app *a);
/* Start the discovery (the session must be open). */
void app_discovery_start(struct app *a);

/* ---- app.c -------------------------------------------------------------- */

void app_warn(struct app *a, const struct mc_err *w);
/* Let the keyring's audit anchor follow the log when its head, the server's
 * receipt or refusal moved since the last time (app_audit.c). */
void app_audit_anchor_follow(struct app *a);
/*
 * Read config.json's "signing" again when the file changed since it was
 * read: a support engineer fixes the signing service without the clerk
 * leaving the console.  A malformed file keeps the settings in use (warned).
 */
void app_config_signing_refresh(struct app *a);
void app_warnf(struct app *a, enum mc_errc code, const char *system, const char *field,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void app_emit(struct app *a, const struct app_event *ev);
/* The audit log's shipping, made on first use (a session and the
 * coordination system's link needed); NULL without them. */
struct audit_ship *app_ship(struct app *a);
/* A replay over the links find gives (the official's name as the actor,
 * events to the front end), of system `only`'s entries (NULL: all);
 * backoff_cap_ms 0: the default. */
struct outbox_replay *app_replay_new(struct app *a,
				     struct source_link *(*find)(void *arg, const char *name),
				     void *find_arg, const char *only, uint64_t backoff_cap_ms);
/* The loop's replay, made on first use (after the first sign-in: the actor). */
struct outbox_replay *app_replay(struct app *a);

/* ---- download.c, sign_job.c --------------------------------------------- */

/* Once per turn; returns enum app_changes bits. */
unsigned app_download_turn(struct app *a);
void app_download_free(struct app *a);

/* ---- app_detail.c ------------------------------------------------------- */

unsigned app_detail_turn(struct app *a, mc_time now);
void app_detail_free(struct app *a);
unsigned app_sign_turn(struct app *a, mc_time now);
void app_sign_free(struct app *a);

/* ---- app_due.c ---------------------------------------------------------- */

/* The canonical text the stored due dates' fingerprint is taken of
 * (malloc'd). */
char *app_due_inputs_text(struct app *a);

/* ---- tokens.c ----------------------------------------------------------- */

/* The token seam over the session's auth. */
void app_tokens_init(struct source_tokens *out, struct auth *auth);

#endif
