/*
 * cms.c - detached CMS SignedData over files, with the private key
 * elsewhere (a token, a remote service).
 *
 * OpenSSL's CMS_sign() wants a private key it can use itself.  Ours is
 * behind a signer, so the SignedData is built in three steps with public
 * OpenSSL 3.0 calls only:
 *   1. CMS_sign(CMS_PARTIAL|CMS_DETACHED) and CMS_add1_signer() with the
 *      certificate's PUBLIC key (add1_signer only compares it with the
 *      certificate, and CMS_PARTIAL keeps it from signing); CMS_CADES adds
 *      the ESS signingCertificateV2 attribute.  We add messageDigest (our own
 *      SHA-256 of the file), contentType and signingTime.
 *   2. The DER of the signed attributes, encoded with OpenSSL's own
 *      PKCS7_ATTR_SIGN template (a DER SET OF, sorted, exactly what the
 *      signature must cover), is hashed with SHA-256 and handed to the signer.
 *   3. The signature goes in with CMS_SignerInfo_get0_signature(), and for
 *      RSA the signatureAlgorithm becomes RSASSA-PSS with its parameters.
 * With a TSA, SHA-256 of each signature value goes to it (tsa.c) and the
 * token comes back as the unsigned attribute id-aa-timeStampToken.
 * The result is written with i2d_CMS_bio() and never passes CMS_final(),
 * which would try to sign again.  doc/signing.md shows the structure.
 *
 * It does not choose keys, ask for PINs or verify (verify.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>

#include "core/xalloc.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

const unsigned char sign_pss_params_der[] = {
	0x30, 0x30,
	/* [0] hashAlgorithm sha256 */
	0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	/* [1] maskGenAlgorithm mgf1(sha256) */
	0xa1, 0x1a, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
	0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	/* [2] saltLength 32 */
	0xa2, 0x03, 0x02, 0x01, 0x20,
};
const size_t sign_pss_params_der_len = sizeof(sign_pss_params_der);

/* One job on its way: the partial CMS and the hash its signer must sign. */
struct prepared {
	struct sign_job *job;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	struct sign_digest attrs_md;
	bool ok;             /* signed (and stamped when asked): to be written */
};

static void
job_fail(struct sign_job *job, enum sign_status status, const char *detail)
{
	job->status = status;
	snprintf(job->detail, sizeof(job->detail), "%s", detail);
}

static void
job_fail_ssl(struct sign_job *job, const char *what)
{
	char buf[160];
	unsigned long e = ERR_peek_last_error();

	ERR_error_string_n(e, buf, sizeof(buf));
	job->status = SIGN_ERR_CRYPTO;
	snprintf(job->detail, sizeof(job->detail), "%s: %s", what, e != 0 ? buf : "failed");
	ERR_clear_error();
}

