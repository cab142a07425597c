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
 * Bytes are counted from curl's debug callback (raw header and body bytes as
 * they crossed the socket layer, before chunk and content decoding), not from
 * CURLINFO_SIZE_DOWNLOAD, which excludes headers and chunk framing and whose
 * meaning under compression changed between libcurl versions.  See doc/net.md.
 *
 * Not here: the retry arithmetic (retry.c), URL redaction (redact.c),
 * anything about tokens, JSON or the store.
 */
#include "net/net.h"

#include "core/unittest.h"
#include "core/xalloc.h"

#include <curl/curl.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#define DEFAULT_SOURCE_LIMIT 4
#define MAX_HEADER_BYTES (256 * 1024)
#define MAX_REDIRECTS 5
#define PROGRESS_INTERVAL_MS 500
#define CONNECTION_CACHE 16

enum req_state {
	REQ_NEW,       /* built, not submitted: the caller owns it */
	REQ_QUEUED,    /* in its source's FIFO */
	REQ_RUNNING,   /* on the multi handle */
	REQ_FINISHED,  /* result known, in net->finished, callback pending */
	REQ_DONE,      /* callback called (or net freed) */
};

struct growbuf {
	char *data;
	size_t len, cap;
};

struct source {
	char *name;
	unsigned limit;
	bool own_limit;
	unsigned running;
	struct net_request *head, *tail;   /* queued, FIFO */
};

struct counter {
	char *source, *kind;
	struct net_counters c;
};

struct net {
	CURLM *multi;
	struct net_timeouts timeouts;
	char *user_agent;
	char *noproxy;
	unsigned default_limit;

	struct source *sources;
	size_t n_sources, cap_sources;

	/* Submitted requests whose callback has not run, in submission order. */
	struct net_request *all_head, *all_tail;
	size_t pending;
	/* Finished, callback pending, FIFO. */
	struct net_request *fin_head, *fin_tail;
	bool cancels;          /* some net_cancel() not yet acted upon */

	struct counter *counters;
	size_t n_counters, cap_counters;
	net_counters_fn *account;
	void *account_arg;

	uint32_t (*random)(void *arg);
	void *random_arg;
	uint64_t xorshift;

	FILE *trace;
	bool dispatching;
};

struct net_request {
	struct net *net;
	unsigned refs;
	enum req_state state;
	uint64_t id;
	CURL *easy;

	char *method, *url, *source, *kind;
	struct curl_slist *headers;
	bool headers_final;    /* Expect: and Content-Type appended */
	char *content_type;
	char *body;            /* owned copy, form body, or borrowed */
	size_t body_len;
	bool body_owned, has_body, is_form;

	struct net_timeouts timeouts;
	uint64_t max_body;
	unsigned flags;
	uint64_t delay_ms;
	uint64_t start_at_ms;

	net_done_fn *done;
	void *done_arg;
	net_write_fn *write;
	void *write_arg;
	net_progress_fn *progress;
	void *progress_arg;
	uint64_t last_progress_ms;

	struct net_retry_policy retry;
	bool has_retry;

	bool cancel_requested;
	bool attempt_open;     /* started, not yet accounted */
	struct net_request *next;            /* source queue or finished list */
	struct net_request *all_prev, *all_next;

	/* The current attempt. */
	struct growbuf body_in;
	struct net_header *rh;
	size_t n_rh, cap_rh, rh_bytes;
	long status;
	bool streaming, too_large, write_failed;
	uint64_t body_seen;
	uint64_t att_in, att_out;
	CURLcode code;
	long os_errno;
	char errbuf[CURL_ERROR_SIZE];
	enum net_result result;
	uint64_t total_ms;

	/* All attempts. */
	uint64_t total_in, total_out;
	unsigned attempts;
};

static uint64_t next_request_id = 1;

