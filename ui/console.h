/*
 * console.h - the clerk's console: what the rest of motcua hands it and the
 * seams where later pieces plug in.
 *
 * ui_run() takes over the terminal (ncursesw), runs the one loop - net_poll()
 * waiting on the network and stdin together - until the clerk quits, and
 * gives the terminal back as it found it, also on SIGINT, SIGTERM, a fatal
 * signal or running out of memory.  Everything it shows comes from the store
 * and the seams below; it never talks to a backend itself.
 *
 * Seams are small function tables.  A NULL table (or NULL function) means
 * "that part of motcua is not there yet", and the console says so in plain
 * words instead of pretending: plugging the offline queue in is one
 * assignment, `opt.outbox = &the_outbox_table;`.
 *
 * This header has no curses types: src/cli includes it.
 */
#ifndef MOTCUA_UI_CONSOLE_H
#define MOTCUA_UI_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

struct store;
struct net;
struct auth;

/* The offline queue (outbox), as the console uses it. */
struct ui_outbox {
	/*
	 * Queue `action` on dossier `code` with its optimistic local effect,
	 * durably, before returning.  reason / to_unit may be NULL; files[] are
	 * paths of result files (n_files of them).  All borrowed.  Returns 0
	 * queued, or -1 refused with *err (malloc'd, one line for the clerk).
	 */
	int (*queue)(void *ctx, const char *code, enum action action, const char *reason,
		     const char *to_unit, const char *const *files, size_t n_files, char **err);
	/* Actions waiting to be sent for `code` (0 none, -1 unknown). */
	int (*pending)(void *ctx, const char *code);
	/* Actions waiting in all, conflicts and refusals included (-1 unknown). */
	int64_t (*total)(void *ctx);
	/*
	 * The clerk's decision on a conflict or refusal (the queue screen):
	 * re-apply entry `id` on the server's state, or drop it.  0, or -1
	 * with *err (malloc'd, one line).  May be NULL.
	 */
	int (*retry)(void *ctx, int64_t id, char **err);
	int (*drop)(void *ctx, int64_t id, char **err);
	void *ctx;
};

/* The audit log (hash-chained; DESIGN.md section 7; ui/trust.h). */
struct ui_audit {
	/*
	 * Record that the official was shown personal data: what
	 * ("reveal-id"), of which dossier, and why (the purpose the clerk
	 * typed); or a sign-in: what "signin", code NULL, purpose "device" or
	 * "resumed".  0 recorded; -1 with *err (malloc'd) and the console does
	 * NOT show the data.
	 */
	int (*record)(void *ctx, const char *what, const char *code, const char *purpose,
		      char **err);
	void *ctx;
};

/* How far the pass under way has come (struct ui_sync.progress). */
struct ui_sync_progress {
	int running;          /* systems still pulling */
	int total;            /* systems in the pass */
	int64_t dossiers;     /* dossiers received so far in this pass */
};

/* Attachment downloads (struct ui_attach); the UI words each state. */
enum ui_attach_state {
	UI_ATTACH_IDLE = 0,
	UI_ATTACH_RUNNING,
	UI_ATTACH_DONE,
	UI_ATTACH_FAILED,
	UI_ATTACH_CANCELLED,
};
enum ui_attach_error {
	UI_ATTACH_E_NONE = 0,
	UI_ATTACH_E_NETWORK,     /* the link failed; running it again resumes */
	UI_ATTACH_E_AUTH,        /* the system refused our sign-in */
	UI_ATTACH_E_GONE,        /* the system no longer has the file */
	UI_ATTACH_E_SERVER,      /* the system answered with an error */
	UI_ATTACH_E_DISK,        /* the file could not be written */
	UI_ATTACH_E_CHANGED,     /* the bytes do not match the announced size */
	UI_ATTACH_E_UNSUPPORTED, /* the system serves no files / not configured */
};
struct ui_attach_status {
	enum ui_attach_state state;
	char code[128];          /* the dossier */
	size_t index;            /* the attachment (0-based) */
	int64_t bytes;           /* so far */
	int64_t total;           /* 0 unknown */
	enum ui_attach_error error;
	const char *path;        /* where it is saved (borrowed until the next call) */
	uint64_t seq;            /* changes whenever anything above does */
};
struct ui_attach {
	/*
	 * Download attachment `index` of dossier `code` (one at a time).
	 * 0 started, or -1 with *err (malloc'd, one line; English detail).
	 */
	int (*start)(void *ctx, const char *code, size_t index, char **err);
	void (*cancel)(void *ctx);
	/* The download under way or the last one; false when none yet. */
	bool (*status)(void *ctx, struct ui_attach_status *st);
	/* The saved path (malloc'd) when that attachment is downloaded complete. */
	char *(*saved)(void *ctx, const char *code, size_t index);
	/* Bytes per second recently seen from `source`; 0 when not known. */
	int64_t (*rate)(void *ctx, const char *source);
	void *ctx;
};

