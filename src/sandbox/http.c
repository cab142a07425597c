/*
 * http.c - the sandbox's HTTP layer: request/response values and the
 * libmicrohttpd server that carries them.
 *
 * Handlers see plain `struct sbx_request` / `struct sbx_response` values; this
 * file turns MHD callbacks into those, serialises handler calls behind one
 * mutex, and then delivers the response the way the fault layer asked:
 * delayed, paced to a bandwidth, cut mid-body, gzipped, hanging or dropped.
 * It knows nothing about dialects, dossiers or tokens.
 */
#include "sandbox/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <zlib.h>

#include "core/xalloc.h"

/* ---- requests ---------------------------------------------------------- */

const char *
sbx_request_header(const struct sbx_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_headers; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

const char *
sbx_request_arg(const struct sbx_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_args; i++)
		if (strcmp(req->args[i].name, name) == 0)
			return req->args[i].value;
	return NULL;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one form-urlencoded token of len bytes into a new string. */
static char *
form_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 &&
			   hex_value(s[i + 2]) >= 0) {
			out[o++] = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

char *
sbx_form_value(const struct sbx_request *req, const char *name)
{
	const char *ct = sbx_request_header(req, "Content-Type");
	if (ct != NULL && strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return NULL;
	if (req->body == NULL)
		return NULL;
	const char *p = req->body;
	const char *end = req->body + req->body_len;
	size_t name_len = strlen(name);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *key_end = eq != NULL ? eq : stop;
		char *key = form_decode(p, (size_t)(key_end - p));
		bool match = strlen(key) == name_len && memcmp(key, name, name_len) == 0;
		free(key);
		if (match) {
			if (eq == NULL)
				return xstrdup("");
			return form_decode(eq + 1, (size_t)(stop - eq - 1));
		}
		p = stop + 1;
	}
	return NULL;
}

json_t *
sbx_request_json(const struct sbx_request *req, const char **err)
{
	if (req->body == NULL || req->body_len == 0) {
		if (err != NULL)
			*err = "empty body";
		return NULL;
	}
	json_error_t jerr;
	json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL && err != NULL)
		*err = "body is not valid JSON";
	return j;
}

const char *
sbx_request_bearer(const struct sbx_request *req)
{
	const char *auth = sbx_request_header(req, "Authorization");
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return NULL;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return *auth != '\0' ? auth : NULL;
}

/* ---- responses --------------------------------------------------------- */

void
sbx_response_init(struct sbx_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	resp->status = 500;
	resp->cut_at = -1;
}

