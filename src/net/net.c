/*
 * net.c - requests on one libcurl multi handle, driven from the caller's loop.
 *
 * Each submitted request is a small state machine (enum req_state): queued in
 * its source's FIFO until the source has a free slot and its start time has
 * come, running on the multi handle, finished (result known, callback not yet
 * called), then done.  net_poll() is the only place that moves requests
 * between states and the only place callbacks run, which is what makes it safe
 * to submit or cancel from inside a callback: those calls only set flags and
 * link requests into queues.
 *
 * Not here: one transfer's options and callbacks (request.c), result
 * mapping (result.c), byte counters and the trace (account.c), the retry
 * arithmetic (retry.c), URL redaction (redact.c); anything about tokens,
 * JSON or the store.  See doc/net.md.
 */
#include "net/net_int.h"

#include "core/xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define DEFAULT_SOURCE_LIMIT 4
#define CONNECTION_CACHE 16

/* ---- the net ---------------------------------------------------------- */

struct net_timeouts
net_timeouts_default(void)
{
	struct net_timeouts t = {
		.connect_ms = 10000,
		.total_ms = 120000,
		.low_speed_bytes = 100,
		.low_speed_s = 30,
	};
	return t;
}

/*
 * Loopback never goes through a proxy: the sandbox and the tests live there,
 * and an http_proxy exported for the outside world must not swallow them.
 * CURLOPT_NOPROXY replaces the environment's list, so the two are merged.
 */
static char *
build_noproxy(void)
{
	const char *env = getenv("no_proxy");
	const char *loop = "localhost,127.0.0.1,::1";
	char *s;
	size_t n;

	if (env == NULL || *env == '\0')
		env = getenv("NO_PROXY");
	if (env == NULL || *env == '\0')
		return xstrdup(loop);
	if (strcmp(env, "*") == 0)
		return xstrdup("*");
	n = strlen(env) + strlen(loop) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s,%s", env, loop);
	return s;
}

struct net *
net_new(const char **cause)
{
	struct net *net;
	const char *debug;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		if (cause != NULL)
			*cause = "cannot initialise libcurl";
		return NULL;
	}
	net = xcalloc(1, sizeof(*net));
	net->multi = curl_multi_init();
	if (net->multi == NULL) {
		free(net);
		curl_global_cleanup();
		if (cause != NULL)
			*cause = "cannot create a libcurl multi handle";
		return NULL;
	}
	curl_multi_setopt(net->multi, CURLMOPT_MAXCONNECTS, (long)CONNECTION_CACHE);
	net->timeouts = net_timeouts_default();
	net->user_agent = xstrdup("motcua");
	net->noproxy = build_noproxy();
	net->default_limit = DEFAULT_SOURCE_LIMIT;
	if (getrandom(&net->xorshift, sizeof(net->xorshift), 0) != (ssize_t)sizeof(net->xorshift))
		net->xorshift = net_now_ms() ^ (uint64_t)(uintptr_t)net;
	net->xorshift |= 1;
	debug = getenv("MOTCUA_DEBUG_HTTP");
	if (debug != NULL && strcmp(debug, "1") == 0)
		net->trace = stderr;
	return net;
}

void
net_free(struct net *net)
{
	struct net_request *req, *next;

	if (net == NULL)
		return;
	for (req = net->all_head; req != NULL; req = next) {
		next = req->all_next;
		if (req->state == REQ_RUNNING)
			curl_multi_remove_handle(net->multi, req->easy);
		/* a request the caller still holds lets go of its source's pool */
		curl_easy_setopt(req->easy, CURLOPT_SHARE, NULL);
		req->state = REQ_DONE;
		req->net = NULL;
		net_request_unref(req);
	}
	curl_multi_cleanup(net->multi);
	for (size_t i = 0; i < net->n_sources; i++) {
		free(net->sources[i].name);
		net_tls_conf_free(&net->sources[i].tls);
		if (net->sources[i].pool != NULL)
			curl_share_cleanup(net->sources[i].pool);
	}
	free(net->sources);
	net_acct_free(net);
	free(net->user_agent);
	free(net->noproxy);
	net_tls_conf_free(&net->tls);
	free(net);
	curl_global_cleanup();
}

void
net_set_timeouts(struct net *net, const struct net_timeouts *timeouts)
{
	net->timeouts = *timeouts;
}

void
net_set_user_agent(struct net *net, const char *user_agent)
{
	free(net->user_agent);
	net->user_agent = xstrdup(net_str_or_empty(user_agent));
}

