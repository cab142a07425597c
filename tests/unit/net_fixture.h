/*
 * net_fixture.h - the loopback HTTP server and the client helpers that the
 * network layer's test programs (tests/unit/test_net*.c) share.  Each program
 * includes it once and gets its own copy (everything is static): the
 * Makefile links one .c per unit program, so a shared .c is not an option.
 *
 * A libmicrohttpd server runs inside the test (one thread per connection, so
 * slow handlers do not block each other) on 127.0.0.1 and a port the kernel
 * picks.  It serves the misbehaviours a weak link and a hostile backend
 * produce: compressed bodies, 429 with Retry-After, stalls, truncated and
 * endless bodies, a flaky 503, ranged attachments, redirects, and it records
 * what it received (headers, concurrency).  Start it with server_start as a
 * cmocka group setup and stop it with server_stop.
 */
#ifndef MOTCUA_TEST_NET_FIXTURE_H
#define MOTCUA_TEST_NET_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "net/net.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* Not every program uses every helper. */
#define NET_FIXTURE static __attribute__((unused))

/* ---- the server ------------------------------------------------------- */

static struct MHD_Daemon *daemon_;
static unsigned short port_;
static volatile int stopping_;

static pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
static int in_flight_, max_in_flight_;
static int flaky_failures_left_;

static char *plain_json_;        /* the decoded payload of /gzip */
static size_t plain_json_len_;
static unsigned char *gz_;
static size_t gz_len_;

#define ATTACHMENT_SIZE 200000

NET_FIXTURE char
attachment_byte(size_t i)
{
	return (char)('a' + (i * 7 + i / 13) % 26);
}

NET_FIXTURE void
make_gzip_payload(void)
{
	z_stream zs;
	size_t cap;
	json_t *arr = json_array();

	/* Repetitive like a page of dossiers: it compresses well. */
	for (int i = 0; i < 400; i++)
		json_array_append_new(arr, json_pack("{s:s, s:i, s:s}", "MaHoSo", "000.00.00.H00-000000-0000",
						     "TrangThai", i % 10 + 1, "TenThuTuc",
						     "Đăng ký khai sinh"));
	plain_json_ = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	plain_json_len_ = strlen(plain_json_);

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&zs, plain_json_len_);
	gz_ = malloc(cap);
	zs.next_in = (unsigned char *)plain_json_;
	zs.avail_in = (uInt)plain_json_len_;
	zs.next_out = gz_;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	gz_len_ = cap - zs.avail_out;
	deflateEnd(&zs);
}

NET_FIXTURE ssize_t
slow_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)max;
	if (stopping_)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	if (pos > 0)
		usleep(100 * 1000);   /* 10 bytes/s after the first byte */
	if (pos >= 40)
		return MHD_CONTENT_READER_END_OF_STREAM;
	buf[0] = 'x';
	return 1;
}

NET_FIXTURE ssize_t
truncated_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	if (pos > 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;   /* drops the connection */
	memset(buf, 'y', max < 100 ? max : 100);
	return max < 100 ? (ssize_t)max : 100;
}

NET_FIXTURE ssize_t
endless_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	if (stopping_ || pos > (uint64_t)512 * 1024 * 1024)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	memset(buf, 'z', max);
	return (ssize_t)max;
}

struct upload {
	char *data;
	size_t len;
};

NET_FIXTURE void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)c;
	(void)t;
	if (up != NULL) {
		free(up->data);
		free(up);
		*con_cls = NULL;
	}
}

NET_FIXTURE enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *body, size_t len,
      const char *h1, const char *v1, const char *h2, const char *v2)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (h1 != NULL)
		MHD_add_response_header(r, h1, v1);
	if (h2 != NULL)
		MHD_add_response_header(r, h2, v2);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

NET_FIXTURE enum MHD_Result
reply_callback(struct MHD_Connection *c, uint64_t size, MHD_ContentReaderCallback cb)
{
	struct MHD_Response *r = MHD_create_response_from_callback(size, 1024, cb, NULL, NULL);
	enum MHD_Result ret = MHD_queue_response(c, 200, r);

	MHD_destroy_response(r);
	return ret;
}

