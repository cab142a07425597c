/*
 * Unit tests of the audit log: the chain's arithmetic, the clerk of the
 * current sign-in, append-only triggers, listing, the shipping mark, and
 * verification catching an altered, removed, reordered or inserted entry
 * written straight into the SQLite file (as someone with the file would).
 * The keyed chain is test_audit_keyed.c.
 */
#include "audit_fixture.h"

static void
test_chain_and_clerk(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_state st;
	struct store_audit_verdict vd;
	char genesis[STORE_AUDIT_HASH_LEN + 1], h[STORE_AUDIT_HASH_LEN + 1];
	char *clerk = NULL;
	size_t n = 0;

	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK); /* an empty log is intact */
	fill(f->s);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(store_audit_state(f->s, &st), 0);
	assert_int_equal(strlen(st.chain), 32);
	store_audit_genesis(st.chain, genesis);
	assert_string_equal(v[0].prev_hash, genesis);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(v[i].seq, (int64_t)i + 1);
		store_audit_hash(&v[i], h);
		assert_string_equal(h, v[i].hash);
		if (i > 0)
			assert_string_equal(v[i].prev_hash, v[i - 1].hash);
	}
	/* entries without a clerk take the one signed in; after sign-out, nobody */
	assert_string_equal(v[3].clerk, "sbx-canbo-0001");
	assert_string_equal(v[9].clerk, "sbx-canbo-0001");
	assert_int_equal(store_audit_current_clerk(f->s, &clerk), 0);
	assert_null(clerk);
	add(f->s, NULL, STORE_AUDIT_REVEAL, "X-1", "tra cứu", 3000);
	store_audit_list_free(v, n);
	assert_int_equal(store_audit_list(f->s, 0, 1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].seq, 11);
	assert_string_equal(v[0].clerk, "(không rõ)");
	store_audit_list_free(v, n);
	/* after = 4, limit 3: seq 5, 6, 7 */
	assert_int_equal(store_audit_list(f->s, 4, 3, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].seq, 5);
	assert_int_equal(v[2].seq, 7);
	store_audit_list_free(v, n);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.checked, 11);
}

static void
test_canonical_is_unambiguous(void **state)
{
	struct store_audit_entry a = {.seq = 1, .at = 5, .clerk = "ab", .kind = "c",
				      .details = "{}"};
	struct store_audit_entry b = {.seq = 1, .at = 5, .clerk = "a", .kind = "bc",
				      .details = "{}"};
	char ha[STORE_AUDIT_HASH_LEN + 1], hb[STORE_AUDIT_HASH_LEN + 1];

	(void)state;
	/* moving a character between fields changes the hash; NULL != "" */
	store_audit_hash(&a, ha);
	store_audit_hash(&b, hb);
	assert_string_not_equal(ha, hb);
	b.clerk = "ab";
	b.kind = "c";
	b.dossier = "";
	store_audit_hash(&b, hb);
	assert_string_not_equal(ha, hb);
	b.dossier = NULL;
	store_audit_hash(&b, hb);
	assert_string_equal(ha, hb);
	/* a known value, so that a change of serialization is a decision */
	snprintf(a.prev_hash, sizeof a.prev_hash, "%064d", 0);
	store_audit_hash(&a, ha);
	assert_int_equal(strlen(ha), 64);
}

static void
test_append_only(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;

	fill(f->s);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET purpose = 'x'", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void
test_altered(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;

	fill(f->s);
	tamper(f->path, "UPDATE audit SET details = '{\"n\":2}' WHERE seq = 4");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_ALTERED);
	assert_int_equal(v.seq, 4);
	assert_non_null(strstr(v.why, "altered"));
}

static void
test_altered_purpose_and_time(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;

	fill(f->s);
	tamper(f->path, "UPDATE audit SET at = at + 60 WHERE seq = 7");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_ALTERED);
	assert_int_equal(v.seq, 7);
}

static void
test_rehashed_entry(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;
	struct store_audit_entry *e = NULL;
	size_t n = 0;
	char sql[512], h[STORE_AUDIT_HASH_LEN + 1];

	fill(f->s);
	/* change entry 5 and recompute ITS hash: entry 6 no longer follows */
	assert_int_equal(store_audit_list(f->s, 4, 1, &e, &n), 0);
	free(e[0].purpose);
	e[0].purpose = xstrdup("khác");
	store_audit_hash(&e[0], h);
	snprintf(sql, sizeof sql, "UPDATE audit SET purpose = 'khác', hash = '%s' WHERE seq = 5",
		 h);
	store_audit_list_free(e, n);
	tamper(f->path, sql);
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_ALTERED);
	assert_int_equal(v.seq, 5);
}

