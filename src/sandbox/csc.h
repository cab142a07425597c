/*
 * csc.h - the sandbox's remote signing service, in the manner of the Cloud
 * Signature Consortium API v2.
 *
 * It has a test CA and two credentials (an RSA-2048 key that signs
 * RSASSA-PSS or PKCS#1 v1.5, an EC P-256 key that signs ECDSA), each with a
 * certificate issued by that CA.  The CA and the EC credential are made at
 * start; the RSA credential on its first use (credentials/list or any call
 * naming it), as RSA key generation is slow.  Every credential wants an OTP as
 * its second factor (SCAL2): credentials/sendOTP "sends" one, which a
 * trainer or a test reads from the simulated phone below, and
 * credentials/authorize turns it into a SAD bound to the hashes it lists.
 *
 * Paths (POST, JSON bodies; errors as {"error","error_description"}):
 *   /csc/v2/info                       the service (no token needed)
 *   /csc/v2/credentials/list           -> {"credentialIDs": [...]}
 *   /csc/v2/credentials/info           key, cert (chain, base64 DER), auth
 *   /csc/v2/credentials/sendOTP        a new 6-digit OTP, valid 300 s, 3 tries
 *   /csc/v2/credentials/authorize      {credentialID, numSignatures, hashes,
 *                                       authData:[{id:"OTP",value}]} -> {SAD, expiresIn}
 *   /csc/v2/signatures/signHash        {credentialID, SAD, hashes, signAlgo,
 *                                       signAlgoParams} -> {signatures}
 *   GET /csc/_sandbox/otp?credentialID=ID   the OTP last sent (loopback only)
 *   GET /csc/_sandbox/ca.pem                the test CA, for `motcua verify --ca`
 * Every /csc/v2 path but info needs "Authorization: Bearer" accepted by the
 * auth callback; with csc_auth_idp that is a sandbox IdP access token for
 * the audience "csc".  Any signed-in official may use the test credentials.
 *
 * Uses req->now (the sandbox clock) for OTP and SAD lifetimes.  Handlers run
 * under the HTTP layer's mutex, so the state needs no lock of its own.
 */
#ifndef MOTCUA_SBX_CSC_H
#define MOTCUA_SBX_CSC_H

#include <stdbool.h>

#include <openssl/types.h>

#include "sandbox/http.h"

struct csc;

/*
 * Check the request's credentials: 0 and *subject (borrowed, may be NULL)
 * when accepted, else -1 with resp filled (a 401).
 */
typedef int csc_auth_fn(void *arg, const struct sbx_request *req, const char **subject,
			struct sbx_response *resp);

/* The usual check: arg is the sandbox's struct idp, audience "csc". */
int csc_auth_idp(void *idp, const struct sbx_request *req, const char **subject,
		 struct sbx_response *resp);

/* Generates the CA and EC keys (milliseconds).  NULL only if OpenSSL fails. */
struct csc *csc_new(csc_auth_fn *auth, void *auth_arg);
void csc_free(struct csc *csc);

/*
 * Give the RSA credential this key (RSA, 2048 bits or more; csc takes a
 * reference) instead of generating one on first use: tests hand in one key
 * made once, since generating RSA keys under a memory checker takes tens of
 * seconds.  Before the credential was first used only; 0, or -1 (not RSA,
 * or too late).
 */
int csc_use_rsa_key(struct csc *csc, EVP_PKEY *key);

/* Handle a request under /csc/: true with resp filled, else false (untouched). */
bool csc_handle(struct csc *csc, const struct sbx_request *req, struct sbx_response *resp);

/*
 * The test CA's certificate and key (borrowed, alive as long as csc), so
 * other sandbox services (the TSA) issue certificates one ca.pem verifies.
 */
void csc_ca(const struct csc *csc, X509 **cert, EVP_PKEY **key);

/* The OTP last sent for a credential and still usable, or NULL; borrowed. */
const char *csc_pending_otp(const struct csc *csc, const char *credential_id);

#endif
