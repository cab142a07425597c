/*
 * test_profile_paging.c - what a profile can say beyond the first five
 * dialects' shapes: pages by a next link (in the body or a Link header),
 * page numbers from 0, dates as patterns ("dd-MM-yyyy HH:mm", with an
 * offset), an API key header, an explicit audience, the lists inside a
 * dossier (history, attachments, fees, receipts, payment state), and
 * error replies that name the path and the server's words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/civil.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "sources/profile.h"
#include "sources/source.h"

static struct source *
source_of(const char *text)
{
	struct source_def def;
	char *cause = NULL;
	struct source *src;
	struct source_config cfg = {0};

	if (source_def_parse("yt.json", text, strlen(text), &def, &cause) != 0)
		fail_msg("refused: %s", cause);
	cfg.name = def.name;
	cfg.dialect = def.dialect;
	cfg.base_url = "http://127.0.0.1:9/yt";
	cfg.profile = def.path;
	cfg.parsed = def.profile;
	src = source_new(&cfg, &cause);
	assert_non_null(src);
	source_def_release(&def);
	return src;
}

static char *
refused(const char *text)
{
	struct source_def def;
	char *cause = NULL;

	assert_int_equal(source_def_parse("yt.json", text, strlen(text), &def, &cause), -1);
	assert_non_null(cause);
	return cause;
}

static int
parse(struct source *src, const char *body, const struct net_header *h, size_t nh,
      const char *wm, struct source_page *page, char **cause)
{
	struct net_response r;

	memset(&r, 0, sizeof r);
	r.result = NET_OK;
	r.status = 200;
	r.error = "";
	r.body = body;
	r.body_len = strlen(body);
	r.headers = h;
	r.n_headers = nh;
	r.url = "http://127.0.0.1:9/yt/api/the";
	memset(page, 0, sizeof *page);
	*cause = NULL;
	return src->ops->pull_parse(src, &r, wm, page, cause);
}

static mc_time
vn(const char *iso)
{
	mc_time t;
	assert_int_equal(civil_parse_datetime(iso, &t), 0);
	return t;
}

/* A health-insurance-like system: kebab-case, nested records, a next link,
 * dates as "dd-MM-yyyy HH:mm", lists inside each record. */
#define NEXT_PROFILE                                                                         \
	"{\"name\":\"yt\",\"dialect\":\"generic\",\"auth\":\"api_key\","                       \
	"\"api_key_header\":\"X-Khoa-Truy-Cap\",\"audience\":\"https://yt.example/api\","      \
	"\"date_format\":\"dd-MM-yyyy HH:mm\","                                                 \
	"\"pull\":{\"path\":\"/api/the\",\"paging\":\"next\",\"next\":\"trang.tiep\","          \
	"\"params\":{\"since\":\"tu\",\"size\":\"so\"},\"page_size\":2,\"items\":\"du-lieu.ho-so\"}," \
	"\"fields\":{\"code\":\"ma\",\"status\":\"tt\",\"updated_at\":\"sua-luc\","             \
	"\"received_at\":\"nhan-luc\"},"                                                        \
	"\"status_map\":{\"MOI\":1,\"XONG\":10},"                                              \
	"\"lists\":{\"history\":{\"items\":\"lich-su\",\"at\":\"luc\",\"actor\":\"ai\","        \
	"\"content\":\"viec\",\"status\":\"tt\"},"                                              \
	"\"attachments\":{\"items\":\"tep\",\"id\":\"ma\",\"name\":\"ten\",\"url\":\"duong-dan\"," \
	"\"size\":\"co\"},"                                                                     \
	"\"fees\":{\"items\":\"phi\",\"code\":\"ma\",\"name\":\"ten\",\"amount\":\"tien\"},"    \
	"\"receipts\":{\"items\":\"bien-lai\",\"number\":\"so\",\"series\":\"ky-hieu\","       \
	"\"amount\":\"tien\",\"issued_at\":\"luc\"},"                                           \
	"\"payment\":{\"state\":\"thanh-toan.tt\",\"channel\":\"thanh-toan.kenh\","            \
	"\"values\":{\"DA\":\"paid\",\"CHO\":\"pending\"}}}}"

