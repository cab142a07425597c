/*
 * test_auth_qr.c - the sign-in QR code drawn with half blocks, and the idle
 * lock policy: both pure, both things a clerk would notice when wrong (a code
 * the phone cannot read; a screen that locks too early or never).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "auth/lock.h"
#include "auth/qr.h"

#define URL "http://127.0.0.1:18080/oidc/device?user_code=WDJB-MJHT"

/* Read the modules back out of the drawing: 1 = block. */
static void
decode(const char *text, int size, unsigned char *grid)
{
	const char *p = text;

	for (int y = 0; y < size; y += 2) {
		for (int x = 0; x < size; x++) {
			int top = 0, bottom = 0;
			if (strncmp(p, "\xe2\x96\x88", 3) == 0)
				top = bottom = 1, p += 3;
			else if (strncmp(p, "\xe2\x96\x80", 3) == 0)
				top = 1, p += 3;
			else if (strncmp(p, "\xe2\x96\x84", 3) == 0)
				bottom = 1, p += 3;
			else if (*p == ' ')
				p++;
			else
				fail_msg("unexpected byte at %d,%d", x, y);
			grid[y * size + x] = (unsigned char)top;
			if (y + 1 < size)
				grid[(y + 1) * size + x] = (unsigned char)bottom;
		}
		assert_int_equal(*p, '\n');
		p++;
	}
	assert_int_equal(*p, '\0');
}

static void
check_roundtrip(unsigned flags)
{
	int cols = 0, rows = 0;
	char *s = auth_qr_render(URL, flags, 80, 19, &cols, &rows);
	QRcode *qr = QRcode_encodeString(URL, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	unsigned char *grid;
	int size;

	assert_non_null(s);
	assert_non_null(qr);
	size = qr->width + 2 * AUTH_QR_QUIET;
	assert_int_equal(cols, size);
	assert_int_equal(rows, (size + 1) / 2);
	assert_true(cols <= 80 && rows <= 19); /* leaves 5 lines of an 80x24 screen */
	grid = calloc((size_t)size * (size_t)size, 1);
	decode(s, size, grid);
	for (int y = 0; y < size; y++) {
		for (int x = 0; x < size; x++) {
			int mx = x - AUTH_QR_QUIET, my = y - AUTH_QR_QUIET;
			int dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
				   (qr->data[my * qr->width + mx] & 1);
			int want = (flags & AUTH_QR_DARK_ON_LIGHT) ? dark : !dark;
			if (grid[y * size + x] != want)
				fail_msg("module %d,%d drawn wrong", x, y);
		}
	}
	free(grid);
	free(s);
	QRcode_free(qr);
}

static void
test_qr_draws_every_module(void **state)
{
	(void)state;
	check_roundtrip(0);
	check_roundtrip(AUTH_QR_DARK_ON_LIGHT);
}

static void
test_qr_refuses_what_does_not_fit(void **state)
{
	char longtext[600];

	(void)state;
	memset(longtext, 'a', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	assert_null(auth_qr_render(longtext, 0, 80, 19, NULL, NULL));
	assert_null(auth_qr_render(URL, 0, 20, 19, NULL, NULL));
}

static void
test_terminal_detection(void **state)
{
	(void)state;
	assert_true(auth_qr_terminal_ok("xterm-256color", NULL, NULL, "vi_VN.UTF-8"));
	assert_true(auth_qr_terminal_ok("linux", NULL, "C.utf8", NULL));
	assert_false(auth_qr_terminal_ok("dumb", NULL, NULL, "vi_VN.UTF-8"));
	assert_false(auth_qr_terminal_ok(NULL, NULL, NULL, "vi_VN.UTF-8"));
	assert_false(auth_qr_terminal_ok("xterm", NULL, NULL, "C"));
	/* LC_ALL wins over LANG */
	assert_false(auth_qr_terminal_ok("xterm", "POSIX", NULL, "vi_VN.UTF-8"));
	assert_false(auth_qr_terminal_ok("xterm", NULL, NULL, NULL));
}

static void
test_lock_after_idle(void **state)
{
	struct auth_lock l;
	const mc_time t0 = 1767225600;

	(void)state;
	auth_lock_init(&l, 10, 2, t0);
	assert_false(auth_lock_check(&l, t0 + 599));
	assert_int_equal(auth_lock_seconds_left(&l, t0 + 599), 1);
	auth_lock_activity(&l, t0 + 300);
	assert_false(auth_lock_check(&l, t0 + 899));
	assert_true(auth_lock_check(&l, t0 + 900));
	assert_int_equal(auth_lock_seconds_left(&l, t0 + 900), -1);
	/* activity while locked does not unlock */
	auth_lock_activity(&l, t0 + 901);
	assert_true(auth_lock_check(&l, t0 + 902));
	/* within 2 minutes of locking a short unlock will do, then a device approval */
	assert_int_equal(auth_lock_unlock_kind(&l, t0 + 900 + 119), AUTH_UNLOCK_SHORT);
	assert_int_equal(auth_lock_unlock_kind(&l, t0 + 900 + 120), AUTH_UNLOCK_DEVICE);
	auth_lock_unlocked(&l, t0 + 1100);
	assert_int_equal(auth_lock_unlock_kind(&l, t0 + 1100), AUTH_UNLOCK_NONE);
	assert_false(auth_lock_check(&l, t0 + 1100 + 599));
}

static void
test_lock_checked_late_counts_from_idle_end(void **state)
{
	struct auth_lock l;
	const mc_time t0 = 1767225600;

	(void)state;
	/* a machine that slept: the grace runs from when the idle time ran out */
	auth_lock_init(&l, 10, 2, t0);
	assert_true(auth_lock_check(&l, t0 + 3600));
	assert_int_equal(auth_lock_unlock_kind(&l, t0 + 3600), AUTH_UNLOCK_DEVICE);
	/* explicit lock, and 0 minutes = never */
	auth_lock_init(&l, 0, 0, t0);
	assert_false(auth_lock_check(&l, t0 + 365 * 86400));
	auth_lock_now(&l, t0 + 5);
	assert_int_equal(auth_lock_unlock_kind(&l, t0 + 5), AUTH_UNLOCK_DEVICE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qr_draws_every_module),
		cmocka_unit_test(test_qr_refuses_what_does_not_fit),
		cmocka_unit_test(test_terminal_detection),
		cmocka_unit_test(test_lock_after_idle),
		cmocka_unit_test(test_lock_checked_late_counts_from_idle_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
