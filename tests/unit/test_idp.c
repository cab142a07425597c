/*
 * test_idp.c - the sandbox's OpenID provider, driven by constructed requests
 * (no sockets): discovery, the device grant with every polling answer,
 * rotation and reuse detection, token exchange and audience enforcement,
 * userinfo, revocation, the verification page and memory bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/idp.h"

void idp_counts(const struct idp *idp, size_t *devices, size_t *tokens);
int idp_normalize_user_code(const char *in, char out[9]);

#define ISSUER "http://127.0.0.1:18080"
#define T0 ((mc_time)1767225600) /* 2026-01-01T00:00:00Z */
#define EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
#define AT_TYPE "urn:ietf:params:oauth:token-type:access_token"

static const struct idp_system systems[] = {
	{"tuphap", "tuphap", "/tuphap", "Hệ thống Bộ Tư pháp"},
	{"congan", "congan", "/congan", "Hệ thống Bộ Công an"},
};

static struct idp *
new_idp(uint64_t seed)
{
	struct idp_config cfg = {
		.issuer = ISSUER "/",
		.systems = systems,
		.n_systems = 2,
		.seed = seed,
	};
	return idp_new(&cfg);
}

/* One exchange with the provider; the response is kept for inspection. */
struct call {
	struct sbx_response resp;
	json_t *json;
	bool handled;
};

static void
call_release(struct call *c)
{
	json_decref(c->json);
	sbx_response_release(&c->resp);
	memset(c, 0, sizeof *c);
}

static struct call
do_call(struct idp *idp, const char *method, const char *path, const char *form,
	const char *bearer, mc_time now)
{
	struct sbx_header hdrs[2];
	size_t nh = 0;
	char auth[256];
	struct call c;
	struct sbx_request req = {0};

	memset(&c, 0, sizeof c);
	if (form != NULL) {
		hdrs[nh].name = "Content-Type";
		hdrs[nh++].value = "application/x-www-form-urlencoded";
	}
	if (bearer != NULL) {
		snprintf(auth, sizeof auth, "Bearer %s", bearer);
		hdrs[nh].name = "Authorization";
		hdrs[nh++].value = auth;
	}
	req.method = method;
	req.path = path;
	req.body = form;
	req.body_len = form != NULL ? strlen(form) : 0;
	req.headers = hdrs;
	req.n_headers = nh;
	req.now = now;
	sbx_response_init(&c.resp);
	c.handled = idp_handle(idp, &req, &c.resp);
	if (c.resp.body != NULL && c.resp.body_len > 0)
		c.json = json_loadb(c.resp.body, c.resp.body_len, 0, NULL);
	return c;
}

