/*
 * dialect_dvcqg.c - the coordination system of the national portal: a
 * session login that takes an IdP access token for its own audience, then
 * every call is POST {session, madonvi, service, data} answered with HTTP 200
 * and {"error_code": "0" | other, "message": ...}.  PascalCase DVCQG field
 * names (DongBoHoSoMC), every scalar a string, dates yyyyMMddHHmmss in
 * Vietnam time, status codes 1..10, no ETag, no versions.  Its copy of a
 * dossier lags behind the handling system's (world.c), and the provincial
 * system's 5/6/8 arrive as 9.  LayDanhSachHoSo (the pull, with a TuNgay
 * watermark and page numbers) is the sandbox's own addition: no public pull
 * call is known.  doc/sandbox.md §dvcqg is the contract.
 */
#include "sandbox/dialect.h"
#include "sandbox/dialect_common.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "sandbox/gen.h"

#define SESSION_TTL 1800
#define PAGE_DEFAULT 100
#define PAGE_MAX 500
#define PROGRESS_MAX_ROWS 10
#define RESULT_FILES_MAX 64 /* result documents in one TraKetQua */

struct session {
	mc_time expires_at;
};

enum dv_error {
	DV_OK = 0,
	DV_SESSION = 1,   /* session missing, unknown or expired: log in again */
	DV_INPUT = 2,     /* missing or malformed field */
	DV_NOT_FOUND = 3,
	DV_NOT_ALLOWED = 4,
	DV_TOO_MANY = 5,
	DV_SERVICE = 6,   /* unknown service */
};

static void
reply(struct sbx_response *resp, enum dv_error code, const char *message, json_t *extra)
{
	char c[8];
	snprintf(c, sizeof(c), "%d", (int)code);
	json_t *j = json_pack("{s:s,s:s}", "error_code", c, "message", message);
	if (extra != NULL) {
		json_object_update(j, extra);
		json_decref(extra);
	}
	sbx_response_json(resp, 200, j);
}

static json_t *
str_int(long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", v);
	return json_string(buf);
}

static json_t *
date(mc_time t)
{
	char buf[32];
	return json_string(dialect_date_dvcqg(t, buf, sizeof(buf)));
}

/* A status as dvcqg shows it: the provincial system pushes its 5, 6, 8 as 9. */
static int
shown_status(const struct world_dossier *d, int status)
{
	if (world_source_of(d) == SRC_TINH &&
	    (status == STATUS_SUPPLEMENT || status == STATUS_PAYMENT || status == STATUS_STOPPED))
		return STATUS_DONE;
	return status;
}

/*
 * QuaTrinhXuLy: the handling system's history as far as dvcqg has heard of
 * it (steps up to its copy's last change, so the list never runs ahead of
 * TrangThaiHoSo), each status as dvcqg shows it.
 */
static json_t *
history_json(struct sandbox *sb, const struct world_dossier *d)
{
	struct world_step steps[64];
	size_t n = world_history(sb->world, d, steps, 64);
	json_t *hist = json_array();
	for (size_t i = 0; i < n && i < 64; i++) {
		if (steps[i].at > d->coord_updated_at)
			continue;
		const char *actor = steps[i].actor != NULL ? steps[i].actor : "";
		const char *bar = strchr(actor, '|');
		json_array_append_new(
			hist, json_pack("{s:o,s:o,s:s,s:s,s:o}", "ThoiDiemXuLy", date(steps[i].at),
					"NguoiXuLy",
					json_stringn(actor, bar ? (size_t)(bar - actor) : strlen(actor)),
					"PhongBanXuLy", steps[i].actor != NULL ? world_unit(d) : "",
					"NoiDungXuLy", steps[i].note != NULL ? steps[i].note : "",
					"TrangThai", str_int(shown_status(d, steps[i].status))));
	}
	return hist;
}

/* TrangThaiThanhToan, KenhThanhToan and DanhSachBienLai. */
static void
payment_json(struct sandbox *sb, const struct world_dossier *d, json_t *j)
{
	const char *channel = dialect_payment_channel(d);
	json_object_set_new(j, "TrangThaiThanhToan", str_int(d->payment));
	json_object_set_new(j, "KenhThanhToan", json_string(channel != NULL ? channel : ""));
	json_t *receipts = json_array();
	struct dialect_receipt r;
	if (dialect_receipt_of(sb, d, &r))
		json_array_append_new(receipts,
				      json_pack("{s:s,s:s,s:s,s:o,s:o,s:s}", "SoBienLai", r.number,
						"KyHieuBienLai", r.series, "DonViPhatHanh", r.issuer,
						"SoTien", str_int(r.amount), "NgayPhatHanh",
						date(r.issued_at), "MaGiaoDich", r.transaction_id));
	json_object_set_new(j, "DanhSachBienLai", receipts);
}

