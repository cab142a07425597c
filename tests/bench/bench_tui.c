/*
 * bench_tui.c - the console against DESIGN.md section 10 on 100,000
 * dossiers: time from start to the first screen, from a key press to the
 * screen settling (scroll step, page step, search keystroke), and the bytes
 * written to the terminal per scroll step.
 *
 * The console runs in a child on a pseudo-terminal (forkpty) that this
 * program reads: a response is over when the terminal has been quiet for
 * QUIET_MS, and its latency is the time from writing the key to the last
 * byte.  The child calls cmd_console() from the same library as motcua, with
 * MOTCUA_HOME in a temporary folder filled by tests/tui/seedgen.h.
 *
 * The seeded store is written without a data key, as no real store is: a
 * motcua with a persistent keyring would seal its 100,000 ID numbers on the
 * first open (about 12 s, once) and leave a data key in the user's keyring.
 * So the children run with MOTCUA_KEYRING=memory (nothing sealed, nothing
 * left behind), and a first `motcua inbox --limit 1` opens the store before
 * the console is measured; its time is printed apart, for information.
 *
 * Usage: bench_tui [N]   (N dossiers, default 100000)
 * Environment: BENCH_KEEP keeps the seeded folder, BENCH_TUI_DIR=DIR runs
 * the console again on a kept one, BENCH_VERBOSE prints each keystroke.
 * Prints "tui.<figure> <value> (target ...)" lines; exits 0 unless the
 * console cannot be started.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"
#include "tests/tui/seedgen.h"
#include "ui/console.h"

#define QUIET_MS 40
#define STEPS 200

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Read until the terminal is quiet for QUIET_MS (or `limit_ms` passed).
 * Returns the bytes read; *last is when the last byte came (or `since`).
 */
static long
drain(int fd, double since, double limit_ms, double *last)
{
	char buf[65536];
	long total = 0;

	*last = since;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, QUIET_MS);
		ssize_t n;

		if (r == 0) {
			if (total > 0 || now_ms() - since > limit_ms)
				return total;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return total;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return total;
		total += n;
		*last = now_ms();
	}
}

/*
 * Read until `marker` has gone by and then the terminal is quiet: the first
 * screen ends with the status bar, so its text marks the end of the paint.
 */
static long
drain_past(int fd, double since, const char *const *markers, double *last)
{
	char buf[65536], tail[256 + 65536];
	size_t kept = 0;
	long total = 0;

	*last = since;
	while (now_ms() - since < 10000) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf, sizeof buf);
		if (n <= 0)
			return total;
		total += n;
		*last = now_ms();
		memcpy(tail + kept, buf, (size_t)n);
		tail[kept + (size_t)n] = '\0';
		for (const char *const *m = markers; *m != NULL; m++)
			if (memmem(tail, kept + (size_t)n, *m, strlen(*m)) != NULL) {
				double more;
				total += drain(fd, *last, 0, &more);
				if (more > *last)
					*last = more;
				return total;
			}
		/* Keep the last 255 bytes: a marker may straddle two reads. */
		kept += (size_t)n;
		if (kept > 255) {
			memmove(tail, tail + kept - 255, 255);
			kept = 255;
		}
	}
	return total;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[(int)((n - 1) * p + 0.5)];
}

/* Send one key, wait for the screen to settle; latency and bytes out. */
static double
step(int fd, const char *key, long *bytes)
{
	double t0 = now_ms(), last;
	ssize_t w = write(fd, key, strlen(key));

	(void)w;
	*bytes = drain(fd, t0, 2000, &last);
	return last - t0;
}

