/*
 * stats.h - how the commune's work stands, computed once for every front
 * end (the console's dashboard, `motcua export`): per system (dossiers,
 * open, coming due, overdue, finished in the period and how: early, on
 * time, late, bytes today, the data's age), per status, per area.
 *
 * Coming due and overdue use the app's horizon (the one rule,
 * core/deadline.h).  Finished dossiers are classified by the national
 * indicator's rule (core/deadline.h deadline_classify_finished): the due
 * date computed here from the procedure (never the system's), with the
 * supplement rule (a second supplement request is late; a single one's
 * time does not count).  The on-time rate is (early + on time) / classified.
 *
 * With APP_STATS_CELLS the same pass also splits everything per system x
 * status x area (the export's rows): the cells' sums are the systems' sums
 * by construction (one query, one classification per finished dossier).
 */
#ifndef MOTCUA_APP_STATS_H
#define MOTCUA_APP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct app_stats_row {
	char name[64];             /* a system, or an area ("" for none) */
	int64_t total, open, soon, overdue;
	int64_t finished;          /* finished within the period */
	int64_t early, on_time, late, unclassified; /* of those */
	struct store_bytes bytes;  /* systems only */
	mc_time last_ok_at;        /* systems only; 0 never */
};

/* One system x status x area (APP_STATS_CELLS). */
struct app_stats_cell {
	char *system;              /* owned */
	int status;                /* canonical 1..10 (0 unknown) */
	char *area;                /* owned; "" for none */
	int64_t total, open, soon, overdue;
	int64_t received;          /* received within [since, until] */
	int64_t finished;          /* finished within [since, until] */
	int64_t early, on_time, late, unclassified; /* of those */
};

enum app_stats_flags {
	APP_STATS_CELLS = 1 << 0,  /* fill cells/n_cells */
};

struct app_stats {
	mc_time now;               /* the clock of open, coming due and overdue */
	mc_time since, until;      /* the period of `finished` (and `received`) */
	struct app_stats_row *systems;
	size_t n_systems;
	struct app_stats_row all;  /* the sum over systems */
	int64_t by_status[STATUS_MAX + 1];
	struct app_stats_row *areas;
	size_t n_areas;
	int64_t finished_read;     /* finished dossiers read for the classification */
	bool capped;               /* more than APP_STATS_FINISHED_MAX were there */
	struct app_stats_cell *cells; /* APP_STATS_CELLS: sorted by system, status, area */
	size_t n_cells;
	int64_t received;          /* APP_STATS_CELLS: the sum of the cells' */
};

#define APP_STATS_FINISHED_MAX 20000

/*
 * Compute at `now` over [since, now] for the finished ones (since 0: the
 * last 30 days).  0, or -1 with *err (the store failed).  Release with
 * app_stats_release() either way.
 */
int app_stats(struct app *a, mc_time now, mc_time since, struct app_stats *out,
	      struct mc_err *err);
/*
 * The same over [since, until] (until 0: now; since 0: 30 days before
 * until), with `flags` (enum app_stats_flags).  The dashboard's figures are
 * app_stats_period(a, now, 0, 0, 0, ...).
 */
int app_stats_period(struct app *a, mc_time now, mc_time since, mc_time until,
		     unsigned flags, struct app_stats *out, struct mc_err *err);
void app_stats_release(struct app_stats *s);

/* The on-time rate in percent of a row, or -1 when nothing was classified. */
int app_stats_rate(const struct app_stats_row *r);
/* The same from the three classes. */
int app_stats_rate_of(int64_t early, int64_t on_time, int64_t late);

#endif
