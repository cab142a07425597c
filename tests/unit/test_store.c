/*
 * test_store.c - the local store's file and dossiers: opening and migrating,
 * refusing files it must not touch (newer schema, another program's database,
 * not SQLite, damaged, a directory) without changing a byte, and dossier
 * round trips, loads, deletes, counts and batches.
 *
 * The inbox (search, filters, sorts, paging) is tested in test_store_inbox.c,
 * statistics, sync state and byte counters in test_store_sync.c; the helpers
 * they share are in store_fixture.h.
 */
#include "store_fixture.h"

#include <sqlite3.h>

#include "core/xalloc.h"
#include "core/status.h"
#include "store/outbox.h"
#include "store/protect.h"
#include "store/store_int.h" /* the connection: are its foreign keys on? */

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

/* The page size in a closed store's header (bytes 16-17, big-endian). */
static unsigned
header_page_size(const char *path)
{
	size_t len;
	char *bytes = read_all(path, &len);
	unsigned size;

	assert_true(len >= 100);
	size = (unsigned)(unsigned char)bytes[16] << 8 | (unsigned char)bytes[17];
	free(bytes);
	return size == 1 ? 65536 : size;
}

/*
 * A new store has 16 KB pages (store.c: faster to fill); one made with
 * SQLite's 4 KB pages keeps them and works as before.
 */
static void
test_page_size(void **state)
{
	struct tmp t;
	struct store *s;
	struct dossier d;
	sqlite3 *db;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	add(s, "H56.14-260312-00001", "tuphap", "Nguyễn Văn Đường", 4, NOW + DAY);
	store_close(s);
	assert_int_equal(header_page_size(t.path), 16384);
	tmp_release(&t);

	tmp_init(&t);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL;"
					  " CREATE TABLE x (a); DROP TABLE x;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(chmod(t.path, 0600), 0);
	s = open_ok(t.path);
	add(s, "H56.14-260312-00002", "congan", "Lê Thị Hoa", 2, NOW);
	store_close(s);
	assert_int_equal(header_page_size(t.path), 4096);
	s = open_ok(t.path);
	assert_int_equal(store_dossier_load(s, "H56.14-260312-00002", &d), 0);
	assert_string_equal(d.applicant_name, "Lê Thị Hoa");
	dossier_release(&d);
	store_close(s);
	tmp_release(&t);
}

static int
join_source(void *ctx, const char *source)
{
	char *buf = ctx;

	snprintf(buf + strlen(buf), 128 - strlen(buf), "%s%s", buf[0] ? "," : "", source);
	return 0;
}

/* The systems present, each once, in order, whatever their share of rows. */
static void
test_sources(void **state)
{
	struct store *s = open_ok(":memory:");
	char buf[128] = "";

	(void)state;
	assert_int_equal(store_sources(s, join_source, buf), 0);
	assert_string_equal(buf, "");
	for (int i = 0; i < 200; i++) {
		char code[32];

		snprintf(code, sizeof code, "S%03d", i);
		add(s, code, i % 50 == 0 ? "tinh" : i % 2 ? "tuphap" : "congan", "Lê Thị Hoa", 2,
		    NOW + i);
	}
	assert_int_equal(store_sources(s, join_source, buf), 0);
	assert_string_equal(buf, "congan,tinh,tuphap");
	store_close(s);
}

/* What the stats said, joined as "source/status/area=total,soon,overdue,received;". */
static int
join_cell(void *ctx, const struct store_cell_stats *c)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	snprintf(buf + len, 8192 - len, "%s/%d/%s=%lld,%lld,%lld,%lld;", c->source, c->status,
		 c->area, (long long)c->total, (long long)c->soon, (long long)c->overdue,
		 (long long)c->received);
	return 0;
}

static int
join_status(void *ctx, const char *source, int status, int64_t n)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	snprintf(buf + len, 8192 - len, "%s/%d=%lld;", source, status, (long long)n);
	return 0;
}

static int
join_area(void *ctx, const struct store_area_stats *a)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	snprintf(buf + len, 8192 - len, "%s=%lld,%lld,%lld,%lld;", a->area, (long long)a->total,
		 (long long)a->open, (long long)a->soon, (long long)a->overdue);
	return 0;
}

