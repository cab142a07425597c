/*
 * dialect_congan.c - the Ministry of Public Security system (residence):
 * REST with snake_case JSON, every date as epoch milliseconds, a feed by
 * `updated_since` with offset/limit paging, its own numeric status codes
 * (100..400), gzip when the client accepts it, a numeric `version` that an
 * action must quote (409 VERSION_CONFLICT otherwise), and a rate limit
 * answered with 429 + Retry-After (fault.c, default 20 requests/s).
 * doc/sandbox.md §congan is the contract.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/gen.h"

#define BASE "/congan/api/v2"
#define PAGE_DEFAULT 50
#define PAGE_MAX 200

static const int codes[STATUS_MAX + 1] = {0, 100, 110, 190, 200, 210, 220, 280, 290, 300, 400};

int
dialect_congan_status(int status)
{
	return status_valid(status) ? codes[status] : -1;
}

int
dialect_congan_status_parse(int code)
{
	for (int i = STATUS_MIN; i <= STATUS_MAX; i++)
		if (codes[i] == code)
			return i;
	return -1;
}

static json_t *
ms_or_null(mc_time t)
{
	return t != 0 ? json_integer((json_int_t)t * 1000) : json_null();
}

static void
error_json(struct sbx_response *resp, int status, const char *code, const char *message,
	   json_t *extra)
{
	json_t *e = json_pack("{s:s,s:s}", "code", code, "message", message);
	if (extra != NULL) {
		json_object_update(e, extra);
		json_decref(extra);
	}
	sbx_response_json(resp, status, json_pack("{s:o}", "error", e));
	resp->gzip = true;
}

static json_t *
record_json(struct sandbox *sb, const struct world_dossier *d, bool full)
{
	const struct catalog_procedure *p = world_procedure(d);
	const struct catalog_commune *c = &catalog_communes[d->commune];
	struct gen_person who;
	world_person(sb->world, d, &who);
	char birth[CIVIL_DATE_LEN];
	civil_format_date(civil_days_from_date(who.birth.year, who.birth.month, who.birth.day),
			  birth, sizeof(birth));
	json_t *j = json_object();
	json_object_set_new(j, "record_no", json_string(d->code));
	json_object_set_new(j, "procedure_code", json_string(p->code));
	json_object_set_new(j, "procedure_name", json_string(p->name));
	json_object_set_new(j, "field_code", json_string(p->field_code));
	json_object_set_new(j, "field_name", json_string(p->field_name));
	json_object_set_new(j, "applicant_name", json_string(who.name));
	json_object_set_new(j, "applicant_id_type", json_string("CCCD"));
	json_object_set_new(j, "applicant_id_number", json_string(who.id));
	json_object_set_new(j, "applicant_birth_date", json_string(birth));
	json_object_set_new(j, "applicant_address", json_string(who.address));
	json_object_set_new(j, "applicant_phone", json_string(who.phone));
	json_object_set_new(j, "unit_code", json_string(c->agency));
	json_object_set_new(j, "unit_name", json_string(world_unit(d)));
	json_object_set_new(j, "channel", json_integer(d->channel));
	json_object_set_new(j, "status_code", json_integer(dialect_congan_status(d->status)));
	json_object_set_new(j, "status_name", json_string(status_label_vi(d->status)));
	json_object_set_new(j, "submitted_at", ms_or_null(d->submitted_at));
	json_object_set_new(j, "received_at", ms_or_null(d->received_at));
	json_object_set_new(j, "due_at", ms_or_null(d->due_at));
	json_object_set_new(j, "finished_at", ms_or_null(d->finished_at));
	json_object_set_new(j, "returned_at", ms_or_null(d->returned_at));
	json_object_set_new(j, "updated_at", ms_or_null(d->updated_at));
	json_object_set_new(j, "version", json_integer(d->version));
	json_t *fees = json_array();
	for (size_t i = 0; i < p->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:s,s:s,s:I}", "fee_code", p->fees[i].code,
						      "fee_name", p->fees[i].name, "amount",
						      (json_int_t)world_fee_amount(d, i)));
	json_object_set_new(j, "fees", fees);
	json_object_set_new(j, "payment_state", json_integer(d->payment));
	json_t *files = json_array();
	for (size_t i = 0; i < sandbox_part_count(sb, d); i++) {
		char id[64], url[192];
		struct sandbox_part f;
		sandbox_part_info(sb, d, i, &f);
		sandbox_part_id(d, i, id, sizeof(id));
		snprintf(url, sizeof(url), "%s" BASE "/records/%s/files/%s", sb->path_prefix, d->code,
			 id);
		json_array_append_new(
			files, json_pack("{s:s,s:s++,s:s,s:I,s:s}", "file_id", id, "file_name", f.name,
					 ".", f.ext, "component_code", f.code, "size_bytes",
					 (json_int_t)f.size, "url", url));
	}
	json_object_set_new(j, "attachments", files);
	if (d->supp_req_at != 0)
		json_object_set_new(j, "supplement",
				    json_pack("{s:o,s:o}", "requested_at", ms_or_null(d->supp_req_at),
					      "completed_at", ms_or_null(d->supp_done_at)));
	if (!full)
		return j;
	struct world_step steps[64];
	size_t n = world_history(sb->world, d, steps, 64);
	json_t *hist = json_array();
	for (size_t i = 0; i < n && i < 64; i++) {
		json_t *h = json_pack("{s:o,s:i}", "at", ms_or_null(steps[i].at), "status_code",
				      dialect_congan_status(steps[i].status));
		if (steps[i].action != ACTION_NONE)
			json_object_set_new(h, "action", json_string(action_name(steps[i].action)));
		if (steps[i].actor != NULL) {
			const char *bar = strchr(steps[i].actor, '|');
			json_object_set_new(h, "officer",
					    bar ? json_stringn(steps[i].actor,
							       (size_t)(bar - steps[i].actor))
						: json_string(steps[i].actor));
		}
		if (steps[i].note != NULL)
			json_object_set_new(h, "note", json_string(steps[i].note));
		json_array_append_new(hist, h);
	}
	json_object_set_new(j, "history", hist);
	const char *channel = dialect_payment_channel(d);
	if (channel != NULL)
		json_object_set_new(j, "payment_channel", json_string(channel));
	json_t *receipts = json_array();
	struct dialect_receipt r;
	if (dialect_receipt_of(sb, d, &r))
		json_array_append_new(receipts,
				      json_pack("{s:s,s:s,s:s,s:I,s:o}", "receipt_no", r.number,
						"series", r.series, "issuer", r.issuer, "amount",
						(json_int_t)r.amount, "issued_at",
						ms_or_null(r.issued_at)));
	json_object_set_new(j, "receipts", receipts);
	return j;
}

static void
list(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	long offset, limit;
	const char *since_s = sbx_request_arg(req, "updated_since");
	long long since_ms = 0;
	if (since_s != NULL) {
		char *end;
		since_ms = strtoll(since_s, &end, 10);
		if (*since_s == '\0' || *end != '\0' || since_ms < 0) {
			error_json(resp, 400, "BAD_REQUEST", "updated_since must be epoch milliseconds",
				   NULL);
			return;
		}
	}
	if (sandbox_parse_long(sbx_request_arg(req, "offset"), 0, 100000000, 0, &offset) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "limit"), 1, PAGE_MAX, PAGE_DEFAULT, &limit) !=
		    0) {
		error_json(resp, 400, "BAD_REQUEST", "offset >= 0 and limit 1..200", NULL);
		return;
	}
	mc_time after = (mc_time)(since_ms / 1000);
	uint32_t *idx = xcalloc((size_t)limit, sizeof(*idx));
	uint64_t last;
	bool more;
	size_t n = world_feed(sb->world, SRC_CONGAN, 0, after, (size_t)offset, (size_t)limit, idx,
			      &last, &more);
	size_t total = world_feed_count(sb->world, SRC_CONGAN, 0, after);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(data, record_json(sb, world_get(sb->world, idx[i]), false));
	free(idx);
	sbx_response_json(resp, 200,
			  json_pack("{s:o,s:{s:i,s:i,s:I,s:b},s:I}", "data", data, "paging",
				    "offset", (int)offset, "limit", (int)limit, "total",
				    (json_int_t)total, "has_more", more, "server_time",
				    (json_int_t)req->now * 1000));
	resp->gzip = true;
}

static const struct dialect_refusal refusals[DIALECT_REFUSALS] = {
	[WORLD_ACT_STALE] = {409, "VERSION_CONFLICT", "Hồ sơ đã được cập nhật bởi người khác"},
	[WORLD_ACT_NOT_ALLOWED] = {409, "INVALID_TRANSITION",
				   "Không thể thực hiện thao tác ở trạng thái hiện tại"},
	[WORLD_ACT_NEED_REASON] = {422, "REASON_REQUIRED", "Thao tác cần lý do"},
	[WORLD_ACT_NO_FEES] = {422, "NO_FEES", "Thủ tục không có phí, lệ phí"},
};

static void
transition(struct sandbox *sb, const struct sbx_request *req, uint32_t idx,
	   struct sbx_response *resp)
{
	struct world_dossier *d = world_get(sb->world, idx);
	const char *jerr = NULL;
	json_t *body = sbx_request_json(req, &jerr);
	if (body == NULL) {
		error_json(resp, 400, "BAD_REQUEST", jerr, NULL);
		return;
	}
	enum action a = action_from_name(json_string_value(json_object_get(body, "action")));
	json_t *ver = json_object_get(body, "version");
	const char *ref = json_string_value(json_object_get(body, "request_id"));
	if (a == ACTION_NONE) {
		error_json(resp, 400, "BAD_REQUEST", "unknown or missing action", NULL);
		goto out;
	}
	if (!json_is_integer(ver)) {
		error_json(resp, 400, "VERSION_REQUIRED", "version (integer) is required", NULL);
		goto out;
	}
	json_t *rf = json_object_get(body, "result_files");
	size_t n_files = json_is_array(rf) ? json_array_size(rf) : 0;
	const char **names = xcalloc(n_files + 1, sizeof(*names));
	for (size_t i = 0; i < n_files; i++) {
		json_t *f = json_array_get(rf, i);
		names[i] = json_string_value(json_object_get(f, "name"));
		if (names[i] == NULL ||
		    !json_is_string(json_object_get(f, "content_base64"))) {
			free(names);
			error_json(resp, 400, "BAD_REQUEST",
				   "result_files items need name and content_base64", NULL);
			goto out;
		}
	}
	if (a == ACTION_RETURN_RESULT && n_files == 0) {
		free(names);
		error_json(resp, 422, "RESULT_FILES_REQUIRED", "return-result needs result_files",
			   NULL);
		goto out;
	}
	struct world_act wa = {
		.action = a,
		.via = SRC_CONGAN,
		.check_version = true,
		.version = (uint32_t)json_integer_value(ver),
		.actor = dialect_actor(json_string_value(json_object_get(body, "officer"))),
		.reason = json_string_value(json_object_get(body, "reason")),
		.result_files = names,
		.n_result_files = n_files,
	};
	enum world_act_result r = sandbox_act(sb, SRC_CONGAN, idx, &wa, ref, req->now);
	free(names);
	d = world_get(sb->world, idx);
	const struct dialect_refusal *no = dialect_refusal(refusals, r);
	if (no == NULL) {
		sbx_response_json(resp, 200, record_json(sb, d, true));
		resp->gzip = true;
	} else {
		error_json(resp, no->status, no->code, no->message,
			   json_pack("{s:i,s:i}", "current_version", d->version,
				     "current_status_code", dialect_congan_status(d->status)));
	}
out:
	json_decref(body);
}

static void
status_codes(struct sbx_response *resp)
{
	json_t *arr = json_array();
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++)
		json_array_append_new(arr, json_pack("{s:i,s:s}", "status_code", codes[s], "name",
						     status_label_vi(s)));
	sbx_response_json(resp, 200, json_pack("{s:o}", "data", arr));
	resp->gzip = true;
}

void
dialect_congan_handle(struct sandbox *sb, const struct sbx_request *req,
		      struct sbx_response *resp)
{
	const char *rest = sandbox_path_after(req->path, BASE);
	if (rest == NULL) {
		error_json(resp, 404, "NOT_FOUND", "unknown path", NULL);
		return;
	}
	if (sandbox_auth(sb, req, "congan", resp) != 0)
		return;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	if (get && strcmp(rest, "/records") == 0) {
		list(sb, req, resp);
		return;
	}
	if (get && strcmp(rest, "/status-codes") == 0) {
		status_codes(resp);
		return;
	}
	const char *rec = sandbox_path_after(rest, "/records");
	if (rec == NULL || rec[0] != '/' || rec[1] == '\0') {
		error_json(resp, 404, "NOT_FOUND", "unknown path", NULL);
		return;
	}
	const char *tail;
	uint32_t idx;
	struct world_dossier *d = dialect_path_dossier(sb, rec, SRC_CONGAN, &tail, &idx);
	if (d == NULL) {
		error_json(resp, 404, "NOT_FOUND", "Không tìm thấy hồ sơ", NULL);
		return;
	}
	if (tail[0] == '\0' && get) {
		sandbox_viewed(sb, idx);
		sbx_response_json(resp, 200, record_json(sb, d, true));
		resp->gzip = true;
		return;
	}
	if (strcmp(tail, "/transitions") == 0 && strcmp(req->method, "POST") == 0) {
		transition(sb, req, idx, resp);
		return;
	}
	const char *fid = sandbox_path_after(tail, "/files");
	if (fid != NULL && fid[0] == '/' && get) {
		int part = sandbox_part_from_id(sb, d, fid + 1);
		if (part < 0)
			error_json(resp, 404, "NOT_FOUND", "Không tìm thấy tệp", NULL);
		else
			sandbox_serve_part(sb, req, d, (size_t)part, resp);
		return;
	}
	error_json(resp, 405, "METHOD_NOT_ALLOWED", "method not allowed", NULL);
}
