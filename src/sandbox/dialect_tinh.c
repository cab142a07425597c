/*
 * dialect_tinh.c - the provincial one-stop system kept for the transition:
 * a legacy API with Vietnamese field names without diacritics, dates as
 * "dd/MM/yyyy HH:mm:ss" with no zone, Vietnamese status strings, page
 * numbers, errors as HTTP 200 with {"ket_qua":"loi"}, no ETag, no version,
 * no idempotency: an action sent twice is applied twice when the state
 * allows it.  It stores the client's free-text `ma_yeu_cau` without
 * enforcing it (that is how the statistics recognise a repeated intent).
 * doc/sandbox.md §tinh is the contract.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "sandbox/gen.h"

#define BASE "/tinh/api"
#define PAGE_DEFAULT 50
#define PAGE_MAX 500
#define RESULT_FILES_MAX 64 /* tep_ket_qua values in one action */

static const char *const statuses[STATUS_MAX + 1] = {
	NULL,
	"Mới đăng ký",
	"Mới tiếp nhận",
	"Từ chối tiếp nhận",
	"Đang xử lý",
	"Chờ bổ sung",
	"Chờ nộp phí",
	"Đã rút hồ sơ",
	"Tạm dừng xử lý",
	"Đã có kết quả",
	"Đã trả kết quả",
};

static const char *const operations[ACTION_COUNT] = {
	[ACTION_RECEIVE] = "tiep_nhan",
	[ACTION_REFUSE] = "tu_choi",
	[ACTION_REQUEST_SUPPLEMENT] = "yeu_cau_bo_sung",
	[ACTION_SUPPLEMENT_RECEIVED] = "nhan_bo_sung",
	[ACTION_FORWARD] = "chuyen_xu_ly",
	[ACTION_APPROVE] = "phe_duyet",
	[ACTION_REQUEST_PAYMENT] = "yeu_cau_nop_phi",
	[ACTION_STOP] = "dung_xu_ly",
	[ACTION_RETURN_RESULT] = "tra_ket_qua",
	[ACTION_WITHDRAW] = "rut_ho_so",
};

const char *
dialect_tinh_status(int status)
{
	return status_valid(status) ? statuses[status] : NULL;
}

int
dialect_tinh_status_parse(const char *s)
{
	for (int i = STATUS_MIN; s != NULL && i <= STATUS_MAX; i++)
		if (strcmp(statuses[i], s) == 0)
			return i;
	return -1;
}

static void
legacy_error(struct sbx_response *resp, const char *code, const char *message)
{
	sbx_response_json(resp, 200, json_pack("{s:s,s:s,s:s}", "ket_qua", "loi", "ma_loi", code,
					       "thong_bao", message));
}

static json_t *
date_str(mc_time t)
{
	char buf[32];
	return json_string(dialect_date_tinh(t, buf, sizeof(buf)));
}

static const char *
channel_name(int c)
{
	return c == 1 ? "Trực tiếp" : c == 3 ? "Bưu chính công ích" : "Trực tuyến";
}

static const char *
payment_name(int p)
{
	return p == PAYMENT_PAID      ? "Đã thanh toán"
	       : p == PAYMENT_PENDING ? "Đang chờ thanh toán"
	       : p == PAYMENT_FAILED  ? "Thanh toán không thành công"
				      : "Chưa phát sinh";
}

