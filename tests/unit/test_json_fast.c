/*
 * test_json_fast.c - reading a system's reply (sources/json_fast.c,
 * core/jsonmem.c): the fast reader gives exactly what jansson gives for a
 * page a system sends, gives nothing where jansson refuses or must decide
 * (malformed bodies, invalid UTF-8, \u0000, numbers too big), and the
 * reply as src_json_parse() reads it is the same either way, errors
 * included.  A document read in the JSON arena is released, and a value
 * kept after its page stays whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonmem.h"
#include "core/xalloc.h"
#include "sources/source_int.h"
#include "tests/unit/json_fixture.h"

/* A page as the national portal sends it, trimmed: the shapes and text a
 * real one has (Vietnamese, escapes, nested lists, numbers of each kind). */
static const char page[] =
	"{\"error_code\":\"0\",\"message\":\"Th\\u00e0nh c\\u00f4ng\",\n"
	" \"data\":{\"total\":2,\"page\":1,\"items\":[\n"
	"  {\"MaHoSo\":\"H56.14-260312-00042\",\"TenThuTuc\":\"Đăng ký khai sinh\",\n"
	"   \"ChuHoSo\":\"Nguyễn Văn Đường\",\"SoGiayToChuHoSo\":\"000000012345\",\n"
	"   \"TrangThaiHoSo\":4,\"NgayTiepNhan\":\"20260312093000\",\"LePhi\":15000,\n"
	"   \"TyLe\":0.5,\"HeSo\":-1.25e-3,\"Am\":-0,\"DaThanhToan\":true,\"GhiChu\":null,\n"
	"   \"NoiDung\":\"Dòng 1\\nDòng 2\\t\\\"trích\\\" \\/ \\\\ \\ud83d\\ude00 \\u20ac\",\n"
	"   \"QuaTrinhXuLy\":[{\"ThoiDiem\":\"20260312093000\",\"NoiDung\":\"Tiếp nhận\"},\n"
	"                   {\"ThoiDiem\":\"20260312100000\",\"NoiDung\":\"Chuyển xử lý\"}],\n"
	"   \"TepDinhKem\":[],\"Rong\":{},\"\":\"khoá rỗng\",\"MaHoSo\":\"H56.14-260312-00043\"},\n"
	"  {\"MaHoSo\":\"G01.1-260312-1\",\"So\":9223372036854775807,\"Am\":-9223372036854775808}\n"
	" ]}}\r\n";

static void
page_read_the_same(void **state)
{
	json_t *root, *item;
	bool repaired = true;
	char *cause = NULL;

	(void)state;
	/* the fast reader takes it, and reads what jansson reads */
	assert_int_equal(json_fast_agrees(page, sizeof page - 1), 1);
	root = src_json_parse(NULL, page, sizeof page - 1, &repaired, &cause);
	assert_non_null(root);
	assert_null(cause);
	assert_false(repaired);
	item = json_array_get(json_object_get(json_object_get(root, "data"), "items"), 0);
	/* a repeated key: the last one wins, as with jansson */
	assert_string_equal(json_string_value(json_object_get(item, "MaHoSo")),
			    "H56.14-260312-00043");
	assert_string_equal(json_string_value(json_object_get(item, "ChuHoSo")),
			    "Nguyễn Văn Đường");
	assert_string_equal(json_string_value(json_object_get(item, "NoiDung")),
			    "Dòng 1\nDòng 2\t\"trích\" / \\ \xf0\x9f\x98\x80 \xe2\x82\xac");
	assert_true(json_is_integer(json_object_get(item, "LePhi")));
	assert_true(json_is_real(json_object_get(item, "TyLe")));
	assert_true(json_is_integer(json_object_get(item, "Am")));
	json_decref(root);
}

