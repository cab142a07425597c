/*
 * test_store_sort.c - the inbox's orders by one key: applicant (by the
 * given name, the last word of a Vietnamese name, then the whole name,
 * without diacritics; an organisation by its whole name; no name last),
 * procedure, system and area (each then by due).  Ascending and
 * descending, paged without a row lost or shown twice, with a filter and
 * with a search; and a store from before the applicant order (schema 10)
 * gets its sort keys when it is opened, or repaired.
 *
 * Every assertion runs under both query plans (ordered and selective, see
 * src/store/inbox.c) and the automatic choice (assert_inbox() in
 * store_fixture.h).
 */
#include "store_fixture.h"

#include <sqlite3.h>

/* What a clerk sees sorted by applicant, in order:
 *   S03 Lê An                  an     (due in 3 days)
 *   S07 Nguyễn Văn An          an     (due in an hour: first of the three)
 *   S01 Nguyễn Văn An          an     (in 2 days)
 *   S11 "  nguyễn  văn AN "    an     (in 2 days: the same name, a later row)
 *   S08 Lê Thị Ánh             anh
 *   S09 Phạm Đức Anh           anh    (kind unknown: a person's name)
 *   S02 Trần Thị Bình          binh
 *   S05 Công ty TNHH An Phát   an organisation: under "cong ty ...", not "phat"
 *   S04 Đặng Văn Cường         cuong
 *   S10 (no name)              last   (in 1 day)
 *   S06 ""                     last   (in 5 days)
 */
#define BY_APPLICANT "S03,S07,S01,S11,S08,S09,S02,S05,S04,S10,S06"
#define BY_APPLICANT_DESC "S06,S10,S04,S05,S02,S09,S08,S11,S01,S07,S03"

static void
add_named(struct store *s, const char *code, const char *source, const char *name, int kind,
	  mc_time due)
{
	struct dossier d;

	make(&d, code, source, name != NULL ? name : "", 4, due);
	if (name == NULL) {
		free(d.applicant_name);
		d.applicant_name = NULL;
	}
	d.applicant_kind = kind;
	put(s, &d);
	dossier_release(&d);
}

static void
fill_names(struct store *s)
{
	add_named(s, "S01", "tuphap", "Nguyễn Văn An", APPLICANT_INDIVIDUAL, NOW + 2 * DAY);
	add_named(s, "S02", "congan", "Trần Thị Bình", APPLICANT_INDIVIDUAL, NOW + DAY);
	add_named(s, "S03", "tuphap", "Lê An", APPLICANT_INDIVIDUAL, NOW + 3 * DAY);
	add_named(s, "S04", "congan", "Đặng Văn Cường", APPLICANT_INDIVIDUAL, NOW + 4 * DAY);
	add_named(s, "S05", "tuphap", "Công ty TNHH An Phát", APPLICANT_ENTERPRISE, NOW);
	add_named(s, "S06", "congan", "", APPLICANT_INDIVIDUAL, NOW + 5 * DAY);
	add_named(s, "S07", "congan", "Nguyễn Văn An", APPLICANT_INDIVIDUAL, NOW + HOUR);
	add_named(s, "S08", "tuphap", "Lê Thị Ánh", APPLICANT_INDIVIDUAL, NOW + 6 * DAY);
	add_named(s, "S09", "tuphap", "Phạm Đức Anh", APPLICANT_UNKNOWN, NOW + 7 * DAY);
	add_named(s, "S10", "tuphap", NULL, APPLICANT_UNKNOWN, NOW + DAY);
	add_named(s, "S11", "congan", "  nguyễn  văn AN ", APPLICANT_INDIVIDUAL, NOW + 2 * DAY);
}

static void
sorted_is(struct store *s, enum store_sort sort, bool desc, const char *want)
{
	struct store_query q;

	store_query_init(&q, NOW);
	q.limit = 0;
	q.sort = sort;
	q.descending = desc;
	assert_inbox(s, &q, want);
}

/* Pages of `limit` rows, joined, under every plan: exactly the whole list. */
static void
pages_join_to(struct store *s, const struct store_query *whole, int64_t limit,
	      const char *want)
{
	for (int plan = 0; plan <= 2; plan++) {
		struct store_query q = *whole;
		struct codes page;
		char joined[4096] = "";

		q.limit = limit;
		for (q.offset = 0; q.offset < 40; q.offset += limit) {
			codes_of(s, &q, plan, &page);
			assert_true(page.n <= (size_t)limit);
			if (page.n > 0)
				snprintf(joined + strlen(joined), sizeof joined - strlen(joined),
					 "%s%s", joined[0] != '\0' ? "," : "", page.buf);
		}
		if (strcmp(joined, want) != 0)
			fail_msg("plan %d, pages of %lld: got [%s], want [%s]", plan,
				 (long long)limit, joined, want);
	}
}