static void
next_link_in_body(void **state)
{
	struct source *src = source_of(NEXT_PROFILE);
	const char *why = NULL;
	struct net *net = net_new(&why);
	struct net_request *req;
	struct source_page page;
	char *cause;
	const struct dossier *d;

	(void)state;
	assert_non_null(net);
	/* the first page of a round: the path, since and size */
	req = src->ops->pull_request(src, net, NULL);
	assert_string_equal(net_request_get_url(req), "http://127.0.0.1:9/yt/api/the?so=2");
	net_request_free(req);
	/* the API key goes in its header once the keyring gave it */
	source_set_api_key(src, "k-123");
	req = src->ops->pull_request(src, net, "1700000000|0|1700000000");
	assert_true(net_request_has_header(req, "X-Khoa-Truy-Cap: k-123"));
	assert_false(net_request_has_header(req, "Authorization: Bearer k-123"));
	assert_non_null(strstr(net_request_get_url(req), "tu=15-11-2023%2005%3A13"));
	net_request_free(req);

	assert_int_equal(
		parse(src,
		      "{\"du-lieu\":{\"ho-so\":["
		      "{\"ma\":\"YT-1\",\"tt\":\"MOI\",\"sua-luc\":\"05-12-2026 08:30\","
		      "\"nhan-luc\":\"04-12-2026 14:05\","
		      "\"lich-su\":[{\"luc\":\"04-12-2026 14:05\",\"ai\":\"Cán bộ A\",\"viec\":\"Tiếp nhận\","
		      "\"tt\":\"MOI\"}],"
		      "\"tep\":[{\"ma\":\"f1\",\"ten\":\"to-khai.pdf\",\"duong-dan\":\"/tep/f1\",\"co\":\"2048\"}],"
		      "\"phi\":[{\"ma\":\"LP\",\"ten\":\"Lệ phí\",\"tien\":50000}],"
		      "\"bien-lai\":[{\"so\":\"0000123\",\"ky-hieu\":\"1C26TYT\",\"tien\":\"50000\","
		      "\"luc\":\"05-12-2026 08:00\"}],"
		      "\"thanh-toan\":{\"tt\":\"DA\",\"kenh\":\"Cổng DVCQG\"}},"
		      "{\"ma\":\"YT-2\",\"tt\":\"XONG\",\"sua-luc\":\"05-12-2026 09:00\"}]},"
		      "\"trang\":{\"tiep\":\"/yt/api/the?sau=YT-2&so=2\"}}",
		      NULL, 0, NULL, &page, &cause),
		SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 2);
	d = &page.items[0];
	assert_string_equal(d->code, "YT-1");
	assert_int_equal(d->updated_at, vn("2026-12-05T08:30:00+07:00"));
	assert_int_equal(d->received_at, vn("2026-12-04T14:05:00+07:00"));
	assert_int_equal(d->n_history, 1);
	assert_string_equal(d->history[0].actor, "Cán bộ A");
	assert_int_equal(d->history[0].status, 1);
	assert_int_equal(d->n_attachments, 1);
	assert_int_equal(d->attachments[0].size, 2048);
	assert_int_equal(d->n_fees, 1);
	assert_int_equal(d->fees[0].amount, 50000);
	assert_int_equal(d->n_receipts, 1);
	assert_string_equal(d->receipts[0].series, "1C26TYT");
	assert_int_equal(d->payment, PAYMENT_PAID);
	assert_string_equal(d->payment_channel, "Cổng DVCQG");
	assert_int_equal(d->lists_absent & ~DOSSIER_LIST_SUPPLEMENTS, 0);
	/* the second carries no lists: the store keeps what it had */
	d = &page.items[1];
	assert_true(d->lists_absent & DOSSIER_LIST_HISTORY);
	assert_true(d->lists_absent & DOSSIER_LIST_FEES);
	assert_true(page.more);
	/* the next request follows the link, on this system's origin */
	req = src->ops->pull_request(src, net, page.next_watermark);
	assert_string_equal(net_request_get_url(req), "http://127.0.0.1:9/yt/api/the?sau=YT-2&so=2");
	net_request_free(req);

	/* the last page: no link; the next round starts at the newest change,
	 * exclusive by default (since_inclusive false) */
	{
		char *wm = xstrdup(page.next_watermark);
		source_page_release(&page);
		assert_int_equal(parse(src, "{\"du-lieu\":{\"ho-so\":[]},\"trang\":{\"tiep\":null}}",
				       NULL, 0, wm, &page, &cause),
				 SOURCE_PARSE_OK);
		assert_false(page.more);
		{
			char expect[64];
			snprintf(expect, sizeof expect, "%lld|0|%lld",
				 (long long)vn("2026-12-05T09:00:00+07:00"),
				 (long long)vn("2026-12-05T09:00:00+07:00"));
			assert_string_equal(page.next_watermark, expect);
		}
		free(wm);
	}
	source_page_release(&page);

	/* a link to another server is not followed with our key */
	assert_int_equal(parse(src, "{\"du-lieu\":{\"ho-so\":[]},\"trang\":{\"tiep\":"
				    "\"https://attacker.example/steal\"}}",
			       NULL, 0, NULL, &page, &cause),
			 SOURCE_PARSE_ERROR);
	assert_non_null(strstr(cause, "another server"));
	free(cause);
	source_page_release(&page);
	/* a bad date pattern value refuses that record only, naming the field */
	assert_int_equal(parse(src, "{\"du-lieu\":{\"ho-so\":[{\"ma\":\"YT-3\",\"tt\":\"MOI\","
				    "\"sua-luc\":\"2026-12-05 09:00\"}]}}",
			       NULL, 0, NULL, &page, &cause),
			 SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 0);
	assert_int_equal(page.n_rejected, 1);
	assert_non_null(strstr(page.rejected[0], "YT-3"));
	assert_non_null(strstr(page.rejected[0], "sua-luc"));
	source_page_release(&page);
	net_free(net);
	source_free(src);
}

