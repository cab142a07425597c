/* Unit tests for src/config/config.c: paths and config.json. */
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

#include "config/config.h"
#include "core/xalloc.h"

static int
parse(struct config *cfg, const char *text, struct config_error *e)
{
	return config_parse(cfg, "test.json", text, strlen(text), e);
}

/* "tls" and "proxy": trust beyond the system's, per system, and a proxy. */
static void
test_tls_and_proxy(void **state)
{
	struct config cfg;
	struct config_error e;
	const char *pin = "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=";
	char text[1024];

	(void)state;
	config_init(&cfg);
	snprintf(text, sizeof text,
		 "{\"tls\": {\"ca_file\": \"/etc/motcua/gov-root.pem\",\n"
		 " \"systems\": {\"tuphap\": {\"pin\": \"%s;%s\", \"ca_dir\": \"/etc/motcua/ca\"}}},\n"
		 " \"proxy\": \"http://proxy.tinh.gov.vn:3128\"}",
		 pin, pin);
	assert_int_equal(parse(&cfg, text, &e), 0);
	assert_string_equal(cfg.tls.ca_file, "/etc/motcua/gov-root.pem");
	assert_null(cfg.tls.ca_dir);
	assert_int_equal(cfg.tls.n_systems, 1);
	assert_string_equal(cfg.tls.systems[0].name, "tuphap");
	assert_string_equal(cfg.tls.systems[0].ca_dir, "/etc/motcua/ca");
	assert_non_null(strstr(cfg.tls.systems[0].pin, pin));
	assert_string_equal(cfg.proxy, "http://proxy.tinh.gov.vn:3128");
	config_release(&cfg);
	/* a pin that is not one, an unknown key, a proxy that is not a URL */
	config_init(&cfg);
	assert_int_equal(parse(&cfg, "{\"tls\": {\"systems\": {\"tuphap\": {\"pin\": \"abc\"}}}}",
			       &e), -1);
	assert_int_equal(e.problem, CONFIG_E_VALUE);
	assert_int_equal(e.expect, CONFIG_WANT_PIN);
	assert_string_equal(e.key, "tls.systems.tuphap.pin");
	config_release(&cfg);
	config_init(&cfg);
	assert_int_equal(parse(&cfg, "{\"tls\": {\"ca_fil\": \"/x\"}}", &e), -1);
	assert_int_equal(e.problem, CONFIG_E_UNKNOWN_KEY);
	assert_string_equal(e.near, "ca_file");
	config_release(&cfg);
	config_init(&cfg);
	assert_int_equal(parse(&cfg, "{\"proxy\": \"proxy:3128\"}", &e), -1);
	assert_int_equal(e.expect, CONFIG_WANT_URL);
	config_release(&cfg);
	config_init(&cfg);
	assert_int_equal(parse(&cfg, "{\"tls\": [1]}", &e), -1);
	assert_int_equal(e.expect, CONFIG_WANT_TLS);
	config_release(&cfg);
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
	struct config_error cause;
	(void)state;
	config_init(&cfg);
	assert_int_equal(parse(&cfg,
			       "{\n"
			       "  \"issuer\": \"http://127.0.0.1:8080\",\n"
			       "  \"language\": \"en\",\n"
			       "  \"lock_idle_minutes\": 5,\n"
			       "  \"workweek\": [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\",\"sat\"],\n"
			       "  \"working_hours\": \"07:30-11:30,13:00-17:00\",\n"
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
	config_release(&cfg);
}

/* A refusal in one line of the test's own: "LINE problem KEY what". */
static void
summary(const struct config_error *e, char *buf, size_t size)
{
	static const char *const problems[] = {"ok", "read", "too-big", "json", "not-object",
					       "unknown", "value"};
	static const char *const wants[] = {"string", "number", "bool", "url", "language",
					    "days", "hours", "signing", "bindings", "key-names",
					    "tls", "tls-system", "pin", "day-hours", "reading",
					    "calendar-from", "break", "days-as"};

	if (e->problem == CONFIG_E_VALUE && e->expect == CONFIG_WANT_NUMBER)
		snprintf(buf, size, "%d value %s number %ld-%ld", e->line, e->key, e->min, e->max);
	else if (e->problem == CONFIG_E_VALUE)
		snprintf(buf, size, "%d value %s %s", e->line, e->key, wants[e->expect]);
	else if (e->problem == CONFIG_E_UNKNOWN_KEY)
		snprintf(buf, size, "%d unknown %s %s", e->line, e->key,
			 e->near[0] != '\0' ? e->near : "-");
	else
		snprintf(buf, size, "%d %s", e->line, problems[e->problem]);
}

/* A bad file is refused with path, line and key and applies nothing, not even
 * its good keys. */
static void
test_bad_file_applies_nothing(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
		{"{\"language\": \"en\",\n \"lock_idle_minutes\": \"ten\"}",
		 "2 value lock_idle_minutes number 0-1440"},
		{"{\"language\": \"en\",\n\n \"issuer\": \"ftp://x\"}", "3 value issuer url"},
		{"{\"language\": \"en\", \"language\": \"vi\"}", "1 json"},
		{"{\"language\": \"en\",\n \"working_hours\": \"13:00-17:00,07:00-11:00\"}",
		 "2 value working_hours hours"},
		{"[1,2]", "1 not-object"},
		/* an unknown key stops it too, with the closest known one */
		{"{\"language\": \"en\",\n \"colour\": \"blue\"}", "2 unknown colour -"},
		{"{\"language\": \"en\",\n \"lock_idle_minute\": 5}",
		 "2 unknown lock_idle_minute lock_idle_minutes"},
		{"{\n\"Language\": \"en\"}", "2 unknown Language language"},
		{"{\"signing\": {\"tsa_ur\": \"http://x\"}}", "1 unknown signing.tsa_ur tsa_url"},
		{"{\"language\": \"fr\"}", "1 value language language"},
		{"{\"language\": \"en\",\n \"workweek\": []}", "2 value workweek days"},
		{"{\n\"language\": \"fr\"}", "2 value language language"},
		{"{\"language\": \"en\",\n \"signing\": {\"pin\": \"1234\"}}",
		 "2 unknown signing.pin -"},
		{"{\"language\": \"en\",\n \"signing\": {\"token\": 5}}",
		 "2 value signing.token string"},
		{"{\"language\": \"en\",\n \"signing\": {\"remote_url\": \"csc\"}}",
		 "2 value signing.remote_url url"},
		{"{\"shared_terminal\": \"yes\"}", "1 value shared_terminal bool"},
		{"{\"keys\": {\"down\": [\"j\", \"k\", \"l\", \"m\", \"n\"]}}",
		 "1 value keys.down key-names"},
		{"{\"language\": \"en\",\n", "2 json"},
		{"{\"language\": \"en\",\n \"working_hours_by_day\": \"sat\"}",
		 "2 value working_hours_by_day day-hours"},
		{"{\"language\": \"en\",\n \"working_hours_by_day\": {\"sat\": \"11:30-07:30\"}}",
		 "2 value working_hours_by_day.sat hours"},
		{"{\"language\": \"en\",\n \"working_hours_by_day\": {\"satu\": \"07:30-11:30\"}}",
		 "2 unknown working_hours_by_day.satu sat"},
		{"{\"language\": \"en\",\n \"deadline_reading\": [\"next_day\"]}",
		 "2 value deadline_reading reading"},
		{"{\"language\": \"en\",\n \"deadline_reading\": {\"calendar_days_from\": \"x\"}}",
		 "2 value deadline_reading.calendar_days_from calendar-from"},
		{"{\"language\": \"en\",\n \"deadline_reading\": {\"lunch_break\": 1}}",
		 "2 value deadline_reading.lunch_break break"},
		{"{\"language\": \"en\",\n \"deadline_reading\": {\"working_days\": \"days\"}}",
		 "2 value deadline_reading.working_days days-as"},
		{"{\"language\": \"en\",\n \"deadline_reading\": {\"lunch_brake\": \"after\"}}",
		 "2 unknown deadline_reading.lunch_brake lunch_break"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct config cfg;
		struct config_error e;
		char got[256];
		config_init(&cfg);
		assert_int_equal(parse(&cfg, cases[i].text, &e), -1);
		assert_string_equal(e.path, "test.json");
		summary(&e, got, sizeof got);
		assert_string_equal(got, cases[i].why);
		assert_string_equal(cfg.language, "vi");
		config_release(&cfg);
	}
}

/* Saturday-morning hours and the reading, in any order with working_hours;
 * absent, the defaults. */
static void
test_worktime_keys(void **state)
{
	struct config cfg;
	struct config_error cause;
	(void)state;
	config_init(&cfg);
	assert_int_equal(cfg.worktime.own_days, 0);
	assert_int_equal(cfg.worktime.reading.calendar_from, DEADLINE_FROM_RECEPTION);
	assert_int_equal(parse(&cfg,
			       "{\"working_hours_by_day\": {\"sat\": \"07:30-11:30\"},\n"
			       " \"deadline_reading\": {\"calendar_days_from\": \"next_day\",\n"
			       "   \"lunch_break\": \"after\", \"working_days\": \"day_end\"},\n"
			       " \"working_hours\": \"07:30-11:30,13:00-17:00\"}\n",
			       &cause),
			 0);
	assert_int_equal(cfg.worktime.n_periods, 2);
	assert_int_equal(cfg.worktime.periods[1].start, 13 * 60);
	assert_int_equal(cfg.worktime.own_days, 1u << 6);
	assert_int_equal(cfg.worktime.day[6].n_periods, 1);
	assert_int_equal(cfg.worktime.day[6].periods[0].end, 11 * 60 + 30);
	assert_int_equal(cfg.worktime.reading.calendar_from, DEADLINE_FROM_NEXT_DAY);
	assert_int_equal(cfg.worktime.reading.in_break, DEADLINE_BREAK_AFTER);
	assert_int_equal(cfg.worktime.reading.working_days, DEADLINE_DAYS_TO_DAY_END);
	assert_int_equal(deadline_worktime_check(&cfg.worktime), 0);
	config_release(&cfg);
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
	/* the clerk's folder, then the system's, then what the package ships */
	assert_true(p.n_dirs >= 3);
	assert_string_equal(p.dirs[0], "/xc/motcua");
	assert_string_equal(p.dirs[1], MOTCUA_SYSCONFDIR);
	assert_string_equal(p.dirs[2], MOTCUA_DATADIR);
	config_paths_release(&p);

	config_paths_init(&p, "/etc/motcua/other.json");
	assert_string_equal(p.config_dir, "/etc/motcua");
	assert_string_equal(p.config_file, "/etc/motcua/other.json");
	assert_string_equal(p.dirs[0], "/etc/motcua");
	assert_string_equal(p.dirs[1], MOTCUA_DATADIR);
	config_paths_release(&p);
}

/* One rule for config.json, sources.d/, calendar/ and procedures.json: the
 * first folder that has it; MOTCUA_HOME keeps to itself before the package's. */
static void
test_paths_find(void **state)
{
	char home[] = "/tmp/motcua-cfg.XXXXXX", *path, *p2;
	struct config_paths p;
	(void)state;

	assert_non_null(mkdtemp(home));
	setenv("MOTCUA_HOME", home, 1);
	config_paths_init(&p, NULL);
	assert_string_equal(p.dirs[0], home);
	assert_string_equal(p.dirs[1], MOTCUA_DATADIR); /* never the system's */
	/* not in the home: from the package (or a checkout's config/), if at all */
	path = config_paths_find(&p, "sources.d");
	assert_true(path == NULL || strncmp(path, home, strlen(home)) != 0);
	free(path);
	assert_null(config_paths_find(&p, "config.json"));
	p2 = xasprintf("%s/sources.d", home);
	assert_int_equal(mkdir(p2, 0700), 0);
	path = config_paths_find(&p, "sources.d");
	assert_string_equal(path, p2);
	free(path);
	assert_int_equal(rmdir(p2), 0);
	free(p2);
	config_paths_release(&p);
	/* a config.json of the clerk's own is the one taken */
	p2 = xasprintf("%s/config.json", home);
	fclose(fopen(p2, "w"));
	config_paths_init(&p, NULL);
	assert_string_equal(p.config_file, p2);
	config_paths_release(&p);
	unlink(p2);
	free(p2);
	assert_int_equal(rmdir(home), 0);
	unsetenv("MOTCUA_HOME");
}

static void
test_missing_file_is_not_an_error(void **state)
{
	struct config cfg;
	struct config_error e;
	(void)state;
	config_init(&cfg);
	assert_int_equal(config_load(&cfg, "/nonexistent/motcua/config.json", &e), 1);
	assert_int_equal(e.problem, CONFIG_OK);
	config_release(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_valid_file),
		cmocka_unit_test(test_worktime_keys),
		cmocka_unit_test(test_bad_file_applies_nothing),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_tls_and_proxy),
		cmocka_unit_test(test_paths_find),
		cmocka_unit_test(test_missing_file_is_not_an_error),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
