/*
 * congan.c - the Ministry of Public Security dialect (doc/sandbox.md section
 * 6): REST in snake_case, a feed by `updated_since` (epoch ms, exclusive)
 * with offset/limit paging, numeric status codes of its own (100..400),
 * epoch-millisecond dates, gzip, 429 with Retry-After, a `version` that
 * actions must quote, and no idempotency (`request_id` is only recorded).
 *
 * Watermark: "SINCE|OFFSET|MAXSEEN" in ms.  A round pages with a fixed SINCE;
 * when the server says no more, SINCE moves to the largest updated_at seen.
 * Each next page overlaps the previous one by one row, so a row shifted back
 * by a dossier that changed while we paged (it moves to the end) is still
 * read; the duplicate is harmless.  No I/O here (source.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

#define CONGAN_PAGE 200

static const struct src_status congan_status[] = {
	{"100", 1}, {"110", 2}, {"190", 3}, {"200", 4}, {"210", 5},
	{"220", 6}, {"280", 7}, {"290", 8}, {"300", 9}, {"400", 10}, {NULL, 0},
};

static const struct src_fee_keys congan_fee = {"fee_code", "fee_name", "amount"};
static const struct src_file_keys congan_file = {"file_id", "file_name", "component_code", "url",
						 "size_bytes"};

static const struct src_receipt_keys congan_receipt = {"receipt_no", "series", "issuer",
							"amount", "issued_at"};

/* The change feed's items carry no history nor receipts: the detail does. */
static void
read_lists(struct src_rd *rd, json_t *o, struct dossier *d)
{
	size_t i;
	json_t *e;
	json_t *fees = src_list(rd, o, "fees", d, DOSSIER_LIST_FEES);
	json_t *files = src_list(rd, o, "attachments", d, DOSSIER_LIST_ATTACHMENTS);
	json_t *hist = src_list(rd, o, "history", d, DOSSIER_LIST_HISTORY);
	json_t *receipts = src_list(rd, o, "receipts", d, DOSSIER_LIST_PAYMENT);
	json_t *sup = src_object(rd, o, "supplement");

	d->payment_channel = src_str(rd, o, "payment_channel", SRC_MAX_SHORT, false, false);
	json_array_foreach(receipts, i, e)
		src_read_receipt(rd, e, &congan_receipt, SRC_DATE_EPOCH_MS, d);

	json_array_foreach(fees, i, e)
		src_read_fee(rd, e, &congan_fee, d);
	json_array_foreach(files, i, e)
		src_read_file(rd, e, &congan_file, d);
	if (sup != NULL) {
		mc_time req = src_date(rd, sup, "requested_at", SRC_DATE_EPOCH_MS, true);
		mc_time done = src_date(rd, sup, "completed_at", SRC_DATE_EPOCH_MS, false);
		if (!rd->bad)
			dossier_add_supplement(d, req, done, NULL);
	}
	json_array_foreach(hist, i, e) {
		mc_time at = src_date(rd, e, "at", SRC_DATE_EPOCH_MS, true);
		char *st = src_str(rd, e, "status_code", SRC_MAX_CODE, false, true);
		char *officer = src_str(rd, e, "officer", SRC_MAX_SHORT, false, false);
		char *note = src_str(rd, e, "note", SRC_MAX_TEXT, false, false);
		if (!rd->bad)
			dossier_add_event(d, at, officer, NULL, note, src_status_find(congan_status, st));
		free(st);
		free(officer);
		free(note);
	}
}