static struct call
post(struct idp *idp, const char *path, mc_time now, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct call
post(struct idp *idp, const char *path, mc_time now, const char *fmt, ...)
{
	char form[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(form, sizeof form, fmt, ap);
	va_end(ap);
	return do_call(idp, "POST", path, form, NULL, now);
}

static const char *
jstr(const struct call *c, const char *key)
{
	return json_string_value(json_object_get(c->json, key));
}

static const char *
header(const struct sbx_response *r, const char *name)
{
	for (size_t i = 0; i < r->n_headers; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

/* A started device authorization. */
struct dev {
	char device_code[128];
	char user_code[16];
	int interval;
};

static struct dev
start(struct idp *idp, mc_time now)
{
	struct dev d;
	struct call c = post(idp, "/oidc/device_authorization", now,
			     "client_id=motcua&scope=openid%%20offline_access");

	assert_int_equal(c.resp.status, 200);
	snprintf(d.device_code, sizeof d.device_code, "%s", jstr(&c, "device_code"));
	snprintf(d.user_code, sizeof d.user_code, "%s", jstr(&c, "user_code"));
	d.interval = (int)json_integer_value(json_object_get(c.json, "interval"));
	call_release(&c);
	return d;
}

static struct call
poll_once(struct idp *idp, const struct dev *d, mc_time now)
{
	return post(idp, "/oidc/token", now,
		    "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Adevice_code"
		    "&device_code=%s&client_id=motcua", d->device_code);
}

static void
assert_error(const struct call *c, int status, const char *code)
{
	assert_non_null(c->json);
	if (c->resp.status != status || strcmp(jstr(c, "error"), code) != 0)
		print_message("got %d %s\n", c->resp.status, c->resp.body);
	assert_int_equal(c->resp.status, status);
	assert_string_equal(jstr(c, "error"), code);
}

/* Tokens of one sign-in. */
struct signin {
	char access[128];
	char refresh[128];
	char id_token[1024];
};

static struct signin
sign_in(struct idp *idp, mc_time now)
{
	struct signin s;
	struct dev d = start(idp, now);
	struct call c;

	assert_int_equal(idp_approve(idp, d.user_code, now), 0);
	c = poll_once(idp, &d, now + 1);
	assert_int_equal(c.resp.status, 200);
	snprintf(s.access, sizeof s.access, "%s", jstr(&c, "access_token"));
	snprintf(s.refresh, sizeof s.refresh, "%s", jstr(&c, "refresh_token"));
	snprintf(s.id_token, sizeof s.id_token, "%s",
		 jstr(&c, "id_token") != NULL ? jstr(&c, "id_token") : "");
	call_release(&c);
	return s;
}

static struct call
refresh(struct idp *idp, const char *rt, mc_time now)
{
	return post(idp, "/oidc/token", now, "grant_type=refresh_token&refresh_token=%s"
		    "&client_id=motcua", rt);
}

static struct call
exchange(struct idp *idp, const char *subject, const char *target, mc_time now)
{
	return post(idp, "/oidc/token", now,
		    "grant_type=%s&subject_token=%s&subject_token_type=%s&%s", EXCHANGE,
		    subject, AT_TYPE, target);
}

/* idp_check_token for one audience with one bearer. */
static int
check(struct idp *idp, const char *bearer, const char *audience, mc_time now, int *status)
{
	char auth[256];
	struct sbx_header h = {"Authorization", auth};
	struct sbx_request req = {0};
	struct sbx_response resp;
	const char *sub = NULL;
	int rc;

	snprintf(auth, sizeof auth, "Bearer %s", bearer);
	req.method = "GET";
	req.path = "/x";
	req.headers = &h;
	req.n_headers = 1;
	req.now = now;
	sbx_response_init(&resp);
	rc = idp_check_token(idp, &req, audience, &sub, &resp);
	*status = rc == 0 ? 200 : resp.status;
	if (rc == 0)
		assert_string_equal(sub, "sbx-canbo-0001");
	else
		assert_non_null(header(&resp, "WWW-Authenticate"));
	sbx_response_release(&resp);
	return rc;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_discovery(void **state)
{
	struct idp *idp = new_idp(1);
	struct call c = do_call(idp, "GET", "/.well-known/openid-configuration", NULL, NULL, T0);
	json_t *sys;

	(void)state;
	assert_true(c.handled);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(&c, "issuer"), ISSUER);
	assert_string_equal(jstr(&c, "device_authorization_endpoint"),
			    ISSUER "/oidc/device_authorization");
	assert_string_equal(jstr(&c, "token_endpoint"), ISSUER "/oidc/token");
	assert_string_equal(jstr(&c, "userinfo_endpoint"), ISSUER "/oidc/userinfo");
	assert_string_equal(jstr(&c, "revocation_endpoint"), ISSUER "/oidc/revoke");
	assert_int_equal(json_array_size(json_object_get(c.json, "grant_types_supported")), 3);
	sys = json_object_get(c.json, "motcua_systems");
	assert_int_equal(json_array_size(sys), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sys, 1), "base_url")),
			    ISSUER "/congan");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sys, 1), "audience")),
			    "congan");
	assert_string_equal(json_string_value(json_object_get(json_array_get(sys, 0), "title")),
			    "Hệ thống Bộ Tư pháp");
	call_release(&c);

	/* Paths that are not ours are left alone; unknown /oidc/ paths are 404. */
	c = do_call(idp, "GET", "/tuphap/api/v1/dossiers", NULL, NULL, T0);
	assert_false(c.handled);
	call_release(&c);
	c = do_call(idp, "GET", "/oidc/nothing", NULL, NULL, T0);
	assert_true(c.handled);
	assert_int_equal(c.resp.status, 404);
	call_release(&c);
	c = do_call(idp, "GET", "/oidc/token", NULL, NULL, T0);
	assert_int_equal(c.resp.status, 405);
	assert_non_null(header(&c.resp, "Allow"));
	call_release(&c);
	idp_free(idp);
}

