/*
 * config.h - where motcua keeps things, and the main configuration file.
 *
 * Paths: with MOTCUA_HOME set, configuration and data both live there (tests
 * and demos use it to stay out of the user's home).  Otherwise XDG:
 * $XDG_CONFIG_HOME/motcua (default ~/.config/motcua) and $XDG_DATA_HOME/motcua
 * (default ~/.local/share/motcua).  `--config FILE` names the configuration
 * file itself; its folder then holds sources.d/ and calendar/.  Without
 * MOTCUA_HOME and --config, a user with no config.json of their own gets the
 * system-wide MOTCUA_SYSCONFDIR/config.json (/etc/motcua in the package);
 * sources.d/ and procedures.json are still looked for in the user's folder.
 *
 * The configuration file is JSON (config.json), read with jansson; every key
 * is optional.  A malformed file is reported with its path and line, and the
 * defaults are used in its place, never half of it.  Unknown keys give a
 * warning.  This module reads files into plain structs; it decides nothing.
 */
#ifndef MOTCUA_CONFIG_H
#define MOTCUA_CONFIG_H

#include <stdbool.h>

#include "core/deadline.h"

struct config_paths {
	char *config_dir;  /* holds config.json, sources.d/, calendar/ */
	char *config_file; /* config.json, or --config */
	char *data_dir;    /* holds the store (motcua.db) */
};

/*
 * Fill *paths from `config_file` (NULL: the default) and the environment.
 * Owned strings; release with config_paths_release().  Never fails: the
 * folders are only named here; config_ensure_dir() creates one (mode 0700).
 */
void config_paths_init(struct config_paths *paths, const char *config_file);
void config_paths_release(struct config_paths *paths);

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

/* One "keys" entry: an action and up to four keys, as names. */
#define CONFIG_KEYS_PER_ACTION 4
struct config_key {
	char *action;
	char *keys[CONFIG_KEYS_PER_ACTION];
	size_t n_keys;
};

struct config {
	char *issuer;              /* OpenID issuer URL; NULL: none configured */
	char *client_id;           /* default "motcua" */
	char *language;            /* "vi" (default) or "en" */
	int lock_idle_minutes;     /* default 10; 0 disables the lock */
	int lock_grace_minutes;    /* short unlock allowed within this; default 2 */
	bool shared_terminal;      /* logout wipes the local cache too */
	int retention_days;        /* finished dossiers kept; default 90 */
	int due_soon_minutes;      /* "coming due" threshold, working time; default 480 */
	unsigned workweek;         /* bit 0 = Sunday; default 0x3e (Mon..Fri) */
	struct worktime worktime;  /* default 07:00-11:30, 13:30-17:00 */
	struct config_signing signing; /* all NULL by default */
	struct config_key *keys;   /* "keys": the console's bindings, in the file's
	                              order; the names are the console's to check */
	size_t n_keys;
};

/* Defaults, no file. */
void config_init(struct config *cfg);
void config_release(struct config *cfg);

typedef void config_warn_fn(void *ctx, const char *msg);

/*
 * Read `path` over the defaults in *cfg (which config_init() set).  A missing
 * file is not an error (returns 1, cfg untouched).  Returns 0 when applied,
 * -1 on a malformed file: *cause = malloc'd "PATH:LINE: message", cfg
 * untouched.  Warnings (unknown keys) go to warn when not NULL.
 */
int config_load(struct config *cfg, const char *path, char **cause, config_warn_fn *warn,
		void *ctx);

/* The same from text, for tests and fuzzing; `path` only names it in messages. */
int config_parse(struct config *cfg, const char *path, const char *text, size_t len,
		 char **cause, config_warn_fn *warn, void *ctx);

#endif
