/*
 * test_sign_return.c - sync/sign_return without a device: a fake signer (a
 * software EC key behind the signer table) and a store in a temporary
 * folder.  What a clerk would notice: refusals before any PIN with the
 * words `motcua act` uses; a batch of dossiers signed in ONE call to the
 * signer and queued one entry each with the files and their signatures
 * (which verify); a token pulled out part-way queues the dossiers whose
 * files all signed and leaves nothing of the others; a signer that cannot
 * be opened, or a queue that refuses at the end, leaves nothing at all.
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
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "core/xalloc.h"
#include "net/net.h"
#include "sign/sign.h"
#include "sign/sign_int.h"
#include "store/outbox.h"
#include "store/store.h"
#include "sync/outbox.h"
#include "sync/sign_return.h"

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
	size_t fail_at; /* SIZE_MAX: never */
	size_t batches;
	size_t digests;
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

	(void)alg;
	assert_ptr_equal(key, &f->key);
	f->batches++;
	f->digests += n;
	*n_done = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == f->fail_at)
			return sign_fail(err, SIGN_ERR_TOKEN_REMOVED, "CKR_DEVICE_REMOVED (0x32)");
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(f->priv, NULL);
		size_t len = 0;
		assert_true(EVP_PKEY_sign_init(ctx) > 0);
		assert_true(EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0);
		assert_true(EVP_PKEY_sign(ctx, NULL, &len, d[i].md, 32) > 0);
		sigs[i].data = xmalloc(len);
		assert_true(EVP_PKEY_sign(ctx, sigs[i].data, &len, d[i].md, 32) > 0);
		sigs[i].len = len;
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
	struct store *store;
};

static void
put_dossier(struct store *s, const char *code, int status)
{
	struct dossier d;

	dossier_init(&d);
	d.code = xstrdup(code);
	d.source = xstrdup("tuphap");
	d.status = status;
	d.applicant_name = xstrdup("Nguyễn Văn Thử");
	assert_int_equal(store_dossier_upsert(s, &d), 0);
	dossier_release(&d);
}

static void
path_in(const struct world *w, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", w->dir, name);
}

static void
write_file(const struct world *w, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	path_in(w, name, path, sizeof path);
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	char db[128], *err = NULL;
	FILE *f;

	snprintf(w->dir, sizeof w->dir, "/tmp/motcua-test-sign-return-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	w->ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	w->ca = make_cert(w->ca_key, "Test CA (synthetic)", NULL, NULL);
	snprintf(w->ca_path, sizeof w->ca_path, "%s/ca.pem", w->dir);
	f = fopen(w->ca_path, "w");
	assert_non_null(f);
	PEM_write_X509(f, w->ca);
	fclose(f);
	w->fake.base.ops = &fake_ops;
	w->fake.priv = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	w->fake.key.id = xstrdup("01");
	w->fake.key.label = xstrdup("signkey");
	w->fake.key.cert = make_cert(w->fake.priv, "Cán bộ Thử nghiệm", w->ca, w->ca_key);
	assert_int_equal(sign_key_from_cert(&w->fake.key), 0);
	w->fake.fail_at = SIZE_MAX;
	snprintf(db, sizeof db, "%s/motcua.db", w->dir);
	assert_int_equal(store_open(db, &w->store, &err), 0);
	put_dossier(w->store, "HS-A", STATUS_DONE);
	put_dossier(w->store, "HS-B", STATUS_DONE);
	put_dossier(w->store, "HS-NEW", STATUS_NEW);
	write_file(w, "a.pdf", "Kết quả A (thử nghiệm)\n");
	write_file(w, "b.pdf", "Kết quả B (thử nghiệm)\n");
	write_file(w, "c.txt", "Trích lục (thử nghiệm)\n");
	*state = w;
	return 0;
}

static int
teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];

	store_close(w->store);
	sign_key_release(&w->fake.key);
	EVP_PKEY_free(w->fake.priv);
	EVP_PKEY_free(w->ca_key);
	X509_free(w->ca);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w);
	return 0;
}

static int
status_of(struct store *s, const char *code)
{
	struct dossier d;
	int st;

	assert_int_equal(store_dossier_load(s, code, &d), 0);
	st = d.status;
	dossier_release(&d);
	return st;
}

static size_t
open_entries(struct store *s)
{
	struct store_outbox_entry *v = NULL;
	size_t n = 0;

	assert_int_equal(store_outbox_list(s, 0, &v, &n), 0);
	store_outbox_list_free(v, n);
	return n;
}

