/*
 * test_sign_return.c - app/sign_return without a device: a fake signer (a
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
#include "outbox/outbox.h"
#include "app/sign_return.h"
#include "sign_fixture.h"

#define NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

/* ---- a software CA and signer -------------------------------------------- */

struct world {
	struct sfx_world pki;
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
	snprintf(out, size, "%s/%s", w->pki.dir, name);
}

static void
write_file(const struct world *w, const char *name, const char *text)
{
	char path[256];

	path_in(w, name, path, sizeof path);
	sfx_write_file(path, text);
}

static int
setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	char db[128], *err = NULL;

	sfx_world_init(&w->pki, "/tmp/motcua-test-sign-return-XXXXXX", "EC");
	snprintf(db, sizeof db, "%s/motcua.db", w->pki.dir);
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

	store_close(w->store);
	sfx_world_free(&w->pki);
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
	size_t n = sfx_count_entries(dir);

	free(dir);
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
	/* each refusal says what and which (the front ends word it) */
	assert_int_equal(it[0].refusal.code, MC_E_NOT_ALLOWED);
	assert_string_equal(it[0].refusal.field, "return-result");
	assert_int_equal(it[0].refusal.status, STATUS_NEW);
	assert_int_equal(it[1].refusal.code, MC_E_NO_DOSSIER);
	assert_string_equal(it[1].refusal.field, "HS-NONE");
	assert_int_equal(it[2].refusal.code, MC_E_FILE);
	assert_string_equal(it[2].refusal.field, none);
	assert_int_equal(it[3].refusal.code, MC_E_SAME_NAME);
	assert_string_equal(it[3].refusal.field, "a.pdf");
	assert_int_equal(it[4].refusal.code, MC_E_NEED_FILE);
	/* nothing signed, queued or copied */
	sign_return_run(w->store, &w->pki.fake.base, &w->pki.fake.key, NULL, it, 5, NOW);
	assert_int_equal(w->pki.fake.batches, 0);
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
	assert_int_equal(sign_return_run(w->store, &w->pki.fake.base, &w->pki.fake.key, NULL, it, 2, NOW), 2);
	assert_int_equal(w->pki.fake.batches, 1); /* one PIN/OTP for the whole batch */
	assert_int_equal(w->pki.fake.digests, 3);
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
	assert_int_equal(sign_verify_file(p.files[0].path, p.files[1].path, w->pki.ca_path, &vr), 0);
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
	w->pki.fake.fail_at = 3; /* A's two and B's first are signed, then the token goes */
	assert_int_equal(sign_return_prepare(w->store, it, 2), 2);
	assert_int_equal(sign_return_run(w->store, &w->pki.fake.base, &w->pki.fake.key, NULL, it, 2, NOW), 1);
	assert_int_equal(it[0].state, SIGN_RETURN_QUEUED);
	assert_int_equal(it[1].state, SIGN_RETURN_SIGN_FAILED);
	assert_int_equal(it[1].err.status, SIGN_ERR_TOKEN_REMOVED);
	assert_non_null(strstr(it[1].err.detail, "c.txt")); /* the file it failed on */
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
	assert_int_equal(it.err.status, SIGN_ERR_PIN_INCORRECT);
	assert_non_null(strstr(it.err.detail, "CKR_PIN_INCORRECT"));
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
	assert_int_equal(sign_return_run(w->store, &w->pki.fake.base, &w->pki.fake.key, &tsa, &it, 1, NOW),
			 0);
	assert_int_equal(it.state, SIGN_RETURN_SIGN_FAILED);
	assert_int_equal(it.err.status, SIGN_ERR_TSA);
	assert_non_null(strstr(it.err.detail, "a.pdf"));
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
	struct mc_err cause;

	path_in(w, "a.pdf", a, sizeof a);
	assert_int_equal(sign_return_prepare(w->store, &it, 1), 1);
	/* meanwhile the dossier was returned (another clerk on this terminal) */
	assert_int_equal(outbox_act(w->store, &req, NOW, &id, &cause), OUTBOX_ACT_OK);
	assert_int_equal(sign_return_run(w->store, &w->pki.fake.base, &w->pki.fake.key, NULL, &it, 1, NOW), 0);
	assert_int_equal(it.state, SIGN_RETURN_QUEUE_FAILED);
	assert_int_equal(it.refusal.code, MC_E_NOT_ALLOWED);
	assert_string_equal(it.refusal.field, "return-result");
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
