/*
 * outbox_send.c - one entry's action request: the action as the
 * dialect's connector takes it (uploaded file ids or names, result files
 * read inline for dialects that want the contents in the body), then the
 * connector's reading of the answer turned into the job's outcome.
 *
 * It neither decides when to send (the scheduler in outbox_replay.c marks
 * the entry 'sending' first) nor reads the server before a resend
 * (outbox_probe.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "outbox/outbox_int.h"

static void job_send_done(struct net_request *req, const struct net_response *resp, void *arg);

/* The action as the connector takes it; file ids point into the payload. */
static void
job_action(const struct outbox_job *j, struct source_action *act, const char **ids)
{
	bool uploaded = source_takes_uploads(j->src);

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
 * in the action body.  0, or -1 with *why set (no contents).
 */
static int
inline_read(const struct outbox_job *j, struct source_inline_file *files, struct mc_err *why)
{
	for (size_t i = 0; i < j->p.n_files; i++) {
		const struct outbox_file *f = &j->p.files[i];
		int fd = open(f->path, O_RDONLY | O_CLOEXEC);
		struct stat sb;
		unsigned char *buf;
		size_t size, got = 0;

		files[i].name = f->name;
		if (fd < 0 || fstat(fd, &sb) != 0) {
			mc_err_set(why, MC_E_FILE, j->src->name, "%s", strerror(errno));
			mc_err_field(why, f->name);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (sb.st_size > OUTBOX_INLINE_MAX) {
			close(fd);
			mc_err_set(why, MC_E_TOO_LARGE, j->src->name, NULL);
			mc_err_field(why, f->name);
			why->status = OUTBOX_INLINE_MAX / (1024 * 1024);
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
			mc_err_set(why, MC_E_FILE_CHANGED, j->src->name, NULL);
			mc_err_field(why, f->name);
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

void
outbox_job_send(struct outbox_job *j)
{
	struct source_action act;
	const char **ids = xcalloc(j->p.n_files + 1, sizeof *ids);
	struct source_inline_file *files = NULL;
	struct net_request *req;
	struct mc_err why;

	if (!source_can_send(j->src, j->e.action)) {
		/* a profile that does not describe the action: no later attempt
		 * could send it, so the clerk must see it refused, not waiting
		 * (nothing left: the request is never built) */
		free(ids);
		mc_err_set(&why, MC_E_NOT_DESCRIBED, j->src->name, "%s",
			   j->src->profile != NULL ? j->src->profile : "");
		mc_err_field(&why, action_name(j->e.action));
		outbox_job_fail(j, &why);
		return;
	}
	job_action(j, &act, ids);
	if (j->src->ops->files_inline && j->p.n_files > 0) {
		files = xcalloc(j->p.n_files, sizeof *files);
		if (inline_read(j, files, &why) != 0) {
			inline_release(files, j->p.n_files);
			free(ids);
			outbox_job_fail(j, &why);
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
		mc_err_set(&why, MC_E_UNSUPPORTED, j->src->name, NULL);
		mc_err_field(&why, action_name(j->e.action));
		outbox_job_later(j, &why, 60000);
		return;
	}
	j->phase = OUTBOX_PHASE_SEND;
	j->r->stats.sends++;
	outbox_job_submit(j, req, job_send_done);
}

static void
job_send_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct outbox_job *j = arg;
	struct source_action act;
	struct source_result res;
	const char **ids = xcalloc(j->p.n_files + 1, sizeof *ids);
	struct mc_err err;

	(void)req;
	net_request_unref(j->req);
	j->req = NULL;
	outbox_job_account(j, resp);
	source_result_init(&res);
	job_action(j, &act, ids);
	j->src->ops->action_parse(j->src, resp, &act, &res);
	mc_err_set(&err, MC_OK, j->src->name, "%s", res.message != NULL ? res.message : "");
	err.http = resp->result == NET_OK ? (int)resp->status : 0;
	switch (res.outcome) {
	case SOURCE_APPLIED:
		outbox_job_set_server(j, res.has_current ? &res.current : NULL,
				      status_valid(res.current_status) ? res.current_status
								       : j->e.target_status);
		outbox_job_finish(j, OUTBOX_OUT_DONE, NULL);
		break;
	case SOURCE_CONFLICT:
		outbox_job_set_server(j, res.has_current ? &res.current : NULL, res.current_status);
		err.code = MC_E_CONFLICT;
		j->err = err; /* kept while the server's version is read */
		if (source_action_versioned(j->src, j->e.action) && j->srv_version == NULL)
			outbox_job_probe(j, OUTBOX_WHY_CONFLICT);
		else
			outbox_job_finish(j, OUTBOX_OUT_CONFLICT, &err);
		break;
	case SOURCE_REJECTED:
		outbox_job_set_server(j, res.has_current ? &res.current : NULL, res.current_status);
		err.code = MC_E_REFUSED;
		outbox_job_fail(j, &err);
		break;
	case SOURCE_RETRY:
		err.code = resp->result == NET_ERR_INSECURE || resp->result == NET_ERR_TLS
				   ? net_response_errc(resp)
				   : MC_E_UNAVAILABLE;
		outbox_job_later(j, &err,
				 res.retry_after_s >= 0 ? (uint64_t)res.retry_after_s * 1000 : 0);
		break;
	case SOURCE_UNKNOWN:
		j->uncertain = true;
		err.code = resp->result != NET_OK ? MC_E_NETWORK : MC_E_REPLY;
		outbox_job_later(j, &err, 0);
		break;
	case SOURCE_AUTH:
		j->auth = true;
		err.code = MC_E_TOKEN_REFUSED;
		outbox_job_later(j, &err, 1000);
		break;
	}
	free(ids);
	source_result_release(&res);
}

