/*
 * cmd_console.c - `motcua console` (and `motcua` alone): open what the
 * console needs - the configuration, the store in the data folder, the
 * network loop and, when a sign-in server is configured, the sign-in
 * session - and run it (ui/console.h).  The screens themselves are ui/'s.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "cli/cli.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "store/store.h"
#include "ui/console.h"

/* The configuration's "keys" object as JSON text, or NULL (caller frees). */
static char *
read_keys(const char *config_file)
{
	json_error_t jerr;
	json_t *root = json_load_file(config_file, 0, &jerr);
	json_t *keys;
	char *text = NULL;

	if (root == NULL)
		return NULL; /* missing or malformed: config_load() reports it */
	keys = json_object_get(root, "keys");
	if (keys != NULL)
		text = json_dumps(keys, JSON_COMPACT);
	json_decref(root);
	return text;
}

static bool
issuer_configured(const struct config *cfg)
{
	const char *env = getenv("MOTCUA_ISSUER");

	return (env != NULL && env[0] != '\0') || cfg->issuer != NULL;
}

int
cmd_console(int argc, char **argv)
{
	struct config_paths paths;
	struct config cfg;
	struct auth_session sess;
	struct ui_options opt;
	struct store *store = NULL;
	struct net *own_net = NULL;
	const char *config_file = NULL, *lang = NULL, *why = NULL;
	char *cause = NULL, *keys = NULL, *db = NULL, *notice = NULL;
	bool training = false, have_session = false;
	int rc = CLI_FAIL;
	size_t n;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--training") == 0) {
			training = true;
		} else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
			lang = argv[++i];
			if (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0)
				return cli_usage_error("console", "--lang must be vi or en");
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_file = argv[++i];
		} else {
			return cli_usage_error("console", "unknown option '%s'", argv[i]);
		}
	}
	memset(&sess, 0, sizeof sess);
	config_paths_init(&paths, config_file);
	config_init(&cfg);
	if (config_load(&cfg, paths.config_file, &cause, NULL, NULL) < 0) {
		/* The defaults stand in for a malformed file; say so on screen. */
		notice = cause;
		cause = NULL;
	}
	if (config_ensure_dir(paths.data_dir, &cause) != 0) {
		rc = cli_fail("console", "%s", cause);
		goto out;
	}
	n = strlen(paths.data_dir) + sizeof "/motcua.db";
	db = xmalloc(n);
	snprintf(db, n, "%s/motcua.db", paths.data_dir);
	if (store_open(db, &store, &cause) != 0) {
		rc = cli_fail("console", "%s", cause);
		goto out;
	}
	if (issuer_configured(&cfg)) {
		have_session = auth_session_open(&sess, NULL, NULL, &cause) == 0;
		if (!have_session) {
			auth_session_release(&sess);
			if (notice == NULL) {
				notice = cause;
				cause = NULL;
			}
		}
	}
	if (!have_session) {
		own_net = net_new(&why);
		if (own_net == NULL) {
			rc = cli_fail("console", "cannot start the network layer: %s", why);
			goto out;
		}
	}
	keys = read_keys(paths.config_file);

	memset(&opt, 0, sizeof opt);
	opt.store = store;
	opt.net = have_session ? sess.net : own_net;
	opt.auth = have_session ? sess.auth : NULL;
	opt.training = training;
	opt.language = lang != NULL ? lang : cfg.language;
	opt.keys_json = keys;
	opt.config_path = paths.config_file;
	opt.notice = notice;
	opt.soon_seconds = 24 * 3600;
	opt.lock_idle_minutes = cfg.lock_idle_minutes;
	opt.lock_grace_minutes = cfg.lock_grace_minutes;
	free(cause);
	cause = NULL;
	if (ui_run(&opt, &cause) != 0) {
		rc = cli_fail("console", "%s", cause);
		goto out;
	}
	rc = CLI_OK;
out:
	if (have_session)
		auth_session_release(&sess);
	net_free(own_net);
	store_close(store);
	free(db);
	free(keys);
	free(notice);
	free(cause);
	config_release(&cfg);
	config_paths_release(&paths);
	return rc;
}