struct source *
net_source_find(struct net *net, const char *name, bool create)
{
	struct source *s;

	for (size_t i = 0; i < net->n_sources; i++)
		if (strcmp(net->sources[i].name, name) == 0)
			return &net->sources[i];
	if (!create)
		return NULL;
	if (net->n_sources == net->cap_sources) {
		net->cap_sources = net->cap_sources ? net->cap_sources * 2 : 8;
		net->sources = xreallocarray(net->sources, net->cap_sources, sizeof(*net->sources));
	}
	s = &net->sources[net->n_sources++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->limit = net->default_limit;
	return s;
}

void
net_set_source_limit(struct net *net, const char *source, unsigned max)
{
	if (max < 1)
		max = 1;
	if (source == NULL) {
		net->default_limit = max;
		for (size_t i = 0; i < net->n_sources; i++)
			if (!net->sources[i].own_limit)
				net->sources[i].limit = max;
		return;
	}
	struct source *s = net_source_find(net, source, true);
	s->limit = max;
	s->own_limit = true;
}

void
net_set_random(struct net *net, uint32_t (*fn)(void *arg), void *arg)
{
	net->random = fn;
	net->random_arg = arg;
}

uint32_t
net_random(struct net *net)
{
	if (net->random != NULL)
		return net->random(net->random_arg);
	/* xorshift64*: plenty for jitter, which needs spread, not secrecy. */
	net->xorshift ^= net->xorshift >> 12;
	net->xorshift ^= net->xorshift << 25;
	net->xorshift ^= net->xorshift >> 27;
	return (uint32_t)((net->xorshift * 0x2545F4914F6CDD1DULL) >> 32);
}

void
net_set_trace(struct net *net, void *file)
{
	net->trace = file;
}

/* ---- states ----------------------------------------------------------- */

static void
finish(struct net *net, struct net_request *req)
{
	req->state = REQ_FINISHED;
	req->next = NULL;
	if (net->fin_tail != NULL)
		net->fin_tail->next = req;
	else
		net->fin_head = req;
	net->fin_tail = req;
}

/* Give up on a request before or instead of running it. */
static void
finish_with(struct net *net, struct net_request *req, enum net_result result, const char *detail)
{
	req->result = result;
	snprintf(req->errbuf, sizeof(req->errbuf), "%s", detail);
	finish(net, req);
}

static void
start(struct net *net, struct source *src, struct net_request *req)
{
	CURLMcode mc;

	net_req_reset_attempt(req);
	req->attempts++;
	req->last_progress_ms = 0;
	if (net_url_check(req->url, NULL, 0) == NET_URL_INSECURE) {
		char why[CURL_ERROR_SIZE];

		/* never on the wire: no connection, nothing counted */
		(void)net_url_check(req->url, why, sizeof why);
		req->insecure = true;
		finish_with(net, req, NET_ERR_INSECURE, why);
		return;
	}
	req->attempt_open = true;
	net_req_configure(net, req);
	mc = curl_multi_add_handle(net->multi, req->easy);
	if (mc != CURLM_OK) {
		finish_with(net, req, NET_ERR_OTHER, curl_multi_strerror(mc));
		return;
	}
	req->state = REQ_RUNNING;
	src->running++;
}

/* Start queued requests that are due, FIFO per source, within its limit. */
static void
start_ready(struct net *net, uint64_t now)
{
	for (size_t i = 0; i < net->n_sources; i++) {
		struct source *src = &net->sources[i];
		struct net_request **link = &src->head, *prev = NULL;

		while (*link != NULL && src->running < src->limit) {
			struct net_request *req = *link;

			if (req->start_at_ms > now) {
				prev = req;
				link = &req->next;
				continue;
			}
			*link = req->next;
			if (src->tail == req)
				src->tail = prev;
			req->next = NULL;
			start(net, src, req);
		}
	}
}

static void
enqueue(struct net *net, struct net_request *req, uint64_t delay_ms)
{
	struct source *src = net_source_find(net, req->source, true);

	req->state = REQ_QUEUED;
	req->start_at_ms = delay_ms > 0 ? net_now_ms() + delay_ms : 0;
	req->next = NULL;
	if (src->tail != NULL)
		src->tail->next = req;
	else
		src->head = req;
	src->tail = req;
}

void
net_submit(struct net *net, struct net_request *req)
{
	if (req->state != REQ_NEW || req->net != net) {
		fputs("motcua: net_submit of a request twice or to another net\n", stderr);
		abort();
	}
	req->all_prev = net->all_tail;
	req->all_next = NULL;
	if (net->all_tail != NULL)
		net->all_tail->all_next = req;
	else
		net->all_head = req;
	net->all_tail = req;
	net->pending++;
	enqueue(net, req, req->delay_ms);
}

void
net_cancel(struct net_request *req)
{
	if (req == NULL || req->net == NULL)
		return;
	if (req->state == REQ_QUEUED || req->state == REQ_RUNNING) {
		req->cancel_requested = true;
		req->net->cancels = true;
	}
}

void
net_cancel_source(struct net *net, const char *source)
{
	for (struct net_request *req = net->all_head; req != NULL; req = req->all_next)
		if (source == NULL || strcmp(req->source, source) == 0)
			net_cancel(req);
}

void
net_cancel_all(struct net *net)
{
	net_cancel_source(net, NULL);
}

/* Act on net_cancel(): pull cancelled requests out of queues and curl. */
static void
apply_cancels(struct net *net)
{
	if (!net->cancels)
		return;
	net->cancels = false;
	for (size_t i = 0; i < net->n_sources; i++) {
		struct source *src = &net->sources[i];
		struct net_request **link = &src->head, *prev = NULL;

		while (*link != NULL) {
			struct net_request *req = *link;

			if (!req->cancel_requested) {
				prev = req;
				link = &req->next;
				continue;
			}
			*link = req->next;
			if (src->tail == req)
				src->tail = prev;
			finish_with(net, req, NET_ERR_CANCELLED, "cancelled before start");
		}
	}
	for (struct net_request *req = net->all_head; req != NULL; req = req->all_next) {
		if (req->state != REQ_RUNNING || !req->cancel_requested)
			continue;
		curl_multi_remove_handle(net->multi, req->easy);
		net_source_find(net, req->source, true)->running--;
		finish_with(net, req, NET_ERR_CANCELLED, "cancelled");
	}
}

/* Collect what curl finished. */
static void
read_done(struct net *net)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(net->multi, &left)) != NULL) {
		struct net_request *req;
		char *priv = NULL;
		curl_off_t total_us = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		req = (struct net_request *)priv;
		if (req == NULL || req->state != REQ_RUNNING)
			continue;
		req->code = msg->data.result;
		net_req_tls_info(req);
		curl_multi_remove_handle(net->multi, req->easy);
		net_source_find(net, req->source, true)->running--;
		curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &req->os_errno);
		curl_easy_getinfo(req->easy, CURLINFO_TOTAL_TIME_T, &total_us);
		req->total_ms = (uint64_t)total_us / 1000;
		curl_easy_getinfo(req->easy, CURLINFO_NUM_CONNECTS, &req->new_connections);
		if (req->code == CURLE_OK) {
			long status = 0;

			curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
			req->status = status;
		}
		req->result = net_map_curl_code((int)req->code, req->os_errno, req->too_large,
						req->write_failed, req->cancel_requested);
		net_req_tls_finish(req);
		if (req->result != NET_OK && req->errbuf[0] == '\0')
			snprintf(req->errbuf, sizeof(req->errbuf), "%s",
				 curl_easy_strerror(req->code));
		if (req->code == CURLE_OK && req->progress != NULL) {
			curl_off_t dl = 0, dlt = 0, ul = 0, ult = 0;

			curl_easy_getinfo(req->easy, CURLINFO_SIZE_DOWNLOAD_T, &dl);
			curl_easy_getinfo(req->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &dlt);
			curl_easy_getinfo(req->easy, CURLINFO_SIZE_UPLOAD_T, &ul);
			curl_easy_getinfo(req->easy, CURLINFO_CONTENT_LENGTH_UPLOAD_T, &ult);
			req->progress(req, req->body_seen, dlt > 0 ? (uint64_t)dlt : 0,
				      (uint64_t)ul, ult > 0 ? (uint64_t)ult : 0, req->progress_arg);
			(void)dl;
		}
		finish(net, req);
	}
}

