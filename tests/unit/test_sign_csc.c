/*
 * test_sign_csc.c - the sandbox's CSC v2 signing service, driven by
 * constructed requests (no sockets): tokens, credential info and its chain,
 * the OTP second factor (missing, wrong, too many tries, expired, single
 * use), SADs bound to their hashes and count, algorithms per key, and the
 * loopback-only simulated phone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sandbox/csc.h"
#include "sign_fixture.h"

#define TOKEN SFX_TOKEN
#define T0 ((mc_time)1767225600) /* 2026-01-01T00:00:00Z */
#define RSA_ID "sandbox-rsa-01"
#define EC_ID "sandbox-ec-01"
#define PSS "1.2.840.113549.1.1.10"
#define ECDSA "1.2.840.10045.4.3.2"

struct reply {
	int status;
	json_t *json;
};

static struct reply
call_full(struct csc *csc, const char *method, const char *path, const char *token,
	  json_t *body, mc_time now, bool loopback)
{
	char auth[128];
	struct sbx_header hdr = {(char *)"Authorization", auth};
	char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	struct sbx_request req = {
		.method = method,
		.path = path,
		.body = text != NULL ? text : "",
		.body_len = text != NULL ? strlen(text) : 0,
		.headers = &hdr,
		.n_headers = token != NULL ? 1 : 0,
		.now = now,
		.client_ip = loopback ? "127.0.0.1" : "192.0.2.7",
		.loopback = loopback,
	};
	struct sbx_response resp;
	struct reply r;
	char query_id[64];
	struct sbx_header arg = {(char *)"credentialID", query_id};

	snprintf(auth, sizeof(auth), "Bearer %s", token != NULL ? token : "");
	if (strchr(path, '?') != NULL) { /* "/csc/_sandbox/otp?credentialID=X" */
		snprintf(query_id, sizeof(query_id), "%s", strchr(path, '=') + 1);
		static char bare[64];
		snprintf(bare, sizeof(bare), "%.*s", (int)(strchr(path, '?') - path), path);
		req.path = bare;
		req.args = &arg;
		req.n_args = 1;
	}
	sbx_response_init(&resp);
	assert_true(csc_handle(csc, &req, &resp));
	r.status = resp.status;
	r.json = resp.body_len > 0 ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
	sbx_response_release(&resp);
	free(text);
	json_decref(body);
	return r;
}

static struct reply
call(struct csc *csc, const char *path, json_t *body, mc_time now)
{
	return call_full(csc, "POST", path, TOKEN, body, now, true);
}

static const char *
error_of(const struct reply *r)
{
	return json_string_value(json_object_get(r->json, "error"));
}

static void
send_otp(struct csc *csc, const char *id, mc_time now)
{
	struct reply r = call(csc, "/csc/v2/credentials/sendOTP",
			      json_pack("{s:s}", "credentialID", id), now);
	assert_int_equal(r.status, 204);
	json_decref(r.json);
}

static json_t *
hashes_of(const unsigned char (*md)[32], size_t n)
{
	json_t *a = json_array();
	char b64[64];

	for (size_t i = 0; i < n; i++) {
		EVP_EncodeBlock((unsigned char *)b64, md[i], 32);
		json_array_append_new(a, json_string(b64));
	}
	return a;
}

static struct reply
authorize(struct csc *csc, const char *id, const unsigned char (*md)[32], size_t n,
	  const char *otp, mc_time now)
{
	return call(csc, "/csc/v2/credentials/authorize",
		    json_pack("{s:s, s:i, s:o, s:[{s:s, s:s}]}", "credentialID", id,
			      "numSignatures", (int)n, "hashes", hashes_of(md, n), "authData",
			      "id", "OTP", "value", otp),
		    now);
}

static struct reply
sign_hash(struct csc *csc, const char *id, const char *sad, const unsigned char (*md)[32],
	  size_t n, const char *algo, mc_time now)
{
	return call(csc, "/csc/v2/signatures/signHash",
		    json_pack("{s:s, s:s, s:o, s:s}", "credentialID", id, "SAD", sad, "hashes",
			      hashes_of(md, n), "signAlgo", algo),
		    now);
}

