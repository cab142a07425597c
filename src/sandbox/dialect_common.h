/*
 * dialect_common.h - helpers several dialects share: the resumable upload
 * protocol (tuphap, nnmt), RFC 7807-style problem bodies, request
 * fingerprints and the idempotency ledger around an action (tuphap, nnmt),
 * finding a system's dossier by code or by REST path, reading an action
 * from a dialect's own verb table, the wording of world_act()'s refusals as
 * a table, the default actor, and what a dossier's payment left behind (the
 * channel, the transaction id, the e-receipt) as the dialects and the
 * payment platform all report it.  Date formats are in dialect.h.  What each
 * dialect says, and in which shape, stays in its own file.
 */
#ifndef MOTCUA_SBX_DIALECT_COMMON_H
#define MOTCUA_SBX_DIALECT_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/sandbox.h"

struct world_dossier;

/*
 * The dossier named by `after`, the rest of a path past its collection
 * ("/{code}" or "/{code}/more"), if it belongs to system `src`.  *tail is set
 * to what follows the code ("" or "/more") and *idx to its world index.  Returns NULL when `after` names
 * no code or no such dossier is in that system.
 */
struct world_dossier *dialect_path_dossier(struct sandbox *sb, const char *after, int src,
					   const char **tail, uint32_t *idx);

/*
 * Serve {base}/uploads and {base}/uploads/{id}; `rest` is what follows
 * "/uploads" in the path ("" or "/up-..."); camel picks "uploadId" vs
 * "upload_id" spellings.
 */
void dialect_upload_handle(struct sandbox *sb, int src, const struct sbx_request *req,
			   const char *rest, const char *base, bool camel,
			   struct sbx_response *resp);

/* {"type","title","status","detail"} as application/problem+json. */
void dialect_problem(struct sbx_response *resp, int status, const char *type,
		     const char *detail);

/* SHA-256 hex of path + "\n" + body: what an idempotency key promises.  Caller frees. */
char *dialect_fingerprint(const struct sbx_request *req);

/* `given` when non-empty, else "Cán bộ một cửa".  Borrowed. */
const char *dialect_actor(const char *given);

/*
 * The dossier with this code if it belongs to system `src` (for SRC_DVCQG:
 * if dvcqg holds a copy), and its world index in *idx.  NULL when code is
 * NULL, unknown or of another system (*idx untouched).
 */
struct world_dossier *dialect_find(struct sandbox *sb, const char *code, int src,
				   uint32_t *idx);

/*
 * The action whose name in a dialect's table (indexed by enum action, NULL
 * for actions it lacks) is `name`; ACTION_NONE when none or name is NULL.
 */
enum action dialect_action_named(const char *const table[ACTION_COUNT], const char *name);

/*
 * How a dialect words world_act()'s refusals, indexed by enum
 * world_act_result (the WORLD_ACT_OK entry is not used).  status is the HTTP
 * status where the dialect has one; an entry without code is a refusal the
 * dialect never meets.  Tables are static.
 */
struct dialect_refusal {
	int status;
	const char *code;
	const char *message;
};
#define DIALECT_REFUSALS (WORLD_ACT_NO_FEES + 1)

/* table[r]; NULL for WORLD_ACT_OK, out of range, or an entry without code. */
const struct dialect_refusal *dialect_refusal(const struct dialect_refusal *table,
					      enum world_act_result r);

/*
 * An action under an idempotency key (tuphap's Idempotency-Key, nnmt's
 * X-Request-Id): the key as sent (borrowed from the request; NULL or "" for
 * none) and the request's fingerprint.
 */
struct dialect_idem {
	const char *key;
	char *fp;
	bool settled;   /* answered from the ledger or refused: nothing to remember */
};

/*
 * Read the key from header `key_header` and look it up.  Returns 0: go on
 * with the action; 1: resp holds the remembered answer, marked with header
 * `replayed_header: true`; -1: the key was used for a different request
 * (resp untouched: the dialect words the refusal).  Always end with
 * dialect_idem_end().
 */
int dialect_idem_begin(struct sandbox *sb, int src, const struct sbx_request *req,
		       const char *key_header, const char *replayed_header,
		       struct dialect_idem *idem, struct sbx_response *resp);

/* Remember resp under the key (when there is one, it went on and resp is
 * not a 5xx: a server fault must not be replayed), then free idem's fp. */
void dialect_idem_end(struct sandbox *sb, int src, struct dialect_idem *idem,
		      const struct sbx_response *resp);

/*
 * The file names of the uploads that `ids` (a JSON array of upload ids of
 * system src; anything else counts as empty) lists, into *names (malloc'd,
 * n + 1 entries, always set: the caller frees) and *n.  0, or -1 when one
 * is unknown or not finished.
 */
int dialect_upload_names(struct sandbox *sb, int src, json_t *ids, const char ***names,
			 size_t *n);

/* ---- payment: channel, transaction, e-receipt ---------------------------- */

/*
 * The payment channel the citizen chose, as every system words it: online
 * dossiers pay through the portal ("Cổng DVCQG (VNPT Pay)"), postal ones by
 * bank transfer, the rest in cash at the one-stop desk.  NULL when nothing
 * is due (PAYMENT_NONE); reported for pending and failed payments too.
 * Static text.
 */
const char *dialect_payment_channel(const struct world_dossier *d);

/* The payment platform's MaGiaoDich for d: "GD" yymmdd (of reception) and 8
 * digits, from (seed, gen).  buf >= 20 bytes. */
void dialect_txn_id(const struct sandbox *sb, const struct world_dossier *d, char *buf,
		    size_t size);

/*
 * An e-receipt (biên lai điện tử).  Everything but issuer is copied; issuer
 * is world_unit(d), borrowed: valid until the dossier changes.
 */
struct dialect_receipt {
	char number[8];          /* 7 digits, zero-padded: "0012345" */
	char series[16];         /* "BL" yy "E-" two letters: "BL26E-AB" */
	const char *issuer;      /* the handling unit (DonViXuLy) */
	int64_t amount;          /* đồng: world_fees_total(d) */
	mc_time issued_at;       /* the instant paid */
	char transaction_id[24]; /* dialect_txn_id() */
};

/*
 * The receipt of d, deterministic in (seed, d->gen), into *out.  false
 * (out untouched) unless d is paid and owes more than 0 đ.  It was issued
 * when paid: 5..240 minutes after reception (submission when not received),
 * never after the dossier's last change when that came later; a dossier
 * received at runtime was paid at the desk on reception (world_act), so its
 * receipt carries the reception instant and never lies in the future.
 */
bool dialect_receipt_of(const struct sandbox *sb, const struct world_dossier *d,
			struct dialect_receipt *out);

#endif
