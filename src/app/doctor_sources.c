/*
 * doctor_sources.c - doctor's sources.d/ lines (doctor.h,
 * app_doctor_sources()): every file of every sources.d/ folder there is,
 * not only the folder read.  A profile dropped into a folder the rule of
 * config/config.h passes over (MOTCUA_HOME set, an earlier folder with a
 * sources.d/ of its own) would otherwise be ignored without a word.
 *
 * Each folder is read with source_defs_load_dir(), the call that gave the
 * app its systems, so a refused file is said in the very words it was
 * refused with; what it does not say (which file of a name wins, why a
 * file that loads made no system) is found here.  Reads files; no network,
 * nothing written.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app_int.h"
#include "app/doctor.h"
#include "config/file.h"
#include "core/xalloc.h"
#include "sources/profile.h"
#include "sources/source.h"

/* A profile larger than this is refused by source_defs_load_dir too. */
#define PROFILE_MAX_BYTES (1024 * 1024)

struct profile_file {
	char *path;
	struct source_def def;    /* def.name NULL: the file does not load */
	char *error;              /* what source_defs_load_dir() warned of it */
	const char *winner;       /* a duplicate's: the earlier file of its name */
	enum app_profile_verdict verdict;
	struct mc_err why;        /* NO_SYSTEM */
};

struct profile_folder {
	char *dir;
	bool read;                /* the sources.d/ the systems come from */
	enum app_unread_reason unread;
	const char *instead;      /* the folder that wins (borrowed from the app) */
	struct profile_file *files;
	size_t n_files;
};

/* source_defs_load_dir()'s warnings, kept word for word. */
struct warned {
	char **msg;
	size_t n;
};

static void
keep_warning(void *ctx, const char *msg)
{
	struct warned *w = ctx;

	w->msg = xreallocarray(w->msg, w->n + 1, sizeof *w->msg);
	w->msg[w->n++] = xstrdup(msg != NULL ? msg : "");
}

