/*
 * sign_int.h - helpers shared by the files of src/sign only (not an API).
 */
#ifndef MOTCUA_SIGN_INT_H
#define MOTCUA_SIGN_INT_H

#include <stddef.h>
#include <stdint.h>

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

/* ---- RFC 3161 (tsa.c) ---------------------------------------------------- */

/*
 * A DER TimeStampReq: version 1, messageImprint SHA-256 md, the nonce,
 * certReq true, no policy.  Returns malloc'd bytes and *len (caller frees),
 * or NULL when OpenSSL fails.
 */
unsigned char *sign_tsa_request(const unsigned char md[32], uint64_t nonce, size_t *len);

/*
 * Check a DER TimeStampResp for the request (md, nonce): status granted or
 * grantedWithMods, a token whose TSTInfo has the SHA-256 imprint md and the
 * nonce, and whose signature verifies with the TSA certificate inside it
 * (the chain is NOT checked: verify.c does that against the trust anchors).
 * Returns 0 and the token (DER ContentInfo, malloc'd, *token_len), or -1
 * with err = SIGN_ERR_TSA and a one-line detail (the TSA's status, failure
 * bits and text when it refused).
 */
int sign_tsa_check_reply(const unsigned char *reply, size_t len, const unsigned char md[32],
			 uint64_t nonce, unsigned char **token, size_t *token_len,
			 struct sign_error *err);

/*
 * Ask the TSA for n tokens, one per SHA-256 digest, all requests in flight
 * at once, blocking until every one has an answer.  tokens[i] is filled
 * (caller frees .data) or stays {NULL, 0} with errs[i] saying why.
 * Returns how many tokens were obtained.
 */
size_t sign_tsa_stamp(const struct sign_tsa *tsa, const struct sign_digest *mds, size_t n,
		      struct sign_blob *tokens, struct sign_error *errs);

#endif
