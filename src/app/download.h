/*
 * download.h - struct ui_attach (console.h) over sync/attach.h: one
 * attachment download at a time, inside the console's loop, saved under the
 * store's folder (<data_dir>/attachments/<code>/), with the throughput of
 * past downloads per system kept for the "this will take long" warning.
 * No curses here: ui/detail.c does the words and the drawing.
 */
#ifndef MOTCUA_UI_DOWNLOAD_H
#define MOTCUA_UI_DOWNLOAD_H

#include "ui/console.h"

struct source;
struct ui_download;

/* Looks a configured source up by name; NULL when there is none. */
typedef struct source *ui_download_find_fn(void *arg, const char *name);

/*
 * A new downloader; everything borrowed must outlive it.  tokens may be
 * NULL (the sources' own tokens).  Free with ui_download_free(), which
 * abandons a download under way (its .part stays for a resume).
 */
struct ui_download *ui_download_new(struct store *store, struct net *net,
				    const struct sync_tokens *tokens,
				    ui_download_find_fn *find, void *find_arg);
/* The table for struct ui_sync.attach (borrowed; lives as long as d). */
const struct ui_attach *ui_download_seam(struct ui_download *d);
void ui_download_free(struct ui_download *d);

#endif