/* SHA-256 of a file, streamed.  0, or -1 with the job failed. */
static int
file_sha256(struct sign_job *job, unsigned char md[32])
{
	unsigned char buf[65536];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	FILE *f = fopen(job->path, "rb");
	unsigned int mdlen = 0;
	int rc = -1;
	size_t got;

	if (f == NULL) {
		char d[256];
		snprintf(d, sizeof(d), "%s: %s", job->path, strerror(errno));
		job_fail(job, SIGN_ERR_FILE, d);
		goto out;
	}
	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		job_fail_ssl(job, "SHA-256");
		goto out;
	}
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, got);
	if (ferror(f)) {
		char d[256];
		snprintf(d, sizeof(d), "%s: read error", job->path);
		job_fail(job, SIGN_ERR_FILE, d);
		goto out;
	}
	if (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32) {
		job_fail_ssl(job, "SHA-256");
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* SHA-256 of the DER SET OF signed attributes: what the signature covers. */
static int
attrs_sha256(CMS_SignerInfo *si, unsigned char md[32])
{
	STACK_OF(X509_ATTRIBUTE) *attrs = sk_X509_ATTRIBUTE_new_null();
	unsigned char *der = NULL;
	unsigned int mdlen = 0;
	int len, rc = -1;

	if (attrs == NULL)
		goto out;
	for (int i = 0; i < CMS_signed_get_attr_count(si); i++)
		if (!sk_X509_ATTRIBUTE_push(attrs, CMS_signed_get_attr(si, i)))
			goto out;
	len = ASN1_item_i2d((ASN1_VALUE *)attrs, &der, ASN1_ITEM_rptr(PKCS7_ATTR_SIGN));
	if (len <= 0)
		goto out;
	if (!EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		goto out;
	rc = 0;
out:
	OPENSSL_free(der);
	sk_X509_ATTRIBUTE_free(attrs); /* the attributes stay the SignerInfo's */
	return rc;
}

static int
prepare(struct prepared *p, const struct sign_key *key, time_t now)
{
	unsigned char content_md[32];
	EVP_PKEY *pub = X509_get0_pubkey(key->cert);
	ASN1_TIME *when = NULL;
	int rc = -1;

	if (file_sha256(p->job, content_md) != 0)
		return -1;
	p->cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
	if (p->cms == NULL || pub == NULL) {
		job_fail_ssl(p->job, "CMS_sign");
		goto out;
	}
	p->si = CMS_add1_signer(p->cms, key->cert, pub, EVP_sha256(),
				CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES);
	if (p->si == NULL) {
		job_fail_ssl(p->job, "CMS_add1_signer");
		goto out;
	}
	for (int i = 0; key->chain != NULL && i < sk_X509_num(key->chain); i++) {
		X509 *x = sk_X509_value(key->chain, i);
		if (X509_cmp(x, key->cert) != 0 && !CMS_add1_cert(p->cms, x)) {
			job_fail_ssl(p->job, "CMS_add1_cert");
			goto out;
		}
	}
	when = ASN1_TIME_set(NULL, now);
	if (when == NULL ||
	    !CMS_signed_add1_attr_by_NID(p->si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					 OBJ_nid2obj(NID_pkcs7_data), -1) ||
	    !CMS_signed_add1_attr_by_NID(p->si, NID_pkcs9_signingTime, ASN1_STRING_type(when),
					 when, -1) ||
	    !CMS_signed_add1_attr_by_NID(p->si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
					 content_md, (int)sizeof(content_md))) {
		job_fail_ssl(p->job, "signed attributes");
		goto out;
	}
	if (attrs_sha256(p->si, p->attrs_md.md) != 0) {
		job_fail_ssl(p->job, "encoding the signed attributes");
		goto out;
	}
	rc = 0;
out:
	ASN1_TIME_free(when);
	return rc;
}

static int
set_signature(struct prepared *p, enum sign_alg alg, const struct sign_blob *sig)
{
	ASN1_OCTET_STRING *os = CMS_SignerInfo_get0_signature(p->si);
	X509_ALGOR *sigalg = NULL;
	ASN1_STRING *params = NULL;

	if (os == NULL || !ASN1_STRING_set(os, sig->data, (int)sig->len))
		return -1;
	if (alg != SIGN_ALG_RSA_PSS_SHA256)
		return 0; /* CMS_add1_signer already wrote ecdsa-with-SHA256 */
	CMS_SignerInfo_get0_algs(p->si, NULL, NULL, NULL, &sigalg);
	params = ASN1_STRING_new();
	if (sigalg == NULL || params == NULL ||
	    !ASN1_STRING_set(params, sign_pss_params_der, (int)sign_pss_params_der_len)) {
		ASN1_STRING_free(params);
		return -1;
	}
	if (!X509_ALGOR_set0(sigalg, OBJ_nid2obj(NID_rsassaPss), V_ASN1_SEQUENCE, params)) {
		ASN1_STRING_free(params);
		return -1;
	}
	return 0;
}

/* Write DER to a temporary file beside out_path and rename it into place. */
static int
write_out(struct prepared *p)
{
	size_t n = strlen(p->job->out_path) + 16;
	char *tmp = xmalloc(n);
	BIO *bio = NULL;
	int fd = -1, rc = -1;

	snprintf(tmp, n, "%s.XXXXXX", p->job->out_path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		char d[256];
		snprintf(d, sizeof(d), "%s: %s", p->job->out_path, strerror(errno));
		job_fail(p->job, SIGN_ERR_FILE, d);
		goto out;
	}
	bio = BIO_new_fd(fd, BIO_NOCLOSE);
	if (bio == NULL || !i2d_CMS_bio(bio, p->cms) || BIO_flush(bio) != 1) {
		job_fail_ssl(p->job, "writing the signature");
		goto out;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto io_fail;
	}
	fd = -1;
	if (rename(tmp, p->job->out_path) != 0)
		goto io_fail;
	rc = 0;
	goto out;
io_fail: {
	char d[256];
	snprintf(d, sizeof(d), "%s: %s", p->job->out_path, strerror(errno));
	job_fail(p->job, SIGN_ERR_FILE, d);
}
out:
	BIO_free(bio);
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* SHA-256 of the signature value: what an RFC 3161 token stamps (RFC 3161 appendix A). */
static int
signature_sha256(CMS_SignerInfo *si, struct sign_digest *out)
{
	ASN1_OCTET_STRING *os = CMS_SignerInfo_get0_signature(si);
	unsigned int len = 0;

	if (os == NULL || !EVP_Digest(ASN1_STRING_get0_data(os), (size_t)ASN1_STRING_length(os),
				      out->md, &len, EVP_sha256(), NULL) ||
	    len != 32)
		return -1;
	return 0;
}

/*
 * Ask the TSA for a token per signed job and add each as the unsigned
 * attribute id-aa-timeStampToken; a job without one is no longer ok.
 */
static void
add_timestamps(struct prepared *ready, size_t n_ready, const struct sign_tsa *tsa)
{
	struct sign_digest *mds = xcalloc(n_ready + 1, sizeof(*mds));
	struct sign_blob *tokens = xcalloc(n_ready + 1, sizeof(*tokens));
	struct sign_error *errs = xcalloc(n_ready + 1, sizeof(*errs));
	size_t *which = xcalloc(n_ready + 1, sizeof(*which));
	size_t n = 0;

	for (size_t i = 0; i < n_ready; i++) {
		if (!ready[i].ok)
			continue;
		if (signature_sha256(ready[i].si, &mds[n]) != 0) {
			job_fail_ssl(ready[i].job, "hashing the signature value");
			ready[i].ok = false;
			continue;
		}
		which[n++] = i;
	}
	if (n > 0)
		sign_tsa_stamp(tsa, mds, n, tokens, errs);
	for (size_t k = 0; k < n; k++) {
		struct prepared *p = &ready[which[k]];
		if (tokens[k].data == NULL) {
			job_fail(p->job, errs[k].status == SIGN_ERR_TRUST ? SIGN_ERR_TRUST : SIGN_ERR_TSA,
				 errs[k].detail);
			p->ok = false;
		} else if (!CMS_unsigned_add1_attr_by_NID(p->si, NID_id_smime_aa_timeStampToken,
							  V_ASN1_SEQUENCE, tokens[k].data,
							  (int)tokens[k].len)) {
			job_fail_ssl(p->job, "adding the timestamp");
			p->ok = false;
		}
		free(tokens[k].data);
	}
	free(which);
	free(errs);
	free(tokens);
	free(mds);
}

size_t
sign_files(struct signer *s, const struct sign_key *key, struct sign_job *jobs, size_t n_jobs,
	   time_t now)
{
	return sign_files_ts(s, key, jobs, n_jobs, now, NULL);
}

size_t
sign_files_ts(struct signer *s, const struct sign_key *key, struct sign_job *jobs,
	      size_t n_jobs, time_t now, const struct sign_tsa *tsa)
{
	struct prepared *ready = xcalloc(n_jobs + 1, sizeof(*ready));
	struct sign_digest *digests = xcalloc(n_jobs + 1, sizeof(*digests));
	struct sign_blob *sigs = xcalloc(n_jobs + 1, sizeof(*sigs));
	enum sign_alg alg = sign_alg_for_key(key);
	struct sign_error err = {SIGN_OK, ""};
	size_t n_ready = 0, n_done = 0, n_signed = 0;

	for (size_t i = 0; i < n_jobs; i++) {
		jobs[i].status = SIGN_OK;
		jobs[i].detail[0] = '\0';
		ready[n_ready].job = &jobs[i];
		if (prepare(&ready[n_ready], key, now) != 0) {
			CMS_ContentInfo_free(ready[n_ready].cms);
			ready[n_ready].cms = NULL;
			continue;
		}
		digests[n_ready] = ready[n_ready].attrs_md;
		n_ready++;
	}
	if (n_ready > 0 &&
	    s->ops->sign_digests(s, key, alg, digests, n_ready, sigs, &n_done, &err) != 0 &&
	    n_done > n_ready)
		n_done = 0; /* a confused signer: trust none of it */
	for (size_t i = 0; i < n_ready; i++) {
		struct prepared *p = &ready[i];
		if (i >= n_done)
			job_fail(p->job, err.status != SIGN_OK ? err.status : SIGN_ERR_DEVICE,
				 err.detail);
		else if (set_signature(p, alg, &sigs[i]) != 0)
			job_fail_ssl(p->job, "setting the signature");
		else
			p->ok = true;
	}
	if (tsa != NULL)
		add_timestamps(ready, n_ready, tsa);
	for (size_t i = 0; i < n_ready; i++) {
		if (ready[i].ok && write_out(&ready[i]) == 0)
			n_signed++;
		CMS_ContentInfo_free(ready[i].cms);
	}
	for (size_t i = 0; i < n_jobs; i++)
		free(sigs[i].data);
	free(sigs);
	free(digests);
	free(ready);
	return n_signed;
}
