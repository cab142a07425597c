/*
 * Unit tests for what the sandbox puts on the wire: each dialect's status
 * table both ways, the date formats and their parsers, Range and gzip
 * helpers, form decoding, the fault spec parser and its deterministic
 * decisions, the ledger's exactly-once counters, upload offsets and the
 * string map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sandbox/dialect.h"
#include "sandbox/fault.h"
#include "sandbox/ledger.h"
#include "sandbox/smap.h"
#include "sandbox/upload.h"

static void
test_status_tables(void **state)
{
	(void)state;
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++) {
		assert_int_equal(dialect_tuphap_status_parse(dialect_tuphap_status(s, 0)), s);
		assert_int_equal(dialect_tuphap_status_parse(dialect_tuphap_status(s, 3)), s);
		assert_int_equal(dialect_congan_status_parse(dialect_congan_status(s)), s);
		assert_int_equal(dialect_nnmt_status_parse(dialect_nnmt_status(s)), s);
		assert_int_equal(dialect_tinh_status_parse(dialect_tinh_status(s)), s);
	}
	assert_string_equal(dialect_tuphap_status(4, 0), "processing");
	assert_string_equal(dialect_tuphap_status(4, 3), "interoperating");
	assert_string_equal(dialect_tuphap_status(9, 0), "releasing");
	assert_int_equal(dialect_tuphap_status_parse("pausing"), STATUS_STOPPED);
	assert_int_equal(dialect_tuphap_status_parse("correcting"), STATUS_SUPPLEMENT);
	assert_int_equal(dialect_tuphap_status_parse("Processing"), -1);
	assert_int_equal(dialect_congan_status(1), 100);
	assert_int_equal(dialect_congan_status(10), 400);
	assert_int_equal(dialect_congan_status_parse(150), -1);
	assert_string_equal(dialect_nnmt_status(5), "NEED_SUPPLEMENT");
	assert_string_equal(dialect_tinh_status(5), "Chờ bổ sung");
	assert_string_equal(dialect_tinh_status(9), "Đã có kết quả");
	assert_null(dialect_tinh_status(0));
	assert_int_equal(dialect_tinh_status_parse("Cho bo sung"), -1); /* diacritics matter */
}

static void
test_dates(void **state)
{
	(void)state;
	mc_time t;
	assert_int_equal(civil_parse_datetime("2026-03-12 09:30:05", &t), 0);
	char buf[40];
	assert_string_equal(dialect_date_dvcqg(t, buf, sizeof(buf)), "20260312093005");
	assert_string_equal(dialect_date_tinh(t, buf, sizeof(buf)), "12/03/2026 09:30:05");
	assert_string_equal(dialect_date_utc(t, buf, sizeof(buf)), "2026-03-12T02:30:05Z");
	assert_string_equal(dialect_date_tinh(0, buf, sizeof(buf)), "");
	/* 06:00 in Vietnam is the previous day in UTC. */
	mc_time early;
	assert_int_equal(civil_parse_datetime("2026-03-01 06:00", &early), 0);
	assert_string_equal(dialect_date_utc(early, buf, sizeof(buf)), "2026-02-28T23:00:00Z");
	mc_time back;
	assert_int_equal(dialect_parse_dvcqg_date("20260312093005", &back), 0);
	assert_int_equal(back, t);
	assert_int_equal(dialect_parse_tinh_date("12/03/2026 09:30:05", &back), 0);
	assert_int_equal(back, t);
	assert_int_equal(dialect_parse_tinh_date("12/03/2026", &back), 0);
	assert_int_equal(back, t - (9 * 3600 + 30 * 60 + 5));
	assert_int_equal(dialect_parse_dvcqg_date("20260230093005", &back), -1);
	assert_int_equal(dialect_parse_dvcqg_date("2026031209300", &back), -1);
	assert_int_equal(dialect_parse_tinh_date("2026-03-12 09:30:05", &back), -1);
	assert_int_equal(dialect_parse_tinh_date("12/03/2026 24:00:00", &back), -1);
}

