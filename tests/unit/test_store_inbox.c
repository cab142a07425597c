/*
 * test_store_inbox.c - the local store's inbox: search (diacritics either
 * way, words in any order, codes, procedures and ID numbers, short words,
 * special characters), due classes, filters, sorts and paging.
 *
 * Every assertion runs under both query plans (ordered and selective, see
 * src/store/inbox.c) and the automatic choice (assert_inbox() in
 * store_fixture.h), so the planner's choice can never change an answer.
 */
#include "store_fixture.h"

#include "core/calendar.h"
#include "core/deadline.h"

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
	/* "nguyen" also starts the given name Nguyên */
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

/* Words match the start of a word, not inside one: the clerk typing "uyen"
 * is after a Uyên, not every Nguyễn; digits still find a code's tail. */
static void
test_search_words_not_substrings(void **state)
{
	struct store *s = search_fixture();

	(void)state;
	add(s, "H56.14-260312-00007", "tuphap", "Trần Thùy Uyên", 2, NOW + 7 * DAY);
	search_is(s, "uyen", "H56.14-260312-00007");
	search_is(s, "Uyên", "H56.14-260312-00007");
	search_is(s, "guyen", "");
	search_is(s, "uong", "");
	search_is(s, "ngu", "H56.14-260312-00001,H56.14-260312-00002,"
			    "H56.14-260312-00003,H56.14-260312-00005");
	search_is(s, "thuy uy", "H56.14-260312-00007");
	/* a code by its end, with or without the date part */
	search_is(s, "00007", "H56.14-260312-00007");
	search_is(s, "12-00007", "H56.14-260312-00007");
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
	/* a wider horizon makes D6 (2 days) coming due; soon_end is excluded */
	q.due = STORE_DUE_SOON;
	q.soon_end = NOW + 3 * DAY;
	assert_inbox(s, &q, "D2,D6");
	q.due = STORE_DUE_OK;
	assert_inbox(s, &q, "D3");
	q.soon_end = NOW + 3 * DAY + 1;
	assert_inbox(s, &q, "");
	q.due = STORE_DUE_SOON;
	assert_inbox(s, &q, "D2,D6,D3");
	/* a soon_end before now: nothing coming due, the overdue stay overdue */
	q.soon_end = NOW - 2 * HOUR;
	assert_inbox(s, &q, "");
	q.due = STORE_DUE_OVERDUE;
	assert_inbox(s, &q, "D7,D1");
	q.due = STORE_DUE_OK;
	assert_inbox(s, &q, "D2,D6,D3");
	/* a day earlier nothing was overdue yet */
	store_query_init(&q, NOW - DAY);
	q.limit = 0;
	q.due = STORE_DUE_OVERDUE;
	assert_inbox(s, &q, "");

	assert_int_equal(store_due_counts(s, NULL, NOW, 0, &overdue, &soon), 0);
	assert_int_equal(overdue, 2);
	assert_int_equal(soon, 1);
	assert_int_equal(store_due_counts(s, NULL, NOW, NOW + 2 * DAY + 1, &overdue, &soon), 0);
	assert_int_equal(overdue, 2);
	assert_int_equal(soon, 2);
	assert_int_equal(store_due_counts(s, "tuphap", NOW, NOW + STORE_SOON_DEFAULT, &overdue,
					  &soon),
			 0);
	assert_int_equal(overdue, 1);
	assert_int_equal(soon, 0);
	store_close(s);
}

/*
 * The store's due classes against core's rule: open dossiers due every half
 * hour around a Friday afternoon (and a second either side of each
 * threshold), classified by the store with the thresholds of
 * deadline_horizon_at() and by deadline_classify_open() one by one.  Every
 * row (streamed and paged), every filter count under every plan,
 * store_due_counts() and the per-area sums must agree.
 */
struct core_check {
	struct calendar *cal;
	mc_time now;
	int64_t rows;
};

static enum store_due_class
store_class_of(enum deadline_class c)
{
	switch (c) {
	case DEADLINE_OVERDUE:
		return STORE_DUE_OVERDUE;
	case DEADLINE_DUE_SOON:
		return STORE_DUE_SOON;
	case DEADLINE_ON_TRACK:
		return STORE_DUE_OK;
	default:
		return STORE_DUE_NONE;
	}
}

