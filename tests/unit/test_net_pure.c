/*
 * test_net_pure.c - the network layer's pure helpers, without a server:
 * full-jitter backoff, Retry-After in all three date forms, the retry
 * decision (what may be repeated, and when not), URL redaction, the mapping
 * of libcurl's codes and the random seam.
 */
#include "net_fixture.h"

/* Reached through UNITTEST in net.c. */
enum net_result net_map_curl_code(int code, long os_errno, bool too_large,
				  bool write_failed, bool cancelled);

static void
test_backoff(void **state)
{
	(void)state;
	assert_int_equal(net_backoff_delay_ms(0, 500, 60000, 0), 0);
	/* The ceiling itself is included: [0, base * 2^attempt]. */
	assert_int_equal(net_backoff_delay_ms(0, 500, 60000, UINT32_MAX), 500);
	assert_int_equal(net_backoff_delay_ms(1, 500, 60000, UINT32_MAX), 1000);
	assert_int_equal(net_backoff_delay_ms(3, 500, 60000, UINT32_MAX / 2), 2000);
	/* Capped, and no overflow for absurd attempt numbers. */
	assert_int_equal(net_backoff_delay_ms(10, 500, 60000, UINT32_MAX), 60000);
	assert_int_equal(net_backoff_delay_ms(200, 500, 60000, UINT32_MAX), 60000);
	assert_true(net_backoff_delay_ms(200, 500, 60000, 12345) <= 60000);
	assert_int_equal(net_backoff_delay_ms(5, 0, 60000, UINT32_MAX), 0);
	/* Full jitter: different random values spread over the range. */
	assert_true(net_backoff_delay_ms(4, 500, 60000, 1u << 30) <
		    net_backoff_delay_ms(4, 500, 60000, 3u << 30));
}

