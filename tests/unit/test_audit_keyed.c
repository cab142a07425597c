/*
 * Unit tests of the keyed audit chain: a whole-log rewrite made without the
 * audit key, a removed keying, a cut of keyed entries, and the ways a chain
 * becomes keyed (new store, older store, first key after running without
 * one, new key); and the store's record of its key deleted or replaced
 * while the keyring kept the key, which is no first key (verify fails at
 * the mark it leaves).
 */
#include "audit_fixture.h"

/* ---- the keyed chain ------------------------------------------------------ */

static const unsigned char key1[STORE_DATA_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[STORE_DATA_KEY_LEN] = "fedcba9876543210fedcba987654321";

static void
reopen(struct fx *f, const unsigned char *key, bool existed)
{
	char *err = NULL;

	store_close(f->s);
	assert_int_equal(store_open(f->path, &f->s, &err), 0);
	if (key != NULL)
		assert_int_equal(store_protect_set_key(f->s, key, existed, NULL, NULL), 0);
}

/*
 * What someone with the file but not the key can do: change seq `seq`'s
 * purpose, recompute every hash and link from there with plain SHA-256 and
 * move the state's head to match - a log whose chain is consistent.
 */
static void
rewrite_without_key(struct fx *f, int64_t seq)
{
	struct store_audit_entry *v = NULL;
	struct store_audit_state st;
	size_t n = 0, cap = 256;
	char *sql = xmalloc(cap);

	assert_int_equal(store_audit_state(f->s, &st), 0);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	sql[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char line[320];

		if (i == 0)
			store_audit_genesis(st.chain, v[i].prev_hash);
		else
			memcpy(v[i].prev_hash, v[i - 1].hash, sizeof v[i].prev_hash);
		if (v[i].seq == seq) {
			free(v[i].purpose);
			v[i].purpose = xstrdup("việc riêng");
		}
		store_audit_hash(&v[i], v[i].hash);
		snprintf(line, sizeof line,
			 "UPDATE audit SET purpose = %s%s%s, prev_hash = '%s', hash = '%s'"
			 " WHERE seq = %d;", v[i].purpose != NULL ? "'" : "",
			 v[i].purpose != NULL ? v[i].purpose : "NULL",
			 v[i].purpose != NULL ? "'" : "", v[i].prev_hash, v[i].hash, (int)v[i].seq);
		while (strlen(sql) + strlen(line) + 1 > cap) {
			cap *= 2;
			sql = xrealloc(sql, cap);
		}
		memcpy(sql + strlen(sql), line, strlen(line) + 1);
	}
	{
		char line[160];

		snprintf(line, sizeof line, "UPDATE audit_state SET head_hash = '%s';",
			 v[n - 1].hash);
		sql = xrealloc(sql, strlen(sql) + strlen(line) + 1);
		memcpy(sql + strlen(sql), line, strlen(line) + 1);
	}
	tamper(f->path, sql);
	free(sql);
	store_audit_list_free(v, n);
}

static void
test_keyed_new_store(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_verdict vd;
	size_t n = 0;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keying, STORE_AUDIT_KEY_CHECKED);
	assert_int_equal(vd.keyed_from, 1);
	assert_int_equal(vd.keyed_head, 10);
	assert_int_equal(vd.unkeyed, 0);
	assert_string_equal(vd.note, "");
	/* no "audit-key" entry for a chain keyed from its first entry */
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 10);
	assert_string_equal(v[0].kind, STORE_AUDIT_SIGNIN);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(strlen(v[i].mac), STORE_AUDIT_HASH_LEN);
	store_audit_list_free(v, n);
	/* without the key (no Secret Service now) it verifies, and says what is unchecked */
	reopen(f, NULL, false);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keying, STORE_AUDIT_KEY_ABSENT);
	assert_non_null(strstr(vd.note, "not checked"));
}

