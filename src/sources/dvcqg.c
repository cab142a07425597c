/*
 * dvcqg.c - the national portal's coordination system (doc/sandbox.md
 * section 4): a session login with the system's token, then every call is a
 * POST of the envelope {session, madonvi, service, data}; answers are HTTP
 * 200 with error_code "0" on success; PascalCase DVCQG field names, every
 * scalar a string, dates yyyyMMddHHmmss in Vietnam time, status codes 1..10,
 * no ETag, no idempotency (MaYeuCau is only recorded).
 *
 * dvcqg is the coordination copy, not the record: its dossiers come out with
 * source "dvcqg" and coord_status = status; the sync engine merges them with
 * the handling system's record (src/sync/merge.c).
 *
 * Watermark: "SINCE|PAGE|MAXSEEN" on NgayCapNhat (inclusive), epoch seconds.
 * No I/O here (source.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

#define DVCQG_PAGE 500
#define DVCQG_UNIT "H56"

/* HanhDong per enum action. */
static const char *const dvcqg_actions[ACTION_COUNT] = {
	[ACTION_RECEIVE] = "TiepNhan",     [ACTION_REFUSE] = "TuChoi",
	[ACTION_REQUEST_SUPPLEMENT] = "YeuCauBoSung", [ACTION_SUPPLEMENT_RECEIVED] = "NhanBoSung",
	[ACTION_FORWARD] = "ChuyenXuLy",   [ACTION_APPROVE] = "PheDuyet",
	[ACTION_REQUEST_PAYMENT] = "YeuCauNopPhi", [ACTION_STOP] = "DungXuLy",
	[ACTION_RETURN_RESULT] = "TraKetQua", [ACTION_WITHDRAW] = "RutHoSo",
};

static int64_t
str_int(struct src_rd *rd, json_t *o, const char *key, int64_t def)
{
	int64_t v = def;
	src_int(rd, o, key, true, false, &v);
	return v;
}

static const struct src_supplement_keys dvcqg_supplement = {"NgayBoSung", "NgayTiepNhanBoSung",
							    "NoiDungBoSung"};

static const struct src_receipt_keys dvcqg_receipt = {"SoBienLai", "KyHieuBienLai",
						      "DonViPhatHanh", "SoTien", "NgayPhatHanh"};

/* QuaTrinhXuLy: one CapNhatTienDoHoSoMC step each. */
static void
read_history(struct src_rd *rd, json_t *o, struct dossier *d)
{
	size_t i;
	json_t *e;
	json_t *hist = src_list(rd, o, "QuaTrinhXuLy", d, DOSSIER_LIST_HISTORY);

	json_array_foreach(hist, i, e) {
		mc_time at = src_date(rd, e, "ThoiDiemXuLy", SRC_DATE_COMPACT, true);
		char *who = src_str(rd, e, "NguoiXuLy", SRC_MAX_SHORT, false, false);
		char *unit = src_str(rd, e, "PhongBanXuLy", SRC_MAX_SHORT, false, false);
		char *what = src_str(rd, e, "NoiDungXuLy", SRC_MAX_TEXT, false, false);
		int64_t st = 0;

		src_int(rd, e, "TrangThai", true, false, &st);
		if (!rd->bad)
			dossier_add_event(d, at, who != NULL && who[0] != '\0' ? who : NULL,
					  unit != NULL && unit[0] != '\0' ? unit : NULL,
					  what != NULL && what[0] != '\0' ? what : NULL,
					  status_valid((int)st) ? (int)st : 0);
		free(who);
		free(unit);
		free(what);
	}
}

/*
 * TrangThaiThanhToan (the payment platform's TrangThaiGD: 1 paid, 3
 * pending, 4 failed; 0 nothing due), KenhThanhToan and DanhSachBienLai come
 * with the detail; the list's records say nothing of the payment.
 */
