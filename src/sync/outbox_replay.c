/*
 * outbox_replay.c - the replay of the offline queue (outbox_replay.h): per
 * source a link (token, session), per entry a job moving through LINK,
 * UPLOAD, PROBE, MARK, SEND and FINISHED, and one step per loop turn that
 * writes outcomes and marks sends in batched transactions.
 *
 * Exactly once rests on three rules (doc/outbox.md): an action request is
 * submitted only after its entry is durably 'sending'; a 'sending' entry is
 * resent only with the same client reference, and only after reading the
 * server on dialects that do not deduplicate by it; and only one process
 * replays a store at a time (an flock beside the store file).  Result file
 * uploads are in outbox_upload.c.
 */
#include "sync/outbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

enum link_state { LINK_NONE = 0, LINK_TOKEN, LINK_LOGIN, LINK_READY, LINK_DOWN };

struct link {
	struct outbox_replay *r;
	struct link *next;
	char *name;
	struct source *src;        /* NULL: not configured */
	enum link_state state;
	mc_time down_until;
	char *why;
	int auth_failures;         /* refused tokens in a row */
	struct net_request *req;   /* login in flight */
};

struct outbox_replay {
	struct outbox_replay_options opt;
	struct outbox_job *jobs;
	size_t n_jobs;
	struct link *links;
	struct outbox_replay_stats stats;
	int lock_fd;               /* -1: not holding the replay lock */
	bool lock_tried;
	bool freeing;
};

static mc_time
now_of(const struct outbox_replay *r)
{
	return r->opt.now != NULL ? r->opt.now(r->opt.now_arg) : (mc_time)time(NULL);
}

static void
logf_(struct outbox_replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
logf_(struct outbox_replay *r, const char *fmt, ...)
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
			logf_(r, "outbox: another motcua is sending the queue; waiting for it");
		r->lock_tried = true;
		return false;
	}
	return true;
}

/* ---- links: a source with its token and session ---------------------------- */

static void link_token_done(void *arg, const char *token, const char *why);

static struct link *
link_get(struct outbox_replay *r, const char *name)
{
	struct link *l;

	for (l = r->links; l != NULL; l = l->next)
		if (strcmp(l->name, name) == 0)
			return l;
	l = xcalloc(1, sizeof *l);
	l->r = r;
	l->name = xstrdup(name);
	l->src = r->opt.find_source != NULL ? r->opt.find_source(r->opt.find_arg, name) : NULL;
	l->next = r->links;
	r->links = l;
	return l;
}

static void
link_down(struct link *l, const char *why, int64_t seconds)
{
	l->state = LINK_DOWN;
	l->down_until = now_of(l->r) + seconds;
	free(l->why);
	l->why = xstrdup(why != NULL ? why : "unavailable");
	logf_(l->r, "outbox: %s: %s", l->name, l->why);
}

static void
link_login_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct link *l = arg;
	char *cause = NULL;

	(void)req;
	net_request_unref(l->req);
	l->req = NULL;
	l->r->stats.requests++;
	if (l->r->freeing) {
		l->state = LINK_NONE;
		return;
	}
	if (l->src->ops->login_parse(l->src, resp, &cause) == 0) {
		l->state = LINK_READY;
	} else {
		link_down(l, cause != NULL ? cause : "login failed", 10);
	}
	free(cause);
}

static void
link_token_done(void *arg, const char *token, const char *why)
{
	struct link *l = arg;

	if (token == NULL) {
		link_down(l, why != NULL ? why : "no token", 10);
		return;
	}
	source_set_token(l->src, token);
	if (l->src->ops->login_request != NULL && l->src->ops->login_parse != NULL) {
		struct net_request *req = l->src->ops->login_request(l->src, l->r->opt.net);
		if (req == NULL) {
			link_down(l, "cannot build the login", 300);
			return;
		}
		l->state = LINK_LOGIN;
		l->req = net_request_ref(req);
		net_request_on_done(req, link_login_done, l);
		net_submit(l->r->opt.net, req);
		return;
	}
	l->state = LINK_READY;
}

