/*
 * test_store_damage.c - a store on a bad disk day: a page overwritten
 * (4 KiB mid-file, a queue page, a dossier page) is found - by the quick
 * check at open when the last session did not close, by the queue's check
 * at every open, by any read that meets it - and then nothing more is
 * written while reading goes on; a missing or empty store where one existed
 * is refused, not made anew; a read-only or full disk is said as such and
 * the store can still be read; `doctor --repair` copies what reads into a
 * new file and keeps the old one, byte for byte, and leaves a sound store
 * alone.
 *
 * Read-only and full disks need a mount of their own: as root the test
 * makes one in a private mount namespace (a child process); elsewhere the
 * read-only case uses file modes and the full-disk case is covered by the
 * error mapping alone.
 */
#include "store_fixture.h"

#include <errno.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "store/outbox.h"
#include "store/audit.h"
#include "store/store_int.h"

#define N_DOSSIERS 300
#define N_QUEUED 5

/* ---- helpers ---------------------------------------------------------- */

static char *
side_path(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s%s", path, suffix);
	return p;
}

static bool
exists(const char *path, const char *suffix)
{
	char *p = side_path(path, suffix);
	bool yes = access(p, F_OK) == 0;

	free(p);
	return yes;
}

static void
code_of(int i, char *buf, size_t size)
{
	snprintf(buf, size, "H56.14-260312-%05d", i);
}

/* A closed store with dossiers, queued actions and audit entries. */
static void
fill_store(const char *path)
{
	struct store *s = open_ok(path);
	char code[32];

	assert_int_equal(store_begin(s), 0);
	for (int i = 0; i < N_DOSSIERS; i++) {
		code_of(i, code, sizeof code);
		add(s, code, i % 2 ? "tuphap" : "congan", "Nguyễn Văn Đường", STATUS_NEW,
		    NOW + DAY);
	}
	assert_int_equal(store_commit(s), 0);
	for (int i = 0; i < N_QUEUED; i++) {
		struct store_outbox_entry e = {0};
		char key[40];
		int from = 0;

		code_of(i * 7, code, sizeof code);
		snprintf(key, sizeof key, "%032d", i + 1);
		e.code = strdup(code);
		e.action = ACTION_RECEIVE;
		e.idem_key = strdup(key);
		e.payload = strdup("{}");
		assert_int_equal(store_outbox_enqueue(s, &e, NOW, &from), 0);
		store_outbox_entry_release(&e);
		assert_int_equal(store_audit_append(s,
						    &(struct store_audit_record){
							    .kind = STORE_AUDIT_ACTION,
							    .dossier = code},
						    NOW + i, NULL),
				 0);
	}
	store_close(s);
	/* closed cleanly: the WAL went into the file, and no marker is left */
	assert_false(exists(path, "-wal"));
	assert_false(exists(path, ".open"));
}

