/*
 * upload.c - resumable uploads of result files, the requests and the
 * reading of their replies (source.h).  The protocol is the same for every
 * system that takes uploads; what differs (the path under the base URL and
 * the JSON casing) is the dialect's struct source_upload_dialect.
 *
 * What it does not do: keep progress, read files or decide when to retry;
 * the offline queue's replay (src/outbox/outbox_upload.c) does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xalloc.h"
#include "sources/source.h"

#define MAX_UPLOAD_URL 2048

bool
source_takes_uploads(const struct source *src)
{
	return src->ops != NULL && src->ops->upload != NULL;
}

static struct net_request *
new_request(struct source *src, struct net *net, const char *method, const char *url)
{
	struct net_request *req = net_request_new(net, method, url);

	net_request_source(req, src->name);
	net_request_kind(req, "upload");
	source_authorize(src, req);
	(void)net_request_header(req, "Accept", "application/json");
	return req;
}

struct net_request *
source_upload_create_request(struct source *src, struct net *net, const char *name, int64_t size)
{
	const struct source_upload_dialect *d = src->ops->upload;
	struct net_request *req;
	char *url, *body;
	json_t *o;

	if (d == NULL)
		return NULL;
	url = xasprintf("%s%s", src->base_url, d->path);
	req = new_request(src, net, "POST", url);
	free(url);
	o = json_pack("{s:s,s:I,s:s}", d->camel ? "fileName" : "file_name", name, "size",
		      (json_int_t)size, d->camel ? "contentType" : "content_type",
		      "application/octet-stream");
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	net_request_body(req, "application/json", body, strlen(body));
	free(body);
	return req;
}

struct net_request *
source_upload_offset_request(struct source *src, struct net *net, const char *upload_url,
			     int64_t size)
{
	char *url = source_resolve_url(src, upload_url);
	char range[64];
	struct net_request *req;

	if (url == NULL)
		return NULL;
	req = new_request(src, net, "PUT", url);
	free(url);
	snprintf(range, sizeof range, "bytes */%" PRId64, size);
	(void)net_request_header(req, "Content-Range", range);
	net_request_body(req, "application/octet-stream", "", 0);
	return req;
}

struct net_request *
source_upload_chunk_request(struct source *src, struct net *net, const char *upload_url,
			    uint64_t offset, const void *bytes, size_t len, int64_t size)
{
	char *url = source_resolve_url(src, upload_url);
	char range[96];
	struct net_request *req;

	if (url == NULL || len == 0) {
		free(url);
		return NULL;
	}
	req = new_request(src, net, "PUT", url);
	free(url);
	snprintf(range, sizeof range, "bytes %" PRIu64 "-%" PRIu64 "/%" PRId64, offset,
		 offset + len - 1, size);
	(void)net_request_header(req, "Content-Range", range);
	net_request_body(req, "application/octet-stream", bytes, len);
	return req;
}

/* The upload id from the body ("uploadId" / "upload_id"), else the URL's last part. */
static char *
upload_id(const struct source_upload_dialect *d, json_t *root, const char *url)
{
	const char *id = json_string_value(json_object_get(root, d->camel ? "uploadId"
									  : "upload_id"));
	const char *slash;

	if (id != NULL && id[0] != '\0' && strlen(id) < 256)
		return xstrdup(id);
	if (url != NULL && (slash = strrchr(url, '/')) != NULL && slash[1] != '\0' &&
	    strlen(slash + 1) < 256)
		return xstrdup(slash + 1);
	return NULL;
}

static bool
header_offset(const struct net_response *resp, uint64_t *out)
{
	const char *v = net_response_header(resp, "Upload-Offset");
	char *end;
	unsigned long long n;

	if (v == NULL || *v < '0' || *v > '9')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = n;
	return true;
}

static enum source_upload_verdict
verdict(struct source_upload_reply *out, enum source_upload_verdict v)
{
	out->verdict = v;
	return v;
}

enum source_upload_verdict
source_upload_read_reply(const struct source *src, const char *upload_url, int64_t size,
			 bool asking, const struct net_response *resp,
			 struct source_upload_reply *out)
{
	const struct source_upload_dialect *d = src->ops != NULL ? src->ops->upload : NULL;
	json_t *root = NULL;
	uint64_t off = 0;
	bool have_off;