static json_t *
dossier_json(struct sandbox *sb, const struct world_dossier *d, bool full)
{
	const struct catalog_procedure *p = world_procedure(d);
	struct gen_person who;
	world_person(sb->world, d, &who);
	int cs = d->coord_status;
	bool finished = status_is_finished(cs);
	char summary[256];
	snprintf(summary, sizeof(summary), p->summary, who.name);
	json_t *j = json_object();
	json_object_set_new(j, "MaHoSo", json_string(d->code));
	json_object_set_new(j, "MaTTHC", json_string(p->code));
	json_object_set_new(j, "TenTTHC", json_string(p->name));
	json_object_set_new(j, "MaLinhVuc", json_string(p->field_code));
	json_object_set_new(j, "TenLinhVuc", json_string(p->field_name));
	json_object_set_new(j, "KenhThucHien", str_int(d->channel));
	json_object_set_new(j, "SoBienNhan", json_string(d->code));
	json_object_set_new(j, "ChuHoSo", json_string(who.name));
	json_object_set_new(j, "SoGiayToChuHoSo", json_string(who.id));
	json_object_set_new(j, "LoaiDoiTuong", json_string("1"));
	json_object_set_new(j, "MaDoiTuong", json_string(""));
	json_object_set_new(j, "ThongTinKhac", json_string(""));
	json_object_set_new(j, "Email", json_string(who.email));
	json_object_set_new(j, "Fax", json_string(""));
	json_object_set_new(j, "SoDienThoai", json_string(who.phone));
	json_object_set_new(j, "TrichYeuHoSo", json_string(summary));
	json_object_set_new(j, "NgayTiepNhan", date(d->received_at));
	json_object_set_new(j, "NgayHenTra", date(d->due_at));
	json_object_set_new(j, "TrangThaiHoSo", str_int(cs));
	json_object_set_new(j, "NgayTra", date(cs == STATUS_RETURNED ? d->returned_at : 0));
	json_object_set_new(j, "ThongTinTra", json_string(cs == STATUS_RETURNED ? "Trả trực tiếp" : ""));
	json_object_set_new(j, "HinhThuc", json_string("0"));
	json_object_set_new(j, "NgayKetThucXuLy", date(finished ? d->finished_at : 0));
	json_object_set_new(j, "DonViXuLy", json_string(world_unit(d)));
	json_object_set_new(j, "GhiChu", json_string(""));
	json_object_set_new(j, "NoiNopHoSo", json_string(catalog_communes[d->commune].agency));
	json_object_set_new(j, "HoSoCoThanhPhanSoHoa", json_string(d->channel == 2 ? "1" : "0"));
	json_object_set_new(j, "TaiKhoanDuocXacThucVoiVNeID", json_string(d->channel == 2 ? "1" : "0"));
	json_object_set_new(j, "DuocThanhToanTrucTuyen",
			    json_string(d->payment == PAYMENT_PAID && d->channel == 2 ? "1" : "3"));
	json_object_set_new(j, "NgayTuChoi", date(cs == STATUS_REFUSED ? d->finished_at : 0));
	json_object_set_new(j, "NgayNopHoSo", date(d->submitted_at));
	json_object_set_new(j, "DinhDanhCHS", json_pack("[{s:s,s:s}]", "LoaiDinhDanh", "1",
							"SoDinhDanh", who.id));
	json_object_set_new(j, "DSKetNoiCSDL", json_pack("[{s:s}]", "MaCSDL", "1"));
	/* Sandbox additions, so a pull can be resumed and joined. */
	json_object_set_new(j, "NgayCapNhat", date(d->coord_updated_at));
	json_object_set_new(j, "HeThongXuLy", json_string(catalog_source_name(world_source_of(d))));
	if (!full)
		return j;
	json_t *docs = json_array();
	for (size_t i = 0; i < sandbox_part_count(sb, d); i++) {
		char id[64], size[32];
		struct sandbox_part f;
		sandbox_part_info(sb, d, i, &f);
		sandbox_part_id(d, i, id, sizeof(id));
		snprintf(size, sizeof(size), "%lld", (long long)f.size);
		json_array_append_new(
			docs, json_pack("{s:s,s:s++,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "TepDinhKemId",
					id, "TenTepDinhKem", f.name, ".", f.ext, "IsDeleted", "false",
					"MaThanhPhanHoSo", f.code, "DuongDanTaiTepTin", "", "DuocSoHoa",
					"1", "DuocTaiSuDung", "0", "DuocLayTuKhoDMQG", "0",
					"MaKetQuaThayThe", "", "KichThuoc", size));
	}
	json_object_set_new(j, "TaiLieuNop", docs);
	json_t *fees = json_array();
	for (size_t i = 0; i < p->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:s,s:s,s:s,s:o,s:o}", "TenPhiLePhi",
						      p->fees[i].name, "MaPhiLePhi", p->fees[i].code,
						      "HinhThucThu", d->channel == 2 ? "2" : "1", "Gia",
						      str_int(world_fee_amount(d, i)), "LoaiPhiLePhi",
						      str_int(p->fees[i].kind)));
	json_object_set_new(j, "DanhSachLePhi", fees);
	json_t *supp = json_array();
	if (d->supp_req_at != 0)
		json_array_append_new(
			supp, json_pack("{s:s,s:s,s:s,s:o,s:s,s:s,s:o,s:s,s:[],s:[],s:o,s:o}",
					"HoSoBoSungId", "1", "NguoiYeuCauBoSung", "Cán bộ một cửa",
					"NoiDungBoSung",
					d->extra && d->extra->reason ? d->extra->reason
								     : "Bổ sung giấy tờ còn thiếu",
					"NgayBoSung", date(d->supp_req_at), "NguoiTiepNhanBoSung",
					d->supp_done_at ? "Cán bộ một cửa" : "", "ThongTinTiepNhan",
					"", "NgayTiepNhanBoSung", date(d->supp_done_at),
					"TrangThaiBoSung", d->supp_done_at ? "1" : "0",
					"DanhSachGiayToBoSung", "DanhSachLePhiBoSung",
					"NgayHenTraTruoc", date(0), "NgayHenTraMoi", date(d->due_at)));
	json_object_set_new(j, "DanhSachHoSoBoSung", supp);
	json_t *results = json_array();
	if (cs == STATUS_RETURNED && d->extra != NULL) {
		for (size_t i = 0; i < d->extra->n_result_files; i++)
			json_array_append_new(results, json_pack("{s:s,s:s,s:o,s:s,s:s}", "TenGiayTo",
								 d->extra->result_files[i],
								 "MaThanhPhanHoSo", "KQ", "GiayToId",
								 str_int((long long)i + 1),
								 "DuongDanTepTinKetQua",
								 d->extra->result_files[i],
								 "MaGiayToKetQua", ""));
	}
	json_object_set_new(j, "DanhSachGiayToKetQua", results);
	payment_json(sb, d, j);
	json_object_set_new(j, "QuaTrinhXuLy", history_json(sb, d));
	return j;
}