/* The signer certificate of a credential, from credentials/info. */
static X509 *
cert_of(struct csc *csc, const char *id, X509 **ca)
{
	struct reply r = call(csc, "/csc/v2/credentials/info",
			      json_pack("{s:s, s:s, s:b}", "credentialID", id, "certificates",
					"chain", "certInfo", 1),
			      T0);
	json_t *certs = json_object_get(json_object_get(r.json, "cert"), "certificates");
	X509 *out[2] = {NULL, NULL};

	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(certs), 2);
	for (size_t i = 0; i < 2; i++) {
		const char *b64 = json_string_value(json_array_get(certs, i));
		unsigned char der[4096];
		int n = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)strlen(b64));
		const unsigned char *p = der;
		assert_true(n > 0);
		out[i] = d2i_X509(NULL, &p, n);
		assert_non_null(out[i]);
	}
	json_decref(r.json);
	if (ca != NULL)
		*ca = out[1];
	else
		X509_free(out[1]);
	return out[0];
}

static int
setup(void **state)
{
	*state = sfx_csc_new();
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	csc_free(*state);
	return 0;
}

static void
test_tokens(void **state)
{
	struct csc *csc = *state;
	struct reply r = call_full(csc, "POST", "/csc/v2/info", NULL, NULL, T0, true);

	assert_int_equal(r.status, 200); /* info needs no token */
	assert_string_equal(json_string_value(json_object_get(r.json, "specs")), "2.0.0.2");
	json_decref(r.json);
	r = call_full(csc, "POST", "/csc/v2/credentials/list", NULL, NULL, T0, true);
	assert_int_equal(r.status, 401);
	json_decref(r.json);
	r = call_full(csc, "POST", "/csc/v2/credentials/list", "another-token", NULL, T0, true);
	assert_int_equal(r.status, 401);
	json_decref(r.json);
	r = call(csc, "/csc/v2/credentials/list", json_object(), T0);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "credentialIDs")), 2);
	json_decref(r.json);
	r = call_full(csc, "GET", "/csc/v2/credentials/list", TOKEN, NULL, T0, true);
	assert_int_equal(r.status, 405);
	json_decref(r.json);
	assert_false(csc_handle(csc, &(struct sbx_request){.method = "GET", .path = "/tuphap/x"},
				&(struct sbx_response){0}));
}

static void
test_info_chain(void **state)
{
	struct csc *csc = *state;
	X509 *ca = NULL, *cert = cert_of(csc, RSA_ID, &ca);
	struct reply r;

	/* The signer certificate is issued by the CA that comes with it. */
	assert_int_equal(X509_verify(cert, X509_get0_pubkey(ca)), 1);
	assert_int_equal(X509_check_issued(ca, cert), X509_V_OK);
	X509_free(cert);
	X509_free(ca);
	r = call(csc, "/csc/v2/credentials/info",
		 json_pack("{s:s, s:b}", "credentialID", EC_ID, "authInfo", 1), T0);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "OTP"),
							      "presence")),
			    "true");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "auth"),
							      "expression")),
			    "OTP");
	json_decref(r.json);
	r = call(csc, "/csc/v2/credentials/info", json_pack("{s:s}", "credentialID", "nope"), T0);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_of(&r), "invalid_request");
	json_decref(r.json);
}

