/*
 * nnmt.c - the Ministry of Agriculture and Environment (land) dialect
 * (doc/sandbox.md section 7): REST with nested snake_case objects, page
 * numbers with an inclusive `modified_from`, dates in UTC with Z, upper-case
 * state codes, a `revision` per dossier, big attachments fetched on demand
 * with Range, slow answers and planned 503 maintenance with Retry-After,
 * actions with an enforced X-Request-Id.
 *
 * Watermark: "SINCE|PAGE|MAXSEEN" in epoch seconds (src_paged_next).  No I/O
 * here (source.h).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

#define NNMT_PAGE 100

static const struct src_status nnmt_status[] = {
	{"SUBMITTED", 1},        {"ACCEPTED", 2},  {"REJECTED", 3}, {"IN_PROGRESS", 4},
	{"NEED_SUPPLEMENT", 5},  {"AWAITING_PAYMENT", 6}, {"WITHDRAWN", 7}, {"SUSPENDED", 8},
	{"COMPLETED", 9},        {"DELIVERED", 10}, {NULL, 0},
};

/* payment.state: the financial obligation's settlement at the land office */
static const struct src_status nnmt_payment[] = {
	{"NOT_REQUIRED", PAYMENT_NONE}, {"PAID", PAYMENT_PAID},
	{"UNPAID", PAYMENT_PENDING},    {"FAILED", PAYMENT_FAILED}, {NULL, 0},
};

static const struct src_fee_keys nnmt_fee = {"code", "name", "amount_vnd"};
static const struct src_file_keys nnmt_file = {"id", "name", "component", "href", "size"};

static void
read_lists(struct src_rd *rd, json_t *o, struct dossier *d)
{
	size_t i;
	json_t *e;
	json_t *fees = src_list(rd, o, "fees", d, DOSSIER_LIST_FEES);
	json_t *files = src_list(rd, o, "attachments", d, DOSSIER_LIST_ATTACHMENTS);
	json_t *events = src_list(rd, o, "events", d, DOSSIER_LIST_HISTORY);

	json_array_foreach(fees, i, e)
		src_read_fee(rd, e, &nnmt_fee, d);
	json_array_foreach(files, i, e)
		src_read_file(rd, e, &nnmt_file, d);
	json_array_foreach(events, i, e) {
		mc_time at = src_date(rd, e, "at", SRC_DATE_ISO, true);
		char *st = src_str(rd, e, "state", SRC_MAX_CODE, false, false);
		char *note = src_str(rd, e, "note", SRC_MAX_TEXT, false, false);
		if (!rd->bad)
			dossier_add_event(d, at, NULL, NULL, note, src_status_find(nnmt_status, st));
		free(st);
		free(note);
	}
}

/*
 * payment.state; a server that does not say leaves "unknown" (2) when fees
 * are owed, never "nothing due": the clerk would tell the applicant there is
 * nothing to pay.
 */
static const struct src_receipt_keys nnmt_receipt = {"number", "series", "issuer", "amount_vnd",
						     "issued_at"};

static void
read_payment(struct src_rd *rd, json_t *o, struct dossier *d)
{
	json_t *pay = src_object(rd, o, "payment");
	char *st = src_str(rd, pay, "state", SRC_MAX_CODE, false, false);
	json_t *receipt = src_object(rd, pay, "receipt");

	/* the detail says "receipt" (null when none); the feed does not */
	if (pay == NULL || json_object_get(pay, "receipt") == NULL)
		d->lists_absent |= DOSSIER_LIST_PAYMENT;
	d->payment_channel = src_str(rd, pay, "channel", SRC_MAX_SHORT, false, false);
	if (receipt != NULL)
		src_read_receipt(rd, receipt, &nnmt_receipt, SRC_DATE_ISO, d);

	int v = src_status_find(nnmt_payment, st); /* 0: NOT_REQUIRED, or unknown */

	if (st != NULL && (v != 0 || strcmp(st, "NOT_REQUIRED") == 0))
		d->payment = v;
	else
		d->payment = dossier_fees_total(d) > 0 ? PAYMENT_UNKNOWN : PAYMENT_NONE;
	free(st);
}

