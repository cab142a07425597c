/*
 * test_ui_columns.c - the inbox's columns at a width: the console's own
 * choice as it always was, the clerk's "columns" in their order, what
 * gives way when they do not fit, and which heading a click falls on.
 * config.json's "columns" read and refused (src/config) are here too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "config/config.h"
#include "ui/columns.h"

static const struct ui_columns_need at80 = {.cols = 80, .code_cols = 13, .status_cols = 11};

/* Every column fits inside the width, in order, a blank column apart. */
static void
assert_fits(const struct ui_columns *c, int cols)
{
	for (size_t i = 0; i < c->n; i++) {
		assert_true(c->w[i] > 0);
		if (i > 0)
			assert_int_equal(c->x[i], c->x[i - 1] + c->w[i - 1] + 1);
	}
	assert_int_equal(c->x[0], 0);
	assert_true(c->x[c->n - 1] + c->w[c->n - 1] <= cols);
}

/* Without "columns": the layout the inbox had before the choice existed
 * (80: no received date, the procedure takes the rest; 120: with it). */
static void
own_choice_unchanged(void **state)
{
	struct ui_columns c;
	struct ui_columns_need need = at80;
	static const enum ui_col at_80[] = {UI_COL_MARK, UI_COL_SOURCE,    UI_COL_CODE,
					    UI_COL_APPLICANT, UI_COL_PROCEDURE, UI_COL_DUE,
					    UI_COL_STATUS};

	(void)state;
	ui_columns_fit(&need, NULL, 0, &c);
	assert_int_equal(c.n, 7);
	assert_memory_equal(c.col, at_80, sizeof at_80);
	assert_fits(&c, 80);
	assert_int_equal(c.x[6] + c.w[6], 80); /* the whole width */
	assert_int_equal(c.w[3], 16);          /* the name first, up to 16 */
	assert_int_equal(c.w[4], 80 - 3 - 6 - 13 - 16 - 11 - 11 - 6);
	need.cols = 120;
	ui_columns_fit(&need, NULL, 0, &c);
	assert_int_equal(c.n, 8);
	assert_int_equal(c.col[5], UI_COL_RECEIVED);
	assert_int_equal(c.w[3], 24);
	assert_int_equal(c.w[7], 14);
	assert_fits(&c, 120);
	assert_int_equal(ui_columns_find(&c, UI_COL_AREA), -1);
}

/* The clerk's order, whatever the width allows the console's own. */
static void
chosen_in_order(void **state)
{
	static const enum config_column chosen[] = {CONFIG_COLUMN_AREA, CONFIG_COLUMN_DUE,
						    CONFIG_COLUMN_CODE};
	struct ui_columns c;
	struct ui_columns_need need = at80;

	(void)state;
	need.cols = 120;
	ui_columns_fit(&need, chosen, 3, &c);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.col[0], UI_COL_MARK);
	assert_int_equal(c.col[1], UI_COL_AREA);
	assert_int_equal(c.col[2], UI_COL_DUE);
	assert_int_equal(c.col[3], UI_COL_CODE);
	assert_int_equal(c.w[1], 16); /* no procedure: nothing stretches */
	assert_fits(&c, 120);
}

/* Too many for 80: the last ones go, the procedure keeps its short names. */
static void
dropped_from_the_end(void **state)
{
	static const enum config_column all[] = {
		CONFIG_COLUMN_DUE,    CONFIG_COLUMN_CODE,   CONFIG_COLUMN_PROCEDURE,
		CONFIG_COLUMN_APPLICANT, CONFIG_COLUMN_STATUS, CONFIG_COLUMN_SOURCE,
		CONFIG_COLUMN_RECEIVED, CONFIG_COLUMN_AREA};
	struct ui_columns c;

	(void)state;
	ui_columns_fit(&at80, all, 8, &c);
	assert_int_equal(c.n, 7);
	assert_int_equal(c.col[6], UI_COL_SOURCE);
	assert_int_equal(ui_columns_find(&c, UI_COL_RECEIVED), -1);
	assert_int_equal(ui_columns_find(&c, UI_COL_AREA), -1);
	assert_true(c.w[ui_columns_find(&c, UI_COL_PROCEDURE)] >= 10);
	assert_fits(&c, 80);
}

