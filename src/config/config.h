/*
 * config.h - where motcua keeps things, and the main configuration file.
 *
 * Where things are found: one rule for config.json, sources.d/, calendar/
 * and procedures.json.  Each is taken from the first of these folders that
 * has it (calendar/ per year: each year's YYYY.json from the first folder
 * that has a valid one, app/app_calendar.c):
 *
 *   1. the clerk's own folder: `--config FILE`'s folder; else MOTCUA_HOME
 *      (tests, demos and trainings keep to it: folder 2 is skipped); else
 *      $XDG_CONFIG_HOME/motcua (default ~/.config/motcua);
 *   2. the system's, MOTCUA_SYSCONFDIR (/etc/motcua in the package);
 *   3. what the package ships, MOTCUA_DATADIR (/usr/share/motcua: the
 *      holiday notices and the procedure catalogue);
 *   4. ./config, when 3 does not exist: a source checkout run from its top
 *      folder.
 *
 * `--config FILE` is that file, whichever folder has one.  Data (the store)
 * lives in MOTCUA_HOME, else $XDG_DATA_HOME/motcua (~/.local/share/motcua).
 *
 * The configuration file is JSON (config.json), read with jansson; every key
 * is optional.  A malformed file - bad JSON, a value of the wrong type or
 * range, an unknown key - is refused whole with its path, line and key (an
 * unknown key with the closest known one); the caller stops.  Every file is
 * read through config_file_read() (file.h): a regular file, no symbolic link,
 * the user's own or root's, never quoted in an error.  This module reads
 * files into plain structs; it decides nothing.
 */
#ifndef MOTCUA_CONFIG_H
#define MOTCUA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/deadline.h"

#define CONFIG_MAX_DIRS 4

struct config_paths {
	char *config_dir;  /* the clerk's own folder (1 above): what motcua writes */
	char *config_file; /* --config, else the first folder's config.json, else
			      config_dir's (absent: the defaults) */
	char *data_dir;    /* holds the store (motcua.db) */
	char *dirs[CONFIG_MAX_DIRS]; /* the folders searched, in order */
	size_t n_dirs;
};

/*
 * Save view `name` = `filter` into the configuration file at `path` (created,
 * mode 0600, when absent): the file read as JSON, its "views" object given
 * the name (replacing one of that name), written whole to a temporary file
 * and renamed over it, the clerk's other keys kept in their order.  0, or -1
 * with *cause (malloc'd).  The caller checks name and filter first.
 */
int config_save_view(const char *path, const char *name, const char *filter, char **cause);

/*
 * Fill *paths from `config_file` (NULL: the default) and the environment.
 * Owned strings; release with config_paths_release().  Never fails: the
 * folders are only named here; config_ensure_dir() creates one (mode 0700).
 */
void config_paths_init(struct config_paths *paths, const char *config_file);
void config_paths_release(struct config_paths *paths);

/* dirs[i]/name when it exists, else NULL (malloc'd). */
char *config_paths_in(const struct config_paths *paths, size_t i, const char *name);
/* The first folder's `name` that exists ("sources.d", "procedures.json"...),
 * malloc'd; NULL when none has it. */
char *config_paths_find(const struct config_paths *paths, const char *name);

/* mkdir -p with mode 0700 for what it creates.  0, or -1 with *cause malloc'd. */
int config_ensure_dir(const char *dir, char **cause);

/* "signing": the token or remote signer `motcua sign` uses by default. */
struct config_signing {
	char *pkcs11_module;       /* PKCS#11 module path */
	char *token;               /* token label */
	char *key;                 /* key label or id on the token */
	char *remote_url;          /* CSC API v2 base URL (.../csc/v2) */
	char *credential;          /* credential id at the remote signer */
	char *tsa_url;             /* RFC 3161 time-stamping authority (http:// or
	                              https://); NULL: signatures carry no timestamp */
};

/* "tls": trust beyond the system's authorities (doc/net.md "Trust").  The
 * CA file and folder are added to the system's; a system's own settings
 * win over the global ones field by field.  Paths as written. */
struct config_tls_system {
	char *name;                /* a system ("tuphap"), or "auth", "audit", "csc", "tsa" */
	char *ca_file, *ca_dir;
	char *pin;                 /* "sha256//BASE64[;sha256//...]" */
};
struct config_tls {
	char *ca_file;             /* PEM, one or more certificates */
	char *ca_dir;              /* a folder of PEM certificates named by hash */
	struct config_tls_system *systems;
	size_t n_systems;
};

/* One "keys" entry: an action and up to four keys, as names. */
#define CONFIG_KEYS_PER_ACTION 4
struct config_key {
	char *action;
	char *keys[CONFIG_KEYS_PER_ACTION];
	size_t n_keys;
};

/* A saved view: its name (1..CONFIG_VIEW_NAME_MAX bytes, no space) and the
 * search text it stands for ("tt:cho-bo-sung nguon:tuphap"). */
#define CONFIG_VIEW_NAME_MAX 24
#define CONFIG_VIEW_FILTER_MAX 256
struct config_view {
	char *name;
	char *filter;
};

/* "columns": the inbox's columns, chosen and ordered by the clerk
 * (["due", "code", "procedure"]), by the names below. */
enum config_column {
	CONFIG_COLUMN_DUE,
	CONFIG_COLUMN_CODE,
	CONFIG_COLUMN_PROCEDURE,
	CONFIG_COLUMN_APPLICANT,
	CONFIG_COLUMN_STATUS,
	CONFIG_COLUMN_SOURCE,
	CONFIG_COLUMN_RECEIVED,
	CONFIG_COLUMN_AREA,
	CONFIG_COLUMN_COUNT
};