/* Returns true when the request went back to its queue for another try. */
static bool
maybe_retry(struct net *net, struct net_request *req)
{
	struct net_response resp;
	uint64_t delay_ms;

	if (!req->has_retry || req->write != NULL || req->cancel_requested ||
	    req->result == NET_ERR_CANCELLED)
		return false;
	net_req_fill_response(req, &resp, true);
	if (!net_retry_decide(&req->retry, &resp, req->attempts, (int64_t)time(NULL),
			      net_random(net), &delay_ms))
		return false;
	req->total_in += req->att_in;
	req->total_out += req->att_out;
	req->att_in = req->att_out = 0;
	enqueue(net, req, delay_ms);
	return true;
}

static int
dispatch(struct net *net)
{
	int called = 0;
	struct net_request *req;

	while ((req = net->fin_head) != NULL) {
		struct net_response resp;

		net->fin_head = req->next;
		if (net->fin_head == NULL)
			net->fin_tail = NULL;
		req->next = NULL;
		if (req->attempt_open) {
			/* Cancelled-in-queue requests never touched the wire. */
			net_acct_record(net, req);
			net_acct_trace(net, req);
			req->attempt_open = false;
		}
		if (maybe_retry(net, req))
			continue;

		/* Unlink from the pending list before the callback. */
		if (req->all_prev != NULL)
			req->all_prev->all_next = req->all_next;
		else
			net->all_head = req->all_next;
		if (req->all_next != NULL)
			req->all_next->all_prev = req->all_prev;
		else
			net->all_tail = req->all_prev;
		req->all_prev = req->all_next = NULL;
		net->pending--;
		req->state = REQ_DONE;

		net_req_fill_response(req, &resp, true);
		if (req->done != NULL)
			req->done(req, &resp, req->done_arg);
		called++;
		net_request_unref(req);
	}
	return called;
}

