/*
 * test_pin.c - the local unlock PIN (auth/pin.c) and what wrong PINs do to
 * the lock's grace (auth/lock.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/lock.h"
#include "auth/pin.h"
#include "core/xalloc.h"

static char dir[] = "/tmp/motcua-pin.XXXXXX";
static char *path;

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	path = xasprintf("%s/" AUTH_PIN_FILE, dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	free(path);
	rmdir(dir);
	return 0;
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(auth_pin_valid("1234"));
	assert_true(auth_pin_valid("123456789012"));
	assert_false(auth_pin_valid("123"));
	assert_false(auth_pin_valid("1234567890123"));
	assert_false(auth_pin_valid("12a4"));
	assert_false(auth_pin_valid(""));
	assert_false(auth_pin_valid(NULL));
}

static void
test_set_and_check(void **state)
{
	const char *cause = NULL;
	struct stat sb;
	char text[512] = "";
	FILE *f;

	(void)state;
	assert_false(auth_pin_is_set(path, "canbo02"));
	assert_int_equal(auth_pin_check(path, "canbo02", "2468"), AUTH_PIN_NONE);
	assert_int_equal(auth_pin_set(path, "canbo02", "2468", &cause), 0);
	assert_true(auth_pin_is_set(path, "canbo02"));
	assert_int_equal(auth_pin_check(path, "canbo02", "2468"), AUTH_PIN_OK);
	assert_int_equal(auth_pin_check(path, "canbo02", "2469"), AUTH_PIN_WRONG);
	assert_int_equal(auth_pin_check(path, "canbo02", "24"), AUTH_PIN_WRONG);
	/* another official on the same terminal has none */
	assert_false(auth_pin_is_set(path, "canbo03"));
	assert_int_equal(auth_pin_check(path, "canbo03", "2468"), AUTH_PIN_NONE);
	/* kept for the owner only, and never in clear */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof text, f));
	fclose(f);
	assert_null(strstr(text, "2468"));
	assert_int_equal(strncmp(text, "motcua-pin 1 scrypt 16384 8 1 canbo02 ", 38), 0);
	/* a second PIN replaces the first; its salt differs */
	assert_int_equal(auth_pin_set(path, "canbo02", "97531", &cause), 0);
	assert_int_equal(auth_pin_check(path, "canbo02", "2468"), AUTH_PIN_WRONG);
	assert_int_equal(auth_pin_check(path, "canbo02", "97531"), AUTH_PIN_OK);
	assert_int_equal(auth_pin_clear(path), 0);
	assert_false(auth_pin_is_set(path, "canbo02"));
	assert_int_equal(auth_pin_clear(path), 0);
}

static void
test_refusals(void **state)
{
	const char *cause = NULL;
	FILE *f;

	(void)state;
	assert_int_equal(auth_pin_set(path, "canbo02", "12", &cause), -1);
	assert_non_null(cause);
	assert_int_equal(auth_pin_set(path, "can bo", "1234", &cause), -1);
	assert_int_equal(auth_pin_set(path, "", "1234", &cause), -1);
	/* a damaged file is no PIN, not a crash */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("motcua-pin 1 scrypt 16384 8 1 canbo02 zz 00\n", f);
	fclose(f);
	assert_int_equal(auth_pin_check(path, "canbo02", "1234"), AUTH_PIN_NONE);
	f = fopen(path, "w");
	fputs("motcua-pin 1 scrypt 99999999999 8 1 canbo02 "
	      "00000000000000000000000000000000 "
	      "0000000000000000000000000000000000000000000000000000000000000000\n",
	      f);
	fclose(f);
	assert_int_equal(auth_pin_check(path, "canbo02", "1234"), AUTH_PIN_NONE);
	unlink(path);
}

/* Five wrong PINs end the grace; a lock by hand says so. */
static void
test_lock_tries(void **state)
{
	struct auth_lock l;

	(void)state;
	auth_lock_init(&l, 10, 2, 1000);
	assert_true(auth_lock_check(&l, 1000 + 600));
	assert_false(l.by_hand);
	assert_int_equal(auth_lock_unlock_kind(&l, 1601), AUTH_UNLOCK_SHORT);
	for (int i = 1; i < AUTH_LOCK_PIN_TRIES; i++) {
		assert_int_equal(auth_lock_pin_wrong(&l), AUTH_LOCK_PIN_TRIES - i);
		assert_int_equal(auth_lock_unlock_kind(&l, 1602), AUTH_UNLOCK_SHORT);
	}
	assert_int_equal(auth_lock_pin_wrong(&l), 0);
	assert_int_equal(auth_lock_unlock_kind(&l, 1603), AUTH_UNLOCK_DEVICE);
	auth_lock_unlocked(&l, 1700);
	assert_int_equal(auth_lock_unlock_kind(&l, 1700), AUTH_UNLOCK_NONE);
	auth_lock_now(&l, 1800);
	assert_true(l.by_hand);
	/* the count starts again with each lock */
	assert_int_equal(auth_lock_unlock_kind(&l, 1801), AUTH_UNLOCK_SHORT);
	assert_int_equal(auth_lock_pin_wrong(&l), AUTH_LOCK_PIN_TRIES - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_set_and_check),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_lock_tries),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
