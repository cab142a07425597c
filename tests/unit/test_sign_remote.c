/*
 * test_sign_remote.c - the remote signer (src/sign/remote.c) against the
 * sandbox's CSC service over real HTTP on 127.0.0.1: a batch signed with
 * one OTP, RSA-PSS and ECDSA credentials, signatures that motcua and
 * `openssl cms -verify` both accept, and the failure paths a clerk meets:
 * a rejected OTP, no OTP entered, a refused access token, the service down.
 * None of them leaves an output file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "net/net.h"
#include "sandbox/csc.h"
#include "sandbox/http.h"
#include "sign/sign.h"
#include "sign_fixture.h"

#define TOKEN SFX_TOKEN

static void
handler(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	req->now = time(NULL);
	if (!csc_handle(ctx, req, resp))
		sbx_response_oauth_error(resp, 404, "not_found", "not here");
}

struct env {
	struct csc *csc;
	struct sbx_http *srv;
	struct net *net;
	char url[96];
	char dir[64];
};

/* What the OTP prompt does in a test. */
struct asker {
	struct env *env;
	const char *credential;
	const char *fixed;   /* answer this instead of the real OTP */
	bool refuse;         /* no answer at all */
	int calls;
};

static int
ask(void *arg, enum sign_secret_kind kind, const char *prompt, struct sign_secret *out)
{
	struct asker *a = arg;
	const char *otp = a->fixed != NULL ? a->fixed
					   : csc_pending_otp(a->env->csc, a->credential);

	assert_int_equal(kind, SIGN_SECRET_OTP);
	assert_non_null(strstr(prompt, "OTP"));
	a->calls++;
	if (a->refuse || otp == NULL)
		return -1;
	out->len = strlen(otp);
	memcpy(out->value, otp, out->len + 1);
	return 0;
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	const char *err = NULL;

	e->csc = sfx_csc_new();
	e->srv = sbx_http_start("127.0.0.1", 0, handler, e->csc, &err);
	e->net = net_new(NULL);
	if (e->csc == NULL || e->srv == NULL || e->net == NULL)
		return -1;
	snprintf(e->url, sizeof(e->url), "http://127.0.0.1:%u/csc/v2", sbx_http_port(e->srv));
	sfx_tmpdir(e->dir, sizeof(e->dir), "/tmp/motcua-test-remote-XXXXXX");
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	int rc = sfx_sandbox_stop(e->net, e->srv, NULL, e->csc, e->dir);

	free(e);
	return rc;
}

static struct signer *
open_signer(struct env *e, const char *token, struct asker *a, struct sign_error *err,
	    int *rc)
{
	struct sign_remote_config cfg = {e->url, token, e->net, ask, a};
	struct signer *s = sign_remote_new(&cfg);

	*rc = signer_open(s, err);
	return s;
}

static void
path_in(const struct env *e, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", e->dir, name);
}

/* The CA that came with the credential, as a PEM file for verification. */
static void
write_ca(const struct sign_key *key, const char *path)
{
	assert_non_null(key->chain);
	sfx_write_pem(path, sk_X509_value(key->chain, 0));
}

static void
openssl_accepts(const char *doc, const char *sig, const char *ca)
{
	char cmd[1024];

	if (system("openssl version >/dev/null 2>&1") != 0)
		return; /* the verify step of sign_files already ran */
	snprintf(cmd, sizeof(cmd),
		 "openssl cms -verify -binary -inform DER -content '%s' -in '%s' -CAfile '%s' "
		 "-purpose any -out /dev/null 2>/dev/null",
		 doc, sig, ca);
	assert_int_equal(system(cmd), 0);
}

static void
sign_and_check(struct env *e, const char *credential, const char *tag)
{
	struct asker a = {e, credential, NULL, false, 0};
	struct sign_error err = {SIGN_OK, ""};
	const struct sign_key *key = NULL;
	char doc[2][128], sig[2][128], ca[128], name[32];
	struct sign_job jobs[2];
	struct sign_verify_result r;
	int rc;
	struct signer *s = open_signer(e, TOKEN, &a, &err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(signer_pick_key(s, credential, &key, &err), 0);
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "%s-%d.txt", tag, i);
		path_in(e, name, doc[i], sizeof(doc[i]));
		snprintf(name, sizeof(name), "%s-%d.txt.p7s", tag, i);
		path_in(e, name, sig[i], sizeof(sig[i]));
		sfx_write_file(doc[i], i == 0 ? "Trích lục khai sinh (thử nghiệm)\n" : "Bản sao\n");
		jobs[i] = (struct sign_job){doc[i], sig[i], SIGN_ERR_DEVICE, ""};
	}
	assert_int_equal(sign_files(s, key, jobs, 2, time(NULL)), 2);
	assert_int_equal(a.calls, 1); /* one OTP for the batch */
	path_in(e, "ca.pem", ca, sizeof(ca));
	write_ca(key, ca);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sign_verify_file(doc[i], sig[i], ca, &r), 0);
		assert_string_equal(r.signer_cn, "Cán bộ Thử nghiệm (sandbox)");
		openssl_accepts(doc[i], sig[i], ca);
	}
	signer_close(s);
}

