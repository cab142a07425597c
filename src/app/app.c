/*
 * app.c - opening and closing the application and the loop turn (app.h);
 * the one-shot runs of the command line are app_run.c.
 *
 * The loop turn is the one place that decides what runs beside the clerk;
 * each engine is an explicit state machine of its own (the pull in
 * src/sync, the replay and the audit log's shipping in src/outbox, the
 * links in src/sources), driven from the network callbacks and stepped
 * here once per turn.  Nothing is pulled or sent while the front end holds
 * the engines (the console, until its first sign-in is settled: no tokens
 * yet).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "app/app_int.h"
#include "app/sign_job.h"
#include "auth/auth.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "store/outbox.h"


#define PULL_EVERY_S 300
#define DISCOVERY_WAIT_MS 30000
#define MAX_REPORTS 64

/* ---- small things ------------------------------------------------------- */

#ifdef MOTCUA_UNITTEST
/*
 * Test builds only: MOTCUA_TEST_CLOCK names a file holding the time, in
 * seconds since the epoch, that every app of the test takes as now, so that
 * a test moves the clock of a running console and of a command together
 * (tests/tui/core.sh).  Release builds have no such door.
 */
static bool
test_clock(mc_time *now)
{
	const char *path = getenv("MOTCUA_TEST_CLOCK");
	long long t;
	FILE *f;
	int n;

	if (path == NULL || path[0] == '\0' || (f = fopen(path, "r")) == NULL)
		return false;
	n = fscanf(f, "%lld", &t);
	fclose(f);
	if (n != 1)
		return false;
	*now = (mc_time)t;
	return true;
}
#endif

mc_time
app_now(const struct app *a)
{
#ifdef MOTCUA_UNITTEST
	mc_time t;
	if (a->opt.now == NULL && test_clock(&t))
		return t;
#endif
	return a->opt.now != NULL ? a->opt.now(a->opt.now_arg) : (mc_time)time(NULL);
}

void
app_warn(struct app *a, const struct mc_err *w)
{
	if (a->opt.warn != NULL)
		a->opt.warn(a->opt.warn_ctx, w);
}

void
app_warnf(struct app *a, enum mc_errc code, const char *system, const char *field,
	  const char *fmt, ...)
{
	struct mc_err e;
	char buf[512];

	buf[0] = '\0';
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
	}
	mc_err_set(&e, code, system, "%s", buf);
	mc_err_field(&e, field);
	app_warn(a, &e);
}

void
app_emit(struct app *a, const struct app_event *ev)
{
	if (a->event != NULL)
		a->event(a->event_ctx, ev);
}

void
app_set_events(struct app *a, app_event_fn *fn, void *ctx)
{
	a->event = fn;
	a->event_ctx = ctx;
}

const struct config *
app_config(const struct app *a)
{
	return &a->cfg;
}

const struct config_paths *
app_paths(const struct app *a)
{
	return &a->paths;
}

void
app_paths_for(const char *config_file, struct config_paths *out)
{
	config_paths_init(out, config_file);
}

void
app_paths_release(struct config_paths *p)
{
	config_paths_release(p);
}

const struct config_error *
app_config_problem(const struct app *a)
{
	return &a->cfg_problem;
}




bool
app_ids_sealed(const struct app *a)
{
	return a->privacy == PRIVACY_SEALED;
}

struct calendar *
app_calendar(struct app *a)
{
	return a->cal;
}

struct net *
app_net(struct app *a)
{
	return a->net;
}

void
app_wakeup(struct app *a)
{
	if (a != NULL && a->net != NULL)
		net_wakeup(a->net);
}

int
app_wait(struct app *a, int timeout_ms, int fd)
{
	struct net_waitfd in = {.fd = fd, .events = NET_POLLIN};

	if (net_poll(a->net, timeout_ms, fd >= 0 ? &in : NULL, fd >= 0 ? 1 : 0) < 0)
		return -1;
	return fd >= 0 && in.revents != 0 ? 1 : 0;
}

