/*
 * download.c - attachment downloads (download.h) over sync/attach.c: reads
 * the attachment from the store, finds its system's link, starts the
 * download in the app's net and keeps its state for the front end to poll
 * once per loop turn.  One download at a time.  The speed of
 * past downloads per system (bytes over wall time, the last one weighing
 * half) is the estimate behind the "large file on a slow link" question;
 * without one the UI falls back to a size threshold.  No drawing, no words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/download.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "sync/attach.h"

#define RATE_SLOTS 32

struct rate_slot {
	char *source;
	int64_t bytes_per_s;
};

struct app_download {
	struct app *app;
	struct attach *a;
	char *source;              /* of the download under way */
	char *path;
	bool have;                 /* st describes a download */
	uint64_t reported;         /* st.seq at the last turn */
	struct app_dl_status st;
	struct rate_slot rates[RATE_SLOTS];
};

static const enum app_dl_error error_of[] = {
	[ATTACH_OK] = APP_DL_E_NONE,
	[ATTACH_CANCELLED] = APP_DL_E_NONE,
	[ATTACH_E_NETWORK] = APP_DL_E_NETWORK,
	[ATTACH_E_AUTH] = APP_DL_E_AUTH,
	[ATTACH_E_GONE] = APP_DL_E_GONE,
	[ATTACH_E_SERVER] = APP_DL_E_SERVER,
	[ATTACH_E_DISK] = APP_DL_E_DISK,
	[ATTACH_E_CHANGED] = APP_DL_E_CHANGED,
	[ATTACH_E_UNSUPPORTED] = APP_DL_E_UNSUPPORTED,
};

static void
rate_note(struct app_download *d, const char *source, uint64_t bytes, uint64_t ms)
{
	int64_t r;
	struct rate_slot *free_slot = NULL;

	if (bytes < 32 * 1024 || ms < 200)
		return; /* too little to say anything about the link */
	r = (int64_t)(bytes * 1000 / ms);
	for (size_t i = 0; i < RATE_SLOTS; i++) {
		struct rate_slot *s = &d->rates[i];
		if (s->source != NULL && strcmp(s->source, source) == 0) {
			s->bytes_per_s = (s->bytes_per_s + r) / 2;
			return;
		}
		if (s->source == NULL && free_slot == NULL)
			free_slot = s;
	}
	if (free_slot != NULL) {
		free_slot->source = xstrdup(source);
		free_slot->bytes_per_s = r;
	}
}

static void
on_progress(void *arg, uint64_t bytes, uint64_t total)
{
	struct app_download *d = arg;

	d->st.bytes = (int64_t)bytes;
	if (total > 0)
		d->st.total = (int64_t)total;
	d->st.seq++;
}

static void
on_done(void *arg, const struct attach_result *r)
{
	struct app_download *d = arg;

	d->st.state = r->status == ATTACH_OK          ? APP_DL_DONE
		      : r->status == ATTACH_CANCELLED ? APP_DL_CANCELLED
						      : APP_DL_FAILED;
	d->st.error = (size_t)r->status < sizeof error_of / sizeof error_of[0]
			      ? error_of[r->status] : APP_DL_E_SERVER;
	d->st.bytes = (int64_t)r->bytes;
	d->st.http = r->http_status;
	snprintf(d->st.detail, sizeof d->st.detail, "%s", r->detail != NULL ? r->detail : "");
	free(d->path);
	d->path = xstrdup(r->path);
	d->st.seq++;
	if (d->source != NULL)
		rate_note(d, d->source, r->received, r->elapsed_ms);
}

/* Release a finished download (never from inside its own callback). */
static void
reap(struct app_download *d)
{
	if (d->a != NULL && attach_finished(d->a)) {
		attach_free(d->a);
		d->a = NULL;
	}
}

static struct app_download *
get(struct app *a)
{
	if (a->download == NULL) {
		a->download = xcalloc(1, sizeof *a->download);
		a->download->app = a;
	}
	return a->download;
}

int
app_download_start(struct app *app, const char *code, size_t index, const char *dest_dir,
		   struct mc_err *err)
{
	struct app_download *d = get(app);
	struct dossier dos;
	struct source_link *link;
	char *cause = NULL;
	int rc = -1, found;

