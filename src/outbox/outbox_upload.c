/*
 * outbox_upload.c - result files of queued actions, uploaded resumably to
 * the systems that take uploads (the protocol's requests and replies are
 * the connector's: sources/upload.c).
 *
 * Per file: create the upload once (its URL is kept in the entry's payload,
 * so a restart continues the same upload), ask the server for its offset
 * whenever it is not known (after any failure or restart), then PUT chunks
 * from that offset; the server's offset always wins over what we believe.
 * The completed upload's id is the file id the action names.  It does not
 * retry on its own: a failed request ends the job with "try later" and the
 * next attempt starts by asking the offset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "outbox/outbox_int.h"

bool
outbox_upload_needed(const struct outbox_job *j)
{
	if (!source_takes_uploads(j->src))
		return false;
	for (size_t i = 0; i < j->p.n_files; i++)
		if (j->p.files[i].file_id == NULL)
			return true;
	return false;
}

static void upload_done(struct net_request *req, const struct net_response *resp, void *arg);

static void
submit(struct outbox_job *j, struct net_request *req, bool asking)
{
	j->phase = OUTBOX_PHASE_UPLOAD;
	j->asking = asking;
	j->r->stats.uploads++;
	outbox_job_submit(j, req, upload_done);
}

static void
fail_foreign(struct outbox_job *j)
{
	outbox_job_fail_code(j, MC_E_FOREIGN_URL, j->p.files[j->file_i].upload_url);
}

static void
put_chunk(struct outbox_job *j, const struct outbox_file *f)
{
	size_t chunk = outbox_replay_chunk(j->r);
	uint64_t left = (uint64_t)f->size - j->offset;
	size_t len = left < chunk ? (size_t)left : chunk;
	struct net_request *req;
	ssize_t got = 0;
	char *buf;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		struct mc_err err;
		mc_err_set(&err, MC_E_FILE, j->src->name, "%s", strerror(errno));
		mc_err_field(&err, f->name);
		outbox_job_fail(j, &err);
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
	if ((size_t)got != len || len == 0) {
		free(buf);
		outbox_job_fail_code(j, MC_E_FILE_CHANGED, f->name);
		return;
	}
	req = source_upload_chunk_request(j->src, j->r->opt.net, f->upload_url, j->offset, buf,
					  len, f->size);
	free(buf);
	if (req == NULL) {
		fail_foreign(j);
		return;
	}
	submit(j, req, false);
}

void
outbox_upload_next(struct outbox_job *j)
{
	struct net_request *req;

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
		outbox_job_fail_code(j, MC_E_EMPTY_FILE, f->name);
		return;
	}
	if (f->upload_url == NULL) {
		req = source_upload_create_request(j->src, j->r->opt.net, f->name, f->size);
		if (req == NULL) {
			outbox_job_fail_code(j, MC_E_UNSUPPORTED, "upload");
			return;
		}
		submit(j, req, false);
	} else if (!j->offset_known) {
		req = source_upload_offset_request(j->src, j->r->opt.net, f->upload_url, f->size);
		if (req == NULL) {
			fail_foreign(j);
			return;
		}
		submit(j, req, true);
	} else {
		put_chunk(j, f);
	}
}

static void
upload_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct outbox_job *j = arg;
	struct outbox_file *f = &j->p.files[j->file_i];
	struct source_upload_reply r;

	(void)req;
	net_request_unref(j->req);
	j->req = NULL;
	outbox_job_account(j, resp);
	source_upload_read_reply(j->src, f->upload_url, f->size, j->asking, resp, &r);
	if (r.offset_lost)
		j->offset_known = false;
	switch (r.verdict) {
	case SOURCE_UPLOAD_LATER:
		outbox_job_later(j, &r.error, r.delay_ms);
		goto out;
	case SOURCE_UPLOAD_AUTH:
		j->auth = true;
		outbox_job_later(j, &r.error, r.delay_ms);
		goto out;
	case SOURCE_UPLOAD_FAIL:
		outbox_job_fail(j, &r.error);
		goto out;
	case SOURCE_UPLOAD_CREATED:
		f->upload_url = r.location;
		r.location = NULL;
		j->payload_dirty = true; /* the next step stores it: a restart resumes */
		j->offset = r.offset;
		j->offset_known = true;
		break;
	case SOURCE_UPLOAD_FORGOTTEN:
		free(f->upload_url);
		f->upload_url = NULL;
		j->payload_dirty = true;
		j->offset_known = false;
		break;
	case SOURCE_UPLOAD_AT:
		if (r.resumed)
			j->r->stats.upload_resumed++; /* continues, not from zero */
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
	source_upload_reply_release(&r);
}
