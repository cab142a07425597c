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
#include <stddef.h>

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

#endif
