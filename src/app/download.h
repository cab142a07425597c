/*
 * download.h - attachment downloads for the front ends, over sync/attach.h:
 * one at a time, inside the app's loop, saved under the data folder
 * (<data_dir>/attachments/<code>/) or a folder the clerk names, resumed
 * with Range after a cut link or at the next attempt.  The throughput of
 * past downloads per system is kept for the "this will take long"
 * question.  No words: states and errors are codes.
 */
#ifndef MOTCUA_APP_DOWNLOAD_H
#define MOTCUA_APP_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

enum app_dl_state {
	APP_DL_IDLE = 0,
	APP_DL_RUNNING,
	APP_DL_DONE,
	APP_DL_FAILED,
	APP_DL_CANCELLED,
};
enum app_dl_error {
	APP_DL_E_NONE = 0,
	APP_DL_E_NETWORK,     /* the link failed; running it again resumes */
	APP_DL_E_AUTH,        /* the system refused our sign-in */
	APP_DL_E_GONE,        /* the system no longer has the file */
	APP_DL_E_SERVER,      /* the system answered with an error */
	APP_DL_E_DISK,        /* the file could not be written */
	APP_DL_E_CHANGED,     /* the bytes do not match the announced size */
	APP_DL_E_UNSUPPORTED, /* the system serves no files / is not configured */
	APP_DL_E_NO_SUCH,     /* no such dossier or attachment here */
};
struct app_dl_status {
	enum app_dl_state state;
	char code[128];          /* the dossier */
	size_t index;            /* the attachment (0-based) */
	int64_t bytes;           /* so far */
	int64_t total;           /* 0 unknown */
	enum app_dl_error error;
	long http;               /* of the last answer; 0 none */
	char detail[160];        /* outside words (the transport's), "" none */
	const char *path;        /* where it is (borrowed until the next call) */
	uint64_t seq;            /* changes whenever anything above does */
};

/*
 * Start downloading attachment `index` of dossier `code` into dest_dir
 * (NULL: the data folder).  0 started; -1 with *err when it cannot start
 * (one already under way: MC_E_INTERNAL; no such: MC_E_NO_DOSSIER; the
 * system not configured: MC_E_NOT_CONFIGURED; ...).
 */
int app_download_start(struct app *a, const char *code, size_t index, const char *dest_dir,
		       struct mc_err *err);
void app_download_cancel(struct app *a);
/* The download under way or the last one into *st; false when none yet. */
bool app_download_status(struct app *a, struct app_dl_status *st);
/* The saved path (malloc'd) when that attachment is downloaded complete. */
char *app_download_saved(struct app *a, const char *code, size_t index);
/* Bytes per second recently seen from `system`; 0 when not known. */
int64_t app_download_rate(struct app *a, const char *system);

#endif
