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

#include <jansson.h>

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


/* ---- actions ------------------------------------------------------------------ */

#define ACTIONS_HEAD                                                                     \
	"{\"name\":\"xa\",\"dialect\":\"generic\",\"date_format\":\"epoch_s\","            \
	"\"pull\":{\"path\":\"/l\",\"paging\":\"page\",\"params\":{\"page\":\"p\"},"       \
	"\"items\":\"data.records\"},"                                                     \
	"\"detail\":{\"path\":\"/hs/{code}\",\"object\":\"data.record\"},"                 \
	"\"fields\":{\"code\":\"ma-hs\",\"status\":\"tinh-trang\",\"version\":\"phien-ban\"," \
	"\"_comment\":\"phien-ban counts changes\"},"                                      \
	"\"status_map\":{\"_comment\":[\"a\",1],\"cho\":1,\"nhan\":2,\"tu-choi\":3},"     \
	"\"_comment\":{\"any\":\"value\"},"

static const char actions_profile[] =
	ACTIONS_HEAD "\"actions\":{\"_comment\":\"only two\","
	"\"receive\":{\"_comment\":\"by key\",\"path\":\"/hs/{code}/tiep-nhan\","
	"\"body\":{\"_comment\":\"{nope}\",\"phien-ban\":\"{version_int}\",\"nguoi\":\"{actor}\",\"ghi-chu\":\"{reason}\","
	"\"tep\":\"{files}\",\"kenh\":\"mot-cua\",\"so\":[1,\"{code}\"]},"
	"\"version\":\"body\",\"idempotency_header\":\"Idempotency-Key\","
	"\"answer\":{\"applied\":[201],\"conflict\":[409],\"message\":\"loi.thong-diep\","
	"\"dossier\":\"data.record\",\"result\":{\"path\":\"ket-qua\",\"applied\":\"xong\"}}},"
	"\"refuse\":{\"method\":\"PUT\",\"path\":\"/hs/{code}/{action}\","
	"\"body\":{\"ly-do\":\"{reason}\"},\"version\":\"if-match\","
	"\"answer\":{\"status\":\"moi\"}}}}";

static struct source *
source_of_text(const char *text)
{
	struct source_def def;
	char *cause = NULL;
	struct source *src;
	struct source_config cfg = {0};

	assert_int_equal(source_def_parse("xa.json", text, strlen(text), &def, &cause), 0);
	cfg.name = def.name;
	cfg.dialect = def.dialect;
	cfg.base_url = "http://127.0.0.1:9/x";
	cfg.profile = def.path;
	cfg.parsed = def.profile;
	src = source_new(&cfg, &cause);
	assert_non_null(src);
	source_def_release(&def);
	return src;
}

static bool
has_header(const struct net_request *req, const char *line)
{
	return net_request_has_header(req, line);
}

static json_t *
body_of(const struct net_request *req)
{
	size_t len;
	const char *b = net_request_get_body(req, &len);

	assert_non_null(b);
	return json_loadb(b, len, 0, NULL);
}

static void
answer(struct source *src, const struct source_action *act, long status, const char *body,
       struct source_result *res)
{
	struct net_response r;

	memset(&r, 0, sizeof r);
	r.result = NET_OK;
	r.status = status;
	r.error = "";
	r.body = (char *)body;
	r.body_len = strlen(body);
	source_result_init(res);
	src->ops->action_parse(src, &r, act, res);
}

