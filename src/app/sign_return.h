/*
 * sign_return.h - "Ký và trả kết quả": sign a dossier's result files and
 * queue the return-result action with the files and their signatures, the
 * same way for `motcua act CODE return-result --sign` and the console (one
 * dossier, or a batch of marked dossiers with one PIN/OTP).
 *
 * The flow, in two calls so the caller can ask for the PIN in between:
 *
 *   1. sign_return_prepare(): for each dossier, BEFORE any PIN is asked,
 *      the dossier is in the store, return-result is allowed from its local
 *      status, no unresolved conflict blocks it and every file is a
 *      readable regular file.  Refusals carry the codes `motcua act`
 *      gives (core/error.h).
 *   2. the caller opens the signer and picks the key (the signing job,
 *      sign_job.c, has the PIN or OTP from the clerk by then);
 *   3. sign_return_run(): each ready dossier's files are copied into the data
 *      folder, results/<code>/NAME (folders 0700, files 0600), every copy is
 *      signed in ONE sign_files_ts() batch (one PIN for a token, one OTP for a
 *      remote signer) into results/<code>/NAME.p7s, and each dossier whose
 *      files all signed gets ONE return-result outbox entry whose files are
 *      NAME, NAME.p7s, ... (outbox_act, one transaction with its effect).
 *
 * Why copies: the outbox reads the files when it sends, maybe days later
 * (offline); a copy the clerk does not touch guarantees the bytes uploaded
 * are the bytes signed, and no .p7s lands in a folder the clerk did not
 * expect.  A dossier that fails keeps nothing: its copies and signatures
 * are removed, nothing is queued, its status is unchanged.
 *
 * What it does not do: read configuration, ask for secrets, open the signer
 * or print anything.  A refusal is a code (core/error.h); a signing
 * failure keeps its sign_error; the front ends word both.
 */
#ifndef MOTCUA_APP_SIGN_RETURN_H
#define MOTCUA_APP_SIGN_RETURN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/error.h"
#include "sign/sign.h"
#include "store/store.h"

enum sign_return_state {
	SIGN_RETURN_READY = 0,     /* checked; not signed yet */
	SIGN_RETURN_REFUSED,       /* refused before signing (cause) */
	SIGN_RETURN_SIGN_FAILED,   /* signing failed (err, cause) */
	SIGN_RETURN_QUEUE_FAILED,  /* signed, but the queue refused it (cause) */
	SIGN_RETURN_QUEUED,        /* signed and queued (entry) */
};

/* One dossier's result files and how it went.  Set code/files/n_files,
 * zero the rest; release with sign_return_item_release(). */
struct sign_return_item {
	const char *code;          /* borrowed */
	const char *const *files;  /* borrowed: n_files paths of result files */
	size_t n_files;

	enum sign_return_state state;
	struct sign_error err;     /* SIGN_FAILED: why (status + detail, the file named) */
	struct mc_err refusal;     /* REFUSED, QUEUE_FAILED: why */
	int64_t entry;             /* QUEUED: the outbox entry id */
	char **out;                /* after run: copy, copy.p7s, ... (2 * n_files) */
	size_t n_out;              /* paths in the data folder (malloc'd) */
};

void sign_return_item_release(struct sign_return_item *item);

/*
 * The dossier half of step 1, for a console that asks for the files after
 * it: in the store, return-result allowed from its local status, no
 * unresolved conflict.  0, or -1 with *err.
 */
int sign_return_check_dossier(struct store *s, const char *code, struct mc_err *err);

/*
 * Step 1 for every item (items already refused are skipped).  Returns how
 * many are READY; the others are REFUSED with a cause.  -1 on a store error
 * (every item then REFUSED with it).
 */
int sign_return_prepare(struct store *s, struct sign_return_item *items, size_t n);

/*
 * Step 3: sign the READY items' files with `key` in one batch and queue.
 * tsa: the time-stamping authority every signature is stamped by (RFC 3161;
 * borrowed), or NULL for none; a file it cannot stamp fails with
 * SIGN_ERR_TSA, and so does its dossier (nothing queued).
 * Returns how many items were QUEUED; every other READY item ends
 * SIGN_FAILED or QUEUE_FAILED with its files removed.
 */
size_t sign_return_run(struct store *s, struct signer *signer, const struct sign_key *key,
		       const struct sign_tsa *tsa, struct sign_return_item *items, size_t n,
		       time_t now);

/*
 * The signer could not be opened or gave no key (wrong PIN, no token, OTP
 * refused...): every READY item ends SIGN_FAILED with err.  Nothing was
 * copied or queued yet.
 */
void sign_return_fail_all(struct sign_return_item *items, size_t n,
			  const struct sign_error *err);

/* <data folder>/results/<code> for the store at store_path(); caller frees. */
char *sign_return_dir(struct store *s, const char *code);

#endif
