/*
 * outbox.h - the offline queue seen from the commands and the replay: queue
 * an action (with its checks and payload), re-apply or drop one the server
 * did not take, and the pure rules the replay uses (the payload format, the
 * server fingerprint and how to read the server's state after a lost
 * answer).  doc/outbox.md is the design note.
 *
 * What it does not do: send anything (outbox_replay.h), or hold SQL (the
 * rows are store/outbox.h).  What went wrong is a code with its details
 * (core/error.h); the front ends word it.
 */
#ifndef MOTCUA_OUTBOX_H
#define MOTCUA_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "core/error.h"
#include "core/status.h"
#include "store/outbox.h"
#include "store/store.h"

#define OUTBOX_KEY_LEN 32 /* hex digits of a 128-bit key */

/* A new random key (getrandom): 32 lower-case hex digits and a NUL.  0, -1. */
int outbox_key_new(char out[OUTBOX_KEY_LEN + 1]);

/* ---- payload ------------------------------------------------------------ */

/* One result file and its upload progress. */
struct outbox_file {
	char *path;        /* local path as given (absolute after outbox_act) */
	char *name;        /* base name sent to the server */
	int64_t size;      /* bytes at enqueue */
	char *upload_url;  /* resumable upload created at the server; NULL not yet */
	char *file_id;     /* the server's id once complete; NULL not yet */
};

struct outbox_payload {
	char *reason;      /* may be NULL */
	char *to_unit;     /* may be NULL */
	struct outbox_file *files;
	size_t n_files;
};

void outbox_payload_release(struct outbox_payload *p);
/* JSON text of the payload (caller frees). */
char *outbox_payload_dump(const struct outbox_payload *p);
/* Parse the stored JSON into *p (initialised here).  0, or -1 when malformed. */
int outbox_payload_parse(const char *json, struct outbox_payload *p);

/* ---- queueing ----------------------------------------------------------- */

enum outbox_act_result {
	OUTBOX_ACT_OK = 0,
	OUTBOX_ACT_ERROR,          /* store or system error */
	OUTBOX_ACT_BAD_ACTION,     /* unknown action name (bad usage) */
	OUTBOX_ACT_NO_DOSSIER,     /* not in the local store */
	OUTBOX_ACT_NOT_ALLOWED,    /* not allowed from the current local status */
	OUTBOX_ACT_NEED_REASON,    /* the action needs a reason */
	OUTBOX_ACT_NEED_TARGET,    /* forwarding needs the receiving unit */
	OUTBOX_ACT_BAD_FILE,       /* a result file cannot be read */
	OUTBOX_ACT_BLOCKED,        /* an unresolved conflict on the dossier comes first */
};

struct outbox_act_request {
	const char *code;
	const char *action;        /* name or alias (action_from_name) */
	const char *reason;        /* may be NULL */
	const char *to_unit;       /* may be NULL */
	const char *via;           /* send through this system (the coordination
	                              system, say); NULL: the dossier's own */
	const char *const *files;  /* n_files paths */
	size_t n_files;
};

/*
 * Check and queue one action: the name, the reason, the files (readable
 * regular files), then store_outbox_enqueue() with a new key and the payload
 * (one transaction with the optimistic effect).  On OK *id is the entry.
 * Every other result sets *err: MC_E_UNKNOWN_ACTION, MC_E_NEED_REASON (field:
 * the action), MC_E_FILE / MC_E_NOT_FILE (field: the path), MC_E_NO_DOSSIER
 * (field: the code), MC_E_NOT_ALLOWED (field: the action, status: the local
 * status), MC_E_BLOCKED (field: the code, detail: the blocking entry's id),
 * MC_E_STORE.
 */
enum outbox_act_result outbox_act(struct store *s, const struct outbox_act_request *req,
				  mc_time now, int64_t *id, struct mc_err *err);

/*
 * `motcua queue retry`: re-apply a conflict or refused entry on the
 * server's state with a NEW key (it is a new intent against a new version:
 * tuphap and nnmt would otherwise answer the old key with the old answer).
 * 0, 1 not found (MC_E_NO_ENTRY), 2 refused (MC_E_ENTRY_STATE, or
 * MC_E_NOT_ALLOWED_SERVER with the server's status), -1 error (MC_E_STORE).
 */
int outbox_retry(struct store *s, int64_t id, mc_time now, struct mc_err *err);

/* `motcua queue drop`: 0, 1 not found, 2 refused (MC_E_ENTRY_SENT: being
 * sent, or done), -1. */
int outbox_drop(struct store *s, int64_t id, mc_time now, struct mc_err *err);

/* ---- reading the server after a lost answer ----------------------------- */

/*
 * What the replay knows about the server's copy of a dossier: from a
 * detail read before the first send (the fingerprint, kept in the entry's
 * `probe` column) or after a lost answer.
 */
struct outbox_fingerprint {
	int status;          /* 0 unknown */
	int64_t n_history;   /* -1 unknown */
	mc_time updated_at;  /* 0 unknown */
};

/* "s=4;h=7;u=1773282600" (caller frees) and back (0, or -1 malformed). */
char *outbox_fingerprint_dump(const struct outbox_fingerprint *fp);
int outbox_fingerprint_parse(const char *text, struct outbox_fingerprint *fp);
/* A dossier's fingerprint. */
void outbox_fingerprint_of(const struct dossier *d, struct outbox_fingerprint *fp);

/*
 * Does the dialect need a fingerprint before the FIRST send of `e`?  Only
 * dialects without idempotency and without versions, for actions that do
 * not change the status (forward from "Đang xử lý"): afterwards only the
 * history can tell whether it was applied.
 */
bool outbox_needs_fingerprint(const struct store_outbox_entry *e, bool has_idempotency,
			      bool has_versions);

enum outbox_probe {
	OUTBOX_PROBE_APPLIED = 0,  /* the server shows this action's effect: done */
	OUTBOX_PROBE_NOT_APPLIED,  /* the server is where the action started: send */
	OUTBOX_PROBE_CONFLICT,     /* the server moved elsewhere: the clerk decides */
};

/*
 * After a lost answer, from the server's copy `d` now: was `e` applied?
 * With versions (congan): the base version means not yet; base + 1 with the
 * target status means applied; anything else is a conflict.  Without
 * (tinh, dvcqg): the target status (different from the base) means applied,
 * the base status not yet; a self-loop action compares the history and
 * update time with the fingerprint taken before the first send.
 */
enum outbox_probe outbox_probe_decide(const struct store_outbox_entry *e, bool has_versions,
				      const struct dossier *d);

#endif
