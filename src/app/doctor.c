/*
 * doctor.c - the checks of `motcua doctor` (doctor.h).  Systems are
 * checked one after the other: clarity beats speed here.
 *
 * The live check of a system is the pull's own first step, as src/sync
 * takes it (the link for the token, the connector's pull_request and
 * pull_parse, a position ceiling as sync's), from no position, and its
 * page is read and thrown away: nothing reaches the store, so no position
 * moves and the next sync reads the same page.  It waits a few seconds at
 * most (LIVE_MS), one attempt: support staff on the phone should not wait
 * for a system that hangs.
 *
 * The sources.d/ folders are listed by doctor_sources.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "app/app_int.h"
#include "app/doctor.h"
#include "app/audit_anchor.h"
#include "app/privacy.h"
#include "auth/auth.h"
#include "core/xalloc.h"
#include "sources/source.h"

/* How long the live check of one system waits for its token, and for its
 * first page (connecting included). */
#define LIVE_MS 6000
/* As src/sync's: how far a server's clock may run ahead of ours before an
 * update time counts as impossible (source_set_ceiling). */
#define CLOCK_SKEW_S (10 * 60)

struct wait {
	bool done;
	enum auth_status status;
	char detail[200];
	const struct mc_err *err;
	struct mc_err link_err;
	struct source_link *link;
	int parse;                /* the connector's reading of the page */
	char *cause;
	bool unreachable;
	enum mc_errc net_code;
	long http;
	struct app_check_transport tr;
	struct app_check_page page;
};

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
wait_net(struct app *a, const bool *flag)
{
	while (!*flag && net_poll(a->net, 1000, NULL, 0) >= 0)
		;
}

static int64_t
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* wait_net for at most ms: whether *flag came. */
static bool
wait_net_for(struct app *a, const bool *flag, int64_t ms)
{
	int64_t end = mono_ms() + ms, left;

	while (!*flag && (left = end - mono_ms()) > 0)
		if (net_poll(a->net, left < 250 ? (int)left : 250, NULL, 0) < 0)
			break;
	return *flag;
}

/* "GET /tinh/api/DanhSachHoSo": the method and the URL's path, no query. */
static void
request_line(const struct net_request *req, char *out, size_t size)
{
	char path[200];

	source_url_path(net_request_get_url(req), path, sizeof path);
	snprintf(out, size, "%s %s", net_request_get_method(req), path);
}

static void
on_link(void *arg, struct source_link *l, const struct mc_err *err)
{
	struct wait *w = arg;

	(void)l;
	w->done = true;
	if (err != NULL) {
		w->link_err = *err;
		w->err = &w->link_err;
	}
}

static void
on_page(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct wait *w = arg;
	struct source *src = source_link_source(w->link);
	struct source_page page = {0};

	(void)req;
	w->done = true;
	source_link_answered(w->link, resp);
	w->http = resp->result == NET_OK ? resp->status : 0;
	w->unreachable = resp->result != NET_OK;
	w->tr.https = strncmp(resp->url, "https:", 6) == 0;
	snprintf(w->tr.tls_version, sizeof w->tr.tls_version, "%s", resp->tls_version);
	snprintf(w->tr.issuer, sizeof w->tr.issuer, "%s", resp->cert_issuer);
	w->tr.expires = resp->cert_expires;
	snprintf(w->tr.proxy, sizeof w->tr.proxy, "%s", resp->proxy_used);
	if (w->unreachable) {
		w->cause = xstrdup(resp->error);
		w->net_code = net_response_errc(resp);
		return;
	}
	if (resp->status >= 400)
		source_server_words(resp, w->page.server_says, sizeof w->page.server_says);
	w->parse = src->ops->pull_parse(src, resp, NULL, &page, &w->cause);
	if (w->parse == SOURCE_PARSE_OK) {
		w->page.read = true;
		w->page.items = (int64_t)page.n_items;
		w->page.refused = (int64_t)page.n_rejected;
		if (page.n_rejected > 0 && page.rejected[0] != NULL)
			snprintf(w->page.first_refusal, sizeof w->page.first_refusal, "%s",
				 page.rejected[0]);
	}
	source_page_release(&page);
}

/*
 * The first page of the system's pull through its link, from no position,
 * read and thrown away (nothing stored).  A generic profile's whole page,
 * since its field mapping is what needs checking; a built-in dialect's
 * one row: cheap.
 */
