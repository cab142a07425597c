/*
 * test_fold.c - Vietnamese search folding: what a clerk types must find what
 * the systems stored, whichever Unicode normalisation either side used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/fold.h"

static void
assert_folds(const char *in, const char *want)
{
	char *got = fold_text(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_nfc_name(void **state)
{
	(void)state;
	assert_folds("Nguyễn Văn Đường", "nguyen van duong");
	assert_folds("TRẦN THỊ THU THỦY", "tran thi thu thuy");
	assert_folds("Đặng Hữu Ước", "dang huu uoc");
}

static void
test_nfd_name(void **state)
{
	(void)state;
	/* e + circumflex + tilde, a + breve, U+0110, u + horn, o + horn + grave */
	assert_folds("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n \xc4\x90u\xcc\x9bo\xcc\x9b\xcc\x80ng",
		     "nguyen van duong");
	/* hook above U+0309 and dot below U+0323 */
	assert_folds("Thu\xcc\x89y Ngo\xcc\xa3" "c", "thuy ngoc");
}

static void
test_every_vowel(void **state)
{
	(void)state;
	assert_folds("àáảãạăằắẳẵặâầấẩẫậ", "aaaaaaaaaaaaaaaaa");
	assert_folds("ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", "aaaaaaaaaaaaaaaaa");
	assert_folds("èéẻẽẹêềếểễệ", "eeeeeeeeeee");
	assert_folds("ÈÉẺẼẸÊỀẾỂỄỆ", "eeeeeeeeeee");
	assert_folds("ìíỉĩị ÌÍỈĨỊ", "iiiii iiiii");
	assert_folds("òóỏõọôồốổỗộơờớởỡợ", "ooooooooooooooooo");
	assert_folds("ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", "ooooooooooooooooo");
	assert_folds("ùúủũụưừứửữự", "uuuuuuuuuuu");
	assert_folds("ÙÚỦŨỤƯỪỨỬỮỰ", "uuuuuuuuuuu");
	assert_folds("ỳýỷỹỵ ỲÝỶỸỴ", "yyyyy yyyyy");
	assert_folds("đĐ", "dd");
}

static void
test_spaces_collapse(void **state)
{
	(void)state;
	assert_folds("  Lê \t\n Minh\xc2\xa0Tuấn  ", "le minh tuan");
	assert_folds("\xe2\x80\x83Hà\xe3\x80\x80Nội\r\n", "ha noi");
	assert_folds("   ", "");
	assert_folds("", "");
	assert_folds(NULL, "");
}

static void
test_invalid_utf8_dropped(void **state)
{
	(void)state;
	assert_folds("ab\xff\xfe" "cd", "abcd");
	assert_folds("\x80\x80x", "x");
	assert_folds("over\xc0\xaflong", "overlong");        /* overlong '/' */
	assert_folds("sur\xed\xa0\x80rogate", "surrogate");  /* U+D800 */
	assert_folds("big\xf4\x90\x80\x80", "big");          /* above U+10FFFF */
	assert_folds("cut\xe1\xbb", "cut");                  /* truncated ễ */
}

static void
test_never_reads_past_len(void **state)
{
	/* An exact-size heap buffer without a terminator: ASan catches overreads. */
	const char src[] = {'x', 'y', (char)0xE1, (char)0xBB};
	char *buf = malloc(sizeof src);
	char out[16];
	size_t n;

	(void)state;
	memcpy(buf, src, sizeof src);
	n = fold_mem(buf, sizeof src, out, sizeof out);
	assert_int_equal(n, 2);
	assert_string_equal(out, "xy");
	/* A full ễ at the very end is folded. */
	buf[0] = (char)0xE1;
	buf[1] = (char)0xBB;
	buf[2] = (char)0x85;
	buf[3] = 'A';
	n = fold_mem(buf, sizeof src, out, sizeof out);
	assert_string_equal(out, "ea");
	assert_int_equal(n, 2);
	free(buf);
}

static void
test_bounded_cuts_between_characters(void **state)
{
	char out[5];
	size_t n;

	(void)state;
	n = fold_mem("Nguyễn", strlen("Nguyễn"), out, sizeof out);
	assert_int_equal(n, 4);
	assert_string_equal(out, "nguy");
	/* Two 3-byte CJK characters do not fit in 4 bytes: only the first. */
	n = fold_mem("日本", strlen("日本"), out, sizeof out);
	assert_int_equal(n, 3);
	assert_string_equal(out, "日");
	/* size 1: just the terminator; size 0: nothing written. */
	out[0] = 'z';
	assert_int_equal(fold_mem("abc", 3, out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'z';
	assert_int_equal(fold_mem("abc", 3, out, 0), 0);
	assert_int_equal(out[0], 'z');
}

static void
test_in_place(void **state)
{
	char buf[] = "  Hồ   Chí\tMinh \xff ";

	(void)state;
	assert_int_equal(fold_inplace(buf), strlen("ho chi minh"));
	assert_string_equal(buf, "ho chi minh");
}

static void
test_others_kept(void **state)
{
	(void)state;
	/* Non-Latin scripts are kept as they are; Latin letters fold. */
	assert_folds("Ωmega 日本 Ça va Ærø", "Ωmega 日本 ca va æro");
	assert_folds("H56.14-260312-00042", "h56.14-260312-00042");
	/* combining marks after any letter go; zero-width joiners too */
	assert_folds("x\xcc\x81y\xe2\x80\x8dz", "xyz");
}

static void
test_idempotent(void **state)
{
	const char *samples[] = {"Nguyễn Văn Đường", "Ωmega 日本", "  a  b ", "Ærø\xff"};

	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char *once = fold_text(samples[i]);
		char *twice = fold_text(once);

		assert_string_equal(once, twice);
		free(once);
		free(twice);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nfc_name),
		cmocka_unit_test(test_nfd_name),
		cmocka_unit_test(test_every_vowel),
		cmocka_unit_test(test_spaces_collapse),
		cmocka_unit_test(test_invalid_utf8_dropped),
		cmocka_unit_test(test_never_reads_past_len),
		cmocka_unit_test(test_bounded_cuts_between_characters),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_others_kept),
		cmocka_unit_test(test_idempotent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
