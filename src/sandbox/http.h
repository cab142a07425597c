/*
 * http.h - the sandbox's HTTP layer: libmicrohttpd glue and plain request /
 * response values.
 *
 * Handlers in the sandbox (each dialect, the OpenID provider, the control API)
 * are functions from a `struct sbx_request` to a `struct sbx_response`; they
 * never touch libmicrohttpd.  That keeps them testable without a socket and
 * lets http.c apply the faults (latency, bandwidth caps, dropped connections,
 * bodies cut mid-way) in one place.
 */
#ifndef MOTCUA_SBX_HTTP_H
#define MOTCUA_SBX_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"

struct sbx_header {
	char *name;
	char *value;
};

/* A request as handlers see it.  Everything is borrowed for the call. */
struct sbx_request {
	const char *method;            /* "GET", "POST", ... */
	const char *path;              /* "/tuphap/api/v1/dossiers" (no query) */
	const char *body;              /* NUL-terminated copy; may contain NULs */
	size_t body_len;
	const struct sbx_header *headers; /* as received */
	size_t n_headers;
	const struct sbx_header *args; /* query arguments, URL-decoded */
	size_t n_args;
	mc_time now;                   /* the sandbox clock (may be advanced) */
	const char *client_ip;         /* "127.0.0.1"; "" when unknown */
	bool loopback;                 /* the client connected from 127.0.0.0/8 or ::1 */
};

/* Case-insensitive header lookup; NULL when absent. */
const char *sbx_request_header(const struct sbx_request *req, const char *name);
/* Query argument; NULL when absent. */
const char *sbx_request_arg(const struct sbx_request *req, const char *name);
/*
 * A field of an application/x-www-form-urlencoded body, decoded; the caller
 * frees it.  NULL when absent or the body is not a form.
 */
char *sbx_form_value(const struct sbx_request *req, const char *name);
/* The body parsed as JSON; NULL (and *err set to a static reason) if it is not. */
json_t *sbx_request_json(const struct sbx_request *req, const char **err);
/* "Bearer X" -> X (borrowed from the header), or NULL. */
const char *sbx_request_bearer(const struct sbx_request *req);

/* A response; owned by whoever initialised it. */
struct sbx_response {
	int status;
	char *body;
	size_t body_len;
	struct sbx_header *headers;
	size_t n_headers;

	/*
	 * Delivery, applied by http.c after the handler returns (the fault layer
	 * sets these; handlers normally leave them zero, as sbx_response_init
	 * does).  They are how the sandbox misbehaves on the wire.
	 */
	unsigned delay_ms;        /* wait this long before answering */
	unsigned long bandwidth;  /* pace the body at this many bytes/s; 0 = no cap */
	bool drop;                /* close the connection without any answer */
	unsigned hang_ms;         /* say nothing for this long, then close (no answer) */
	long cut_at;              /* >= 0: send headers and this many body bytes, then close */
	bool gzip;                /* gzip the body when the request accepts gzip */
};

void sbx_response_init(struct sbx_response *resp);
void sbx_response_release(struct sbx_response *resp);
/* Add a header (copied). */
void sbx_response_header(struct sbx_response *resp, const char *name, const char *value);
/* JSON body with Content-Type application/json; `body` is stolen (decref'd). */
void sbx_response_json(struct sbx_response *resp, int status, json_t *body);
/* Any other body, copied. */
void sbx_response_text(struct sbx_response *resp, int status, const char *content_type,
		       const char *text);
/* OAuth 2.0 error: {"error": code, "error_description": desc}. */
void sbx_response_oauth_error(struct sbx_response *resp, int status, const char *code,
			      const char *desc);
/* Any body of len bytes, copied (binary safe). */
void sbx_response_bytes(struct sbx_response *resp, int status, const char *content_type,
			const void *data, size_t len);
/* Header value of the response (case-insensitive); NULL when absent. */
const char *sbx_response_get_header(const struct sbx_response *resp, const char *name);

/*
 * A single-range "Range: bytes=..." header against a body of `total` bytes:
 * returns 1 and sets [*first, *last] (inclusive) for a satisfiable range,
 * 0 when there is no usable header (absent, not "bytes=", several ranges:
 * serve the whole body), -1 when unsatisfiable (answer 416).
 */
int sbx_parse_range(const char *header, uint64_t total, uint64_t *first, uint64_t *last);

/* Does an Accept-Encoding value allow gzip (and not with q=0)? */
bool sbx_accepts_gzip(const char *accept_encoding);

/*
 * gzip `len` bytes of `data` into a new buffer (*out, caller frees, *out_len).
 * Returns 0, or -1 on a zlib failure.
 */
int sbx_gzip(const void *data, size_t len, char **out, size_t *out_len);

/*
 * The server.  The handler is called once per complete request, from one of
 * the server's threads, with a mutex held: handlers never run concurrently,
 * so the world they share needs no locking of its own.  Delivery (delays,
 * pacing, hanging) happens after the mutex is released, so a slow or cut
 * response never blocks the other connections.  The handler fills req->now
 * itself if it needs the clock (http.c leaves it 0).
 */
typedef void (*sbx_http_handler)(void *ctx, struct sbx_request *req,
				 struct sbx_response *resp);

struct sbx_http;

/*
 * Listen on host:port (port 0 picks a free one) and serve.  Returns the server,
 * or NULL with *err set to a static reason.  Requests with bodies larger than
 * SBX_HTTP_MAX_BODY get 413 without reaching the handler.
 */
#define SBX_HTTP_MAX_BODY (64u * 1024u * 1024u)
struct sbx_http *sbx_http_start(const char *host, unsigned port, sbx_http_handler handler,
				void *ctx, const char **err);
/* The port actually bound. */
unsigned sbx_http_port(const struct sbx_http *srv);
/* Stop accepting, end hanging and paced responses, wait for the threads, free. */
void sbx_http_stop(struct sbx_http *srv);

#endif
