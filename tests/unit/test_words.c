/*
 * test_words.c - the codes of the layers below and their words (core/error.h,
 * ui/words.h): every code has a stable name and a sentence in both
 * languages, no sentence carries a command-line flag, the outside words
 * come last, and the stored form of an error reads back the same.
 *
 * The catalogues are the build's ($(B)/locale, beside this program's folder)
 * unless MOTCUA_LOCALEDIR names others.
 */
#include <limits.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/civil.h"
#include "core/due_explain.h"
#include "core/error.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

static int
setup(void **state)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	ssize_t n;
	char *slash;

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	if (getenv("MOTCUA_LOCALEDIR") == NULL) {
		/* $(B)/tests/test_words -> $(B)/locale */
		n = readlink("/proc/self/exe", exe, sizeof exe - 1);
		assert_true(n > 0);
		exe[n] = '\0';
		for (int up = 0; up < 2; up++) {
			slash = strrchr(exe, '/');
			assert_non_null(slash);
			*slash = '\0';
		}
		snprintf(dir, sizeof dir, "%s/locale", exe);
		setenv("MOTCUA_LOCALEDIR", dir, 1);
	}
	ui_text_init();
	ui_i18n_init("vi");
	assert_string_equal(ui_i18n_lang(), "vi");
	return 0;
}

static void
example(struct mc_err *e, enum mc_errc code)
{
	mc_err_set(e, code, "tuphap", NULL);
	mc_err_field(e, code == MC_E_NOT_ALLOWED || code == MC_E_NEED_REASON ? "approve"
										: "ket-qua.pdf");
	e->status = 1;
}

static void
test_every_code_named(void **state)
{
	(void)state;
	for (int c = 0; c < MC_E_N_CODES; c++) {
		const char *name = mc_err_name((enum mc_errc)c);
		assert_string_not_equal(name, "?");
		assert_int_equal(mc_err_from_name(name), c);
	}
	assert_string_equal(mc_err_name(MC_E_N_CODES), "?");
	assert_int_equal(mc_err_from_name("no-such-code"), -1);
}

static void
test_every_code_worded_in_both(void **state)
{
	char vi[768], en[768], generic[768];
	struct mc_err e, internal;

	(void)state;
	mc_err_set(&internal, MC_E_INTERNAL, NULL, NULL);
	ui_i18n_set("en");
	words_err(&internal, generic, sizeof generic);
	for (int c = MC_E_NETWORK; c < MC_E_N_CODES; c++) {
		example(&e, (enum mc_errc)c);
		ui_i18n_set("vi");
		words_err(&e, vi, sizeof vi);
		ui_i18n_set("en");
		words_err(&e, en, sizeof en);
		assert_true(strlen(en) > 5);
		/* a sentence of its own, translated */
		if (c != MC_E_INTERNAL)
			assert_string_not_equal(en, generic);
		assert_string_not_equal(vi, en);
		/* the console shows these: never a command-line option */
		assert_null(strstr(vi, "--"));
		assert_null(strstr(en, "--"));
	}
	ui_i18n_set("vi");
}

static void
test_outside_words_last(void **state)
{
	char full[768], shortw[768];
	struct mc_err e;

	(void)state;
	mc_err_set(&e, MC_E_UNAVAILABLE, "congan", "Hệ thống bảo trì");
	e.http = 503;
	words_err(&e, full, sizeof full);
	words_err_short(&e, shortw, sizeof shortw);
	assert_int_equal(strncmp(full, shortw, strlen(shortw)), 0);
	assert_string_equal(full + strlen(shortw), " (HTTP 503): Hệ thống bảo trì");
	assert_non_null(strstr(shortw, "congan"));
}

static void
test_outside_words_cannot_steer_the_terminal(void **state)
{
	char buf[768];
	struct mc_err e;

	(void)state;
	ui_i18n_set("en");
	/* a server's message with a C1 CSI and a right-to-left override */
	mc_err_set(&e, MC_E_REFUSED, "tinh", "%s",
		   "H\xe1\xbb\x93 s\xc6\xa1 \xc2\x9b" "2J \xe2\x80\xae" "fdp");
	words_err(&e, buf, sizeof buf);
	assert_string_equal(buf, "tinh refused it: H\xe1\xbb\x93 s\xc6\xa1 <U+009B>2J <U+202E>fdp");
	/* an ESC that reached the fields some other way (an older store) */
	mc_err_set(&e, MC_E_NO_DOSSIER, NULL, NULL);
	snprintf(e.field, sizeof e.field, "%s", "H56\x1b]0;owned\x07");
	words_err_short(&e, buf, sizeof buf);
	assert_null(strchr(buf, 0x1b));
	assert_non_null(strstr(buf, "H56<U+001B>]0;owned<U+0007>"));
	/* cut to the buffer between escapes, never inside one */
	words_err(&e, buf, 24);
	assert_string_equal(buf, "dossier H56<U+001B>]0;o");
	ui_i18n_set("vi");
}

