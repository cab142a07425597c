/*
 * protect.h - how the store keeps citizens' personal data at rest: ID
 * numbers sealed with AES-256-GCM under a data key the caller supplies (from
 * the Secret Service), searched through a keyed hash instead of their
 * digits; or not kept at all when there is no key; and finished dossiers
 * removed after the retention period.  doc/security.md is the design note.
 *
 * Modes of a store handle:
 *   STORE_PII_CLEAR   the default of store_open(): ID numbers are stored as
 *                     given.  Only for tests, benchmarks and seeding; the
 *                     program (app_open, through app/privacy.c) always picks one of the others.
 *   STORE_PII_SEALED  store_protect_set_key(): every ID number written is
 *                     sealed ("enc1:" + hex of nonce, ciphertext, tag; the
 *                     dossier code is the associated data), the search text
 *                     holds "idx" + 24 hex digits of HMAC-SHA-256 of the
 *                     folded number instead of the number, and a search
 *                     word that looks like a whole ID number is turned into
 *                     the same token.  Partial ID numbers do not match.
 *   STORE_PII_DROP    store_protect_drop_ids(): no key can be kept, so ID
 *                     numbers are not written at all (reading still opens
 *                     values sealed earlier when a key is set later).
 *
 * Reading a sealed value without the right key gives NULL (the number is
 * "not available on this terminal"), never ciphertext.  The key is copied
 * and wiped at store_close().  It does not get keys (sync/protect.c does),
 * and does not protect names: those stay searchable (doc/security.md says
 * why and what protects them).
 */
#ifndef MOTCUA_STORE_PROTECT_H
#define MOTCUA_STORE_PROTECT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "store/store.h"

#define STORE_DATA_KEY_LEN 32

enum store_pii_mode {
	STORE_PII_CLEAR = 0,
	STORE_PII_SEALED,
	STORE_PII_DROP,
};

enum store_pii_mode store_protect_mode(const struct store *s);

/*
 * Seal ID numbers under `key` from now on.  When this is the store's first
 * key, ID numbers already stored in clear are sealed at once (and the file
 * is vacuumed, so their digits do not linger in free pages); *sealed counts
 * them.  With the key the store already knows nothing is written.  When the
 * store's ID numbers were sealed under ANOTHER key (the keyring item was
 * lost), they cannot be read any more: they are forgotten (*forgotten) and
 * the new key recorded.  The audit chain is keyed accordingly (audit.h).
 *
 * key_existed: the caller FOUND `key` in the keyring for this store (true)
 * rather than creating it now (false).  The file's own record of its key
 * (protect_state) can be deleted by anyone who can write the file, so when
 * the keyring had the key but the file has no record of it, or another, and
 * the store holds history (audit entries, or ID numbers sealed earlier),
 * this is neither a first key nor a lost one: the record was removed.  The
 * key is recorded again, sealed numbers are kept (those that do not open
 * read as unavailable), and the audit chain gets a "key-record-lost" entry
 * that makes store_audit_verify() fail from then on; new entries are keyed.
 * A store without history (just created at a path whose keyring item
 * stayed) is keyed as a first key.
 *
 * Returns 0, or -1 with store_errmsg().  Out pointers may be NULL.
 */
int store_protect_set_key(struct store *s, const unsigned char key[STORE_DATA_KEY_LEN],
			  bool key_existed, int64_t *sealed, int64_t *forgotten);

/* No key: do not write ID numbers.  0. */
int store_protect_drop_ids(struct store *s);

/*
 * Retention: delete finished dossiers (status_is_finished, or a finish
 * time) that finished - or, without a finish time, last changed - before
 * `before`, unless the offline queue has an open entry for them.  The
 * deleted rows' pages are overwritten (secure_delete).  *n = dossiers
 * deleted.  0 or -1.
 */
int store_protect_purge_finished(struct store *s, mc_time before, int64_t *n);

/* The newest change any source reported (max updated_at); 0 when empty. */
int store_protect_data_clock(struct store *s, mc_time *t);

#endif
