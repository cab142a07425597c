/*
 * app_calendar.c - the working-day calendar the application uses: the
 * statutory days plus the yearly notice files of one folder (app/app.h).
 *
 * It only chooses the folder (calendar/ by the rule of config/config.h) and
 * hands problems to the warn hook (a bad file names its path and line); reading the files is
 * src/config/calendar_file.c, the calendar itself src/core.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "config/calendar_file.h"
#include "core/xalloc.h"

struct warn_to {
	app_warn_fn *fn;
	void *ctx;
};

static void
warn_file(void *ctx, const char *msg)
{
	struct warn_to *w = ctx;
	struct mc_err e;

	if (w->fn == NULL)
		return;
	mc_err_set(&e, MC_E_CONFIG, NULL, "%s", msg);
	w->fn(w->ctx, &e);
}

struct calendar *
app_calendar_open(const struct config_paths *paths, const char *dir, app_warn_fn *warn,
		  void *ctx, int *n_files)
{
	struct calendar *cal = calendar_new();
	struct warn_to w = {warn, ctx};
	struct config_paths own;
	char *chosen = NULL;
	int n;

	if (n_files != NULL)
		*n_files = 0;
	if (dir == NULL) {
		if (paths == NULL) {
			config_paths_init(&own, NULL);
			chosen = config_paths_find(&own, "calendar");
			config_paths_release(&own);
		} else {
			chosen = config_paths_find(paths, "calendar");
		}
		if (chosen == NULL)
			return cal; /* statutory days only */
		dir = chosen;
	}
	/* An unreadable folder is reported and the statutory calendar still used:
	 * deadlines stay computable, and the warning says what was missed. */
	n = calendar_file_load_dir(cal, dir, warn_file, &w);
	if (n_files != NULL)
		*n_files = n;
	free(chosen);
	return cal;
}
