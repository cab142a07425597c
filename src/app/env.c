/*
 * env.c - opening what the sync-related commands share (env.h): config,
 * store, procedure catalogue, sign-in session, sources and the engine.
 *
 * Sources: every system the provider's discovery lists (a motcua sandbox
 * lists its five with base URLs) gets the built-in dialect of the same name,
 * unless sources.d has a file with that name, which wins (a profile can
 * replace a built-in dialect, "enabled": false turns a system off, a
 * base_url there overrides the discovery's).  Files for systems the
 * discovery does not list are added too, and their names are registered
 * with auth for token exchange.
 */
#include "app/env.h"
#include "app/privacy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source.h"

#ifndef MOTCUA_DATADIR
#define MOTCUA_DATADIR "/usr/local/share/motcua"
#endif

static void
warn(const struct sync_env_options *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
warn(const struct sync_env_options *o, const char *fmt, ...)
{
	char buf[640];
	va_list ap;

	if (o->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	o->warn(o->warn_ctx, buf);
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static void
load_procedures(struct sync_env *e, const struct sync_env_options *o)
{
	char *cands[3] = {join(e->paths.config_dir, "procedures.json"),
			  xstrdup(MOTCUA_DATADIR "/procedures.json"),
			  xstrdup("config/procedures.json")};

	for (size_t i = 0; i < 3 && e->procs_origin == NULL; i++) {
		char *cause = NULL;
		int rc = procedures_load(cands[i], &e->procs, &cause);
		if (rc == 0) {
			e->procs_file = cands[i];
			cands[i] = NULL;
			e->procs_origin = e->procs_file;
		} else if (rc < 0) {
			warn(o, "%s (using the built-in procedure catalogue)", cause);
			free(cause);
			break;
		}
	}
	if (e->procs_origin == NULL) {
		procedures_builtin(&e->procs);
		e->procs_origin = "built-in";
	}
	for (size_t i = 0; i < 3; i++)
		free(cands[i]);
}

struct flag {
	bool done;
	enum auth_status status;
	char detail[200];
};

static void
on_discovered(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct flag *f = arg;

	(void)auth;
	f->done = true;
	f->status = status;
	snprintf(f->detail, sizeof f->detail, "%s", detail != NULL ? detail : "");
}

static const struct source_def *
find_def(const struct sync_env *e, const char *name)
{
	for (size_t i = 0; i < e->n_defs; i++)
		if (strcmp(e->defs[i].name, name) == 0)
			return &e->defs[i];
	return NULL;
}

static void
add_source(struct sync_env *e, const struct sync_env_options *o, const struct source_def *def,
	   const char *name, const char *dialect, const char *base_url, const char *title)
{
	struct source_config cfg = {
		.name = name,
		.dialect = dialect,
		.base_url = def != NULL && def->base_url != NULL ? def->base_url : base_url,
		.title = def != NULL && def->title != NULL ? def->title : title,
		.profile = def != NULL ? def->path : NULL,
		.parsed = def != NULL ? def->profile : NULL,
		.page_size = def != NULL ? def->page_size : 0,
	};
	char *cause = NULL;
	struct source *src;

	if (cfg.base_url == NULL) {
		warn(o, "%s: no base URL (set \"base_url\" in %s)", name,
		     def != NULL ? def->path : "its sources.d file");
		return;
	}
	src = source_new(&cfg, &cause);
	if (src == NULL) {
		warn(o, "%s", cause);
		free(cause);
		return;
	}
	if (sync_add_source(e->sync, src) != 0)
		warn(o, "%s: defined twice; the second is ignored", name);
}

static void
build_sources(struct sync_env *e, const struct sync_env_options *o)
{
	struct sync_options so = {
		.net = e->net,
		.store = e->store,
		.tokens = e->have_session ? &e->tokens : NULL,
		.cal = e->cal,
		.wt = &e->cfg.worktime,
		.procs = &e->procs,
		.account_bytes = true,
	};
	size_t n_sys = 0;

	if (e->have_session)
		sync_tokens_from_auth(&e->tokens, e->session.auth);
	e->sync = sync_new(&so);
	if (e->have_session && e->discovered) {
		struct auth_info info;
		auth_get_info(e->session.auth, &info);
		n_sys = info.n_systems;
	}
	for (size_t i = 0; i < n_sys; i++) {
		struct auth_system_info si;
		const struct source_def *def;
		char *name, *base, *title, *dialect;

		if (auth_get_system(e->session.auth, i, &si) != 0)
			continue;
		/* copies: auth's strings live until the next call into it */
		name = xstrdup(si.name);
		base = xstrdup_or_null(si.base_url);
		title = xstrdup_or_null(si.title);
		/* the connector the discovery names, else the one named like the system */
		dialect = xstrdup(si.dialect != NULL ? si.dialect : si.name);
		def = find_def(e, name);
		if (def != NULL && !def->enabled) {
			/* turned off by configuration */
		} else if (def != NULL) {
			add_source(e, o, def, name, def->dialect, base, title);
		} else if (source_ops_find(dialect) != NULL && strcmp(dialect, "generic") != 0) {
			add_source(e, o, NULL, name, dialect, base, title);
		} else if (strcmp(name, "csc") != 0 && strcmp(name, "payment") != 0) {
			warn(o, "%s: the provider lists this system but no connector or profile "
				"in %s/sources.d speaks to it",
			     name, e->paths.config_dir);
		}
		free(name);
		free(base);
		free(title);
		free(dialect);
	}
	for (size_t i = 0; i < e->n_defs; i++) {
		const struct source_def *def = &e->defs[i];
		bool listed = false;
		for (size_t k = 0; k < sync_n_sources(e->sync); k++)
			listed = listed || strcmp(sync_source(e->sync, k)->name, def->name) == 0;
		if (listed || !def->enabled)
			continue;
		if (e->have_session)
			auth_add_system(e->session.auth, def->name, NULL, def->base_url);
		add_source(e, o, def, def->name, def->dialect, NULL, NULL);
	}
}

static void
defs_warn(void *ctx, const char *msg)
{
	warn(ctx, "%s (file ignored)", msg);
}

int
sync_env_open(struct sync_env *e, const struct sync_env_options *o, char **cause)
{
	char *why = NULL;
	const char *nwhy = NULL;

	memset(e, 0, sizeof *e);
	*cause = NULL;
	e->cal = o->cal;
	config_paths_init(&e->paths, o->config_file);
	config_init(&e->cfg);
	if (config_load(&e->cfg, e->paths.config_file, &why, NULL, NULL) < 0) {
		warn(o, "%s (defaults used)", why);
		free(why);
		why = NULL;
	}
	if (e->cal != NULL)
		calendar_set_workweek(e->cal, e->cfg.workweek);
	if (config_ensure_dir(e->paths.data_dir, &why) != 0) {
		*cause = why;
		return -1;
	}
	e->db_path = join(e->paths.data_dir, "motcua.db");
	if (store_open(e->db_path, &e->store, &why) != 0) {
		*cause = why;
		return -1;
	}
	/* 0700/0600, and ID numbers sealed or not kept (doc/security.md) */
	if (privacy_open(e->store, e->paths.data_dir, e->db_path, &e->privacy, &why) != 0) {
		*cause = why;
		return -1;
	}
	load_procedures(e, o);
	if (o->sign_in) {
		if (auth_session_open(&e->session, o->issuer, NULL, &why) == 0) {
			struct flag f = {0};
			e->have_session = true;
			e->net = e->session.net;
			auth_discover(e->session.auth, on_discovered, &f);
			if (auth_session_wait(&e->session, &f.done) == 0 && f.status == AUTH_OK) {
				e->discovered = true;
			} else {
				size_t n = strlen(f.detail) + 128;
				e->discovery_error = xmalloc(n);
				snprintf(e->discovery_error, n, "%s%s%s", auth_status_message(f.status),
					 f.detail[0] != '\0' ? ": " : "", f.detail);
			}
		} else {
			e->session_error = why;
			why = NULL;
			auth_session_release(&e->session);
		}
	}
	if (o->sources) {
		char *dir = join(e->paths.config_dir, "sources.d");
		e->n_defs = source_defs_load_dir(dir, &e->defs, defs_warn, (void *)o);
		free(dir);
		if (e->net == NULL) {
			e->net = net_new(&nwhy);
			e->own_net = true;
			if (e->net == NULL) {
				*cause = xstrdup(nwhy != NULL ? nwhy : "cannot start the network layer");
				return -1;
			}
		}
		build_sources(e, o);
	}
	return 0;
}

void
sync_env_release(struct sync_env *e)
{
	sync_free(e->sync);
	e->sync = NULL;
	if (e->have_session)
		auth_session_release(&e->session);
	if (e->own_net && e->net != NULL)
		net_free(e->net);
	source_defs_free(e->defs, e->n_defs);
	store_close(e->store);
	procedures_release(&e->procs);
	if (e->cal != NULL)
		calendar_free(e->cal);
	free(e->procs_file);
	free(e->db_path);
	free(e->session_error);
	free(e->discovery_error);
	config_release(&e->cfg);
	config_paths_release(&e->paths);
	memset(e, 0, sizeof *e);
}

int64_t
sync_env_soon_seconds(struct sync_env *e, mc_time now)
{
	int64_t work = (int64_t)e->cfg.due_soon_minutes * 60;
	mc_time until;

	if (work <= 0)
		work = deadline_day_seconds(&e->cfg.worktime);
	if (e->cal == NULL)
		return STORE_SOON_DEFAULT;
	until = deadline_add_working(e->cal, &e->cfg.worktime, now, work);
	return until > now ? until - now : STORE_SOON_DEFAULT;
}
