/*
 * outbox_int.h - what outbox_replay.c and outbox_upload.c share: the job
 * (one queue entry being worked on) and the calls between the two.  Nobody
 * else includes it.
 */
#ifndef MOTCUA_SYNC_OUTBOX_INT_H
#define MOTCUA_SYNC_OUTBOX_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "outbox/outbox.h"
#include "outbox/outbox_replay.h"

enum outbox_phase {
	OUTBOX_PHASE_LINK = 0,    /* waiting for the source's token / session */
	OUTBOX_PHASE_UPLOAD,      /* an upload request in flight */
	OUTBOX_PHASE_PROBE,       /* a detail read in flight */
	OUTBOX_PHASE_MARK,        /* to be marked 'sending' at the next step, then sent */
	OUTBOX_PHASE_SEND,        /* the action request in flight */
	OUTBOX_PHASE_FINISHED,    /* outcome known, to be written at the next step */
};

enum outbox_probe_why {
	OUTBOX_WHY_FINGERPRINT = 0, /* before the first send */
	OUTBOX_WHY_LOST,            /* after a lost answer, before resending */
	OUTBOX_WHY_CONFLICT,          /* a conflict without the server's version */
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
	struct source *src;
	enum outbox_phase phase;
	enum outbox_probe_why probe_why;
	struct net_request *req;  /* in flight (a reference is held) */
	bool uncertain;           /* an earlier attempt may have been applied */
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
	char *message;
	uint64_t delay_ms;        /* LATER: 0 = the backoff for this attempt */
	bool auth;                /* LATER because the token or session was refused */
};

/* ---- outbox_replay.c ---------------------------------------------------- */

/* Count a finished request of the job in the stats. */
void outbox_job_account(struct outbox_job *j, const struct net_response *resp);
/* Finish the job: try later (delay 0: backoff), with a message. */
void outbox_job_later(struct outbox_job *j, const char *message, uint64_t delay_ms);
/* Finish the job as refused by the server, with a message. */
void outbox_job_fail(struct outbox_job *j, const char *message);
/* The uploads are complete: go on to the action. */
void outbox_job_uploaded(struct outbox_job *j);
/* Chunk size and the net. */
size_t outbox_replay_chunk(const struct outbox_replay *r);
struct net *outbox_replay_net(const struct outbox_replay *r);
void outbox_replay_count_upload(struct outbox_replay *r, bool resumed);

/* ---- outbox_upload.c ---------------------------------------------------- */

/* Whether the dialect takes result files by resumable upload. */
bool outbox_upload_supported(const struct source *src);
/* Whether some file still needs uploading. */
bool outbox_upload_needed(const struct outbox_job *j);
/* Submit the next upload request of the job (phase UPLOAD), or finish it. */
void outbox_upload_next(struct outbox_job *j);

#endif
