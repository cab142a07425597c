/*
 * doctor.h - the checks of `motcua doctor` for support staff on the phone
 * with a clerk: the files read (config.json, sources.d/, calendar/,
 * procedures.json, by the rule of config/config.h), the store (path,
 * schema, integrity, count), the keyring, the sign-in,
 * and for each system whether it answers and accepts its token (through
 * its link, as every job reaches it, then one one-row pull, nothing
 * stored).  The app runs them; the front end words each result.
 */
#ifndef MOTCUA_APP_DOCTOR_H
#define MOTCUA_APP_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/signin.h"

enum app_check_kind {
	APP_CHECK_CONFIG,        /* text: the file; n: 1 present, 0 absent (defaults) */
	APP_CHECK_SOURCES_D,     /* text: the sources.d/ read (NULL: none); n profiles */
	APP_CHECK_CALENDAR,      /* text: the calendar/ read (NULL: none); n files */
	APP_CHECK_PROCEDURES,    /* n procedures; text: the file, or "built-in" */
	APP_CHECK_STORE,         /* text: the file; n: the schema version; m dossiers;
				    ok: its integrity check, else err */
	APP_CHECK_KEYRING,       /* text: where the sign-in is kept */
	APP_CHECK_SIGNIN,        /* text: the issuer; signin: the result; name; err.detail */
	APP_CHECK_DISCOVERY,     /* text: the issuer; err */
	APP_CHECK_NO_SYSTEMS,    /* text: the sources.d folder */
	APP_CHECK_SYSTEM,        /* system, text: its URL; ok; err (what failed) */
};

struct app_check {
	enum app_check_kind kind;
	bool ok;
	const char *system;
	const char *text;
	const char *name;
	int64_t n, m;
	enum app_signin_result signin;
	struct mc_err err;
};

typedef void app_check_fn(void *ctx, const struct app_check *c);

/* Run every check (waiting on the network as needed); returns the failures. */
int app_doctor(struct app *a, app_check_fn *fn, void *ctx);

#endif