static void
test_removed(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;

	fill(f->s);
	tamper(f->path, "DELETE FROM audit WHERE seq = 5");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_REMOVED);
	assert_int_equal(v.seq, 5);
}

static void
test_removed_and_renumbered(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;

	fill(f->s);
	tamper(f->path, "DELETE FROM audit WHERE seq = 5;"
			"UPDATE audit SET seq = seq - 1 WHERE seq > 5");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_REMOVED);
	assert_int_equal(v.seq, 5);
}

static void
test_tail_removed(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;

	fill(f->s);
	tamper(f->path, "DELETE FROM audit WHERE seq >= 9");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_REMOVED);
	assert_int_equal(v.seq, 9);
}

static void
test_reordered(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;

	fill(f->s);
	/* swap the sequence numbers of entries 3 and 4 */
	tamper(f->path, "UPDATE audit SET seq = -1 WHERE seq = 3;"
			"UPDATE audit SET seq = 3 WHERE seq = 4;"
			"UPDATE audit SET seq = 4 WHERE seq = -1");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_REORDERED);
	assert_int_equal(v.seq, 3);
}

static void
test_inserted(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;
	struct store_audit_entry *e = NULL, x = {0};
	size_t n = 0;
	char sql[1024];

	fill(f->s);
	/* a forged entry 4 that chains correctly to 3; the rest moved up one */
	assert_int_equal(store_audit_list(f->s, 2, 1, &e, &n), 0);
	x.seq = 4;
	x.at = 1003;
	x.clerk = "sbx-canbo-0001";
	x.kind = "action";
	x.dossier = "H56.14-999999";
	x.details = "{}";
	snprintf(x.prev_hash, sizeof x.prev_hash, "%s", e[0].hash);
	store_audit_hash(&x, x.hash);
	snprintf(sql, sizeof sql,
		 "UPDATE audit SET seq = seq + 100 WHERE seq >= 4;"
		 "UPDATE audit SET seq = seq - 99 WHERE seq >= 104;"
		 "INSERT INTO audit (seq, at, clerk, kind, dossier, purpose, details, prev_hash,"
		 " hash) VALUES (4, 1003, 'sbx-canbo-0001', 'action', 'H56.14-999999', NULL, '{}',"
		 " '%s', '%s');"
		 "UPDATE audit_state SET head_seq = head_seq + 1",
		 x.prev_hash, x.hash);
	store_audit_list_free(e, n);
	tamper(f->path, sql);
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_INSERTED);
	assert_int_equal(v.seq, 4);
}

static void
test_inserted_at_end(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;
	struct store_audit_entry *e = NULL, x = {0};
	size_t n = 0;
	char sql[1024];

	fill(f->s);
	assert_int_equal(store_audit_list(f->s, 0, 1, &e, &n), 0);
	x.seq = 11;
	x.at = 3000;
	x.clerk = "ai đó";
	x.kind = "reveal-id";
	x.details = "{}";
	snprintf(x.prev_hash, sizeof x.prev_hash, "%s", e[0].hash);
	store_audit_hash(&x, x.hash);
	snprintf(sql, sizeof sql,
		 "INSERT INTO audit (seq, at, clerk, kind, dossier, purpose, details, prev_hash,"
		 " hash) VALUES (11, 3000, 'ai đó', 'reveal-id', NULL, NULL, '{}', '%s', '%s')",
		 x.prev_hash, x.hash);
	store_audit_list_free(e, n);
	tamper(f->path, sql);
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_INSERTED);
	assert_int_equal(v.seq, 11);
}

static void
test_shipped_mark(void **state)
{
	struct fx *f = *state;
	struct store_audit_state st;
	struct store_audit_verdict v;

	fill(f->s);
	assert_int_equal(store_audit_mark_shipped(f->s, 6), 0);
	assert_int_equal(store_audit_mark_shipped(f->s, 4), 0); /* never backwards */
	assert_int_equal(store_audit_mark_shipped(f->s, 99), 0); /* never past the head */
	assert_int_equal(store_audit_state(f->s, &st), 0);
	assert_int_equal(st.shipped_seq, 6);
	assert_int_equal(st.head_seq, 10);
	assert_int_equal(st.total, 10);
	/* removing the tail AND rewinding the head is still caught: the server has 6 */
	tamper(f->path, "DELETE FROM audit WHERE seq >= 5;"
			"UPDATE audit_state SET head_seq = 4, head_hash ="
			" (SELECT hash FROM audit WHERE seq = 4)");
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_REMOVED);
	assert_int_equal(v.seq, 5);
}

static struct store_audit_verdict
verify_with(struct store *s, const struct store_audit_anchor *a)
{
	struct store_audit_verdict v;

	assert_int_equal(store_audit_verify_anchored(s, a, &v), 0);
	return v;
}