/* ---- services ------------------------------------------------------------ */

/* The dossier the envelope's MaHoSo names, if dvcqg holds a copy. */
static struct world_dossier *
find(struct sandbox *sb, json_t *data, uint32_t *idx)
{
	return dialect_find(sb, json_string_value(json_object_get(data, "MaHoSo")), SRC_DVCQG,
			    idx);
}

/* A number given as a JSON number or a numeric string. */
static int
num_field(json_t *data, const char *name, long min, long max, long def, long *out)
{
	json_t *v = json_object_get(data, name);
	char buf[32];
	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
		return sandbox_parse_long(buf, min, max, def, out);
	}
	return json_is_string(v) ? sandbox_parse_long(json_string_value(v), min, max, def, out) : -1;
}

static void
list(struct sandbox *sb, const struct sbx_request *req, json_t *data, struct sbx_response *resp)
{
	long page, size;
	mc_time from = 0;
	const char *tu = json_string_value(json_object_get(data, "TuNgay"));
	if (num_field(data, "TrangSo", 1, 10000000, 1, &page) != 0 ||
	    num_field(data, "SoLuong", 1, PAGE_MAX, PAGE_DEFAULT, &size) != 0 ||
	    (tu != NULL && tu[0] != '\0' && dialect_parse_dvcqg_date(tu, &from) != 0)) {
		reply(resp, DV_INPUT, "TuNgay (yyyyMMddHHmmss), TrangSo >= 1, SoLuong 1..500", NULL);
		return;
	}
	(void)req;
	mc_time after = from > 0 ? from - 1 : 0; /* inclusive */
	size_t total = world_feed_count(sb->world, SRC_DVCQG, 0, after);
	uint32_t *idx = xcalloc((size_t)size, sizeof(*idx));
	uint64_t last;
	bool more;
	size_t n = world_feed(sb->world, SRC_DVCQG, 0, after, (size_t)(page - 1) * (size_t)size,
			      (size_t)size, idx, &last, &more);
	json_t *rows = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(rows, dossier_json(sb, world_get(sb->world, idx[i]), false));
	free(idx);
	reply(resp, DV_OK, "Thành công",
	      json_pack("{s:o,s:o,s:o,s:o,s:o}", "TongSo", str_int((long long)total), "TrangSo",
			str_int(page), "SoLuong", str_int(size), "TongSoTrang",
			str_int((long long)((total + (size_t)size - 1) / (size_t)size)), "data",
			rows));
}