/* Their names in config.json, in the order above (for messages). */
#define CONFIG_COLUMN_NAMES "due, code, procedure, applicant, status, source, received, area"

struct config {
	char *issuer;              /* OpenID issuer URL; NULL: none configured */
	char *client_id;           /* default "motcua" */
	char *language;            /* "vi" (default) or "en" */
	int lock_idle_minutes;     /* default 10; 0 disables the lock */
	int lock_grace_minutes;    /* short unlock allowed within this; default 2 */
	bool shared_terminal;      /* logout wipes the local cache too */
	bool mouse;                /* the console takes clicks and the wheel; default true */
	int retention_days;        /* finished dossiers kept; default 90 */
	int due_soon_minutes;      /* "coming due" threshold, working time; default 480 */
	unsigned workweek;         /* bit 0 = Sunday; default 0x3e (Mon..Fri) */
	struct worktime worktime;  /* "working_hours" (default 07:00-11:30,
				      13:30-17:00), "working_hours_by_day"
				      ({"sat": "07:30-11:30"}: a weekday's own)
				      and "deadline_reading" (its reading; the
				      defaults: doc/deadlines.md section 11) */
	struct config_signing signing; /* all NULL by default */
	struct config_tls tls;     /* all NULL by default */
	char *proxy;               /* "http://host:port"; NULL: the environment's
				      https_proxy / no_proxy */
	struct config_key *keys;   /* "keys": the console's bindings, in the file's
	                              order; the names are the console's to check */
	size_t n_keys;
	struct config_view *views; /* "views": the clerk's saved filters, in the
				      file's order (the console's :save writes them) */
	size_t n_views;
	enum config_column columns[CONFIG_COLUMN_COUNT]; /* "columns", in the
				      clerk's order, each at most once */
	size_t n_columns;          /* 0: no "columns": the console fits its own
				      choice to the width */
};

/* Why a configuration file was refused: codes and the file's own words
 * (the front ends say it in the clerk's language). */
enum config_problem {
	CONFIG_OK = 0,
	CONFIG_E_READ,        /* cannot be read; detail: the system's reason */
	CONFIG_E_TOO_BIG,     /* over max bytes */
	CONFIG_E_JSON,        /* not JSON; line; detail: the parser's words */
	CONFIG_E_NOT_OBJECT,  /* JSON, but not an object */
	CONFIG_E_UNKNOWN_KEY, /* line, key; near: the closest known key or "" */
	CONFIG_E_VALUE,       /* line, key: a value that is not what expect says */
	CONFIG_E_SYMLINK,     /* a symbolic link (it could point at any file) */
	CONFIG_E_NOT_REGULAR, /* not a regular file */
	CONFIG_E_OWNER,       /* owned by another user than the clerk or root */
};

enum config_expect {
	CONFIG_WANT_STRING,    /* a non-empty string */
	CONFIG_WANT_NUMBER,    /* a whole number from min to max */
	CONFIG_WANT_BOOL,      /* true or false */
	CONFIG_WANT_URL,       /* an http:// or https:// URL */
	CONFIG_WANT_LANGUAGE,  /* "vi" or "en" */
	CONFIG_WANT_DAYS,      /* a non-empty list of "mon" .. "sun" */
	CONFIG_WANT_HOURS,     /* "07:00-11:30,13:30-17:00" (sorted, not overlapping) */
	CONFIG_WANT_SIGNING,   /* an object of the signing settings */
	CONFIG_WANT_BINDINGS,  /* an object of action: key or [keys] */
	CONFIG_WANT_KEY_NAMES, /* a key name or a list of up to max names */
	CONFIG_WANT_TLS,       /* an object of ca_file, ca_dir, systems */
	CONFIG_WANT_TLS_SYSTEM,/* an object of ca_file, ca_dir, pin */
	CONFIG_WANT_PIN,       /* "sha256//" and a base64 SHA-256, ';'-separated */
	CONFIG_WANT_DAY_HOURS, /* an object of "mon" .. "sun": hours */
	CONFIG_WANT_READING,   /* an object of calendar_days_from, lunch_break,
				  working_days */
	CONFIG_WANT_CALENDAR_FROM, /* "reception" or "next_day" */
	CONFIG_WANT_BREAK,     /* "before" or "after" */
	CONFIG_WANT_DAYS_AS,   /* "hours" or "day_end" */
	CONFIG_WANT_VIEWS,     /* an object of name: search text */
	CONFIG_WANT_COLUMNS,   /* a non-empty list of column names; with detail:
				  that one is not a column name (near: the
				  closest one, or "") */
	CONFIG_WANT_COLUMN_ONCE, /* detail: a column named twice */
};

struct config_error {
	enum config_problem problem;
	char path[512];
	int line;             /* 1-based; 0 unknown */
	char key[128];        /* "lock_idle_minutes", "signing.tsa_url", "keys.down" */
	char near[64];        /* CONFIG_E_UNKNOWN_KEY: the closest known key, or "" */
	enum config_expect expect;
	long min, max;
	char detail[256];     /* one line */
};

/* Defaults, no file. */
void config_init(struct config *cfg);
void config_release(struct config *cfg);

/*
 * Read `path` over the defaults in *cfg (which config_init() set).  A missing
 * file is not an error (returns 1, cfg untouched).  Returns 0 when applied,
 * -1 on a refused file: *err says why, cfg untouched.  An unknown key is
 * refused too (with the closest known one).
 */
int config_load(struct config *cfg, const char *path, struct config_error *err);

/* The same from text, for tests and fuzzing; `path` only names it in *err. */
int config_parse(struct config *cfg, const char *path, const char *text, size_t len,
		 struct config_error *err);

#endif