void
sbx_response_release(struct sbx_response *resp)
{
	for (size_t i = 0; i < resp->n_headers; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	free(resp->body);
	sbx_response_init(resp);
}

void
sbx_response_header(struct sbx_response *resp, const char *name, const char *value)
{
	resp->headers = xreallocarray(resp->headers, resp->n_headers + 1, sizeof(*resp->headers));
	resp->headers[resp->n_headers].name = xstrdup(name);
	resp->headers[resp->n_headers].value = xstrdup(value);
	resp->n_headers++;
}

const char *
sbx_response_get_header(const struct sbx_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

void
sbx_response_bytes(struct sbx_response *resp, int status, const char *content_type,
		   const void *data, size_t len)
{
	free(resp->body);
	resp->body = xmalloc(len + 1);
	if (len > 0)
		memcpy(resp->body, data, len);
	resp->body[len] = '\0';
	resp->body_len = len;
	resp->status = status;
	if (content_type != NULL)
		sbx_response_header(resp, "Content-Type", content_type);
}

void
sbx_response_text(struct sbx_response *resp, int status, const char *content_type,
		  const char *text)
{
	sbx_response_bytes(resp, status, content_type, text, strlen(text));
}

void
sbx_response_json(struct sbx_response *resp, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		text = xstrdup("null");
	free(resp->body);
	resp->body = text;
	resp->body_len = strlen(text);
	resp->status = status;
	sbx_response_header(resp, "Content-Type", "application/json; charset=utf-8");
}

void
sbx_response_oauth_error(struct sbx_response *resp, int status, const char *code,
			 const char *desc)
{
	json_t *j = json_pack("{s:s}", "error", code);
	if (desc != NULL)
		json_object_set_new(j, "error_description", json_string(desc));
	sbx_response_json(resp, status, j);
	sbx_response_header(resp, "Cache-Control", "no-store");
}

/* ---- small helpers ----------------------------------------------------- */

static bool
parse_u64(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 19)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

int
sbx_parse_range(const char *header, uint64_t total, uint64_t *first, uint64_t *last)
{
	if (header == NULL || strncasecmp(header, "bytes=", 6) != 0)
		return 0;
	const char *spec = header + 6;
	while (*spec == ' ')
		spec++;
	if (strchr(spec, ',') != NULL)
		return 0;
	const char *dash = strchr(spec, '-');
	if (dash == NULL)
		return 0;
	size_t a_len = (size_t)(dash - spec);
	const char *b = dash + 1;
	size_t b_len = strlen(b);
	while (b_len > 0 && b[b_len - 1] == ' ')
		b_len--;
	uint64_t a_val, b_val;
	if (a_len == 0) { /* suffix: the last N bytes */
		if (!parse_u64(b, b_len, &b_val))
			return 0;
		if (b_val == 0 || total == 0)
			return -1;
		*first = b_val >= total ? 0 : total - b_val;
		*last = total - 1;
		return 1;
	}
	if (!parse_u64(spec, a_len, &a_val))
		return 0;
	if (b_len == 0) {
		b_val = total == 0 ? 0 : total - 1;
	} else if (!parse_u64(b, b_len, &b_val) || b_val < a_val) {
		return 0;
	}
	if (a_val >= total)
		return -1;
	*first = a_val;
	*last = b_val >= total ? total - 1 : b_val;
	return 1;
}

bool
sbx_accepts_gzip(const char *ae)
{
	if (ae == NULL)
		return false;
	const char *p = ae;
	while ((p = strcasestr(p, "gzip")) != NULL) {
		const char *after = p + 4;
		bool starts = p == ae || p[-1] == ' ' || p[-1] == ',';
		if (starts && (*after == '\0' || *after == ',' || *after == ';' || *after == ' ')) {
			const char *q = strchr(after, ';');
			const char *comma = strchr(after, ',');
			if (q != NULL && (comma == NULL || q < comma)) {
				const char *qv = strstr(q, "q=");
				if (qv != NULL && (comma == NULL || qv < comma)) {
					char *end;
					double v = strtod(qv + 2, &end);
					if (end != qv + 2 && v <= 0.0)
						return false;
				}
			}
			return true;
		}
		p = after;
	}
	return false;
}

int
sbx_gzip(const void *data, size_t len, char **out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, (uLong)len) + 32;
	char *buf = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	if (rc != Z_STREAM_END) {
		deflateEnd(&z);
		free(buf);
		return -1;
	}
	*out_len = z.total_out;
	*out = buf;
	deflateEnd(&z);
	return 0;
}

/* ---- the server -------------------------------------------------------- */

struct sbx_http {
	struct MHD_Daemon *daemon;
	sbx_http_handler handler;
	void *ctx;
	pthread_mutex_t lock;
	atomic_bool stopping;
	unsigned port;
};

/* Per-connection request state while the body arrives. */
struct pending {
	char *body;
	size_t len, cap;
	bool too_big;
};

/* A body being delivered slowly or cut. */
struct delivery {
	struct sbx_http *srv;
	char *body;
	size_t len;        /* bytes we will send before ending */
	bool cut;          /* end with an error (close) at len */
	unsigned long bandwidth;
	struct timespec start;
};

static double
elapsed_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Sleep ms milliseconds in small steps, ending early when the server stops. */
static void
nap(struct sbx_http *srv, unsigned long ms)
{
	while (ms > 0 && !atomic_load(&srv->stopping)) {
		unsigned long step = ms > 50 ? 50 : ms;
		struct timespec ts = {(time_t)(step / 1000), (long)(step % 1000) * 1000000L};
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

static ssize_t
delivery_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct delivery *d = cls;
	if (atomic_load(&d->srv->stopping))
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (pos >= d->len)
		return d->cut ? MHD_CONTENT_READER_END_WITH_ERROR
			      : MHD_CONTENT_READER_END_OF_STREAM;
	size_t n = d->len - (size_t)pos;
	if (n > max)
		n = max;
	if (d->bandwidth > 0) {
		size_t slice = d->bandwidth / 10 > 0 ? d->bandwidth / 10 : 1;
		if (n > slice)
			n = slice;
		double due = (double)(pos + n) / (double)d->bandwidth;
		double wait = due - elapsed_since(&d->start);
		if (wait > 0)
			nap(d->srv, (unsigned long)(wait * 1000.0));
	}
	memcpy(buf, d->body + pos, n);
	return (ssize_t)n;
}

static void
delivery_free(void *cls)
{
	struct delivery *d = cls;
	free(d->body);
	free(d);
}

struct collect {
	struct sbx_header *items;
	size_t n;
};

static enum MHD_Result
collect_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct collect *c = cls;
	c->items = xreallocarray(c->items, c->n + 1, sizeof(*c->items));
	c->items[c->n].name = xstrdup(key != NULL ? key : "");
	c->items[c->n].value = xstrdup(value != NULL ? value : "");
	c->n++;
	return MHD_YES;
}

static void
collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->items[i].name);
		free(c->items[i].value);
	}
	free(c->items);
}

