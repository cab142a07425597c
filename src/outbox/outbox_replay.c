/*
 * outbox_replay.c - the replay of the offline queue (outbox_replay.h): the
 * scheduler.  One step per loop turn takes the entries that may go now,
 * starts each job once its source's link is ready, marks the jobs about to
 * send as 'sending' in one durable transaction before any request leaves,
 * and writes the outcomes of finished jobs in another.  Only one process
 * replays a store at a time (an flock beside the store file).
 *
 * Exactly once rests on three rules (doc/outbox.md): an action request is
 * submitted only after its entry is durably 'sending'; a 'sending' entry is
 * resent only with the same client reference, and only after reading the
 * server on dialects that do not deduplicate by it; and the lock above.
 * This file does not build or read requests: the systems' tokens and
 * sessions are their links (sources/link.h), the action requests are in
 * outbox_send.c, the reads of the server in outbox_probe.c, result file
 * uploads in outbox_upload.c (outbox_int.h draws the calls).
 */
#include "outbox/outbox_int.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

static void
store_error(struct outbox_replay *r)
{
	struct mc_err err;

	mc_err_set(&err, store_errc(r->opt.store), NULL, "%s", store_errmsg(r->opt.store));
	outbox_replay_event(r, OUTBOX_EV_STORE, NULL, &err);
}

/* ---- the replay lock ------------------------------------------------------ */

/* One replaying process per store: two would both send a pending entry. */
static bool
take_lock(struct outbox_replay *r)
{
	const char *path = store_path(r->opt.store);
	char *lock;
	size_t n;

	if (r->lock_fd >= 0)
		return true;
	if (path == NULL || strcmp(path, ":memory:") == 0 || path[0] == '\0')
		return true; /* a private store: nobody else can see it */
	n = strlen(path) + sizeof ".replay.lock";
	lock = xmalloc(n);
	snprintf(lock, n, "%s.replay.lock", path);
	r->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	free(lock);
	if (r->lock_fd < 0)
		return false;
	if (flock(r->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		close(r->lock_fd);
		r->lock_fd = -1;
		if (!r->lock_tried)
			outbox_replay_event(r, OUTBOX_EV_LOCKED, NULL, NULL);
		r->lock_tried = true;
		return false;
	}
	return true;
}


/* ---- jobs -------------------------------------------------------------------- */

static void
job_free(struct outbox_job *j)
{
	if (j->waiting_link)
		source_link_forget(j->link, j);
	store_outbox_entry_release(&j->e);
	outbox_payload_release(&j->p);
	free(j->fingerprint);
	free(j->srv_version);
	free(j->srv_raw);
	free(j);
}

/* The store's one-line form of the job's error (NULL when none). */
static char *
job_error(const struct outbox_job *j)
{
	return j->err.code != MC_OK ? mc_err_format(&j->err) : NULL;
}

static bool
has_job(const struct outbox_replay *r, const char *code)
{
	for (const struct outbox_job *j = r->jobs; j != NULL; j = j->next)
		if (strcmp(j->e.code, code) == 0)
			return true;
	return false;
}

static void
job_begin(struct outbox_job *j)
{
	if (outbox_upload_needed(j))
		outbox_upload_next(j);
	else
		outbox_job_uploaded(j);
}

/* The job's system is ready (err NULL), or cannot be reached now. */
static void
on_link(void *arg, struct source_link *l, const struct mc_err *err)
{
	struct outbox_job *j = arg;
	mc_time now = outbox_replay_now(j->r), at;

	j->waiting_link = false;
	if (j->r->freeing)
		return;
	if (err == NULL) {
		job_begin(j);
		return;
	}
	at = source_link_retry_at(l);
	outbox_job_later(j, err, (uint64_t)(at > now ? at - now : 5) * 1000);
}

/* Write one finished job's outcome (inside the step's batch). */
static int
job_write(struct outbox_replay *r, struct outbox_job *j, mc_time now)
{
	struct store_outbox_server srv = {
		.status = j->srv_status,
		.version = j->srv_version,
		.raw_status = j->srv_raw,
		.updated_at = j->srv_updated,
		.finished_at = j->srv_finished,
	};
	uint64_t delay;
	char *error = job_error(j);
	int rc = 0;

	switch (j->outcome) {
	case OUTBOX_OUT_DONE:
		r->stats.applied++;
		outbox_replay_event(r, OUTBOX_EV_DONE, j, NULL);
		rc = store_outbox_done(r->opt.store, j->e.id, &srv, now);
		break;
	case OUTBOX_OUT_CONFLICT:
	case OUTBOX_OUT_FAILED:
		if (j->outcome == OUTBOX_OUT_CONFLICT)
			r->stats.conflicts++;
		else
			r->stats.failed++;
		outbox_replay_event(r,
				    j->outcome == OUTBOX_OUT_CONFLICT ? OUTBOX_EV_CONFLICT
								      : OUTBOX_EV_REFUSED,
				    j, &j->err);
		rc = store_outbox_settle(r->opt.store, j->e.id,
					 j->outcome == OUTBOX_OUT_CONFLICT ? STORE_OUTBOX_CONFLICT
									   : STORE_OUTBOX_FAILED,
					 &srv, error, now);
		break;
	case OUTBOX_OUT_LATER:
		r->stats.retries++;
		if (j->auth && j->link != NULL)
			(void)source_link_refused(j->link);
		delay = j->delay_ms;
		if (delay == 0)
			delay = net_backoff_delay_ms(
				(unsigned)(j->e.attempts > 0 ? j->e.attempts - 1 : 0),
				r->opt.backoff_base_ms > 0 ? r->opt.backoff_base_ms : 1000,
				r->opt.backoff_cap_ms > 0 ? r->opt.backoff_cap_ms : 300000,
				net_random(r->opt.net));
		rc = store_outbox_later(r->opt.store, j->e.id,
					j->uncertain ? STORE_OUTBOX_SENDING : STORE_OUTBOX_PENDING,
					now + (mc_time)((delay + 999) / 1000), error, now);
		break;
	case OUTBOX_OUT_NONE:
		break;
	}
	/* The system answered: it is reachable again, so the entries of its that
	 * wait out an earlier outage's backoff (up to 5 minutes) go now. */
	if (rc == 0 && j->outcome != OUTBOX_OUT_LATER && j->outcome != OUTBOX_OUT_NONE &&
	    j->e.source != NULL)
		rc = store_outbox_wake(r->opt.store, j->e.source, now);
	free(error);
	return rc;
}

/* Outcomes and upload progress of this turn: one transaction. */
static int
flush(struct outbox_replay *r, mc_time now)
{
	struct outbox_job **pp;
	bool any = false;
	int rc = 0;

	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next)
		any = any || j->phase == OUTBOX_PHASE_FINISHED || j->payload_dirty;
	if (!any)
		return 0;
	if (store_begin(r->opt.store) != 0)
		return -1;
	for (struct outbox_job *j = r->jobs; j != NULL && rc == 0; j = j->next) {
		if (j->payload_dirty) {
			char *text = outbox_payload_dump(&j->p);
			rc = store_outbox_set_payload(r->opt.store, j->e.id, text, now);
			free(text);
		}
		if (rc == 0 && j->phase == OUTBOX_PHASE_FINISHED)
			rc = job_write(r, j, now);
	}
	if (rc != 0 || store_commit(r->opt.store) != 0) {
		store_rollback(r->opt.store);
		return -1;
	}
	for (pp = &r->jobs; *pp != NULL;) {
		struct outbox_job *j = *pp;
		j->payload_dirty = false;
		if (j->phase == OUTBOX_PHASE_FINISHED) {
			*pp = j->next;
			r->n_jobs--;
			job_free(j);
		} else {
			pp = &j->next;
		}
	}
	return 0;
}

