/*
 * test_ui_text.c - column widths and truncation of Vietnamese text for the
 * console: what a clerk sees when a name is too long for its column, typed
 * or stored in NFC or NFD form, in a UTF-8 terminal or not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "ui/textwidth.h"

/* "Nguyễn Văn Đường" precomposed, and with every mark decomposed. */
#define NAME_NFC "Nguy\xe1\xbb\x85n V\xc4\x83n \xc4\x90\xc6\xb0\xe1\xbb\x9dng"
#define NAME_NFD "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n \xc4\x90u\xcc\x9bo\xcc\x9b\xcc\x80ng"
#define ELL "\xe2\x80\xa6"

static int
setup_utf8(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL && setlocale(LC_ALL, "en_US.UTF-8") == NULL)
		return -1;
	return ui_text_init() ? 0 : -1;
}

static int
setup_c(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	return ui_text_init() ? -1 : 0;
}

static void
width_nfc_and_nfd_agree(void **state)
{
	(void)state;
	assert_int_equal(ui_text_width(NAME_NFC), 16);
	assert_int_equal(ui_text_width(NAME_NFD), 16);
	assert_int_equal(ui_text_width(""), 0);
	assert_int_equal(ui_text_width(NULL), 0);
	/* A wide character (CJK) takes two columns. */
	assert_int_equal(ui_text_width("\xe4\xb8\xad"), 2);
}

static void
fit_keeps_short_text(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(ui_text_fit(NAME_NFC, 16, false, buf, sizeof buf), 16);
	assert_string_equal(buf, NAME_NFC);
	assert_int_equal(ui_text_fit(NAME_NFD, 20, true, buf, sizeof buf), 20);
	assert_string_equal(buf, NAME_NFD "    ");
}

static void
fit_cuts_with_ellipsis_between_clusters(void **state)
{
	char buf[128];

	(void)state;
	/* 6 columns: 5 of the name and the ellipsis; the 5th is "ễ" whole. */
	assert_int_equal(ui_text_fit(NAME_NFC, 6, false, buf, sizeof buf), 6);
	assert_string_equal(buf, "Nguy\xe1\xbb\x85" ELL);
	/* NFD: the base "e" keeps both its marks. */
	assert_int_equal(ui_text_fit(NAME_NFD, 6, false, buf, sizeof buf), 6);
	assert_string_equal(buf, "Nguye\xcc\x82\xcc\x83" ELL);
	assert_int_equal(ui_text_width(buf), 6);
	/* Padding after a cut fills the column exactly. */
	assert_int_equal(ui_text_fit("abcdef", 4, true, buf, sizeof buf), 4);
	assert_string_equal(buf, "abc" ELL);
	/* One column: only the ellipsis. */
	assert_int_equal(ui_text_fit("abcdef", 1, false, buf, sizeof buf), 1);
	assert_string_equal(buf, ELL);
}

static void
fit_wide_char_leaves_gap_not_half(void **state)
{
	char buf[64];

	(void)state;
	/* "a中中" (5 columns) into 4: "a中" + "…" = 4. */
	assert_int_equal(ui_text_fit("a\xe4\xb8\xad\xe4\xb8\xad", 4, false, buf, sizeof buf), 4);
	assert_string_equal(buf, "a\xe4\xb8\xad" ELL);
	/* Into 3: "a" + "…" and one space of padding, never half a character. */
	assert_int_equal(ui_text_fit("a\xe4\xb8\xad\xe4\xb8\xad", 3, true, buf, sizeof buf), 3);
	assert_string_equal(buf, "a" ELL " ");
}

static void
fit_shows_controls_and_invalid_bytes_escaped(void **state)
{
	char buf[64];

	(void)state;
	/* An escape sequence must not reach the terminal; the clerk sees it. */
	assert_int_equal(ui_text_fit("a\x1b[2Jb", 20, false, buf, sizeof buf), 13);
	assert_null(strchr(buf, 0x1b));
	assert_string_equal(buf, "a<U+001B>[2Jb");
	assert_int_equal(ui_text_width("a\x1b[2Jb"), 13);
	ui_text_fit("x\xff\xc3y", 20, false, buf, sizeof buf);
	assert_string_equal(buf, "x\\xFF\\xC3y");
	/* C1 CSI, CR, backspace; a tab is a space */
	ui_text_fit("\xc2\x9b" "1\r2\b3\t4", 60, false, buf, sizeof buf);
	assert_string_equal(buf, "<U+009B>1<U+000D>2<U+0008>3 4");
	/* A mark with no base is dropped. */
	ui_text_fit("\xcc\x80" "ab", 10, false, buf, sizeof buf);
	assert_string_equal(buf, "ab");
}

