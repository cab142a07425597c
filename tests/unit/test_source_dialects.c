/*
 * test_source_dialects.c - each built-in dialect maps a recorded reply of the
 * sandbox (tests/fixtures/sources/, synthetic data) to the core model:
 * codes, canonical and raw statuses, dates in each backend's format, versions,
 * lists, watermarks; and hostile replies are refused one dossier at a time
 * (wrong types, missing fields, huge strings, invalid UTF-8, NUL bytes,
 * unknown statuses, impossible dates) while malformed or truncated bodies and
 * error envelopes fail the page with a reason naming the source.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/civil.h"
#include "core/xalloc.h"
#include "sources/source.h"

#define FIX "tests/fixtures/sources/"

static char *
slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, FIX "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct source *
make(const char *dialect)
{
	struct source_config cfg = {
		.name = dialect, .dialect = dialect, .base_url = "http://127.0.0.1:9/x/",
	};
	char *cause = NULL;
	struct source *src = source_new(&cfg, &cause);
	assert_non_null(src);
	assert_null(cause);
	return src;
}

static struct net_response
reply(long status, const char *body, size_t len)
{
	struct net_response r;
	memset(&r, 0, sizeof r);
	r.result = NET_OK;
	r.error = "";
	r.error_detail = "";
	r.status = status;
	r.body = body;
	r.body_len = len;
	return r;
}

static int
pull(struct source *src, const char *body, size_t len, const char *wm, struct source_page *page,
     char **cause)
{
	struct net_response r = reply(200, body, len);
	memset(page, 0, sizeof *page);
	*cause = NULL;
	return src->ops->pull_parse(src, &r, wm, page, cause);
}

static mc_time
at(const char *iso)
{
	mc_time t;
	assert_int_equal(civil_parse_datetime(iso, &t), 0);
	return t;
}

/* Serialise a fixture after `edit` changed it. */
static char *
edited(const char *name, void (*edit)(json_t *root))
{
	size_t len;
	char *text = slurp(name, &len);
	json_t *root = json_loadb(text, len, 0, NULL);
	char *out;

	assert_non_null(root);
	edit(root);
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	free(text);
	return out;
}

/* ---- tuphap ------------------------------------------------------------------ */

static void
tuphap_page(void **state)
{
	struct source *src = make("tuphap");
	struct source_page page;
	char *cause;
	size_t len;
	char *body = slurp("tuphap_changes.json", &len);

	(void)state;
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 3);
	assert_int_equal(page.n_rejected, 0);
	assert_string_equal(page.items[0].code, "H56.31-251224-00001");
	assert_string_equal(page.items[0].source, "tuphap");
	assert_int_equal(page.items[0].status, 10);
	assert_string_equal(page.items[0].raw_status, "done");
	assert_int_equal(page.items[1].status, 8); /* "unresolved" */
	assert_string_equal(page.items[1].raw_status, "unresolved");
	assert_int_equal(page.items[0].received_at, at("2025-12-24T07:47:21+07:00"));
	assert_int_equal(page.items[0].source_due_at, at("2025-12-24T17:00:00+07:00"));
	assert_string_equal(page.items[0].version, "1");
	assert_string_equal(page.items[0].procedure_code, "1.001193.000.00.00.H56");
	assert_string_equal(page.items[0].area, "xã Đạ Chais");
	assert_int_equal(page.items[0].n_attachments, 3);
	assert_int_equal(page.items[0].attachments[2].size, 1012218);
	assert_int_equal(page.items[0].channel, CHANNEL_IN_PERSON);
	assert_string_equal(page.next_watermark, "ce");
	assert_true(page.more);
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
tuphap_detail_and_304(void **state)
{
	struct source *src = make("tuphap");
	struct dossier d;
	char *cause = NULL;
	size_t len;
	char *body = slurp("tuphap_detail.json", &len);
	struct net_response r = reply(200, body, len);

	(void)state;
	assert_int_equal(src->ops->detail_parse(src, &r, &d, &cause), SOURCE_PARSE_OK);
	assert_int_equal(d.n_history, 4);
	assert_int_equal(d.history[3].status, 10);
	assert_string_equal(d.history[1].actor, "Trần Quốc Đạt");
	dossier_release(&d);
	r = reply(304, "", 0);
	assert_int_equal(src->ops->detail_parse(src, &r, &d, &cause), SOURCE_PARSE_NOT_MODIFIED);
	r = reply(404, "{\"type\":\"dossier-not-found\"}", 28);
	assert_int_equal(src->ops->detail_parse(src, &r, &d, &cause), SOURCE_PARSE_NOT_FOUND);
	free(body);
	source_free(src);
}

