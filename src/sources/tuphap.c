/*
 * tuphap.c - the Ministry of Justice dialect (doc/sandbox.md section 5):
 * REST in camelCase, a cursor change feed {items, nextCursor, hasMore},
 * ISO 8601 dates with +07:00, string statuses, an ETag per dossier
 * (If-None-Match on reads, If-Match on actions) and Idempotency-Key.
 *
 * The watermark is the feed's cursor itself.  It does no I/O (source.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

#define TUPHAP_PAGE 500

static const struct src_status tuphap_status[] = {
	{"new", 1},        {"receiving", 2}, {"denied", 3},     {"processing", 4},
	{"waiting", 5},    {"paying", 6},    {"cancelled", 7},  {"unresolved", 8},
	{"releasing", 9},  {"done", 10},     {"interoperating", 4}, {"posting", 4},
	{"correcting", 5}, {"cancelling", 7}, {"pausing", 8},   {NULL, 0},
};

static const struct src_status tuphap_channel[] = {
	{"direct", CHANNEL_IN_PERSON}, {"online", CHANNEL_ONLINE}, {"postal", CHANNEL_POSTAL},
	{NULL, 0},
};

static const struct src_status tuphap_payment[] = {
	{"none", PAYMENT_NONE}, {"paid", PAYMENT_PAID}, {"pending", PAYMENT_PENDING},
	{"failed", PAYMENT_FAILED}, {NULL, 0},
};

static const struct src_fee_keys tuphap_fee = {"code", "name", "amount"};
static const struct src_file_keys tuphap_file = {"id", "name", "componentCode", "url", "size"};
static const struct src_supplement_keys tuphap_supplement = {"requestedAt", "completedAt",
							     "reason"};

static const struct src_receipt_keys tuphap_receipt = {"number", "series", "issuer", "amount",
							"issuedAt"};

/* The change feed's items carry no history nor receipts: the detail does. */
static void
read_lists(struct src_rd *rd, json_t *o, struct dossier *d)
{
	size_t i;
	json_t *e;
	json_t *fees = src_list(rd, o, "fees", d, DOSSIER_LIST_FEES);
	json_t *files = src_list(rd, o, "files", d, DOSSIER_LIST_ATTACHMENTS);
	json_t *sups = src_list(rd, o, "supplements", d, DOSSIER_LIST_SUPPLEMENTS);
	json_t *hist = src_list(rd, o, "history", d, DOSSIER_LIST_HISTORY);
	json_t *receipts = src_list(rd, o, "receipts", d, DOSSIER_LIST_PAYMENT);

	d->payment_channel = src_str(rd, o, "paymentChannel", SRC_MAX_SHORT, false, false);
	json_array_foreach(receipts, i, e)
		src_read_receipt(rd, e, &tuphap_receipt, SRC_DATE_ISO, d);

	json_array_foreach(fees, i, e)
		src_read_fee(rd, e, &tuphap_fee, d);
	json_array_foreach(files, i, e)
		src_read_file(rd, e, &tuphap_file, d);
	json_array_foreach(sups, i, e)
		src_read_supplement(rd, e, &tuphap_supplement, SRC_DATE_ISO, d);
	json_array_foreach(hist, i, e) {
		mc_time at = src_date(rd, e, "at", SRC_DATE_ISO, true);
		char *st = src_str(rd, e, "status", SRC_MAX_CODE, false, false);
		char *actor = src_str(rd, e, "actor", SRC_MAX_SHORT, false, false);
		char *note = src_str(rd, e, "note", SRC_MAX_TEXT, false, false);
		if (!rd->bad)
			dossier_add_event(d, at, actor, NULL, note, src_status_find(tuphap_status, st));
		free(st);
		free(actor);
		free(note);
	}
}

