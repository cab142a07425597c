/*
 * download.c - the console's attachment downloads (struct ui_attach) over
 * sync/attach.c: reads the attachment from the store, finds its system,
 * starts the download in the shared net and keeps its state for the detail
 * screen to poll once per loop turn.  One download at a time.  The speed of
 * past downloads per system (bytes over wall time, the last one weighing
 * half) is the estimate behind the "large file on a slow link" question;
 * without one the UI falls back to a size threshold.  No drawing, no words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "sync/attach.h"
#include "sync/sync.h"
#include "app/download.h"

#define RATE_SLOTS 32

struct rate_slot {
	char *source;
	int64_t bytes_per_s;
};

struct ui_download {
	struct store *store;
	struct net *net;
	const struct sync_tokens *tokens;
	ui_download_find_fn *find;
	void *find_arg;
	char *data_dir;
	struct attach *a;
	char *source;              /* of the download under way */
	char *path;
	bool have;                 /* st describes a download */
	struct ui_attach_status st;
	struct rate_slot rates[RATE_SLOTS];
	struct ui_attach seam;
};

static const enum ui_attach_error error_of[] = {
	[ATTACH_OK] = UI_ATTACH_E_NONE,
	[ATTACH_CANCELLED] = UI_ATTACH_E_NONE,
	[ATTACH_E_NETWORK] = UI_ATTACH_E_NETWORK,
	[ATTACH_E_AUTH] = UI_ATTACH_E_AUTH,
	[ATTACH_E_GONE] = UI_ATTACH_E_GONE,
	[ATTACH_E_SERVER] = UI_ATTACH_E_SERVER,
	[ATTACH_E_DISK] = UI_ATTACH_E_DISK,
	[ATTACH_E_CHANGED] = UI_ATTACH_E_CHANGED,
	[ATTACH_E_UNSUPPORTED] = UI_ATTACH_E_UNSUPPORTED,
};

static void
rate_note(struct ui_download *d, const char *source, uint64_t bytes, uint64_t ms)
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
	struct ui_download *d = arg;

	d->st.bytes = (int64_t)bytes;
	if (total > 0)
		d->st.total = (int64_t)total;
	d->st.seq++;
}

static void
on_done(void *arg, const struct attach_result *r)
{
	struct ui_download *d = arg;

	d->st.state = r->status == ATTACH_OK          ? UI_ATTACH_DONE
		      : r->status == ATTACH_CANCELLED ? UI_ATTACH_CANCELLED
						      : UI_ATTACH_FAILED;
	d->st.error = (size_t)r->status < sizeof error_of / sizeof error_of[0]
			      ? error_of[r->status] : UI_ATTACH_E_SERVER;
	d->st.bytes = (int64_t)r->bytes;
	free(d->path);
	d->path = xstrdup(r->path);
	d->st.seq++;
	if (d->source != NULL)
		rate_note(d, d->source, r->received, r->elapsed_ms);
}

/* Release a finished download (never from inside its own callback). */
static void
reap(struct ui_download *d)
{
	if (d->a != NULL && attach_finished(d->a)) {
		attach_free(d->a);
		d->a = NULL;
	}
}

