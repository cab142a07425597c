/*
 * dossier.h - one administrative dossier (hồ sơ TTHC), as the console knows it.
 *
 * Plain data shared by every layer: connectors fill it from their dialect, the
 * store saves and loads it, the UI draws it.  Field names follow DVCQG where a
 * DVCQG field exists (noted in comments).  Every string is owned by the dossier
 * (heap, UTF-8, may be NULL); dossier_release() frees them all.
 */
#ifndef MOTCUA_DOSSIER_H
#define MOTCUA_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"

/* LoaiDoiTuong */
enum applicant_kind {
	APPLICANT_UNKNOWN = 0,
	APPLICANT_INDIVIDUAL = 1,
	APPLICANT_ENTERPRISE = 2,
	APPLICANT_AGENCY = 3,
	APPLICANT_ORGANISATION = 4,
};

/* KenhThucHien */
enum channel {
	CHANNEL_UNKNOWN = 0,
	CHANNEL_IN_PERSON = 1,
	CHANNEL_ONLINE = 2,
	CHANNEL_POSTAL = 3,
};

/* Payment platform TrangThaiGD; PAYMENT_NONE when nothing is due. */
enum payment_state {
	PAYMENT_NONE = 0,
	PAYMENT_PAID = 1,
	PAYMENT_UNKNOWN = 2,  /* fees owed, the system does not say whether paid */
	PAYMENT_PENDING = 3,
	PAYMENT_FAILED = 4,
};

struct dossier_fee {            /* DanhSachLePhi */
	char *code;             /* MaPhiLePhi */
	char *name;             /* TenPhiLePhi */
	int64_t amount;         /* Gia, in đồng */
};

struct dossier_attachment {     /* TaiLieuNop */
	char *id;               /* TepDinhKemId */
	char *name;             /* TenTepDinhKem */
	char *component_code;   /* MaThanhPhanHoSo */
	char *url;              /* DuongDanTaiTepTin, relative to the source */
	int64_t size;           /* bytes; -1 unknown */
};

struct dossier_event {          /* CapNhatTienDoHoSoMC */
	mc_time at;             /* ThoiDiemXuLy */
	char *actor;            /* NguoiXuLy */
	char *unit;             /* PhongBanXuLy */
	char *content;          /* NoiDungXuLy */
	int status;             /* TrangThai, canonical */
};

/* An electronic receipt (biên lai điện tử) for fees paid. */
struct dossier_receipt {
	char *number;           /* Số biên lai */
	char *series;           /* Ký hiệu biên lai */
	char *issuer;           /* the unit that issued it */
	int64_t amount;         /* in đồng */
	mc_time issued_at;      /* 0 unknown */
};

/*
 * The lists a record from a system did not carry at all (a change feed's
 * item is shorter than the dossier's detail): the store keeps what it had
 * for those.  A list that is present but empty is carried (and empties it).
 * DOSSIER_LIST_PAYMENT covers the payment channel and the receipts.
 */
enum dossier_list {
	DOSSIER_LIST_HISTORY = 1 << 0,
	DOSSIER_LIST_ATTACHMENTS = 1 << 1,
	DOSSIER_LIST_FEES = 1 << 2,
	DOSSIER_LIST_SUPPLEMENTS = 1 << 3,
	DOSSIER_LIST_PAYMENT = 1 << 4,
	DOSSIER_LIST_ALL = (1 << 5) - 1,
};

struct dossier_supplement {     /* DanhSachHoSoBoSung */
	mc_time requested_at;   /* NgayBoSung */
	mc_time completed_at;   /* NgayTiepNhanBoSung; 0 while pending */
	char *reason;           /* NoiDungBoSung */
};