static void
test_batch_rsa_pss(void **state)
{
	sign_and_check(*state, "sandbox-rsa-01", "rsa");
}

static void
test_batch_ecdsa(void **state)
{
	sign_and_check(*state, "sandbox-ec-01", "ec");
}

static void
expect_failure(struct env *e, struct asker *a, enum sign_status want)
{
	struct sign_error err = {SIGN_OK, ""};
	const struct sign_key *key = NULL;
	char doc[128], sig[128];
	int rc;
	struct signer *s = open_signer(e, TOKEN, a, &err, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(signer_pick_key(s, a->credential, &key, &err), 0);
	path_in(e, "refused.txt", doc, sizeof(doc));
	path_in(e, "refused.txt.p7s", sig, sizeof(sig));
	sfx_write_file(doc, "x\n");
	struct sign_job job = {doc, sig, SIGN_OK, ""};
	assert_int_equal(sign_files(s, key, &job, 1, time(NULL)), 0);
	assert_int_equal(job.status, want);
	assert_int_equal(access(sig, F_OK), -1);
	signer_close(s);
}

static void
test_rejected_otp(void **state)
{
	struct asker a = {*state, "sandbox-rsa-01", "wrong-otp", false, 0};

	expect_failure(*state, &a, SIGN_ERR_OTP_REJECTED);
	assert_int_equal(a.calls, 1);
}

static void
test_no_otp_entered(void **state)
{
	struct asker a = {*state, "sandbox-ec-01", NULL, true, 0};

	expect_failure(*state, &a, SIGN_ERR_CANCELLED);
}

static void
test_refused_token(void **state)
{
	struct env *e = *state;
	struct asker a = {e, "sandbox-rsa-01", NULL, false, 0};
	struct sign_error err = {SIGN_OK, ""};
	int rc;
	struct signer *s = open_signer(e, "expired-synthetic-token", &a, &err, &rc);

	assert_int_equal(rc, -1);
	assert_int_equal(err.status, SIGN_ERR_UNAUTHORIZED);
	assert_non_null(strstr(err.detail, "401"));
	signer_close(s);
}

static void
test_service_down(void **state)
{
	struct env *e = *state;
	struct sign_error err = {SIGN_OK, ""};
	struct sign_remote_config cfg = {"http://127.0.0.1:1/csc/v2", TOKEN, e->net, ask, NULL};
	struct signer *s = sign_remote_new(&cfg);

	assert_int_equal(signer_open(s, &err), -1);
	assert_int_equal(err.status, SIGN_ERR_OFFLINE);
	signer_close(s);
}

/* What a proxy in front of a failing or busy service answers. */
static void
failing(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	(void)req;
	sbx_response_text(resp, *(int *)ctx, "text/html; charset=utf-8",
			  "<html><body><h1>502 Bad Gateway</h1></body></html>\n");
}

static void
test_service_failing(void **state)
{
	struct env *e = *state;
	static const int codes[] = {500, 502, 503, 429};

	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		int code = codes[i];
		const char *why = NULL;
		char url[96];
		struct sbx_http *srv = sbx_http_start("127.0.0.1", 0, failing, &code, &why);
		struct sign_error err = {SIGN_OK, ""};

		assert_non_null(srv);
		snprintf(url, sizeof url, "http://127.0.0.1:%u/csc/v2", sbx_http_port(srv));
		struct sign_remote_config cfg = {url, TOKEN, e->net, ask, NULL};
		struct signer *s = sign_remote_new(&cfg);
		assert_int_equal(signer_open(s, &err), -1);
		/* "try again later", not "refused to sign" */
		assert_int_equal(err.status, SIGN_ERR_UNAVAILABLE);
		signer_close(s);
		sbx_http_stop(srv);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch_rsa_pss),
		cmocka_unit_test(test_batch_ecdsa),
		cmocka_unit_test(test_rejected_otp),
		cmocka_unit_test(test_no_otp_entered),
		cmocka_unit_test(test_refused_token),
		cmocka_unit_test(test_service_down),
		cmocka_unit_test(test_service_failing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
