/*
 * outbox_upload.h - how outbox_upload.c reads the server's reply to one
 * resumable-upload request (create, ask the offset, put a chunk), kept apart
 * from acting on it so tests and the fuzzer (tests/fuzz/fuzz_upload.c) reach
 * the reader production uses.  The reader itself is static in release
 * builds (UNITTEST); only the types are always visible here.
 *
 * It does not send anything, touch the job or the store.
 */
#ifndef MOTCUA_SYNC_OUTBOX_UPLOAD_H
#define MOTCUA_SYNC_OUTBOX_UPLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "net/net.h"
#include "outbox/outbox.h"

enum outbox_upload_verdict {
	OUTBOX_UPLOAD_LATER = 0,  /* try later (message, delay_ms; offset_lost) */
	OUTBOX_UPLOAD_AUTH,       /* the token was refused: renew it, try later */
	OUTBOX_UPLOAD_FAIL,       /* refused for good (message) */
	OUTBOX_UPLOAD_CREATED,    /* the upload exists at `location`, from `offset` */
	OUTBOX_UPLOAD_FORGOTTEN,  /* the server lost the upload: create it again */
	OUTBOX_UPLOAD_AT,         /* the server holds `offset` bytes; file_id when complete */
};

struct outbox_upload_reply {
	enum outbox_upload_verdict verdict;
	char message[160];        /* LATER, AUTH, FAIL: one line */
	uint64_t delay_ms;        /* LATER, AUTH: 0 means the usual backoff */
	bool offset_lost;         /* what we believed of the offset no longer holds */
	char *location;           /* CREATED: malloc'd */
	uint64_t offset;          /* CREATED, AT: <= the file's size for AT */
	bool resumed;             /* AT after asking: continues, not from zero */
	char *file_id;            /* AT and complete: malloc'd, non-empty */
};

#ifdef MOTCUA_UNITTEST
/*
 * What `resp` means for file `f` (upload_url NULL: the reply to the create)
 * of a system of `dialect` ("tuphap", "nnmt"); `asking`: the request asked
 * the offset.  Fills *out (release with outbox_upload_reply_release) and
 * returns its verdict.
 */
enum outbox_upload_verdict outbox_upload_read_reply(const char *dialect,
						    const struct outbox_file *f, bool asking,
						    const struct net_response *resp,
						    struct outbox_upload_reply *out);
void outbox_upload_reply_release(struct outbox_upload_reply *r);
#endif

#endif
