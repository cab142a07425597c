/*
 * bench_due_refresh.c - how long opening takes when the stored local due
 * dates must be re-computed (app/app_due.c), at 100,000 dossiers:
 *   - the first open of a store that has no fingerprint yet (a store made
 *     by an older motcua, its dates computed without the yearly notices):
 *     every date re-computed, those the notices move rewritten;
 *   - an open with nothing changed: the fingerprint only;
 *   - an open after a notice file added a day off: every date re-computed,
 *     those the day moves rewritten;
 *   - an open after the working hours changed: nearly every date moves (the
 *     worst case: each rewrite moves the dossier in seven indexes).
 *
 * The dossiers are synthetic: the procedures of config/procedures.json (and
 * one it lacks), received over 2025-2026, one in ten with a supplement (a
 * third of those pending).  Run from the top of the source tree (the
 * catalogue and the shipped notices are read from ./config); MOTCUA_HOME is
 * a temporary folder.
 *
 * Usage: bench_due_refresh [N]   (default 100000)
 * Prints "due_refresh.<figure> <value>" lines; exits non-zero only when
 * something fails, or when the dates after the notice are not what a fresh
 * computation gives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "config/procedures.h"
#include "core/civil.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "store/store.h"

static const char *const codes[] = {
	"1.001193.000.00.00.H56", "1.000894.000.00.00.H56", "2.000815.000.00.00.H56",
	"1.004194.000.00.00.H56", "1.004222.000.00.00.H56", "1.004197.000.00.00.H56",
	"1.003003.000.00.00.H56", "1.004227.000.00.00.H56", "1.001776.000.00.00.H56",
	"2.000720.000.00.00.H56", "9.999999.not.in.the.catalogue",
};
#define N_CODES (sizeof codes / sizeof codes[0])

static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process (user + system), ms: the machine may be busy. */
static double
cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int
fill(const char *path, long n)
{
	mc_time from, to;
	struct store *s = NULL;
	struct procedures procs;
	struct calendar *cal = calendar_new(); /* the statutory days only */
	char *err = NULL;
	int ret = 1;

	if (procedures_load("config/procedures.json", &procs, &err) != 0) {
		fprintf(stderr, "bench_due_refresh: run from the source tree: %s\n",
			err != NULL ? err : "no config/procedures.json");
		free(err);
		calendar_free(cal);
		return 1;
	}
	civil_parse_datetime("2025-01-02 07:00", &from);
	civil_parse_datetime("2026-12-20 17:00", &to);
	if (store_open(path, &s, &err) != 0) {
		fprintf(stderr, "bench_due_refresh: %s\n", err);
		free(err);
		return 1;
	}
	for (long i = 0; i < n; i++) {
		struct dossier d;
		char code[64];

		if (i % 2000 == 0 && store_begin(s) != 0)
			goto out;
		dossier_init(&d);
		snprintf(code, sizeof code, "BENCH-%07ld", i);
		d.code = xstrdup(code);
		d.source = xstrdup(i % 2 ? "tuphap" : "congan");
		d.procedure_code = xstrdup(codes[rng() % N_CODES]);
		d.status = 1 + (int)(rng() % 10);
		d.received_at = from + (mc_time)(rng() % (uint32_t)(to - from));
		if (rng() % 10 == 0)
			dossier_add_supplement(&d, d.received_at + 3600,
					       rng() % 3 == 0 ? 0 : d.received_at + 2 * CIVIL_DAY,
					       "Bổ sung");
		/* the date an older build stored: the rules without the notices */
		{
			const struct procedure *p = procedures_find(&procs, d.procedure_code);

			if (p == NULL ||
			    deadline_due_supplemented(cal, NULL, &p->rule, d.received_at,
						      d.supplements, d.n_supplements,
						      &d.due_at) != DEADLINE_OK)
				d.due_at = 0;
		}
		d.source_due_at = d.received_at + 3 * CIVIL_DAY;
		if (store_dossier_upsert(s, &d) != 0) {
			dossier_release(&d);
			goto out;
		}
		dossier_release(&d);
		if ((i % 2000 == 1999 || i == n - 1) && store_commit(s) != 0)
			goto out;
	}
	ret = 0;
out:
	if (ret != 0)
		fprintf(stderr, "bench_due_refresh: %s\n", store_errmsg(s));
	store_close(s);
	procedures_release(&procs);
	calendar_free(cal);
	return ret;
}

static void
on_warn(void *ctx, const struct mc_err *w)
{
	(void)ctx;
	fprintf(stderr, "bench_due_refresh: warning %d: %s\n", (int)w->code, w->detail);
}