static bool
read_dossier(struct src_rd *rd, json_t *o, const char *source, struct dossier *d)
{
	json_t *proc, *app, *office, *state, *dates;
	int64_t rev;

	if (!json_is_object(o)) {
		src_rd_fail(rd, NULL, "not an object");
		return false;
	}
	d->code = src_str(rd, o, "dossier_no", SRC_MAX_CODE, false, false);
	if (d->code == NULL)
		d->code = src_str(rd, o, "id", SRC_MAX_CODE, true, false);
	d->source = xstrdup(source);
	proc = src_object(rd, o, "procedure");
	d->procedure_code = src_str(rd, proc, "code", SRC_MAX_CODE, false, false);
	d->procedure_name = src_str(rd, proc, "name", SRC_MAX_SHORT, false, false);
	d->field_name = src_str(rd, proc, "field", SRC_MAX_SHORT, false, false);
	app = src_object(rd, o, "applicant");
	d->applicant_name = src_str(rd, app, "name", SRC_MAX_SHORT, false, false);
	d->applicant_id = src_str(rd, app, "id_number", SRC_MAX_CODE, false, false);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	office = src_object(rd, o, "office");
	d->unit = src_str(rd, office, "name", SRC_MAX_SHORT, false, false);
	d->area = src_area_from_unit(d->unit);
	state = src_object(rd, o, "state");
	if (state == NULL)
		src_rd_fail(rd, "state", "missing");
	d->raw_status = src_str(rd, state, "code", SRC_MAX_CODE, true, false);
	d->status = src_status_find(nnmt_status, d->raw_status);
	if (!rd->bad && d->status == 0)
		src_rd_fail(rd, "state.code", "unknown status");
	dates = src_object(rd, o, "dates");
	d->received_at = src_date(rd, dates, "received", SRC_DATE_ISO, false);
	/* received_at stays 0 until the desk received it: the clock has not started */
	d->source_due_at = src_date(rd, dates, "due", SRC_DATE_ISO, false);
	d->finished_at = src_date(rd, dates, "finished", SRC_DATE_ISO, false);
	d->updated_at = src_date(rd, dates, "modified", SRC_DATE_ISO, false);
	if (src_int(rd, o, "revision", false, false, &rev))
		d->version = src_int_text(rev);
	read_lists(rd, o, d);
	read_payment(rd, o, d);
	return !rd->bad;
}

static struct net_request *
nnmt_pull_request(struct source *src, struct net *net, const char *watermark)
{
	int64_t since = src_position_since(src, src_wm_int(watermark, 0, 0));
	int64_t page = src_wm_step(src, watermark, 1, 1);
	int size = src->page_size > 0 ? src->page_size : NNMT_PAGE;
	char *url;
	struct net_request *req;

	if (since > 0) {
		char iso[40];
		char *enc = src_urlencode(src_date_format(since, SRC_DATE_ISO, iso, sizeof iso));
		url = src_url(src, "/api/v2/dossiers?page=%" PRId64 "&page_size=%d&modified_from=%s",
			      page, size, enc);
		free(enc);
	} else {
		url = src_url(src, "/api/v2/dossiers?page=%" PRId64 "&page_size=%d", page, size);
	}
	req = src_get(src, net, "pull", url);
	free(url);
	return req;
}

static int
nnmt_pull_parse(struct source *src, const struct net_response *resp, const char *watermark,
		struct source_page *page, char **cause)
{
	int rc = src_http_error(src, resp, cause);
	bool repaired;
	json_t *root, *items, *pg, *tp;
	mc_time page_max = 0;

