/*
 * outbox_upload.c - result files of queued actions, uploaded resumably on
 * the dialects that take uploads (tuphap camelCase under /api/v1/uploads,
 * nnmt snake_case under /api/v2/uploads; doc/sandbox.md §5.5).
 *
 * Per file: create the upload once (its URL is kept in the entry's payload,
 * so a restart continues the same upload), ask the server for its offset
 * whenever it is not known (after any failure or restart), then PUT chunks
 * with Content-Range from that offset; the server's Upload-Offset always
 * wins over what we believe.  The completed upload's id is the file id the
 * action names.  It does not retry on its own: a failed request ends the job
 * with "try later" and the next attempt starts by asking the offset.
 * Reading a reply (outbox_upload_read_reply) is kept apart from acting on
 * it so that the fuzzer (tests/fuzz/fuzz_upload.c) reaches the same reader.
 */
#include "outbox/outbox_int.h"
#include "outbox/outbox_upload.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/unittest.h"
#include "core/xalloc.h"

struct upload_dialect {
	const char *dialect;
	const char *path;     /* under the source's base URL */
	bool camel;           /* fileName/uploadId, else file_name/upload_id */
};

static const struct upload_dialect upload_dialects[] = {
	{"tuphap", "/api/v1/uploads", true},
	{"nnmt", "/api/v2/uploads", false},
};

static const struct upload_dialect *
dialect_of(const struct source *src)
{
	for (size_t i = 0; i < sizeof upload_dialects / sizeof upload_dialects[0]; i++)
		if (src->ops != NULL && strcmp(src->ops->dialect, upload_dialects[i].dialect) == 0)
			return &upload_dialects[i];
	return NULL;
}

bool
outbox_upload_supported(const struct source *src)
{
	return dialect_of(src) != NULL;
}

bool
outbox_upload_needed(const struct outbox_job *j)
{
	for (size_t i = 0; i < j->p.n_files; i++)
		if (j->p.files[i].file_id == NULL)
			return true;
	return false;
}

static void upload_done(struct net_request *req, const struct net_response *resp, void *arg);

static struct net_request *
new_request(struct outbox_job *j, const char *method, const char *url)
{
	struct net_request *req = net_request_new(outbox_replay_net(j->r), method, url);

	net_request_source(req, j->src->name);
	net_request_kind(req, "upload");
	source_authorize(j->src, req);
	(void)net_request_header(req, "Accept", "application/json");
	return req;
}

static void
submit(struct outbox_job *j, struct net_request *req, bool asking)
{
	j->phase = OUTBOX_PHASE_UPLOAD;
	j->asking = asking;
	j->req = net_request_ref(req);
	net_request_on_done(req, upload_done, j);
	outbox_replay_count_upload(j->r, false);
	net_submit(outbox_replay_net(j->r), req);
}

/* POST .../uploads {fileName, size, contentType}. */
static void
create_upload(struct outbox_job *j, const struct outbox_file *f)
{
	const struct upload_dialect *d = dialect_of(j->src);
	size_t n = strlen(j->src->base_url) + strlen(d->path) + 1;
	char *url = xmalloc(n), *body;
	json_t *o;
	struct net_request *req;

	snprintf(url, n, "%s%s", j->src->base_url, d->path);
	req = new_request(j, "POST", url);
	free(url);
	o = json_pack("{s:s,s:I,s:s}", d->camel ? "fileName" : "file_name", f->name, "size",
		      (json_int_t)f->size, d->camel ? "contentType" : "content_type",
		      "application/octet-stream");
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	net_request_body(req, "application/json", body, strlen(body));
	free(body);
	submit(j, req, false);
}

/* PUT with "Content-Range: bytes * /SIZE" and no body: where are we? */
static void
ask_offset(struct outbox_job *j, const struct outbox_file *f)
{
	char *url = source_resolve_url(j->src, f->upload_url);
	char range[64];
	struct net_request *req;

	if (url == NULL) {
		outbox_job_fail(j, "the upload URL is on another host");
		return;
	}
	req = new_request(j, "PUT", url);
	free(url);
	snprintf(range, sizeof range, "bytes */%" PRId64, f->size);
	(void)net_request_header(req, "Content-Range", range);
	net_request_body(req, "application/octet-stream", "", 0);
	submit(j, req, true);
}

