/*
 * test_auth.c - the sign-in client against the sandbox's real provider over
 * real HTTP on loopback (sbx_http + idp in this process, the client on
 * src/net), with an in-memory keyring: approval, denial, expiry, slow_down,
 * rotation stored before use, reuse detection, per-system audiences, a
 * provider clock running ahead, lost refresh answers, offline, sign-out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/keyring.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "sandbox/http.h"
#include "sandbox/idp.h"

/* struct tokens of auth.c: access, refresh, id_token, expires_in */
int auth_parse_tokens(json_t *j, void *t, const char **why);
char *auth_id_token_subject(const char *jwt);
bool auth_fresh(mc_time expires_at, mc_time issued_at, mc_time t);

enum fault {
	FAULT_NONE,
	FAULT_SLOW_DOWN_ONCE,     /* answer the next device poll with slow_down */
	FAULT_REFRESH_503_UNSEEN, /* refresh answered 503 without reaching the provider, once */
	FAULT_REFRESH_LOST,       /* refresh processed, then the answer lost (500), once */
	FAULT_TOKEN_503,          /* every token request answered 503 */
};

static const struct idp_system systems[] = {
	{"tuphap", "tuphap", "/tuphap", "Bộ Tư pháp"},
	{"congan", "congan", "/congan", "Bộ Công an"},
};

struct server {
	pthread_mutex_t mu;
	struct idp *idp;
	struct sbx_http *http;
	char issuer[64];
	_Atomic int64_t clock_skew; /* s the provider's clock runs ahead */
	enum fault fault;
	int approve;                /* 1 approve, -1 deny, 0 leave pending, at the prompt */
	struct timespec polls[8];
	int n_polls;
	int refreshes;
};

static struct server srv;

static void
handler(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	struct server *s = ctx;
	char *grant;

	pthread_mutex_lock(&s->mu);
	req->now = (mc_time)time(NULL) + atomic_load(&s->clock_skew);
	grant = strcmp(req->path, "/oidc/token") == 0 ? sbx_form_value(req, "grant_type") : NULL;
	if (grant != NULL && strstr(grant, "device_code") != NULL && s->n_polls < 8)
		clock_gettime(CLOCK_MONOTONIC, &s->polls[s->n_polls++]);
	if (grant != NULL && strcmp(grant, "refresh_token") == 0)
		s->refreshes++;
	if (grant != NULL && s->fault == FAULT_TOKEN_503) {
		sbx_response_oauth_error(resp, 503, "temporarily_unavailable", "down");
	} else if (grant != NULL && s->fault == FAULT_SLOW_DOWN_ONCE &&
		   strstr(grant, "device_code") != NULL) {
		s->fault = FAULT_NONE;
		sbx_response_oauth_error(resp, 400, "slow_down", "slow down");
	} else if (grant != NULL && s->fault == FAULT_REFRESH_503_UNSEEN &&
		   strcmp(grant, "refresh_token") == 0) {
		s->fault = FAULT_NONE;
		sbx_response_oauth_error(resp, 503, "temporarily_unavailable", "busy");
	} else if (grant != NULL && s->fault == FAULT_REFRESH_LOST &&
		   strcmp(grant, "refresh_token") == 0) {
		struct sbx_response lost;
		s->fault = FAULT_NONE;
		sbx_response_init(&lost);
		(void)idp_handle(s->idp, req, &lost); /* rotated at the provider ... */
		sbx_response_release(&lost);
		sbx_response_oauth_error(resp, 502, "bad_gateway", "lost"); /* ... answer lost */
	} else if (!idp_handle(s->idp, req, resp)) {
		sbx_response_text(resp, 404, "text/plain", "no");
	}
	free(grant);
	pthread_mutex_unlock(&s->mu);
}