/* The sync engine, for the status bar. */
struct ui_sync {
	/* Whether the last contact with the system succeeded (online). */
	bool (*online)(void *ctx, const char *source);
	/* Queue a pull of every system now (the clerk pressed :sync). 0 or -1. */
	int (*pull_now)(void *ctx);
	/*
	 * Once per loop turn, after net_poll(): apply what arrived (one store
	 * transaction) and start the pulls that are due.  Returns true when
	 * the store changed, so the screens reload.  May be NULL.
	 */
	bool (*turn)(void *ctx, int64_t now);
	/* The name of system i (0..), NULL past the last; the status bar lists
	 * these even before they have data.  May be NULL. */
	const char *(*source_name)(void *ctx, size_t i);
	/* The pass under way into *p and true; false when idle.  May be NULL. */
	bool (*progress)(void *ctx, struct ui_sync_progress *p);
	void *ctx;
	/* Attachment downloads over the same sources; NULL: none. */
	const struct ui_attach *attach;
};

/* The sandbox behind a training console (motcua demo). */
struct ui_training {
	/*
	 * Whether the sandbox still runs: 0 it does; 1 it exited (*code = its
	 * exit status); 2 a signal ended it (*code = the signal).  Called
	 * about once a second; must not block.
	 */
	int (*sandbox_state)(void *ctx, int *code);
	/*
	 * Approve a device sign-in's user code as the phone would (the
	 * sandbox's control API), so a training console never waits for a
	 * phone, e.g. after the screen lock.  Asynchronous; may be NULL.
	 */
	void (*approve)(void *ctx, const char *user_code);
	/* A sample result file offered when returning a result; may be NULL. */
	const char *sample_result;
	/* Where the sandbox's simulated phone shows a signing OTP; may be NULL. */
	const char *otp_url;
	void *ctx;
};

struct ui_options {
	struct store *store;          /* required; borrowed */
	struct net *net;              /* required: the loop waits here; borrowed */
	struct auth *auth;            /* NULL: no sign-in provider configured */
	bool training;                /* the sandbox: TRAINING banner */
	const char *language;         /* config "vi"/"en" or NULL */
	const char *keys_json;        /* the config's "keys" object as JSON, or NULL */
	const char *config_path;      /* names the file in key-binding errors; may be NULL */
	const char *notice;           /* one line shown when the console opens; may be NULL */
	int64_t soon_seconds;         /* "coming due" horizon; <= 0: 24 h */
	const struct ui_outbox *outbox; /* NULL: no offline queue yet */
	const struct ui_audit *audit;   /* NULL: no audit log yet */
	const struct ui_sync *sync;     /* NULL: no sync engine yet */
	const struct ui_training *sandbox; /* NULL: not on a sandbox we started */
	/*
	 * Screen lock (auth/lock.h): idle minutes before the console hides
	 * citizen data (0: never), and the grace minutes in which a short
	 * unlock is enough.  MOTCUA_LOCK_IDLE_SECONDS overrides the idle time
	 * (tests).  Needs auth for the device approval after the grace.
	 */
	int lock_idle_minutes;
	int lock_grace_minutes;
};

/*
 * The seams above over the real sync engine (sync/sync.h) and offline queue
 * (sync/outbox.h, sync/outbox_replay.h): ui/engine.c.  Everything in the
 * options is borrowed and must outlive the engine.
 */
struct sync;
struct sync_tokens;
struct ui_engine_options {
	struct store *store;
	struct net *net;
	struct sync *sync;                /* NULL: no pulls */
	const struct sync_tokens *tokens; /* for the replay; NULL: the sources' own */
	bool queue;                       /* run the offline queue's replay */
	const char *actor;                /* the official's name sent with actions (copied);
	                                     NULL: auth's, once signed in */
	struct auth *auth;                /* may be NULL */
	int64_t pull_every_s;             /* between automatic pulls; <= 0: 300 */
	struct ui_trust *trust;           /* audit shipping and retention each turn
	                                     (ui/trust.h); may be NULL */
	void (*log)(void *ctx, const char *line); /* the replay's lines; may be NULL */
	void *log_ctx;
};
struct ui_engine;
struct ui_engine *ui_engine_new(const struct ui_engine_options *opt);
/* The tables to put in ui_options (NULL when that part is off).  Borrowed. */
const struct ui_sync *ui_engine_sync(struct ui_engine *e);
const struct ui_outbox *ui_engine_outbox(struct ui_engine *e);
/* Cancels the replay's requests (polling the net) and frees.  NULL is fine. */
void ui_engine_free(struct ui_engine *e);

/*
 * Run the console until the clerk quits.  Returns 0, or -1 with *cause
 * (malloc'd) when the terminal cannot be used (not a tty, too small) or a
 * key binding in the configuration is wrong; the terminal is restored.
 */
int ui_run(const struct ui_options *opt, char **cause);

/*
 * `motcua console [--training] [--lang vi|en] [--config FILE]`, and
 * `motcua` with no command: open the store in the data folder
 * ($MOTCUA_HOME/motcua.db or the XDG data folder), the sign-in session when
 * an issuer is configured, and run the console.  Exit codes as in cli.h.
 */
int cmd_console(int argc, char **argv);

#endif