static void
put_chunk(struct outbox_job *j, const struct outbox_file *f)
{
	size_t chunk = outbox_replay_chunk(j->r);
	uint64_t left = (uint64_t)f->size - j->offset;
	size_t len = left < chunk ? (size_t)left : chunk;
	char *buf, *url, range[96];
	struct net_request *req;
	ssize_t got = 0;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "cannot read the result file '%s': %s", f->name,
			 strerror(errno));
		outbox_job_fail(j, msg);
		return;
	}
	buf = xmalloc(len > 0 ? len : 1);
	while ((size_t)got < len) {
		ssize_t n = pread(fd, buf + got, len - (size_t)got, (off_t)j->offset + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	if ((size_t)got != len) {
		free(buf);
		outbox_job_fail(j, "the result file changed after it was queued");
		return;
	}
	url = source_resolve_url(j->src, f->upload_url);
	if (url == NULL) {
		free(buf);
		outbox_job_fail(j, "the upload URL is on another host");
		return;
	}
	req = new_request(j, "PUT", url);
	free(url);
	snprintf(range, sizeof range, "bytes %" PRIu64 "-%" PRIu64 "/%" PRId64, j->offset,
		 j->offset + len - 1, f->size);
	(void)net_request_header(req, "Content-Range", range);
	net_request_body(req, "application/octet-stream", buf, len);
	free(buf);
	submit(j, req, false);
}

void
outbox_upload_next(struct outbox_job *j)
{
	while (j->file_i < j->p.n_files && j->p.files[j->file_i].file_id != NULL) {
		j->file_i++;
		j->offset_known = false;
	}
	if (j->file_i >= j->p.n_files) {
		outbox_job_uploaded(j);
		return;
	}
	struct outbox_file *f = &j->p.files[j->file_i];
	if (f->size <= 0) {
		outbox_job_fail(j, "an empty result file cannot be uploaded");
		return;
	}
	if (f->upload_url == NULL)
		create_upload(j, f);
	else if (!j->offset_known)
		ask_offset(j, f);
	else
		put_chunk(j, f);
}

/* The upload id from the body ("uploadId" / "upload_id"), else the URL's last part. */
static char *
upload_id(const struct upload_dialect *d, json_t *root, const char *url)
{
	const char *id = json_string_value(json_object_get(root, d->camel ? "uploadId"
									  : "upload_id"));
	const char *slash;

	if (id != NULL && id[0] != '\0' && strlen(id) < 256)
		return xstrdup(id);
	if (url != NULL && (slash = strrchr(url, '/')) != NULL && slash[1] != '\0')
		return xstrdup(slash + 1);
	return NULL;
}

static bool
header_offset(const struct net_response *resp, uint64_t *out)
{
	const char *v = net_response_header(resp, "Upload-Offset");
	char *end;
	unsigned long long n;

	if (v == NULL || *v == '\0')
		return false;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = n;
	return true;
}

static enum outbox_upload_verdict
reply_verdict(struct outbox_upload_reply *out, enum outbox_upload_verdict v, const char *msg)
{
	out->verdict = v;
	snprintf(out->message, sizeof out->message, "%s", msg != NULL ? msg : "");
	return v;
}

UNITTEST enum outbox_upload_verdict
outbox_upload_read_reply(const char *dialect, const struct outbox_file *f, bool asking,
			 const struct net_response *resp, struct outbox_upload_reply *out)
{
	const struct upload_dialect *d = NULL;
	json_t *root = NULL;
	uint64_t off = 0;
	bool have_off;
	char msg[160];

	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof upload_dialects / sizeof upload_dialects[0]; i++)
		if (dialect != NULL && strcmp(dialect, upload_dialects[i].dialect) == 0)
			d = &upload_dialects[i];
	if (d == NULL)
		return reply_verdict(out, OUTBOX_UPLOAD_FAIL, "this system takes no uploads");
	if (resp->result != NET_OK) {
		out->offset_lost = true; /* a chunk may or may not have landed */
		return reply_verdict(out, OUTBOX_UPLOAD_LATER, resp->error);
	}
	if (resp->status == 401 || resp->status == 403) {
		out->delay_ms = 1000;
		return reply_verdict(out, OUTBOX_UPLOAD_AUTH, "token refused");
	}
	if (resp->status == 429 || resp->status >= 500) {
		const char *ra = net_response_header(resp, "Retry-After");
		int64_t s = -1;

		out->offset_lost = true;
		if (ra == NULL || net_retry_after_parse(ra, 0, &s) != 0 || s < 0 || s > 86400)
			s = 0;
		out->delay_ms = (uint64_t)s * 1000;
		snprintf(msg, sizeof msg, "upload: HTTP %ld", resp->status);
		return reply_verdict(out, OUTBOX_UPLOAD_LATER, msg);
	}
	root = json_loadb(resp->body, resp->body_len, 0, NULL);
	have_off = header_offset(resp, &off);
	if (f->upload_url == NULL) { /* the create */
		const char *loc = net_response_header(resp, "Location");

		if (resp->status != 201 && resp->status != 200) {
			snprintf(msg, sizeof msg, "upload refused: HTTP %ld", resp->status);
			reply_verdict(out, OUTBOX_UPLOAD_FAIL, msg);
		} else if (loc == NULL || strlen(loc) > 2048) {
			reply_verdict(out, OUTBOX_UPLOAD_FAIL, "upload created without a Location");
		} else {
			out->location = xstrdup(loc);
			out->offset = have_off ? off : 0;
			reply_verdict(out, OUTBOX_UPLOAD_CREATED, NULL);
		}
	} else if (resp->status == 404) {
		/* the server forgot the upload (restart, expiry): start it again */
		reply_verdict(out, OUTBOX_UPLOAD_FORGOTTEN, NULL);
	} else if (resp->status == 200 || resp->status == 308 || resp->status == 409) {
		json_t *complete = json_object_get(root, "complete");

		if (!have_off) {
			json_t *o = json_object_get(root, "offset");
			have_off = json_is_integer(o) && json_integer_value(o) >= 0;
			off = have_off ? (uint64_t)json_integer_value(o) : 0;
		}
		if (!have_off || off > (uint64_t)f->size) {
			out->offset_lost = true;
			reply_verdict(out, OUTBOX_UPLOAD_LATER, "upload: no offset in the answer");
		} else {
			out->offset = off;
			out->resumed = asking && off > 0 && off < (uint64_t)f->size;
			reply_verdict(out, OUTBOX_UPLOAD_AT, NULL);
			if (off == (uint64_t)f->size &&
			    (resp->status == 200 || json_is_true(complete))) {
				out->file_id = upload_id(d, root, f->upload_url);
				if (out->file_id == NULL)
					reply_verdict(out, OUTBOX_UPLOAD_FAIL,
						      "upload complete without an id");
			}
		}
	} else {
		snprintf(msg, sizeof msg, "upload refused: HTTP %ld", resp->status);
		reply_verdict(out, OUTBOX_UPLOAD_FAIL, msg);
	}
	json_decref(root);
	return out->verdict;
}

