/*
 * test_sandbox_detail.c - what each system's detail reply says about a
 * dossier's payment, asked through the sandbox's router as a client asks
 * (bearer tokens from its own provider, dvcqg's session envelope), without
 * a socket: a paid dossier carries the e-receipt the payment platform's
 * QUERY and GET_BILL name (same number, series, issuer, amount, instant,
 * transaction); a pending one carries its channel and no receipt; one with
 * nothing due carries neither; tinh's files carry their component codes;
 * dvcqg's detail has the history it has heard of; the receiving clerk's
 * plain-text note is listed last by every system in its own words and
 * served as UTF-8 text by those that serve files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/dossier.h"
#include "sandbox/gen.h"
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"
#include "sandbox/sandbox.h"

#define BASE_URL "http://127.0.0.1:18015"
#define FORM "application/x-www-form-urlencoded"
#define EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
#define AT_TYPE "urn:ietf:params:oauth:token-type:access_token"

struct fixture {
	struct sandbox *sb;
	char token[SRC_COUNT][160]; /* an access token per system */
	char session[64];           /* dvcqg's */
};

struct reply {
	int status;
	json_t *json; /* NULL when the body is not JSON */
	char *body;   /* NUL-terminated copy */
	size_t len;
	char type[96]; /* Content-Type, "" none */
};