/* The rewrite a plain hash chain cannot catch, caught by the key. */
static void
test_keyed_rewrite_without_key(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict vd;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	rewrite_without_key(f, 4);
	reopen(f, NULL, false);
	vd = verify(f->s); /* the chain alone is consistent: that was the hole */
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	reopen(f, key1, true);
	vd = expect_problem(f->s, STORE_AUDIT_ALTERED, 4);
	assert_non_null(strstr(vd.why, "keyed tag"));
	/* an append afterwards does not launder it: still caught */
	add(f->s, NULL, STORE_AUDIT_ACTION, "B", NULL, 6000);
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_ALTERED);
}

/* Tags stripped and the state made to look never keyed. */
static void
test_keyed_keying_removed(void **state)
{
	struct fx *f = *state;
	struct store_audit_state st;
	struct store_audit_verdict vd;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	rewrite_without_key(f, 2);
	tamper(f->path, "UPDATE audit SET mac = NULL; UPDATE audit_state SET keyed_from = 0,"
			" keyed_head = 0, keyed_hash = '', keyed_mac = NULL");
	reopen(f, key1, true);
	vd = expect_problem(f->s, STORE_AUDIT_ALTERED, 1);
	assert_non_null(strstr(vd.why, "keying was removed"));
	/* opening with the key did not quietly key the forged log from here */
	assert_int_equal(store_audit_state(f->s, &st), 0);
	assert_int_equal(st.keyed_from, 0);
	assert_int_equal(st.head_seq, 10);
	/* the state's own tag: rewriting where keying starts is caught too */
	reopen(f, NULL, false);
	tamper(f->path, "UPDATE audit_state SET keyed_from = 5, keyed_mac = 'x'");
	reopen(f, key1, true);
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_ALTERED);
}

/* The last keyed entries cut, the head moved back to match. */
static void
test_keyed_tail_cut(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	char sql[256];
	size_t n = 0;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq > 8; UPDATE audit_state SET"
		 " head_seq = 8, head_hash = '%s'", v[7].hash);
	store_audit_list_free(v, n);
	tamper(f->path, sql);
	expect_problem(f->s, STORE_AUDIT_REMOVED, 9);
}

/* An older store (schema 3, unkeyed) is keyed at its first open with the key. */
static void
test_keyed_upgrade(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_verdict vd;
	size_t n = 0;

	fill(f->s);
	tamper(f->path, "UPDATE audit_state SET keyed_from = -1"); /* what migration 4 does */
	reopen(f, key1, false);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 11);
	assert_string_equal(v[10].kind, STORE_AUDIT_KEYED);
	assert_string_equal(v[10].details, "{\"reason\":\"upgrade\",\"unkeyed\":10}");
	assert_string_equal(v[10].clerk, "(không rõ)");
	store_audit_list_free(v, n);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keyed_from, 11);
	assert_int_equal(vd.unkeyed, 10);
	assert_non_null(strstr(vd.note, "keyed from seq 11"));
	/* opening again keys nothing twice */
	reopen(f, key1, true);
	expect_entries(f->s, 11);
	/* the older entries are committed by the keyed one after them */
	rewrite_without_key(f, 3);
	reopen(f, key1, true);
	vd = expect_problem(f->s, STORE_AUDIT_ALTERED, 11);
}

/* Without a Secret Service for a while: those entries are unkeyed, the next
 * keyed entry vouches for them; a first key later keys the chain with a mark. */