/* The pages of `table` (leaf pages of its b-tree); 0 when dbstat is missing. */
static size_t
pages_of(const char *path, const char *table, int64_t *pages, size_t max)
{
	char *uri = store_file_uri(path, "immutable=1");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;

	assert_int_equal(sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
			 SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat WHERE name = ?1 AND"
				   " pagetype = 'leaf' ORDER BY pageno", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
		while (n < max && sqlite3_step(st) == SQLITE_ROW)
			pages[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(uri);
	return n;
}

static int64_t
page_size_of(const char *path)
{
	size_t len;
	unsigned char *b = (unsigned char *)read_all(path, &len);
	int64_t size;

	assert_true(len >= 100);
	size = b[16] << 8 | b[17];
	free(b);
	return size == 1 ? 65536 : size;
}

/* Overwrite `len` bytes at `offset` with noise, as a failing disk would. */
static void
scribble(const char *path, int64_t offset, size_t len)
{
	int fd = open(path, O_WRONLY);
	unsigned char *junk = malloc(len);

	assert_true(fd >= 0);
	assert_non_null(junk);
	for (size_t i = 0; i < len; i++)
		junk[i] = (unsigned char)(i * 131 + 17);
	assert_int_equal(pwrite(fd, junk, len, (off_t)offset), (ssize_t)len);
	close(fd);
	free(junk);
}

/* Overwrite one leaf page of `table`; false when dbstat is not compiled in. */
static bool
scribble_table(const char *path, const char *table)
{
	int64_t pages[256], psize = page_size_of(path);
	size_t n = pages_of(path, table, pages, 256);

	if (n == 0)
		return false;
	scribble(path, (pages[n / 2] - 1) * psize, (size_t)psize);
	return true;
}

static struct store *
open_with(const char *path, unsigned flags, enum store_fault *fault)
{
	struct store *s = NULL;
	char *err = NULL;

	if (store_open_ex(path, flags, &s, fault, &err) != 0)
		fail_msg("store_open_ex(%s): %s", path, err);
	return s;
}

/* A write that must be refused, and why. */
static void
assert_write_refused(struct store *s, enum store_fault why, const char *words)
{
	char code[32];
	struct dossier d;

	code_of(99999, code, sizeof code);
	make(&d, code, "tuphap", "Trần Thị Bình", STATUS_NEW, NOW);
	assert_int_equal(store_dossier_upsert(s, &d), -1);
	dossier_release(&d);
	assert_int_equal(store_last_fault(s), why);
	if (strstr(store_errmsg(s), words) == NULL)
		fail_msg("\"%s\" should say \"%s\"", store_errmsg(s), words);
	assert_false(store_writable(s));
}

/* Every dossier loaded by code: -1 as soon as one load fails. */
static int
load_all(struct store *s)
{
	char code[32];
	struct dossier d;

	for (int i = 0; i < N_DOSSIERS; i++) {
		int rc;
		code_of(i, code, sizeof code);
		rc = store_dossier_load(s, code, &d);
		if (rc == 0)
			dossier_release(&d);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void
release_all(struct tmp *t)
{
	static const char *const extra[] = {".open", ".repairing", ".repairing-wal",
					    ".repairing-shm", ".aside", ".aside-wal",
					    ".aside-shm", ".copy"};
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++) {
		char *p = side_path(t->path, extra[i]);
		unlink(p);
		free(p);
	}
	tmp_release(t);
}

/* ---- the error mapping ---------------------------------------------- */

static void
test_fault_mapping(void **state)
{
	(void)state;
	assert_int_equal(store_fault_classify(SQLITE_CORRUPT, 0), STORE_FAULT_DAMAGED);
	assert_int_equal(store_fault_classify(SQLITE_CORRUPT_INDEX, 0), STORE_FAULT_DAMAGED);
	assert_int_equal(store_fault_classify(SQLITE_NOTADB, 0), STORE_FAULT_DAMAGED);
	assert_int_equal(store_fault_classify(SQLITE_FULL, 0), STORE_FAULT_FULL);
	/* a full disk while SQLite sets up its shared memory: "disk I/O error" */
	assert_int_equal(store_fault_classify(SQLITE_IOERR_SHMSIZE, ENOSPC), STORE_FAULT_FULL);
	assert_int_equal(store_fault_classify(SQLITE_IOERR_WRITE, EDQUOT), STORE_FAULT_FULL);
	assert_int_equal(store_fault_classify(SQLITE_CANTOPEN, EROFS), STORE_FAULT_READ_ONLY);
	assert_int_equal(store_fault_classify(SQLITE_CANTOPEN, EACCES), STORE_FAULT_PERMISSION);
	assert_int_equal(store_fault_classify(SQLITE_READONLY, 0), STORE_FAULT_READ_ONLY);
	assert_int_equal(store_fault_classify(SQLITE_READONLY_CANTINIT, ENOSPC), STORE_FAULT_FULL);
	assert_int_equal(store_fault_classify(SQLITE_IOERR_READ, EIO), STORE_FAULT_OTHER);
	assert_int_equal(store_fault_classify(SQLITE_BUSY, 0), STORE_FAULT_BUSY);
	assert_int_equal(store_fault_classify(SQLITE_OK, ENOSPC), STORE_FAULT_NONE);
	assert_int_equal(store_fault_errc(STORE_FAULT_DAMAGED), MC_E_STORE_DAMAGED);
	assert_int_equal(store_fault_errc(STORE_FAULT_MISSING), MC_E_STORE_MISSING);
	assert_int_equal(store_fault_errc(STORE_FAULT_READ_ONLY), MC_E_READ_ONLY);
	assert_int_equal(store_fault_errc(STORE_FAULT_FULL), MC_E_DISK_FULL);
	assert_int_equal(store_fault_errc(STORE_FAULT_PERMISSION), MC_E_PERMISSION);
	assert_int_equal(store_fault_errc(STORE_FAULT_OTHER), MC_E_STORE);
	/* distinct words for each */
	assert_string_not_equal(store_fault_words(STORE_FAULT_FULL),
				store_fault_words(STORE_FAULT_READ_ONLY));
	assert_string_not_equal(store_fault_words(STORE_FAULT_FULL),
				store_fault_words(STORE_FAULT_DAMAGED));
}

/* ---- the marker ------------------------------------------------------ */

static void
test_marker_follows_handles(void **state)
{
	struct tmp t;
	struct store *a, *b;

	(void)state;
	tmp_init(&t);
	a = open_ok(t.path);
	assert_true(exists(t.path, ".open"));
	b = open_ok(t.path);
	store_close(a);
	/* b still has it open: a crash of b must still be seen */
	assert_true(exists(t.path, ".open"));
	store_close(b);
	assert_false(exists(t.path, ".open"));
	release_all(&t);
}

/* ---- damage ------------------------------------------------------------ */

/* 4 KiB overwritten mid-file, the file then opened after a crash. */
static void
test_mid_file_found_after_crash(void **state)
{
	struct tmp t;
	struct store *s;
	enum store_fault fault;
	struct stat sb;
	int64_t n = 0;
	char *before, *after, *mark;
	size_t len_before, len_after;
	int fd;

	(void)state;
	tmp_init(&t);
	fill_store(t.path);
	assert_int_equal(stat(t.path, &sb), 0);
	assert_true(sb.st_size > 16 * 4096);
	scribble(t.path, (sb.st_size / 2) & ~(off_t)4095, 4096);

	/* closed cleanly before the damage: the open trusts the file (the
	 * queue's tables are checked, and they are not where the damage is) */
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_NONE);
	store_close(s);

	/* as a crashed session leaves it: the marker stays behind */
	mark = side_path(t.path, ".open");
	fd = open(mark, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	before = read_all(t.path, &len_before);
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_DAMAGED);
	assert_true(store_damaged(s));
	assert_non_null(strstr(store_errmsg(s), "damaged"));
	/* reading goes on where it can; writing has stopped */
	assert_int_equal(store_check(s), -1);
	assert_int_equal(store_last_fault(s), STORE_FAULT_DAMAGED);
	assert_int_equal(store_errc(s), MC_E_STORE_DAMAGED);
	(void)store_dossier_count(s, NULL, &n);
	assert_write_refused(s, STORE_FAULT_DAMAGED, "nothing more is written");
	store_close(s);
	/* not a byte written, and the marker now says why */
	after = read_all(t.path, &len_after);
	assert_int_equal(len_before, len_after);
	assert_memory_equal(before, after, len_before);
	free(before);
	free(after);
	before = read_all(mark, &len_before);
	assert_true(len_before >= 7 && memcmp(before, "damaged", 7) == 0);
	free(before);
	free(mark);
	/* and every later open knows it */
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_DAMAGED);
	store_close(s);
	release_all(&t);
}

/* Damage in the queue is found at every open, crash or not. */
static void
test_queue_damage_found_at_open(void **state)
{
	struct tmp t;
	struct store *s;
	enum store_fault fault;
	struct store_outbox_entry *v = NULL;
	size_t n = 0;

	(void)state;
	tmp_init(&t);
	fill_store(t.path);
	if (!scribble_table(t.path, "outbox")) {
		release_all(&t);
		skip();
	}
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_DAMAGED);
	assert_false(store_writable(s));
	/* the queue itself says so too, as an error, not as an empty list */
	if (store_outbox_list(s, STORE_OUTBOX_LIST_DONE, &v, &n) == 0) {
		store_outbox_list_free(v, n);
		assert_true(n < N_QUEUED);
	}
	assert_write_refused(s, STORE_FAULT_DAMAGED, "damaged");
	store_close(s);
	release_all(&t);
}