static void
fit_shows_bidi_controls_on_their_own(void **state)
{
	char buf[64];

	(void)state;
	/* wcwidth() calls U+202E a zero-width mark: it must not hide behind the
	 * letter before it, nor reorder the line. */
	assert_int_equal(ui_text_width("\xc4\x90\xe2\x80\xae" "ab"), 11);
	assert_int_equal(ui_text_fit("\xc4\x90\xe2\x80\xae" "ab", 20, false, buf, sizeof buf),
			 11);
	assert_string_equal(buf, "\xc4\x90<U+202E>ab");
	/* an escape is cut whole, never in half: 5 columns keep "Đ" and "…" */
	assert_int_equal(ui_text_fit("\xc4\x90\xe2\x80\xae" "ab", 5, true, buf, sizeof buf), 5);
	assert_string_equal(buf, "\xc4\x90" ELL "   ");
	/* the tail keeps whole escapes too */
	assert_int_equal(ui_text_fit_tail("abc\x1b" "de", 11, buf, sizeof buf), 11);
	assert_string_equal(buf, ELL "<U+001B>de");
	/* backspace in an input line takes an escaped character whole */
	assert_int_equal(ui_text_prev_cluster("a\xe2\x80\xae", 4), 1);
}

static void
fit_small_buffer_cuts_between_characters(void **state)
{
	char buf[8];

	(void)state;
	/* "Nguyễ" needs 4 + 3 bytes and the NUL: 8 exactly. */
	ui_text_fit(NAME_NFC, 40, false, buf, sizeof buf);
	assert_string_equal(buf, "Nguy\xe1\xbb\x85");
	/* One byte less and "ễ" goes whole, never half of it. */
	ui_text_fit(NAME_NFC, 40, false, buf, sizeof buf - 1);
	assert_string_equal(buf, "Nguy");
}

static void
fit_tail_keeps_the_end(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(ui_text_fit_tail(NAME_NFC, 6, buf, sizeof buf), 6);
	assert_string_equal(buf, ELL "\xc4\x90\xc6\xb0\xe1\xbb\x9dng");
	assert_int_equal(ui_text_fit_tail("abc", 6, buf, sizeof buf), 3);
	assert_string_equal(buf, "abc");
}

static void
prev_cluster_removes_whole_letter(void **state)
{
	(void)state;
	/* "Nguyễ": backspace removes "ễ" in both forms. */
	assert_int_equal(ui_text_prev_cluster("Nguy\xe1\xbb\x85", 7), 4);
	assert_int_equal(ui_text_prev_cluster("Nguye\xcc\x82\xcc\x83", 9), 4);
	assert_int_equal(ui_text_prev_cluster("", 0), 0);
	assert_int_equal(ui_text_prev_cluster("a", 1), 0);
}

static void
c_locale_falls_back_to_ascii(void **state)
{
	char buf[64];

	(void)state;
	/* Each letter is one column, shown as '?' when not ASCII; marks vanish. */
	assert_int_equal(ui_text_width(NAME_NFC), 16);
	assert_int_equal(ui_text_width(NAME_NFD), 16);
	assert_int_equal(ui_text_fit(NAME_NFD, 8, false, buf, sizeof buf), 8);
	assert_string_equal(buf, "Nguye...");
	assert_int_equal(ui_text_fit(NAME_NFC, 8, false, buf, sizeof buf), 8);
	assert_string_equal(buf, "Nguy?...");
	assert_int_equal(ui_text_fit("abcdef", 2, false, buf, sizeof buf), 2);
	assert_string_equal(buf, "..");
	/* Controls are spelled out in ASCII here too. */
	assert_int_equal(ui_text_fit("a\x1b" "b\xe2\x80\xae", 30, false, buf, sizeof buf), 18);
	assert_string_equal(buf, "a<U+001B>b<U+202E>");
	ui_text_fit("x\xff", 10, false, buf, sizeof buf);
	assert_string_equal(buf, "x\\xFF");
}

int
main(void)
{
	const struct CMUnitTest utf8[] = {
		cmocka_unit_test(width_nfc_and_nfd_agree),
		cmocka_unit_test(fit_keeps_short_text),
		cmocka_unit_test(fit_cuts_with_ellipsis_between_clusters),
		cmocka_unit_test(fit_wide_char_leaves_gap_not_half),
		cmocka_unit_test(fit_shows_controls_and_invalid_bytes_escaped),
		cmocka_unit_test(fit_shows_bidi_controls_on_their_own),
		cmocka_unit_test(fit_small_buffer_cuts_between_characters),
		cmocka_unit_test(fit_tail_keeps_the_end),
		cmocka_unit_test(prev_cluster_removes_whole_letter),
	};
	const struct CMUnitTest ascii[] = {
		cmocka_unit_test(c_locale_falls_back_to_ascii),
	};
	int rc = cmocka_run_group_tests_name("utf8", utf8, setup_utf8, NULL);

	return rc + cmocka_run_group_tests_name("c-locale", ascii, setup_c, NULL);
}
