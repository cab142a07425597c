/*
 * health.c - what the store knows about the state of its file: why a call
 * failed (damaged, read-only, full, permission, busy) as a code the layers
 * above word, the "damaged" latch that stops every write once SQLite has
 * reported damage, the quick checks, and the marker beside the file that
 * tells a store closed cleanly from one left open by a crash.
 *
 * The marker is `<store>.open`: every handle holds a shared flock(2) on it
 * while open; the last handle to close (the one that can take the lock
 * exclusively) removes it.  A marker found at open by a handle that is
 * alone on the file was therefore left by a session that never closed (a
 * crash, a power cut): that open runs SQLite's quick check.  flock locks
 * belong to the open file description, so two handles in one process count
 * as two, and closing some other descriptor of the file cannot drop them
 * (as it would drop POSIX fcntl locks, which SQLite uses on the store
 * itself).  A handle that saw damage writes "damaged" into the marker, and
 * a marked-damaged marker is never removed: every later open checks again
 * until `motcua doctor --repair` has made a new file.  What it cannot see:
 * one process killed while another stays open (the survivor's clean close
 * removes the marker) - harmless, since a killed process cannot damage a
 * WAL database; a power cut kills them all.  The marker is best effort: on
 * a read-only or full disk it may be missing, and nothing then writes.
 *
 * This file does not open the store (store.c) or copy a damaged one
 * (repair.c).
 */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/xalloc.h"

#define MARK_DAMAGED "damaged\n"
/* How long an open waits for a marker held exclusively (another open or
 * close takes it for microseconds; a repair for as long as it runs). */
#define MARK_WAIT_MS 5000

/* ---- what went wrong ---------------------------------------------------- */

enum store_fault
store_fault_errno(int e)
{
	switch (e) {
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return STORE_FAULT_FULL;
	case EROFS:
		return STORE_FAULT_READ_ONLY;
	case EACCES:
	case EPERM:
		return STORE_FAULT_PERMISSION;
	default:
		return STORE_FAULT_OTHER;
	}
}

enum store_fault
store_fault_classify(int code, int sys_errno)
{
	switch (code & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_FAULT_NONE;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return STORE_FAULT_DAMAGED;
	case SQLITE_FULL:
		return STORE_FAULT_FULL;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_FAULT_BUSY;
	case SQLITE_PERM:
		return STORE_FAULT_PERMISSION;
	case SQLITE_READONLY:
		/* the system's reason when it gave one (a full disk seen as a
		 * read-only -shm), else a read-only file */
		if (sys_errno != 0 && store_fault_errno(sys_errno) != STORE_FAULT_OTHER)
			return store_fault_errno(sys_errno);
		return STORE_FAULT_READ_ONLY;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/* SQLite's own words for these are "disk I/O error" and "unable
		 * to open database file": the system's errno says which */
		return sys_errno != 0 ? store_fault_errno(sys_errno) : STORE_FAULT_OTHER;
	default:
		return STORE_FAULT_OTHER;
	}
}

const char *
store_fault_words(enum store_fault f)
{
	switch (f) {
	case STORE_FAULT_NONE:
		return "no fault";
	case STORE_FAULT_DAMAGED:
		return "damaged";
	case STORE_FAULT_MISSING:
		return "missing";
	case STORE_FAULT_READ_ONLY:
		return "read-only file system or file";
	case STORE_FAULT_FULL:
		return "the disk is full (no space left)";
	case STORE_FAULT_PERMISSION:
		return "permission denied";
	case STORE_FAULT_BUSY:
		return "in use by another process";
	case STORE_FAULT_FOREIGN:
		return "not a motcua store";
	case STORE_FAULT_OTHER:
		break;
	}
	return "failed";
}

enum mc_errc
store_fault_errc(enum store_fault f)
{
	switch (f) {
	case STORE_FAULT_DAMAGED:
		return MC_E_STORE_DAMAGED;
	case STORE_FAULT_MISSING:
		return MC_E_STORE_MISSING;
	case STORE_FAULT_READ_ONLY:
		return MC_E_READ_ONLY;
	case STORE_FAULT_FULL:
		return MC_E_DISK_FULL;
	case STORE_FAULT_PERMISSION:
		return MC_E_PERMISSION;
	default:
		return MC_E_STORE;
	}
}

enum store_fault
store_fault(const struct store *s)
{
	return s != NULL ? s->fault : STORE_FAULT_NONE;
}

enum store_fault
store_last_fault(const struct store *s)
{
	return s != NULL ? s->last_fault : STORE_FAULT_NONE;
}

enum mc_errc
store_errc(const struct store *s)
{
	return store_fault_errc(store_last_fault(s));
}