/* ---- the loop --------------------------------------------------------- */

/*
 * How long net_poll may sleep: the caller's timeout (negative: no limit),
 * cut short by a delayed request coming due in a source with a free slot.
 * curl_multi_poll() itself also wakes for curl's own timers.
 */
static int
clamp_timeout(struct net *net, int timeout_ms, uint64_t now)
{
	uint64_t limit = timeout_ms < 0 ? (uint64_t)INT_MAX : (uint64_t)timeout_ms;

	if (net->fin_head != NULL || net->cancels)
		return 0;
	for (size_t i = 0; i < net->n_sources; i++) {
		struct source *src = &net->sources[i];

		if (src->running >= src->limit)
			continue;
		for (struct net_request *req = src->head; req != NULL; req = req->next) {
			uint64_t wait = req->start_at_ms > now ? req->start_at_ms - now : 0;

			if (wait < limit)
				limit = wait;
		}
	}
	return (int)limit;
}

int
net_poll(struct net *net, int timeout_ms, struct net_waitfd *extra, size_t n_extra)
{
	struct curl_waitfd small[8], *wfds = small;
	CURLMcode mc;
	int running = 0, called, numfds = 0;

	if (net->dispatching)
		return 0;   /* net_poll from a callback: refuse to recurse */
	apply_cancels(net);
	start_ready(net, net_now_ms());
	timeout_ms = clamp_timeout(net, timeout_ms, net_now_ms());

	if (n_extra > sizeof(small) / sizeof(small[0]))
		wfds = xreallocarray(NULL, n_extra, sizeof(*wfds));
	for (size_t i = 0; i < n_extra; i++) {
		wfds[i].fd = extra[i].fd;
		wfds[i].events = (short)(((extra[i].events & NET_POLLIN) ? CURL_WAIT_POLLIN : 0) |
					 ((extra[i].events & NET_POLLPRI) ? CURL_WAIT_POLLPRI : 0) |
					 ((extra[i].events & NET_POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		wfds[i].revents = 0;
	}
	mc = curl_multi_poll(net->multi, n_extra ? wfds : NULL, (unsigned)n_extra,
			     timeout_ms, &numfds);
	for (size_t i = 0; i < n_extra; i++)
		extra[i].revents = (short)(((wfds[i].revents & CURL_WAIT_POLLIN) ? NET_POLLIN : 0) |
					   ((wfds[i].revents & CURL_WAIT_POLLPRI) ? NET_POLLPRI : 0) |
					   ((wfds[i].revents & CURL_WAIT_POLLOUT) ? NET_POLLOUT : 0));
	if (wfds != small)
		free(wfds);
	if (mc != CURLM_OK)
		return -1;

	net->dispatching = true;
	mc = curl_multi_perform(net->multi, &running);
	read_done(net);
	net->dispatching = false;
	if (mc != CURLM_OK)
		return -1;
	apply_cancels(net);

	net->dispatching = true;
	called = dispatch(net);
	net->dispatching = false;
	/* Requests submitted by callbacks start now, not one turn later. */
	apply_cancels(net);
	start_ready(net, net_now_ms());
	return called;
}

void
net_wakeup(struct net *net)
{
	curl_multi_wakeup(net->multi);
}

size_t
net_pending(const struct net *net)
{
	return net->pending;
}

int
net_run_until_done(struct net *net)
{
	if (net->dispatching)
		return -1;   /* from a callback it could never finish */
	while (net->pending > 0)
		if (net_poll(net, 1000, NULL, 0) < 0)
			return -1;
	return 0;
}