/* Start getting the link ready (if it is not); true when ready now. */
static bool
link_ready(struct link *l)
{
	if (l->src == NULL)
		return false;
	if (l->state == LINK_DOWN && now_of(l->r) >= l->down_until)
		l->state = LINK_NONE;
	if (l->state == LINK_NONE) {
		if (l->r->opt.tokens == NULL || l->r->opt.tokens->get == NULL) {
			l->state = LINK_READY;
		} else {
			l->state = LINK_TOKEN;
			l->r->opt.tokens->get(l->r->opt.tokens->ctx, l->name, link_token_done, l);
		}
	}
	return l->state == LINK_READY;
}

/* The source refused the token or session: fetch both anew. */
static void
link_refused(struct link *l)
{
	if (l->state != LINK_READY)
		return;
	if (l->r->opt.tokens != NULL && l->r->opt.tokens->invalidate != NULL)
		l->r->opt.tokens->invalidate(l->r->opt.tokens->ctx, l->name);
	if (++l->auth_failures >= 3) {
		link_down(l, "token refused three times", 60);
		l->auth_failures = 0;
		return;
	}
	l->state = LINK_NONE;
}

/* ---- finishing jobs ---------------------------------------------------------- */

static void
set_server_from(struct outbox_job *j, const struct dossier *d, int status)
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

static void
finish(struct outbox_job *j, enum outbox_outcome out, const char *message)
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
	finish(j, OUTBOX_OUT_LATER, message);
}

void
outbox_job_fail(struct outbox_job *j, const char *message)
{
	finish(j, OUTBOX_OUT_FAILED, message);
}

/* ---- probes and sends ---------------------------------------------------------- */

static void job_send_done(struct net_request *req, const struct net_response *resp, void *arg);
static void job_probe_done(struct net_request *req, const struct net_response *resp,
			   void *arg);

static void
submit(struct outbox_job *j, struct net_request *req, net_done_fn *done)
{
	j->req = net_request_ref(req);
	net_request_on_done(req, done, j);
	net_submit(j->r->opt.net, req);
}

static void
job_probe(struct outbox_job *j, enum outbox_probe_why why)
{
	struct net_request *req = NULL;

	if (j->src->ops->detail_request != NULL && j->src->ops->detail_parse != NULL)
		req = j->src->ops->detail_request(j->src, j->r->opt.net, j->e.code, NULL);
	if (req == NULL) {
		/* Cannot read the server: a lost answer stays unresolved (never
		 * resent blind); a conflict is stored with what we know. */
		if (why == OUTBOX_WHY_CONFLICT)
			finish(j, OUTBOX_OUT_CONFLICT, j->message);
		else
			finish(j, OUTBOX_OUT_CONFLICT, "cannot read the server's state to tell "
						      "whether the action was applied");
		return;
	}
	j->probe_why = why;
	j->phase = OUTBOX_PHASE_PROBE;
	j->r->stats.probes++;
	submit(j, req, job_probe_done);
}

void
outbox_job_uploaded(struct outbox_job *j)
{
	const struct source_ops *ops = j->src->ops;

	if (j->uncertain && !ops->has_idempotency) {
		job_probe(j, OUTBOX_WHY_LOST);
		return;
	}
	if (!j->uncertain && j->fingerprint == NULL &&
	    outbox_needs_fingerprint(&j->e, ops->has_idempotency, ops->has_versions)) {
		job_probe(j, OUTBOX_WHY_FINGERPRINT);
		return;
	}
	j->phase = OUTBOX_PHASE_MARK;
}