static int
check_core_row(void *ctx, const struct store_row *r)
{
	struct core_check *cc = ctx;
	enum deadline_class c = deadline_classify_open(cc->cal, NULL, r->due_at, cc->now, -1);

	cc->rows++;
	if (r->due_class != store_class_of(c))
		fail_msg("%s due %lld: store %s, core %s", r->code, (long long)r->due_at,
			 store_due_class_name(r->due_class), deadline_class_name(c));
	return 0;
}

static int
sum_area_soon(void *ctx, const struct store_area_stats *a)
{
	int64_t *n = ctx;

	n[0] += a->overdue;
	n[1] += a->soon;
	return 0;
}

static void
test_due_classes_follow_core(void **state)
{
	struct store *s = open_ok(":memory:");
	struct calendar *cal = calendar_new();
	struct deadline_horizon h;
	mc_time now = 0;
	int64_t want[STORE_DUE_FINISHED + 1] = {0}, n, area[2] = {0, 0};
	int k = 0;
	struct core_check cc;
	struct store_query q;

	(void)state;
	assert_int_equal(civil_parse_datetime("2026-03-13 15:00", &now), 0); /* a Friday */
	assert_int_equal(deadline_horizon_at(cal, NULL, now, -1, &h), 0);
	/* One working day from Friday 15:00 runs to Monday 15:00 (2 h + 6 h). */
	assert_int_equal(h.soon_end, now + 3 * DAY + 1);
	const mc_time edges[] = {now - 1, now, now + 1, h.soon_end - 1, h.soon_end, h.soon_end + 1};
	for (mc_time due = now - 4 * HOUR; due <= now + 6 * DAY; due += 30 * 60, k++) {
		char code[16];

		snprintf(code, sizeof code, "C%03d", k);
		add(s, code, k % 2 ? "tuphap" : "congan", "Nguyễn An", 4, due);
		want[store_class_of(deadline_classify_open(cal, NULL, due, now, -1))]++;
	}
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++, k++) {
		char code[16];

		snprintf(code, sizeof code, "E%zu", i);
		add(s, code, "tinh", "Trần Bình", 4, edges[i]);
		want[store_class_of(deadline_classify_open(cal, NULL, edges[i], now, -1))]++;
	}
	assert_int_equal(want[STORE_DUE_OVERDUE], 9);
	assert_true(want[STORE_DUE_SOON] > 0 && want[STORE_DUE_OK] > 0);

	cc.cal = cal;
	cc.now = now;
	cc.rows = 0;
	store_query_init(&q, h.now);
	q.soon_end = h.soon_end;
	q.limit = 0;
	assert_int_equal(store_inbox_each(s, &q, check_core_row, &cc), 0);
	assert_int_equal(cc.rows, k);
	for (int plan = 0; plan <= 2; plan++) {
		store_inbox_force_plan(s, plan);
		for (int c = STORE_DUE_OVERDUE; c <= STORE_DUE_OK; c++) {
			q.due = (enum store_due_class)c;
			assert_int_equal(store_inbox_count(s, &q, 0, &n), 0);
			assert_int_equal(n, want[c]);
		}
		q.due = STORE_DUE_ANY;
		q.limit = 10; /* the paged way: ids first, then the rows */
		for (q.offset = 0; q.offset < k; q.offset += 10)
			assert_int_equal(store_inbox_each(s, &q, check_core_row, &cc), 0);
		q.limit = 0;
		q.offset = 0;
	}
	store_inbox_force_plan(s, 0);
	assert_int_equal(store_due_counts(s, NULL, h.now, h.soon_end, &n, &area[0]), 0);
	assert_int_equal(n, want[STORE_DUE_OVERDUE]);
	assert_int_equal(area[0], want[STORE_DUE_SOON]);
	area[0] = 0;
	assert_int_equal(store_stats_area(s, h.now, h.soon_end, sum_area_soon, area), 0);
	assert_int_equal(area[0], want[STORE_DUE_OVERDUE]);
	assert_int_equal(area[1], want[STORE_DUE_SOON]);
	calendar_free(cal);
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
	/* the coordination system's view: its own dossiers and those it carries
	 * for the other systems (coordination status known) */
	{
		struct dossier d;
		make(&d, "D8", "tuphap", "Đỗ Kim", 4, NOW + 4 * DAY);
		d.coord_status = 4;
		put(s, &d);
		dossier_release(&d);
	}
	q.source = "dvcqg";
	assert_inbox(s, &q, "D6");
	q.coordinated = true;
	assert_inbox(s, &q, "D6,D8");
	q.source = "tuphap";
	q.coordinated = false;
	assert_inbox(s, &q, "D1,D3,D8");
	q.source = NULL;
	{
		struct store_query all;
		store_query_init(&all, NOW);
		all.limit = 0;
		all.status = 4;
		assert_inbox(s, &all, "D7,D1,D6,D8");
	}
	/* D8 out again, for what follows */
	assert_int_equal(store_dossier_delete(s, "D8"), 0);
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
		for (int so = STORE_SORT_DUE; so < STORE_SORTS; so++) {
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

/*
 * A keystroke's count (store_inbox_count_within): within a budget it is the
 * count itself; a page that reached the last match is counted without
 * another pass, right after the page and not once the store has changed;
 * out of time it is marked partial and never more than the real count nor
 * less than the rows the page showed.
 */
static void
test_count_within(void **state)
{
	struct store *s = open_ok(":memory:");
	struct store_query q;
	struct store_page page;
	int64_t n, exact;
	bool partial;
	int partials = 0;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		char code[32];

		snprintf(code, sizeof code, "W%04d", i);
		add(s, code, i % 2 ? "tuphap" : "tinh",
		    i % 7 == 0 ? "Trần Thị Hoa" : i % 3 ? "Nguyễn Văn Tư" : "Lê Thị Ba", 4,
		    NOW + (i % 50) * DAY);
	}
	const char *words[] = {"nguyen", "tran thi hoa", "le thi", "h", "khong co ai", "tu"};
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		store_query_init(&q, NOW);
		q.search = words[w];
		assert_int_equal(store_inbox_count(s, &q, 1000, &exact), 0);
		/* plenty of time: the same count, not partial */
		assert_int_equal(store_inbox_count_within(s, &q, 1000, 10000.0, &n, &partial), 0);
		assert_false(partial);
		assert_int_equal(n, exact);
		/* after its page, as the console asks; no time at all */
		q.limit = 57;
		assert_int_equal(store_inbox_page(s, &q, &page), 0);
		assert_int_equal(store_inbox_count_within(s, &q, 1000, 1e-9, &n, &partial), 0);
		if (partial) {
			partials++;
			assert_true(n >= (int64_t)page.n);
			assert_true(n <= exact);
		} else {
			assert_int_equal(n, exact);
		}
		store_page_release(&page);
	}
	assert_true(partials > 0); /* "nguyen" (2,000 rows) cannot be counted in no time */
	/* the page reached the last match: that count is right at once, and a
	 * dossier added since is counted */
	store_query_init(&q, NOW);
	q.search = "tran thi hoa";
	q.source = "tinh";
	q.limit = 1000;
	assert_int_equal(store_inbox_page(s, &q, &page), 0);
	assert_true(page.n > 0 && page.n < 1000);
	assert_int_equal(store_inbox_count_within(s, &q, 1000, 1e-9, &n, &partial), 0);
	assert_false(partial);
	assert_int_equal(n, (int64_t)page.n);
	add(s, "W9999", "tinh", "Trần Thị Hoa", 4, NOW);
	assert_int_equal(store_inbox_count_within(s, &q, 1000, 10000.0, &n, &partial), 0);
	assert_false(partial);
	assert_int_equal(n, (int64_t)page.n + 1);
	store_page_release(&page);
	store_close(s);
}

