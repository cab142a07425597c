/*
 * seedgen.h - synthetic dossiers for the console's tests and benchmark.
 *
 * Header-only (static functions) so that tests/tui/seed.c and
 * tests/bench/bench_tui.c share it without a library of their own.  The data
 * is made up: Vietnamese names from common parts, ID numbers that are
 * obviously fake ("000000012345"), codes like the portal's.  Three dossiers
 * are fixed so tests can look for them:
 *   H56.14-000001  Nguyễn Văn Đường (NFC), tuphap, overdue, status mismatch,
 *                  attachments, fees, supplement, history, ID 000000012345
 *   H56.14-000002  Trần Thị Ánh written in NFD (combining marks), congan,
 *                  coming due
 *   H56.14-000003  Lê Thị Hồng Nhung, dvcqg, awaiting a supplement
 * The rest are drawn from a fixed-seed generator, due dates around `now`.
 */
#ifndef MOTCUA_TESTS_SEEDGEN_H
#define MOTCUA_TESTS_SEEDGEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "store/store.h"

static const char *const seed_sources[] = {"dvcqg", "tuphap", "congan", "nnmt", "tinh"};
static const char *const seed_family[] = {"Nguyễn", "Trần", "Lê",  "Phạm", "Hoàng", "Phan",
					  "Vũ",     "Đặng", "Bùi", "Đỗ",   "Hồ",    "Ngô",
					  "Dương",  "Đinh", "Lý",  "Võ"};
static const char *const seed_middle[] = {"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc",
					  "Thanh", "Quang", "Xuân", "Đình", "Quốc", "Mỹ"};
static const char *const seed_given[] = {"Anh", "Bình", "Cường", "Dũng", "Giang", "Hà",
					 "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Lan",
					 "Linh", "Long", "Mai", "Nam", "Phong", "Phúc",
					 "Quân", "Sơn", "Tâm", "Thảo", "Tuấn", "Yến"};