/* ---- small helpers ---------------------------------------------------- */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *
str_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static void
growbuf_append(struct growbuf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < b->len + len + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static void
wipe_and_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

static void
wipe_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l != NULL; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* ---- results ---------------------------------------------------------- */

static const char *const result_reasons[] = {
	[NET_OK] = "",
	[NET_ERR_REFUSED] = "connection refused",
	[NET_ERR_DNS] = "DNS failure",
	[NET_ERR_TIMEOUT] = "timed out",
	[NET_ERR_RESET] = "connection reset",
	[NET_ERR_TRUNCATED] = "body truncated",
	[NET_ERR_TLS] = "TLS error",
	[NET_ERR_TOO_LARGE] = "too large",
	[NET_ERR_DECODE] = "bad compressed body",
	[NET_ERR_CANCELLED] = "cancelled",
	[NET_ERR_WRITE] = "write failed",
	[NET_ERR_BAD_URL] = "bad URL",
	[NET_ERR_REDIRECTS] = "too many redirects",
	[NET_ERR_OTHER] = "network error",
};

const char *
net_result_reason(enum net_result result)
{
	if ((size_t)result >= sizeof(result_reasons) / sizeof(result_reasons[0]) ||
	    result_reasons[result] == NULL)
		return "network error";
	return result_reasons[result];
}

/* curl's codes, grouped into what a clerk or a log reader can act upon. */
static const struct {
	CURLcode code;
	enum net_result result;
} curl_results[] = {
	{ CURLE_OK, NET_OK },
	{ CURLE_COULDNT_RESOLVE_HOST, NET_ERR_DNS },
	{ CURLE_COULDNT_RESOLVE_PROXY, NET_ERR_DNS },
	{ CURLE_COULDNT_CONNECT, NET_ERR_REFUSED },
	{ CURLE_OPERATION_TIMEDOUT, NET_ERR_TIMEOUT },
	{ CURLE_RECV_ERROR, NET_ERR_RESET },
	{ CURLE_SEND_ERROR, NET_ERR_RESET },
	{ CURLE_GOT_NOTHING, NET_ERR_RESET },
	{ CURLE_HTTP2, NET_ERR_RESET },
	{ CURLE_HTTP2_STREAM, NET_ERR_RESET },
	{ CURLE_HTTP3, NET_ERR_RESET },
	{ CURLE_PARTIAL_FILE, NET_ERR_TRUNCATED },
	{ CURLE_SSL_CONNECT_ERROR, NET_ERR_TLS },
	{ CURLE_PEER_FAILED_VERIFICATION, NET_ERR_TLS },
	{ CURLE_SSL_CERTPROBLEM, NET_ERR_TLS },
	{ CURLE_SSL_CIPHER, NET_ERR_TLS },
	{ CURLE_SSL_CACERT_BADFILE, NET_ERR_TLS },
	{ CURLE_SSL_ISSUER_ERROR, NET_ERR_TLS },
	{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, NET_ERR_TLS },
	{ CURLE_SSL_INVALIDCERTSTATUS, NET_ERR_TLS },
	{ CURLE_SSL_ENGINE_INITFAILED, NET_ERR_TLS },
	{ CURLE_SSL_CRL_BADFILE, NET_ERR_TLS },
	{ CURLE_SSL_SHUTDOWN_FAILED, NET_ERR_TLS },
	{ CURLE_USE_SSL_FAILED, NET_ERR_TLS },
	{ CURLE_FILESIZE_EXCEEDED, NET_ERR_TOO_LARGE },
	{ CURLE_BAD_CONTENT_ENCODING, NET_ERR_DECODE },
	{ CURLE_ABORTED_BY_CALLBACK, NET_ERR_CANCELLED },
	{ CURLE_URL_MALFORMAT, NET_ERR_BAD_URL },
	{ CURLE_UNSUPPORTED_PROTOCOL, NET_ERR_BAD_URL },
	{ CURLE_TOO_MANY_REDIRECTS, NET_ERR_REDIRECTS },
};

UNITTEST enum net_result net_map_curl_code(int code, long os_errno, bool too_large,
					   bool write_failed, bool cancelled);

UNITTEST enum net_result
net_map_curl_code(int code, long os_errno, bool too_large, bool write_failed, bool cancelled)
{
	/* Our own aborts surface as write errors: say which one it was. */
	if (code == CURLE_WRITE_ERROR || code == CURLE_ABORTED_BY_CALLBACK) {
		if (too_large)
			return NET_ERR_TOO_LARGE;
		if (cancelled)
			return NET_ERR_CANCELLED;
		if (write_failed)
			return NET_ERR_WRITE;
		return code == CURLE_WRITE_ERROR ? NET_ERR_WRITE : NET_ERR_CANCELLED;
	}
	if (code == CURLE_COULDNT_CONNECT && os_errno == ETIMEDOUT)
		return NET_ERR_TIMEOUT;
	for (size_t i = 0; i < sizeof(curl_results) / sizeof(curl_results[0]); i++)
		if ((int)curl_results[i].code == code)
			return curl_results[i].result;
	return NET_ERR_OTHER;
}

const char *
net_response_header(const struct net_response *resp, const char *name)
{
	if (resp == NULL || name == NULL)
		return NULL;
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

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
		net->xorshift = now_ms() ^ (uint64_t)(uintptr_t)net;
	net->xorshift |= 1;
	debug = getenv("MOTCUA_DEBUG_HTTP");
	if (debug != NULL && strcmp(debug, "1") == 0)
		net->trace = stderr;
	return net;
}

static void request_release(struct net_request *req);

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
		req->state = REQ_DONE;
		req->net = NULL;
		net_request_unref(req);
	}
	curl_multi_cleanup(net->multi);
	for (size_t i = 0; i < net->n_sources; i++)
		free(net->sources[i].name);
	free(net->sources);
	for (size_t i = 0; i < net->n_counters; i++) {
		free(net->counters[i].source);
		free(net->counters[i].kind);
	}
	free(net->counters);
	free(net->user_agent);
	free(net->noproxy);
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
	net->user_agent = xstrdup(str_or_empty(user_agent));
}

