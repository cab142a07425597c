/*
 * fuzz_upload.c - libFuzzer target for the replies to resumable uploads of
 * result files (src/sources/upload.c, read for src/outbox/outbox_upload.c):
 * the create (Location,
 * Upload-Offset), the offset question and each chunk (Upload-Offset or a
 * JSON {"offset", "complete", "uploadId"/"upload_id"}), 404 (forgotten),
 * 401/403, 429/5xx with Retry-After - through source_upload_read_reply(), the
 * reader the replay uses, for both dialects that upload (tuphap camelCase,
 * nnmt snake_case).  congan sends its files inline in the
 * action's body; its reply is the action's, fuzzed by fuzz_source_congan.
 *
 *     byte 0    bit 0: dialect (tuphap / nnmt); bit 1: the request asked
 *               the offset; bit 2: the file's upload exists (else: this is
 *               the create's reply); bits 3-4: which headers are sent
 *     byte 1-2  HTTP status (mod 600)
 *     byte 3    the file's size: 2^(byte % 40) + (byte >> 6)
 *     line      Upload-Offset value
 *     line      Location value
 *     line      Retry-After value
 *     rest      the body
 *
 * Checks besides ASan/UBSan: the error is set, its detail one printable
 * line, when the verdict carries one; an offset never exceeds the file; a complete upload
 * always has a non-empty id; a created upload always has a Location.
 */
#include "fuzz.h"
#include "net/net.h"
#include "sources/source.h"

static struct source *
dialect_source(const char *dialect)
{
	static struct source *srcs[2];
	int i = strcmp(dialect, "nnmt") == 0;
	char *cause = NULL;

	if (srcs[i] == NULL) {
		struct source_config sc = {.name = dialect, .dialect = dialect,
					   .base_url = "http://127.0.0.1:9/x"};
		srcs[i] = source_new(&sc, &cause);
		if (srcs[i] == NULL)
			abort();
	}
	return srcs[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_header h[3];
	struct {
		int64_t size;
		const char *upload_url;
	} f;
	struct source_upload_reply r;
	struct net_response resp = {.result = NET_OK, .error = ""};
	const char *p, *end;
	char *offset, *location, *retry, *body;
	size_t nh = 0;

	if (size < 4)
		return 0;
	p = (const char *)data + 4;
	end = (const char *)data + size;
	offset = fuzz_line(&p, end);
	location = fuzz_line(&p, end);
	retry = fuzz_line(&p, end);
	body = fuzz_text((const uint8_t *)p, (size_t)(end - p));
	f.size = (int64_t)(((uint64_t)1 << (data[3] % 40)) + (data[3] >> 6));
	f.upload_url = (data[0] & 4) ? "/tuphap/api/v1/uploads/up-1" : NULL;
	if (data[0] & 8)
		h[nh++] = (struct net_header){"Upload-Offset", offset};
	if (data[0] & 16) {
		h[nh++] = (struct net_header){"Location", location};
		h[nh++] = (struct net_header){"Retry-After", retry};
	}
	resp.status = (long)(((unsigned)data[1] << 8 | data[2]) % 600);
	resp.body = body;
	resp.body_len = (size_t)(end - p);
	resp.headers = h;
	resp.n_headers = nh;
	if (data[0] & 32) {
		resp.result = NET_ERR_TIMEOUT;
		resp.error = "timed out";
	}

	source_upload_read_reply(dialect_source(data[0] & 1 ? "nnmt" : "tuphap"), f.upload_url,
				 f.size, (data[0] & 2) != 0, &resp, &r);
	switch (r.verdict) {
	case SOURCE_UPLOAD_LATER:
	case SOURCE_UPLOAD_AUTH:
	case SOURCE_UPLOAD_FAIL:
		if (r.error.code == MC_OK)
			abort();
		fuzz_require_line("upload error", r.error.detail);
		break;
	case SOURCE_UPLOAD_CREATED:
		if (r.location == NULL || f.upload_url != NULL)
			abort();
		break;
	case SOURCE_UPLOAD_FORGOTTEN:
		break;
	case SOURCE_UPLOAD_AT:
		if (r.offset > (uint64_t)f.size || f.upload_url == NULL)
			abort();
		if (r.file_id != NULL && (r.file_id[0] == '\0' || r.offset != (uint64_t)f.size))
			abort();
		if (r.resumed && (r.offset == 0 || r.offset >= (uint64_t)f.size))
			abort();
		break;
	default:
		abort();
	}
	source_upload_reply_release(&r);
	free(body);
	free(retry);
	free(location);
	free(offset);
	return 0;
}