/* A read that meets damage latches it: every later write is refused. */
static void
test_corrupt_read_latches(void **state)
{
	struct tmp t;
	struct store *s;
	enum store_fault fault;

	(void)state;
	tmp_init(&t);
	fill_store(t.path);
	if (!scribble_table(t.path, "dossiers")) {
		release_all(&t);
		skip();
	}
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_NONE); /* clean close: not checked whole */
	assert_true(store_writable(s));
	assert_int_equal(load_all(s), -1);
	assert_int_equal(store_last_fault(s), STORE_FAULT_DAMAGED);
	assert_true(store_damaged(s));
	assert_write_refused(s, STORE_FAULT_DAMAGED, "nothing more is written");
	store_close(s);
	/* the WAL was not checkpointed into the damaged file, and the next
	 * open knows (the marker stayed) */
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_DAMAGED);
	store_close(s);
	release_all(&t);
}

/* ---- missing and empty ------------------------------------------------- */

static void
test_missing_or_empty_refused_when_it_existed(void **state)
{
	struct tmp t;
	struct store *s = NULL;
	enum store_fault fault;
	char *err = NULL;
	bool empty = true;
	struct stat sb;

	(void)state;
	tmp_init(&t);
	/* missing: refused, and no file appears */
	assert_true(store_file_absent(t.path, &empty));
	assert_false(empty);
	assert_int_equal(store_open_ex(t.path, STORE_OPEN_MUST_EXIST, &s, &fault, &err), -1);
	assert_null(s);
	assert_int_equal(fault, STORE_FAULT_MISSING);
	assert_non_null(strstr(err, "missing"));
	assert_non_null(strstr(err, t.path));
	free(err);
	assert_int_not_equal(access(t.path, F_OK), 0);

	/* 0 bytes: refused and left as it is */
	write_all(t.path, "", 0);
	assert_true(store_file_absent(t.path, &empty));
	assert_true(empty);
	assert_int_equal(store_open_ex(t.path, STORE_OPEN_MUST_EXIST, &s, &fault, &err), -1);
	assert_int_equal(fault, STORE_FAULT_MISSING);
	assert_non_null(strstr(err, "empty"));
	free(err);
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_false(exists(t.path, "-wal"));
	assert_false(exists(t.path, ".open"));

	/* without the flag (no data key: a first run) it is the new store */
	s = open_with(t.path, 0, &fault);
	assert_int_equal(fault, STORE_FAULT_NONE);
	store_close(s);
	assert_false(store_file_absent(t.path, NULL));
	release_all(&t);
}

