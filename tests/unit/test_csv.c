/*
 * test_csv.c - the CSV a spreadsheet opens: BOM first, CRLF rows, RFC 4180
 * quoting, Vietnamese bytes kept, and a server's "=HYPERLINK(...)" shown as
 * text instead of run as a formula.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
	struct csv_writer w;
};

static void
open_out(struct out *o, bool bom)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	csv_init(&o->w, o->f, bom);
}

/* Finish and return the bytes written (the caller frees o->buf). */
static const char *
close_out(struct out *o)
{
	assert_int_equal(csv_finish(&o->w), 0);
	fclose(o->f);
	return o->buf;
}

static void
assert_one_field(const char *in, const char *want)
{
	struct out o;

	open_out(&o, false);
	csv_text(&o.w, in);
	csv_end_row(&o.w);
	assert_string_equal(close_out(&o), want);
	free(o.buf);
}

static void
test_bom_and_crlf(void **state)
{
	struct out o;

	(void)state;
	open_out(&o, true);
	csv_text(&o.w, "system");
	csv_text(&o.w, "count");
	csv_end_row(&o.w);
	csv_text(&o.w, "dvcqg");
	csv_int(&o.w, 42);
	csv_end_row(&o.w);
	assert_string_equal(close_out(&o), "\xef\xbb\xbfsystem,count\r\ndvcqg,42\r\n");
	free(o.buf);

	open_out(&o, false); /* no BOM asked, none written */
	csv_int(&o.w, -7);   /* a number of ours is never neutralised */
	csv_empty(&o.w);
	csv_text(&o.w, NULL);
	csv_end_row(&o.w);
	assert_string_equal(close_out(&o), "-7,,\r\n");
	free(o.buf);
}

static void
test_quoting(void **state)
{
	(void)state;
	assert_one_field("plain", "plain\r\n");
	assert_one_field("a,b", "\"a,b\"\r\n");
	assert_one_field("say \"hi\"", "\"say \"\"hi\"\"\"\r\n");
	assert_one_field("line\nbreak", "\"line\nbreak\"\r\n");
	assert_one_field("cr\rhere", "\"cr\rhere\"\r\n");
	assert_one_field("", "\r\n");
	/* a quote alone in the middle is quoted and doubled too */
	assert_one_field("5\" disk", "\"5\"\" disk\"\r\n");
}

static void
test_vietnamese_kept(void **state)
{
	(void)state;
	assert_one_field("Hộ tịch", "Hộ tịch\r\n");
	assert_one_field("Xã Đông Hưng, huyện Đông Hưng",
			 "\"Xã Đông Hưng, huyện Đông Hưng\"\r\n");
	assert_one_field("Đã trả kết quả", "Đã trả kết quả\r\n");
}

static void
test_formula_neutralised(void **state)
{
	(void)state;
	assert_one_field("=1+1", "'=1+1\r\n");
	assert_one_field("+84912345678", "'+84912345678\r\n");
	assert_one_field("-2+3", "'-2+3\r\n");
	assert_one_field("@SUM(A1:A9)", "'@SUM(A1:A9)\r\n");
	assert_one_field("\tx", "'\tx\r\n");
	/* quoted and neutralised at once: the quote goes inside the quotes */
	assert_one_field("=HYPERLINK(\"http://evil\",\"x\")",
			 "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"\r\n");
	assert_one_field("\rcmd", "\"'\rcmd\"\r\n");
	/* only the first character counts */
	assert_one_field("a=b", "a=b\r\n");
	assert_one_field("Nguyễn-Văn", "Nguyễn-Văn\r\n");
}

static void
test_write_failure_reported(void **state)
{
	struct csv_writer w;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	csv_init(&w, f, true);
	csv_text(&w, "x");
	csv_end_row(&w);
	assert_int_equal(csv_finish(&w), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_vietnamese_kept),
		cmocka_unit_test(test_formula_neutralised),
		cmocka_unit_test(test_write_failure_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
