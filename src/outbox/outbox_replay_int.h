/*
 * outbox_replay_int.h - what the files of the replay share (not an API;
 * only src/sync/outbox_replay*.c include it): the replay itself, the
 * per-source link, and the calls between the scheduler and the per-entry
 * steps.  What outbox_upload.c also sees is in outbox_int.h.
 *
 *   outbox_replay.c        the scheduler: the replay lock, taking entries,
 *                          the per-turn batches (mark 'sending', write
 *                          outcomes), finishing jobs, run and free
 *   outbox_replay_link.c   a source's token and session (the link)
 *   outbox_replay_send.c   building and reading an entry's action request
 *                          through the dialect's connector
 *   outbox_replay_probe.c  reading the server first: fingerprints before a
 *                          first send, settling lost answers, conflicts
 *                          without the server's version
 */
#ifndef MOTCUA_SYNC_OUTBOX_REPLAY_INT_H
#define MOTCUA_SYNC_OUTBOX_REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "net/net.h"
#include "outbox/outbox_int.h"

enum outbox_link_state {
	OUTBOX_LINK_NONE = 0,
	OUTBOX_LINK_TOKEN,        /* a token asked for */
	OUTBOX_LINK_LOGIN,        /* the session login in flight */
	OUTBOX_LINK_READY,
	OUTBOX_LINK_DOWN,         /* until down_until */
};

/* One source as the replay reaches it: its token and session. */
struct outbox_link {
	struct outbox_replay *r;
	struct outbox_link *next;
	char *name;
	struct source *src;        /* NULL: not configured */
	enum outbox_link_state state;
	mc_time down_until;
	char *why;
	int auth_failures;         /* refused tokens in a row */
	struct net_request *req;   /* login in flight */
};

struct outbox_replay {
	struct outbox_replay_options opt;
	struct outbox_job *jobs;
	size_t n_jobs;
	struct outbox_link *links;
	struct outbox_replay_stats stats;
	int lock_fd;               /* -1: not holding the replay lock */
	bool lock_tried;
	bool freeing;
};

/* ---- outbox_replay.c --------------------------------------------------- */

/* The clock (the options' seam, else time()). */
mc_time outbox_replay_now(const struct outbox_replay *r);
/* One line to the options' log, if any. */
void outbox_replay_log(struct outbox_replay *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The job's outcome is known: FINISHED, written at the next step.  message
 * may be j->message; it is copied. */
void outbox_job_finish(struct outbox_job *j, enum outbox_outcome out, const char *message);
/* Take the server's state for the store from d (NULL: only status). */
void outbox_job_set_server(struct outbox_job *j, const struct dossier *d, int status);
/* Submit req for the job (a reference is kept in j->req); done gets j. */
void outbox_job_submit(struct outbox_job *j, struct net_request *req, net_done_fn *done);

/* ---- outbox_replay_link.c ---------------------------------------------- */

/* The link for a source name, made on first use (never NULL); owned by r. */
struct outbox_link *outbox_link_get(struct outbox_replay *r, const char *name);
/* Start getting the link ready (if it is not); true when ready now. */
bool outbox_link_ready(struct outbox_link *l);
/* The source refused the token or session: fetch both anew. */
void outbox_link_refused(struct outbox_link *l);

/* ---- outbox_replay_send.c ---------------------------------------------- */

/* Build and submit the entry's action request (phase SEND), or finish the job. */
void outbox_job_send(struct outbox_job *j);

/* ---- outbox_replay_probe.c --------------------------------------------- */

/* Read the server's copy of the dossier (phase PROBE) for `why`. */
void outbox_job_probe(struct outbox_job *j, enum outbox_probe_why why);

#endif