static int
dl_start(void *ctx, const char *code, size_t index, char **err)
{
	struct ui_download *d = ctx;
	struct dossier dos;
	struct source *src;
	char *cause = NULL;
	int rc = -1, found;

	*err = NULL;
	reap(d);
	if (d->a != NULL) {
		*err = xstrdup("a download is already under way");
		return -1;
	}
	dossier_init(&dos);
	found = store_dossier_load(d->store, code, &dos);
	if (found != 0 || index >= dos.n_attachments) {
		*err = xstrdup(found < 0 ? store_errmsg(d->store) : "no such attachment");
		goto out;
	}
	src = d->find(d->find_arg, dos.source);
	if (src == NULL) {
		d->st = (struct ui_attach_status){.state = UI_ATTACH_FAILED,
						  .error = UI_ATTACH_E_UNSUPPORTED,
						  .seq = d->st.seq + 1, .index = index};
		snprintf(d->st.code, sizeof d->st.code, "%s", code);
		d->have = true;
		*err = xstrdup("the dossier's system is not connected");
		goto out;
	}
	{
		const struct dossier_attachment *at = &dos.attachments[index];
		struct attach_options ao = {
			.net = d->net,
			.src = src,
			.tokens = d->tokens,
			.data_dir = d->data_dir,
			.code = dos.code,
			.name = at->name,
			.url = at->url,
			.size = at->size,
			.progress = on_progress,
			.done = on_done,
			.arg = d,
		};
		free(d->source);
		d->source = xstrdup(src->name);
		d->st = (struct ui_attach_status){.state = UI_ATTACH_RUNNING,
						  .index = index,
						  .total = at->size > 0 ? at->size : 0,
						  .seq = d->st.seq + 1};
		snprintf(d->st.code, sizeof d->st.code, "%s", code);
		free(d->path);
		d->path = attach_path(d->data_dir, dos.code, at->name);
		d->have = true;
		d->a = attach_start(&ao, &cause);
	}
	if (d->a == NULL) {
		d->st.state = UI_ATTACH_FAILED;
		d->st.error = UI_ATTACH_E_UNSUPPORTED;
		d->st.seq++;
		*err = cause;
		goto out;
	}
	rc = 0;
out:
	dossier_release(&dos);
	return rc;
}

static void
dl_cancel(void *ctx)
{
	struct ui_download *d = ctx;

	if (d->a != NULL)
		attach_cancel(d->a);
}

static bool
dl_status(void *ctx, struct ui_attach_status *st)
{
	struct ui_download *d = ctx;

	reap(d);
	if (!d->have)
		return false;
	*st = d->st;
	st->path = d->path;
	return true;
}

static char *
dl_saved(void *ctx, const char *code, size_t index)
{
	struct ui_download *d = ctx;
	struct dossier dos;
	char *p = NULL;

	dossier_init(&dos);
	if (store_dossier_load(d->store, code, &dos) == 0 && index < dos.n_attachments)
		p = attach_saved(d->data_dir, dos.code, dos.attachments[index].name,
				 dos.attachments[index].size);
	dossier_release(&dos);
	return p;
}

static int64_t
dl_rate(void *ctx, const char *source)
{
	struct ui_download *d = ctx;

	for (size_t i = 0; i < RATE_SLOTS && source != NULL; i++)
		if (d->rates[i].source != NULL && strcmp(d->rates[i].source, source) == 0)
			return d->rates[i].bytes_per_s;
	return 0;
}

struct ui_download *
ui_download_new(struct store *store, struct net *net, const struct sync_tokens *tokens,
		ui_download_find_fn *find, void *find_arg)
{
	struct ui_download *d = xcalloc(1, sizeof *d);
	const char *db = store_path(store);
	const char *slash = db != NULL ? strrchr(db, '/') : NULL;

	d->store = store;
	d->net = net;
	d->tokens = tokens;
	d->find = find;
	d->find_arg = find_arg;
	/* the data folder is the store's folder */
	d->data_dir = slash == NULL ? xstrdup(".")
		      : slash == db ? xstrdup("/")
				    : xstrndup(db, (size_t)(slash - db));
	d->seam = (struct ui_attach){
		.start = dl_start,
		.cancel = dl_cancel,
		.status = dl_status,
		.saved = dl_saved,
		.rate = dl_rate,
		.ctx = d,
	};
	return d;
}

const struct ui_attach *
ui_download_seam(struct ui_download *d)
{
	return &d->seam;
}

void
ui_download_free(struct ui_download *d)
{
	if (d == NULL)
		return;
	attach_free(d->a);
	for (size_t i = 0; i < RATE_SLOTS; i++)
		free(d->rates[i].source);
	free(d->source);
	free(d->path);
	free(d->data_dir);
	free(d);
}
