/*
 * cmd_doctor.c - `motcua doctor`: one line per check, "ok" or "FAIL", for
 * support staff on the phone with a clerk: the configuration file, the
 * store (path, schema, integrity, counts), the procedure catalogue, the
 * keyring, the sign-in, and for each source whether it answers and whether
 * it accepts a token of its own (one small incremental pull, nothing
 * stored).  Exit 1 when any check failed.
 *
 * Sources are checked one after the other: clarity beats speed here.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "core/xalloc.h"
#include "sources/source.h"
#include "app/env.h"

struct wait {
	bool done;
	enum auth_status status;
	char detail[200];
	char *token;
	const struct net_response *resp;
	int parse;
	char *cause;
	struct source *src;
	int kind; /* 0 login, 1 pull */
};

static int n_fail;

static void
check(bool ok, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
check(bool ok, const char *what, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("%-4s  %-16s %s\n", ok ? "ok" : "FAIL", what, msg);
	if (!ok)
		n_fail++;
}

static void
on_warn(void *ctx, const char *msg)
{
	(void)ctx;
	check(false, "config", "%s", msg);
}

static void
on_resume(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct wait *w = arg;
	(void)auth;
	w->done = true;
	w->status = status;
	snprintf(w->detail, sizeof w->detail, "%s", detail != NULL ? detail : "");
}

static void
on_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	 void *arg)
{
	struct wait *w = arg;
	(void)auth;
	w->done = true;
	w->status = status;
	w->token = status == AUTH_OK && token != NULL ? xstrdup(token) : NULL;
	snprintf(w->detail, sizeof w->detail, "%s", detail != NULL ? detail : "");
}

static void
on_reply(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct wait *w = arg;
	struct source_page page = {0};

	(void)req;
	w->done = true;
	if (w->kind == 0)
		w->parse = w->src->ops->login_parse(w->src, resp, &w->cause);
	else
		w->parse = w->src->ops->pull_parse(w->src, resp, NULL, &page, &w->cause);
	if (resp->result != NET_OK) {
		w->parse = -100; /* unreachable */
		free(w->cause);
		w->cause = xstrdup(resp->error);
	}
	source_page_release(&page);
}

static void
wait_net(struct net *net, const bool *flag)
{
	while (!*flag && net_poll(net, 1000, NULL, 0) >= 0)
		;
}

/* One request through the source, waited for.  Fills w->parse / w->cause. */
static void
run_one(struct net *net, struct source *src, int kind, struct wait *w)
{
	struct net_request *req;
	const char *wm = NULL;

	w->done = false;
	w->src = src;
	w->kind = kind;
	free(w->cause);
	w->cause = NULL;
	req = kind == 0 ? src->ops->login_request(src, net) : src->ops->pull_request(src, net, wm);
	net_request_on_done(req, on_reply, w);
	net_submit(net, req);
	wait_net(net, &w->done);
}

static void
check_source(struct sync_env *e, struct source *src)
{
	struct wait w = {0};
	bool token_ok = src->no_token;
	int save_page = src->page_size;

	if (!src->no_token && e->have_session) {
		auth_system_token(e->session.auth, src->name, on_token, &w);
		wait_net(e->net, &w.done);
		token_ok = w.token != NULL;
		if (token_ok)
			source_set_token(src, w.token);
		xfree_secret(w.token);
		w.token = NULL;
	}
	src->page_size = 1; /* a one-row page: cheap */
	if (src->ops->login_request != NULL && (token_ok || src->no_token))
		run_one(e->net, src, 0, &w);
	else
		w.parse = 0;
	if (w.parse == 0)
		run_one(e->net, src, 1, &w);
	src->page_size = save_page;
	if (w.parse == -100) {
		check(false, src->name, "%s does not answer: %s", src->base_url, w.cause);
	} else if (w.parse == SOURCE_PARSE_AUTH) {
		check(true, src->name, "%s answers", src->base_url);
		check(false, src->name, "token refused by the system: %s", w.cause);
	} else if (!token_ok && !src->no_token) {
		check(w.parse == 0, src->name, "%s answers", src->base_url);
		check(false, src->name, "no token: %s", w.detail[0] ? w.detail : "not signed in");
	} else if (w.parse != 0) {
		check(false, src->name, "%s", w.cause != NULL ? w.cause : "error");
	} else {
		check(true, src->name, "%s answers and accepts its token", src->base_url);
	}
	free(w.cause);
}

int
cmd_doctor(int argc, char **argv)
{
	const char *issuer = NULL, *config_file = NULL;
	struct sync_env env;
	struct sync_env_options opt = {0};
	char *cause = NULL;
	int64_t n = 0;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else
			return cli_usage_error("doctor", "unknown or incomplete option '%s'", argv[i]);
	}
	n_fail = 0;
	opt.config_file = config_file;
	opt.issuer = issuer;
	opt.sign_in = true;
	opt.sources = true;
	opt.cal = cli_open_calendar(NULL);
	opt.warn = on_warn;
	if (sync_env_open(&env, &opt, &cause) != 0) {
		check(false, "store", "%s", cause);
		free(cause);
		sync_env_release(&env);
		return CLI_FAIL;
	}
	f = fopen(env.paths.config_file, "r");
	check(true, "config", "%s%s", env.paths.config_file,
	      f != NULL ? "" : " (absent: defaults in use)");
	if (f != NULL)
		fclose(f);
	check(true, "store", "%s, schema %d", env.db_path, store_schema_version(env.store));
	check(store_check(env.store) == 0, "store", "integrity quick_check: %s",
	      store_check(env.store) == 0 ? "ok" : store_errmsg(env.store));
	if (store_dossier_count(env.store, NULL, &n) == 0)
		check(true, "store", "%lld dossiers", (long long)n);
	check(true, "procedures", "%zu procedures from %s", env.procs.n, env.procs_origin);
	if (!env.have_session) {
		check(false, "sign-in", "%s", env.session_error != NULL ? env.session_error : "none");
	} else {
		struct wait w = {0};
		struct auth_info info;
		check(true, "keyring", "%s",
		      auth_keyring_persistent(env.session.keyring)
			      ? "Secret Service (the sign-in survives this process)"
			      : "memory only (no Secret Service: sign-in lasts one process)");
		if (env.discovery_error != NULL)
			check(false, "sign-in", "%s: %s", env.session.issuer, env.discovery_error);
		auth_resume(env.session.auth, on_resume, &w);
		wait_net(env.net, &w.done);
		auth_get_info(env.session.auth, &info);
		check(w.status == AUTH_OK, "sign-in", "%s: %s%s%s", env.session.issuer,
		      w.status == AUTH_OK ? "signed in as " : auth_status_message(w.status),
		      w.status == AUTH_OK && info.name != NULL ? info.name : "",
		      w.status != AUTH_OK && w.detail[0] ? w.detail : "");
	}
	if (sync_n_sources(env.sync) == 0)
		check(false, "sources", "none: sign in to a provider that lists its systems, or add "
					"files to %s/sources.d",
		      env.paths.config_dir);
	for (size_t i = 0; i < sync_n_sources(env.sync); i++)
		check_source(&env, sync_source(env.sync, i));
	sync_env_release(&env);
	printf("%s\n", n_fail == 0 ? "all checks passed" : "some checks failed");
	return n_fail == 0 ? CLI_OK : CLI_FAIL;
}
