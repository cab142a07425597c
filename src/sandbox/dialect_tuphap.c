/*
 * dialect_tuphap.c - the Ministry of Justice system (civil status and
 * certification): REST with camelCase JSON, a cursor change feed, an ETag per
 * dossier (If-None-Match -> 304), actions guarded by If-Match (412 on a stale
 * version, 428 without it) and deduplicated by Idempotency-Key, ISO 8601
 * dates with +07:00, and OpenCPS-like string statuses.  Result files arrive
 * through resumable uploads.  doc/sandbox.md §tuphap is the contract.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "sandbox/gen.h"

#define BASE "/tuphap/api/v1"
#define FEED_DEFAULT 100
#define FEED_MAX 500

static const char *const statuses[STATUS_MAX + 1] = {
	NULL, "new", "receiving", "denied", "processing", "waiting", "paying", "cancelled",
	"unresolved", "releasing", "done",
};

/* Strings the system may also send, inbound only. */
static const struct {
	const char *name;
	int status;
} aliases[] = {
	{"interoperating", STATUS_PROCESSING}, {"posting", STATUS_PROCESSING},
	{"correcting", STATUS_SUPPLEMENT},     {"cancelling", STATUS_WITHDRAWN},
	{"pausing", STATUS_STOPPED},
};

const char *
dialect_tuphap_status(int status, uint32_t gen)
{
	if (!status_valid(status))
		return NULL;
	/* One processing dossier in seven is being handled at another agency. */
	if (status == STATUS_PROCESSING && gen % 7 == 3)
		return "interoperating";
	return statuses[status];
}

int
dialect_tuphap_status_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (int i = STATUS_MIN; i <= STATUS_MAX; i++)
		if (strcmp(statuses[i], s) == 0)
			return i;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].name, s) == 0)
			return aliases[i].status;
	return -1;
}

static json_t *
iso_or_null(mc_time t)
{
	char buf[CIVIL_ISO_LEN];
	return t != 0 ? json_string(civil_format_iso(t, buf, sizeof(buf))) : json_null();
}

static void
etag_of(const struct world_dossier *d, char *buf, size_t size)
{
	snprintf(buf, size, "\"%u\"", d->version);
}

static const char *
channel_name(int channel)
{
	return channel == 1 ? "direct" : channel == 3 ? "postal" : "online";
}

static const char *
payment_name(int payment)
{
	return payment == 1 ? "paid" : payment == 3 ? "pending" : payment == 4 ? "failed" : "none";
}