static void
next_link_header_and_page_zero(void **state)
{
	struct source *src = source_of(
		"{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"yyyy-MM-dd'T'HH:mm:ssXXX\","
		"\"pull\":{\"path\":\"/api/the\",\"paging\":\"next\",\"items\":\"\"},"
		"\"fields\":{\"code\":\"ma\",\"status\":\"tt\",\"updated_at\":\"luc\"},"
		"\"status_map\":{\"MOI\":1}}");
	struct source *pz = source_of(
		"{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"epoch_s\","
		"\"pull\":{\"path\":\"/api/the\",\"paging\":\"page\",\"first_page\":0,"
		"\"params\":{\"page\":\"trang\",\"size\":\"so\",\"since\":\"tu\"},\"page_size\":1,"
		"\"items\":\"ds\"},"
		"\"fields\":{\"code\":\"ma\",\"status\":\"tt\",\"updated_at\":\"luc\"},"
		"\"status_map\":{\"MOI\":1}}");
	const struct net_header link[] = {
		{"Content-Type", "application/json"},
		{"Link", "</yt/api/the?page=1>; rel=\"first\", </yt/api/the?page=3|x>; rel=\"next\""},
	};
	const char *why = NULL;
	struct net *net = net_new(&why);
	struct net_request *req;
	struct source_page page;
	char *cause;

	(void)state;
	assert_int_equal(parse(src, "[{\"ma\":\"A\",\"tt\":\"MOI\",\"luc\":\"2026-12-05T01:30:00Z\"}]",
			       link, 2, NULL, &page, &cause),
			 SOURCE_PARSE_OK);
	assert_int_equal(page.n_items, 1);
	/* an offset in the pattern: 01:30Z is 08:30 in Vietnam */
	assert_int_equal(page.items[0].updated_at, vn("2026-12-05T08:30:00+07:00"));
	assert_true(page.more);
	req = src->ops->pull_request(src, net, page.next_watermark);
	assert_string_equal(net_request_get_url(req), "http://127.0.0.1:9/yt/api/the?page=3%7Cx");
	net_request_free(req);
	source_page_release(&page);

	/* page numbers from 0: 0, then 1, and a new round from 0 */
	req = pz->ops->pull_request(pz, net, NULL);
	assert_non_null(strstr(net_request_get_url(req), "trang=0"));
	net_request_free(req);
	assert_int_equal(parse(pz, "{\"ds\":[{\"ma\":\"A\",\"tt\":\"MOI\",\"luc\":1700000000}]}", NULL,
			       0, NULL, &page, &cause),
			 SOURCE_PARSE_OK);
	assert_true(page.more);
	req = pz->ops->pull_request(pz, net, page.next_watermark);
	assert_non_null(strstr(net_request_get_url(req), "trang=1"));
	net_request_free(req);
	{
		char *wm = xstrdup(page.next_watermark);
		source_page_release(&page);
		assert_int_equal(parse(pz, "{\"ds\":[]}", NULL, 0, wm, &page, &cause),
				 SOURCE_PARSE_OK);
		free(wm);
	}
	assert_false(page.more);
	/* exclusive since: the next round asks from the newest change itself */
	assert_string_equal(page.next_watermark, "1700000000|0|1700000000");
	req = pz->ops->pull_request(pz, net, page.next_watermark);
	assert_non_null(strstr(net_request_get_url(req), "trang=0"));
	assert_non_null(strstr(net_request_get_url(req), "tu=1700000000"));
	net_request_free(req);
	source_page_release(&page);
	net_free(net);
	source_free(src);
	source_free(pz);
}