/* One dossier object into *d; false with rd's reason when refused. */
static bool
read_dossier(struct src_rd *rd, json_t *o, const char *source, struct dossier *d)
{
	json_t *app, *agency;
	char *s;
	int64_t version;

	if (!json_is_object(o)) {
		src_rd_fail(rd, NULL, "not an object");
		return false;
	}
	d->code = src_str(rd, o, "dossierNo", SRC_MAX_CODE, true, false);
	d->source = xstrdup(source);
	d->procedure_code = src_str(rd, o, "procedureCode", SRC_MAX_CODE, false, false);
	d->procedure_name = src_str(rd, o, "procedureName", SRC_MAX_SHORT, false, false);
	d->field_code = src_str(rd, o, "domainCode", SRC_MAX_CODE, false, false);
	d->field_name = src_str(rd, o, "domainName", SRC_MAX_SHORT, false, false);
	app = src_object(rd, o, "applicant");
	d->applicant_name = src_str(rd, app, "fullName", SRC_MAX_SHORT, false, false);
	d->applicant_id = src_str(rd, app, "idNumber", SRC_MAX_CODE, false, false);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->summary = src_str(rd, o, "summary", SRC_MAX_TEXT, false, false);
	agency = src_object(rd, o, "agency");
	d->unit = src_str(rd, agency, "name", SRC_MAX_SHORT, false, false);
	d->area = src_area_from_unit(d->unit);
	s = src_str(rd, o, "channel", SRC_MAX_CODE, false, false);
	d->channel = src_status_find(tuphap_channel, s);
	free(s);
	d->raw_status = src_str(rd, o, "status", SRC_MAX_CODE, true, false);
	d->status = src_status_find(tuphap_status, d->raw_status);
	if (!rd->bad && d->status == 0)
		src_rd_fail(rd, "status", "unknown status");
	d->received_at = src_date(rd, o, "receivedAt", SRC_DATE_ISO, false);
	/* received_at stays 0 until the desk received it: the clock has not started */
	d->source_due_at = src_date(rd, o, "dueAt", SRC_DATE_ISO, false);
	d->finished_at = src_date(rd, o, "finishedAt", SRC_DATE_ISO, false);
	d->updated_at = src_date(rd, o, "updatedAt", SRC_DATE_ISO, false);
	if (src_int(rd, o, "version", false, false, &version))
		d->version = src_int_text(version);
	s = src_str(rd, o, "paymentStatus", SRC_MAX_CODE, false, false);
	d->payment = src_status_find(tuphap_payment, s);
	free(s);
	read_lists(rd, o, d);
	return !rd->bad;
}

static struct net_request *
tuphap_pull_request(struct source *src, struct net *net, const char *watermark)
{
	char *cur = src_urlencode(watermark != NULL ? watermark : "");
	char *url = src_url(src, "/api/v1/dossiers/changes?cursor=%s&limit=%d", cur,
			    src->page_size > 0 ? src->page_size : TUPHAP_PAGE);
	struct net_request *req = src_get(src, net, "pull", url);

	free(cur);
	free(url);
	return req;
}

static bool
cursor_ok(const char *s)
{
	size_t n = strlen(s);
	if (n > 512)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '|')
			return false;
	return true;
}

static int
tuphap_pull_parse(struct source *src, const struct net_response *resp, const char *watermark,
		  struct source_page *page, char **cause)
{
	int rc = src_http_error(src, resp, cause);
	bool repaired;
	json_t *root, *items, *next, *more;

	(void)watermark;
	if (rc != SOURCE_PARSE_OK)
		return rc;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, cause);
	if (root == NULL)
		return SOURCE_PARSE_ERROR;
	items = json_object_get(root, "items");
	next = json_object_get(root, "nextCursor");
	more = json_object_get(root, "hasMore");
	if (!json_is_array(items) || !json_is_string(next) || !cursor_ok(json_string_value(next)) ||
	    (more != NULL && !json_is_boolean(more))) {
		json_decref(root);
		*cause = src_cause(src, "change feed reply without items/nextCursor/hasMore");
		return SOURCE_PARSE_ERROR;
	}
	src_page_items(src, page, items, repaired, read_dossier, "dossierNo", NULL, SRC_DATE_ISO,
		       NULL);
	page->next_watermark = xstrdup(json_string_value(next));
	page->more = json_is_true(more) && json_array_size(items) > 0;
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
tuphap_detail_request(struct source *src, struct net *net, const char *code,
		      const char *version)
{
	char *url = src_code_url(src, "/api/v1/dossiers/", code, "");
	struct net_request *req = src_get(src, net, "detail", url);

	if (version != NULL && version[0] != '\0') {
		char etag[64];
		snprintf(etag, sizeof etag, "\"%.40s\"", version);
		(void)net_request_header(req, "If-None-Match", etag);
	}
	free(url);
	return req;
}

/* A whole dossier object (detail or action answer) into *out. */
static int
parse_one(struct source *src, json_t *o, bool repaired, struct dossier *out, char **cause)
{
	return src_parse_one(src, o, repaired, read_dossier, "dossierNo", "dossier", out, cause);
}