void
app_horizon(struct app *a, mc_time now, struct deadline_horizon *out)
{
	int64_t work = (int64_t)a->cfg.due_soon_minutes * 60;

	if (work <= 0)
		work = -1; /* one working day */
	if (deadline_horizon_at(a->cal, &a->cfg.worktime, now, work, out) != 0) {
		out->now = now;
		out->soon_end = now + STORE_SOON_DEFAULT;
	}
}

enum store_due_class
app_due_class(struct app *a, int status, mc_time due_at, mc_time now)
{
	struct deadline_horizon h;

	if (status_is_finished(status))
		return STORE_DUE_FINISHED;
	if (due_at == 0)
		return STORE_DUE_NONE;
	app_horizon(a, now, &h);
	switch (deadline_classify_at(&h, due_at)) {
	case DEADLINE_OVERDUE:
		return STORE_DUE_OVERDUE;
	case DEADLINE_DUE_SOON:
		return STORE_DUE_SOON;
	default:
		return STORE_DUE_OK;
	}
}

/* ---- opening ------------------------------------------------------------ */

static char *
join(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
load_procedures(struct app *a)
{
	char *path = config_paths_find(&a->paths, "procedures.json"), *cause = NULL;

	if (path != NULL) {
		if (procedures_load(path, &a->procs, &cause) == 0) {
			a->procs_file = path;
			a->procs_origin = path;
			return;
		}
		/* a bad catalogue: the built-in one, said */
		app_warnf(a, MC_E_CONFIG, NULL, NULL, "%s", cause != NULL ? cause : path);
		free(cause);
		free(path);
	}
	procedures_builtin(&a->procs);
	a->procs_origin = "built-in";
}

static void
defs_warn(void *ctx, const char *msg)
{
	app_warnf(ctx, MC_E_CONFIG, NULL, NULL, "%s", msg);
}

void
app_defs_load(struct app *a)
{
	if (a->defs_loaded)
		return;
	a->defs_loaded = true;
	free(a->sources_dir);
	a->sources_dir = config_paths_find(&a->paths, "sources.d");
	if (a->sources_dir != NULL)
		a->n_defs = source_defs_load_dir(a->sources_dir, &a->defs, defs_warn, a);
	app_defs_fingerprint(a);
}

static void
sync_event(void *ctx, const struct sync_event *ev)
{
	struct app *a = ctx;
	struct app_event e = {
		.kind = ev->kind == SYNC_EV_REFUSED   ? APP_EV_REFUSED_DOSSIER
			: ev->kind == SYNC_EV_SUSPECT ? APP_EV_SUSPECT_DOSSIER
			: ev->kind == SYNC_EV_TOTAL_GREW ? APP_EV_TOTAL_GREW
			: ev->kind == SYNC_EV_RESYNC ? APP_EV_RESYNC
			: ev->kind == SYNC_EV_PROFILE_CHANGED ? APP_EV_PROFILE_CHANGED
						      : APP_EV_PULL_FAILED,
		.system = ev->system,
		.detail = ev->detail,
		.err = ev->err,
	};

	app_emit(a, &e);
}

static mc_time
sync_now(void *arg)
{
	return app_now(arg);
}

static int
open_store(struct app *a, struct mc_err *err)
{
	char *why = NULL, *degraded = NULL;
	enum store_fault fault = STORE_FAULT_NONE;
	unsigned flags = 0;

	if (config_ensure_dir(a->paths.data_dir, &why) != 0) {
		mc_err_set(err, MC_E_FILE, NULL, "%s", why);
		mc_err_field(err, a->paths.data_dir);
		free(why);
		return -1;
	}
	a->db_path = join(a->paths.data_dir, "motcua.db");
	/* gone while its data key stayed: lost work, never made anew silently */
	if (store_file_absent(a->db_path, NULL) && privacy_key_kept(a->paths.data_dir))
		flags |= STORE_OPEN_MUST_EXIST;
	if (store_open_ex(a->db_path, flags, &a->store, &fault, &why) != 0) {
		mc_err_set(err, store_fault_errc(fault), NULL, "%s", why);
		mc_err_field(err, a->db_path);
		free(why);
		return -1;
	}
	/* opened, but it cannot be written (damaged, a read-only or full disk) */
	if (fault != STORE_FAULT_NONE)
		degraded = xstrdup(store_errmsg(a->store));
	a->store_degraded = fault != STORE_FAULT_NONE;
	/* what the audit anchor follows from (the keying below may add entries) */
	(void)store_audit_anchor_get(a->store, &a->anchor_seen);
	/* 0700/0600, and ID numbers sealed or not kept (doc/security.md) */
	if (privacy_open(a->store, a->paths.data_dir, a->db_path, &a->privacy, &why) != 0) {
		mc_err_set(err, store_fault_errc(store_last_fault(a->store)), NULL, "%s", why);
		mc_err_field(err, a->db_path);
		free(why);
		free(degraded);
		return -1;
	}
	if (degraded != NULL)
		app_warnf(a, store_fault_errc(fault), NULL, a->db_path, "%s", degraded);
	free(degraded);
	return 0;
}

static void
open_session(struct app *a)
{
	char *why = NULL;
	struct auth_session_options so = {
		.issuer = a->opt.issuer,
		.client_id = a->opt.client_id,
		.config_issuer = a->cfg.issuer,
		.config_client_id = a->cfg.client_id,
		.data_dir = a->paths.data_dir,
	};
	int rc = auth_session_open(&a->session, &so, &why);

	if (rc == 0) {
		a->have_session = true;
		a->net = a->session.net;
		app_trust_net(a, a->net);
		app_tokens_init(&a->tokens, a->session.auth);
		return;
	}
	/* No server known is not a failure (a terminal never signed in); a
	 * malformed one is said (MC_E_CONFIG). */
	if (rc == AUTH_SESSION_NO_ISSUER)
		mc_err_set(&a->systems_error, MC_E_SIGNED_OUT, NULL, NULL);
	else
		mc_err_set(&a->systems_error, MC_E_CONFIG, NULL, "%s", why != NULL ? why : "");
	free(why);
	auth_session_release(&a->session);
}

static int
open_systems(struct app *a, struct mc_err *err)
{
	const char *nwhy = NULL;

	if (a->net == NULL) {
		a->net = net_new(&nwhy);
		a->own_net = true;
		if (a->net == NULL)
			return mc_err_set(err, MC_E_INTERNAL, NULL, "%s",
					  nwhy != NULL ? nwhy : "cannot start the network layer");
		app_trust_net(a, a->net);
	}
	app_defs_load(a);
	a->sync = sync_new(&(struct sync_options){
		.net = a->net,
		.store = a->store,
		.cal = a->cal,
		.wt = &a->cfg.worktime,
		.procs = &a->procs,
		.now = sync_now,
		.now_arg = a,
		.event = sync_event,
		.event_ctx = a,
		.account_bytes = true,
	});
	if (a->have_session) {
		app_discovery_start(a);
		if (a->opt.flags & APP_WAIT_DISCOVERY) {
			struct timespec t0, t;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			while (a->disc == APP_DISC_PENDING) {
				if (net_poll(a->net, 500, NULL, 0) < 0)
					break;
				clock_gettime(CLOCK_MONOTONIC, &t);
				if ((t.tv_sec - t0.tv_sec) * 1000 > DISCOVERY_WAIT_MS)
					break;
			}
		}
	}
	app_systems_build(a);
	return 0;
}

int
app_systems_open(struct app *a, bool wait_discovery, struct mc_err *err)
{
	mc_err_clear(err);
	if (a->sync != NULL)
		return 0;
	a->opt.flags |= APP_SYSTEMS | APP_SIGN_IN | (wait_discovery ? APP_WAIT_DISCOVERY : 0);
	return open_systems(a, err);
}

/* The file's modification time and size; zero when it cannot be seen. */
static void
config_stamp(const char *path, struct timespec *mtime, off_t *size)
{
	struct stat sb;

	memset(mtime, 0, sizeof *mtime);
	*size = 0;
	if (path != NULL && stat(path, &sb) == 0) {
		*mtime = sb.st_mtim;
		*size = sb.st_size;
	}
}

void
app_config_signing_refresh(struct app *a)
{
	struct timespec mtime;
	struct config fresh;
	struct config_signing old;
	off_t size;

	config_stamp(a->paths.config_file, &mtime, &size);
	if (mtime.tv_sec == a->cfg_mtime.tv_sec && mtime.tv_nsec == a->cfg_mtime.tv_nsec &&
	    size == a->cfg_size)
		return;
	a->cfg_mtime = mtime;
	a->cfg_size = size;
	config_init(&fresh);
	if (config_load(&fresh, a->paths.config_file, &a->cfg_problem) < 0) {
		struct mc_err w;
		mc_err_set(&w, MC_E_CONFIG, NULL, NULL);
		mc_err_field(&w, a->paths.config_file);
		app_warn(a, &w); /* app_config_problem() says what */
		config_release(&fresh);
		return;
	}
	old = a->cfg.signing;
	a->cfg.signing = fresh.signing;
	fresh.signing = old; /* released with the rest */
	config_release(&fresh);
}

int
app_open(struct app **out, const struct app_options *opt, struct mc_err *err)
{
	struct app *a = xcalloc(1, sizeof *a);

	*out = NULL;
	mc_err_clear(err);
	a->opt = *opt;
	if (a->opt.flags & APP_SYSTEMS)
		a->opt.flags |= APP_SIGN_IN;
	a->pull_every_s = opt->pull_every_s > 0 ? opt->pull_every_s : PULL_EVERY_S;
	config_paths_init(&a->paths, opt->config_file);
	config_init(&a->cfg);
	config_stamp(a->paths.config_file, &a->cfg_mtime, &a->cfg_size);
	if (config_load(&a->cfg, a->paths.config_file, &a->cfg_problem) < 0) {
		/* never run on defaults behind the clerk's back */
		mc_err_set(err, MC_E_CONFIG, NULL, NULL);
		mc_err_field(err, a->paths.config_file);
		if (opt->config_error != NULL)
			*opt->config_error = a->cfg_problem;
		goto fail;
	}
	a->cal = app_calendar_open(&a->paths, opt->calendar_dir, opt->warn, opt->warn_ctx,
				   &a->calendar_dirs);
	calendar_set_workweek(a->cal, a->cfg.workweek);
	auth_lock_init(&a->lock, a->cfg.lock_idle_minutes, a->cfg.lock_grace_minutes,
		       app_now(a));
	if (!(a->opt.flags & APP_NO_STORE)) {
		if (open_store(a, err) != 0)
			goto fail;
		load_procedures(a);
		/* before anything reads a due date; a failure is warned, not fatal */
		(void)app_due_refresh(a, false);
	}
	if (a->opt.flags & APP_SIGN_IN) {
		auth_json_wipe_on_free(); /* tokens, OTPs and SADs pass through JSON */
		open_session(a);
	}
	if ((a->opt.flags & APP_SYSTEMS) && open_systems(a, err) != 0)
		goto fail;
	*out = a;
	return 0;
fail:
	app_close(a);
	return -1;
}

void
app_close(struct app *a)
{
	if (a == NULL)
		return;
	app_sign_free(a);
	app_detail_free(a);
	app_download_free(a);
	outbox_replay_free(a->replay); /* cancels, polls the net: before the links go */
	app_audit_anchor_follow(a);
	audit_ship_free(a->ship);
	sync_free(a->sync);
	if (a->net != NULL) {
		net_cancel_all(a->net);
		net_run_until_done(a->net);
	}
	app_systems_free(a); /* the links: after everything that waited on them */
	if (a->have_session)
		auth_session_release(&a->session); /* cancels, wipes, frees its net */
	else if (a->own_net)
		net_free(a->net);
	store_close(a->store);
	procedures_release(&a->procs);
	calendar_free(a->cal);
	free(a->procs_file);
	app_calendar_dirs_release(&a->calendar_dirs);
	free(a->sources_dir);
	free(a->db_path);
	free(a->actor);
	config_release(&a->cfg);
	config_paths_release(&a->paths);
	free(a);
}

/* ---- the loop turn ------------------------------------------------------ */

static void
replay_event(void *ctx, const struct outbox_event *ev)
{
	static const enum app_event_kind kinds[] = {
		[OUTBOX_EV_DONE] = APP_EV_SENT,         [OUTBOX_EV_CONFLICT] = APP_EV_CONFLICT,
		[OUTBOX_EV_REFUSED] = APP_EV_REFUSED,   [OUTBOX_EV_WAITING] = APP_EV_WAITING,
		[OUTBOX_EV_LOCKED] = APP_EV_LOCKED,     [OUTBOX_EV_STORE] = APP_EV_STORE,
	};
	struct app_event e = {
		.kind = kinds[ev->kind],
		.system = ev->system,
		.entry = ev->id,
		.code = ev->code,
		.action = ev->action,
		.err = ev->err,
	};

	app_emit(ctx, &e);
}

static struct source_link *
find_link(void *arg, const char *name)
{
	return app_link(arg, name);
}

static mc_time
replay_now(void *arg)
{
	return app_now(arg);
}

struct outbox_replay *
app_replay_new(struct app *a, struct source_link *(*find)(void *arg, const char *name),
	       void *find_arg, const char *only, uint64_t backoff_cap_ms)
{
	/* the official's name goes with every action sent */
	if (a->actor == NULL && a->have_session) {
		struct auth_info info;
		auth_get_info(a->session.auth, &info);
		a->actor = xstrdup_or_null(info.name);
	}
	return outbox_replay_new(&(struct outbox_replay_options){
		.store = a->store,
		.net = a->net,
		.find_link = find,
		.find_arg = find_arg,
		.only = only,
		.actor = a->actor,
		.now = replay_now,
		.now_arg = a,
		.event = replay_event,
		.event_ctx = a,
		.backoff_cap_ms = backoff_cap_ms,
	});
}

struct outbox_replay *
app_replay(struct app *a)
{
	if (a->replay == NULL)
		a->replay = app_replay_new(a, find_link, a, NULL, 0);
	return a->replay;
}

struct audit_ship *
app_ship(struct app *a)
{
	if (a->ship == NULL && a->have_session) {
		struct source_link *l = app_coordination_link(a);
		if (l != NULL)
			a->ship = audit_ship_new(&(struct audit_ship_options){
				.store = a->store,
				.net = a->net,
				.link = l,
				.issuer = a->session.issuer,
			});
	}
	return a->ship;
}

static int64_t
changes_so_far(const struct app *a)
{
	struct sync_report r[MAX_REPORTS];
	size_t n = sync_reports(a->sync, r, MAX_REPORTS);
	int64_t sum = 0;

	for (size_t i = 0; i < n && i < MAX_REPORTS; i++)
		sum += r[i].n_new + r[i].n_changed;
	return sum;
}

static uint64_t
replay_outcomes(const struct app *a)
{
	struct outbox_replay_stats st;

	if (a->replay == NULL)
		return 0;
	outbox_replay_get_stats(a->replay, &st);
	return st.applied + st.conflicts + st.failed + st.retries + st.sends;
}

void
app_hold(struct app *a, bool hold)
{
	a->hold = hold;
}

/*
 * The systems that answered the pass are reachable again: their queued
 * entries waiting out an earlier outage's backoff (up to 5 minutes) go at
 * once, not several passes later.
 */
static void
wake_answered(struct app *a, mc_time now)
{
	struct sync_report r[MAX_REPORTS];
	size_t n = sync_reports(a->sync, r, MAX_REPORTS);

	for (size_t i = 0; i < n && i < MAX_REPORTS; i++)
		if (r[i].ran && r[i].ok)
			(void)store_outbox_wake(a->store, r[i].name, now);
}

static unsigned
pull_turn(struct app *a, mc_time now)
{
	unsigned ch = 0;
	bool busy;
	int64_t sum, purged = 0;

	if (a->sync == NULL)
		return 0;
	if (!sync_busy(a->sync) && now >= a->next_pull_at && a->n_in_sync > 0) {
		sync_start(a->sync, NULL);
		a->next_pull_at = now + a->pull_every_s;
		ch |= APP_CHANGED_SYSTEMS;
	}
	sync_flush(a->sync);
	busy = sync_busy(a->sync);
	sum = changes_so_far(a);
	/* a new pass starts its counts at 0 again */
	if (sum != a->seen_sum && sum != 0)
		ch |= APP_CHANGED_DOSSIERS | APP_CHANGED_QUEUE;
	a->seen_sum = sum;
	if (a->was_pulling && !busy) {
		/* statuses, ages and marks at the end of a pass; then retention */
		ch |= APP_CHANGED_DOSSIERS | APP_CHANGED_SYSTEMS;
		wake_answered(a, now);
		if (app_retention(a, &purged) == 0 && purged > 0)
			ch |= APP_CHANGED_DOSSIERS;
	}
	a->was_pulling = busy;
	return ch;
}

unsigned
app_turn(struct app *a, mc_time now)
{
	unsigned ch = 0;

	if (a->have_session && (a->opt.flags & APP_SYSTEMS) &&
	    (a->disc == APP_DISC_NONE || (a->disc == APP_DISC_FAILED && now >= a->disc_retry_at)))
		app_discovery_start(a);
	if (a->opt.flags & APP_SYSTEMS) {
		size_t before = a->n_links;
		app_systems_build(a);
		if (a->n_links != before)
			ch |= APP_CHANGED_SYSTEMS;
	}
	if (!a->hold && (a->opt.flags & APP_SYSTEMS)) {
		uint64_t rsum;

		ch |= pull_turn(a, now);
		outbox_replay_step(app_replay(a));
		rsum = replay_outcomes(a);
		if (rsum != a->replay_sum)
			ch |= APP_CHANGED_QUEUE | APP_CHANGED_DOSSIERS;
		a->replay_sum = rsum;
		audit_ship_step(app_ship(a), now);
	}
	if (now != a->anchor_turn_at) {
		a->anchor_turn_at = now;
		app_audit_anchor_follow(a);
	}
	ch |= app_detail_turn(a, now);
	ch |= app_download_turn(a);
	ch |= app_sign_turn(a, now);
	return ch;
}

int
app_pull_now(struct app *a, const char *only)
{
	if (a->sync == NULL || a->n_in_sync == 0)
		return -1;
	if (only != NULL && app_link(a, only) == NULL)
		return -1;
	for (size_t i = 0; i < a->n_links; i++)
		if (only == NULL || strcmp(source_link_name(a->links[i]), only) == 0)
			source_link_retry_now(a->links[i]);
	/* the clerk asked for it now: the queue too, whatever its backoff */
	(void)store_outbox_wake(a->store, only, app_now(a));
	return sync_start(a->sync, only);
}

bool
app_progress(struct app *a, struct app_progress *p)
{
	struct sync_report r[MAX_REPORTS];
	size_t n;

	if (a->sync == NULL || !sync_busy(a->sync))
		return false;
	memset(p, 0, sizeof *p);
	n = sync_reports(a->sync, r, MAX_REPORTS);
	for (size_t i = 0; i < n && i < MAX_REPORTS; i++) {
		if (!r[i].ran)
			continue;
		p->total++;
		if (!r[i].ok && r[i].error == NULL)
			p->running++;
		p->dossiers += r[i].n_seen;
	}
	return true;
}
