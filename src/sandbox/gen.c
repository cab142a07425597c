/*
 * gen.c - deterministic synthetic dossiers (see gen.h).
 *
 * A dossier is generated from one rng stream (seed, gen): its system and
 * procedure, commune, final status and a plausible path to it through the
 * action table of core/status.h, its reception and step times, its due date
 * from core/deadline (so the sandbox and the console agree on the rules),
 * and whether and how stale its copy in the coordination system is.  The
 * applicant and attachments come from other streams of the same gen, so they
 * can be derived again without the record.
 */
#include "sandbox/gen.h"

#include <stdio.h>
#include <string.h>

#include "core/dossier.h"
#include "sandbox/rng.h"

#define STREAM_DOSSIER 1
#define STREAM_PERSON 2
#define STREAM_PART 3
#define STREAM_BYTES 4
#define KEY_PAID 0x70616964ULL /* "paid": a hash key, not a stream */
#define KEY_NOTE 0x6e6f7465ULL /* "note": which dossiers carry one, and its lines */

/* Share of each handling system (tuphap, congan, nnmt, tinh). */
static const uint16_t source_weight[SRC_COUNT] = {0, 45, 25, 12, 18};

/* Share of each final status 1..10 among generated dossiers. */
static const uint16_t status_weight[STATUS_MAX + 1] = {
	0, 6, 8, 3, 22, 7, 4, 2, 2, 12, 34,
};

/* ---- people -------------------------------------------------------------- */

static const char *
pick(struct rng *r, const char *const *list, size_t n)
{
	return list[rng_below(r, (uint32_t)n)];
}

void
gen_person(uint64_t seed, uint32_t gen, int commune, struct gen_person *out)
{
	struct rng r;
	rng_init(&r, seed, ((uint64_t)gen << 8) | STREAM_PERSON);
	memset(out, 0, sizeof(*out));
	out->female = (int)rng_below(&r, 2);
	const char *family = catalog_family[rng_weighted(&r, catalog_family_weight,
							 (uint32_t)catalog_n_family)];
	const char *middle = out->female
				     ? pick(&r, catalog_middle_female, catalog_n_middle_female)
				     : pick(&r, catalog_middle_male, catalog_n_middle_male);
	const char *given = out->female
				    ? pick(&r, catalog_given_female, catalog_n_given_female)
				    : pick(&r, catalog_given_male, catalog_n_given_male);
	const char *sep = strcmp(family, "K'") == 0 ? "" : " ";
	snprintf(out->name, sizeof(out->name), "%s%s%s %s", family, sep, middle, given);

	out->birth_year = (int)rng_range(&r, 1945, 2007);
	int month = (int)rng_range(&r, 1, 12);
	int day = (int)rng_range(&r, 1, civil_days_in_month(out->birth_year, month));
	out->birth = (struct civil_date){out->birth_year, month, day};
	/* CCCD: 3 digits birth province, 1 digit century+sex (0/1 for the 1900s,
	 * 2/3 for the 2000s, odd = female), 2 digits year, 6 digits; ours start
	 * "99" (the synthetic marker). */
	int century = out->birth_year >= 2000 ? 2 : 0;
	snprintf(out->id, sizeof(out->id), "%s%d%02d99%04u",
		 pick(&r, catalog_id_provinces, catalog_n_id_provinces),
		 century + out->female, out->birth_year % 100, rng_below(&r, 10000));

	const struct catalog_commune *c = &catalog_communes[commune];
	size_t n_villages = 0;
	while (c->villages[n_villages] != NULL)
		n_villages++;
	/* One applicant in eight lives elsewhere in the province. */
	if (rng_below(&r, 8) == 0) {
		const struct catalog_commune *o =
			&catalog_communes[rng_below(&r, (uint32_t)catalog_n_communes)];
		size_t nv = 0;
		while (o->villages[nv] != NULL)
			nv++;
		snprintf(out->address, sizeof(out->address), "Số %u, %s, %s, %s",
			 (unsigned)rng_range(&r, 1, 250),
			 o->villages[rng_below(&r, (uint32_t)nv)], o->name, CATALOG_PROVINCE);
	} else {
		snprintf(out->address, sizeof(out->address), "%s, %s, %s",
			 c->villages[rng_below(&r, (uint32_t)n_villages)], c->name,
			 CATALOG_PROVINCE);
	}
	snprintf(out->phone, sizeof(out->phone), "090099%06u", rng_below(&r, 1000000));
	if (rng_below(&r, 3) == 0)
		snprintf(out->email, sizeof(out->email), "nguoidan%u@example.vn",
			 rng_below(&r, 1000000));
}

