/*
 * test_sign_tsa.c - RFC 3161 timestamps: the client side (src/sign/tsa.c,
 * cms.c's sign_files_ts, verify.c's timestamp checks) against the sandbox's
 * TSA (src/sandbox/tsa.c), both in-process and over real HTTP on 127.0.0.1
 * with the sandbox's CSC service as the signer.
 *
 * What a clerk would notice: a stamped signature that motcua verifies with
 * the TSA's time and name; answers that are not about this signature
 * (another nonce, another imprint) or not a grant refused with the TSA's
 * reason; garbage refused without a crash; an unreachable or refusing TSA
 * failing the file and writing nothing; a token moved from another
 * signature caught at verification.
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

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/ts.h>

#include "config/config.h"
#include "net/net.h"
#include "sandbox/csc.h"
#include "sandbox/http.h"
#include "sandbox/tsa.h"
#include "sign/sign.h"
#include "sign/sign_int.h"
#include "sign_fixture.h"

#define TOKEN SFX_TOKEN
#define NOW ((mc_time)1772420400) /* 2026-03-02T10:00:00+07:00, the sandbox clock */

struct env {
	struct csc *csc;
	struct tsa *tsa;
	struct sbx_http *srv;
	struct net *net;
	char base[64];
	char dir[64];
	char ca[96];
};

static void
handler(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	struct env *e = ctx;

	req->now = NOW;
	if (!csc_handle(e->csc, req, resp) && !tsa_handle(e->tsa, req, resp))
		sbx_response_text(resp, 404, "text/plain", "not here\n");
}

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	const char *err = NULL;
	X509 *ca;
	EVP_PKEY *ca_key;

	e->csc = sfx_csc_new();
	if (e->csc == NULL)
		return -1;
	csc_ca(e->csc, &ca, &ca_key);
	e->tsa = tsa_new(ca, ca_key);
	e->srv = sbx_http_start("127.0.0.1", 0, handler, e, &err);
	e->net = net_new(NULL);
	if (e->tsa == NULL || e->srv == NULL || e->net == NULL)
		return -1;
	snprintf(e->base, sizeof(e->base), "http://127.0.0.1:%u", sbx_http_port(e->srv));
	sfx_tmpdir(e->dir, sizeof(e->dir), "/tmp/motcua-test-tsa-XXXXXX");
	snprintf(e->ca, sizeof(e->ca), "%s/ca.pem", e->dir);
	sfx_write_pem(e->ca, ca);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	int rc = sfx_sandbox_stop(e->net, e->srv, e->tsa, e->csc, e->dir);

	free(e);
	return rc;
}

/* ---- in-process: the request, the sandbox's reply, the checks ---------------- */

static void
fill_md(unsigned char md[32], unsigned char seed)
{
	for (int i = 0; i < 32; i++)
		md[i] = (unsigned char)(seed + i * 7);
}

/* The sandbox TSA's reply to a request for (md, nonce). */
static unsigned char *
reply_for(struct env *e, const unsigned char md[32], uint64_t nonce, bool refuse, size_t *len)
{
	size_t qlen = 0;
	unsigned char *q = sign_tsa_request(md, nonce, &qlen);
	unsigned char *r;

	assert_non_null(q);
	r = tsa_reply(e->tsa, q, qlen, NOW, refuse, len);
	assert_non_null(r);
	free(q);
	return r;
}

/* genTime and serial number of a DER token. */
static void
token_facts(const unsigned char *der, size_t len, time_t *when, uint64_t *serial)
{
	const unsigned char *p = der;
	PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)len);
	TS_TST_INFO *tst = p7 != NULL ? PKCS7_to_TS_TST_INFO(p7) : NULL;
	char oid[64];
	struct tm tm;

	assert_non_null(tst);
	assert_int_equal(ASN1_TIME_to_tm(TS_TST_INFO_get_time(tst), &tm), 1);
	*when = timegm(&tm);
	assert_int_equal(ASN1_INTEGER_get_uint64(serial, TS_TST_INFO_get_serial(tst)), 1);
	assert_true(OBJ_obj2txt(oid, sizeof(oid), TS_TST_INFO_get_policy_id(tst), 1) > 0);
	assert_string_equal(oid, TSA_POLICY_OID);
	TS_TST_INFO_free(tst);
	PKCS7_free(p7);
}