/*
 * Narrowing (inbox.c): a keystroke that only narrows the last search is
 * answered from that search's rows.  Along a clerk's typing - letters
 * added, a space, a letter deleted, the words' order changed, a digit word
 * growing from a word start ("01": no word starts so) to "anywhere" ("012"
 * is in N0012), a dossier arriving, a filter,
 * another sort, the next page - every page and count is the one the FTS
 * index gives without narrowing, and most keystrokes were narrowed.
 */
static void
test_narrowing_keeps_answers(void **state)
{
	static const char *const families[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Đỗ"};
	static const char *const middles[] = {"Văn", "Thị", "Ngọc", "Đức"};
	static const char *const givens[] = {"Đường", "Dương", "Hoa", "Hòa", "Lan",
					     "Duyên", "An", "Anh", "Vân", "Dũng"};
	static const char *const typed[] = {
		"n", "ng", "ngu", "nguyen", "nguyen ", "nguyen v", "nguyen va", "nguyen van",
		"nguyen van d", "nguyen van du", "nguyen van duo", "nguyen van du",
		"nguyen van duong", "van nguyen", "van nguyen d", "tran", "tran t", "tran th",
		"tran thi", "tran thi hoa", "@add", "tran thi hoa", "tran thi hoa x", "01",
		"012", "0123", "00", "000", "0001", "n001", "n0012", "h", "ha", "@tinh", "tran", "tran thi",
		"@desc", "tran thi", "tran thi h", "@page", "tran thi h", "do duc an",
		"do duc anh", "do duc an",
	};
	struct store *s = open_ok(":memory:");
	struct store_query q;
	char code[32];
	const char *source = NULL;
	bool desc = false;
	int offset = 0, n_added = 0;

	(void)state;
	for (int i = 0; i < 800; i++) {
		char name[96];

		snprintf(code, sizeof code, "N%04d", i);
		snprintf(name, sizeof name, "%s %s %s", families[i % 5], middles[(i / 5) % 4],
			 givens[(i / 20) % 10]);
		add(s, code, i % 3 ? "tuphap" : "tinh", name, 2 + i % 8, NOW + (i % 37) * DAY);
	}
	for (size_t k = 0; k < sizeof typed / sizeof typed[0]; k++) {
		struct codes narrowed, plain;
		int64_t n_narrowed, n_plain;

		if (strcmp(typed[k], "@add") == 0) {
			/* a dossier arrives between two keystrokes */
			snprintf(code, sizeof code, "N9%03d", n_added++);
			add(s, code, "tinh", "Trần Thị Hoa", 4, NOW - DAY);
			continue;
		}
		if (strcmp(typed[k], "@tinh") == 0) {
			source = "tinh";
			continue;
		}
		if (strcmp(typed[k], "@desc") == 0) {
			desc = true;
			continue;
		}
		if (strcmp(typed[k], "@page") == 0) {
			offset = 7;
			continue;
		}
		store_query_init(&q, NOW);
		q.search = typed[k];
		q.source = source;
		q.descending = desc;
		q.offset = offset;
		q.limit = 20;
		codes_of(s, &q, 3, &narrowed);
		codes_of(s, &q, 2, &plain);
		if (strcmp(narrowed.buf, plain.buf) != 0)
			fail_msg("\"%s\": narrowed [%s], the FTS index [%s]", typed[k],
				 narrowed.buf, plain.buf);
		if (offset == 0) {
			/* the count right after the page, as the console asks */
			q.limit = 20;
			store_inbox_force_plan(s, 3);
			assert_int_equal(store_inbox_count(s, &q, 0, &n_narrowed), 0);
			store_inbox_force_plan(s, 2);
			assert_int_equal(store_inbox_count(s, &q, 0, &n_plain), 0);
			store_inbox_force_plan(s, 0);
			if (n_narrowed != n_plain)
				fail_msg("\"%s\": narrowed count %lld, the FTS index's %lld",
					 typed[k], (long long)n_narrowed, (long long)n_plain);
		}
	}
	/* most keystrokes only narrowed the one before */
	assert_true(store_inbox_narrowed(s) >= 15);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_diacritics_both_ways),
		cmocka_unit_test(test_search_words_any_order),
		cmocka_unit_test(test_search_code_procedure_id),
		cmocka_unit_test(test_search_short_words_start_a_word),
		cmocka_unit_test(test_search_words_not_substrings),
		cmocka_unit_test(test_search_special_characters),
		cmocka_unit_test(test_due_classes),
		cmocka_unit_test(test_due_classes_follow_core),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_sorts),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_count_within),
		cmocka_unit_test(test_narrowing_keeps_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