static void
hostile_tuphap_edit(json_t *root)
{
	json_t *items = json_object_get(root, "items");
	json_t *a = json_array_get(items, 0), *b = json_array_get(items, 1);
	char big[5000];

	/* item 0: a number where a string belongs; item 1: a name of 5000 bytes */
	json_object_set_new(a, "procedureName", json_integer(7));
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	json_object_set_new(json_object_get(b, "applicant"), "fullName", json_string(big));
}

static void
tuphap_hostile_items(void **state)
{
	struct source *src = make("tuphap");
	struct source_page page;
	char *cause;
	char *body = edited("tuphap_changes.json", hostile_tuphap_edit);

	(void)state;
	assert_int_equal(pull(src, body, strlen(body), NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 1);  /* the third one survives */
	assert_string_equal(page.items[0].code, "H56.08-260108-00001");
	assert_int_equal(page.n_rejected, 2);
	assert_string_equal(page.rejected[0],
			    "H56.31-251224-00001: field 'procedureName': not a string");
	assert_string_equal(page.rejected[1], "H56.22-251224-00001: field 'fullName': too long");
	/* the watermark still moves: one bad dossier never stalls the feed */
	assert_string_equal(page.next_watermark, "ce");
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
tuphap_invalid_utf8_and_nul(void **state)
{
	struct source *src = make("tuphap");
	struct source_page page;
	char *cause;
	size_t len;
	char *body = slurp("tuphap_changes.json", &len);
	char *p;

	(void)state;
	/* a raw invalid byte inside the first applicant's name */
	p = strstr(body, "Trần Diệu Chi");
	assert_non_null(p);
	p[1] = (char)0xff;
	/* a \u0000 escape in the second one's summary */
	p = strstr(body, "Đăng ký kết hôn của");
	assert_non_null(p);
	memcpy(p, "\\u0000", 6);
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 1);
	assert_int_equal(page.n_rejected, 2);
	assert_non_null(strstr(page.rejected[0], "invalid UTF-8"));
	assert_non_null(strstr(page.rejected[1], "NUL"));
	/* no value of a field appears in a reason */
	assert_null(strstr(page.rejected[0], "Tr"));
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
tuphap_malformed_and_truncated(void **state)
{
	struct source *src = make("tuphap");
	struct source_page page;
	char *cause;
	size_t len;
	char *body = slurp("tuphap_changes.json", &len);

	(void)state;
	/* cut in the middle: malformed, the whole page fails with the source named */
	assert_int_equal(pull(src, body, len / 2, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_non_null(cause);
	assert_int_equal(strncmp(cause, "tuphap: malformed JSON", 22), 0);
	free(cause);
	source_page_release(&page);
	/* a JSON reply of the wrong shape */
	assert_int_equal(pull(src, "{\"items\":{}}", 12, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	free(cause);
	source_page_release(&page);
	/* an empty body */
	assert_int_equal(pull(src, "", 0, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	free(cause);
	source_page_release(&page);
	/* a cursor with a '|' or spaces is refused (it goes back into a URL) */
	assert_int_equal(pull(src, "{\"items\":[],\"nextCursor\":\"a b\",\"hasMore\":false}", 46,
			      NULL, &page, &cause),
			 SOURCE_PARSE_ERROR);
	free(cause);
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
tuphap_http_errors(void **state)
{
	struct source *src = make("tuphap");
	struct source_page page = {0};
	char *cause = NULL;
	struct net_response r = reply(401, "{}", 2);

	(void)state;
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_AUTH);
	free(cause);
	cause = NULL;
	r = reply(503, "<html>", 6);
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_non_null(strstr(cause, "503"));
	free(cause);
	cause = NULL;
	r = reply(200, "", 0);
	r.result = NET_ERR_TRUNCATED;
	r.error = "body truncated";
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_string_equal(cause, "tuphap: body truncated");
	free(cause);
	source_page_release(&page);
	source_free(src);
}

/* ---- congan ------------------------------------------------------------------ */

static void
congan_page_and_watermark(void **state)
{
	struct source *src = make("congan");
	struct source_page page;
	char *cause;
	size_t len;
	char *body = slurp("congan_records.json", &len);

	(void)state;
	assert_int_equal(pull(src, body, len, "0|0|0", &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 3);
	assert_string_equal(page.items[0].raw_status, "400");
	assert_int_equal(page.items[0].status, 10);
	assert_int_equal(page.items[2].status, 3); /* 190 */
	assert_int_equal(page.items[0].received_at, 1767920500);
	assert_int_equal(page.items[0].updated_at, 1768356979);
	assert_string_equal(page.items[0].version, "1");
	assert_int_equal(page.items[0].payment, PAYMENT_PAID);
	assert_int_equal(page.items[0].fees[0].amount, 15000);
	/* has_more: same since, next offset overlapping one row, max seen kept */
	assert_true(page.more);
	assert_string_equal(page.next_watermark, "0|2|1770257613000");
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
congan_last_page_moves_since(void **state)
{
	struct source *src = make("congan");
	struct source_page page;
	char *cause;
	const char *body = "{\"data\":[],\"paging\":{\"offset\":4,\"limit\":50,\"total\":4,"
			   "\"has_more\":false},\"server_time\":1}";

	(void)state;
	assert_int_equal(pull(src, body, strlen(body), "0|4|1770257613000", &page, &cause),
			 SOURCE_PARSE_OK);
	assert_false(page.more);
	assert_string_equal(page.next_watermark, "1770257613000|0|1770257613000");
	source_page_release(&page);
	source_free(src);
}

static void
congan_hostile_edit(json_t *root)
{
	json_t *data = json_object_get(root, "data");
	json_object_set_new(json_array_get(data, 0), "status_code", json_string("400"));
	json_object_set_new(json_array_get(data, 1), "status_code", json_integer(999));
	json_object_del(json_array_get(data, 2), "record_no");
}

static void
congan_hostile(void **state)
{
	struct source *src = make("congan");
	struct source_page page;
	char *cause;
	char *body = edited("congan_records.json", congan_hostile_edit);

	(void)state;
	assert_int_equal(pull(src, body, strlen(body), NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 0);
	assert_int_equal(page.n_rejected, 3);
	assert_string_equal(page.rejected[0], "H56.22-260109-00001: field 'status_code': not an integer");
	assert_string_equal(page.rejected[1], "H56.14-260112-00001: field 'status_code': unknown status");
	assert_string_equal(page.rejected[2], "item #3: field 'record_no': missing");
	source_page_release(&page);
	free(body);
	source_free(src);
}

/* ---- nnmt -------------------------------------------------------------------- */

static void
nnmt_page(void **state)
{
	struct source *src = make("nnmt");
	struct source_page page;
	char *cause;
	size_t len;
	char *body = slurp("nnmt_list.json", &len);

	(void)state;
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 3);
	assert_string_equal(page.items[0].raw_status, "DELIVERED");
	assert_int_equal(page.items[0].status, 10);
	assert_int_equal(page.items[2].status, 7);
	/* payment.state; none said with fees owed: unknown, never "nothing due" */
	assert_int_equal(page.items[0].payment, PAYMENT_PAID);
	assert_int_equal(page.items[1].payment, PAYMENT_UNKNOWN);
	assert_int_equal(page.items[2].payment, PAYMENT_NONE);
	/* UTC with Z: 08:29:55Z is 15:29:55 in Vietnam */
	assert_int_equal(page.items[0].received_at, at("2025-12-15T15:29:55+07:00"));
	assert_string_equal(page.items[0].attachments[1].url,
			    "/nnmt/api/v2/dossiers/H56.31-251215-00001/attachments/"
			    "H56.31-251215-00001-2");
	assert_true(page.more); /* page 1 of 3 */
	{
		char buf[32];
		snprintf(buf, sizeof buf, "0|2|%lld",
			 (long long)at("2026-02-25T09:36:34+07:00"));
		assert_string_equal(page.next_watermark, buf);
	}
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
nnmt_maintenance(void **state)
{
	struct source *src = make("nnmt");
	struct source_page page = {0};
	char *cause = NULL;
	struct net_header h = {"Retry-After", "1800"};
	struct net_response r = reply(503, "<html>maintenance</html>", 24);

	(void)state;
	r.headers = &h;
	r.n_headers = 1;
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_non_null(strstr(cause, "retry after 1800"));
	free(cause);
	source_free(src);
}

/* ---- tinh -------------------------------------------------------------------- */

static void
tinh_page(void **state)
{
	struct source *src = make("tinh");
	struct source_page page;
	char *cause;
	size_t len;
	char *body = slurp("tinh_list.json", &len);

	(void)state;
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 3);
	assert_string_equal(page.items[0].raw_status, "Đã trả kết quả");
	assert_int_equal(page.items[0].status, 10);
	assert_int_equal(page.items[1].status, 4);
	assert_int_equal(page.items[0].received_at, at("2025-12-26 15:15:51"));
	assert_int_equal(page.items[0].channel, CHANNEL_ONLINE);
	assert_null(page.items[0].version);
	assert_true(page.more);
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
tinh_error_envelope_and_dates(void **state)
{
	struct source *src = make("tinh");
	struct source_page page;
	char *cause;
	const char *err = "{\"ket_qua\":\"loi\",\"ma_loi\":\"THAM_SO_KHONG_HOP_LE\","
			  "\"thong_bao\":\"x\"}";
	size_t len;
	char *body = slurp("tinh_list.json", &len);
	char *p;

	(void)state;
	assert_int_equal(pull(src, err, strlen(err), NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_string_equal(cause, "tinh: error THAM_SO_KHONG_HOP_LE");
	free(cause);
	source_page_release(&page);
	/* 31/02 does not exist: that dossier alone is refused */
	p = strstr(body, "26/12/2025 15:15:51");
	assert_non_null(p);
	memcpy(p, "31/02", 5);
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 2);
	assert_string_equal(page.rejected[0],
			    "H56.14-251224-00001: field 'ngay_tiep_nhan': not a valid date");
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
tinh_action_answers(void **state)
{
	struct source *src = make("tinh");
	struct source_action act = {.code = "H56.08-251212-00001", .action = ACTION_FORWARD,
				    .idempotency_key = "k1"};
	struct source_result res;
	const char *ok = "{\"ket_qua\":\"thanh_cong\",\"thong_bao\":\"Cập nhật thành công\","
			 "\"trang_thai\":\"Đang xử lý\",\"ngay_cap_nhat\":\"12/03/2026 09:30:01\"}";
	const char *no = "{\"ket_qua\":\"loi\",\"ma_loi\":\"TRANG_THAI_KHONG_HOP_LE\","
			 "\"trang_thai\":\"Đã trả kết quả\"}";
	struct net_response r = reply(200, ok, strlen(ok));

	(void)state;
	source_result_init(&res);
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_APPLIED);
	assert_int_equal(res.current_status, 4);
	source_result_release(&res);
	source_result_init(&res);
	r = reply(200, no, strlen(no));
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_REJECTED);
	assert_int_equal(res.current_status, 10);
	source_result_release(&res);
	/* an HTML page from a proxy: we cannot know whether it was applied */
	source_result_init(&res);
	r = reply(200, "<html>", 6);
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_UNKNOWN);
	source_result_release(&res);
	/* a timeout after sending: unknown too; refused connection: retry */
	source_result_init(&res);
	r.result = NET_ERR_TIMEOUT;
	r.error = "timed out";
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_UNKNOWN);
	source_result_release(&res);
	source_result_init(&res);
	r.result = NET_ERR_REFUSED;
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_RETRY);
	source_result_release(&res);
	source_free(src);
}

static void
tuphap_action_answers(void **state)
{
	struct source *src = make("tuphap");
	struct source_action act = {.code = "H56.14-260310-00026", .action = ACTION_RECEIVE,
				    .idempotency_key = "k2", .base_version = "1"};
	struct source_result res;
	size_t len;
	char *dossier = slurp("tuphap_detail.json", &len);
	struct net_header etag = {"ETag", "\"2\""};
	struct net_response r = reply(200, dossier, len);
	char conflict[4096];

	(void)state;
	r.headers = &etag;
	r.n_headers = 1;
	source_result_init(&res);
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_APPLIED);
	assert_true(res.has_current);
	assert_string_equal(res.current.version, "2");
	source_result_release(&res);
	snprintf(conflict, sizeof conflict,
		 "{\"type\":\"version-mismatch\",\"status\":412,\"current\":%s}", dossier);
	r = reply(412, conflict, strlen(conflict));
	source_result_init(&res);
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_CONFLICT);
	assert_true(res.has_current);
	assert_int_equal(res.current_status, 10);
	source_result_release(&res);
	r = reply(409, "{\"type\":\"action-not-allowed\",\"currentStatus\":\"done\"}", 52);
	source_result_init(&res);
	src->ops->action_parse(src, &r, &act, &res);
	assert_int_equal(res.outcome, SOURCE_REJECTED);
	assert_int_equal(res.current_status, 10);
	assert_non_null(strstr(res.message, "action-not-allowed"));
	source_result_release(&res);
	{
		struct net_header ra = {"Retry-After", "7"};
		r = reply(429, "{}", 2);
		r.headers = &ra;
		r.n_headers = 1;
		source_result_init(&res);
		src->ops->action_parse(src, &r, &act, &res);
		assert_int_equal(res.outcome, SOURCE_RETRY);
		assert_int_equal(res.retry_after_s, 7);
		source_result_release(&res);
	}
	free(dossier);
	source_free(src);
}

/* ---- dvcqg ------------------------------------------------------------------- */

static void
dvcqg_login_and_page(void **state)
{
	struct source *src = make("dvcqg");
	struct source_page page;
	char *cause = NULL;
	size_t len;
	char *body = slurp("dvcqg_login.json", &len);
	struct net_response r = reply(200, body, len);

	(void)state;
	assert_int_equal(src->ops->login_parse(src, &r, &cause), SOURCE_PARSE_OK);
	assert_non_null(src->session);
	free(body);
	body = slurp("dvcqg_list.json", &len);
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 3);
	assert_string_equal(page.items[0].source, "dvcqg");
	assert_int_equal(page.items[0].status, 8);
	assert_int_equal(page.items[0].coord_status, 8);
	assert_string_equal(page.items[0].raw_status, "8");
	assert_int_equal(page.items[0].received_at, at("2025-12-25 15:47:46"));
	assert_string_equal(page.items[0].applicant_id, "038207995133");
	assert_true(page.more); /* page 1 of 4 */
	source_page_release(&page);
	free(body);
	/* error_code 1: the session died; renew */
	r = reply(200, "{\"error_code\":\"1\",\"message\":\"x\"}", 32);
	memset(&page, 0, sizeof page);
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_AUTH);
	free(cause);
	source_free(src);
}

static void
dvcqg_detail_lists(void **state)
{
	struct source *src = make("dvcqg");
	struct dossier d;
	char *cause = NULL;
	size_t len;
	char *body = slurp("dvcqg_detail.json", &len);
	struct net_response r = reply(200, body, len);

	(void)state;
	assert_int_equal(src->ops->detail_parse(src, &r, &d, &cause), SOURCE_PARSE_OK);
	assert_int_equal(d.n_attachments, 2);
	assert_int_equal(d.attachments[0].size, 284554);
	dossier_release(&d);
	r = reply(200, "{\"error_code\":\"3\",\"message\":\"x\"}", 32);
	assert_int_equal(src->ops->detail_parse(src, &r, &d, &cause), SOURCE_PARSE_NOT_FOUND);
	free(cause);
	free(body);
	source_free(src);
}

/* ---- positions a hostile server cannot poison (issue: far-future dates) ------ */

static void
tinh_future_update_keeps_position(void **state)
{
	struct source *src = make("tinh");
	struct source_page page;
	char *cause, *p, want[64];
	size_t len;
	char *body = slurp("tinh_list.json", &len);
	mc_time newest_real = at("2026-02-28T02:54:54+07:00");

	(void)state;
	p = strstr(body, "03/03/2026 09:28:49");
	assert_non_null(p);
	memcpy(p, "31/12/2199 23:59:59", 19);
	/* without a ceiling the year 2199 would become the position */
	source_set_ceiling(src, at("2026-03-12T09:00:00+07:00"));
	assert_int_equal(pull(src, body, len, NULL, &page, &cause), SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 3); /* kept */
	assert_int_equal(page.n_rejected, 0);
	assert_int_equal(page.n_suspect, 1);
	assert_non_null(strstr(page.suspect[0], "field 'ngay_cap_nhat'"));
	assert_non_null(strstr(page.suspect[0], "2199-12-31"));
	/* MAXSEEN, the position the next round starts from, is the real newest */
	snprintf(want, sizeof want, "|%lld", (long long)newest_real);
	assert_non_null(page.next_watermark);
	assert_string_equal(strrchr(page.next_watermark, '|'), want);
	source_page_release(&page);
	free(body);
	source_free(src);
}

static void
poisoned_position_starts_over(void **state)
{
	static const char *const dialects[] = {"tinh", "dvcqg", "nnmt", "congan"};
	const char *body = "{}";
	struct net *net = net_new(NULL);

	(void)state;
	assert_non_null(net);
	for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
		struct source *src = make(dialects[i]);
		struct source_page page;
		char *cause;
		/* a position stored before this release, by a server dated 2199 */
		const char *wm = strcmp(dialects[i], "congan") == 0
					 ? "7258118399000|0|7258118399000"
					 : "7258118399|3|7258118399";
		struct net_request *req;

		source_set_ceiling(src, at("2026-03-12T09:00:00+07:00"));
		req = src->ops->pull_request(src, net, wm);
		assert_non_null(req);
		net_request_free(req);
		/* an empty last page: the next round does not keep the poison */
		memset(&page, 0, sizeof page);
		(void)pull(src, body, strlen(body), wm, &page, &cause);
		if (page.next_watermark != NULL)
			assert_null(strstr(page.next_watermark, "7258118399"));
		free(cause);
		source_page_release(&page);
		/* any saved position, even absurd, builds a request (no overflow) */
		source_set_ceiling(src, 0);
		req = src->ops->pull_request(src, net, "9223372036854775807|9223372036854775807|"
							"9223372036854775807");
		if (req != NULL)
			net_request_free(req);
		req = src->ops->pull_request(src, net, "-9223372036854775807|1|0");
		if (req != NULL)
			net_request_free(req);
		source_free(src);
	}
	net_free(net);
}

/* ---- common ------------------------------------------------------------------ */

static void
resolve_urls(void **state)
{
	struct source *src = make("tuphap");
	char *u;

	(void)state;
	u = source_resolve_url(src, "/tuphap/api/v1/files/1");
	assert_string_equal(u, "http://127.0.0.1:9/tuphap/api/v1/files/1");
	free(u);
	u = source_resolve_url(src, "files/1");
	assert_string_equal(u, "http://127.0.0.1:9/x/files/1");
	free(u);
	u = source_resolve_url(src, "http://127.0.0.1:9/y");
	assert_string_equal(u, "http://127.0.0.1:9/y");
	free(u);
	/* never follow a server elsewhere with our token */
	assert_null(source_resolve_url(src, "http://evil.example/y"));
	assert_null(source_resolve_url(src, "//evil.example/y"));
	assert_null(source_resolve_url(src, "ftp://127.0.0.1:9/y"));
	assert_null(source_resolve_url(src, "/a b"));
	source_free(src);
}

static void
unknown_dialect(void **state)
{
	struct source_config cfg = {.name = "x", .dialect = "soap", .base_url = "http://h"};
	char *cause = NULL;

	(void)state;
	assert_null(source_new(&cfg, &cause));
	assert_string_equal(cause, "x: unknown dialect 'soap'");
	free(cause);
	cfg.dialect = "tinh";
	cfg.base_url = "file:///etc";
	assert_null(source_new(&cfg, &cause));
	assert_non_null(strstr(cause, "base URL"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tuphap_page),
		cmocka_unit_test(tuphap_detail_and_304),
		cmocka_unit_test(tuphap_hostile_items),
		cmocka_unit_test(tuphap_invalid_utf8_and_nul),
		cmocka_unit_test(tuphap_malformed_and_truncated),
		cmocka_unit_test(tuphap_http_errors),
		cmocka_unit_test(tuphap_action_answers),
		cmocka_unit_test(congan_page_and_watermark),
		cmocka_unit_test(congan_last_page_moves_since),
		cmocka_unit_test(congan_hostile),
		cmocka_unit_test(nnmt_page),
		cmocka_unit_test(nnmt_maintenance),
		cmocka_unit_test(tinh_page),
		cmocka_unit_test(tinh_error_envelope_and_dates),
		cmocka_unit_test(tinh_action_answers),
		cmocka_unit_test(dvcqg_login_and_page),
		cmocka_unit_test(dvcqg_detail_lists),
		cmocka_unit_test(tinh_future_update_keeps_position),
		cmocka_unit_test(poisoned_position_starts_over),
		cmocka_unit_test(resolve_urls),
		cmocka_unit_test(unknown_dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