static void
lookup(struct sandbox *sb, json_t *data, struct sbx_response *resp)
{
	uint32_t idx;
	struct world_dossier *d = find(sb, data, &idx);
	if (d == NULL) {
		reply(resp, DV_NOT_FOUND, "Không tìm thấy hồ sơ", NULL);
		return;
	}
	sandbox_viewed(sb, idx);
	reply(resp, DV_OK, "Thành công", json_pack("{s:o}", "data", dossier_json(sb, d, true)));
}

static void
procedures(json_t *data, struct sbx_response *resp)
{
	const char *only = json_string_value(json_object_get(data, "MaTTHC"));
	json_t *arr = json_array();
	for (size_t i = 0; i < catalog_n_procedures; i++) {
		const struct catalog_procedure *p = &catalog_procedures[i];
		if (only != NULL && strcmp(only, p->code) != 0)
			continue;
		json_array_append_new(
			arr, json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s}", "MaTTHC", p->code, "TenTTHC",
				       p->name, "MaLinhVuc", p->field_code, "TenLinhVuc",
				       p->field_name, "ThoiHanGiaiQuyet", str_int(p->rule.duration),
				       "DonViThoiHan", deadline_unit_name(p->rule.unit), "GioTiepNhanCuoi",
				       p->rule.cutoff > 0 ? "15:00" : "", "HeThongXuLy",
				       catalog_source_name(p->source)));
	}
	reply(resp, DV_OK, "Thành công", json_pack("{s:o}", "data", arr));
}

/* DongBoHoSoMC (dossier objects) and CapNhatTienDoHoSoMC (progress rows). */
static void
push(struct sandbox *sb, const struct sbx_request *req, json_t *env, bool progress,
     struct sbx_response *resp)
{
	json_t *rows = json_object_get(env, "data");
	if (json_is_object(rows) && json_is_array(json_object_get(rows, "data")))
		rows = json_object_get(rows, "data");
	if (!json_is_array(rows)) {
		reply(resp, DV_INPUT, "data phải là một danh sách", NULL);
		return;
	}
	if (progress && json_array_size(rows) > PROGRESS_MAX_ROWS) {
		reply(resp, DV_TOO_MANY, "Tối đa 10 dòng tiến độ mỗi lần gọi", NULL);
		return;
	}
	size_t ok = 0;
	json_t *errs = json_array();
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		const char *code = json_string_value(json_object_get(row, "MaHoSo"));
		long status;
		int64_t idx = code != NULL ? world_find(sb->world, code) : -1;
		if (idx < 0) {
			json_array_append_new(errs, json_pack("{s:s,s:s}", "MaHoSo", code ? code : "",
							      "message", "Không tìm thấy hồ sơ"));
			continue;
		}
		if (num_field(row, progress ? "TrangThai" : "TrangThaiHoSo", 1, 10, 0, &status) != 0 ||
		    status == 0) {
			json_array_append_new(errs, json_pack("{s:s,s:s}", "MaHoSo", code, "message",
							      "Trạng thái không hợp lệ"));
			continue;
		}
		world_coord_push(sb->world, (uint32_t)idx, (int)status, req->now);
		ok++;
	}
	sb->dvcqg_pushes += ok;
	reply(resp, DV_OK, "Thành công",
	      json_pack("{s:o,s:o}", "SoLuongThanhCong", str_int((long long)ok), "DanhSachLoi", errs));
}

