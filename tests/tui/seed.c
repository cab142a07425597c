/*
 * seed.c - fill a console test store: `seed DB N [NOW]`.
 * N synthetic dossiers (tests/tui/seedgen.h) with due dates around NOW
 * (seconds since the epoch; default: the current time).
 *
 * DB is $MOTCUA_HOME/motcua.db.  The app is opened on it first, empty, so
 * that it notes what due dates are computed from (app_due_refresh): the
 * console opened next finds them unchanged and keeps the seeded due dates
 * instead of re-computing them from the procedures' rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/app.h"
#include "store/store.h"
#include "tests/tui/seedgen.h"

int
main(int argc, char **argv)
{
	struct store *s = NULL;
	char *err = NULL, *end;
	long n;
	mc_time now = time(NULL);

	if (argc < 3) {
		fprintf(stderr, "usage: seed DB N [NOW]\n");
		return 2;
	}
	n = strtol(argv[2], &end, 10);
	if (*end != '\0' || n < 3) {
		fprintf(stderr, "seed: N must be a number >= 3\n");
		return 2;
	}
	if (argc > 3) {
		now = strtoll(argv[3], &end, 10);
		if (*end != '\0') {
			fprintf(stderr, "seed: NOW must be seconds since the epoch\n");
			return 2;
		}
	}
	{
		struct app_options opt = {0};
		struct app *a;
		struct mc_err e;

		if (app_open(&a, &opt, &e) != 0) {
			fprintf(stderr, "seed: cannot open the app on $MOTCUA_HOME\n");
			return 1;
		}
		app_close(a);
	}
	if (store_open(argv[1], &s, &err) != 0) {
		fprintf(stderr, "seed: %s\n", err);
		free(err);
		return 1;
	}
	if (seedgen_fill(s, n, now) != 0) {
		fprintf(stderr, "seed: %s\n", store_errmsg(s));
		store_close(s);
		return 1;
	}
	store_close(s);
	return 0;
}