/* ---- read-only and full disks ------------------------------------------ */

/* Reading works on a store that cannot be written; writing says why. */
static int
check_read_only_open(const char *path, enum store_fault want1, enum store_fault want2)
{
	struct store *s = NULL;
	enum store_fault fault = STORE_FAULT_NONE;
	char *err = NULL, code[32];
	struct dossier d;
	int64_t n = 0;

	if (store_open_ex(path, 0, &s, &fault, &err) != 0) {
		fprintf(stderr, "open: %s\n", err);
		return 10;
	}
	if (fault != want1 && fault != want2) {
		fprintf(stderr, "fault %s\n", store_fault_words(fault));
		return 11;
	}
	if (store_writable(s) || store_dossier_count(s, NULL, &n) != 0 || n != N_DOSSIERS)
		return 12;
	code_of(3, code, sizeof code);
	if (store_dossier_load(s, code, &d) != 0)
		return 13;
	dossier_release(&d);
	make(&d, "H56.14-260312-77777", "tuphap", "Trần Thị Bình", STATUS_NEW, NOW);
	if (store_dossier_upsert(s, &d) != -1 || store_last_fault(s) != fault ||
	    store_errc(s) != store_fault_errc(fault)) {
		fprintf(stderr, "write: %s\n", store_errmsg(s));
		dossier_release(&d);
		return 14;
	}
	dossier_release(&d);
	store_close(s);
	return 0;
}

/*
 * Run fn(dir) in a child with `dir` mounted as `how` ("ro": read-only bind;
 * "full": a small tmpfs the child fills).  -1 when this process cannot
 * mount (not root, no namespaces), else fn's result.
 */