static json_t *
dossier_json(struct sandbox *sb, const struct world_dossier *d, bool full)
{
	const struct catalog_procedure *p = world_procedure(d);
	const struct catalog_commune *c = &catalog_communes[d->commune];
	struct gen_person who;
	world_person(sb->world, d, &who);
	char birth[CIVIL_DATE_LEN], summary[256], id[64];
	civil_format_date(civil_days_from_date(who.birth.year, who.birth.month, who.birth.day),
			  birth, sizeof(birth));
	snprintf(summary, sizeof(summary), p->summary, who.name);

	json_t *j = json_object();
	json_object_set_new(j, "dossierNo", json_string(d->code));
	json_object_set_new(j, "procedureCode", json_string(p->code));
	json_object_set_new(j, "procedureName", json_string(p->name));
	json_object_set_new(j, "domainCode", json_string(p->field_code));
	json_object_set_new(j, "domainName", json_string(p->field_name));
	json_object_set_new(j, "applicant",
			    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "fullName", who.name,
				      "idType", "CCCD", "idNumber", who.id, "birthDate", birth,
				      "address", who.address, "phone", who.phone, "email",
				      who.email));
	json_object_set_new(j, "summary", json_string(summary));
	json_object_set_new(j, "agency",
			    json_pack("{s:s,s:s}", "code", c->agency, "name", world_unit(d)));
	json_object_set_new(j, "channel", json_string(channel_name(d->channel)));
	json_object_set_new(j, "status", json_string(dialect_tuphap_status(d->status, d->gen)));
	json_object_set_new(j, "statusText", json_string(status_label_vi(d->status)));
	json_object_set_new(j, "submittedAt", iso_or_null(d->submitted_at));
	json_object_set_new(j, "receivedAt", iso_or_null(d->received_at));
	json_object_set_new(j, "dueAt", iso_or_null(d->due_at));
	json_object_set_new(j, "finishedAt", iso_or_null(d->finished_at));
	json_object_set_new(j, "returnedAt", iso_or_null(d->returned_at));
	json_object_set_new(j, "updatedAt", iso_or_null(d->updated_at));
	json_object_set_new(j, "version", json_integer(d->version));

	json_t *fees = json_array();
	for (size_t i = 0; i < p->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:s,s:s,s:I}", "code", p->fees[i].code,
						      "name", p->fees[i].name, "amount",
						      (json_int_t)world_fee_amount(d, i)));
	json_object_set_new(j, "fees", fees);
	json_object_set_new(j, "paymentStatus", json_string(payment_name(d->payment)));

	json_t *files = json_array();
	for (size_t i = 0; i < sandbox_part_count(sb, d); i++) {
		char url[192];
		struct sandbox_part f;
		sandbox_part_info(sb, d, i, &f);
		sandbox_part_id(d, i, id, sizeof(id));
		snprintf(url, sizeof(url), "%s" BASE "/dossiers/%s/files/%s", sb->path_prefix,
			 d->code, id);
		json_array_append_new(
			files, json_pack("{s:s,s:s++,s:s,s:I,s:s}", "id", id, "name", f.name, ".",
					 f.ext, "componentCode", f.code, "size", (json_int_t)f.size,
					 "url", url));
	}
	json_object_set_new(j, "files", files);
	json_t *supp = json_array();
	if (d->supp_req_at != 0)
		json_array_append_new(supp, json_pack("{s:o,s:o,s:s}", "requestedAt",
						      iso_or_null(d->supp_req_at), "completedAt",
						      iso_or_null(d->supp_done_at), "reason",
						      d->extra && d->extra->reason
							      ? d->extra->reason
							      : "Bổ sung bản sao giấy tờ tùy thân"));
	json_object_set_new(j, "supplements", supp);
	if (d->extra != NULL && d->extra->n_result_files > 0) {
		json_t *rf = json_array();
		for (size_t i = 0; i < d->extra->n_result_files; i++)
			json_array_append_new(rf, json_string(d->extra->result_files[i]));
		json_object_set_new(j, "resultFiles", rf);
	}
	if (!full)
		return j;
	struct world_step steps[64];
	size_t n = world_history(sb->world, d, steps, 64);
	json_t *hist = json_array();
	for (size_t i = 0; i < n && i < 64; i++) {
		json_t *h = json_pack("{s:o,s:s}", "at", iso_or_null(steps[i].at), "status",
				      dialect_tuphap_status(steps[i].status, d->gen));
		if (steps[i].action != ACTION_NONE)
			json_object_set_new(h, "action", json_string(action_name(steps[i].action)));
		if (steps[i].actor != NULL) {
			const char *bar = strchr(steps[i].actor, '|');
			json_object_set_new(h, "actor",
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
		json_object_set_new(j, "paymentChannel", json_string(channel));
	json_t *receipts = json_array();
	struct dialect_receipt r;
	if (dialect_receipt_of(sb, d, &r))
		json_array_append_new(receipts,
				      json_pack("{s:s,s:s,s:s,s:I,s:o,s:s}", "number", r.number,
						"series", r.series, "issuer", r.issuer, "amount",
						(json_int_t)r.amount, "issuedAt",
						iso_or_null(r.issued_at), "transactionId",
						r.transaction_id));
	json_object_set_new(j, "receipts", receipts);
	return j;
}

static void
send_dossier(struct sandbox *sb, const struct world_dossier *d, int status,
	     struct sbx_response *resp)
{
	char etag[32];
	etag_of(d, etag, sizeof(etag));
	sbx_response_json(resp, status, dossier_json(sb, d, true));
	sbx_response_header(resp, "ETag", etag);
}

/* ---- endpoints ----------------------------------------------------------- */

static void
changes(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	long limit;
	uint64_t after = 0;
	const char *cursor = sbx_request_arg(req, "cursor");
	if (sandbox_parse_long(sbx_request_arg(req, "limit"), 1, FEED_MAX, FEED_DEFAULT, &limit) !=
	    0) {
		dialect_problem(resp, 400, "invalid-limit", "limit must be 1..500");
		return;
	}
	if (cursor != NULL && cursor[0] != '\0') {
		char *end;
		if (cursor[0] != 'c' || cursor[1] == '\0' ||
		    (after = strtoull(cursor + 1, &end, 16), *end != '\0')) {
			dialect_problem(resp, 400, "invalid-cursor", "Unknown cursor");
			return;
		}
	}
	uint32_t *idx = xcalloc((size_t)limit, sizeof(*idx));
	uint64_t last;
	bool more;
	size_t n = world_feed(sb->world, SRC_TUPHAP, after, 0, 0, (size_t)limit, idx, &last, &more);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, dossier_json(sb, world_get(sb->world, idx[i]), false));
	free(idx);
	char next[40];
	snprintf(next, sizeof(next), "c%llx", (unsigned long long)last);
	sbx_response_json(resp, 200,
			  json_pack("{s:o,s:s,s:b}", "items", items, "nextCursor", next, "hasMore",
				    more));
}

static void
procedures(struct sbx_response *resp)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < catalog_n_procedures; i++) {
		const struct catalog_procedure *p = &catalog_procedures[i];
		if (p->source != SRC_TUPHAP)
			continue;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:i,s:s}", "code", p->code,
						     "name", p->name, "domainCode", p->field_code,
						     "durationDays", p->rule.duration, "cutoff",
						     "15:00"));
	}
	sbx_response_json(resp, 200, json_pack("{s:o}", "items", arr));
}

