/*
 * detail.c - one dossier's detail from its system, on demand (detail.h).
 *
 *     start -> LINK (token, session) -> READ -> done
 *                  \-> refused once: LINK again, then READ once more
 */
#include "sync/detail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/outbox.h"
#include "sync/sync.h"

struct sync_detail {
	struct sync_detail_options opt;
	char *code;
	char *version;
	struct source *src;
	struct net_request *req;
	bool link_wait;
	bool running;
	bool retried_auth;
	bool orphan;             /* freed while a request was in flight */
};

static void
destroy(struct sync_detail *j)
{
	free(j->code);
	free(j->version);
	free(j);
}

static void
finish(struct sync_detail *j, struct sync_detail_result *r)
{
	j->running = false;
	j->opt.done(j->opt.arg, r);
}

static void
finish_err(struct sync_detail *j, const struct mc_err *err)
{
	struct sync_detail_result r = {.status = SYNC_DETAIL_FAILED};

	r.err = *err;
	snprintf(r.err.system, sizeof r.err.system, "%s", j->src->name);
	finish(j, &r);
}

static void
finish_code(struct sync_detail *j, enum mc_errc code, int http, const char *detail)
{
	struct mc_err err;

	mc_err_set(&err, code, j->src->name, "%s", detail != NULL ? detail : "");
	err.http = http;
	finish_err(j, &err);
}

static void want_link(struct sync_detail *j);

static void
on_reply(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct sync_detail *j = arg;
	struct sync_detail_result r = {.status = SYNC_DETAIL_OK};
	struct dossier d;
	char *cause = NULL;
	int http = resp->result == NET_OK ? (int)resp->status : 0;
	int rc;

	(void)req;
	net_request_unref(j->req);
	j->req = NULL;
	if (j->orphan) {
		destroy(j);
		return;
	}
	if (resp->result == NET_ERR_CANCELLED) {
		finish_code(j, MC_E_CANCELLED, 0, NULL);
		return;
	}
	source_link_answered(j->opt.link, resp);
	dossier_init(&d);
	rc = j->src->ops->detail_parse(j->src, resp, &d, &cause);
	r.bytes_in = resp->bytes_in;
	switch (rc) {
	case SOURCE_PARSE_OK:
		if (d.code == NULL || strcmp(d.code, j->code) != 0) {
			/* a server answering for another dossier is not believed */
			dossier_release(&d);
			finish_code(j, MC_E_REPLY, http, "the answer is about another dossier");
			break;
		}
		r.dossier = &d;
		finish(j, &r);
		break;
	case SOURCE_PARSE_NOT_MODIFIED:
		r.status = SYNC_DETAIL_CURRENT;
		finish(j, &r);
		break;
	case SOURCE_PARSE_NOT_FOUND: {
		struct mc_err err;
		mc_err_set(&err, MC_E_NO_DOSSIER, j->src->name, NULL);
		mc_err_field(&err, j->code);
		err.http = http;
		finish_err(j, &err);
		break;
	}
	case SOURCE_PARSE_AUTH:
		if (!j->retried_auth && source_link_refused(j->opt.link)) {
			j->retried_auth = true;
			want_link(j);
		} else {
			finish_code(j, MC_E_TOKEN_REFUSED, http, NULL);
		}
		break;
	default:
		if (resp->result != NET_OK)
			finish_code(j, net_response_errc(resp), 0, resp->error);
		else if (resp->status == 429 || resp->status >= 500)
			finish_code(j, MC_E_UNAVAILABLE, http, cause);
		else if (resp->status >= 400)
			finish_code(j, MC_E_HTTP, http, cause);
		else
			finish_code(j, MC_E_REPLY, http, cause);
		break;
	}
	dossier_release(&d);
	free(cause);
}

static void
read_detail(struct sync_detail *j)
{
	struct net_request *req;

	req = j->src->ops->detail_request(j->src, j->opt.net, j->code, j->version);
	if (req == NULL) {
		finish_code(j, MC_E_INTERNAL, 0, "cannot build the detail request");
		return;
	}
	net_request_kind(req, "detail");
	net_request_on_done(req, on_reply, j);
	j->req = net_request_ref(req);
	net_submit(j->opt.net, req);
}

static void
on_link(void *arg, struct source_link *l, const struct mc_err *err)
{
	struct sync_detail *j = arg;

	(void)l;
	j->link_wait = false;
	if (err != NULL) {
		finish_err(j, err);
		return;
	}
	read_detail(j);
}

static void
want_link(struct sync_detail *j)
{
	j->link_wait = true;
	source_link_want(j->opt.link, on_link, j); /* may answer at once */
}

struct sync_detail *
sync_detail_start(const struct sync_detail_options *opt)
{
	struct sync_detail *j = xcalloc(1, sizeof *j);

	j->opt = *opt;
	j->code = xstrdup(opt->code);
	j->version = xstrdup_or_null(opt->version);
	j->src = source_link_source(opt->link);
	j->running = true;
	if (j->src->ops->detail_request == NULL || j->src->ops->detail_parse == NULL) {
		struct mc_err err;
		mc_err_set(&err, MC_E_UNSUPPORTED, j->src->name,
			   "this system has no call for one dossier's detail");
		mc_err_field(&err, "detail");
		finish_err(j, &err);
		return j;
	}
	want_link(j);
	return j;
}

bool
sync_detail_running(const struct sync_detail *j)
{
	return j != NULL && j->running;
}

void
sync_detail_free(struct sync_detail *j)
{
	if (j == NULL)
		return;
	if (j->link_wait)
		source_link_forget(j->opt.link, j);
	if (j->req != NULL) {
		/* its callback is still to come: it frees (done is not called) */
		j->orphan = true;
		net_cancel(j->req);
		return;
	}
	destroy(j);
}

int
sync_detail_apply(struct store *st, const struct procedures *procs, struct calendar *cal,
		  const struct worktime *wt, bool coordination, struct dossier *in, mc_time now)
{
	struct dossier existing, out;
	int found = store_dossier_load(st, in->code, &existing);
	int rc = -1;

	if (found < 0)
		return -1;
	dossier_init(&out);
	if (found == 0 && coordination && strcmp(existing.source, in->source) != 0) {
		/* the coordination system's view of another system's dossier: its
		 * status only, as the pull takes it */
		dossier_copy(&out, &existing);
		out.coord_status = in->status;
	} else {
		if (found == 0) {
			in->coord_status = coordination ? in->status : existing.coord_status;
			dossier_keep_lists(in, &existing);
		} else if (coordination) {
			in->coord_status = in->status;
		}
		out = *in;
		dossier_init(in);
		out.detail_at = now;
	}
	if (sync_local_due(st, &out, procs, cal, wt, &out.due_at) != 0 ||
	    store_dossier_upsert(st, &out) != 0 || store_outbox_reapply(st, out.code) < 0)
		goto done;
	rc = 0;
done:
	if (found == 0)
		dossier_release(&existing);
	dossier_release(&out);
	dossier_release(in);
	return rc;
}
