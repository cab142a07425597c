/*
 * tinh.c - the provincial one-stop system's legacy dialect (doc/sandbox.md
 * section 8): page numbers with an inclusive `tu_ngay`, dates
 * "dd/MM/yyyy HH:mm:ss" in Vietnam time, Vietnamese field names without
 * diacritics, Vietnamese status strings, errors as HTTP 200 with
 * {"ket_qua":"loi"}, no ETag, no version, no idempotency (the action's
 * `ma_yeu_cau` is only recorded, so a lost answer must be checked by
 * reading the dossier before sending again).
 *
 * Watermark: "SINCE|PAGE|MAXSEEN" in epoch seconds.  No I/O here (source.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

#define TINH_PAGE 500

static const struct src_status tinh_status[] = {
	{"Mới đăng ký", 1},     {"Mới tiếp nhận", 2},  {"Từ chối tiếp nhận", 3},
	{"Đang xử lý", 4},      {"Chờ bổ sung", 5},    {"Chờ nộp phí", 6},
	{"Đã rút hồ sơ", 7},    {"Tạm dừng xử lý", 8}, {"Đã có kết quả", 9},
	{"Đã trả kết quả", 10}, {NULL, 0},
};

static const struct src_status tinh_channel[] = {
	{"Trực tiếp", CHANNEL_IN_PERSON}, {"Trực tuyến", CHANNEL_ONLINE},
	{"Bưu chính công ích", CHANNEL_POSTAL}, {NULL, 0},
};

static const struct src_status tinh_payment[] = {
	{"Chưa phát sinh", PAYMENT_NONE}, {"Đã thanh toán", PAYMENT_PAID},
	{"Đang chờ thanh toán", PAYMENT_PENDING}, {"Thanh toán không thành công", PAYMENT_FAILED},
	{NULL, 0},
};

/* thao_tac per enum action (index = enum value). */
static const char *const tinh_actions[ACTION_COUNT] = {
	[ACTION_RECEIVE] = "tiep_nhan",           [ACTION_REFUSE] = "tu_choi",
	[ACTION_REQUEST_SUPPLEMENT] = "yeu_cau_bo_sung",
	[ACTION_SUPPLEMENT_RECEIVED] = "nhan_bo_sung",
	[ACTION_FORWARD] = "chuyen_xu_ly",        [ACTION_APPROVE] = "phe_duyet",
	[ACTION_REQUEST_PAYMENT] = "yeu_cau_nop_phi", [ACTION_STOP] = "dung_xu_ly",
	[ACTION_RETURN_RESULT] = "tra_ket_qua",   [ACTION_WITHDRAW] = "rut_ho_so",
};

static const struct src_file_keys tinh_file = {"ma_tep", "ten_tep", "ma_thanh_phan", "duong_dan",
					       "kich_thuoc"};
static const struct src_receipt_keys tinh_receipt = {"so_bien_lai", "ky_hieu", "don_vi_phat_hanh",
						     "so_tien", "ngay_phat_hanh"};

