/*
 * test_source_profile.c - the generic connector and its profiles: the
 * example profiles of config/sources.d/examples express the tinh, congan and
 * tuphap dialects well enough that the generic connector maps the recorded
 * replies to the same dossiers as the built-in code; profiles are untrusted
 * input, refused with a message naming the file and the key; a folder of
 * definitions loads the good files and reports the bad ones.
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

#include "core/xalloc.h"
#include "sources/profile.h"
#include "sources/source.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct source *
from_profile(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);
	struct source_def def;
	char *cause = NULL;
	struct source *src;
	struct source_config cfg = {0};

	assert_int_equal(source_def_parse(path, text, len, &def, &cause), 0);
	assert_null(cause);
	assert_string_equal(def.dialect, "generic");
	cfg.name = def.name;
	cfg.dialect = def.dialect;
	cfg.base_url = "http://127.0.0.1:9/x";
	cfg.profile = def.path;
	cfg.parsed = def.profile;
	src = source_new(&cfg, &cause);
	assert_non_null(src);
	source_def_release(&def); /* the source holds its own reference */
	free(text);
	return src;
}

static struct source *
builtin(const char *dialect)
{
	struct source_config cfg = {.name = dialect, .dialect = dialect,
				    .base_url = "http://127.0.0.1:9/x"};
	char *cause = NULL;
	struct source *src = source_new(&cfg, &cause);
	assert_non_null(src);
	return src;
}

static void
parse_page(struct source *src, const char *fixture, const char *wm, struct source_page *page)
{
	size_t len;
	char *body = slurp(fixture, &len);
	struct net_response r;
	char *cause = NULL;

	memset(&r, 0, sizeof r);
	r.result = NET_OK;
	r.status = 200;
	r.error = "";
	r.body = body;
	r.body_len = len;
	memset(page, 0, sizeof *page);
	assert_int_equal(src->ops->pull_parse(src, &r, wm, page, &cause), SOURCE_PARSE_OK);
	free(body);
}

static void
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Same scalar fields from the built-in dialect and from the profile. */
static void
same_as_builtin(const char *dialect, const char *profile, const char *fixture, const char *wm)
{
	struct source *g = from_profile(profile), *b = builtin(dialect);
	struct source_page pg, pb;

	parse_page(g, fixture, wm, &pg);
	parse_page(b, fixture, wm, &pb);
	assert_int_equal(pg.n_items, pb.n_items);
	assert_true(pg.n_items > 0);
	for (size_t i = 0; i < pg.n_items; i++) {
		const struct dossier *x = &pg.items[i], *y = &pb.items[i];
		str_eq(x->code, y->code);
		str_eq(x->source, y->source);
		str_eq(x->raw_status, y->raw_status);
		assert_int_equal(x->status, y->status);
		str_eq(x->procedure_code, y->procedure_code);
		str_eq(x->procedure_name, y->procedure_name);
		str_eq(x->applicant_name, y->applicant_name);
		str_eq(x->applicant_id, y->applicant_id);
		str_eq(x->area, y->area);
		assert_int_equal(x->received_at, y->received_at);
		assert_int_equal(x->source_due_at, y->source_due_at);
		assert_int_equal(x->finished_at, y->finished_at);
		assert_int_equal(x->updated_at, y->updated_at);
		str_eq(x->version, y->version);
	}
	assert_int_equal(pg.more, pb.more);
	str_eq(pg.next_watermark, pb.next_watermark);
	source_page_release(&pg);
	source_page_release(&pb);
	source_free(g);
	source_free(b);
}

static void
tinh_as_profile(void **state)
{
	(void)state;
	same_as_builtin("tinh", "config/sources.d/examples/tinh.json",
			"tests/fixtures/sources/tinh_list.json", NULL);
}

static void
congan_as_profile(void **state)
{
	(void)state;
	/* the built-in keeps congan's watermark in ms, the profile in seconds */
	struct source *g = from_profile("config/sources.d/examples/congan.json");
	struct source_page pg;

	parse_page(g, "tests/fixtures/sources/congan_records.json", NULL, &pg);
	assert_int_equal(pg.n_items, 3);
	assert_int_equal(pg.items[2].status, 3);
	assert_string_equal(pg.items[0].raw_status, "400");
	assert_int_equal(pg.items[0].received_at, 1767920500);
	assert_true(pg.more);
	assert_string_equal(pg.next_watermark, "0|2|1770257613");
	source_page_release(&pg);
	source_free(g);
}

static void
tuphap_as_profile(void **state)
{
	(void)state;
	same_as_builtin("tuphap", "config/sources.d/examples/tuphap.json",
			"tests/fixtures/sources/tuphap_changes.json", NULL);
}

/* ---- validation ----------------------------------------------------------------- */

static void
expect_refused(const char *text, const char *fragment)
{
	struct source_def def;
	char *cause = NULL;

	assert_int_equal(source_def_parse("/etc/motcua/sources.d/x.json", text, strlen(text), &def,
					  &cause),
			 -1);
	assert_non_null(cause);
	if (strstr(cause, fragment) == NULL)
		fail_msg("'%s' lacks '%s'", cause, fragment);
	assert_int_equal(strncmp(cause, "/etc/motcua/sources.d/x.json: ", 30), 0);
	free(cause);
}

#define PROFILE_HEAD                                                                    \
	"{\"name\":\"x\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
