/*
 * test_ui_keymap.c - the console's key bindings and language choice: the
 * defaults a clerk expects (j/k, arrows, g/G, /, q), rebinding from the
 * configuration (all or nothing, with the action or key named on error), and
 * Vietnamese unless English is asked for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/keymap.h"
#include "ui/words.h"

#define FN(k) (UI_KEY_FN | (k))

static void
defaults_fit_habits(void **state)
{
	struct ui_keymap km;

	(void)state;
	ui_keymap_init(&km);
	assert_int_equal(ui_keymap_lookup(&km, 'j'), UI_ACT_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, FN(KEY_DOWN)), UI_ACT_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, 'k'), UI_ACT_UP);
	assert_int_equal(ui_keymap_lookup(&km, 'g'), UI_ACT_TOP);
	assert_int_equal(ui_keymap_lookup(&km, 'G'), UI_ACT_BOTTOM);
	assert_int_equal(ui_keymap_lookup(&km, FN(KEY_NPAGE)), UI_ACT_PAGE_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, '/'), UI_ACT_SEARCH);
	assert_int_equal(ui_keymap_lookup(&km, 'n'), UI_ACT_NEXT);
	assert_int_equal(ui_keymap_lookup(&km, 'N'), UI_ACT_PREV);
	assert_int_equal(ui_keymap_lookup(&km, '\t'), UI_ACT_NEXT_VIEW);
	assert_int_equal(ui_keymap_lookup(&km, 'q'), UI_ACT_BACK);
	assert_int_equal(ui_keymap_lookup(&km, 27), UI_ACT_BACK);
	assert_int_equal(ui_keymap_lookup(&km, '?'), UI_ACT_HELP);
	assert_int_equal(ui_keymap_lookup(&km, ':'), UI_ACT_COMMAND);
	assert_int_equal(ui_keymap_lookup(&km, '3'), UI_ACT_VIEW_3);
	assert_int_equal(ui_keymap_lookup(&km, 'K'), UI_ACT_SIGN_RETURN);
	assert_int_equal(ui_keymap_lookup(&km, 'o'), UI_ACT_DOWNLOAD);
	assert_int_equal(ui_keymap_lookup(&km, 'Z'), UI_ACT_NONE);
	assert_int_equal(ui_keymap_lookup(&km, 0), UI_ACT_NONE);
}

static void
no_action_is_destructive(void **state)
{
	(void)state;
	/* Nothing in the table names a destructive action: those are dialogs. */
	for (int a = 1; a < UI_ACT_COUNT; a++) {
		const char *name = ui_keymap_action_name((enum ui_action)a);
		assert_non_null(name);
		assert_null(strstr(name, "refuse"));
		assert_null(strstr(name, "stop"));
		assert_null(strstr(name, "withdraw"));
		assert_null(strstr(name, "delete"));
		assert_int_equal(ui_keymap_action_from_name(name), a);
		assert_true(strlen(ui_keymap_action_help((enum ui_action)a)) > 0);
	}
}

static void
key_names_round_trip(void **state)
{
	const char *names[] = {"j", "/", "Up", "PgDn", "Enter", "Tab", "Esc", "C-l", "F2", "Space"};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int k = ui_keymap_key_from_name(names[i]);
		assert_int_not_equal(k, 0);
		assert_string_equal(ui_keymap_key_name(k, buf, sizeof buf), names[i]);
	}
	assert_int_equal(ui_keymap_key_from_name("C-l"), 12);
	/* A Vietnamese letter is one key. */
	assert_int_equal(ui_keymap_key_from_name("\xc4\x91"), 0x111);
	assert_string_equal(ui_keymap_key_name(0x111, buf, sizeof buf), "\xc4\x91");
	assert_int_equal(ui_keymap_key_from_name(""), 0);
	assert_int_equal(ui_keymap_key_from_name("jj"), 0);
	assert_int_equal(ui_keymap_key_from_name("F13"), 0);
	assert_int_equal(ui_keymap_key_from_name("C-1"), 0);
	assert_int_equal(ui_keymap_key_from_name("NoSuchKey"), 0);
}

static void
bind_takes_key_from_other_action(void **state)
{
	struct ui_keymap km;
	const char *keys[] = {"j"};
	char *cause = NULL;
	char text[64];

	(void)state;
	ui_keymap_init(&km);
	/* j now searches; "down" keeps only its arrow. */
	assert_int_equal(ui_keymap_bind(&km, "search", keys, 1, &cause), 0);
	assert_int_equal(ui_keymap_lookup(&km, 'j'), UI_ACT_SEARCH);
	assert_int_equal(ui_keymap_lookup(&km, '/'), UI_ACT_NONE);
	assert_string_equal(ui_keymap_keys_text(&km, UI_ACT_DOWN, text, sizeof text), "Down");
	assert_string_equal(ui_keymap_keys_text(&km, UI_ACT_SEARCH, text, sizeof text), "j");
}

/*
 * The "keys" object of a config.json, as the console applies it: the
 * configuration reads its shape (config.c), the keymap its names.  NULL:
 * no "keys" at all.  0, or -1 with *cause (malloc'd) from either.
 */