/* Take new heads that may go now. */
static void
take_new(struct outbox_replay *r, mc_time now)
{
	unsigned max = r->opt.max_jobs > 0 ? r->opt.max_jobs : 64;
	struct store_outbox_entry *v = NULL;
	size_t n = 0;

	if (r->n_jobs >= max)
		return;
	if (store_outbox_ready(r->opt.store, now, max + r->n_jobs, r->opt.only, &v, &n) != 0) {
		store_error(r);
		return;
	}
	for (size_t i = 0; i < n && r->n_jobs < max; i++) {
		struct outbox_job *j;
		struct source_link *l;

		if (has_job(r, v[i].code))
			continue;
		l = r->opt.find_link != NULL ? r->opt.find_link(r->opt.find_arg, v[i].source)
					     : NULL;
		if (l == NULL || (source_link_state(l) == SOURCE_LINK_DOWN &&
				  source_link_retry_at(l) > now)) {
			struct mc_err err;
			char *line;
			if (l == NULL)
				mc_err_set(&err, MC_E_NOT_CONFIGURED, v[i].source, NULL);
			else
				err = *source_link_error(l);
			line = mc_err_format(&err);
			(void)store_outbox_later(r->opt.store, v[i].id, v[i].state,
						 l == NULL ? now + 300 : source_link_retry_at(l),
						 line, now);
			free(line);
			continue;
		}
		j = xcalloc(1, sizeof *j);
		j->r = r;
		j->e = v[i];
		memset(&v[i], 0, sizeof v[i]);
		j->link = l;
		j->src = source_link_source(l);
		j->uncertain = j->e.state == STORE_OUTBOX_SENDING;
		j->fingerprint = xstrdup_or_null(j->e.probe);
		if (outbox_payload_parse(j->e.payload, &j->p) != 0) {
			struct mc_err err;
			outbox_payload_release(&j->p);
			mc_err_set(&err, MC_E_STORE, j->src->name, "the stored payload is unreadable");
			outbox_job_finish(j, OUTBOX_OUT_FAILED, &err);
		} else {
			j->phase = OUTBOX_PHASE_LINK;
		}
		j->next = r->jobs;
		r->jobs = j;
		r->n_jobs++;
	}
	store_outbox_list_free(v, n);
}

