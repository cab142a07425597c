/*
 * csc.c - the sandbox's CSC API v2 remote signing service (see csc.h).
 *
 * Enough of the protocol for motcua's remote signer to run end to end, with
 * its failure paths: a refused token (401), a wrong, expired or overused OTP
 * (400 invalid_otp), a SAD reused, expired or shown other hashes than it was
 * authorized for (400 invalid_request), an algorithm the key cannot do.
 * What it does not do: persist anything (keys and OTPs die with the
 * process), tie credentials to one official, OAuth flows of its own,
 * asynchronous signing, or timestamps.
 */
#include "sandbox/csc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/xalloc.h"
#include "sandbox/idp.h"
#include "sandbox/pki.h"

#define CSC_AUDIENCE "csc"
#define OTP_TTL 300
#define OTP_TRIES 3
#define SAD_TTL 300
#define MULTISIGN 100
#define MAX_SADS 64

#define OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define OID_RSA "1.2.840.113549.1.1.1"
#define OID_RSA_PSS "1.2.840.113549.1.1.10"
#define OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define OID_EC_PUBLIC "1.2.840.10045.2.1"
#define OID_P256 "1.2.840.10045.3.1.7"

/* The only PSS parameters accepted: SHA-256, MGF1-SHA-256, salt 32. */
static const unsigned char pss_params[] = {
	0x30, 0x30, 0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
	0x04, 0x02, 0x01, 0xa1, 0x1a, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	0x0d, 0x01, 0x01, 0x08, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03,
	0x04, 0x02, 0x01, 0xa2, 0x03, 0x02, 0x01, 0x20,
};

struct cred {
	const char *id;
	const char *description;
	bool rsa;
	EVP_PKEY *key;
	X509 *cert;
	char otp[8];          /* "" when none is pending */
	mc_time otp_expires;
	int otp_tries;
};

struct sad {
	char value[33];       /* "" when the slot is free */
	size_t cred;
	unsigned char (*hashes)[32];
	size_t n_hashes;
	long remaining;
	mc_time expires;
};

struct csc {
	csc_auth_fn *auth;
	void *auth_arg;
	EVP_PKEY *ca_key;
	X509 *ca;
	struct cred creds[2];
	struct sad sads[MAX_SADS];
};

int
csc_auth_idp(void *idp, const struct sbx_request *req, const char **subject,
	     struct sbx_response *resp)
{
	return idp_check_token(idp, req, CSC_AUDIENCE, subject, resp);
}

/* ---- keys and certificates ------------------------------------------------ */

#define CRED_CN "Cán bộ Thử nghiệm (sandbox)"

/*
 * Make the credential's key and certificate if not yet made: 0 when it has
 * them.  The RSA-2048 key is made on first use, as generating it is slow
 * (seconds under valgrind) and most sandbox runs never touch it.
 */
static int
cred_ready(struct csc *csc, struct cred *c)
{
	if (c->cert != NULL)
		return 0;
	if (c->key == NULL)
		c->key = pki_key(c->rsa);
	c->cert = pki_issue(c->key, CRED_CN, "emailProtection", csc->ca, csc->ca_key);
	return c->cert != NULL ? 0 : -1;
}

struct csc *
csc_new(csc_auth_fn *auth, void *auth_arg)
{
	struct csc *csc = xcalloc(1, sizeof(*csc));

	csc->auth = auth;
	csc->auth_arg = auth_arg;
	csc->creds[0] = (struct cred){.id = "sandbox-rsa-01", .rsa = true,
		.description = "Chứng thư ký số thử nghiệm RSA-2048 (sandbox test credential)"};
	csc->creds[1] = (struct cred){.id = "sandbox-ec-01", .rsa = false,
		.description = "Chứng thư ký số thử nghiệm ECDSA P-256 (sandbox test credential)"};
	csc->ca_key = pki_key(false);
	csc->ca = pki_issue(csc->ca_key, "motcua sandbox CA (thử nghiệm)", NULL, NULL, NULL);
	if (csc->ca == NULL)
		goto fail;
	for (size_t i = 0; i < 2; i++)
		if (!csc->creds[i].rsa && cred_ready(csc, &csc->creds[i]) != 0)
			goto fail;
	return csc;
fail:
	csc_free(csc);
	return NULL;
}

