/*
 * fuzz_sandbox_route.c - libFuzzer target for motcua-sandbox's request
 * routing: any method, path, query, headers and body go to sandbox_handle(),
 * the entry http.c calls for every request, on one small world kept across
 * inputs (so state built by one input - an upload, a session, an audit
 * chain - is there for the next).  Every dialect, the OpenID provider, the
 * control API, the payment gateway and the audit sink sit behind it.
 *
 * Input (lines end with '\n'):
 *
 *     byte 0    method (mod 8); bit 3: the client is not on loopback;
 *               bits 4-6: a Bearer token for which audience (0: none, 7:
 *               the sign-in's own); bit 7: a JSON body gets the payment
 *               gateway's MaXacThuc computed (so the fuzzer gets past it)
 *     line 1    the path
 *     line 2    the query: k=v&k=v (not decoded: the sandbox gets them decoded)
 *     lines     "Name: value" headers, up to an empty line
 *     rest      the body
 *
 * The tokens are real: LLVMFuzzerInitialize signs in through the same
 * router (device authorization, approval, token, token exchange per system),
 * so inputs reach the handlers behind the token check.  What is checked
 * besides ASan/UBSan: a status between 100 and 599, a body length that
 * matches, and headers with names.  FUZZ_ROUTE_VERBOSE=1 prints each
 * answer (to check that a seed reaches the handler it is meant for).
 */
#include <jansson.h>

#include "fuzz.h"
#include "sandbox/http.h"
#include "sandbox/idp.h"
#include "sandbox/sandbox.h"

#define MAX_HEADERS 16
#define MAX_ARGS 16

static struct sandbox *sb;
static const char *const audiences[] = {NULL, "tuphap", "congan", "dvcqg", "nnmt", "tinh",
					"payment", NULL};
static char *tokens[8];
static char *user_token;
static int verbose;

static json_t *
call(const char *method, const char *path, const char *body, const char *bearer)
{
	struct sbx_header h[2] = {{"Content-Type", "application/x-www-form-urlencoded"},
				  {"Authorization", NULL}};
	char auth[600];
	struct sbx_request req = {.method = method, .path = path, .body = body,
				  .body_len = strlen(body), .headers = h, .n_headers = 1,
				  .now = sandbox_now(sb), .client_ip = "127.0.0.1",
				  .loopback = true};
	struct sbx_response resp;
	json_t *j;

	if (bearer != NULL) {
		snprintf(auth, sizeof auth, "Bearer %s", bearer);
		h[1].value = auth;
		req.n_headers = 2;
	}
	sbx_response_init(&resp);
	sandbox_handle(sb, &req, &resp);
	j = resp.status == 200 ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
	sbx_response_release(&resp);
	return j;
}

static char *
str_of(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));
	char *out = v != NULL ? xstrdup(v) : NULL;

	json_decref(j);
	return out;
}