static int
tuphap_detail_parse(struct source *src, const struct net_response *resp, struct dossier *out,
		    char **cause)
{
	if (resp->result == NET_OK && resp->status == 304)
		return SOURCE_PARSE_NOT_MODIFIED;
	return src_detail_parse(src, resp, read_dossier, "dossierNo", "dossier", out, cause);
}

static struct net_request *
tuphap_action_request(struct source *src, struct net *net, const struct source_action *act)
{
	const char *name = action_name(act->action);
	char *url;
	struct net_request *req;
	json_t *o, *files;
	char etag[64];

	if (name == NULL)
		return NULL;
	url = src_code_url(src, "/api/v1/dossiers/", act->code, "/actions");
	req = src_action_post(src, net, url);
	free(url);
	if (act->base_version != NULL && act->base_version[0] != '\0')
		snprintf(etag, sizeof etag, "\"%.40s\"", act->base_version);
	else
		snprintf(etag, sizeof etag, "*");
	(void)net_request_header(req, "If-Match", etag);
	if (act->idempotency_key != NULL)
		(void)net_request_header(req, "Idempotency-Key", act->idempotency_key);
	o = json_pack("{s:s}", "action", name);
	if (act->reason != NULL)
		json_object_set_new(o, "reason", json_string(act->reason));
	if (act->actor != NULL)
		json_object_set_new(o, "actor", json_string(act->actor));
	if (act->to_unit != NULL)
		json_object_set_new(o, "toUnit", json_string(act->to_unit));
	if (act->n_files > 0) {
		files = json_array();
		for (size_t i = 0; i < act->n_files; i++)
			json_array_append_new(files, json_string(act->file_ids[i]));
		json_object_set_new(o, "resultFiles", files);
	}
	src_json_body(req, o);
	return req;
}

static void
tuphap_action_parse(struct source *src, const struct net_response *resp,
		    const struct source_action *act, struct source_result *out)
{
	bool repaired;
	json_t *root;
	char *cause = NULL;

	(void)act;
	if (src_action_common(resp, out))
		return;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, &cause);
	if (resp->status == 200) {
		out->outcome = SOURCE_APPLIED;
		if (root != NULL && parse_one(src, root, false, &out->current, &cause) == 0) {
			const char *etag = net_response_header(resp, "ETag");
			out->has_current = true;
			out->current_status = out->current.status;
			if (etag != NULL && strlen(etag) < 64) {
				char v[64];
				size_t n = strlen(etag);
				const char *p = etag;
				if (strncmp(p, "W/", 2) == 0)
					p += 2, n -= 2;
				if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
					snprintf(v, sizeof v, "%.*s", (int)(n - 2), p + 1);
				else
					snprintf(v, sizeof v, "%s", p);
				free(out->current.version);
				out->current.version = xstrdup(v);
			}
		}
	} else if (resp->status == 412) {
		json_t *cur = json_object_get(root, "current");
		out->outcome = SOURCE_CONFLICT;
		if (cur != NULL && parse_one(src, cur, false, &out->current, &cause) == 0) {
			out->has_current = true;
			out->current_status = out->current.status;
		}
	} else if (resp->status == 409 || resp->status == 422 || resp->status == 400 ||
		   resp->status == 428 || resp->status == 404) {
		const char *st = json_string_value(json_object_get(root, "currentStatus"));
		out->outcome = SOURCE_REJECTED;
		out->current_status = src_status_find(tuphap_status, st);
	} else {
		out->outcome = SOURCE_UNKNOWN;
	}
	if (out->message == NULL)
		out->message = src_http_message(src, resp->status,
						json_string_value(json_object_get(root, "type")));
	free(cause);
	json_decref(root);
}

static const struct source_upload_dialect tuphap_upload = {"/api/v1/uploads", true};

const struct source_ops source_ops_tuphap = {
	.dialect = "tuphap",
	.has_idempotency = true,
	.has_versions = true,
	.pull_request = tuphap_pull_request,
	.pull_parse = tuphap_pull_parse,
	.detail_request = tuphap_detail_request,
	.detail_parse = tuphap_detail_parse,
	.action_request = tuphap_action_request,
	.action_parse = tuphap_action_parse,
	.attachment_request = source_attachment_request,
	.upload = &tuphap_upload,
};
