/*
 * pki.c - the sandbox's test keys and certificates (see pki.h).
 *
 * Builds X.509 v3 certificates with OpenSSL for the sandbox's test CA and
 * the certificates it issues.  It does not keep any of them, nor check
 * chains (the clients under test do that).
 */
#include "sandbox/pki.h"

#include <stddef.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

EVP_PKEY *
pki_key(bool rsa)
{
	return rsa ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
		   : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int
add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int
add_name(X509_NAME *name, const char *field, const char *value)
{
	return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
					  (const unsigned char *)value, -1, -1, 0);
}

X509 *
pki_issue(EVP_PKEY *key, const char *cn, const char *eku, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	BIGNUM *serial = BN_new();
	X509_NAME *name;
	bool ca = issuer == NULL;
	X509 *signer = ca ? x : issuer;

	if (key == NULL || (!ca && issuer_key == NULL) || x == NULL || serial == NULL ||
	    !X509_set_version(x, 2) ||
	    !BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -30L * 86400) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 5L * 365 * 86400) || !X509_set_pubkey(x, key))
		goto fail;
	name = X509_get_subject_name(x);
	if (!add_name(name, "C", "VN") || !add_name(name, "O", "motcua sandbox (thử nghiệm)") ||
	    !add_name(name, "CN", cn) ||
	    !X509_set_issuer_name(x, ca ? name : X509_get_subject_name(issuer)))
		goto fail;
	if (!add_ext(x, signer, NID_basic_constraints,
		     ca ? "critical,CA:TRUE" : "critical,CA:FALSE") ||
	    !add_ext(x, signer, NID_key_usage,
		     ca ? "critical,keyCertSign,cRLSign"
			: "critical,digitalSignature,nonRepudiation") ||
	    (!ca && !add_ext(x, signer, NID_ext_key_usage, eku)) ||
	    !add_ext(x, signer, NID_subject_key_identifier, "hash") ||
	    (!ca && !add_ext(x, signer, NID_authority_key_identifier, "keyid")))
		goto fail;
	if (X509_sign(x, ca ? key : issuer_key, EVP_sha256()) <= 0)
		goto fail;
	BN_free(serial);
	return x;
fail:
	BN_free(serial);
	X509_free(x);
	return NULL;
}
