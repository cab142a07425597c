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
 * This file does not build or read requests: the links are in
 * outbox_replay_link.c, the action requests in outbox_replay_send.c, the
 * reads of the server in outbox_replay_probe.c, result file uploads in
 * outbox_upload.c.
 */
#include "outbox/outbox_replay_int.h"

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

mc_time
outbox_replay_now(const struct outbox_replay *r)
{
	return r->opt.now != NULL ? r->opt.now(r->opt.now_arg) : (mc_time)time(NULL);
}

void
outbox_replay_log(struct outbox_replay *r, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (r->opt.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	r->opt.log(r->opt.log_ctx, line);
}

size_t
outbox_replay_chunk(const struct outbox_replay *r)
{
	return r->opt.chunk_bytes > 0 ? r->opt.chunk_bytes : 64 * 1024;
}

struct net *
outbox_replay_net(const struct outbox_replay *r)
{
	return r->opt.net;
}

void
outbox_replay_count_upload(struct outbox_replay *r, bool resumed)
{
	if (resumed)
		r->stats.upload_resumed++;
	else
		r->stats.uploads++;
}

void
outbox_job_account(struct outbox_job *j, const struct net_response *resp)
{
	j->r->stats.requests++;
	j->r->stats.bytes_in += resp->bytes_in;
	j->r->stats.bytes_out += resp->bytes_out;
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
			outbox_replay_log(r, "outbox: another motcua is sending the queue; "
					  "waiting for it");
		r->lock_tried = true;
		return false;
	}
	return true;
}


/* ---- finishing jobs ---------------------------------------------------------- */

void
outbox_job_set_server(struct outbox_job *j, const struct dossier *d, int status)
{
	free(j->srv_version);
	free(j->srv_raw);
	j->srv_version = NULL;
	j->srv_raw = NULL;
	j->srv_status = status;
	if (d != NULL) {
		if (status_valid(d->status))
			j->srv_status = d->status;
		j->srv_version = xstrdup_or_null(d->version);
		j->srv_raw = xstrdup_or_null(d->raw_status);
		j->srv_updated = d->updated_at;
		j->srv_finished = d->finished_at;
	}
}

void
outbox_job_finish(struct outbox_job *j, enum outbox_outcome out, const char *message)
{
	char *copy = xstrdup_or_null(message); /* message may be j->message */

	j->phase = OUTBOX_PHASE_FINISHED;
	j->outcome = out;
	free(j->message);
	j->message = copy;
}

void
outbox_job_later(struct outbox_job *j, const char *message, uint64_t delay_ms)
{
	j->delay_ms = delay_ms;
	outbox_job_finish(j, OUTBOX_OUT_LATER, message);
}

void
outbox_job_fail(struct outbox_job *j, const char *message)
{
	outbox_job_finish(j, OUTBOX_OUT_FAILED, message);
}


void
outbox_job_submit(struct outbox_job *j, struct net_request *req, net_done_fn *done)
{
	j->req = net_request_ref(req);
	net_request_on_done(req, done, j);
	net_submit(j->r->opt.net, req);
}


/* ---- jobs -------------------------------------------------------------------- */