static void
test_keyed_gaps_and_first_key(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_verdict vd;
	size_t n = 0;

	assert_int_equal(store_protect_drop_ids(f->s), 0);
	add(f->s, "sbx-canbo-0001", STORE_AUDIT_SIGNIN, NULL, NULL, 100);
	add(f->s, NULL, STORE_AUDIT_ACTION, "A", NULL, 101);
	vd = verify(f->s);
	assert_int_equal(vd.keying, STORE_AUDIT_UNKEYED);
	assert_non_null(strstr(vd.note, "chain not keyed (no Secret Service)"));
	/* the first key (the keyring had no item for this store: created now):
	 * keyed from seq 3, which says so, and the log verifies */
	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].details, "{\"reason\":\"first-key\",\"unkeyed\":2}");
	assert_string_equal(v[2].clerk, "sbx-canbo-0001");
	store_audit_list_free(v, n);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keyed_from, 3);
	add(f->s, NULL, STORE_AUDIT_ACTION, "B", NULL, 102);
	/* over SSH, no Secret Service: two entries without tags */
	reopen(f, NULL, false);
	assert_int_equal(store_protect_drop_ids(f->s), 0);
	add(f->s, NULL, STORE_AUDIT_ACTION, "C", NULL, 103);
	add(f->s, NULL, STORE_AUDIT_ACTION, "D", NULL, 104);
	reopen(f, key1, true);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keyed_head, 4);
	assert_int_equal(vd.unkeyed, 2 + 2);
	assert_non_null(strstr(vd.note, "2 entries after seq 4 written without the audit key"));
	add(f->s, NULL, STORE_AUDIT_ACTION, "E", NULL, 105);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.unkeyed, 2); /* only those before keying now */
	/* the key replaced (the keyring item lost): keyed again from a mark */
	reopen(f, key2, false);
	assert_int_equal(store_audit_list(f->s, 0, 1, &v, &n), 0);
	assert_string_equal(v[0].details, "{\"reason\":\"new-key\",\"unkeyed\":7}");
	store_audit_list_free(v, n);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keyed_from, 8);
}

/* What someone with the file does so the store looks as if it never had a
 * key: tags and keying stripped, and the store's record of its key
 * (protect_state) deleted - or `record` put in its place. */
static void
strip_keying(struct fx *f, const char *record)
{
	char sql[512];

	snprintf(sql, sizeof sql, "UPDATE audit SET mac = NULL; UPDATE audit_state SET"
		 " keyed_from = 0, keyed_head = 0, keyed_hash = '', keyed_mac = NULL; %s",
		 record != NULL ? record : "DELETE FROM protect_state");
	tamper(f->path, sql);
}

static void
assert_record_lost_at(struct store *s, int64_t seq)
{
	struct store_audit_verdict vd = verify(s);
	char want[64];

	assert_int_equal(vd.problem, STORE_AUDIT_KEY_LOST);
	assert_string_equal(store_audit_problem_name(vd.problem), "key-record-lost");
	assert_int_equal(vd.seq, seq);
	snprintf(want, sizeof want, "seq %d: key-record-lost: ", (int)seq);
	assert_non_null(strstr(vd.why, want));
	assert_non_null(strstr(vd.why, "the store's key record was removed or replaced while "
					"the keyring still holds its key; entries before it may "
					"have been rewritten"));
}

/*
 * The hole key_existed closes: the log rewritten without the key, then the
 * keying and the store's key record deleted.  The keyring still had the key
 * when the store was opened again, so this is no first key: the chain is
 * keyed again from a "key-record-lost" entry, and verify fails there - with
 * the key and without it, now and after more work.
 */