static void
http_errors_say_where_and_why(void **state)
{
	struct source *src = source_of(NEXT_PROFILE);
	struct net_response r;
	struct source_page page;
	char *cause = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	memset(&page, 0, sizeof page);
	r.result = NET_OK;
	r.status = 404;
	r.error = "";
	r.url = "http://127.0.0.1:9/yt/api/the?tu=x";
	r.body = "{\"x\":{\"message\":\"Không có đơn vị này\\nchi tiết\"}}";
	r.body_len = strlen(r.body);
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_string_equal(cause, "yt: HTTP 404 from /yt/api/the");
	free(cause);
	r.body = "{\"error\":{\"message\":\"Không có đơn vị này\\nchi tiết\"}}";
	r.body_len = strlen(r.body);
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_ERROR);
	assert_string_equal(cause, "yt: HTTP 404 from /yt/api/the: Không có đơn vị này");
	free(cause);
	r.status = 401;
	assert_int_equal(src->ops->pull_parse(src, &r, NULL, &page, &cause), SOURCE_PARSE_AUTH);
	assert_string_equal(cause, "yt: no API key in the keyring (HTTP 401)");
	free(cause);
	source_free(src);
}

/* congan's answers through a profile: 409 is a conflict only with the
 * error code VERSION_CONFLICT (a marker without "applied": a plain 200 is
 * enough), another 409 a refusal. */
