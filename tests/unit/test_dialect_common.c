/*
 * Unit tests for the helpers the sandbox's dialects share (dialect_common.c):
 * finding a system's dossier by code and by REST path, reading an action
 * from a dialect's verb table, the refusal tables, the idempotency ledger
 * around an action (replay, a key reused for another request, a 5xx never
 * remembered) and the names of finished uploads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sandbox/dialect_common.h"
#include "sandbox/sandbox.h"

static struct sandbox *
make(void)
{
	struct sandbox_config cfg = {.seed = 7, .n_dossiers = 300, .start = 1773282600,
				     .speed = 0};
	const char *err = NULL;
	struct sandbox *sb = sandbox_new(&cfg, &err);

	assert_non_null(sb);
	return sb;
}

/* The index of the first dossier of system src (dvcqg: with a dvcqg copy). */
static uint32_t
first_of(struct sandbox *sb, int src, bool in_dvcqg)
{
	for (uint32_t i = 0; i < world_count(sb->world); i++) {
		struct world_dossier *d = world_get(sb->world, i);
		if (world_source_of(d) == src && (d->coord_status != 0) == in_dvcqg)
			return i;
	}
	fail_msg("no dossier of source %d", src);
	return 0;
}

static void
test_find(void **state)
{
	struct sandbox *sb = make();
	uint32_t nnmt = first_of(sb, SRC_NNMT, false), idx = 12345;
	struct world_dossier *d = world_get(sb->world, nnmt);
	char path[96];
	const char *tail;

	(void)state;
	assert_ptr_equal(dialect_find(sb, d->code, SRC_NNMT, &idx), d);
	assert_int_equal(idx, nnmt);
	idx = 12345;
	assert_null(dialect_find(sb, d->code, SRC_TINH, &idx)); /* another system's */
	assert_null(dialect_find(sb, NULL, SRC_NNMT, &idx));
	assert_null(dialect_find(sb, "KHONG-CO-MA-NAY", SRC_NNMT, &idx));
	assert_int_equal(idx, 12345); /* untouched on a miss */
	/* dvcqg holds copies of other systems' dossiers: found by the copy. */
	assert_null(dialect_find(sb, d->code, SRC_DVCQG, &idx));
	uint32_t copied = first_of(sb, SRC_NNMT, true);
	assert_ptr_equal(dialect_find(sb, world_get(sb->world, copied)->code, SRC_DVCQG, &idx),
			 world_get(sb->world, copied));
	assert_int_equal(idx, copied);

	snprintf(path, sizeof path, "/%s/transitions", d->code);
	assert_ptr_equal(dialect_path_dossier(sb, path, SRC_NNMT, &tail, &idx), d);
	assert_string_equal(tail, "/transitions");
	snprintf(path, sizeof path, "/%s", d->code);
	assert_ptr_equal(dialect_path_dossier(sb, path, SRC_NNMT, &tail, &idx), d);
	assert_string_equal(tail, "");
	assert_null(dialect_path_dossier(sb, path, SRC_TUPHAP, &tail, &idx));
	assert_null(dialect_path_dossier(sb, "/", SRC_NNMT, &tail, &idx));
	sandbox_free(sb);
}

static void
test_action_named(void **state)
{
	static const char *const verbs[ACTION_COUNT] = {
		[ACTION_RECEIVE] = "TiepNhan",
		[ACTION_RETURN_RESULT] = "TraKetQua",
	};

	(void)state;
	assert_int_equal(dialect_action_named(verbs, "TiepNhan"), ACTION_RECEIVE);
	assert_int_equal(dialect_action_named(verbs, "TraKetQua"), ACTION_RETURN_RESULT);
	assert_int_equal(dialect_action_named(verbs, "tiepnhan"), ACTION_NONE);
	assert_int_equal(dialect_action_named(verbs, "PheDuyet"), ACTION_NONE); /* not in it */
	assert_int_equal(dialect_action_named(verbs, NULL), ACTION_NONE);
}

static void
test_refusal(void **state)
{
	static const struct dialect_refusal table[DIALECT_REFUSALS] = {
		[WORLD_ACT_STALE] = {409, "STALE", "newer"},
		[WORLD_ACT_NEED_REASON] = {422, "REASON", "needs a reason"},
	};
	const struct dialect_refusal *no;

	(void)state;
	assert_null(dialect_refusal(table, WORLD_ACT_OK));
	no = dialect_refusal(table, WORLD_ACT_STALE);
	assert_non_null(no);
	assert_int_equal(no->status, 409);
	assert_string_equal(no->code, "STALE");
	assert_string_equal(dialect_refusal(table, WORLD_ACT_NEED_REASON)->message,
			    "needs a reason");
	assert_null(dialect_refusal(table, WORLD_ACT_NO_FEES)); /* never met */
}

static struct sbx_request
request(const char *body, const struct sbx_header *headers, size_t n_headers)
{
	struct sbx_request req = {
		.method = "POST",
		.path = "/nnmt/api/v2/dossiers/X/transitions",
		.body = body,
		.body_len = strlen(body),
		.headers = headers,
		.n_headers = n_headers,
		.now = 1773282600,
		.client_ip = "127.0.0.1",
		.loopback = true,
	};
	return req;
}