static void
read_payment(struct src_rd *rd, json_t *o, struct dossier *d)
{
	size_t i;
	json_t *e;
	json_t *receipts = src_list(rd, o, "DanhSachBienLai", d, DOSSIER_LIST_PAYMENT);
	int64_t st = -1;
	char *ch;

	if (src_int(rd, o, "TrangThaiThanhToan", true, false, &st)) {
		if (st == 0 || st == PAYMENT_PAID || st == PAYMENT_PENDING || st == PAYMENT_FAILED)
			d->payment = (int)st;
		else
			d->payment = PAYMENT_UNKNOWN;
	}
	ch = src_str(rd, o, "KenhThanhToan", SRC_MAX_SHORT, false, false);
	if (ch != NULL && ch[0] != '\0')
		d->payment_channel = ch;
	else
		free(ch);
	json_array_foreach(receipts, i, e)
		src_read_receipt(rd, e, &dvcqg_receipt, SRC_DATE_COMPACT, d);
}

static void
read_lists(struct src_rd *rd, json_t *o, struct dossier *d)
{
	size_t i;
	json_t *e;
	json_t *files = src_list(rd, o, "TaiLieuNop", d, DOSSIER_LIST_ATTACHMENTS);
	json_t *fees = src_list(rd, o, "DanhSachLePhi", d, DOSSIER_LIST_FEES);
	json_t *sups = src_list(rd, o, "DanhSachHoSoBoSung", d, DOSSIER_LIST_SUPPLEMENTS);

	json_array_foreach(files, i, e) {
		char *id = src_str(rd, e, "TepDinhKemId", SRC_MAX_SHORT, true, true);
		char *name = src_str(rd, e, "TenTepDinhKem", SRC_MAX_SHORT, false, false);
		char *comp = src_str(rd, e, "MaThanhPhanHoSo", SRC_MAX_CODE, false, false);
		char *url = src_str(rd, e, "DuongDanTaiTepTin", SRC_MAX_URL, false, false);
		char *del = src_str(rd, e, "IsDeleted", SRC_MAX_CODE, false, false);
		int64_t size = str_int(rd, e, "KichThuoc", -1);
		if (!rd->bad && !(del != NULL && strcmp(del, "true") == 0))
			dossier_add_attachment(d, id, name, comp,
					       url != NULL && url[0] != '\0' ? url : NULL, size);
		free(id);
		free(name);
		free(comp);
		free(url);
		free(del);
	}
	json_array_foreach(fees, i, e) {
		char *code = src_str(rd, e, "MaPhiLePhi", SRC_MAX_CODE, false, false);
		char *name = src_str(rd, e, "TenPhiLePhi", SRC_MAX_SHORT, false, false);
		int64_t amount = str_int(rd, e, "Gia", 0);
		if (!rd->bad)
			dossier_add_fee(d, code, name, amount);
		free(code);
		free(name);
	}
	json_array_foreach(sups, i, e)
		src_read_supplement(rd, e, &dvcqg_supplement, SRC_DATE_COMPACT, d);
	read_history(rd, o, d);
	read_payment(rd, o, d);
}