static const struct {
	const char *code, *name, *field;
} seed_proc[] = {
	{"1.001193.000.00.00.H56", "Đăng ký khai sinh", "Hộ tịch"},
	{"1.000894.000.00.00.H56", "Đăng ký kết hôn", "Hộ tịch"},
	{"2.000815.000.00.00.H56", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực"},
	{"1.004194.000.00.00.H56", "Đăng ký thường trú", "Cư trú"},
	{"1.003003.000.00.00.H56", "Đăng ký biến động quyền sử dụng đất", "Đất đai"},
	{"1.001612", "Đăng ký hộ kinh doanh", "Kinh doanh"},
};
static const int seed_status[] = {1, 2, 2, 4, 4, 4, 4, 5, 6, 9, 10, 10};

static uint64_t seed_rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t
seed_rng(uint32_t n)
{
	seed_rng_state ^= seed_rng_state >> 12;
	seed_rng_state ^= seed_rng_state << 25;
	seed_rng_state ^= seed_rng_state >> 27;
	return (uint32_t)((seed_rng_state * 0x2545F4914F6CDD1DULL) >> 32) % n;
}

#define SEED_N(a) (sizeof(a) / sizeof((a)[0]))

static void
seed_fixed(struct dossier *d, int which, mc_time now)
{
	dossier_init(d);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->channel = CHANNEL_ONLINE;
	d->unit = xstrdup("UBND xã Thử Nghiệm");
	d->area = xstrdup("Thôn Đông");
	d->field_name = xstrdup("Hộ tịch");
	d->field_code = xstrdup("HT");
	d->received_at = now - 3 * CIVIL_DAY;
	if (which == 1) {
		d->code = xstrdup("H56.14-000001");
		d->source = xstrdup("tuphap");
		d->applicant_name = xstrdup("Nguyễn Văn Đường");
		d->applicant_id = xstrdup("000000012345");
		d->procedure_code = xstrdup("1.001193.000.00.00.H56");
		d->procedure_name = xstrdup("Đăng ký khai sinh");
		d->summary = xstrdup("Đăng ký khai sinh cho con thứ hai");
		d->status = 4;
		d->raw_status = xstrdup("DANG_XU_LY");
		d->coord_status = 2;
		d->due_at = now - 2 * 3600;
		d->source_due_at = now + CIVIL_DAY;
		d->payment = PAYMENT_PENDING;
		dossier_add_fee(d, "LP01", "Lệ phí đăng ký khai sinh", 8000);
		dossier_add_attachment(d, "a1", "To khai dang ky khai sinh.pdf", "TP01", "/f/a1",
				       245760);
		dossier_add_attachment(d, "a2", "Giấy chứng sinh.jpg", "TP02", "/f/a2", 1887436);
		dossier_add_supplement(d, now - 2 * CIVIL_DAY, now - CIVIL_DAY,
				       "Bổ sung giấy chứng sinh bản gốc");
		dossier_add_event(d, now - 3 * CIVIL_DAY, "Lê Thị Thu", "Bộ phận một cửa",
				  "Tiếp nhận hồ sơ", 2);
		dossier_add_event(d, now - 2 * CIVIL_DAY, "Phạm Văn Hải", "Tư pháp - Hộ tịch",
				  "Chuyển xử lý", 4);
	} else if (which == 2) {
		d->code = xstrdup("H56.14-000002");
		d->source = xstrdup("congan");
		/* "Trần Thị Ánh" with decomposed marks (NFD). */
		d->applicant_name = xstrdup("Tra\xcc\x82\xcc\x80n Thi\xcc\xa3 A\xcc\x81nh");
		d->applicant_id = xstrdup("000000067890");
		d->procedure_code = xstrdup("1.004194.000.00.00.H56");
		d->procedure_name = xstrdup("Đăng ký thường trú");
		d->status = 2;
		d->raw_status = xstrdup("2");
		d->due_at = now + 3 * 3600;
		d->source_due_at = now + 3 * 3600;
	} else {
		d->code = xstrdup("H56.14-000003");
		d->source = xstrdup("dvcqg");
		d->applicant_name = xstrdup("Lê Thị Hồng Nhung");
		d->applicant_id = xstrdup("000000011111");
		d->procedure_code = xstrdup("1.000894.000.00.00.H56");
		d->procedure_name = xstrdup("Đăng ký kết hôn");
		d->status = 5;
		d->raw_status = xstrdup("5");
		d->due_at = now + 5 * CIVIL_DAY;
		d->source_due_at = now + 5 * CIVIL_DAY;
		dossier_add_supplement(d, now - CIVIL_DAY, 0, "Thiếu bản sao CCCD");
	}
}

static void
seed_random(struct dossier *d, long i, mc_time now)
{
	char buf[256];
	int p = (int)seed_rng(SEED_N(seed_proc));

	dossier_init(d);
	snprintf(buf, sizeof buf, "H%02ld.%02ld-%06ld", 10 + i % 5 * 11, i % 40, i);
	d->code = xstrdup(buf);
	d->source = xstrdup(seed_sources[i % (long)SEED_N(seed_sources)]);
	snprintf(buf, sizeof buf, "%s %s %s", seed_family[seed_rng(SEED_N(seed_family))],
		 seed_middle[seed_rng(SEED_N(seed_middle))],
		 seed_given[seed_rng(SEED_N(seed_given))]);
	d->applicant_name = xstrdup(buf);
	snprintf(buf, sizeof buf, "000000%06ld", i);
	d->applicant_id = xstrdup(buf);
	d->applicant_kind = APPLICANT_INDIVIDUAL;
	d->procedure_code = xstrdup(seed_proc[p].code);
	d->procedure_name = xstrdup(seed_proc[p].name);
	d->field_name = xstrdup(seed_proc[p].field);
	d->area = xstrdup("Thôn Tây");
	d->unit = xstrdup("UBND xã Thử Nghiệm");
	d->channel = 1 + (int)seed_rng(3);
	d->status = seed_status[seed_rng(SEED_N(seed_status))];
	snprintf(buf, sizeof buf, "%d", d->status);
	d->raw_status = xstrdup(buf);
	d->received_at = now - (mc_time)seed_rng(60 * CIVIL_DAY);
	/* Due 2 to 40 days after receipt: some overdue, some coming due. */
	d->due_at = d->received_at + 2 * CIVIL_DAY + (mc_time)seed_rng(38 * CIVIL_DAY);
	d->source_due_at = seed_rng(4) == 0 ? d->due_at + CIVIL_DAY : d->due_at;
	if (d->status >= 9)
		d->finished_at = d->due_at - CIVIL_DAY;
	if (seed_rng(20) == 0)
		d->coord_status = d->status == 4 ? 2 : d->status;
	d->updated_at = d->received_at;
}

/* Fill the store with the 3 fixed dossiers and n - 3 random ones.  0 or -1. */
static int
seedgen_fill(struct store *s, long n, mc_time now)
{
	struct dossier d;
	int rc = 0;

	if (store_begin(s) != 0)
		return -1;
	for (long i = 1; i <= n && rc == 0; i++) {
		if (i <= 3)
			seed_fixed(&d, (int)i, now);
		else
			seed_random(&d, i, now);
		if (store_dossier_upsert(s, &d) != 0)
			rc = -1;
		dossier_release(&d);
		if (i % 5000 == 0 && rc == 0) {
			/* Commit in pieces so the WAL stays small. */
			if (store_commit(s) != 0 || store_begin(s) != 0)
				rc = -1;
		}
	}
	if (rc == 0)
		rc = store_commit(s);
	else
		store_rollback(s);
	return rc;
}

#endif