/* ---- attachments --------------------------------------------------------- */

int64_t
gen_part_size(uint64_t seed, uint32_t gen, const struct catalog_procedure *p, size_t i)
{
	if (i >= p->n_parts)
		return 0;
	struct rng r;
	rng_init(&r, seed, ((uint64_t)gen << 8 | STREAM_PART) ^ ((uint64_t)i << 40));
	int64_t kb = rng_range(&r, p->parts[i].min_kb, p->parts[i].max_kb);
	return kb * 1024 + rng_range(&r, 0, 1023);
}

struct magic {
	const char *ext;
	const char *bytes;
	size_t len;
};

static const struct magic magics[] = {
	{"pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% motcua-sandbox synthetic scan\n", 47},
	{"tif", "II*\x00\x08\x00\x00\x00", 8},
	{"jpg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11},
};

void
gen_part_bytes(uint64_t seed, uint32_t gen, const struct catalog_procedure *p, size_t i,
	       uint64_t offset, size_t len, unsigned char *out)
{
	const char *magic = "";
	size_t magic_len = 0;
	for (size_t m = 0; i < p->n_parts && m < sizeof(magics) / sizeof(magics[0]); m++) {
		if (strcmp(magics[m].ext, p->parts[i].ext) == 0) {
			magic = magics[m].bytes;
			magic_len = magics[m].len;
		}
	}
	uint64_t key = rng_hash(seed, ((uint64_t)gen << 8 | STREAM_BYTES) ^ ((uint64_t)i << 40));
	for (size_t k = 0; k < len; k++) {
		uint64_t pos = offset + k;
		if (pos < magic_len) {
			out[k] = (unsigned char)magic[pos];
			continue;
		}
		uint64_t block = rng_hash(key, pos >> 3);
		out[k] = (unsigned char)(block >> ((pos & 7) * 8));
	}
}

/* ---- the receiving clerk's note ------------------------------------------ */

/* Remarks a clerk writes at the counter: nothing that looks like a person's
 * number, and the header says the whole note is made up. */
static const char *const note_remarks[] = {
	"Đã đối chiếu bản sao với bản chính, giấy tờ khớp nhau.",
	"Người nộp đã được hướng dẫn bổ sung bản sao có chứng thực nếu cần.",
	"Hồ sơ nộp trực tiếp tại Bộ phận một cửa, đủ thành phần theo danh mục.",
	"Đã hẹn ngày trả kết quả theo giấy tiếp nhận.",
	"Người nộp xin nhận kết quả qua bưu điện.",
	"Cần xác minh thêm thông tin cư trú trước khi giải quyết.",
	"Tờ khai viết tay, chữ khó đọc ở mục địa chỉ; đã hỏi lại người nộp.",
	"Người nộp là người được ủy quyền, có giấy ủy quyền kèm theo.",
};

bool
gen_has_note(uint64_t seed, uint32_t gen)
{
	return rng_hash(seed ^ KEY_NOTE, gen) % 8 == 0;
}

size_t
gen_note_text(uint64_t seed, uint32_t gen, const struct catalog_procedure *p, char *buf,
	      size_t size)
{
	const size_t n_remarks = sizeof(note_remarks) / sizeof(note_remarks[0]);
	uint64_t h = rng_hash(seed ^ KEY_NOTE ^ 1ULL << 40, gen);
	size_t first = (size_t)(h % n_remarks);
	size_t second = (first + 1 + (size_t)((h >> 8) % (n_remarks - 1))) % n_remarks;
	size_t len;
	int n;

	if (size == 0)
		return 0;
	n = snprintf(buf, size,
		     "Ghi chú của cán bộ tiếp nhận\n"
		     "(dữ liệu thử nghiệm do motcua-sandbox tạo ra, không phải hồ sơ thật)\n"
		     "\n"
		     "Thủ tục: %s\n"
		     "- %s\n",
		     p->name, note_remarks[first]);
	len = n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
	/* a second, different remark on one note in two */
	if ((h >> 16) % 2 == 0 && len + 1 < size) {
		n = snprintf(buf + len, size - len, "- %s\n", note_remarks[second]);
		len += n < 0 ? 0 : (size_t)n < size - len ? (size_t)n : size - len - 1;
	}
	return len;
}

/* ---- times --------------------------------------------------------------- */

mc_time
gen_work_instant(struct calendar *cal, const struct worktime *wt, int32_t day, double frac)
{
	for (int guard = 0; guard < 40 && !calendar_is_working_day(cal, day); guard++)
		day--;
	int64_t total = deadline_day_seconds(wt);
	int64_t at = (int64_t)(frac * (double)total);
	for (size_t i = 0; i < wt->n_periods; i++) {
		int64_t len = (int64_t)(wt->periods[i].end - wt->periods[i].start) * 60;
		if (at < len || i + 1 == wt->n_periods)
			return civil_make_time(day, wt->periods[i].start * 60 + (int)(at % len));
		at -= len;
	}
	return civil_make_time(day, 8 * 3600);
}

mc_time
gen_due(struct calendar *cal, const struct worktime *wt, const struct world_dossier *d)
{
	if (d->received_at == 0)
		return 0;
	const struct catalog_procedure *p = &catalog_procedures[d->proc];
	mc_time due = 0;
	if (d->supp_req_at != 0 && d->supp_done_at != 0) {
		struct dossier_supplement s = {d->supp_req_at, d->supp_done_at, NULL};
		if (deadline_due_supplemented(cal, wt, &p->rule, d->received_at, &s, 1, &due) ==
		    DEADLINE_OK)
			return due;
	}
	if (deadline_due(cal, wt, &p->rule, d->received_at, &due) != 0)
		return 0;
	return due;
}

/* ---- status paths -------------------------------------------------------- */

static void
path_push(struct world_dossier *d, int status)
{
	if (d->n_path < WORLD_MAX_PATH)
		d->path[d->n_path++] = (uint8_t)status;
}

/* A path from 1 to `final` that follows the action table; through "awaiting
 * the financial obligation" (6) only when the procedure has fees. */
static void
make_path(struct rng *r, int final, bool same_day, bool fees, struct world_dossier *d)
{
	d->n_path = 0;
	path_push(d, STATUS_NEW);
	if (final == STATUS_NEW)
		return;
	if (final == STATUS_REFUSED) {
		path_push(d, STATUS_REFUSED);
		return;
	}
	path_push(d, STATUS_RECEIVED);
	if (final == STATUS_RECEIVED)
		return;
	bool quick = same_day && rng_below(r, 3) != 0; /* certified at once */
	if (!quick || final == STATUS_PROCESSING || final == STATUS_SUPPLEMENT ||
	    final == STATUS_PAYMENT || final == STATUS_WITHDRAWN || final == STATUS_STOPPED)
		path_push(d, STATUS_PROCESSING);
	switch (final) {
	case STATUS_PROCESSING:
		if (rng_below(r, 5) == 0) {
			path_push(d, STATUS_SUPPLEMENT);
			path_push(d, STATUS_PROCESSING);
		}
		return;
	case STATUS_SUPPLEMENT:
	case STATUS_PAYMENT:
	case STATUS_WITHDRAWN:
	case STATUS_STOPPED:
		path_push(d, final);
		return;
	default:
		break;
	}
	/* 9 and 10: sometimes through a supplement or a payment first. */
	uint32_t detour = rng_below(r, 10);
	if (!quick && detour < 2) {
		path_push(d, STATUS_SUPPLEMENT);
		path_push(d, STATUS_PROCESSING);
	} else if (!quick && detour == 2 && fees) {
		path_push(d, STATUS_PAYMENT);
		path_push(d, STATUS_PROCESSING);
	}
	path_push(d, STATUS_DONE);
	if (final == STATUS_RETURNED)
		path_push(d, STATUS_RETURNED);
}

static bool
path_has(const struct world_dossier *d, int status)
{
	for (size_t i = 0; i < d->n_path; i++)
		if (d->path[i] == status)
			return true;
	return false;
}

static uint32_t
pick_procedure(struct rng *r, int src)
{
	uint16_t w[64];
	size_t n = catalog_n_procedures < 64 ? catalog_n_procedures : 64;
	for (size_t i = 0; i < n; i++)
		w[i] = catalog_procedures[i].source == src ? catalog_procedures[i].weight : 0;
	return rng_weighted(r, w, (uint32_t)n);
}

static uint32_t
pick_commune(struct rng *r)
{
	uint16_t w[16];
	size_t n = catalog_n_communes < 16 ? catalog_n_communes : 16;
	for (size_t i = 0; i < n; i++)
		w[i] = catalog_communes[i].weight;
	return rng_weighted(r, w, (uint32_t)n);
}

/* Calendar days a procedure usually takes, for spreading receptions. */
static int
span_days(const struct catalog_procedure *p)
{
	if (p->rule.duration == 0)
		return 2;
	int d = p->rule.duration;
	return p->rule.unit == DEADLINE_WORKING_DAYS ? d + d / 2 + 2 : d + 1;
}

/*
 * When a generated dossier was paid: 5..240 minutes after reception
 * (submission when not received), never after its last change when that
 * came later.  A stateless hash, not the dossier's stream: drawing from the
 * stream here would change everything generated after it.
 */
static mc_time
paid_instant(uint64_t seed, const struct world_dossier *d)
{
	mc_time base = d->received_at ? d->received_at : d->submitted_at;
	mc_time at = base + 60 * (5 + (mc_time)(rng_hash(seed ^ KEY_PAID, d->gen) % 236));
	if (d->updated_at > base && at > d->updated_at)
		at = d->updated_at;
	return at;
}

static void
set_payment(const struct gen_ctx *g, struct rng *r, struct world_dossier *d)
{
	const struct catalog_procedure *p = &catalog_procedures[d->proc];
	d->payment = PAYMENT_NONE;
	if (p->n_fees == 0 || d->status == STATUS_NEW || d->status == STATUS_REFUSED)
		return;
	if (d->status == STATUS_PAYMENT) {
		d->payment = rng_below(r, 3) == 0 ? PAYMENT_FAILED : PAYMENT_PENDING;
		return;
	}
	d->payment = PAYMENT_PAID;
	d->paid_at = paid_instant(g->seed, d);
}

/* The same day at a random office-hours time, kept within [floor, now]. */
static mc_time
office_hours(const struct gen_ctx *g, struct rng *r, mc_time t, mc_time floor)
{
	mc_time snapped = gen_work_instant(g->cal, g->wt, civil_day_of(t), rng_unit(r));
	if (snapped > g->now)
		snapped = g->now - 30;
	return snapped < floor ? floor : snapped;
}

void
gen_dossier(const struct gen_ctx *g, uint32_t gen, struct world_dossier *d)
{
	struct rng r;
	rng_init(&r, g->seed, ((uint64_t)gen << 8) | STREAM_DOSSIER);
	memset(d, 0, sizeof(*d));
	d->gen = gen;
	int src = (int)rng_weighted(&r, source_weight, SRC_COUNT);
	d->proc = (uint16_t)pick_procedure(&r, src);
	d->commune = (uint8_t)pick_commune(&r);
	const struct catalog_procedure *p = &catalog_procedures[d->proc];
	int final = (int)rng_weighted(&r, status_weight, STATUS_MAX + 1);
	/* nothing to pay, nothing to wait for: such a dossier is being processed */
	if (final == STATUS_PAYMENT && p->n_fees == 0)
		final = STATUS_PROCESSING;
	make_path(&r, final, p->rule.duration == 0, p->n_fees > 0, d);
	d->status = (uint8_t)final;
	d->channel = (uint8_t)(rng_below(&r, 10) < 6 ? CHANNEL_ONLINE
			       : rng_below(&r, 8) == 0 ? CHANNEL_POSTAL
						      : CHANNEL_IN_PERSON);
	d->pages = (uint8_t)rng_range(&r, 1, 12);
	d->version = 1;

	int32_t today = civil_day_of(g->now);
	bool open = !status_is_finished(final);
	int32_t day;
	if (final == STATUS_NEW) {
		day = today - (int32_t)rng_below(&r, 3);
	} else if (open || final == STATUS_DONE) {
		int span = span_days(p) * g->open_span_scale / 100 + 1;
		day = g->open_to_day - (int32_t)rng_below(&r, (uint32_t)span);
	} else {
		day = today - 2 - (int32_t)rng_below(&r, 90);
	}
	mc_time at = gen_work_instant(g->cal, g->wt, day, rng_unit(&r));
	if (at > g->now)
		at = g->now - (mc_time)rng_range(&r, 60, 7200);
	if (final == STATUS_NEW) {
		d->submitted_at = at;
		d->updated_at = at;
		d->coord_status = 0;
		goto coord;
	}
	d->received_at = at;
	d->submitted_at = d->channel == CHANNEL_IN_PERSON
				  ? at
				  : at - (mc_time)rng_range(&r, 600, 2 * CIVIL_DAY);
	d->due_at = gen_due(g->cal, g->wt, d);

	/* Supplement round trip, if the path has one. */
	if (path_has(d, STATUS_SUPPLEMENT)) {
		mc_time lim = g->now - at > 3 * 3600 ? g->now - at : 3 * 3600;
		d->supp_req_at = at + (mc_time)rng_range(&r, 1800, lim / 2 + 1800);
		if (d->supp_req_at > g->now)
			d->supp_req_at = g->now - 60;
		if (final != STATUS_SUPPLEMENT) {
			d->supp_done_at = d->supp_req_at + (mc_time)rng_range(&r, 3600, 3 * CIVIL_DAY);
			if (d->supp_done_at > g->now)
				d->supp_done_at = g->now - 30;
			d->due_at = gen_due(g->cal, g->wt, d);
		}
	}

	/* When processing ended: mostly on time, some late. */
	mc_time last = d->supp_done_at > d->supp_req_at ? d->supp_done_at : d->supp_req_at;
	if (last < at)
		last = at;
	if (status_is_finished(final)) {
		mc_time end;
		if (rng_below(&r, 100) < 85 && d->due_at > last)
			end = last + (mc_time)((double)(d->due_at - last) * rng_unit(&r));
		else
			end = (d->due_at > last ? d->due_at : last) +
			      (mc_time)rng_range(&r, 600, 3 * CIVIL_DAY);
		if (end > g->now)
			end = g->now - (mc_time)rng_range(&r, 30, 600);
		if (end < last)
			end = last;
		end = office_hours(g, &r, end, last);
		d->finished_at = end;
		d->updated_at = end;
		if (final == STATUS_RETURNED) {
			mc_time ret = end + (mc_time)rng_range(&r, 300, 2 * CIVIL_DAY);
			d->returned_at = office_hours(g, &r, ret > g->now ? g->now : ret, end);
			d->updated_at = d->returned_at;
		}
	} else {
		mc_time span = g->now - last;
		d->updated_at = last + (span > 0 ? (mc_time)((double)span * rng_unit(&r) * 0.5) : 0);
	}

coord:
	d->status = (uint8_t)final;
	set_payment(g, &r, d);
	/* The coordination system: a share of dossiers, one or two steps behind. */
	double share = src == SRC_TINH ? 0.5 : g->dvcqg_share;
	if (final != STATUS_NEW && rng_unit(&r) < share) {
		uint32_t roll = rng_below(&r, 100);
		int lag = roll < 50 ? 0 : roll < 85 ? 1 : 2;
		int k = (int)d->n_path - 1 - lag;
		if (k < 1)
			k = 1;
		int cs = d->path[k];
		/* The provincial system pushes its local 5, 6 and 8 as 9. */
		if (src == SRC_TINH && (cs == 5 || cs == 6 || cs == 8))
			cs = STATUS_DONE;
		d->coord_status = (uint8_t)cs;
		mc_time span = d->updated_at - d->received_at;
		d->coord_updated_at = d->received_at +
				      (mc_time)((double)span * (double)(k + 1) / (double)d->n_path);
		if (d->coord_updated_at > d->updated_at)
			d->coord_updated_at = d->updated_at;
	}
}

void
gen_arrival(const struct gen_ctx *g, uint32_t gen, mc_time now, struct world_dossier *d)
{
	struct rng r;
	rng_init(&r, g->seed, ((uint64_t)gen << 8) | STREAM_DOSSIER);
	memset(d, 0, sizeof(*d));
	d->gen = gen;
	int src = (int)rng_weighted(&r, source_weight, SRC_COUNT);
	d->proc = (uint16_t)pick_procedure(&r, src);
	d->commune = (uint8_t)pick_commune(&r);
	d->status = STATUS_NEW;
	d->n_path = 1;
	d->path[0] = STATUS_NEW;
	d->channel = CHANNEL_ONLINE;
	d->pages = (uint8_t)rng_range(&r, 1, 12);
	d->version = 1;
	d->submitted_at = now;
	d->updated_at = now;
}
