/*
 * test_sign.c - src/sign without a device: the PKCS#11 error mapping and its
 * messages, secrets read from a descriptor, key choice, and the CMS layer
 * driven by a fake signer (a software key behind the signer table): what
 * verification says about good, untrusted, tampered, forged and garbage
 * signatures, and what a token that fails part-way through a batch leaves
 * behind (the signed files, and nothing for the rest).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

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
#include "sign/sign.h"
#include "sign/sign_int.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

/* ---- a software CA and signer -------------------------------------------- */

static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key)
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

struct fake {
	struct signer base;
	struct sign_key key;
	EVP_PKEY *priv;
	size_t fail_at;          /* SIZE_MAX: never */
	enum sign_status fail_status;
	bool corrupt;            /* flip a bit of every signature */
	size_t batches;
};

static int
fake_open(struct signer *s, struct sign_error *err)
{
	(void)s, (void)err;
	return 0;
}

static int
fake_list(struct signer *s, const struct sign_key **keys, size_t *n, struct sign_error *err)
{
	struct fake *f = (struct fake *)s;
	(void)err;
	*keys = &f->key;
	*n = 1;
	return 0;
}

static int
fake_sign(struct signer *s, const struct sign_key *key, enum sign_alg alg,
	  const struct sign_digest *d, size_t n, struct sign_blob *sigs, size_t *n_done,
	  struct sign_error *err)
{
	struct fake *f = (struct fake *)s;

	assert_ptr_equal(key, &f->key);
	f->batches++;
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

static void
fake_close(struct signer *s)
{
	(void)s;
}

static const struct signer_ops fake_ops = {"fake", fake_open, fake_list, fake_sign, fake_close};

struct world {
	char dir[64];
	char ca_path[96];
	EVP_PKEY *ca_key;
	X509 *ca;
	struct fake fake;
};

static void
world_init(struct world *w, const char *type)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "/tmp/motcua-test-sign-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	w->ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	w->ca = make_cert(w->ca_key, "Test CA (synthetic)", NULL, NULL);
	snprintf(w->ca_path, sizeof(w->ca_path), "%s/ca.pem", w->dir);
	FILE *f = fopen(w->ca_path, "w");
	assert_non_null(f);
	PEM_write_X509(f, w->ca);
	fclose(f);
	w->fake.base.ops = &fake_ops;
	w->fake.priv = strcmp(type, "RSA") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
						: EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	w->fake.key.id = xstrdup("01");
	w->fake.key.label = xstrdup("signkey");
	w->fake.key.cert = make_cert(w->fake.priv, "Cán bộ Thử nghiệm", w->ca, w->ca_key);
	assert_int_equal(sign_key_from_cert(&w->fake.key), 0);
	w->fake.fail_at = SIZE_MAX;
}

static void
world_free(struct world *w)
{
	char cmd[128];

	sign_key_release(&w->fake.key);
	EVP_PKEY_free(w->fake.priv);
	EVP_PKEY_free(w->ca_key);
	X509_free(w->ca);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static size_t
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_ckr_mapping(void **state)
{
	(void)state;
	assert_int_equal(sign_ckr_status(0xA0), SIGN_ERR_PIN_INCORRECT);
	assert_int_equal(sign_ckr_status(0xA4), SIGN_ERR_PIN_LOCKED);
	assert_int_equal(sign_ckr_status(0x32), SIGN_ERR_TOKEN_REMOVED);
	assert_int_equal(sign_ckr_status(0xE0), SIGN_ERR_TOKEN_REMOVED);
	assert_int_equal(sign_ckr_status(0xB3), SIGN_ERR_TOKEN_REMOVED);
	assert_int_equal(sign_ckr_status(0x70), SIGN_ERR_KEY_UNSUPPORTED);
	assert_int_equal(sign_ckr_status(0x12345), SIGN_ERR_DEVICE);
	assert_string_equal(sign_ckr_name(0xA4), "CKR_PIN_LOCKED");
	assert_string_equal(sign_ckr_name(0x12345), "CKR_(other)");
}

static void
test_messages_both_languages(void **state)
{
	(void)state;
	for (int s = 0; s < SIGN_STATUS_COUNT; s++) {
		const char *vi = sign_status_text((enum sign_status)s, SIGN_LANG_VI);
		const char *en = sign_status_text((enum sign_status)s, SIGN_LANG_EN);
		assert_true(strlen(vi) > 4);
		assert_true(strlen(en) > 4);
		assert_string_not_equal(vi, en);
	}
	assert_non_null(strstr(sign_status_text(SIGN_ERR_PIN_LOCKED, SIGN_LANG_EN), "locked"));
	assert_non_null(strstr(sign_status_text(SIGN_ERR_PIN_LOCKED, SIGN_LANG_VI), "khóa"));
	assert_non_null(strstr(sign_status_text(SIGN_ERR_TOKEN_REMOVED, SIGN_LANG_EN), "removed"));
	assert_string_equal(sign_status_text(SIGN_STATUS_COUNT, SIGN_LANG_VI), "?");
}

static void
test_read_secret_fd(void **state)
{
	struct sign_secret s;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "1111\r\nrest", 10), 10);
	close(p[1]);
	assert_int_equal(sign_read_secret(p[0], NULL, &s), 0);
	assert_string_equal(s.value, "1111");
	assert_int_equal(s.len, 4);
	sign_secret_wipe(&s);
	assert_int_equal(s.value[0], '\0');
	close(p[0]);

	assert_int_equal(pipe(p), 0); /* empty: cancelled */
	close(p[1]);
	assert_int_equal(sign_read_secret(p[0], NULL, &s), -1);
	close(p[0]);

	char *big = xmalloc(SIGN_SECRET_MAX + 10);
	memset(big, '7', SIGN_SECRET_MAX + 9);
	big[SIGN_SECRET_MAX + 9] = '\n';
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], big, SIGN_SECRET_MAX + 10), SIGN_SECRET_MAX + 10);
	close(p[1]);
	assert_int_equal(sign_read_secret(p[0], NULL, &s), -1);
	assert_int_equal(s.len, 0); /* wiped, not half-kept */
	assert_int_equal(s.value[0], '\0');
	close(p[0]);
	free(big);
}