static void
reply_release(struct reply *r)
{
	json_decref(r->json);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* One request through the router; arg_name/arg_value: one query argument. */
static struct reply
call(struct sandbox *sb, const char *method, const char *path, const char *arg_name,
     const char *arg_value, const char *type, const char *body, const char *bearer)
{
	struct sbx_header hdrs[2], arg = {(char *)arg_name, (char *)arg_value};
	struct sbx_response resp;
	struct reply r = {0};
	char auth[256];
	size_t nh = 0;

	if (type != NULL)
		hdrs[nh++] = (struct sbx_header){"Content-Type", (char *)type};
	if (bearer != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", bearer);
		hdrs[nh++] = (struct sbx_header){"Authorization", auth};
	}
	struct sbx_request req = {
		.method = method,
		.path = path,
		.body = body != NULL ? body : "",
		.body_len = body != NULL ? strlen(body) : 0,
		.headers = hdrs,
		.n_headers = nh,
		.args = arg_name != NULL ? &arg : NULL,
		.n_args = arg_name != NULL ? 1 : 0,
		.client_ip = "127.0.0.1",
		.loopback = true,
	};
	sbx_response_init(&resp);
	sandbox_handle(sb, &req, &resp);
	r.status = resp.status;
	r.len = resp.body_len;
	r.body = malloc(resp.body_len + 1);
	assert_non_null(r.body);
	if (resp.body_len > 0)
		memcpy(r.body, resp.body, resp.body_len);
	r.body[resp.body_len] = '\0';
	r.json = json_loadb(r.body, r.len, 0, NULL);
	snprintf(r.type, sizeof(r.type), "%s",
		 sbx_response_get_header(&resp, "Content-Type") != NULL
			 ? sbx_response_get_header(&resp, "Content-Type")
			 : "");
	sbx_response_release(&resp);
	return r;
}

static const char *
jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Sign in through the device grant, then one exchanged token per system. */
static void
sign_in(struct fixture *f)
{
	char form[512], device_code[128], access[160];
	struct reply r;

	r = call(f->sb, "POST", "/oidc/device_authorization", NULL, NULL, FORM,
		 "client_id=motcua&scope=openid%20offline_access", NULL);
	assert_int_equal(r.status, 200);
	snprintf(device_code, sizeof(device_code), "%s", jstr(r.json, "device_code"));
	assert_int_equal(idp_approve(f->sb->idp, jstr(r.json, "user_code"), sandbox_now(f->sb)), 0);
	reply_release(&r);
	snprintf(form, sizeof(form),
		 "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Adevice_code"
		 "&device_code=%s&client_id=motcua",
		 device_code);
	r = call(f->sb, "POST", "/oidc/token", NULL, NULL, FORM, form, NULL);
	assert_int_equal(r.status, 200);
	snprintf(access, sizeof(access), "%s", jstr(r.json, "access_token"));
	reply_release(&r);
	for (int src = 0; src < SRC_COUNT; src++) {
		snprintf(form, sizeof(form),
			 "grant_type=" EXCHANGE "&subject_token=%s&subject_token_type=" AT_TYPE
			 "&audience=%s",
			 access, catalog_source_name(src));
		r = call(f->sb, "POST", "/oidc/token", NULL, NULL, FORM, form, NULL);
		assert_int_equal(r.status, 200);
		snprintf(f->token[src], sizeof(f->token[src]), "%s", jstr(r.json, "access_token"));
		reply_release(&r);
	}
	snprintf(form, sizeof(form), "{\"token\":\"%s\"}", f->token[SRC_DVCQG]);
	r = call(f->sb, "POST", "/dvcqg/login", NULL, NULL, "application/json", form, NULL);
	assert_string_equal(jstr(r.json, "error_code"), "0");
	snprintf(f->session, sizeof(f->session), "%s", jstr(r.json, "session"));
	reply_release(&r);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	mc_time start;
	const char *err = NULL;
	char ferr[160];

	assert_non_null(f);
	assert_int_equal(civil_parse_datetime("2026-03-12 10:00", &start), 0);
	struct sandbox_config cfg = {.seed = 15, .n_dossiers = 4000, .start = start, .speed = 0};
	f->sb = sandbox_new(&cfg, &err);
	assert_non_null(f->sb);
	/* many requests in one real second: no rate limit, no maintenance */
	assert_int_equal(faults_apply(f->sb->faults, "congan:ratelimit=0;nnmt:maint=off,latency=0",
				      ferr, sizeof(ferr)),
			 0);
	sandbox_set_base_url(f->sb, BASE_URL);
	sign_in(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	sandbox_free(f->sb);
	free(f);
	return 0;
}

/* The detail of d as src answers it: the dossier object itself. */
static json_t *
detail(struct fixture *f, int src, const struct world_dossier *d)
{
	char path[160], body[512];
	struct reply r;
	json_t *out;

	switch (src) {
	case SRC_TUPHAP:
		snprintf(path, sizeof(path), "/tuphap/api/v1/dossiers/%s", d->code);
		r = call(f->sb, "GET", path, NULL, NULL, NULL, NULL, f->token[src]);
		out = json_incref(r.json);
		break;
	case SRC_CONGAN:
		snprintf(path, sizeof(path), "/congan/api/v2/records/%s", d->code);
		r = call(f->sb, "GET", path, NULL, NULL, NULL, NULL, f->token[src]);
		out = json_incref(r.json);
		break;
	case SRC_NNMT:
		snprintf(path, sizeof(path), "/nnmt/api/v2/dossiers/%s", d->code);
		r = call(f->sb, "GET", path, NULL, NULL, NULL, NULL, f->token[src]);
		out = json_incref(r.json);
		break;
	case SRC_TINH:
		r = call(f->sb, "GET", "/tinh/api/ChiTietHoSo", "so_ho_so", d->code, NULL, NULL,
			 f->token[src]);
		assert_string_equal(jstr(r.json, "ket_qua"), "thanh_cong");
		out = json_incref(json_object_get(r.json, "du_lieu"));
		break;
	default:
		snprintf(body, sizeof(body),
			 "{\"session\":\"%s\",\"madonvi\":\"H56\",\"service\":\"TraCuuHoSo\","
			 "\"data\":{\"MaHoSo\":\"%s\"}}",
			 f->session, d->code);
		r = call(f->sb, "POST", "/dvcqg/api", NULL, NULL, "application/json", body, NULL);
		assert_string_equal(jstr(r.json, "error_code"), "0");
		out = json_incref(json_object_get(r.json, "data"));
		break;
	}
	if (r.status != 200)
		print_message("%s %s: %d %s\n", catalog_source_name(src), d->code, r.status, r.body);
	assert_int_equal(r.status, 200);
	assert_non_null(out);
	reply_release(&r);
	return out;
}

/* A payment platform message for d, with its MaXacThuc. */
static struct reply
payment(struct fixture *f, const char *type, const struct world_dossier *d)
{
	const char *t = "20260312100000";
	char plain[256], mac[65], body[512];

	snprintf(plain, sizeof(plain), "%s|MOTCUA|%s|%s|%s", type, d->code, t,
		 SANDBOX_DEFAULT_SECRET);
	sandbox_sha256_hex(plain, strlen(plain), mac);
	snprintf(body, sizeof(body),
		 "{\"LoaiBanTin\":\"%s\",\"MaDoiTac\":\"MOTCUA\",\"MaHoSo\":\"%s\","
		 "\"ThoiGianGD\":\"%s\",\"MaXacThuc\":\"%s\"}",
		 type, d->code, t, mac);
	return call(f->sb, "POST", "/payment/api", NULL, NULL, "application/json", body, NULL);
}

/* The first dossier of src (src == SRC_DVCQG: held by dvcqg, received there)
 * in payment state `payment` with fees above 0 đ; NULL when none. */
static const struct world_dossier *
find(struct fixture *f, int src, int payment)
{
	for (uint32_t i = 0; i < world_count(f->sb->world); i++) {
		const struct world_dossier *d = world_get(f->sb->world, i);
		bool here = src == SRC_DVCQG ? d->coord_status >= STATUS_RECEIVED
					     : world_source_of(d) == src;

		if (here && d->payment == payment && world_fees_total(d) > 0)
			return d;
	}
	fail_msg("no dossier of %s in payment state %d", catalog_source_name(src), payment);
	return NULL;
}

/* What a dialect's receipt says, read back into one shape. */
struct seen {
	const char *number, *series, *issuer, *txn; /* txn NULL where not sent */
	json_int_t amount;
	mc_time issued_at;
};

static mc_time
instant(int src, json_t *v)
{
	mc_time t = 0;

	if (src == SRC_CONGAN) {
		assert_true(json_is_integer(v));
		assert_int_equal(json_integer_value(v) % 1000, 0);
		return (mc_time)(json_integer_value(v) / 1000);
	}
	const char *s = json_string_value(v);
	assert_non_null(s);
	if (src == SRC_TINH)
		assert_int_equal(dialect_parse_tinh_date(s, &t), 0);
	else if (src == SRC_DVCQG)
		assert_int_equal(dialect_parse_dvcqg_date(s, &t), 0);
	else
		assert_int_equal(civil_parse_datetime(s, &t), 0);
	return t;
}

/* The channel and the receipt (NULL: none) of a detail, per dialect. */
static json_t *
receipt_of(int src, json_t *dj, const char **channel)
{
	json_t *list = NULL, *pay;

	switch (src) {
	case SRC_TUPHAP:
		*channel = jstr(dj, "paymentChannel");
		list = json_object_get(dj, "receipts");
		break;
	case SRC_CONGAN:
		*channel = jstr(dj, "payment_channel");
		list = json_object_get(dj, "receipts");
		break;
	case SRC_NNMT:
		pay = json_object_get(dj, "payment");
		assert_non_null(jstr(pay, "state"));
		*channel = jstr(pay, "channel");
		assert_true(json_object_get(pay, "receipt") != NULL); /* null or an object */
		return json_is_object(json_object_get(pay, "receipt"))
			       ? json_object_get(pay, "receipt")
			       : NULL;
	case SRC_TINH:
		*channel = jstr(dj, "kenh_thanh_toan");
		list = json_object_get(dj, "bien_lai");
		break;
	default:
		*channel = jstr(dj, "KenhThanhToan");
		assert_non_null(*channel); /* "" when nothing is due */
		if ((*channel)[0] == '\0')
			*channel = NULL;
		list = json_object_get(dj, "DanhSachBienLai");
		break;
	}
	assert_true(json_is_array(list));
	assert_true(json_array_size(list) <= 1);
	return json_array_get(list, 0);
}

static struct seen
read_receipt(int src, json_t *r)
{
	static const char *const keys[SRC_COUNT][6] = {
		/* number, series, issuer, amount, issued, transaction */
		[SRC_DVCQG] = {"SoBienLai", "KyHieuBienLai", "DonViPhatHanh", "SoTien",
			       "NgayPhatHanh", "MaGiaoDich"},
		[SRC_TUPHAP] = {"number", "series", "issuer", "amount", "issuedAt",
				"transactionId"},
		[SRC_CONGAN] = {"receipt_no", "series", "issuer", "amount", "issued_at", NULL},
		[SRC_NNMT] = {"number", "series", "issuer", "amount_vnd", "issued_at", NULL},
		[SRC_TINH] = {"so_bien_lai", "ky_hieu", "don_vi_phat_hanh", "so_tien",
			      "ngay_phat_hanh", NULL},
	};
	const char *const *k = keys[src];
	struct seen s = {jstr(r, k[0]), jstr(r, k[1]), jstr(r, k[2]), NULL, 0, 0};
	json_t *amount = json_object_get(r, k[3]);

	if (src == SRC_DVCQG) { /* every scalar a string, as its Gia */
		assert_true(json_is_string(amount));
		s.amount = strtoll(json_string_value(amount), NULL, 10);
	} else {
		assert_true(json_is_integer(amount));
		s.amount = json_integer_value(amount);
	}
	s.issued_at = instant(src, json_object_get(r, k[4]));
	if (k[5] != NULL) {
		s.txn = jstr(r, k[5]);
		assert_non_null(s.txn);
	}
	assert_non_null(s.number);
	assert_non_null(s.series);
	assert_non_null(s.issuer);
	return s;
}

/* A paid dossier in each of the five systems: the detail's receipt is the
 * payment platform's, and GET_BILL's PDF names it. */
static void
paid_detail_carries_the_platforms_receipt(void **state)
{
	struct fixture *f = *state;
	static const int order[] = {SRC_TUPHAP, SRC_CONGAN, SRC_NNMT, SRC_TINH, SRC_DVCQG};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int src = order[i];
		const struct world_dossier *d = find(f, src, PAYMENT_PAID);
		json_t *dj = detail(f, src, d);
		const char *channel;
		json_t *rj = receipt_of(src, dj, &channel);
		struct reply q = payment(f, "QUERY", d);
		char amount[32];

		if (rj == NULL)
			print_message("%s %s: no receipt\n", catalog_source_name(src), d->code);
		assert_non_null(rj);
		struct seen s = read_receipt(src, rj);
		assert_string_equal(jstr(q.json, "MaLoi"), "00");
		assert_string_equal(jstr(q.json, "TrangThaiGD"), "1");
		/* the same receipt on both sides */
		assert_string_equal(s.number, jstr(q.json, "SoBienLai"));
		assert_string_equal(s.series, jstr(q.json, "KyHieuBienLai"));
		assert_string_equal(s.issuer, jstr(q.json, "DonViPhatHanh"));
		assert_string_equal(s.issuer, world_unit(d));
		assert_string_equal(channel, jstr(q.json, "KenhThanhToan"));
		snprintf(amount, sizeof(amount), "%lld", (long long)s.amount);
		assert_string_equal(amount, jstr(q.json, "SoTien"));
		assert_int_equal(s.amount, world_fees_total(d));
		if (s.txn != NULL)
			assert_string_equal(s.txn, jstr(q.json, "MaGiaoDich"));
		/* its shape: 7 digits; BL, the year paid, E-, two letters */
		assert_int_equal(strlen(s.number), 7);
		assert_int_equal(strspn(s.number, "0123456789"), 7);
		struct civil_time paid = civil_split(s.issued_at);
		char series_head[8];
		snprintf(series_head, sizeof(series_head), "BL%02dE-", paid.date.year % 100);
		assert_int_equal(strlen(s.series), 8);
		assert_memory_equal(s.series, series_head, 6);
		/* paid after reception, not after the dossier's last change or now */
		mc_time base = d->received_at != 0 ? d->received_at : d->submitted_at;
		assert_true(s.issued_at >= base);
		assert_true(s.issued_at <= d->updated_at || d->updated_at <= base);
		assert_true(s.issued_at <= sandbox_now(f->sb));
		reply_release(&q);

		/* GET_BILL's PDF names the same receipt */
		struct reply b = payment(f, "GET_BILL", d);
		assert_int_equal(b.status, 200);
		assert_memory_equal(b.body, "%PDF-", 5);
		assert_non_null(strstr(b.body, s.number));
		assert_non_null(strstr(b.body, s.series));
		assert_non_null(strstr(b.body, s.issuer));
		reply_release(&b);
		json_decref(dj);
	}
}

/* Each system words the same instant in its own date format. */
static void
one_receipt_instant_in_five_formats(void **state)
{
	struct fixture *f = *state;
	const struct world_dossier *d = NULL;

	/* a tinh dossier with a dvcqg copy: asked of both */
	for (uint32_t i = 0; d == NULL && i < world_count(f->sb->world); i++) {
		const struct world_dossier *c = world_get(f->sb->world, i);
		if (world_source_of(c) == SRC_TINH && c->coord_status != 0 &&
		    c->payment == PAYMENT_PAID && world_fees_total(c) > 0)
			d = c;
	}
	assert_non_null(d);
	const char *channel;
	json_t *tinh = detail(f, SRC_TINH, d), *dvcqg = detail(f, SRC_DVCQG, d);
	struct seen a = read_receipt(SRC_TINH, receipt_of(SRC_TINH, tinh, &channel));
	struct seen b = read_receipt(SRC_DVCQG, receipt_of(SRC_DVCQG, dvcqg, &channel));
	assert_int_equal(a.issued_at, b.issued_at);
	assert_string_equal(a.number, b.number);
	assert_string_equal(jstr(dvcqg, "TrangThaiThanhToan"), "1");
	json_decref(tinh);
	json_decref(dvcqg);
}

/* Pending: the channel the citizen chose, no receipt yet, and GET_BILL says
 * there is none. */
static void
pending_has_channel_no_receipt(void **state)
{
	struct fixture *f = *state;
	static const int order[] = {SRC_TUPHAP, SRC_CONGAN, SRC_NNMT, SRC_TINH, SRC_DVCQG};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int src = order[i];
		const struct world_dossier *d = find(f, src, PAYMENT_PENDING);
		json_t *dj = detail(f, src, d);
		const char *channel = NULL;

		assert_null(receipt_of(src, dj, &channel));
		assert_non_null(channel);
		assert_string_equal(channel, dialect_payment_channel(d));
		if (src == SRC_DVCQG)
			assert_string_equal(jstr(dj, "TrangThaiThanhToan"), "3");
		struct reply q = payment(f, "QUERY", d);
		assert_string_equal(jstr(q.json, "TrangThaiGD"), "3");
		assert_string_equal(jstr(q.json, "KenhThanhToan"), channel);
		assert_null(json_object_get(q.json, "SoBienLai"));
		reply_release(&q);
		q = payment(f, "GET_BILL", d);
		assert_string_equal(jstr(q.json, "MaLoi"), "14");
		reply_release(&q);
		json_decref(dj);
	}
}

