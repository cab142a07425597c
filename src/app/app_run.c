/*
 * app_run.c - the one-shot runs of the command line (app.h): `motcua sync`
 * (the pull with the queue's replay interleaved, within a time limit),
 * `queue send --wait`, audit shipping and retention, each until done or
 * its limit, on the same engines the console's loop turns (app.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_int.h"
#include "net/net.h"
#include "store/outbox.h"

#define MAX_REPORTS 64

/* ---- one-shot runs ------------------------------------------------------ */

static int64_t
mono_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
app_sync_limit(struct app *a, int64_t ms)
{
	a->run_limit_ms = ms > 0 ? ms : 0;
	if (a->sync != NULL)
		sync_set_max_pass_ms(a->sync, (uint64_t)a->run_limit_ms);
}

/* app_sync and app_resync: from the stored positions, or from the start. */
static int
run_sync(struct app *a, const char *only, bool from_start, int64_t queue_wait_ms,
	 struct mc_err *err)
{
	struct sync_report r[MAX_REPORTS];
	size_t n;
	int rc = 0;

	mc_err_clear(err);
	if (a->sync == NULL || a->n_in_sync == 0) {
		if (a->systems_error.code != MC_OK && a->systems_error.code != MC_E_NO_CONNECTOR)
			*err = a->systems_error;
		else
			mc_err_set(err, MC_E_NO_CONNECTOR, NULL, NULL);
		return -1;
	}
	if (only != NULL && app_link(a, only) == NULL) {
		if (a->systems_error.code != MC_OK && a->systems_error.code != MC_E_NO_CONNECTOR)
			*err = a->systems_error; /* the discovery failed: say why */
		else
			mc_err_set(err, MC_E_NOT_CONFIGURED, only, NULL);
		return -1;
	}
	if ((from_start ? sync_resync(a->sync, only) : sync_start(a->sync, only)) != 0) {
		mc_err_set(err, MC_E_NOT_CONFIGURED, only, NULL);
		return -1;
	}
	/* The queue goes out while the pulls run, each system's as soon as its
	 * link is ready (as in the console): a system that pulls for an hour
	 * holds back no other system's actions. */
	(void)store_outbox_wake(a->store, only, app_now(a));
	a->run_deadline_ms = a->run_limit_ms > 0 ? mono_now_ms() + a->run_limit_ms : 0;
	while (sync_busy(a->sync)) {
		sync_flush(a->sync);
		if (!sync_busy(a->sync))
			break;
		if (only == NULL)
			(void)outbox_replay_step(app_replay(a));
		if (net_poll(a->net, 1000, NULL, 0) < 0)
			break;
	}
	sync_flush(a->sync);
	if (a->run_deadline_ms > 0) {
		int64_t left = a->run_deadline_ms - mono_now_ms();
		if (queue_wait_ms > left)
			queue_wait_ms = left > 0 ? left : 0;
	}
	(void)app_queue_send(a, only, queue_wait_ms, 0);
	a->run_deadline_ms = 0;
	(void)app_audit_ship(a, queue_wait_ms, NULL);
	(void)app_retention(a, NULL);
	n = sync_reports(a->sync, r, MAX_REPORTS);
	for (size_t i = 0; i < n && i < MAX_REPORTS; i++)
		if (r[i].ran && !r[i].ok)
			rc = 1;
	return rc;
}

int
app_sync(struct app *a, const char *only, int64_t queue_wait_ms, struct mc_err *err)
{
	return run_sync(a, only, false, queue_wait_ms, err);
}

int
app_resync(struct app *a, const char *only, int64_t queue_wait_ms, struct mc_err *err)
{
	return run_sync(a, only, true, queue_wait_ms, err);
}

