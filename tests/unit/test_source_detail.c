/*
 * test_source_detail.c - what each dialect's detail adds to a change feed's
 * record (issue 15): the payment's channel and e-receipts (number, series,
 * issuer, amount, when), component codes on tinh's files, dvcqg's history
 * and payment state; and which lists a record did not carry at all
 * (lists_absent), so the store keeps the detail's.  The replies are the
 * recorded fixtures (tests/fixtures/sources/) with the detail's keys added
 * in each dialect's shape (doc/sandbox.md).
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

static json_t *
load(const char *name)
{
	char path[256];
	json_error_t e;
	json_t *root;

	snprintf(path, sizeof path, FIX "%s", name);
	root = json_load_file(path, 0, &e);
	assert_non_null(root);
	return root;
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
	return src;
}

/* Parse root (stolen) as dialect's detail into *d; the parse's result. */
static int
parse(const char *dialect, json_t *root, struct dossier *d)
{
	struct source *src = make(dialect);
	char *body = json_dumps(root, JSON_COMPACT);
	struct net_response r;
	char *cause = NULL;
	int rc;

	memset(&r, 0, sizeof r);
	r.result = NET_OK;
	r.error = "";
	r.error_detail = "";
	r.status = 200;
	r.body = body;
	r.body_len = strlen(body);
	dossier_init(d);
	rc = src->ops->detail_parse(src, &r, d, &cause);
	if (rc != SOURCE_PARSE_OK)
		print_error("%s: %s\n", dialect, cause != NULL ? cause : "?");
	free(cause);
	free(body);
	json_decref(root);
	source_free(src);
	return rc;
}

static mc_time
at(const char *iso)
{
	mc_time t;

	assert_int_equal(civil_parse_datetime(iso, &t), 0);
	return t;
}

static void
receipt_is(const struct dossier *d, const char *number, const char *series, int64_t amount,
	   mc_time when)
{
	assert_int_equal(d->n_receipts, 1);
	assert_string_equal(d->receipts[0].number, number);
	assert_string_equal(d->receipts[0].series, series);
	assert_string_equal(d->receipts[0].issuer, "UBND xã Tà Nung");
	assert_int_equal(d->receipts[0].amount, amount);
	assert_int_equal(d->receipts[0].issued_at, when);
	assert_int_equal(d->lists_absent & DOSSIER_LIST_PAYMENT, 0);
}

static void
tuphap_receipt(void **state)
{
	json_t *root = load("tuphap_detail.json");
	struct dossier d;

	(void)state;
	json_object_set_new(root, "paymentChannel", json_string("Cổng DVCQG (VNPT Pay)"));
	json_object_set_new(root, "receipts",
			    json_pack("[{s:s,s:s,s:s,s:i,s:s,s:s}]", "number", "0012345", "series",
				      "BL26E-AB", "issuer", "UBND xã Tà Nung", "amount", 8000,
				      "issuedAt", "2026-03-12T10:15:00+07:00", "transactionId",
				      "GD26031200000001"));
	assert_int_equal(parse("tuphap", root, &d), SOURCE_PARSE_OK);
	assert_string_equal(d.payment_channel, "Cổng DVCQG (VNPT Pay)");
	receipt_is(&d, "0012345", "BL26E-AB", 8000, at("2026-03-12 10:15"));
	assert_int_equal(d.lists_absent, 0);
	dossier_release(&d);

	/* the feed's short record: no history, no receipts - not "none" */
	root = load("tuphap_detail.json");
	json_object_del(root, "history");
	assert_int_equal(parse("tuphap", root, &d), SOURCE_PARSE_OK);
	assert_int_equal(d.lists_absent, DOSSIER_LIST_HISTORY | DOSSIER_LIST_PAYMENT);
	assert_null(d.payment_channel);
	dossier_release(&d);
}

