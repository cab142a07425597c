/*
 * auth_op.c - the op records of the sign-in client and their HTTP: making
 * and ending an op, submitting its one request in flight on the caller's
 * net, and turning the response into an auth_reply (parsed JSON, the OAuth
 * "error") for the op's next step.
 *
 * It decides nothing about the protocol: which request to send and what a
 * reply means belong to the job files (auth_int.h lists them).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "core/xalloc.h"

#define NET_SOURCE "auth"

struct auth_op *
auth_op_new(struct auth *a, enum auth_op_kind kind, void *arg)
{
	struct auth_op *op = xcalloc(1, sizeof *op);

	op->a = a;
	op->kind = kind;
	op->arg = arg;
	op->next = a->ops;
	if (a->ops != NULL)
		a->ops->prev = op;
	a->ops = op;
	a->n_ops++;
	return op;
}

static void
op_free(struct auth_op *op)
{
	struct auth *a = op->a;

	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		a->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	a->n_ops--;
	free(op->system);
	xfree_secret(op->device_code);
	xfree_secret(op->sent_rt);
	free(op);
}

/* Report and end an op. */
void
auth_finish(struct auth_op *op, enum auth_status st, const char *token, const char *detail)
{
	struct auth *a = op->a;

	if (op->token_done != NULL)
		op->token_done(a, st, st == AUTH_OK ? token : NULL, detail, op->arg);
	else if (op->done != NULL)
		op->done(a, st, detail, op->arg);
	op_free(op);
}

void
auth_finish_step(struct auth_op *op, enum auth_status st, const char *detail)
{
	auth_finish(op, st, NULL, detail);
}

/* ---- HTTP ------------------------------------------------------------- */

static void
net_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct auth_op *op = arg;
	struct auth_reply r = {0};
	json_error_t jerr;
	char reason[300];

	(void)req;
	if (op->req != NULL) {
		net_request_unref(op->req);
		op->req = NULL;
	}
	r.result = resp->result;
	r.status = resp->status;
	r.reason = resp->result != NET_OK ? resp->error : "";
	if (resp->result != NET_OK)
		op->a->transport = net_response_errc(resp);
	if (resp->result == NET_ERR_TLS || resp->result == NET_ERR_INSECURE) {
		/* trust: say which server, for the support engineer */
		const char *h = strstr(resp->url, "://");
		size_t n;

		h = h != NULL ? h + 3 : resp->url;
		n = strcspn(h, "/?#");
		snprintf(reason, sizeof reason, "%.*s: %s", (int)(n < 120 ? n : 120), h,
			 resp->error);
		r.reason = reason;
	}
	if (resp->result == NET_OK && resp->body_len > 0 && resp->body[0] == '{')
		r.json = json_loadb(resp->body, resp->body_len, 0, &jerr);
	if (json_is_object(r.json))
		r.error = json_string_value(json_object_get(r.json, "error"));
	op->on_reply(op, &r);
	json_decref(r.json);
}

const struct net_retry_policy auth_retry_idempotent = {
	.max_attempts = 3, .base_ms = 1000, .cap_ms = 8000, .max_retry_after_ms = 30000,
	.idempotent = true,
};

/*
 * Submit a request for `op`.  form: name/value pairs, NULL-terminated (NULL
 * form: no body).  retry NULL: one attempt.
 */
void
auth_send(struct auth_op *op, const char *method, const char *url, const char *kind,
	  const char *bearer, const char *const *form, uint64_t delay_ms,
	  const struct net_retry_policy *retry, auth_reply_fn *fn)
{
	struct auth *a = op->a;
	struct net_request *req = net_request_new(a->net, method, url);

	net_request_source(req, NET_SOURCE);
	net_request_kind(req, kind);
	net_request_header(req, "Accept", "application/json");
	if (bearer != NULL) {
		size_t n = strlen(bearer) + 8;
		char *h = xmalloc(n);
		snprintf(h, n, "Bearer %s", bearer);
		net_request_header(req, "Authorization", h);
		xfree_secret(h);
	}
	for (size_t i = 0; form != NULL && form[i] != NULL; i += 2)
		if (form[i + 1] != NULL)
			net_request_form_add(req, form[i], form[i + 1]);
	if (delay_ms > 0)
		net_request_delay_ms(req, delay_ms);
	if (retry != NULL)
		net_request_retry(req, retry);
	net_request_max_body(req, 1024 * 1024);
	net_request_on_done(req, net_done, op);
	op->on_reply = fn;
	op->req = net_request_ref(req);
	net_submit(a->net, req);
}

/* A failure that says nothing about the grant: the network or a busy server. */
bool
auth_transient(const struct auth_reply *r)
{
	return r->result != NET_OK || r->status >= 500 || r->status == 429 || r->status == 408;
}

const char *
auth_reply_reason(struct auth *a, const struct auth_reply *r)
{
	char buf[64];

	if (r->result != NET_OK)
		return auth_say(a, "%s", r->reason);
	if (r->error != NULL)
		return auth_say(a, "%s", r->error);
	snprintf(buf, sizeof buf, "HTTP %ld", r->status);
	return auth_say(a, "%s", buf);
}