/* Nothing due: no channel, no receipt; dvcqg says "0" and "". */
static void
nothing_due_has_neither(void **state)
{
	struct fixture *f = *state;
	const struct world_dossier *free_one = NULL, *free_dvcqg = NULL;

	for (uint32_t i = 0; i < world_count(f->sb->world); i++) {
		const struct world_dossier *d = world_get(f->sb->world, i);
		if (d->payment != PAYMENT_NONE || d->status < STATUS_RECEIVED)
			continue;
		if (free_one == NULL && world_source_of(d) == SRC_TUPHAP)
			free_one = d;
		if (free_dvcqg == NULL && d->coord_status >= STATUS_RECEIVED)
			free_dvcqg = d;
	}
	assert_non_null(free_one);
	assert_non_null(free_dvcqg);
	const char *channel = "x";
	json_t *dj = detail(f, SRC_TUPHAP, free_one);
	assert_null(receipt_of(SRC_TUPHAP, dj, &channel));
	assert_null(channel);
	assert_null(json_object_get(dj, "paymentChannel"));
	json_decref(dj);
	dj = detail(f, SRC_DVCQG, free_dvcqg);
	assert_null(receipt_of(SRC_DVCQG, dj, &channel));
	assert_string_equal(jstr(dj, "KenhThanhToan"), "");
	assert_string_equal(jstr(dj, "TrangThaiThanhToan"), "0");
	json_decref(dj);
}