static void
marker_without_applied(void **state)
{
	struct source *src = source_of(
		"{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"epoch_ms\","
		"\"pull\":{\"path\":\"/r\",\"paging\":\"next\",\"items\":\"data\"},"
		"\"detail\":{\"path\":\"/r/{code}\"},"
		"\"fields\":{\"code\":\"record_no\",\"status\":\"status_code\",\"version\":\"version\"},"
		"\"status_map\":{\"100\":1,\"110\":2},"
		"\"actions\":{\"receive\":{\"path\":\"/r/{code}/transitions\","
		"\"body\":{\"action\":\"{action}\",\"version\":\"{version_int}\"},\"version\":\"body\","
		"\"answer\":{\"applied\":[200],\"conflict\":[412],\"refused\":[400,409,422],"
		"\"result\":{\"path\":\"error.code\",\"conflict\":\"VERSION_CONFLICT\"},"
		"\"message\":\"error.message\",\"dossier\":\"\"}}}}");
	struct source_action act = {.code = "C-1", .action = ACTION_RECEIVE, .base_version = "3"};
	struct net_response r;
	struct source_result res;
	const char *bodies[] = {
		"{\"record_no\":\"C-1\",\"status_code\":110,\"version\":4}",
		"{\"error\":{\"code\":\"VERSION_CONFLICT\",\"message\":\"Đã cập nhật\"}}",
		"{\"error\":{\"code\":\"INVALID_TRANSITION\",\"message\":\"Không được phép\"}}",
	};
	const long statuses[] = {200, 409, 409};
	const int outcomes[] = {SOURCE_APPLIED, SOURCE_CONFLICT, SOURCE_REJECTED};

	(void)state;
	for (int i = 0; i < 3; i++) {
		memset(&r, 0, sizeof r);
		r.result = NET_OK;
		r.status = statuses[i];
		r.error = "";
		r.body = bodies[i];
		r.body_len = strlen(bodies[i]);
		source_result_init(&res);
		src->ops->action_parse(src, &r, &act, &res);
		assert_int_equal(res.outcome, outcomes[i]);
		if (i == 0) {
			assert_true(res.has_current);
			assert_string_equal(res.current.version, "4");
		}
		source_result_release(&res);
	}
	source_free(src);
}

static void
refused_profiles(void **state)
{
	char *c;

	(void)state;
	c = refused("{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"dd-MM-yy\","
		    "\"pull\":{\"path\":\"/l\",\"paging\":\"next\",\"items\":\"\"},"
		    "\"fields\":{\"code\":\"c\",\"status\":\"s\"},\"status_map\":{\"a\":1}}");
	assert_non_null(strstr(c, "date_format"));
	free(c);
	c = refused("{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
		    "\"api_key_header\":\"X-K\","
		    "\"pull\":{\"path\":\"/l\",\"paging\":\"next\",\"items\":\"\"},"
		    "\"fields\":{\"code\":\"c\",\"status\":\"s\"},\"status_map\":{\"a\":1}}");
	assert_non_null(strstr(c, "api_key_header: only with"));
	free(c);
	c = refused("{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
		    "\"pull\":{\"path\":\"/l\",\"paging\":\"next\",\"items\":\"\"},"
		    "\"fields\":{\"code\":\"c\",\"status\":\"s\"},\"status_map\":{\"a\":1},"
		    "\"lists\":{\"fees\":{\"items\":\"phi\",\"name\":\"ten\"}}}");
	assert_non_null(strstr(c, "lists.fees.amount: required"));
	free(c);
	c = refused("{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
		    "\"pull\":{\"path\":\"/l\",\"paging\":\"next\",\"items\":\"\"},"
		    "\"fields\":{\"code\":\"c\",\"status\":\"s\"},\"status_map\":{\"a\":1},"
		    "\"lists\":{\"history\":{\"items\":\"h\",\"at\":\"t\",\"who\":\"w\"}}}");
	assert_non_null(strstr(c, "lists.history: unknown key \"who\""));
	free(c);
	c = refused("{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
		    "\"pull\":{\"path\":\"/l\",\"paging\":\"next\",\"items\":\"\"},"
		    "\"fields\":{\"code\":\"c\",\"status\":\"s\"},\"status_map\":{\"a\":1},"
		    "\"lists\":{\"payment\":{\"state\":\"p\",\"values\":{\"X\":\"maybe\"}}}}");
	assert_non_null(strstr(c, "lists.payment.values"));
	free(c);
	c = refused("{\"name\":\"yt\",\"dialect\":\"generic\",\"date_format\":\"iso8601\","
		    "\"pull\":{\"path\":\"/l\",\"paging\":\"page\",\"first_page\":2,"
		    "\"params\":{\"page\":\"p\"},\"items\":\"\"},"
		    "\"fields\":{\"code\":\"c\",\"status\":\"s\"},\"status_map\":{\"a\":1}}");
	assert_non_null(strstr(c, "first_page"));
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_link_in_body),
		cmocka_unit_test(next_link_header_and_page_zero),
		cmocka_unit_test(http_errors_say_where_and_why),
		cmocka_unit_test(marker_without_applied),
		cmocka_unit_test(refused_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
