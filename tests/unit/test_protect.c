/*
 * Unit tests of cached personal data at rest: ID numbers sealed and opened
 * back, never in the file in clear (nor in its WAL), found by a search for
 * the whole number, not by a part of it; a wrong key reads nothing; numbers
 * stored in clear before are sealed when the key arrives; without a key
 * they are not written; the retention purge spares dossiers with queued
 * work; the store's record of its key removed while the keyring kept the
 * key is no first key.  The ID numbers here are synthetic (province code 999 is nobody's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/status.h"
#include "core/xalloc.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/protect.h"
#include "store/store.h"

#define ID_A "999012345678"
#define ID_B "999087654321"

static const unsigned char key1[STORE_DATA_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char key2[STORE_DATA_KEY_LEN] = "fedcba9876543210fedcba987654321";

struct fx {
	char path[64];
	struct store *s;
};

static void
reopen(struct fx *f)
{
	char *err = NULL;

	store_close(f->s);
	f->s = NULL;
	assert_int_equal(store_open(f->path, &f->s, &err), 0);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/motcua-protect-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(f->path);
	reopen(f);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[96];

	store_close(f->s);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static void
put(struct store *s, const char *code, const char *id, int status, mc_time finished)
{
	struct dossier d;

	dossier_init(&d);
	d.code = xstrdup(code);
	d.source = xstrdup("tuphap");
	d.status = status;
	d.applicant_name = xstrdup("Trần Thị Mẫu");
	d.procedure_name = xstrdup("Đăng ký khai sinh");
	d.applicant_id = xstrdup_or_null(id);
	d.finished_at = finished;
	d.updated_at = finished != 0 ? finished : 100;
	assert_int_equal(store_dossier_upsert(s, &d), 0);
	dossier_release(&d);
}

static char *
id_of(struct store *s, const char *code)
{
	struct dossier d;
	char *id;

	assert_int_equal(store_dossier_load(s, code, &d), 0);
	id = xstrdup_or_null(d.applicant_id);
	dossier_release(&d);
	return id;
}

static int64_t
found(struct store *s, const char *text)
{
	struct store_query q;
	int64_t n = -1;

	store_query_init(&q, 1000);
	q.search = text;
	assert_int_equal(store_inbox_count(s, &q, 0, &n), 0);
	return n;
}

/* Does any file of the store (db, -wal) contain `needle`? */
static bool
on_disk(const char *path, const char *needle)
{
	const char *suffix[] = {"", "-wal"};

	for (size_t i = 0; i < 2; i++) {
		char p[96], *buf;
		FILE *fp;
		long len;
		bool hit = false;

		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		fp = fopen(p, "rb");
		if (fp == NULL)
			continue;
		fseek(fp, 0, SEEK_END);
		len = ftell(fp);
		rewind(fp);
		buf = xmalloc((size_t)len + 1);
		assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
		fclose(fp);
		for (long k = 0; k + (long)strlen(needle) <= len && !hit; k++)
			hit = memcmp(buf + k, needle, strlen(needle)) == 0;
		free(buf);
		if (hit)
			return true;
	}
	return false;
}

static void
test_sealed_round_trip_and_search(void **state)
{
	struct fx *f = *state;
	char *id;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	assert_int_equal(store_protect_mode(f->s), STORE_PII_SEALED);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	put(f->s, "H56.14-000002", ID_B, STATUS_NEW, 0);
	id = id_of(f->s, "H56.14-000001");
	assert_string_equal(id, ID_A);
	free(id);
	/* the whole number finds its dossier, by the keyed token */
	assert_int_equal(found(f->s, ID_A), 1);
	assert_int_equal(found(f->s, ID_B), 1);
	assert_int_equal(found(f->s, "999000000000"), 0);
	/* names still match, with or without diacritics */
	assert_int_equal(found(f->s, "tran thi mau"), 2);
	/* a part of the number does not: it is not in the file to match */
	assert_int_equal(found(f->s, "12345678"), 0);
	assert_false(on_disk(f->path, ID_A));
	assert_false(on_disk(f->path, "012345678"));
	assert_false(on_disk(f->path, ID_B));
	/* the same key in a new process opens them */
	reopen(f);
	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	id = id_of(f->s, "H56.14-000002");
	assert_string_equal(id, ID_B);
	free(id);
	assert_int_equal(found(f->s, ID_B), 1);
}

/* One household's number on many dossiers: each sealed value is different
 * (a fresh nonce each time, past the batch they are drawn in), and each
 * opens; the stored text gives no hint that they are the same number. */