static void
test_pick_key(void **state)
{
	struct world w;
	const struct sign_key *k = NULL;
	struct sign_error err = {SIGN_OK, ""};

	(void)state;
	world_init(&w, "EC");
	assert_int_equal(signer_pick_key(&w.fake.base, NULL, &k, &err), 0);
	assert_ptr_equal(k, &w.fake.key);
	assert_int_equal(signer_pick_key(&w.fake.base, "signkey", &k, &err), 0);
	assert_int_equal(signer_pick_key(&w.fake.base, "01", &k, &err), 0);
	assert_int_equal(signer_pick_key(&w.fake.base, "other", &k, &err), -1);
	assert_int_equal(err.status, SIGN_ERR_NO_KEY);
	assert_non_null(strstr(err.detail, "signkey"));
	world_free(&w);
}

/* Sign one file, then check every verdict verification can give. */
static void
run_verdicts(const char *type)
{
	struct world w;
	struct sign_verify_result r;
	char doc[128], sig[128], other[128];

	world_init(&w, type);
	snprintf(doc, sizeof(doc), "%s/ket-qua.txt", w.dir);
	snprintf(sig, sizeof(sig), "%s/ket-qua.txt.p7s", w.dir);
	snprintf(other, sizeof(other), "%s/other.txt", w.dir);
	write_file(doc, "Giấy khai sinh (bản điện tử thử nghiệm)\n");
	struct sign_job job = {doc, sig, SIGN_ERR_DEVICE, ""};
	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, &job, 1, NOW), 1);
	assert_int_equal(job.status, SIGN_OK);

	assert_int_equal(sign_verify_file(doc, sig, w.ca_path, &r), 0);
	assert_int_equal(r.verdict, SIGN_VALID);
	assert_string_equal(r.signer_cn, "Cán bộ Thử nghiệm");
	assert_true(r.has_time);
	assert_int_equal(r.signing_time, NOW);

	/* A CA that did not issue the signer: valid but not trusted. */
	EVP_PKEY *k2 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *ca2 = make_cert(k2, "Another CA", NULL, NULL);
	char ca2_path[128];
	snprintf(ca2_path, sizeof(ca2_path), "%s/ca2.pem", w.dir);
	FILE *f = fopen(ca2_path, "w");
	PEM_write_X509(f, ca2);
	fclose(f);
	assert_int_equal(sign_verify_file(doc, sig, ca2_path, &r), -1);
	assert_int_equal(r.verdict, SIGN_VALID_UNTRUSTED);
	assert_non_null(strstr(r.reason, "not trusted"));
	X509_free(ca2);
	EVP_PKEY_free(k2);

	/* The file changed after signing. */
	write_file(other, "Giấy khai sinh (bản điện tử thử nghiệm)\n.");
	assert_int_equal(sign_verify_file(other, sig, w.ca_path, &r), -1);
	assert_int_equal(r.verdict, SIGN_TAMPERED);

	/* A signature that does not match the signed attributes. */
	w.fake.corrupt = true;
	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, &job, 1, NOW), 1);
	assert_int_equal(sign_verify_file(doc, sig, w.ca_path, &r), -1);
	assert_int_equal(r.verdict, SIGN_INVALID);

	/* Not a signature at all. */
	assert_int_equal(sign_verify_file(doc, doc, w.ca_path, &r), -1);
	assert_int_equal(r.verdict, SIGN_MALFORMED);
	world_free(&w);
}

