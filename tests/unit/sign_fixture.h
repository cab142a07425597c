/*
 * sign_fixture.h - test fixtures the signing test programs
 * (tests/unit/test_sign*.c) share.  Each program includes it once and gets
 * its own copy (everything is static): the Makefile links one .c per unit
 * program, so a shared .c is not an option.
 *
 * What is here: a software test CA and certificates it issues
 * (sfx_make_cert, sfx_ca_new), a fake signer (a software key behind the
 * signer table, that can fail part-way or corrupt its signatures), the
 * bearer-token check the sandbox's CSC service is given in tests
 * (sfx_test_auth, token SFX_TOKEN) and the service itself (sfx_csc_new), one
 * RSA test key per program (sfx_rsa_key), and temporary folders and files.
 * Everything made here is synthetic; nothing touches a device or the network.
 */
#ifndef MOTCUA_TEST_SIGN_FIXTURE_H
#define MOTCUA_TEST_SIGN_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "core/xalloc.h"
#include "sandbox/csc.h"
#include "sandbox/http.h"
#include "sandbox/tsa.h"
#include "net/net.h"
#include "sign/sign.h"
#include "sign/sign_int.h"

/* Not every program uses every helper. */
#define SIGN_FIXTURE static __attribute__((unused))

/* ---- temporary folders and files ----------------------------------------------- */

/* Make a fresh folder from a mkdtemp template ("/tmp/motcua-test-x-XXXXXX"),
 * written into dir (size bytes); fails the test when it cannot. */
SIGN_FIXTURE void
sfx_tmpdir(char *dir, size_t size, const char *template)
{
	snprintf(dir, size, "%s", template);
	assert_non_null(mkdtemp(dir));
}

/* Remove dir and everything under it: 0, else -1. */
SIGN_FIXTURE int
sfx_rmdir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Entries in dir other than dot files; 0 when dir cannot be opened. */
SIGN_FIXTURE size_t
sfx_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Write text to path (replacing it); fails the test when it cannot. */
SIGN_FIXTURE void
sfx_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Write a certificate to path as PEM; fails the test when it cannot. */
SIGN_FIXTURE void
sfx_write_pem(const char *path, X509 *cert)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(PEM_write_X509(f, cert));
	fclose(f);
}

/* ---- the RSA test key ------------------------------------------------------------ */

/*
 * The program's RSA-2048 test key, made once (a new reference each call;
 * EVP_PKEY_free it).  Under a memory checker generating one takes tens of
 * seconds, so tests/valgrind/run.sh makes it natively with openssl and names
 * the PEM file in MOTCUA_TEST_RSA_KEY; otherwise it is generated here.
 */
SIGN_FIXTURE EVP_PKEY *
sfx_rsa_key(void)
{
	static EVP_PKEY *key;
	const char *path = getenv("MOTCUA_TEST_RSA_KEY");

	if (key == NULL && path != NULL && path[0] != '\0') {
		FILE *f = fopen(path, "r");

		if (f != NULL) {
			key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
			fclose(f);
		}
		if (key != NULL && (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
				    EVP_PKEY_get_bits(key) < 2048)) {
			EVP_PKEY_free(key);
			key = NULL;
		}
	}
	if (key == NULL)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_up_ref(key), 1);
	return key;
}

/* ---- a software CA ------------------------------------------------------------- */

/*
 * A certificate for key with CN=cn, valid from a day ago for 30 days:
 * self-signed with CA:TRUE when issuer is NULL, else CA:FALSE issued by
 * (issuer, issuer_key).  The caller frees it (X509_free).
 */
SIGN_FIXTURE X509 *
sfx_make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_get_subject_name(x);
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), issuer == NULL ? 1 : 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 30);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
				   0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
				  issuer == NULL ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	assert_true(X509_sign(x, issuer != NULL ? issuer_key : key, EVP_sha256()) > 0);
	return x;
}

/*
 * A test CA (EC P-256, "Test CA (synthetic)") in *ca_key, *ca (the caller
 * frees both), its certificate also written to dir/ca.pem, whose path goes
 * to ca_path (size bytes).
 */
SIGN_FIXTURE void
sfx_ca_new(const char *dir, EVP_PKEY **ca_key, X509 **ca, char *ca_path, size_t size)
{
	*ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(*ca_key);
	*ca = sfx_make_cert(*ca_key, "Test CA (synthetic)", NULL, NULL);
	snprintf(ca_path, size, "%s/ca.pem", dir);
	sfx_write_pem(ca_path, *ca);
}

/* ---- a fake signer ------------------------------------------------------------- */

struct sfx_fake {
	struct signer base;
	struct sign_key key;
	EVP_PKEY *priv;
	size_t fail_at;                 /* the digest it fails at; SIZE_MAX: never */
	enum sign_status fail_status;   /* what it fails with */
	bool corrupt;                   /* flip a bit of every signature */
	size_t batches;                 /* calls to sign */
	size_t digests;                 /* digests asked for, in all */
};

SIGN_FIXTURE int
sfx_fake_open(struct signer *s, struct sign_error *err)
{
	(void)s, (void)err;
	return 0;
}

SIGN_FIXTURE int
sfx_fake_list(struct signer *s, const struct sign_key **keys, size_t *n,
	      struct sign_error *err)
{
	struct sfx_fake *f = (struct sfx_fake *)s;

	(void)err;
	*keys = &f->key;
	*n = 1;
	return 0;
}

SIGN_FIXTURE int
sfx_fake_sign(struct signer *s, const struct sign_key *key, enum sign_alg alg,
	      const struct sign_digest *d, size_t n, struct sign_blob *sigs, size_t *n_done,
	      struct sign_error *err)
{
	struct sfx_fake *f = (struct sfx_fake *)s;