static void
test_applicant_given_name_first(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_query q;

	(void)state;
	fill_names(s);
	sorted_is(s, STORE_SORT_APPLICANT, false, BY_APPLICANT);
	sorted_is(s, STORE_SORT_APPLICANT, true, BY_APPLICANT_DESC);

	/* paged: nothing lost, nothing twice, both ways */
	store_query_init(&q, NOW);
	q.sort = STORE_SORT_APPLICANT;
	pages_join_to(s, &q, 3, BY_APPLICANT);
	pages_join_to(s, &q, 1, BY_APPLICANT);
	q.descending = true;
	pages_join_to(s, &q, 4, BY_APPLICANT_DESC);

	/* with a filter: one system's rows, in the same order */
	store_query_init(&q, NOW);
	q.limit = 0;
	q.sort = STORE_SORT_APPLICANT;
	q.source = "congan";
	assert_inbox(s, &q, "S07,S11,S02,S04,S06");
	pages_join_to(s, &q, 2, "S07,S11,S02,S04,S06");
	q.descending = true;
	assert_inbox(s, &q, "S06,S04,S02,S11,S07");

	/* with a search: every name with a word starting "an" */
	store_query_init(&q, NOW);
	q.limit = 0;
	q.sort = STORE_SORT_APPLICANT;
	q.search = "an";
	assert_inbox(s, &q, "S03,S07,S01,S11,S08,S09,S05");
	pages_join_to(s, &q, 2, "S03,S07,S01,S11,S08,S09,S05");
	q.search = "nguyen van";
	assert_inbox(s, &q, "S07,S01,S11");
	/* a search, a filter and descending together */
	q.search = "an";
	q.source = "tuphap";
	q.descending = true;
	assert_inbox(s, &q, "S05,S09,S08,S01,S03");

	/* a changed name moves the row: Cường becomes Ân, first of the Ans
	 * by the whole name ("dang van an" before "le an") */
	add_named(s, "S04", "congan", "Đặng Văn Ân", APPLICANT_INDIVIDUAL, NOW + 4 * DAY);
	sorted_is(s, STORE_SORT_APPLICANT, false, "S04,S03,S07,S01,S11,S08,S09,S02,S05,S10,S06");
	store_close(s);
}

/*
 * By procedure, system, area: grouped by the key, the earliest due first
 * within a group (finished ones last of it), reversed whole.
 */
static void
test_grouped_by_key_then_due(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_query q;
	struct dossier d;
	static const struct {
		const char *code, *source, *procedure, *area;
		int status;
		mc_time due;
	} rows[] = {
		{"G1", "tuphap", "1.001193", "Thôn Đông", 4, NOW + 3 * DAY},
		{"G2", "congan", "2.000815", "Ấp 2", 4, NOW + DAY},
		{"G3", "tuphap", "2.000815", "Thôn Đông", 4, NOW - HOUR},
		{"G4", "congan", "1.001193", "Ấp 2", 4, NOW + HOUR},
		{"G5", "tinh", "1.001193", "Thôn Đông", 9, NOW - DAY}, /* finished */
		{"G6", "tinh", "3.000100", "Ấp 2", 4, NOW + 2 * DAY},
		{"G7", "tuphap", "1.001193", "Thôn Đông", 4, NOW + 3 * DAY}, /* = G1 but for id */
	};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		make(&d, rows[i].code, rows[i].source, "Nguyễn Văn An", rows[i].status, rows[i].due);
		free(d.procedure_code);
		d.procedure_code = strdup(rows[i].procedure);
		free(d.area);
		d.area = strdup(rows[i].area);
		d.coord_status = strcmp(rows[i].code, "G6") == 0 ? 4 : 0;
		put(s, &d);
		dossier_release(&d);
	}
	/* 1.001193: G4 (in an hour), G1 and G7 (3 days, by id), G5 (finished) */
	sorted_is(s, STORE_SORT_PROCEDURE, false, "G4,G1,G7,G5,G3,G2,G6");
	sorted_is(s, STORE_SORT_PROCEDURE, true, "G6,G2,G3,G5,G7,G1,G4");
	/* systems in byte order: congan, tinh, tuphap */
	sorted_is(s, STORE_SORT_SOURCE, false, "G4,G2,G6,G5,G3,G1,G7");
	sorted_is(s, STORE_SORT_SOURCE, true, "G7,G1,G3,G5,G6,G2,G4");
	/* "Thôn" (T) before "Ấp" (U+1EA4) in byte order */
	sorted_is(s, STORE_SORT_AREA, false, "G3,G1,G7,G5,G4,G2,G6");
	sorted_is(s, STORE_SORT_AREA, true, "G6,G2,G4,G5,G7,G1,G3");

	/* with a filter and a search, paged */
	store_query_init(&q, NOW);
	q.limit = 0;
	q.sort = STORE_SORT_AREA;
	q.status = 4;
	assert_inbox(s, &q, "G3,G1,G7,G4,G2,G6");
	pages_join_to(s, &q, 2, "G3,G1,G7,G4,G2,G6");
	q.search = "nguyen an";
	q.sort = STORE_SORT_PROCEDURE;
	assert_inbox(s, &q, "G4,G1,G7,G3,G2,G6");
	pages_join_to(s, &q, 4, "G4,G1,G7,G3,G2,G6");
	/* the system's own filter on the system's own order; dvcqg's view
	 * (what it carries: a coordination status) on it too */
	store_query_init(&q, NOW);
	q.limit = 0;
	q.sort = STORE_SORT_SOURCE;
	q.source = "tuphap";
	assert_inbox(s, &q, "G3,G1,G7");
	q.source = "dvcqg";
	q.coordinated = true;
	assert_inbox(s, &q, "G6");

	assert_int_equal(store_sort_from_name("applicant"), STORE_SORT_APPLICANT);
	assert_int_equal(store_sort_from_name("procedure"), STORE_SORT_PROCEDURE);
	assert_int_equal(store_sort_from_name("source"), STORE_SORT_SOURCE);
	assert_int_equal(store_sort_from_name("area"), STORE_SORT_AREA);
	assert_string_equal(store_sort_name(STORE_SORT_AREA), "area");
	assert_int_equal(STORE_SORTS, STORE_SORT_AREA + 1);
	store_close(s);
}