/* The code is never dropped, even last, even alone and too wide. */
static void
code_never_dropped(void **state)
{
	static const enum config_column code_last[] = {
		CONFIG_COLUMN_RECEIVED, CONFIG_COLUMN_APPLICANT, CONFIG_COLUMN_STATUS,
		CONFIG_COLUMN_DUE, CONFIG_COLUMN_CODE};
	struct ui_columns c;
	struct ui_columns_need need = at80;

	(void)state;
	need.cols = 50;
	ui_columns_fit(&need, code_last, 5, &c);
	assert_int_equal(c.col[c.n - 1], UI_COL_CODE);
	assert_int_equal(c.w[c.n - 1], 13);
	assert_int_equal(ui_columns_find(&c, UI_COL_DUE), -1);
	assert_fits(&c, 50);
	need.cols = 12;
	ui_columns_fit(&need, code_last, 5, &c);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.col[1], UI_COL_CODE);
	assert_int_equal(c.w[1], 12 - 3 - 1);
}

/* A click on a column or the blank after it is that column's. */
static void
click_to_column(void **state)
{
	struct ui_columns c;

	(void)state;
	ui_columns_fit(&at80, NULL, 0, &c);
	assert_int_equal(ui_columns_at(&c, 0), 0);
	assert_int_equal(ui_columns_at(&c, c.x[2]), 2);
	assert_int_equal(ui_columns_at(&c, c.x[2] + c.w[2]), 2);
	assert_int_equal(ui_columns_at(&c, c.x[3]), 3);
	assert_int_equal(ui_columns_at(&c, 79), 6);
	assert_int_equal(ui_columns_at(&c, 81), -1);
	assert_int_equal(ui_columns_at(&c, -1), -1);
}

static int
parse(struct config *cfg, const char *text, struct config_error *e)
{
	config_init(cfg);
	return config_parse(cfg, "config.json", text, strlen(text), e);
}

/* config.json: the names in order; a bad or repeated one is refused with
 * the name (and the closest real one); without the key, none. */
static void
config_columns(void **state)
{
	struct config cfg;
	struct config_error e;

	(void)state;
	assert_int_equal(parse(&cfg, "{}", &e), 0);
	assert_int_equal(cfg.n_columns, 0);
	config_release(&cfg);
	assert_int_equal(parse(&cfg, "{\"columns\": [\"status\", \"code\", \"area\"]}", &e), 0);
	assert_int_equal(cfg.n_columns, 3);
	assert_int_equal(cfg.columns[0], CONFIG_COLUMN_STATUS);
	assert_int_equal(cfg.columns[1], CONFIG_COLUMN_CODE);
	assert_int_equal(cfg.columns[2], CONFIG_COLUMN_AREA);
	config_release(&cfg);

	assert_int_equal(parse(&cfg, "{\n\"columns\": [\"due\", \"cdoe\"]}", &e), -1);
	assert_int_equal(e.problem, CONFIG_E_VALUE);
	assert_int_equal(e.expect, CONFIG_WANT_COLUMNS);
	assert_int_equal(e.line, 2);
	assert_string_equal(e.key, "columns");
	assert_string_equal(e.detail, "cdoe");
	assert_string_equal(e.near, "code");
	assert_int_equal(cfg.n_columns, 0); /* nothing applied */
	config_release(&cfg);

	assert_int_equal(parse(&cfg, "{\"columns\": [\"due\", \"due\"]}", &e), -1);
	assert_int_equal(e.expect, CONFIG_WANT_COLUMN_ONCE);
	assert_string_equal(e.detail, "due");
	config_release(&cfg);

	static const char *const shapes[] = {"{\"columns\": []}", "{\"columns\": \"due\"}",
					     "{\"columns\": [1]}", "{\"columns\": {}}"};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		assert_int_equal(parse(&cfg, shapes[i], &e), -1);
		assert_int_equal(e.expect, CONFIG_WANT_COLUMNS);
		assert_string_equal(e.detail, "");
		config_release(&cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_choice_unchanged), cmocka_unit_test(chosen_in_order),
		cmocka_unit_test(dropped_from_the_end), cmocka_unit_test(code_never_dropped),
		cmocka_unit_test(click_to_column),      cmocka_unit_test(config_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
