/*
 * gen.h - the sandbox's data generator: a dossier's initial record from
 * (seed, gen), and everything about it that never changes, derived again on
 * demand (applicant, ID number, address, attachment sizes and bytes), so
 * the world stores none of it.
 *
 * ID numbers are 12 digits valid in form (birth-province code, century/sex
 * digit, two-digit birth year) and carry the sandbox's synthetic marker: the
 * last six digits always start with "99".  Phone numbers use the "0900 99"
 * prefix.  Deterministic: the same inputs always give the same output.
 */
#ifndef MOTCUA_SBX_GEN_H
#define MOTCUA_SBX_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sandbox/world.h"

struct gen_person {
	char name[96];      /* "Đỗ Thị Hồng Nhung" */
	char id[16];        /* "068190991234" (12 digits, synthetic marker) */
	char address[224];  /* "Thôn Đa Phú, xã Đức Trọng, tỉnh Lâm Đồng" */
	char phone[16];     /* "090099xxxxxx" */
	char email[64];     /* "" or "nhung.do…@example.vn" */
	int female;
	int birth_year;
	struct civil_date birth;
};

struct gen_ctx {
	uint64_t seed;
	mc_time now;
	struct calendar *cal;        /* borrowed */
	const struct worktime *wt;   /* borrowed */
	int32_t open_to_day;         /* open dossiers were received up to this day */
	int open_span_scale;         /* percent; 100 normal, lower = fresher inbox */
	double dvcqg_share;
};

/* The applicant of dossier `gen` (commune decides the address). */
void gen_person(uint64_t seed, uint32_t gen, int commune, struct gen_person *out);

/* Size in bytes of component `i` of dossier `gen`. */
int64_t gen_part_size(uint64_t seed, uint32_t gen, const struct catalog_procedure *p,
		      size_t i);
/* Bytes [offset, offset+len) of that component's file (a fake PDF/TIFF/JPEG). */
void gen_part_bytes(uint64_t seed, uint32_t gen, const struct catalog_procedure *p, size_t i,
		    uint64_t offset, size_t len, unsigned char *out);

/*
 * The receiving clerk's note, a plain-text attachment (GEN_NOTE_*) after the
 * procedure's components on about one dossier in eight, whatever its
 * status.  Which ones comes from a hash of (seed, gen) of its own: no other
 * generated value changes with it.
 */
#define GEN_NOTE_CODE "GC-TN"
#define GEN_NOTE_NAME "Ghi chu tiep nhan"
#define GEN_NOTE_EXT "txt"
#define GEN_NOTE_MIME "text/plain; charset=utf-8"
#define GEN_NOTE_MAX 1024 /* bytes, the NUL included */
bool gen_has_note(uint64_t seed, uint32_t gen);
/* Its text (UTF-8, at most GEN_NOTE_MAX - 1 bytes) into buf, NUL-terminated;
 * returns its length. */
size_t gen_note_text(uint64_t seed, uint32_t gen, const struct catalog_procedure *p, char *buf,
		     size_t size);

/* A generated dossier at g->now, code left empty (world.c numbers them). */
void gen_dossier(const struct gen_ctx *g, uint32_t gen, struct world_dossier *d);
/* A dossier submitted online at `now` (status 1), for life's arrivals. */
void gen_arrival(const struct gen_ctx *g, uint32_t gen, mc_time now, struct world_dossier *d);
/* The due date of d from its reception and supplement, per its procedure. */
mc_time gen_due(struct calendar *cal, const struct worktime *wt, const struct world_dossier *d);
/* A working instant on `day` (or the working day before), `frac` in [0,1) of its hours. */
mc_time gen_work_instant(struct calendar *cal, const struct worktime *wt, int32_t day,
			 double frac);

#endif
