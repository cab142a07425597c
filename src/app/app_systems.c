/*
 * app_systems.c - the systems this terminal talks to, each a connector with
 * its one link (sources/link.h).
 *
 * Every system the provider's discovery lists (a motcua sandbox lists its
 * five with base URLs) gets the built-in dialect it names, unless
 * sources.d has a file with that name, which wins (a profile can replace a
 * built-in dialect, "enabled": false turns a system off, a base_url there
 * overrides the discovery's).  Files for systems the discovery does not list
 * are added too, and their names are registered with the sign-in for token
 * exchange.  The discovery runs in the loop: a console opened offline starts
 * with the sources.d systems and gains the discovered ones when the provider
 * answers.  Systems the provider lists that are not dossier systems (the
 * remote signer, the payment platform: they have no dialect) are left out
 * quietly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/api_key.h"
#include "app/app_int.h"
#include "config/file.h"
#include "core/suggest.h"
#include "core/xalloc.h"
#include "sources/source.h"

#define DISCOVERY_RETRY_S 30
#define PROFILE_MAX (1024 * 1024) /* sources.d's own limit (profile.c) */

struct source_link *
app_link(const struct app *a, const char *name)
{
	for (size_t i = 0; name != NULL && i < a->n_links; i++)
		if (strcmp(source_link_name(a->links[i]), name) == 0)
			return a->links[i];
	return NULL;
}

struct source_link *
app_coordination_link(const struct app *a)
{
	for (size_t i = 0; i < a->n_links; i++)
		if (source_link_source(a->links[i])->coordination)
			return a->links[i];
	return NULL;
}

static const struct source_def *
find_def(const struct app *a, const char *name)
{
	for (size_t i = 0; i < a->n_defs; i++)
		if (strcmp(a->defs[i].name, name) == 0)
			return &a->defs[i];
	return NULL;
}

static mc_time
link_now(void *arg)
{
	return app_now(arg);
}

static void
add_system(struct app *a, const struct source_def *def, const char *name, const char *dialect,
	   const char *base_url, const char *title)
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
	struct source_link_options lo = {
		.net = a->net,
		.tokens = a->have_session ? &a->tokens : NULL,
		.now = link_now,
		.now_arg = a,
	};
	char *cause = NULL, why[256];
	struct source *src;

	if (app_link(a, name) != NULL)
		return;
	if (cfg.base_url == NULL) {
		app_warnf(a, MC_E_NO_URL, name, def != NULL ? def->path : "sources.d", NULL);
		return;
	}
	/* the URL policy (net.h), before any connection: named with its system */
	if (net_url_check(cfg.base_url, why, sizeof why) == NET_URL_INSECURE) {
		app_warnf(a, MC_E_INSECURE, name, cfg.base_url, "%s", why);
		return;
	}
	src = source_new(&cfg, &cause);
	if (src == NULL) {
		app_warnf(a, MC_E_CONFIG, name, def != NULL ? def->path : NULL, "%s",
			  cause != NULL ? cause : "");
		free(cause);
		return;
	}
	if (src->key_header != NULL) {
		/* "auth": "api_key": the key from the keyring (`motcua api-key set`) */
		char *key = app_api_key_get(name);
		source_set_api_key(src, key);
		xfree_secret(key);
	}
	a->links = xreallocarray(a->links, a->n_links + 1, sizeof *a->links);
	a->links[a->n_links++] = source_link_new(src, &lo);
}

/*
 * What a definition's system is read with, for the sync engine to notice a
 * change (sync_set_fingerprint): a generic profile's file as its length and
 * FNV-1a 64 of its bytes ("LEN:HEX"; a change detector, not a security
 * check: whoever can write the file decides what it says anyway); "" for a
 * built-in dialect, whatever its sources.d file says (base_url, title);
 * NULL when the file cannot be read again (not checked this time).
 */
static char *
profile_fingerprint(const struct source_def *def)
{
	char *text = NULL, buf[48];
	const char *why = NULL;
	uint64_t h = 14695981039346656037ull;
	size_t len = 0;

	if (def->profile == NULL)
		return xstrdup("");
	if (config_file_read(def->path, PROFILE_MAX, &text, &len, &why) != 0)
		return NULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
	free(text);
	snprintf(buf, sizeof buf, "%zu:%016" PRIx64, len, h);
	return xstrdup(buf);
}

/*
 * Read right after sources.d was parsed (app_defs_load), not when a system
 * joins the pull (the console's discovered ones join when the provider
 * answers): the file is read twice, and an edit between the two reads is
 * noticed only at the next edit; the window is kept that of parsing.
 */
