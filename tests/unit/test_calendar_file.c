/*
 * test_calendar_file.c - yearly override files (config/calendar_file.c):
 * the format, every way a file is rejected (with its path and line), and
 * that a rejected file never reaches the calendar.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/calendar_file.h"
#include "core/civil.h"

/* Warnings collected from the callback, one per line. */
struct sink {
	char text[4096];
	int count;
};

static void
collect(void *ctx, const char *msg)
{
	struct sink *s = ctx;
	size_t used = strlen(s->text);
	snprintf(s->text + used, sizeof s->text - used, "%s\n", msg);
	s->count++;
}

static int32_t
day_of(int y, int m, int d)
{
	return civil_days_from_date(y, m, d);
}

/* Parse `text` as "2026.json"; returns the rc, leaves the cause in *cause. */
static int
parse(const char *text, struct calendar_override *ov, char **cause, struct sink *sink)
{
	return calendar_file_parse("cal/2026.json", text, strlen(text), 2026, ov, cause,
				   sink != NULL ? collect : NULL, sink);
}

static void
expect_error(const char *text, const char *want_cause)
{
	struct calendar_override ov;
	char *cause = NULL;

	assert_int_equal(parse(text, &ov, &cause, NULL), -1);
	assert_non_null(cause);
	if (strstr(cause, want_cause) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want_cause);
	/* Nothing half-filled is handed back. */
	assert_null(ov.days_off);
	assert_null(ov.working_days);
	assert_int_equal(ov.n_days_off, 0);
	free(cause);
}

static void
test_valid_file(void **state)
{
	const char *text = "{\n"
			   "  \"year\": 2026,\n"
			   "  \"source\": \"ví dụ, không phải thông báo thật\",\n"
			   "  \"note\": \"test\",\n"
			   "  \"days_off\": [\n"
			   "    {\"date\": \"2026-02-13\", \"name\": \"Nghỉ Tết\"},\n"
			   "    {\"date\": \"2026-02-23\"}\n"
			   "  ],\n"
			   "  \"working_days\": [{\"date\": \"2026-02-28\", \"name\": \"Làm bù\"}]\n"
			   "}\n";
	struct calendar_override ov;
	struct sink sink = {0};
	char *cause = NULL;
	(void)state;

	assert_int_equal(parse(text, &ov, &cause, &sink), 0);
	assert_null(cause);
	assert_int_equal(sink.count, 0);
	assert_int_equal(ov.year, 2026);
	assert_int_equal(ov.n_days_off, 2);
	assert_int_equal(ov.days_off[0].day, day_of(2026, 2, 13));
	assert_string_equal(ov.days_off[0].name, "Nghỉ Tết");
	assert_string_equal(ov.days_off[1].name, "Ngày nghỉ theo thông báo"); /* default */
	assert_int_equal(ov.n_working_days, 1);
	assert_int_equal(ov.working_days[0].day, day_of(2026, 2, 28));
	assert_string_equal(ov.working_days[0].name, "Làm bù");
	calendar_override_release(&ov);
}

/* Only "year" is required; empty lists are fine. */
static void
test_minimal_file(void **state)
{
	struct calendar_override ov;
	char *cause = NULL;
	(void)state;

	assert_int_equal(parse("{\"year\":2026}", &ov, &cause, NULL), 0);
	assert_int_equal(ov.n_days_off + ov.n_working_days, 0);
	calendar_override_release(&ov);
	assert_int_equal(parse("{\"year\":2026,\"days_off\":[],\"working_days\":[]}", &ov,
			       &cause, NULL), 0);
	calendar_override_release(&ov);
}

/* Unknown keys are reported with their line and otherwise ignored. */
static void
test_unknown_keys_warn(void **state)
{
	const char *text = "{\"year\": 2026,\n"
			   " \"holidays\": [],\n"
			   " \"days_off\": [{\"date\": \"2026-02-13\",\n"
			   "                \"reason\": \"x\"}]}\n";
	struct calendar_override ov;
	struct sink sink = {0};
	char *cause = NULL;
	(void)state;

	assert_int_equal(parse(text, &ov, &cause, &sink), 0);
	assert_int_equal(ov.n_days_off, 1);
	assert_int_equal(sink.count, 2);
	assert_non_null(strstr(sink.text, "cal/2026.json:2: unknown key \"holidays\""));
	assert_non_null(strstr(sink.text, "cal/2026.json:4: days_off[0]: unknown key \"reason\""));
	calendar_override_release(&ov);
}

/*
 * Each entry may name its own document ("source"); an entry that names none
 * gets the file's.  "verified" and "note" are text for people: a string or
 * a list of strings (one line each), with no effect on the days.
 */
