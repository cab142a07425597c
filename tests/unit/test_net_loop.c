/*
 * test_net_loop.c - the network layer's loop (the loopback server of
 * net_fixture.h): the per-source concurrency limit, submitting from a done
 * callback (never re-entrant), cancelling running and queued requests, a
 * delayed start, and net_poll() waking on an extra descriptor or
 * net_wakeup().
 */
#include "net_fixture.h"

struct concurrency {
	int done;
};

static void
count_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct concurrency *c = arg;

	(void)req;
	assert_int_equal(resp->status, 200);
	c->done++;
}

static int
run_concurrent(unsigned limit, int n)
{
	struct net *net = new_net();
	struct concurrency c = { 0 };

	pthread_mutex_lock(&lock_);
	in_flight_ = max_in_flight_ = 0;
	pthread_mutex_unlock(&lock_);
	net_set_source_limit(net, "tinh", limit);
	for (int i = 0; i < n; i++) {
		struct net_request *req = net_request_new(net, "GET", url_for("/concurrent"));

		net_request_source(req, "tinh");
		net_request_on_done(req, count_done, &c);
		net_submit(net, req);
	}
	assert_int_equal(net_pending(net), (size_t)n);
	assert_int_equal(net_run_until_done(net), 0);
	assert_int_equal(c.done, n);
	assert_int_equal(net_pending(net), 0);
	net_free(net);
	return max_in_flight_;
}

static void
test_source_concurrency_limit(void **state)
{
	(void)state;
	assert_int_equal(run_concurrent(2, 6), 2);
	/* The same load without the limit does overlap more: the check above
	 * is not passing because the server is serial. */
	assert_true(run_concurrent(6, 6) > 2);
}

struct chain {
	struct net *net;
	int done;
	int called_in_submit;
};

static void
chain_next(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct chain *ch = arg;

	(void)req;
	assert_int_equal(resp->status, 200);
	ch->done++;
	if (ch->done < 3) {
		struct net_request *next = net_request_new(ch->net, "GET", url_for("/json"));
		int before = ch->done;

		net_request_on_done(next, chain_next, ch);
		net_submit(ch->net, next);
		/* Never re-entrant: the new request's callback cannot have run. */
		if (ch->done != before)
			ch->called_in_submit = 1;
	}
}

static void
test_submit_from_callback(void **state)
{
	struct chain ch = { 0 };
	struct net_request *req;

	(void)state;
	ch.net = new_net();
	req = net_request_new(ch.net, "GET", url_for("/json"));
	net_request_on_done(req, chain_next, &ch);
	net_submit(ch.net, req);
	assert_int_equal(ch.done, 0);
	assert_int_equal(net_run_until_done(ch.net), 0);
	assert_int_equal(ch.done, 3);
	assert_int_equal(ch.called_in_submit, 0);
	net_free(ch.net);
}

static void
test_cancel_running_and_queued(void **state)
{
	struct seen a = { 0 }, b = { 0 };
	struct net *net = new_net();
	struct net_request *ra = net_request_new(net, "GET", url_for("/slow"));
	struct net_request *rb = net_request_new(net, "GET", url_for("/slow"));
	uint64_t t0 = mono_ms();

	(void)state;
	net_set_source_limit(net, NULL, 1);    /* rb waits behind ra */
	net_request_on_done(ra, record, &a);
	net_request_on_done(rb, record, &b);
	net_request_ref(ra);
	net_submit(net, ra);
	net_submit(net, rb);
	for (int i = 0; i < 3; i++)
		assert_true(net_poll(net, 50, NULL, 0) >= 0);
	assert_int_equal(a.calls, 0);
	net_cancel_all(net);
	assert_int_equal(net_run_until_done(net), 0);
	assert_int_equal(a.result, NET_ERR_CANCELLED);
	assert_int_equal(b.result, NET_ERR_CANCELLED);
	assert_string_equal(a.error, "cancelled");
	assert_true(mono_ms() - t0 < 2000);
	net_cancel(ra);        /* after done, with a ref held: harmless */
	net_request_unref(ra);
	net_free(net);
	free(a.body);
	free(b.body);
}

static void
test_delayed_start(void **state)
{
	struct seen s = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/json"));
	uint64_t t0 = mono_ms();

	(void)state;
	net_request_delay_ms(req, 300);
	fetch(net, req, &s);
	assert_int_equal(s.status, 200);
	assert_true(s.done_at_ms - t0 >= 300);
	assert_true(s.done_at_ms - t0 < 1500);
	net_free(net);
	free(s.body);
}

static void
test_poll_wakes_on_extra_fd(void **state)
{
	struct net *net = new_net();
	int fds[2];
	struct net_waitfd w;
	uint64_t t0;
	int rc;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	w.fd = fds[0];
	w.events = NET_POLLIN;
	w.revents = 0;
	/* Nothing readable: the full timeout passes, revents stays clear. */
	t0 = mono_ms();
	rc = net_poll(net, 100, &w, 1);
	assert_int_equal(rc, 0);
	assert_int_equal(w.revents, 0);
	assert_true(mono_ms() - t0 >= 90);
	/* Readable: returns at once with NET_POLLIN, long timeout or not. */
	assert_int_equal(write(fds[1], "k", 1), 1);
	t0 = mono_ms();
	rc = net_poll(net, 5000, &w, 1);
	assert_int_equal(rc, 0);
	assert_true(w.revents & NET_POLLIN);
	assert_true(mono_ms() - t0 < 1000);
	/* net_wakeup() cuts a long wait short with nothing readable. */
	assert_int_equal(read(fds[0], &(char){ 0 }, 1), 1);
	net_wakeup(net);
	t0 = mono_ms();
	w.revents = 0;
	rc = net_poll(net, 5000, &w, 1);
	assert_int_equal(rc, 0);
	assert_int_equal(w.revents, 0);
	assert_true(mono_ms() - t0 < 1000);
	close(fds[0]);
	close(fds[1]);
	net_free(net);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_source_concurrency_limit),
		cmocka_unit_test(test_submit_from_callback),
		cmocka_unit_test(test_cancel_running_and_queued),
		cmocka_unit_test(test_delayed_start),
		cmocka_unit_test(test_poll_wakes_on_extra_fd),
	};

	return cmocka_run_group_tests_name("net loop", tests, server_start, server_stop);
}