/* Take a store file back to version 10: no name_key, no index on it. */
static void
back_to_v10(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP INDEX dossiers_name;"
					  " ALTER TABLE dossiers DROP COLUMN name_key;"
					  " PRAGMA user_version = 10;", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
}

/* The stored name_key of `code`, and whether the index is there. */
static void
stored_key(const char *path, const char *code, char *key, size_t size, bool *indexed)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name_key FROM dossiers WHERE code = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(key, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master"
						" WHERE type = 'index' AND name = 'dossiers_name'",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*indexed = sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* A store from before the applicant order: migrated at its open, every
 * stored row with its key, the order there; and the same from a repair. */
/* A setting of the search index (dossier_fts_config), -1 when unset. */
static int
fts_setting(const char *path, const char *name)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT v FROM dossier_fts_config WHERE k = ?1",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
test_older_store_gets_its_keys(void **state)
{
	struct tmp t;
	struct store *s;
	struct store_repair_report r;
	enum store_fault fault;
	char key[128], *err = NULL, aside[160], side[176];
	bool indexed = false;

	(void)state;
	tmp_init(&t);
	s = open_ok(t.path);
	fill_names(s);
	store_close(s);
	back_to_v10(t.path);

	s = open_ok(t.path);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_true(store_schema_latest() >= 12);
	sorted_is(s, STORE_SORT_APPLICANT, false, BY_APPLICANT);
	sorted_is(s, STORE_SORT_APPLICANT, true, BY_APPLICANT_DESC);
	store_close(s);
	/* version 12: the search index merges eight segments at a time */
	assert_int_equal(fts_setting(t.path, "automerge"), 8);
	assert_int_equal(fts_setting(t.path, "pgsz"), 16000);
	stored_key(t.path, "S01", key, sizeof key, &indexed);
	assert_string_equal(key, "an nguyen van an");
	assert_true(indexed);
	stored_key(t.path, "S05", key, sizeof key, &indexed);
	assert_string_equal(key, "cong ty tnhh an phat");
	stored_key(t.path, "S10", key, sizeof key, &indexed);
	assert_string_equal(key, "\xf4\x8f\xbf\xbf");

	/* a repair copies the columns both files have: from a version 10
	 * file the keys are made again (the marker says damaged, so the
	 * sound file is copied all the same) */
	back_to_v10(t.path);
	snprintf(side, sizeof side, "%s.open", t.path);
	write_all(side, "damaged\n", 8);
	snprintf(aside, sizeof aside, "%s.aside", t.path);
	if (store_repair(t.path, aside, &r, &fault, &err) != 0)
		fail_msg("repair: %s", err);
	assert_false(r.sound);
	assert_int_equal(r.old_version, 10);
	s = open_ok(t.path);
	sorted_is(s, STORE_SORT_APPLICANT, false, BY_APPLICANT);
	store_close(s);
	stored_key(t.path, "S09", key, sizeof key, &indexed);
	assert_string_equal(key, "anh pham duc anh");
	assert_true(indexed);
	unlink(aside);
	snprintf(side, sizeof side, "%s-wal", aside);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", aside);
	unlink(side);
	snprintf(side, sizeof side, "%s.open", t.path);
	unlink(side);
	tmp_release(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_applicant_given_name_first),
		cmocka_unit_test(test_grouped_by_key_then_due),
		cmocka_unit_test(test_older_store_gets_its_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