/* The console's peak resident memory so far, in MB (0: unknown). */
static double
peak_mb(pid_t pid)
{
	char path[64], line[128];
	double mb = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			mb = strtod(line + 6, NULL) / 1024.0;
	if (f != NULL)
		fclose(f);
	return mb;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	char tmpl[] = "/tmp/motcua-bench-tui-XXXXXX", db[256], *dir = tmpl;
	const char *kept = getenv("BENCH_TUI_DIR");
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	struct store *s = NULL;
	char *err = NULL;
	double t0, last, lat[STEPS], page[STEPS / 4], search[32];
	long bytes, total_bytes = 0;
	int fd, status, n_search = 0;
	pid_t pid;
	const char *query = "nguyen van duong";

	if (kept != NULL) {
		/* a folder kept by an earlier run (BENCH_KEEP): the console only */
		dir = (char *)kept;
		goto seeded;
	}
	if (n < 3 || mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench_tui: bad N or no temporary folder\n");
		return 1;
	}
	snprintf(db, sizeof db, "%s/motcua.db", dir);
	if (store_open(db, &s, &err) != 0 || seedgen_fill(s, n, time(NULL)) != 0) {
		fprintf(stderr, "bench_tui: cannot fill the store: %s\n",
			err != NULL ? err : store_errmsg(s));
		return 1;
	}
	store_close(s);
seeded:
	printf("tui.dossiers %ld\n", n);
	setenv("MOTCUA_HOME", dir, 1);
	setenv("MOTCUA_KEYRING", "memory", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	unsetenv("MOTCUA_ISSUER");
	unsetenv("LANGUAGE");
	fflush(stdout); /* not printed twice by the child */
	t0 = now_ms();
	pid = fork();
	if (pid == 0) {
		char *iargv[] = {"inbox", "--limit", "1", NULL};
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(1);
		_exit(cmd_inbox(3, iargv));
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_tui: the first open of the seeded store failed\n");
		return 1;
	}
	printf("tui.first_open_ms %.0f (motcua inbox on the seeded store, before the console; "
	       "informational)\n",
	       now_ms() - t0);

	t0 = now_ms();
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("bench_tui: forkpty");
		return 1;
	}
	if (pid == 0) {
		char *cargv[] = {"console", NULL};
		setenv("MOTCUA_HOME", dir, 1);
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		unsetenv("MOTCUA_ISSUER");
		unsetenv("LANGUAGE");
		_exit(cmd_console(1, cargv));
	}
	{
		const char *markers[] = {"Queue", "H\xc3\xa0ng \xc4\x91\xe1\xbb\xa3i", NULL};
		bytes = drain_past(fd, t0, markers, &last);
	}
	printf("tui.first_paint_ms %.1f (target < 100)\n", last - t0);
	printf("tui.first_paint_bytes %ld\n", bytes);
	/* The status bar's per-system state arrives just after the first paint. */
	drain(fd, now_ms(), 200, &last);
	if (getenv("BENCH_VERBOSE") != NULL)
		printf("  peak after the first paint: %.1f MB\n", peak_mb(pid));

	for (int i = 0; i < STEPS; i++) {
		lat[i] = step(fd, "j", &bytes);
		total_bytes += bytes;
	}
	printf("tui.scroll_ms %.1f p95, %.1f p50 (target < 16)\n", pct(lat, STEPS, 0.95),
	       pct(lat, STEPS, 0.5));
	printf("tui.bytes_per_scroll %.0f (a full 80x24 repaint is about 3000)\n",
	       (double)total_bytes / STEPS);
	for (int i = 0; i < STEPS / 4; i++)
		page[i] = step(fd, "\033[6~", &bytes); /* PgDn: a new page from the store */
	printf("tui.page_ms %.1f p95 (target < 16)\n", pct(page, STEPS / 4, 0.95));
	if (getenv("BENCH_VERBOSE") != NULL)
		printf("  peak after scrolling: %.1f MB\n", peak_mb(pid));
	step(fd, "G", &bytes);
	step(fd, "g", &bytes);
	if (getenv("BENCH_VERBOSE") != NULL)
		printf("  peak after G and g: %.1f MB\n", peak_mb(pid));

	step(fd, "/", &bytes);
	for (const char *c = query; *c != '\0' && n_search < 32; c++) {
		char key[2] = {*c, '\0'};
		search[n_search++] = step(fd, key, &bytes);
	}
	printf("tui.search_ms %.1f p95, %.1f max over \"%s\" (target < 16)\n",
	       pct(search, n_search, 0.95), pct(search, n_search, 1.0), query);
	if (getenv("BENCH_VERBOSE") != NULL)
		for (int i = 0; i < n_search; i++)
			printf("  search %.*s %.1f ms\n", i + 1, query, search[i]);
	printf("tui.rss_mb %.1f (the console's peak; target < 64)\n", peak_mb(pid));

	step(fd, "\r", &bytes);
	step(fd, "q", &bytes); /* clears the search */
	step(fd, "q", &bytes); /* quits */
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
	}
	close(fd);
	if (kept != NULL || getenv("BENCH_KEEP") != NULL) {
		printf("tui.kept %s\n", dir);
		return 0;
	}
	snprintf(db, sizeof db, "rm -rf '%s'", dir);
	if (system(db) != 0)
		fprintf(stderr, "bench_tui: could not remove %s\n", dir);
	return 0;
}