void
app_defs_fingerprint(struct app *a)
{
	a->def_fps = a->n_defs > 0 ? xcalloc(a->n_defs, sizeof *a->def_fps) : NULL;
	for (size_t i = 0; i < a->n_defs; i++)
		a->def_fps[i] = profile_fingerprint(&a->defs[i]);
}

/* What the system `name` is read with: its definition's, else a built-in
 * dialect's (""). */
static const char *
system_fingerprint(const struct app *a, const char *name)
{
	for (size_t i = 0; i < a->n_defs; i++)
		if (strcmp(a->defs[i].name, name) == 0)
			return a->def_fps != NULL ? a->def_fps[i] : NULL;
	return "";
}

/* The systems the discovery listed (only once it answered). */
static void
add_discovered(struct app *a)
{
	struct auth_info info;

	auth_get_info(a->session.auth, &info);
	for (size_t i = 0; i < info.n_systems; i++) {
		struct auth_system_info si;
		const struct source_def *def;
		char *name, *base, *title, *dialect;

		if (auth_get_system(a->session.auth, i, &si) != 0)
			continue;
		/* copies: auth's strings live until the next call into it */
		name = xstrdup(si.name);
		base = xstrdup_or_null(si.base_url);
		title = xstrdup_or_null(si.title);
		/* the connector the discovery names, else the one named like the system */
		dialect = xstrdup(si.dialect != NULL ? si.dialect : si.name);
		def = find_def(a, name);
		if (def != NULL && !def->enabled) {
			/* turned off by configuration */
		} else if (def != NULL) {
			add_system(a, def, name, def->dialect, base, title);
		} else if (source_ops_find(dialect) != NULL && strcmp(dialect, "generic") != 0) {
			add_system(a, NULL, name, dialect, base, title);
		} else if (si.dialect != NULL && strcmp(name, APP_SIGNING_SYSTEM) != 0) {
			/* the provider names a dialect no connector speaks */
			app_warnf(a, MC_E_NO_CONNECTOR, name, NULL, "%s", si.dialect);
		}
		free(name);
		free(base);
		free(title);
		free(dialect);
	}
}

/* The sources.d systems the discovery does not list (or all, before it). */
static void
add_profiles(struct app *a)
{
	for (size_t i = 0; i < a->n_defs; i++) {
		const struct source_def *def = &a->defs[i];

		if (!def->enabled || app_link(a, def->name) != NULL)
			continue;
		if (a->have_session)
			auth_add_system(a->session.auth, def->name,
					def->profile != NULL ? def->profile->audience : NULL,
					def->base_url);
		add_system(a, def, def->name, def->dialect, NULL, NULL);
	}
}

void
app_systems_build(struct app *a)
{
	if (!(a->opt.flags & APP_SYSTEMS))
		return;
	/* Discovered systems first, so a profile named like one of them
	 * replaces its dialect instead of standing alone. */
	if (a->disc == APP_DISC_DONE && !a->systems_built) {
		add_discovered(a);
		a->systems_built = true;
	}
	if (a->disc != APP_DISC_PENDING)
		add_profiles(a);
	if (a->sync != NULL && !sync_busy(a->sync))
		for (; a->n_in_sync < a->n_links; a->n_in_sync++) {
			const char *name = source_link_name(a->links[a->n_in_sync]);

			if (sync_add_source(a->sync, a->links[a->n_in_sync]) != 0)
				app_warnf(a, MC_E_CONFIG, name, NULL,
					  "defined twice; the second is ignored");
			else
				(void)sync_set_fingerprint(a->sync, name,
							   system_fingerprint(a, name));
		}
	if (a->n_links == 0 && a->disc != APP_DISC_PENDING && a->systems_error.code == MC_OK)
		mc_err_set(&a->systems_error, MC_E_NO_CONNECTOR, NULL, NULL);
	else if (a->n_links > 0 && a->systems_error.code == MC_E_NO_CONNECTOR)
		mc_err_clear(&a->systems_error);
}

static void
on_discovered(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct app *a = arg;

	if (status == AUTH_OK) {
		a->disc = APP_DISC_DONE;
		mc_err_clear(&a->systems_error);
	} else {
		a->disc = APP_DISC_FAILED;
		a->disc_retry_at = app_now(a) + DISCOVERY_RETRY_S;
		mc_err_set(&a->systems_error,
			   status == AUTH_OFFLINE ? auth_transport_errc(auth) : MC_E_LOGIN, "sign-in",
			   "%s",
			   detail != NULL && detail[0] != '\0' ? detail : auth_status_name(status));
	}
	app_systems_build(a);
}