UNITTEST void
outbox_upload_reply_release(struct outbox_upload_reply *r)
{
	free(r->location);
	free(r->file_id);
	memset(r, 0, sizeof *r);
}

static void
upload_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct outbox_job *j = arg;
	struct outbox_file *f = &j->p.files[j->file_i];
	struct outbox_upload_reply r;

	(void)req;
	net_request_unref(j->req);
	j->req = NULL;
	outbox_job_account(j, resp);
	outbox_upload_read_reply(j->src->ops->dialect, f, j->asking, resp, &r);
	if (r.offset_lost)
		j->offset_known = false;
	switch (r.verdict) {
	case OUTBOX_UPLOAD_LATER:
		outbox_job_later(j, r.message, r.delay_ms);
		goto out;
	case OUTBOX_UPLOAD_AUTH:
		j->auth = true;
		outbox_job_later(j, r.message, r.delay_ms);
		goto out;
	case OUTBOX_UPLOAD_FAIL:
		outbox_job_fail(j, r.message);
		goto out;
	case OUTBOX_UPLOAD_CREATED:
		f->upload_url = r.location;
		r.location = NULL;
		j->payload_dirty = true; /* the next step stores it: a restart resumes */
		j->offset = r.offset;
		j->offset_known = true;
		break;
	case OUTBOX_UPLOAD_FORGOTTEN:
		free(f->upload_url);
		f->upload_url = NULL;
		j->payload_dirty = true;
		j->offset_known = false;
		break;
	case OUTBOX_UPLOAD_AT:
		if (r.resumed)
			outbox_replay_count_upload(j->r, true); /* continues, not from zero */
		j->offset = r.offset;
		j->offset_known = true;
		if (r.file_id != NULL) {
			f->file_id = r.file_id;
			r.file_id = NULL;
			j->payload_dirty = true;
		}
		break;
	}
	outbox_upload_next(j);
out:
	outbox_upload_reply_release(&r);
}