static const char *const verbs[ACTION_COUNT] = {
	[ACTION_RECEIVE] = "TiepNhan",          [ACTION_REFUSE] = "TuChoi",
	[ACTION_REQUEST_SUPPLEMENT] = "YeuCauBoSung", [ACTION_SUPPLEMENT_RECEIVED] = "NhanBoSung",
	[ACTION_FORWARD] = "ChuyenXuLy",        [ACTION_APPROVE] = "PheDuyet",
	[ACTION_REQUEST_PAYMENT] = "YeuCauNopPhi", [ACTION_STOP] = "DungXuLy",
	[ACTION_RETURN_RESULT] = "TraKetQua",   [ACTION_WITHDRAW] = "RutHoSo",
};

/*
 * The names of the result files an action carries, borrowed from data, into
 * *names (malloc'd, the caller frees; at least one entry) and *n:
 * DanhSachGiayToKetQua [{TenGiayTo, ...}, ...] in order, else the older
 * single TenGiayToKetQua, else the sandbox's default "ket-qua.pdf".
 * Returns NULL, or the error message for a list of the wrong shape.
 */
static const char *
result_names(json_t *data, const char ***names, size_t *n)
{
	json_t *list = json_object_get(data, "DanhSachGiayToKetQua");
	const char *one = json_string_value(json_object_get(data, "TenGiayToKetQua"));
	size_t count = json_is_array(list) ? json_array_size(list) : 0;

	*n = 0;
	*names = xcalloc(count > 0 ? count : 1, sizeof(**names));
	if (list != NULL && !json_is_null(list) && !json_is_array(list))
		return "DanhSachGiayToKetQua phải là một danh sách";
	if (count > RESULT_FILES_MAX)
		return "DanhSachGiayToKetQua: tối đa 64 giấy tờ";
	for (size_t i = 0; i < count; i++) {
		const char *name =
			json_string_value(json_object_get(json_array_get(list, i), "TenGiayTo"));
		if (name == NULL || name[0] == '\0')
			return "Mỗi giấy tờ trong DanhSachGiayToKetQua cần TenGiayTo";
		(*names)[(*n)++] = name;
	}
	if (*n == 0)
		(*names)[(*n)++] = one != NULL && one[0] != '\0' ? one : "ket-qua.pdf";
	return NULL;
}

static void
act(struct sandbox *sb, const struct sbx_request *req, json_t *data, struct sbx_response *resp)
{
	uint32_t idx;
	struct world_dossier *d = find(sb, data, &idx);
	enum action a =
		dialect_action_named(verbs, json_string_value(json_object_get(data, "HanhDong")));
	if (d == NULL) {
		reply(resp, DV_NOT_FOUND, "Không tìm thấy hồ sơ", NULL);
		return;
	}
	if (a == ACTION_NONE) {
		reply(resp, DV_INPUT, "HanhDong không hợp lệ", NULL);
		return;
	}
	const char **files = NULL;
	size_t n_files = 0;
	const char *bad = result_names(data, &files, &n_files);
	if (bad != NULL) {
		free(files);
		reply(resp, DV_INPUT, bad, NULL);
		return;
	}
	struct world_act wa = {
		.action = a,
		.via = SRC_DVCQG,
		.actor = dialect_actor(json_string_value(json_object_get(data, "NguoiXuLy"))),
		.reason = json_string_value(json_object_get(data, "NoiDung")),
		.result_files = files,
		.n_result_files = a == ACTION_RETURN_RESULT ? n_files : 0,
	};
	const char *ref = json_string_value(json_object_get(data, "MaYeuCau"));
	enum world_act_result r = sandbox_act(sb, SRC_DVCQG, idx, &wa, ref, req->now);
	free(files);
	d = world_get(sb->world, idx);
	if (r == WORLD_ACT_OK) {
		world_coord_push(sb->world, idx, d->status, req->now);
		reply(resp, DV_OK, "Thành công",
		      json_pack("{s:o}", "TrangThaiHoSo", str_int(d->status)));
	} else if (r == WORLD_ACT_NEED_REASON) {
		reply(resp, DV_INPUT, "Thao tác cần NoiDung", NULL);
	} else {
		reply(resp, DV_NOT_ALLOWED, "Thao tác không phù hợp với trạng thái hồ sơ",
		      json_pack("{s:o}", "TrangThaiHoSo", str_int(d->coord_status)));
	}
}

