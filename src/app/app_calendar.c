/*
 * app_calendar.c - the working-day calendar the application uses: the
 * statutory days plus the yearly notice files of the calendar/ folders
 * (app/app.h), and which years' notices are missing.
 *
 * It only chooses the folders (each calendar/ of the folders of
 * config/config.h's rule, the clerk's first) and hands problems to the warn
 * hook (a bad file names its path and line); reading the files is
 * src/config/calendar_file.c, the calendar itself src/core.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
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

void
app_calendar_dirs_release(struct app_calendar_dirs *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->dir[i]);
	memset(d, 0, sizeof *d);
}

/* Every folder of the rule that has a calendar/, in the rule's order. */
static void
find_dirs(const struct config_paths *paths, struct app_calendar_dirs *out)
{
	for (size_t i = 0; i < paths->n_dirs && out->n < CONFIG_MAX_DIRS; i++) {
		char *p = config_paths_in(paths, i, "calendar");
		if (p != NULL)
			out->dir[out->n++] = p;
	}
}

struct calendar *
app_calendar_open(const struct config_paths *paths, const char *dir, app_warn_fn *warn,
		  void *ctx, struct app_calendar_dirs *read)
{
	struct calendar *cal = calendar_new();
	struct warn_to w = {warn, ctx};
	struct app_calendar_dirs dirs;

	memset(&dirs, 0, sizeof dirs);
	if (dir != NULL) {
		dirs.dir[dirs.n++] = xstrdup(dir);
	} else if (paths == NULL) {
		struct config_paths own;
		config_paths_init(&own, NULL);
		find_dirs(&own, &dirs);
		config_paths_release(&own);
	} else {
		find_dirs(paths, &dirs);
	}
	/* An unreadable folder or file is reported and the rest still used:
	 * deadlines stay computable, and the warning says what was missed. */
	calendar_file_load_dirs(cal, (const char *const *)dirs.dir, dirs.n, dirs.n_files,
				warn_file, &w);
	if (read != NULL)
		*read = dirs;
	else
		app_calendar_dirs_release(&dirs);
	return cal;
}

size_t
app_notices_missing(struct app *a, mc_time now, int years[2])
{
	return calendar_notices_missing(a->cal, civil_day_of(now), years);
}

const struct app_calendar_dirs *
app_calendar_dirs(const struct app *a)
{
	return &a->calendar_dirs;
}
