/*
 * fuzz_net.c - libFuzzer target for what src/net reads from servers or
 * passes to logs by hand: the Retry-After header (delta-seconds or one of
 * three HTTP-date forms), the retry decision built on it, and the URL
 * redaction of the debug trace (a server's Location or attachment links
 * reach it).
 *
 *     byte 0   status selector (429, 503, 500, 408, 200) and idempotency
 *     rest     the header value, or the URL
 *
 * Pure functions: no request is made.
 */
#include "fuzz.h"
#include "net/net.h"

static const long statuses[] = {429, 503, 500, 408, 200, 502, 504, 404};
#define NOW 1773283200 /* 2026-03-12 03:00 UTC, a fixed clock */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_header h;
	struct net_response resp;
	struct net_retry_policy policy;
	uint64_t delay_ms = 0;
	int64_t delay_s = -1;
	char *text, *red;

	if (size < 1)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	if (net_retry_after_parse(text, NOW, &delay_s) == 0 && delay_s < 0)
		abort(); /* a parsed Retry-After is never a negative wait */

	h = (struct net_header){"Retry-After", text};
	memset(&resp, 0, sizeof resp);
	resp.result = NET_OK;
	resp.error = "";
	resp.error_detail = "";
	resp.status = statuses[data[0] % 8];
	resp.body = "";
	resp.headers = &h;
	resp.n_headers = 1;
	memset(&policy, 0, sizeof policy);
	policy.max_attempts = 5;
	policy.base_ms = 1000;
	policy.cap_ms = 60000;
	policy.max_retry_after_ms = 120000;
	policy.idempotent = (data[0] & 8) != 0;
	if (net_retry_decide(&policy, &resp, 1, NOW, 12345, &delay_ms) &&
	    delay_ms > policy.max_retry_after_ms && delay_ms > policy.cap_ms)
		abort(); /* never waits longer than the policy allows */

	red = net_redact_url(text);
	if (red == NULL || strlen(red) > strlen(text) + 3 * strlen(text) + 8)
		abort();
	free(red);
	free(text);
	return 0;
}