static int
setup(void **state)
{
	struct idp_config cfg = {0};
	const char *err = NULL;

	(void)state;
	memset(&srv, 0, sizeof srv);
	pthread_mutex_init(&srv.mu, NULL);
	srv.http = sbx_http_start("127.0.0.1", 0, handler, &srv, &err);
	if (srv.http == NULL)
		fail_msg("cannot listen: %s", err);
	snprintf(srv.issuer, sizeof srv.issuer, "http://127.0.0.1:%u", sbx_http_port(srv.http));
	cfg.issuer = srv.issuer;
	cfg.systems = systems;
	cfg.n_systems = 2;
	cfg.seed = 5;
	cfg.interval = 1;
	pthread_mutex_lock(&srv.mu);
	srv.idp = idp_new(&cfg);
	pthread_mutex_unlock(&srv.mu);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sbx_http_stop(srv.http);
	idp_free(srv.idp);
	pthread_mutex_destroy(&srv.mu);
	return 0;
}

/* ---- client side ---------------------------------------------------------- */

struct client {
	struct net *net;
	struct auth_keyring *kr;
	struct auth *auth;
};

static struct client
client_new(struct auth_keyring *kr)
{
	struct client c;
	struct auth_options opt = {0};

	c.net = net_new(NULL);
	assert_non_null(c.net);
	c.kr = kr;
	opt.issuer = srv.issuer;
	c.auth = auth_new(c.net, kr, &opt);
	return c;
}

static void
client_free(struct client *c)
{
	auth_free(c->auth);
	net_free(c->net);
}

struct result {
	bool done;
	enum auth_status status;
	char token[128];
	bool prompted;
	int interval;
};

static void
on_done(struct auth *a, enum auth_status st, const char *detail, void *arg)
{
	struct result *r = arg;

	(void)a;
	(void)detail;
	r->done = true;
	r->status = st;
}

static void
on_token(struct auth *a, enum auth_status st, const char *token, const char *detail, void *arg)
{
	struct result *r = arg;

	(void)a;
	(void)detail;
	r->done = true;
	r->status = st;
	snprintf(r->token, sizeof r->token, "%s", token != NULL ? token : "");
}

static void
on_prompt(struct auth *a, const struct auth_device_prompt *p, void *arg)
{
	struct result *r = arg;

	(void)a;
	r->prompted = true;
	r->interval = p->interval;
	assert_non_null(strstr(p->verification_uri_complete, p->user_code));
	pthread_mutex_lock(&srv.mu);
	if (srv.approve > 0)
		assert_int_equal(idp_approve(srv.idp, p->user_code,
					     time(NULL) + atomic_load(&srv.clock_skew)), 0);
	else if (srv.approve < 0)
		assert_int_equal(idp_deny(srv.idp, p->user_code,
					  time(NULL) + atomic_load(&srv.clock_skew)), 0);
	else /* nobody approves; the provider's clock runs past the code's life */
		atomic_store(&srv.clock_skew, 601);
	pthread_mutex_unlock(&srv.mu);
}

static void
wait_for(struct client *c, struct result *r)
{
	time_t t0 = time(NULL);

	while (!r->done) {
		assert_true(net_poll(c->net, 200, NULL, 0) >= 0);
		if (time(NULL) - t0 > 60)
			fail_msg("timed out");
	}
	assert_false(auth_busy(c->auth));
}

static enum auth_status
sign_in(struct client *c, int approve)
{
	struct result r = {0};

	srv.approve = approve;
	auth_sign_in(c->auth, on_prompt, on_done, &r);
	wait_for(c, &r);
	assert_true(r.prompted);
	return r.status;
}

static enum auth_status
system_token(struct client *c, const char *name, char *out, size_t size)
{
	struct result r = {0};

	auth_system_token(c->auth, name, on_token, &r);
	wait_for(c, &r);
	if (out != NULL)
		snprintf(out, size, "%s", r.token);
	return r.status;
}

static enum auth_status
resume(struct client *c)
{
	struct result r = {0};

	auth_resume(c->auth, on_done, &r);
	wait_for(c, &r);
	return r.status;
}

