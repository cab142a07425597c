/* Unit tests for src/core/dossier.c: deep copy, release, masking, mismatch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"

static void
fill(struct dossier *d)
{
	dossier_init(d);
	d->code = xstrdup("H56.14-260312-00042");
	d->source = xstrdup("tuphap");
	d->applicant_name = xstrdup("Đặng Văn Đường");
	d->applicant_id = xstrdup("001099000042");
	d->status = 4;
	d->coord_status = 2;
	dossier_add_fee(d, "LP01", "Lệ phí chứng thực", 2000);
	dossier_add_fee(d, "LP02", "Phí bản sao", 3000);
	dossier_add_attachment(d, "a1", "Bản sao CCCD.pdf", "TP01", "/files/a1", 123456);
	dossier_add_event(d, 1000, "Cán bộ A", "Bộ phận một cửa", "Tiếp nhận", 2);
	dossier_add_supplement(d, 2000, 0, "Thiếu bản sao");
}

static void
test_copy_is_deep(void **state)
{
	struct dossier a, b;
	(void)state;
	fill(&a);
	dossier_copy(&b, &a);
	dossier_release(&a); /* b must survive a's release (ASan checks) */
	assert_string_equal(b.code, "H56.14-260312-00042");
	assert_string_equal(b.applicant_name, "Đặng Văn Đường");
	assert_int_equal(b.n_fees, 2);
	assert_int_equal(dossier_fees_total(&b), 5000);
	assert_int_equal(b.n_attachments, 1);
	assert_int_equal(b.attachments[0].size, 123456);
	assert_string_equal(b.history[0].content, "Tiếp nhận");
	assert_int_equal(b.supplements[0].completed_at, 0);
	assert_true(dossier_status_mismatch(&b));
	b.coord_status = 4;
	assert_false(dossier_status_mismatch(&b));
	b.coord_status = 0; /* not in the coordination system: no mismatch */
	assert_false(dossier_status_mismatch(&b));
	dossier_release(&b);
	assert_null(b.code);
}

static void
test_mask(void **state)
{
	char buf[32];
	(void)state;
	assert_string_equal(dossier_mask_id("001099000042", buf, sizeof buf), "********0042");
	assert_string_equal(dossier_mask_id("1234", buf, sizeof buf), "1234");
	assert_string_equal(dossier_mask_id(NULL, buf, sizeof buf), "");
	assert_string_equal(dossier_mask_id("001099000042", buf, 5), "****");
}

/* What can name a source or a connector: short, lower case, digits, _ and -. */
static void
test_source_name(void **state)
{
	(void)state;
	assert_true(dossier_source_name_ok("tuphap"));
	assert_true(dossier_source_name_ok("tinh-lamdong_2"));
	assert_true(dossier_source_name_ok("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
	assert_false(dossier_source_name_ok(NULL));
	assert_false(dossier_source_name_ok(""));
	assert_false(dossier_source_name_ok("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
	assert_false(dossier_source_name_ok("TuPhap"));
	assert_false(dossier_source_name_ok("tu phap"));
	assert_false(dossier_source_name_ok("../etc"));
	assert_false(dossier_source_name_ok("t\xc6\xb0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_is_deep),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_source_name),
	};
	return cmocka_run_group_tests_name("dossier", tests, NULL, NULL);
}