bool
store_damaged(const struct store *s)
{
	return s != NULL && s->fault == STORE_FAULT_DAMAGED;
}

bool
store_writable(const struct store *s)
{
	return s != NULL && s->fault == STORE_FAULT_NONE && !s->read_only;
}

/*
 * Why files cannot be made beside the store, when SQLite's own errno does
 * not say: on a read-only disk SQLite's last attempt is a read-only open of
 * a -wal that does not exist (ENOENT).  The folder tells: not writable
 * (EROFS, EACCES), or no space left.
 */
static enum store_fault
fault_of_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".")
		    : slash == path ? xstrdup("/")
				    : xstrndup(path, (size_t)(slash - path));
	enum store_fault f = STORE_FAULT_OTHER;
	struct statvfs vfs;

	if (access(dir, W_OK) != 0)
		f = store_fault_errno(errno);
	else if (statvfs(dir, &vfs) == 0 && vfs.f_bavail == 0)
		f = STORE_FAULT_FULL;
	free(dir);
	return f;
}

/*
 * The kind of the failure SQLite just reported on this handle, kept as the
 * last fault; damage latches.  Writes refused because of the latch or a
 * read-only open count as the standing reason, not as "read-only".
 */
enum store_fault
store_note_failure(struct store *s)
{
	int code = s->db != NULL ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR;
	int sys = s->db != NULL ? sqlite3_system_errno(s->db) : 0;
	enum store_fault f = store_fault_classify(code, sys);

	if (f == STORE_FAULT_OTHER &&
	    ((code & 0xff) == SQLITE_CANTOPEN || (code & 0xff) == SQLITE_IOERR) &&
	    s->path != NULL && strcmp(s->path, ":memory:") != 0)
		f = fault_of_folder(s->path);

	if ((code & 0xff) == SQLITE_READONLY && s->fault != STORE_FAULT_NONE)
		f = s->fault;
	s->last_fault = f;
	if (f == STORE_FAULT_DAMAGED)
		store_latch_damaged(s);
	return f;
}

static char *
mark_path(const char *db)
{
	return xasprintf("%s.open", db);
}

void
store_latch_damaged(struct store *s)
{
	if (s->fault == STORE_FAULT_DAMAGED)
		return;
	s->fault = STORE_FAULT_DAMAGED;
	s->last_fault = STORE_FAULT_DAMAGED;
	if (s->db != NULL) {
		/*
		 * Nothing more goes into a damaged file: every write is refused
		 * from here (query_only), and closing does not checkpoint the
		 * WAL into it, so what the WAL holds stays a clean copy for
		 * `doctor --repair` to read.
		 */
		sqlite3_exec(s->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	}
	/* later opens check again until the file is repaired */
	if (s->mark_fd >= 0) {
		if (pwrite(s->mark_fd, MARK_DAMAGED, sizeof MARK_DAMAGED - 1, 0) < 0) {
			/* a marker that cannot say it: the open check still runs
			 * because the marker stays (never removed once damaged) */
		}
	}
}

/* ---- quick checks ------------------------------------------------------- */

int
store_quick_check(struct store *s, const char *table, char *first, size_t size)
{
	sqlite3_stmt *st = NULL;
	char sql[96];
	int rc, ret = 0;

	if (first != NULL && size > 0)
		first[0] = '\0';
	if (table != NULL)
		snprintf(sql, sizeof sql, "PRAGMA quick_check(\"%s\")", table);
	else
		snprintf(sql, sizeof sql, "PRAGMA quick_check");
	/* SQLite's words are taken before store_note_failure(), whose latch
	 * runs SQL of its own */
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		if (first != NULL)
			snprintf(first, size, "%s", sqlite3_errmsg(s->db));
		return store_note_failure(s) == STORE_FAULT_DAMAGED ? 1 : -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (line != NULL && strcmp(line, "ok") != 0 && ret == 0) {
			ret = 1;
			if (first != NULL)
				snprintf(first, size, "%s", line);
		}
	}
	if (rc != SQLITE_DONE && ret == 0) {
		/* the check itself ran into the damage */
		if (first != NULL)
			snprintf(first, size, "%s", sqlite3_errmsg(s->db));
		ret = store_note_failure(s) == STORE_FAULT_DAMAGED ? 1 : -1;
	}
	sqlite3_finalize(st);
	if (ret == 1)
		store_latch_damaged(s);
	return ret;
}

/* ---- the marker --------------------------------------------------------- */

static bool
same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

static bool
says_damaged(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof buf, 0);

	return n >= (ssize_t)(sizeof MARK_DAMAGED - 1) &&
	       memcmp(buf, MARK_DAMAGED, sizeof MARK_DAMAGED - 1) == 0;
}

