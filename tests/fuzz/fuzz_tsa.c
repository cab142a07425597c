/*
 * fuzz_tsa.c - libFuzzer target for the time-stamping authority's replies
 * (RFC 3161 TimeStampResp, src/sign/tsa.c): status and failure bits, the
 * token, its TSTInfo's imprint and nonce, its CMS signature.
 *
 *     bytes 0..7    the nonce we sent (big-endian)
 *     bytes 8..39   the SHA-256 digest we sent
 *     rest          the DER reply
 *
 * The seeds are real replies of the sandbox's TSA for those values (a grant,
 * a refusal, badAlg, badDataFormat).  Nothing is sent.
 */
#include "fuzz.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char md[32], *reply, *token = NULL;
	uint64_t nonce = 0;
	size_t token_len = 0;
	struct sign_error err;

	if (size < 40)
		return 0;
	for (size_t i = 0; i < 8; i++)
		nonce = nonce << 8 | data[i];
	memcpy(md, data + 8, 32);
	/* an exact-size copy, so ASan sees a read past the reply's length */
	reply = xmalloc(size - 40 + 1);
	memcpy(reply, data + 40, size - 40);
	memset(&err, 0, sizeof err);
	if (sign_tsa_check_reply(reply, size - 40, md, nonce, &token, &token_len, &err) == 0) {
		if (token == NULL || token_len == 0)
			abort(); /* success means a token */
	} else if (err.status != SIGN_ERR_TSA || token != NULL || token_len != 0) {
		abort(); /* failure means SIGN_ERR_TSA and nothing else */
	}
	fuzz_require_line("the error", err.detail);
	free(token);
	free(reply);
	return 0;
}