static bool
read_dossier(struct src_rd *rd, json_t *o, const char *source, struct dossier *d)
{
	int64_t v;

	if (!json_is_object(o)) {
		src_rd_fail(rd, NULL, "not an object");
		return false;
	}
	d->code = src_str(rd, o, "MaHoSo", SRC_MAX_CODE, true, false);
	d->source = xstrdup(source);
	d->procedure_code = src_str(rd, o, "MaTTHC", SRC_MAX_CODE, false, false);
	d->procedure_name = src_str(rd, o, "TenTTHC", SRC_MAX_SHORT, false, false);
	d->field_code = src_str(rd, o, "MaLinhVuc", SRC_MAX_CODE, false, false);
	d->field_name = src_str(rd, o, "TenLinhVuc", SRC_MAX_SHORT, false, false);
	d->applicant_name = src_str(rd, o, "ChuHoSo", SRC_MAX_SHORT, false, false);
	d->applicant_id = src_str(rd, o, "SoGiayToChuHoSo", SRC_MAX_CODE, false, true);
	v = str_int(rd, o, "LoaiDoiTuong", 0);
	d->applicant_kind = v >= 1 && v <= 4 ? (int)v : APPLICANT_UNKNOWN;
	d->summary = src_str(rd, o, "TrichYeuHoSo", SRC_MAX_TEXT, false, false);
	d->unit = src_str(rd, o, "DonViXuLy", SRC_MAX_SHORT, false, false);
	d->area = src_area_from_unit(d->unit);
	v = str_int(rd, o, "KenhThucHien", 0);
	d->channel = v >= 1 && v <= 3 ? (int)v : CHANNEL_UNKNOWN;
	d->raw_status = src_str(rd, o, "TrangThaiHoSo", SRC_MAX_CODE, true, true);
	if (!rd->bad) {
		char *end;
		long st = strtol(d->raw_status, &end, 10);
		if (*end != '\0' || !status_valid((int)st))
			src_rd_fail(rd, "TrangThaiHoSo", "unknown status");
		else
			d->status = d->coord_status = (int)st;
	}
	d->received_at = src_date(rd, o, "NgayTiepNhan", SRC_DATE_COMPACT, false);
	/* received_at stays 0 until the desk received it: the clock has not started */
	d->source_due_at = src_date(rd, o, "NgayHenTra", SRC_DATE_COMPACT, false);
	d->finished_at = src_date(rd, o, "NgayKetThucXuLy", SRC_DATE_COMPACT, false);
	d->updated_at = src_date(rd, o, "NgayCapNhat", SRC_DATE_COMPACT, false);
	read_lists(rd, o, d);
	return !rd->bad;
}

/* POST base/api with the envelope; `data` is stolen. */
static struct net_request *
envelope(struct source *src, struct net *net, const char *kind, const char *service,
	 json_t *data)
{
	char *url = src_url(src, "/api");
	struct net_request *req = net_request_new(net, "POST", url);
	json_t *o = json_pack("{s:s?, s:s, s:s, s:o}", "session", src->session, "madonvi",
			      DVCQG_UNIT, "service", service, "data", data);
	char *body = json_dumps(o, JSON_COMPACT);

	free(url);
	json_decref(o);
	net_request_source(req, src->name);
	net_request_kind(req, kind);
	(void)net_request_header(req, "Accept", "application/json");
	net_request_body(req, "application/json", body, strlen(body));
	explicit_bzero(body, strlen(body)); /* it held the session */
	free(body);
	net_request_max_body(req, SRC_MAX_PAGE_BODY);
	src_slow_link_timeouts(req);
	return req;
}

/* Open an answer: HTTP, JSON, error_code.  "1" is a dead session. */
static json_t *
open_reply(struct source *src, const struct net_response *resp, bool *repaired, int *rc,
	   char **cause)
{
	json_t *root;
	const char *ec;

	*rc = src_http_error(src, resp, cause);
	if (*rc != SOURCE_PARSE_OK)
		return NULL;
	root = src_json_parse(src, resp->body, resp->body_len, repaired, cause);
	if (root == NULL) {
		*rc = SOURCE_PARSE_ERROR;
		return NULL;
	}
	ec = json_string_value(json_object_get(root, "error_code"));
	if (ec == NULL || (strcmp(ec, "0") != 0 && strcmp(ec, "00") != 0)) {
		char safe[16];
		src_safe_code(ec, safe, sizeof safe);
		*rc = ec != NULL && strcmp(ec, "1") == 0   ? SOURCE_PARSE_AUTH
		      : ec != NULL && strcmp(ec, "3") == 0 ? SOURCE_PARSE_NOT_FOUND
							   : SOURCE_PARSE_ERROR;
		*cause = src_cause(src, "error_code %s", safe[0] != '\0' ? safe : "(none)");
		json_decref(root);
		return NULL;
	}
	return root;
}