static json_t *
record_json(struct sandbox *sb, const struct world_dossier *d, bool full)
{
	const struct catalog_procedure *p = world_procedure(d);
	struct gen_person who;
	world_person(sb->world, d, &who);
	json_t *j = json_object();
	json_object_set_new(j, "so_ho_so", json_string(d->code));
	json_object_set_new(j, "ma_thu_tuc", json_string(p->code));
	json_object_set_new(j, "ten_thu_tuc", json_string(p->name));
	json_object_set_new(j, "ma_linh_vuc", json_string(p->field_code));
	json_object_set_new(j, "ten_linh_vuc", json_string(p->field_name));
	json_object_set_new(j, "ho_ten_nguoi_nop", json_string(who.name));
	json_object_set_new(j, "so_cccd", json_string(who.id));
	json_object_set_new(j, "dia_chi", json_string(who.address));
	json_object_set_new(j, "so_dien_thoai", json_string(who.phone));
	json_object_set_new(j, "don_vi_xu_ly", json_string(world_unit(d)));
	json_object_set_new(j, "hinh_thuc_nop", json_string(channel_name(d->channel)));
	json_object_set_new(j, "trang_thai", json_string(dialect_tinh_status(d->status)));
	json_object_set_new(j, "ngay_nop", date_str(d->submitted_at));
	json_object_set_new(j, "ngay_tiep_nhan", date_str(d->received_at));
	json_object_set_new(j, "ngay_hen_tra", date_str(d->due_at));
	json_object_set_new(j, "ngay_ket_thuc", date_str(d->finished_at));
	json_object_set_new(j, "ngay_tra_ket_qua", date_str(d->returned_at));
	json_object_set_new(j, "ngay_cap_nhat", date_str(d->updated_at));
	json_object_set_new(j, "le_phi", json_integer((json_int_t)world_fees_total(d)));
	json_object_set_new(j, "trang_thai_thanh_toan", json_string(payment_name(d->payment)));
	if (!full)
		return j;
	json_t *files = json_array();
	for (size_t i = 0; i < sandbox_part_count(sb, d); i++) {
		char id[64], url[192];
		struct sandbox_part f;
		sandbox_part_info(sb, d, i, &f);
		sandbox_part_id(d, i, id, sizeof(id));
		snprintf(url, sizeof(url), "%s" BASE "/TaiTep?ma_tep=%s", sb->path_prefix, id);
		json_array_append_new(
			files, json_pack("{s:s,s:s++,s:s,s:I,s:s}", "ma_tep", id, "ten_tep", f.name,
					 ".", f.ext, "ma_thanh_phan", f.code, "kich_thuoc",
					 (json_int_t)f.size, "duong_dan", url));
	}
	json_object_set_new(j, "tep_dinh_kem", files);
	/* The result files named when it was returned, as tep_ket_qua carried them. */
	json_t *results = json_array();
	for (size_t i = 0; d->extra != NULL && i < d->extra->n_result_files; i++)
		json_array_append_new(results, json_pack("{s:s}", "ten_tep",
							 d->extra->result_files[i]));
	json_object_set_new(j, "tep_ket_qua", results);
	struct world_step steps[64];
	size_t n = world_history(sb->world, d, steps, 64);
	json_t *hist = json_array();
	for (size_t i = 0; i < n && i < 64; i++) {
		char actor[96] = "";
		if (steps[i].actor != NULL) {
			const char *bar = strchr(steps[i].actor, '|');
			size_t len = bar ? (size_t)(bar - steps[i].actor) : strlen(steps[i].actor);
			snprintf(actor, sizeof(actor), "%.*s", (int)len, steps[i].actor);
		}
		json_array_append_new(hist, json_pack("{s:o,s:s,s:s,s:s}", "thoi_gian",
						      date_str(steps[i].at), "trang_thai",
						      dialect_tinh_status(steps[i].status),
						      "nguoi_xu_ly", actor, "noi_dung",
						      steps[i].note ? steps[i].note : ""));
	}
	json_object_set_new(j, "qua_trinh_xu_ly", hist);
	const char *channel = dialect_payment_channel(d);
	if (channel != NULL)
		json_object_set_new(j, "kenh_thanh_toan", json_string(channel));
	json_t *receipts = json_array();
	struct dialect_receipt r;
	if (dialect_receipt_of(sb, d, &r))
		json_array_append_new(receipts,
				      json_pack("{s:s,s:s,s:s,s:I,s:o}", "so_bien_lai", r.number,
						"ky_hieu", r.series, "don_vi_phat_hanh", r.issuer,
						"so_tien", (json_int_t)r.amount, "ngay_phat_hanh",
						date_str(r.issued_at)));
	json_object_set_new(j, "bien_lai", receipts);
	return j;
}

static void
list(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	long page, size;
	mc_time from = 0;
	const char *tu = sbx_request_arg(req, "tu_ngay");
	if (sandbox_parse_long(sbx_request_arg(req, "trang"), 1, 10000000, 1, &page) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "so_dong"), 1, PAGE_MAX, PAGE_DEFAULT, &size) !=
		    0) {
		legacy_error(resp, "THAM_SO_KHONG_HOP_LE", "trang >= 1, so_dong 1..500");
		return;
	}
	if (tu != NULL && tu[0] != '\0' && dialect_parse_tinh_date(tu, &from) != 0) {
		legacy_error(resp, "THAM_SO_KHONG_HOP_LE", "tu_ngay phải có dạng dd/MM/yyyy HH:mm:ss");
		return;
	}
	mc_time after = from > 0 ? from - 1 : 0;
	size_t total = world_feed_count(sb->world, SRC_TINH, 0, after);
	uint32_t *idx = xcalloc((size_t)size, sizeof(*idx));
	uint64_t last;
	bool more;
	bool endless = faults_endless(sb->faults, SRC_TINH);
	size_t real_pages = (total + (size_t)size - 1) / (size_t)size;
	/* endless: past the real last page, that page again (a server going round) */
	long serve = endless && real_pages > 0 && (size_t)page > real_pages ? (long)real_pages : page;
	size_t n = world_feed(sb->world, SRC_TINH, 0, after, (size_t)(serve - 1) * (size_t)size,
			      (size_t)size, idx, &last, &more);
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, record_json(sb, world_get(sb->world, idx[i]), false));
	free(idx);
	sbx_response_json(resp, 200,
			  json_pack("{s:s,s:I,s:I,s:i,s:i,s:o}", "ket_qua", "thanh_cong", "tong_so",
				    endless ? (json_int_t)100000000000000000LL : (json_int_t)total,
				    "tong_so_trang",
				    endless ? (json_int_t)1000000000000000LL : (json_int_t)real_pages,
				    "trang",
				    (int)page, "so_dong", (int)size, "du_lieu", rows));
}

