/*
 * catalog.h - the sandbox's fixed reference data: the simulated systems, the
 * procedures of DOMAIN.md section 8 (codes, fields, deadlines, fees,
 * components), the communes, and the Vietnamese name and place lists the
 * generator draws from.  Static tables only; nothing here allocates.
 *
 * All codes are synthetic but in the real formats: MaTTHC "1.001193.000.00.00.H56",
 * agency codes "H56.14", MaLinhVuc like "HT", "CT".
 */
#ifndef MOTCUA_SBX_CATALOG_H
#define MOTCUA_SBX_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/deadline.h"

enum sbx_source {
	SRC_DVCQG = 0, /* the coordination system (not a handling system) */
	SRC_TUPHAP,
	SRC_CONGAN,
	SRC_NNMT,
	SRC_TINH,
	SRC_COUNT,
	SRC_NONE = -1,
};
#define SRC_FIRST_HANDLER SRC_TUPHAP

/*
 * The systems, in enum sbx_source order: X(name, title).  The one list the
 * names, the token audiences, the URL paths and the titles come from.
 */
#define CATALOG_SOURCES(X)                                                                   \
	X(dvcqg, "Hệ thống điều phối giải quyết TTHC (Cổng Dịch vụ công quốc gia)")          \
	X(tuphap, "Hệ thống thông tin giải quyết TTHC Bộ Tư pháp")                           \
	X(congan, "Hệ thống giải quyết TTHC Bộ Công an (cư trú)")                            \
	X(nnmt, "Hệ thống thông tin đất đai Bộ Nông nghiệp và Môi trường")                   \
	X(tinh, "Hệ thống thông tin giải quyết TTHC tỉnh (một cửa điện tử)")

/* "tuphap" -> SRC_TUPHAP; SRC_NONE when unknown. */
int catalog_source_from_name(const char *name);
const char *catalog_source_name(int src);  /* static; "?" when out of range */
const char *catalog_source_title(int src); /* Vietnamese system title */

#define CATALOG_MAX_FEES 2
#define CATALOG_MAX_PARTS 4

struct catalog_fee {
	const char *code;   /* MaPhiLePhi */
	const char *name;   /* TenPhiLePhi */
	int64_t amount;     /* Gia, đồng (per unit when per_page) */
	int per_page;       /* 1: amount x pages (chứng thực) */
	int kind;           /* LoaiPhiLePhi: 1 lệ phí, 2 phí */
};

struct catalog_part {       /* a component (thành phần hồ sơ) */
	const char *code;   /* MaThanhPhanHoSo */
	const char *name;   /* TenTepDinhKem stem */
	const char *ext;    /* "pdf", "jpg", "tif" */
	int32_t min_kb, max_kb;
};

struct catalog_procedure {
	const char *code;        /* MaTTHC */
	const char *name;        /* TenTTHC */
	const char *field_code;  /* MaLinhVuc */
	const char *field_name;  /* TenLinhVuc */
	int source;              /* enum sbx_source */
	struct due_rule rule;
	uint16_t weight;         /* share of generated dossiers within its system */
	size_t n_fees;
	struct catalog_fee fees[CATALOG_MAX_FEES];
	size_t n_parts;
	struct catalog_part parts[CATALOG_MAX_PARTS];
	const char *summary;     /* TrichYeuHoSo template: "%s" = applicant name */
};

extern const struct catalog_procedure catalog_procedures[];
extern const size_t catalog_n_procedures;

struct catalog_commune {
	const char *agency;      /* "H56.14": MaHoSo prefix */
	const char *name;        /* "xã Đức Trọng" */
	const char *unit;        /* DonViXuLy: "UBND xã Đức Trọng" */
	const char *const *villages; /* thôn / tổ dân phố, NULL-terminated */
	uint16_t weight;
};
extern const struct catalog_commune catalog_communes[];
extern const size_t catalog_n_communes;
#define CATALOG_PROVINCE "tỉnh Lâm Đồng"

/* Name parts (UTF-8, NFC).  Weights give the real frequency of family names roughly. */
extern const char *const catalog_family[];
extern const uint16_t catalog_family_weight[];
extern const size_t catalog_n_family;
extern const char *const catalog_middle_male[];
extern const size_t catalog_n_middle_male;
extern const char *const catalog_middle_female[];
extern const size_t catalog_n_middle_female;
extern const char *const catalog_given_male[];
extern const size_t catalog_n_given_male;
extern const char *const catalog_given_female[];
extern const size_t catalog_n_given_female;

/* Birth-province codes for ID numbers (first 3 digits of a CCCD). */
extern const char *const catalog_id_provinces[];
extern const size_t catalog_n_id_provinces;

/* Officials who act in generated history (NguoiXuLy, ChucDanh). */
extern const char *const catalog_officials[];
extern const size_t catalog_n_officials;

#endif