#define PULL_OK "\"pull\":{\"path\":\"/l\",\"paging\":\"page\",\"params\":{\"page\":\"p\"},\"items\":\"i\"},"
#define FIELDS_OK "\"fields\":{\"code\":\"c\",\"status\":\"s\"},"
#define MAP_OK "\"status_map\":{\"a\":1}}"

static void
profiles_refused(void **state)
{
	(void)state;
	expect_refused("not json", "line 1");
	expect_refused("[]", "JSON object");
	expect_refused("{\"name\":\"x\",\"dialect\":\"soap\"}", "dialect");
	expect_refused(PROFILE_HEAD PULL_OK FIELDS_OK "\"colour\":1," MAP_OK, "unknown key \"colour\"");
	expect_refused(PROFILE_HEAD
		       "\"pull\":{\"path\":\"/l\",\"paging\":\"scroll\",\"items\":\"i\"}," FIELDS_OK
			       MAP_OK,
		       "pull.paging");
	expect_refused(PROFILE_HEAD
		       "\"pull\":{\"path\":\"/../etc\",\"paging\":\"page\",\"params\":{\"page\":\"p\"},"
		       "\"items\":\"i\"}," FIELDS_OK MAP_OK,
		       "pull.path");
	expect_refused(PROFILE_HEAD PULL_OK "\"fields\":{\"status\":\"s\"}," MAP_OK, "\"code\"");
	expect_refused(PROFILE_HEAD PULL_OK "\"fields\":{\"code\":\"c\",\"status\":\"s\",\"colour\":\"c\"},"
			       MAP_OK,
		       "fields: unknown key \"colour\"");
	expect_refused(PROFILE_HEAD PULL_OK FIELDS_OK "\"status_map\":{\"a\":11}}", "status 1..10");
	expect_refused(PROFILE_HEAD PULL_OK FIELDS_OK "\"base_url\":\"file:///x\"," MAP_OK, "base_url");
	expect_refused(PROFILE_HEAD PULL_OK "\"fields\":{\"code\":\"a..b\",\"status\":\"s\"}," MAP_OK,
		       "fields.code");
	expect_refused("{\"name\":\"x\",\"dialect\":\"generic\",\"date_format\":\"dd.MM.yy\"," PULL_OK
			       FIELDS_OK MAP_OK,
		       "date_format");
	expect_refused(PROFILE_HEAD
		       "\"pull\":{\"path\":\"/l\",\"paging\":\"cursor\",\"items\":\"i\"}," FIELDS_OK
			       MAP_OK,
		       "cursor paging needs");
	expect_refused("{\"name\":\"Bad Name\",\"dialect\":\"tinh\"}", "name");
	expect_refused("{\"name\":\"tinh\",\"dialect\":\"tinh\",\"items\":\"x\"}",
		       "unknown key \"items\"");
	expect_refused("{\"name\":\"tinh\",\"dialect\":\"tinh\",\"page_size\":0}", "page_size");
}

static void
profile_minimal_ok(void **state)
{
	const char *text = PROFILE_HEAD PULL_OK FIELDS_OK MAP_OK;
	struct source_def def;
	char *cause = NULL;

	(void)state;
	assert_int_equal(source_def_parse("x.json", text, strlen(text), &def, &cause), 0);
	assert_string_equal(def.name, "x");
	assert_null(def.base_url);
	assert_true(def.enabled);
	assert_int_equal(def.profile->paging, PROFILE_PAGING_PAGE);
	source_def_release(&def);
}

struct warns {
	int n;
	char last[512];
};

static void
on_warn(void *ctx, const char *msg)
{
	struct warns *w = ctx;
	w->n++;
	snprintf(w->last, sizeof w->last, "%s", msg);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
load_dir(void **state)
{
	char dir[] = "/tmp/test_profile.XXXXXX";
	struct source_def *defs;
	struct warns w = {0};
	size_t n;
	char path[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "a.json", "{\"name\":\"tuphap\",\"dialect\":\"tuphap\","
				  "\"base_url\":\"http://127.0.0.1:1/tuphap\"}");
	write_file(dir, "b.json", "{\"name\":\"tuphap\",\"dialect\":\"tinh\"}");
	write_file(dir, "c.json", "{ broken");
	write_file(dir, "d.json", "{\"name\":\"dvcqg\",\"dialect\":\"dvcqg\",\"enabled\":false}");
	write_file(dir, "notes.txt", "ignored");
	n = source_defs_load_dir(dir, &defs, on_warn, &w);
	assert_int_equal(n, 2);
	assert_string_equal(defs[0].name, "tuphap");
	assert_string_equal(defs[0].base_url, "http://127.0.0.1:1/tuphap");
	assert_false(defs[1].enabled);
	assert_int_equal(w.n, 2); /* the duplicate and the broken file */
	assert_non_null(strstr(w.last, "c.json: line 1"));
	source_defs_free(defs, n);
	for (const char *f = "a.json\0b.json\0c.json\0d.json\0notes.txt\0"; *f; f += strlen(f) + 1) {
		snprintf(path, sizeof path, "%s/%s", dir, f);
		unlink(path);
	}
	rmdir(dir);
	/* a missing folder is no error */
	assert_int_equal(source_defs_load_dir("/nonexistent/sources.d", &defs, on_warn, &w), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tinh_as_profile),
		cmocka_unit_test(congan_as_profile),
		cmocka_unit_test(tuphap_as_profile),
		cmocka_unit_test(profiles_refused),
		cmocka_unit_test(profile_minimal_ok),
		cmocka_unit_test(load_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