static void
test_verdicts_rsa_pss(void **state)
{
	(void)state;
	run_verdicts("RSA");
}

static void
test_verdicts_ecdsa(void **state)
{
	(void)state;
	run_verdicts("EC");
}

/* The token goes away at the second of three files: one batch, one login. */
static void
test_batch_removed_midway(void **state)
{
	struct world w;
	char in[3][128], out[3][128], missing[128], out_missing[128];
	struct sign_job jobs[4];
	struct sign_verify_result r;

	(void)state;
	world_init(&w, "RSA");
	for (int i = 0; i < 3; i++) {
		snprintf(in[i], sizeof(in[i]), "%s/doc%d.txt", w.dir, i);
		snprintf(out[i], sizeof(out[i]), "%s/doc%d.txt.p7s", w.dir, i);
		write_file(in[i], "kết quả thử nghiệm\n");
		jobs[i] = (struct sign_job){in[i], out[i], SIGN_OK, ""};
	}
	snprintf(missing, sizeof(missing), "%s/nope.txt", w.dir);
	snprintf(out_missing, sizeof(out_missing), "%s/nope.txt.p7s", w.dir);
	jobs[3] = (struct sign_job){missing, out_missing, SIGN_OK, ""};
	w.fake.fail_at = 1;
	w.fake.fail_status = SIGN_ERR_TOKEN_REMOVED;
	size_t before = count_entries(w.dir);

	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, jobs, 4, NOW), 1);
	assert_int_equal(w.fake.batches, 1);
	assert_int_equal(jobs[0].status, SIGN_OK);
	assert_int_equal(jobs[1].status, SIGN_ERR_TOKEN_REMOVED);
	assert_int_equal(jobs[2].status, SIGN_ERR_TOKEN_REMOVED);
	assert_non_null(strstr(jobs[1].detail, "CKR_DEVICE_REMOVED"));
	assert_int_equal(jobs[3].status, SIGN_ERR_FILE);
	assert_int_equal(sign_verify_file(in[0], out[0], w.ca_path, &r), 0);
	assert_int_equal(access(out[1], F_OK), -1);
	assert_int_equal(access(out[2], F_OK), -1);
	assert_int_equal(access(out_missing, F_OK), -1);
	assert_int_equal(count_entries(w.dir), before + 1); /* no temporary left */
	world_free(&w);
}

/* An existing signature stays as it was when signing again fails. */
static void
test_failure_keeps_old_output(void **state)
{
	struct world w;
	char doc[128], sig[128];
	struct sign_verify_result r;

	(void)state;
	world_init(&w, "EC");
	snprintf(doc, sizeof(doc), "%s/a.txt", w.dir);
	snprintf(sig, sizeof(sig), "%s/a.txt.p7s", w.dir);
	write_file(doc, "a\n");
	struct sign_job job = {doc, sig, SIGN_OK, ""};
	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, &job, 1, NOW), 1);
	w.fake.fail_at = 0;
	w.fake.fail_status = SIGN_ERR_PIN_LOCKED;
	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, &job, 1, NOW + 60), 0);
	assert_int_equal(job.status, SIGN_ERR_PIN_LOCKED);
	assert_int_equal(sign_verify_file(doc, sig, w.ca_path, &r), 0);
	assert_int_equal(r.signing_time, NOW);
	world_free(&w);
}

static void
test_b64_and_ecdsa_shapes(void **state)
{
	unsigned char raw[64], *der, *back;
	size_t len = 0, der_len = 0;
	char *text;

	(void)state;
	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(i * 7 + 1);
	text = sign_b64_encode(raw, 31);
	back = sign_b64_decode(text, &len);
	assert_int_equal(len, 31);
	assert_memory_equal(back, raw, 31);
	free(back);
	free(text);
	assert_null(sign_b64_decode("abc", &len));

	der = sign_ecdsa_to_der(raw, sizeof(raw), &der_len); /* raw r||s */
	assert_non_null(der);
	assert_int_equal(der[0], 0x30);
	back = sign_ecdsa_to_der(der, der_len, &len); /* DER stays DER */
	assert_int_equal(len, der_len);
	assert_memory_equal(back, der, len);
	free(back);
	free(der);
	assert_null(sign_ecdsa_to_der(raw, 63, &len));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ckr_mapping),
		cmocka_unit_test(test_messages_both_languages),
		cmocka_unit_test(test_read_secret_fd),
		cmocka_unit_test(test_pick_key),
		cmocka_unit_test(test_verdicts_rsa_pss),
		cmocka_unit_test(test_verdicts_ecdsa),
		cmocka_unit_test(test_batch_removed_midway),
		cmocka_unit_test(test_failure_keeps_old_output),
		cmocka_unit_test(test_b64_and_ecdsa_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