/*
 * The dashboard's counts per system x status x area, per system x status
 * and per area, against what the test put in: every group once, in byte
 * order, no area and an empty one counted as one (""), the due classes and
 * the received window right.
 */
static void
test_stats_groups(void **state)
{
	static const char *const sources[] = {"tuphap", "congan", "tinh"};
	static const char *const areas[] = {NULL, "", "Thôn Đông", "Ấp 2", "Thôn Tây"};
	struct store *s = open_ok(":memory:");
	char *got = xcalloc(1, 8192), *want = xcalloc(1, 8192);
	/* [source][status 2 or 4][area: "" (NULL and ""), Thôn Đông, Ấp 2, Thôn Tây] */
	int64_t n[3][2][4][4] = {{{{0}}}};
	const mc_time now = NOW, soon_end = NOW + 2 * DAY, from = NOW - 5 * DAY, to = NOW - 3 * DAY;

	(void)state;
	for (int i = 0; i < 600; i++) {
		struct dossier d;
		char code[32];
		int src = i % 3, st = (i / 3) % 2, ar = (i / 6) % 5, a = ar < 2 ? 0 : ar - 1;
		mc_time due = NOW + ((i % 7) - 3) * DAY;

		snprintf(code, sizeof code, "G%04d", i);
		make(&d, code, sources[src], "Lê Thị Hoa", st ? 4 : 2, due);
		free(d.area);
		d.area = areas[ar] != NULL ? strdup(areas[ar]) : NULL;
		put(s, &d);
		n[src][st][a][0]++;
		n[src][st][a][1] += due >= now && due < soon_end;
		n[src][st][a][2] += due < now;
		n[src][st][a][3] += d.received_at >= from && d.received_at <= to;
		dossier_release(&d);
	}
	/* byte order: congan < tinh < tuphap; "" < "Thôn Tây" < "Thôn Đông" < "Ấp 2" */
	static const int src_order[] = {1, 2, 0}, area_order[] = {0, 3, 1, 2};
	static const char *const area_names[] = {"", "Thôn Đông", "Ấp 2", "Thôn Tây"};
	for (int i = 0; i < 3; i++)
		for (int st = 0; st < 2; st++)
			for (int j = 0; j < 4; j++) {
				const int64_t *c = n[src_order[i]][st][area_order[j]];

				if (c[0] > 0)
					snprintf(want + strlen(want), 8192 - strlen(want),
						 "%s/%d/%s=%lld,%lld,%lld,%lld;", sources[src_order[i]],
						 st ? 4 : 2, area_names[area_order[j]], (long long)c[0],
						 (long long)c[1], (long long)c[2], (long long)c[3]);
			}
	assert_int_equal(store_stats_cells(s, now, soon_end, from, to, join_cell, got), 0);
	assert_string_equal(got, want);

	got[0] = want[0] = '\0';
	for (int i = 0; i < 3; i++)
		for (int st = 0; st < 2; st++) {
			int64_t t = 0;

			for (int j = 0; j < 4; j++)
				t += n[src_order[i]][st][j][0];
			snprintf(want + strlen(want), 8192 - strlen(want), "%s/%d=%lld;",
				 sources[src_order[i]], st ? 4 : 2, (long long)t);
		}
	assert_int_equal(store_stats_status(s, join_status, got), 0);
	assert_string_equal(got, want);

	got[0] = want[0] = '\0';
	for (int j = 0; j < 4; j++) {
		int64_t t[4] = {0};

		for (int i = 0; i < 3; i++)
			for (int st = 0; st < 2; st++)
				for (int k = 0; k < 3; k++)
					t[k] += n[i][st][area_order[j]][k];
		/* open: statuses 2 and 4 are open; soon and overdue as above */
		snprintf(want + strlen(want), 8192 - strlen(want), "%s=%lld,%lld,%lld,%lld;",
			 area_names[area_order[j]], (long long)t[0], (long long)t[0],
			 (long long)t[1], (long long)t[2]);
	}
	assert_int_equal(store_stats_area(s, now, soon_end, join_area, got), 0);
	assert_string_equal(got, want);
	free(got);
	free(want);
	store_close(s);
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

/* Long lists are stored several rows a statement: every row, in order. */
static void
test_long_lists(void **state)
{
	struct store *s = open_ok(":memory:");
	struct dossier d, got;
	char text[32];

	(void)state;
	make(&d, "L1", "tuphap", "Đinh Thị Lan", 4, NOW + DAY);
	for (int i = 0; i < 9; i++) {
		snprintf(text, sizeof text, "bước %d", i);
		dossier_add_event(&d, NOW - (9 - i) * HOUR, NULL, "Một cửa", text, 2 + i % 3);
		snprintf(text, sizeof text, "tep%d.pdf", i);
		if (i < 5)
			dossier_add_attachment(&d, text + 3, text, "TP", NULL, i);
	}
	for (int i = 0; i < 6; i++)
		dossier_add_receipt(&d, "0001", "BL", "UBND", 1000 * (i + 1), NOW - i * DAY);
	put(s, &d);
	assert_int_equal(store_dossier_load(s, "L1", &got), 0);
	assert_int_equal(got.n_history, 9);
	assert_int_equal(got.n_attachments, 5);
	assert_int_equal(got.n_receipts, 6);
	for (int i = 0; i < 9; i++) {
		snprintf(text, sizeof text, "bước %d", i);
		assert_string_equal(got.history[i].content, text);
		assert_int_equal(got.history[i].status, 2 + i % 3);
		assert_int_equal(got.history[i].at, NOW - (9 - i) * HOUR);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(text, sizeof text, "tep%d.pdf", i);
		assert_string_equal(got.attachments[i].name, text);
		assert_int_equal(got.attachments[i].size, i);
	}
	for (int i = 0; i < 6; i++)
		assert_int_equal(got.receipts[i].amount, 1000 * (i + 1));
	dossier_release(&got);
	dossier_release(&d);
	store_close(s);
}

/*
 * The detail (history, receipts, the channel) stays when a shorter record
 * of the same dossier - a feed's item that does not carry those lists - is
 * stored after it; a record that carries a list empty empties it.  The
 * version the detail was read at is kept for a conditional re-read while
 * the stored dossier still has it.
 */
static void
test_detail_kept_by_short_records(void **state)
{
	struct store *s = open_ok(":memory:");
	struct dossier d, got;
	char *ver = NULL;

	(void)state;
	make(&d, "R1", "tuphap", "Lê Văn Nam", 9, NOW + DAY);
	d.version = strdup("7");
	d.payment = PAYMENT_PAID;
	d.payment_channel = strdup("Cổng DVCQG (VNPT Pay)");
	d.detail_at = NOW;
	dossier_add_event(&d, NOW - DAY, "Trần B", "Một cửa", "Tiếp nhận", 2);
	dossier_add_receipt(&d, "0012345", "BL26E-AB", "UBND xã Tà Nung", 8000, NOW - HOUR);
	assert_int_equal(store_dossier_upsert(s, &d), 0);
	dossier_release(&d);
	assert_int_equal(store_dossier_detail_version(s, "R1", &ver), 0);
	assert_string_equal(ver, "7");
	free(ver);

	/* the feed's record: a new version, no history, nothing of the payment */
	make(&d, "R1", "tuphap", "Lê Văn Nam", 10, NOW + DAY);
	d.version = strdup("8");
	d.lists_absent = DOSSIER_LIST_HISTORY | DOSSIER_LIST_PAYMENT;
	assert_int_equal(store_dossier_upsert(s, &d), 0);
	dossier_release(&d);
	assert_int_equal(store_dossier_load(s, "R1", &got), 0);
	assert_int_equal(got.status, 10);
	assert_int_equal(got.n_history, 1);
	assert_string_equal(got.history[0].unit, "Một cửa");
	assert_int_equal(got.n_receipts, 1);
	assert_string_equal(got.receipts[0].series, "BL26E-AB");
	assert_string_equal(got.receipts[0].issuer, "UBND xã Tà Nung");
	assert_int_equal(got.receipts[0].issued_at, NOW - HOUR);
	assert_string_equal(got.payment_channel, "Cổng DVCQG (VNPT Pay)");
	assert_int_equal(got.detail_at, NOW);
	dossier_release(&got);
	/* the detail was read at version 7: version 8 must be read whole */
	assert_int_equal(store_dossier_detail_version(s, "R1", &ver), 0);
	assert_null(ver);

	/* a record carrying the lists empty: they are emptied */
	make(&d, "R1", "tuphap", "Lê Văn Nam", 10, NOW + DAY);
	d.version = strdup("9");
	d.detail_at = NOW + HOUR;
	assert_int_equal(store_dossier_upsert(s, &d), 0);
	dossier_release(&d);
	assert_int_equal(store_dossier_load(s, "R1", &got), 0);
	assert_int_equal(got.n_history, 0);
	assert_int_equal(got.n_receipts, 0);
	assert_null(got.payment_channel);
	assert_int_equal(got.detail_at, NOW + HOUR);
	dossier_release(&got);
	assert_int_equal(store_dossier_detail_seen(s, "R1", NOW + 2 * HOUR), 0);
	assert_int_equal(store_dossier_load(s, "R1", &got), 0);
	assert_int_equal(got.detail_at, NOW + 2 * HOUR);
	dossier_release(&got);
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


/* The search index against the rows: FTS5's own check, on the closed file. */
/* PRAGMA integrity_check's callback: *err keeps the first line not "ok". */
static int
on_integrity(void *ctx, int n, char **values, char **names)
{
	char **err = ctx;

	(void)names;
	if (n > 0 && values[0] != NULL && strcmp(values[0], "ok") != 0 && *err == NULL)
		*err = strdup(values[0]);
	return 0;
}

static void
assert_search_index_sound(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO dossier_fts (dossier_fts) VALUES"
					  " ('integrity-check')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
assert_search(struct store *s, const char *words, const char *want)
{
	struct store_query q;

	store_query_init(&q, NOW);
	q.search = words;
	assert_inbox(s, &q, want);
}

/*
 * New rows join the search index once per batch, not row by row: searches
 * inside the batch still see them, a row renamed or deleted before the
 * batch ends leaves nothing stale, a rolled-back batch leaves nothing, and
 * an upsert outside a batch is searchable at once.
 */
static void
test_search_index_in_batches(void **state)
{
	struct tmp t;
	struct store *s;
	struct dossier d;
	mc_time due = NOW + DAY;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	assert_int_equal(store_begin(s), 0);
	add(s, "S1", "tuphap", "Nguyễn Văn Đường", 4, due);
	add(s, "S2", "tuphap", "Trần Thị Hoa", 4, due);
	assert_search(s, "duong", "S1"); /* in the batch, before its commit */
	add(s, "S3", "tuphap", "Lê Minh Tuấn", 4, due);
	add(s, "S4", "tuphap", "Võ Thị Mai", 4, due);
	add(s, "S4", "tuphap", "Đỗ Thị Nhung", 4, due); /* renamed while pending */
	add(s, "S1", "tuphap", "Phạm Văn Đường", 4, due); /* renamed once indexed */
	assert_int_equal(store_dossier_delete(s, "S3"), 0); /* deleted while pending */
	add(s, "S7", "tuphap", "Ngô Bảo Châu", 4, due);
	assert_int_equal(store_dossier_delete(s, "S7"), 0); /* its row id comes again */
	add(s, "S8", "tuphap", "Dương Thu Hà", 4, due);
	assert_int_equal(store_commit(s), 0);
	assert_search(s, "chau", "");
	assert_search(s, "duong thu", "S8");
	assert_search(s, "nhung", "S4");
	assert_search(s, "mai", "");
	assert_search(s, "tuan", "");
	assert_search(s, "nguyen", "");
	assert_search(s, "pham duong", "S1");
	assert_search(s, "hoa", "S2");

	assert_int_equal(store_begin(s), 0);
	add(s, "S5", "tuphap", "Hoàng Văn Nam", 4, due);
	add(s, "S2", "tuphap", "Trần Thị Hồng", 4, due);
	assert_int_equal(store_rollback(s), 0);
	assert_search(s, "hoang", "");
	assert_search(s, "hong", "");
	assert_search(s, "hoa", "S2");
	assert_int_equal(store_dossier_load(s, "S5", &d), 1);

	add(s, "S6", "tuphap", "Bùi Văn Sơn", 4, due); /* no batch */
	assert_search(s, "bui van son", "S6");
	add(s, "S6", "tuphap", "Bùi Văn Sơn", 4, due); /* the same again */
	assert_search(s, "bui van son", "S6");
	store_close(s);
	assert_search_index_sound(t.path);
	tmp_release(&t);
}

/* The inbox of `s` under q with one field set; want: the codes by due. */
static void
assert_where(struct store *s, const char *field, const char *text, int status, const char *want)
{
	struct store_query q;

	store_query_init(&q, NOW);
	q.limit = 0;
	if (strcmp(field, "source") == 0)
		q.source = text;
	else if (strcmp(field, "procedure") == 0)
		q.procedure_code = text;
	else if (strcmp(field, "field") == 0)
		q.field_code = text;
	else if (strcmp(field, "area") == 0)
		q.area = text;
	else if (strcmp(field, "search") == 0)
		q.search = text;
	else if (strcmp(field, "mismatch") == 0)
		q.mismatch_only = true;
	else if (strcmp(field, "received") == 0)
		q.sort = STORE_SORT_RECEIVED;
	else if (strcmp(field, "updated") == 0)
		q.sort = STORE_SORT_UPDATED;
	else if (strcmp(field, "applicant") == 0)
		q.sort = STORE_SORT_APPLICANT;
	q.status = status;
	assert_inbox(s, &q, want);
}

/*
 * A newer copy of a dossier moves it in every list an indexed field of it
 * decides, one field at a time, inside a batch and out of one: the update
 * names only the indexed columns whose values changed (dossiers.c), and
 * none may be left behind.  The file's indexes agree with its rows after.
 */
static void
test_update_moves_indexes(void **state)
{
	struct tmp t;
	struct store *s;
	struct dossier d;
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	add(s, "U2", "congan", "Trần Thị Bình", 4, NOW + 2 * DAY);
	make(&d, "U1", "tuphap", "Nguyễn Văn An", 4, NOW + DAY);
	put(s, &d);
	assert_where(s, "source", "tuphap", 0, "U1");
	for (int in_batch = 0; in_batch < 2; in_batch++) {
		if (in_batch)
			assert_int_equal(store_begin_ex(s, STORE_BATCH_CACHE), 0);
		free(d.source);
		d.source = strdup(in_batch ? "tuphap" : "congan");
		put(s, &d);
		assert_where(s, "source", "congan", 0, in_batch ? "U2" : "U1,U2");
		assert_where(s, "source", "tuphap", 0, in_batch ? "U1" : "");
		d.status = in_batch ? 4 : 5;
		put(s, &d);
		assert_where(s, "", NULL, 5, in_batch ? "" : "U1");
		free(d.procedure_code);
		d.procedure_code = strdup(in_batch ? "1.001193" : "2.000815");
		put(s, &d);
		assert_where(s, "procedure", "2.000815", 0, in_batch ? "" : "U1");
		free(d.field_code);
		d.field_code = strdup(in_batch ? "HT" : "CT");
		put(s, &d);
		assert_where(s, "field", "CT", 0, in_batch ? "" : "U1");
		free(d.area);
		d.area = strdup(in_batch ? "Thôn Đông" : "Ấp 9");
		put(s, &d);
		assert_where(s, "area", "Ấp 9", 0, in_batch ? "" : "U1");
		d.due_at = in_batch ? NOW + DAY : NOW + 3 * DAY;
		put(s, &d);
		assert_where(s, "", NULL, 0, in_batch ? "U1,U2" : "U2,U1");
		free(d.applicant_name);
		d.applicant_name = strdup(in_batch ? "Nguyễn Văn An" : "Lê Thị Yến");
		put(s, &d);
		assert_where(s, "search", "yen", 0, in_batch ? "" : "U1");
		assert_where(s, "search", "nguyen van an", 0, in_batch ? "U1" : "");
		assert_where(s, "applicant", NULL, 0, in_batch ? "U1,U2" : "U2,U1");
		d.received_at = in_batch ? NOW - 9 * DAY : NOW - 30 * DAY;
		d.updated_at = in_batch ? NOW : NOW - 20 * DAY;
		put(s, &d);
		assert_where(s, "received", NULL, 0, "U1,U2");
		assert_where(s, "updated", NULL, 0, in_batch ? "U2,U1" : "U1,U2");
		d.coord_status = in_batch ? 0 : 2;
		put(s, &d);
		assert_where(s, "mismatch", NULL, 0, in_batch ? "" : "U1");
		if (in_batch)
			assert_int_equal(store_commit(s), 0);
	}
	dossier_release(&d);
	store_close(s);
	assert_search_index_sound(t.path);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA integrity_check", on_integrity, &err, NULL),
			 SQLITE_OK);
	assert_null(err);
	sqlite3_close(db);
	tmp_release(&t);
}

/* Rows of the child tables (every list) in the file at path. */
static int64_t
child_rows(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM dossier_events)"
					    " + (SELECT count(*) FROM dossier_attachments)"
					    " + (SELECT count(*) FROM dossier_fees)"
					    " + (SELECT count(*) FROM dossier_supplements)"
					    " + (SELECT count(*) FROM dossier_receipts)",
					    -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A dossier with one row in every child list. */
static void
add_with_lists(struct store *s, const char *code, int status, mc_time at)
{
	struct dossier d;

	make(&d, code, "tuphap", "Hà Văn Lộc", status, at + DAY);
	d.finished_at = status_is_finished(status) ? at : 0;
	d.updated_at = at;
	dossier_add_event(&d, at, NULL, NULL, "Tiếp nhận", 2);
	dossier_add_attachment(&d, "a1", "don.pdf", "TP1", NULL, 1);
	dossier_add_fee(&d, "LP", "Lệ phí", 1000);
	dossier_add_supplement(&d, at, 0, "Thiếu giấy");
	dossier_add_receipt(&d, "01", "BL", "UBND", 1000, at);
	put(s, &d);
	dossier_release(&d);
}

/*
 * Inside a cache batch the foreign keys are off (store.c: their checks were
 * a twentieth of applying a sync): a dossier deleted or purged there still
 * takes its lists with it, and once the batch ends the keys hold again.
 */
static void
test_cache_batch_deletes_lists(void **state)
{
	struct tmp t;
	struct store *s;
	int64_t n = 0;
	sqlite3 *db = NULL;
	char *err = NULL;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	add_with_lists(s, "K1", 4, NOW - DAY);
	add_with_lists(s, "K2", 10, NOW - 400 * DAY); /* finished long ago */
	add_with_lists(s, "K3", 4, NOW - DAY);
	assert_int_equal(child_rows(t.path), 15);
	assert_int_equal(store_begin_ex(s, STORE_BATCH_CACHE), 0);
	add_with_lists(s, "K4", 4, NOW);
	assert_int_equal(store_dossier_delete(s, "K1"), 0);
	assert_int_equal(store_dossier_delete(s, "K4"), 0); /* new in this batch */
	assert_int_equal(store_protect_purge_finished(s, NOW - 90 * DAY, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(child_rows(t.path), 5); /* K3's */
	/* after the batch a child row without its dossier is refused again */
	assert_int_not_equal(sqlite3_exec(s->db, "INSERT INTO dossier_fees (dossier_id, seq)"
					     " VALUES (987654, 0)", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_equal(store_dossier_delete(s, "K3"), 0);
	assert_int_equal(child_rows(t.path), 0);
	store_close(s);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA foreign_key_check", on_integrity, &err, NULL),
			 SQLITE_OK);
	assert_null(err);
	sqlite3_close(db);
	tmp_release(&t);
}

/* A test-only trigger: an attachment named "boom" fails its insert, half
 * way through an upsert (the row is written, its lists are not yet). */
static void
add_failing_trigger(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TRIGGER boom BEFORE INSERT ON"
					  " dossier_attachments WHEN new.name = 'boom' BEGIN"
					  " SELECT RAISE(ABORT, 'boom'); END", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
}

static void
add_boom(struct store *s, const char *code)
{
	struct dossier d;

	make(&d, code, "tuphap", "Lý Thị Bom", 4, NOW + DAY);
	dossier_add_attachment(&d, "a1", "boom", "TP1", "/files/a1", 1);
	assert_int_equal(store_dossier_upsert(s, &d), -1);
	dossier_release(&d);
}

/*
 * Dossiers stored together, as sync stores a system's waiting pages: the
 * store writes them in an order of its own (by due date), yet each is stored
 * whole under its own code, one already stored is replaced, the inbox lists
 * them by due date, and one that cannot be stored stops the rest with its
 * reason, leaving the store working.
 */
static void
test_upsert_many(void **state)
{
	struct store *s = open_ok(":memory:");
	struct dossier d[30], got;
	struct store_query q;
	char code[16], name[32], want[512] = "";
	int64_t n;

	(void)state;
	add(s, "M07", "tinh", "Tên cũ", 2, NOW + 99 * DAY);
	/* due dates in another order than the codes: 7 and 30 share no
	 * factor, so (7 i) mod 30 takes every value once */
	for (int i = 0; i < 30; i++) {
		snprintf(code, sizeof code, "M%02d", i);
		snprintf(name, sizeof name, "Người nộp %d", i);
		make(&d[i], code, i % 2 ? "tuphap" : "congan", name, 2,
		     NOW + ((7 * i) % 30 + 1) * HOUR);
	}
	assert_int_equal(store_dossiers_upsert(s, d, 0), 0);
	assert_int_equal(store_dossiers_upsert(s, d, 30), 0);
	for (int i = 0; i < 30; i++) {
		assert_null(d[i].code); /* released once written */
		snprintf(code, sizeof code, "M%02d", i);
		snprintf(name, sizeof name, "Người nộp %d", i);
		assert_int_equal(store_dossier_load(s, code, &got), 0);
		assert_string_equal(got.applicant_name, name);
		assert_string_equal(got.source, i % 2 ? "tuphap" : "congan");
		assert_true(got.due_at == NOW + ((7 * i) % 30 + 1) * HOUR);
		dossier_release(&got);
	}
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 30);
	/* rank r is due (r + 1) hours from now: code (13 r) mod 30, as
	 * 7 * 13 = 91 = 1 (mod 30) */
	for (int r = 0; r < 30; r++) {
		size_t len = strlen(want);
		snprintf(want + len, sizeof want - len, "%sM%02d", r ? "," : "", (13 * r) % 30);
	}
	store_query_init(&q, NOW);
	assert_inbox(s, &q, want);
	assert_search(s, "nguoi nop 7", "M07");

	/* the second of three has no code */
	make(&d[0], "N1", "tinh", "Lê Văn Một", 2, NOW + DAY);
	dossier_init(&d[1]);
	d[1].source = strdup("tinh");
	d[1].due_at = NOW + 2 * DAY;
	make(&d[2], "N3", "tinh", "Lê Văn Ba", 2, NOW + 3 * DAY);
	assert_int_equal(store_dossiers_upsert(s, d, 3), -1);
	assert_non_null(strstr(store_errmsg(s), "code"));
	assert_int_equal(store_dossier_load(s, "N3", &got), 1);
	for (int i = 0; i < 3; i++)
		assert_null(d[i].source); /* the ones not written too */
	add(s, "N4", "tinh", "Lê Văn Bốn", 2, NOW + 4 * DAY);
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 32);
	store_close(s);
}

/*
 * A batch of cached data (a sync turn): its rows and search index as in
 * any batch; the queue refuses to write inside it (its commit may be taken
 * back by a power cut) and writes again once it is over; a write that
 * fails half way leaves it only to be rolled back, whole, where a plain
 * batch takes back just that dossier and goes on.
 */
static void
test_cache_batches(void **state)
{
	struct tmp t;
	struct store *s;
	struct dossier d;
	int64_t n;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	store_close(s);
	add_failing_trigger(t.path);
	s = open_ok(t.path);

	assert_int_equal(store_begin_ex(s, STORE_BATCH_CACHE), 0);
	assert_int_equal(store_begin_ex(s, STORE_BATCH_CACHE), -1);
	add(s, "C1", "tuphap", "Nguyễn Văn Đường", 4, NOW + DAY);
	add(s, "C2", "tuphap", "Trần Thị Hoa", 4, NOW + DAY);
	assert_search(s, "duong", "C1");
	assert_int_equal(store_outbox_wake(s, NULL, NOW), -1);
	assert_non_null(strstr(store_errmsg(s), "power cut"));
	add(s, "C2", "tuphap", "Trần Thị Hồng", 4, NOW + DAY); /* renamed while pending */
	assert_int_equal(store_commit(s), 0);
	assert_false(store_in_batch(s));
	assert_int_equal(store_outbox_wake(s, NULL, NOW), 0);
	assert_search(s, "hong", "C2");
	assert_search(s, "hoa", "");

	/* a failure half way: the cache batch can only be rolled back */
	assert_int_equal(store_begin_ex(s, STORE_BATCH_CACHE), 0);
	add(s, "C3", "tuphap", "Lê Minh Tuấn", 4, NOW + DAY);
	add_boom(s, "C4");
	assert_int_equal(store_commit(s), -1);
	assert_true(store_in_batch(s));
	assert_int_equal(store_rollback(s), 0);
	assert_int_equal(store_dossier_load(s, "C3", &d), 1);
	assert_int_equal(store_dossier_load(s, "C4", &d), 1);
	assert_search(s, "tuan", "");
	assert_int_equal(store_outbox_wake(s, NULL, NOW), 0);

	/* the same in a plain batch: only that dossier is taken back */
	assert_int_equal(store_begin(s), 0);
	add(s, "C3", "tuphap", "Lê Minh Tuấn", 4, NOW + DAY);
	add_boom(s, "C4");
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_dossier_load(s, "C4", &d), 1);
	assert_search(s, "tuan", "C3");
	assert_int_equal(store_dossier_count(s, NULL, &n), 0);
	assert_int_equal(n, 3);
	store_close(s);
	assert_search_index_sound(t.path);
	tmp_release(&t);
}

/* The coordination system's status of a stored dossier, alone. */
static void
test_coord_status(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_query q;
	struct dossier d;
	char *source = NULL;
	int coord = -1;

	(void)state;
	assert_int_equal(store_dossier_coord_get(s, "K1", &source, &coord), 1);
	assert_null(source);
	assert_int_equal(store_dossier_coord_set(s, "K1", 4), 1);
	make(&d, "K1", "tuphap", "Phan Văn Khải", 4, NOW + DAY);
	dossier_add_event(&d, NOW, "Cán bộ", "Một cửa", "Tiếp nhận", 1);
	put(s, &d);
	dossier_release(&d);
	assert_int_equal(store_dossier_coord_get(s, "K1", &source, &coord), 0);
	assert_string_equal(source, "tuphap");
	assert_int_equal(coord, 0);
	free(source);

	assert_int_equal(store_dossier_coord_set(s, "K1", 9), 0);
	assert_int_equal(store_dossier_coord_get(s, "K1", &source, &coord), 0);
	assert_int_equal(coord, 9);
	free(source);
	/* the rest of the dossier stays; it now shows as a mismatch */
	assert_int_equal(store_dossier_load(s, "K1", &d), 0);
	assert_int_equal(d.status, 4);
	assert_int_equal(d.coord_status, 9);
	assert_int_equal((int)d.n_history, 1);
	dossier_release(&d);
	store_query_init(&q, NOW);
	q.mismatch_only = true;
	assert_inbox(s, &q, "K1");
	assert_search(s, "khai", "K1");
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_memory_migrates),
		cmocka_unit_test(test_detail_kept_by_short_records),
		cmocka_unit_test(test_file_created_0600_and_reopened),
		cmocka_unit_test(test_page_size),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_stats_groups),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_foreign_database_refused),
		cmocka_unit_test(test_not_sqlite_refused),
		cmocka_unit_test(test_damaged_sqlite_refused),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_round_trip_all_fields),
		cmocka_unit_test(test_load_delete_count),
		cmocka_unit_test(test_upsert_refuses_incomplete),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_upsert_many),
		cmocka_unit_test(test_search_index_in_batches),
		cmocka_unit_test(test_update_moves_indexes),
		cmocka_unit_test(test_long_lists),
		cmocka_unit_test(test_cache_batch_deletes_lists),
		cmocka_unit_test(test_cache_batches),
		cmocka_unit_test(test_coord_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
