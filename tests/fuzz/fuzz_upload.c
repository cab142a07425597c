/*
 * fuzz_upload.c - libFuzzer target for the replies to resumable uploads of
 * result files (src/sync/outbox_upload.c): the create (Location,
 * Upload-Offset), the offset question and each chunk (Upload-Offset or a
 * JSON {"offset", "complete", "uploadId"/"upload_id"}), 404 (forgotten),
 * 401/403, 429/5xx with Retry-After - through outbox_upload_read_reply(), the
 * reader upload_done() uses, for both dialects that upload (tuphap
 * camelCase, nnmt snake_case).  congan sends its files inline in the
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
 * Checks besides ASan/UBSan: the message is one printable line when the
 * verdict carries one; an offset never exceeds the file; a complete upload
 * always has a non-empty id; a created upload always has a Location.
 */
#include "fuzz.h"
#include "net/net.h"
#include "outbox/outbox_upload.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_header h[3];
	struct outbox_file f = {.path = "/nonexistent", .name = "kq.pdf"};
	struct outbox_upload_reply r;
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

	outbox_upload_read_reply(data[0] & 1 ? "nnmt" : "tuphap", &f, (data[0] & 2) != 0, &resp,
				 &r);
	switch (r.verdict) {
	case OUTBOX_UPLOAD_LATER:
	case OUTBOX_UPLOAD_AUTH:
	case OUTBOX_UPLOAD_FAIL:
		if (r.message[0] == '\0')
			abort();
		fuzz_require_line("upload message", r.message);
		break;
	case OUTBOX_UPLOAD_CREATED:
		if (r.location == NULL || f.upload_url != NULL)
			abort();
		break;
	case OUTBOX_UPLOAD_FORGOTTEN:
		break;
	case OUTBOX_UPLOAD_AT:
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
	outbox_upload_reply_release(&r);
	free(body);
	free(retry);
	free(location);
	free(offset);
	return 0;
}