static void
test_sources_and_verified(void **state)
{
	const char *text = "{\n"
			   "  \"year\": 2026,\n"
			   "  \"source\": \"Thông báo 9441/TB-BNV ngày 16/10/2025\",\n"
			   "  \"verified\": [\"dòng một\", \"dòng hai\"],\n"
			   "  \"note\": \"một dòng\",\n"
			   "  \"days_off\": [\n"
			   "    {\"date\": \"2026-01-02\", \"source\": \"Công văn 12729/VPCP-KGVX\",\n"
			   "     \"note\": [\"x\"]},\n"
			   "    {\"date\": \"2026-09-01\"}\n"
			   "  ],\n"
			   "  \"working_days\": [{\"date\": \"2026-01-10\",\n"
			   "                    \"source\": \"Công văn 12729/VPCP-KGVX\"}]\n"
			   "}\n";
	struct calendar_override ov;
	struct sink sink = {0};
	char *cause = NULL;
	(void)state;

	assert_int_equal(parse(text, &ov, &cause, &sink), 0);
	assert_int_equal(sink.count, 0); /* source, verified and note are known keys */
	assert_string_equal(ov.days_off[0].source, "Công văn 12729/VPCP-KGVX");
	assert_string_equal(ov.days_off[1].source, "Thông báo 9441/TB-BNV ngày 16/10/2025");
	assert_string_equal(ov.working_days[0].source, "Công văn 12729/VPCP-KGVX");
	assert_null(ov.file); /* parsed text, not a file read */
	calendar_override_release(&ov);

	/* no document anywhere: none is invented */
	assert_int_equal(parse("{\"year\":2026,\"days_off\":[{\"date\":\"2026-01-02\"}]}", &ov,
			       &cause, NULL), 0);
	assert_null(ov.days_off[0].source);
	calendar_override_release(&ov);

	expect_error("{\"year\":2026,\n\"verified\":true}",
		     "cal/2026.json:2: \"verified\": expected a string or a list of strings");
	expect_error("{\"year\":2026,\"note\":[\"a\", 1]}",
		     "\"note\": expected a string or a list of strings");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"2026-01-02\",\"note\":{}}]}",
		     "days_off[0].\"note\": expected a string or a list of strings");
	expect_error("{\"year\":2026,\n\"source\":7}", "cal/2026.json:2: \"source\": expected a string");
	/* a document is shown on the clerk's terminal: no escapes, not empty */
	expect_error("{\"year\":2026,\"source\":\"\\u001b[2J\"}", "\"source\": expected a string");
	expect_error("{\"year\": 2026,\n\"days_off\": [\n{\"date\": \"2026-01-02\", \"source\": \"\"}]}",
		     "cal/2026.json:3: days_off[0].source: expected a string of 1..");
	expect_error("{\"year\":2026,\"working_days\":[{\"date\":\"2026-01-10\",\"source\":[]}]}",
		     "working_days[0].source: expected a string");
}

/* Syntax errors carry jansson's line. */
static void
test_bad_json(void **state)
{
	(void)state;
	expect_error("{\"year\": 2026,\n \"days_off\": [\n  {\"date\": \"2026-02-13\"},\n ]\n}",
		     "cal/2026.json:4: invalid JSON");
	expect_error("", "cal/2026.json");
	expect_error("[1, 2]", "cal/2026.json:1: expected a JSON object");
	/* The same key twice is ambiguous: which list wins? */
	expect_error("{\"year\":2026,\n\"days_off\":[],\n\"days_off\":[]}", "invalid JSON");
}

static void
test_wrong_types_and_values(void **state)
{
	(void)state;
	expect_error("{\"days_off\":[]}", "cal/2026.json: missing \"year\"");
	expect_error("{\"year\":\"2026\"}", "cal/2026.json:1: \"year\": expected an integer");
	expect_error("{\n\"year\":2025}", "cal/2026.json:2: \"year\" is 2025 but the file is named for 2026");
	expect_error("{\"year\":2026,\n\"days_off\":{}}", "cal/2026.json:2: \"days_off\": expected an array");
	expect_error("{\"year\":2026,\"note\":5}", "\"note\": expected a string");
	expect_error("{\"year\":2026,\"days_off\":[\"2026-02-13\"]}",
		     "days_off[0]: expected an object");
	expect_error("{\"year\":2026,\"days_off\":[{\"name\":\"x\"}]}", "days_off[0]: missing \"date\"");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":20260213}]}",
		     "days_off[0].date: expected a string");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"2026-02-13\",\"name\":7}]}",
		     "days_off[0].name: expected a string");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"2026-02-13\",\"name\":\"\"}]}",
		     "days_off[0].name: must be");
	/* A terminal escape in a name would be printed to the clerk's screen. */
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"2026-02-13\",\"name\":\"\\u001b[2J\"}]}",
		     "days_off[0].name: must be");
}