int
csc_use_rsa_key(struct csc *csc, EVP_PKEY *key)
{
	struct cred *c = &csc->creds[0];

	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(key) < 2048 || c->key != NULL || c->cert != NULL)
		return -1;
	if (EVP_PKEY_up_ref(key) != 1)
		return -1;
	c->key = key;
	return 0;
}

/* Every credential's key and certificate, made now if not yet. */
static int
make_keys(struct csc *csc)
{
	for (size_t i = 0; i < 2; i++)
		if (cred_ready(csc, &csc->creds[i]) != 0)
			return -1;
	return 0;
}

void
csc_free(struct csc *csc)
{
	if (csc == NULL)
		return;
	for (size_t i = 0; i < 2; i++) {
		EVP_PKEY_free(csc->creds[i].key);
		X509_free(csc->creds[i].cert);
	}
	for (size_t i = 0; i < MAX_SADS; i++)
		free(csc->sads[i].hashes);
	EVP_PKEY_free(csc->ca_key);
	X509_free(csc->ca);
	OPENSSL_cleanse(csc, sizeof(*csc));
	free(csc);
}

/* ---- small helpers -------------------------------------------------------- */

static char *
b64_encode(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);

	out[n < 0 ? 0 : n] = '\0';
	return out;
}

/* Decode base64 of exactly `want` bytes (0: any length); NULL when not. */
static unsigned char *
b64_decode(const char *text, size_t want, size_t *len)
{
	size_t tlen = text != NULL ? strlen(text) : 0, pad = 0;
	unsigned char *out;
	int n;

	if (tlen == 0 || tlen % 4 != 0 || tlen > 65536)
		return NULL;
	pad = (text[tlen - 1] == '=') + (text[tlen - 2] == '=');
	out = xmalloc(tlen / 4 * 3 + 1);
	n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)tlen);
	if (n < 0 || (size_t)n < pad || (want != 0 && (size_t)n - pad != want)) {
		free(out);
		return NULL;
	}
	*len = (size_t)n - pad;
	return out;
}

static char *
cert_b64(X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	char *out = b64_encode(der, n > 0 ? (size_t)n : 0);

	OPENSSL_free(der);
	return out;
}

static json_t *
name_json(X509_NAME *name)
{
	char buf[512];
	BIO *mem = BIO_new(BIO_s_mem());
	int n = 0;

	if (mem != NULL && X509_NAME_print_ex(mem, name, 0,
					      XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		n = BIO_read(mem, buf, (int)sizeof(buf) - 1);
	BIO_free(mem);
	buf[n > 0 ? n : 0] = '\0';
	return json_string(buf);
}

static json_t *
time_json(const ASN1_TIME *t)
{
	struct tm tm;
	char buf[20];

	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return json_null();
	strftime(buf, sizeof(buf), "%Y%m%d%H%M%SZ", &tm);
	return json_string(buf);
}

static void
bad_request(struct sbx_response *resp, const char *desc)
{
	sbx_response_oauth_error(resp, 400, "invalid_request", desc);
}

static struct cred *
find_cred(struct csc *csc, json_t *body, struct sbx_response *resp)
{
	const char *id = json_string_value(json_object_get(body, "credentialID"));

	for (size_t i = 0; id != NULL && i < 2; i++) {
		if (strcmp(csc->creds[i].id, id) != 0)
			continue;
		if (cred_ready(csc, &csc->creds[i]) == 0)
			return &csc->creds[i];
		sbx_response_oauth_error(resp, 500, "server_error", "no key for this credential");
		return NULL;
	}
	bad_request(resp, id == NULL ? "Missing (or invalid type) string parameter credentialID"
				     : "Invalid parameter credentialID");
	return NULL;
}

/* ---- methods -------------------------------------------------------------- */

static void
m_info(struct csc *csc, json_t *body, mc_time now, struct sbx_response *resp)
{
	(void)csc, (void)body, (void)now;
	sbx_response_json(
		resp, 200,
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s,s,s,s,s,s]}", "specs",
			  "2.0.0.2", "name", "motcua sandbox remote signer (thử nghiệm)", "logo",
			  "", "region", "VN", "lang", "vi", "description",
			  "Dịch vụ ký số từ xa giả lập cho đào tạo và kiểm thử", "authType",
			  "external", "methods", "credentials/list", "credentials/info",
			  "credentials/sendOTP", "credentials/authorize", "signatures/signHash",
			  "info"));
}

