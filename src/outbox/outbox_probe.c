/*
 * outbox_probe.c - reading the server before acting: the dossier's
 * fingerprint before the first send on a dialect that could not recognise
 * its own action afterwards, settling an entry whose answer was lost on a
 * dialect without idempotency (applied, not applied, or changed), and the
 * server's version after a conflict that did not carry it.  A lost answer
 * is never resent blind: when the server cannot be read it stays a
 * conflict for the official.
 *
 * It also decides what follows the uploads (a probe first, or the mark).
 * It does not send actions (outbox_send.c).
 */
#include <stdlib.h>

#include "core/xalloc.h"
#include "outbox/outbox_int.h"

static void
finish_code(struct outbox_job *j, enum outbox_outcome out, enum mc_errc code)
{
	struct mc_err err;

	mc_err_set(&err, code, j->src->name, NULL);
	outbox_job_finish(j, out, &err);
}

static void job_probe_done(struct net_request *req, const struct net_response *resp,
			   void *arg);

void
outbox_job_probe(struct outbox_job *j, enum outbox_probe_why why)
{
	struct net_request *req = NULL;

	if (j->src->ops->detail_request != NULL && j->src->ops->detail_parse != NULL)
		req = j->src->ops->detail_request(j->src, j->r->opt.net, j->e.code, NULL);
	if (req != NULL)
		net_request_kind(req, "probe");
	if (req == NULL) {
		/* Cannot read the server: a lost answer stays unresolved (never
		 * resent blind); a conflict is stored with what we know. */
		if (why == OUTBOX_WHY_CONFLICT) {
			outbox_job_finish(j, OUTBOX_OUT_CONFLICT, &j->err);
		} else {
			struct mc_err err;
			mc_err_set(&err, MC_E_UNSUPPORTED, j->src->name,
				   "cannot read the server's state to tell whether the action "
				   "was applied");
			mc_err_field(&err, "detail");
			outbox_job_finish(j, OUTBOX_OUT_CONFLICT, &err);
		}
		return;
	}
	j->probe_why = why;
	j->phase = OUTBOX_PHASE_PROBE;
	j->r->stats.probes++;
	outbox_job_submit(j, req, job_probe_done);
}

void
outbox_job_uploaded(struct outbox_job *j)
{
	bool idempotent = source_action_idempotent(j->src, j->e.action);
	bool versioned = source_action_versioned(j->src, j->e.action);

	if (j->uncertain && !idempotent) {
		outbox_job_probe(j, OUTBOX_WHY_LOST);
		return;
	}
	if (!j->uncertain && j->fingerprint == NULL &&
	    outbox_needs_fingerprint(&j->e, idempotent, versioned)) {
		outbox_job_probe(j, OUTBOX_WHY_FINGERPRINT);
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
			outbox_job_set_server(j, &d, j->srv_status);
			outbox_job_finish(j, OUTBOX_OUT_CONFLICT, &j->err);
			break;
		case OUTBOX_WHY_FINGERPRINT:
			if (d.status != j->e.base_status) {
				outbox_job_set_server(j, &d, 0);
				finish_code(j, OUTBOX_OUT_CONFLICT, MC_E_CONFLICT);
				break;
			}
			outbox_fingerprint_of(&d, &fp);
			free(j->fingerprint);
			j->fingerprint = outbox_fingerprint_dump(&fp);
			j->phase = OUTBOX_PHASE_MARK;
			break;
		case OUTBOX_WHY_LOST:
			switch (outbox_probe_decide(&j->e,
						    source_action_versioned(j->src, j->e.action),
						    &d)) {
			case OUTBOX_PROBE_APPLIED:
				outbox_job_set_server(j, &d, j->e.target_status);
				outbox_job_finish(j, OUTBOX_OUT_DONE, NULL);
				break;
			case OUTBOX_PROBE_NOT_APPLIED:
				j->uncertain = false;
				outbox_fingerprint_of(&d, &fp);
				free(j->fingerprint);
				j->fingerprint = outbox_fingerprint_dump(&fp);
				j->phase = OUTBOX_PHASE_MARK;
				break;
			case OUTBOX_PROBE_CONFLICT:
				outbox_job_set_server(j, &d, 0);
				finish_code(j, OUTBOX_OUT_CONFLICT, MC_E_CONFLICT);
				break;
			}
			break;
		}
	} else if (rc == SOURCE_PARSE_NOT_FOUND) {
		finish_code(j, OUTBOX_OUT_FAILED, MC_E_NO_DOSSIER);
		mc_err_field(&j->err, j->e.code);
	} else if (rc == SOURCE_PARSE_AUTH) {
		struct mc_err err;
		j->auth = true;
		mc_err_set(&err, MC_E_TOKEN_REFUSED, j->src->name, NULL);
		err.http = resp->result == NET_OK ? (int)resp->status : 0;
		outbox_job_later(j, &err, 1000);
	} else if (j->probe_why == OUTBOX_WHY_CONFLICT) {
		outbox_job_finish(j, OUTBOX_OUT_CONFLICT, &j->err);
	} else {
		struct mc_err err;
		if (resp->result != NET_OK)
			mc_err_set(&err, net_response_errc(resp), j->src->name, "%s", resp->error);
		else if (resp->status == 429 || resp->status >= 500)
			mc_err_set(&err, MC_E_UNAVAILABLE, j->src->name, NULL);
		else
			mc_err_set(&err, MC_E_REPLY, j->src->name, "%s", cause != NULL ? cause : "");
		err.http = resp->result == NET_OK ? (int)resp->status : 0;
		outbox_job_later(j, &err, 0);
	}
	free(cause);
	dossier_release(&d);
}

