/*
 * test_net.c - the network layer against a real HTTP server on loopback
 * (net_fixture.h): requests and responses.  JSON bodies and response headers,
 * kept-alive connections, error statuses as answers, gzip decoded while the
 * wire bytes are counted compressed, headers, bodies and forms sent (header
 * injection refused), redirects, URL schemes, the per-source and per-kind
 * counters, and the trace that never shows a secret.
 *
 * The other test_net_*.c programs cover failures and retries, the loop
 * (limits, cancelling, delays, waking), streaming to a sink and the pure
 * helpers.
 */
#include "net_fixture.h"

static void
test_json_body_and_headers(void **state)
{
	struct seen s = { 0 };

	(void)state;
	get("/json", &s);
	assert_int_equal(s.result, NET_OK);
	assert_int_equal(s.status, 200);
	assert_string_equal(s.body, "{\"ok\":true}");
	assert_int_equal(s.body_len, 11);
	assert_string_equal(s.etag, "\"v1\"");       /* case-insensitive lookup */
	assert_string_equal(s.error, "");
	/* Wire bytes: the body plus a status line and headers, not more. */
	assert_true(s.bytes_in > 11 + 40);
	assert_true(s.bytes_in < 11 + 600);
	assert_true(s.bytes_out > 40);
	assert_int_equal(s.attempts, 1);
	free(s.body);
}

static void
test_connection_reused(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();

	(void)state;
	fetch(net, net_request_new(net, "GET", url_for("/json")), &s);
	assert_int_equal(s.new_connections, 1);
	/* The second request on the same net rides the kept-alive connection:
	 * no new TCP (or TLS) handshake on a slow link. */
	s.calls = 0;
	fetch(net, net_request_new(net, "GET", url_for("/gzip")), &s);
	assert_int_equal(s.status, 200);
	assert_int_equal(s.new_connections, 0);
	net_free(net);
	free(s.body);
}

static void
test_404_is_a_response_not_an_error(void **state)
{
	struct seen s = { 0 };

	(void)state;
	get("/nothing-here", &s);
	assert_int_equal(s.result, NET_OK);
	assert_int_equal(s.status, 404);
	assert_non_null(strstr(s.body, "no such thing"));
	free(s.body);
}

static void
test_gzip_decoded_and_wire_bytes_counted_compressed(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/gzip"));
	struct net_counters c;

	(void)state;
	net_request_source(req, "congan");
	net_request_kind(req, "pull");
	fetch(net, req, &s);
	assert_int_equal(s.result, NET_OK);
	assert_int_equal(s.body_len, plain_json_len_);
	assert_memory_equal(s.body, plain_json_, plain_json_len_);
	/* On the wire: the compressed size plus headers, far below decoded. */
	assert_true(s.bytes_in >= gz_len_);
	assert_true(s.bytes_in < gz_len_ + 600);
	assert_true(s.bytes_in * 4 < plain_json_len_);
	c = net_counters(net, "congan", "pull");
	assert_int_equal(c.bytes_in, s.bytes_in);
	assert_int_equal(c.bytes_out, s.bytes_out);
	assert_int_equal(c.requests, 1);
	net_free(net);
	free(s.body);
}

static void
test_headers_and_body_sent(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "POST", url_for("/echo"));
	json_t *o;
	static const char payload[] = "{\"action\":\"tiep-nhan\",\"note\":\"Đã nhận\"}";

	(void)state;
	assert_int_equal(net_request_header(req, "X-Test", "một hai"), 0);
	assert_int_equal(net_request_header(req, "Idempotency-Key", "k-0001"), 0);
	assert_int_equal(net_request_header(req, "Empty", ""), 0);
	/* Header injection is refused and leaves the request unchanged. */
	assert_int_equal(net_request_header(req, "X-Evil", "a\r\nX-Injected: 1"), -1);
	assert_int_equal(net_request_header(req, "Bad Name", "v"), -1);
	assert_int_equal(net_request_header(req, "", "v"), -1);
	net_request_body(req, "application/json", payload, strlen(payload));
	fetch(net, req, &s);
	assert_int_equal(s.status, 200);
	o = json_loads(s.body, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "method")), "POST");
	assert_string_equal(json_string_value(json_object_get(o, "X-Test")), "một hai");
	assert_string_equal(json_string_value(json_object_get(o, "Idempotency-Key")), "k-0001");
	assert_string_equal(json_string_value(json_object_get(o, "Empty")), "");
	assert_string_equal(json_string_value(json_object_get(o, "Content-Type")), "application/json");
	assert_string_equal(json_string_value(json_object_get(o, "User-Agent")), "motcua");
	assert_non_null(strstr(json_string_value(json_object_get(o, "Accept-Encoding")), "gzip"));
	assert_true(json_is_null(json_object_get(o, "Expect")));
	assert_string_equal(json_string_value(json_object_get(o, "body")), payload);
	assert_true(s.bytes_out > strlen(payload));
	json_decref(o);
	net_free(net);
	free(s.body);
}