static struct source *
source_get(struct net *net, const char *name)
{
	struct source *s;

	for (size_t i = 0; i < net->n_sources; i++)
		if (strcmp(net->sources[i].name, name) == 0)
			return &net->sources[i];
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
	struct source *s = source_get(net, source);
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

/* ---- requests --------------------------------------------------------- */

struct net_request *
net_request_new(struct net *net, const char *method, const char *url)
{
	struct net_request *req = xcalloc(1, sizeof(*req));

	req->net = net;
	req->refs = 1;
	req->state = REQ_NEW;
	req->id = next_request_id++;
	req->easy = curl_easy_init();
	if (req->easy == NULL) {
		/* Only fails on allocation failure; same policy as xmalloc. */
		fputs("motcua: out of memory (curl_easy_init)\n", stderr);
		abort();
	}
	req->method = xstrdup(method != NULL && *method != '\0' ? method : "GET");
	req->url = xstrdup(str_or_empty(url));
	req->source = xstrdup("");
	req->kind = xstrdup("");
	req->timeouts = net->timeouts;
	req->max_body = NET_DEFAULT_MAX_BODY;
	return req;
}

static void
reset_attempt(struct net_request *req)
{
	for (size_t i = 0; i < req->n_rh; i++) {
		free((char *)req->rh[i].name);
		free((char *)req->rh[i].value);
	}
	req->n_rh = 0;
	req->rh_bytes = 0;
	if (req->body_in.data != NULL)
		explicit_bzero(req->body_in.data, req->body_in.len);
	req->body_in.len = 0;
	req->status = 0;
	req->streaming = req->too_large = req->write_failed = false;
	req->body_seen = 0;
	req->att_in = req->att_out = 0;
	req->code = CURLE_OK;
	req->os_errno = 0;
	req->errbuf[0] = '\0';
	req->result = NET_OK;
	req->total_ms = 0;
}

static void
request_release(struct net_request *req)
{
	reset_attempt(req);
	free(req->body_in.data);
	free(req->rh);
	if (req->easy != NULL)
		curl_easy_cleanup(req->easy);
	wipe_headers(req->headers);
	if (req->body_owned)
		wipe_and_free(req->body, req->body_len);
	free(req->content_type);
	free(req->method);
	free(req->url);
	free(req->source);
	free(req->kind);
	free(req);
}

void
net_request_free(struct net_request *req)
{
	if (req == NULL)
		return;
	if (req->state != REQ_NEW) {
		fputs("motcua: net_request_free on a submitted request\n", stderr);
		abort();
	}
	net_request_unref(req);
}

struct net_request *
net_request_ref(struct net_request *req)
{
	req->refs++;
	return req;
}

void
net_request_unref(struct net_request *req)
{
	if (req == NULL)
		return;
	if (--req->refs == 0)
		request_release(req);
}

static bool
header_name_ok(const char *name)
{
	if (name == NULL || *name == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == ':')
			return false;
	return true;
}

static bool
header_value_ok(const char *value)
{
	if (value == NULL)
		return false;
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if ((*p < ' ' && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

int
net_request_header(struct net_request *req, const char *name, const char *value)
{
	struct curl_slist *list;
	size_t n;
	char *line;

	if (!header_name_ok(name) || !header_value_ok(value))
		return -1;
	n = strlen(name) + strlen(value) + 3;
	line = xmalloc(n);
	/* curl sends "Name;" as a header with an empty value. */
	if (*value == '\0')
		snprintf(line, n, "%s;", name);
	else
		snprintf(line, n, "%s: %s", name, value);
	list = curl_slist_append(req->headers, line);
	explicit_bzero(line, n);
	free(line);
	if (list == NULL) {
		fputs("motcua: out of memory (curl_slist_append)\n", stderr);
		abort();
	}
	req->headers = list;
	return 0;
}

static void
drop_body(struct net_request *req)
{
	if (req->body_owned)
		wipe_and_free(req->body, req->body_len);
	req->body = NULL;
	req->body_len = 0;
	req->body_owned = req->has_body = req->is_form = false;
	free(req->content_type);
	req->content_type = NULL;
}

void
net_request_body(struct net_request *req, const char *content_type, const void *data, size_t len)
{
	drop_body(req);
	req->body = xmalloc(len + 1);
	if (len > 0)
		memcpy(req->body, data, len);
	req->body[len] = '\0';
	req->body_len = len;
	req->body_owned = req->has_body = true;
	req->content_type = xstrdup_or_null(content_type);
}

void
net_request_body_borrow(struct net_request *req, const char *content_type,
			const void *data, size_t len)
{
	drop_body(req);
	req->body = (char *)data;   /* curl only reads it */
	req->body_len = len;
	req->has_body = true;
	req->content_type = xstrdup_or_null(content_type);
}

void
net_request_form_add(struct net_request *req, const char *name, const char *value)
{
	char *en = curl_easy_escape(req->easy, str_or_empty(name), 0);
	char *ev = curl_easy_escape(req->easy, str_or_empty(value), 0);
	size_t old, add;
	char *body;

	if (en == NULL || ev == NULL) {
		fputs("motcua: out of memory (curl_easy_escape)\n", stderr);
		abort();
	}
	if (!req->is_form) {
		drop_body(req);
		req->is_form = req->has_body = req->body_owned = true;
		req->content_type = xstrdup("application/x-www-form-urlencoded");
	}
	old = req->body_len;
	add = strlen(en) + strlen(ev) + 2;
	body = xmalloc(old + add + 1);
	if (old > 0)
		memcpy(body, req->body, old);
	snprintf(body + old, add + 1, "%s%s=%s", old > 0 ? "&" : "", en, ev);
	wipe_and_free(req->body, old);
	req->body = body;
	req->body_len = strlen(body);
	explicit_bzero(ev, strlen(ev));
	curl_free(en);
	curl_free(ev);
}

void
net_request_source(struct net_request *req, const char *source)
{
	free(req->source);
	req->source = xstrdup(str_or_empty(source));
}

void
net_request_kind(struct net_request *req, const char *kind)
{
	free(req->kind);
	req->kind = xstrdup(str_or_empty(kind));
}

const char *
net_request_get_source(const struct net_request *req)
{
	return req->source;
}

const char *
net_request_get_kind(const struct net_request *req)
{
	return req->kind;
}

void
net_request_timeouts(struct net_request *req, const struct net_timeouts *timeouts)
{
	req->timeouts = *timeouts;
}

void
net_request_max_body(struct net_request *req, uint64_t max)
{
	req->max_body = max;
}

void
net_request_flags(struct net_request *req, unsigned flags)
{
	req->flags = flags;
}

void
net_request_delay_ms(struct net_request *req, uint64_t delay_ms)
{
	req->delay_ms = delay_ms;
}

void
net_request_on_done(struct net_request *req, net_done_fn *done, void *arg)
{
	req->done = done;
	req->done_arg = arg;
}

void
net_request_on_write(struct net_request *req, net_write_fn *write, void *arg)
{
	req->write = write;
	req->write_arg = arg;
}

void
net_request_on_progress(struct net_request *req, net_progress_fn *progress, void *arg)
{
	req->progress = progress;
	req->progress_arg = arg;
}

void
net_request_retry(struct net_request *req, const struct net_retry_policy *policy)
{
	if (policy == NULL) {
		req->has_retry = false;
		return;
	}
	req->retry = *policy;
	req->has_retry = true;
}

uint64_t
net_request_id(const struct net_request *req)
{
	return req->id;
}

/* ---- curl callbacks (all run inside curl_multi_perform, in net_poll) --- */

static void
fill_response(struct net_request *req, struct net_response *resp, bool with_body)
{
	memset(resp, 0, sizeof(*resp));
	resp->result = req->result;
	resp->error = net_result_reason(req->result);
	resp->error_detail = req->result == NET_OK ? "" : req->errbuf;
	resp->status = req->status;
	resp->body = with_body && req->body_in.data != NULL ? req->body_in.data : "";
	resp->body_len = with_body ? req->body_in.len : 0;
	resp->headers = req->rh;
	resp->n_headers = req->n_rh;
	resp->total_ms = req->total_ms;
	resp->bytes_in = req->total_in + req->att_in;
	resp->bytes_out = req->total_out + req->att_out;
	resp->attempts = req->attempts;
	resp->url = req->url;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct net_request *req = arg;
	size_t len = size * nmemb;

	if (req->cancel_requested)
		return 0;
	if (req->max_body > 0 && req->body_seen + len > req->max_body) {
		req->too_large = true;
		return 0;
	}
	req->body_seen += len;
	if (req->body_seen == len)   /* first piece: decide once per attempt */
		req->streaming = req->write != NULL && req->status >= 200 && req->status < 300;
	if (req->streaming) {
		struct net_response head;

		fill_response(req, &head, false);
		if (req->write(req, &head, data, len, req->write_arg) != 0) {
			req->write_failed = true;
			return 0;
		}
		return len;
	}
	growbuf_append(&req->body_in, data, len);
	return len;
}

static void
trim(const char **start, size_t *len)
{
	while (*len > 0 && (**start == ' ' || **start == '\t')) {
		(*start)++;
		(*len)--;
	}
	while (*len > 0 && ((*start)[*len - 1] == ' ' || (*start)[*len - 1] == '\t' ||
			    (*start)[*len - 1] == '\r' || (*start)[*len - 1] == '\n'))
		(*len)--;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct net_request *req = arg;
	size_t len = size * nmemb;
	const char *colon, *name, *value;
	size_t name_len, value_len;

	req->rh_bytes += len;
	if (req->rh_bytes > MAX_HEADER_BYTES) {
		req->too_large = true;
		return 0;
	}
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after 100 Continue or a redirect): start over. */
		const char *sp = memchr(data, ' ', len);
		char digits[4] = { 0 };

		for (size_t i = 0; i < req->n_rh; i++) {
			free((char *)req->rh[i].name);
			free((char *)req->rh[i].value);
		}
		req->n_rh = 0;
		req->status = 0;
		if (sp != NULL && (size_t)(sp - data) + 4 <= len) {
			char *end;
			long code;

			memcpy(digits, sp + 1, 3);
			code = strtol(digits, &end, 10);
			if (*end == '\0' && code >= 100 && code <= 999)
				req->status = code;
		}
		return len;
	}
	if ((data[0] == ' ' || data[0] == '\t') && req->n_rh > 0) {
		/* Obsolete line folding: append to the previous value. */
		struct net_header *h = &req->rh[req->n_rh - 1];
		const char *more = data;
		size_t more_len = len, old = strlen(h->value);
		char *joined;

		trim(&more, &more_len);
		joined = xmalloc(old + more_len + 2);
		snprintf(joined, old + more_len + 2, "%s %.*s", h->value, (int)more_len, more);
		free((char *)h->value);
		h->value = joined;
		return len;
	}
	colon = memchr(data, ':', len);
	if (colon == NULL)
		return len;   /* the blank line ending the block, or junk */
	name = data;
	name_len = (size_t)(colon - data);
	value = colon + 1;
	value_len = len - name_len - 1;
	trim(&name, &name_len);
	trim(&value, &value_len);
	if (name_len == 0)
		return len;
	if (req->n_rh == req->cap_rh) {
		req->cap_rh = req->cap_rh ? req->cap_rh * 2 : 16;
		req->rh = xreallocarray(req->rh, req->cap_rh, sizeof(*req->rh));
	}
	req->rh[req->n_rh].name = xstrndup(name, name_len);
	req->rh[req->n_rh].value = xstrndup(value, value_len);
	req->n_rh++;
	return len;
}

static int
on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *arg)
{
	struct net_request *req = arg;

	(void)easy;
	(void)data;
	/*
	 * HEADER_IN/DATA_IN are the bytes as read from the connection, before
	 * chunked and content decoding; HEADER_OUT/DATA_OUT as written.  TEXT
	 * and SSL_DATA_* (TLS handshake records) are not HTTP bytes.
	 */
	if (type == CURLINFO_HEADER_IN || type == CURLINFO_DATA_IN)
		req->att_in += size;
	else if (type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT)
		req->att_out += size;
	return 0;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	struct net_request *req = arg;
	uint64_t now;

	if (req->cancel_requested)
		return 1;
	if (req->progress == NULL)
		return 0;
	now = now_ms();
	if (now - req->last_progress_ms < PROGRESS_INTERVAL_MS)
		return 0;
	req->last_progress_ms = now;
	req->progress(req, (uint64_t)dlnow, (uint64_t)dltotal, (uint64_t)ulnow,
		      (uint64_t)ultotal, req->progress_arg);
	return 0;
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
configure(struct net *net, struct net_request *req)
{
	CURL *e = req->easy;
	const struct net_timeouts *t = &req->timeouts;

	if (!req->headers_final) {
		/* 100-continue costs a round trip per upload on a slow link;
		 * "Expect:" (colon, no value) tells curl not to send it. */
		struct curl_slist *list = curl_slist_append(req->headers, "Expect:");

		if (list == NULL) {
			fputs("motcua: out of memory (curl_slist_append)\n", stderr);
			abort();
		}
		req->headers = list;
		if (req->content_type != NULL)
			net_request_header(req, "Content-Type", req->content_type);
		req->headers_final = true;
	}
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOPROXY, net->noproxy);
	curl_easy_setopt(e, CURLOPT_USERAGENT, net->user_agent);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->headers);
	/* "" offers every encoding this libcurl decodes (gzip, deflate, br, zstd). */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Prefer waiting for a connection that may multiplex over a new handshake. */
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, t->connect_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, t->total_ms);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, t->low_speed_s > 0 ? t->low_speed_bytes : 0L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, t->low_speed_bytes > 0 ? t->low_speed_s : 0L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION,
			 (req->flags & NET_REQ_FOLLOW_REDIRECTS) ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
	/* Verbose only feeds on_debug, which counts bytes; nothing is printed. */
	curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(e, CURLOPT_DEBUGDATA, req);
	curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(e, CURLOPT_XFERINFODATA, req);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, req->progress != NULL ? 0L : 1L);

	if (strcmp(req->method, "GET") == 0 && !req->has_body) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->has_body ? req->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(req->has_body ? req->body_len : 0));
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	}
}