static void
m_list(struct csc *csc, json_t *body, mc_time now, struct sbx_response *resp)
{
	(void)body, (void)now;
	if (make_keys(csc) != 0) {
		sbx_response_oauth_error(resp, 500, "server_error", "no key for a credential");
		return;
	}
	sbx_response_json(resp, 200,
			  json_pack("{s:[s,s]}", "credentialIDs", csc->creds[0].id,
				    csc->creds[1].id));
}

static void
m_cred_info(struct csc *csc, json_t *body, mc_time now, struct sbx_response *resp)
{
	struct cred *c = find_cred(csc, body, resp);
	const char *which = json_string_value(json_object_get(body, "certificates"));
	json_t *certs, *cert, *key, *auth;

	(void)now;
	if (c == NULL)
		return;
	if (which == NULL)
		which = "single";
	certs = json_array();
	X509 *const want[2] = {strcmp(which, "none") != 0 ? c->cert : NULL,
			       strcmp(which, "chain") == 0 ? csc->ca : NULL};
	for (size_t i = 0; i < 2 && want[i] != NULL; i++) {
		char *b64 = cert_b64(want[i]);
		json_array_append_new(certs, json_string(b64));
		free(b64);
	}
	cert = json_pack("{s:s, s:o}", "status", "valid", "certificates", certs);
	if (json_is_true(json_object_get(body, "certInfo"))) {
		json_object_set_new(cert, "issuerDN", name_json(X509_get_issuer_name(c->cert)));
		json_object_set_new(cert, "subjectDN", name_json(X509_get_subject_name(c->cert)));
		json_object_set_new(cert, "validFrom", time_json(X509_get0_notBefore(c->cert)));
		json_object_set_new(cert, "validTo", time_json(X509_get0_notAfter(c->cert)));
	}
	key = c->rsa ? json_pack("{s:s, s:[s,s], s:i}", "status", "enabled", "algo", OID_RSA_PSS,
				 OID_RSA, "len", 2048)
		     : json_pack("{s:s, s:[s], s:i, s:s}", "status", "enabled", "algo",
				 OID_ECDSA_SHA256, "len", 256, "curve", OID_P256);
	auth = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s}]}", "mode", "explicit",
			 "expression", "OTP", "objects", "type", "Password", "id", "OTP",
			 "format", "N", "label", "OTP", "description",
			 "Mã OTP gửi tới điện thoại (OTP sent to the phone)");
	sbx_response_json(
		resp, 200,
		json_pack("{s:s, s:o, s:o, s:o, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:i, s:s}",
			  "description", c->description, "key", key, "cert", cert, "auth", auth,
			  "authMode", "explicit", "OTP", "presence", "true", "type", "online",
			  "format", "N", "ID", "sandbox-sms", "provider", "motcua-sandbox", "SCAL",
			  "2", "multisign", MULTISIGN, "lang", "vi"));
}

static void
m_send_otp(struct csc *csc, json_t *body, mc_time now, struct sbx_response *resp)
{
	struct cred *c = find_cred(csc, body, resp);
	unsigned char rnd[4];
	uint32_t v;

	if (c == NULL)
		return;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		sbx_response_oauth_error(resp, 500, "server_error", "no randomness");
		return;
	}
	v = ((uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3]) %
	    1000000u;
	snprintf(c->otp, sizeof(c->otp), "%06u", (unsigned)v);
	c->otp_expires = now + OTP_TTL;
	c->otp_tries = 0;
	sbx_response_bytes(resp, 204, "application/json", "", 0);
}