/* The server's receipt: kept with the mark, checked; another hash is not ours. */
static void
test_receipt_and_refusal(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_state st;
	struct store_audit_verdict vd;
	size_t n = 0;

	fill(f->s);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	/* another hash at seq 6: the server holds another log, nothing marked */
	assert_int_equal(store_audit_receipt(f->s, 6, v[4].hash), 1);
	assert_int_equal(store_audit_receipt(f->s, 11, NULL), 1); /* one we never wrote */
	assert_int_equal(store_audit_state(f->s, &st), 0);
	assert_int_equal(st.shipped_seq, 0);
	assert_int_equal(store_audit_receipt(f->s, 6, v[5].hash), 0);
	assert_int_equal(store_audit_state(f->s, &st), 0);
	assert_int_equal(st.shipped_seq, 6);
	assert_string_equal(st.shipped_hash, v[5].hash);
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_OK);
	/* the acknowledged entry replaced by a recomputed one is caught */
	tamper(f->path, "UPDATE audit_state SET shipped_hash = '"
			"0000000000000000000000000000000000000000000000000000000000000000'");
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_ALTERED);
	assert_int_equal(vd.seq, 6);
	assert_non_null(strstr(vd.why, "acknowledged"));
	tamper(f->path, "UPDATE audit_state SET shipped_hash = ''");
	/* a refusal fails verify at its seq until a shipment is accepted */
	assert_int_equal(store_audit_set_refused(f->s, 3, "seq 3 differs from the copy held here"),
			 0);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_SERVER_REFUSED);
	assert_int_equal(vd.seq, 3);
	assert_non_null(strstr(vd.why, "seq 3 differs from the copy held here"));
	assert_string_equal(store_audit_problem_name(vd.problem), "server-refused");
	assert_int_equal(store_audit_set_refused(f->s, 0, NULL), 0);
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_OK);
	store_audit_list_free(v, n);
}

/* The anchor kept outside the file: a cut with a rewritten state is seen. */
static void
test_anchor(void **state)
{
	struct fx *f = *state;
	struct store_audit_anchor a, b, other;
	struct store_audit_verdict vd;
	char *text;

	fill(f->s);
	assert_int_equal(store_audit_mark_shipped(f->s, 7), 0);
	assert_int_equal(store_audit_anchor_get(f->s, &a), 0);
	assert_int_equal(a.head_seq, 10);
	assert_int_equal(a.shipped_seq, 7);
	assert_int_equal(strlen(a.shipped_hash), STORE_AUDIT_HASH_LEN);
	/* its text round-trips; anything else is refused */
	text = store_audit_anchor_format(&a);
	assert_int_equal(store_audit_anchor_parse(text, &b), 0);
	assert_memory_equal(&a, &b, sizeof a);
	for (size_t cut = 0; cut < strlen(text); cut += 7) {
		char *t = xstrdup(text);
		t[cut] = cut % 2 ? 'Z' : '\0';
		assert_int_equal(store_audit_anchor_parse(t, &b), -1);
		free(t);
	}
	free(text);
	assert_int_equal(store_audit_anchor_parse("anchor1 - 0 - 0 - 0", &b), 0);
	assert_int_equal(store_audit_anchor_parse("anchor1 ab 5 - 0 - 0", &b), -1);
	assert_int_equal(store_audit_anchor_parse("anchor1 ab 99999999999999999999 - 0 - 0", &b),
			 -1);
	vd = verify_with(f->s, &a);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.tail, STORE_AUDIT_TAIL_ANCHORED);
	assert_int_equal(verify(f->s).tail, STORE_AUDIT_TAIL_UNVERIFIABLE);
	assert_int_equal(store_audit_anchor_holds(f->s, &a), 1);
	/* more entries: the old anchor still holds, and is behind */
	add(f->s, NULL, STORE_AUDIT_VIEW, "X-2", NULL, 3000);
	assert_int_equal(store_audit_anchor_holds(f->s, &a), 1);
	assert_int_equal(verify_with(f->s, &a).problem, STORE_AUDIT_OK);
	assert_int_equal(store_audit_anchor_get(f->s, &a), 0);
	/* cut seq 9..11 and rewrite the state to match, receipt included: the
	 * file alone looks whole; the anchor does not */
	tamper(f->path, "DELETE FROM audit WHERE seq >= 9;"
			"UPDATE audit_state SET head_seq = 8, head_hash ="
			" (SELECT hash FROM audit WHERE seq = 8), shipped_seq = 7");
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_OK);
	vd = verify_with(f->s, &a);
	assert_int_equal(vd.problem, STORE_AUDIT_REMOVED);
	assert_int_equal(vd.seq, 9);
	assert_non_null(strstr(vd.why, "keyring counted seq 11"));
	assert_int_equal(store_audit_anchor_holds(f->s, &a), 0);
	/* the same entries written again differ from the anchored ones */
	add(f->s, NULL, STORE_AUDIT_VIEW, "X-3", NULL, 3001);
	add(f->s, NULL, STORE_AUDIT_VIEW, "X-4", NULL, 3002);
	add(f->s, NULL, STORE_AUDIT_VIEW, "X-5", NULL, 3003);
	vd = verify_with(f->s, &a);
	assert_int_equal(vd.problem, STORE_AUDIT_ALTERED);
	assert_int_equal(vd.seq, 11);
	assert_int_equal(store_audit_anchor_holds(f->s, &a), 0);
	/* another chain */
	other = a;
	memcpy(other.chain, "0123456789abcdef0123456789abcdef", 33);
	vd = verify_with(f->s, &other);
	assert_int_equal(vd.problem, STORE_AUDIT_REPLACED);
	assert_int_equal(vd.seq, 1);
	/* a receipt in the anchor past the end */
	assert_int_equal(store_audit_anchor_get(f->s, &b), 0);
	b.shipped_seq = 20;
	vd = verify_with(f->s, &b);
	assert_int_equal(vd.problem, STORE_AUDIT_REMOVED);
	assert_non_null(strstr(vd.why, "acknowledged entries up to 20"));
	/* a refusal the file forgot, remembered by the anchor */
	assert_int_equal(store_audit_anchor_get(f->s, &b), 0);
	b.refused_seq = 4;
	vd = verify_with(f->s, &b);
	assert_int_equal(vd.problem, STORE_AUDIT_SERVER_REFUSED);
	assert_int_equal(vd.seq, 4);
}

