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
 * A timestamp (RFC 3161 token in the unsigned attribute
 * id-aa-timeStampToken) is checked after step 3: the token is signed
 * TSTInfo whose signature verifies with its own certificate, its
 * messageImprint is the digest of this SignerInfo's signature value (else
 * "invalid", the reason naming the timestamp), and after step 4 its TSA
 * certificate must chain, for the timeStamping purpose, to the same trust
 * anchors (else "valid, not trusted").  `openssl cms -verify` ignores
 * unsigned attributes; `openssl ts -verify` checks a token alone.
 *
 * It does not check revocation (no CRL/OCSP yet), nor validate the signer
 * certificate at the timestamp's time instead of now.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h> /* before cms.h, for PEM_read_bio_CMS */
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ts.h>
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

void
sign_key_signer_name(const struct sign_key *key, char *buf, size_t size)
{
	struct sign_verify_result r;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (key == NULL || key->cert == NULL)
		return;
	memset(&r, 0, sizeof r);
	describe_signer(key->cert, &r);
	snprintf(buf, size, "%s", r.signer_cn);
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

/*
 * Does cert chain to a trust anchor (for purpose, 0: any)?  0, or -1 with
 * why set to a short reason.
 */
static int
chains(X509 *cert, STACK_OF(X509) *certs, const char *ca_file, int purpose, char *why,
       size_t why_size)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int ok = 0;

	snprintf(why, why_size, "failed");
	if (store == NULL || ctx == NULL)
		goto out;
	if (ca_file != NULL ? X509_STORE_load_file(store, ca_file) != 1
			    : X509_STORE_set_default_paths(store) != 1) {
		snprintf(why, why_size, "cannot load trust anchors: %s", ssl_reason());
		goto out;
	}
	if (!X509_STORE_CTX_init(ctx, store, cert, certs) ||
	    (purpose != 0 && !X509_STORE_CTX_set_purpose(ctx, purpose)))
		goto out;
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		snprintf(why, why_size, "%s",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok ? 0 : -1;
}

/* Step 4: does the signer chain to a trust anchor? */
static int
check_trust(X509 *signer, STACK_OF(X509) *certs, const char *ca_file,
	    struct sign_verify_result *res)
{
	char why[200];

	if (chains(signer, certs, ca_file, 0, why, sizeof(why)) == 0)
		return 0;
	set_reason(res, SIGN_VALID_UNTRUSTED, strncmp(why, "cannot load", 11) == 0
						      ? "%s" : "signer not trusted: %s", why);
	return -1;
}

/* ---- the timestamp ---------------------------------------------------------- */

/* What the timestamp check found, for the steps after it. */
struct stamp {
	CMS_ContentInfo *cms; /* the token */
	X509 *tsa;            /* its signer (borrowed from cms) */
	STACK_OF(X509) *certs;
};

static void
stamp_release(struct stamp *st)
{
	sk_X509_pop_free(st->certs, X509_free);
	CMS_ContentInfo_free(st->cms);
	memset(st, 0, sizeof(*st));
}

static int
stamp_fail(struct sign_verify_result *res, const char *why)
{
	res->timestamp_valid = false;
	snprintf(res->timestamp_reason, sizeof(res->timestamp_reason), "%s", why);
	set_reason(res, SIGN_INVALID, "the timestamp %s", why);
	return -1;
}

static void
tsa_name_of(X509 *tsa, TS_TST_INFO *tst, struct sign_verify_result *res)
{
	GENERAL_NAME *gn = TS_TST_INFO_get_tsa(tst);
	X509_NAME *name = tsa != NULL ? X509_get_subject_name(tsa) : NULL;

	if (name == NULL && gn != NULL && gn->type == GEN_DIRNAME)
		name = gn->d.directoryName;
	if (name == NULL ||
	    X509_NAME_get_text_by_NID(name, NID_commonName, res->tsa_name,
				      (int)sizeof(res->tsa_name)) < 0)
		res->tsa_name[0] = '\0';
}

/*
 * The timestamp, if any: read it, check its signature and that it stamps
 * this signature value.  0 when absent or good so far, -1 (verdict invalid)
 * when not.  Fills st for the trust step.
 */
static int
check_timestamp(CMS_SignerInfo *si, struct stamp *st, struct sign_verify_result *res)
{
	int idx = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	X509_ATTRIBUTE *attr = idx >= 0 ? CMS_unsigned_get_attr(si, idx) : NULL;
	ASN1_TYPE *t = attr != NULL ? X509_ATTRIBUTE_get0_type(attr, 0) : NULL;
	ASN1_OCTET_STRING *sigval = CMS_SignerInfo_get0_signature(si);
	const unsigned char *p;
	PKCS7 *p7 = NULL;
	TS_TST_INFO *tst = NULL;
	STACK_OF(X509) *signers = NULL;
	TS_MSG_IMPRINT *imprint;
	const ASN1_OBJECT *alg_obj = NULL;
	ASN1_OCTET_STRING *msg;
	const EVP_MD *md;
	unsigned char got[EVP_MAX_MD_SIZE];
	unsigned int got_len = 0;
	struct tm tm;
	int rc = -1;

	if (idx < 0)
		return 0;
	res->has_timestamp = true;
	if (t == NULL || t->type != V_ASN1_SEQUENCE || sigval == NULL) {
		stamp_fail(res, "is not readable (not a TimeStampToken)");
		goto out;
	}
	p = t->value.sequence->data;
	p7 = d2i_PKCS7(NULL, &p, t->value.sequence->length);
	tst = p7 != NULL ? PKCS7_to_TS_TST_INFO(p7) : NULL;
	p = t->value.sequence->data;
	st->cms = tst != NULL ? d2i_CMS_ContentInfo(NULL, &p, t->value.sequence->length) : NULL;
	if (st->cms == NULL) {
		stamp_fail(res, "is not readable (not a TimeStampToken)");
		goto out;
	}
	if (TS_TST_INFO_get_time(tst) != NULL &&
	    ASN1_TIME_to_tm(TS_TST_INFO_get_time(tst), &tm) == 1)
		res->timestamp_time = timegm(&tm);
	if (CMS_verify(st->cms, NULL, NULL, NULL, NULL,
		       CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		tsa_name_of(NULL, tst, res);
		stamp_fail(res, "token's signature does not verify");
		goto out;
	}
	signers = CMS_get0_signers(st->cms);
	st->tsa = sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
	st->certs = CMS_get1_certs(st->cms);
	tsa_name_of(st->tsa, tst, res);
	if (st->tsa == NULL) {
		stamp_fail(res, "token has no single signer");
		goto out;
	}
	imprint = TS_TST_INFO_get_msg_imprint(tst);
	msg = TS_MSG_IMPRINT_get_msg(imprint);
	X509_ALGOR_get0(&alg_obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(imprint));
	md = alg_obj != NULL ? EVP_get_digestbyobj(alg_obj) : NULL;
	if (md == NULL ||
	    !EVP_Digest(ASN1_STRING_get0_data(sigval), (size_t)ASN1_STRING_length(sigval), got,
			&got_len, md, NULL) ||
	    (unsigned)ASN1_STRING_length(msg) != got_len ||
	    memcmp(ASN1_STRING_get0_data(msg), got, got_len) != 0) {
		stamp_fail(res, "does not match this signature (messageImprint mismatch)");
		goto out;
	}
	res->timestamp_valid = true;
	rc = 0;
out:
	sk_X509_free(signers);
	TS_TST_INFO_free(tst);
	PKCS7_free(p7);
	ERR_clear_error();
	return rc;
}

/*
 * With step 4: does the TSA chain to the same anchors, as a TSA?  The
 * verdict and reason are only set when the signer was trusted (its reason
 * comes first); timestamp_valid and timestamp_reason always.
 */
static int
check_tsa_trust(struct stamp *st, const char *ca_file, bool set_verdict,
		struct sign_verify_result *res)
{
	char why[200];

	if (st->tsa == NULL ||
	    chains(st->tsa, st->certs, ca_file, X509_PURPOSE_TIMESTAMP_SIGN, why, sizeof(why)) == 0)
		return 0;
	res->timestamp_valid = false;
	snprintf(res->timestamp_reason, sizeof(res->timestamp_reason),
		 "timestamp authority not trusted: %s", why);
	if (set_verdict)
		set_reason(res, SIGN_VALID_UNTRUSTED, "%s", res->timestamp_reason);
	return -1;
}

int
sign_verify_file(const char *content_path, const char *sig_path, const char *ca_file,
		 struct sign_verify_result *res)
{
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	struct stamp st = {NULL, NULL, NULL};
	bool signer_trusted;
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
	if (check_timestamp(si, &st, res) != 0)
		goto out;
	signer_trusted = check_trust(signer, certs, ca_file, res) == 0;
	if (check_tsa_trust(&st, ca_file, signer_trusted, res) != 0 || !signer_trusted)
		goto out;
	res->verdict = SIGN_VALID;
	res->reason[0] = '\0';
	rc = 0;
out:
	stamp_release(&st);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}