static void
congan_receipt(void **state)
{
	json_t *root = load("congan_detail.json");
	struct dossier d;

	(void)state;
	json_object_set_new(root, "payment_channel", json_string("Tiền mặt tại Bộ phận một cửa"));
	json_object_set_new(root, "receipts",
			    json_pack("[{s:s,s:s,s:s,s:i,s:I}]", "receipt_no", "0000042", "series",
				      "BL26E-CD", "issuer", "UBND xã Tà Nung", "amount", 15000,
				      "issued_at", (json_int_t)at("2026-03-12 10:15") * 1000));
	assert_int_equal(parse("congan", root, &d), SOURCE_PARSE_OK);
	assert_string_equal(d.payment_channel, "Tiền mặt tại Bộ phận một cửa");
	receipt_is(&d, "0000042", "BL26E-CD", 15000, at("2026-03-12 10:15"));
	assert_true(d.n_history > 0);
	dossier_release(&d);

	/* a receipt without its number is refused, not shown half */
	root = load("congan_detail.json");
	json_object_set_new(root, "receipts",
			    json_pack("[{s:s,s:i}]", "series", "BL26E-CD", "amount", 15000));
	assert_int_equal(parse("congan", root, &d), SOURCE_PARSE_ERROR);
	dossier_release(&d);
}

static void
nnmt_receipt(void **state)
{
	json_t *root = load("nnmt_detail.json");
	struct dossier d;

	(void)state;
	json_object_set_new(root, "payment",
			    json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:i,s:s}}", "state", "PAID",
				      "channel", "Chuyển khoản ngân hàng", "receipt", "number",
				      "0000777", "series", "BL26E-EF", "issuer", "UBND xã Tà Nung",
				      "amount_vnd", 600000, "issued_at",
				      "2026-03-12T10:15:00+07:00"));
	assert_int_equal(parse("nnmt", root, &d), SOURCE_PARSE_OK);
	assert_int_equal(d.payment, PAYMENT_PAID);
	assert_string_equal(d.payment_channel, "Chuyển khoản ngân hàng");
	receipt_is(&d, "0000777", "BL26E-EF", 600000, at("2026-03-12 10:15"));
	dossier_release(&d);

	/* pending: a channel, the receipt null (carried: none yet) */
	root = load("nnmt_detail.json");
	json_object_set_new(root, "payment",
			    json_pack("{s:s,s:s,s:n}", "state", "UNPAID", "channel",
				      "Chuyển khoản ngân hàng", "receipt"));
	assert_int_equal(parse("nnmt", root, &d), SOURCE_PARSE_OK);
	assert_int_equal(d.payment, PAYMENT_PENDING);
	assert_int_equal(d.n_receipts, 0);
	assert_int_equal(d.lists_absent & DOSSIER_LIST_PAYMENT, 0);
	dossier_release(&d);
}

static void
tinh_receipt_and_components(void **state)
{
	json_t *root = load("tinh_detail.json");
	json_t *data = json_object_get(root, "du_lieu");
	json_t *files = json_object_get(data, "tep_dinh_kem");
	struct dossier d;
	size_t i;
	json_t *f;

	(void)state;
	assert_true(json_array_size(files) > 0);
	json_array_foreach(files, i, f)
		json_object_set_new(f, "ma_thanh_phan", json_sprintf("TP-%zu", i + 1));
	json_object_set_new(data, "kenh_thanh_toan", json_string("Cổng DVCQG (VNPT Pay)"));
	json_object_set_new(data, "bien_lai",
			    json_pack("[{s:s,s:s,s:s,s:i,s:s}]", "so_bien_lai", "0000099",
				      "ky_hieu", "BL26E-GH", "don_vi_phat_hanh", "UBND xã Tà Nung",
				      "so_tien", 20000, "ngay_phat_hanh", "12/03/2026 10:15:00"));
	assert_int_equal(parse("tinh", root, &d), SOURCE_PARSE_OK);
	assert_true(d.n_attachments > 0);
	assert_string_equal(d.attachments[0].component_code, "TP-1");
	receipt_is(&d, "0000099", "BL26E-GH", 20000, at("2026-03-12 10:15"));
	/* tinh has no supplements: the clerk's own stay */
	assert_int_equal(d.lists_absent, DOSSIER_LIST_SUPPLEMENTS);
	dossier_release(&d);
}