static void
test_sealed_values_all_differ(void **state)
{
	struct fx *f = *state;
	sqlite3 *db;
	sqlite3_stmt *st;
	char code[32];

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(code, sizeof code, "H56.14-%06d", i);
		put(f->s, code, ID_A, STATUS_NEW, 0);
	}
	for (int i = 0; i < 100; i += 33) {
		char *id;

		snprintf(code, sizeof code, "H56.14-%06d", i);
		id = id_of(f->s, code);
		assert_string_equal(id, ID_A);
		free(id);
	}
	assert_int_equal(found(f->s, ID_A), 100);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(DISTINCT applicant_id),"
					       " count(DISTINCT substr(applicant_id, 1, 29))"
					       " FROM dossiers",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 100);
	/* "enc1:" and the nonce's 24 hex digits: never the same twice */
	assert_int_equal(sqlite3_column_int(st, 1), 100);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_without_key_nothing_opens(void **state)
{
	struct fx *f = *state;
	char *id;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	reopen(f); /* clear mode: sealed values are not handed out */
	id = id_of(f->s, "H56.14-000001");
	assert_null(id);
	assert_int_equal(store_protect_drop_ids(f->s), 0);
	id = id_of(f->s, "H56.14-000001");
	assert_null(id);
}

static void
test_other_key_forgets(void **state)
{
	struct fx *f = *state;
	int64_t sealed = -1, forgotten = -1;
	char *id;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	put(f->s, "H56.14-000002", ID_B, STATUS_NEW, 0);
	reopen(f);
	assert_int_equal(store_protect_set_key(f->s, key2, false, &sealed, &forgotten), 0);
	assert_int_equal(forgotten, 2);
	assert_int_equal(sealed, 0);
	id = id_of(f->s, "H56.14-000001");
	assert_null(id);
	/* the next write seals under the new key */
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	id = id_of(f->s, "H56.14-000001");
	assert_string_equal(id, ID_A);
	free(id);
}

static void
test_clear_rows_sealed_when_key_arrives(void **state)
{
	struct fx *f = *state;
	int64_t sealed = -1, forgotten = -1;
	char *id;

	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0); /* clear: an older store */
	put(f->s, "H56.14-000002", ID_B, STATUS_NEW, 0);
	assert_true(on_disk(f->path, ID_A));
	assert_int_equal(found(f->s, "0123456"), 1); /* clear: substrings match */
	assert_int_equal(store_protect_set_key(f->s, key1, false, &sealed, &forgotten), 0);
	assert_int_equal(sealed, 2);
	assert_int_equal(forgotten, 0);
	assert_false(on_disk(f->path, ID_A));
	assert_false(on_disk(f->path, ID_B));
	id = id_of(f->s, "H56.14-000001");
	assert_string_equal(id, ID_A);
	free(id);
	assert_int_equal(found(f->s, ID_A), 1);
}