static void
test_device_authorization(void **state)
{
	struct idp *idp = new_idp(7);
	struct call c;
	const char *uc;

	(void)state;
	c = post(idp, "/oidc/device_authorization", T0, "scope=openid");
	assert_error(&c, 401, "invalid_client");
	call_release(&c);
	c = post(idp, "/oidc/device_authorization", T0, "client_id=bad%%20id");
	assert_error(&c, 401, "invalid_client");
	call_release(&c);

	c = post(idp, "/oidc/device_authorization", T0, "client_id=motcua&scope=openid");
	assert_int_equal(c.resp.status, 200);
	uc = jstr(&c, "user_code");
	assert_int_equal(strlen(uc), 9);
	assert_int_equal(uc[4], '-');
	for (int i = 0; i < 9; i++)
		if (i != 4)
			assert_non_null(strchr("BCDFGHJKLMNPQRSTVWXZ", uc[i]));
	assert_string_equal(jstr(&c, "verification_uri"), ISSUER "/oidc/device");
	assert_true(strncmp(jstr(&c, "verification_uri_complete"),
			    ISSUER "/oidc/device?user_code=", strlen(ISSUER) + 23) == 0);
	assert_string_equal(strchr(jstr(&c, "verification_uri_complete"), '=') + 1, uc);
	assert_int_equal(json_integer_value(json_object_get(c.json, "interval")), 5);
	assert_int_equal(json_integer_value(json_object_get(c.json, "expires_in")), 600);
	assert_true(strlen(jstr(&c, "device_code")) >= 40);
	assert_string_equal(header(&c.resp, "Cache-Control"), "no-store");
	call_release(&c);

	/* A registered-looking client id other than motcua is accepted. */
	c = post(idp, "/oidc/device_authorization", T0, "client_id=motcua-demo.2");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	idp_free(idp);
}

static void
test_user_codes_follow_the_seed(void **state)
{
	struct idp *a = new_idp(42), *b = new_idp(42), *other = new_idp(43);
	struct dev da = start(a, T0), db = start(b, T0), dother = start(other, T0);
	char norm[9];

	(void)state;
	assert_string_equal(da.user_code, db.user_code);
	assert_string_not_equal(da.user_code, dother.user_code);
	/* device codes are random, never derived from the seed */
	assert_string_not_equal(da.device_code, db.device_code);

	assert_int_equal(idp_normalize_user_code("wdjb-mjht", norm), 0);
	assert_string_equal(norm, "WDJBMJHT");
	assert_int_equal(idp_normalize_user_code(" WDJB MJHT ", norm), 0);
	assert_int_equal(idp_normalize_user_code("WDJB-MJH", norm), -1);
	assert_int_equal(idp_normalize_user_code("WDJB-MJHTX", norm), -1);
	assert_int_equal(idp_normalize_user_code("WDJB-MJH0", norm), -1); /* 0 not in alphabet */
	idp_free(a);
	idp_free(b);
	idp_free(other);
}

static void
test_pending_and_slow_down(void **state)
{
	struct idp *idp = new_idp(1);
	struct dev d = start(idp, T0);
	struct call c;

	(void)state;
	c = poll_once(idp, &d, T0 + 5);
	assert_error(&c, 400, "authorization_pending");
	call_release(&c);
	/* 2 s later: too fast, interval grows to 10 s */
	c = poll_once(idp, &d, T0 + 7);
	assert_error(&c, 400, "slow_down");
	call_release(&c);
	/* 5 s later is now too fast too (needs 10): 15 s */
	c = poll_once(idp, &d, T0 + 12);
	assert_error(&c, 400, "slow_down");
	call_release(&c);
	c = poll_once(idp, &d, T0 + 26);
	assert_error(&c, 400, "slow_down");
	call_release(&c);
	/* interval is 20 s now; 20 s later is fine */
	c = poll_once(idp, &d, T0 + 46);
	assert_error(&c, 400, "authorization_pending");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 70, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth"
		 "%%3Agrant-type%%3Adevice_code&device_code=%s&client_id=other", d.device_code);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 70, "grant_type=urn%%3Aietf%%3Aparams%%3Aoauth"
		 "%%3Agrant-type%%3Adevice_code&device_code=sbx-dc-nope");
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	idp_free(idp);
}