static void
profile_actions_requests(void **state)
{
	struct source *src = source_of_text(actions_profile);
	const char *why = NULL;
	struct net *net = net_new(&why);
	const char *files[] = {"a.pdf", "b.pdf"};
	struct source_action act = {.code = "XA/1", .action = ACTION_RECEIVE,
				    .idempotency_key = "k1", .base_version = "3",
				    .actor = "Cán bộ A", .file_ids = files, .n_files = 2};
	struct net_request *req;
	json_t *body;

	(void)state;
	assert_non_null(net);
	assert_true(source_can_send(src, ACTION_RECEIVE));
	assert_true(source_can_send(src, ACTION_REFUSE));
	assert_false(source_can_send(src, ACTION_APPROVE));
	assert_true(source_action_idempotent(src, ACTION_RECEIVE));
	assert_false(source_action_idempotent(src, ACTION_REFUSE));
	assert_true(source_action_versioned(src, ACTION_RECEIVE));
	assert_true(source_action_versioned(src, ACTION_REFUSE));
	act.action = ACTION_APPROVE;
	assert_null(src->ops->action_request(src, net, &act));
	act.action = ACTION_RECEIVE;

	req = src->ops->action_request(src, net, &act);
	assert_non_null(req);
	assert_string_equal(net_request_get_method(req), "POST");
	assert_string_equal(net_request_get_url(req), "http://127.0.0.1:9/x/hs/XA%2F1/tiep-nhan");
	assert_true(has_header(req, "Idempotency-Key: k1"));
	body = body_of(req);
	assert_non_null(body);
	/* typed values; no reason given: its key is left out */
	assert_int_equal(json_integer_value(json_object_get(body, "phien-ban")), 3);
	assert_string_equal(json_string_value(json_object_get(body, "nguoi")), "Cán bộ A");
	assert_null(json_object_get(body, "ghi-chu"));
	assert_int_equal(json_array_size(json_object_get(body, "tep")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(body, "tep"), 1)),
			    "b.pdf");
	assert_string_equal(json_string_value(json_object_get(body, "kenh")), "mot-cua");
	assert_null(json_object_get(body, "_comment")); /* the profile's, not sent */
	assert_string_equal(json_string_value(json_array_get(json_object_get(body, "so"), 1)),
			    "XA/1");
	json_decref(body);
	net_request_free(req);

	act.action = ACTION_REFUSE;
	act.reason = "Sai thủ tục";
	req = src->ops->action_request(src, net, &act);
	assert_string_equal(net_request_get_method(req), "PUT");
	assert_string_equal(net_request_get_url(req), "http://127.0.0.1:9/x/hs/XA%2F1/refuse");
	assert_true(has_header(req, "If-Match: \"3\""));
	assert_false(has_header(req, "Idempotency-Key: k1"));
	net_request_free(req);
	act.base_version = NULL;
	req = src->ops->action_request(src, net, &act);
	assert_true(has_header(req, "If-Match: *"));
	net_request_free(req);
	net_free(net);
	source_free(src);
}

