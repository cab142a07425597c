/*
 * outbox_job.c - a queue entry being worked on: its outcome, the server
 * state to store with it, its requests and their accounting
 * (outbox_int.h).  Every other file of the replay calls these; these call
 * none of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "outbox/outbox_int.h"

mc_time
outbox_replay_now(const struct outbox_replay *r)
{
	return r->opt.now != NULL ? r->opt.now(r->opt.now_arg) : (mc_time)time(NULL);
}

void
outbox_replay_event(struct outbox_replay *r, enum outbox_event_kind kind,
		    const struct outbox_job *j, const struct mc_err *err)
{
	struct outbox_event ev = {
		.kind = kind,
		.id = j != NULL ? j->e.id : 0,
		.code = j != NULL ? j->e.code : NULL,
		.action = j != NULL ? j->e.action : ACTION_RECEIVE,
		.system = err != NULL ? err->system : NULL,
		.err = err,
	};

	if (r->opt.event != NULL)
		r->opt.event(r->opt.event_ctx, &ev);
}

size_t
outbox_replay_chunk(const struct outbox_replay *r)
{
	return r->opt.chunk_bytes > 0 ? r->opt.chunk_bytes : 64 * 1024;
}

void
outbox_job_account(struct outbox_job *j, const struct net_response *resp)
{
	j->r->stats.requests++;
	j->r->stats.bytes_in += resp->bytes_in;
	j->r->stats.bytes_out += resp->bytes_out;
	if (j->link != NULL)
		source_link_answered(j->link, resp);
}

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
outbox_job_finish(struct outbox_job *j, enum outbox_outcome out, const struct mc_err *err)
{
	struct mc_err copy;

	if (err != NULL)
		copy = *err; /* err may be &j->err */
	else
		mc_err_clear(&copy);
	if (copy.code != MC_OK && copy.system[0] == '\0' && j->src != NULL)
		snprintf(copy.system, sizeof copy.system, "%s", j->src->name);
	j->phase = OUTBOX_PHASE_FINISHED;
	j->outcome = out;
	j->err = copy;
}

void
outbox_job_later(struct outbox_job *j, const struct mc_err *err, uint64_t delay_ms)
{
	j->delay_ms = delay_ms;
	outbox_job_finish(j, OUTBOX_OUT_LATER, err);
}

void
outbox_job_fail(struct outbox_job *j, const struct mc_err *err)
{
	outbox_job_finish(j, OUTBOX_OUT_FAILED, err);
}

void
outbox_job_fail_code(struct outbox_job *j, enum mc_errc code, const char *field)
{
	struct mc_err err;

	mc_err_set(&err, code, j->src != NULL ? j->src->name : NULL, NULL);
	mc_err_field(&err, field);
	outbox_job_fail(j, &err);
}

void
outbox_job_submit(struct outbox_job *j, struct net_request *req, net_done_fn *done)
{
	j->req = net_request_ref(req);
	net_request_on_done(req, done, j);
	net_submit(j->r->opt.net, req);
}