/* Open the app once; *ms how long (wall clock), *cpu in CPU time, *r what
 * the re-computing did. */
static int
open_once(double *ms, double *cpu, struct app_due_refresh *r)
{
	struct app_options o = {.warn = on_warn};
	struct app *a = NULL;
	struct mc_err err;
	double t0 = now_ms(), c0 = cpu_ms();

	if (app_open(&a, &o, &err) != 0) {
		fprintf(stderr, "bench_due_refresh: cannot open: %d %s\n", (int)err.code,
			err.detail);
		return -1;
	}
	*ms = now_ms() - t0;
	*cpu = cpu_ms() - c0;
	app_due_refreshed(a, r);
	app_close(a);
	return 0;
}

static int
write_notice(const char *home)
{
	char *dir = xasprintf("%s/calendar", home), *path = xasprintf("%s/2026.json", dir);
	FILE *f;
	int rc = -1;

	mkdir(dir, 0700);
	f = fopen(path, "w");
	if (f != NULL) {
		/* the shipped 2026 notice and one more day off, Wednesday 11 March */
		fputs("{\"year\": 2026, \"days_off\": ["
		      "{\"date\": \"2026-01-02\", \"name\": \"a\"},"
		      "{\"date\": \"2026-08-31\", \"name\": \"b\"},"
		      "{\"date\": \"2026-09-01\", \"name\": \"c\"},"
		      "{\"date\": \"2026-03-11\", \"name\": \"Nghỉ thử\"}],"
		      " \"working_days\": ["
		      "{\"date\": \"2026-01-10\", \"name\": \"d\"},"
		      "{\"date\": \"2026-08-22\", \"name\": \"e\"},"
		      "{\"date\": \"2026-09-03\", \"name\": \"f\"}]}\n",
		      f);
		rc = fclose(f) == 0 ? 0 : -1;
	}
	free(dir);
	free(path);
	return rc;
}

static int
write_hours(const char *home)
{
	char *path = xasprintf("%s/config.json", home);
	FILE *f = fopen(path, "w");
	int rc = -1;

	if (f != NULL) {
		fputs("{\"working_hours\": \"07:30-11:30,13:30-17:30\"}\n", f);
		rc = fclose(f) == 0 ? 0 : -1;
	}
	free(path);
	return rc;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	char home[] = "/tmp/motcua-bench-due.XXXXXX";
	struct app_due_refresh r1, r2, r3, r4;
	double ms1, ms2, ms3, ms4, cpu1, cpu2, cpu3, cpu4;
	char *db;
	int rc = 1;

	if (n <= 0 || mkdtemp(home) == NULL)
		return 2;
	setenv("MOTCUA_HOME", home, 1);
	db = xasprintf("%s/motcua.db", home);
	if (fill(db, n) != 0)
		goto out;
	if (open_once(&ms1, &cpu1, &r1) != 0 || open_once(&ms2, &cpu2, &r2) != 0)
		goto out;
	if (write_notice(home) != 0 || open_once(&ms3, &cpu3, &r3) != 0)
		goto out;
	if (write_hours(home) != 0 || open_once(&ms4, &cpu4, &r4) != 0)
		goto out;
	printf("due_refresh.first_open_ms %.0f (CPU %.0f; %ld dossiers, no fingerprint yet: %lld"
	       " re-computed, %lld moved)\n", ms1, cpu1, n, (long long)r1.total,
	       (long long)r1.changed);
	printf("due_refresh.unchanged_open_ms %.1f (CPU %.1f; fingerprint only; ran: %s)\n", ms2,
	       cpu2, r2.ran ? "yes" : "no");
	printf("due_refresh.notice_open_ms %.0f (CPU %.0f; a day off added: %lld re-computed,"
	       " %lld moved)\n", ms3, cpu3, (long long)r3.total, (long long)r3.changed);
	printf("due_refresh.hours_open_ms %.0f (CPU %.0f; other working hours: %lld re-computed,"
	       " %lld moved)\n", ms4, cpu4, (long long)r4.total, (long long)r4.changed);
	rc = r1.ran && !r2.ran && r3.ran && r3.changed > 0 && r3.changed < r3.total && r4.ran &&
			     r4.changed > r3.changed
		     ? 0
		     : 1;
	if (rc != 0)
		fprintf(stderr, "bench_due_refresh: unexpected runs\n");
out:
	{
		char *cmd = xasprintf("rm -rf '%s'", home);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_due_refresh: cannot remove %s\n", home);
		free(cmd);
	}
	free(db);
	return rc;
}