static void
test_retry_after_parse(void **state)
{
	int64_t d = -1;
	/* 1994-11-06 08:49:37 UTC */
	const int64_t when = 784111777;

	(void)state;
	assert_int_equal(net_retry_after_parse("120", 0, &d), 0);
	assert_int_equal(d, 120);
	assert_int_equal(net_retry_after_parse("  7 ", 0, &d), 0);
	assert_int_equal(d, 7);
	assert_int_equal(net_retry_after_parse("0", 0, &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(net_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", when - 30, &d), 0);
	assert_int_equal(d, 30);
	assert_int_equal(net_retry_after_parse("Sunday, 06-Nov-94 08:49:37 GMT", when - 31, &d), 0);
	assert_int_equal(d, 31);
	assert_int_equal(net_retry_after_parse("Sun Nov  6 08:49:37 1994", when - 32, &d), 0);
	assert_int_equal(d, 32);
	/* A date in the past means now. */
	assert_int_equal(net_retry_after_parse("Sun, 06 Nov 1994 08:49:37 GMT", when + 100, &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(net_retry_after_parse("Thu, 01 Jan 2026 00:00:10 GMT", 1767225600, &d), 0);
	assert_int_equal(d, 10);
	d = 99;
	assert_int_equal(net_retry_after_parse("", 0, &d), -1);
	assert_int_equal(net_retry_after_parse(NULL, 0, &d), -1);
	assert_int_equal(net_retry_after_parse("-5", 0, &d), -1);
	assert_int_equal(net_retry_after_parse("12abc", 0, &d), -1);
	assert_int_equal(net_retry_after_parse("soon", 0, &d), -1);
	assert_int_equal(net_retry_after_parse("Sun, 31 Feb 1994 08:49:37 GMT", 0, &d), -1);
	assert_int_equal(net_retry_after_parse("Sun, 06 Nov 1994 25:49:37 GMT", 0, &d), -1);
	assert_int_equal(net_retry_after_parse("Sun, 06 Nov 1994 08:49:37 PST", 0, &d), -1);
	assert_int_equal(d, 99);
}

static void
test_retry_decide(void **state)
{
	struct net_retry_policy p = { .max_attempts = 3, .base_ms = 1000, .cap_ms = 8000,
				      .max_retry_after_ms = 60000, .idempotent = false };
	struct net_header ra = { "Retry-After", "5" };
	struct net_response r = { 0 };
	uint64_t delay = 0;

	(void)state;
	/* 429 with Retry-After: retried even for a non-idempotent action. */
	r.result = NET_OK;
	r.status = 429;
	r.headers = &ra;
	r.n_headers = 1;
	assert_true(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	assert_int_equal(delay, 5000);
	/* ... but not past the attempt budget ... */
	assert_false(net_retry_decide(&p, &r, 3, 0, 0, &delay));
	/* ... nor when the server asks for too long a wait. */
	p.max_retry_after_ms = 4000;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	p.max_retry_after_ms = 60000;
	/* 500 on a POST without idempotency: it may have been applied. */
	r.status = 500;
	r.n_headers = 0;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	p.idempotent = true;
	assert_true(net_retry_decide(&p, &r, 2, 0, UINT32_MAX, &delay));
	assert_int_equal(delay, 2000);          /* backoff ceiling, second retry */
	/* Client errors are never retried. */
	r.status = 404;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	r.status = 200;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	/* Transport failures. */
	p.idempotent = false;
	r.status = 0;
	r.result = NET_ERR_REFUSED;
	assert_true(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	r.result = NET_ERR_TIMEOUT;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	p.idempotent = true;
	assert_true(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	r.result = NET_ERR_TOO_LARGE;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
	r.result = NET_ERR_CANCELLED;
	assert_false(net_retry_decide(&p, &r, 1, 0, 0, &delay));
}

static void
test_redact_url(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "https://u:pw@host.example/a?b=1", "https://host.example/a?b=1" },
		{ "http://h/x?access_token=abc&page=2", "http://h/x?access_token=***&page=2" },
		{ "http://h/x?Session=abc;limit=5", "http://h/x?Session=***;limit=5" },
		{ "http://h/citizens/001234567890/docs", "http://h/citizens/***/docs" },
		{ "http://h/x?q=012345678&n=12345678", "http://h/x?q=***&n=12345678" },
		{ "http://h/x?user_code=ABCD-EFGH#frag", "http://h/x?user_code=***" },
		{ "http://h/x?flag&code=", "http://h/x?flag&code=***" },
		{ "http://h:8080/plain", "http://h:8080/plain" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = net_redact_url(cases[i].in);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void
test_curl_code_mapping(void **state)
{
	(void)state;
	/* libcurl's stable ABI numbers: 6 resolve, 7 connect, 28 timeout,
	 * 18 partial file, 35 TLS connect, 23 write, 56 recv, 52 got nothing. */
	assert_int_equal(net_map_curl_code(6, 0, false, false, false), NET_ERR_DNS);
	assert_int_equal(net_map_curl_code(7, 111, false, false, false), NET_ERR_REFUSED);
	assert_int_equal(net_map_curl_code(7, 110, false, false, false), NET_ERR_TIMEOUT);
	assert_int_equal(net_map_curl_code(28, 0, false, false, false), NET_ERR_TIMEOUT);
	assert_int_equal(net_map_curl_code(18, 0, false, false, false), NET_ERR_TRUNCATED);
	assert_int_equal(net_map_curl_code(35, 0, false, false, false), NET_ERR_TLS);
	assert_int_equal(net_map_curl_code(56, 0, false, false, false), NET_ERR_RESET);
	assert_int_equal(net_map_curl_code(52, 0, false, false, false), NET_ERR_RESET);
	assert_int_equal(net_map_curl_code(23, 0, true, false, false), NET_ERR_TOO_LARGE);
	assert_int_equal(net_map_curl_code(23, 0, false, true, false), NET_ERR_WRITE);
	assert_int_equal(net_map_curl_code(23, 0, false, false, true), NET_ERR_CANCELLED);
	assert_int_equal(net_map_curl_code(9999, 0, false, false, false), NET_ERR_OTHER);
	assert_string_equal(net_result_reason(NET_ERR_DNS), "DNS failure");
	assert_string_equal(net_result_reason((enum net_result)999), "network error");
}

static uint32_t
counting_random(void *arg)
{
	return (*(uint32_t *)arg)++;
}

static void
test_random_seam(void **state)
{
	struct net *net = new_net();
	uint32_t next = 41;

	(void)state;
	net_set_random(net, counting_random, &next);
	assert_int_equal(net_random(net), 41);
	assert_int_equal(net_random(net), 42);
	net_set_random(net, NULL, NULL);
	(void)net_random(net);
	assert_int_equal(next, 43);
	net_free(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_retry_after_parse),
		cmocka_unit_test(test_retry_decide),
		cmocka_unit_test(test_redact_url),
		cmocka_unit_test(test_curl_code_mapping),
		cmocka_unit_test(test_random_seam),
	};

	return cmocka_run_group_tests_name("net pure", tests, NULL, NULL);
}