static void
client_address(struct MHD_Connection *conn, char *buf, size_t size, bool *loopback)
{
	buf[0] = '\0';
	*loopback = false;
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size);
		*loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)size);
		*loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
			    strncmp(buf, "::ffff:127.", 11) == 0;
	}
}

/* Turn a finished sbx_response into an MHD response, per its delivery fields. */
static struct MHD_Response *
make_mhd_response(struct sbx_http *srv, struct sbx_response *resp, const char *accept_enc)
{
	if (resp->gzip && resp->body_len > 0 && sbx_accepts_gzip(accept_enc)) {
		char *gz;
		size_t gz_len;
		if (sbx_gzip(resp->body, resp->body_len, &gz, &gz_len) == 0) {
			/* A cut fault names a point of the body as sent: keep it at the
			 * same fraction of the compressed body, so compression never
			 * turns a cut answer into a whole one. */
			if (resp->cut_at >= 0 && (size_t)resp->cut_at < resp->body_len) {
				double frac = (double)resp->cut_at / (double)resp->body_len;
				resp->cut_at = (long)(frac * (double)gz_len);
				if (resp->cut_at < 1 && gz_len > 1)
					resp->cut_at = 1;
			}
			free(resp->body);
			resp->body = gz;
			resp->body_len = gz_len;
			sbx_response_header(resp, "Content-Encoding", "gzip");
		}
	}
	if (resp->gzip)
		sbx_response_header(resp, "Vary", "Accept-Encoding");
	struct MHD_Response *r;
	bool cut = resp->cut_at >= 0 && (size_t)resp->cut_at < resp->body_len;
	if (cut || resp->bandwidth > 0) {
		struct delivery *d = xcalloc(1, sizeof(*d));
		d->srv = srv;
		d->body = resp->body;
		d->len = cut ? (size_t)resp->cut_at : resp->body_len;
		d->cut = cut;
		d->bandwidth = resp->bandwidth;
		clock_gettime(CLOCK_MONOTONIC, &d->start);
		resp->body = NULL;
		r = MHD_create_response_from_callback(resp->body_len, 16 * 1024, delivery_read, d,
						      delivery_free);
		if (r == NULL)
			delivery_free(d);
	} else {
		r = MHD_create_response_from_buffer(resp->body_len, resp->body,
						    MHD_RESPMEM_MUST_FREE);
		if (r != NULL)
			resp->body = NULL;
	}
	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < resp->n_headers; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	if (cut)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	return r;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size,
	   void **con_cls)
{
	(void)version;
	struct sbx_http *srv = cls;
	struct pending *p = *con_cls;
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		if (p->too_big || p->len + n > SBX_HTTP_MAX_BODY) {
			p->too_big = true;
		} else {
			if (p->len + n + 1 > p->cap) {
				p->cap = (p->len + n + 1) * 2;
				p->body = xrealloc(p->body, p->cap);
			}
			memcpy(p->body + p->len, upload_data, n);
			p->len += n;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct collect headers = {0}, args = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_value, &headers);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_value, &args);
	char ip[INET6_ADDRSTRLEN + 1];
	bool loopback;
	client_address(conn, ip, sizeof(ip), &loopback);
	if (p->body == NULL)
		p->body = xcalloc(1, 1);
	p->body[p->len] = '\0';

	struct sbx_request req = {
		.method = method,
		.path = url,
		.body = p->body,
		.body_len = p->len,
		.headers = headers.items,
		.n_headers = headers.n,
		.args = args.items,
		.n_args = args.n,
		.now = 0,
		.client_ip = ip,
		.loopback = loopback,
	};
	struct sbx_response resp;
	sbx_response_init(&resp);
	if (p->too_big) {
		sbx_response_text(&resp, 413, "text/plain; charset=utf-8", "body too large\n");
	} else {
		pthread_mutex_lock(&srv->lock);
		srv->handler(srv->ctx, &req, &resp);
		pthread_mutex_unlock(&srv->lock);
	}
	char *accept_enc = xstrdup_or_null(sbx_request_header(&req, "Accept-Encoding"));
	collect_free(&headers);
	collect_free(&args);

	enum MHD_Result rc = MHD_NO;
	if (resp.drop)
		goto out;
	if (resp.hang_ms > 0) {
		nap(srv, resp.hang_ms);
		goto out;
	}
	if (resp.delay_ms > 0)
		nap(srv, resp.delay_ms);
	if (atomic_load(&srv->stopping))
		goto out;
	struct MHD_Response *r = make_mhd_response(srv, &resp, accept_enc);
	if (r == NULL)
		goto out;
	rc = MHD_queue_response(conn, (unsigned)resp.status, r);
	MHD_destroy_response(r);