/* Does the provider accept this token for that audience right now? */
static bool
accepted(const char *token, const char *audience)
{
	char auth[256];
	struct sbx_header h = {"Authorization", auth};
	struct sbx_request req = {.method = "GET", .path = "/x", .headers = &h, .n_headers = 1};
	struct sbx_response resp;
	int rc;

	snprintf(auth, sizeof auth, "Bearer %s", token);
	sbx_response_init(&resp);
	pthread_mutex_lock(&srv.mu);
	req.now = time(NULL) + atomic_load(&srv.clock_skew);
	rc = idp_check_token(srv.idp, &req, audience, NULL, &resp);
	pthread_mutex_unlock(&srv.mu);
	sbx_response_release(&resp);
	return rc == 0;
}

static char *
stored(struct auth_keyring *kr)
{
	char *s = NULL;
	int rc = auth_keyring_lookup(kr, srv.issuer, &s, NULL, NULL);
	return rc == 1 ? s : NULL;
}

/* ---- tests ---------------------------------------------------------------- */

static void
test_sign_in_and_system_tokens(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr);
	struct auth_info info;
	char tp[128], ca[128], again[128];
	char *rt;

	(void)state;
	assert_int_equal(sign_in(&c, 1), AUTH_OK);
	auth_get_info(c.auth, &info);
	assert_true(info.signed_in);
	assert_string_equal(info.name, "Đặng Thị Thu Hà");
	assert_string_equal(info.subject, "sbx-canbo-0001");
	assert_int_equal(info.n_systems, 2);
	rt = stored(kr);
	assert_non_null(rt);
	xfree_secret(rt);

	assert_int_equal(system_token(&c, "tuphap", tp, sizeof tp), AUTH_OK);
	assert_int_equal(system_token(&c, "congan", ca, sizeof ca), AUTH_OK);
	assert_string_not_equal(tp, ca);
	assert_true(accepted(tp, "tuphap"));
	assert_false(accepted(tp, "congan"));
	assert_true(accepted(ca, "congan"));
	assert_false(accepted(ca, "tuphap"));
	/* cached while fresh */
	assert_int_equal(system_token(&c, "tuphap", again, sizeof again), AUTH_OK);
	assert_string_equal(again, tp);
	/* a 401 from the system makes the next call exchange anew */
	auth_invalidate(c.auth, "tuphap");
	assert_int_equal(system_token(&c, "tuphap", again, sizeof again), AUTH_OK);
	assert_string_not_equal(again, tp);
	assert_int_equal(system_token(&c, "nnmt", NULL, 0), AUTH_UNKNOWN_SYSTEM);
	client_free(&c);
	auth_keyring_free(kr);
}

static void
test_resume_rotates_and_reuse_revokes(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr), c2, c3;
	char *rt1, *rt2;
	char tok[128];

	(void)state;
	assert_int_equal(sign_in(&c, 1), AUTH_OK);
	assert_int_equal(system_token(&c, "tuphap", tok, sizeof tok), AUTH_OK);
	rt1 = stored(kr);
	client_free(&c);

	/* "a new process": a new auth on the same keyring resumes without sign-in */
	c2 = client_new(kr);
	assert_int_equal(resume(&c2), AUTH_OK);
	rt2 = stored(kr);
	assert_string_not_equal(rt1, rt2); /* rotated, and the new one stored */
	assert_int_equal(system_token(&c2, "congan", NULL, 0), AUTH_OK);
	client_free(&c2);

	/* someone replays the rotated token: the provider revokes the family */
	auth_keyring_store(kr, srv.issuer, "x", rt1, NULL);
	c3 = client_new(kr);
	assert_int_equal(resume(&c3), AUTH_REVOKED);
	assert_null(stored(kr)); /* the dead token is gone; a clear message asks to sign in */
	assert_false(accepted(tok, "tuphap"));
	client_free(&c3);

	/* and the newer token of that family is dead too */
	auth_keyring_store(kr, srv.issuer, "x", rt2, NULL);
	c3 = client_new(kr);
	assert_int_equal(resume(&c3), AUTH_REVOKED);
	client_free(&c3);
	xfree_secret(rt1);
	xfree_secret(rt2);

	c3 = client_new(kr);
	assert_int_equal(resume(&c3), AUTH_NO_SESSION);
	client_free(&c3);
	auth_keyring_free(kr);
}

