/*
 * arrivals.c - new arrivals: the dossiers stored since the clerk last looked
 * at them (app.h, app_arrivals_since).
 *
 * A dossier's row id only grows as dossiers are first stored (an update
 * keeps it), so "new since the clerk looked" is "row id after the last one
 * the clerk saw".  That id is kept in the data folder's `arrivals` file (a
 * number and a newline), per terminal user like the store; the store's
 * schema is not touched for it.  Without the file (the first run, a new
 * store) the clerk has seen everything there is: a first sync of 5,000
 * dossiers is not 5,000 arrivals, nor is what a system brings in its first
 * pull.  A marker past the store's last id (the store replaced, the
 * training sandbox reset) is brought back to it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "core/xalloc.h"

static char *
marker_path(const struct app *a)
{
	size_t n = strlen(a->paths.data_dir) + sizeof "/arrivals";
	char *p = xmalloc(n);

	snprintf(p, n, "%s/arrivals", a->paths.data_dir);
	return p;
}

/* The marker in the file, and whether it was written during the initial
 * load (" loading" after the number): true, or false when absent or
 * unreadable. */
static bool
marker_read(const struct app *a, int64_t *id, bool *during_load)
{
	char *path = marker_path(a);
	FILE *f = fopen(path, "r");
	long long v = 0;
	char word[16] = "";
	bool ok = false;

	free(path);
	*during_load = false;
	if (f == NULL)
		return false;
	ok = fscanf(f, "%lld", &v) == 1 && v >= 0;
	if (ok && fscanf(f, "%15s", word) == 1)
		*during_load = strcmp(word, "loading") == 0;
	fclose(f);
	*id = ok ? (int64_t)v : 0;
	return ok;
}

/* Write the marker: a temporary file renamed over the old one. */
static void
marker_write(struct app *a, int64_t id, bool during_load)
{
	char *path = marker_path(a);
	size_t n = strlen(path) + 8;
	char *tmp = xmalloc(n);
	FILE *f;

	snprintf(tmp, n, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f != NULL) {
		bool ok = fprintf(f, "%" PRId64 "%s\n", id, during_load ? " loading" : "") > 0;
		ok = fclose(f) == 0 && ok;
		if (!ok || rename(tmp, path) != 0)
			(void)remove(tmp);
	}
	free(tmp);
	free(path);
}

/*
 * Whether a system is still in its first pull (never completed one, and not
 * failing): what it brings then is the initial load, not arrivals.
 */
static bool
loading(struct app *a)
{
	/* the configured systems' own sync state: app_system() would also
	 * count the store's systems, a query over every dossier, and this runs
	 * at each refresh of the status bar */
	for (size_t i = 0; i < a->n_links; i++) {
		struct store_sync_state st;
		bool first;

		int rc = store_sync_state_get(a->store, source_link_source(a->links[i])->name, &st);

		if (rc < 0)
			continue;
		/* never synced (1, zeroed), or no pass ended well and none failed */
		first = st.last_ok_at == 0 && st.last_error == NULL;
		store_sync_state_release(&st);
		if (first)
			return true;
	}
	return false;
}

int64_t
app_arrivals_since(struct app *a)
{
	int64_t last = 0, seen = 0;
	bool was_loading = false, now_loading;

	if (a->store == NULL || store_dossiers_last_id(a->store, &last) != 0)
		return 0;
	now_loading = loading(a);
	/* no marker, one from before there was anything, or the initial load
	 * coming in or just ended: all there is counts as seen */
	if (!marker_read(a, &seen, &was_loading) || seen > last || seen == 0 ||
	    (seen < last && (now_loading || was_loading)) || was_loading != now_loading) {
		seen = last;
		if (store_writable(a->store))
			marker_write(a, seen, now_loading);
	}
	return seen;
}

int64_t
app_arrivals_seen(struct app *a)
{
	int64_t last = 0, was = app_arrivals_since(a);

	if (a->store == NULL || store_dossiers_last_id(a->store, &last) != 0)
		return was;
	if (last != was && store_writable(a->store))
		marker_write(a, last, false);
	return was;
}