static const struct dialect_refusal refusals[DIALECT_REFUSALS] = {
	[WORLD_ACT_NOT_ALLOWED] = {409, "action-not-allowed",
				   "The action is not allowed from the dossier's current status"},
	[WORLD_ACT_NEED_REASON] = {422, "reason-required", "This action needs a reason"},
	[WORLD_ACT_NO_FEES] = {422, "no-fees", "The procedure has no fees to pay"},
};

static void
act(struct sandbox *sb, const struct sbx_request *req, uint32_t idx, struct sbx_response *resp)
{
	struct world_dossier *d = world_get(sb->world, idx);
	struct dialect_idem idem;
	json_t *body = NULL;
	const char **files = NULL;
	size_t n_files;
	int replay = dialect_idem_begin(sb, SRC_TUPHAP, req, "Idempotency-Key",
					"Idempotent-Replayed", &idem, resp);
	if (replay == 1)
		goto out;
	if (replay == -1) {
		dialect_problem(resp, 422, "idempotency-key-reused",
				"This Idempotency-Key was used with a different request");
		goto out;
	}
	const char *jerr = NULL;
	body = sbx_request_json(req, &jerr);
	enum action a = ACTION_NONE;
	if (body != NULL)
		a = action_from_name(json_string_value(json_object_get(body, "action")));
	if (a == ACTION_NONE) {
		dialect_problem(resp, 400, "invalid-action",
				body == NULL ? jerr : "Unknown or missing \"action\"");
		goto out;
	}
	const char *if_match = sbx_request_header(req, "If-Match");
	if (if_match == NULL) {
		dialect_problem(resp, 428, "precondition-required",
				"Send If-Match with the dossier's ETag");
		goto out;
	}
	char etag[32];
	etag_of(d, etag, sizeof(etag));
	const char *cmp = strncmp(if_match, "W/", 2) == 0 ? if_match + 2 : if_match;
	if (strcmp(cmp, "*") != 0 && strcmp(cmp, etag) != 0) {
		sandbox_refused(sb, SRC_TUPHAP, idx, a, WORLD_ACT_STALE, idem.key);
		json_t *j = json_pack("{s:s,s:s,s:i,s:s,s:o}", "type", "version-mismatch", "title",
				      "version-mismatch", "status", 412, "detail",
				      "The dossier changed since your ETag", "current",
				      dossier_json(sb, d, true));
		sbx_response_json(resp, 412, j);
		sbx_response_header(resp, "ETag", etag);
		goto out;
	}
	json_t *rf = json_object_get(body, "resultFiles");
	if (dialect_upload_names(sb, SRC_TUPHAP, rf, &files, &n_files) != 0) {
		dialect_problem(resp, 422, "upload-incomplete",
				"resultFiles must name finished uploads");
		goto out;
	}
	if (a == ACTION_RETURN_RESULT && n_files == 0) {
		dialect_problem(resp, 422, "result-files-required",
				"return-result needs at least one uploaded result file");
		goto out;
	}
	struct world_act wa = {
		.action = a,
		.via = SRC_TUPHAP,
		.check_version = false, /* If-Match was checked above */
		.actor = dialect_actor(json_string_value(json_object_get(body, "actor"))),
		.reason = json_string_value(json_object_get(body, "reason")),
		.result_files = files,
		.n_result_files = n_files,
	};
	enum world_act_result r = sandbox_act(sb, SRC_TUPHAP, idx, &wa, idem.key, req->now);
	if (r != WORLD_ACT_OK) {
		const struct dialect_refusal *no = dialect_refusal(refusals, r);
		if (no != NULL)
			dialect_problem(resp, no->status, no->code, no->message);
		if (r == WORLD_ACT_NOT_ALLOWED) {
			/* Say what is allowed, so a client can explain. */
			json_error_t e;
			json_t *j = json_loadb(resp->body, resp->body_len, 0, &e);
			enum action allowed[ACTION_COUNT];
			int na = action_allowed_list(d->status, allowed);
			json_t *arr = json_array();
			for (int i = 0; i < na; i++)
				json_array_append_new(arr, json_string(action_name(allowed[i])));
			json_object_set_new(j, "allowedActions", arr);
			json_object_set_new(j, "currentStatus",
					    json_string(dialect_tuphap_status(d->status, d->gen)));
			sbx_response_release(resp);
			sbx_response_json(resp, 409, j);
			sbx_response_header(resp, "Content-Type", "application/problem+json");
		}
		goto out;
	}
	for (size_t i = 0; i < n_files; i++) {
		struct upload *up = uploads_get(sb->uploads, SRC_TUPHAP,
						json_string_value(json_array_get(rf, i)));
		up->used = true;
	}
	send_dossier(sb, world_get(sb->world, idx), 200, resp);
out:
	dialect_idem_end(sb, SRC_TUPHAP, &idem, resp);
	free(files);
	json_decref(body);
}