static void
test_denied_and_expired(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr);

	(void)state;
	assert_int_equal(sign_in(&c, -1), AUTH_DENIED);
	assert_null(stored(kr));
	assert_int_equal(sign_in(&c, 0), AUTH_EXPIRED);
	atomic_store(&srv.clock_skew, 0);
	assert_null(stored(kr));
	client_free(&c);
	auth_keyring_free(kr);
}

static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
test_slow_down_adds_five_seconds(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr);

	(void)state;
	srv.n_polls = 0;
	srv.fault = FAULT_SLOW_DOWN_ONCE;
	assert_int_equal(sign_in(&c, 1), AUTH_OK);
	assert_int_equal(srv.n_polls, 2);
	/* interval 1 s, +5 after slow_down: the second poll came >= 6 s later */
	assert_true(seconds_between(&srv.polls[0], &srv.polls[1]) >= 5.9);
	client_free(&c);
	auth_keyring_free(kr);
}

static void
test_provider_clock_ahead(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr);

	(void)state;
	assert_int_equal(sign_in(&c, 1), AUTH_OK);
	/* the provider's clock jumps past the access token's life; the client's
	 * copy still looks fresh, the exchange is refused, the client refreshes
	 * once and gets its token */
	atomic_store(&srv.clock_skew, 1000);
	srv.refreshes = 0;
	assert_int_equal(system_token(&c, "tuphap", NULL, 0), AUTH_OK);
	assert_int_equal(srv.refreshes, 1);
	atomic_store(&srv.clock_skew, 0);
	client_free(&c);
	auth_keyring_free(kr);
}

static void
test_lost_refresh_answers(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr), c2;
	char *before, *after;

	(void)state;
	assert_int_equal(sign_in(&c, 1), AUTH_OK);
	client_free(&c);

	/* the first attempt never reached the provider: the retry with the same
	 * token succeeds and the session goes on */
	srv.fault = FAULT_REFRESH_503_UNSEEN;
	srv.refreshes = 0;
	c2 = client_new(kr);
	assert_int_equal(resume(&c2), AUTH_OK);
	assert_int_equal(srv.refreshes, 2);
	client_free(&c2);

	/* the provider down for good: offline, and the stored token untouched */
	before = stored(kr);
	srv.fault = FAULT_TOKEN_503;
	c2 = client_new(kr);
	assert_int_equal(resume(&c2), AUTH_OFFLINE);
	after = stored(kr);
	assert_string_equal(before, after);
	xfree_secret(after);
	client_free(&c2);
	srv.fault = FAULT_NONE;
	c2 = client_new(kr);
	assert_int_equal(resume(&c2), AUTH_OK);
	client_free(&c2);

	/* the provider rotated but its answer was lost: the old token is spent;
	 * the retry is reuse, the sign-in ends, and that is reported, not hidden */
	srv.fault = FAULT_REFRESH_LOST;
	c2 = client_new(kr);
	assert_int_equal(resume(&c2), AUTH_REVOKED);
	client_free(&c2);
	xfree_secret(before);
	auth_keyring_free(kr);
}

