/*
 * test_store_sync.c - what the local store keeps about the systems rather
 * than the dossiers: statistics over the inbox, each source's sync state,
 * and the byte counters per source.
 */
#include "store_fixture.h"

#include <sqlite3.h>

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
	assert_int_equal(store_stats_area(s, NOW, 0, sum_area, buf), 0);
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

/*
 * What each system was last read with: none recorded (NULL) is not "" (a
 * built-in dialect), and a store from before fingerprints were kept gets
 * the column empty, its positions untouched (migration 10).
 */
static void
test_sync_state_fingerprint(void **state)
{
	struct tmp t;
	struct store *s;
	struct store_sync_state st = {0}, got;
	sqlite3 *db = NULL;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	st.cursor = "c-000017";
	st.server_total = 250;
	st.fingerprint = "";
	assert_int_equal(store_sync_state_set(s, "tuphap", &st), 0);
	st.fingerprint = "812:0123456789abcdef";
	assert_int_equal(store_sync_state_set(s, "xa", &st), 0);
	st.fingerprint = NULL;
	assert_int_equal(store_sync_state_set(s, "congan", &st), 0);
	assert_int_equal(store_sync_state_get(s, "tuphap", &got), 0);
	assert_string_equal(got.fingerprint, "");
	store_sync_state_release(&got);
	assert_int_equal(store_sync_state_get(s, "xa", &got), 0);
	assert_string_equal(got.fingerprint, "812:0123456789abcdef");
	store_sync_state_release(&got);
	assert_int_equal(store_sync_state_get(s, "congan", &got), 0);
	assert_null(got.fingerprint);
	store_sync_state_release(&got);
	assert_int_equal(store_sync_state_get(s, "nnmt", &got), 1);
	assert_null(got.fingerprint);
	store_close(s);

	/* back to version 9, as an older release left it */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE sync_state DROP COLUMN fingerprint;"
					  " DROP INDEX dossiers_name;"
					  " ALTER TABLE dossiers DROP COLUMN name_key;"
					  " PRAGMA user_version = 9;", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	s = open_ok(t.path);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(store_sync_state_get(s, "xa", &got), 0);
	assert_string_equal(got.cursor, "c-000017");
	assert_int_equal(got.server_total, 250);
	assert_null(got.fingerprint);
	store_sync_state_release(&got);
	store_close(s);
	tmp_release(&t);
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
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_sync_state),
		cmocka_unit_test(test_sync_state_fingerprint),
		cmocka_unit_test(test_byte_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
