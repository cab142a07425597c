/*
 * dialect_nnmt.c - the Ministry of Agriculture and Environment land system:
 * REST with nested snake_case JSON, page-number paging over a "modified from"
 * filter (inclusive), dates in UTC ("Z", not +07:00), uppercase state codes,
 * large scanned maps and papers served on demand with Range (206/416),
 * idempotency by X-Request-Id, an optional `revision` check (409), resumable
 * uploads of result files.  Slow by default and down for planned
 * maintenance every night (fault.c).  doc/sandbox.md §nnmt is the contract.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/gen.h"
#include "sandbox/rng.h"

#define BASE "/nnmt/api/v2"
#define PAGE_DEFAULT 20
#define PAGE_MAX 100

static const char *const states[STATUS_MAX + 1] = {
	NULL,          "SUBMITTED", "ACCEPTED",  "REJECTED",  "IN_PROGRESS", "NEED_SUPPLEMENT",
	"AWAITING_PAYMENT", "WITHDRAWN", "SUSPENDED", "COMPLETED", "DELIVERED",
};

const char *
dialect_nnmt_status(int status)
{
	return status_valid(status) ? states[status] : NULL;
}

int
dialect_nnmt_status_parse(const char *s)
{
	for (int i = STATUS_MIN; s != NULL && i <= STATUS_MAX; i++)
		if (strcmp(states[i], s) == 0)
			return i;
	return -1;
}

static void
errors(struct sbx_response *resp, int status, const char *code, const char *detail, json_t *meta)
{
	json_t *e = json_pack("{s:s,s:s}", "code", code, "detail", detail);
	if (meta != NULL)
		json_object_set_new(e, "meta", meta);
	sbx_response_json(resp, status, json_pack("{s:[o]}", "errors", e));
}

static json_t *
utc_or_null(mc_time t)
{
	char buf[40];
	return t != 0 ? json_string(dialect_date_utc(t, buf, sizeof(buf))) : json_null();
}

/* The land office's words for the financial obligation's settlement. */
static const char *
payment_state(int payment)
{
	switch (payment) {
	case PAYMENT_PAID:
		return "PAID";
	case PAYMENT_PENDING:
		return "UNPAID";
	case PAYMENT_FAILED:
		return "FAILED";
	default:
		return "NOT_REQUIRED";
	}
}

static json_t *
record_json(struct sandbox *sb, const struct world_dossier *d, bool full)
{
	const struct catalog_procedure *p = world_procedure(d);
	struct gen_person who;
	world_person(sb->world, d, &who);
	uint64_t h = rng_hash(sb->cfg.seed ^ 0x6c616e64ULL, d->gen);
	char sheet[16], parcel[16];
	snprintf(sheet, sizeof(sheet), "%u", (unsigned)(h % 60 + 1));
	snprintf(parcel, sizeof(parcel), "%u", (unsigned)((h >> 8) % 900 + 1));
	json_t *j = json_object();
	json_object_set_new(j, "id", json_string(d->code));
	json_object_set_new(j, "dossier_no", json_string(d->code));
	json_object_set_new(j, "procedure", json_pack("{s:s,s:s,s:s}", "code", p->code, "name",
						      p->name, "field", p->field_name));
	json_object_set_new(j, "applicant",
			    json_pack("{s:s,s:s,s:s,s:s}", "name", who.name, "id_number", who.id,
				      "address", who.address, "phone", who.phone));
	json_object_set_new(j, "land_parcel",
			    json_pack("{s:s,s:s,s:f,s:s}", "map_sheet", sheet, "parcel_no", parcel,
				      "area_m2", (double)((h >> 20) % 20000 + 80) / 10.0, "commune",
				      catalog_communes[d->commune].name));
	json_object_set_new(j, "office", json_pack("{s:s,s:s}", "code",
						   catalog_communes[d->commune].agency, "name",
						   world_unit(d)));
	json_object_set_new(j, "state", json_pack("{s:s,s:s}", "code", dialect_nnmt_status(d->status),
						  "label", status_label_vi(d->status)));
	json_object_set_new(j, "dates",
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "submitted",
				      utc_or_null(d->submitted_at), "received",
				      utc_or_null(d->received_at), "due", utc_or_null(d->due_at),
				      "finished", utc_or_null(d->finished_at), "returned",
				      utc_or_null(d->returned_at), "modified",
				      utc_or_null(d->updated_at)));
	json_object_set_new(j, "revision", json_integer(d->version));
	json_t *fees = json_array();
	for (size_t i = 0; i < p->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:s,s:s,s:I,s:s}", "code", p->fees[i].code,
						      "name", p->fees[i].name, "amount_vnd",
						      (json_int_t)world_fee_amount(d, i), "kind",
						      p->fees[i].kind == 2 ? "phi" : "le_phi"));
	json_object_set_new(j, "fees", fees);
	json_object_set_new(j, "payment", json_pack("{s:s}", "state", payment_state(d->payment)));
	json_t *att = json_array();
	for (size_t i = 0; i < sandbox_part_count(sb, d); i++) {
		char id[64], href[192];
		struct sandbox_part f;
		sandbox_part_info(sb, d, i, &f);
		sandbox_part_id(d, i, id, sizeof(id));
		snprintf(href, sizeof(href), "%s" BASE "/dossiers/%s/attachments/%s", sb->path_prefix,
			 d->code, id);
		json_array_append_new(att, json_pack("{s:s,s:s++,s:s,s:I,s:s}", "id", id, "name",
						     f.name, ".", f.ext, "component", f.code, "size",
						     (json_int_t)f.size, "href", href));
	}
	json_object_set_new(j, "attachments", att);
	if (!full)
		return j;
	struct world_step steps[64];
	size_t n = world_history(sb->world, d, steps, 64);
	json_t *hist = json_array();
	for (size_t i = 0; i < n && i < 64; i++) {
		json_t *e = json_pack("{s:o,s:s}", "at", utc_or_null(steps[i].at), "state",
				      dialect_nnmt_status(steps[i].status));
		if (steps[i].note != NULL)
			json_object_set_new(e, "note", json_string(steps[i].note));
		json_array_append_new(hist, e);
	}
	json_object_set_new(j, "events", hist);
	/* the financial obligation's channel and e-receipt, inside "payment" */
	json_t *payment = json_object_get(j, "payment");
	const char *channel = dialect_payment_channel(d);
	if (channel != NULL)
		json_object_set_new(payment, "channel", json_string(channel));
	struct dialect_receipt r;
	json_object_set_new(payment, "receipt",
			    dialect_receipt_of(sb, d, &r)
				    ? json_pack("{s:s,s:s,s:s,s:I,s:o}", "number", r.number,
						"series", r.series, "issuer", r.issuer,
						"amount_vnd", (json_int_t)r.amount, "issued_at",
						utc_or_null(r.issued_at))
				    : json_null());
	return j;
}

