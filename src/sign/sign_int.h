/*
 * sign_int.h - helpers shared by the files of src/sign only (not an API).
 */
#ifndef MOTCUA_SIGN_INT_H
#define MOTCUA_SIGN_INT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "sign/sign.h"

/*
 * DER of RSASSA-PSS-params (RFC 4055) for SHA-256, MGF1 with SHA-256, salt
 * length 32, trailer 1 (default, omitted); hash AlgorithmIdentifiers with
 * absent parameters as RFC 5754 asks.  The same bytes go into the CMS
 * signatureAlgorithm and into CSC's signAlgoParams.
 */
extern const unsigned char sign_pss_params_der[];
extern const size_t sign_pss_params_der_len;

#define SIGN_OID_SHA256 "2.16.840.1.101.3.4.2.1"
#define SIGN_OID_RSA_PSS "1.2.840.113549.1.1.10"
#define SIGN_OID_ECDSA_SHA256 "1.2.840.10045.4.3.2"
#define SIGN_OID_RSA "1.2.840.113549.1.1.1"

/*
 * Fill key->type and key->bits from the certificate's public key.
 * 0, or -1 when it is neither RSA nor EC.
 */
int sign_key_from_cert(struct sign_key *key);

/* Free what a sign_key holds (not the struct itself). */
void sign_key_release(struct sign_key *key);

/* Base64 (no newlines).  Returns a malloc'd NUL-terminated string. */
char *sign_b64_encode(const unsigned char *data, size_t len);
/* Decode; returns malloc'd bytes and *len, or NULL when not base64. */
unsigned char *sign_b64_decode(const char *text, size_t *len);

/*
 * An ECDSA signature as DER: DER input is returned as a copy, a raw r||s of
 * even length is converted.  NULL when neither.
 */
unsigned char *sign_ecdsa_to_der(const unsigned char *sig, size_t len, size_t *der_len);

#endif