NET_FIXTURE const char *
hdr(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

NET_FIXTURE enum MHD_Result
serve_echo(struct MHD_Connection *c, const char *method, struct upload *up)
{
	json_t *o = json_object();
	char *s;
	enum MHD_Result ret;
	static const char *const names[] = {
		"X-Test", "Idempotency-Key", "Content-Type", "User-Agent",
		"Accept-Encoding", "Expect", "Empty",
	};

	json_object_set_new(o, "method", json_string(method));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = hdr(c, names[i]);

		json_object_set_new(o, names[i], v != NULL ? json_string(v) : json_null());
	}
	json_object_set_new(o, "body", json_stringn(up->data != NULL ? up->data : "", up->len));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	ret = reply(c, 200, s, strlen(s), "Content-Type", "application/json", NULL, NULL);
	free(s);
	return ret;
}

NET_FIXTURE enum MHD_Result
serve_attachment(struct MHD_Connection *c)
{
	const char *range = hdr(c, "Range");
	size_t from = 0;
	char *data;
	enum MHD_Result ret;
	char cr[80];

	if (range != NULL && sscanf(range, "bytes=%zu-", &from) != 1)
		from = 0;
	if (from >= ATTACHMENT_SIZE)
		return reply(c, 416, "", 0, NULL, NULL, NULL, NULL);
	data = malloc(ATTACHMENT_SIZE - from);
	for (size_t i = from; i < ATTACHMENT_SIZE; i++)
		data[i - from] = attachment_byte(i);
	snprintf(cr, sizeof(cr), "bytes %zu-%d/%d", from, ATTACHMENT_SIZE - 1, ATTACHMENT_SIZE);
	ret = reply(c, from > 0 ? 206 : 200, data, ATTACHMENT_SIZE - from,
		    from > 0 ? "Content-Range" : NULL, cr, NULL, NULL);
	free(data);
	return ret;
}

NET_FIXTURE enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct upload *up = *con_cls;

	(void)cls;
	(void)version;
	if (up == NULL) {
		*con_cls = calloc(1, sizeof(struct upload));
		return MHD_YES;
	}
	if (*upload_size > 0) {
		up->data = realloc(up->data, up->len + *upload_size + 1);
		memcpy(up->data + up->len, upload_data, *upload_size);
		up->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}

	if (strcmp(url, "/json") == 0)
		return reply(c, 200, "{\"ok\":true}", 11, "Content-Type", "application/json",
			     "ETag", "\"v1\"");
	if (strcmp(url, "/gzip") == 0)
		return reply(c, 200, (const char *)gz_, gz_len_, "Content-Encoding", "gzip",
			     "Content-Type", "application/json");
	if (strcmp(url, "/429") == 0)
		return reply(c, 429, "{\"error\":\"slow down\"}", 21, "Retry-After", "2", NULL, NULL);
	if (strcmp(url, "/slow") == 0) {
		struct MHD_Response *r = MHD_create_response_from_callback(40, 1, slow_reader,
									   NULL, NULL);
		enum MHD_Result ret = MHD_queue_response(c, 200, r);

		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(url, "/truncated") == 0)
		return reply_callback(c, 1000, truncated_reader);
	if (strcmp(url, "/huge") == 0)
		return reply_callback(c, MHD_SIZE_UNKNOWN, endless_reader);
	if (strcmp(url, "/echo") == 0)
		return serve_echo(c, method, up);
	if (strcmp(url, "/concurrent") == 0) {
		pthread_mutex_lock(&lock_);
		if (++in_flight_ > max_in_flight_)
			max_in_flight_ = in_flight_;
		pthread_mutex_unlock(&lock_);
		/* Held until a third request is in flight too, or 2 s: long
		 * enough that requests the client lets overlap do overlap even
		 * on a loaded machine under valgrind, short when they do. */
		for (int waited = 0; waited < 2000; waited += 5) {
			int now;
			pthread_mutex_lock(&lock_);
			now = max_in_flight_;
			pthread_mutex_unlock(&lock_);
			if (now >= 3 && waited >= 150)
				break;
			usleep(5 * 1000);
		}
		pthread_mutex_lock(&lock_);
		in_flight_--;
		pthread_mutex_unlock(&lock_);
		return reply(c, 200, "ok", 2, NULL, NULL, NULL, NULL);
	}
	if (strcmp(url, "/flaky") == 0) {
		int fail;

		pthread_mutex_lock(&lock_);
		fail = flaky_failures_left_ > 0;
		if (fail)
			flaky_failures_left_--;
		pthread_mutex_unlock(&lock_);
		if (fail)
			return reply(c, 503, "maintenance", 11, "Retry-After", "0", NULL, NULL);
		return reply(c, 200, "fine", 4, NULL, NULL, NULL, NULL);
	}
	if (strcmp(url, "/attachment") == 0)
		return serve_attachment(c);
	if (strcmp(url, "/redirect") == 0)
		return reply(c, 302, "", 0, "Location", "/json", NULL, NULL);
	return reply(c, 404, "{\"error\":\"no such thing\"}", 25, NULL, NULL, NULL, NULL);
}