static void
profile_actions_answers(void **state)
{
	struct source *src = source_of_text(actions_profile);
	struct source_action act = {.code = "XA-1", .action = ACTION_RECEIVE,
				    .idempotency_key = "k1", .base_version = "3"};
	struct source_result res;

	(void)state;
	answer(src, &act, 201,
	       "{\"ket-qua\":\"xong\",\"data\":{\"record\":{\"ma-hs\":\"XA-1\","
	       "\"tinh-trang\":\"nhan\",\"phien-ban\":4}}}",
	       &res);
	assert_int_equal(res.outcome, SOURCE_APPLIED);
	assert_true(res.has_current);
	assert_int_equal(res.current_status, 2);
	assert_string_equal(res.current.version, "4");
	source_result_release(&res);
	/* a success status without the marker: not known */
	answer(src, &act, 201, "<html>proxy</html>", &res);
	assert_int_equal(res.outcome, SOURCE_UNKNOWN);
	source_result_release(&res);
	/* another dossier in the answer is not taken for this one */
	answer(src, &act, 201,
	       "{\"ket-qua\":\"xong\",\"data\":{\"record\":{\"ma-hs\":\"XA-2\","
	       "\"tinh-trang\":\"nhan\",\"phien-ban\":4}}}",
	       &res);
	assert_int_equal(res.outcome, SOURCE_APPLIED);
	assert_false(res.has_current);
	source_result_release(&res);
	answer(src, &act, 409,
	       "{\"loi\":{\"thong-diep\":\"Đã sửa ở nơi khác\"},\"data\":{\"record\":"
	       "{\"ma-hs\":\"XA-1\",\"tinh-trang\":\"cho\",\"phien-ban\":5}}}",
	       &res);
	assert_int_equal(res.outcome, SOURCE_CONFLICT);
	assert_string_equal(res.current.version, "5");
	assert_string_equal(res.message, "Đã sửa ở nơi khác");
	source_result_release(&res);
	/* any other 4xx is a refusal by default, with the server's words (one line) */
	answer(src, &act, 422, "{\"loi\":{\"thong-diep\":\"Thiếu\\nCCCD\"}}", &res);
	assert_int_equal(res.outcome, SOURCE_REJECTED);
	assert_null(strchr(res.message, '\n'));
	assert_non_null(strstr(res.message, "Thiếu"));
	source_result_release(&res);
	{
		/* long words are cut between characters */
		char big[1400];
		size_t n = (size_t)snprintf(big, sizeof big, "{\"loi\":{\"thong-diep\":\"");
		for (int i = 0; i < 400; i++)
			n += (size_t)snprintf(big + n, sizeof big - n, "ệ");
		snprintf(big + n, sizeof big - n, "\"}}");
		answer(src, &act, 422, big, &res);
		assert_true(strlen(res.message) > 300 && strlen(res.message) < 320);
		assert_int_equal(strlen(res.message) % 3, 0);
		source_result_release(&res);
	}
	answer(src, &act, 404, "not json", &res);
	assert_int_equal(res.outcome, SOURCE_REJECTED);
	assert_string_equal(res.message, "HTTP 404");
	source_result_release(&res);
	answer(src, &act, 502, "", &res);
	assert_int_equal(res.outcome, SOURCE_UNKNOWN);
	source_result_release(&res);
	answer(src, &act, 302, "", &res);
	assert_int_equal(res.outcome, SOURCE_UNKNOWN);
	source_result_release(&res);
	/* refuse: default lists, the status by a path */
	act.action = ACTION_REFUSE;
	answer(src, &act, 200, "{\"moi\":\"tu-choi\"}", &res);
	assert_int_equal(res.outcome, SOURCE_APPLIED);
	assert_int_equal(res.current_status, 3);
	source_result_release(&res);
	/* hostile: wrong types everywhere */
	act.action = ACTION_RECEIVE;
	answer(src, &act, 201,
	       "{\"ket-qua\":[1],\"loi\":{\"thong-diep\":7},\"data\":{\"record\":\"x\"}}", &res);
	assert_int_equal(res.outcome, SOURCE_UNKNOWN);
	assert_false(res.has_current);
	source_result_release(&res);
	source_free(src);
}

#define ACT(x) ACTIONS_HEAD "\"actions\":{" x "}}"

static void
profile_actions_refused(void **state)
{
	(void)state;
	expect_refused(ACT("\"recieve\":{\"path\":\"/a\"}"), "actions: unknown action \"recieve\"");
	expect_refused(PROFILE_HEAD PULL_OK FIELDS_OK "\"status_map\":{\"_comment\":\"x\"}}",
		       "status_map: must be");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"body\":{\"x\":\"{ly_do}\"}}"),
		       "actions.receive.body: unknown placeholder {ly_do}");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"version\":\"body\"}"),
		       "actions.receive.version: \"body\" needs {version}");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"body\":{\"v\":\"{version}\"}}"),
		       "actions.receive.version: the body sends {version}");
	expect_refused(ACT("\"receive\":{\"method\":\"GET\",\"path\":\"/a\"}"),
		       "actions.receive.method");
	expect_refused(ACT("\"receive\":{\"path\":\"a b\"}"), "actions.receive.path");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"colour\":1}"),
		       "actions.receive: unknown key \"colour\"");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"answer\":{\"applied\":[99]}}"),
		       "actions.receive.answer.applied");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"answer\":{\"result\":{\"path\":\"r\"}}}"),
		       "actions.receive.answer.result: needs");
	expect_refused(ACT("\"receive\":{\"path\":\"/a\",\"idempotency_header\":\"Idem Key\"}"),
		       "actions.receive.idempotency_header");
	/* no key and no way to read the dossier: a resend could double it */
	expect_refused("{\"name\":\"x\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
		       PULL_OK FIELDS_OK "\"status_map\":{\"a\":1},"
		       "\"actions\":{\"receive\":{\"path\":\"/a\"}}}",
		       "without idempotency_header the profile needs \"detail\"");
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
		cmocka_unit_test(profile_actions_requests),
		cmocka_unit_test(profile_actions_answers),
		cmocka_unit_test(profile_actions_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