/* Received at the desk now: paid there and then, so the receipt carries the
 * reception instant, not a time to come. */
static void
received_now_is_paid_at_reception(void **state)
{
	struct fixture *f = *state;
	uint32_t idx = UINT32_MAX;
	mc_time now = sandbox_now(f->sb);

	for (uint32_t i = 0; idx == UINT32_MAX && i < world_count(f->sb->world); i++) {
		const struct world_dossier *d = world_get(f->sb->world, i);
		if (world_source_of(d) == SRC_CONGAN && d->status == STATUS_NEW &&
		    world_fees_total(d) > 0)
			idx = i;
	}
	assert_int_not_equal(idx, UINT32_MAX);
	struct world_act rec = {.action = ACTION_RECEIVE, .via = SRC_CONGAN};
	assert_int_equal(world_act(f->sb->world, idx, &rec, now), WORLD_ACT_OK);
	const struct world_dossier *d = world_get(f->sb->world, idx);
	const char *channel;
	json_t *dj = detail(f, SRC_CONGAN, d);
	json_t *rj = receipt_of(SRC_CONGAN, dj, &channel);
	assert_non_null(rj);
	struct seen s = read_receipt(SRC_CONGAN, rj);
	assert_int_equal(s.issued_at, now);
	assert_int_equal(json_integer_value(json_object_get(dj, "received_at")),
			 json_integer_value(json_object_get(rj, "issued_at")));
	/* a later change does not move it */
	struct world_act fwd = {.action = ACTION_FORWARD, .via = SRC_CONGAN};
	assert_int_equal(world_act(f->sb->world, idx, &fwd, now + 3 * 3600), WORLD_ACT_OK);
	json_t *again = detail(f, SRC_CONGAN, world_get(f->sb->world, idx));
	struct seen t = read_receipt(SRC_CONGAN, receipt_of(SRC_CONGAN, again, &channel));
	assert_int_equal(t.issued_at, now);
	assert_string_equal(t.number, s.number);
	json_decref(again);
	json_decref(dj);
}

