/*
 * store_fixture.h - what the local store's test programs
 * (tests/unit/test_store*.c) share: temporary store files, whole-file reads
 * and writes, opening a store that must open, building and adding dossiers,
 * and assert_inbox(), which checks an inbox query under both query plans
 * (ordered and selective, see src/store/inbox.c) and the automatic choice, so
 * the planner's choice can never change an answer.  Each program includes it
 * once and gets its own copy (everything is static): the Makefile links one
 * .c per unit program.  ID numbers here are obviously synthetic.
 */
#ifndef MOTCUA_TEST_STORE_FIXTURE_H
#define MOTCUA_TEST_STORE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "store/store.h"

/* In test builds inbox.c exports these: 0 automatic, 1 ordered, 2 selective,
 * 3 selective and narrowing the last search's rows; and how many pages were
 * answered by narrowing. */
void store_inbox_force_plan(struct store *s, int plan);
long store_inbox_narrowed(const struct store *s);

#define NOW ((mc_time)1773280800) /* 2026-03-12 09:00 +07:00 */
#define HOUR 3600
#define DAY 86400

/* Not every program uses every helper. */
#define STORE_FIXTURE static __attribute__((unused))

struct tmp {
	char dir[64];
	char path[128];
};

STORE_FIXTURE void
tmp_init(struct tmp *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/motcua-test-store-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/cache.db", t->dir);
}

STORE_FIXTURE void
tmp_release(struct tmp *t)
{
	char side[160];

	unlink(t->path);
	snprintf(side, sizeof side, "%s-wal", t->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", t->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-journal", t->path);
	unlink(side);
	rmdir(t->dir);
}

STORE_FIXTURE char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

STORE_FIXTURE void
write_all(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

STORE_FIXTURE struct store *
open_ok(const char *path)
{
	struct store *s = NULL;
	char *err = NULL;
	int rc = store_open(path, &s, &err);

	if (rc != 0)
		fail_msg("store_open(%s): %s", path, err);
	assert_non_null(s);
	return s;
}

STORE_FIXTURE void
make(struct dossier *d, const char *code, const char *source, const char *name, int status,
     mc_time due)
{
	char id[32];

	dossier_init(d);
	d->code = strdup(code);
	d->source = strdup(source);
	d->applicant_name = strdup(name);
	d->procedure_code = strdup("1.001193");
	d->procedure_name = strdup("Đăng ký khai sinh");
	d->field_code = strdup("HT");
	d->area = strdup("Thôn Đông");
	snprintf(id, sizeof id, "0000000%05zu", strlen(code) * 7 + (size_t)status);
	d->applicant_id = strdup(id);
	d->status = status;
	d->received_at = due - 3 * DAY;
	d->due_at = due;
	d->source_due_at = due;
	d->updated_at = d->received_at;
}

STORE_FIXTURE void
put(struct store *s, const struct dossier *d)
{
	if (store_dossier_upsert(s, d) != 0)
		fail_msg("upsert %s: %s", d->code, store_errmsg(s));
}

/* Add a dossier built by make() and release it. */
STORE_FIXTURE void
add(struct store *s, const char *code, const char *source, const char *name, int status,
    mc_time due)
{
	struct dossier d;

	make(&d, code, source, name, status, due);
	put(s, &d);
	dossier_release(&d);
}

struct codes {
	char buf[2048];
	size_t n;
};

STORE_FIXTURE int
collect(void *ctx, const struct store_row *r)
{
	struct codes *c = ctx;
	size_t len = strlen(c->buf);

	snprintf(c->buf + len, sizeof c->buf - len, "%s%s", len ? "," : "", r->code);
	c->n++;
	return 0;
}

/* The codes a query returns, comma separated, under plan `plan`. */
STORE_FIXTURE void
codes_of(struct store *s, const struct store_query *q, int plan, struct codes *c)
{
	memset(c, 0, sizeof *c);
	store_inbox_force_plan(s, plan);
	if (store_inbox_each(s, q, collect, c) != 0)
		fail_msg("inbox: %s", store_errmsg(s));
	store_inbox_force_plan(s, 0);
}

/* Assert that every plan returns exactly `want` (codes in order) and counts it. */
STORE_FIXTURE void
assert_inbox(struct store *s, const struct store_query *q, const char *want)
{
	size_t n_want = want[0] == '\0' ? 0 : 1;

	for (const char *p = want; *p != '\0'; p++)
		n_want += *p == ',';
	for (int plan = 0; plan <= 2; plan++) {
		struct codes c;
		int64_t n = -1;

		codes_of(s, q, plan, &c);
		if (strcmp(c.buf, want) != 0)
			fail_msg("plan %d, search \"%s\": got [%s], want [%s]", plan,
				 q->search ? q->search : "", c.buf, want);
		if (q->limit <= 0 && q->offset == 0) {
			store_inbox_force_plan(s, plan);
			assert_int_equal(store_inbox_count(s, q, 0, &n), 0);
			assert_int_equal(n, (int64_t)n_want);
			assert_int_equal(store_inbox_count(s, q, 1, &n), 0);
			assert_int_equal(n, n_want > 0 ? 1 : 0);
			store_inbox_force_plan(s, 0);
		}
	}
}

/*
 * An in-memory store with seven dossiers D1..D7 across sources, one per due
 * situation (overdue, coming due, fine, finished late, no due date, the
 * source's due date against ours, only the source's): the inbox and the
 * statistics tests read it.
 */
STORE_FIXTURE struct store *
inbox_fixture(void)
{
	struct store *s = open_ok(":memory:");
	struct dossier d;

	/* overdue: open, due an hour ago */
	add(s, "D1", "tuphap", "Nguyễn An", 4, NOW - HOUR);
	/* coming due: in 5 hours */
	add(s, "D2", "congan", "Nguyễn Bình", 2, NOW + 5 * HOUR);
	/* ok: in 3 days */
	add(s, "D3", "tuphap", "Trần Chi", 5, NOW + 3 * DAY);
	/* finished (done) even though its due date has passed */
	add(s, "D4", "tinh", "Lê Dũng", 9, NOW - 2 * DAY);
	/* open, no due date known */
	make(&d, "D5", "nnmt", "Phạm Em", 1, NOW);
	d.due_at = d.source_due_at = 0;
	put(s, &d);
	dossier_release(&d);
	/* the source says overdue, our own deadline says not: not overdue */
	make(&d, "D6", "dvcqg", "Hồ Giang", 4, NOW + 2 * DAY);
	d.source_due_at = NOW - DAY;
	d.coord_status = 2; /* mismatch with status 4 */
	free(d.area);
	d.area = strdup("Ấp 2");
	free(d.procedure_code);
	d.procedure_code = strdup("2.000815");
	free(d.field_code);
	d.field_code = strdup("CT");
	put(s, &d);
	dossier_release(&d);
	/* no local due date: the source's is used */
	make(&d, "D7", "congan", "Vũ Hà", 4, NOW);
	d.due_at = 0;
	d.source_due_at = NOW - 3 * HOUR;
	d.received_at = NOW - 10 * DAY;
	put(s, &d);
	dossier_release(&d);
	return s;
}

#endif
