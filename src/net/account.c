/*
 * account.c - bytes on the wire per source and kind, and the debug trace.
 *
 * Each finished attempt adds its own bytes (counted by request.c's debug
 * callback) to a (source, kind) row and is passed to the caller's hook, so the
 * store can persist totals without this module knowing about it.  The trace
 * prints one redacted line per attempt and never a header or a body.
 */
#include "net/net_int.h"

#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- accounting and trace --------------------------------------------- */

static struct counter *
counter_get(struct net *net, const char *source, const char *kind)
{
	struct counter *c;

	for (size_t i = 0; i < net->n_counters; i++)
		if (strcmp(net->counters[i].source, source) == 0 &&
		    strcmp(net->counters[i].kind, kind) == 0)
			return &net->counters[i];
	if (net->n_counters == net->cap_counters) {
		net->cap_counters = net->cap_counters ? net->cap_counters * 2 : 16;
		net->counters = xreallocarray(net->counters, net->cap_counters,
					      sizeof(*net->counters));
	}
	c = &net->counters[net->n_counters++];
	memset(c, 0, sizeof(*c));
	c->source = xstrdup(source);
	c->kind = xstrdup(kind);
	return c;
}

void
net_acct_record(struct net *net, struct net_request *req)
{
	struct net_counters one = {
		.bytes_in = req->att_in,
		.bytes_out = req->att_out,
		.requests = 1,
		.failures = req->result != NET_OK,
	};
	struct counter *c = counter_get(net, req->source, req->kind);

	c->c.bytes_in += one.bytes_in;
	c->c.bytes_out += one.bytes_out;
	c->c.requests++;
	c->c.failures += one.failures;
	if (net->account != NULL)
		net->account(req->source, req->kind, &one, net->account_arg);
}

void
net_acct_trace(struct net *net, struct net_request *req)
{
	char *url;
	char outcome[64];

	if (net->trace == NULL)
		return;
	url = net_redact_url(req->url);
	if (req->result == NET_OK)
		snprintf(outcome, sizeof(outcome), "%ld", req->status);
	else
		snprintf(outcome, sizeof(outcome), "%s", net_result_reason(req->result));
	fprintf(net->trace, "http: #%llu %s %s -> %s in=%llu out=%llu %llums [%s/%s]%s\n",
		(unsigned long long)req->id, req->method, url, outcome,
		(unsigned long long)req->att_in, (unsigned long long)req->att_out,
		(unsigned long long)req->total_ms, req->source, req->kind,
		req->attempts > 1 ? " (retry)" : "");
	fflush(net->trace);
	free(url);
}

/* ---- counters --------------------------------------------------------- */

struct net_counters
net_counters(const struct net *net, const char *source, const char *kind)
{
	struct net_counters sum = { 0 };

	for (size_t i = 0; i < net->n_counters; i++) {
		const struct counter *c = &net->counters[i];

		if (source != NULL && strcmp(c->source, source) != 0)
			continue;
		if (kind != NULL && strcmp(c->kind, kind) != 0)
			continue;
		sum.bytes_in += c->c.bytes_in;
		sum.bytes_out += c->c.bytes_out;
		sum.requests += c->c.requests;
		sum.failures += c->c.failures;
	}
	return sum;
}

void
net_counters_foreach(const struct net *net, net_counters_fn *fn, void *arg)
{
	for (size_t i = 0; i < net->n_counters; i++)
		fn(net->counters[i].source, net->counters[i].kind, &net->counters[i].c, arg);
}

void
net_on_account(struct net *net, net_counters_fn *fn, void *arg)
{
	net->account = fn;
	net->account_arg = arg;
}

void
net_acct_free(struct net *net)
{
	for (size_t i = 0; i < net->n_counters; i++) {
		free(net->counters[i].source);
		free(net->counters[i].kind);
	}
	free(net->counters);
}