static void
job_free(struct outbox_job *j)
{
	store_outbox_entry_release(&j->e);
	outbox_payload_release(&j->p);
	free(j->fingerprint);
	free(j->srv_version);
	free(j->srv_raw);
	free(j->message);
	free(j);
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
	if (outbox_upload_supported(j->src) && outbox_upload_needed(j))
		outbox_upload_next(j);
	else
		outbox_job_uploaded(j);
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
	struct outbox_link *l;
	uint64_t delay;

	switch (j->outcome) {
	case OUTBOX_OUT_DONE:
		r->stats.applied++;
		outbox_replay_log(r, "outbox #%" PRId64 " %s %s: done", j->e.id, j->e.code,
				  action_name(j->e.action));
		return store_outbox_done(r->opt.store, j->e.id, &srv, now);
	case OUTBOX_OUT_CONFLICT:
	case OUTBOX_OUT_FAILED:
		if (j->outcome == OUTBOX_OUT_CONFLICT)
			r->stats.conflicts++;
		else
			r->stats.failed++;
		outbox_replay_log(r, "outbox #%" PRId64 " %s %s: %s: %s", j->e.id, j->e.code,
				  action_name(j->e.action),
				  j->outcome == OUTBOX_OUT_CONFLICT ? "conflict" : "refused",
				  j->message != NULL ? j->message : "");
		return store_outbox_settle(r->opt.store, j->e.id,
					   j->outcome == OUTBOX_OUT_CONFLICT ? STORE_OUTBOX_CONFLICT
									     : STORE_OUTBOX_FAILED,
					   &srv, j->message, now);
	case OUTBOX_OUT_LATER:
		r->stats.retries++;
		if (j->auth && (l = outbox_link_get(r, j->e.source)) != NULL)
			outbox_link_refused(l);
		delay = j->delay_ms;
		if (delay == 0)
			delay = net_backoff_delay_ms(
				(unsigned)(j->e.attempts > 0 ? j->e.attempts - 1 : 0),
				r->opt.backoff_base_ms > 0 ? r->opt.backoff_base_ms : 1000,
				r->opt.backoff_cap_ms > 0 ? r->opt.backoff_cap_ms : 300000,
				net_random(r->opt.net));
		return store_outbox_later(r->opt.store, j->e.id,
					  j->uncertain ? STORE_OUTBOX_SENDING : STORE_OUTBOX_PENDING,
					  now + (mc_time)((delay + 999) / 1000), j->message, now);
	case OUTBOX_OUT_NONE:
		break;
	}
	return 0;
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
	if (store_outbox_ready(r->opt.store, now, max + r->n_jobs, &v, &n) != 0) {
		outbox_replay_log(r, "outbox: %s", store_errmsg(r->opt.store));
		return;
	}
	for (size_t i = 0; i < n && r->n_jobs < max; i++) {
		struct outbox_job *j;
		struct outbox_link *l;

		if (has_job(r, v[i].code))
			continue;
		l = outbox_link_get(r, v[i].source);
		if (l->src == NULL || l->state == OUTBOX_LINK_DOWN) {
			const char *why = l->src == NULL ? "the system is not configured"
							 : l->why;
			(void)store_outbox_later(r->opt.store, v[i].id, v[i].state,
						 l->src == NULL ? now + 300 : l->down_until, why, now);
			continue;
		}
		j = xcalloc(1, sizeof *j);
		j->r = r;
		j->e = v[i];
		memset(&v[i], 0, sizeof v[i]);
		j->src = l->src;
		j->uncertain = j->e.state == STORE_OUTBOX_SENDING;
		j->fingerprint = xstrdup_or_null(j->e.probe);
		if (outbox_payload_parse(j->e.payload, &j->p) != 0) {
			outbox_payload_release(&j->p);
			outbox_job_finish(j, OUTBOX_OUT_FAILED, "the stored payload is unreadable");
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
		outbox_replay_log(r, "outbox: %s", store_errmsg(r->opt.store));
		return -1;
	}
	take_new(r, now);
	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next) {
		if (j->phase != OUTBOX_PHASE_LINK)
			continue;
		struct outbox_link *l = outbox_link_get(r, j->e.source);
		if (outbox_link_ready(l)) {
			job_begin(j);
			started += j->req != NULL;
		} else if (l->state == OUTBOX_LINK_DOWN || l->src == NULL) {
			outbox_job_later(j, l->why != NULL ? l->why : "unavailable",
					 (uint64_t)(l->down_until > now ? l->down_until - now : 5) *
						 1000);
		}
	}
	rc = mark_and_send(r, now);
	if (rc < 0) {
		outbox_replay_log(r, "outbox: %s", store_errmsg(r->opt.store));
		return -1;
	}
	return started + rc;
}

bool
outbox_replay_busy(const struct outbox_replay *r)
{
	for (const struct outbox_link *l = r->links; l != NULL; l = l->next)
		if (l->state == OUTBOX_LINK_TOKEN || l->state == OUTBOX_LINK_LOGIN)
			return true;
	return r->jobs != NULL;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
outbox_replay_run(struct outbox_replay *r, int64_t max_wait_ms)
{
	uint64_t start = mono_ms();

	for (;;) {
		if (outbox_replay_step(r) < 0)
			return -1;
		if (r->lock_fd < 0 && strcmp(store_path(r->opt.store), ":memory:") != 0)
			return 1;
		if (!outbox_replay_busy(r)) {
			mc_time at, now = outbox_replay_now(r);
			int64_t n_open, wait_ms;

			if (store_outbox_next_due(r->opt.store, &at, &n_open) != 0)
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
	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next)
		if (j->req != NULL)
			net_cancel(j->req);
	for (struct outbox_link *l = r->links; l != NULL; l = l->next)
		if (l->req != NULL)
			net_cancel(l->req);
	/* Let the cancelled callbacks run; they only touch our jobs.  A token
	 * request cannot be cancelled from here: wait for it a little. */
	bool token_pending = false;
	for (int turns = 0;; turns++) {
		bool inflight = false;
		token_pending = false;
		for (struct outbox_job *j = r->jobs; j != NULL; j = j->next)
			inflight = inflight || j->req != NULL;
		for (struct outbox_link *l = r->links; l != NULL; l = l->next) {
			inflight = inflight || l->req != NULL;
			token_pending = token_pending || l->state == OUTBOX_LINK_TOKEN;
		}
		if (!inflight && (!token_pending || turns > 100))
			break;
		if (net_poll(r->opt.net, 100, NULL, 0) < 0)
			break;
	}
	/* Whatever finished is still worth writing (a done stays done). */
	(void)flush(r, outbox_replay_now(r));
	while (r->jobs != NULL) {
		struct outbox_job *j = r->jobs;
		r->jobs = j->next;
		job_free(j);
	}
	/* A token callback still to come would find its link freed: keep them. */
	while (!token_pending && r->links != NULL) {
		struct outbox_link *l = r->links;
		r->links = l->next;
		free(l->name);
		free(l->why);
		free(l);
	}
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	free(r);
}
