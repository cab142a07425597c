/*
 * dialect_common.c - what several dialects share: date formats, the
 * resumable upload protocol that tuphap and nnmt both speak (with their own
 * spelling of the JSON keys), finding a system's dossier, reading an action
 * from a verb table, the refusal tables, the idempotency ledger around an
 * action, and the payment's channel, transaction id and e-receipt (which the
 * payment platform reports too, so a client can match them).  Nothing here
 * decides a dialect's behaviour or its wording.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "sandbox/rng.h"

char *
dialect_date_dvcqg(mc_time t, char *buf, size_t size)
{
	if (t == 0) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	struct civil_time c = civil_split(t);
	snprintf(buf, size, "%04d%02d%02d%02d%02d%02d", c.date.year, c.date.month, c.date.day,
		 c.hour, c.minute, c.second);
	return buf;
}

char *
dialect_date_tinh(mc_time t, char *buf, size_t size)
{
	if (t == 0) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	struct civil_time c = civil_split(t);
	snprintf(buf, size, "%02d/%02d/%04d %02d:%02d:%02d", c.date.day, c.date.month,
		 c.date.year, c.hour, c.minute, c.second);
	return buf;
}

char *
dialect_date_utc(mc_time t, char *buf, size_t size)
{
	if (t == 0) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	int32_t days = (int32_t)((t >= 0 ? t : t - (CIVIL_DAY - 1)) / CIVIL_DAY);
	int sod = (int)(t - (mc_time)days * CIVIL_DAY);
	struct civil_date d = civil_date_from_days(days);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day, sod / 3600,
		 sod / 60 % 60, sod % 60);
	return buf;
}

/* Digits at s[0..n) as a number, or -1. */
static int
digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
make_instant(int y, int mo, int d, int h, int mi, int s, mc_time *out)
{
	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 59 ||
	    !civil_date_valid(y, mo, d))
		return -1;
	*out = civil_make_time(civil_days_from_date(y, mo, d), h * 3600 + mi * 60 + s);
	return 0;
}

int
dialect_parse_dvcqg_date(const char *s, mc_time *out)
{
	if (s == NULL || strlen(s) != 14)
		return -1;
	return make_instant(digits(s, 4), digits(s + 4, 2), digits(s + 6, 2), digits(s + 8, 2),
			    digits(s + 10, 2), digits(s + 12, 2), out);
}

int
dialect_parse_tinh_date(const char *s, mc_time *out)
{
	/* "dd/MM/yyyy HH:mm:ss"; the legacy system also takes "dd/MM/yyyy". */
	if (s == NULL)
		return -1;
	size_t n = strlen(s);
	if ((n != 19 && n != 10) || s[2] != '/' || s[5] != '/')
		return -1;
	if (n == 10)
		return make_instant(digits(s + 6, 4), digits(s + 3, 2), digits(s, 2), 0, 0, 0, out);
	if (s[10] != ' ' || s[13] != ':' || s[16] != ':')
		return -1;
	return make_instant(digits(s + 6, 4), digits(s + 3, 2), digits(s, 2), digits(s + 11, 2),
			    digits(s + 14, 2), digits(s + 17, 2), out);
}

/* ---- uploads ------------------------------------------------------------- */

static json_t *
upload_json(const struct upload *up, bool camel)
{
	json_t *j = json_object();
	json_object_set_new(j, camel ? "uploadId" : "upload_id", json_string(up->id));
	json_object_set_new(j, camel ? "fileName" : "file_name", json_string(up->name));
	json_object_set_new(j, "size", json_integer((json_int_t)up->size));
	json_object_set_new(j, "offset", json_integer((json_int_t)up->received));
	json_object_set_new(j, "complete", json_boolean(upload_complete(up)));
	if (upload_complete(up))
		json_object_set_new(j, "sha256", json_string(up->sha256));
	return j;
}