void
app_discovery_start(struct app *a)
{
	if (!a->have_session || a->disc == APP_DISC_PENDING || a->disc == APP_DISC_DONE)
		return;
	if (auth_busy(a->session.auth))
		return; /* a sign-in under way discovers too; ask at a later turn */
	a->disc = APP_DISC_PENDING;
	auth_discover(a->session.auth, on_discovered, a); /* may answer at once */
}

void
app_systems_free(struct app *a)
{
	for (size_t i = 0; i < a->n_links; i++)
		source_link_free(a->links[i]);
	free(a->links);
	a->links = NULL;
	a->n_links = a->n_in_sync = 0;
	for (size_t i = 0; a->def_fps != NULL && i < a->n_defs; i++)
		free(a->def_fps[i]);
	free(a->def_fps);
	a->def_fps = NULL;
	source_defs_free(a->defs, a->n_defs);
	a->defs = NULL;
	a->n_defs = 0;
	a->defs_loaded = false;
	free(a->known);
	a->known = NULL;
	a->n_known = 0;
}

/* ---- the front ends' view ----------------------------------------------- */

size_t
app_n_systems(const struct app *a)
{
	return a->n_links;
}

const char *
app_system_due_rule(struct app *a, const char *name)
{
	const struct source_def *def;

	app_defs_load(a); /* the definitions are read once, when first needed */
	def = name != NULL ? find_def(a, name) : NULL;

	return def != NULL ? def->due_rule : NULL;
}

bool
app_has_system(const struct app *a, const char *name)
{
	return app_link(a, name) != NULL;
}

/* store_sources and store_sync_state_sources callback (a system pulled
 * once, even with no dossier of its own: the coordination system's copies
 * are merged): the sources without a link, once each. */
static int
collect_known(void *ctx, const char *source)
{
	struct app *a = ctx;

	if (source == NULL || source[0] == '\0' || strlen(source) >= sizeof a->known[0] ||
	    app_link(a, source) != NULL)
		return 0;
	for (size_t k = 0; k < a->n_known; k++)
		if (strcmp(a->known[k], source) == 0)
			return 0;
	if (a->n_known >= 64)
		return 0;
	a->known = xreallocarray(a->known, a->n_known + 1, sizeof *a->known);
	snprintf(a->known[a->n_known++], sizeof a->known[0], "%s", source);
	return 0;
}

static void
known_refresh(struct app *a)
{
	a->n_known = 0;
	if (a->store != NULL) {
		store_sync_state_sources(a->store, collect_known, a);
		store_sources(a->store, collect_known, a);
	}
}

static void
last_state(struct app *a, const char *name, struct app_system *out)
{
	struct store_sync_state st;

	if (a->store != NULL && store_sync_state_get(a->store, name, &st) == 0) {
		out->last_ok_at = st.last_ok_at;
		if (st.last_error != NULL)
			mc_err_parse(st.last_error, &out->last_error);
		store_sync_state_release(&st);
	}
}

bool
app_system(struct app *a, size_t i, struct app_system *out)
{
	const struct source *src;
	struct sync_report r[64];
	size_t n;

	if (i == 0)
		known_refresh(a);
	memset(out, 0, sizeof *out);
	if (i >= a->n_links) {
		if (i - a->n_links >= a->n_known)
			return false;
		out->name = a->known[i - a->n_links];
		out->dialect = "";
		last_state(a, out->name, out);
		return true;
	}
	src = source_link_source(a->links[i]);
	out->name = src->name;
	out->title = src->title;
	out->dialect = src->dialect;
	out->configured = true;
	out->coordination = src->coordination;
	out->online = source_link_online(a->links[i]);
	if (a->sync != NULL && i < a->n_in_sync) {
		n = sync_reports(a->sync, r, 64);
		for (size_t k = 0; k < n && k < 64; k++)
			if (strcmp(r[k].name, src->name) == 0 && r[k].ran && !r[k].ok &&
			    r[k].error == NULL)
				out->pulling = true;
	}
	last_state(a, src->name, out);
	return true;
}

int
app_system_known(struct app *a, const char *name, const char **near)
{
	const char *names[96];
	struct app_system sys;
	size_t n = 0;

	*near = NULL;
	for (size_t i = 0; n < 96 && app_system(a, i, &sys); i++) {
		if (strcmp(sys.name, name) == 0)
			return 0;
		names[n++] = sys.name;
	}
	*near = suggest_closest(name, names, n);
	return -1;
}

const struct mc_err *
app_systems_error(const struct app *a)
{
	return &a->systems_error;
}