static void
list(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	long page, size;
	mc_time from = 0;
	const char *mf = sbx_request_arg(req, "modified_from");
	if (sandbox_parse_long(sbx_request_arg(req, "page"), 1, 10000000, 1, &page) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "page_size"), 1, PAGE_MAX, PAGE_DEFAULT,
			       &size) != 0) {
		errors(resp, 400, "INVALID_PAGING", "page >= 1, page_size 1..100", NULL);
		return;
	}
	if (mf != NULL && civil_parse_datetime(mf, &from) != 0) {
		errors(resp, 400, "INVALID_DATE", "modified_from must be ISO 8601", NULL);
		return;
	}
	mc_time after = from > 0 ? from - 1 : 0; /* inclusive */
	size_t total = world_feed_count(sb->world, SRC_NNMT, 0, after);
	uint32_t *idx = xcalloc((size_t)size, sizeof(*idx));
	uint64_t last;
	bool more;
	size_t n = world_feed(sb->world, SRC_NNMT, 0, after, (size_t)(page - 1) * (size_t)size,
			      (size_t)size, idx, &last, &more);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, record_json(sb, world_get(sb->world, idx[i]), false));
	free(idx);
	sbx_response_json(resp, 200,
			  json_pack("{s:i,s:i,s:I,s:I,s:o}", "page", (int)page, "page_size",
				    (int)size, "total_items", (json_int_t)total, "total_pages",
				    (json_int_t)((total + (size_t)size - 1) / (size_t)size), "items",
				    items));
}

