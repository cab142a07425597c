/*
 * bench_deadline.c - the deadline engine at the sandbox's scale: due dates of
 * 200,000 dossiers (20 working days with a 15:00 cut-off, then a mix of
 * units), their open classification at one `now` (one by one, and against one
 * horizon as the store and the screens do), and a pause supplement each.
 *
 * Receptions are spread over 2025-2026 so the Tết and holiday weeks are
 * crossed.  Prints "deadline.<figure> <value>" lines; it does not judge them.
 * Usage: bench_deadline [N]   (default 200000)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/dossier.h"

#define NOW ((mc_time)1773280800) /* 2026-03-12 09:00 +07:00 */

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static mc_time
reception(long i)
{
	/* Two years from 2025-01-01, a pseudo-random minute of any day. */
	uint64_t x = (uint64_t)i * 2654435761u;
	return civil_make_time(civil_days_from_date(2025, 1, 1) + (int32_t)(x % 730),
			       (int)((x >> 12) % CIVIL_DAY));
}

static void
report(const char *what, long n, double secs)
{
	printf("deadline.%s %ld in %.3f s (%.0f per second)\n", what, n, secs,
	       secs > 0 ? (double)n / secs : 0.0);
}

int
main(int argc, char **argv)
{
	static const struct due_rule mix[] = {
		{20, DEADLINE_WORKING_DAYS, 900, DEADLINE_RESTART},
		{3, DEADLINE_WORKING_DAYS, -1, DEADLINE_PAUSE},
		{8, DEADLINE_HOURS, -1, DEADLINE_RESTART},
		{30, DEADLINE_CALENDAR_DAYS, -1, DEADLINE_RESTART},
		{0, DEADLINE_WORKING_DAYS, 900, DEADLINE_RESTART},
	};
	long n = 200000;
	struct calendar *cal = calendar_new();
	mc_time *due_at;
	struct timespec t0;
	long counts[DEADLINE_N_CLASSES] = {0}, at_counts[DEADLINE_N_CLASSES] = {0};
	struct deadline_horizon horizon;
	int64_t check = 0;

	if (argc > 1) {
		char *end;
		errno = 0;
		n = strtol(argv[1], &end, 10);
		if (errno != 0 || end == argv[1] || *end != '\0' || n < 1 || n > 100000000) {
			fprintf(stderr, "usage: bench_deadline [N]\n");
			return 2;
		}
	}
	due_at = calloc((size_t)n, sizeof *due_at);
	if (due_at == NULL)
		return 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		if (deadline_due(cal, NULL, &mix[0], reception(i), &due_at[i]) != 0)
			return 1;
	report("due_20_working_days", n, seconds_since(&t0));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		if (deadline_due(cal, NULL, &mix[i % 5], reception(i), &due_at[i]) != 0)
			return 1;
	report("due_mixed_units", n, seconds_since(&t0));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		counts[deadline_classify_open(cal, NULL, due_at[i], NOW, -1)]++;
	report("classify_open", n, seconds_since(&t0));
	printf("deadline.classes on_track %ld due_soon %ld overdue %ld\n",
	       counts[DEADLINE_ON_TRACK], counts[DEADLINE_DUE_SOON], counts[DEADLINE_OVERDUE]);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (deadline_horizon_at(cal, NULL, NOW, -1, &horizon) != 0)
		return 1;
	for (long i = 0; i < n; i++)
		at_counts[deadline_classify_at(&horizon, due_at[i])]++;
	report("classify_at_horizon", n, seconds_since(&t0));
	for (int c = 0; c < DEADLINE_N_CLASSES; c++)
		if (at_counts[c] != counts[c])
			return 1; /* one rule: both ways count the same */

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		mc_time r = reception(i), at;
		struct dossier_supplement sup = {r + 86400, r + 4 * 86400, NULL};
		if (deadline_due_supplemented(cal, NULL, &mix[1], r, &sup, 1, &at) != DEADLINE_OK)
			return 1;
		check += at - r;
	}
	report("due_with_pause", n, seconds_since(&t0));
	if (check <= 0)
		return 1;
	free(due_at);
	calendar_free(cal);
	return 0;
}