/* tinh's attachments carry the component code the procedure lists. */
static void
tinh_files_carry_component_codes(void **state)
{
	struct fixture *f = *state;
	const struct world_dossier *d = find(f, SRC_TINH, PAYMENT_PAID);
	const struct catalog_procedure *p = world_procedure(d);
	json_t *dj = detail(f, SRC_TINH, d), *files = json_object_get(dj, "tep_dinh_kem");

	assert_int_equal(json_array_size(files), p->n_parts);
	assert_true(p->n_parts > 0);
	for (size_t i = 0; i < p->n_parts; i++) {
		const char *code = jstr(json_array_get(files, i), "ma_thanh_phan");
		assert_non_null(code);
		assert_string_equal(code, p->parts[i].code);
	}
	json_decref(dj);
}

/* dvcqg's history of a received dossier: the steps it has heard of, in its
 * own shape, never after its copy's last change. */
static void
dvcqg_detail_has_history(void **state)
{
	struct fixture *f = *state;
	const struct world_dossier *d = find(f, SRC_DVCQG, PAYMENT_PAID);
	json_t *dj = detail(f, SRC_DVCQG, d), *hist = json_object_get(dj, "QuaTrinhXuLy");
	mc_time copied;

	assert_int_equal(dialect_parse_dvcqg_date(jstr(dj, "NgayCapNhat"), &copied), 0);
	assert_true(json_is_array(hist));
	assert_true(json_array_size(hist) >= 2); /* submitted, received */
	for (size_t i = 0; i < json_array_size(hist); i++) {
		json_t *h = json_array_get(hist, i);
		mc_time at;
		long status = strtol(jstr(h, "TrangThai"), NULL, 10);

		assert_int_equal(dialect_parse_dvcqg_date(jstr(h, "ThoiDiemXuLy"), &at), 0);
		assert_true(at <= copied);
		assert_true(status >= STATUS_MIN && status <= STATUS_MAX);
		assert_non_null(jstr(h, "NguoiXuLy"));
		assert_null(strchr(jstr(h, "NguoiXuLy"), '|'));
		assert_non_null(jstr(h, "PhongBanXuLy"));
		assert_non_null(jstr(h, "NoiDungXuLy"));
	}
	assert_string_equal(jstr(json_array_get(hist, 0), "TrangThai"), "1");
	assert_string_equal(jstr(json_array_get(hist, 1), "TrangThai"), "2");
	json_decref(dj);
}