static void
test_round_trip(void **state)
{
	struct env *e = *state;
	unsigned char md[32], *token = NULL, *r;
	size_t len = 0, token_len = 0;
	struct sign_error err = {SIGN_OK, ""};
	uint64_t serial1 = 0, serial2 = 0;
	time_t when = 0;

	fill_md(md, 1);
	r = reply_for(e, md, 0x1122334455667788u, false, &len);
	assert_int_equal(sign_tsa_check_reply(r, len, md, 0x1122334455667788u, &token,
					      &token_len, &err), 0);
	assert_non_null(token);
	token_facts(token, token_len, &when, &serial1);
	assert_int_equal(when, NOW); /* the sandbox clock, not the host's */
	free(token);
	free(r);
	/* the next one has a larger serial number; a nonce with the top bit set works */
	r = reply_for(e, md, UINT64_MAX, false, &len);
	assert_int_equal(sign_tsa_check_reply(r, len, md, UINT64_MAX, &token, &token_len, &err),
			 0);
	token_facts(token, token_len, &when, &serial2);
	assert_true(serial2 > serial1);
	free(token);
	free(r);
}

static void
expect_refused(const unsigned char *r, size_t len, const unsigned char md[32], uint64_t nonce,
	       const char *want)
{
	unsigned char *token = (unsigned char *)"x";
	size_t token_len = 1;
	struct sign_error err = {SIGN_OK, ""};

	assert_int_equal(sign_tsa_check_reply(r, len, md, nonce, &token, &token_len, &err), -1);
	assert_int_equal(err.status, SIGN_ERR_TSA);
	assert_null(token);
	assert_int_equal(token_len, 0);
	if (strstr(err.detail, want) == NULL)
		fail_msg("detail \"%s\" lacks \"%s\"", err.detail, want);
}

static void
test_nonce_mismatch(void **state)
{
	unsigned char md[32], *r;
	size_t len = 0;

	fill_md(md, 2);
	r = reply_for(*state, md, 42, false, &len);
	expect_refused(r, len, md, 43, "nonce mismatch");
	free(r);
}

static void
test_imprint_mismatch(void **state)
{
	unsigned char md[32], other[32], *r;
	size_t len = 0;

	fill_md(md, 3);
	fill_md(other, 4);
	r = reply_for(*state, md, 7, false, &len);
	expect_refused(r, len, other, 7, "messageImprint mismatch");
	free(r);
}

/* A request with another hash algorithm (SHA-1): the TSA says badAlg. */
static unsigned char *
sha1_request(size_t *len)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *imp = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	unsigned char md[20] = {0}, *der = NULL, *out;
	int n;

	assert_true(TS_REQ_set_version(req, 1));
	assert_true(X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha1), V_ASN1_NULL, NULL));
	assert_true(TS_MSG_IMPRINT_set_algo(imp, alg));
	assert_true(TS_MSG_IMPRINT_set_msg(imp, md, sizeof(md)));
	assert_true(TS_REQ_set_msg_imprint(req, imp));
	n = i2d_TS_REQ(req, &der);
	assert_true(n > 0);
	out = malloc((size_t)n);
	memcpy(out, der, (size_t)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(imp);
	TS_REQ_free(req);
	return out;
}

static void
test_rejections(void **state)
{
	struct env *e = *state;
	unsigned char md[32], *r, *q;
	size_t len = 0, qlen = 0;

	fill_md(md, 5);
	r = reply_for(e, md, 9, true, &len);
	expect_refused(r, len, md, 9, "the TSA refused: rejection (timeNotAvailable): sandbox");
	free(r);
	r = tsa_reply(e->tsa, "not a query", 11, NOW, false, &len);
	assert_non_null(r);
	expect_refused(r, len, md, 9, "rejection (badDataFormat)");
	free(r);
	q = sha1_request(&qlen);
	r = tsa_reply(e->tsa, q, qlen, NOW, false, &len);
	assert_non_null(r);
	expect_refused(r, len, md, 9, "rejection (badAlg)");
	free(r);
	free(q);
}

