/*
 * app_calendar.c - the working-day calendar the application uses: the
 * statutory days plus the yearly notice files of one folder (app/app.h).
 *
 * It only chooses the folder and hands problems to the warn hook (a bad
 * file names its path and line); reading the files is
 * src/config/calendar_file.c, the calendar itself src/core.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app.h"
#include "config/calendar_file.h"
#include "core/xalloc.h"

#ifndef MOTCUA_DATADIR
#define MOTCUA_DATADIR "/usr/local/share/motcua"
#endif

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

static bool
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *
join(const char *a, const char *b)
{
	size_t n = strlen(a) + 1 + strlen(b) + 1;
	char *s = xmalloc(n);
	snprintf(s, n, "%s/%s", a, b);
	return s;
}

/* The first existing folder in the documented order, malloc'd; NULL if none. */
static char *
default_dir(void)
{
	const char *env;
	char *candidates[5] = {NULL};
	size_t n = 0;
	char *found = NULL;

	env = getenv("MOTCUA_HOME");
	if (env != NULL && env[0] != '\0')
		candidates[n++] = join(env, "calendar");
	env = getenv("XDG_CONFIG_HOME");
	if (env != NULL && env[0] != '\0') {
		candidates[n++] = join(env, "motcua/calendar");
	} else {
		env = getenv("HOME");
		if (env != NULL && env[0] != '\0')
			candidates[n++] = join(env, ".config/motcua/calendar");
	}
	candidates[n++] = xstrdup(MOTCUA_DATADIR "/calendar");
	candidates[n++] = xstrdup("config/calendar");

	for (size_t i = 0; i < n; i++) {
		if (found == NULL && is_dir(candidates[i])) {
			found = candidates[i];
			candidates[i] = NULL;
		}
		free(candidates[i]);
	}
	return found;
}

struct calendar *
app_calendar_open(const char *dir, app_warn_fn *warn, void *ctx)
{
	struct calendar *cal = calendar_new();
	struct warn_to w = {warn, ctx};
	char *chosen = NULL;

	if (dir == NULL) {
		chosen = default_dir();
		if (chosen == NULL)
			return cal; /* statutory days only */
		dir = chosen;
	}
	/* An unreadable folder is reported and the statutory calendar still used:
	 * deadlines stay computable, and the warning says what was missed. */
	calendar_file_load_dir(cal, dir, warn_file, &w);
	free(chosen);
	return cal;
}