static int
in_mount(const char *dir, const char *how, int (*fn)(const char *dir))
{
	pid_t pid;
	int status;

	if (geteuid() != 0)
		return -1;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
			_exit(77);
		if (strcmp(how, "ro") == 0) {
			if (mount(dir, dir, "none", MS_BIND, NULL) != 0 ||
			    mount("none", dir, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
				_exit(77);
		} else if (mount("tmpfs", dir, "tmpfs", 0, "size=16m,mode=0700") != 0) {
			_exit(77);
		}
		_exit(fn(dir));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status) == 77 ? -1 : WEXITSTATUS(status);
}

static int
ro_child(const char *dir)
{
	char path[160];

	snprintf(path, sizeof path, "%s/cache.db", dir);
	return check_read_only_open(path, STORE_FAULT_READ_ONLY, STORE_FAULT_READ_ONLY);
}

static void
test_read_only_disk(void **state)
{
	struct tmp t;
	char *before, *after;
	size_t len_before, len_after;
	int rc;

	(void)state;
	tmp_init(&t);
	fill_store(t.path);
	before = read_all(t.path, &len_before);
	rc = in_mount(t.dir, "ro", ro_child);
	if (rc < 0) {
		/* no mount here: a directory and file this user may not write */
		assert_int_equal(chmod(t.path, 0400), 0);
		assert_int_equal(chmod(t.dir, 0500), 0);
		rc = check_read_only_open(t.path, STORE_FAULT_PERMISSION, STORE_FAULT_READ_ONLY);
		chmod(t.dir, 0700);
		chmod(t.path, 0600);
	}
	assert_int_equal(rc, 0);
	after = read_all(t.path, &len_after);
	assert_int_equal(len_before, len_after);
	assert_memory_equal(before, after, len_before);
	free(before);
	free(after);
	release_all(&t);
}

static int
full_child(const char *dir)
{
	char path[160], fill[160];
	char block[4096];
	int fd;

	snprintf(path, sizeof path, "%s/cache.db", dir);
	snprintf(fill, sizeof fill, "%s/fill", dir);
	memset(block, 'x', sizeof block);
	{
		/* the store as it was left: closed cleanly */
		struct store *s = NULL;
		char *err = NULL;
		char code[32];

		if (store_open(path, &s, &err) != 0)
			return 20;
		store_begin(s);
		for (int i = 0; i < N_DOSSIERS; i++) {
			struct dossier d;
			code_of(i, code, sizeof code);
			make(&d, code, "tuphap", "Lê Văn An", STATUS_NEW, NOW + DAY);
			if (store_dossier_upsert(s, &d) != 0)
				return 21;
			dossier_release(&d);
		}
		if (store_commit(s) != 0)
			return 22;
		store_close(s);
	}
	fd = open(fill, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return 23;
	while (write(fd, block, sizeof block) > 0)
		;
	close(fd);
	return check_read_only_open(path, STORE_FAULT_FULL, STORE_FAULT_FULL);
}

static void
test_full_disk(void **state)
{
	struct tmp t;
	int rc;

	(void)state;
	tmp_init(&t);
	rc = in_mount(t.dir, "full", full_child);
	release_all(&t);
	if (rc < 0)
		skip(); /* the mapping is tested in test_fault_mapping */
	assert_int_equal(rc, 0);
}

/* ---- repair ------------------------------------------------------------ */

static void
test_repair_copies_what_reads(void **state)
{
	struct tmp t;
	struct store *s, *busy;
	struct store_repair_report r;
	struct store_outbox_entry *v = NULL;
	struct store_audit_verdict verdict;
	enum store_fault fault;
	char *aside, *err = NULL, *before, *kept;
	size_t len_before, len_kept, n = 0;
	int64_t count = 0;
	const struct store_repair_table *dossiers = NULL, *outbox = NULL, *audit = NULL;

	(void)state;
	tmp_init(&t);
	fill_store(t.path);
	if (!scribble_table(t.path, "dossiers")) {
		release_all(&t);
		skip();
	}
	before = read_all(t.path, &len_before);
	aside = side_path(t.path, ".aside");

	/* never while another handle has it open */
	busy = open_ok(t.path);
	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), -1);
	assert_int_equal(fault, STORE_FAULT_BUSY);
	free(err);
	store_close(busy);
	assert_int_not_equal(access(aside, F_OK), 0);

	/* nor over something already where the old file would be kept */
	write_all(aside, "x", 1);
	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), -1);
	assert_non_null(strstr(err, "already exists"));
	free(err);
	kept = read_all(t.path, &len_kept);
	assert_int_equal(len_kept, len_before);
	assert_memory_equal(kept, before, len_before);
	free(kept);
	unlink(aside);

	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), 0);
	assert_true(r.schema_read);
	assert_false(r.missing);
	for (size_t i = 0; i < r.n_tables; i++) {
		if (strcmp(r.tables[i].name, "dossiers") == 0)
			dossiers = &r.tables[i];
		else if (strcmp(r.tables[i].name, "outbox") == 0)
			outbox = &r.tables[i];
		else if (strcmp(r.tables[i].name, "audit") == 0)
			audit = &r.tables[i];
	}
	assert_non_null(dossiers);
	assert_non_null(outbox);
	assert_non_null(audit);
	/* the queue and the audit log whole; the dossiers but one page */
	assert_int_equal(outbox->copied, N_QUEUED);
	assert_int_equal(audit->copied, N_QUEUED);
	assert_true(dossiers->skipped >= 1);
	assert_true(dossiers->copied > N_DOSSIERS / 2);
	assert_true(dossiers->copied < N_DOSSIERS);

	/* the old file kept, every byte */
	kept = read_all(aside, &len_kept);
	assert_int_equal(len_kept, len_before);
	assert_memory_equal(kept, before, len_before);
	free(kept);

	/* the new one: sound, writable, the queue in it, the chain intact */
	s = open_with(t.path, STORE_OPEN_CHECK_ALL, &fault);
	assert_int_equal(fault, STORE_FAULT_NONE);
	assert_int_equal(store_check(s), 0);
	assert_int_equal(store_outbox_list(s, STORE_OUTBOX_LIST_DONE, &v, &n), 0);
	assert_int_equal(n, N_QUEUED);
	store_outbox_list_free(v, n);
	assert_int_equal(store_dossier_count(s, NULL, &count), 0);
	assert_int_equal(count, dossiers->copied);
	assert_int_equal(store_audit_verify(s, &verdict), 0);
	assert_int_equal(verdict.problem, STORE_AUDIT_OK);
	assert_int_equal(verdict.checked, N_QUEUED);
	add(s, "H56.14-260312-88888", "tuphap", "Phạm Thị Cúc", STATUS_NEW, NOW);
	store_close(s);
	assert_false(exists(t.path, ".open"));

	/* repaired, it is sound: a second repair changes nothing */
	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), 0);
	assert_true(r.sound);
	kept = read_all(aside, &len_kept);
	assert_int_equal(len_kept, len_before);
	assert_memory_equal(kept, before, len_before);
	free(kept);
	free(before);
	unlink(aside);
	free(aside);
	release_all(&t);
}

