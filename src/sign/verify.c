/*
 * verify.c - checking a detached CMS signature over a file, in steps that
 * tell the clerk WHICH thing is wrong:
 *   1. the .p7s parses as SignedData with one signer whose certificate is
 *      inside (else "malformed");
 *   2. the signature over the signed attributes verifies with that
 *      certificate's key (else "invalid": made by another key or damaged);
 *   3. the file's digest equals the messageDigest attribute (else
 *      "tampered": the file changed after signing);
 *   4. the certificate chains to a trust anchor (--ca, or the system store)
 *      at the present time (else "valid, signer not trusted").
 * `openssl cms -verify` does 2-4 at once and says only "failure".
 *
 * It does not check revocation (no CRL/OCSP yet) nor timestamps.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h> /* before cms.h, for PEM_read_bio_CMS */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "sign/sign.h"

const char *
sign_verdict_name(enum sign_verdict verdict)
{
	static const char *const names[] = {
		[SIGN_VALID] = "valid",
		[SIGN_VALID_UNTRUSTED] = "untrusted",
		[SIGN_TAMPERED] = "tampered",
		[SIGN_INVALID] = "invalid",
		[SIGN_MALFORMED] = "malformed",
	};
	if ((unsigned)verdict >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[verdict];
}

static void
set_reason(struct sign_verify_result *res, enum sign_verdict verdict, const char *fmt,
	   const char *arg)
{
	res->verdict = verdict;
	snprintf(res->reason, sizeof(res->reason), fmt, arg);
}

static const char *
ssl_reason(void)
{
	static char buf[160];
	unsigned long e = ERR_peek_last_error();

	if (e == 0)
		return "failed";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

static CMS_ContentInfo *
read_cms(const char *path)
{
	CMS_ContentInfo *cms = NULL;
	BIO *in = BIO_new_file(path, "rb");

	if (in == NULL)
		return NULL;
	cms = d2i_CMS_bio(in, NULL);
	if (cms == NULL) {
		ERR_clear_error();
		(void)BIO_reset(in);
		cms = PEM_read_bio_CMS(in, NULL, NULL, NULL);
	}
	BIO_free(in);
	return cms;
}

/* Digest the file with md; 0 or -1. */
static int
file_digest(const char *path, const EVP_MD *md, unsigned char *out, unsigned int *len)
{
	unsigned char buf[65536];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(path, "rb");
	size_t got;
	int rc = -1;

	if (f == NULL || ctx == NULL || !EVP_DigestInit_ex(ctx, md, NULL))
		goto out;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, got);
	if (!ferror(f) && EVP_DigestFinal_ex(ctx, out, len))
		rc = 0;
out:
	if (f != NULL)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return rc;
}

static void
describe_signer(X509 *cert, struct sign_verify_result *res)
{
	X509_NAME *subj = X509_get_subject_name(cert);
	int cn = X509_NAME_get_text_by_NID(subj, NID_commonName, res->signer_cn,
					   (int)sizeof(res->signer_cn));
	BIO *mem = BIO_new(BIO_s_mem());
	char *text = NULL;
	long n;

	if (mem != NULL && X509_NAME_print_ex(mem, subj, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_get_mem_data(mem, &text);
		if (n > 0)
			snprintf(res->signer_subject, sizeof(res->signer_subject), "%.*s", (int)n,
				 text);
	}
	BIO_free(mem);
	if (cn < 0)
		snprintf(res->signer_cn, sizeof(res->signer_cn), "%.*s",
			 (int)sizeof(res->signer_cn) - 1, res->signer_subject);
}

static void
read_signing_time(CMS_SignerInfo *si, struct sign_verify_result *res)
{
	int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *attr = idx >= 0 ? CMS_signed_get_attr(si, idx) : NULL;
	ASN1_TYPE *t = attr != NULL ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
	struct tm tm;

	if (t == NULL || (t->type != V_ASN1_UTCTIME && t->type != V_ASN1_GENERALIZEDTIME))
		return;
	if (ASN1_TIME_to_tm((ASN1_TIME *)t->value.ptr, &tm) != 1)
		return;
	res->signing_time = timegm(&tm);
	res->has_time = true;
}

/* Step 3: the file's digest against messageDigest. */
static int
check_content(CMS_SignerInfo *si, const char *content_path, struct sign_verify_result *res)
{
	X509_ALGOR *dig = NULL;
	const ASN1_OBJECT *obj = NULL;
	const EVP_MD *md;
	ASN1_OCTET_STRING *want;
	unsigned char got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, dig);
	md = obj != NULL ? EVP_get_digestbyobj(obj) : NULL;
	if (md == NULL) {
		set_reason(res, SIGN_MALFORMED, "%s", "unknown digest algorithm");
		return -1;
	}
	want = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
					   V_ASN1_OCTET_STRING);
	if (want == NULL) {
		set_reason(res, SIGN_MALFORMED, "%s", "no messageDigest attribute");
		return -1;
	}
	if (file_digest(content_path, md, got, &got_len) != 0) {
		set_reason(res, SIGN_MALFORMED, "cannot read %s", content_path);
		return -1;
	}
	if ((unsigned)ASN1_STRING_length(want) != got_len ||
	    memcmp(ASN1_STRING_get0_data(want), got, got_len) != 0) {
		set_reason(res, SIGN_TAMPERED, "%s",
			   "the file differs from the signed one (digest mismatch)");
		return -1;
	}
	return 0;
}

