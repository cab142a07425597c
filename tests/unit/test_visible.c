/*
 * test_visible.c - what a clerk sees when a server sends text that would
 * steer the terminal: every control, C1 and bidirectional control spelled
 * out, every byte that is not UTF-8 as \xNN, Vietnamese untouched.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/visible.h"

/* "Nguyễn Văn Đường" precomposed, and with every mark decomposed. */
#define NAME_NFC "Nguy\xe1\xbb\x85n V\xc4\x83n \xc4\x90\xc6\xb0\xe1\xbb\x9dng"
#define NAME_NFD "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n \xc4\x90u\xcc\x9bo\xcc\x9b\xcc\x80ng"

static void
assert_shows(const char *in, const char *want)
{
	char *got = visible_dup(in);

	assert_string_equal(got, want);
	free(got);
}

/* No byte that a terminal acts on: C0 but for the tab's space, DEL, C1
 * (as UTF-8: C2 80..C2 9F) and the bidi controls (E2 80 8E/8F, AA..AE;
 * E2 81 A6..A9; D8 9C). */
static void
assert_inert(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i] != 0; i++) {
		assert_true(u[i] >= 0x20 && u[i] != 0x7f);
		if (u[i] == 0xc2)
			assert_false(u[i + 1] >= 0x80 && u[i + 1] <= 0x9f);
		if (u[i] == 0xe2 && u[i + 1] == 0x80)
			assert_false(u[i + 2] == 0x8e || u[i + 2] == 0x8f ||
				     (u[i + 2] >= 0xaa && u[i + 2] <= 0xae));
		if (u[i] == 0xe2 && u[i + 1] == 0x81)
			assert_false(u[i + 2] >= 0xa6 && u[i + 2] <= 0xa9);
		if (u[i] == 0xd8)
			assert_false(u[i + 1] == 0x9c);
	}
}

static void
vietnamese_passes_unchanged(void **state)
{
	(void)state;
	assert_shows(NAME_NFC, NAME_NFC);
	assert_shows(NAME_NFD, NAME_NFD);
	assert_shows("Chứng thực bản sao từ bản chính - UBND xã Đức Trọng",
		     "Chứng thực bản sao từ bản chính - UBND xã Đức Trọng");
	assert_shows("", "");
	assert_shows("H56.14-261205-00042", "H56.14-261205-00042");
	/* wide characters and a mark that is not Vietnamese stay too */
	assert_shows("\xe4\xb8\xad a\xcc\xb1", "\xe4\xb8\xad a\xcc\xb1");
	assert_true(visible_plain(NAME_NFC));
	assert_true(visible_plain(NAME_NFD));
	assert_true(visible_plain(NULL));
	assert_null(visible_dup(NULL));
}

static void
terminal_attacks_are_spelled_out(void **state)
{
	(void)state;
	/* a window title, clear screen, a DCS query that makes the terminal answer */
	assert_shows("A\x1b]0;owned\x07" "B", "A<U+001B>]0;owned<U+0007>B");
	assert_shows("\x1b[2J\x1b[H", "<U+001B>[2J<U+001B>[H");
	assert_shows("\x1bP$q\"p\x1b\\", "<U+001B>P$q\"p<U+001B>\\");
	/* C1 CSI as UTF-8, and DEL */
	assert_shows("x\xc2\x9b" "31m", "x<U+009B>31m");
	assert_shows("a\x7f" "b", "a<U+007F>b");
	/* overwriting what was printed: CR, backspace, a forged second line */
	assert_shows("Nguyễn\rTrần", "Nguyễn<U+000D>Trần");
	assert_shows("ab\b\bxy", "ab<U+0008><U+0008>xy");
	assert_shows("A\nStatus: approved", "A<U+000A>Status: approved");
	assert_false(visible_plain("a\x1b" "b"));
}