	if (rc != SOURCE_PARSE_OK)
		return rc;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, cause);
	if (root == NULL)
		return SOURCE_PARSE_ERROR;
	items = json_object_get(root, "items");
	pg = json_object_get(root, "page");
	tp = json_object_get(root, "total_pages");
	if (!json_is_array(items) || !json_is_integer(pg) || !json_is_integer(tp)) {
		json_decref(root);
		*cause = src_cause(src, "list reply without items/page/total_pages");
		return SOURCE_PARSE_ERROR;
	}
	/* a dossier read gets updated_at from the same text, so every row counts */
	src_page_items(src, page, items, repaired, read_dossier, "dossier_no", "dates.modified",
		       SRC_DATE_ISO, &page_max);
	page->total = src_total(root, "total_items");
	page->more = src_more_pages(json_integer_value(pg), json_integer_value(tp), page->total,
				    json_array_size(items));
	page->next_watermark = src_paged_next(src, watermark, page->more, page_max);
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
nnmt_detail_request(struct source *src, struct net *net, const char *code, const char *version)
{
	char *url = src_code_url(src, "/api/v2/dossiers/", code, "");
	struct net_request *req = src_get(src, net, "detail", url);

	(void)version;
	free(url);
	return req;
}

static int
one_dossier(struct source *src, json_t *root, bool repaired, struct dossier *out, char **cause)
{
	return src_parse_one(src, root, repaired, read_dossier, "dossier_no", "dossier", out,
			     cause);
}

static int
nnmt_detail_parse(struct source *src, const struct net_response *resp, struct dossier *out,
		  char **cause)
{
	return src_detail_parse(src, resp, read_dossier, "dossier_no", "dossier", out, cause);
}

static struct net_request *
nnmt_action_request(struct source *src, struct net *net, const struct source_action *act)
{
	const char *name = action_name(act->action);
	char transition[48];
	char *url;
	struct net_request *req;
	json_t *o;
	long long rev;
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; name[i] != '\0' && i + 1 < sizeof transition; i++)
		transition[i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
	transition[i] = '\0';
	url = src_code_url(src, "/api/v2/dossiers/", act->code, "/transitions");
	req = src_action_post(src, net, url);
	free(url);
	if (act->idempotency_key != NULL)
		(void)net_request_header(req, "X-Request-Id", act->idempotency_key);
	o = json_pack("{s:s}", "transition", transition);
	if (src_base_version(act->base_version, &rev))
		json_object_set_new(o, "revision", json_integer(rev));
	if (act->reason != NULL)
		json_object_set_new(o, "note", json_string(act->reason));
	if (act->actor != NULL)
		json_object_set_new(o, "officer", json_string(act->actor));
	if (act->n_files > 0) {
		json_t *ids = json_array();
		for (i = 0; i < act->n_files; i++)
			json_array_append_new(ids, json_string(act->file_ids[i]));
		json_object_set_new(o, "result_upload_ids", ids);
	}
	src_json_body(req, o);
	return req;
}

static void
nnmt_action_parse(struct source *src, const struct net_response *resp,
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
	err = json_array_get(json_object_get(root, "errors"), 0);
	code = json_string_value(json_object_get(err, "code"));
	out->current_status = src_status_find(
		nnmt_status, json_string_value(json_object_get(json_object_get(err, "meta"), "state")));
	if (resp->status == 200 && root != NULL) {
		out->outcome = SOURCE_APPLIED;
		if (one_dossier(src, root, repaired, &out->current, &cause) == 0) {
			out->has_current = true;
			out->current_status = out->current.status;
		}
	} else if (resp->status == 409 && code != NULL && strcmp(code, "REVISION_MISMATCH") == 0) {
		out->outcome = SOURCE_CONFLICT;
	} else if (resp->status >= 400 && resp->status < 500) {
		out->outcome = SOURCE_REJECTED;
	} else {
		out->outcome = SOURCE_UNKNOWN;
	}
	out->message = src_http_message(src, resp->status, code);
	free(cause);
	json_decref(root);
}

static const struct source_upload_dialect nnmt_upload = {"/api/v2/uploads", false};

const struct source_ops source_ops_nnmt = {
	.dialect = "nnmt",
	.has_idempotency = true,
	.has_versions = true,
	.pull_request = nnmt_pull_request,
	.pull_parse = nnmt_pull_parse,
	.detail_request = nnmt_detail_request,
	.detail_parse = nnmt_detail_parse,
	.action_request = nnmt_action_request,
	.action_parse = nnmt_action_parse,
	.attachment_request = source_attachment_request,
	.upload = &nnmt_upload,
};
