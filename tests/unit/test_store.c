/*
 * test_store.c - the local store: opening and migrating, refusing files it
 * must not touch, dossier round trips, inbox search, filters, sorts, paging,
 * counts, statistics, sync state and byte counters.
 *
 * Every inbox assertion runs under both query plans (ordered and selective,
 * see src/store/inbox.c) and the automatic choice, so the planner's choice can
 * never change an answer.  ID numbers here are obviously synthetic.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "store/store.h"

/* In test builds inbox.c exports this: 0 automatic, 1 ordered, 2 selective. */
void store_inbox_force_plan(struct store *s, int plan);

#define NOW ((mc_time)1773280800) /* 2026-03-12 09:00 +07:00 */
#define HOUR 3600
#define DAY 86400

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

struct tmp {
	char dir[64];
	char path[128];
};

static void
tmp_init(struct tmp *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/motcua-test-store-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/cache.db", t->dir);
}

static void
tmp_release(struct tmp *t)
{
	char side[160];

	unlink(t->path);
	snprintf(side, sizeof side, "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", t->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-journal", t->path);
	unlink(side);
	rmdir(t->dir);
}

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
write_all(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static struct store *
open_ok(const char *path)
{
	struct store *s = NULL;
	char *err = NULL;
	int rc = store_open(path, &s, &err);

	if (rc != 0)
		fail_msg("store_open(%s): %s", path, err);
	assert_non_null(s);
	return s;
}

static void
make(struct dossier *d, const char *code, const char *source, const char *name, int status,
     mc_time due)
{
	char id[32];

	dossier_init(d);
	d->code = strdup(code);
	d->source = strdup(source);
	d->applicant_name = strdup(name);
	d->procedure_code = strdup("1.001193");
	d->procedure_name = strdup("Đăng ký khai sinh");
	d->field_code = strdup("HT");
	d->area = strdup("Thôn Đông");
	snprintf(id, sizeof id, "0000000%05zu", strlen(code) * 7 + (size_t)status);
	d->applicant_id = strdup(id);
	d->status = status;
	d->received_at = due - 3 * DAY;
	d->due_at = due;
	d->source_due_at = due;
	d->updated_at = d->received_at;
}

static void
put(struct store *s, const struct dossier *d)
{
	if (store_dossier_upsert(s, d) != 0)
		fail_msg("upsert %s: %s", d->code, store_errmsg(s));
}

/* Add a dossier built by make() and release it. */
static void
add(struct store *s, const char *code, const char *source, const char *name, int status,
    mc_time due)
{
	struct dossier d;

	make(&d, code, source, name, status, due);
	put(s, &d);
	dossier_release(&d);
}

struct codes {
	char buf[2048];
	size_t n;
};

static int
collect(void *ctx, const struct store_row *r)
{
	struct codes *c = ctx;
	size_t len = strlen(c->buf);

	snprintf(c->buf + len, sizeof c->buf - len, "%s%s", len ? "," : "", r->code);
	c->n++;
	return 0;
}

/* The codes a query returns, comma separated, under plan `plan`. */
static void
codes_of(struct store *s, const struct store_query *q, int plan, struct codes *c)
{
	memset(c, 0, sizeof *c);
	store_inbox_force_plan(s, plan);
	if (store_inbox_each(s, q, collect, c) != 0)
		fail_msg("inbox: %s", store_errmsg(s));
	store_inbox_force_plan(s, 0);
}

/* Assert that every plan returns exactly `want` (codes in order) and counts it. */
static void
assert_inbox(struct store *s, const struct store_query *q, const char *want)
{
	size_t n_want = want[0] == '\0' ? 0 : 1;

	for (const char *p = want; *p != '\0'; p++)
		n_want += *p == ',';
	for (int plan = 0; plan <= 2; plan++) {
		struct codes c;
		int64_t n = -1;

		codes_of(s, q, plan, &c);
		if (strcmp(c.buf, want) != 0)
			fail_msg("plan %d, search \"%s\": got [%s], want [%s]", plan,
				 q->search ? q->search : "", c.buf, want);
		if (q->limit <= 0 && q->offset == 0) {
			store_inbox_force_plan(s, plan);
			assert_int_equal(store_inbox_count(s, q, 0, &n), 0);
			assert_int_equal(n, (int64_t)n_want);
			assert_int_equal(store_inbox_count(s, q, 1, &n), 0);
			assert_int_equal(n, n_want > 0 ? 1 : 0);
			store_inbox_force_plan(s, 0);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Opening, migrations, refusing files                                 */

static void
test_open_memory_migrates(void **state)
{
	struct store *s = open_ok(":memory:");
	int64_t n = -1;

	(void)state;
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_true(store_schema_latest() >= 1);
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_check(s), 0);
	store_close(s);
}

static void
test_file_created_0600_and_reopened(void **state)
{
	struct tmp t;
	struct store *s;
	struct dossier d;
	struct stat sb;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	add(s, "H56.14-260312-00001", "tuphap", "Nguyễn Văn Đường", 4, NOW + DAY);
	store_close(s);

	s = open_ok(t.path);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(store_dossier_load(s, "H56.14-260312-00001", &d), 0);
	assert_string_equal(d.applicant_name, "Nguyễn Văn Đường");
	dossier_release(&d);
	assert_string_equal(store_path(s), t.path);
	store_close(s);
	tmp_release(&t);
}

/* Open must fail, name the file, mention `why`, and leave the bytes alone. */
static void
assert_refused_unchanged(const char *path, const char *why)
{
	struct store *s = (struct store *)1;
	char *err = NULL, *before, *after, wal[160];
	size_t len_before, len_after;
	struct stat sb_before, sb_after;

	before = read_all(path, &len_before);
	assert_int_equal(stat(path, &sb_before), 0);
	assert_int_equal(store_open(path, &s, &err), -1);
	assert_null(s);
	assert_non_null(err);
	if (strstr(err, path) == NULL || strstr(err, why) == NULL)
		fail_msg("message \"%s\" should name %s and say \"%s\"", err, path, why);
	free(err);
	after = read_all(path, &len_after);
	assert_int_equal(stat(path, &sb_after), 0);
	assert_int_equal(len_before, len_after);
	assert_memory_equal(before, after, len_before);
	assert_int_equal(sb_before.st_mtim.tv_sec, sb_after.st_mtim.tv_sec);
	assert_int_equal(sb_before.st_mtim.tv_nsec, sb_after.st_mtim.tv_nsec);
	assert_int_equal(sb_before.st_mode, sb_after.st_mode);
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_not_equal(access(wal, F_OK), 0);
	free(before);
	free(after);
}

/* A closed store, with one header field (big-endian u32 at `offset`) patched. */
static void
make_store_with_header(const char *path, size_t offset, uint32_t value)
{
	struct store *s = open_ok(path);
	size_t len;
	char *bytes;

	add(s, "H56.14-260312-00009", "congan", "Lê Thị Hoa", 2, NOW);
	store_close(s);
	bytes = read_all(path, &len);
	assert_true(len > offset + 4);
	bytes[offset] = (char)(value >> 24);
	bytes[offset + 1] = (char)(value >> 16);
	bytes[offset + 2] = (char)(value >> 8);
	bytes[offset + 3] = (char)value;
	write_all(path, bytes, len);
	free(bytes);
}

static void
test_newer_schema_refused(void **state)
{
	struct tmp t;

	(void)state;
	tmp_init(&t);
	make_store_with_header(t.path, 60, 999); /* user_version */
	assert_refused_unchanged(t.path, "newer");
	/* Refusing twice changes nothing either. */
	assert_refused_unchanged(t.path, "schema 999");
	tmp_release(&t);
}

static void
test_foreign_database_refused(void **state)
{
	struct tmp t;

	(void)state;
	tmp_init(&t);
	make_store_with_header(t.path, 68, 0x12345678); /* application_id */
	assert_refused_unchanged(t.path, "another program");
	tmp_release(&t);
}

static void
test_not_sqlite_refused(void **state)
{
	struct tmp t;
	const char text[] = "These are a clerk's notes, not a database.\n";

	(void)state;
	tmp_init(&t);
	write_all(t.path, text, sizeof text - 1);
	assert_refused_unchanged(t.path, "not a motcua store");
	tmp_release(&t);
}

static void
test_damaged_sqlite_refused(void **state)
{
	struct tmp t;
	char bytes[8192];

	(void)state;
	tmp_init(&t);
	/* The magic, then garbage: an SQLite header nobody can read. */
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (char)(i * 37 + 11);
	memcpy(bytes, "SQLite format 3", 16);
	write_all(t.path, bytes, sizeof bytes);
	assert_refused_unchanged(t.path, "left unchanged");
	tmp_release(&t);
}

static void
test_directory_refused(void **state)
{
	struct tmp t;
	struct store *s = NULL;
	char *err = NULL;

	(void)state;
	tmp_init(&t);
	assert_int_equal(store_open(t.dir, &s, &err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
	assert_int_equal(store_open("", &s, &err), -1);
	free(err);
	tmp_release(&t);
}

/* ------------------------------------------------------------------ */
/* Dossiers                                                            */

static void
test_round_trip_all_fields(void **state)
{
	struct store *s = open_ok(":memory:");
	struct dossier d, got;
	char *version = NULL;

	(void)state;
	dossier_init(&d);
	d.code = strdup("H56.14-260312-00042");
	d.source = strdup("tuphap");
	d.procedure_code = strdup("1.000894");
	d.procedure_name = strdup("Đăng ký kết hôn");
	d.field_code = strdup("HT");
	d.field_name = strdup("Hộ tịch");
	d.applicant_name = strdup("Trần Thị Thu Thủy");
	d.applicant_id = strdup("000000012345");
	d.applicant_kind = APPLICANT_INDIVIDUAL;
	d.area = strdup("Ấp 3");
	d.summary = strdup("Đăng ký kết hôn lần đầu");
	d.unit = strdup("UBND xã Thử Nghiệm");
	d.channel = CHANNEL_ONLINE;
	d.received_at = NOW - 2 * DAY;
	d.source_due_at = NOW + DAY;
	d.due_at = NOW + 2 * DAY;
	d.finished_at = 0;
	d.updated_at = NOW - HOUR;
	d.status = 5;
	d.raw_status = strdup("YEU_CAU_BO_SUNG");
	d.coord_status = 4;
	d.version = strdup("W/\"7\"");
	d.payment = PAYMENT_PENDING;
	dossier_add_fee(&d, "LP01", "Lệ phí đăng ký", 15000);
	dossier_add_fee(&d, "LP02", NULL, 0);
	dossier_add_attachment(&d, "a1", "don.pdf", "TP1", "/files/a1", 123456);
	dossier_add_attachment(&d, "a2", "cccd.jpg", "TP2", NULL, -1);
	dossier_add_event(&d, NOW - 2 * DAY, "Cán bộ A", "Một cửa", "Tiếp nhận", 2);
	dossier_add_event(&d, NOW - DAY, "Cán bộ B", "Tư pháp", "Chuyển xử lý", 4);
	dossier_add_event(&d, NOW - HOUR, NULL, NULL, "Yêu cầu bổ sung", 5);
	dossier_add_supplement(&d, NOW - HOUR, 0, "Thiếu giấy xác nhận");
	put(s, &d);

	assert_int_equal(store_dossier_load(s, d.code, &got), 0);
	assert_string_equal(got.code, d.code);
	assert_string_equal(got.source, "tuphap");
	assert_string_equal(got.procedure_code, "1.000894");
	assert_string_equal(got.procedure_name, "Đăng ký kết hôn");
	assert_string_equal(got.field_code, "HT");
	assert_string_equal(got.field_name, "Hộ tịch");
	assert_string_equal(got.applicant_name, "Trần Thị Thu Thủy");
	assert_string_equal(got.applicant_id, "000000012345");
	assert_int_equal(got.applicant_kind, APPLICANT_INDIVIDUAL);
	assert_string_equal(got.area, "Ấp 3");
	assert_string_equal(got.summary, "Đăng ký kết hôn lần đầu");
	assert_string_equal(got.unit, "UBND xã Thử Nghiệm");
	assert_int_equal(got.channel, CHANNEL_ONLINE);
	assert_int_equal(got.received_at, d.received_at);
	assert_int_equal(got.source_due_at, d.source_due_at);
	assert_int_equal(got.due_at, d.due_at);
	assert_int_equal(got.finished_at, 0);
	assert_int_equal(got.updated_at, d.updated_at);
	assert_int_equal(got.status, 5);
	assert_string_equal(got.raw_status, "YEU_CAU_BO_SUNG");
	assert_int_equal(got.coord_status, 4);
	assert_string_equal(got.version, "W/\"7\"");
	assert_int_equal(got.payment, PAYMENT_PENDING);
	assert_int_equal(got.n_fees, 2);
	assert_string_equal(got.fees[0].name, "Lệ phí đăng ký");
	assert_int_equal(got.fees[0].amount, 15000);
	assert_null(got.fees[1].name);
	assert_int_equal(got.n_attachments, 2);
	assert_string_equal(got.attachments[0].url, "/files/a1");
	assert_int_equal(got.attachments[0].size, 123456);
	assert_string_equal(got.attachments[1].component_code, "TP2");
	assert_null(got.attachments[1].url);
	assert_int_equal(got.attachments[1].size, -1);
	assert_int_equal(got.n_history, 3);
	assert_string_equal(got.history[1].content, "Chuyển xử lý");
	assert_int_equal(got.history[1].status, 4);
	assert_null(got.history[2].actor);
	assert_int_equal(got.history[2].at, NOW - HOUR);
	assert_int_equal(got.n_supplements, 1);
	assert_string_equal(got.supplements[0].reason, "Thiếu giấy xác nhận");
	assert_int_equal(got.supplements[0].completed_at, 0);
	dossier_release(&got);

	assert_int_equal(store_dossier_version(s, d.code, &version), 0);
	assert_string_equal(version, "W/\"7\"");
	free(version);
	assert_int_equal(store_dossier_version(s, "nope", &version), 1);
	assert_null(version);

	/* A newer copy replaces fields and children; still one dossier. */
	free(d.version);
	d.version = strdup("W/\"8\"");
	d.status = 4;
	d.n_fees = 0;
	d.n_history = 1;
	put(s, &d);
	assert_int_equal(store_dossier_load(s, d.code, &got), 0);
	assert_int_equal(got.status, 4);
	assert_string_equal(got.version, "W/\"8\"");
	assert_int_equal(got.n_fees, 0);
	assert_int_equal(got.n_history, 1);
	assert_int_equal(got.n_attachments, 2);
	dossier_release(&got);
	d.n_fees = 2; /* so dossier_release frees them */
	d.n_history = 3;
	dossier_release(&d);
	store_close(s);
}

static void
test_load_delete_count(void **state)
{
	struct store *s = open_ok(":memory:");
	struct dossier d;
	int64_t n;

	(void)state;
	add(s, "A1", "tuphap", "Lê Văn Nam", 2, NOW + DAY);
	add(s, "A2", "tuphap", "Lê Văn Bắc", 2, NOW + DAY);
	add(s, "B1", "congan", "Phạm Thị Mai", 4, NOW + DAY);
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(store_dossier_count(s, "tuphap", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_dossier_load(s, "missing", &d), 1);
	assert_null(d.code);
	assert_int_equal(store_dossier_delete(s, "A1"), 0);
	assert_int_equal(store_dossier_delete(s, "A1"), 1);
	assert_int_equal(store_dossier_load(s, "A1", &d), 1);
	assert_int_equal(store_dossier_count(s, "tuphap", &n), 0);
	assert_int_equal(n, 1);

	/* The deleted dossier is gone from search too. */
	{
		struct store_query q;

		store_query_init(&q, NOW);
		q.search = "le van";
		q.limit = 0;
		assert_inbox(s, &q, "A2");
	}
	store_close(s);
}

static void
test_upsert_refuses_incomplete(void **state)
{
	struct store *s = open_ok(":memory:");
	struct dossier d;
	int64_t n;

	(void)state;
	dossier_init(&d);
	d.source = strdup("tinh");
	assert_int_equal(store_dossier_upsert(s, &d), -1);
	assert_non_null(strstr(store_errmsg(s), "code"));
	dossier_release(&d);
	/* The store still works. */
	add(s, "C1", "tinh", "Võ Văn Kiệt", 1, NOW);
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 1);
	store_close(s);
}

static void
test_batches(void **state)
{
	struct store *s = open_ok(":memory:");
	int64_t n;

	(void)state;
	assert_int_equal(store_begin(s), 0);
	assert_true(store_in_batch(s));
	assert_int_equal(store_begin(s), -1);
	add(s, "T1", "nnmt", "Bùi Văn Sơn", 2, NOW);
	assert_int_equal(store_rollback(s), 0);
	assert_false(store_in_batch(s));
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 0);

	assert_int_equal(store_begin(s), 0);
	add(s, "T1", "nnmt", "Bùi Văn Sơn", 2, NOW);
	add(s, "T2", "nnmt", "Bùi Thị Sen", 2, NOW);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_commit(s), -1);
	store_close(s);
}

/* ------------------------------------------------------------------ */
/* Search                                                              */

/* NFD spelling of "Nguyễn Văn Đường". */
#define NFD_NAME "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n \xc4\x90u\xcc\x9bo\xcc\x9b\xcc\x80ng"

static struct store *
search_fixture(void)
{
	struct store *s = open_ok(":memory:");

	add(s, "H56.14-260312-00001", "tuphap", "Nguyễn Văn Đường", 2, NOW + 1 * DAY);
	add(s, "H56.14-260312-00002", "congan", NFD_NAME, 4, NOW + 2 * DAY);
	add(s, "H56.14-260312-00003", "tinh", "NGUYỄN THỊ DUNG", 4, NOW + 3 * DAY);
	add(s, "H56.14-260312-00004", "nnmt", "Trần Văn Dương", 5, NOW + 4 * DAY);
	add(s, "H56.14-260312-00005", "dvcqg", "Đỗ Văn Nguyên", 2, NOW + 5 * DAY);
	add(s, "H56.14-260312-00006", "tuphap", "Lê 100% Thử_nghiệm", 2, NOW + 6 * DAY);
	return s;
}

static void
search_is(struct store *s, const char *text, const char *want)
{
	struct store_query q;

	store_query_init(&q, NOW);
	q.search = text;
	q.limit = 0;
	assert_inbox(s, &q, want);
}

static void
test_search_diacritics_both_ways(void **state)
{
	struct store *s = search_fixture();

	(void)state;
	/* unaccented query finds NFC and NFD data */
	search_is(s, "nguyen van duong", "H56.14-260312-00001,H56.14-260312-00002");
	/* accented NFC query finds NFD data and vice versa */
	search_is(s, "Nguyễn Văn Đường", "H56.14-260312-00001,H56.14-260312-00002");
	search_is(s, NFD_NAME, "H56.14-260312-00001,H56.14-260312-00002");
	/* đ/Đ fold to d: "duong" finds Đường and Dương */
	search_is(s, "duong", "H56.14-260312-00001,H56.14-260312-00002,"
			      "H56.14-260312-00004");
	search_is(s, "ĐƯỜNG", "H56.14-260312-00001,H56.14-260312-00002,"
			      "H56.14-260312-00004");
	/* case */
	search_is(s, "NGUYEN THI", "H56.14-260312-00003");
	store_close(s);
}

static void
test_search_words_any_order(void **state)
{
	struct store *s = search_fixture();

	(void)state;
	search_is(s, "duong nguyen", "H56.14-260312-00001,H56.14-260312-00002");
	search_is(s, "  van   tran ", "H56.14-260312-00004");
	search_is(s, "nguyen xyz", "");
	/* "nguyen" is also a substring of the given name Nguyên */
	search_is(s, "nguyen", "H56.14-260312-00001,H56.14-260312-00002,"
			       "H56.14-260312-00003,H56.14-260312-00005");
	store_close(s);
}

static void
test_search_code_procedure_id(void **state)
{
	struct store *s = search_fixture();

	(void)state;
	search_is(s, "260312-00004", "H56.14-260312-00004");
	search_is(s, "h56.14-260312-00003", "H56.14-260312-00003");
	search_is(s, "khai sinh", "H56.14-260312-00001,H56.14-260312-00002,"
				  "H56.14-260312-00003,H56.14-260312-00004,"
				  "H56.14-260312-00005,H56.14-260312-00006");
	/* the ID number make() gives 00004: strlen 19 * 7 + 5 = 138 */
	search_is(s, "000000000138", "H56.14-260312-00004");
	search_is(s, "00138", "H56.14-260312-00004");
	store_close(s);
}

static void
test_search_short_words_start_a_word(void **state)
{
	struct store *s = search_fixture();

	(void)state;
	/* typing "nguyen van d": the "d" starts a word (Đường, Đỗ, Đăng) */
	search_is(s, "nguyen van d", "H56.14-260312-00001,H56.14-260312-00002,"
				     "H56.14-260312-00005");
	/* "du" starts Đường only: Dung and Dương have no "van" */
	search_is(s, "nguyen van du", "H56.14-260312-00001,H56.14-260312-00002");
	search_is(s, "du", "H56.14-260312-00001,H56.14-260312-00002,"
			   "H56.14-260312-00003,H56.14-260312-00004");
	search_is(s, "tr", "H56.14-260312-00004");
	search_is(s, "t", "H56.14-260312-00003,H56.14-260312-00004,H56.14-260312-00006");
	/* "uy" starts no word ("nguyen" has it inside) */
	search_is(s, "uy", "");
	store_close(s);
}

static void
test_search_special_characters(void **state)
{
	struct store *s = search_fixture();

	(void)state;
	/* LIKE and FTS5 syntax in the query is just text */
	search_is(s, "100%", "H56.14-260312-00006");
	search_is(s, "thu_nghiem", "H56.14-260312-00006");
	search_is(s, "%", "");
	search_is(s, "_", "");
	search_is(s, "\"nguyen", "");
	search_is(s, "van OR tran", "");
	search_is(s, "NEAR(", "");
	search_is(s, "*", "");
	/* invalid UTF-8 in the query is dropped, not an error */
	search_is(s, "tr\xff" "an", "H56.14-260312-00004");
	store_close(s);
}

/* ------------------------------------------------------------------ */
/* Filters, due classes, sorts, paging                                 */

static struct store *
inbox_fixture(void)
{
	struct store *s = open_ok(":memory:");
	struct dossier d;

	/* overdue: open, due an hour ago */
	add(s, "D1", "tuphap", "Nguyễn An", 4, NOW - HOUR);
	/* coming due: in 5 hours */
	add(s, "D2", "congan", "Nguyễn Bình", 2, NOW + 5 * HOUR);
	/* ok: in 3 days */
	add(s, "D3", "tuphap", "Trần Chi", 5, NOW + 3 * DAY);
	/* finished (done) even though its due date has passed */
	add(s, "D4", "tinh", "Lê Dũng", 9, NOW - 2 * DAY);
	/* open, no due date known */
	make(&d, "D5", "nnmt", "Phạm Em", 1, NOW);
	d.due_at = d.source_due_at = 0;
	put(s, &d);
	dossier_release(&d);
	/* the source says overdue, our own deadline says not: not overdue */
	make(&d, "D6", "dvcqg", "Hồ Giang", 4, NOW + 2 * DAY);
	d.source_due_at = NOW - DAY;
	d.coord_status = 2; /* mismatch with status 4 */
	free(d.area);
	d.area = strdup("Ấp 2");
	free(d.procedure_code);
	d.procedure_code = strdup("2.000815");
	free(d.field_code);
	d.field_code = strdup("CT");
	put(s, &d);
	dossier_release(&d);
	/* no local due date: the source's is used */
	make(&d, "D7", "congan", "Vũ Hà", 4, NOW);
	d.due_at = 0;
	d.source_due_at = NOW - 3 * HOUR;
	d.received_at = NOW - 10 * DAY;
	put(s, &d);
	dossier_release(&d);
	return s;
}

static void
test_due_classes(void **state)
{
	struct store *s = inbox_fixture();
	struct store_query q;
	int64_t overdue, soon;

	(void)state;
	store_query_init(&q, NOW);
	q.limit = 0;
	q.due = STORE_DUE_OVERDUE;
	assert_inbox(s, &q, "D7,D1");
	q.due = STORE_DUE_SOON;
	assert_inbox(s, &q, "D2");
	q.due = STORE_DUE_OK;
	assert_inbox(s, &q, "D6,D3");
	q.due = STORE_DUE_NONE;
	assert_inbox(s, &q, "D5");
	q.due = STORE_DUE_FINISHED;
	assert_inbox(s, &q, "D4");
	/* a wider horizon makes D6 (2 days) coming due */
	q.due = STORE_DUE_SOON;
	q.soon_seconds = 3 * DAY - 1;
	assert_inbox(s, &q, "D2,D6");
	/* a day earlier nothing was overdue yet */
	store_query_init(&q, NOW - DAY);
	q.limit = 0;
	q.due = STORE_DUE_OVERDUE;
	assert_inbox(s, &q, "");

	assert_int_equal(store_due_counts(s, NULL, NOW, STORE_SOON_DEFAULT, &overdue, &soon), 0);
	assert_int_equal(overdue, 2);
	assert_int_equal(soon, 1);
	assert_int_equal(store_due_counts(s, "tuphap", NOW, STORE_SOON_DEFAULT, &overdue, &soon),
			 0);
	assert_int_equal(overdue, 1);
	assert_int_equal(soon, 0);
	store_close(s);
}

static int
check_row(void *ctx, const struct store_row *r)
{
	(void)ctx;
	if (strcmp(r->code, "D6") == 0) {
		assert_true(r->mismatch);
		assert_int_equal(r->status, 4);
		assert_int_equal(r->coord_status, 2);
		assert_int_equal(r->due_class, STORE_DUE_OK);
		assert_int_equal(r->source_due_at, NOW - DAY);
		assert_int_equal(r->due_at, NOW + 2 * DAY);
		assert_string_equal(r->area, "Ấp 2");
		assert_string_equal(r->procedure_name, "Đăng ký khai sinh");
	} else {
		assert_false(r->mismatch);
	}
	if (strcmp(r->code, "D4") == 0)
		assert_int_equal(r->due_class, STORE_DUE_FINISHED);
	if (strcmp(r->code, "D1") == 0)
		assert_int_equal(r->due_class, STORE_DUE_OVERDUE);
	return 0;
}

static void
test_filters(void **state)
{
	struct store *s = inbox_fixture();
	struct store_query q;
	struct store_page page;

	(void)state;
	store_query_init(&q, NOW);
	q.limit = 0;
	q.source = "congan";
	assert_inbox(s, &q, "D7,D2");
	q.source = NULL;
	q.status = 4;
	assert_inbox(s, &q, "D7,D1,D6");
	q.status = 0;
	q.procedure_code = "2.000815";
	assert_inbox(s, &q, "D6");
	q.procedure_code = NULL;
	q.field_code = "HT";
	assert_inbox(s, &q, "D7,D1,D2,D3,D5,D4");
	q.field_code = NULL;
	q.area = "Ấp 2";
	assert_inbox(s, &q, "D6");
	q.area = NULL;
	q.mismatch_only = true;
	assert_inbox(s, &q, "D6");
	q.mismatch_only = false;
	/* filters and search together */
	q.status = 4;
	q.search = "nguyen";
	assert_inbox(s, &q, "D1");
	q.source = "congan";
	assert_inbox(s, &q, "");

	store_query_init(&q, NOW);
	q.limit = 0;
	assert_int_equal(store_inbox_each(s, &q, check_row, NULL), 0);
	assert_int_equal(store_inbox_page(s, &q, &page), 0);
	assert_int_equal(page.n, 7);
	assert_string_equal(page.rows[0].code, "D7");
	assert_string_equal(page.rows[0].applicant_name, "Vũ Hà");
	store_page_release(&page);
	assert_int_equal(page.n, 0);
	store_close(s);
}

static void
test_sorts(void **state)
{
	struct store *s = inbox_fixture();
	struct store_query q;

	(void)state;
	store_query_init(&q, NOW);
	q.limit = 0;
	/* due: open by due date, then open without one, then finished */
	assert_inbox(s, &q, "D7,D1,D2,D6,D3,D5,D4");
	q.descending = true;
	assert_inbox(s, &q, "D4,D5,D3,D6,D2,D1,D7");
	q.sort = STORE_SORT_RECEIVED;
	assert_inbox(s, &q, "D3,D6,D2,D5,D1,D4,D7");
	q.descending = false;
	q.sort = STORE_SORT_STATUS;
	assert_inbox(s, &q, "D5,D2,D7,D1,D6,D3,D4");
	q.sort = STORE_SORT_CODE;
	assert_inbox(s, &q, "D1,D2,D3,D4,D5,D6,D7");
	/* sorting a filtered search */
	q.sort = STORE_SORT_CODE;
	q.descending = true;
	q.search = "ng";
	assert_inbox(s, &q, "D2,D1");
	q.search = "nguyen binh";
	assert_inbox(s, &q, "D2");
	q.search = "an";
	assert_inbox(s, &q, "D1");
	store_close(s);

	assert_int_equal(store_sort_from_name("received"), STORE_SORT_RECEIVED);
	assert_int_equal(store_sort_from_name("bogus"), -1);
	assert_string_equal(store_sort_name(STORE_SORT_DUE), "due");
	assert_int_equal(store_due_class_from_name("overdue"), STORE_DUE_OVERDUE);
	assert_int_equal(store_due_class_from_name("soon"), STORE_DUE_SOON);
	assert_int_equal(store_due_class_from_name("late"), -1);
	assert_string_equal(store_due_class_name(STORE_DUE_FINISHED), "finished");
}

static void
test_paging(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_query q;
	struct codes all, page, joined;
	int64_t n;

	(void)state;
	/* 30 dossiers, several sharing a due date (ties are broken stably) */
	for (int i = 0; i < 30; i++) {
		char code[32];

		snprintf(code, sizeof code, "P%02d", i);
		add(s, code, i % 2 ? "tuphap" : "tinh", i % 3 ? "Nguyễn Văn Tư" : "Lê Thị Ba",
		    4, NOW + (i % 4) * DAY);
	}
	for (int plan = 0; plan <= 2; plan++) {
		for (int so = STORE_SORT_DUE; so <= STORE_SORT_UPDATED; so++) {
			store_query_init(&q, NOW);
			q.sort = (enum store_sort)so;
			q.search = so == STORE_SORT_STATUS ? "nguyen tu" : NULL;
			q.limit = 0;
			codes_of(s, &q, plan, &all);
			memset(&joined, 0, sizeof joined);
			q.limit = 7;
			for (q.offset = 0; q.offset < 35; q.offset += 7) {
				codes_of(s, &q, plan, &page);
				assert_true(page.n <= 7);
				if (page.n > 0)
					snprintf(joined.buf + strlen(joined.buf),
						 sizeof joined.buf - strlen(joined.buf), "%s%s",
						 joined.buf[0] ? "," : "", page.buf);
			}
			assert_string_equal(joined.buf, all.buf);
		}
	}
	store_query_init(&q, NOW);
	q.search = "nguyen";
	assert_int_equal(store_inbox_count(s, &q, 0, &n), 0);
	assert_int_equal(n, 20);
	assert_int_equal(store_inbox_count(s, &q, 5, &n), 0);
	assert_int_equal(n, 5);
	q.search = NULL;
	assert_int_equal(store_inbox_count(s, &q, 0, &n), 0);
	assert_int_equal(n, 30);
	q.source = "tinh";
	assert_int_equal(store_inbox_count(s, &q, 0, &n), 0);
	assert_int_equal(n, 15);
	store_close(s);
}

/* ------------------------------------------------------------------ */
/* Statistics                                                          */

static int
sum_status(void *ctx, const char *source, int status, int64_t n)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	snprintf(buf + len, 512 - len, "%s%s:%d=%lld", len ? "," : "", source, status,
		 (long long)n);
	return 0;
}

static int
sum_area(void *ctx, const struct store_area_stats *a)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	snprintf(buf + len, 512 - len, "%s%s:%lld/%lld/%lld/%lld", len ? "," : "", a->area,
		 (long long)a->total, (long long)a->open, (long long)a->soon,
		 (long long)a->overdue);
	return 0;
}

static void
test_statistics(void **state)
{
	struct store *s = inbox_fixture();
	char buf[512] = "";

	(void)state;
	assert_int_equal(store_stats_status(s, sum_status, buf), 0);
	assert_string_equal(buf, "congan:2=1,congan:4=1,dvcqg:4=1,nnmt:1=1,tinh:9=1,"
				 "tuphap:4=1,tuphap:5=1");
	buf[0] = '\0';
	assert_int_equal(store_stats_area(s, NOW, STORE_SOON_DEFAULT, sum_area, buf), 0);
	assert_string_equal(buf, "Thôn Đông:6/5/1/2,Ấp 2:1/1/0/0");
	store_close(s);
}

/* ------------------------------------------------------------------ */
/* Sync state and byte counters                                        */

static void
test_sync_state(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_sync_state st, got;

	(void)state;
	assert_int_equal(store_sync_state_get(s, "tuphap", &got), 1);
	assert_null(got.cursor);
	assert_int_equal(got.last_ok_at, 0);

	memset(&st, 0, sizeof st);
	st.cursor = "c-000017";
	st.watermark = "2026-03-12T08:00:00+07:00";
	st.last_sync_at = NOW;
	st.last_ok_at = NOW;
	assert_int_equal(store_sync_state_set(s, "tuphap", &st), 0);
	st.cursor = NULL;
	st.watermark = "1773270000000";
	st.last_error = "congan: HTTP 429";
	st.last_ok_at = 0;
	assert_int_equal(store_sync_state_set(s, "congan", &st), 0);

	assert_int_equal(store_sync_state_get(s, "tuphap", &got), 0);
	assert_string_equal(got.cursor, "c-000017");
	assert_string_equal(got.watermark, "2026-03-12T08:00:00+07:00");
	assert_int_equal(got.last_sync_at, NOW);
	assert_int_equal(got.last_ok_at, NOW);
	assert_null(got.last_error);
	store_sync_state_release(&got);
	assert_null(got.cursor);

	assert_int_equal(store_sync_state_get(s, "congan", &got), 0);
	assert_null(got.cursor);
	assert_string_equal(got.last_error, "congan: HTTP 429");
	store_sync_state_release(&got);

	/* replacing clears the error */
	st.last_error = NULL;
	st.last_ok_at = NOW + 60;
	assert_int_equal(store_sync_state_set(s, "congan", &st), 0);
	assert_int_equal(store_sync_state_get(s, "congan", &got), 0);
	assert_null(got.last_error);
	assert_int_equal(got.last_ok_at, NOW + 60);
	store_sync_state_release(&got);
	store_close(s);
}

struct per_source {
	char buf[256];
};

static int
each_bytes(void *ctx, const char *source, const struct store_bytes *b)
{
	struct per_source *p = ctx;
	size_t len = strlen(p->buf);

	snprintf(p->buf + len, sizeof p->buf - len, "%s%s:%lld/%lld", len ? "," : "", source,
		 (long long)b->today_in, (long long)b->total_in);
	return 0;
}

static void
test_byte_counters(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_bytes b;
	struct per_source p;

	(void)state;
	assert_int_equal(store_bytes_get(s, NULL, NOW, &b), 0);
	assert_int_equal(b.total_in, 0);
	/* yesterday, today twice, two kinds, two sources */
	assert_int_equal(store_bytes_add(s, "tuphap", "pull", NOW - DAY, 1000, 100, 1), 0);
	assert_int_equal(store_bytes_add(s, "tuphap", "pull", NOW, 500, 50, 1), 0);
	assert_int_equal(store_bytes_add(s, "tuphap", "pull", NOW + HOUR, 250, 25, 1), 0);
	assert_int_equal(store_bytes_add(s, "tuphap", "attachment", NOW, 4000, 10, 2), 0);
	assert_int_equal(store_bytes_add(s, "congan", "pull", NOW, 7, 3, 1), 0);
	assert_int_equal(store_bytes_add(s, NULL, "pull", NOW, 7, 3, 1), -1);

	assert_int_equal(store_bytes_get(s, "tuphap", NOW, &b), 0);
	assert_int_equal(b.today_in, 4750);
	assert_int_equal(b.today_out, 85);
	assert_int_equal(b.today_requests, 4);
	assert_int_equal(b.total_in, 5750);
	assert_int_equal(b.total_out, 185);
	assert_int_equal(b.total_requests, 5);
	assert_int_equal(store_bytes_get(s, NULL, NOW, &b), 0);
	assert_int_equal(b.total_in, 5757);
	/* the next civil day: nothing today */
	assert_int_equal(store_bytes_get(s, "tuphap", NOW + DAY, &b), 0);
	assert_int_equal(b.today_in, 0);
	assert_int_equal(b.total_in, 5750);

	memset(&p, 0, sizeof p);
	assert_int_equal(store_bytes_each(s, NOW, each_bytes, &p), 0);
	assert_string_equal(p.buf, "congan:7/7,tuphap:4750/5750");
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_memory_migrates),
		cmocka_unit_test(test_file_created_0600_and_reopened),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_foreign_database_refused),
		cmocka_unit_test(test_not_sqlite_refused),
		cmocka_unit_test(test_damaged_sqlite_refused),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_round_trip_all_fields),
		cmocka_unit_test(test_load_delete_count),
		cmocka_unit_test(test_upsert_refuses_incomplete),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_search_diacritics_both_ways),
		cmocka_unit_test(test_search_words_any_order),
		cmocka_unit_test(test_search_code_procedure_id),
		cmocka_unit_test(test_search_short_words_start_a_word),
		cmocka_unit_test(test_search_special_characters),
		cmocka_unit_test(test_due_classes),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_sorts),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_sync_state),
		cmocka_unit_test(test_byte_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