static void
test_keyed_record_lost(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_verdict vd;
	size_t n = 0;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	rewrite_without_key(f, 4);
	strip_keying(f, NULL);
	reopen(f, key1, true);
	assert_record_lost_at(f->s, 11);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 11);
	assert_string_equal(v[10].kind, STORE_AUDIT_KEYED);
	assert_string_equal(v[10].details, "{\"reason\":\"key-record-lost\",\"unkeyed\":10}");
	assert_int_equal(strlen(v[10].mac), STORE_AUDIT_HASH_LEN); /* the mark is keyed */
	assert_string_equal(v[3].purpose, "việc riêng");
	store_audit_list_free(v, n);
	/* the clerk keeps working: new entries are keyed, the verdict stays */
	add(f->s, NULL, STORE_AUDIT_ACTION, "B", NULL, 6000);
	assert_int_equal(store_audit_list(f->s, 0, 1, &v, &n), 0);
	assert_int_equal(v[0].seq, 12);
	assert_int_equal(strlen(v[0].mac), STORE_AUDIT_HASH_LEN);
	store_audit_list_free(v, n);
	vd = verify(f->s);
	assert_int_equal(vd.keying, STORE_AUDIT_KEY_CHECKED);
	assert_int_equal(vd.keyed_from, 11);
	assert_int_equal(vd.keyed_head, 12);
	assert_non_null(strstr(vd.note, "compare entries 1..10 with the server's copy"));
	assert_record_lost_at(f->s, 11);
	/* opening again marks nothing twice (the record is back) */
	reopen(f, key1, true);
	expect_entries(f->s, 12);
	assert_record_lost_at(f->s, 11);
	/* the mark is in the chain: without the Secret Service it fails too */
	reopen(f, NULL, false);
	assert_record_lost_at(f->s, 11);
	assert_int_equal(verify(f->s).keying, STORE_AUDIT_KEY_ABSENT);
	/* and cutting the mark off is a cut of keyed entries */
	reopen(f, NULL, false);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	{
		char sql[256];

		snprintf(sql, sizeof sql, "DELETE FROM audit WHERE seq > 10; UPDATE audit_state"
			 " SET head_seq = 10, head_hash = '%s'", v[9].hash);
		tamper(f->path, sql);
	}
	store_audit_list_free(v, n);
	reopen(f, key1, true);
	vd = expect_problem(f->s, STORE_AUDIT_REMOVED, 11);
}

/* The record replaced by another one (not deleted): the same. */
static void
test_keyed_record_replaced(void **state)
{
	struct fx *f = *state;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	rewrite_without_key(f, 4);
	strip_keying(f, "UPDATE protect_state SET key_check = '00000000000000000000000000000000'");
	reopen(f, key1, true);
	assert_record_lost_at(f->s, 11);
}

/* Only the record deleted, the keying left: the tags still prove the log,
 * so no mark is written and a rewrite is caught at its entry as before. */
static void
test_keyed_record_only_deleted(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict vd;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	fill(f->s);
	tamper(f->path, "DELETE FROM protect_state");
	reopen(f, key1, true);
	expect_entries(f->s, 10);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keyed_from, 1);
	rewrite_without_key(f, 4);
	tamper(f->path, "DELETE FROM protect_state");
	reopen(f, key1, true);
	vd = expect_problem(f->s, STORE_AUDIT_ALTERED, 4);
}

/* A new store at a path whose keyring item stayed (a wipe that could not
 * reach the keyring, a data folder removed by hand): an empty log, nothing
 * sealed - keyed from its first entry like any new store. */
static void
test_keyed_new_store_item_stayed(void **state)
{
	struct fx *f = *state;
	struct store_audit_entry *v = NULL;
	struct store_audit_verdict vd;
	size_t n = 0;

	assert_int_equal(store_protect_set_key(f->s, key1, true, NULL, NULL), 0);
	fill(f->s);
	assert_int_equal(store_audit_list(f->s, 0, 0, &v, &n), 0);
	assert_int_equal(n, 10);
	assert_string_equal(v[0].kind, STORE_AUDIT_SIGNIN);
	store_audit_list_free(v, n);
	vd = verify(f->s);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.keying, STORE_AUDIT_KEY_CHECKED);
	assert_int_equal(vd.keyed_from, 1);
	assert_int_equal(vd.unkeyed, 0);
	reopen(f, key1, true);
	assert_int_equal(verify(f->s).problem, STORE_AUDIT_OK);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_keyed_new_store),
		T(test_keyed_rewrite_without_key),
		T(test_keyed_keying_removed),
		T(test_keyed_tail_cut),
		T(test_keyed_upgrade),
		T(test_keyed_gaps_and_first_key),
		T(test_keyed_record_lost),
		T(test_keyed_record_replaced),
		T(test_keyed_record_only_deleted),
		T(test_keyed_new_store_item_stayed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
