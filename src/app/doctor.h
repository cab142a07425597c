/*
 * doctor.h - the checks of `motcua doctor` for support staff on the phone
 * with a clerk: the files read (config.json, sources.d/, calendar/,
 * procedures.json, by the rule of config/config.h), every file of every
 * sources.d/ folder there is (the one read and those passed over, and
 * why), the yearly notices missing (this year's; from 1 December the next
 * year's), the store (path, schema, integrity, count), the keyring, the
 * sign-in, and for each system whether it answers and accepts its token
 * (through its link, as every job reaches it, then the first page of its
 * pull: a whole page for a generic profile, one row for a built-in
 * dialect; within a few seconds; nothing stored, no position moved).  The
 * app runs them; the front end words each result.
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
	APP_CHECK_SOURCES_D,     /* text: the sources.d/ read (NULL: none); n files
				    of it that load; m files of it not used for
				    a problem (refused, a name twice, no system
				    made of it): ok when none.  Its files
				    follow, one APP_CHECK_PROFILE each */
	APP_CHECK_SOURCES_D_UNREAD, /* text: a sources.d/ that exists but is not
				    read; unread: why; name: the folder that
				    wins (SHADOWED: the sources.d/ read; HOME,
				    CONFIG: the first folder).  A warning: ok
				    stays true.  Its files follow */
	APP_CHECK_PROFILE,       /* one file of the sources.d/ before: profile;
				    ok unless a file of the folder read is not
				    used for a problem; err: NO_SYSTEM's why */
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
	APP_CHECK_SYSTEM,        /* system, text: its URL; ok; err (what failed);
				    page: its first page, or where the request
				    went and what the server said */
};

/* Why a sources.d/ folder that exists is not read (config/config.h's rule:
 * only the first folder that has one is). */
enum app_unread_reason {
	APP_UNREAD_SHADOWED = 1, /* an earlier folder has a sources.d/: that one is read */
	APP_UNREAD_HOME,         /* MOTCUA_HOME is set: only its folder is looked in
				    ($XDG_CONFIG_HOME/motcua and the system's are not) */
	APP_UNREAD_CONFIG,       /* --config FILE: its folder is looked in instead */
};

/* What became of one file of a sources.d/ folder. */
enum app_profile_verdict {
	APP_PROFILE_USED = 0,    /* a system is made of it */
	APP_PROFILE_UNREAD,      /* it loads, but its folder is not read */
	APP_PROFILE_BROKEN,      /* refused: error */
	APP_PROFILE_DUPLICATE,   /* its name is defined by an earlier file of the
				    folder (winner), which is the one taken */
	APP_PROFILE_DISABLED,    /* "enabled": false */
	APP_PROFILE_NO_SYSTEM,   /* it loads, but no system was made of it: the
				    check's err says why */
};

struct app_check_profile {
	const char *path;        /* the file */
	const char *name;        /* the system it defines; NULL when refused */
	const char *dialect;     /* "generic" or a built-in dialect; NULL when refused */
	bool folder_read;        /* its folder is the sources.d/ read */
	enum app_profile_verdict verdict;
	const char *error;       /* BROKEN: "PATH: key: problem", the very line
				    source_defs_load_dir() warns (the path first) */
	const char *winner;      /* DUPLICATE: the file that defines the name first */
};

/* APP_CHECK_SYSTEM: the first page of its pull, read and thrown away. */
struct app_check_page {
	bool read;               /* the page came and was read: the counts below */
	bool probe;              /* one row asked (a built-in dialect), not a page */
	int64_t items;           /* dossiers read */
	int64_t refused;         /* dossiers of the page refused one by one */
	char first_refusal[256]; /* the first one's reason, "CODE: field 'x': why" */
	char request[256];       /* "GET /tinh/api/DanhSachHoSo": where it went
				    (no query: it may carry a position); "" when
				    no request was made */
	char server_says[200];   /* an error reply's own words (its JSON message,
				    an HTML page's title, a line of text); "" */
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
	enum app_unread_reason unread;            /* APP_CHECK_SOURCES_D_UNREAD */
	struct app_check_profile profile;         /* APP_CHECK_PROFILE */
	struct app_check_page page;               /* APP_CHECK_SYSTEM */
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

/*
 * The sources.d/ checks alone (app_doctor() runs them): APP_CHECK_SOURCES_D
 * for the folder read, then one APP_CHECK_PROFILE per file of it (in the
 * order they are read), then per folder passed over APP_CHECK_SOURCES_D_UNREAD
 * and its files.  Reads the files again; no network.  Returns the failures
 * (a file of the folder read that is not used for a problem).
 */
int app_doctor_sources(struct app *a, app_check_fn *fn, void *ctx);

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
