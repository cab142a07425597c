/* Unit tests for src/config/config.c: paths and config.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

static int warnings;
static char last_warning[256];

static void
count_warn(void *ctx, const char *msg)
{
	(void)ctx;
	warnings++;
	snprintf(last_warning, sizeof last_warning, "%s", msg);
}

static int
parse(struct config *cfg, const char *text, char **cause)
{
	return config_parse(cfg, "test.json", text, strlen(text), cause, count_warn, NULL);
}

static void
test_defaults(void **state)
{
	struct config cfg;
	(void)state;
	config_init(&cfg);
	assert_null(cfg.issuer);
	assert_string_equal(cfg.client_id, "motcua");
	assert_string_equal(cfg.language, "vi");
	assert_int_equal(cfg.lock_idle_minutes, 10);
	assert_int_equal(cfg.workweek, 0x3e);
	assert_int_equal(deadline_day_seconds(&cfg.worktime), 8 * 3600);
	config_release(&cfg);
}

static void
test_valid_file(void **state)
{
	struct config cfg;
	char *cause = NULL;
	(void)state;
	config_init(&cfg);
	warnings = 0;
	assert_int_equal(parse(&cfg,
			       "{\n"
			       "  \"issuer\": \"http://127.0.0.1:8080\",\n"
			       "  \"language\": \"en\",\n"
			       "  \"lock_idle_minutes\": 5,\n"
			       "  \"workweek\": [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\"],\n"
			       "  \"working_hours\": \"07:30-11:30,13:00-17:00\",\n"
			       "  \"colour\": \"blue\",\n"
			       "  \"signing\": {\"pkcs11_module\": \"/usr/lib/softhsm/libsofthsm2.so\",\n"
			       "              \"token\": \"xa-test\"},\n"
			       "  \"keys\": {\"down\": \"j\"}\n"
			       "}\n",
			       &cause),
			 0);
	assert_string_equal(cfg.issuer, "http://127.0.0.1:8080");
	assert_string_equal(cfg.language, "en");
	assert_int_equal(cfg.lock_idle_minutes, 5);
	assert_int_equal(cfg.workweek, 0x7e);
	assert_int_equal(deadline_day_seconds(&cfg.worktime), 8 * 3600);
	assert_string_equal(cfg.signing.pkcs11_module, "/usr/lib/softhsm/libsofthsm2.so");
	assert_string_equal(cfg.signing.token, "xa-test");
	assert_null(cfg.signing.remote_url);
	assert_int_equal(cfg.n_keys, 1);
	assert_string_equal(cfg.keys[0].action, "down");
	assert_int_equal(cfg.keys[0].n_keys, 1);
	assert_string_equal(cfg.keys[0].keys[0], "j");
	assert_int_equal(warnings, 1);
	assert_string_equal(last_warning, "test.json:7: unknown key \"colour\" ignored");
	config_release(&cfg);
}

/* A bad file is reported with path and line and applies nothing, not even its good keys. */
static void
test_bad_file_applies_nothing(void **state)
{
	static const struct {
		const char *text;
		const char *cause;
	} cases[] = {
		{"{\"language\": \"en\",\n \"lock_idle_minutes\": \"ten\"}",
		 "test.json:2: \"lock_idle_minutes\" must be a whole number from 0 to 1440"},
		{"{\"language\": \"en\",\n\n \"issuer\": \"ftp://x\"}",
		 "test.json:3: \"issuer\" must be an http:// or https:// URL"},
		{"{\"language\": \"en\", \"language\": \"vi\"}", NULL},
		{"{\"language\": \"en\",\n \"working_hours\": \"13:00-17:00,07:00-11:00\"}",
		 "test.json:2: \"working_hours\" must be like \"07:00-11:30,13:30-17:00\" (sorted, "
		 "not overlapping)"},
		{"[1,2]", "test.json:1: the configuration must be a JSON object"},
		{"{\"language\": \"en\",\n \"workweek\": []}",
		 "test.json:2: \"workweek\" must be a non-empty list of \"mon\" .. \"sun\""},
		{"{\n\"language\": \"fr\"}", "test.json:2: \"language\" must be \"vi\" or \"en\""},
		{"{\"language\": \"en\",\n \"signing\": {\"pin\": \"1234\"}}",
		 "test.json:2: \"signing\" has an unknown key \"pin\""},
		{"{\"language\": \"en\",\n \"signing\": {\"token\": 5}}",
		 "test.json:2: \"signing\" .token must be a non-empty string"},
		{"{\"language\": \"en\",\n", NULL},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct config cfg;
		char *cause = NULL;
		config_init(&cfg);
		assert_int_equal(parse(&cfg, cases[i].text, &cause), -1);
		assert_non_null(cause);
		if (cases[i].cause != NULL)
			assert_string_equal(cause, cases[i].cause);
		else
			assert_true(strncmp(cause, "test.json:", 10) == 0);
		assert_string_equal(cfg.language, "vi");
		free(cause);
		config_release(&cfg);
	}
}

static void
test_paths(void **state)
{
	struct config_paths p;
	(void)state;
	setenv("MOTCUA_HOME", "/tmp/mh", 1);
	config_paths_init(&p, NULL);
	assert_string_equal(p.config_dir, "/tmp/mh");
	assert_string_equal(p.data_dir, "/tmp/mh");
	assert_string_equal(p.config_file, "/tmp/mh/config.json");
	config_paths_release(&p);

	unsetenv("MOTCUA_HOME");
	setenv("HOME", "/home/clerk", 1);
	setenv("XDG_CONFIG_HOME", "/xc", 1);
	unsetenv("XDG_DATA_HOME");
	config_paths_init(&p, NULL);
	assert_string_equal(p.config_dir, "/xc/motcua");
	assert_string_equal(p.data_dir, "/home/clerk/.local/share/motcua");
	config_paths_release(&p);

	config_paths_init(&p, "/etc/motcua/other.json");
	assert_string_equal(p.config_dir, "/etc/motcua");
	assert_string_equal(p.config_file, "/etc/motcua/other.json");
	config_paths_release(&p);
}

static void
test_missing_file_is_not_an_error(void **state)
{
	struct config cfg;
	char *cause = NULL;
	(void)state;
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, "/nonexistent/motcua/config.json", &cause, NULL, NULL),
			 1);
	assert_null(cause);
	config_release(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_bad_file_applies_nothing),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_missing_file_is_not_an_error),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