/* A field from a form body, a JSON body, or the query string. */
static char *
param(const struct sbx_request *req, json_t *json, const char *name)
{
	char *v = sbx_form_value(req, name);
	if (v != NULL)
		return v;
	const char *s = json != NULL ? json_string_value(json_object_get(json, name)) : NULL;
	if (s == NULL)
		s = sbx_request_arg(req, name);
	return xstrdup_or_null(s);
}

/* A list of malloc'd names. */
struct names {
	char **v;
	size_t n;
};

/* Take name (malloc'd or NULL); -1 when it is not UTF-8 text. */
static int
names_add(struct names *l, char *name)
{
	json_t *check = name != NULL ? json_string(name) : NULL; /* NULL: not UTF-8 */

	if (name == NULL || name[0] == '\0' || check == NULL) { /* empty ones are skipped */
		int rc = name != NULL && name[0] != '\0' ? -1 : 0;
		free(name);
		return rc;
	}
	json_decref(check);
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = name;
	return 0;
}

static void
names_free(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Every value of a repeatable field, in order, where param() looks: each
 * occurrence in a form body, else the JSON key (a string or a list of
 * strings), else each occurrence in the query string.  Empty values are
 * skipped.  0, or -1 when the JSON value has another shape or a value is
 * not UTF-8.
 */
static int
param_all(const struct sbx_request *req, json_t *json, const char *name, struct names *out)
{
	const char *ct = sbx_request_header(req, "Content-Type");
	bool form = ct == NULL || strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
	int rc = 0;

	if (form && req->body != NULL) {
		/* One field at a time: sbx_form_value() on a request holding only it. */
		const char *p = req->body, *end = req->body + req->body_len;
		while (p < end) {
			const char *amp = memchr(p, '&', (size_t)(end - p));
			struct sbx_request one = *req;
			one.headers = NULL;
			one.n_headers = 0;
			one.body = p;
			one.body_len = (size_t)((amp != NULL ? amp : end) - p);
			rc |= names_add(out, sbx_form_value(&one, name));
			p += one.body_len + 1;
		}
		if (out->n > 0 || rc != 0)
			return rc;
	}
	json_t *v = json != NULL ? json_object_get(json, name) : NULL;
	if (json_is_string(v))
		return names_add(out, xstrdup(json_string_value(v)));
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			const char *s = json_string_value(json_array_get(v, i));
			if (s == NULL)
				return -1;
			names_add(out, xstrdup(s));
		}
		return 0;
	}
	if (v != NULL && !json_is_null(v))
		return -1;
	for (size_t i = 0; i < req->n_args; i++)
		if (strcmp(req->args[i].name, name) == 0)
			rc |= names_add(out, xstrdup(req->args[i].value));
	return rc;
}

/* The old system words every refusal the same way, with its own codes. */
static const struct dialect_refusal refusals[DIALECT_REFUSALS] = {
	[WORLD_ACT_NOT_ALLOWED] = {200, "TRANG_THAI_KHONG_HOP_LE",
				   "Không thể thực hiện thao tác ở trạng thái hiện tại"},
	[WORLD_ACT_STALE] = {200, "TRANG_THAI_KHONG_HOP_LE",
			     "Không thể thực hiện thao tác ở trạng thái hiện tại"},
	[WORLD_ACT_NEED_REASON] = {200, "THIEU_LY_DO", "Thao tác này cần ly_do"},
	[WORLD_ACT_NO_FEES] = {200, "KHONG_CO_PHI", "Thủ tục không có phí, lệ phí"},
};

