/*
 * pkcs11.c - the token signer: a PKCS#11 module through libp11 and OpenSSL 3.
 *
 * open() loads the module, finds the token by label, refuses early when the
 * token already says its PIN is locked, asks for the PIN (through the
 * caller's callback, every time: nothing is cached), logs in and wipes the
 * PIN.  The keys offered are the private keys that have a certificate with
 * the same CKA_ID.  Signing goes through the EVP_PKEY libp11 gives for the
 * key: OpenSSL pads (PSS) or hashes nothing (ECDSA over our digest) and
 * libp11 calls C_Sign.
 *
 * libp11 reports PKCS#11 failures on the OpenSSL error queue under its own
 * library code with the CK_RV as the reason; ckr_from_queue() takes it from
 * there and sign.c's table turns it into a status with a clear message
 * (wrong PIN, locked PIN, token removed ...).  doc/signing.md lists them.
 *
 * It does not build CMS, choose the key (signer_pick_key) or read the PIN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libp11.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "core/xalloc.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

struct p11_signer {
	struct signer base;
	char *module;
	char *token_label;
	sign_ask_fn *ask;
	void *ask_arg;

	PKCS11_CTX *ctx;
	bool loaded;
	PKCS11_SLOT *slots;
	unsigned int n_slots;
	PKCS11_SLOT *slot;
	bool logged_in;

	struct sign_key *keys;   /* n_keys, with ... */
	PKCS11_KEY **p11_keys;   /* ... the token's key object of each */
	size_t n_keys;
};

/*
 * The last PKCS#11 return value libp11 put on the error queue, or -1 when
 * there is none; the queue is emptied either way.
 */
static long
ckr_from_queue(void)
{
	long ckr = -1;
	int lib = ERR_get_CKR_code();
	unsigned long e;

	while ((e = ERR_get_error()) != 0)
		if (ERR_GET_LIB(e) == lib)
			ckr = (long)ERR_GET_REASON(e);
	return ckr;
}

static int
fail_ckr(struct sign_error *err, enum sign_status fallback, const char *what)
{
	long ckr = ckr_from_queue();

	if (ckr < 0)
		return sign_fail(err, fallback, "%s failed", what);
	return sign_fail(err, sign_ckr_status((unsigned long)ckr), "%s: %s (0x%lx)", what,
			 sign_ckr_name((unsigned long)ckr), (unsigned long)ckr);
}

static PKCS11_SLOT *
find_slot(struct p11_signer *p, struct sign_error *err)
{
	char seen[160] = "";
	size_t used = 0;

	for (unsigned int i = 0; i < p->n_slots; i++) {
		PKCS11_TOKEN *t = p->slots[i].token;
		if (t == NULL || !t->initialized)
			continue;
		if (p->token_label == NULL || strcmp(t->label, p->token_label) == 0)
			return &p->slots[i];
		int w = snprintf(seen + used, sizeof(seen) - used, "%s'%s'", used > 0 ? ", " : "",
				 t->label);
		if (w > 0 && (size_t)w < sizeof(seen) - used)
			used += (size_t)w;
	}
	if (used == 0)
		sign_fail(err, SIGN_ERR_NO_TOKEN, "no token present (module %s)", p->module);
	else
		sign_fail(err, SIGN_ERR_NO_TOKEN, "no token '%s'; present: %s", p->token_label,
			  seen);
	return NULL;
}

static char *
hex_id(const unsigned char *id, size_t len)
{
	char *out = xmalloc(2 * len + 1);

	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
	out[2 * len] = '\0';
	return out;
}

static int
load_keys(struct p11_signer *p, struct sign_error *err)
{
	PKCS11_KEY *keys = NULL;
	PKCS11_CERT *certs = NULL;
	unsigned int n_keys = 0, n_certs = 0;

	if (PKCS11_enumerate_keys(p->slot->token, &keys, &n_keys) != 0)
		return fail_ckr(err, SIGN_ERR_DEVICE, "listing the keys");
	if (PKCS11_enumerate_certs(p->slot->token, &certs, &n_certs) != 0)
		return fail_ckr(err, SIGN_ERR_DEVICE, "listing the certificates");
	p->keys = xcalloc(n_keys + 1, sizeof(*p->keys));
	p->p11_keys = xcalloc(n_keys + 1, sizeof(*p->p11_keys));
	for (unsigned int i = 0; i < n_keys; i++) {
		PKCS11_CERT *match = NULL;
		if (!keys[i].isPrivate)
			continue;
		for (unsigned int j = 0; j < n_certs && match == NULL; j++)
			if (certs[j].x509 != NULL && certs[j].id_len == keys[i].id_len &&
			    memcmp(certs[j].id, keys[i].id, keys[i].id_len) == 0)
				match = &certs[j];
		if (match == NULL)
			continue;
		struct sign_key *k = &p->keys[p->n_keys];
		k->id = hex_id(keys[i].id, keys[i].id_len);
		k->label = xstrdup(keys[i].label != NULL ? keys[i].label : "");
		X509_up_ref(match->x509);
		k->cert = match->x509;
		if (sign_key_from_cert(k) != 0) {
			sign_key_release(k);
			continue;
		}
		p->p11_keys[p->n_keys++] = &keys[i];
	}
	return 0;
}

