/*
 * Unit tests of the offline queue without a network: enqueue with its
 * checks and optimistic effect, the per-dossier chain, every outcome's
 * effect on the cached dossier, retry and drop, payloads, fingerprints and
 * the decision taken after a lost answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xalloc.h"
#include "store/outbox.h"
#include "store/store.h"
#include "outbox/outbox.h"

static struct store *
open_store(void)
{
	struct store *s = NULL;
	char *err = NULL;

	assert_int_equal(store_open(":memory:", &s, &err), 0);
	return s;
}

static void
put_dossier(struct store *s, const char *code, const char *source, int status,
	    const char *version)
{
	struct dossier d;

	dossier_init(&d);
	d.code = xstrdup(code);
	d.source = xstrdup(source);
	d.status = status;
	d.version = xstrdup_or_null(version);
	d.applicant_name = xstrdup("Nguyễn Văn Thử");
	assert_int_equal(store_dossier_upsert(s, &d), 0);
	dossier_release(&d);
}

static int
cached_status(struct store *s, const char *code)
{
	struct dossier d;
	int st;

	assert_int_equal(store_dossier_load(s, code, &d), 0);
	st = d.status;
	dossier_release(&d);
	return st;
}

static int64_t
act(struct store *s, const char *code, const char *action, const char *reason,
    enum outbox_act_result want)
{
	struct outbox_act_request req = {.code = code, .action = action, .reason = reason,
					 .to_unit = "UBND xã Thử Nghiệm"};
	int64_t id = 0;
	struct mc_err cause;

	assert_int_equal(outbox_act(s, &req, 1000, &id, &cause), want);
	if (want == OUTBOX_ACT_OK)
		assert_int_equal(cause.code, MC_OK);
	else
		assert_int_not_equal(cause.code, MC_OK);
	return id;
}

static void
test_enqueue_rules(void **state)
{
	struct store *s = open_store();
	struct outbox_act_request req = {.code = "A-1", .action = "approve"};
	struct store_outbox_entry e;
	int64_t id;
	struct mc_err cause;

	(void)state;
	put_dossier(s, "A-1", "tuphap", STATUS_NEW, "3");
	/* not allowed from "Mới đăng ký": refused at once, with what and from where */
	assert_int_equal(outbox_act(s, &req, 1000, &id, &cause), OUTBOX_ACT_NOT_ALLOWED);
	assert_int_equal(cause.code, MC_E_NOT_ALLOWED);
	assert_string_equal(cause.field, "approve");
	assert_int_equal(cause.status, STATUS_NEW);
	act(s, "A-1", "refuse", NULL, OUTBOX_ACT_NEED_REASON);
	act(s, "A-1", "fly", NULL, OUTBOX_ACT_BAD_ACTION);
	act(s, "B-9", "receive", NULL, OUTBOX_ACT_NO_DOSSIER);
	{
		/* forward names its unit, checked before the dossier is looked at */
		struct outbox_act_request fw = {.code = "B-9", .action = "forward"};
		assert_int_equal(outbox_act(s, &fw, 1000, &id, &cause), OUTBOX_ACT_NEED_TARGET);
		assert_int_equal(cause.code, MC_E_NEED_TARGET);
	}
	{
		const char *files[] = {"/nonexistent/ket-qua.pdf"};
		struct outbox_act_request r2 = {.code = "A-1", .action = "receive",
						.files = files, .n_files = 1};
		assert_int_equal(outbox_act(s, &r2, 1000, &id, &cause), OUTBOX_ACT_BAD_FILE);
		assert_int_equal(cause.code, MC_E_FILE);
		assert_string_equal(cause.field, "/nonexistent/ket-qua.pdf");
	}
	/* nothing of the refused ones was queued */
	{
		int64_t counts[STORE_OUTBOX_N_STATES];
		assert_int_equal(store_outbox_counts(s, counts), 0);
		assert_int_equal(counts[STORE_OUTBOX_PENDING], 0);
	}
	assert_int_equal(cached_status(s, "A-1"), STATUS_NEW);

	/* an alias, queued with its effect on the cached dossier */
	id = act(s, "A-1", "tiep-nhan", NULL, OUTBOX_ACT_OK);
	assert_true(id > 0);
	assert_int_equal(cached_status(s, "A-1"), STATUS_RECEIVED);
	assert_int_equal(store_outbox_get(s, id, &e), 0);
	assert_int_equal(e.action, ACTION_RECEIVE);
	assert_string_equal(e.source, "tuphap");
	assert_string_equal(e.base_version, "3");
	assert_int_equal(e.base_status, STATUS_NEW);
	assert_int_equal(e.target_status, STATUS_RECEIVED);
	assert_int_equal(e.state, STORE_OUTBOX_PENDING);
	assert_int_equal(strlen(e.idem_key), OUTBOX_KEY_LEN);
	assert_false(e.chained);
	store_outbox_entry_release(&e);

	/* the next action is checked against the queued effect, and chained */
	act(s, "A-1", "receive", NULL, OUTBOX_ACT_NOT_ALLOWED);
	id = act(s, "A-1", "forward", NULL, OUTBOX_ACT_OK);
	assert_int_equal(store_outbox_get(s, id, &e), 0);
	assert_true(e.chained);
	assert_null(e.base_version);
	assert_int_equal(e.base_status, STATUS_RECEIVED);
	store_outbox_entry_release(&e);
	assert_int_equal(cached_status(s, "A-1"), STATUS_PROCESSING);

	/* a sync writing the server's copy back does not lose the effect */
	put_dossier(s, "A-1", "tuphap", STATUS_NEW, "3");
	assert_int_equal(store_outbox_reapply(s, "A-1"), 0);
	assert_int_equal(cached_status(s, "A-1"), STATUS_PROCESSING);
	store_close(s);
}

