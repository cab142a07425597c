/*
 * tsa.h - the sandbox's time-stamping authority (RFC 3161 over HTTP, §3.4),
 * so `motcua sign --tsa` can put a timestamp token in each signature.
 *
 * At start it makes an EC P-256 key and a certificate for it issued by the
 * sandbox's test CA (the CSC service's, csc_ca()), with the critical
 * extended key usage timeStamping RFC 3161 asks for: the same ca.pem
 * verifies signers and timestamps.  Tokens carry the sandbox policy
 * TSA_POLICY_OID, serial numbers 1, 2, 3, ... (per process), the sandbox
 * clock's time (accuracy 1 s), the request's nonce, the TSA certificate
 * when certReq is true, ESSCertIDv2 (SHA-256) and the TSA's name.
 *
 * Paths:
 *   POST /tsa                  application/timestamp-query -> application/timestamp-reply
 *   POST /tsa/_sandbox/refuse  a TSA that refuses every query (rejection,
 *                              timeNotAvailable), for training and tests
 *   GET  /tsa/ca.pem           the test CA (the same as /csc/_sandbox/ca.pem)
 *   GET  /tsa/tsa.pem          the TSA certificate
 * Every query gets a TimeStampResp with HTTP 200: a malformed one (or the
 * wrong Content-Type) rejection/badDataFormat, a hash other than SHA-256,
 * SHA-384 or SHA-512 rejection/badAlg, a policy other than ours
 * rejection/unacceptedPolicy.
 *
 * It does not persist anything (keys and serials die with the process),
 * keep a log of what it stamped, or apply fault rules (the fault targets are
 * the backends, the IdP and payment; stop the sandbox or use the refusing
 * path to see a failing TSA).  Handlers run under the HTTP layer's mutex.
 */
#ifndef MOTCUA_SBX_TSA_H
#define MOTCUA_SBX_TSA_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/types.h>

#include "core/civil.h"
#include "sandbox/http.h"

/* An OID under the arc RFC 5612 reserves for documentation: never a real policy. */
#define TSA_POLICY_OID "1.3.6.1.4.1.32473.3161.1"

struct tsa;

/* ca, ca_key: the issuer (borrowed, only used here).  NULL if OpenSSL fails. */
struct tsa *tsa_new(X509 *ca, EVP_PKEY *ca_key);
void tsa_free(struct tsa *tsa);

/* Handle a request under /tsa: true with resp filled, else false (untouched). */
bool tsa_handle(struct tsa *tsa, const struct sbx_request *req, struct sbx_response *resp);

/*
 * The DER TimeStampResp for a DER TimeStampReq at time now (refuse: answer
 * rejection/timeNotAvailable).  Returns malloc'd bytes and *len (caller
 * frees), or NULL when OpenSSL cannot build even a rejection.
 */
unsigned char *tsa_reply(struct tsa *tsa, const void *query, size_t query_len, mc_time now,
			 bool refuse, size_t *len);

/* The TSA certificate (borrowed). */
X509 *tsa_cert(const struct tsa *tsa);

#endif