static void
check_system(struct app *a, struct source_link *l, app_check_fn *fn, void *ctx, int *fails)
{
	struct source *src = source_link_source(l);
	struct app_check c = {.kind = APP_CHECK_SYSTEM, .system = src->name,
			      .text = src->base_url};
	struct net_timeouts limit = {.connect_ms = LIVE_MS, .total_ms = LIVE_MS};
	struct wait w = {0};
	struct net_request *req;
	int save_page = src->page_size;
	bool probe = strcmp(src->dialect, "generic") != 0;

	w.link = l;
	source_link_want(l, on_link, &w); /* the token, the session: as every job */
	if (!wait_net_for(a, &w.done, LIVE_MS)) {
		source_link_forget(l, &w); /* its answer, if it comes, goes nowhere */
		mc_err_set(&c.err, MC_E_NETWORK, src->name,
			   "no token or session within %d s", LIVE_MS / 1000);
		fn(ctx, &c);
		(*fails)++;
		return;
	}
	if (w.err != NULL) {
		c.err = *w.err;
		fn(ctx, &c);
		(*fails)++;
		return;
	}
	if (probe)
		src->page_size = 1;
	source_set_ceiling(src, app_now(a) + CLOCK_SKEW_S);
	req = src->ops->pull_request(src, a->net, NULL);
	src->page_size = save_page;
	if (req == NULL) {
		mc_err_set(&c.err, MC_E_INTERNAL, src->name, "cannot build the pull request");
		fn(ctx, &c);
		(*fails)++;
		return;
	}
	memset(&w, 0, sizeof w);
	w.link = l;
	request_line(req, c.page.request, sizeof c.page.request);
	/* one attempt within LIVE_MS (the connector's retries would wait them
	 * over again), and the net ends it: on_page is always called */
	net_request_timeouts(req, &limit);
	net_request_retry(req, &(struct net_retry_policy){.max_attempts = 1});
	net_request_flags(req, NET_REQ_CERT_INFO); /* the certificate, for the report */
	net_request_on_done(req, on_page, &w);
	net_submit(a->net, req);
	wait_net(a, &w.done);
	/* the connector's reading of the page decides: a page it reads is a yes */
	snprintf(w.page.request, sizeof w.page.request, "%s", c.page.request);
	w.page.probe = probe;
	c.page = w.page;
	c.transport = w.tr;
	if (w.tr.expires > 0)
		c.transport.days_left = (w.tr.expires - (int64_t)app_now(a)) / 86400;
	if (w.unreachable) {
		mc_err_set(&c.err, w.net_code, src->name, "%s", w.cause != NULL ? w.cause : "");
	} else if (w.parse == SOURCE_PARSE_AUTH) {
		mc_err_set(&c.err, MC_E_TOKEN_REFUSED, src->name, "%s",
			   w.cause != NULL ? w.cause : "");
		c.err.http = (int)w.http;
	} else if (w.parse != SOURCE_PARSE_OK) {
		mc_err_set(&c.err,
			   w.http == 429 || w.http >= 500 ? MC_E_UNAVAILABLE
			   : w.http >= 400		  ? MC_E_HTTP
							  : MC_E_REPLY,
			   src->name, "%s", w.cause != NULL ? w.cause : "");
		c.err.http = (int)w.http;
	} else {
		c.ok = true;
	}
	free(w.cause);
	fn(ctx, &c);
	if (!c.ok)
		(*fails)++;
}

/* A warning per missing notice: due dates of that year count the statutory
 * days only, which the year's notice usually moves. */
static void
missing_notices(struct app *a, app_check_fn *fn, void *ctx)
{
	int years[2];
	size_t n = app_notices_missing(a, app_now(a), years);
	char *own = xasprintf("%s/calendar", a->paths.config_dir);

	for (size_t i = 0; i < n; i++) {
		struct app_check c;

		memset(&c, 0, sizeof c);
		c.kind = APP_CHECK_NOTICE_MISSING;
		c.ok = true;
		c.n = years[i];
		c.text = own;
		fn(ctx, &c);
	}
	free(own);
}

