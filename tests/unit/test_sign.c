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
#include "sign_fixture.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

/* ---- a software CA and signer -------------------------------------------- */

static size_t
count_entries(const char *dir)
{
	assert_int_equal(access(dir, F_OK), 0);
	return sfx_count_entries(dir);
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
	struct sfx_world w;
	const struct sign_key *k = NULL;
	struct sign_error err = {SIGN_OK, ""};

	(void)state;
	sfx_world_init(&w, "/tmp/motcua-test-sign-XXXXXX", "EC");
	assert_int_equal(signer_pick_key(&w.fake.base, NULL, &k, &err), 0);
	assert_ptr_equal(k, &w.fake.key);
	assert_int_equal(signer_pick_key(&w.fake.base, "signkey", &k, &err), 0);
	assert_int_equal(signer_pick_key(&w.fake.base, "01", &k, &err), 0);
	assert_int_equal(signer_pick_key(&w.fake.base, "other", &k, &err), -1);
	assert_int_equal(err.status, SIGN_ERR_NO_KEY);
	assert_non_null(strstr(err.detail, "signkey"));
	sfx_world_free(&w);
}

/* Sign one file, then check every verdict verification can give. */
static void
run_verdicts(const char *type)
{
	struct sfx_world w;
	struct sign_verify_result r;
	char doc[128], sig[128], other[128];

	sfx_world_init(&w, "/tmp/motcua-test-sign-XXXXXX", type);
	snprintf(doc, sizeof(doc), "%s/ket-qua.txt", w.dir);
	snprintf(sig, sizeof(sig), "%s/ket-qua.txt.p7s", w.dir);
	snprintf(other, sizeof(other), "%s/other.txt", w.dir);
	sfx_write_file(doc, "Giấy khai sinh (bản điện tử thử nghiệm)\n");
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
	X509 *ca2 = sfx_make_cert(k2, "Another CA", NULL, NULL);
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
	sfx_write_file(other, "Giấy khai sinh (bản điện tử thử nghiệm)\n.");
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
	sfx_world_free(&w);
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
	struct sfx_world w;
	char in[3][128], out[3][128], missing[128], out_missing[128];
	struct sign_job jobs[4];
	struct sign_verify_result r;

	(void)state;
	sfx_world_init(&w, "/tmp/motcua-test-sign-XXXXXX", "RSA");
	for (int i = 0; i < 3; i++) {
		snprintf(in[i], sizeof(in[i]), "%s/doc%d.txt", w.dir, i);
		snprintf(out[i], sizeof(out[i]), "%s/doc%d.txt.p7s", w.dir, i);
		sfx_write_file(in[i], "kết quả thử nghiệm\n");
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
	sfx_world_free(&w);
}

/* An existing signature stays as it was when signing again fails. */
static void
test_failure_keeps_old_output(void **state)
{
	struct sfx_world w;
	char doc[128], sig[128];
	struct sign_verify_result r;

	(void)state;
	sfx_world_init(&w, "/tmp/motcua-test-sign-XXXXXX", "EC");
	snprintf(doc, sizeof(doc), "%s/a.txt", w.dir);
	snprintf(sig, sizeof(sig), "%s/a.txt.p7s", w.dir);
	sfx_write_file(doc, "a\n");
	struct sign_job job = {doc, sig, SIGN_OK, ""};
	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, &job, 1, NOW), 1);
	w.fake.fail_at = 0;
	w.fake.fail_status = SIGN_ERR_PIN_LOCKED;
	assert_int_equal(sign_files(&w.fake.base, &w.fake.key, &job, 1, NOW + 60), 0);
	assert_int_equal(job.status, SIGN_ERR_PIN_LOCKED);
	assert_int_equal(sign_verify_file(doc, sig, w.ca_path, &r), 0);
	assert_int_equal(r.signing_time, NOW);
	sfx_world_free(&w);
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
