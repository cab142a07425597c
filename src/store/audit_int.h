/*
 * audit_int.h - what protect.c needs from audit.c: keying the audit chain
 * when the store gets its data key.  Store-internal.
 *
 * store_protect_set_key() derives the audit key and then calls
 * store_audit_bind() with what it learned about the key, so the decision
 * "key this chain from here" is taken once, in the same place for every
 * program, and never silently over a chain whose keying was removed.
 */
#ifndef MOTCUA_STORE_AUDIT_INT_H
#define MOTCUA_STORE_AUDIT_INT_H

#include "store/store_int.h"

enum store_audit_bind_why {
	STORE_AUDIT_BIND_KNOWN_KEY, /* the key this store already knew; no transaction open */
	STORE_AUDIT_BIND_FIRST_KEY, /* the store's first data key; inside set_key's transaction */
	STORE_AUDIT_BIND_NEW_KEY,   /* another key than before (the old one was lost); ditto */
	STORE_AUDIT_BIND_RECORD_LOST, /* the keyring held this store's key but the file's
				       * record of it is gone or another, and the store holds
				       * what was written before; ditto */
};

/*
 * Key the chain from its next entry when it is not keyed yet and may be:
 * an empty log, an older store (schema 3), a log written without a
 * Secret Service until now (first key), or a chain keyed under a lost key.
 * A non-empty chain gets an "audit-key" entry saying so (keyed itself).
 * A chain that claims no keying although this store knew its key already,
 * or whose keyed state does not verify, is left alone: verify reports it.
 * RECORD_LOST keys the chain again from a "key-record-lost" audit-key entry
 * (also over an empty log) unless its keyed state verifies under this key;
 * store_audit_verify() then fails at that entry for good.
 * 0, or -1 with store_errmsg().
 */
int store_audit_bind(struct store *s, enum store_audit_bind_why why);

/* ---- shared by audit.c and audit_verify.c ------------------------------ */

#include <stdbool.h>

#include "store/audit.h"

/* What the state row says about keying; from/head as in store_audit_state. */
struct store_audit_keyed {
	char hash[STORE_AUDIT_HASH_LEN + 1]; /* keyed_hash: the hash of entry keyed_head */
	char mac[STORE_AUDIT_HASH_LEN + 1];  /* keyed_mac; "" when NULL */
};

/* An entry's tag: HMAC(audit key, "audit-mac1;" || hash). */
void store_audit_entry_mac(const unsigned char *key, const char *hash,
			   char out[STORE_AUDIT_HASH_LEN + 1]);

/* Whether the state row's keyed tag checks under key. */
bool store_audit_keyed_state_ok(const unsigned char *key, const struct store_audit_state *st,
				const struct store_audit_keyed *k);

/*
 * Read the state row, creating it (with a new random chain id) when absent
 * and create is set.  *clerk (may be NULL) gets the current clerk,
 * malloc'd; *k the keyed part.  0, or -1 with store_errmsg().
 */
int store_audit_state_read(struct store *s, bool create, struct store_audit_state *out,
			   char **clerk, struct store_audit_keyed *k);

#endif
