/*
 * test_net_faults.c - the network layer against what a weak link and a
 * hostile backend do (the loopback server of net_fixture.h): 429 with
 * Retry-After, a whole-request timeout, a trickle below the low-speed
 * limit, a body cut short, an endless body against the cap, a refused
 * connection, and automatic retries of a flaky 503.
 */
#include "net_fixture.h"

static void
test_429_retry_after_exposed(void **state)
{
	struct seen s = { 0 };
	int64_t delay = -1;

	(void)state;
	get("/429", &s);
	assert_int_equal(s.result, NET_OK);
	assert_int_equal(s.status, 429);
	assert_string_equal(s.retry_after, "2");
	assert_int_equal(net_retry_after_parse(s.retry_after, 0, &delay), 0);
	assert_int_equal(delay, 2);
	free(s.body);
}

static void
test_total_timeout(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/slow"));
	struct net_timeouts t = net_timeouts_default();
	uint64_t t0 = mono_ms();

	(void)state;
	t.total_ms = 400;
	net_request_timeouts(req, &t);
	fetch(net, req, &s);
	assert_int_equal(s.result, NET_ERR_TIMEOUT);
	assert_string_equal(s.error, "timed out");
	assert_true(s.done_at_ms - t0 >= 350);
	assert_true(s.done_at_ms - t0 < 2000);
	net_free(net);
	free(s.body);
}

static void
test_low_speed_limit(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/slow"));
	struct net_timeouts t = net_timeouts_default();
	uint64_t t0 = mono_ms();

	(void)state;
	/* The server trickles 10 B/s; demand 1000 B/s over 1 s. */
	t.total_ms = 0;
	t.low_speed_bytes = 1000;
	t.low_speed_s = 1;
	net_request_timeouts(req, &t);
	fetch(net, req, &s);
	assert_int_equal(s.result, NET_ERR_TIMEOUT);
	assert_true(s.done_at_ms - t0 < 3500);
	net_free(net);
	free(s.body);
}

static void
test_truncated_body(void **state)
{
	struct seen s = { 0 };

	(void)state;
	get("/truncated", &s);
	assert_int_equal(s.result, NET_ERR_TRUNCATED);
	assert_string_equal(s.error, "body truncated");
	free(s.body);
}

static void
test_body_cap(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/huge"));

	(void)state;
	net_request_max_body(req, 64 * 1024);
	fetch(net, req, &s);
	assert_int_equal(s.result, NET_ERR_TOO_LARGE);
	assert_string_equal(s.error, "too large");
	assert_true(s.body_len <= 64 * 1024);
	/* Cut off soon after the cap, not after the server's 512 MB. */
	assert_true(s.bytes_in < 1024 * 1024);
	net_free(net);
	free(s.body);
}

static void
test_connection_refused(void **state)
{
	struct seen s = { 0 };
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char url[64];
	struct net *net = new_net();

	(void)state;
	/* A port that was free a moment ago and has no listener now. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", (unsigned)ntohs(sa.sin_port));
	fetch(net, net_request_new(net, "GET", url), &s);
	assert_int_equal(s.result, NET_ERR_REFUSED);
	assert_string_equal(s.error, "connection refused");
	assert_int_equal(s.status, 0);
	assert_int_equal(net_counters(net, NULL, NULL).failures, 1);
	net_free(net);
	free(s.body);
}

static uint32_t
fixed_random(void *arg)
{
	return *(uint32_t *)arg;
}

static void
test_auto_retry(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/flaky"));
	struct net_retry_policy p = { .max_attempts = 4, .base_ms = 10, .cap_ms = 100,
				      .max_retry_after_ms = 1000, .idempotent = true };
	uint32_t r = 0;

	(void)state;
	net_set_random(net, fixed_random, &r);
	pthread_mutex_lock(&lock_);
	flaky_failures_left_ = 2;
	pthread_mutex_unlock(&lock_);
	net_request_retry(req, &p);
	net_request_source(req, "nnmt");
	fetch(net, req, &s);
	assert_int_equal(s.status, 200);
	assert_string_equal(s.body, "fine");
	assert_int_equal(s.attempts, 3);
	/* Every attempt is on the wire and in the counters. */
	assert_int_equal(net_counters(net, "nnmt", NULL).requests, 3);
	assert_int_equal(net_counters(net, "nnmt", NULL).bytes_in, s.bytes_in);

	/* Without a policy the first 503 is the answer. */
	pthread_mutex_lock(&lock_);
	flaky_failures_left_ = 1;
	pthread_mutex_unlock(&lock_);
	s.calls = 0;
	fetch(net, net_request_new(net, "GET", url_for("/flaky")), &s);
	assert_int_equal(s.status, 503);
	assert_int_equal(s.attempts, 1);
	net_free(net);
	free(s.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_429_retry_after_exposed),
		cmocka_unit_test(test_total_timeout),
		cmocka_unit_test(test_low_speed_limit),
		cmocka_unit_test(test_truncated_body),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_auto_retry),
	};

	return cmocka_run_group_tests_name("net faults", tests, server_start, server_stop);
}