/* ---- sessions and the envelope --------------------------------------------- */

static void
login(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	json_t *body = sbx_request_json(req, NULL);
	const char *token = body ? json_string_value(json_object_get(body, "token")) : NULL;
	if (token == NULL) {
		json_decref(body);
		reply(resp, DV_INPUT, "Thiếu token", NULL);
		return;
	}
	/* Check the token the way every system does: as a Bearer header. */
	size_t len = strlen(token) + 8;
	char *bearer = xmalloc(len);
	snprintf(bearer, len, "Bearer %s", token);
	struct sbx_header h = {"Authorization", bearer};
	struct sbx_request probe = *req;
	probe.headers = &h;
	probe.n_headers = 1;
	struct sbx_response scratch;
	sbx_response_init(&scratch);
	int rc = sandbox_auth(sb, &probe, catalog_source_name(SRC_DVCQG), &scratch);
	sbx_response_release(&scratch);
	xfree_secret(bearer);
	json_decref(body);
	if (rc != 0) {
		reply(resp, DV_SESSION, "Token không hợp lệ hoặc đã hết hạn", NULL);
		return;
	}
	unsigned char raw[16];
	char id[40];
	RAND_bytes(raw, sizeof(raw));
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
	struct session *s = xcalloc(1, sizeof(*s));
	s->expires_at = req->now + SESSION_TTL;
	free(smap_put(sb->sessions, id, s));
	reply(resp, DV_OK, "Thành công",
	      json_pack("{s:s,s:i}", "session", id, "expires_in", SESSION_TTL));
}

static bool
known_unit(const char *unit)
{
	if (unit == NULL)
		return false;
	if (strcmp(unit, "H56") == 0)
		return true;
	for (size_t i = 0; i < catalog_n_communes; i++)
		if (strcmp(catalog_communes[i].agency, unit) == 0)
			return true;
	return false;
}

void
dialect_dvcqg_handle(struct sandbox *sb, const struct sbx_request *req,
		     struct sbx_response *resp)
{
	if (strcmp(req->method, "POST") != 0) {
		sbx_response_text(resp, 405, "text/plain; charset=utf-8", "POST only\n");
		return;
	}
	if (strcmp(req->path, "/dvcqg/login") == 0) {
		login(sb, req, resp);
		return;
	}
	if (strcmp(req->path, "/dvcqg/api") != 0) {
		sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
		return;
	}
	json_t *env = sbx_request_json(req, NULL);
	const char *sid = env ? json_string_value(json_object_get(env, "session")) : NULL;
	struct session *s = sid != NULL ? smap_get(sb->sessions, sid) : NULL;
	if (s == NULL || s->expires_at <= req->now) {
		if (s != NULL)
			free(smap_del(sb->sessions, sid));
		reply(resp, env == NULL ? DV_INPUT : DV_SESSION,
		      env == NULL ? "Dữ liệu không hợp lệ" : "Phiên làm việc không hợp lệ hoặc đã hết hạn",
		      NULL);
		goto out;
	}
	s->expires_at = req->now + SESSION_TTL; /* sliding */
	if (!known_unit(json_string_value(json_object_get(env, "madonvi")))) {
		reply(resp, DV_INPUT, "madonvi không hợp lệ", NULL);
		goto out;
	}
	const char *service = json_string_value(json_object_get(env, "service"));
	json_t *data = json_object_get(env, "data");
	if (service == NULL) {
		reply(resp, DV_INPUT, "Thiếu service", NULL);
	} else if (strcmp(service, "LayDanhSachHoSo") == 0) {
		list(sb, req, data, resp);
	} else if (strcmp(service, "TraCuuHoSo") == 0) {
		lookup(sb, data, resp);
	} else if (strcmp(service, "LayThuTuc") == 0) {
		procedures(data, resp);
	} else if (strcmp(service, "DongBoHoSoMC") == 0) {
		push(sb, req, env, false, resp);
	} else if (strcmp(service, "CapNhatTienDoHoSoMC") == 0) {
		push(sb, req, env, true, resp);
	} else if (strcmp(service, "XuLyHoSo") == 0) {
		act(sb, req, data, resp);
	} else {
		reply(resp, DV_SERVICE, "Dịch vụ không tồn tại", NULL);
	}
out:
	json_decref(env);
}