static void
test_form_and_custom_method(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "PATCH", url_for("/echo"));
	json_t *o;

	(void)state;
	net_request_form_add(req, "grant_type", "refresh_token");
	net_request_form_add(req, "note", "a b&c=d");
	fetch(net, req, &s);
	o = json_loads(s.body, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "method")), "PATCH");
	assert_string_equal(json_string_value(json_object_get(o, "Content-Type")),
			    "application/x-www-form-urlencoded");
	assert_string_equal(json_string_value(json_object_get(o, "body")),
			    "grant_type=refresh_token&note=a%20b%26c%3Dd");
	json_decref(o);
	net_free(net);
	free(s.body);
}

static void
test_borrowed_body_put(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "PUT", url_for("/echo"));
	char payload[] = "borrowed bytes";
	json_t *o;

	(void)state;
	net_request_body_borrow(req, "text/plain", payload, strlen(payload));
	fetch(net, req, &s);
	o = json_loads(s.body, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "method")), "PUT");
	assert_string_equal(json_string_value(json_object_get(o, "body")), "borrowed bytes");
	json_decref(o);
	net_free(net);
	free(s.body);
}

static void
test_redirect_not_followed_by_default(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req;

	(void)state;
	get("/redirect", &s);
	assert_int_equal(s.status, 302);
	assert_string_equal(s.location, "/json");
	req = net_request_new(net, "GET", url_for("/redirect"));
	net_request_flags(req, NET_REQ_FOLLOW_REDIRECTS);
	s.calls = 0;
	fetch(net, req, &s);
	assert_int_equal(s.status, 200);
	assert_string_equal(s.body, "{\"ok\":true}");
	assert_string_equal(s.location, "");   /* headers of the final response */
	net_free(net);
	free(s.body);
}

static void
test_only_http_and_https(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	char url[64];

	(void)state;
	snprintf(url, sizeof(url), "ftp://127.0.0.1:%u/", (unsigned)port_);
	fetch(net, net_request_new(net, "GET", url), &s);
	assert_int_equal(s.result, NET_ERR_BAD_URL);
	s.calls = 0;
	fetch(net, net_request_new(net, "GET", "http://[not a url"), &s);
	assert_int_equal(s.result, NET_ERR_BAD_URL);
	assert_string_equal(s.error, "bad URL");
	net_free(net);
	free(s.body);
}

/* The one URL policy: https anywhere, http on loopback only; pure. */
static void
test_url_policy(void **state)
{
	static const struct {
		const char *url;
		enum net_url_verdict want;
	} cases[] = {
		{"https://dvc.tinh.gov.vn/api", NET_URL_OK},
		{"https://10.0.0.5:8443/", NET_URL_OK},
		{"http://127.0.0.1:8080/tuphap", NET_URL_OK},
		{"http://127.8.9.10/", NET_URL_OK},
		{"http://localhost:9000", NET_URL_OK},
		{"HTTP://LOCALHOST/", NET_URL_OK},
		{"http://[::1]:8080/", NET_URL_OK},
		{"http://dvc.tinh.gov.vn/api", NET_URL_INSECURE},
		{"http://10.0.0.5/", NET_URL_INSECURE},
		{"http://128.0.0.1/", NET_URL_INSECURE},
		{"http://127.0.0.1.nip.io/", NET_URL_INSECURE},
		{"http://localhost.evil.example/", NET_URL_INSECURE},
		{"http://[::2]/", NET_URL_INSECURE},
		{"http://0x7f000001/", NET_URL_OK}, /* curl normalises it to 127.0.0.1 */
		{"http://2130706433/", NET_URL_OK},
		{"http://user:pw@tinh.gov.vn/", NET_URL_INSECURE},
		{"ftp://127.0.0.1/", NET_URL_BAD},
		{"file:///etc/passwd", NET_URL_BAD},
		{"dvc.tinh.gov.vn/api", NET_URL_BAD},
		{"", NET_URL_BAD},
	};
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum net_url_verdict v = net_url_check(cases[i].url, why, sizeof why);

		if (v != cases[i].want)
			fail_msg("%s: %d, want %d (%s)", cases[i].url, v, cases[i].want, why);
		if (v == NET_URL_INSECURE)
			assert_non_null(strstr(why, "only https://"));
	}
	assert_int_equal(net_url_check(NULL, why, sizeof why), NET_URL_BAD);
	assert_true(net_host_loopback("127.0.0.1"));
	assert_false(net_host_loopback("127.0.0.256"));
	assert_false(net_host_loopback(NULL));
}