static void
job_probe_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct outbox_job *j = arg;
	struct dossier d;
	char *cause = NULL;
	int rc;

	(void)req;
	net_request_unref(j->req);
	j->req = NULL;
	outbox_job_account(j, resp);
	dossier_init(&d);
	rc = j->src->ops->detail_parse(j->src, resp, &d, &cause);
	if (rc == SOURCE_PARSE_OK) {
		struct outbox_fingerprint fp;

		switch (j->probe_why) {
		case OUTBOX_WHY_CONFLICT:
			set_server_from(j, &d, j->srv_status);
			finish(j, OUTBOX_OUT_CONFLICT, j->message);
			break;
		case OUTBOX_WHY_FINGERPRINT:
			if (d.status != j->e.base_status) {
				set_server_from(j, &d, 0);
				finish(j, OUTBOX_OUT_CONFLICT, "the dossier changed at the server");
				break;
			}
			outbox_fingerprint_of(&d, &fp);
			free(j->fingerprint);
			j->fingerprint = outbox_fingerprint_dump(&fp);
			j->phase = OUTBOX_PHASE_MARK;
			break;
		case OUTBOX_WHY_LOST:
			switch (outbox_probe_decide(&j->e, j->src->ops->has_versions, &d)) {
			case OUTBOX_PROBE_APPLIED:
				set_server_from(j, &d, j->e.target_status);
				finish(j, OUTBOX_OUT_DONE, "applied (seen at the server)");
				break;
			case OUTBOX_PROBE_NOT_APPLIED:
				j->uncertain = false;
				outbox_fingerprint_of(&d, &fp);
				free(j->fingerprint);
				j->fingerprint = outbox_fingerprint_dump(&fp);
				j->phase = OUTBOX_PHASE_MARK;
				break;
			case OUTBOX_PROBE_CONFLICT:
				set_server_from(j, &d, 0);
				finish(j, OUTBOX_OUT_CONFLICT, "the dossier changed at the server");
				break;
			}
			break;
		}
	} else if (rc == SOURCE_PARSE_NOT_FOUND) {
		outbox_job_fail(j, "the dossier is not at the server");
	} else if (rc == SOURCE_PARSE_AUTH) {
		j->auth = true;
		outbox_job_later(j, "token refused", 1000);
	} else if (j->probe_why == OUTBOX_WHY_CONFLICT) {
		finish(j, OUTBOX_OUT_CONFLICT, j->message);
	} else {
		outbox_job_later(j, cause != NULL ? cause : resp->error, 0);
	}
	free(cause);
	dossier_release(&d);
}

/* The action as the connector takes it; file ids point into the payload. */
static void
job_action(const struct outbox_job *j, struct source_action *act, const char **ids)
{
	bool uploaded = outbox_upload_supported(j->src);

	memset(act, 0, sizeof *act);
	act->code = j->e.code;
	act->action = j->e.action;
	act->idempotency_key = j->e.idem_key;
	act->base_version = j->e.base_version;
	act->reason = j->p.reason;
	act->actor = j->r->opt.actor;
	act->to_unit = j->p.to_unit;
	for (size_t i = 0; i < j->p.n_files; i++)
		ids[i] = uploaded && j->p.files[i].file_id != NULL ? j->p.files[i].file_id
								   : j->p.files[i].name;
	act->file_ids = ids;
	act->n_files = j->p.n_files;
}

/* Largest result file sent inline in an action body (files_inline dialects). */
#define OUTBOX_INLINE_MAX (10 * 1024 * 1024)

/*
 * Read every result file of j into files[] (n_files of them, each .bytes
 * malloc'd: free with inline_release) for a dialect that takes the contents
 * in the action body.  0, or -1 with a human reason in why (no contents).
 */