/* Bodies jansson refuses or must decide: the fast reader leaves them. */
static void
left_to_jansson(void **state)
{
	static const char *const bodies[] = {
		"", " ", "1", "\"top-level string\"", "null", "{", "[", "{}x", "{} {}",
		"[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "['a']", "[01]", "[1.]", "[.5]",
		"[-]", "[1e]", "[1e+]", "[+1]", "[0x10]", "[NaN]", "[Infinity]", "[tru]",
		"[truex]", "[nul]", "[True]", "[\"\\u0000\"]", "{\"\\u0000\":1}", "[\"\\ud800\"]",
		"[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "[\"\\x41\"]", "[\"\\u12\"]",
		"[\"tab\there\"]", "[\"line\nbreak\"]", "[\"\xc3\"]", "[\"\xc0\x80\"]",
		"[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]", "[\"\xff\"]",
		"[99999999999999999999]", "[-99999999999999999999]", "[1e400]", "[-1e400]",
		"\xef\xbb\xbf{}", "[1]\x00", "{\"a\":1}\x0b", "[\"unterminated",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		size_t len = strlen(bodies[i]);

		if (i == sizeof bodies / sizeof bodies[0] - 3)
			len = 4; /* "[1]" and a NUL byte after it */
		if (json_fast_agrees(bodies[i], len) != 0)
			fail_msg("the fast reader took body %zu: %s", i, bodies[i]);
	}
	/* ...and these it takes */
	assert_int_equal(json_fast_agrees("[1e-400, 0.0, -0.0, 1E5, 2e+3, 123456789012]", 44), 1);
	assert_int_equal(json_fast_agrees(" \t\r\n[ ] \n", 9), 1);
	assert_int_equal(json_fast_agrees("{\"\\u00e9\":{\"\\u00e9\":[[[\"\\/\"]]]}}", 32), 1);
}

/* What a clerk sees of a bad reply does not depend on which reader ran. */
static void
errors_unchanged(void **state)
{
	static const char bad[] = "{\"items\": [1, 2,, 3]}";
	static const char latin1[] = "[\"Nguy\xe1n\"]";
	bool repaired = false;
	char *cause = NULL;
	json_t *root;

	(void)state;
	assert_null(src_json_parse(NULL, bad, sizeof bad - 1, &repaired, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "malformed JSON reply (line 1, column 17)"));
	free(cause);
	cause = NULL;
	assert_null(src_json_parse(NULL, "", 0, &repaired, &cause));
	assert_non_null(strstr(cause, "empty reply"));
	free(cause);
	cause = NULL;
	/* invalid UTF-8 is repaired, and said to be */
	root = src_json_parse(NULL, latin1, sizeof latin1 - 1, &repaired, &cause);
	assert_non_null(root);
	assert_true(repaired);
	assert_string_equal(json_string_value(json_array_get(root, 0)), "Nguy\xef\xbf\xbd" "n");
	json_decref(root);
}

/* The page with bytes changed, dropped, doubled and inserted: every reading
 * agrees, and plenty are still read by the fast reader. */
static void
mutations_agree(void **state)
{
	static const char alphabet[] = "{}[]\",:\\u0123456789abcdefABCDEF.eE+- \t\n\x00\x7f\xc3\xa1\xff";
	size_t n = sizeof page - 1, fast = 0;
	char *buf = xmalloc(2 * n + 16);
	unsigned seed = 20261206;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t len = n, edits = 1 + (unsigned)rand_r(&seed) % 4;
		int got;

		memcpy(buf, page, n);
		for (size_t e = 0; e < edits && len > 0; e++) {
			size_t at = (unsigned)rand_r(&seed) % len;
			char c = alphabet[(unsigned)rand_r(&seed) % (sizeof alphabet - 1)];

			switch ((unsigned)rand_r(&seed) % 4) {
			case 0: buf[at] = c; break;
			case 1: memmove(buf + at, buf + at + 1, len - at - 1), len--; break;
			case 2: memmove(buf + at + 1, buf + at, len - at), buf[at] = c, len++; break;
			default: memmove(buf + at + 1, buf + at, len - at), len++; break;
			}
		}
		got = json_fast_agrees(buf, len);
		if (got < 0)
			fail_msg("round %d: the readers disagree", round);
		fast += got == 1;
	}
	free(buf);
	/* edits inside strings and whitespace leave the page readable */
	assert_true(fast > 2000);
}

/* Documents read in the arena: released whole, kept values stay readable. */
static void
arena_documents(void **state)
{
	json_t *root, *kept;

	(void)state;
	json_set_alloc_funcs(jsonmem_malloc, jsonmem_free);
	for (int i = 0; i < 50; i++) {
		jsonmem_arena_begin();
		root = src_json_fast(page, sizeof page - 1);
		jsonmem_arena_end();
		assert_non_null(root);
		assert_true(jsonmem_chunks_in_use() > 0);
		json_decref(root);
		assert_int_equal(jsonmem_chunks_in_use(), 0);
	}
	jsonmem_arena_begin();
	root = src_json_fast(page, sizeof page - 1);
	jsonmem_arena_end();
	kept = json_incref(json_object_get(json_object_get(root, "data"), "items"));
	json_decref(root);
	assert_int_equal(jsonmem_chunks_in_use(), 1);
	/* outside the arena: an ordinary block, beside the arena's */
	json_array_append_new(kept, json_string("thêm"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(kept, 0), "ChuHoSo")),
			    "Nguyễn Văn Đường");
	assert_string_equal(json_string_value(json_array_get(kept, 2)), "thêm");
	json_decref(kept);
	assert_int_equal(jsonmem_chunks_in_use(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_read_the_same),
		cmocka_unit_test(left_to_jansson),
		cmocka_unit_test(errors_unchanged),
		cmocka_unit_test(mutations_agree),
		cmocka_unit_test(arena_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