/* "REQUEST_SUPPLEMENT" -> ACTION_REQUEST_SUPPLEMENT. */
static enum action
transition_of(const char *s)
{
	if (s == NULL || strlen(s) > 40)
		return ACTION_NONE;
	char buf[48];
	size_t i = 0;
	for (; s[i] != '\0'; i++) {
		if (!isupper((unsigned char)s[i]) && s[i] != '_')
			return ACTION_NONE;
		buf[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	}
	buf[i] = '\0';
	return action_from_name(buf);
}

static const struct dialect_refusal refusals[DIALECT_REFUSALS] = {
	[WORLD_ACT_STALE] = {409, "REVISION_MISMATCH", "The dossier has a newer revision"},
	[WORLD_ACT_NOT_ALLOWED] = {422, "TRANSITION_NOT_ALLOWED",
				   "Not allowed from the current state"},
	[WORLD_ACT_NEED_REASON] = {422, "NOTE_REQUIRED", "This transition needs a note"},
	[WORLD_ACT_NO_FEES] = {422, "NO_FEES", "The procedure has no fees"},
};

static void
transition(struct sandbox *sb, const struct sbx_request *req, uint32_t idx,
	   struct sbx_response *resp)
{
	struct dialect_idem idem;
	json_t *body = NULL;
	const char **names = NULL;
	size_t n_files;
	int replay = dialect_idem_begin(sb, SRC_NNMT, req, "X-Request-Id", "X-Idempotent-Replay",
					&idem, resp);
	if (replay == 1)
		goto out;
	if (replay == -1) {
		errors(resp, 409, "REQUEST_ID_CONFLICT",
		       "X-Request-Id already used for a different request", NULL);
		goto out;
	}
	const char *jerr = NULL;
	body = sbx_request_json(req, &jerr);
	enum action a = body ? transition_of(json_string_value(json_object_get(body, "transition")))
			     : ACTION_NONE;
	if (a == ACTION_NONE) {
		errors(resp, 400, "INVALID_TRANSITION_NAME",
		       body ? "unknown transition (e.g. RECEIVE, APPROVE)" : jerr, NULL);
		goto out;
	}
	json_t *rev = json_object_get(body, "revision");
	if (dialect_upload_names(sb, SRC_NNMT, json_object_get(body, "result_upload_ids"), &names,
				 &n_files) != 0) {
		errors(resp, 422, "UPLOAD_INCOMPLETE", "result_upload_ids must be finished uploads",
		       NULL);
		goto out;
	}
	if (a == ACTION_RETURN_RESULT && n_files == 0) {
		errors(resp, 422, "RESULT_REQUIRED", "RETURN_RESULT needs result_upload_ids", NULL);
		goto out;
	}
	struct world_act wa = {
		.action = a,
		.via = SRC_NNMT,
		.check_version = json_is_integer(rev),
		.version = json_is_integer(rev) ? (uint32_t)json_integer_value(rev) : 0,
		.actor = dialect_actor(json_string_value(json_object_get(body, "officer"))),
		.reason = json_string_value(json_object_get(body, "note")),
		.result_files = names,
		.n_result_files = n_files,
	};
	enum world_act_result r = sandbox_act(sb, SRC_NNMT, idx, &wa, idem.key, req->now);
	struct world_dossier *d = world_get(sb->world, idx);
	const struct dialect_refusal *no = dialect_refusal(refusals, r);
	if (no == NULL)
		sbx_response_json(resp, 200, record_json(sb, d, true));
	else
		errors(resp, no->status, no->code, no->message,
		       json_pack("{s:i,s:s}", "revision", d->version, "state",
				 dialect_nnmt_status(d->status)));
out:
	dialect_idem_end(sb, SRC_NNMT, &idem, resp);
	free(names);
	json_decref(body);
}

void
dialect_nnmt_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *rest = sandbox_path_after(req->path, BASE);
	if (rest == NULL) {
		errors(resp, 404, "NOT_FOUND", "unknown path", NULL);
		return;
	}
	if (sandbox_auth(sb, req, "nnmt", resp) != 0)
		return;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	const char *up = sandbox_path_after(rest, "/uploads");
	if (up != NULL) {
		dialect_upload_handle(sb, SRC_NNMT, req, up, BASE, false, resp);
		return;
	}
	if (get && strcmp(rest, "/dossiers") == 0) {
		list(sb, req, resp);
		return;
	}
	const char *ds = sandbox_path_after(rest, "/dossiers");
	if (ds == NULL || ds[0] != '/' || ds[1] == '\0') {
		errors(resp, 404, "NOT_FOUND", "unknown path", NULL);
		return;
	}
	const char *tail;
	uint32_t idx;
	struct world_dossier *d = dialect_path_dossier(sb, ds, SRC_NNMT, &tail, &idx);
	if (d == NULL) {
		errors(resp, 404, "DOSSIER_NOT_FOUND", "no such dossier", NULL);
		return;
	}
	if (tail[0] == '\0' && get) {
		sandbox_viewed(sb, idx);
		sbx_response_json(resp, 200, record_json(sb, d, true));
		return;
	}
	if (strcmp(tail, "/transitions") == 0 && strcmp(req->method, "POST") == 0) {
		transition(sb, req, idx, resp);
		return;
	}
	const char *aid = sandbox_path_after(tail, "/attachments");
	if (aid != NULL && aid[0] == '/' && get) {
		int part = sandbox_part_from_id(sb, d, aid + 1);
		if (part < 0)
			errors(resp, 404, "ATTACHMENT_NOT_FOUND", "no such attachment", NULL);
		else
			sandbox_serve_part(sb, req, d, (size_t)part, resp);
		return;
	}
	errors(resp, 405, "METHOD_NOT_ALLOWED", "method not allowed", NULL);
}