/* Each system's words for its attachment list and a file's fields. */
static const struct {
	int src;
	const char *list, *id, *name, *component, *size, *url; /* url NULL: not served */
} file_keys[] = {
	{SRC_TUPHAP, "files", "id", "name", "componentCode", "size", "url"},
	{SRC_CONGAN, "attachments", "file_id", "file_name", "component_code", "size_bytes", "url"},
	{SRC_NNMT, "attachments", "id", "name", "component", "size", "href"},
	{SRC_TINH, "tep_dinh_kem", "ma_tep", "ten_tep", "ma_thanh_phan", "kich_thuoc",
	 "duong_dan"},
	{SRC_DVCQG, "TaiLieuNop", "TepDinhKemId", "TenTepDinhKem", "MaThanhPhanHoSo",
	 "KichThuoc", NULL},
};

/* The first dossier src holds (dvcqg: received there) with or without the
 * clerk's note. */
static const struct world_dossier *
find_note(struct fixture *f, int src, bool note)
{
	for (uint32_t i = 0; i < world_count(f->sb->world); i++) {
		const struct world_dossier *d = world_get(f->sb->world, i);
		bool here = src == SRC_DVCQG ? d->coord_status >= STATUS_RECEIVED
					     : world_source_of(d) == src;

		if (here && gen_has_note(f->sb->cfg.seed, d->gen) == note)
			return d;
	}
	fail_msg("no dossier of %s with note %d", catalog_source_name(src), note);
	return NULL;
}

