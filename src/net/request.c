/*
 * request.c - one request: building it, turning it into curl options, and
 * receiving what comes back (status, headers, a capped body or a stream).
 *
 * Every setter only records; nothing touches the network until net.c starts
 * the transfer and calls net_req_configure().  The curl callbacks here run
 * inside curl_multi_perform(), hence inside net_poll(), and only look at their
 * own request.  Secrets a request may carry (headers, body) are wiped when it
 * is freed.  Queues, limits, the loop and dispatching are net.c's.
 */
#include "net/net_int.h"

#include "core/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HEADER_BYTES (256 * 1024)
#define MAX_REDIRECTS 5
#define PROGRESS_INTERVAL_MS 500

static uint64_t next_request_id = 1;

/*
 * Append; the buffer doubles, but never past limit + 1 bytes (limit: the
 * request's body cap, 0 none), so a 48 MB cap never holds a 64 MB buffer.
 */
static void
growbuf_append(struct growbuf *b, const void *data, size_t len, uint64_t limit)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < b->len + len + 1)
			cap *= 2;
		if (limit > 0 && limit < SIZE_MAX && cap > (size_t)limit + 1 &&
		    b->len + len + 1 <= (size_t)limit + 1)
			cap = (size_t)limit + 1;
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
	req->url = xstrdup(net_str_or_empty(url));
	req->source = xstrdup("");
	req->kind = xstrdup("");
	req->timeouts = net->timeouts;
	req->max_body = NET_DEFAULT_MAX_BODY;
	return req;
}

void
net_req_reset_attempt(struct net_request *req)
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
	req->new_connections = 0;
}

static void
request_release(struct net_request *req)
{
	net_req_reset_attempt(req);
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
	free(req->ca_file);
	free(req->ca_dir);
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
	char *en = curl_easy_escape(req->easy, net_str_or_empty(name), 0);
	char *ev = curl_easy_escape(req->easy, net_str_or_empty(value), 0);
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
	req->source = xstrdup(net_str_or_empty(source));
}

void
net_request_kind(struct net_request *req, const char *kind)
{
	free(req->kind);
	req->kind = xstrdup(net_str_or_empty(kind));
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

const char *
net_request_get_method(const struct net_request *req)
{
	return req->method;
}

const char *
net_request_get_url(const struct net_request *req)
{
	return req->url;
}

const char *
net_request_get_body(const struct net_request *req, size_t *len)
{
	*len = req->has_body ? req->body_len : 0;
	return req->has_body ? req->body : NULL;
}

bool
net_request_has_header(const struct net_request *req, const char *line)
{
	for (const struct curl_slist *l = req->headers; l != NULL; l = l->next)
		if (strcmp(l->data, line) == 0)
			return true;
	return false;
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

void
net_req_fill_response(struct net_request *req, struct net_response *resp, bool with_body)
{
	memset(resp, 0, sizeof(*resp));
	resp->result = req->result;
	resp->error = req->result == NET_ERR_TLS ? net_tls_reason(req->tls_problem)
						 : net_result_reason(req->result);
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
	resp->new_connections = req->new_connections > 0 ? (unsigned)req->new_connections : 0;
	resp->url = req->url;
	resp->tls_problem = req->tls_problem;
	resp->tls_version = req->tls_version;
	resp->cert_issuer = req->cert_issuer;
	resp->cert_expires = req->cert_expires;
	resp->proxy_used = req->proxy_used;
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

		net_req_fill_response(req, &head, false);
		if (req->write(req, &head, data, len, req->write_arg) != 0) {
			req->write_failed = true;
			return 0;
		}
		return len;
	}
	growbuf_append(&req->body_in, data, len, req->max_body);
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
	/*
	 * HEADER_IN/DATA_IN are the bytes as read from the connection, before
	 * chunked and content decoding; HEADER_OUT/DATA_OUT as written.
	 * SSL_DATA_* are the TLS handshake's messages (certificates, key
	 * exchange, tickets): what a new connection costs on the wire, so they
	 * are counted too (record framing, some 30 bytes a record, is not).
	 * TEXT is curl's commentary: it names the TLS version of a handshake.
	 */
	if (type == CURLINFO_HEADER_IN || type == CURLINFO_DATA_IN || type == CURLINFO_SSL_DATA_IN)
		req->att_in += size;
	else if (type == CURLINFO_HEADER_OUT || type == CURLINFO_DATA_OUT ||
		 type == CURLINFO_SSL_DATA_OUT)
		req->att_out += size;
	else if (type == CURLINFO_TEXT && size > 21 && memcmp(data, "SSL connection using ", 21) == 0) {
		size_t n = 0;

		while (21 + n < size && n + 1 < sizeof req->tls_version && data[21 + n] != ' ' &&
		       data[21 + n] != '\n')
			n++;
		memcpy(req->tls_version, data + 21, n);
		req->tls_version[n] = '\0';
	}
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
	now = net_now_ms();
	if (now - req->last_progress_ms < PROGRESS_INTERVAL_MS)
		return 0;
	req->last_progress_ms = now;
	req->progress(req, (uint64_t)dlnow, (uint64_t)dltotal, (uint64_t)ulnow,
		      (uint64_t)ultotal, req->progress_arg);
	return 0;
}

/* ---- curl options ----------------------------------------------------- */


void
net_req_configure(struct net *net, struct net_request *req)
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
	/* the URL policy (policy.c) once more, as curl sees it: a redirect
	 * never leaves the scheme it started from */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
			 strncmp(req->url, "https:", 6) == 0 ? "https" : "http");
	curl_easy_setopt(e, CURLOPT_NOPROXY, net->noproxy);
	net_req_tls_configure(net, req);
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