static void
test_survives_reopen(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict v;
	char *err = NULL;

	fill(f->s);
	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s, &err), 0);
	add(f->s, NULL, STORE_AUDIT_ACTION, "A", NULL, 5000);
	v = verify(f->s);
	assert_int_equal(v.problem, STORE_AUDIT_OK);
	assert_int_equal(v.checked, 11);
}

/* Queue decisions are recorded with them, refusals are not. */
static void
test_queue_decisions_recorded(void **state)
{
	struct fx *f = *state;
	struct outbox_act_request req = {.code = "A-1", .action = "receive"};
	struct store_audit_entry *v = NULL;
	struct dossier d;
	struct mc_err cause;
	int64_t id = 0;
	size_t n = 0;

	dossier_init(&d);
	d.code = xstrdup("A-1");
	d.source = xstrdup("tuphap");
	d.status = STATUS_NEW;
	d.applicant_id = xstrdup("999012345678");
	assert_int_equal(store_dossier_upsert(f->s, &d), 0);
	dossier_release(&d);
	add(f->s, "sbx-canbo-0001", STORE_AUDIT_SIGNIN, NULL, NULL, 100);
	assert_int_equal(outbox_act(f->s, &req, 200, &id, &cause), OUTBOX_ACT_OK);
	/* receiving again is not allowed from "received": nothing recorded */
	assert_int_equal(outbox_act(f->s, &req, 201, &id, &cause), OUTBOX_ACT_NOT_ALLOWED);
	assert_int_equal(cause.code, MC_E_NOT_ALLOWED);
	/* drop the queued receive */
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].kind, STORE_AUDIT_ACTION);
	assert_string_equal(v[1].dossier, "A-1");
	assert_string_equal(v[1].clerk, "sbx-canbo-0001");
	assert_non_null(strstr(v[1].details, "\"action\":\"receive\""));
	assert_null(strstr(v[1].details, "999012345678"));
	store_audit_list_free(v, n);
	{
		struct store_outbox_entry *q = NULL;
		size_t nq = 0;
		assert_int_equal(store_outbox_list(f->s, 0, &q, &nq), 0);
		assert_int_equal(nq, 1);
		assert_int_equal(outbox_drop(f->s, q[0].id, 300, &cause), 0);
		store_outbox_list_free(q, nq);
	}
	assert_int_equal(store_audit_list(f->s, 0, 1, &v, &n), 0);
	assert_string_equal(v[0].kind, STORE_AUDIT_DROP);
	assert_non_null(strstr(v[0].details, "\"state\":\"pending\""));
	store_audit_list_free(v, n);
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_OK);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_chain_and_clerk),
		cmocka_unit_test(test_canonical_is_unambiguous),
		T(test_append_only),
		T(test_altered),
		T(test_altered_purpose_and_time),
		T(test_rehashed_entry),
		T(test_removed),
		T(test_removed_and_renumbered),
		T(test_tail_removed),
		T(test_reordered),
		T(test_inserted),
		T(test_inserted_at_end),
		T(test_shipped_mark),
		T(test_receipt_and_refusal),
		T(test_anchor),
		T(test_survives_reopen),
		T(test_queue_decisions_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