static void
test_drop_mode(void **state)
{
	struct fx *f = *state;
	char *id;

	assert_int_equal(store_protect_drop_ids(f->s), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	id = id_of(f->s, "H56.14-000001");
	assert_null(id);
	assert_false(on_disk(f->path, ID_A));
	assert_int_equal(found(f->s, ID_A), 0);
	assert_int_equal(found(f->s, "mau"), 1);
}

static void
test_sealed_value_bound_to_its_dossier(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;
	char *id;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	put(f->s, "H56.14-000002", ID_B, STATUS_NEW, 0);
	/* someone copies dossier 1's sealed number onto dossier 2 */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	assert_int_equal(sqlite3_exec(db, "UPDATE dossiers SET applicant_id = (SELECT"
					  " applicant_id FROM dossiers WHERE code = 'H56.14-000001')"
					  " WHERE code = 'H56.14-000002'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	id = id_of(f->s, "H56.14-000002");
	assert_null(id); /* the code is the associated data: it does not open */
	id = id_of(f->s, "H56.14-000001");
	assert_string_equal(id, ID_A);
	free(id);
}

static void
test_retention(void **state)
{
	struct fx *f = *state;
	struct store_outbox_entry e = {0};
	struct dossier d;
	int64_t n = -1, count = 0;
	int from = 0;

	put(f->s, "OLD-DONE", ID_A, STATUS_RETURNED, 1000);  /* finished long ago */
	put(f->s, "OLD-QUEUED", ID_B, STATUS_DONE, 1000);    /* ... with queued work */
	put(f->s, "NEW-DONE", NULL, STATUS_RETURNED, 9000);  /* finished recently */
	put(f->s, "OPEN", NULL, STATUS_PROCESSING, 0);       /* never purged */
	put(f->s, "OLD-OPEN", NULL, STATUS_PROCESSING, 0);   /* old but open */
	e.code = xstrdup("OLD-QUEUED");
	e.action = ACTION_RETURN_RESULT;
	e.idem_key = xstrdup("00000000000000000000000000000001");
	e.payload = xstrdup("{}");
	assert_int_equal(store_outbox_enqueue(f->s, &e, 1000, &from), 0);
	store_outbox_entry_release(&e);
	assert_int_equal(store_protect_purge_finished(f->s, 5000, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_dossier_count(f->s, NULL, &count), 0);
	assert_int_equal(count, 4);
	assert_int_equal(store_dossier_load(f->s, "OLD-DONE", &d), 1);
	dossier_release(&d);
	assert_int_equal(store_dossier_load(f->s, "OLD-QUEUED", &d), 0);
	assert_int_equal(d.status, STATUS_RETURNED); /* the queued effect */
	dossier_release(&d);
	/* once the queue has sent it, it goes too */
	assert_int_equal(store_outbox_counts(f->s, (int64_t[STORE_OUTBOX_N_STATES]){0}), 0);
	assert_int_equal(store_protect_purge_finished(f->s, 9500, &n), 0);
	assert_int_equal(n, 1); /* NEW-DONE now; OLD-QUEUED still waits */
	assert_int_equal(store_dossier_load(f->s, "OLD-QUEUED", &d), 0);
	dossier_release(&d);
}

static void
tamper(const char *path, const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("tamper: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/*
 * The store's record of its key deleted, or replaced, by `how` while the
 * keyring kept the key, and the (empty) audit log's keying with it: the
 * numbers sealed under the key are history even with an empty log (someone
 * may have emptied it), so this is no first key
 * - the numbers still open, nothing is forgotten, and the audit log fails
 * verification at the mark it got, on every later open too.
 */
static void
record_lost(struct fx *f, const char *how)
{
	struct store_audit_verdict vd;
	int64_t sealed = -1, forgotten = -1;
	char *id;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	tamper(f->path, how);
	reopen(f);
	assert_int_equal(store_protect_set_key(f->s, key1, true, &sealed, &forgotten), 0);
	assert_int_equal(forgotten, 0);
	assert_int_equal(sealed, 0);
	id = id_of(f->s, "H56.14-000001");
	assert_string_equal(id, ID_A);
	free(id);
	assert_int_equal(found(f->s, ID_A), 1);
	assert_int_equal(store_audit_verify(f->s, &vd), 0);
	assert_int_equal(vd.problem, STORE_AUDIT_KEY_LOST);
	assert_int_equal(vd.seq, 1);
	assert_non_null(strstr(vd.why, "key record was removed or replaced"));
	/* the record is back: the next open is the usual one, still failing */
	reopen(f);
	assert_int_equal(store_protect_set_key(f->s, key1, true, NULL, NULL), 0);
	assert_int_equal(store_audit_verify(f->s, &vd), 0);
	assert_int_equal(vd.problem, STORE_AUDIT_KEY_LOST);
	assert_int_equal(vd.checked, 1);
}

static void
test_key_record_deleted(void **state)
{
	record_lost(*state, "DELETE FROM protect_state; DELETE FROM audit_state");
}

static void
test_key_record_replaced(void **state)
{
	record_lost(*state, "UPDATE protect_state SET key_check = '00000000000000000000000000000000';"
			    " DELETE FROM audit_state");
}

/* Without the keyring's word (its item gone, a key created now) the same
 * file is a first key as before: nothing marked. */
static void
test_key_record_deleted_new_item(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict vd;
	int64_t sealed = -1, forgotten = -1;

	assert_int_equal(store_protect_set_key(f->s, key1, false, NULL, NULL), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	tamper(f->path, "DELETE FROM protect_state; DELETE FROM audit_state");
	reopen(f);
	assert_int_equal(store_protect_set_key(f->s, key2, false, &sealed, &forgotten), 0);
	assert_int_equal(store_audit_verify(f->s, &vd), 0);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.checked, 0);
}

/* A fresh store while the keyring kept an item for its path: a first key,
 * nothing marked, the log verifies. */
static void
test_fresh_store_item_stayed(void **state)
{
	struct fx *f = *state;
	struct store_audit_verdict vd;
	char *id;

	assert_int_equal(store_protect_set_key(f->s, key1, true, NULL, NULL), 0);
	put(f->s, "H56.14-000001", ID_A, STATUS_NEW, 0);
	assert_false(on_disk(f->path, ID_A));
	reopen(f);
	assert_int_equal(store_protect_set_key(f->s, key1, true, NULL, NULL), 0);
	id = id_of(f->s, "H56.14-000001");
	assert_string_equal(id, ID_A);
	free(id);
	assert_int_equal(store_audit_verify(f->s, &vd), 0);
	assert_int_equal(vd.problem, STORE_AUDIT_OK);
	assert_int_equal(vd.checked, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sealed_round_trip_and_search),
		T(test_sealed_values_all_differ),
		T(test_without_key_nothing_opens),
		T(test_other_key_forgets),
		T(test_clear_rows_sealed_when_key_arrives),
		T(test_drop_mode),
		T(test_sealed_value_bound_to_its_dossier),
		T(test_retention),
		T(test_key_record_deleted),
		T(test_key_record_replaced),
		T(test_key_record_deleted_new_item),
		T(test_fresh_store_item_stayed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
