/*
 * export.h - the statistics as a file for spreadsheets (`motcua export
 * --csv`, the console's `:export`): the figures of app/stats.h with
 * APP_STATS_CELLS, so the total row is the dashboard's own "All" line.
 *
 * The CSV (core/csv.h: UTF-8 with BOM, CRLF, RFC 4180, formula-looking
 * text neutralised with a leading ') has a header row of stable English
 * names, then one "detail" row per system x status x area holding
 * dossiers, then one "total" row:
 *
 *   level          detail | total
 *   system         the system's name (empty on the total row)
 *   status         the canonical status code 1..10
 *   status_label   its Vietnamese label (DOMAIN.md), as the portals name it
 *   area           the dossier's area ("" none)
 *   dossiers       dossiers in the store now
 *   open           of those, not finished (status not 3, 7, 8, 9, 10)
 *   due_soon       open and due within the horizon (the inbox's "soon")
 *   overdue        open and past due
 *   received       received (NgayTiepNhan) within the period
 *   finished       processing ended (NgayKetThucXuLy) within the period
 *   early, on_time, late, unclassified   of those, by the national rule
 *   on_time_rate   (early + on_time) / (early + on_time + late) in percent,
 *                  rounded as the dashboard shows it; empty when none
 *
 * dossiers/open/due_soon/overdue are the store as it stands at `now`; the
 * period [since, until] narrows received and finished (and so the rate).
 * No words here: the front ends say what went wrong from the codes.
 */
#ifndef MOTCUA_APP_EXPORT_H
#define MOTCUA_APP_EXPORT_H

#include <stdio.h>

#include "app/app.h"
#include "app/stats.h"

enum app_export_flags {
	APP_EXPORT_FORCE = 1 << 0, /* replace an existing file */
};

/* Write s (computed with APP_STATS_CELLS) as CSV to f.  0, or -1 when a
 * write failed (errno as the write left it). */
int app_export_csv(const struct app_stats *s, FILE *f);

/*
 * Write s as CSV to `path` atomically: a temporary file beside it, synced,
 * then put in place, so a reader never sees half a file.  Without
 * APP_EXPORT_FORCE an existing file is kept and MC_E_EXISTS returned (even
 * when it appears during the write: the file is linked in place, not
 * renamed over).  0, or -1 with *err (field: path): MC_E_EXISTS,
 * MC_E_PERMISSION, MC_E_DISK_FULL, MC_E_READ_ONLY, MC_E_WRITE (detail).
 */
int app_export_write(struct app *a, const char *path, unsigned flags,
		     const struct app_stats *s, struct mc_err *err);

/*
 * Where the console's `:export` puts a file when not told (malloc'd):
 * $XDG_DOWNLOAD_DIR, else ~/Downloads, when it is a folder, else the data
 * folder; named motcua-stats-YYYY-MM-DD-HHMMSS.csv by `now` (Vietnam time).
 */
char *app_export_default_path(struct app *a, mc_time now);

#endif
