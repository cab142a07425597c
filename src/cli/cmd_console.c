/*
 * cmd_console.c - `motcua console` (and `motcua` alone): open what the
 * console needs - the configuration, the store in the data folder, the
 * sign-in session when an issuer is configured, the sources and the sync
 * engine (sync/env.h), the offline queue's replay - and run it
 * (ui/console.h).  The screens themselves are ui/'s.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "cli/cli.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "store/store.h"
#include "app/env.h"
#include "sync/sync.h"
#include "ui/console.h"
#include "app/trust.h"

#define PULL_EVERY_S 300 /* between automatic pulls while the console runs */

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
issuer_configured(const char *config_file)
{
	const char *env = getenv("MOTCUA_ISSUER");
	struct config_paths paths;
	struct config cfg;
	char *cause = NULL;
	bool yes;

	if (env != NULL && env[0] != '\0')
		return true;
	config_paths_init(&paths, config_file);
	config_init(&cfg);
	if (config_load(&cfg, paths.config_file, &cause, NULL, NULL) < 0)
		free(cause); /* sync_env_open() reports it */
	yes = cfg.issuer != NULL;
	config_release(&cfg);
	config_paths_release(&paths);
	return yes;
}

/* The first warning while opening, shown as the console's opening notice. */
static void
on_warn(void *ctx, const char *msg)
{
	char **notice = ctx;

	if (*notice == NULL)
		*notice = xstrdup(msg);
}

int
cmd_console(int argc, char **argv)
{
	struct sync_env env;
	struct sync_env_options eo = {0};
	struct ui_engine_options go = {0};
	struct ui_engine *engine = NULL;
	struct ui_trust *trust = NULL;
	struct ui_trust_options to = {0};
	struct ui_options opt;
	const char *config_file = NULL, *lang = NULL;
	char *cause = NULL, *keys = NULL, *notice = NULL;
	bool training = false;
	int rc = CLI_FAIL;

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
	auth_json_wipe_on_free(); /* tokens pass through parsed JSON */
	eo.config_file = config_file;
	eo.sign_in = issuer_configured(config_file);
	eo.sources = true;
	eo.cal = cli_open_calendar(NULL);
	eo.warn = on_warn;
	eo.warn_ctx = &notice;
	if (sync_env_open(&env, &eo, &cause) != 0) {
		rc = cli_fail("console", "%s", cause);
		goto out;
	}
	if (notice == NULL && eo.sign_in && !env.have_session && env.session_error != NULL)
		notice = xstrdup(env.session_error);
	keys = read_keys(env.paths.config_file);

	go.store = env.store;
	go.net = env.net;
	go.sync = sync_n_sources(env.sync) > 0 ? env.sync : NULL;
	go.tokens = env.have_session ? &env.tokens : NULL;
	go.queue = true;
	go.auth = env.have_session ? env.session.auth : NULL;
	go.pull_every_s = PULL_EVERY_S;
	/* the audit log, its shipping and retention (ui/trust.h) */
	to.store = env.store;
	to.net = env.net;
	to.tokens = env.have_session ? &env.tokens : NULL;
	to.auth = env.have_session ? env.session.auth : NULL;
	to.issuer = env.have_session ? env.session.issuer : NULL;
	to.retention_days = env.cfg.retention_days;
	trust = ui_trust_new(&to);
	go.trust = trust;
	engine = ui_engine_new(&go);

	memset(&opt, 0, sizeof opt);
	opt.store = env.store;
	opt.net = env.net;
	opt.auth = env.have_session ? env.session.auth : NULL;
	opt.training = training;
	opt.language = lang != NULL ? lang : env.cfg.language;
	opt.keys_json = keys;
	opt.config_path = env.paths.config_file;
	opt.notice = notice;
	opt.soon_seconds = sync_env_soon_seconds(&env, time(NULL));
	opt.lock_idle_minutes = env.cfg.lock_idle_minutes;
	opt.lock_grace_minutes = env.cfg.lock_grace_minutes;
	opt.sync = ui_engine_sync(engine);
	opt.outbox = ui_engine_outbox(engine);
	opt.audit = ui_trust_audit(trust);
	free(cause);
	cause = NULL;
	if (ui_run(&opt, &cause) != 0) {
		rc = cli_fail("console", "%s", cause);
		goto out;
	}
	rc = CLI_OK;
out:
	ui_engine_free(engine);
	ui_trust_free(trust);
	sync_free(env.sync); /* its requests first, while the net is there */
	env.sync = NULL;
	if (env.net != NULL) {
		net_cancel_all(env.net);
		net_run_until_done(env.net);
	}
	sync_env_release(&env);
	free(keys);
	free(notice);
	free(cause);
	return rc;
}