NET_FIXTURE int
server_start(void **state)
{
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;

	(void)state;
	make_gzip_payload();
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
				   0, NULL, NULL, handler, NULL,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
				   MHD_OPTION_END);
	if (daemon_ == NULL)
		return -1;
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0)
		return -1;
	port_ = info->port;
	return 0;
}

NET_FIXTURE int
server_stop(void **state)
{
	(void)state;
	stopping_ = 1;
	MHD_stop_daemon(daemon_);
	free(plain_json_);
	free(gz_);
	return 0;
}

/* ---- client helpers --------------------------------------------------- */

NET_FIXTURE char *
url_for(const char *path)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "http://127.0.0.1:%u%s", (unsigned)port_, path);
	return buf;
}

/* What a done callback saw, copied out of the borrowed response. */
struct seen {
	int calls;
	enum net_result result;
	long status;
	char error[64];
	char *body;
	size_t body_len;
	char etag[64];
	char retry_after[64];
	char content_range[64];
	char location[64];
	uint64_t bytes_in, bytes_out;
	unsigned attempts;
	unsigned new_connections;
	uint64_t done_at_ms;
};

NET_FIXTURE uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

NET_FIXTURE void
copy_header(const struct net_response *resp, const char *name, char *out, size_t size)
{
	const char *v = net_response_header(resp, name);

	snprintf(out, size, "%s", v != NULL ? v : "");
}

NET_FIXTURE void
record(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct seen *s = arg;

	(void)req;
	s->calls++;
	s->result = resp->result;
	s->status = resp->status;
	snprintf(s->error, sizeof(s->error), "%s", resp->error);
	free(s->body);
	s->body = malloc(resp->body_len + 1);
	memcpy(s->body, resp->body, resp->body_len + 1);
	s->body_len = resp->body_len;
	copy_header(resp, "etag", s->etag, sizeof(s->etag));
	copy_header(resp, "RETRY-AFTER", s->retry_after, sizeof(s->retry_after));
	copy_header(resp, "Content-Range", s->content_range, sizeof(s->content_range));
	copy_header(resp, "Location", s->location, sizeof(s->location));
	s->bytes_in = resp->bytes_in;
	s->bytes_out = resp->bytes_out;
	s->attempts = resp->attempts;
	s->new_connections = resp->new_connections;
	s->done_at_ms = mono_ms();
}

NET_FIXTURE struct net *
new_net(void)
{
	struct net *net = net_new(NULL);

	assert_non_null(net);
	net_set_trace(net, NULL);
	return net;
}

/* One request, run to completion; returns what the callback saw. */
NET_FIXTURE void
fetch(struct net *net, struct net_request *req, struct seen *s)
{
	net_request_on_done(req, record, s);
	net_submit(net, req);
	assert_int_equal(net_run_until_done(net), 0);
	assert_int_equal(s->calls, 1);
}

NET_FIXTURE void
get(const char *path, struct seen *s)
{
	struct net *net = new_net();

	fetch(net, net_request_new(net, "GET", url_for(path)), s);
	net_free(net);
}

#endif