	memset(out, 0, sizeof *out);
	if (d == NULL) {
		mc_err_set(&out->error, MC_E_UNSUPPORTED, src->name, NULL);
		mc_err_field(&out->error, "upload");
		return verdict(out, SOURCE_UPLOAD_FAIL);
	}
	if (resp->result != NET_OK) {
		out->offset_lost = true; /* a chunk may or may not have landed */
		mc_err_set(&out->error, net_response_errc(resp), src->name, "%s", resp->error);
		return verdict(out, SOURCE_UPLOAD_LATER);
	}
	if (resp->status == 401 || resp->status == 403) {
		out->delay_ms = 1000;
		mc_err_set(&out->error, MC_E_TOKEN_REFUSED, src->name, NULL);
		out->error.http = (int)resp->status;
		return verdict(out, SOURCE_UPLOAD_AUTH);
	}
	if (resp->status == 429 || resp->status >= 500) {
		const char *ra = net_response_header(resp, "Retry-After");
		int64_t s = -1;

		out->offset_lost = true;
		if (ra == NULL || net_retry_after_parse(ra, 0, &s) != 0 || s < 0 || s > 86400)
			s = 0;
		out->delay_ms = (uint64_t)s * 1000;
		mc_err_set(&out->error, MC_E_UNAVAILABLE, src->name, NULL);
		out->error.http = (int)resp->status;
		return verdict(out, SOURCE_UPLOAD_LATER);
	}
	root = json_loadb(resp->body, resp->body_len, 0, NULL);
	have_off = header_offset(resp, &off);
	if (upload_url == NULL) { /* the create */
		const char *loc = net_response_header(resp, "Location");

		if (resp->status != 201 && resp->status != 200) {
			mc_err_set(&out->error, MC_E_REFUSED, src->name, NULL);
			out->error.http = (int)resp->status;
			verdict(out, SOURCE_UPLOAD_FAIL);
		} else if (loc == NULL || loc[0] == '\0' || strlen(loc) > MAX_UPLOAD_URL) {
			mc_err_set(&out->error, MC_E_REPLY, src->name, "no Location");
			mc_err_field(&out->error, "Location");
			verdict(out, SOURCE_UPLOAD_FAIL);
		} else {
			out->location = xstrdup(loc);
			out->offset = have_off ? off : 0;
			verdict(out, SOURCE_UPLOAD_CREATED);
		}
	} else if (resp->status == 404) {
		/* the server forgot the upload (restart, expiry): start it again */
		verdict(out, SOURCE_UPLOAD_FORGOTTEN);
	} else if (resp->status == 200 || resp->status == 308 || resp->status == 409) {
		json_t *complete = json_object_get(root, "complete");

		if (!have_off) {
			json_t *o = json_object_get(root, "offset");
			have_off = json_is_integer(o) && json_integer_value(o) >= 0;
			off = have_off ? (uint64_t)json_integer_value(o) : 0;
		}
		if (!have_off || size < 0 || off > (uint64_t)size) {
			out->offset_lost = true;
			mc_err_set(&out->error, MC_E_REPLY, src->name, "no usable offset");
			mc_err_field(&out->error, "Upload-Offset");
			verdict(out, SOURCE_UPLOAD_LATER);
		} else {
			out->offset = off;
			out->resumed = asking && off > 0 && off < (uint64_t)size;
			verdict(out, SOURCE_UPLOAD_AT);
			if (off == (uint64_t)size && (resp->status == 200 || json_is_true(complete))) {
				out->file_id = upload_id(d, root, upload_url);
				if (out->file_id == NULL) {
					mc_err_set(&out->error, MC_E_REPLY, src->name,
						   "complete without an id");
					mc_err_field(&out->error, d->camel ? "uploadId" : "upload_id");
					verdict(out, SOURCE_UPLOAD_FAIL);
				}
			}
		}
	} else {
		mc_err_set(&out->error, MC_E_REFUSED, src->name, NULL);
		out->error.http = (int)resp->status;
		verdict(out, SOURCE_UPLOAD_FAIL);
	}
	json_decref(root);
	return out->verdict;
}

void
source_upload_reply_release(struct source_upload_reply *r)
{
	free(r->location);
	free(r->file_id);
	memset(r, 0, sizeof *r);
}