struct dossier {
	char *code;             /* MaHoSo, e.g. "H56.14-260312-00042" */
	char *source;           /* handling system: "tuphap", "congan", ... */
	char *procedure_code;   /* MaTTHC */
	char *procedure_name;   /* TenTTHC */
	char *field_code;       /* MaLinhVuc */
	char *field_name;       /* TenLinhVuc */
	char *applicant_name;   /* ChuHoSo */
	char *applicant_id;     /* SoGiayToChuHoSo / DinhDanhCHS; personal data */
	int applicant_kind;     /* enum applicant_kind */
	char *area;             /* commune / address of the applicant */
	char *summary;          /* TrichYeuHoSo */
	char *unit;             /* DonViXuLy */
	int channel;            /* enum channel */

	mc_time received_at;    /* NgayTiepNhan; 0 unknown */
	mc_time source_due_at;  /* NgayHenTra as the source says; 0 none */
	mc_time due_at;         /* computed here with core/deadline; 0 none */
	mc_time finished_at;    /* NgayKetThucXuLy; 0 not finished */
	mc_time updated_at;     /* last change at the source */

	int status;             /* canonical 1..10 */
	char *raw_status;       /* the source's own code or string, kept verbatim */
	int coord_status;       /* status in the coordination system (dvcqg); 0 unknown */
	char *version;          /* ETag or version counter; NULL when the source has none */

	int payment;            /* enum payment_state */
	struct dossier_fee *fees;
	size_t n_fees;
	struct dossier_attachment *attachments;
	size_t n_attachments;
	struct dossier_event *history;
	size_t n_history;
	struct dossier_supplement *supplements;
	size_t n_supplements;
	char *payment_channel;  /* how the citizen pays ("Cổng DVCQG (VNPT Pay)"); NULL unknown */
	struct dossier_receipt *receipts;
	size_t n_receipts;

	unsigned lists_absent;  /* enum dossier_list: not carried by this record */
	mc_time detail_at;      /* when the system's detail was last read here; 0 never */
};

void dossier_init(struct dossier *d);
void dossier_release(struct dossier *d);
/* Deep copy; dst must be released by the caller. */
void dossier_copy(struct dossier *dst, const struct dossier *src);

/* Append helpers: copy the strings, return the new element. */
struct dossier_fee *dossier_add_fee(struct dossier *d, const char *code, const char *name,
				    int64_t amount);
struct dossier_attachment *dossier_add_attachment(struct dossier *d, const char *id,
						  const char *name, const char *component,
						  const char *url, int64_t size);
struct dossier_event *dossier_add_event(struct dossier *d, mc_time at, const char *actor,
					const char *unit, const char *content, int status);
struct dossier_supplement *dossier_add_supplement(struct dossier *d, mc_time requested_at,
						  mc_time completed_at, const char *reason);
struct dossier_receipt *dossier_add_receipt(struct dossier *d, const char *number,
					    const char *series, const char *issuer, int64_t amount,
					    mc_time issued_at);

/*
 * A copy of d's supplements with the pending ones (requested, not completed)
 * completed at `at` - not before their request - for a "supplement
 * received" the clerk queued at `at`.  The array is the caller's to free();
 * its reason strings are d's (borrowed).  NULL when d has none.
 */
struct dossier_supplement *dossier_supplements_completed(const struct dossier *d, mc_time at);

/*
 * Fill the lists d's record did not carry (d->lists_absent) with copies of
 * from's, and mark them carried: a feed's short item merged with the
 * detail kept before it.  A payment state of none or unknown in such a
 * record gives way to the state from's detail gave.
 */
void dossier_keep_lists(struct dossier *d, const struct dossier *from);

/* Status differs from the coordination system's (lệch trạng thái). */
int dossier_status_mismatch(const struct dossier *d);

/* Total fees in đồng. */
int64_t dossier_fees_total(const struct dossier *d);

/*
 * Mask an ID number for display: all but the last 4 characters become '*'
 * ("********1234").  Writes into buf (size >= strlen(id)+1, truncated
 * otherwise); NULL id gives "".
 */
char *dossier_mask_id(const char *id, char *buf, size_t size);

/*
 * Whether s can name a source system or a connector dialect: 1 to 32 of
 * [a-z0-9_-] ("tuphap", "tinh-lamdong").  NULL is not.
 */
bool dossier_source_name_ok(const char *s);

#endif