static void
offset_headers(struct sbx_response *resp, const struct upload *up)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)up->received);
	sbx_response_header(resp, "Upload-Offset", buf);
	if (up->received > 0 && !upload_complete(up)) {
		snprintf(buf, sizeof(buf), "bytes=0-%llu", (unsigned long long)up->received - 1);
		sbx_response_header(resp, "Range", buf);
	}
}

void
dialect_upload_handle(struct sandbox *sb, int src, const struct sbx_request *req,
		      const char *rest, const char *base, bool camel, struct sbx_response *resp)
{
	char buf[160];
	if (rest[0] == '\0' || strcmp(rest, "/") == 0) {
		if (strcmp(req->method, "POST") != 0) {
			dialect_problem(resp, 405, "method-not-allowed", "Use POST to start an upload");
			return;
		}
		const char *jerr = NULL;
		json_t *body = sbx_request_json(req, &jerr);
		json_t *size = body ? json_object_get(body, "size") : NULL;
		const char *name = body ? json_string_value(json_object_get(
						  body, camel ? "fileName" : "file_name"))
					: NULL;
		const char *ctype = body ? json_string_value(json_object_get(
						   body, camel ? "contentType" : "content_type"))
					 : NULL;
		if (!json_is_integer(size) || json_integer_value(size) <= 0 || name == NULL) {
			json_decref(body);
			dialect_problem(resp, 400, "invalid-upload",
					camel ? "Need fileName and a positive size"
					      : "Need file_name and a positive size");
			return;
		}
		struct upload *up = uploads_create(sb->uploads, src, name, ctype,
						   (uint64_t)json_integer_value(size), req->now);
		json_decref(body);
		if (up == NULL) {
			dialect_problem(resp, 413, "upload-too-large",
					"File larger than 32 MiB or the server is full");
			return;
		}
		sbx_response_json(resp, 201, upload_json(up, camel));
		snprintf(buf, sizeof(buf), "%s%s/uploads/%s", sb->path_prefix, base, up->id);
		sbx_response_header(resp, "Location", buf);
		offset_headers(resp, up);
		return;
	}
	const char *id = rest + 1;
	struct upload *up = uploads_get(sb->uploads, src, id);
	if (up == NULL) {
		dialect_problem(resp, 404, "upload-not-found", "No such upload");
		return;
	}
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		sbx_response_json(resp, 200, upload_json(up, camel));
		offset_headers(resp, up);
		return;
	}
	if (strcmp(req->method, "PUT") != 0 && strcmp(req->method, "PATCH") != 0) {
		dialect_problem(resp, 405, "method-not-allowed", "Use PUT with Content-Range");
		return;
	}
	uint64_t first, last, total;
	const char *cr = sbx_request_header(req, "Content-Range");
	if (cr == NULL && req->body_len == up->size) { /* the whole file at once */
		first = 0;
		last = up->size - 1;
		total = up->size;
	} else if (upload_parse_content_range(cr, &first, &last, &total) != 0 ||
		   total != up->size) {
		dialect_problem(resp, 400, "bad-content-range",
				"Content-Range must be 'bytes FIRST-LAST/SIZE' with the announced size");
		return;
	}
	if (first == UINT64_MAX) { /* "bytes * /SIZE": where are we? */
		sbx_response_json(resp, upload_complete(up) ? 200 : 308, upload_json(up, camel));
		offset_headers(resp, up);
		return;
	}
	if (req->body_len != last - first + 1) {
		dialect_problem(resp, 400, "bad-content-range",
				"The body length does not match Content-Range");
		return;
	}
	enum upload_write w = uploads_write(up, first, req->body, req->body_len);
	if (w == UPLOAD_WRITE_OFFSET) {
		json_t *j = upload_json(up, camel);
		json_object_set_new(j, "type", json_string("offset-mismatch"));
		json_object_set_new(j, "title", json_string("Chunk does not start at the offset"));
		json_object_set_new(j, "status", json_integer(409));
		sbx_response_json(resp, 409, j);
		offset_headers(resp, up);
		return;
	}
	if (w == UPLOAD_WRITE_OVERFLOW) {
		dialect_problem(resp, 400, "bad-content-range", "Chunk goes past the announced size");
		return;
	}
	sbx_response_json(resp, upload_complete(up) ? 200 : 308, upload_json(up, camel));
	offset_headers(resp, up);
}