	assert_ptr_equal(key, &f->key);
	f->batches++;
	f->digests += n;
	*n_done = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == f->fail_at)
			return sign_fail(err, f->fail_status, "CKR_DEVICE_REMOVED (0x32)");
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(f->priv, NULL);
		size_t len = 0;
		assert_true(EVP_PKEY_sign_init(ctx) > 0);
		assert_true(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0);
		if (alg == SIGN_ALG_RSA_PSS_SHA256) {
			assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) > 0);
			assert_true(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, 32) > 0);
		}
		assert_true(EVP_PKEY_sign(ctx, NULL, &len, d[i].md, 32) > 0);
		sigs[i].data = xmalloc(len);
		assert_true(EVP_PKEY_sign(ctx, sigs[i].data, &len, d[i].md, 32) > 0);
		sigs[i].len = len;
		if (f->corrupt)
			sigs[i].data[len / 2] ^= 0x01;
		EVP_PKEY_CTX_free(ctx);
		(*n_done)++;
	}
	return 0;
}

SIGN_FIXTURE void
sfx_fake_close(struct signer *s)
{
	(void)s;
}

SIGN_FIXTURE const struct signer_ops sfx_fake_ops = {"fake", sfx_fake_open, sfx_fake_list,
					       sfx_fake_sign, sfx_fake_close, NULL};

/*
 * A fake signer with one key "01"/"signkey" of type "RSA" (2048) or "EC"
 * (P-256), its certificate "Cán bộ Thử nghiệm" issued by (ca, ca_key).  It
 * never fails until fail_at is set, then with SIGN_ERR_TOKEN_REMOVED unless
 * fail_status says otherwise.  Release with sfx_fake_release.
 */
SIGN_FIXTURE void
sfx_fake_init(struct sfx_fake *f, const char *type, X509 *ca, EVP_PKEY *ca_key)
{
	memset(f, 0, sizeof(*f));
	f->base.ops = &sfx_fake_ops;
	f->priv = strcmp(type, "RSA") == 0 ? sfx_rsa_key()
					   : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(f->priv);
	f->key.id = xstrdup("01");
	f->key.label = xstrdup("signkey");
	f->key.cert = sfx_make_cert(f->priv, "Cán bộ Thử nghiệm", ca, ca_key);
	assert_int_equal(sign_key_from_cert(&f->key), 0);
	f->fail_at = SIZE_MAX;
	f->fail_status = SIGN_ERR_TOKEN_REMOVED;
}

SIGN_FIXTURE void
sfx_fake_release(struct sfx_fake *f)
{
	sign_key_release(&f->key);
	EVP_PKEY_free(f->priv);
}

/* ---- a CA, a signer and a folder together --------------------------------------- */

struct sfx_world {
	char dir[64];       /* a fresh temporary folder */
	char ca_path[96];   /* dir/ca.pem, the CA certificate */
	EVP_PKEY *ca_key;
	X509 *ca;
	struct sfx_fake fake;
};

/* A folder made from template (for mkdtemp), a test CA in it, and a fake
 * signer of type "RSA" or "EC" with a certificate from that CA. */
SIGN_FIXTURE void
sfx_world_init(struct sfx_world *w, const char *template, const char *type)
{
	memset(w, 0, sizeof(*w));
	sfx_tmpdir(w->dir, sizeof(w->dir), template);
	sfx_ca_new(w->dir, &w->ca_key, &w->ca, w->ca_path, sizeof(w->ca_path));
	sfx_fake_init(&w->fake, type, w->ca, w->ca_key);
}

/* Free what sfx_world_init made and remove the folder. */
SIGN_FIXTURE void
sfx_world_free(struct sfx_world *w)
{
	sfx_fake_release(&w->fake);
	EVP_PKEY_free(w->ca_key);
	X509_free(w->ca);
	assert_int_equal(sfx_rmdir(w->dir), 0);
}

/* ---- the sandbox CSC service's token check in tests --------------------------- */

#define SFX_TOKEN "synthetic-test-access-token"

/* A csc_auth_fn: accepts "Bearer SFX_TOKEN" as subject "test-subject". */
SIGN_FIXTURE int
sfx_test_auth(void *arg, const struct sbx_request *req, const char **subject,
	      struct sbx_response *resp)
{
	const char *bearer = sbx_request_bearer(req);

	(void)arg;
	if (bearer != NULL && strcmp(bearer, SFX_TOKEN) == 0) {
		*subject = "test-subject";
		return 0;
	}
	sbx_response_oauth_error(resp, 401, "invalid_token", "unknown token");
	return -1;
}

/*
 * The sandbox's CSC service with sfx_test_auth, its RSA credential holding
 * sfx_rsa_key() rather than a key of its own made in the first request.
 * NULL if OpenSSL fails.
 */
SIGN_FIXTURE struct csc *
sfx_csc_new(void)
{
	struct csc *csc = csc_new(sfx_test_auth, NULL);
	EVP_PKEY *key = sfx_rsa_key();

	if (csc != NULL && csc_use_rsa_key(csc, key) != 0) {
		csc_free(csc);
		csc = NULL;
	}
	EVP_PKEY_free(key);
	return csc;
}

/*
 * Stop what a test of the sandbox services started (each may be NULL):
 * the client, the HTTP server, the TSA, the CSC service; then remove dir.
 * 0, else -1 when dir could not be removed.
 */
SIGN_FIXTURE int
sfx_sandbox_stop(struct net *net, struct sbx_http *srv, struct tsa *tsa, struct csc *csc,
		 const char *dir)
{
	net_free(net);
	sbx_http_stop(srv);
	tsa_free(tsa);
	csc_free(csc);
	return sfx_rmdir(dir);
}

#endif