static bool
read_record(struct src_rd *rd, json_t *o, const char *source, struct dossier *d)
{
	int64_t v;

	if (!json_is_object(o)) {
		src_rd_fail(rd, NULL, "not an object");
		return false;
	}
	d->code = src_str(rd, o, "record_no", SRC_MAX_CODE, true, false);
	d->source = xstrdup(source);
	d->procedure_code = src_str(rd, o, "procedure_code", SRC_MAX_CODE, false, false);
	d->procedure_name = src_str(rd, o, "procedure_name", SRC_MAX_SHORT, false, false);
	d->field_code = src_str(rd, o, "field_code", SRC_MAX_CODE, false, false);
	d->field_name = src_str(rd, o, "field_name", SRC_MAX_SHORT, false, false);
	d->applicant_name = src_str(rd, o, "applicant_name", SRC_MAX_SHORT, false, false);
	d->applicant_id = src_str(rd, o, "applicant_id_number", SRC_MAX_CODE, false, false);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->unit = src_str(rd, o, "unit_name", SRC_MAX_SHORT, false, false);
	d->area = src_area_from_unit(d->unit);
	if (src_int(rd, o, "channel", false, false, &v) && v >= 1 && v <= 3)
		d->channel = (int)v;
	/* the raw status is kept as the text of its code: "200" */
	d->raw_status = src_str(rd, o, "status_code", SRC_MAX_CODE, true, true);
	if (!rd->bad && !json_is_integer(json_object_get(o, "status_code")))
		src_rd_fail(rd, "status_code", "not an integer");
	d->status = src_status_find(congan_status, d->raw_status);
	if (!rd->bad && d->status == 0)
		src_rd_fail(rd, "status_code", "unknown status");
	d->received_at = src_date(rd, o, "received_at", SRC_DATE_EPOCH_MS, false);
	/* received_at stays 0 until the desk received it: the clock has not started */
	d->source_due_at = src_date(rd, o, "due_at", SRC_DATE_EPOCH_MS, false);
	d->finished_at = src_date(rd, o, "finished_at", SRC_DATE_EPOCH_MS, false);
	d->updated_at = src_date(rd, o, "updated_at", SRC_DATE_EPOCH_MS, true);
	if (src_int(rd, o, "version", false, false, &v))
		d->version = src_int_text(v);
	if (src_int(rd, o, "payment_state", false, false, &v) &&
	    (v == PAYMENT_PAID || v == PAYMENT_PENDING || v == PAYMENT_FAILED))
		d->payment = (int)v;
	read_lists(rd, o, d);
	return !rd->bad;
}

/* SINCE (milliseconds) of the watermark; 0 when it was poisoned (past the
 * ceiling, src_position_since). */
static int64_t
congan_since(const struct source *src, const char *watermark)
{
	int64_t since = src_wm_int(watermark, 0, 0);

	return src->ceiling > 0 && since / 1000 > src->ceiling ? 0 : since;
}

static struct net_request *
congan_pull_request(struct source *src, struct net *net, const char *watermark)
{
	int64_t since = congan_since(src, watermark);
	int64_t offset = since == src_wm_int(watermark, 0, 0) ? src_wm_int(watermark, 1, 0) : 0;
	char *url = src_url(src, "/api/v2/records?updated_since=%" PRId64 "&offset=%" PRId64
				 "&limit=%d",
			    since, offset, src->page_size > 0 ? src->page_size : CONGAN_PAGE);
	struct net_request *req = src_get(src, net, "pull", url);

	free(url);
	return req;
}

static int
congan_pull_parse(struct source *src, const struct net_response *resp, const char *watermark,
		  struct source_page *page, char **cause)
{
	int64_t since = congan_since(src, watermark);
	int64_t offset = since == src_wm_int(watermark, 0, 0) ? src_wm_int(watermark, 1, 0) : 0;
	int64_t maxseen = src_wm_int(watermark, 2, since);
	int rc = src_http_error(src, resp, cause);
	bool repaired;
	json_t *root, *data, *paging, *more, *e;
	size_t i, n;
	char a[24], b[24], c[24];
	const char *f[3] = {a, b, c};

	if (src->ceiling > 0 && maxseen / 1000 > src->ceiling)
		maxseen = since; /* poisoned before: see congan_since */
	if (rc != SOURCE_PARSE_OK)
		return rc;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, cause);
	if (root == NULL)
		return SOURCE_PARSE_ERROR;
	data = json_object_get(root, "data");
	paging = json_object_get(root, "paging");
	more = json_object_get(paging, "has_more");
	if (!json_is_array(data) || !json_is_object(paging) || !json_is_boolean(more)) {
		json_decref(root);
		*cause = src_cause(src, "feed reply without data/paging.has_more");
		return SOURCE_PARSE_ERROR;
	}
	json_array_foreach(data, i, e) {
		json_t *u = json_object_get(e, "updated_at");
		/* the watermark moves past refused rows too, or one bad row stalls the feed */
		if (json_is_integer(u) && json_integer_value(u) > maxseen &&
		    src_position_ok(src, page, json_string_value(json_object_get(e, "record_no")),
				    "updated_at", (mc_time)(json_integer_value(u) / 1000)))
			maxseen = json_integer_value(u);
	}
	src_page_items(src, page, data, repaired, read_record, "record_no", NULL,
		       SRC_DATE_EPOCH_MS, NULL);
	n = json_array_size(data);
	if (json_is_true(more) && n > 0) {
		/* overlap one row (see the top of the file) */
		int64_t next = offset + (int64_t)(n > 1 ? n - 1 : n);
		snprintf(a, sizeof a, "%" PRId64, since);
		snprintf(b, sizeof b, "%" PRId64, next);
		snprintf(c, sizeof c, "%" PRId64, maxseen);
		page->more = true;
	} else {
		snprintf(a, sizeof a, "%" PRId64, maxseen);
		snprintf(b, sizeof b, "0");
		snprintf(c, sizeof c, "%" PRId64, maxseen);
		page->more = false;
	}
	page->next_watermark = src_wm_make(3, f);
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
congan_detail_request(struct source *src, struct net *net, const char *code,
		      const char *version)
{
	char *url = src_code_url(src, "/api/v2/records/", code, "");
	struct net_request *req = src_get(src, net, "detail", url);

	(void)version; /* no conditional reads in this dialect */
	free(url);
	return req;
}