	mc_err_clear(err);
	reap(d);
	if (d->a != NULL)
		return mc_err_set(err, MC_E_INTERNAL, NULL, "a download is already under way");
	dossier_init(&dos);
	found = store_dossier_load(app->store, code, &dos);
	if (found != 0 || index >= dos.n_attachments) {
		if (found < 0)
			mc_err_set(err, store_errc(app->store), NULL, "%s", store_errmsg(app->store));
		else
			mc_err_set(err, MC_E_NO_DOSSIER, NULL, NULL);
		mc_err_field(err, code);
		goto out;
	}
	link = app_link(app, dos.source);
	d->st = (struct app_dl_status){.index = index, .seq = d->st.seq + 1};
	snprintf(d->st.code, sizeof d->st.code, "%s", code);
	d->have = true;
	if (link == NULL) {
		d->st.state = APP_DL_FAILED;
		d->st.error = APP_DL_E_UNSUPPORTED;
		if (app->systems_error.code != MC_OK && app->systems_error.code != MC_E_NO_CONNECTOR)
			*err = app->systems_error; /* the systems could not be listed: why */
		else
			mc_err_set(err, MC_E_NOT_CONFIGURED, dos.source, NULL);
		goto out;
	}
	{
		const struct dossier_attachment *at = &dos.attachments[index];
		struct attach_options ao = {
			.net = app->net,
			.link = link,
			.data_dir = app->paths.data_dir,
			.dest_dir = dest_dir,
			.code = dos.code,
			.name = at->name,
			.url = at->url,
			.size = at->size,
			.progress = on_progress,
			.done = on_done,
			.arg = d,
		};
		free(d->source);
		d->source = xstrdup(source_link_name(link));
		d->st.state = APP_DL_RUNNING;
		d->st.total = at->size > 0 ? at->size : 0;
		free(d->path);
		if (dest_dir != NULL) {
			char *f = attach_safe_name(at->name);
			d->path = xasprintf("%s/%s", dest_dir, f);
			free(f);
		} else {
			d->path = attach_path(app->paths.data_dir, dos.code, at->name);
		}
		d->a = attach_start(&ao, &cause);
	}
	if (d->a == NULL) {
		d->st.state = APP_DL_FAILED;
		d->st.error = APP_DL_E_UNSUPPORTED;
		d->st.seq++;
		mc_err_set(err, MC_E_UNSUPPORTED, dos.source, "%s", cause != NULL ? cause : "");
		mc_err_field(err, "attachment");
		free(cause);
		goto out;
	}
	rc = 0;
out:
	dossier_release(&dos);
	return rc;
}

void
app_download_cancel(struct app *app)
{
	if (app->download != NULL && app->download->a != NULL)
		attach_cancel(app->download->a);
}

bool
app_download_status(struct app *app, struct app_dl_status *st)
{
	struct app_download *d = app->download;

	if (d == NULL)
		return false;
	reap(d);
	if (!d->have)
		return false;
	*st = d->st;
	st->path = d->path;
	return true;
}

char *
app_download_saved(struct app *app, const char *code, size_t index)
{
	struct dossier dos;
	char *p = NULL;

	dossier_init(&dos);
	if (store_dossier_load(app->store, code, &dos) == 0 && index < dos.n_attachments)
		p = attach_saved(app->paths.data_dir, dos.code, dos.attachments[index].name,
				 dos.attachments[index].size);
	dossier_release(&dos);
	return p;
}

int64_t
app_download_rate(struct app *app, const char *source)
{
	struct app_download *d = app->download;

	for (size_t i = 0; d != NULL && i < RATE_SLOTS && source != NULL; i++)
		if (d->rates[i].source != NULL && strcmp(d->rates[i].source, source) == 0)
			return d->rates[i].bytes_per_s;
	return 0;
}

unsigned
app_download_turn(struct app *app)
{
	struct app_download *d = app->download;

	if (d == NULL || d->st.seq == d->reported)
		return 0;
	d->reported = d->st.seq;
	return APP_CHANGED_DOWNLOAD;
}

void
app_download_free(struct app *app)
{
	struct app_download *d = app->download;

	if (d == NULL)
		return;
	attach_free(d->a);
	for (size_t i = 0; i < RATE_SLOTS; i++)
		free(d->rates[i].source);
	free(d->source);
	free(d->path);
	free(d);
	app->download = NULL;
}