/* The OTP of authData (v2) or of the top level (v1); NULL when none. */
static const char *
otp_of(json_t *body)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(body, "authData"), i, v) {
		const char *id = json_string_value(json_object_get(v, "id"));
		if (id != NULL && strcmp(id, "OTP") == 0)
			return json_string_value(json_object_get(v, "value"));
	}
	return json_string_value(json_object_get(body, "OTP"));
}

/* 0 when the OTP is right (and now spent); -1 with resp filled. */
static int
check_otp(struct cred *c, const char *otp, mc_time now, struct sbx_response *resp)
{
	if (c->otp[0] == '\0' || now > c->otp_expires) {
		explicit_bzero(c->otp, sizeof(c->otp));
		sbx_response_oauth_error(resp, 400, "invalid_otp",
					 "No OTP is pending or it has expired: request a new one");
		return -1;
	}
	if (otp == NULL || strlen(otp) != strlen(c->otp) ||
	    CRYPTO_memcmp(otp, c->otp, strlen(c->otp)) != 0) {
		bool spent = ++c->otp_tries >= OTP_TRIES;
		if (spent)
			explicit_bzero(c->otp, sizeof(c->otp));
		sbx_response_oauth_error(resp, 400, "invalid_otp",
					 spent ? "The OTP is invalid; too many tries, request a new one"
					       : "The OTP is invalid");
		return -1;
	}
	explicit_bzero(c->otp, sizeof(c->otp));
	return 0;
}

/* The hashes of a request as 32-byte digests; NULL with resp filled. */
static unsigned char (*read_hashes(json_t *body, size_t *n, struct sbx_response *resp))[32]
{
	json_t *list = json_object_get(body, "hashes"), *v;
	const char *alg = json_string_value(json_object_get(body, "hashAlgorithmOID"));
	unsigned char(*out)[32];
	size_t i;

	if (alg != NULL && strcmp(alg, OID_SHA256) != 0) {
		bad_request(resp, "Only SHA-256 hashes are supported");
		return NULL;
	}
	*n = json_array_size(list);
	if (*n == 0 || *n > MULTISIGN) {
		bad_request(resp, "Missing (or invalid type) array parameter hashes");
		return NULL;
	}
	out = xcalloc(*n, sizeof(*out));
	json_array_foreach(list, i, v) {
		size_t len = 0;
		unsigned char *raw = b64_decode(json_string_value(v), 32, &len);
		if (raw == NULL) {
			free(out);
			bad_request(resp, "Invalid Base64 hash string parameter");
			return NULL;
		}
		memcpy(out[i], raw, 32);
		free(raw);
	}
	return out;
}

static void
m_authorize(struct csc *csc, json_t *body, mc_time now, struct sbx_response *resp)
{
	struct cred *c = find_cred(csc, body, resp);
	json_int_t num = json_integer_value(json_object_get(body, "numSignatures"));
	unsigned char(*hashes)[32] = NULL, rnd[16];
	struct sad *slot = NULL;
	size_t n = 0;

	if (c == NULL)
		return;
	if (num < 1 || num > MULTISIGN) {
		bad_request(resp, "Invalid parameter numSignatures");
		return;
	}
	hashes = read_hashes(body, &n, resp);
	if (hashes == NULL)
		return;
	if ((json_int_t)n != num) {
		bad_request(resp, "numSignatures does not match the number of hashes");
		goto out;
	}
	if (check_otp(c, otp_of(body), now, resp) != 0)
		goto out;
	for (size_t i = 0; i < MAX_SADS; i++) {
		struct sad *s = &csc->sads[i];
		if (s->value[0] == '\0' || now > s->expires) {
			slot = s;
			break;
		}
		if (slot == NULL || s->expires < slot->expires)
			slot = s; /* full: the one closest to expiry goes */
	}
	free(slot->hashes);
	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		sbx_response_oauth_error(resp, 500, "server_error", "no randomness");
		goto out;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(slot->value + 2 * i, 3, "%02x", rnd[i]);
	slot->cred = (size_t)(c - csc->creds);
	slot->hashes = hashes;
	slot->n_hashes = n;
	slot->remaining = (long)n;
	slot->expires = now + SAD_TTL;
	hashes = NULL;
	sbx_response_json(resp, 200, json_pack("{s:s, s:i}", "SAD", slot->value, "expiresIn",
					       SAD_TTL));
out:
	free(hashes);
}