static void
pause_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* flock `op` (LOCK_SH or LOCK_EX), waiting up to `wait_ms`; 0 or -1. */
static int
lock_wait(int fd, int op, int wait_ms)
{
	for (int waited = 0;; waited += 20) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= wait_ms)
			return -1;
		pause_ms(20);
	}
}

/* Open (creating) the marker; *created when this call made it.  -1: none. */
static int
mark_fd_open(const char *path, bool *created)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	*created = fd >= 0;
	if (fd >= 0 || errno != EEXIST)
		return fd;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && (errno == EROFS || errno == EACCES))
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return fd;
}

int
store_mark_open(struct store *s, bool fresh, bool *check)
{
	char *path;
	int ret = 0;

	*check = false;
	s->mark_fd = -1;
	if (strcmp(s->path, ":memory:") == 0)
		return 0;
	path = mark_path(s->path);
	/* a closer may remove the marker between our open and our lock: then
	 * the lock is on a file nobody else will see, so start again */
	for (int round = 0; round < 5; round++) {
		bool created;
		int fd = mark_fd_open(path, &created);

		if (fd < 0)
			break; /* read-only or full: no marker, nothing to tell */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			/* alone on the file: a marker we did not make was left by a
			 * session that never closed.  Beside a new, empty store it
			 * is stale (the old store was wiped or moved away): reset. */
			if (fresh) {
				if (ftruncate(fd, 0) != 0) {
					/* read-only: nothing is kept in it then */
				}
			} else if (!created || says_damaged(fd)) {
				*check = true;
			}
			flock(fd, LOCK_SH); /* conversion: never blocks for long */
		} else if (lock_wait(fd, LOCK_SH, MARK_WAIT_MS) != 0) {
			close(fd);
			ret = store_failf(s, "held by another motcua (a repair under way?); try "
					  "again when it has finished");
			s->last_fault = STORE_FAULT_BUSY;
			break;
		} else if (says_damaged(fd)) {
			*check = true;
		}
		if (same_file(fd, path)) {
			s->mark_fd = fd;
			break;
		}
		close(fd);
	}
	free(path);
	if (ret == 0 && !fresh && s->mark_fd >= 0 && says_damaged(s->mark_fd)) {
		/* an earlier session saw damage: it stays so until a repair */
		store_failf(s, "damaged (an earlier session found it so); nothing more is written "
			    "to it");
		store_latch_damaged(s);
	}
	return ret;
}

void
store_mark_close(struct store *s)
{
	char *path;

	if (s->mark_fd < 0)
		return;
	path = mark_path(s->path);
	/* the last one out removes it, unless damage was seen */
	if (s->fault != STORE_FAULT_DAMAGED && flock(s->mark_fd, LOCK_EX | LOCK_NB) == 0 &&
	    !says_damaged(s->mark_fd) && same_file(s->mark_fd, path))
		unlink(path);
	close(s->mark_fd);
	s->mark_fd = -1;
	free(path);
}

int
store_mark_take(const char *db, int *fd_out, bool *was_damaged)
{
	char *path = mark_path(db);
	bool created;
	int fd = -1;

	*fd_out = -1;
	*was_damaged = false;
	for (int round = 0; round < 5; round++) {
		fd = mark_fd_open(path, &created);
		if (fd < 0)
			break;
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			free(path);
			errno = EWOULDBLOCK;
			return -1;
		}
		if (same_file(fd, path))
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		int e = errno;
		free(path);
		errno = e;
		return -1;
	}
	free(path);
	*was_damaged = says_damaged(fd);
	*fd_out = fd;
	return 0;
}

void
store_mark_release(const char *db, int fd, bool remove)
{
	char *path;

	if (fd < 0)
		return;
	path = mark_path(db);
	if (remove && same_file(fd, path))
		unlink(path);
	close(fd);
	free(path);
}

bool
store_file_absent(const char *path, bool *empty)
{
	struct stat sb;
	char *wal;
	bool absent;

	if (empty != NULL)
		*empty = false;
	if (path == NULL || strcmp(path, ":memory:") == 0)
		return false;
	if (stat(path, &sb) != 0)
		return errno == ENOENT;
	if (!S_ISREG(sb.st_mode) || sb.st_size != 0)
		return false;
	/* a new store's first pages may still be in its WAL */
	wal = xasprintf("%s-wal", path);
	absent = stat(wal, &sb) != 0 || sb.st_size == 0;
	free(wal);
	if (absent && empty != NULL)
		*empty = true;
	return absent;
}