static void
test_garbage_reply(void **state)
{
	struct env *e = *state;
	unsigned char md[32], *r, *copy;
	size_t len = 0;
	static const unsigned char junk[] = "HTTP/1.1 200 OK\r\n\r\n<html>not a TSA</html>";

	fill_md(md, 6);
	expect_refused(junk, sizeof(junk) - 1, md, 1, "not a TimeStampResp");
	expect_refused(junk, 0, md, 1, "not a TimeStampResp");
	r = reply_for(e, md, 1, false, &len);
	copy = malloc(len + 1);
	/* a reply cut short is refused: every length in the headers, then every
	 * 7th (each check parses and verifies; fuzz_tsa goes further) */
	for (size_t n = 0; n < len; n += n < 64 ? 1 : 7) {
		memcpy(copy, r, n);
		expect_refused(copy, n, md, 1, "");
	}
	/* trailing bytes after the reply */
	memcpy(copy, r, len);
	copy[len] = 0;
	expect_refused(copy, len + 1, md, 1, "not a TimeStampResp");
	/* the last byte is in the TSA's signature: that must not verify */
	memcpy(copy, r, len);
	copy[len - 1] ^= 0x01;
	expect_refused(copy, len, md, 1, "signature does not verify");
	/* a flipped bit (every 3rd byte, each bit position in turn): no crash,
	 * and never a different token accepted */
	for (size_t i = 0; i < len; i += 3) {
		unsigned char *token = NULL;
		size_t token_len = 0;
		struct sign_error err = {SIGN_OK, ""};
		memcpy(copy, r, len);
		copy[i] ^= (unsigned char)(1u << (i % 8));
		if (sign_tsa_check_reply(copy, len, md, 1, &token, &token_len, &err) == 0)
			assert_non_null(token);
		else
			assert_int_equal(err.status, SIGN_ERR_TSA);
		free(token);
	}
	free(copy);
	free(r);
}

/* ---- over HTTP: sign_files_ts with the sandbox's CSC signer ------------------- */

static int
ask_otp(void *arg, enum sign_secret_kind kind, const char *prompt, struct sign_secret *out)
{
	struct env *e = arg;
	const char *otp = csc_pending_otp(e->csc, "sandbox-ec-01");

	(void)prompt;
	if (kind != SIGN_SECRET_OTP || otp == NULL)
		return -1;
	out->len = strlen(otp);
	memcpy(out->value, otp, out->len + 1);
	return 0;
}

/* Sign n files (names[i] in the temp dir) with a TSA at tsa_path; returns signed. */
static size_t
sign_some(struct env *e, const char *tsa_path, const char *const *names, size_t n,
	  struct sign_job *jobs, char (*docs)[128], char (*sigs)[128])
{
	char csc_url[128], tsa_url[128];
	struct sign_error err = {SIGN_OK, ""};
	const struct sign_key *key = NULL;
	size_t done;

	snprintf(csc_url, sizeof(csc_url), "%s/csc/v2", e->base);
	if (strncmp(tsa_path, "http", 4) == 0)
		snprintf(tsa_url, sizeof(tsa_url), "%s", tsa_path);
	else
		snprintf(tsa_url, sizeof(tsa_url), "%s%s", e->base, tsa_path);
	struct sign_remote_config cfg = {csc_url, TOKEN, e->net, ask_otp, e};
	struct signer *s = sign_remote_new(&cfg);
	struct sign_tsa tsa = {tsa_url, e->net};

	assert_int_equal(signer_open(s, &err), 0);
	assert_int_equal(signer_pick_key(s, "sandbox-ec-01", &key, &err), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(docs[i], 128, "%s/%s", e->dir, names[i]);
		snprintf(sigs[i], 128, "%s/%s.p7s", e->dir, names[i]);
		sfx_write_file(docs[i], names[i]);
		unlink(sigs[i]);
		jobs[i] = (struct sign_job){docs[i], sigs[i], SIGN_ERR_DEVICE, ""};
	}
	done = sign_files_ts(s, key, jobs, n, time(NULL), &tsa);
	signer_close(s);
	return done;
}

static void
test_sign_and_verify(void **state)
{
	struct env *e = *state;
	static const char *const names[] = {"ket-qua-1.txt", "ket-qua-2.txt"};
	struct sign_job jobs[2];
	char docs[2][128], sigs[2][128];
	struct sign_verify_result r;

	assert_int_equal(sign_some(e, "/tsa", names, 2, jobs, docs, sigs), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(jobs[i].status, SIGN_OK);
		assert_int_equal(sign_verify_file(docs[i], sigs[i], e->ca, &r), 0);
		assert_int_equal(r.verdict, SIGN_VALID);
		assert_true(r.has_timestamp);
		assert_true(r.timestamp_valid);
		assert_int_equal(r.timestamp_time, NOW);
		assert_string_equal(r.tsa_name, "motcua sandbox TSA (thử nghiệm)");
		assert_string_equal(r.timestamp_reason, "");
	}
	/* the file changed: tampered, whatever the timestamp says */
	sfx_write_file(docs[0], "đã sửa");
	assert_int_equal(sign_verify_file(docs[0], sigs[0], e->ca, &r), -1);
	assert_int_equal(r.verdict, SIGN_TAMPERED);
}