/* A refused URL never reaches the wire: no connection, no bytes counted. */
static void
test_insecure_never_sent(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_counters c;

	(void)state;
	/* a name that would not resolve here either: refused before DNS */
	fetch(net, net_request_new(net, "GET", "http://motcua-test.invalid/x"), &s);
	assert_int_equal(s.result, NET_ERR_INSECURE);
	assert_string_equal(s.error, "refused: plain http:// outside loopback");
	c = net_counters(net, NULL, NULL);
	assert_int_equal(c.bytes_in + c.bytes_out, 0);
	net_free(net);
	free(s.body);
}

struct account_sum {
	uint64_t in, out, requests;
};

static void
account_hook(const char *source, const char *kind, const struct net_counters *c, void *arg)
{
	struct account_sum *a = arg;

	assert_string_equal(source, "tuphap");
	(void)kind;
	assert_int_equal(c->requests, 1);
	a->in += c->bytes_in;
	a->out += c->bytes_out;
	a->requests++;
}

struct foreach_seen {
	int rows;
	uint64_t detail_requests;
};

static void
foreach_row(const char *source, const char *kind, const struct net_counters *c, void *arg)
{
	struct foreach_seen *f = arg;

	(void)source;
	f->rows++;
	if (strcmp(kind, "detail") == 0)
		f->detail_requests = c->requests;
}

static void
test_counters_per_source_and_kind(void **state)
{
	struct net *net = new_net();
	struct account_sum a = { 0 };
	struct foreach_seen f = { 0 };
	struct seen s = { 0 };
	struct net_counters all, pull, detail;
	static const char *const kinds[] = { "pull", "detail", "detail" };

	(void)state;
	net_on_account(net, account_hook, &a);
	for (size_t i = 0; i < 3; i++) {
		struct net_request *req = net_request_new(net, "GET", url_for("/json"));

		net_request_source(req, "tuphap");
		net_request_kind(req, kinds[i]);
		s.calls = 0;
		assert_string_equal(net_request_get_source(req), "tuphap");
		assert_string_equal(net_request_get_kind(req), kinds[i]);
		fetch(net, req, &s);   /* req is freed after its callback */
	}
	all = net_counters(net, "tuphap", NULL);
	pull = net_counters(net, "tuphap", "pull");
	detail = net_counters(net, NULL, "detail");
	assert_int_equal(all.requests, 3);
	assert_int_equal(pull.requests, 1);
	assert_int_equal(detail.requests, 2);
	assert_int_equal(pull.bytes_in + detail.bytes_in, all.bytes_in);
	assert_int_equal(detail.bytes_in, 2 * pull.bytes_in);  /* same reply */
	assert_int_equal(a.in, all.bytes_in);
	assert_int_equal(a.out, all.bytes_out);
	assert_int_equal(a.requests, 3);
	assert_int_equal(net_counters(net, "congan", NULL).requests, 0);
	net_counters_foreach(net, foreach_row, &f);
	assert_int_equal(f.rows, 2);
	assert_int_equal(f.detail_requests, 2);
	net_free(net);
	free(s.body);
}

static void
test_trace_redacts_secrets(void **state)
{
	struct net *net = new_net();
	struct net_request *req;
	struct seen s = { 0 };
	FILE *f = tmpfile();
	char text[4096];
	size_t n;

	(void)state;
	net_set_trace(net, f);
	req = net_request_new(net, "POST",
			      url_for("/json?access_token=SECRETQUERY&page=2&so=012345678901"));
	net_request_header(req, "Authorization", "Bearer SECRETHEADER");
	net_request_header(req, "Cookie", "session=SECRETCOOKIE");
	net_request_form_add(req, "refresh_token", "SECRETBODY");
	net_request_source(req, "dvcqg");
	net_request_kind(req, "auth");
	fetch(net, req, &s);
	rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "POST"));
	assert_non_null(strstr(text, "page=2"));
	assert_non_null(strstr(text, "-> 200"));
	assert_non_null(strstr(text, "[dvcqg/auth]"));
	assert_null(strstr(text, "SECRET"));
	assert_null(strstr(text, "012345678901"));
	net_free(net);
	free(s.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_body_and_headers),
		cmocka_unit_test(test_connection_reused),
		cmocka_unit_test(test_404_is_a_response_not_an_error),
		cmocka_unit_test(test_gzip_decoded_and_wire_bytes_counted_compressed),
		cmocka_unit_test(test_headers_and_body_sent),
		cmocka_unit_test(test_form_and_custom_method),
		cmocka_unit_test(test_borrowed_body_put),
		cmocka_unit_test(test_redirect_not_followed_by_default),
		cmocka_unit_test(test_only_http_and_https),
		cmocka_unit_test(test_url_policy),
		cmocka_unit_test(test_insecure_never_sent),
		cmocka_unit_test(test_counters_per_source_and_kind),
		cmocka_unit_test(test_trace_redacts_secrets),
	};

	return cmocka_run_group_tests_name("net loopback", tests, server_start, server_stop);
}