static int
parse_record_root(struct source *src, json_t *root, bool repaired, struct dossier *out,
		  char **cause)
{
	return src_parse_one(src, root, repaired, read_record, "record_no", "record", out, cause);
}

static int
congan_detail_parse(struct source *src, const struct net_response *resp, struct dossier *out,
		    char **cause)
{
	return src_detail_parse(src, resp, read_record, "record_no", "record", out, cause);
}

/* Standard base64 with padding, no newlines (RFC 4648 section 4).  Caller frees. */
static char *
congan_base64(const unsigned char *in, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = xmalloc((len + 2) / 3 * 4 + 1);
	char *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		*o++ = alphabet[v >> 18 & 63];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* "result_files": [{"name", "content_base64"}] from the outbox's inline contents. */
static json_t *
result_files(const struct source_action *act)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < act->n_inline; i++) {
		const struct source_inline_file *f = &act->inline_files[i];
		char *b64 = congan_base64(f->bytes, f->len);

		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", f->name,
						     "content_base64", b64));
		free(b64);
	}
	return arr;
}

static struct net_request *
congan_action_request(struct source *src, struct net *net, const struct source_action *act)
{
	const char *name = action_name(act->action);
	char *url;
	struct net_request *req;
	json_t *o;
	long long version;

	if (name == NULL)
		return NULL;
	url = src_code_url(src, "/api/v2/records/", act->code, "/transitions");
	req = src_action_post(src, net, url);
	free(url);
	o = json_pack("{s:s}", "action", name);
	if (src_base_version(act->base_version, &version))
		json_object_set_new(o, "version", json_integer(version));
	if (act->idempotency_key != NULL)
		json_object_set_new(o, "request_id", json_string(act->idempotency_key));
	if (act->actor != NULL)
		json_object_set_new(o, "officer", json_string(act->actor));
	if (act->reason != NULL)
		json_object_set_new(o, "reason", json_string(act->reason));
	if (act->n_inline > 0)
		json_object_set_new(o, "result_files", result_files(act));
	src_json_body(req, o);
	return req;
}

/* The error's current_status_code, when an integer, as out's current status. */
static void
error_status(json_t *err, struct source_result *out)
{
	json_t *st = json_object_get(err, "current_status_code");
	char buf[24];

	if (json_is_integer(st)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(st));
		out->current_status = src_status_find(congan_status, buf);
	}
}

static void
congan_action_parse(struct source *src, const struct net_response *resp,
		    const struct source_action *act, struct source_result *out)
{
	bool repaired = false;
	char *cause = NULL;
	json_t *root, *err;
	const char *code;

	(void)act;
	if (src_action_common(resp, out))
		return;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, &cause);
	err = json_object_get(root, "error");
	code = json_string_value(json_object_get(err, "code"));
	if (resp->status == 200 && root != NULL) {
		out->outcome = SOURCE_APPLIED;
		if (parse_record_root(src, root, repaired, &out->current, &cause) == 0) {
			out->has_current = true;
			out->current_status = out->current.status;
		}
	} else if (resp->status == 409 && code != NULL && strcmp(code, "VERSION_CONFLICT") == 0) {
		/* also what a resent, already applied request meets (no idempotency) */
		out->outcome = SOURCE_CONFLICT;
		error_status(err, out);
	} else if (resp->status >= 400 && resp->status < 500) {
		out->outcome = SOURCE_REJECTED;
		error_status(err, out);
	} else {
		out->outcome = SOURCE_UNKNOWN;
	}
	out->message = src_http_message(src, resp->status, code);
	free(cause);
	json_decref(root);
}

const struct source_ops source_ops_congan = {
	.dialect = "congan",
	.has_idempotency = false,
	.has_versions = true,
	.files_inline = true,
	.pull_request = congan_pull_request,
	.pull_parse = congan_pull_parse,
	.detail_request = congan_detail_request,
	.detail_parse = congan_detail_parse,
	.action_request = congan_action_request,
	.action_parse = congan_action_parse,
	.attachment_request = source_attachment_request,
};