static void
act(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	json_t *json = NULL;
	const char *ct = sbx_request_header(req, "Content-Type");
	if (ct != NULL && strstr(ct, "json") != NULL)
		json = sbx_request_json(req, NULL);
	char *code = param(req, json, "so_ho_so"), *op = param(req, json, "thao_tac");
	char *reason = param(req, json, "ly_do"), *actor = param(req, json, "nguoi_xu_ly");
	char *ref = param(req, json, "ma_yeu_cau");
	struct names files = {NULL, 0};
	int files_bad = param_all(req, json, "tep_ket_qua", &files);
	uint32_t idx;
	enum action a = dialect_action_named(operations, op);
	struct world_dossier *d = dialect_find(sb, code, SRC_TINH, &idx);
	if (code == NULL || op == NULL) {
		legacy_error(resp, "THIEU_THAM_SO", "Thiếu so_ho_so hoặc thao_tac");
	} else if (d == NULL) {
		legacy_error(resp, "KHONG_TIM_THAY", "Không tìm thấy hồ sơ");
	} else if (a == ACTION_NONE) {
		legacy_error(resp, "THAO_TAC_KHONG_HOP_LE", "Thao tác không hợp lệ");
	} else if (files_bad != 0 || files.n > RESULT_FILES_MAX) {
		legacy_error(resp, "THAM_SO_KHONG_HOP_LE",
			     "tep_ket_qua là tên tệp hoặc danh sách tên tệp, tối đa 64 tệp");
	} else if (a == ACTION_RETURN_RESULT && files.n == 0) {
		legacy_error(resp, "THIEU_TEP_KET_QUA", "Trả kết quả cần tep_ket_qua");
	} else {
		struct world_act wa = {
			.action = a,
			.via = SRC_TINH,
			.actor = dialect_actor(actor),
			.reason = reason,
			.result_files = (const char *const *)files.v,
			.n_result_files = a == ACTION_RETURN_RESULT ? files.n : 0,
		};
		enum world_act_result r = sandbox_act(sb, SRC_TINH, idx, &wa, ref, req->now);
		const struct dialect_refusal *no = dialect_refusal(refusals, r);
		d = world_get(sb->world, idx);
		if (no == NULL)
			sbx_response_json(resp, 200,
					  json_pack("{s:s,s:s,s:s,s:o}", "ket_qua", "thanh_cong",
						    "thong_bao", "Cập nhật thành công", "trang_thai",
						    dialect_tinh_status(d->status), "ngay_cap_nhat",
						    date_str(d->updated_at)));
		else
			legacy_error(resp, no->code, no->message);
	}
	json_decref(json);
	free(code);
	free(op);
	free(reason);
	free(actor);
	free(ref);
	names_free(&files);
}

void
dialect_tinh_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *rest = sandbox_path_after(req->path, BASE);
	if (rest == NULL) {
		sbx_response_text(resp, 404, "text/html; charset=utf-8",
				  "<html><body><h1>404 - Không tìm thấy trang</h1></body></html>\n");
		return;
	}
	if (sandbox_auth(sb, req, "tinh", resp) != 0)
		return;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	if (get && strcmp(rest, "/DanhSachHoSo") == 0) {
		list(sb, req, resp);
	} else if (get && strcmp(rest, "/ChiTietHoSo") == 0) {
		uint32_t idx;
		struct world_dossier *d =
			dialect_find(sb, sbx_request_arg(req, "so_ho_so"), SRC_TINH, &idx);
		if (d == NULL) {
			legacy_error(resp, "KHONG_TIM_THAY", "Không tìm thấy hồ sơ");
		} else {
			sandbox_viewed(sb, idx);
			sbx_response_json(resp, 200,
					  json_pack("{s:s,s:o}", "ket_qua", "thanh_cong", "du_lieu",
						    record_json(sb, d, true)));
		}
	} else if (strcmp(rest, "/XuLyHoSo") == 0 && strcmp(req->method, "POST") == 0) {
		act(sb, req, resp);
	} else if (get && strcmp(rest, "/TaiTep") == 0) {
		const char *id = sbx_request_arg(req, "ma_tep");
		const char *dash = id != NULL ? strrchr(id, '-') : NULL;
		char code[64];
		uint32_t idx;
		struct world_dossier *d = NULL;
		if (dash != NULL && (size_t)(dash - id) < sizeof(code)) {
			snprintf(code, sizeof(code), "%.*s", (int)(dash - id), id);
			d = dialect_find(sb, code, SRC_TINH, &idx);
		}
		int part = d != NULL ? sandbox_part_from_id(sb, d, id) : -1;
		if (part < 0)
			legacy_error(resp, "KHONG_TIM_THAY", "Không tìm thấy tệp");
		else
			sandbox_serve_part(sb, req, d, (size_t)part, resp);
	} else if (get && strcmp(rest, "/DanhMucTrangThai") == 0) {
		json_t *arr = json_array();
		for (int s = STATUS_MIN; s <= STATUS_MAX; s++)
			json_array_append_new(arr, json_pack("{s:i,s:s}", "ma", s, "ten", statuses[s]));
		sbx_response_json(resp, 200,
				  json_pack("{s:s,s:o}", "ket_qua", "thanh_cong", "du_lieu", arr));
	} else {
		legacy_error(resp, "KHONG_HO_TRO", "Chức năng không được hỗ trợ");
	}
}
