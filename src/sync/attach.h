/*
 * attach.h - download one attachment of a dossier to the data folder, on
 * demand, inside the caller's loop.
 *
 * The file goes to <data_dir>/attachments/<code>/<name> (folders 0700, the
 * file 0600; code and name sanitized so a server cannot choose the place).
 * Bytes stream into <name>.part through the net's write callback; a later
 * attempt (an automatic one after a cut connection, or the next command)
 * resumes from the .part's size with a Range request: 206 appends, 200
 * starts again from zero, 416 finishes when the sizes match.  The .part is
 * renamed to its name when complete.  Nothing blocks: the transfer moves in
 * the caller's net_poll(), where the progress and done callbacks run.
 *
 * What it does not do: decide whether a file is too large for the link
 * (the UI asks the clerk), translate (results carry an enum and a short
 * English detail), or keep any record in the store.
 */
#ifndef MOTCUA_SYNC_ATTACH_H
#define MOTCUA_SYNC_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "sources/link.h"
#include "sources/source.h"

enum attach_status {
	ATTACH_OK = 0,       /* complete; the path names the file */
	ATTACH_CANCELLED,    /* attach_cancel(); the .part is kept for a resume */
	ATTACH_E_NETWORK,    /* the link failed (again); the .part is kept */
	ATTACH_E_AUTH,       /* the system refused our sign-in (401/403) */
	ATTACH_E_GONE,       /* the system no longer has the file (404/410) */
	ATTACH_E_SERVER,     /* another HTTP answer */
	ATTACH_E_DISK,       /* the file could not be written (disk full, rights) */
	ATTACH_E_CHANGED,    /* the bytes do not match the size the system gave */
	ATTACH_E_UNSUPPORTED, /* the system serves no files, or the URL is refused */
};

struct attach_result {
	enum attach_status status;
	const char *path;      /* the final path (borrowed for the call) */
	const char *detail;    /* short English reason; "" on success (borrowed) */
	uint64_t bytes;        /* size of the file so far (the .part on failure) */
	uint64_t received;     /* bytes received by this download (all attempts) */
	uint64_t elapsed_ms;   /* from attach_start() to the end */
	long http_status;      /* of the last answer; 0 none */
};

/* Bytes of the file so far, and its size (0 when not known yet). */
typedef void attach_progress_fn(void *arg, uint64_t bytes, uint64_t total);
/* Called exactly once per started download, from net_poll() (never from
 * attach_start()), unless attach_free() came first. */
typedef void attach_done_fn(void *arg, const struct attach_result *r);

struct attach_options {
	struct net *net;                  /* required; borrowed */
	struct source_link *link;         /* required; borrowed: the system, its token */
	const char *data_dir;             /* required unless dest_dir */
	const char *dest_dir;             /* NULL: <data_dir>/attachments/<code>; else
	                                     this folder (made 0700 when missing) */
	const char *code;                 /* the dossier's code (MaHoSo) */
	const char *name;                 /* the file name the system gave; may be NULL */
	const char *url;                  /* the attachment's URL (relative to the source) */
	int64_t size;                     /* bytes the system announced; -1 unknown */
	unsigned max_attempts;            /* resumes after a cut link included; 0: 3 */
	attach_progress_fn *progress;     /* may be NULL */
	attach_done_fn *done;             /* may be NULL */
	void *arg;
};

struct attach;

/*
 * Start.  Returns the download (free it with attach_free() once done ran,
 * or earlier to abandon it), or NULL with *cause (malloc'd) when it cannot
 * start: a bad name, a folder that cannot be made, a .part that cannot be
 * opened, a system that serves no files, no token.
 */
struct attach *attach_start(const struct attach_options *opt, char **cause);

/* Stop: done then runs with ATTACH_CANCELLED at the next net_poll(). */
void attach_cancel(struct attach *a);

/* Free; an unfinished download is cancelled without calling done.  NULL ok. */
void attach_free(struct attach *a);

/* Whether done has run. */
bool attach_finished(const struct attach *a);

/*
 * A name safe for one path component: '/', '\\', control bytes and other
 * troublemakers become '_', leading dots and blanks go, at most 160 bytes
 * (never inside a UTF-8 sequence), "file" when nothing is left.  Caller frees.
 */
char *attach_safe_name(const char *name);

/*
 * <data_dir>/attachments/<code>/<name>, both sanitized.  Caller frees.
 * attach_saved() returns it only when that file exists and, when size >= 0,
 * has that size; else NULL.
 */
char *attach_path(const char *data_dir, const char *code, const char *name);
char *attach_saved(const char *data_dir, const char *code, const char *name, int64_t size);

#endif