size_t
app_sync_reports(struct app *a, struct app_sync_report *out, size_t max)
{
	struct sync_report r[MAX_REPORTS];
	size_t n;

	if (a->sync == NULL)
		return 0;
	n = sync_reports(a->sync, r, MAX_REPORTS);
	for (size_t i = 0; i < n && i < max && i < MAX_REPORTS; i++)
		out[i] = (struct app_sync_report){
			.name = r[i].name,
			.ran = r[i].ran,
			.ok = r[i].ok,
			.n_new = r[i].n_new,
			.n_changed = r[i].n_changed,
			.n_rejected = r[i].n_rejected,
			.n_seen = r[i].n_seen,
			.bytes_in = r[i].bytes_in,
			.bytes_out = r[i].bytes_out,
			.pull_in = r[i].pull_in,
			.pull_out = r[i].pull_out,
			.ms = r[i].ms,
			.error = r[i].error,
		};
	return n < MAX_REPORTS ? n : MAX_REPORTS;
}

/* The replay limited to one system (queue send --source, sync --source). */
struct only_ctx {
	struct app *a;
	const char *only;
};

static struct source_link *
find_only(void *arg, const char *name)
{
	struct only_ctx *c = arg;

	if (c->only != NULL && strcmp(c->only, name) != 0)
		return NULL;
	return app_link(c->a, name);
}

int
app_queue_send(struct app *a, const char *only, int64_t max_wait_ms, uint64_t backoff_cap_ms)
{
	struct only_ctx c = {a, only};
	struct outbox_replay *r;
	int64_t limit = a->run_limit_ms;
	int rc;

	if (a->run_deadline_ms > 0) { /* inside app_sync: what its limit leaves */
		limit = a->run_deadline_ms - mono_now_ms();
		if (limit < 1)
			limit = 1;
	}
	if (a->net == NULL)
		return -1;
	/* asked for now: not after the backoff of an earlier failure */
	if (store_outbox_wake(a->store, only, app_now(a)) != 0)
		return -1;
	if (only == NULL && backoff_cap_ms == 0) {
		r = app_replay(a);
		return outbox_replay_run_limit(r, max_wait_ms, limit);
	}
	/* a replay of its own: limited to one system, or other waits */
	r = app_replay_new(a, find_only, &c, only, backoff_cap_ms);
	rc = outbox_replay_run_limit(r, max_wait_ms, limit);
	if (a->replay == NULL) {
		a->replay = r; /* its stats are the report */
	} else {
		outbox_replay_free(r);
	}
	return rc;
}

void
app_queue_report(struct app *a, struct app_queue_report *out)
{
	struct outbox_replay_stats st = {0};
	int64_t counts[STORE_OUTBOX_N_STATES];

	memset(out, 0, sizeof *out);
	if (a->replay != NULL)
		outbox_replay_get_stats(a->replay, &st);
	out->applied = st.applied;
	out->conflicts = st.conflicts;
	out->failed = st.failed;
	out->retries = st.retries;
	out->sends = st.sends;
	out->probes = st.probes;
	out->uploads = st.uploads;
	out->upload_resumed = st.upload_resumed;
	out->requests = st.requests;
	out->bytes_in = st.bytes_in;
	out->bytes_out = st.bytes_out;
	if (store_outbox_counts(a->store, counts) == 0)
		out->remaining = counts[STORE_OUTBOX_PENDING] + counts[STORE_OUTBOX_SENDING];
}

int
app_audit_ship(struct app *a, int64_t max_wait_ms, struct app_audit_report *out)
{
	struct audit_ship_stats st;
	struct audit_ship *s = app_ship(a);
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (s == NULL)
		return 0;
	rc = audit_ship_run(s, max_wait_ms, &st);
	if (out != NULL) {
		out->configured = true;
		out->shipped = st.shipped;
		out->duplicates = st.duplicates;
		out->waiting = st.waiting;
		out->conflict = st.conflict;
		out->error = st.error;
	}
	return rc;
}

int
app_retention(struct app *a, int64_t *n)
{
	int rc;

	a->purged = 0;
	rc = privacy_retention(a->store, a->cfg.retention_days, app_now(a), &a->purged);
	if (n != NULL)
		*n = a->purged;
	return rc;
}

int64_t
app_retention_last(const struct app *a)
{
	return a->purged;
}