static struct net_request *
dvcqg_login_request(struct source *src, struct net *net)
{
	char *url = src_url(src, "/login");
	struct net_request *req = net_request_new(net, "POST", url);
	json_t *o = json_pack("{s:s?}", "token", src->token);
	char *body = json_dumps(o, JSON_COMPACT);

	free(url);
	json_decref(o);
	net_request_source(req, src->name);
	net_request_kind(req, "auth");
	net_request_body(req, "application/json", body, strlen(body));
	explicit_bzero(body, strlen(body));
	free(body);
	src_read_retry(req); /* a login changes nothing: safe to resend */
	return req;
}

static int
dvcqg_login_parse(struct source *src, const struct net_response *resp, char **cause)
{
	bool repaired;
	int rc;
	json_t *root = open_reply(src, resp, &repaired, &rc, cause);
	const char *session;

	if (root == NULL)
		return rc;
	session = json_string_value(json_object_get(root, "session"));
	if (session == NULL || session[0] == '\0' || strlen(session) > 512) {
		json_decref(root);
		*cause = src_cause(src, "login answer without a session");
		return SOURCE_PARSE_ERROR;
	}
	source_set_session(src, session);
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
dvcqg_pull_request(struct source *src, struct net *net, const char *watermark)
{
	int64_t since = src_position_since(src, src_wm_int(watermark, 0, 0));
	int64_t page = src_wm_step(src, watermark, 1, 1);
	char tu[40] = "";
	struct net_request *req;

	if (since > 0)
		src_date_format(since, SRC_DATE_COMPACT, tu, sizeof tu);
	req = envelope(src, net, "pull", "LayDanhSachHoSo",
		       json_pack("{s:s, s:I, s:i}", "TuNgay", tu, "TrangSo", (json_int_t)page,
				 "SoLuong", src->page_size > 0 ? src->page_size : DVCQG_PAGE));
	src_read_retry(req); /* a read, safe to resend */
	return req;
}

static int
dvcqg_pull_parse(struct source *src, const struct net_response *resp, const char *watermark,
		 struct source_page *page, char **cause)
{
	bool repaired = false;
	int rc;
	json_t *root = open_reply(src, resp, &repaired, &rc, cause);
	json_t *items;
	int64_t pg = 0, tp = 0, total = -1;
	struct src_rd top;
	mc_time page_max = 0;

	if (root == NULL)
		return rc == SOURCE_PARSE_NOT_FOUND ? SOURCE_PARSE_ERROR : rc;
	items = json_object_get(root, "data");
	src_rd_init(&top, repaired);
	src_int(&top, root, "TrangSo", true, true, &pg);
	src_int(&top, root, "TongSoTrang", true, true, &tp);
	{
		/* the total of items is optional: a bad one only goes unused */
		struct src_rd opt;
		src_rd_init(&opt, repaired);
		if (!src_int(&opt, root, "TongSo", true, false, &total))
			total = -1;
	}
	if (!json_is_array(items) || top.bad) {
		json_decref(root);
		*cause = src_cause(src, "LayDanhSachHoSo answer without data/TrangSo/TongSoTrang");
		return SOURCE_PARSE_ERROR;
	}
	src_page_items(src, page, items, repaired, read_dossier, "MaHoSo", "NgayCapNhat",
		       SRC_DATE_COMPACT, &page_max);
	page->more = src_more_pages(pg, tp, total, json_array_size(items));
	page->next_watermark = src_paged_next(src, watermark, page->more, page_max);
	json_decref(root);
	return SOURCE_PARSE_OK;
}

static struct net_request *
dvcqg_detail_request(struct source *src, struct net *net, const char *code, const char *version)
{
	struct net_request *req =
		envelope(src, net, "detail", "TraCuuHoSo", json_pack("{s:s}", "MaHoSo", code));

	(void)version;
	src_read_retry(req);
	return req;
}

static int
dvcqg_detail_parse(struct source *src, const struct net_response *resp, struct dossier *out,
		   char **cause)
{
	bool repaired = false;
	int rc;
	json_t *root = open_reply(src, resp, &repaired, &rc, cause);

	if (root == NULL)
		return rc;
	rc = src_parse_one(src, json_object_get(root, "data"), repaired, read_dossier, NULL,
			   "dossier", out, cause);
	json_decref(root);
	return rc;
}

/*
 * DanhSachGiayToKetQua: one DVCQG result-document object per file (the
 * result and its detached signature are two), in the order queued.  The
 * system knows a file by its name only (no upload, no content): TenGiayTo
 * and DuongDanTepTinKetQua carry it; the codes we do not know stay "".
 */
static json_t *
result_list(const struct source_action *act)
{
	json_t *list = json_array();

	for (size_t i = 0; i < act->n_files; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "TenGiayTo",
						      act->file_ids[i], "MaThanhPhanHoSo", "",
						      "GiayToId", "", "DuongDanTepTinKetQua",
						      act->file_ids[i], "MaGiayToKetQua", ""));
	return list;
}