static void
test_expired_code(void **state)
{
	struct idp *idp = new_idp(1);
	struct dev d = start(idp, T0);
	struct call c;

	(void)state;
	c = poll_once(idp, &d, T0 + 600);
	assert_error(&c, 400, "expired_token");
	call_release(&c);
	assert_int_equal(idp_approve(idp, d.user_code, T0 + 601), -1);
	c = poll_once(idp, &d, T0 + 700);
	assert_error(&c, 400, "expired_token");
	call_release(&c);
	idp_free(idp);
}

static void
test_denied(void **state)
{
	struct idp *idp = new_idp(1);
	struct dev d = start(idp, T0);
	struct call c;

	(void)state;
	assert_int_equal(idp_deny(idp, d.user_code, T0 + 3), 0);
	assert_int_equal(idp_approve(idp, d.user_code, T0 + 4), -1); /* decided already */
	c = poll_once(idp, &d, T0 + 5);
	assert_error(&c, 400, "access_denied");
	call_release(&c);
	assert_int_equal(idp_deny(idp, "not a code", T0), -1);
	idp_free(idp);
}

static void
test_approval_issues_tokens_once(void **state)
{
	struct idp *idp = new_idp(1);
	struct dev d = start(idp, T0);
	struct call c;
	char lower[16];

	(void)state;
	/* the control API accepts the code in lower case and without its dash */
	for (size_t i = 0, o = 0; i <= strlen(d.user_code); i++)
		if (d.user_code[i] != '-')
			lower[o++] = (char)(d.user_code[i] | (d.user_code[i] ? 0x20 : 0));
	assert_int_equal(idp_approve(idp, lower, T0 + 10), 0);
	c = poll_once(idp, &d, T0 + 11);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(&c, "token_type"), "Bearer");
	assert_int_equal(json_integer_value(json_object_get(c.json, "expires_in")), 900);
	assert_non_null(jstr(&c, "access_token"));
	assert_non_null(jstr(&c, "refresh_token"));
	assert_string_not_equal(jstr(&c, "access_token"), jstr(&c, "refresh_token"));
	assert_non_null(jstr(&c, "id_token"));
	assert_non_null(strchr(strchr(jstr(&c, "id_token"), '.') + 1, '.'));
	assert_string_equal(header(&c.resp, "Cache-Control"), "no-store");
	call_release(&c);
	/* a device code is good for one sign-in */
	c = poll_once(idp, &d, T0 + 20);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	idp_free(idp);
}

static void
test_userinfo(void **state)
{
	struct idp *idp = new_idp(1);
	struct signin s = sign_in(idp, T0);
	struct call c;

	(void)state;
	c = do_call(idp, "GET", "/oidc/userinfo", NULL, s.access, T0 + 2);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(&c, "sub"), "sbx-canbo-0001");
	assert_string_equal(jstr(&c, "HoVaTen"), "Đặng Thị Thu Hà");
	assert_string_equal(jstr(&c, "SoDinhDanh"), "999000000001");
	assert_non_null(jstr(&c, "TechID"));
	assert_non_null(jstr(&c, "NgayThangNamSinh"));
	assert_int_equal(json_integer_value(json_object_get(c.json, "LoaiTaiKhoan")), 3);
	call_release(&c);

	/* no token: a challenge without an error code (RFC 6750 §3.1) */
	c = do_call(idp, "GET", "/oidc/userinfo", NULL, NULL, T0 + 2);
	assert_int_equal(c.resp.status, 401);
	assert_null(strstr(header(&c.resp, "WWW-Authenticate"), "error="));
	call_release(&c);
	c = do_call(idp, "GET", "/oidc/userinfo", NULL, "sbx-at-made-up", T0 + 2);
	assert_int_equal(c.resp.status, 401);
	assert_non_null(strstr(header(&c.resp, "WWW-Authenticate"), "invalid_token"));
	call_release(&c);
	/* expired by the sandbox clock */
	c = do_call(idp, "GET", "/oidc/userinfo", NULL, s.access, T0 + 1 + 900);
	assert_int_equal(c.resp.status, 401);
	call_release(&c);
	idp_free(idp);
}