static void
test_otp_rules(void **state)
{
	struct csc *csc = *state;
	unsigned char md[1][32] = {{1, 2, 3}};
	struct reply r;
	char otp[8];

	/* No OTP sent yet. */
	r = authorize(csc, RSA_ID, md, 1, "123456", T0);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_of(&r), "invalid_otp");
	json_decref(r.json);

	/* Wrong three times: the OTP is spent, even the right one fails after. */
	send_otp(csc, RSA_ID, T0);
	snprintf(otp, sizeof(otp), "%s", csc_pending_otp(csc, RSA_ID));
	for (int i = 0; i < 3; i++) {
		r = authorize(csc, RSA_ID, md, 1, "wrong-otp", T0);
		assert_int_equal(r.status, 400);
		assert_string_equal(error_of(&r), "invalid_otp");
		json_decref(r.json);
	}
	assert_null(csc_pending_otp(csc, RSA_ID));
	r = authorize(csc, RSA_ID, md, 1, otp, T0);
	assert_int_equal(r.status, 400);
	json_decref(r.json);

	/* Expired after 300 s of sandbox time. */
	send_otp(csc, RSA_ID, T0);
	snprintf(otp, sizeof(otp), "%s", csc_pending_otp(csc, RSA_ID));
	r = authorize(csc, RSA_ID, md, 1, otp, T0 + 301);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_of(&r), "invalid_otp");
	json_decref(r.json);

	/* Right: a SAD, and the OTP cannot be used twice. */
	send_otp(csc, RSA_ID, T0);
	snprintf(otp, sizeof(otp), "%s", csc_pending_otp(csc, RSA_ID));
	r = authorize(csc, RSA_ID, md, 1, otp, T0 + 10);
	assert_int_equal(r.status, 200);
	assert_non_null(json_string_value(json_object_get(r.json, "SAD")));
	json_decref(r.json);
	r = authorize(csc, RSA_ID, md, 1, otp, T0 + 11);
	assert_int_equal(r.status, 400);
	json_decref(r.json);

	/* The OTP of one credential does not open another. */
	send_otp(csc, RSA_ID, T0);
	r = authorize(csc, EC_ID, md, 1, csc_pending_otp(csc, RSA_ID), T0);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
}

/* Authorize n hashes and return the SAD (malloc'd). */
static char *
get_sad(struct csc *csc, const char *id, const unsigned char (*md)[32], size_t n)
{
	struct reply r;
	char *sad;

	send_otp(csc, id, T0);
	r = authorize(csc, id, md, n, csc_pending_otp(csc, id), T0);
	assert_int_equal(r.status, 200);
	sad = strdup(json_string_value(json_object_get(r.json, "SAD")));
	json_decref(r.json);
	return sad;
}

static bool
pss_ok(X509 *cert, const unsigned char md[32], const char *b64)
{
	unsigned char sig[512];
	int n = EVP_DecodeBlock(sig, (const unsigned char *)b64, (int)strlen(b64));
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(X509_get0_pubkey(cert), NULL);
	bool ok;

	EVP_PKEY_verify_init(ctx);
	EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
	EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING);
	EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32);
	ok = EVP_PKEY_verify(ctx, sig, (size_t)(n - (b64[strlen(b64) - 1] == '=') -
						(b64[strlen(b64) - 2] == '=')),
			     md, 32) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

static void
test_sad_bound_to_hashes(void **state)
{
	struct csc *csc = *state;
	unsigned char md[2][32] = {{0xaa, 1}, {0xbb, 2}}, other[1][32] = {{0xcc}};
	X509 *cert = cert_of(csc, RSA_ID, NULL);
	char *sad = get_sad(csc, RSA_ID, md, 2);
	struct reply r;

	/* A hash it was not authorized for. */
	r = sign_hash(csc, RSA_ID, sad, other, 1, PSS, T0);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
	/* Another credential with this SAD. */
	r = sign_hash(csc, EC_ID, sad, md, 1, ECDSA, T0);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
	/* ECDSA asked of an RSA key. */
	r = sign_hash(csc, RSA_ID, sad, md, 2, ECDSA, T0);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
	/* Both, and the signatures verify (RSASSA-PSS, salt 32). */
	r = sign_hash(csc, RSA_ID, sad, md, 2, PSS, T0);
	assert_int_equal(r.status, 200);
	json_t *sigs = json_object_get(r.json, "signatures");
	assert_int_equal(json_array_size(sigs), 2);
	assert_true(pss_ok(cert, md[0], json_string_value(json_array_get(sigs, 0))));
	assert_true(pss_ok(cert, md[1], json_string_value(json_array_get(sigs, 1))));
	assert_false(pss_ok(cert, md[1], json_string_value(json_array_get(sigs, 0))));
	json_decref(r.json);
	/* Used up. */
	r = sign_hash(csc, RSA_ID, sad, md, 1, PSS, T0);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
	free(sad);

	/* Expired SAD. */
	sad = get_sad(csc, EC_ID, md, 1);
	r = sign_hash(csc, EC_ID, sad, md, 1, ECDSA, T0 + 301);
	assert_int_equal(r.status, 400);
	json_decref(r.json);
	r = sign_hash(csc, EC_ID, sad, md, 1, ECDSA, T0 + 299);
	assert_int_equal(r.status, 200);
	json_decref(r.json);
	free(sad);
	X509_free(cert);
}