static int
cmp_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The files source_defs_load_dir() reads, in its order: *.json, not hidden. */
static size_t
json_names(const char *dir, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	*out = NULL;
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 && e->d_name[0] != '.') {
			*out = xreallocarray(*out, n + 1, sizeof **out);
			(*out)[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (n > 1)
		qsort(*out, n, sizeof **out, cmp_name);
	return n;
}

/* The file on its own, for the name a file ignored as a duplicate defines. */
static int
def_read(const char *path, struct source_def *def)
{
	char *text = NULL, *cause = NULL;
	const char *why = NULL;
	size_t len = 0;
	int rc = -1;

	memset(def, 0, sizeof *def);
	if (config_file_read(path, PROFILE_MAX_BYTES, &text, &len, &why) == 0)
		rc = source_def_parse(path, text, len, def, &cause);
	free(text);
	free(cause);
	return rc;
}

/*
 * The folder's files and what source_defs_load_dir() makes of them: the
 * same call the app made when it opened (so the same words for a refused
 * file), each file then found among the definitions it kept, or among its
 * warnings.  A file that loads on its own but was not kept is a duplicate.
 */
static void
folder_scan(struct profile_folder *f)
{
	struct warned w = {0};
	struct source_def *defs = NULL;
	size_t n_defs = source_defs_load_dir(f->dir, &defs, keep_warning, &w);
	char **names = NULL;
	size_t n = json_names(f->dir, &names);

	f->files = n > 0 ? xcalloc(n, sizeof *f->files) : NULL;
	for (size_t i = 0; i < n; i++) {
		struct profile_file *pf = &f->files[f->n_files++];
		size_t plen;

		pf->path = xasprintf("%s/%s", f->dir, names[i]);
		plen = strlen(pf->path);
		for (size_t k = 0; k < n_defs && pf->def.name == NULL; k++)
			if (defs[k].path != NULL && strcmp(defs[k].path, pf->path) == 0) {
				pf->def = defs[k]; /* taken over */
				memset(&defs[k], 0, sizeof defs[k]);
			}
		if (pf->def.name != NULL)
			continue;
		for (size_t k = 0; k < w.n && pf->error == NULL; k++)
			if (strncmp(w.msg[k], pf->path, plen) == 0 && w.msg[k][plen] == ':')
				pf->error = xstrdup(w.msg[k]);
		pf->verdict = APP_PROFILE_BROKEN;
		if (def_read(pf->path, &pf->def) != 0)
			continue;
		for (size_t k = 0; k + 1 < f->n_files && pf->winner == NULL; k++)
			if (f->files[k].verdict != APP_PROFILE_BROKEN &&
			    f->files[k].verdict != APP_PROFILE_DUPLICATE &&
			    strcmp(f->files[k].def.name, pf->def.name) == 0)
				pf->winner = f->files[k].path;
		if (pf->winner != NULL)
			pf->verdict = APP_PROFILE_DUPLICATE;
		else
			source_def_release(&pf->def); /* refused when the folder was read */
		if (pf->error == NULL)
			pf->error = xasprintf("%s: not taken", pf->path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	source_defs_free(defs, n_defs);
	for (size_t k = 0; k < w.n; k++)
		free(w.msg[k]);
	free(w.msg);
}

/* Why a definition that loads made no system (app_systems.c's reasons). */
static void
no_system_why(struct app *a, const struct source_def *def, struct mc_err *err)
{
	struct source_config cfg = {
		.name = def->name,
		.dialect = def->dialect,
		.base_url = def->base_url,
		.profile = def->path,
		.parsed = def->profile,
	};
	char why[256], *cause = NULL;
	struct source *src;

	if (a->disc == APP_DISC_PENDING) {
		mc_err_set(err, MC_E_NOT_CONFIGURED, def->name,
			   "the provider's list of systems has not come yet");
		return;
	}
	if (def->base_url == NULL) {
		/* the provider's list does not name it, and the file gives none */
		mc_err_set(err, MC_E_NO_URL, def->name, NULL);
		mc_err_field(err, def->path);
		return;
	}
	if (net_url_check(def->base_url, why, sizeof why) != NET_URL_OK) {
		mc_err_set(err, MC_E_INSECURE, def->name, "%s", why);
		return;
	}
	src = source_new(&cfg, &cause);
	if (src == NULL) {
		mc_err_set(err, MC_E_CONFIG, def->name, "%s", cause != NULL ? cause : def->path);
		free(cause);
		return;
	}
	source_free(src);
	mc_err_set(err, MC_E_NOT_CONFIGURED, def->name, NULL);
}

static void
folder_judge(struct app *a, struct profile_folder *f)
{
	for (size_t i = 0; i < f->n_files; i++) {
		struct profile_file *pf = &f->files[i];

		if (pf->verdict == APP_PROFILE_BROKEN || pf->verdict == APP_PROFILE_DUPLICATE)
			continue;
		if (!f->read)
			pf->verdict = APP_PROFILE_UNREAD;
		else if (!pf->def.enabled)
			pf->verdict = APP_PROFILE_DISABLED;
		else if (app_link(a, pf->def.name) != NULL)
			pf->verdict = APP_PROFILE_USED;
		else {
			pf->verdict = APP_PROFILE_NO_SYSTEM;
			no_system_why(a, &pf->def, &pf->why);
		}
	}
}

static bool
file_problem(const struct profile_folder *f, const struct profile_file *pf)
{
	return f->read && (pf->verdict == APP_PROFILE_BROKEN ||
			   pf->verdict == APP_PROFILE_DUPLICATE ||
			   pf->verdict == APP_PROFILE_NO_SYSTEM);
}

static void
folder_release(struct profile_folder *f)
{
	for (size_t i = 0; i < f->n_files; i++) {
		free(f->files[i].path);
		free(f->files[i].error);
		source_def_release(&f->files[i].def);
	}
	free(f->files);
	free(f->dir);
	memset(f, 0, sizeof *f);
}

/* Whether two paths are the same folder (a link, a trailing /...). */
static bool
same_dir(const char *x, const char *y)
{
	struct stat sx, sy;

	if (x == NULL || y == NULL)
		return false;
	if (stat(x, &sx) != 0 || stat(y, &sy) != 0)
		return strcmp(x, y) == 0;
	return sx.st_dev == sy.st_dev && sx.st_ino == sy.st_ino;
}

static bool
is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

#define MAX_FOLDERS (CONFIG_MAX_DIRS + 3)

/* dir/sources.d as a folder to list, when it exists and is not listed yet. */
static void
folder_add(struct profile_folder *out, size_t *n, const char *dir, bool read,
	   enum app_unread_reason why, const char *instead)
{
	char *sd;

	if (dir == NULL || *n >= MAX_FOLDERS)
		return;
	sd = read ? xstrdup(dir) : xasprintf("%s/sources.d", dir);
	if (!is_dir(sd)) {
		free(sd);
		return;
	}
	for (size_t i = 0; i < *n; i++)
		if (same_dir(out[i].dir, sd)) {
			free(sd);
			return;
		}
	memset(&out[*n], 0, sizeof out[*n]);
	out[*n].dir = sd;
	out[*n].read = read;
	out[*n].unread = why;
	out[*n].instead = instead;
	(*n)++;
}

static const char *
env_set(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/*
 * Every sources.d/ there is: the one read, those of the later folders of the
 * rule (an earlier one wins), and those the rule passes over because
 * MOTCUA_HOME or --config names the clerk's folder: $XDG_CONFIG_HOME/motcua
 * (~/.config/motcua) and the system's.  The environment is read as
 * config_paths_init() reads it.
 */
static size_t
folders_find(struct app *a, struct profile_folder *out)
{
	const char *home = env_set("MOTCUA_HOME"), *xdg = env_set("XDG_CONFIG_HOME");
	const char *user = env_set("HOME");
	enum app_unread_reason why = a->opt.config_file != NULL ? APP_UNREAD_CONFIG
								: APP_UNREAD_HOME;
	size_t n = 0;
	char *own;

	folder_add(out, &n, a->sources_dir, true, 0, NULL);
	for (size_t i = 0; i < a->paths.n_dirs; i++)
		folder_add(out, &n, a->paths.dirs[i], false, APP_UNREAD_SHADOWED, a->sources_dir);
	if (home == NULL && a->opt.config_file == NULL)
		return n;
	if (home != NULL && a->opt.config_file != NULL)
		folder_add(out, &n, home, false, why, a->paths.config_dir);
	own = xdg != NULL ? xasprintf("%s/motcua", xdg)
			  : xasprintf("%s/.config/motcua", user != NULL ? user : ".");
	folder_add(out, &n, own, false, why, a->paths.config_dir);
	free(own);
#ifdef MOTCUA_SYSCONFDIR
	folder_add(out, &n, MOTCUA_SYSCONFDIR, false, why, a->paths.config_dir);
#endif
	return n;
}

int
app_doctor_sources(struct app *a, app_check_fn *fn, void *ctx)
{
	struct profile_folder folders[MAX_FOLDERS];
	size_t n = folders_find(a, folders);
	int fails = 0;
	struct app_check c;

	for (size_t i = 0; i < n; i++) {
		folder_scan(&folders[i]);
		folder_judge(a, &folders[i]);
	}
	memset(&c, 0, sizeof c);
	c.kind = APP_CHECK_SOURCES_D;
	c.text = a->sources_dir;
	if (n > 0 && folders[0].read)
		for (size_t k = 0; k < folders[0].n_files; k++) {
			const struct profile_file *pf = &folders[0].files[k];
			c.n += pf->verdict != APP_PROFILE_BROKEN &&
			       pf->verdict != APP_PROFILE_DUPLICATE;
			c.m += file_problem(&folders[0], pf);
		}
	c.ok = c.m == 0;
	fn(ctx, &c);
	fails += !c.ok;
	for (size_t i = 0; i < n; i++) {
		const struct profile_folder *f = &folders[i];

		if (!f->read) {
			memset(&c, 0, sizeof c);
			c.kind = APP_CHECK_SOURCES_D_UNREAD;
			c.ok = true;
			c.text = f->dir;
			c.unread = f->unread;
			c.name = f->instead;
			fn(ctx, &c);
		}
		for (size_t k = 0; k < f->n_files; k++) {
			const struct profile_file *pf = &f->files[k];

			memset(&c, 0, sizeof c);
			c.kind = APP_CHECK_PROFILE;
			c.ok = !file_problem(f, pf);
			c.system = pf->def.name;
			c.profile.path = pf->path;
			c.profile.name = pf->def.name;
			c.profile.dialect = pf->def.dialect;
			c.profile.folder_read = f->read;
			c.profile.verdict = pf->verdict;
			c.profile.error = pf->error;
			c.profile.winner = pf->winner;
			c.err = pf->why;
			fn(ctx, &c);
		}
	}
	for (size_t i = 0; i < n; i++)
		folder_release(&folders[i]);
	return fails;
}
