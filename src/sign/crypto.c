/*
 * crypto.c - small OpenSSL helpers the signers share: what kind of key a
 * certificate carries, base64 for the CSC wire format, and ECDSA signature
 * shapes (raw r||s from tokens and services, DER for CMS).
 *
 * Nothing here signs or talks to a device.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "core/xalloc.h"
#include "sign/sign_int.h"

int
sign_key_from_cert(struct sign_key *key)
{
	EVP_PKEY *pub = X509_get0_pubkey(key->cert);

	if (pub == NULL)
		return -1;
	key->bits = EVP_PKEY_get_bits(pub);
	if (EVP_PKEY_is_a(pub, "RSA")) {
		key->type = SIGN_KEY_RSA;
		return 0;
	}
	if (EVP_PKEY_is_a(pub, "EC")) {
		key->type = SIGN_KEY_EC;
		return 0;
	}
	return -1;
}

void
sign_key_release(struct sign_key *key)
{
	free(key->id);
	free(key->label);
	X509_free(key->cert);
	sk_X509_pop_free(key->chain, X509_free);
	memset(key, 0, sizeof(*key));
}

char *
sign_b64_encode(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	int n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);

	out[n < 0 ? 0 : n] = '\0';
	return out;
}

unsigned char *
sign_b64_decode(const char *text, size_t *len)
{
	size_t tlen = strlen(text), pad = 0;
	unsigned char *out;
	int n;

	if (tlen == 0 || tlen % 4 != 0 || tlen > (size_t)1 << 24)
		return NULL;
	if (text[tlen - 1] == '=')
		pad++;
	if (text[tlen - 2] == '=')
		pad++;
	out = xmalloc(tlen / 4 * 3 + 1);
	n = EVP_DecodeBlock(out, (const unsigned char *)text, (int)tlen);
	if (n < 0 || (size_t)n < pad) {
		free(out);
		return NULL;
	}
	*len = (size_t)n - pad; /* DecodeBlock counts the padding as zero bytes */
	return out;
}

unsigned char *
sign_ecdsa_to_der(const unsigned char *sig, size_t len, size_t *der_len)
{
	const unsigned char *p = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	unsigned char *der = NULL;
	int n;

	if (es != NULL && p == sig + len) {
		ECDSA_SIG_free(es);
		der = xmalloc(len);
		memcpy(der, sig, len);
		*der_len = len;
		return der;
	}
	ECDSA_SIG_free(es);
	if (len == 0 || len % 2 != 0 || len > 264)
		return NULL;
	es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)(len / 2), NULL);
	BIGNUM *s = BN_bin2bn(sig + len / 2, (int)(len / 2), NULL);
	if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return NULL;
	}
	unsigned char *tmp = NULL;
	n = i2d_ECDSA_SIG(es, &tmp);
	ECDSA_SIG_free(es);
	if (n <= 0)
		return NULL;
	der = xmalloc((size_t)n); /* callers free() it, not OPENSSL_free() */
	memcpy(der, tmp, (size_t)n);
	OPENSSL_free(tmp);
	*der_len = (size_t)n;
	return der;
}