/* Files left in results/<code>/ (0 when the folder is gone or empty). */
static size_t
left_in(struct world *w, const char *code)
{
	char *dir = sign_return_dir(w->store, code);
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	free(dir);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- tests ----------------------------------------------------------------- */

static void
test_refused_before_signing(void **state)
{
	struct world *w = *state;
	char a[256], b[256], sub[256], none[256];
	const char *files_a[] = {a};
	const char *dup[] = {a, sub};
	const char *missing[] = {none};
	struct sign_return_item it[5] = {
		{.code = "HS-NEW", .files = files_a, .n_files = 1},
		{.code = "HS-NONE", .files = files_a, .n_files = 1},
		{.code = "HS-A", .files = missing, .n_files = 1},
		{.code = "HS-A", .files = dup, .n_files = 2},
		{.code = "HS-B", .files = files_a, .n_files = 0},
	};

	path_in(w, "a.pdf", a, sizeof a);
	path_in(w, "b.pdf", b, sizeof b);
	path_in(w, "none.pdf", none, sizeof none);
	path_in(w, "sub", sub, sizeof sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub + strlen(sub), sizeof sub - strlen(sub), "/a.pdf");
	write_file(w, "sub/a.pdf", "khác\n");
	assert_int_equal(sign_return_prepare(w->store, it, 5), 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(it[i].state, SIGN_RETURN_REFUSED);
	assert_string_equal(it[0].cause, "không thể 'return-result' từ trạng thái 'Mới đăng ký' (1)");
	assert_non_null(strstr(it[1].cause, "không có hồ sơ HS-NONE trong kho cục bộ"));
	assert_non_null(strstr(it[2].cause, "không đọc được tệp"));
	assert_non_null(strstr(it[3].cause, "trùng tên 'a.pdf'"));
	assert_non_null(strstr(it[4].cause, "ít nhất một tệp"));
	/* nothing signed, queued or copied */
	sign_return_run(w->store, &w->fake.base, &w->fake.key, NULL, it, 5, NOW);
	assert_int_equal(w->fake.batches, 0);
	assert_int_equal(open_entries(w->store), 0);
	assert_int_equal(left_in(w, "HS-A"), 0);
	for (size_t i = 0; i < 5; i++)
		sign_return_item_release(&it[i]);
}

static void
test_batch_one_call_one_entry_each(void **state)
{
	struct world *w = *state;
	char a[256], b[256], c[256];
	const char *files_a[] = {a, c};
	const char *files_b[] = {b};
	struct sign_return_item it[2] = {
		{.code = "HS-A", .files = files_a, .n_files = 2},
		{.code = "HS-B", .files = files_b, .n_files = 1},
	};
	struct store_outbox_entry e = {0};
	struct outbox_payload p;
	struct sign_verify_result vr;

	path_in(w, "a.pdf", a, sizeof a);
	path_in(w, "b.pdf", b, sizeof b);
	path_in(w, "c.txt", c, sizeof c);
	assert_int_equal(sign_return_prepare(w->store, it, 2), 2);
	assert_int_equal(sign_return_run(w->store, &w->fake.base, &w->fake.key, NULL, it, 2, NOW), 2);
	assert_int_equal(w->fake.batches, 1); /* one PIN/OTP for the whole batch */
	assert_int_equal(w->fake.digests, 3);
	assert_int_equal(it[0].state, SIGN_RETURN_QUEUED);
	assert_int_equal(it[1].state, SIGN_RETURN_QUEUED);
	assert_int_equal(open_entries(w->store), 2);
	assert_int_equal(status_of(w->store, "HS-A"), STATUS_RETURNED);
	assert_int_equal(store_outbox_get(w->store, it[0].entry, &e), 0);
	assert_int_equal(e.action, ACTION_RETURN_RESULT);
	assert_int_equal(outbox_payload_parse(e.payload, &p), 0);
	assert_int_equal(p.n_files, 4);
	assert_string_equal(p.files[0].name, "a.pdf");
	assert_string_equal(p.files[1].name, "a.pdf.p7s");
	assert_string_equal(p.files[2].name, "c.txt");
	assert_string_equal(p.files[3].name, "c.txt.p7s");
	/* the queued files are the copies in the data folder, and they verify */
	assert_non_null(strstr(p.files[0].path, "/results/HS-A/a.pdf"));
	assert_int_equal(sign_verify_file(p.files[0].path, p.files[1].path, w->ca_path, &vr), 0);
	assert_int_equal(vr.verdict, SIGN_VALID);
	/* the clerk's own folder got no .p7s */
	assert_int_not_equal(access("a.pdf.p7s", F_OK), 0);
	{
		char beside[300];
		snprintf(beside, sizeof beside, "%s.p7s", a);
		assert_int_not_equal(access(beside, F_OK), 0);
	}
	outbox_payload_release(&p);
	store_outbox_entry_release(&e);
	for (size_t i = 0; i < 2; i++)
		sign_return_item_release(&it[i]);
}

static void
test_token_removed_part_way(void **state)
{
	struct world *w = *state;
	char a[256], b[256], c[256];
	const char *files_a[] = {a, c};
	const char *files_b[] = {b, c};
	struct sign_return_item it[2] = {
		{.code = "HS-A", .files = files_a, .n_files = 2},
		{.code = "HS-B", .files = files_b, .n_files = 2},
	};

	path_in(w, "a.pdf", a, sizeof a);
	path_in(w, "b.pdf", b, sizeof b);
	path_in(w, "c.txt", c, sizeof c);
	w->fake.fail_at = 3; /* A's two and B's first are signed, then the token goes */
	assert_int_equal(sign_return_prepare(w->store, it, 2), 2);
	assert_int_equal(sign_return_run(w->store, &w->fake.base, &w->fake.key, NULL, it, 2, NOW), 1);
	assert_int_equal(it[0].state, SIGN_RETURN_QUEUED);
	assert_int_equal(it[1].state, SIGN_RETURN_SIGN_FAILED);
	assert_int_equal(it[1].err.status, SIGN_ERR_TOKEN_REMOVED);
	assert_non_null(strstr(it[1].cause, "Token đã bị rút ra"));
	assert_int_equal(open_entries(w->store), 1);
	assert_int_equal(status_of(w->store, "HS-B"), STATUS_DONE);
	assert_int_equal(left_in(w, "HS-B"), 0); /* not even the signed first file */
	assert_int_equal(left_in(w, "HS-A"), 4);
	for (size_t i = 0; i < 2; i++)
		sign_return_item_release(&it[i]);
}

static void
test_signer_failed_leaves_nothing(void **state)
{
	struct world *w = *state;
	char a[256];
	const char *files[] = {a};
	struct sign_return_item it = {.code = "HS-A", .files = files, .n_files = 1};
	struct sign_error err;

	path_in(w, "a.pdf", a, sizeof a);
	assert_int_equal(sign_return_prepare(w->store, &it, 1), 1);
	sign_fail(&err, SIGN_ERR_PIN_INCORRECT, "login: CKR_PIN_INCORRECT (0xa0)");
	sign_return_fail_all(&it, 1, &err);
	assert_int_equal(it.state, SIGN_RETURN_SIGN_FAILED);
	assert_non_null(strstr(it.cause, "Sai mã PIN"));
	assert_non_null(strstr(it.cause, "wrong token PIN"));
	assert_int_equal(open_entries(w->store), 0);
	assert_int_equal(status_of(w->store, "HS-A"), STATUS_DONE);
	assert_int_equal(left_in(w, "HS-A"), 0);
	sign_return_item_release(&it);
}

/* A TSA is configured but cannot be reached: nothing is queued, nothing kept. */
static void
test_tsa_unreachable_queues_nothing(void **state)
{
	struct world *w = *state;
	char a[256];
	const char *files[] = {a};
	struct sign_return_item it = {.code = "HS-A", .files = files, .n_files = 1};
	const char *cause = NULL;
	struct net *net = net_new(&cause);
	/* port 1 on loopback: nothing listens there */
	struct sign_tsa tsa = {"http://127.0.0.1:1/tsa", net};

	assert_non_null(net);
	path_in(w, "a.pdf", a, sizeof a);
	assert_int_equal(sign_return_prepare(w->store, &it, 1), 1);
	assert_int_equal(sign_return_run(w->store, &w->fake.base, &w->fake.key, &tsa, &it, 1, NOW),
			 0);
	assert_int_equal(it.state, SIGN_RETURN_SIGN_FAILED);
	assert_int_equal(it.err.status, SIGN_ERR_TSA);
	assert_non_null(strstr(it.cause, "TSA"));
	assert_int_equal(open_entries(w->store), 0);
	assert_int_equal(status_of(w->store, "HS-A"), STATUS_DONE);
	assert_int_equal(left_in(w, "HS-A"), 0);
	sign_return_item_release(&it);
	net_free(net);
}

static void
test_queue_refuses_at_the_end(void **state)
{
	struct world *w = *state;
	char a[256];
	const char *files[] = {a};
	struct sign_return_item it = {.code = "HS-A", .files = files, .n_files = 1};
	struct outbox_act_request req = {.code = "HS-A", .action = "return-result",
					 .files = files, .n_files = 1};
	int64_t id;
	char *cause = NULL;

	path_in(w, "a.pdf", a, sizeof a);
	assert_int_equal(sign_return_prepare(w->store, &it, 1), 1);
	/* meanwhile the dossier was returned (another clerk on this terminal) */
	assert_int_equal(outbox_act(w->store, &req, NOW, &id, &cause), OUTBOX_ACT_OK);
	assert_int_equal(sign_return_run(w->store, &w->fake.base, &w->fake.key, NULL, &it, 1, NOW), 0);
	assert_int_equal(it.state, SIGN_RETURN_QUEUE_FAILED);
	assert_non_null(strstr(it.cause, "không thể 'return-result'"));
	assert_int_equal(open_entries(w->store), 1);
	assert_int_equal(left_in(w, "HS-A"), 0);
	sign_return_item_release(&it);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refused_before_signing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_one_call_one_entry_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_removed_part_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signer_failed_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_refuses_at_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tsa_unreachable_queues_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