static void
test_range(void **state)
{
	(void)state;
	uint64_t a, b;
	assert_int_equal(sbx_parse_range("bytes=0-99", 1000, &a, &b), 1);
	assert_true(a == 0 && b == 99);
	assert_int_equal(sbx_parse_range("bytes=900-", 1000, &a, &b), 1);
	assert_true(a == 900 && b == 999);
	assert_int_equal(sbx_parse_range("bytes=-100", 1000, &a, &b), 1);
	assert_true(a == 900 && b == 999);
	assert_int_equal(sbx_parse_range("bytes=500-5000", 1000, &a, &b), 1);
	assert_true(b == 999);
	assert_int_equal(sbx_parse_range("bytes=1000-", 1000, &a, &b), -1);
	assert_int_equal(sbx_parse_range("bytes=0-1,5-9", 1000, &a, &b), 0);
	assert_int_equal(sbx_parse_range("items=0-1", 1000, &a, &b), 0);
	assert_int_equal(sbx_parse_range("bytes=9-1", 1000, &a, &b), 0);
	assert_int_equal(sbx_parse_range(NULL, 1000, &a, &b), 0);
}

static void
test_gzip(void **state)
{
	(void)state;
	assert_true(sbx_accepts_gzip("gzip, deflate, br"));
	assert_true(sbx_accepts_gzip("deflate, gzip;q=0.5"));
	assert_false(sbx_accepts_gzip("gzip;q=0"));
	assert_false(sbx_accepts_gzip("identity"));
	assert_false(sbx_accepts_gzip("x-gzipped"));
	assert_false(sbx_accepts_gzip(NULL));
	const char *text = "{\"data\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}";
	char *gz;
	size_t gz_len;
	assert_int_equal(sbx_gzip(text, strlen(text), &gz, &gz_len), 0);
	assert_memory_equal(gz, "\x1f\x8b", 2);
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	char out[256];
	z.next_in = (Bytef *)gz;
	z.avail_in = (uInt)gz_len;
	z.next_out = (Bytef *)out;
	z.avail_out = sizeof(out);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, strlen(text));
	assert_memory_equal(out, text, strlen(text));
	inflateEnd(&z);
	free(gz);
}

static void
test_form(void **state)
{
	(void)state;
	const char *body = "so_ho_so=H56.14-260312-00042&ly_do=Thi%E1%BA%BFu+gi%E1%BA%A5y&x&on=1";
	struct sbx_request req = {.method = "POST", .path = "/", .body = body,
				  .body_len = strlen(body)};
	char *v = sbx_form_value(&req, "ly_do");
	assert_string_equal(v, "Thiếu giấy");
	free(v);
	v = sbx_form_value(&req, "x");
	assert_string_equal(v, "");
	free(v);
	assert_null(sbx_form_value(&req, "so_ho"));
	struct sbx_header h = {"Content-Type", "application/json"};
	req.headers = &h;
	req.n_headers = 1;
	assert_null(sbx_form_value(&req, "on"));
}

static void
test_fault_spec(void **state)
{
	(void)state;
	struct faults *f = faults_new(1);
	char err[160];
	assert_int_equal(faults_apply(f, "tuphap:latency=200,error=0.1;congan:drop=0.05,cut=0.02;"
					 "nnmt:bandwidth=32000;tinh:malformed=0.01", err, sizeof(err)),
			 0);
	assert_int_equal(faults_apply(f, "*:flap=600/90;nnmt:maint=off,latency=1-5", err,
				      sizeof(err)),
			 0);
	assert_int_equal(faults_apply(f, "tuphap:error=1.5", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "error"));
	assert_int_equal(faults_apply(f, "mars:latency=1", err, sizeof(err)), -1);
	assert_int_equal(faults_apply(f, "tuphap latency=1", err, sizeof(err)), -1);
	assert_int_equal(faults_apply(f, "tuphap:maint=25:00-26:00", err, sizeof(err)), -1);
	assert_int_equal(faults_apply(f, "tuphap:flap=10/20", err, sizeof(err)), -1);
	assert_int_equal(faults_apply(f, "tuphap:offline=maybe", err, sizeof(err)), -1);
	faults_free(f);
}

/* The signing services are targets of their own; "*" (the five systems)
 * leaves them, and the payment gateway and the IdP, alone. */