static void
start(struct net *net, struct source *src, struct net_request *req)
{
	CURLMcode mc;

	reset_attempt(req);
	req->attempts++;
	req->attempt_open = true;
	req->last_progress_ms = 0;
	configure(net, req);
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
	struct source *src = source_get(net, req->source);

	req->state = REQ_QUEUED;
	req->start_at_ms = delay_ms > 0 ? now_ms() + delay_ms : 0;
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
		source_get(net, req->source)->running--;
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
		curl_multi_remove_handle(net->multi, req->easy);
		source_get(net, req->source)->running--;
		curl_easy_getinfo(req->easy, CURLINFO_OS_ERRNO, &req->os_errno);
		curl_easy_getinfo(req->easy, CURLINFO_TOTAL_TIME_T, &total_us);
		req->total_ms = (uint64_t)total_us / 1000;
		if (req->code == CURLE_OK) {
			long status = 0;

			curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
			req->status = status;
		}
		req->result = net_map_curl_code((int)req->code, req->os_errno, req->too_large,
						req->write_failed, req->cancel_requested);
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

static void
account(struct net *net, struct net_request *req)
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

static void
trace(struct net *net, struct net_request *req)
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

/* Returns true when the request went back to its queue for another try. */
static bool
maybe_retry(struct net *net, struct net_request *req)
{
	struct net_response resp;
	uint64_t delay_ms;

	if (!req->has_retry || req->write != NULL || req->cancel_requested ||
	    req->result == NET_ERR_CANCELLED)
		return false;
	fill_response(req, &resp, true);
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
			account(net, req);
			trace(net, req);
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

		fill_response(req, &resp, true);
		if (req->done != NULL)
			req->done(req, &resp, req->done_arg);
		called++;
		net_request_unref(req);
	}
	return called;
}

/* ---- the loop --------------------------------------------------------- */

/* How long net_poll may sleep before a delayed request is due. */
static int
clamp_timeout(struct net *net, int timeout_ms, uint64_t now)
{
	if (net->fin_head != NULL || net->cancels)
		return 0;
	for (size_t i = 0; i < net->n_sources; i++) {
		struct source *src = &net->sources[i];

		if (src->running >= src->limit)
			continue;
		for (struct net_request *req = src->head; req != NULL; req = req->next) {
			uint64_t wait = req->start_at_ms > now ? req->start_at_ms - now : 0;

			if (timeout_ms < 0 || wait < (uint64_t)timeout_ms)
				timeout_ms = (int)wait;
		}
	}
	return timeout_ms < 0 ? 0 : timeout_ms;
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
	start_ready(net, now_ms());
	timeout_ms = clamp_timeout(net, timeout_ms, now_ms());

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
	start_ready(net, now_ms());
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
	while (net->pending > 0)
		if (net_poll(net, 1000, NULL, 0) < 0)
			return -1;
	return 0;
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