static bool
read_dossier(struct src_rd *rd, json_t *o, const char *source, struct dossier *d)
{
	char *s;
	int64_t fee = 0;
	size_t i;
	json_t *e, *files, *hist, *receipts;

	if (!json_is_object(o)) {
		src_rd_fail(rd, NULL, "not an object");
		return false;
	}
	d->code = src_str(rd, o, "so_ho_so", SRC_MAX_CODE, true, false);
	d->source = xstrdup(source);
	d->procedure_code = src_str(rd, o, "ma_thu_tuc", SRC_MAX_CODE, false, false);
	d->procedure_name = src_str(rd, o, "ten_thu_tuc", SRC_MAX_SHORT, false, false);
	d->field_code = src_str(rd, o, "ma_linh_vuc", SRC_MAX_CODE, false, false);
	d->field_name = src_str(rd, o, "ten_linh_vuc", SRC_MAX_SHORT, false, false);
	d->applicant_name = src_str(rd, o, "ho_ten_nguoi_nop", SRC_MAX_SHORT, false, false);
	d->applicant_id = src_str(rd, o, "so_cccd", SRC_MAX_CODE, false, false);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->unit = src_str(rd, o, "don_vi_xu_ly", SRC_MAX_SHORT, false, false);
	d->area = src_area_from_unit(d->unit);
	s = src_str(rd, o, "hinh_thuc_nop", SRC_MAX_SHORT, false, false);
	d->channel = src_status_find(tinh_channel, s);
	free(s);
	d->raw_status = src_str(rd, o, "trang_thai", SRC_MAX_SHORT, true, false);
	d->status = src_status_find(tinh_status, d->raw_status);
	if (!rd->bad && d->status == 0)
		src_rd_fail(rd, "trang_thai", "unknown status");
	d->received_at = src_date(rd, o, "ngay_tiep_nhan", SRC_DATE_VN, false);
	/* received_at stays 0 until the desk received it: the clock has not started */
	d->source_due_at = src_date(rd, o, "ngay_hen_tra", SRC_DATE_VN, false);
	d->finished_at = src_date(rd, o, "ngay_ket_thuc", SRC_DATE_VN, false);
	d->updated_at = src_date(rd, o, "ngay_cap_nhat", SRC_DATE_VN, false);
	if (!src_int(rd, o, "le_phi", false, false, &fee))
		d->lists_absent |= DOSSIER_LIST_FEES;
	else if (fee > 0)
		dossier_add_fee(d, NULL, "Lệ phí", fee);
	/* no supplements in this dialect: the ones the clerk's actions made stay */
	d->lists_absent |= DOSSIER_LIST_SUPPLEMENTS;
	s = src_str(rd, o, "trang_thai_thanh_toan", SRC_MAX_SHORT, false, false);
	d->payment = src_status_find(tinh_payment, s);
	free(s);
	d->payment_channel = src_str(rd, o, "kenh_thanh_toan", SRC_MAX_SHORT, false, false);
	receipts = src_list(rd, o, "bien_lai", d, DOSSIER_LIST_PAYMENT);
	json_array_foreach(receipts, i, e)
		src_read_receipt(rd, e, &tinh_receipt, SRC_DATE_VN, d);
	/* the list of the feed has neither files nor history: the detail has */
	files = src_list(rd, o, "tep_dinh_kem", d, DOSSIER_LIST_ATTACHMENTS);
	json_array_foreach(files, i, e)
		src_read_file(rd, e, &tinh_file, d);
	hist = src_list(rd, o, "qua_trinh_xu_ly", d, DOSSIER_LIST_HISTORY);
	json_array_foreach(hist, i, e) {
		mc_time at = src_date(rd, e, "thoi_gian", SRC_DATE_VN, true);
		char *st = src_str(rd, e, "trang_thai", SRC_MAX_SHORT, false, false);
		char *who = src_str(rd, e, "nguoi_xu_ly", SRC_MAX_SHORT, false, false);
		char *what = src_str(rd, e, "noi_dung", SRC_MAX_TEXT, false, false);
		if (!rd->bad)
			dossier_add_event(d, at, who != NULL && who[0] != '\0' ? who : NULL, NULL,
					  what != NULL && what[0] != '\0' ? what : NULL,
					  src_status_find(tinh_status, st));
		free(st);
		free(who);
		free(what);
	}
	return !rd->bad;
}

/* The envelope: HTTP errors, then {"ket_qua":"thanh_cong"|"loi"}. */
static json_t *
open_reply(struct source *src, const struct net_response *resp, bool *repaired, int *rc,
	   char **cause)
{
	json_t *root;
	const char *kq;

	*rc = src_http_error(src, resp, cause);
	if (*rc != SOURCE_PARSE_OK)
		return NULL;
	root = src_json_parse(src, resp->body, resp->body_len, repaired, cause);
	if (root == NULL) {
		*rc = SOURCE_PARSE_ERROR;
		return NULL;
	}
	kq = json_string_value(json_object_get(root, "ket_qua"));
	if (kq == NULL || strcmp(kq, "thanh_cong") != 0) {
		char code[48];
		src_safe_code(json_string_value(json_object_get(root, "ma_loi")), code, sizeof code);
		*rc = strcmp(code, "KHONG_TIM_THAY") == 0 ? SOURCE_PARSE_NOT_FOUND
							   : SOURCE_PARSE_ERROR;
		*cause = src_cause(src, "error %s", code[0] != '\0' ? code : "(no ket_qua)");
		json_decref(root);
		return NULL;
	}
	return root;
}

static struct net_request *
tinh_pull_request(struct source *src, struct net *net, const char *watermark)
{
	int64_t since = src_position_since(src, src_wm_int(watermark, 0, 0));
	int64_t page = src_wm_step(src, watermark, 1, 1);
	int size = src->page_size > 0 ? src->page_size : TINH_PAGE;
	char *url;
	struct net_request *req;

	if (since > 0) {
		char vn[40];
		char *enc = src_urlencode(src_date_format(since, SRC_DATE_VN, vn, sizeof vn));
		url = src_url(src, "/api/DanhSachHoSo?trang=%" PRId64 "&so_dong=%d&tu_ngay=%s", page,
			      size, enc);
		free(enc);
	} else {
		url = src_url(src, "/api/DanhSachHoSo?trang=%" PRId64 "&so_dong=%d", page, size);
	}
	req = src_get(src, net, "pull", url);
	free(url);
	return req;
}

