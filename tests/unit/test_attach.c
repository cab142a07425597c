/*
 * test_attach.c - the parts of sync/attach.c a hostile or odd server can
 * reach without a transfer: the names that become paths under the data
 * folder (no way out of attachments/<code>/, never a cut UTF-8 letter), and
 * attach_saved() telling a complete file from a missing or short one.
 * Transfers, Range and resume: tests/integration/fetch_resume.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync/attach.h"

static void
check_name(const char *in, const char *want)
{
	char *s = attach_safe_name(in);
	assert_string_equal(s, want);
	free(s);
}

static void
safe_names(void **state)
{
	(void)state;
	check_name("Ban do dia chinh.tif", "Ban do dia chinh.tif");
	check_name("Giấy chứng sinh.jpg", "Giấy chứng sinh.jpg");
	check_name("../../etc/passwd", "_.._etc_passwd");
	check_name("/abs/x.pdf", "_abs_x.pdf");
	check_name("..", "file");
	check_name("", "file");
	check_name(NULL, "file");
	check_name("a\\b:c*d?e\"f<g>h|i", "a_b_c_d_e_f_g_h_i");
	check_name("tab\there\nnl", "tab_here_nl");
	check_name(".hidden", "hidden");
	check_name("trailing. . ", "trailing");
	/* a right-to-left override would show "hoa_don\u202Efdp.exe" as
	 * "hoa_donexe.pdf"; C1 controls and bytes that are not UTF-8 go too */
	check_name("hoa_don\xe2\x80\xae" "fdp.exe", "hoa_don_fdp.exe");
	check_name("a\xc2\x9b" "2Jb.pdf", "a_2Jb.pdf");
	check_name("x\xffy\xe1\xbb.pdf", "x_y__.pdf");
}

static void
long_name_not_cut_in_a_letter(void **state)
{
	char in[400], *s;
	size_t n = 0;

	(void)state;
	in[n++] = 'x';
	while (n + 3 < sizeof in) { /* "ệ" is 3 bytes: 1 + 3k never lands on 160 */
		memcpy(in + n, "\xe1\xbb\x87", 3);
		n += 3;
	}
	in[n] = '\0';
	s = attach_safe_name(in);
	assert_true(strlen(s) <= 160);
	assert_int_equal((strlen(s) - 1) % 3, 0);
	free(s);
}

static void
paths_and_saved(void **state)
{
	char dir[] = "/tmp/motcua-attach-XXXXXX", *p, q[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = attach_path(dir, "H56/../x", "a/b.pdf");
	snprintf(q, sizeof q, "%s/attachments/H56_.._x/a_b.pdf", dir);
	assert_string_equal(p, q);
	/* missing, short, complete */
	assert_null(attach_saved(dir, "H56/../x", "a/b.pdf", 4));
	snprintf(q, sizeof q, "%s/attachments", dir);
	assert_int_equal(mkdir(q, 0700), 0);
	snprintf(q, sizeof q, "%s/attachments/H56_.._x", dir);
	assert_int_equal(mkdir(q, 0700), 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("abc", f);
	fclose(f);
	assert_null(attach_saved(dir, "H56/../x", "a/b.pdf", 4));
	{
		char *s = attach_saved(dir, "H56/../x", "a/b.pdf", 3);
		assert_non_null(s);
		assert_string_equal(s, p);
		free(s);
		s = attach_saved(dir, "H56/../x", "a/b.pdf", -1); /* size unknown: exists */
		assert_non_null(s);
		free(s);
	}
	unlink(p);
	rmdir(q);
	snprintf(q, sizeof q, "%s/attachments", dir);
	rmdir(q);
	rmdir(dir);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(safe_names),
		cmocka_unit_test(long_name_not_cut_in_a_letter),
		cmocka_unit_test(paths_and_saved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