static void
expect_tsa_failure(struct env *e, const char *tsa_path, const char *want)
{
	static const char *const names[] = {"khong-dau.txt"};
	struct sign_job job;
	char doc[1][128], sig[1][128];

	assert_int_equal(sign_some(e, tsa_path, names, 1, &job, doc, sig), 0);
	assert_int_equal(job.status, SIGN_ERR_TSA);
	if (strstr(job.detail, want) == NULL)
		fail_msg("detail \"%s\" lacks \"%s\"", job.detail, want);
	assert_int_equal(access(sig[0], F_OK), -1);
}

static void
test_tsa_failures(void **state)
{
	expect_tsa_failure(*state, "http://127.0.0.1:1/tsa", "cannot reach the TSA");
	expect_tsa_failure(*state, "/tsa/_sandbox/refuse", "rejection (timeNotAvailable)");
	expect_tsa_failure(*state, "/tsa/no-such-path", "HTTP 404");
	expect_tsa_failure(*state, "/csc/v2/info", "not a TimeStampResp");
}

/* The token of one signature moved into another's SignerInfo. */
static void
test_token_from_another_signature(void **state)
{
	struct env *e = *state;
	static const char *const names[] = {"mot.txt", "hai.txt"};
	struct sign_job jobs[2];
	char docs[2][128], sigs[2][128], moved[160];
	CMS_ContentInfo *cms[2];
	CMS_SignerInfo *si[2];
	struct sign_verify_result r;
	X509_ATTRIBUTE *attr;
	BIO *bio;

	assert_int_equal(sign_some(e, "/tsa", names, 2, jobs, docs, sigs), 2);
	for (int i = 0; i < 2; i++) {
		bio = BIO_new_file(sigs[i], "rb");
		cms[i] = d2i_CMS_bio(bio, NULL);
		BIO_free(bio);
		assert_non_null(cms[i]);
		si[i] = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms[i]), 0);
	}
	attr = CMS_unsigned_delete_attr(si[1], 0);
	X509_ATTRIBUTE_free(attr);
	attr = CMS_unsigned_get_attr(si[0], 0);
	assert_true(CMS_unsigned_add1_attr(si[1], attr));
	snprintf(moved, sizeof(moved), "%s/moved.p7s", e->dir);
	bio = BIO_new_file(moved, "wb");
	assert_true(i2d_CMS_bio(bio, cms[1]));
	BIO_free(bio);
	assert_int_equal(sign_verify_file(docs[1], moved, e->ca, &r), -1);
	assert_int_equal(r.verdict, SIGN_INVALID);
	assert_true(r.has_timestamp);
	assert_false(r.timestamp_valid);
	assert_non_null(strstr(r.reason, "timestamp does not match this signature"));
	CMS_ContentInfo_free(cms[0]);
	CMS_ContentInfo_free(cms[1]);
}

/* signing.tsa_url: an http(s) URL, else an error naming the file and line. */
static void
test_config_tsa_url(void **state)
{
	static const char *const bad[] = {"ftp://tsa.example/tsa", "http://", "https:///tsa",
					  "tsa.example", "http://tsa.example/a b"};
	struct config cfg;
	struct config_error e;
	char text[160];

	(void)state;
	config_init(&cfg);
	snprintf(text, sizeof(text), "{\n \"signing\": {\"tsa_url\": \"%s\"}}",
		 "https://tsa.example.gov.vn/tsa");
	assert_int_equal(config_parse(&cfg, "cfg.json", text, strlen(text), &e), 0);
	assert_string_equal(cfg.signing.tsa_url, "https://tsa.example.gov.vn/tsa");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\n \"signing\": {\"tsa_url\": \"%s\"}}", bad[i]);
		assert_int_equal(config_parse(&cfg, "cfg.json", text, strlen(text), &e), -1);
		assert_int_equal(e.problem, CONFIG_E_VALUE);
		assert_int_equal(e.line, 2);
		assert_string_equal(e.key, "signing.tsa_url");
		assert_int_equal(e.expect, CONFIG_WANT_URL);
		/* the earlier good value stays: a bad file changes nothing */
		assert_string_equal(cfg.signing.tsa_url, "https://tsa.example.gov.vn/tsa");
	}
	config_release(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_nonce_mismatch),
		cmocka_unit_test(test_imprint_mismatch),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_garbage_reply),
		cmocka_unit_test(test_sign_and_verify),
		cmocka_unit_test(test_tsa_failures),
		cmocka_unit_test(test_token_from_another_signature),
		cmocka_unit_test(test_config_tsa_url),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
