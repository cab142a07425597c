/*
 * signin.h - the clerk's sign-in and the screen lock, for the front ends
 * (the console's sign-in and lock screens, `motcua login`).
 *
 * The protocol is src/auth's (device authorization grant, refresh, token
 * exchange); the lock's policy is auth/lock.h's.  The front end shows the
 * code and the QR, asks for the approval and words the result; the app
 * starts, cancels, records the sign-in in the audit log and keeps the lock.
 * Callbacks run from the loop (app_wait/app_turn), never from the call
 * that started them.
 */
#ifndef MOTCUA_APP_SIGNIN_H
#define MOTCUA_APP_SIGNIN_H

#include <stdbool.h>

#include "app/app.h"

/* How a sign-in ended (the words are the front end's). */
enum app_signin_result {
	APP_SIGNIN_OK = 0,
	APP_SIGNIN_NO_SESSION,     /* nothing stored: sign in */
	APP_SIGNIN_REVOKED,        /* the provider ended the sign-in */
	APP_SIGNIN_EXPIRED,        /* the code expired before approval */
	APP_SIGNIN_DENIED,         /* refused on the phone */
	APP_SIGNIN_OFFLINE,        /* the provider cannot be reached */
	APP_SIGNIN_UNSUPPORTED,    /* the provider offers no device sign-in */
	APP_SIGNIN_UNKNOWN_SYSTEM,
	APP_SIGNIN_PROTOCOL,       /* an answer that makes no sense */
	APP_SIGNIN_KEYRING,        /* the sign-in could not be kept */
	APP_SIGNIN_CANCELLED,
};

struct app_device_prompt {
	const char *user_code;
	const char *verification_uri;
	const char *verification_uri_complete; /* may be NULL */
	int expires_in;            /* s */
};

typedef void app_prompt_fn(void *arg, const struct app_device_prompt *p);
typedef void app_signin_fn(void *arg, enum app_signin_result r, const char *detail);

/* Whether a sign-in server is known (remembered, --issuer, env, config). */
bool app_signin_available(const struct app *a);
/* A sign-in or its cancellation is under way. */
bool app_signin_busy(const struct app *a);
/* The stored sign-in: refresh and ask who it is. */
void app_signin_resume(struct app *a, app_signin_fn *done, void *arg);
/* A device sign-in: prompt once with the code, then done. */
void app_signin_device(struct app *a, app_prompt_fn *prompt, app_signin_fn *done, void *arg);
/* Cancel what is under way (its done runs with CANCELLED later). */
void app_signin_cancel(struct app *a);

struct app_clerk {
	bool signed_in;            /* holds a live provider access token */
	bool persistent;           /* the sign-in survives this process */
	const char *issuer;        /* may be NULL */
	const char *name;          /* may be NULL */
	const char *subject;       /* may be NULL */
	const char *kept_in;       /* where the sign-in is kept: "secret-service",
	                              "kernel-keyring", "memory" */
};
void app_clerk(const struct app *a, struct app_clerk *out);

/*
 * The QR code of `text` as lines of block characters fitting max_cols x
 * max_rows (malloc'd, NULL when it does not fit or the terminal cannot
 * show it: TERM and the locale's charset from the environment).
 */
char *app_qr(const char *text, int max_cols, int max_rows, int *cols, int *rows);

/* Wait (polling the app's net) for the sign-in under way; the one-shot
 * commands' way.  0, or -1 when the network layer failed. */
int app_signin_wait(struct app *a, const bool *done);

/* Remember this sign-in's server in the data folder (not a secret), so
 * later commands and the console find it with nothing else.  0 or -1. */
int app_signin_remember(struct app *a);

/* One token per system the provider lists (never the token itself), for
 * `motcua login --status`; blocking.  Returns how many failed. */
struct app_system_token {
	const char *name, *audience;
	bool ok;
	mc_time expires_at;
	enum app_signin_result why;  /* when not ok */
	const char *detail;
};
int app_signin_tokens(struct app *a, void (*fn)(void *ctx, const struct app_system_token *t),
		      void *ctx);

/* ---- the screen lock ---------------------------------------------------- */

enum app_unlock {
	APP_UNLOCK_NONE = 0,       /* not locked */
	APP_UNLOCK_SHORT,          /* within the grace time */
	APP_UNLOCK_DEVICE,         /* a new phone approval is needed */
};

/* A key press (ignored while locked). */
void app_lock_activity(struct app *a, mc_time now);
/* Lock when idle long enough; whether it is locked now. */
bool app_lock_check(struct app *a, mc_time now);
/* Lock at once (:lock). */
void app_lock_now(struct app *a, mc_time now);
enum app_unlock app_unlock_kind(const struct app *a, mc_time now);
void app_unlocked(struct app *a, mc_time now);
/* When it locked (valid while locked) and the grace seconds. */
mc_time app_locked_at(const struct app *a);
int app_lock_grace_s(const struct app *a);
/* Idle and grace seconds, for tests ($MOTCUA_LOCK_IDLE_SECONDS etc.). */
void app_lock_set(struct app *a, int idle_s, int grace_s);
/* Whether the clerk locked it (:lock) rather than idleness. */
bool app_locked_by_hand(const struct app *a);

/* ---- the unlock PIN (auth/pin.h) ----------------------------------------- */

/* Whether the signed-in official has chosen a PIN on this terminal. */
bool app_pin_is_set(struct app *a);
/* Choose it: 4 to 12 digits.  0, or -1 with *err (MC_E_PIN: not 4 to 12
 * digits; MC_E_SIGNED_OUT; MC_E_FILE). */
int app_pin_set(struct app *a, const char *pin, struct mc_err *err);

enum app_pin_unlock {
	APP_PIN_UNLOCKED = 0,      /* the right PIN, within the grace */
	APP_PIN_WRONG,             /* a wrong one; *tries_left more before the phone */
	APP_PIN_NO_PIN,            /* no PIN chosen: the phone it is */
	APP_PIN_TOO_LATE,          /* the grace is over (time or tries): the phone */
};
/* Unlock with the PIN.  Takes tens of ms (scrypt). */
enum app_pin_unlock app_unlock_pin(struct app *a, const char *pin, mc_time now,
				   int *tries_left);

#endif