static void
test_fault_signing_targets(void **state)
{
	(void)state;
	struct faults *f = faults_new(1);
	struct sbx_response r;
	char err[160];

	assert_int_equal(faults_target_from_name("csc"), FAULT_CSC);
	assert_int_equal(faults_target_from_name("tsa"), FAULT_TSA);
	assert_string_equal(faults_target_name(FAULT_TSA), "tsa");
	assert_int_equal(faults_apply(f, "*:error=1", err, sizeof(err)), 0);
	sbx_response_init(&r);
	assert_true(faults_before(f, SRC_TINH, 1773282600, 0, &r));
	sbx_response_release(&r);
	for (int t = FAULT_PAYMENT; t < FAULT_TARGETS; t++) {
		sbx_response_init(&r);
		assert_false(faults_before(f, t, 1773282600, 0, &r));
		sbx_response_release(&r);
	}
	assert_int_equal(faults_apply(f, "tsa:error=1", err, sizeof(err)), 0);
	sbx_response_init(&r);
	assert_true(faults_before(f, FAULT_TSA, 1773282600, 0, &r));
	assert_true(r.status >= 500);
	sbx_response_release(&r);
	sbx_response_init(&r);
	assert_false(faults_before(f, FAULT_CSC, 1773282600, 0, &r));
	sbx_response_release(&r);
	faults_set_offline(f, FAULT_CSC, true);
	sbx_response_init(&r);
	assert_true(faults_before(f, FAULT_CSC, 1773282600, 0, &r));
	assert_true(r.drop);
	sbx_response_release(&r);
	faults_free(f);
}

/* Run n requests through the fault layer and record what happened. */
static void
fates(uint64_t seed, const char *spec, int n, int *out)
{
	struct faults *f = faults_new(seed);
	char err[160];
	assert_int_equal(faults_apply(f, spec, err, sizeof(err)), 0);
	for (int i = 0; i < n; i++) {
		struct sbx_response r;
		sbx_response_init(&r);
		bool answered = faults_before(f, SRC_TUPHAP, 1773282600, 0, &r);
		out[i] = r.drop ? -1 : answered ? r.status : 0;
		sbx_response_release(&r);
	}
	faults_free(f);
}

static void
test_fault_decisions(void **state)
{
	(void)state;
	int a[200], b[200], c[200];
	fates(5, "tuphap:error=0.3,drop=0.2", 200, a);
	fates(5, "tuphap:error=0.3,drop=0.2", 200, b);
	fates(6, "tuphap:error=0.3,drop=0.2", 200, c);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, c, sizeof(a));
	int drops = 0, errors = 0;
	for (int i = 0; i < 200; i++) {
		drops += a[i] == -1;
		errors += a[i] >= 500;
	}
	assert_true(drops > 20 && drops < 70);
	assert_true(errors > 20 && errors < 80);

	/* Maintenance window crossing midnight, and its Retry-After. */
	struct faults *f = faults_new(1);
	char err[160];
	assert_int_equal(faults_apply(f, "nnmt:maint=23:50-00:10,latency=0", err, sizeof(err)), 0);
	mc_time t;
	assert_int_equal(civil_parse_datetime("2026-03-12 23:55", &t), 0);
	struct sbx_response r;
	sbx_response_init(&r);
	assert_true(faults_before(f, SRC_NNMT, t, 0, &r));
	assert_int_equal(r.status, 503);
	assert_string_equal(sbx_response_get_header(&r, "Retry-After"), "900");
	sbx_response_release(&r);
	assert_false(faults_before(f, SRC_NNMT, t + 16 * 60, 0, &r));
	sbx_response_release(&r);
	/* Rate limit: 2 per second. */
	assert_int_equal(faults_apply(f, "congan:ratelimit=2", err, sizeof(err)), 0);
	assert_false(faults_before(f, SRC_CONGAN, t, 5000, &r));
	assert_false(faults_before(f, SRC_CONGAN, t, 5100, &r));
	assert_true(faults_before(f, SRC_CONGAN, t, 5200, &r));
	assert_int_equal(r.status, 429);
	sbx_response_release(&r);
	assert_false(faults_before(f, SRC_CONGAN, t, 6000, &r));
	sbx_response_release(&r);
	faults_free(f);
}