/* One pass of an action under a key; returns what dialect_idem_begin said. */
static int
act_once(struct sandbox *sb, const struct sbx_request *req, int answer,
	 struct sbx_response *resp)
{
	struct dialect_idem idem;
	int r = dialect_idem_begin(sb, SRC_NNMT, req, "X-Request-Id", "X-Replayed", &idem, resp);

	if (r == 0)
		sbx_response_text(resp, answer, "text/plain", answer < 500 ? "applied" : "down");
	dialect_idem_end(sb, SRC_NNMT, &idem, resp);
	assert_null(idem.fp);
	return r;
}

static const char *
header(const struct sbx_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

static void
test_idempotency(void **state)
{
	struct sandbox *sb = make();
	struct sbx_header key1[] = {{"X-Request-Id", "req-1"}};
	struct sbx_header key2[] = {{"X-Request-Id", "req-2"}};
	struct sbx_header empty[] = {{"X-Request-Id", ""}};
	struct sbx_request a = request("{\"transition\":\"RECEIVE\"}", key1, 1);
	struct sbx_request other = request("{\"transition\":\"APPROVE\"}", key1, 1);
	struct sbx_request b = request("{\"transition\":\"RECEIVE\"}", key2, 1);
	struct sbx_request none = request("{\"transition\":\"RECEIVE\"}", empty, 1);
	struct sbx_response resp;

	(void)state;
	/* First time: goes on and is remembered; the same request again is replayed. */
	sbx_response_init(&resp);
	assert_int_equal(act_once(sb, &a, 200, &resp), 0);
	assert_null(header(&resp, "X-Replayed"));
	sbx_response_release(&resp);
	sbx_response_init(&resp);
	assert_int_equal(act_once(sb, &a, 200, &resp), 1);
	assert_int_equal(resp.status, 200);
	assert_string_equal(header(&resp, "X-Replayed"), "true");
	sbx_response_release(&resp);
	/* The key with another body: refused, and the refusal is not remembered. */
	sbx_response_init(&resp);
	assert_int_equal(act_once(sb, &other, 200, &resp), -1);
	assert_int_equal(resp.body_len, 0); /* left for the dialect to word */
	assert_null(header(&resp, "X-Replayed"));
	sbx_response_release(&resp);
	sbx_response_init(&resp);
	assert_int_equal(act_once(sb, &a, 200, &resp), 1);
	sbx_response_release(&resp);
	/* A server fault is never remembered: the retry goes on. */
	sbx_response_init(&resp);
	assert_int_equal(act_once(sb, &b, 503, &resp), 0);
	sbx_response_release(&resp);
	sbx_response_init(&resp);
	assert_int_equal(act_once(sb, &b, 200, &resp), 0);
	sbx_response_release(&resp);
	/* No key (or an empty one): nothing to replay, ever. */
	for (int i = 0; i < 2; i++) {
		sbx_response_init(&resp);
		assert_int_equal(act_once(sb, &none, 200, &resp), 0);
		sbx_response_release(&resp);
	}
	sandbox_free(sb);
}

static void
test_upload_names(void **state)
{
	struct sandbox *sb = make();
	struct upload *done = uploads_create(sb->uploads, SRC_NNMT, "ket-qua.pdf", NULL, 4, 0);
	struct upload *half = uploads_create(sb->uploads, SRC_NNMT, "ban-do.pdf", NULL, 4, 0);
	struct upload *theirs = uploads_create(sb->uploads, SRC_TUPHAP, "khac.pdf", NULL, 2, 0);
	const char **names = NULL;
	size_t n = 99;
	json_t *ids;

	(void)state;
	assert_int_equal(uploads_write(done, 0, "abcd", 4), UPLOAD_WRITE_OK);
	assert_int_equal(uploads_write(half, 0, "ab", 2), UPLOAD_WRITE_OK);
	assert_int_equal(uploads_write(theirs, 0, "ab", 2), UPLOAD_WRITE_OK);

	ids = json_pack("[s]", done->id);
	assert_int_equal(dialect_upload_names(sb, SRC_NNMT, ids, &names, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "ket-qua.pdf");
	assert_null(names[1]);
	free(names);
	json_decref(ids);

	ids = json_pack("[s,s]", done->id, half->id); /* one not finished */
	assert_int_equal(dialect_upload_names(sb, SRC_NNMT, ids, &names, &n), -1);
	free(names);
	json_decref(ids);

	ids = json_pack("[s]", theirs->id); /* another system's upload */
	assert_int_equal(dialect_upload_names(sb, SRC_NNMT, ids, &names, &n), -1);
	free(names);
	json_decref(ids);

	/* Absent or not an array: no files. */
	assert_int_equal(dialect_upload_names(sb, SRC_NNMT, NULL, &names, &n), 0);
	assert_int_equal(n, 0);
	assert_non_null(names);
	free(names);
	sandbox_free(sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_action_named),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_idempotency),
		cmocka_unit_test(test_upload_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