/* Sign in as a clerk through the router; the tokens stay for all inputs. */
static void
sign_in(void)
{
	json_t *d = call("POST", "/oidc/device_authorization", "client_id=motcua&scope=openid",
			 NULL);
	const char *dc = json_string_value(json_object_get(d, "device_code"));
	const char *uc = json_string_value(json_object_get(d, "user_code"));
	char body[1200];

	if (dc == NULL || uc == NULL || idp_approve(sb->idp, uc, sandbox_now(sb)) != 0) {
		json_decref(d);
		return;
	}
	snprintf(body, sizeof body, "grant_type=urn:ietf:params:oauth:grant-type:device_code"
		 "&client_id=motcua&device_code=%s", dc);
	json_decref(d);
	user_token = str_of(call("POST", "/oidc/token", body, NULL), "access_token");
	for (size_t i = 1; user_token != NULL && audiences[i] != NULL; i++) {
		snprintf(body, sizeof body,
			 "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
			 "&client_id=motcua&subject_token=%s&subject_token_type="
			 "urn:ietf:params:oauth:token-type:access_token&audience=%s",
			 user_token, audiences[i]);
		tokens[i] = str_of(call("POST", "/oidc/token", body, NULL), "access_token");
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sandbox_config cfg = {.seed = 7, .n_dossiers = 60, .start = 1773300000,
				     .speed = 0, .rate = 0, .faults = "", .payment_secret = NULL};
	const char *err = NULL;
	size_t got = 0;

	(void)argc;
	(void)argv;
	sb = sandbox_new(&cfg, &err);
	if (sb == NULL) {
		fprintf(stderr, "fuzz_sandbox_route: %s\n", err != NULL ? err : "sandbox_new");
		abort();
	}
	sandbox_set_base_url(sb, "http://127.0.0.1:9");
	verbose = getenv("FUZZ_ROUTE_VERBOSE") != NULL;
	sign_in();
	for (size_t i = 1; audiences[i] != NULL; i++)
		got += tokens[i] != NULL;
	fprintf(stderr, "fuzz_sandbox_route: signed in, %zu system tokens\n", got);
	return 0;
}

/*
 * The payment gateway's MaXacThuc for a JSON body, as a partner computes it
 * (doc/sandbox.md: SHA-256 of the fields joined with '|', then the shared
 * secret): a copy of the body with it set, or NULL when the body is no object.
 */
static char *
payment_signed(const char *body, size_t len)
{
	static const char *const query_in[] = {"LoaiBanTin", "MaDoiTac", "MaHoSo", "ThoiGianGD",
					       NULL};
	static const char *const init_in[] = {"LoaiBanTin", "MaDoiTac", "MaHoSo", "SoTien",
					      "ThoiGianGD", NULL};
	json_t *o = json_loadb(body, len, 0, NULL);
	const char *type = json_string_value(json_object_get(o, "LoaiBanTin"));
	const char *const *fields = type != NULL && strcmp(type, "INIT") == 0 ? init_in : query_in;
	char mac[65], *text = NULL, *buf;
	size_t n = 1;

	if (!json_is_object(o) || sb->payment_secret == NULL) {
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; fields[i] != NULL; i++) {
		const char *v = json_string_value(json_object_get(o, fields[i]));
		n += (v != NULL ? strlen(v) : 0) + 1;
	}
	n += strlen(sb->payment_secret);
	buf = xmalloc(n);
	buf[0] = '\0';
	for (size_t i = 0; fields[i] != NULL; i++) {
		const char *v = json_string_value(json_object_get(o, fields[i]));
		size_t at = strlen(buf);
		snprintf(buf + at, n - at, "%s|", v != NULL ? v : "");
	}
	{
		size_t at = strlen(buf);
		snprintf(buf + at, n - at, "%s", sb->payment_secret);
	}
	sandbox_sha256_hex(buf, strlen(buf), mac);
	free(buf);
	json_object_set_new(o, "MaXacThuc", json_string(mac));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PUT", "DELETE",
					      "HEAD", "PATCH", "OPTIONS", "get"};
	struct sbx_header headers[MAX_HEADERS + 1], args[MAX_ARGS];
	char *owned[MAX_HEADERS]; /* header lines, with or without a colon */
	size_t n_owned = 0, n_headers = 0, n_args = 0, body_len;
	const char *p, *end;
	char *path, *query, *body, auth[600];
	struct sbx_request req;
	struct sbx_response resp;
	const char *tok;

	if (size < 1)
		return 0;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	path = fuzz_line(&p, end);
	query = fuzz_line(&p, end);
	/* query arguments, split in place: "k=v&k=v" */
	for (char *q = query; *q != '\0' && n_args < MAX_ARGS;) {
		char *amp = strchr(q, '&'), *eq;

		if (amp != NULL)
			*amp = '\0';
		eq = strchr(q, '=');
		if (eq != NULL)
			*eq = '\0';
		args[n_args++] = (struct sbx_header){q, eq != NULL ? eq + 1 : q + strlen(q)};
		if (amp == NULL)
			break;
		q = amp + 1;
	}
	while (p < end && n_owned < MAX_HEADERS) {
		char *h = fuzz_line(&p, end), *colon;

		if (h[0] == '\0') {
			free(h);
			break;
		}
		owned[n_owned++] = h;
		colon = strchr(h, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		colon++;
		while (*colon == ' ')
			colon++;
		headers[n_headers++] = (struct sbx_header){h, colon};
	}
	tok = tokens[(data[0] >> 4) & 7];
	if (((data[0] >> 4) & 7) == 7)
		tok = user_token;
	if (tok != NULL) {
		snprintf(auth, sizeof auth, "Bearer %s", tok);
		headers[n_headers++] = (struct sbx_header){"Authorization", auth};
	}
	body = fuzz_text((const uint8_t *)p, (size_t)(end - p));
	body_len = (size_t)(end - p);
	if (data[0] & 128) {
		char *signed_body = payment_signed(body, body_len);

		if (signed_body != NULL) {
			free(body);
			body = signed_body;
			body_len = strlen(body);
		}
	}
	req = (struct sbx_request){.method = methods[data[0] & 7], .path = path, .body = body,
				   .body_len = body_len, .headers = headers,
				   .n_headers = n_headers, .args = args, .n_args = n_args,
				   .now = sandbox_now(sb), .client_ip = "127.0.0.1",
				   .loopback = (data[0] & 8) == 0};
	sbx_response_init(&resp);
	sandbox_handle(sb, &req, &resp);
	if (resp.status < 100 || resp.status > 599) {
		fprintf(stderr, "fuzz_sandbox_route: status %d for %s %s\n", resp.status,
			req.method, path);
		abort();
	}
	if (resp.body_len > 0 && resp.body == NULL)
		abort();
	if (verbose) /* FUZZ_ROUTE_VERBOSE=1: what each seed gets back */
		fprintf(stderr, "fuzz_sandbox_route: %s %s -> %d %.*s\n", req.method, path,
			resp.status, (int)(resp.body_len < 160 ? resp.body_len : 160),
			resp.body != NULL ? resp.body : "");
	for (size_t i = 0; i < resp.n_headers; i++)
		if (resp.headers[i].name == NULL || resp.headers[i].name[0] == '\0' ||
		    resp.headers[i].value == NULL)
			abort();
	sbx_response_release(&resp);
	for (size_t i = 0; i < n_owned; i++)
		free(owned[i]);
	free(body);
	free(query);
	free(path);
	return 0;
}
