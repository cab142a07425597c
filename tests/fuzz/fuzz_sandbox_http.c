/*
 * fuzz_sandbox_http.c - libFuzzer target for what motcua-sandbox parses out
 * of a request by hand (src/sandbox/http.c and sandbox.c helpers): form
 * fields of an application/x-www-form-urlencoded body (the OpenID provider's
 * token and device endpoints, the tinh dialect's actions), the Range header
 * (attachments), Accept-Encoding, the Bearer header, JSON bodies and the
 * decimal query arguments and path prefixes the dialects use.
 *
 *     byte 0   which helper (mod 6)
 *     byte 1.. the body or header value
 *
 * No server is started: the helpers work on a struct sbx_request.
 */
#include <jansson.h>

#include "fuzz.h"
#include "sandbox/http.h"
#include "sandbox/sandbox.h"

static const char *const form_names[] = {"grant_type", "device_code", "client_id", "scope",
					 "refresh_token", "thao_tac", "so_ho_so", "", "a b"};

static void
form(const char *body, size_t len, bool typed)
{
	struct sbx_header h = {"Content-Type", "application/x-www-form-urlencoded"};
	struct sbx_request req = {.method = "POST", .path = "/idp/token", .body = body,
				  .body_len = len, .headers = &h, .n_headers = typed ? 1 : 0};

	for (size_t i = 0; i < sizeof form_names / sizeof *form_names; i++) {
		char *v = sbx_form_value(&req, form_names[i]);
		if (v != NULL)
			(void)strlen(v);
		free(v);
	}
}

static void
range(const char *value, size_t len)
{
	static const uint64_t totals[] = {0, 1, 1000, UINT64_MAX};
	uint64_t first, last;

	for (size_t i = 0; i < sizeof totals / sizeof *totals; i++) {
		int rc = sbx_parse_range(value, totals[i], &first, &last);
		/* A satisfiable range lies inside the body, first <= last. */
		if (rc == 1 && (first > last || last >= totals[i]))
			abort();
		if (rc < -1 || rc > 1)
			abort();
	}
	(void)len;
}

static void
headers(const char *value)
{
	struct sbx_header h[2] = {{"Authorization", (char *)value},
				  {"Accept-Encoding", (char *)value}};
	struct sbx_request req = {.method = "GET", .path = "/", .body = "", .headers = h,
				  .n_headers = 2};
	const char *bearer = sbx_request_bearer(&req);

	if (bearer != NULL && (bearer[0] == '\0' || bearer[0] == ' '))
		abort();
	(void)sbx_accepts_gzip(value);
}

static void
body_json(const char *body, size_t len)
{
	struct sbx_request req = {.method = "POST", .path = "/", .body = body, .body_len = len};
	const char *err = NULL;
	json_t *j = sbx_request_json(&req, &err);

	if (j == NULL && err == NULL)
		abort();
	json_decref(j);
}

static void
numbers(const char *value)
{
	long v;

	if (sandbox_parse_long(value, 0, 1000, 7, &v) == 0 && (v < 0 || v > 1000))
		abort();
	if (sandbox_parse_long(value, -5, 5, 0, &v) == 0 && (v < -5 || v > 5))
		abort();
	(void)sandbox_path_after(value, "/tuphap");
	(void)sandbox_path_after(value, "/congan/api");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	size_t len;

	if (size < 1)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	len = size - 1;
	switch (data[0] % 6) {
	case 0:
		form(text, len, true);
		break;
	case 1:
		form(text, len, false);
		break;
	case 2:
		range(text, len);
		break;
	case 3:
		headers(text);
		break;
	case 4:
		body_json(text, len);
		break;
	default:
		numbers(text);
		break;
	}
	free(text);
	return 0;
}