int
app_doctor(struct app *a, app_check_fn *fn, void *ctx)
{
	int fails = 0;
	int64_t n = 0;
	FILE *f;
	struct app_check c;

	memset(&c, 0, sizeof c);
	c.kind = APP_CHECK_CONFIG;
	c.ok = true;
	c.text = a->paths.config_file;
	f = fopen(a->paths.config_file, "r");
	c.n = f != NULL;
	if (f != NULL)
		fclose(f);
	fn(ctx, &c);
	fails += app_doctor_sources(a, fn, ctx);
	memset(&c, 0, sizeof c);
	c.kind = APP_CHECK_CALENDAR;
	c.ok = true;
	c.calendar = &a->calendar_dirs;
	for (size_t i = 0; i < a->calendar_dirs.n; i++)
		c.n += a->calendar_dirs.n_files[i] > 0 ? a->calendar_dirs.n_files[i] : 0;
	fn(ctx, &c);
	missing_notices(a, fn, ctx);
	if (a->store != NULL) {
		memset(&c, 0, sizeof c);
		c.kind = APP_CHECK_PROCEDURES;
		c.ok = true;
		c.n = (int64_t)a->procs.n;
		c.text = a->procs_origin;
		fn(ctx, &c);
		memset(&c, 0, sizeof c);
		c.kind = APP_CHECK_STORE;
		c.text = a->db_path;
		c.n = store_schema_version(a->store);
		/* one verdict: sound and writable, or what is wrong with it */
		c.ok = store_check(a->store) == 0;
		if (!c.ok) {
			mc_err_set(&c.err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
		} else if (!store_writable(a->store)) {
			c.ok = false;
			mc_err_set(&c.err, store_fault_errc(store_fault(a->store)), NULL,
				   "%s: opened for reading only: %s", a->db_path,
				   store_fault_words(store_fault(a->store)));
		} else if (store_dossier_count(a->store, NULL, &n) == 0) {
			c.m = n;
		}
		mc_err_field(&c.err, a->db_path);
		fn(ctx, &c);
		fails += !c.ok;
	}
	memset(&c, 0, sizeof c);
	if (!a->have_session) {
		c.kind = APP_CHECK_SIGNIN;
		c.signin = APP_SIGNIN_NO_SESSION;
		c.err = a->systems_error;
		fn(ctx, &c);
		fails++;
	} else {
		struct wait w = {0};
		struct app_clerk clerk;

		c.kind = APP_CHECK_KEYRING;
		c.ok = true;
		app_clerk(a, &clerk);
		c.text = clerk.kept_in;
		fn(ctx, &c);
		if (a->disc == APP_DISC_FAILED) {
			memset(&c, 0, sizeof c);
			c.kind = APP_CHECK_DISCOVERY;
			c.text = a->session.issuer;
			c.err = a->systems_error;
			fn(ctx, &c);
			fails++;
		}
		auth_resume(a->session.auth, on_resume, &w);
		wait_net(a, &w.done);
		app_clerk(a, &clerk);
		memset(&c, 0, sizeof c);
		c.kind = APP_CHECK_SIGNIN;
		c.ok = w.status == AUTH_OK;
		c.text = a->session.issuer;
		c.name = clerk.name;
		c.signin = (enum app_signin_result)w.status;
		mc_err_set(&c.err, MC_OK, NULL, "%s", w.detail);
		fn(ctx, &c);
		fails += !c.ok;
	}
	if (a->n_links == 0 && (a->opt.flags & APP_SYSTEMS) && a->disc != APP_DISC_FAILED) {
		char *dir = xasprintf("%s/sources.d", a->paths.config_dir);
		memset(&c, 0, sizeof c);
		c.kind = APP_CHECK_NO_SYSTEMS;
		c.text = dir;
		fn(ctx, &c);
		free(dir);
		fails++;
	}
	for (size_t i = 0; i < a->n_links; i++)
		check_system(a, a->links[i], fn, ctx, &fails);
	return fails;
}

/* ---- repair ------------------------------------------------------------- */

void
app_repair_release(struct app_repair *r)
{
	free(r->path);
	free(r->aside);
	memset(r, 0, sizeof *r);
}

int
app_doctor_repair(struct app *a, struct app_repair *out, struct mc_err *err)
{
	struct civil_time t = civil_split(app_now(a));
	enum store_fault fault = STORE_FAULT_NONE;
	enum privacy_level level;
	struct store *s = NULL;
	char *why = NULL;

	memset(out, 0, sizeof *out);
	mc_err_clear(err);
	if (a->store != NULL)
		return mc_err_set(err, MC_E_INTERNAL, NULL, "the store is open in this process");
	if (config_ensure_dir(a->paths.data_dir, &why) != 0) {
		mc_err_set(err, MC_E_FILE, NULL, "%s", why);
		mc_err_field(err, a->paths.data_dir);
		free(why);
		return -1;
	}
	out->path = xasprintf("%s/motcua.db", a->paths.data_dir);
	out->aside = xasprintf("%s.damaged-%04d%02d%02d-%02d%02d%02d", out->path, t.date.year,
			       t.date.month, t.date.day, t.hour, t.minute, t.second);
	if (store_repair(out->path, out->aside, &out->report, &fault, &why) != 0) {
		mc_err_set(err, store_fault_errc(fault), NULL, "%s", why != NULL ? why : "");
		mc_err_field(err, out->path);
		free(why);
		return -1;
	}
	if (out->report.missing || out->report.sound) {
		free(out->aside);
		out->aside = NULL;
	}
	/* a new store on purpose: the old log's anchor is of a chain that is gone */
	if (out->report.missing)
		audit_anchor_forget(out->path);
	/* open it as every command will: the same data key, then the audit log */
	if (store_open_ex(out->path, 0, &s, &fault, &why) != 0) {
		mc_err_set(&out->reopen, store_fault_errc(fault), NULL, "%s", why);
		mc_err_field(&out->reopen, out->path);
		free(why);
		return 0;
	}
	if (privacy_open(s, a->paths.data_dir, out->path, &level, &why) != 0) {
		mc_err_set(&out->reopen, store_fault_errc(store_last_fault(s)), NULL, "%s", why);
		mc_err_field(&out->reopen, out->path);
		free(why);
	} else {
		/* against the anchor too: entries the repair could not save show */
		struct store_audit_anchor anchor;
		int found = audit_anchor_read(out->path, &anchor);

		if (store_audit_verify_anchored(s, found == 1 ? &anchor : NULL, &out->audit) == 0)
			out->audit_checked = true;
	}
	store_close(s);
	return 0;
}