static void
test_rotation_and_reuse(void **state)
{
	struct idp *idp = new_idp(1);
	struct signin s = sign_in(idp, T0);
	char rt2[128], at2[128], sys[128];
	struct call c;
	int status;

	(void)state;
	c = exchange(idp, s.access, "audience=tuphap", T0 + 5);
	assert_int_equal(c.resp.status, 200);
	snprintf(sys, sizeof sys, "%s", jstr(&c, "access_token"));
	call_release(&c);

	c = refresh(idp, s.refresh, T0 + 100);
	assert_int_equal(c.resp.status, 200);
	snprintf(rt2, sizeof rt2, "%s", jstr(&c, "refresh_token"));
	snprintf(at2, sizeof at2, "%s", jstr(&c, "access_token"));
	assert_string_not_equal(rt2, s.refresh);
	assert_string_not_equal(at2, s.access);
	call_release(&c);
	/* the new pair works; the old access token still lives until it expires */
	assert_int_equal(check(idp, at2, ISSUER, T0 + 101, &status), 0);
	assert_int_equal(check(idp, s.access, ISSUER, T0 + 101, &status), 0);

	/* reuse of the rotated token: invalid_grant, and the whole family dies */
	c = refresh(idp, s.refresh, T0 + 200);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	c = refresh(idp, rt2, T0 + 201);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	assert_int_equal(check(idp, at2, ISSUER, T0 + 202, &status), -1);
	assert_int_equal(status, 401);
	assert_int_equal(check(idp, s.access, ISSUER, T0 + 202, &status), -1);
	assert_int_equal(check(idp, sys, "tuphap", T0 + 202, &status), -1);
	c = exchange(idp, at2, "audience=congan", T0 + 203);
	assert_error(&c, 400, "invalid_request");
	call_release(&c);

	/* another sign-in is untouched */
	s = sign_in(idp, T0 + 300);
	c = refresh(idp, s.refresh, T0 + 301);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	idp_free(idp);
}

static void
test_refresh_errors(void **state)
{
	struct idp *idp = new_idp(1);
	struct signin s = sign_in(idp, T0);
	struct call c;

	(void)state;
	c = post(idp, "/oidc/token", T0 + 1, "grant_type=refresh_token");
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	c = refresh(idp, "sbx-rt-made-up", T0 + 1);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	/* an access token is not a refresh token */
	c = refresh(idp, s.access, T0 + 1);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 1, "grant_type=refresh_token&refresh_token=%s"
		 "&client_id=someone-else", s.refresh);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	/* refresh tokens live 8 h by default */
	c = refresh(idp, s.refresh, T0 + 1 + 8 * 3600);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 1, "grant_type=password&username=x");
	assert_error(&c, 400, "unsupported_grant_type");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 1, "foo=bar");
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	idp_free(idp);
}