/* Step 4: does the signer chain to a trust anchor? */
static int
check_trust(X509 *signer, STACK_OF(X509) *certs, const char *ca_file,
	    struct sign_verify_result *res)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	if (store == NULL || ctx == NULL)
		goto out;
	if (ca_file != NULL ? X509_STORE_load_file(store, ca_file) != 1
			    : X509_STORE_set_default_paths(store) != 1) {
		set_reason(res, SIGN_VALID_UNTRUSTED, "cannot load trust anchors: %s",
			   ssl_reason());
		goto out;
	}
	if (!X509_STORE_CTX_init(ctx, store, signer, certs))
		goto out;
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		set_reason(res, SIGN_VALID_UNTRUSTED, "signer not trusted: %s",
			   X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok ? 0 : -1;
}

int
sign_verify_file(const char *content_path, const char *sig_path, const char *ca_file,
		 struct sign_verify_result *res)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	CMS_SignerInfo *si;
	X509 *signer = NULL;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	res->verdict = SIGN_MALFORMED;
	cms = read_cms(sig_path);
	if (cms == NULL || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		set_reason(res, SIGN_MALFORMED, "%s is not a CMS signature", sig_path);
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		set_reason(res, SIGN_MALFORMED, "%s", "expected exactly one signer");
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	for (int i = 0; i < sk_X509_num(certs) && signer == NULL; i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			signer = sk_X509_value(certs, i);
	if (signer == NULL) {
		set_reason(res, SIGN_MALFORMED, "%s", "the signer certificate is not included");
		goto out;
	}
	CMS_SignerInfo_set1_signer_cert(si, signer);
	describe_signer(signer, res);
	read_signing_time(si, res);
	if (CMS_signed_get_attr_count(si) <= 0) {
		set_reason(res, SIGN_MALFORMED, "%s", "no signed attributes");
		goto out;
	}
	if (CMS_SignerInfo_verify(si) != 1) {
		set_reason(res, SIGN_INVALID, "the signature does not verify: %s", ssl_reason());
		goto out;
	}
	if (check_content(si, content_path, res) != 0)
		goto out;
	if (check_trust(signer, certs, ca_file, res) != 0)
		goto out;
	res->verdict = SIGN_VALID;
	res->reason[0] = '\0';
	rc = 0;
out:
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}