/* Bad dates: each message names the entry and its line. */
static void
test_bad_dates(void **state)
{
	(void)state;
	expect_error("{\"year\": 2026,\n"
		     " \"days_off\": [\n"
		     "  {\"date\": \"2026-02-13\"},\n"
		     "  {\"date\": \"2026-02-30\"}\n"
		     " ]}",
		     "cal/2026.json:4: days_off[1].date: \"2026-02-30\" is not a valid date");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"13/02/2026\"}]}",
		     "is not a valid date");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"2026-2-13\"}]}",
		     "is not a valid date");
	expect_error("{\"year\": 2026,\n\"working_days\": [\n{\"date\": \"2027-01-02\"}]}",
		     "cal/2026.json:3: working_days[0].date: 2027-01-02 is not in 2026");
	expect_error("{\"year\":2026,\"days_off\":[{\"date\":\"2026-02-13\"},"
		     "{\"date\":\"2026-02-13\"}]}",
		     "days_off[1].date: 2026-02-13 is listed twice");
	expect_error("{\"year\":2026,\n\"days_off\":[{\"date\":\"2026-02-13\"}],\n"
		     "\"working_days\":[{\"date\":\"2026-02-13\"}]}",
		     "cal/2026.json:3: working_days[0].date: 2026-02-13 is also in days_off");
}

static void
test_name_year(void **state)
{
	int year = 0;
	(void)state;
	assert_int_equal(calendar_file_name_year("2026.json", &year), 0);
	assert_int_equal(year, 2026);
	assert_int_equal(calendar_file_name_year("1899.json", &year), -1);
	assert_int_equal(calendar_file_name_year("2101.json", &year), -1);
	assert_int_equal(calendar_file_name_year("2026.json~", &year), -1);
	assert_int_equal(calendar_file_name_year("26.json", &year), -1);
	assert_int_equal(calendar_file_name_year("20x6.json", &year), -1);
	assert_int_equal(calendar_file_name_year("README.md", &year), -1);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unlink(path);
}

/*
 * A folder with a good 2026.json, a 2027.json whose first entry is fine but
 * whose second is not, a wrongly named .json and a README: only 2026 is
 * applied; 2027 is reported with its path and line and has no effect at all.
 */
static void
test_load_dir(void **state)
{
	char dir[] = "/tmp/motcua-calfile-XXXXXX";
	struct calendar *cal;
	struct sink sink = {0};
	char want[600];
	(void)state;

	assert_non_null(mkdtemp(dir));
	write_file(dir, "2026.json",
		   "{\"year\":2026,\"days_off\":[{\"date\":\"2026-02-13\",\"name\":\"Nghỉ Tết\"}]}");
	write_file(dir, "2027.json",
		   "{\"year\": 2027,\n"
		   " \"days_off\": [\n"
		   "  {\"date\": \"2027-02-12\", \"name\": \"Nghỉ Tết\"},\n"
		   "  {\"date\": \"2027-13-01\", \"name\": \"Sai\"}\n"
		   " ]}\n");
	write_file(dir, "tet.json", "{}");
	write_file(dir, "README.md", "not json");

	cal = calendar_new();
	assert_int_equal(calendar_file_load_dir(cal, dir, collect, &sink), 1);
	assert_false(calendar_is_working_day(cal, day_of(2026, 2, 13)));
	assert_true(calendar_is_working_day(cal, day_of(2027, 2, 12))); /* not half-applied */
	assert_int_equal(sink.count, 2);
	snprintf(want, sizeof want, "%s/2027.json:4: days_off[1].date", dir);
	assert_non_null(strstr(sink.text, want));
	assert_non_null(strstr(sink.text, "; file ignored"));
	snprintf(want, sizeof want, "%s/tet.json: not named YYYY.json", dir);
	assert_non_null(strstr(sink.text, want));
	calendar_free(cal);

	/* A folder that does not exist is reported, and nothing is applied. */
	cal = calendar_new();
	memset(&sink, 0, sizeof sink);
	assert_int_equal(calendar_file_load_dir(cal, "/nonexistent/motcua", collect, &sink), -1);
	assert_int_equal(sink.count, 1);
	assert_non_null(strstr(sink.text, "/nonexistent/motcua"));
	calendar_free(cal);

	remove_file(dir, "2026.json");
	remove_file(dir, "2027.json");
	remove_file(dir, "tet.json");
	remove_file(dir, "README.md");
	rmdir(dir);
}

/*
 * Several folders, the clerk's first: per year the clerk's own notice wins
 * over the shipped one; a year only the shipped folder has still applies;
 * a refused file of the clerk's leaves that year to the shipped notice.
 * Each day names the file it came from.
 */