static int
inline_read(const struct outbox_job *j, struct source_inline_file *files, char *why,
	    size_t why_len)
{
	for (size_t i = 0; i < j->p.n_files; i++) {
		const struct outbox_file *f = &j->p.files[i];
		int fd = open(f->path, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		unsigned char *buf;
		size_t size, got = 0;

		files[i].name = f->name;
		if (fd < 0 || fstat(fd, &sb) != 0) {
			snprintf(why, why_len, "cannot read the result file '%s': %s", f->name,
				 strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (sb.st_size > OUTBOX_INLINE_MAX) {
			close(fd);
			snprintf(why, why_len,
				 "the result file '%s' is over %d MB, the most this system "
				 "takes inline",
				 f->name, OUTBOX_INLINE_MAX / (1024 * 1024));
			return -1;
		}
		size = (size_t)sb.st_size;
		buf = xmalloc(size + 1);
		while (got <= size) { /* one byte more: a file that grew is noticed */
			ssize_t n = read(fd, buf + got, size + 1 - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		close(fd);
		if (got != size) {
			free(buf);
			snprintf(why, why_len, "the result file '%s' changed while it was read",
				 f->name);
			return -1;
		}
		files[i].bytes = buf;
		files[i].len = got;
	}
	return 0;
}

/* files may be NULL. */
static void
inline_release(struct source_inline_file *files, size_t n)
{
	if (files == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free((void *)files[i].bytes);
	free(files);
}

static void
job_send(struct outbox_job *j)
{
	struct source_action act;
	const char **ids = xcalloc(j->p.n_files + 1, sizeof *ids);
	struct source_inline_file *files = NULL;
	struct net_request *req;
	char why[512] = "";

	job_action(j, &act, ids);
	if (j->src->ops->files_inline && j->p.n_files > 0) {
		files = xcalloc(j->p.n_files, sizeof *files);
		if (inline_read(j, files, why, sizeof why) != 0) {
			inline_release(files, j->p.n_files);
			free(ids);
			outbox_job_fail(j, why);
			return;
		}
		act.inline_files = files;
		act.n_inline = j->p.n_files;
	}
	req = j->src->ops->action_request != NULL
		      ? j->src->ops->action_request(j->src, j->r->opt.net, &act)
		      : NULL;
	inline_release(files, j->p.n_files);
	free(ids);
	if (req == NULL) {
		/* marked 'sending' but nothing left: the next attempt decides */
		outbox_job_later(j, "the connector cannot send this action", 60000);
		return;
	}
	j->phase = OUTBOX_PHASE_SEND;
	j->r->stats.sends++;
	submit(j, req, job_send_done);
}

static void
job_send_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct outbox_job *j = arg;
	struct source_action act;
	struct source_result res;
	const char **ids = xcalloc(j->p.n_files + 1, sizeof *ids);

	(void)req;
	net_request_unref(j->req);
	j->req = NULL;
	outbox_job_account(j, resp);
	source_result_init(&res);
	job_action(j, &act, ids);
	j->src->ops->action_parse(j->src, resp, &act, &res);
	switch (res.outcome) {
	case SOURCE_APPLIED:
		set_server_from(j, res.has_current ? &res.current : NULL,
				status_valid(res.current_status) ? res.current_status
								 : j->e.target_status);
		finish(j, OUTBOX_OUT_DONE, NULL);
		break;
	case SOURCE_CONFLICT:
		set_server_from(j, res.has_current ? &res.current : NULL, res.current_status);
		free(j->message);
		j->message = xstrdup_or_null(res.message);
		if (j->src->ops->has_versions && j->srv_version == NULL)
			job_probe(j, OUTBOX_WHY_CONFLICT);
		else
			finish(j, OUTBOX_OUT_CONFLICT, res.message);
		break;
	case SOURCE_REJECTED:
		set_server_from(j, res.has_current ? &res.current : NULL, res.current_status);
		outbox_job_fail(j, res.message != NULL ? res.message : "refused");
		break;
	case SOURCE_RETRY:
		outbox_job_later(j, res.message,
				 res.retry_after_s >= 0 ? (uint64_t)res.retry_after_s * 1000 : 0);
		break;
	case SOURCE_UNKNOWN:
		j->uncertain = true;
		outbox_job_later(j, res.message, 0);
		break;
	case SOURCE_AUTH:
		j->auth = true;
		outbox_job_later(j, res.message, 1000);
		break;
	}
	free(ids);
	source_result_release(&res);
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
	struct link *l;
	uint64_t delay;

	switch (j->outcome) {
	case OUTBOX_OUT_DONE:
		r->stats.applied++;
		logf_(r, "outbox #%" PRId64 " %s %s: done", j->e.id, j->e.code,
		      action_name(j->e.action));
		return store_outbox_done(r->opt.store, j->e.id, &srv, now);
	case OUTBOX_OUT_CONFLICT:
	case OUTBOX_OUT_FAILED:
		if (j->outcome == OUTBOX_OUT_CONFLICT)
			r->stats.conflicts++;
		else
			r->stats.failed++;
		logf_(r, "outbox #%" PRId64 " %s %s: %s: %s", j->e.id, j->e.code,
		      action_name(j->e.action),
		      j->outcome == OUTBOX_OUT_CONFLICT ? "conflict" : "refused",
		      j->message != NULL ? j->message : "");
		return store_outbox_settle(r->opt.store, j->e.id,
					   j->outcome == OUTBOX_OUT_CONFLICT ? STORE_OUTBOX_CONFLICT
									     : STORE_OUTBOX_FAILED,
					   &srv, j->message, now);
	case OUTBOX_OUT_LATER:
		r->stats.retries++;
		if (j->auth && (l = link_get(r, j->e.source)) != NULL)
			link_refused(l);
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
		logf_(r, "outbox: %s", store_errmsg(r->opt.store));
		return;
	}
	for (size_t i = 0; i < n && r->n_jobs < max; i++) {
		struct outbox_job *j;
		struct link *l;

		if (has_job(r, v[i].code))
			continue;
		l = link_get(r, v[i].source);
		if (l->src == NULL || l->state == LINK_DOWN) {
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
			finish(j, OUTBOX_OUT_FAILED, "the stored payload is unreadable");
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
			finish(j, OUTBOX_OUT_NONE, NULL);
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
		job_send(j);
		sent++;
	}
	return sent;
}

int
outbox_replay_step(struct outbox_replay *r)
{
	mc_time now = now_of(r);
	int started = 0, rc;

	if (!take_lock(r))
		return 0;
	if (flush(r, now) != 0) {
		logf_(r, "outbox: %s", store_errmsg(r->opt.store));
		return -1;
	}
	take_new(r, now);
	for (struct outbox_job *j = r->jobs; j != NULL; j = j->next) {
		if (j->phase != OUTBOX_PHASE_LINK)
			continue;
		struct link *l = link_get(r, j->e.source);
		if (link_ready(l)) {
			job_begin(j);
			started += j->req != NULL;
		} else if (l->state == LINK_DOWN || l->src == NULL) {
			outbox_job_later(j, l->why != NULL ? l->why : "unavailable",
					 (uint64_t)(l->down_until > now ? l->down_until - now : 5) *
						 1000);
		}
	}
	rc = mark_and_send(r, now);
	if (rc < 0) {
		logf_(r, "outbox: %s", store_errmsg(r->opt.store));
		return -1;
	}
	return started + rc;
}

bool
outbox_replay_busy(const struct outbox_replay *r)
{
	for (const struct link *l = r->links; l != NULL; l = l->next)
		if (l->state == LINK_TOKEN || l->state == LINK_LOGIN)
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
			mc_time at, now = now_of(r);
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
	for (struct link *l = r->links; l != NULL; l = l->next)
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
		for (struct link *l = r->links; l != NULL; l = l->next) {
			inflight = inflight || l->req != NULL;
			token_pending = token_pending || l->state == LINK_TOKEN;
		}
		if (!inflight && (!token_pending || turns > 100))
			break;
		if (net_poll(r->opt.net, 100, NULL, 0) < 0)
			break;
	}
	/* Whatever finished is still worth writing (a done stays done). */
	(void)flush(r, now_of(r));
	while (r->jobs != NULL) {
		struct outbox_job *j = r->jobs;
		r->jobs = j->next;
		job_free(j);
	}
	/* A token callback still to come would find its link freed: keep them. */
	while (!token_pending && r->links != NULL) {
		struct link *l = r->links;
		r->links = l->next;
		free(l->name);
		free(l->why);
		free(l);
	}
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	free(r);
}