static void
test_vietnamese_sentences(void **state)
{
	char buf[768];
	struct mc_err e;

	(void)state;
	ui_i18n_set("vi");
	mc_err_set(&e, MC_E_NOT_ALLOWED, NULL, NULL);
	mc_err_field(&e, "approve");
	e.status = 1;
	assert_string_equal(words_err(&e, buf, sizeof buf),
			    "không thể 'approve' từ trạng thái 'Mới đăng ký' (1)");
	mc_err_set(&e, MC_E_NEED_REASON, NULL, NULL);
	mc_err_field(&e, "refuse");
	assert_non_null(strstr(words_err(&e, buf, sizeof buf), "cần lý do"));
	mc_err_set(&e, MC_E_FILE, NULL, "%s", "No such file or directory");
	mc_err_field(&e, "se-xoa.pdf");
	assert_string_equal(words_err(&e, buf, sizeof buf),
			    "không đọc được tệp 'se-xoa.pdf': No such file or directory");
	/* a field-less file error names the file in its detail alone */
	mc_err_set(&e, MC_E_FILE, NULL, "%s", "/tmp/x: Permission denied");
	assert_string_equal(words_err(&e, buf, sizeof buf), "/tmp/x: Permission denied");
	ui_i18n_set("en");
	mc_err_set(&e, MC_E_TOO_LARGE, "congan", NULL);
	mc_err_field(&e, "qua-lon.pdf");
	e.status = 10;
	assert_string_equal(words_err(&e, buf, sizeof buf),
			    "the result file 'qua-lon.pdf' is over 10 MB, the most congan takes");
	ui_i18n_set("vi");
}

static void
test_sign_and_signin_words(void **state)
{
	char vi[512];

	(void)state;
	for (int s = 0; s < APP_SIGN_E_COUNT; s++) {
		ui_i18n_set("vi");
		snprintf(vi, sizeof vi, "%s", words_sign((enum app_sign_error)s));
		ui_i18n_set("en");
		assert_string_not_equal(vi, words_sign((enum app_sign_error)s));
	}
	for (int r = APP_SIGNIN_OK; r <= APP_SIGNIN_CANCELLED; r++) {
		ui_i18n_set("vi");
		snprintf(vi, sizeof vi, "%s", words_signin((enum app_signin_result)r));
		ui_i18n_set("en");
		assert_string_not_equal(vi, words_signin((enum app_signin_result)r));
	}
	assert_non_null(strstr(words_sign(APP_SIGN_E_PIN_INCORRECT), "wrong token PIN"));
	ui_i18n_set("vi");
}

/*
 * A day off from a yearly notice names the document that fixed it, else at
 * least the notice file, in both languages.
 */
static void
test_notice_day_names_its_document(void **state)
{
	struct due_step step;
	char buf[512];

	(void)state;
	memset(&step, 0, sizeof step);
	step.kind = DUE_STEP_DAYS_OFF;
	step.day = step.day_end = civil_days_from_date(2024, 2, 8);
	step.day_kind = DUE_DAY_NOTICE;
	step.name = "Nghỉ Tết Âm lịch (29 tháng Chạp)";
	step.source = "Công văn 8662/VPCP-KGVX ngày 03/11/2023";
	step.file = "/usr/share/motcua/calendar/2024.json";
	ui_i18n_set("vi");
	words_due_step(&step, buf, sizeof buf);
	assert_non_null(strstr(buf, "không tính: Nghỉ Tết Âm lịch (29 tháng Chạp) (theo thông báo: "
				    "Công văn 8662/VPCP-KGVX ngày 03/11/2023)"));
	ui_i18n_set("en");
	words_due_step(&step, buf, sizeof buf);
	assert_non_null(strstr(buf, "(official notice: Công văn 8662/VPCP-KGVX ngày 03/11/2023)"));
	/* a notice that names no document: its file */
	step.source = NULL;
	words_due_step(&step, buf, sizeof buf);
	assert_non_null(strstr(buf, "(official notice of the year, "
				    "/usr/share/motcua/calendar/2024.json)"));
	step.file = NULL;
	words_due_step(&step, buf, sizeof buf);
	assert_non_null(strstr(buf, "(official notice of the year)"));
	ui_i18n_set("vi");
}

static void
test_stored_form_reads_back(void **state)
{
	struct mc_err e, back;
	char *line;

	(void)state;
	mc_err_set(&e, MC_E_REFUSED, "tinh", "Lý do: hồ sơ | trùng\nlặp");
	mc_err_field(&e, "H54.39-000079");
	e.http = 422;
	e.status = 5;
	line = mc_err_format(&e);
	assert_null(strchr(line, '\n'));
	assert_int_equal(mc_err_parse(line, &back), 0);
	free(line);
	assert_int_equal(back.code, MC_E_REFUSED);
	assert_string_equal(back.system, "tinh");
	assert_string_equal(back.field, "H54.39-000079");
	assert_int_equal(back.http, 422);
	assert_int_equal(back.status, 5);
	/* the separator inside a part does not split it; controls became '?' */
	assert_non_null(strstr(back.detail, "trùng"));
	assert_null(strchr(back.detail, '\n'));
	/* an older store's free text: kept whole as the detail */
	assert_int_equal(mc_err_parse("HTTP 503 from congan", &back), 1);
	assert_int_equal(back.code, MC_E_INTERNAL);
	assert_string_equal(back.detail, "HTTP 503 from congan");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_named),
		cmocka_unit_test(test_every_code_worded_in_both),
		cmocka_unit_test(test_outside_words_last),
		cmocka_unit_test(test_outside_words_cannot_steer_the_terminal),
		cmocka_unit_test(test_vietnamese_sentences),
		cmocka_unit_test(test_sign_and_signin_words),
		cmocka_unit_test(test_stored_form_reads_back),
		cmocka_unit_test(test_notice_day_names_its_document),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