/* A sound store is left alone: nothing copied, nothing kept aside. */
static void
test_repair_leaves_sound_store(void **state)
{
	struct tmp t;
	struct store_repair_report r;
	enum store_fault fault;
	char *aside, *err = NULL, *before, *after;
	size_t len_before, len_after;

	(void)state;
	tmp_init(&t);
	fill_store(t.path);
	aside = side_path(t.path, ".aside");
	before = read_all(t.path, &len_before);
	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), 0);
	assert_true(r.sound);
	assert_int_not_equal(access(aside, F_OK), 0);
	after = read_all(t.path, &len_after);
	assert_int_equal(len_before, len_after);
	assert_memory_equal(before, after, len_before);
	assert_false(exists(t.path, ".open"));
	free(before);
	free(after);
	free(aside);
	release_all(&t);
}

static void
test_repair_empty_and_missing(void **state)
{
	struct tmp t;
	struct store_repair_report r;
	enum store_fault fault;
	char *aside, *err = NULL;
	struct store *s;
	struct stat sb;

	(void)state;
	tmp_init(&t);
	aside = side_path(t.path, ".aside");
	write_all(t.path, "", 0);
	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), 0);
	assert_true(r.empty);
	assert_int_equal(stat(aside, &sb), 0); /* kept, as it was */
	assert_int_equal(sb.st_size, 0);
	s = open_with(t.path, STORE_OPEN_MUST_EXIST, &fault);
	assert_int_equal(fault, STORE_FAULT_NONE);
	store_close(s);
	unlink(aside);

	unlink(t.path);
	assert_int_equal(store_repair(t.path, aside, &r, &fault, &err), 0);
	assert_true(r.missing);
	assert_int_not_equal(access(aside, F_OK), 0);
	s = open_with(t.path, STORE_OPEN_MUST_EXIST, &fault);
	store_close(s);
	free(aside);
	release_all(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_mapping),
		cmocka_unit_test(test_marker_follows_handles),
		cmocka_unit_test(test_mid_file_found_after_crash),
		cmocka_unit_test(test_queue_damage_found_at_open),
		cmocka_unit_test(test_corrupt_read_latches),
		cmocka_unit_test(test_missing_or_empty_refused_when_it_existed),
		cmocka_unit_test(test_read_only_disk),
		cmocka_unit_test(test_full_disk),
		cmocka_unit_test(test_repair_copies_what_reads),
		cmocka_unit_test(test_repair_leaves_sound_store),
		cmocka_unit_test(test_repair_empty_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