void
dialect_tuphap_handle(struct sandbox *sb, const struct sbx_request *req,
		      struct sbx_response *resp)
{
	const char *rest = sandbox_path_after(req->path, BASE);
	if (rest == NULL) {
		dialect_problem(resp, 404, "not-found", "Unknown path");
		return;
	}
	if (sandbox_auth(sb, req, "tuphap", resp) != 0)
		return;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	const char *up = sandbox_path_after(rest, "/uploads");
	if (up != NULL) {
		dialect_upload_handle(sb, SRC_TUPHAP, req, up, BASE, true, resp);
		return;
	}
	if (get && strcmp(rest, "/dossiers/changes") == 0) {
		changes(sb, req, resp);
		return;
	}
	if (get && strcmp(rest, "/procedures") == 0) {
		procedures(resp);
		return;
	}
	const char *ds = sandbox_path_after(rest, "/dossiers");
	if (ds == NULL || ds[0] != '/' || ds[1] == '\0') {
		dialect_problem(resp, 404, "not-found", "Unknown path");
		return;
	}
	const char *tail;
	uint32_t idx;
	struct world_dossier *d = dialect_path_dossier(sb, ds, SRC_TUPHAP, &tail, &idx);
	if (d == NULL) {
		dialect_problem(resp, 404, "dossier-not-found", "No such dossier in this system");
		return;
	}
	if (tail[0] == '\0' && get) {
		char etag[32];
		sandbox_viewed(sb, idx); /* a 304 too: the client shows its fresh copy */
		etag_of(d, etag, sizeof(etag));
		const char *inm = sbx_request_header(req, "If-None-Match");
		if (inm != NULL && (strcmp(inm, etag) == 0 ||
				    (strncmp(inm, "W/", 2) == 0 && strcmp(inm + 2, etag) == 0))) {
			sbx_response_bytes(resp, 304, NULL, "", 0);
			sbx_response_header(resp, "ETag", etag);
			return;
		}
		send_dossier(sb, d, 200, resp);
		return;
	}
	if (strcmp(tail, "/actions") == 0 && strcmp(req->method, "POST") == 0) {
		act(sb, req, idx, resp);
		return;
	}
	const char *fid = sandbox_path_after(tail, "/files");
	if (fid != NULL && fid[0] == '/' && get) {
		int part = sandbox_part_from_id(sb, d, fid + 1);
		if (part < 0) {
			dialect_problem(resp, 404, "file-not-found", "No such file");
			return;
		}
		sandbox_serve_part(sb, req, d, (size_t)part, resp);
		return;
	}
	dialect_problem(resp, 405, "method-not-allowed", "Not supported on this path");
}
