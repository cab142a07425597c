/*
 * outbox_int.h - what the files of the replay share (not an API: only
 * src/outbox/outbox_*.c include it).  The files call one way only, so they
 * form no cycle:
 *
 *   outbox_replay.c   the scheduler: the replay lock, taking entries, the
 *                     per-turn batches (mark 'sending', write outcomes),
 *                     starting jobs once their system's link is ready
 *     -> outbox_send.c    an entry's action request through the connector
 *     -> outbox_upload.c  result files, uploaded resumably
 *       -> outbox_probe.c   reading the server first (fingerprints, lost
 *                           answers, conflicts without a version); and what
 *                           follows the uploads
 *         -> outbox_job.c     the job's outcome and bookkeeping
 *
 * The systems' tokens and sessions are their links (sources/link.h).
 */
#ifndef MOTCUA_OUTBOX_INT_H
#define MOTCUA_OUTBOX_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "core/error.h"
#include "net/net.h"
#include "outbox/outbox.h"
#include "outbox/outbox_replay.h"
#include "sources/link.h"

enum outbox_phase {
	OUTBOX_PHASE_LINK = 0,    /* waiting for the system's link */
	OUTBOX_PHASE_UPLOAD,      /* an upload request in flight */
	OUTBOX_PHASE_PROBE,       /* a detail read in flight */
	OUTBOX_PHASE_MARK,        /* to be marked 'sending' at the next step, then sent */
	OUTBOX_PHASE_SEND,        /* the action request in flight */
	OUTBOX_PHASE_FINISHED,    /* outcome known, to be written at the next step */
};

enum outbox_probe_why {
	OUTBOX_WHY_FINGERPRINT = 0, /* before the first send */
	OUTBOX_WHY_LOST,            /* after a lost answer, before resending */
	OUTBOX_WHY_CONFLICT,        /* a conflict without the server's version */
};

enum outbox_outcome {
	OUTBOX_OUT_NONE = 0,
	OUTBOX_OUT_DONE,
	OUTBOX_OUT_CONFLICT,
	OUTBOX_OUT_FAILED,
	OUTBOX_OUT_LATER,         /* try again after delay_ms */
};

struct outbox_job {
	struct outbox_replay *r;
	struct outbox_job *next;
	struct store_outbox_entry e;
	struct outbox_payload p;
	struct source_link *link;  /* the entry's system */
	struct source *src;        /* its connector (the link's) */
	enum outbox_phase phase;
	enum outbox_probe_why probe_why;
	struct net_request *req;  /* in flight (a reference is held) */
	bool waiting_link;        /* registered with the link, its answer to come */
	bool uncertain;           /* an earlier attempt may have been applied */
	bool renewed;             /* the token was renewed once in this attempt */
	char *fingerprint;        /* to store with 'sending' */
	bool payload_dirty;       /* upload progress to store at the next step */
	/* upload progress of p.files[file_i] */
	size_t file_i;
	uint64_t offset;
	bool offset_known;
	bool asking;              /* the request in flight asks for the offset */
	/* outcome */
	enum outbox_outcome outcome;
	int srv_status;
	char *srv_version;
	char *srv_raw;
	mc_time srv_updated, srv_finished;
	struct mc_err err;        /* why, for CONFLICT, FAILED and LATER */
	uint64_t delay_ms;        /* LATER: 0 = the backoff for this attempt */
	bool auth;                /* LATER because the token or session was refused */
};

struct outbox_replay {
	struct outbox_replay_options opt;
	struct outbox_job *jobs;
	size_t n_jobs;
	struct outbox_replay_stats stats;
	int lock_fd;               /* -1: not holding the replay lock */
	bool lock_tried;
	bool freeing;
};

/* ---- outbox_job.c ------------------------------------------------------ */

/* The clock (the options' seam, else time()). */
mc_time outbox_replay_now(const struct outbox_replay *r);
/* Tell the options' event hook, if any. */
void outbox_replay_event(struct outbox_replay *r, enum outbox_event_kind kind,
			 const struct outbox_job *j, const struct mc_err *err);
/* Count a finished request of the job in the stats; tell the link. */
void outbox_job_account(struct outbox_job *j, const struct net_response *resp);
/* The job's outcome is known: FINISHED, written at the next step.  err
 * (copied) may be NULL or &j->err. */
void outbox_job_finish(struct outbox_job *j, enum outbox_outcome out, const struct mc_err *err);
/* Finish: try later (delay 0: backoff). */
void outbox_job_later(struct outbox_job *j, const struct mc_err *err, uint64_t delay_ms);
/* Finish as refused by the server. */
void outbox_job_fail(struct outbox_job *j, const struct mc_err *err);
/* The same with a code and no details but the system. */
void outbox_job_fail_code(struct outbox_job *j, enum mc_errc code, const char *field);
/* Take the server's state for the store from d (NULL: only status). */
void outbox_job_set_server(struct outbox_job *j, const struct dossier *d, int status);
/* Submit req for the job (a reference is kept in j->req); done gets j. */
void outbox_job_submit(struct outbox_job *j, struct net_request *req, net_done_fn *done);
/* Chunk size of uploads. */
size_t outbox_replay_chunk(const struct outbox_replay *r);

/* ---- outbox_probe.c ---------------------------------------------------- */

/* Read the server's copy of the dossier (phase PROBE) for `why`. */
void outbox_job_probe(struct outbox_job *j, enum outbox_probe_why why);
/* The uploads are complete (or none were needed): probe first, or MARK. */
void outbox_job_uploaded(struct outbox_job *j);

/* ---- outbox_upload.c --------------------------------------------------- */

/* Whether some file still needs uploading to a system that takes uploads. */
bool outbox_upload_needed(const struct outbox_job *j);
/* Submit the next upload request of the job (phase UPLOAD), or go on. */
void outbox_upload_next(struct outbox_job *j);

/* ---- outbox_send.c ----------------------------------------------------- */

/* Build and submit the entry's action request (phase SEND), or finish the job. */
void outbox_job_send(struct outbox_job *j);

#endif