static void
test_exchange_and_audience(void **state)
{
	struct idp *idp = new_idp(1);
	struct signin s = sign_in(idp, T0);
	char tp[128], ca[128];
	struct call c;
	int status;

	(void)state;
	c = exchange(idp, s.access, "audience=tuphap", T0 + 5);
	assert_int_equal(c.resp.status, 200);
	assert_string_equal(jstr(&c, "issued_token_type"), AT_TYPE);
	assert_string_equal(jstr(&c, "token_type"), "Bearer");
	assert_int_equal(json_integer_value(json_object_get(c.json, "expires_in")), 900);
	snprintf(tp, sizeof tp, "%s", jstr(&c, "access_token"));
	call_release(&c);
	/* resource = the system's base URL, with or without a trailing slash */
	c = exchange(idp, s.access, "resource=http%3A%2F%2F127.0.0.1%3A18080%2Fcongan%2F",
		     T0 + 5);
	assert_int_equal(c.resp.status, 200);
	snprintf(ca, sizeof ca, "%s", jstr(&c, "access_token"));
	call_release(&c);

	/* each token is good for its own system only, and not for the provider */
	assert_int_equal(check(idp, tp, "tuphap", T0 + 6, &status), 0);
	assert_int_equal(check(idp, tp, "congan", T0 + 6, &status), -1);
	assert_int_equal(status, 401);
	assert_int_equal(check(idp, ca, "congan", T0 + 6, &status), 0);
	assert_int_equal(check(idp, ca, "tuphap", T0 + 6, &status), -1);
	assert_int_equal(check(idp, s.access, "tuphap", T0 + 6, &status), -1);
	c = do_call(idp, "GET", "/oidc/userinfo", NULL, tp, T0 + 6);
	assert_int_equal(c.resp.status, 401);
	call_release(&c);

	c = exchange(idp, s.access, "audience=nnmt", T0 + 7);
	assert_error(&c, 400, "invalid_target");
	call_release(&c);
	c = exchange(idp, s.access, "audience=tuphap&resource=http%3A%2F%2F127.0.0.1%3A18080"
		     "%2Fcongan", T0 + 7);
	assert_error(&c, 400, "invalid_target");
	call_release(&c);
	c = exchange(idp, s.access, "scope=x", T0 + 7);
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	/* a system's token cannot buy another system's token */
	c = exchange(idp, tp, "audience=congan", T0 + 7);
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 7, "grant_type=%s&subject_token=%s"
		 "&subject_token_type=urn:ietf:params:oauth:token-type:refresh_token"
		 "&audience=tuphap", EXCHANGE, s.refresh);
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	c = post(idp, "/oidc/token", T0 + 7, "grant_type=%s&audience=tuphap", EXCHANGE);
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	/* tokens expire by the sandbox clock */
	assert_int_equal(check(idp, tp, "tuphap", T0 + 5 + 899, &status), 0);
	assert_int_equal(check(idp, tp, "tuphap", T0 + 5 + 900, &status), -1);
	/* the subject token expired: the client must refresh first */
	c = exchange(idp, s.access, "audience=tuphap", T0 + 1 + 900);
	assert_error(&c, 400, "invalid_request");
	call_release(&c);

	/* no bearer at all */
	{
		struct sbx_request req = {.method = "GET", .path = "/tuphap/x", .now = T0};
		struct sbx_response resp;
		sbx_response_init(&resp);
		assert_int_equal(idp_check_token(idp, &req, "tuphap", NULL, &resp), -1);
		assert_int_equal(resp.status, 401);
		assert_string_equal(header(&resp, "WWW-Authenticate"), "Bearer realm=\"tuphap\"");
		sbx_response_release(&resp);
	}
	idp_free(idp);
}

static void
test_revocation(void **state)
{
	struct idp *idp = new_idp(1);
	struct signin a = sign_in(idp, T0), b = sign_in(idp, T0);
	char sys[128];
	struct call c;
	int status;

	(void)state;
	c = exchange(idp, a.access, "audience=congan", T0 + 2);
	snprintf(sys, sizeof sys, "%s", jstr(&c, "access_token"));
	call_release(&c);

	/* revoking an access token ends that token only */
	c = post(idp, "/oidc/revoke", T0 + 3, "token=%s&token_type_hint=access_token", b.access);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	assert_int_equal(check(idp, b.access, ISSUER, T0 + 3, &status), -1);
	c = refresh(idp, b.refresh, T0 + 4);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);

	/* revoking a refresh token ends the sign-in */
	c = post(idp, "/oidc/revoke", T0 + 5, "token=%s", a.refresh);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	assert_int_equal(check(idp, a.access, ISSUER, T0 + 5, &status), -1);
	assert_int_equal(check(idp, sys, "congan", T0 + 5, &status), -1);
	c = refresh(idp, a.refresh, T0 + 6);
	assert_error(&c, 400, "invalid_grant");
	call_release(&c);

	/* unknown tokens are fine (RFC 7009 §2.2); a missing one is not */
	c = post(idp, "/oidc/revoke", T0 + 7, "token=sbx-rt-made-up");
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	c = post(idp, "/oidc/revoke", T0 + 7, "client_id=motcua");
	assert_error(&c, 400, "invalid_request");
	call_release(&c);
	idp_free(idp);
}