static void
test_numsignatures_must_match(void **state)
{
	struct csc *csc = *state;
	unsigned char md[2][32] = {{1}, {2}};
	struct reply r;

	send_otp(csc, EC_ID, T0);
	r = call(csc, "/csc/v2/credentials/authorize",
		 json_pack("{s:s, s:i, s:o, s:s}", "credentialID", EC_ID, "numSignatures", 1,
			   "hashes", hashes_of(md, 2), "OTP", csc_pending_otp(csc, EC_ID)),
		 T0);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_of(&r), "invalid_request");
	json_decref(r.json);
	/* v1 style top-level "OTP" is accepted when the count matches. */
	r = call(csc, "/csc/v2/credentials/authorize",
		 json_pack("{s:s, s:i, s:o, s:s}", "credentialID", EC_ID, "numSignatures", 2,
			   "hashes", hashes_of(md, 2), "OTP", csc_pending_otp(csc, EC_ID)),
		 T0);
	assert_int_equal(r.status, 200);
	json_decref(r.json);
}

static void
test_phone_and_ca(void **state)
{
	struct csc *csc = *state;
	struct reply r;

	send_otp(csc, EC_ID, T0);
	r = call_full(csc, "GET", "/csc/_sandbox/otp?credentialID=" EC_ID, NULL, NULL, T0, false);
	assert_int_equal(r.status, 403); /* only from this machine */
	json_decref(r.json);
	r = call_full(csc, "GET", "/csc/_sandbox/otp?credentialID=" EC_ID, NULL, NULL, T0, true);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "otp")),
			    csc_pending_otp(csc, EC_ID));
	assert_int_equal(strlen(csc_pending_otp(csc, EC_ID)), 6);
	json_decref(r.json);

	struct sbx_request req = {.method = "GET", .path = "/csc/_sandbox/ca.pem"};
	struct sbx_response resp;
	sbx_response_init(&resp);
	assert_true(csc_handle(csc, &req, &resp));
	assert_int_equal(resp.status, 200);
	assert_non_null(strstr(resp.body, "BEGIN CERTIFICATE"));
	sbx_response_release(&resp);
}

/* A key handed in is the RSA credential's, and only an RSA key of 2048 bits
 * or more, before the credential was first used. */
static void
test_rsa_key_handed_in(void **state)
{
	struct csc *fresh = csc_new(sfx_test_auth, NULL);
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	EVP_PKEY *rsa = sfx_rsa_key();

	(void)state;
	assert_non_null(fresh);
	assert_int_equal(csc_use_rsa_key(fresh, ec), -1);
	assert_int_equal(csc_use_rsa_key(fresh, NULL), -1);
	assert_int_equal(csc_use_rsa_key(fresh, rsa), 0);
	assert_int_equal(csc_use_rsa_key(fresh, rsa), -1); /* it has one */
	csc_free(fresh);
	/* the shared service was given the same key: its credential uses it */
	assert_int_equal(csc_use_rsa_key(*state, rsa), -1);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_info_chain),
		cmocka_unit_test(test_otp_rules),
		cmocka_unit_test(test_sad_bound_to_hashes),
		cmocka_unit_test(test_numsignatures_must_match),
		cmocka_unit_test(test_phone_and_ca),
		cmocka_unit_test(test_rsa_key_handed_in),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