static void
test_chain_and_outcomes(void **state)
{
	struct store *s = open_store();
	struct store_outbox_entry *v = NULL, e;
	size_t n = 0;
	int64_t first, second, other;
	struct store_outbox_server srv = {.status = STATUS_RECEIVED, .version = "4"};

	(void)state;
	put_dossier(s, "A-1", "tuphap", STATUS_NEW, "3");
	put_dossier(s, "C-2", "congan", STATUS_PROCESSING, "7");
	first = act(s, "A-1", "receive", NULL, OUTBOX_ACT_OK);
	second = act(s, "A-1", "approve", NULL, OUTBOX_ACT_OK);
	other = act(s, "C-2", "request-supplement", "thiếu giấy tờ", OUTBOX_ACT_OK);

	/* one head per dossier: never two actions of a dossier at once */
	assert_int_equal(store_outbox_ready(s, 1000, 0, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, first);
	assert_int_equal(v[1].id, other);
	store_outbox_list_free(v, n);

	/* sent, answer lost, try later: still the head, not before next_at */
	assert_int_equal(store_outbox_mark_sending(s, first, 1001, NULL), 0);
	assert_int_equal(store_outbox_later(s, first, STORE_OUTBOX_SENDING, 1060, "timed out",
					    1002), 0);
	assert_int_equal(store_outbox_ready(s, 1030, 0, NULL, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, other);
	store_outbox_list_free(v, n);
	assert_int_equal(store_outbox_get(s, first, &e), 0);
	assert_int_equal(e.state, STORE_OUTBOX_SENDING);
	assert_int_equal(e.attempts, 1);
	assert_string_equal(e.last_error, "timed out");
	store_outbox_entry_release(&e);
	/* it may be at the server: dropping it is refused */
	{
		struct mc_err cause;
		assert_int_equal(outbox_drop(s, first, 1003, &cause), 2);
		assert_int_equal(cause.code, MC_E_ENTRY_SENT);
		assert_string_equal(cause.detail, "sending");
	}

	/* done: the server's version passes to the chained entry */
	assert_int_equal(store_outbox_done(s, first, &srv, 1070), 0);
	assert_int_equal(store_outbox_get(s, second, &e), 0);
	assert_string_equal(e.base_version, "4");
	store_outbox_entry_release(&e);
	assert_int_equal(cached_status(s, "A-1"), STATUS_DONE); /* approve still shown */
	assert_int_equal(store_outbox_ready(s, 1070, 0, NULL, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, second);
	store_outbox_list_free(v, n);

	/* a conflict: the server's state shows, the intent is kept */
	{
		struct store_outbox_server cur = {.status = STATUS_SUPPLEMENT, .version = "5",
						  .raw_status = "waiting"};
		char *version = NULL;
		assert_int_equal(store_outbox_mark_sending(s, second, 1071, NULL), 0);
		assert_int_equal(store_outbox_settle(s, second, STORE_OUTBOX_CONFLICT, &cur,
						     "HTTP 412 version-mismatch", 1072), 0);
		assert_int_equal(cached_status(s, "A-1"), STATUS_SUPPLEMENT);
		assert_int_equal(store_dossier_version(s, "A-1", &version), 0);
		assert_string_equal(version, "5");
		free(version);
		assert_int_equal(store_outbox_get(s, second, &e), 0);
		assert_int_equal(e.state, STORE_OUTBOX_CONFLICT);
		assert_int_equal(e.server_status, STATUS_SUPPLEMENT);
		assert_int_equal(e.action, ACTION_APPROVE);
		store_outbox_entry_release(&e);
	}
	/* no new action on a dossier with an unresolved conflict */
	act(s, "A-1", "stop", "tạm dừng", OUTBOX_ACT_BLOCKED);
	/* re-apply: not allowed from the server's status */
	{
		struct mc_err cause;
		assert_int_equal(outbox_retry(s, second, 1080, &cause), 2);
		assert_int_equal(cause.code, MC_E_NOT_ALLOWED_SERVER);
		assert_int_equal(cause.status, STATUS_SUPPLEMENT);
	}
	/* drop: gone, and the dossier shows the server's state */
	{
		struct mc_err cause;
		assert_int_equal(outbox_drop(s, second, 1090, &cause), 0);
		assert_int_equal(cause.code, MC_OK);
		assert_int_equal(store_outbox_get(s, second, &e), 1);
		assert_int_equal(cached_status(s, "A-1"), STATUS_SUPPLEMENT);
	}
	store_close(s);
}

static void
test_retry_new_key(void **state)
{
	struct store *s = open_store();
	struct store_outbox_entry e;
	struct store_outbox_server cur = {.status = STATUS_PROCESSING, .version = "9"};
	int64_t id, next;
	char *old_key;
	struct mc_err cause;

	(void)state;
	put_dossier(s, "A-1", "tuphap", STATUS_PROCESSING, "8");
	id = act(s, "A-1", "approve", NULL, OUTBOX_ACT_OK);
	next = act(s, "A-1", "return", NULL, OUTBOX_ACT_OK);
	assert_int_equal(store_outbox_get(s, id, &e), 0);
	old_key = xstrdup(e.idem_key);
	store_outbox_entry_release(&e);
	assert_int_equal(store_outbox_mark_sending(s, id, 1001, NULL), 0);
	assert_int_equal(store_outbox_settle(s, id, STORE_OUTBOX_CONFLICT, &cur, "412", 1002), 0);
	assert_int_equal(cached_status(s, "A-1"), STATUS_PROCESSING);
	/* the chained entry waits behind the conflict */
	{
		struct store_outbox_entry *v;
		size_t n;
		assert_int_equal(store_outbox_ready(s, 2000, 0, NULL, &v, &n), 0);
		assert_int_equal(n, 0);
		store_outbox_list_free(v, n);
	}
	assert_int_equal(outbox_retry(s, id, 1003, &cause), 0);
	assert_int_equal(store_outbox_get(s, id, &e), 0);
	assert_int_equal(e.state, STORE_OUTBOX_PENDING);
	assert_string_not_equal(e.idem_key, old_key); /* a new intent, a new key */
	assert_string_equal(e.base_version, "9");
	assert_int_equal(e.attempts, 0);
	store_outbox_entry_release(&e);
	assert_int_equal(cached_status(s, "A-1"), STATUS_RETURNED);
	/* retrying something that is not a conflict is refused */
	assert_int_equal(outbox_retry(s, next, 1004, &cause), 2);
	free(old_key);
	store_close(s);
}

static void
test_drop_pending(void **state)
{
	struct store *s = open_store();
	struct store_outbox_entry e;
	int64_t a, b;
	struct mc_err cause;

	(void)state;
	put_dossier(s, "T-1", "tinh", STATUS_NEW, NULL);
	a = act(s, "T-1", "receive", NULL, OUTBOX_ACT_OK);
	b = act(s, "T-1", "forward", NULL, OUTBOX_ACT_OK);
	assert_int_equal(cached_status(s, "T-1"), STATUS_PROCESSING);
	assert_int_equal(outbox_drop(s, a, 1100, &cause), 0);
	/* the dossier is back where the server is; the action after it is not
	 * sent silently on another base: it becomes a conflict */
	assert_int_equal(cached_status(s, "T-1"), STATUS_NEW);
	assert_int_equal(store_outbox_get(s, b, &e), 0);
	assert_int_equal(e.state, STORE_OUTBOX_CONFLICT);
	assert_int_equal(e.server_status, STATUS_NEW);
	{
		struct mc_err why;
		mc_err_parse(e.last_error, &why);
		assert_int_equal(why.code, MC_E_PREVIOUS_DROPPED);
	}
	store_outbox_entry_release(&e);
	assert_int_equal(outbox_drop(s, 4242, 1100, &cause), 1);
	assert_int_equal(cause.code, MC_E_NO_ENTRY);
	store_close(s);
}

static void
test_payload(void **state)
{
	struct outbox_payload p = {0}, q;
	char *text, *again;

	(void)state;
	p.reason = xstrdup("thiếu \"bản sao\"");
	p.files = xcalloc(1, sizeof *p.files);
	p.n_files = 1;
	p.files[0].path = xstrdup("/tmp/kq.pdf");
	p.files[0].name = xstrdup("kq.pdf");
	p.files[0].size = 2097152;
	p.files[0].upload_url = xstrdup("/tuphap/api/v1/uploads/up-1");
	text = outbox_payload_dump(&p);
	assert_int_equal(outbox_payload_parse(text, &q), 0);
	assert_string_equal(q.reason, p.reason);
	assert_null(q.to_unit);
	assert_int_equal(q.n_files, 1);
	assert_int_equal(q.files[0].size, 2097152);
	assert_string_equal(q.files[0].upload_url, "/tuphap/api/v1/uploads/up-1");
	assert_null(q.files[0].file_id);
	again = outbox_payload_dump(&q);
	assert_string_equal(text, again); /* stable: the same body on every attempt */
	free(text);
	free(again);
	outbox_payload_release(&p);
	outbox_payload_release(&q);
	assert_int_equal(outbox_payload_parse("[1]", &q), -1);
	assert_int_equal(outbox_payload_parse("{\"files\":[{\"size\":1}]}", &q), -1);
	assert_int_equal(outbox_payload_parse("{\"reason\":5}", &q), -1);
}

static void
test_fingerprint_and_probe(void **state)
{
	struct outbox_fingerprint fp = {.status = 4, .n_history = 7, .updated_at = 1773282600};
	struct store_outbox_entry e = {0};
	struct dossier d;
	char *text = outbox_fingerprint_dump(&fp);

	(void)state;
	assert_string_equal(text, "s=4;h=7;u=1773282600");
	memset(&fp, 0, sizeof fp);
	assert_int_equal(outbox_fingerprint_parse(text, &fp), 0);
	assert_int_equal(fp.n_history, 7);
	assert_int_equal(outbox_fingerprint_parse("s=4;h=7", &fp), -1);
	assert_int_equal(outbox_fingerprint_parse("s=4;h=x;u=1", &fp), -1);
	assert_int_equal(outbox_fingerprint_parse("s=11;h=1;u=1", &fp), -1);

	dossier_init(&d);
	/* with versions (congan): base, base + 1 with the target, else conflict */
	e.action = ACTION_FORWARD;
	e.base_status = STATUS_RECEIVED;
	e.target_status = STATUS_PROCESSING;
	e.base_version = xstrdup("5");
	d.version = xstrdup("5");
	d.status = STATUS_RECEIVED;
	assert_int_equal(outbox_probe_decide(&e, true, &d), OUTBOX_PROBE_NOT_APPLIED);
	free(d.version);
	d.version = xstrdup("6");
	d.status = STATUS_PROCESSING;
	assert_int_equal(outbox_probe_decide(&e, true, &d), OUTBOX_PROBE_APPLIED);
	free(d.version);
	d.version = xstrdup("7");
	assert_int_equal(outbox_probe_decide(&e, true, &d), OUTBOX_PROBE_CONFLICT);
	free(d.version);
	d.version = NULL;

	/* without versions (tinh, dvcqg): the status tells */
	assert_int_equal(outbox_probe_decide(&e, false, &d), OUTBOX_PROBE_APPLIED);
	d.status = STATUS_RECEIVED;
	assert_int_equal(outbox_probe_decide(&e, false, &d), OUTBOX_PROBE_NOT_APPLIED);
	d.status = STATUS_SUPPLEMENT;
	assert_int_equal(outbox_probe_decide(&e, false, &d), OUTBOX_PROBE_CONFLICT);

	/* a self-loop: only the fingerprint taken before the first send */
	e.base_status = e.target_status = STATUS_PROCESSING;
	assert_true(outbox_needs_fingerprint(&e, false, false));
	assert_false(outbox_needs_fingerprint(&e, true, true));
	assert_false(outbox_needs_fingerprint(&e, false, true));
	d.status = STATUS_PROCESSING;
	assert_int_equal(outbox_probe_decide(&e, false, &d), OUTBOX_PROBE_CONFLICT); /* no fp */
	e.probe = xstrdup("s=4;h=2;u=100");
	d.updated_at = 100;
	dossier_add_event(&d, 50, NULL, NULL, NULL, 2);
	dossier_add_event(&d, 60, NULL, NULL, NULL, 4);
	assert_int_equal(outbox_probe_decide(&e, false, &d), OUTBOX_PROBE_NOT_APPLIED);
	dossier_add_event(&d, 101, NULL, NULL, NULL, 4);
	assert_int_equal(outbox_probe_decide(&e, false, &d), OUTBOX_PROBE_APPLIED);
	store_outbox_entry_release(&e);
	dossier_release(&d);
	free(text);
}

static void
test_keys(void **state)
{
	char a[OUTBOX_KEY_LEN + 1], b[OUTBOX_KEY_LEN + 1];

	(void)state;
	assert_int_equal(outbox_key_new(a), 0);
	assert_int_equal(outbox_key_new(b), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_string_not_equal(a, b);
}

/* The queue survives closing and opening the file (a crash after commit). */
static void
test_durable(void **state)
{
	char path[] = "/tmp/motcua-outbox-XXXXXX";
	int fd = mkstemp(path);
	struct store *s = NULL;
	char *err = NULL;
	int64_t counts[STORE_OUTBOX_N_STATES];

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(store_open(path, &s, &err), 0);
	assert_true(store_schema_version(s) >= 2); /* 3: the audit log */
	put_dossier(s, "A-1", "tuphap", STATUS_NEW, "1");
	act(s, "A-1", "receive", NULL, OUTBOX_ACT_OK);
	store_close(s);
	assert_int_equal(store_open(path, &s, &err), 0);
	assert_int_equal(store_outbox_counts(s, counts), 0);
	assert_int_equal(counts[STORE_OUTBOX_PENDING], 1);
	assert_int_equal(cached_status(s, "A-1"), STATUS_RECEIVED);
	assert_int_equal(store_check(s), 0);
	store_close(s);
	unlink(path);
	{
		char side[sizeof path + 8];
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enqueue_rules),
		cmocka_unit_test(test_chain_and_outcomes),
		cmocka_unit_test(test_retry_new_key),
		cmocka_unit_test(test_drop_pending),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_fingerprint_and_probe),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_durable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