static void
test_ledger(void **state)
{
	(void)state;
	struct ledger *l = ledger_new();
	struct ledger_stats s;
	struct sbx_response ok, copy;
	sbx_response_init(&ok);
	sbx_response_text(&ok, 200, "application/json", "{\"status\":\"receiving\"}");
	sbx_response_init(&copy);
	assert_int_equal(ledger_replay(l, SRC_TUPHAP, "k1", "fp", &copy), 0);
	ledger_applied(l, SRC_TUPHAP, "H56.14-260312-00001", "k1");
	ledger_remember(l, SRC_TUPHAP, "k1", "fp", &ok);
	assert_int_equal(ledger_replay(l, SRC_TUPHAP, "k1", "fp", &copy), 1);
	assert_int_equal(copy.status, 200);
	assert_string_equal(copy.body, ok.body);
	sbx_response_release(&copy);
	assert_int_equal(ledger_replay(l, SRC_TUPHAP, "k1", "other", &copy), -1);
	assert_int_equal(ledger_replay(l, SRC_NNMT, "k1", "fp", &copy), 0); /* per system */
	/* A rejected resend of an applied intent is absorbed; a rejection of a
	 * new intent is not; the same intent applied again is counted. */
	ledger_rejected(l, SRC_CONGAN, "H56.14-260312-00001", "k1");
	ledger_rejected(l, SRC_CONGAN, "H56.14-260312-00001", "k9");
	ledger_applied(l, SRC_TINH, "H56.14-260312-00002", "r1");
	ledger_applied(l, SRC_TINH, "H56.14-260312-00002", "r1");
	ledger_applied(l, SRC_TINH, "H56.14-260312-00003", "r1"); /* another dossier */
	ledger_applied(l, SRC_TINH, "H56.14-260312-00003", NULL);
	ledger_applied(l, SRC_TINH, "H56.14-260312-00003", NULL);
	ledger_stats(l, &s);
	assert_int_equal(s.applied, 6);
	assert_int_equal(s.duplicates_absorbed, 2);
	assert_int_equal(s.applied_more_than_once, 1);
	assert_int_equal(s.rejected, 2);
	assert_int_equal(s.applied_by[SRC_TINH], 5);
	ledger_reset_counters(l);
	ledger_stats(l, &s);
	assert_int_equal(s.applied, 0);
	sbx_response_release(&ok);
	ledger_free(l);
}

static void
test_uploads(void **state)
{
	(void)state;
	uint64_t a, b, total;
	assert_int_equal(upload_parse_content_range("bytes 0-99/1000", &a, &b, &total), 0);
	assert_true(a == 0 && b == 99 && total == 1000);
	assert_int_equal(upload_parse_content_range("bytes */1000", &a, &b, &total), 0);
	assert_true(a == UINT64_MAX && total == 1000);
	assert_int_equal(upload_parse_content_range("bytes 0-1000/1000", &a, &b, &total), -1);
	assert_int_equal(upload_parse_content_range("bytes 5-1/1000", &a, &b, &total), -1);
	assert_int_equal(upload_parse_content_range("0-99/1000", &a, &b, &total), -1);
	struct uploads *u = uploads_new(1);
	assert_null(uploads_create(u, SRC_TUPHAP, "x.pdf", NULL, 0, 0));
	struct upload *up = uploads_create(u, SRC_TUPHAP, "x.pdf", NULL, 10, 0);
	assert_non_null(up);
	assert_ptr_equal(uploads_get(u, SRC_TUPHAP, up->id), up);
	assert_null(uploads_get(u, SRC_NNMT, up->id));
	assert_int_equal(uploads_write(up, 0, "abcd", 4), UPLOAD_WRITE_OK);
	assert_int_equal(uploads_write(up, 0, "abcd", 4), UPLOAD_WRITE_OFFSET);
	assert_int_equal(uploads_write(up, 4, "efghijk", 7), UPLOAD_WRITE_OVERFLOW);
	assert_false(upload_complete(up));
	assert_int_equal(uploads_write(up, 4, "efghij", 6), UPLOAD_WRITE_OK);
	assert_true(upload_complete(up));
	/* sha256("abcdefghij") */
	assert_string_equal(up->sha256,
			    "72399361da6a7754fec986dca5b7cbaf1c810a28ded4abaf56b2106d06cb78b0");
	uploads_free(u);
}

static void
test_smap(void **state)
{
	(void)state;
	struct smap *m = smap_new();
	char key[32];
	for (uintptr_t i = 1; i <= 5000; i++) {
		snprintf(key, sizeof(key), "H56.14-260312-%05u", (unsigned)i);
		assert_null(smap_put(m, key, (void *)i));
	}
	assert_int_equal(smap_count(m), 5000);
	assert_ptr_equal(smap_get(m, "H56.14-260312-04321"), (void *)4321);
	assert_ptr_equal(smap_del(m, "H56.14-260312-04321"), (void *)4321);
	assert_null(smap_get(m, "H56.14-260312-04321"));
	assert_ptr_equal(smap_put(m, "H56.14-260312-00001", (void *)7), (void *)1);
	assert_int_equal(smap_count(m), 4999);
	smap_free(m, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_tables),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_fault_spec),
		cmocka_unit_test(test_fault_signing_targets),
		cmocka_unit_test(test_fault_decisions),
		cmocka_unit_test(test_ledger),
		cmocka_unit_test(test_uploads),
		cmocka_unit_test(test_smap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