static void
test_load_dirs_override(void **state)
{
	char own[] = "/tmp/motcua-calown-XXXXXX", shipped[] = "/tmp/motcua-calship-XXXXXX";
	const char *dirs[3];
	const struct calendar_day *days;
	struct calendar *cal;
	struct sink sink = {0};
	char want[600];
	int applied[3];
	size_t n;
	(void)state;

	assert_non_null(mkdtemp(own));
	assert_non_null(mkdtemp(shipped));
	write_file(shipped, "2025.json",
		   "{\"year\":2025,\"source\":\"TB 6150\",\"days_off\":[{\"date\":\"2025-01-27\"}]}");
	write_file(shipped, "2026.json",
		   "{\"year\":2026,\"days_off\":[{\"date\":\"2026-01-02\"}],"
		   "\"working_days\":[{\"date\":\"2026-01-10\"}]}");
	write_file(shipped, "2027.json",
		   "{\"year\":2027,\"days_off\":[{\"date\":\"2027-02-04\"}]}");
	write_file(own, "2026.json",
		   "{\"year\":2026,\"days_off\":[{\"date\":\"2026-12-31\",\"name\":\"Của xã\"}]}");
	write_file(own, "2027.json", "{\"year\":2027,\n\"days_off\":[{\"date\":\"2027-02-30\"}]}");

	dirs[0] = own;
	dirs[1] = "/nonexistent/motcua-calendar";
	dirs[2] = shipped;
	cal = calendar_new();
	assert_int_equal(calendar_file_load_dirs(cal, dirs, 3, applied, collect, &sink), 3);
	assert_int_equal(applied[0], 1);  /* 2026; its 2027 refused */
	assert_int_equal(applied[1], -1); /* cannot be read: reported */
	assert_int_equal(applied[2], 2);  /* 2025 and 2027; its 2026 is shadowed */
	/* 2026: the clerk's file whole, nothing of the shipped one */
	assert_false(calendar_is_working_day(cal, day_of(2026, 12, 31)));
	assert_true(calendar_is_working_day(cal, day_of(2026, 1, 2)));
	assert_false(calendar_is_working_day(cal, day_of(2026, 1, 10)));
	n = calendar_days_off(cal, 2026, &days);
	for (size_t i = 0; i < n; i++)
		if (days[i].day == day_of(2026, 12, 31)) {
			snprintf(want, sizeof want, "%s/2026.json", own);
			assert_string_equal(days[i].file, want);
		}
	/* 2025 from the shipped folder, with its document */
	assert_false(calendar_is_working_day(cal, day_of(2025, 1, 27)));
	n = calendar_days_off(cal, 2025, &days);
	for (size_t i = 0; i < n; i++)
		if (days[i].day == day_of(2025, 1, 27)) {
			assert_string_equal(days[i].source, "TB 6150");
			snprintf(want, sizeof want, "%s/2025.json", shipped);
			assert_string_equal(days[i].file, want);
		}
	/* 2027: the clerk's file is refused (named with its line), the shipped one applies */
	assert_false(calendar_is_working_day(cal, day_of(2027, 2, 4)));
	snprintf(want, sizeof want, "%s/2027.json:2: days_off[0].date", own);
	assert_non_null(strstr(sink.text, want));
	assert_non_null(strstr(sink.text, "/nonexistent/motcua-calendar"));
	assert_int_equal(sink.count, 2);
	calendar_free(cal);

	/* without the clerk's folder, the shipped 2026 applies */
	cal = calendar_new();
	assert_int_equal(calendar_file_load_dirs(cal, dirs + 2, 1, NULL, NULL, NULL), 3);
	assert_false(calendar_is_working_day(cal, day_of(2026, 1, 2)));
	assert_true(calendar_is_working_day(cal, day_of(2026, 1, 10)));
	calendar_free(cal);

	remove_file(own, "2026.json");
	remove_file(own, "2027.json");
	remove_file(shipped, "2025.json");
	remove_file(shipped, "2026.json");
	remove_file(shipped, "2027.json");
	rmdir(own);
	rmdir(shipped);
}

/* A file larger than the cap is refused without parsing. */
static void
test_too_big(void **state)
{
	char dir[] = "/tmp/motcua-calfile-XXXXXX", path[600];
	struct calendar_override ov;
	char *cause = NULL;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/2026.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"year\":2026,\"note\":\"", f);
	for (int i = 0; i < CALENDAR_FILE_MAX_BYTES; i++)
		fputc('x', f);
	fputs("\"}", f);
	fclose(f);
	assert_int_equal(calendar_file_read(path, 2026, &ov, &cause, NULL, NULL), -1);
	assert_non_null(strstr(cause, "larger than"));
	free(cause);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_minimal_file),
		cmocka_unit_test(test_unknown_keys_warn),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_wrong_types_and_values),
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_name_year),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_load_dirs_override),
		cmocka_unit_test(test_sources_and_verified),
		cmocka_unit_test(test_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
