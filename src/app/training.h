/*
 * training.h - the training sandbox behind `motcua demo`: a private 0700
 * folder (under $XDG_RUNTIME_DIR, else $TMPDIR, else /tmp) that becomes
 * MOTCUA_HOME, motcua-sandbox started on a free loopback port with a
 * scenario, the sandbox's remote signer and TSA in that folder's
 * config.json, a sample result file, and the sign-in through the sandbox's
 * provider approved as the phone would (its control API).
 *
 * Stopping it (or the trainer's SIGINT/SIGTERM/SIGHUP) ends the sandbox by
 * its PID and removes the folder: nothing of the trainer's is touched or
 * kept.  If the sandbox dies first, app_training_state() says so.
 */
#ifndef MOTCUA_APP_TRAINING_H
#define MOTCUA_APP_TRAINING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/civil.h"
#include "core/error.h"

struct app;
struct app_training;

struct app_training_options {
	const char *sandbox_bin;   /* NULL: motcua-sandbox next to this program, else PATH */
	const char *scenario;      /* "quiet-morning", "post-tet-backlog", "rural-outage" */
	const char *rate;          /* new dossiers per sandbox minute ("3") */
	const char *dossiers;      /* NULL: the sandbox's default */
	const char *seed;          /* NULL: the sandbox's default */
	/* A seat of a class already running (motcua-sandbox --class N,
	 * "BASE/seat/K"): joined instead of starting a sandbox of our own;
	 * NULL: start one. */
	const char *join_url;
	/* Set by a signal handler to stop waiting (may be NULL). */
	volatile int *stop;
};

/* What went wrong starting it (the front end words it). */
enum app_training_error {
	APP_TRAINING_OK = 0,
	APP_TRAINING_E_FOLDER,      /* the private folder cannot be made (detail: errno) */
	APP_TRAINING_E_START,       /* the sandbox did not start (detail) */
	APP_TRAINING_E_NOT_FOUND,   /* the program cannot be run (not installed) */
	APP_TRAINING_E_SIGNIN,      /* the sign-in through it failed (detail) */
	APP_TRAINING_E_STOPPED,     /* interrupted, or the sandbox stopped */
};

/*
 * Make the folder (it becomes $MOTCUA_HOME; the keyring is the process's
 * memory), start the sandbox, write its config.json.  0, or -1 with *e and
 * *detail (static or into the struct; borrowed).  Stop it either way.
 */
int app_training_start(struct app_training **out, const struct app_training_options *o,
		       enum app_training_error *e, const char **detail);

/* The sandbox's base URL (its issuer), the folder, its PID (0 when a
 * class's seat was joined: not ours to stop). */
const char *app_training_url(const struct app_training *t);
const char *app_training_home(const struct app_training *t);
long app_training_pid(const struct app_training *t);
/* Where the sandbox's simulated phone shows the signing OTP. */
const char *app_training_otp_url(const struct app_training *t);
/* A small synthetic result document for returning results; may be NULL. */
const char *app_training_sample_result(const struct app_training *t);
/* Whether the config.json with the sandbox's signer could be written. */
bool app_training_signing_ready(const struct app_training *t);

/*
 * Sign `a` in through the sandbox's provider, approving the device code
 * as the phone would; waits up to timeout_s.  0, or -1 with *e, *detail.
 */
int app_training_sign_in(struct app_training *t, struct app *a, int timeout_s,
			 enum app_training_error *e, const char **detail);

/* Approve a device sign-in's user code (asynchronous; the console's lock). */
void app_training_approve(struct app_training *t, struct app *a, const char *user_code);

/*
 * The sandbox's clock (read when signing in; ours until then), for
 * app_options.now: the console and every deadline of the demo run on the
 * scenario's time.  arg is the struct app_training.
 */
mc_time app_training_now(void *arg);

/* 0 running; 1 exited (*code = its status); 2 a signal ended it (*code). */
int app_training_state(struct app_training *t, int *code);

/* The end of the sandbox's log, for a failure (malloc'd, may be NULL). */
char *app_training_log_tail(const struct app_training *t);

/* Stop the sandbox, remove the folder, free.  NULL is fine. */
void app_training_stop(struct app_training *t);

#endif
