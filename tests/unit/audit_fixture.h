/*
 * audit_fixture.h - what the audit log's unit programs share (each unit
 * program is one .c, so this is a header of static helpers): a store in a
 * temporary file per test, appending and filling entries, tampering with
 * the SQLite file from outside (as someone with the file would), verify.
 */
#ifndef MOTCUA_TEST_AUDIT_FIXTURE_H
#define MOTCUA_TEST_AUDIT_FIXTURE_H

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

#include "core/xalloc.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "store/protect.h"
#include "store/store.h"
#include "outbox/outbox.h"

struct fx {
	char path[64];
	struct store *s;
};

static __attribute__((unused)) int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	char *err = NULL;
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/motcua-audit-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(f->path);
	assert_int_equal(store_open(f->path, &f->s, &err), 0);
	*state = f;
	return 0;
}

static __attribute__((unused)) int
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

static __attribute__((unused)) void
add(struct store *s, const char *clerk, const char *kind, const char *dossier,
    const char *purpose, mc_time at)
{
	struct store_audit_record r = {clerk, kind, dossier, purpose, "{\"n\":1}"};
	int64_t seq = 0;

	assert_int_equal(store_audit_append(s, &r, at, &seq), 0);
	assert_true(seq > 0);
}

/* Ten entries: a sign-in, reveals and actions, a sign-out. */
static __attribute__((unused)) void
fill(struct store *s)
{
	add(s, "sbx-canbo-0001", STORE_AUDIT_SIGNIN, NULL, NULL, 1000);
	for (int i = 0; i < 8; i++) {
		char code[32];

		snprintf(code, sizeof code, "H56.14-0000%02d", i);
		add(s, NULL, i % 2 ? STORE_AUDIT_ACTION : STORE_AUDIT_REVEAL_ID, code,
		    "kiểm tra hồ sơ", 1001 + i);
	}
	add(s, NULL, STORE_AUDIT_SIGNOUT, NULL, NULL, 2000);
}

/* Tamper with the file through a second connection, triggers dropped. */
static __attribute__((unused)) void
tamper(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_exec(db, "DROP TRIGGER IF EXISTS audit_no_update;"
			     "DROP TRIGGER IF EXISTS audit_no_delete;", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("tamper: %s", msg);
	sqlite3_close(db);
}

static __attribute__((unused)) struct store_audit_verdict
verify(struct store *s)
{
	struct store_audit_verdict v;

	assert_int_equal(store_audit_verify(s, &v), 0);
	return v;
}

/* The log holds exactly n entries. */
static __attribute__((unused)) void
expect_entries(struct store *s, size_t want)
{
	struct store_audit_entry *v = NULL;
	size_t n = 0;

	assert_int_equal(store_audit_list(s, 0, 0, &v, &n), 0);
	assert_int_equal(n, want);
	store_audit_list_free(v, n);
}

/* Verification names this problem at this entry; the verdict, for more. */
static __attribute__((unused)) struct store_audit_verdict
expect_problem(struct store *s, enum store_audit_problem problem, int64_t seq)
{
	struct store_audit_verdict vd = verify(s);

	assert_int_equal(vd.problem, problem);
	assert_int_equal(vd.seq, seq);
	return vd;
}

#endif