static int
p11_open(struct signer *s, struct sign_error *err)
{
	struct p11_signer *p = (struct p11_signer *)s;
	struct sign_secret pin;
	char prompt[200];
	int rc;

	ERR_clear_error();
	p->ctx = PKCS11_CTX_new();
	if (p->ctx == NULL)
		return sign_fail(err, SIGN_ERR_NO_MODULE, "libp11 cannot start");
	if (PKCS11_CTX_load(p->ctx, p->module) != 0) {
		ERR_clear_error();
		return sign_fail(err, SIGN_ERR_NO_MODULE, "%s", p->module);
	}
	p->loaded = true;
	if (PKCS11_enumerate_slots(p->ctx, &p->slots, &p->n_slots) != 0)
		return fail_ckr(err, SIGN_ERR_NO_TOKEN, "listing the slots");
	p->slot = find_slot(p, err);
	if (p->slot == NULL)
		return -1;
	if (p->slot->token->userPinLocked)
		return sign_fail(err, SIGN_ERR_PIN_LOCKED, "token '%s': CKF_USER_PIN_LOCKED",
				 p->slot->token->label);
	if (p->slot->token->loginRequired) {
		snprintf(prompt, sizeof(prompt), "Mã PIN của token «%s» (PIN for token %s): ",
			 p->slot->token->label, p->slot->token->label);
		if (p->ask == NULL || p->ask(p->ask_arg, SIGN_SECRET_PIN, prompt, &pin) != 0) {
			sign_secret_wipe(&pin);
			return sign_fail(err, SIGN_ERR_CANCELLED, "no PIN entered");
		}
		rc = PKCS11_login(p->slot, 0, pin.value);
		sign_secret_wipe(&pin);
		if (rc != 0)
			return fail_ckr(err, SIGN_ERR_PIN_INCORRECT, "login");
		p->logged_in = true;
	}
	return load_keys(p, err);
}

static int
p11_list_keys(struct signer *s, const struct sign_key **keys, size_t *n_keys,
	      struct sign_error *err)
{
	struct p11_signer *p = (struct p11_signer *)s;

	if (p->slot == NULL)
		return sign_fail(err, SIGN_ERR_NO_TOKEN, "the token is not open");
	*keys = p->keys;
	*n_keys = p->n_keys;
	return 0;
}

static int
sign_one(EVP_PKEY *pk, enum sign_alg alg, const struct sign_digest *d, struct sign_blob *out,
	 struct sign_error *err)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
	size_t len = 0;
	int rc = -1;

	if (ctx == NULL || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0)
		goto fail;
	if (alg == SIGN_ALG_RSA_PSS_SHA256 &&
	    (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) <= 0))
		goto fail;
	if (EVP_PKEY_sign(ctx, NULL, &len, d->md, sizeof(d->md)) <= 0 || len == 0)
		goto fail;
	out->data = xmalloc(len);
	if (EVP_PKEY_sign(ctx, out->data, &len, d->md, sizeof(d->md)) <= 0) {
		free(out->data);
		out->data = NULL;
		goto fail;
	}
	out->len = len;
	rc = 0;
	goto out;
fail:
	fail_ckr(err, SIGN_ERR_DEVICE, "signing");
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

static int
p11_sign_digests(struct signer *s, const struct sign_key *key, enum sign_alg alg,
		 const struct sign_digest *digests, size_t n, struct sign_blob *sigs,
		 size_t *n_done, struct sign_error *err)
{
	struct p11_signer *p = (struct p11_signer *)s;
	PKCS11_KEY *pkey = NULL;
	EVP_PKEY *pk = NULL;
	int rc = 0;

	*n_done = 0;
	for (size_t i = 0; i < p->n_keys; i++)
		if (&p->keys[i] == key)
			pkey = p->p11_keys[i];
	if (pkey == NULL)
		return sign_fail(err, SIGN_ERR_NO_KEY, "the key is not on this token");
	ERR_clear_error();
	pk = PKCS11_get_private_key(pkey);
	if (pk == NULL)
		return fail_ckr(err, SIGN_ERR_TOKEN_REMOVED, "reading the private key");
	for (size_t i = 0; i < n; i++) {
		if (sign_one(pk, alg, &digests[i], &sigs[i], err) != 0) {
			rc = -1;
			break;
		}
		(*n_done)++;
	}
	EVP_PKEY_free(pk);
	return rc;
}

static void
p11_close(struct signer *s)
{
	struct p11_signer *p = (struct p11_signer *)s;

	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_keys; i++)
		sign_key_release(&p->keys[i]);
	free(p->keys);
	free(p->p11_keys);
	if (p->logged_in)
		PKCS11_logout(p->slot);
	if (p->slots != NULL)
		PKCS11_release_all_slots(p->ctx, p->slots, p->n_slots);
	if (p->loaded)
		PKCS11_CTX_unload(p->ctx);
	if (p->ctx != NULL)
		PKCS11_CTX_free(p->ctx);
	ERR_clear_error();
	free(p->module);
	free(p->token_label);
	free(p);
}

static const struct signer_ops p11_ops = {
	.name = "pkcs11",
	.open = p11_open,
	.list_keys = p11_list_keys,
	.sign_digests = p11_sign_digests,
	.close = p11_close,
};

struct signer *
sign_pkcs11_new(const struct sign_pkcs11_config *cfg)
{
	struct p11_signer *p = xcalloc(1, sizeof(*p));

	p->base.ops = &p11_ops;
	p->module = xstrdup(cfg->module);
	p->token_label = cfg->token_label != NULL ? xstrdup(cfg->token_label) : NULL;
	p->ask = cfg->ask;
	p->ask_arg = cfg->ask_arg;
	return &p->base;
}