static int
apply_json(struct ui_keymap *km, const char *keys, char **cause)
{
	struct config cfg;
	struct config_error e;
	char *text, buf[800];
	int rc;

	if (keys == NULL)
		return 0;
	config_init(&cfg);
	text = xasprintf("{\"keys\": %s}", keys);
	rc = config_parse(&cfg, "config.json", text, strlen(text), &e);
	free(text);
	if (rc != 0)
		*cause = xstrdup(words_config(&e, buf, sizeof buf));
	if (rc == 0)
		rc = ui_keymap_apply(km, cfg.keys, cfg.n_keys, cause);
	config_release(&cfg);
	return rc;
}

static void
parse_json_all_or_nothing(void **state)
{
	struct ui_keymap km, before;
	char *cause = NULL;

	(void)state;
	ui_keymap_init(&km);
	assert_int_equal(apply_json(&km, "{\"down\": [\"x\", \"Down\"], "
					      "\"help\": \"F2\"}", &cause), 0);
	assert_int_equal(ui_keymap_lookup(&km, 'x'), UI_ACT_DOWN);
	assert_int_equal(ui_keymap_lookup(&km, 'j'), UI_ACT_NONE);
	assert_int_equal(ui_keymap_lookup(&km, FN(KEY_F(2))), UI_ACT_HELP);
	/* every key of the console can be moved, the download's 'o' too */
	assert_int_equal(apply_json(&km, "{\"download\": \"F3\"}", &cause), 0);
	assert_int_equal(ui_keymap_lookup(&km, FN(KEY_F(3))), UI_ACT_DOWNLOAD);
	assert_int_equal(ui_keymap_lookup(&km, 'o'), UI_ACT_NONE);

	before = km;
	/* The first binding is fine, the second is not: nothing changes. */
	assert_int_equal(apply_json(&km, "{\"up\": \"u\", \"down\": \"Nope\"}",
					      &cause), -1);
	assert_non_null(strstr(cause, "unknown key \"Nope\""));
	free(cause);
	assert_memory_equal(&km, &before, sizeof km);

	assert_int_equal(apply_json(&km, "{\"fly\": \"f\"}", &cause), -1);
	assert_non_null(strstr(cause, "unknown action \"fly\""));
	free(cause);
	assert_int_equal(apply_json(&km, "[1]", &cause), -1);
	free(cause);
	assert_int_equal(apply_json(&km, "{\"up\": 5}", &cause), -1);
	free(cause);
	assert_int_equal(apply_json(&km, "{\"up\": [\"a\",\"b\",\"c\",\"d\",\"e\"]}",
					      &cause), -1);
	free(cause);
	assert_int_equal(apply_json(&km, "{\"up\":", &cause), -1);
	free(cause);
	assert_memory_equal(&km, &before, sizeof km);
	assert_int_equal(apply_json(&km, NULL, &cause), 0);
}

/* A refusal quotes the file; a control character in it must not reach the
 * clerk's terminal as a new line or an escape sequence. */
static void
refusal_is_one_printable_line(void **state)
{
	static const char *const bad[] = {
		"{\"fly\\n[ERR] forged\": \"f\"}",
		"{\"up\": \"\\u001b[2J\"}",
		"{\"back\\u0005\\u0001\": [\"q\"]}",
		"{\"up\": \"a\x7f\"}",
		"{\"up\":\n\x01",
	};
	struct ui_keymap km;
	char *cause = NULL;

	(void)state;
	ui_keymap_init(&km);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(apply_json(&km, bad[i], &cause), -1);
		assert_non_null(cause);
		for (const char *p = cause; *p != '\0'; p++)
			assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
		free(cause);
		cause = NULL;
	}
}

static void
language_is_vietnamese_unless_english_asked(void **state)
{
	(void)state;
	assert_string_equal(ui_i18n_choose(NULL, NULL, NULL, NULL, NULL), "vi");
	assert_string_equal(ui_i18n_choose(NULL, "vi", "C.UTF-8", NULL, "en_US.UTF-8"), "vi");
	assert_string_equal(ui_i18n_choose(NULL, "vi", NULL, NULL, "en_US.UTF-8"), "en");
	assert_string_equal(ui_i18n_choose(NULL, "en", NULL, NULL, "vi_VN.UTF-8"), "en");
	assert_string_equal(ui_i18n_choose("en", "vi", NULL, NULL, NULL), "en");
	assert_string_equal(ui_i18n_choose("vi:en", "en", NULL, NULL, NULL), "vi");
	assert_string_equal(ui_i18n_choose("", "vi", NULL, NULL, "en_GB"), "en");
	assert_string_equal(ui_i18n_choose(NULL, NULL, NULL, "en", NULL), "en");
	assert_string_equal(ui_i18n_choose(NULL, NULL, NULL, NULL, "eng"), "vi");
	assert_string_equal(ui_i18n_choose("fr", NULL, NULL, NULL, NULL), "vi");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_fit_habits),
		cmocka_unit_test(no_action_is_destructive),
		cmocka_unit_test(key_names_round_trip),
		cmocka_unit_test(bind_takes_key_from_other_action),
		cmocka_unit_test(parse_json_all_or_nothing),
		cmocka_unit_test(refusal_is_one_printable_line),
		cmocka_unit_test(language_is_vietnamese_unless_english_asked),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