static void
bidi_controls_are_spelled_out(void **state)
{
	(void)state;
	/* RIGHT-TO-LEFT OVERRIDE makes "exe.pdf" read as "fdp.exe" */
	assert_shows("a\xe2\x80\xae" "fdp.exe", "a<U+202E>fdp.exe");
	assert_shows("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
		     "<U+202A><U+202B><U+202C><U+202D>");
	assert_shows("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
		     "<U+2066><U+2067><U+2068><U+2069>");
	assert_shows("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "<U+200E><U+200F><U+061C>");
	/* neighbours of the bidi controls are ordinary text */
	assert_shows("\xe2\x80\x94\xe2\x80\xaf", "\xe2\x80\x94\xe2\x80\xaf");
}

static void
tab_is_a_space(void **state)
{
	(void)state;
	assert_shows("a\tb", "a b");
	assert_false(visible_plain("a\tb"));
}

static void
invalid_bytes_are_hex(void **state)
{
	(void)state;
	/* a stray continuation byte, a cut sequence, an overlong ESC, a surrogate,
	 * above U+10FFFF, a byte that never starts UTF-8 */
	assert_shows("a\x80" "b", "a\\x80b");
	assert_shows("a\xe1\xbb", "a\\xE1\\xBB");
	assert_shows("\xc0\x9b", "\\xC0\\x9B");
	assert_shows("\xed\xa0\x80", "\\xED\\xA0\\x80");
	assert_shows("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");
	assert_shows("\xff", "\\xFF");
	/* the next character after a bad byte is read again from there */
	assert_shows("\xe1" "\xe1\xbb\x85", "\\xE1\xe1\xbb\x85");
}

static void
nothing_a_terminal_acts_on_survives(void **state)
{
	char in[256 * 2 + 1];
	char *out;
	size_t at = 0;

	(void)state;
	/* every byte value, and every two-byte sequence starting C2 (C1 and more) */
	for (int b = 1; b < 256; b++)
		in[at++] = (char)b;
	in[at] = '\0';
	out = visible_dup(in);
	assert_inert(out);
	free(out);
	at = 0;
	for (int b = 0x80; b < 0x100; b++) {
		in[at++] = (char)0xc2;
		in[at++] = (char)b;
	}
	in[at] = '\0';
	out = visible_dup(in);
	assert_inert(out);
	free(out);
}

static void
escaping_twice_changes_nothing(void **state)
{
	const char *samples[] = {"\x1b]0;owned\x07", "\xc2\x9b", "\r\b\xe2\x80\xae", "\xff\xfe",
				 NAME_NFD};

	(void)state;
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char *once = visible_dup(samples[i]);
		char *twice = visible_dup(once);

		assert_string_equal(once, twice);
		assert_true(visible_plain(once));
		free(once);
		free(twice);
	}
}

static void
bounded_copy_cuts_between_units(void **state)
{
	char buf[12];

	(void)state;
	/* the whole length is returned, as snprintf does */
	assert_int_equal(visible_copy(buf, sizeof buf, "ab\x1b" "cd"), 12);
	/* "ab<U+001B>cd" needs 13 bytes: the escape fits, "c" too, not "d" */
	assert_string_equal(buf, "ab<U+001B>c");
	/* an escape is never cut in half */
	assert_int_equal(visible_copy(buf, 8, "ab\x1b" "cd"), 12);
	assert_string_equal(buf, "ab");
	/* nor a character: "ễ" is three bytes */
	assert_int_equal(visible_copy(buf, 7, "Nguy\xe1\xbb\x85"), 7);
	assert_string_equal(buf, "Nguy");
	/* nothing after a unit that did not fit, even when a shorter one would */
	assert_int_equal(visible_copy(buf, 4, "a\x1b" "b"), 10);
	assert_string_equal(buf, "a");
	/* a length stops the copy, and so does a NUL */
	assert_int_equal(visible_copy_n(buf, sizeof buf, "abc\x1b", 3), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(visible_copy_n(buf, sizeof buf, "ab\0cd", 5), 2);
	assert_string_equal(buf, "ab");
	assert_int_equal(visible_copy(NULL, 0, "\x1b"), 8);
	assert_int_equal(visible_copy(buf, sizeof buf, NULL), 0);
	assert_string_equal(buf, "");
}

static void
in_place_rewrites_and_cuts(void **state)
{
	char buf[16] = "a\x1b[2Jb";
	char small[8] = "x\r\ry";

	(void)state;
	assert_string_equal(visible_in_place(buf, sizeof buf), "a<U+001B>[2Jb");
	/* "x<U+000D>" is 9 bytes with the NUL: only "x" fits */
	assert_string_equal(visible_in_place(small, sizeof small), "x");
}

static void
single_code_points(void **state)
{
	char out[VISIBLE_ESCAPE_SIZE];
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(visible_escape('A', out), 0);
	assert_int_equal(visible_escape(0x1ec5, out), 0); /* ễ */
	assert_int_equal(visible_escape(0x1b, out), 8);
	assert_string_equal(out, "<U+001B>");
	assert_int_equal(visible_escape(0x9b, out), 8);
	assert_string_equal(out, "<U+009B>");
	assert_int_equal(visible_escape('\t', out), 1);
	assert_string_equal(out, " ");
	assert_int_equal(visible_codepoint(0x10ffff, out), 10);
	assert_string_equal(out, "<U+10FFFF>");
	assert_int_equal(visible_escape_byte(0xab, out), 4);
	assert_string_equal(out, "\\xAB");
	assert_int_equal(visible_decode("\xe1\xbb\x85", 3, &cp), 3);
	assert_int_equal(cp, 0x1ec5);
	/* never reads past len */
	assert_int_equal(visible_decode("\xe1\xbb\x85", 2, &cp), 0);
	assert_int_equal(visible_decode("", 0, &cp), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vietnamese_passes_unchanged),
		cmocka_unit_test(terminal_attacks_are_spelled_out),
		cmocka_unit_test(bidi_controls_are_spelled_out),
		cmocka_unit_test(tab_is_a_space),
		cmocka_unit_test(invalid_bytes_are_hex),
		cmocka_unit_test(nothing_a_terminal_acts_on_survives),
		cmocka_unit_test(escaping_twice_changes_nothing),
		cmocka_unit_test(bounded_copy_cuts_between_units),
		cmocka_unit_test(in_place_rewrites_and_cuts),
		cmocka_unit_test(single_code_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
