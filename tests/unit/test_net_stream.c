/*
 * test_net_stream.c - bodies streamed to a sink instead of the buffer (the
 * loopback server of net_fixture.h): a ranged attachment arrives whole and
 * in order with its progress, a sink that refuses ends the request, and an
 * error status is buffered so its text can be read.
 */
#include "net_fixture.h"

struct sink {
	char *data;
	size_t len;
	long head_status;
	char content_range[64];
	uint64_t progress_down;
	int progress_calls;
	int refuse_after;
};

static int
sink_write(struct net_request *req, const struct net_response *head, const void *data,
	   size_t len, void *arg)
{
	struct sink *k = arg;
	const char *cr = net_response_header(head, "Content-Range");

	(void)req;
	k->head_status = head->status;
	snprintf(k->content_range, sizeof(k->content_range), "%s", cr != NULL ? cr : "");
	if (k->refuse_after > 0 && k->len >= (size_t)k->refuse_after)
		return -1;
	k->data = realloc(k->data, k->len + len);
	memcpy(k->data + k->len, data, len);
	k->len += len;
	return 0;
}

static void
sink_progress(struct net_request *req, uint64_t down_now, uint64_t down_total,
	      uint64_t up_now, uint64_t up_total, void *arg)
{
	struct sink *k = arg;

	(void)req;
	(void)down_total;
	(void)up_now;
	(void)up_total;
	k->progress_down = down_now;
	k->progress_calls++;
}

static void
test_streaming_attachment_with_range(void **state)
{
	struct seen s = { 0 };
	struct sink k = { 0 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/attachment"));

	(void)state;
	net_request_header(req, "Range", "bytes=1000-");
	net_request_kind(req, "attachment");
	net_request_on_write(req, sink_write, &k);
	net_request_on_progress(req, sink_progress, &k);
	fetch(net, req, &s);
	assert_int_equal(s.result, NET_OK);
	assert_int_equal(s.status, 206);
	assert_int_equal(k.head_status, 206);
	assert_string_equal(k.content_range, "bytes 1000-199999/200000");
	assert_int_equal(s.body_len, 0);         /* streamed, not buffered */
	assert_int_equal(k.len, ATTACHMENT_SIZE - 1000);
	for (size_t i = 0; i < k.len; i++)
		if (k.data[i] != attachment_byte(i + 1000))
			fail_msg("byte %zu differs", i);
	assert_true(k.progress_calls >= 1);
	assert_int_equal(k.progress_down, ATTACHMENT_SIZE - 1000);
	assert_true(net_counters(net, NULL, "attachment").bytes_in > ATTACHMENT_SIZE - 1000);
	net_free(net);
	free(k.data);
	free(s.body);
}

static void
test_write_refusal_and_error_bodies_buffered(void **state)
{
	struct seen s = { 0 };
	struct sink k = { .refuse_after = 1 };
	struct net *net = new_net();
	struct net_request *req = net_request_new(net, "GET", url_for("/attachment"));

	(void)state;
	net_request_on_write(req, sink_write, &k);
	fetch(net, req, &s);
	assert_int_equal(s.result, NET_ERR_WRITE);
	assert_string_equal(s.error, "write failed");

	/* A 404 goes to the buffer, so its error text can be read. */
	free(k.data);
	memset(&k, 0, sizeof(k));
	req = net_request_new(net, "GET", url_for("/missing"));
	net_request_on_write(req, sink_write, &k);
	s.calls = 0;
	fetch(net, req, &s);
	assert_int_equal(s.status, 404);
	assert_int_equal(k.len, 0);
	assert_non_null(strstr(s.body, "no such thing"));
	net_free(net);
	free(k.data);
	free(s.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streaming_attachment_with_range),
		cmocka_unit_test(test_write_refusal_and_error_bodies_buffered),
	};

	return cmocka_run_group_tests_name("net stream", tests, server_start, server_stop);
}
