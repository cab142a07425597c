/*
 * doctor.h - the checks of `motcua doctor` for support staff on the phone
 * with a clerk: the files read (config.json, sources.d/, calendar/,
 * procedures.json, by the rule of config/config.h), the yearly notices
 * missing (this year's; from 1 December the next year's), the store (path,
 * schema, integrity, count), the keyring, the sign-in,
 * and for each system whether it answers and accepts its token (through
 * its link, as every job reaches it, then one one-row pull, nothing
 * stored).  The app runs them; the front end words each result.
 *
 * It also repairs a damaged store (app_doctor_repair(): what can be read
 * is copied into a new file, the old one is kept beside it), the one thing
 * doctor writes, and only when asked.
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
	APP_CHECK_CALENDAR,      /* calendar: the calendar/ folders read (n 0: none);
				    n: the notice files applied in all */
	APP_CHECK_NOTICE_MISSING,/* n: a year whose notice of days off is missing
				    (core/calendar.h: this year's, and from 1
				    December the next); text: the clerk's own
				    calendar/ folder, where it belongs.  A
				    warning: ok stays true */
	APP_CHECK_PROCEDURES,    /* n procedures; text: the file, or "built-in" */
	APP_CHECK_STORE,         /* text: the file; n: the schema version; m dossiers;
				    ok: its integrity check passed and it can be
				    written, else err (store-damaged, disk-full,
				    read-only, permission, store) */
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
	const struct app_calendar_dirs *calendar; /* APP_CHECK_CALENDAR */
	/* APP_CHECK_SYSTEM: the transport its page came over */
	struct app_check_transport {
		bool https;
		char tls_version[24];   /* "TLSv1.3"; "" when unknown or http */
		char issuer[256];       /* the certificate's issuer; "" when unknown */
		int64_t expires;        /* its notAfter; 0 unknown */
		int64_t days_left;      /* from now (negative: expired) */
		char proxy[200];        /* the configured proxy; "" none or the environment's */
	} transport;
};

typedef void app_check_fn(void *ctx, const struct app_check *c);

/* Run every check (waiting on the network as needed); returns the failures. */
int app_doctor(struct app *a, app_check_fn *fn, void *ctx);

/* What a repair did; release with app_repair_release(). */
struct app_repair {
	char *path;       /* the store */
	char *aside;      /* where the old file is kept; NULL when there was none */
	struct store_repair_report report; /* the tables copied (store/store.h) */
	bool audit_checked;                /* the audit log was verified afterwards */
	struct store_audit_verdict audit;  /* ... with this verdict */
	struct mc_err reopen;              /* MC_OK, or why the repaired store did not open */
};

/*
 * `motcua doctor --repair`: a sound store is left alone (report.sound);
 * else copy what can be read of the store (damaged,
 * empty or missing) into a new file that takes its place, keeping the old
 * one as "motcua.db.damaged-YYYYmmdd-HHMMSS" (local time, UTC+7) with its
 * -wal and -shm; the data key stays the same (values are copied as
 * stored).  Then the repaired store is opened as every command opens it
 * and its audit log verified.  `a` must have been opened with APP_NO_STORE
 * (no store handle of this process may be open).  0 with *out filled, or
 * -1 with *err (MC_E_STORE when another motcua has the store open, ...).
 */
int app_doctor_repair(struct app *a, struct app_repair *out, struct mc_err *err);
void app_repair_release(struct app_repair *r);

#endif
