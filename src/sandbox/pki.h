/*
 * pki.h - the sandbox's test keys and certificates.
 *
 * One place that makes a key (EC P-256 or RSA-2048) and a certificate for
 * it: the self-signed test CA, or an end-entity certificate issued by that
 * CA with a given common name and extended key usage (the CSC's signing
 * credentials, the TSA).  Every certificate says C=VN, O=motcua sandbox
 * (thử nghiệm), is valid from 30 days ago for 5 years, and has a random
 * 63-bit serial.  It does not keep, store or revoke anything.
 */
#ifndef MOTCUA_SBX_PKI_H
#define MOTCUA_SBX_PKI_H

#include <stdbool.h>

#include <openssl/types.h>

/* A new RSA-2048 (rsa) or EC P-256 key; the caller frees it (EVP_PKEY_free).
 * NULL when OpenSSL fails.  RSA-2048 takes far longer (seconds under valgrind). */
EVP_PKEY *pki_key(bool rsa);

/*
 * A certificate for key with CN=cn, signed with SHA-256; the caller frees it
 * (X509_free).  issuer NULL: the self-signed CA (CA:TRUE, keyCertSign,
 * cRLSign; eku ignored).  Else an end entity issued by (issuer, issuer_key):
 * CA:FALSE, digitalSignature+nonRepudiation, extendedKeyUsage eku (an
 * OpenSSL config value such as "emailProtection" or "critical,timeStamping")
 * and an authority key identifier.  NULL when OpenSSL fails.
 */
X509 *pki_issue(EVP_PKEY *key, const char *cn, const char *eku, X509 *issuer,
		EVP_PKEY *issuer_key);

#endif