static void
test_sign_out_revokes(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct client c = client_new(kr), c2;
	struct result r = {0};
	char tok[128];
	char *rt;

	(void)state;
	assert_int_equal(sign_in(&c, 1), AUTH_OK);
	assert_int_equal(system_token(&c, "congan", tok, sizeof tok), AUTH_OK);
	rt = stored(kr);
	auth_sign_out(c.auth, on_done, &r);
	wait_for(&c, &r);
	assert_int_equal(r.status, AUTH_OK);
	assert_null(stored(kr));
	assert_false(accepted(tok, "congan"));
	client_free(&c);
	/* the revoked token does not come back to life */
	auth_keyring_store(kr, srv.issuer, "x", rt, NULL);
	c2 = client_new(kr);
	assert_int_equal(resume(&c2), AUTH_REVOKED);
	client_free(&c2);
	xfree_secret(rt);
	auth_keyring_free(kr);
}

static void
test_provider_unreachable(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct net *net = net_new(NULL);
	struct auth_options opt = {.issuer = "http://127.0.0.1:1"};
	struct auth *a = auth_new(net, kr, &opt);
	struct result r = {0};

	(void)state;
	auth_keyring_store(kr, "http://127.0.0.1:1", "x", "sbx-rt-test-only", NULL);
	auth_resume(a, on_done, &r);
	while (!r.done)
		assert_true(net_poll(net, 200, NULL, 0) >= 0);
	assert_int_equal(r.status, AUTH_OFFLINE);
	/* nothing lost */
	{
		char *s = NULL;
		assert_int_equal(auth_keyring_lookup(kr, "http://127.0.0.1:1", &s, NULL, NULL), 1);
		assert_string_equal(s, "sbx-rt-test-only");
		xfree_secret(s);
	}
	auth_free(a);
	net_free(net);
	auth_keyring_free(kr);
}

/* Nothing kept: "not signed in" at once, without a request (a fresh terminal
 * whose provider is down then offers the sign-in, not an empty offline inbox). */
static void
test_resume_nothing_kept(void **state)
{
	struct auth_keyring *kr = auth_keyring_memory();
	struct net *net = net_new(NULL);
	struct auth_options opt = {.issuer = "http://127.0.0.1:1"};
	struct auth *a = auth_new(net, kr, &opt);
	struct result r = {0};

	(void)state;
	auth_resume(a, on_done, &r);
	assert_true(r.done);
	assert_int_equal(r.status, AUTH_NO_SESSION);
	assert_int_equal(net_pending(net), 0);
	assert_int_equal(net_counters(net, NULL, NULL).requests, 0);
	auth_free(a);
	net_free(net);
	auth_keyring_free(kr);
}

static void
test_parsers(void **state)
{
	struct {
		const char *a, *r, *i;
		long e;
	} t;
	const char *why = NULL;
	json_t *j;
	char *sub;

	(void)state;
	j = json_pack("{s:s, s:s, s:s}", "access_token", "a", "token_type", "bearer", "expires_in",
		      "60");
	assert_int_equal(auth_parse_tokens(j, &t, &why), 0);
	assert_int_equal(t.e, 60);
	assert_null(t.r);
	json_decref(j);
	j = json_pack("{s:s, s:s}", "access_token", "a", "token_type", "mac");
	assert_int_equal(auth_parse_tokens(j, &t, &why), -1);
	json_decref(j);
	j = json_pack("{s:s}", "token_type", "Bearer");
	assert_int_equal(auth_parse_tokens(j, &t, &why), -1);
	json_decref(j);
	/* {"sub":"abc"} */
	sub = auth_id_token_subject("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhYmMifQ.x");
	assert_string_equal(sub, "abc");
	free(sub);
	assert_null(auth_id_token_subject("not-a-jwt"));
	assert_true(auth_fresh(1000, 100, 700));
	assert_false(auth_fresh(1000, 100, 900)); /* margin: 120 s */
	assert_false(auth_fresh(1000, 990, 996)); /* margin: at least 5 s */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parsers),
		cmocka_unit_test_setup_teardown(test_sign_in_and_system_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_rotates_and_reuse_revokes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_denied_and_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_down_adds_five_seconds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_clock_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_refresh_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sign_out_revokes, setup, teardown),
		cmocka_unit_test(test_provider_unreachable),
		cmocka_unit_test(test_resume_nothing_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