/* Mark every job that is about to send, durably, then send. */
static int
mark_and_send(struct outbox_replay *r, mc_time now)
{
	int rc = 0, sent = 0;
	bool any = false;

	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next)
		any = any || j->phase == OUTBOX_PHASE_MARK;
	if (!any)
		return 0;
	if (store_begin(r->opt.store) != 0)
		return -1;
	for (struct outbox_job *j = r->jobs; j != NULL && rc >= 0; j = j->next) {
		if (j->phase != OUTBOX_PHASE_MARK)
			continue;
		rc = store_outbox_mark_sending(r->opt.store, j->e.id, now, j->fingerprint);
		if (rc == 1) { /* dropped or settled meanwhile by another command */
			outbox_job_finish(j, OUTBOX_OUT_NONE, NULL);
			rc = 0;
		}
	}
	if (rc < 0 || store_commit(r->opt.store) != 0) {
		store_rollback(r->opt.store);
		return -1; /* nothing sent: the jobs stay MARK for the next turn */
	}
	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next) {
		if (j->phase != OUTBOX_PHASE_MARK)
			continue;
		j->e.attempts++;
		j->e.state = STORE_OUTBOX_SENDING;
		outbox_job_send(j);
		sent++;
	}
	return sent;
}

int
outbox_replay_step(struct outbox_replay *r)
{
	mc_time now = outbox_replay_now(r);
	int started = 0, rc;

	if (!take_lock(r))
		return 0;
	if (flush(r, now) != 0) {
		store_error(r);
		return -1;
	}
	take_new(r, now);
	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next) {
		if (j->phase != OUTBOX_PHASE_LINK || j->waiting_link)
			continue;
		j->waiting_link = true;
		source_link_want(j->link, on_link, j); /* may answer at once */
		started += j->req != NULL;
	}
	rc = mark_and_send(r, now);
	if (rc < 0) {
		store_error(r);
		return -1;
	}
	return started + rc;
}

bool
outbox_replay_busy(const struct outbox_replay *r)
{
	return r->jobs != NULL;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* How long outbox_replay_run() lets requests in flight run past its wait. */
#define OUTBOX_RUN_SLACK_MS ((int64_t)5 * 60 * 1000)

int
outbox_replay_run(struct outbox_replay *r, int64_t max_wait_ms)
{
	return outbox_replay_run_limit(r, max_wait_ms, 0);
}

int
outbox_replay_run_limit(struct outbox_replay *r, int64_t max_wait_ms, int64_t limit_ms)
{
	uint64_t start = mono_ms();

	if (limit_ms <= 0)
		limit_ms = (max_wait_ms > 0 ? max_wait_ms : 0) + OUTBOX_RUN_SLACK_MS;

	for (;;) {
		if (outbox_replay_step(r) < 0)
			return -1;
		if (r->lock_fd < 0 && strcmp(store_path(r->opt.store), ":memory:") != 0)
			return 1;
		if (!outbox_replay_busy(r)) {
			mc_time at, now = outbox_replay_now(r);
			int64_t n_open, wait_ms;

			if (store_outbox_next_due(r->opt.store, r->opt.only, &at, &n_open) != 0)
				return -1;
			if (n_open == 0)
				return 0;
			wait_ms = at > now ? (at - now) * 1000 : 100;
			if ((int64_t)(mono_ms() - start) + wait_ms > max_wait_ms)
				return 1;
			if (net_poll(r->opt.net, (int)(wait_ms > 1000 ? 1000 : wait_ms), NULL, 0) < 0)
				return -1;
			continue;
		}
		/* Requests in flight over a link that crawls must not hold the
		 * command for ever: past the wait plus OUTBOX_RUN_SLACK_MS it ends;
		 * what is in flight is cancelled when the replay is freed, and an
		 * action that may have left stays 'sending' for the next run. */
		if ((int64_t)(mono_ms() - start) > limit_ms)
			return 1;
		if (net_poll(r->opt.net, 200, NULL, 0) < 0)
			return -1;
	}
}

void
outbox_replay_get_stats(const struct outbox_replay *r, struct outbox_replay_stats *out)
{
	*out = r->stats;
}

struct outbox_replay *
outbox_replay_new(const struct outbox_replay_options *opt)
{
	struct outbox_replay *r = xcalloc(1, sizeof *r);

	r->opt = *opt;
	r->lock_fd = -1;
	return r;
}

void
outbox_replay_free(struct outbox_replay *r)
{
	if (r == NULL)
		return;
	r->freeing = true;
	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next) {
		if (j->waiting_link) {
			source_link_forget(j->link, j);
			j->waiting_link = false;
		}
		if (j->req != NULL)
			net_cancel(j->req);
	}
	/* Let the cancelled callbacks run; they only touch our jobs. */
	for (;;) {
		bool inflight = false;
		for (struct outbox_job *j = r->jobs; j != NULL; j = j->next)
			inflight = inflight || j->req != NULL;
		if (!inflight || net_poll(r->opt.net, 100, NULL, 0) < 0)
			break;
	}
	/* Whatever finished is still worth writing (a done stays done). */
	(void)flush(r, outbox_replay_now(r));
	while (r->jobs != NULL) {
		struct outbox_job *j = r->jobs;
		r->jobs = j->next;
		job_free(j);
	}
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	free(r);
}