static int
sign_hash(struct cred *c, const char *algo, const unsigned char md[32], unsigned char **sig,
	  size_t *len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(c->key, NULL);
	bool pss = strcmp(algo, OID_RSA_PSS) == 0;
	int rc = -1;

	if (ctx == NULL || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0)
		goto out;
	if (c->rsa && (EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING
							     : RSA_PKCS1_PADDING) <= 0 ||
		       (pss && (EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0 ||
				EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) <= 0))))
		goto out;
	if (EVP_PKEY_sign(ctx, NULL, len, md, 32) <= 0)
		goto out;
	*sig = xmalloc(*len);
	if (EVP_PKEY_sign(ctx, *sig, len, md, 32) <= 0) {
		free(*sig);
		goto out;
	}
	rc = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* Is signAlgo (with its parameters) one this credential's key can do? */
static bool
algo_ok(const struct cred *c, const char *algo, const char *params)
{
	if (algo == NULL)
		return false;
	if (!c->rsa)
		return strcmp(algo, OID_ECDSA_SHA256) == 0 || strcmp(algo, OID_EC_PUBLIC) == 0;
	if (strcmp(algo, OID_RSA) == 0)
		return true;
	if (strcmp(algo, OID_RSA_PSS) != 0)
		return false;
	if (params == NULL)
		return true; /* our defaults are the parameters above */
	size_t len = 0;
	unsigned char *der = b64_decode(params, 0, &len);
	bool same = der != NULL && len == sizeof(pss_params) &&
		    memcmp(der, pss_params, len) == 0;
	free(der);
	return same;
}

static void
m_sign_hash(struct csc *csc, json_t *body, mc_time now, struct sbx_response *resp)
{
	struct cred *c = find_cred(csc, body, resp);
	const char *sad = json_string_value(json_object_get(body, "SAD"));
	const char *algo = json_string_value(json_object_get(body, "signAlgo"));
	unsigned char(*hashes)[32] = NULL;
	struct sad *s = NULL;
	json_t *sigs = NULL;
	size_t n = 0;

	if (c == NULL)
		return;
	for (size_t i = 0; sad != NULL && i < MAX_SADS; i++)
		if (csc->sads[i].value[0] != '\0' && strcmp(csc->sads[i].value, sad) == 0)
			s = &csc->sads[i];
	if (s == NULL || now > s->expires || &csc->creds[s->cred] != c) {
		bad_request(resp, "Invalid or expired SAD");
		return;
	}
	if (!algo_ok(c, algo, json_string_value(json_object_get(body, "signAlgoParams")))) {
		bad_request(resp, "Invalid parameter signAlgo for this credential");
		return;
	}
	hashes = read_hashes(body, &n, resp);
	if (hashes == NULL)
		return;
	if ((long)n > s->remaining) {
		bad_request(resp, "The SAD does not cover this many signatures");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < s->n_hashes && !found; j++)
			found = memcmp(hashes[i], s->hashes[j], 32) == 0;
		if (!found) {
			bad_request(resp, "A hash was not authorized by this SAD");
			goto out;
		}
	}
	sigs = json_array();
	for (size_t i = 0; i < n; i++) {
		unsigned char *sig = NULL;
		size_t len = 0;
		if (sign_hash(c, algo, hashes[i], &sig, &len) != 0) {
			sbx_response_oauth_error(resp, 500, "server_error", "signing failed");
			goto out;
		}
		char *b64 = b64_encode(sig, len);
		json_array_append_new(sigs, json_string(b64));
		free(b64);
		free(sig);
	}
	s->remaining -= (long)n;
	if (s->remaining <= 0)
		s->value[0] = '\0';
	sbx_response_json(resp, 200, json_pack("{s:O}", "signatures", sigs));