static int
tinh_pull_parse(struct source *src, const struct net_response *resp, const char *watermark,
		struct source_page *page, char **cause)
{
	bool repaired = false;
	int rc;
	json_t *root = open_reply(src, resp, &repaired, &rc, cause);
	json_t *items, *pg, *tp;
	mc_time page_max = 0;

	if (root == NULL)
		return rc == SOURCE_PARSE_NOT_FOUND ? SOURCE_PARSE_ERROR : rc;
	items = json_object_get(root, "du_lieu");
	pg = json_object_get(root, "trang");
	tp = json_object_get(root, "tong_so_trang");
	if (!json_is_array(items) || !json_is_integer(pg) || !json_is_integer(tp)) {
		json_decref(root);
		*cause = src_cause(src, "list reply without du_lieu/trang/tong_so_trang");
		return SOURCE_PARSE_ERROR;
	}
	src_page_items(src, page, items, repaired, read_dossier, "so_ho_so", "ngay_cap_nhat",
		       SRC_DATE_VN, &page_max);
	page->total = src_total(root, "tong_so");
	page->more = src_more_pages(json_integer_value(pg), json_integer_value(tp), page->total,
				    json_array_size(items));
	page->next_watermark = src_paged_next(src, watermark, page->more, page_max);
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
tinh_detail_request(struct source *src, struct net *net, const char *code, const char *version)
{
	char *url = src_code_url(src, "/api/ChiTietHoSo?so_ho_so=", code, "");
	struct net_request *req = src_get(src, net, "detail", url);

	(void)version;
	free(url);
	return req;
}

static int
tinh_detail_parse(struct source *src, const struct net_response *resp, struct dossier *out,
		  char **cause)
{
	bool repaired = false;
	int rc;
	json_t *root = open_reply(src, resp, &repaired, &rc, cause);

	if (root == NULL)
		return rc;
	rc = src_parse_one(src, json_object_get(root, "du_lieu"), repaired, read_dossier, NULL,
			   "dossier", out, cause);
	json_decref(root);
	return rc;
}

static struct net_request *
tinh_action_request(struct source *src, struct net *net, const struct source_action *act)
{
	char *url;
	struct net_request *req;

	if (act->action <= ACTION_NONE || act->action >= ACTION_COUNT ||
	    tinh_actions[act->action] == NULL)
		return NULL;
	url = src_url(src, "/api/XuLyHoSo");
	req = src_action_post(src, net, url);
	free(url);
	net_request_form_add(req, "so_ho_so", act->code);
	net_request_form_add(req, "thao_tac", tinh_actions[act->action]);
	if (act->reason != NULL)
		net_request_form_add(req, "ly_do", act->reason);
	if (act->actor != NULL)
		net_request_form_add(req, "nguoi_xu_ly", act->actor);
	if (act->idempotency_key != NULL)
		net_request_form_add(req, "ma_yeu_cau", act->idempotency_key);
	for (size_t i = 0; i < act->n_files; i++)
		net_request_form_add(req, "tep_ket_qua", act->file_ids[i]);
	return req;
}

static void
tinh_action_parse(struct source *src, const struct net_response *resp,
		  const struct source_action *act, struct source_result *out)
{
	bool repaired;
	char *cause = NULL;
	json_t *root;
	const char *kq, *code;
	char safe[48];

	(void)act;
	if (src_action_common(resp, out))
		return;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, &cause);
	kq = json_string_value(json_object_get(root, "ket_qua"));
	code = json_string_value(json_object_get(root, "ma_loi"));
	out->current_status =
		src_status_find(tinh_status, json_string_value(json_object_get(root, "trang_thai")));
	if (resp->status != 200 || kq == NULL) {
		/* a proxy page or garbage: we cannot know whether it was applied */
		out->outcome = SOURCE_UNKNOWN;
	} else if (strcmp(kq, "thanh_cong") == 0) {
		out->outcome = SOURCE_APPLIED;
	} else {
		out->outcome = SOURCE_REJECTED;
	}
	src_safe_code(code, safe, sizeof safe);
	out->message = src_cause(src, "%s%s%s", kq != NULL ? "" : "unreadable answer",
				 safe[0] != '\0' ? "error " : "", safe);
	free(cause);
	json_decref(root);
}

const struct source_ops source_ops_tinh = {
	.dialect = "tinh",
	.has_idempotency = false,
	.has_versions = false,
	.pull_request = tinh_pull_request,
	.pull_parse = tinh_pull_parse,
	.detail_request = tinh_detail_request,
	.detail_parse = tinh_detail_parse,
	.action_request = tinh_action_request,
	.action_parse = tinh_action_parse,
	.attachment_request = source_attachment_request,
};