void
dialect_problem(struct sbx_response *resp, int status, const char *type, const char *detail)
{
	json_t *j = json_pack("{s:s,s:s,s:i,s:s}", "type", type, "title", type, "status", status,
			      "detail", detail);
	sbx_response_json(resp, status, j);
	/* Replace the JSON content type with the problem one. */
	for (size_t i = 0; i < resp->n_headers; i++) {
		if (strcmp(resp->headers[i].name, "Content-Type") == 0) {
			free(resp->headers[i].value);
			resp->headers[i].value = xstrdup("application/problem+json");
		}
	}
}

char *
dialect_fingerprint(const struct sbx_request *req)
{
	size_t plen = strlen(req->path);
	char *all = xmalloc(plen + 1 + req->body_len + 1);
	memcpy(all, req->path, plen);
	all[plen] = '\n';
	if (req->body_len > 0)
		memcpy(all + plen + 1, req->body, req->body_len);
	char *hex = xmalloc(65);
	sandbox_sha256_hex(all, plen + 1 + req->body_len, hex);
	free(all);
	return hex;
}

const char *
dialect_actor(const char *given)
{
	return given != NULL && given[0] != '\0' ? given : "Cán bộ một cửa";
}

/* ---- finding dossiers, naming actions ------------------------------------ */

struct world_dossier *
dialect_find(struct sandbox *sb, const char *code, int src, uint32_t *idx_out)
{
	int64_t idx = code != NULL ? world_find(sb->world, code) : -1;
	struct world_dossier *d = idx >= 0 ? world_get(sb->world, (uint32_t)idx) : NULL;
	bool here;

	if (d == NULL)
		return NULL;
	here = src == SRC_DVCQG ? d->coord_status != 0 : world_source_of(d) == src;
	if (!here)
		return NULL;
	*idx_out = (uint32_t)idx;
	return d;
}

struct world_dossier *
dialect_path_dossier(struct sandbox *sb, const char *after, int src, const char **tail,
		     uint32_t *idx_out)
{
	char code[64];
	const char *slash;
	size_t len;
	struct world_dossier *d;

	*tail = "";
	if (after == NULL || after[0] != '/' || after[1] == '\0')
		return NULL;
	slash = strchr(after + 1, '/');
	len = slash ? (size_t)(slash - after - 1) : strlen(after + 1);
	snprintf(code, sizeof(code), "%.*s", (int)(len < sizeof(code) ? len : sizeof(code) - 1),
		 after + 1);
	d = dialect_find(sb, code, src, idx_out);
	if (d == NULL)
		return NULL;
	*tail = slash ? slash : "";
	return d;
}

enum action
dialect_action_named(const char *const table[ACTION_COUNT], const char *name)
{
	for (int i = ACTION_NONE + 1; name != NULL && i < ACTION_COUNT; i++)
		if (table[i] != NULL && strcmp(table[i], name) == 0)
			return (enum action)i;
	return ACTION_NONE;
}

const struct dialect_refusal *
dialect_refusal(const struct dialect_refusal *table, enum world_act_result r)
{
	if (r == WORLD_ACT_OK || (unsigned)r >= DIALECT_REFUSALS || table[r].code == NULL)
		return NULL;
	return &table[r];
}

/* ---- actions under an idempotency key ---------------------------------- */

static bool
has_key(const struct dialect_idem *idem)
{
	return idem->key != NULL && idem->key[0] != '\0';
}

