/*
 * test_ui_shorten.c - names, procedures and codes in narrow inbox columns:
 * what still tells one row from the next when the column is too narrow.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "ui/shorten.h"
#include "ui/textwidth.h"

#define ELL "\xe2\x80\xa6"

static int
setup_utf8(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL && setlocale(LC_ALL, "en_US.UTF-8") == NULL)
		return -1;
	return ui_text_init() ? 0 : -1;
}

static void
person(const char *name, int cols, const char *want)
{
	char buf[256];

	assert_string_equal(ui_short_person(name, cols, buf, sizeof buf), want);
	assert_true(ui_text_width(buf) <= cols);
}

/* The given name stays whole: it is what tells two Nguyễns apart. */
static void
person_keeps_the_given_name(void **state)
{
	(void)state;
	person("Nguyễn Thanh Khánh", 20, "Nguyễn Thanh Khánh");
	person("Nguyễn Thanh Khánh", 16, "Nguyễn T. Khánh");
	person("Nguyễn Thanh Khánh", 14, "N.T. Khánh");
	person("Nguyễn Thị Dung", 14, "Nguyễn T. Dung");
	person("Tôn Nữ Thị Bảo Ngọc", 16, "Tôn N.T.B. Ngọc");
	person("Lê Na", 3, "Na");
	/* decomposed marks travel with their letter */
	person("Tra\xcc\x82\xcc\x80n \xc3\x81nh", 20, "Tra\xcc\x82\xcc\x80n \xc3\x81nh");
	person("Nguye\xcc\x82\xcc\x83n E\xcc\x82\xcc\x81 Trang", 13, "N.E\xcc\x82\xcc\x81. Trang");
	/* one word, or nothing else fits: cut with an ellipsis */
	person("Nguyễnnnnnnnnnnnnnn", 8, "Nguyễnn" ELL);
	person("Nguyễn Thanh Khánhhhhhhhh", 10, "Khánhhhhh" ELL);
	person(NULL, 5, "");
}

static void
procedure(const char *name, const char *short_name, int cols, const char *want)
{
	char buf[256];

	assert_string_equal(ui_short_procedure(name, short_name, true, cols, buf, sizeof buf),
			    want);
	assert_true(ui_text_width(buf) <= cols);
}

/* Birth, marriage and death registration do not look the same at 80 columns. */
static void
procedure_short_names(void **state)
{
	(void)state;
	procedure("Đăng ký khai sinh", "Khai sinh", 30, "Đăng ký khai sinh");
	procedure("Đăng ký khai sinh", "Khai sinh", 10, "Khai sinh");
	procedure("Xác nhận thông tin về cư trú", "XN cư trú", 10, "XN cư trú");
	/* no short name in the catalogue: the leading verb goes */
	procedure("Đăng ký kết hôn", NULL, 10, "Kết hôn");
	procedure("Đăng ký khai tử", "", 10, "Khai tử");
	procedure("Cấp giấy phép xây dựng", NULL, 10, "Giấy phép" ELL);
	procedure("Thủ tục đăng ký", NULL, 8, "Đăng ký");
	procedure("Trợ cấp xã hội hằng tháng", NULL, 10, "Trợ cấp x" ELL);
	procedure(NULL, NULL, 5, "");
	/* not whole: the short form even where the full name would fit */
	{
		char buf[64];
		assert_string_equal(ui_short_procedure("Đăng ký kết hôn", "Kết hôn", false, 30,
							buf, sizeof buf), "Kết hôn");
		assert_string_equal(ui_short_procedure("Đăng ký kết hôn", NULL, false, 30, buf,
							sizeof buf), "Kết hôn");
	}
}

static void
code_keeps_its_end(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(ui_short_code("H56.14-260226-00001", 19, buf, sizeof buf),
			    "H56.14-260226-00001");
	assert_string_equal(ui_short_code("H56.14-260226-00001", 10, buf, sizeof buf),
			    ELL "226-00001");
	assert_string_equal(ui_short_code("H56.14-260226-00002", 10, buf, sizeof buf),
			    ELL "226-00002");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(person_keeps_the_given_name),
		cmocka_unit_test(procedure_short_names),
		cmocka_unit_test(code_keeps_its_end),
	};
	return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
