/*
 * sign_job.h - "Ký và trả kết quả" as a job of the loop: sign the result
 * files of one dossier or of a batch with one PIN or one OTP, and queue
 * each dossier's return-result with its files and their signatures
 * (app/sign_return.h does the checks, the copies and the queueing).
 *
 * The job moves through explicit steps; the front end shows a dialog for
 * the steps that need the clerk and otherwise lets the loop run, so while
 * the PIN or OTP dialog is open the pull, the replay, the clock and the
 * idle lock all go on:
 *
 *   start -> [TOKEN_WAIT: the sign-in's token for the signing service]
 *         -> [OPENING: reach the service, pick the key, send the OTP]
 *         -> [NEED_PIN] -> [NEED_OTP] -> SIGNING -> DONE
 *
 * OPENING and SIGNING run in the next app_turn() and block it for their
 * duration (a token answers in seconds; the remote service is a few
 * requests on its own net); app_sign_busy() tells the front end to turn at
 * once rather than wait.  The PIN and OTP are copied into the job, handed
 * to the signer when it asks and wiped right after; never kept or logged.
 * The same job serves `motcua act CODE return-result --sign`, which reads
 * the secrets from the terminal or a descriptor instead of a dialog.
 */
#ifndef MOTCUA_APP_SIGN_JOB_H
#define MOTCUA_APP_SIGN_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

/* Why signing failed (the front ends word it).  Mirrors sign/sign.h. */
enum app_sign_error {
	APP_SIGN_OK = 0,
	APP_SIGN_E_NO_MODULE,
	APP_SIGN_E_NO_TOKEN,
	APP_SIGN_E_PIN_INCORRECT,
	APP_SIGN_E_PIN_LOCKED,
	APP_SIGN_E_PIN_INVALID,
	APP_SIGN_E_TOKEN_REMOVED,
	APP_SIGN_E_NO_KEY,
	APP_SIGN_E_KEY_UNSUPPORTED,
	APP_SIGN_E_DEVICE,
	APP_SIGN_E_CANCELLED,
	APP_SIGN_E_UNAUTHORIZED,
	APP_SIGN_E_OTP_REJECTED,
	APP_SIGN_E_REMOTE,
	APP_SIGN_E_OFFLINE,
	APP_SIGN_E_UNAVAILABLE,
	APP_SIGN_E_PROTOCOL,
	APP_SIGN_E_FILE,
	APP_SIGN_E_CRYPTO,
	APP_SIGN_E_TSA,
	APP_SIGN_E_TRUST,
	APP_SIGN_E_COUNT
};

enum app_signer_kind { APP_SIGNER_TOKEN = 0, APP_SIGNER_REMOTE };

/* How to sign; NULL strings are taken from config.json's "signing". */
struct app_sign_options {
	enum app_signer_kind kind;
	const char *module;        /* token: PKCS#11 module ($MOTCUA_PKCS11_MODULE, config) */
	const char *token;         /* token label */
	const char *key;           /* key label or id */
	const char *remote_url;    /* remote: CSC API v2 base URL */
	const char *credential;    /* remote: credential id */
	const char *access_token;  /* remote: given by the caller; NULL: the sign-in's */
	const char *tsa_url;       /* NULL: the config's, unless no_timestamp */
	bool no_timestamp;
};

/* A secret the clerk types for a command (PIN, OTP, access token). */
struct app_secret {
	char value[4096];
	size_t len;
};
/* Read one from descriptor fd, or from the terminal with echo off when
 * fd < 0 (prompt shown there).  0 with a non-empty value, else -1. */
int app_secret_read(int fd, const char *prompt, struct app_secret *out);
/* Wipe it (explicit_bzero). */
void app_secret_wipe(struct app_secret *s);

/* Which signers the configuration sets up (a token module, a remote URL). */
void app_sign_kinds(struct app *a, bool *token, bool *remote);

/* Before files are asked: in the store, return-result allowed from its
 * local status, no unresolved conflict.  0, or -1 with *err. */
int app_sign_check(struct app *a, const char *code, struct mc_err *err);

/* One dossier's result files (borrowed for the call). */
struct app_sign_item {
	const char *code;
	const char *const *files;
	size_t n_files;
};

enum app_sign_step {
	APP_SIGN_IDLE = 0,     /* no job */
	APP_SIGN_TOKEN_WAIT,   /* the sign-in's token for the signing service */
	APP_SIGN_OPENING,      /* next turn: reach the service, pick the key, send the OTP */
	APP_SIGN_NEED_PIN,     /* app_sign_secret() with the PIN */
	APP_SIGN_NEED_OTP,     /* app_sign_secret() with the OTP from the phone */
	APP_SIGN_SIGNING,      /* next turn: sign, stamp, copy, queue */
	APP_SIGN_DONE,         /* app_sign_results() */
};

enum app_sign_outcome {
	APP_SIGN_REFUSED = 0,  /* refused before signing (err) */
	APP_SIGN_FAILED,       /* signing failed (sign_error, sign_detail) */
	APP_SIGN_NOT_QUEUED,   /* signed, but the queue refused it (err) */
	APP_SIGN_QUEUED,       /* signed and queued (entry) */
	APP_SIGN_SIGNED,       /* a plain file signed into out[0] (app_sign_files_start) */
};

struct app_sign_result {
	const char *code;
	enum app_sign_outcome outcome;
	struct mc_err err;
	enum app_sign_error sign_error;
	char sign_detail[256];
	int64_t entry;
	size_t n_files;
	const char *const *in;     /* the files given (n_files) */
	char *const *out;          /* QUEUED: copy, copy.p7s, ... (2 * n_files) */
};

/*
 * Start a job for n items (one job at a time).  Items refused before any
 * secret is asked end REFUSED at once.  0, or -1 with *err when a job is
 * already under way (MC_E_INTERNAL).
 */
int app_sign_start(struct app *a, const struct app_sign_item *items, size_t n,
		   const struct app_sign_options *o, struct mc_err *err);
/*
 * The same job for plain files (`motcua sign`): file i is signed into
 * outs[i] (a detached .p7s), nothing is copied or queued; one result per
 * file, code NULL, SIGNED or FAILED.  0, or -1 with *err.
 */
int app_sign_files_start(struct app *a, const char *const *files, const char *const *outs,
			 size_t n, const struct app_sign_options *o, struct mc_err *err);
enum app_sign_step app_sign_step(const struct app *a);
/* The next turn has work to do at once (OPENING, SIGNING). */
bool app_sign_busy(const struct app *a);
/* The PIN (NEED_PIN) or the OTP (NEED_OTP): copied, wiped after use.
 * An empty secret cancels.  0, or -1 when no secret is wanted now. */
int app_sign_secret(struct app *a, const char *secret);
/* The files being signed in all (the OTP's prompt counts them). */
size_t app_sign_n_files(const struct app *a);
/* DONE: the items' outcomes, in the order given (borrowed until app_sign_end). */
size_t app_sign_results(const struct app *a, const struct app_sign_result **out);
/* The signing key's certificate's common name ("" before signing). */
const char *app_sign_signer(const struct app *a);
/* Abandon (before DONE: nothing is queued) or forget a finished job. */
void app_sign_end(struct app *a);

#endif