#define NOTE_TITLE "Ghi chú của cán bộ tiếp nhận\n"

/* A file's size, a number or (dvcqg) a decimal string. */
static json_int_t
file_size(json_t *v)
{
	return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : json_integer_value(v);
}

/* The clerk's note: last in every system's list, in its own words, with a
 * component code; served as UTF-8 text, the announced size, byte for byte
 * what the control API's peek says; a dossier without one lists just the
 * procedure's components. */
static void
text_note_listed_and_served(void **state)
{
	struct fixture *f = *state;

	for (size_t k = 0; k < sizeof(file_keys) / sizeof(file_keys[0]); k++) {
		int src = file_keys[k].src;
		const struct world_dossier *d = find_note(f, src, true), *plain;
		const struct catalog_procedure *p = world_procedure(d);
		json_t *dj = detail(f, src, d), *files = json_object_get(dj, file_keys[k].list);
		json_t *note = json_array_get(files, json_array_size(files) - 1);
		json_int_t size = file_size(json_object_get(note, file_keys[k].size));
		char id[64], want[GEN_NOTE_MAX];
		size_t want_len = gen_note_text(f->sb->cfg.seed, d->gen, p, want, sizeof(want));

		print_message("%s %s\n", catalog_source_name(src), d->code);
		assert_int_equal(json_array_size(files), p->n_parts + 1);
		assert_string_equal(jstr(note, file_keys[k].name), GEN_NOTE_NAME "." GEN_NOTE_EXT);
		assert_string_equal(jstr(note, file_keys[k].component), GEN_NOTE_CODE);
		sandbox_part_id(d, p->n_parts, id, sizeof(id));
		assert_string_equal(jstr(note, file_keys[k].id), id);
		assert_int_equal(size, (json_int_t)want_len);
		assert_true(strncmp(want, NOTE_TITLE, strlen(NOTE_TITLE)) == 0);
		if (file_keys[k].url != NULL) {
			char path[256];
			const char *url = jstr(note, file_keys[k].url), *q;
			struct reply r;

			assert_non_null(url);
			snprintf(path, sizeof(path), "%s", url);
			q = strchr(url, '?');
			if (q != NULL) {
				/* tinh: TaiTep?ma_tep=ID */
				path[q - url] = '\0';
				assert_true(strncmp(q + 1, "ma_tep=", 7) == 0);
				r = call(f->sb, "GET", path, "ma_tep", q + 8, NULL, NULL,
					 f->token[src]);
			} else {
				r = call(f->sb, "GET", path, NULL, NULL, NULL, NULL, f->token[src]);
			}
			assert_int_equal(r.status, 200);
			assert_string_equal(r.type, "text/plain; charset=utf-8");
			assert_int_equal(r.len, want_len);
			assert_memory_equal(r.body, want, want_len);
			reply_release(&r);
		}
		json_decref(dj);

		plain = find_note(f, src, false);
		dj = detail(f, src, plain);
		assert_int_equal(json_array_size(json_object_get(dj, file_keys[k].list)),
				 world_procedure(plain)->n_parts);
		json_decref(dj);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paid_detail_carries_the_platforms_receipt),
		cmocka_unit_test(one_receipt_instant_in_five_formats),
		cmocka_unit_test(pending_has_channel_no_receipt),
		cmocka_unit_test(nothing_due_has_neither),
		cmocka_unit_test(received_now_is_paid_at_reception),
		cmocka_unit_test(tinh_files_carry_component_codes),
		cmocka_unit_test(dvcqg_detail_has_history),
		cmocka_unit_test(text_note_listed_and_served),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