static void
dvcqg_history_and_payment(void **state)
{
	json_t *root = load("dvcqg_detail.json");
	json_t *data = json_object_get(root, "data");
	struct dossier d;

	(void)state;
	json_object_set_new(data, "TrangThaiThanhToan", json_string("1"));
	json_object_set_new(data, "KenhThanhToan", json_string("Cổng DVCQG (VNPT Pay)"));
	json_object_set_new(data, "DanhSachBienLai",
			    json_pack("[{s:s,s:s,s:s,s:s,s:s,s:s}]", "SoBienLai", "0000123",
				      "KyHieuBienLai", "BL26E-IJ", "DonViPhatHanh",
				      "UBND xã Tà Nung", "SoTien", "8000", "NgayPhatHanh",
				      "20260312101500", "MaGiaoDich", "GD26031200000002"));
	json_object_set_new(data, "QuaTrinhXuLy",
			    json_pack("[{s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s}]",
				      "ThoiDiemXuLy", "20260312090000", "NguoiXuLy", "Trần Thị B",
				      "PhongBanXuLy", "Bộ phận một cửa", "NoiDungXuLy",
				      "Tiếp nhận hồ sơ", "TrangThai", "2", "ThoiDiemXuLy",
				      "20260312150000", "NguoiXuLy", "", "PhongBanXuLy", "",
				      "NoiDungXuLy", "", "TrangThai", "4"));
	assert_int_equal(parse("dvcqg", root, &d), SOURCE_PARSE_OK);
	assert_int_equal(d.payment, PAYMENT_PAID);
	assert_string_equal(d.payment_channel, "Cổng DVCQG (VNPT Pay)");
	receipt_is(&d, "0000123", "BL26E-IJ", 8000, at("2026-03-12 10:15"));
	assert_int_equal(d.n_history, 2);
	assert_int_equal(d.history[0].at, at("2026-03-12 09:00"));
	assert_string_equal(d.history[0].actor, "Trần Thị B");
	assert_string_equal(d.history[0].unit, "Bộ phận một cửa");
	assert_int_equal(d.history[0].status, 2);
	assert_null(d.history[1].actor);
	assert_int_equal(d.history[1].status, 4);
	dossier_release(&d);

	/* the list's record: none of the detail's lists, payment untold */
	root = load("dvcqg_detail.json");
	data = json_object_get(root, "data");
	json_object_del(data, "TaiLieuNop");
	json_object_del(data, "DanhSachLePhi");
	json_object_del(data, "DanhSachHoSoBoSung");
	assert_int_equal(parse("dvcqg", root, &d), SOURCE_PARSE_OK);
	assert_int_equal(d.lists_absent, DOSSIER_LIST_ALL);
	dossier_release(&d);
}

/* The feed's record merged over the stored detail keeps what it lacks. */
static void
keep_lists(void **state)
{
	struct dossier stored, feed;

	(void)state;
	dossier_init(&stored);
	dossier_init(&feed);
	dossier_add_event(&stored, 100, "A", NULL, "tiếp nhận", 2);
	dossier_add_receipt(&stored, "0000001", "BL26E-AA", "UBND", 8000, 200);
	dossier_add_fee(&stored, "LP", "Lệ phí", 8000);
	stored.payment = PAYMENT_PAID;
	stored.payment_channel = xstrdup("Tiền mặt");
	stored.detail_at = 300;
	feed.lists_absent = DOSSIER_LIST_HISTORY | DOSSIER_LIST_PAYMENT;
	feed.payment = PAYMENT_UNKNOWN;
	dossier_add_fee(&feed, "LP", "Lệ phí", 9000); /* carried: the feed's wins */
	dossier_keep_lists(&feed, &stored);
	assert_int_equal(feed.lists_absent, 0);
	assert_int_equal(feed.n_history, 1);
	assert_int_equal(feed.n_receipts, 1);
	assert_string_equal(feed.receipts[0].number, "0000001");
	assert_string_equal(feed.payment_channel, "Tiền mặt");
	assert_int_equal(feed.payment, PAYMENT_PAID);
	assert_int_equal(feed.n_fees, 1);
	assert_int_equal(feed.fees[0].amount, 9000);
	dossier_release(&feed);

	/* a feed that says "pending" is believed over an older detail */
	dossier_init(&feed);
	feed.lists_absent = DOSSIER_LIST_PAYMENT;
	feed.payment = PAYMENT_PENDING;
	dossier_keep_lists(&feed, &stored);
	assert_int_equal(feed.payment, PAYMENT_PENDING);
	dossier_release(&feed);
	dossier_release(&stored);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tuphap_receipt),
		cmocka_unit_test(congan_receipt),
		cmocka_unit_test(nnmt_receipt),
		cmocka_unit_test(tinh_receipt_and_components),
		cmocka_unit_test(dvcqg_history_and_payment),
		cmocka_unit_test(keep_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
