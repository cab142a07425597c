/*
 * payment.c - the payment platform (after DVCQG Payment Platform 1.0.6):
 * one endpoint, POST /payment/api, taking messages INIT, QUERY and GET_BILL.
 * Integrity instead of tokens: MaXacThuc = SHA-256 hex of the message's
 * fields joined with '|' followed by '|' and the shared secret; verified on
 * input and set on every JSON answer.  QUERY answers TrangThaiGD 1 (paid),
 * 3 (pending: final state not known yet) or 4 (failed) for dossiers with
 * fees, the channel, and for a paid one the e-receipt that the systems'
 * details name too (dialect_receipt_of); GET_BILL is that receipt as a PDF.
 * doc/sandbox.md §payment lists the exact field orders.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"

/* MaXacThuc over the named fields of obj (missing = ""), then the secret. */
static void
mac(const struct sandbox *sb, json_t *obj, const char *const *fields, char out[65])
{
	size_t cap = 256, len = 0;
	char *buf = xmalloc(cap);
	buf[0] = '\0';
	for (size_t i = 0; fields[i] != NULL; i++) {
		const char *v = json_string_value(json_object_get(obj, fields[i]));
		size_t need = len + (v ? strlen(v) : 0) + 2;
		if (need > cap) {
			cap = need * 2;
			buf = xrealloc(buf, cap);
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s|", v ? v : "");
	}
	size_t need = len + strlen(sb->payment_secret) + 1;
	if (need > cap)
		buf = xrealloc(buf, need);
	memcpy(buf + len, sb->payment_secret, strlen(sb->payment_secret) + 1);
	sandbox_sha256_hex(buf, strlen(buf), out);
	xfree_secret(buf);
}

static const char *const query_in[] = {"LoaiBanTin", "MaDoiTac", "MaHoSo", "ThoiGianGD", NULL};
static const char *const init_in[] = {"LoaiBanTin", "MaDoiTac", "MaHoSo", "SoTien",
				      "ThoiGianGD", NULL};
static const char *const reply_fields[] = {"MaLoi", "MaHoSo", "MaGiaoDich", "SoTien",
					   "TrangThaiGD", NULL};

static void
answer(struct sandbox *sb, struct sbx_response *resp, const char *type, const char *code,
       const char *msg, json_t *extra)
{
	json_t *j = json_pack("{s:s,s:s,s:s}", "LoaiBanTin", type, "MaLoi", code, "MoTaLoi", msg);
	if (extra != NULL) {
		json_object_update(j, extra);
		json_decref(extra);
	}
	char m[65];
	mac(sb, j, reply_fields, m);
	json_object_set_new(j, "MaXacThuc", json_string(m));
	sbx_response_json(resp, 200, j);
}

/* The receipt as a small synthetic PDF naming what QUERY and the systems'
 * details name: number, series, issuer, transaction, amount. */
static void
bill(const struct world_dossier *d, const struct dialect_receipt *r, struct sbx_response *resp)
{
	/* a comment line each: a poisoned unit's line breaks must not end it */
	char *issuer = xstr_one_line(xstrdup(r->issuer));
	char *text = xasprintf("%%PDF-1.4\n%% motcua-sandbox bien lai dien tu (synthetic)\n"
			       "1 0 obj << /Type /Catalog >> endobj\n"
			       "%% BIEN LAI THU PHI, LE PHI\n%% Ky hieu: %s\n%% So: %s\n"
			       "%% Don vi phat hanh: %s\n%% Ma ho so: %s\n%% Ma giao dich: %s\n"
			       "%% So tien: %lld dong\ntrailer << /Root 1 0 R >>\n%%%%EOF\n",
			       r->series, r->number, issuer, d->code, r->transaction_id,
			       (long long)r->amount);
	sbx_response_bytes(resp, 200, "application/pdf", text, strlen(text));
	char cd[96];
	snprintf(cd, sizeof(cd), "attachment; filename=\"bien-lai-%s.pdf\"", r->transaction_id);
	sbx_response_header(resp, "Content-Disposition", cd);
	free(text);
	free(issuer);
}

void
payment_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	if (strcmp(req->path, "/payment/api") != 0 || strcmp(req->method, "POST") != 0) {
		sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
		return;
	}
	json_t *msg = sbx_request_json(req, NULL);
	const char *type = msg ? json_string_value(json_object_get(msg, "LoaiBanTin")) : NULL;
	const char *given = msg ? json_string_value(json_object_get(msg, "MaXacThuc")) : NULL;
	const char *code = msg ? json_string_value(json_object_get(msg, "MaHoSo")) : NULL;
	bool init = type != NULL && strcmp(type, "INIT") == 0;
	bool query = type != NULL && strcmp(type, "QUERY") == 0;
	bool get_bill = type != NULL && strcmp(type, "GET_BILL") == 0;
	if (!init && !query && !get_bill) {
		answer(sb, resp, type ? type : "", "02", "LoaiBanTin phải là INIT, QUERY hoặc GET_BILL",
		       NULL);
		goto out;
	}
	char expect[65];
	mac(sb, msg, init ? init_in : query_in, expect);
	if (given == NULL || strcasecmp(given, expect) != 0) {
		answer(sb, resp, type, "01", "Sai mã xác thực (MaXacThuc)", NULL);
		goto out;
	}
	int64_t idx = code != NULL ? world_find(sb->world, code) : -1;
	struct world_dossier *d = idx >= 0 ? world_get(sb->world, (uint32_t)idx) : NULL;
	if (d == NULL || world_fees_total(d) == 0) {
		answer(sb, resp, type, "14", "Không có giao dịch cho hồ sơ này", NULL);
		goto out;
	}
	char gd[32], amount[32];
	dialect_txn_id(sb, d, gd, sizeof(gd));
	snprintf(amount, sizeof(amount), "%lld", (long long)world_fees_total(d));
	if (init) {
		const char *want = json_string_value(json_object_get(msg, "SoTien"));
		if (want == NULL || strcmp(want, amount) != 0) {
			answer(sb, resp, type, "02", "SoTien không khớp với phí, lệ phí của hồ sơ",
			       json_pack("{s:s,s:s}", "MaHoSo", code, "SoTien", amount));
			goto out;
		}
		if (d->payment != PAYMENT_PAID)
			d->payment = PAYMENT_PENDING;
		char url[384];
		snprintf(url, sizeof(url), "%s/payment/pay?MaGiaoDich=%s", sb->base_url, gd);
		answer(sb, resp, type, "00", "Thành công",
		       json_pack("{s:s,s:s,s:s,s:s,s:s}", "MaHoSo", code, "MaGiaoDich", gd, "SoTien",
				 amount, "TrangThaiGD", d->payment == PAYMENT_PAID ? "1" : "3",
				 "UrlThanhToan", url));
		goto out;
	}
	if (d->payment == PAYMENT_NONE) {
		answer(sb, resp, type, "14", "Hồ sơ chưa phát sinh giao dịch", NULL);
		goto out;
	}
	struct dialect_receipt receipt;
	bool paid = dialect_receipt_of(sb, d, &receipt);
	if (get_bill) {
		if (!paid)
			answer(sb, resp, type, "14", "Giao dịch chưa thành công, chưa có biên lai",
			       NULL);
		else
			bill(d, &receipt, resp);
		goto out;
	}
	char state[4];
	snprintf(state, sizeof(state), "%d", d->payment);
	/* Added fields only: MaXacThuc still covers reply_fields, so clients
	 * that verify it need not know them. */
	json_t *extra = json_pack("{s:s,s:s,s:s,s:s,s:s}", "MaHoSo", code, "MaGiaoDich", gd,
				  "SoTien", amount, "TrangThaiGD", state, "KenhThanhToan",
				  dialect_payment_channel(d));
	if (paid)
		json_object_update_new(extra, json_pack("{s:s,s:s,s:s}", "SoBienLai",
							receipt.number, "KyHieuBienLai",
							receipt.series, "DonViPhatHanh",
							receipt.issuer));
	answer(sb, resp, type, "00", "Thành công", extra);
out:
	json_decref(msg);
}