out:
	free(accept_enc);
	sbx_response_release(&resp);
	return rc;
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	struct pending *p = *con_cls;
	if (p != NULL) {
		free(p->body);
		free(p);
		*con_cls = NULL;
	}
}

struct sbx_http *
sbx_http_start(const char *host, unsigned port, sbx_http_handler handler, void *ctx,
	       const char **err)
{
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (port > 65535 || inet_pton(AF_INET, host != NULL ? host : "127.0.0.1",
				      &addr.sin_addr) != 1) {
		*err = "bad listen address (an IPv4 address and a port up to 65535)";
		return NULL;
	}
	struct sbx_http *srv = xcalloc(1, sizeof(*srv));
	srv->handler = handler;
	srv->ctx = ctx;
	pthread_mutex_init(&srv->lock, NULL);
	atomic_init(&srv->stopping, false);
	srv->daemon = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
		(uint16_t)port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
	if (srv->daemon == NULL) {
		*err = errno == EADDRINUSE ? "address already in use" : "cannot listen";
		pthread_mutex_destroy(&srv->lock);
		free(srv);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon,
							    MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di != NULL ? di->port : port;
	return srv;
}

unsigned
sbx_http_port(const struct sbx_http *srv)
{
	return srv->port;
}

void
sbx_http_stop(struct sbx_http *srv)
{
	if (srv == NULL)
		return;
	atomic_store(&srv->stopping, true);
	MHD_stop_daemon(srv->daemon);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
