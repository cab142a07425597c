/*
 * export.c - the statistics as CSV and the file they go to (export.h).
 * The figures are app/stats.c's; this file only lays them out and writes
 * them safely.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app_int.h"
#include "app/export.h"
#include "core/csv.h"
#include "core/status.h"
#include "core/xalloc.h"

static const char *const columns[] = {
	"level",    "system",   "status",  "status_label", "area",  "dossiers",
	"open",     "due_soon", "overdue", "received",     "finished", "early",
	"on_time",  "late",     "unclassified", "on_time_rate",
};

static void
rate(struct csv_writer *w, int64_t early, int64_t on_time, int64_t late)
{
	int r = app_stats_rate_of(early, on_time, late);

	if (r < 0)
		csv_empty(w);
	else
		csv_int(w, r);
}

int
app_export_csv(const struct app_stats *s, FILE *f)
{
	struct csv_writer w;
	const struct app_stats_row *all = &s->all;

	csv_init(&w, f, true);
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
		csv_text(&w, columns[i]);
	csv_end_row(&w);
	for (size_t i = 0; i < s->n_cells; i++) {
		const struct app_stats_cell *c = &s->cells[i];

		csv_text(&w, "detail");
		csv_text(&w, c->system);
		csv_int(&w, c->status);
		csv_text(&w, status_valid(c->status) ? status_label_vi(c->status) : "");
		csv_text(&w, c->area);
		csv_int(&w, c->total);
		csv_int(&w, c->open);
		csv_int(&w, c->soon);
		csv_int(&w, c->overdue);
		csv_int(&w, c->received);
		csv_int(&w, c->finished);
		csv_int(&w, c->early);
		csv_int(&w, c->on_time);
		csv_int(&w, c->late);
		csv_int(&w, c->unclassified);
		rate(&w, c->early, c->on_time, c->late);
		csv_end_row(&w);
	}
	/* the dashboard's "All" line itself, not a sum made here */
	csv_text(&w, "total");
	for (int i = 0; i < 4; i++)
		csv_empty(&w);
	csv_int(&w, all->total);
	csv_int(&w, all->open);
	csv_int(&w, all->soon);
	csv_int(&w, all->overdue);
	csv_int(&w, s->received);
	csv_int(&w, all->finished);
	csv_int(&w, all->early);
	csv_int(&w, all->on_time);
	csv_int(&w, all->late);
	csv_int(&w, all->unclassified);
	rate(&w, all->early, all->on_time, all->late);
	csv_end_row(&w);
	return csv_finish(&w);
}

static int
file_err(struct mc_err *err, const char *path, int e)
{
	enum mc_errc code;

	switch (e) {
	case EEXIST:
		code = MC_E_EXISTS;
		break;
	case EACCES:
	case EPERM:
		code = MC_E_PERMISSION;
		break;
	case ENOSPC:
	case EDQUOT:
		code = MC_E_DISK_FULL;
		break;
	case EROFS:
		code = MC_E_READ_ONLY;
		break;
	default:
		code = MC_E_WRITE;
		break;
	}
	mc_err_set(err, code, NULL, "%s", code == MC_E_WRITE ? strerror(e) : "");
	mc_err_field(err, path);
	return -1;
}

/* Put tmp at path without replacing a file there.  A hard link does it
 * atomically; a disk without links (a FAT USB stick) gets a check, then a
 * rename. */
static int
place_new(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0)
		return 0; /* the caller removes the temporary name */
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK &&
	    errno != ENOSYS)
		return -1;
	if (access(path, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

int
app_export_write(struct app *a, const char *path, unsigned flags, const struct app_stats *s,
		 struct mc_err *err)
{
	const char *slash = strrchr(path, '/');
	char *tmp;
	FILE *f = NULL;
	int fd, e = 0, rc = -1;

	(void)a;
	mc_err_clear(err);
	/* beside the target (one file system, so the rename is atomic), hidden */
	if (slash != NULL)
		tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		tmp = xasprintf(".%s.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		tmp[0] = '\0';
		goto out;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		e = errno;
		close(fd);
		goto out;
	}
	if (app_export_csv(s, f) != 0 || fsync(fileno(f)) != 0) {
		e = errno != 0 ? errno : EIO;
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		e = errno;
		goto out;
	}
	f = NULL;
	if ((flags & APP_EXPORT_FORCE) ? rename(tmp, path) : place_new(tmp, path)) {
		e = errno;
		goto out;
	}
	if (!(flags & APP_EXPORT_FORCE))
		unlink(tmp); /* linked: the temporary name goes (renamed: gone, ENOENT) */
	tmp[0] = '\0';
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (tmp[0] != '\0')
		unlink(tmp);
	free(tmp);
	return rc == 0 ? 0 : file_err(err, path, e);
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
app_export_default_path(struct app *a, mc_time now)
{
	struct civil_time t = civil_split(now);
	const char *env = getenv("XDG_DOWNLOAD_DIR");
	const char *home = getenv("HOME");
	char *downloads = home != NULL ? xasprintf("%s/Downloads", home) : NULL;
	const char *dir = is_dir(env)	     ? env
			  : is_dir(downloads) ? downloads
					      : a->paths.data_dir;
	char *path = xasprintf("%s/motcua-stats-%04d-%02d-%02d-%02d%02d%02d.csv", dir,
			       t.date.year, t.date.month, t.date.day, t.hour, t.minute, t.second);

	free(downloads);
	return path;
}