static struct net_request *
dvcqg_action_request(struct source *src, struct net *net, const struct source_action *act)
{
	json_t *data;

	if (act->action <= ACTION_NONE || act->action >= ACTION_COUNT ||
	    dvcqg_actions[act->action] == NULL)
		return NULL;
	data = json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "MaHoSo", act->code, "HanhDong",
			 dvcqg_actions[act->action], "NoiDung", act->reason, "NguoiXuLy",
			 act->actor, "MaYeuCau", act->idempotency_key);
	if (act->n_files > 0)
		json_object_set_new(data, "DanhSachGiayToKetQua", result_list(act));
	return envelope(src, net, "action", "XuLyHoSo", data);
}

static void
dvcqg_action_parse(struct source *src, const struct net_response *resp,
		   const struct source_action *act, struct source_result *out)
{
	bool repaired;
	char *cause = NULL;
	json_t *root;
	const char *ec, *st;
	char safe[16];

	(void)act;
	if (src_action_common(resp, out))
		return;
	root = src_json_parse(src, resp->body, resp->body_len, &repaired, &cause);
	ec = json_string_value(json_object_get(root, "error_code"));
	st = json_string_value(json_object_get(root, "TrangThaiHoSo"));
	if (st != NULL) {
		char *end;
		long v = strtol(st, &end, 10);
		out->current_status = *end == '\0' && status_valid((int)v) ? (int)v : 0;
	}
	if (ec == NULL)
		out->outcome = SOURCE_UNKNOWN;
	else if (strcmp(ec, "0") == 0 || strcmp(ec, "00") == 0)
		out->outcome = SOURCE_APPLIED;
	else if (strcmp(ec, "1") == 0)
		out->outcome = SOURCE_AUTH;
	else
		out->outcome = SOURCE_REJECTED;
	src_safe_code(ec, safe, sizeof safe);
	out->message = src_cause(src, "error_code %s", safe[0] != '\0' ? safe : "(none)");
	free(cause);
	json_decref(root);
}

const struct source_ops source_ops_dvcqg = {
	.dialect = "dvcqg",
	.has_idempotency = false,
	.has_versions = false,
	.login_request = dvcqg_login_request,
	.login_parse = dvcqg_login_parse,
	.pull_request = dvcqg_pull_request,
	.pull_parse = dvcqg_pull_parse,
	.detail_request = dvcqg_detail_request,
	.detail_parse = dvcqg_detail_parse,
	.action_request = dvcqg_action_request,
	.action_parse = dvcqg_action_parse,
	.attachment_request = NULL, /* dvcqg serves no attachment bytes */
	.coordination = true,
};
