/*
 * fuzz_csc.c - libFuzzer target for the remote signing service's replies
 * (CSC API v2, src/sign/remote.c): the certificate chain of
 * credentials/info (base64 DER read with OpenSSL, then the key type taken
 * from the certificate, as motcua sign does) and the signatures of
 * signatures/signHash (base64, ECDSA r||s turned into DER).
 *
 *     byte 0   which reply (even: credentials/info, odd: signHash) and, for
 *              signHash, how many signatures were asked for (1..4) and the
 *              algorithm (bit 3: ECDSA)
 *     rest     the JSON body
 *
 * Uses remote.c's UNITTEST readers; nothing is sent or signed.
 */
#include <jansson.h>

#include "fuzz.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

int sign_remote_read_certs(json_t *certs, struct sign_key *key);
int sign_remote_take_signatures(json_t *answer, enum sign_alg alg, size_t n,
				struct sign_blob *sigs, size_t *n_done, struct sign_error *err);

static void
info(json_t *j)
{
	struct sign_key key;

	memset(&key, 0, sizeof key);
	/* As load_credential(): the certificates, then the key from the first. */
	if (sign_remote_read_certs(json_object_get(json_object_get(j, "cert"), "certificates"),
				   &key) == 0)
		(void)sign_key_from_cert(&key);
	sign_key_release(&key);
}

static void
sign_hash(json_t *j, uint8_t sel)
{
	struct sign_blob sigs[4];
	struct sign_error err;
	size_t n = (size_t)((sel >> 1) & 3) + 1, done = 0;
	enum sign_alg alg = sel & 8 ? SIGN_ALG_ECDSA_SHA256 : SIGN_ALG_RSA_PSS_SHA256;

	memset(sigs, 0, sizeof sigs);
	memset(&err, 0, sizeof err);
	if (sign_remote_take_signatures(j, alg, n, sigs, &done, &err) == 0 && done != n)
		abort(); /* success means every signature */
	if (done > n)
		abort();
	for (size_t i = 0; i < done; i++) {
		if (sigs[i].data == NULL || sigs[i].len == 0)
			abort();
		free(sigs[i].data);
	}
	fuzz_require_line("the error", err.detail);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j;

	if (size < 1)
		return 0;
	j = json_loadb((const char *)data + 1, size - 1, 0, NULL);
	if (data[0] & 1)
		sign_hash(j, data[0]);
	else
		info(j);
	json_decref(j);
	return 0;
}