out:
	json_decref(sigs);
	free(hashes);
}

/* ---- the simulated phone and the CA --------------------------------------- */

void
csc_ca(const struct csc *csc, X509 **cert, EVP_PKEY **key)
{
	*cert = csc->ca;
	*key = csc->ca_key;
}

const char *
csc_pending_otp(const struct csc *csc, const char *credential_id)
{
	for (size_t i = 0; i < 2; i++)
		if (strcmp(csc->creds[i].id, credential_id) == 0 && csc->creds[i].otp[0] != '\0')
			return csc->creds[i].otp;
	return NULL;
}

static void
sandbox_paths(struct csc *csc, const struct sbx_request *req, const char *rest,
	      struct sbx_response *resp)
{
	if (strcmp(rest, "/ca.pem") == 0) {
		BIO *mem = BIO_new(BIO_s_mem());
		char *pem = NULL;
		long n = 0;
		if (mem != NULL && PEM_write_bio_X509(mem, csc->ca))
			n = BIO_get_mem_data(mem, &pem);
		sbx_response_bytes(resp, n > 0 ? 200 : 500, "application/x-pem-file", pem,
				   n > 0 ? (size_t)n : 0);
		BIO_free(mem);
		return;
	}
	if (strcmp(rest, "/otp") == 0) {
		const char *id = sbx_request_arg(req, "credentialID");
		const char *otp = id != NULL ? csc_pending_otp(csc, id) : NULL;
		if (!req->loopback) {
			sbx_response_oauth_error(resp, 403, "access_denied", "loopback only");
			return;
		}
		if (otp == NULL) {
			sbx_response_oauth_error(resp, 404, "no_otp", "no OTP pending");
			return;
		}
		sbx_response_json(resp, 200, json_pack("{s:s, s:s}", "credentialID", id, "otp",
						       otp));
		return;
	}
	sbx_response_oauth_error(resp, 404, "not_found", "no such path");
}

/* ---- dispatch ------------------------------------------------------------- */

typedef void method_fn(struct csc *, json_t *, mc_time, struct sbx_response *);

static const struct {
	const char *path;
	bool needs_token;
	method_fn *fn;
} methods[] = {
	{"/csc/v2/info", false, m_info},
	{"/csc/v2/credentials/list", true, m_list},
	{"/csc/v2/credentials/info", true, m_cred_info},
	{"/csc/v2/credentials/sendOTP", true, m_send_otp},
	{"/csc/v2/credentials/authorize", true, m_authorize},
	{"/csc/v2/signatures/signHash", true, m_sign_hash},
};

bool
csc_handle(struct csc *csc, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *subject = NULL, *why = NULL;
	json_t *body;

	if (strncmp(req->path, "/csc/", 5) != 0)
		return false;
	if (strncmp(req->path, "/csc/_sandbox/", 14) == 0) {
		sandbox_paths(csc, req, req->path + 13, resp);
		return true;
	}
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(req->path, methods[i].path) != 0)
			continue;
		if (strcmp(req->method, "POST") != 0) {
			sbx_response_oauth_error(resp, 405, "invalid_request", "use POST");
			return true;
		}
		if (methods[i].needs_token &&
		    (csc->auth == NULL || csc->auth(csc->auth_arg, req, &subject, resp) != 0)) {
			if (resp->status == 0)
				sbx_response_oauth_error(resp, 401, "invalid_token",
							 "a Bearer token is required");
			return true;
		}
		body = req->body_len > 0 ? sbx_request_json(req, &why) : json_object();
		if (body == NULL) {
			bad_request(resp, why != NULL ? why : "the body is not JSON");
			return true;
		}
		methods[i].fn(csc, body, req->now, resp);
		json_decref(body);
		return true;
	}
	sbx_response_oauth_error(resp, 404, "not_found", "no such CSC method");
	return true;
}