int
dialect_idem_begin(struct sandbox *sb, int src, const struct sbx_request *req,
		   const char *key_header, const char *replayed_header, struct dialect_idem *idem,
		   struct sbx_response *resp)
{
	int r;

	idem->key = sbx_request_header(req, key_header);
	idem->fp = dialect_fingerprint(req);
	idem->settled = false;
	if (!has_key(idem))
		return 0;
	r = ledger_replay(sb->ledger, src, idem->key, idem->fp, resp);
	if (r == 1)
		sbx_response_header(resp, replayed_header, "true");
	idem->settled = r != 0;
	return r;
}

void
dialect_idem_end(struct sandbox *sb, int src, struct dialect_idem *idem,
		 const struct sbx_response *resp)
{
	if (has_key(idem) && !idem->settled && resp->status < 500)
		ledger_remember(sb->ledger, src, idem->key, idem->fp, resp);
	free(idem->fp);
	idem->fp = NULL;
}

int
dialect_upload_names(struct sandbox *sb, int src, json_t *ids, const char ***names_out,
		     size_t *n_out)
{
	size_t n = json_is_array(ids) ? json_array_size(ids) : 0;
	const char **names = xcalloc(n + 1, sizeof(*names));

	*names_out = names;
	*n_out = n;
	for (size_t i = 0; i < n; i++) {
		struct upload *up =
			uploads_get(sb->uploads, src, json_string_value(json_array_get(ids, i)));
		if (up == NULL || !upload_complete(up))
			return -1;
		names[i] = up->name;
	}
	return 0;
}

/* ---- payment: channel, transaction, e-receipt ---------------------------- */

#define KEY_TXN 0x7061ULL          /* MaGiaoDich digits */
#define KEY_RECEIPT 0x62696c6cULL  /* "bill": receipt number and series letters */

const char *
dialect_payment_channel(const struct world_dossier *d)
{
	if (d->payment == PAYMENT_NONE)
		return NULL;
	switch (d->channel) {
	case CHANNEL_ONLINE:
		return "Cổng DVCQG (VNPT Pay)";
	case CHANNEL_POSTAL:
		return "Chuyển khoản ngân hàng";
	default:
		return "Tiền mặt tại Bộ phận một cửa";
	}
}

void
dialect_txn_id(const struct sandbox *sb, const struct world_dossier *d, char *buf, size_t size)
{
	struct civil_time t = civil_split(d->received_at ? d->received_at : d->submitted_at);
	snprintf(buf, size, "GD%02d%02d%02d%08llu", t.date.year % 100, t.date.month, t.date.day,
		 (unsigned long long)(rng_hash(sb->cfg.seed ^ KEY_TXN, d->gen) % 100000000ULL));
}

bool
dialect_receipt_of(const struct sandbox *sb, const struct world_dossier *d,
		   struct dialect_receipt *out)
{
	int64_t amount = world_fees_total(d);
	if (d->payment != PAYMENT_PAID || amount <= 0)
		return false;
	uint64_t h = rng_hash(sb->cfg.seed ^ KEY_RECEIPT, d->gen);
	/* paid_at is set wherever the world marks a dossier paid; the fallback
	 * only guards a record that somehow lacks it */
	mc_time at = d->paid_at != 0 ? d->paid_at
		     : d->received_at != 0 ? d->received_at
					   : d->submitted_at;
	struct civil_time t = civil_split(at);
	memset(out, 0, sizeof(*out));
	snprintf(out->number, sizeof(out->number), "%07llu",
		 (unsigned long long)(h % 10000000ULL));
	snprintf(out->series, sizeof(out->series), "BL%02dE-%c%c", t.date.year % 100,
		 'A' + (int)((h >> 32) % 26), 'A' + (int)((h >> 40) % 26));
	out->issuer = world_unit(d);
	out->amount = amount;
	out->issued_at = at;
	dialect_txn_id(sb, d, out->transaction_id, sizeof(out->transaction_id));
	return true;
}