static void
test_verification_page(void **state)
{
	struct idp *idp = new_idp(1);
	struct dev d = start(idp, T0), d2 = start(idp, T0);
	struct call c;
	struct sbx_header arg = {"user_code", "<b>x</b>"};
	struct sbx_request req = {0};

	(void)state;
	req.method = "GET";
	req.path = "/oidc/device";
	req.args = &arg;
	req.n_args = 1;
	req.now = T0;
	sbx_response_init(&c.resp);
	assert_true(idp_handle(idp, &req, &c.resp));
	assert_int_equal(c.resp.status, 200);
	assert_non_null(strstr(header(&c.resp, "Content-Type"), "text/html"));
	assert_non_null(strstr(c.resp.body, "Đồng ý"));
	assert_non_null(strstr(c.resp.body, "&lt;b&gt;x&lt;/b&gt;"));
	assert_null(strstr(c.resp.body, "<b>x</b>"));
	sbx_response_release(&c.resp);

	c = post(idp, "/oidc/device", T0 + 1, "user_code=%s&action=approve", d.user_code);
	assert_int_equal(c.resp.status, 200);
	assert_non_null(strstr(c.resp.body, "Đã đồng ý"));
	call_release(&c);
	c = poll_once(idp, &d, T0 + 6);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);

	c = post(idp, "/oidc/device", T0 + 1, "user_code=%s&action=deny", d2.user_code);
	assert_int_equal(c.resp.status, 200);
	call_release(&c);
	c = poll_once(idp, &d2, T0 + 6);
	assert_error(&c, 400, "access_denied");
	call_release(&c);

	c = post(idp, "/oidc/device", T0 + 1, "user_code=BCDF-GHJK&action=approve");
	assert_int_equal(c.resp.status, 400);
	call_release(&c);
	c = post(idp, "/oidc/device", T0 + 1, "user_code=%s&action=maybe", d2.user_code);
	assert_int_equal(c.resp.status, 400);
	call_release(&c);
	idp_free(idp);
}

static void
test_memory_is_bounded(void **state)
{
	struct idp *idp = new_idp(9);
	size_t devices, tokens;
	struct call c;

	(void)state;
	for (int i = 0; i < 50; i++) {
		struct signin s = sign_in(idp, T0);
		c = exchange(idp, s.access, "audience=tuphap", T0 + 2);
		call_release(&c);
		(void)start(idp, T0);
	}
	idp_counts(idp, &devices, &tokens);
	assert_int_equal(devices, 50);      /* the approved ones were consumed */
	assert_int_equal(tokens, 150);
	/* after every TTL has passed, any request sweeps everything away */
	c = do_call(idp, "GET", "/.well-known/openid-configuration", NULL, NULL,
		    T0 + 9 * 3600);
	call_release(&c);
	idp_counts(idp, &devices, &tokens);
	assert_int_equal(devices, 0);
	assert_int_equal(tokens, 0);

	/* pending device codes are capped */
	for (int i = 0; i < 4096; i++)
		(void)start(idp, T0 + 10 * 3600);
	c = post(idp, "/oidc/device_authorization", T0 + 10 * 3600, "client_id=motcua");
	assert_error(&c, 503, "temporarily_unavailable");
	call_release(&c);
	idp_free(idp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discovery),
		cmocka_unit_test(test_device_authorization),
		cmocka_unit_test(test_user_codes_follow_the_seed),
		cmocka_unit_test(test_pending_and_slow_down),
		cmocka_unit_test(test_expired_code),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_approval_issues_tokens_once),
		cmocka_unit_test(test_userinfo),
		cmocka_unit_test(test_rotation_and_reuse),
		cmocka_unit_test(test_refresh_errors),
		cmocka_unit_test(test_exchange_and_audience),
		cmocka_unit_test(test_revocation),
		cmocka_unit_test(test_verification_page),
		cmocka_unit_test(test_memory_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
