/*
 * audit.c - the audit log's table (migration 3): append with the hash
 * chain, list, the shipping mark, and verification that names the first bad
 * entry (audit.h; doc/security.md).
 *
 * Hashing uses OpenSSL's SHA-256 and HMAC (libcrypto is linked for signing
 * already; a hand-written SHA-256 would be one more thing to get wrong).
 * The chain is keyed (migration 4) when the store has its data key: each
 * entry's hash gets an HMAC under the audit key derived from it, and the
 * state row remembers the last keyed entry under an HMAC too; the decision
 * to start keying a chain is store_audit_bind() (audit_int.h).  The table
 * refuses UPDATE and DELETE through triggers, which stops mistakes, not an
 * attacker with the file: that is what the chain and the server's copy are
 * for.  It does not decide what is recorded or ship anything.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/xalloc.h"
#include "store/audit_int.h"
#include "store/protect_int.h"
#include "store/store_int.h"

#define UNKNOWN_CLERK "(không rõ)"
/* A removed-and-renumbered entry is recognised this many places back. */
#define RENUMBER_SEARCH 64

void
store_audit_entry_release(struct store_audit_entry *e)
{
	if (e == NULL)
		return;
	free(e->clerk);
	free(e->kind);
	free(e->dossier);
	free(e->purpose);
	free(e->details);
	memset(e, 0, sizeof *e);
}

void
store_audit_list_free(struct store_audit_entry *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		store_audit_entry_release(&v[i]);
	free(v);
}

const char *
store_audit_problem_name(enum store_audit_problem p)
{
	static const char *const names[] = {"ok",       "altered",  "removed",
						  "reordered", "inserted", "key-record-lost"};

	return (size_t)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

const char *
store_audit_keying_name(enum store_audit_keying k)
{
	static const char *const names[] = {"unkeyed", "keyed", "key-unavailable"};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* ---- the chain's arithmetic ------------------------------------------- */

static void
to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
sha256_hex2(const void *a, size_t alen, const void *b, size_t blen,
	    char out[STORE_AUDIT_HASH_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, a, alen) != 1 || EVP_DigestUpdate(ctx, b, blen) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32)
		abort(); /* only without memory */
	EVP_MD_CTX_free(ctx);
	to_hex(md, 32, out);
}

void
store_audit_genesis(const char *chain, char out[STORE_AUDIT_HASH_LEN + 1])
{
	static const char tag[] = "motcua-audit-genesis:";

	sha256_hex2(tag, sizeof tag - 1, chain, strlen(chain), out);
}

/* Append "<len>:<bytes>," or "~" for NULL. */
static void
netstring(char **buf, size_t *len, size_t *cap, const char *v)
{
	size_t n = v != NULL ? strlen(v) : 0, need = *len + n + 24;

	if (need > *cap) {
		*cap = 2 * need;
		*buf = xrealloc(*buf, *cap);
	}
	if (v == NULL) {
		(*buf)[(*len)++] = '~';
	} else {
		*len += (size_t)snprintf(*buf + *len, *cap - *len, "%zu:", n);
		memcpy(*buf + *len, v, n);
		*len += n;
		(*buf)[(*len)++] = ',';
	}
	(*buf)[*len] = '\0';
}

char *
store_audit_canonical(const struct store_audit_entry *e, size_t *len)
{
	char num[2][24];
	size_t cap = 64, n = 0;
	char *buf = xmalloc(cap);

	snprintf(num[0], sizeof num[0], "%" PRId64, e->seq);
	snprintf(num[1], sizeof num[1], "%" PRId64, (int64_t)e->at);
	memcpy(buf, "audit1;", 8);
	n = 7;
	netstring(&buf, &n, &cap, num[0]);
	netstring(&buf, &n, &cap, num[1]);
	netstring(&buf, &n, &cap, e->clerk);
	netstring(&buf, &n, &cap, e->kind);
	netstring(&buf, &n, &cap, e->dossier);
	netstring(&buf, &n, &cap, e->purpose);
	netstring(&buf, &n, &cap, e->details);
	*len = n;
	return buf;
}

void
store_audit_hash(const struct store_audit_entry *e, char out[STORE_AUDIT_HASH_LEN + 1])
{
	size_t n = 0;
	char *c = store_audit_canonical(e, &n);

	sha256_hex2(e->prev_hash, strlen(e->prev_hash), c, n, out);
	free(c);
}

/* ---- the keyed part (local only; the server never sees the key) -------- */

static void
hmac_hex(const unsigned char key[STORE_DATA_KEY_LEN], const void *data, size_t len,
	 char out[STORE_AUDIT_HASH_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (HMAC(EVP_sha256(), key, STORE_DATA_KEY_LEN, data, len, md, &mdlen) == NULL ||
	    mdlen != 32)
		abort(); /* only without memory */
	to_hex(md, 32, out);
}

/* An entry's tag: HMAC(key, "audit-mac1;" || hash). */
static void
entry_mac(const unsigned char *key, const char *hash, char out[STORE_AUDIT_HASH_LEN + 1])
{
	char buf[16 + STORE_AUDIT_HASH_LEN + 1];
	int n = snprintf(buf, sizeof buf, "audit-mac1;%s", hash);

	hmac_hex(key, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : strlen(buf), out);
}

/* What the state row says about keying; from/head as in store_audit_state. */
struct keyed {
	char hash[STORE_AUDIT_HASH_LEN + 1]; /* keyed_hash: the hash of entry keyed_head */
	char mac[STORE_AUDIT_HASH_LEN + 1];  /* keyed_mac; "" when NULL */
};

/* The state's tag over the chain id and where keying starts and stands. */
static void
state_mac(const unsigned char *key, const char *chain, int64_t from, int64_t head,
	  const char *hash, char out[STORE_AUDIT_HASH_LEN + 1])
{
	char num[2][24];
	size_t cap = 160, n = 13;
	char *buf = xmalloc(cap);

	memcpy(buf, "audit-state1;", 14);
	snprintf(num[0], sizeof num[0], "%" PRId64, from);
	snprintf(num[1], sizeof num[1], "%" PRId64, head);
	netstring(&buf, &n, &cap, chain);
	netstring(&buf, &n, &cap, num[0]);
	netstring(&buf, &n, &cap, num[1]);
	netstring(&buf, &n, &cap, hash);
	hmac_hex(key, buf, n, out);
	free(buf);
}

static bool
keyed_state_ok(const unsigned char *key, const struct store_audit_state *st,
	       const struct keyed *k)
{
	char want[STORE_AUDIT_HASH_LEN + 1];

	if (st->keyed_from <= 0 || k->mac[0] == '\0')
		return false;
	state_mac(key, st->chain, st->keyed_from, st->keyed_head, k->hash, want);
	return CRYPTO_memcmp(want, k->mac, STORE_AUDIT_HASH_LEN) == 0;
}

/* ---- transactions (as in outbox.c) ------------------------------------ */

static int
tx_begin(struct store *s)
{
	if (s->in_batch)
		return store_exec(s, "SAVEPOINT audit");
	if (store_exec(s, "PRAGMA synchronous = FULL") != 0)
		return -1;
	return store_exec(s, "BEGIN IMMEDIATE");
}

static int
tx_end(struct store *s, int rc)
{
	if (s->in_batch) {
		if (rc == 0)
			return store_exec(s, "RELEASE audit") == 0 ? 0 : -1;
		sqlite3_exec(s->db, "ROLLBACK TO audit; RELEASE audit", NULL, NULL, NULL);
		return rc;
	}
	if (rc == 0) {
		if (store_exec(s, "COMMIT") == 0)
			return 0;
		rc = -1;
	}
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- state ------------------------------------------------------------ */

/* Read the state row, creating it (with a new random chain id) when absent. */
static int
state_read(struct store *s, bool create, struct store_audit_state *out, char **clerk,
	   struct keyed *k)
{
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (k != NULL)
		memset(k, 0, sizeof *k);
	if (clerk != NULL)
		*clerk = NULL;
	if (create) {
		st = store_stmt(s, "INSERT OR IGNORE INTO audit_state (id, chain)"
				   " VALUES (1, lower(hex(randomblob(16))))");
		if (st == NULL || store_step_done(s, st, "starting the audit log") != 0)
			return -1;
	}
	st = store_stmt(s, "SELECT chain, head_seq, head_hash, shipped_seq, clerk,"
			   " (SELECT count(*) FROM audit), keyed_from, keyed_head, keyed_hash,"
			   " keyed_mac FROM audit_state WHERE id = 1");
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *chain = (const char *)sqlite3_column_text(st, 0);
		const char *head = (const char *)sqlite3_column_text(st, 2);

		snprintf(out->chain, sizeof out->chain, "%s", chain != NULL ? chain : "");
		out->head_seq = sqlite3_column_int64(st, 1);
		snprintf(out->head_hash, sizeof out->head_hash, "%s", head != NULL ? head : "");
		out->shipped_seq = sqlite3_column_int64(st, 3);
		if (clerk != NULL)
			*clerk = store_column_dup(st, 4);
		out->total = sqlite3_column_int64(st, 5);
		out->keyed_from = sqlite3_column_int64(st, 6);
		out->keyed_head = sqlite3_column_int64(st, 7);
		if (k != NULL) {
			const char *kh = (const char *)sqlite3_column_text(st, 8);
			const char *km = (const char *)sqlite3_column_text(st, 9);

			snprintf(k->hash, sizeof k->hash, "%s", kh != NULL ? kh : "");
			snprintf(k->mac, sizeof k->mac, "%s", km != NULL ? km : "");
		}
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "reading the audit log's state");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		/* never written: count rows all the same (a forged table) */
		st = store_stmt(s, "SELECT count(*) FROM audit");
		if (st == NULL)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW)
			out->total = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return 0;
}

int
store_audit_state(struct store *s, struct store_audit_state *out)
{
	return state_read(s, false, out, NULL, NULL);
}

int
store_audit_current_clerk(struct store *s, char **clerk)
{
	struct store_audit_state st;

	return state_read(s, false, &st, clerk, NULL);
}

int
store_audit_mark_shipped(struct store *s, int64_t seq)
{
	sqlite3_stmt *st = store_stmt(s, "UPDATE audit_state SET shipped_seq = ?1"
					 " WHERE id = 1 AND shipped_seq < ?1 AND ?1 <= head_seq");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	return store_step_done(s, st, "marking audit entries shipped");
}

/* ---- append ----------------------------------------------------------- */

static int
append_in_tx(struct store *s, const struct store_audit_record *r, mc_time now, int64_t *seq)
{
	const unsigned char *key = store_protect_audit_key(s);
	struct store_audit_state state;
	struct store_audit_entry e = {0};
	struct keyed k;
	char *current = NULL, kmac[STORE_AUDIT_HASH_LEN + 1];
	sqlite3_stmt *st;
	bool keyed;
	int ret = -1;

	if (state_read(s, true, &state, &current, &k) != 0)
		return -1;
	/* keyed only under a state that is itself intact: a tag must never
	 * vouch for a chain someone rewrote without the key */
	keyed = key != NULL && keyed_state_ok(key, &state, &k);
	e.seq = state.head_seq + 1;
	e.at = now;
	e.clerk = xstrdup(r->clerk != NULL && r->clerk[0] != '\0' ? r->clerk
				: current != NULL ? current : UNKNOWN_CLERK);
	e.kind = xstrdup(r->kind);
	e.dossier = xstrdup_or_null(r->dossier);
	e.purpose = xstrdup_or_null(r->purpose);
	e.details = xstrdup(r->details != NULL ? r->details : "{}");
	if (state.head_seq == 0)
		store_audit_genesis(state.chain, e.prev_hash);
	else
		snprintf(e.prev_hash, sizeof e.prev_hash, "%s", state.head_hash);
	store_audit_hash(&e, e.hash);
	if (keyed) {
		entry_mac(key, e.hash, e.mac);
		state_mac(key, state.chain, state.keyed_from, e.seq, e.hash, kmac);
	}

	st = store_stmt(s, "INSERT INTO audit (seq, at, clerk, kind, dossier, purpose, details,"
			   " prev_hash, hash, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, e.seq);
	sqlite3_bind_int64(st, 2, e.at);
	store_bind_text(st, 3, e.clerk);
	store_bind_text(st, 4, e.kind);
	store_bind_text(st, 5, e.dossier);
	store_bind_text(st, 6, e.purpose);
	store_bind_text(st, 7, e.details);
	store_bind_text(st, 8, e.prev_hash);
	store_bind_text(st, 9, e.hash);
	store_bind_text(st, 10, keyed ? e.mac : NULL);
	if (store_step_done(s, st, "appending to the audit log") != 0)
		goto out;

	st = store_stmt(s, "UPDATE audit_state SET head_seq = ?1, head_hash = ?2,"
			   " clerk = CASE ?3 WHEN 'signin' THEN ?4 WHEN 'signout' THEN NULL"
			   " ELSE clerk END,"
			   " keyed_head = CASE WHEN ?5 IS NULL THEN keyed_head ELSE ?1 END,"
			   " keyed_hash = CASE WHEN ?5 IS NULL THEN keyed_hash ELSE ?2 END,"
			   " keyed_mac = coalesce(?5, keyed_mac) WHERE id = 1");
	if (st == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, e.seq);
	store_bind_text(st, 2, e.hash);
	store_bind_text(st, 3, e.kind);
	store_bind_text(st, 4, e.clerk);
	store_bind_text(st, 5, keyed ? kmac : NULL);
	if (store_step_done(s, st, "appending to the audit log") != 0)
		goto out;
	if (seq != NULL)
		*seq = e.seq;
	ret = 0;
out:
	free(current);
	store_audit_entry_release(&e);
	return ret;
}

int
store_audit_append(struct store *s, const struct store_audit_record *r, mc_time now,
		   int64_t *seq)
{
	if (r->kind == NULL || r->kind[0] == '\0')
		return store_failf(s, "an audit entry needs a kind");
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, append_in_tx(s, r, now, seq));
}

/* ---- keying a chain (audit_int.h) ------------------------------------- */

/*
 * Why the chain is to be keyed from its next entry, or NULL when it stays as
 * it is.  *silent: nothing written before, so no "audit-key" entry is needed.
 */
static const char *
bind_reason(const unsigned char *key, const struct store_audit_state *st, const struct keyed *k,
	    enum store_audit_bind_why why, bool *silent)
{
	*silent = st->head_seq == 0;
	if (why == STORE_AUDIT_BIND_RECORD_LOST) {
		/* the file forgot a key the keyring holds: unless its keyed
		 * state still carries that key (only the record went), what
		 * was written before is unproven, and the chain says so -
		 * even an empty log, which may have been emptied */
		*silent = false;
		return st->keyed_from > 0 && keyed_state_ok(key, st, k)
			       ? NULL
			       : STORE_AUDIT_REASON_RECORD_LOST;
	}
	if (st->keyed_from > 0) {
		if (keyed_state_ok(key, st, k))
			return NULL; /* keyed under this key: the usual case */
		/* under a lost key (the item was replaced) it starts again; else
		 * the state was rewritten without the key: verify says so */
		return why == STORE_AUDIT_BIND_NEW_KEY ? "new-key" : NULL;
	}
	if (st->keyed_from < 0)
		return "upgrade"; /* written by a version that did not key */
	if (*silent)
		return "new";
	/* entries, never keyed: fine while there was no key; but a store that
	 * knew its key keyed its chain at once, so its keying was removed */
	switch (why) {
	case STORE_AUDIT_BIND_FIRST_KEY:
		return "first-key";
	case STORE_AUDIT_BIND_NEW_KEY:
		return "new-key";
	case STORE_AUDIT_BIND_KNOWN_KEY:
	case STORE_AUDIT_BIND_RECORD_LOST:
		break;
	}
	return NULL;
}

static int
bind_in_tx(struct store *s, const unsigned char *key, enum store_audit_bind_why why)
{
	struct store_audit_state st;
	struct keyed k;
	char mac[STORE_AUDIT_HASH_LEN + 1], details[96];
	const char *reason;
	bool silent;
	sqlite3_stmt *q;
	int ret;

	if (state_read(s, true, &st, NULL, &k) != 0)
		return -1;
	reason = bind_reason(key, &st, &k, why, &silent);
	if (reason == NULL)
		return 0;
	state_mac(key, st.chain, st.head_seq + 1, st.head_seq, st.head_hash, mac);
	q = store_stmt(s, "UPDATE audit_state SET keyed_from = ?1, keyed_head = ?2,"
			  " keyed_hash = ?3, keyed_mac = ?4 WHERE id = 1");
	if (q == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, st.head_seq + 1);
	sqlite3_bind_int64(q, 2, st.head_seq);
	store_bind_text(q, 3, st.head_hash);
	store_bind_text(q, 4, mac);
	if (store_step_done(s, q, "keying the audit log") != 0)
		return -1;
	if (silent)
		return 0;
	/* the chain says where keying starts and how many entries came before;
	 * this entry is keyed, and shipped like any other */
	snprintf(details, sizeof details, "{\"reason\":\"%s\",\"unkeyed\":%" PRId64 "}", reason,
		 st.head_seq);
	ret = append_in_tx(s,
			   &(struct store_audit_record){.kind = STORE_AUDIT_KEYED,
							.details = details},
			   (mc_time)time(NULL), NULL);
	return ret;
}

int
store_audit_bind(struct store *s, enum store_audit_bind_why why)
{
	const unsigned char *key = store_protect_audit_key(s);
	struct store_audit_state st;
	struct keyed k;
	bool silent;

	if (key == NULL)
		return 0;
	if (why != STORE_AUDIT_BIND_KNOWN_KEY)
		return bind_in_tx(s, key, why); /* set_key's transaction is open */
	/* the usual open writes nothing: decide before taking the write lock */
	if (state_read(s, false, &st, NULL, &k) != 0)
		return -1;
	if (bind_reason(key, &st, &k, why, &silent) == NULL)
		return 0;
	if (tx_begin(s) != 0)
		return -1;
	return tx_end(s, bind_in_tx(s, key, why));
}

/* ---- list ------------------------------------------------------------- */

static void
row_to_entry(sqlite3_stmt *st, struct store_audit_entry *e)
{
	const char *prev = (const char *)sqlite3_column_text(st, 7);
	const char *hash = (const char *)sqlite3_column_text(st, 8);
	const char *mac = (const char *)sqlite3_column_text(st, 9);

	e->seq = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->clerk = store_column_dup(st, 2);
	e->kind = store_column_dup(st, 3);
	e->dossier = store_column_dup(st, 4);
	e->purpose = store_column_dup(st, 5);
	e->details = store_column_dup(st, 6);
	snprintf(e->prev_hash, sizeof e->prev_hash, "%s", prev != NULL ? prev : "");
	snprintf(e->hash, sizeof e->hash, "%s", hash != NULL ? hash : "");
	snprintf(e->mac, sizeof e->mac, "%s", mac != NULL ? mac : "");
}

int
store_audit_list(struct store *s, int64_t after, int64_t limit, struct store_audit_entry **out,
		 size_t *n)
{
	const char *sql =
		after > 0 ? "SELECT seq, at, clerk, kind, dossier, purpose, details, prev_hash,"
			    " hash, mac FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"
			  : "SELECT * FROM (SELECT seq, at, clerk, kind, dossier, purpose, details,"
			    " prev_hash, hash, mac FROM audit ORDER BY seq DESC LIMIT ?2) ORDER BY seq";
	sqlite3_stmt *st = store_stmt(s, sql);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap != 0 ? 2 * cap : 64;
			*out = xreallocarray(*out, cap, sizeof **out);
		}
		memset(&(*out)[*n], 0, sizeof **out);
		row_to_entry(st, &(*out)[(*n)++]);
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "reading the audit log");
		sqlite3_reset(st);
		store_audit_list_free(*out, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

/* ---- verification ----------------------------------------------------- */

static bool
hash_with_seq(const struct store_audit_entry *e, int64_t seq)
{
	struct store_audit_entry t = *e;
	char h[STORE_AUDIT_HASH_LEN + 1];

	t.seq = seq;
	store_audit_hash(&t, h);
	return strcmp(h, e->hash) == 0;
}

struct by_hash {
	const char *hash;
	size_t i;
};

static int
cmp_by_hash(const void *a, const void *b)
{
	return strcmp(((const struct by_hash *)a)->hash, ((const struct by_hash *)b)->hash);
}

/* Index of the entry whose own hash is `hash`, or -1. */
static long
find_hash(const struct by_hash *idx, size_t n, const char *hash)
{
	struct by_hash key = {hash, 0};
	const struct by_hash *f = bsearch(&key, idx, n, sizeof *idx, cmp_by_hash);

	return f != NULL ? (long)f->i : -1;
}

/*
 * Where each entry was written in the chain, from the links alone: depth[i]
 * = 1 when it follows the genesis, depth(predecessor) + 1 otherwise, 0 when
 * its predecessor is nowhere (removed or forged).
 */
static void
chain_depths(const struct store_audit_entry *v, size_t n, const struct by_hash *idx,
	     const char *genesis, int64_t *depth)
{
	size_t *path = xcalloc(n + 1, sizeof *path);

	for (size_t i = 0; i < n; i++)
		depth[i] = -1; /* not known yet; -2: on the path being walked */
	for (size_t i = 0; i < n; i++) {
		size_t len = 0, k = i;
		int64_t base;

		/* walk back until a known depth, the genesis or a dead end */
		for (;;) {
			long p;

			if (depth[k] >= 0) {
				base = depth[k] > 0 ? depth[k] : -1;
				break;
			}
			if (depth[k] == -2) {
				base = -1; /* a cycle: forged */
				break;
			}
			depth[k] = -2;
			path[len++] = k;
			if (strcmp(v[k].prev_hash, genesis) == 0) {
				base = 0;
				break;
			}
			p = find_hash(idx, n, v[k].prev_hash);
			if (p < 0) {
				base = -1;
				break;
			}
			k = (size_t)p;
		}
		/* unwind: the last walked entry follows `base` */
		while (len > 0) {
			size_t j = path[--len];

			depth[j] = base >= 0 ? ++base : 0;
		}
	}
	free(path);
}

static int
verdict(struct store_audit_verdict *v, enum store_audit_problem p, int64_t seq, const char *fmt,
	...) __attribute__((format(printf, 4, 5)));

static int
verdict(struct store_audit_verdict *v, enum store_audit_problem p, int64_t seq, const char *fmt,
	...)
{
	va_list ap;

	v->problem = p;
	v->seq = seq;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof v->why, fmt, ap);
	va_end(ap);
	return 0;
}

/* Another entry than i that claims the same predecessor; -1 when none. */
static long
twin_of(const struct store_audit_entry *v, size_t n, size_t i)
{
	for (size_t j = 0; j < n; j++)
		if (j != i && strcmp(v[j].prev_hash, v[i].prev_hash) == 0)
			return (long)j;
	return -1;
}

static int
check_chain(const struct store_audit_entry *v, size_t n, const struct store_audit_state *st,
	    struct store_audit_verdict *out)
{
	char genesis[STORE_AUDIT_HASH_LEN + 1], h[STORE_AUDIT_HASH_LEN + 1];
	struct by_hash *idx = xcalloc(n + 1, sizeof *idx);
	int64_t *depth = xcalloc(n + 1, sizeof *depth);
	const char *prev;
	int64_t expect = 1;
	int ret = 0;

	store_audit_genesis(st->chain, genesis);
	for (size_t i = 0; i < n; i++)
		idx[i] = (struct by_hash){v[i].hash, i};
	qsort(idx, n, sizeof *idx, cmp_by_hash);
	chain_depths(v, n, idx, genesis, depth);
	prev = genesis;
	for (size_t i = 0; i < n; i++, out->checked++) {
		const struct store_audit_entry *e = &v[i];
		long twin;

		store_audit_hash(e, h);
		if (strcmp(h, e->hash) != 0) {
			if (depth[i] > 0 && depth[i] != e->seq && hash_with_seq(e, depth[i])) {
				twin = twin_of(v, n, i);
				if (twin >= 0 && v[twin].seq < e->seq && depth[twin] == depth[i])
					goto inserted;
				verdict(out, STORE_AUDIT_REORDERED, e->seq,
					"seq %" PRId64 ": reordered: this entry was written as "
					"seq %" PRId64, e->seq, depth[i]);
				goto out;
			}
			for (int64_t k = 1; depth[i] == 0 && k <= RENUMBER_SEARCH; k++) {
				if (hash_with_seq(e, e->seq + k)) {
					verdict(out, STORE_AUDIT_REMOVED, e->seq,
						"seq %" PRId64 ": removed: %" PRId64 " entr%s before "
						"this one (written as seq %" PRId64 ") are missing and "
						"the rest renumbered", e->seq, k, k == 1 ? "y" : "ies",
						e->seq + k);
					goto out;
				}
			}
			verdict(out, STORE_AUDIT_ALTERED, e->seq,
				"seq %" PRId64 ": altered: its content does not match its hash",
				e->seq);
			goto out;
		}
		if (e->seq != expect && e->seq > expect && strcmp(e->prev_hash, prev) != 0) {
			verdict(out, STORE_AUDIT_REMOVED, expect,
				"seq %" PRId64 ": removed: entries %" PRId64 "..%" PRId64
				" are missing", expect, expect, e->seq - 1);
			goto out;
		}
		if (strcmp(e->prev_hash, prev) != 0) {
			twin = twin_of(v, n, i);
			if (depth[i] == 0) {
				verdict(out, STORE_AUDIT_ALTERED, e->seq > 1 ? e->seq - 1 : e->seq,
					"seq %" PRId64 ": altered: the entry before seq %" PRId64
					" was rewritten (no entry has the hash it follows)",
					e->seq > 1 ? e->seq - 1 : e->seq, e->seq);
				goto out;
			}
			if (twin >= 0 && v[twin].seq < e->seq) {
inserted:
				verdict(out, STORE_AUDIT_INSERTED, v[twin].seq,
					"seq %" PRId64 ": inserted: it and seq %" PRId64 " both "
					"claim the same predecessor; seq %" PRId64 " is the one "
					"written there", v[twin].seq, e->seq, e->seq);
				goto out;
			}
			verdict(out, STORE_AUDIT_REORDERED, e->seq,
				"seq %" PRId64 ": reordered: it follows another entry than "
				"seq %" PRId64, e->seq, e->seq - 1);
			goto out;
		}
		if (e->seq != expect) {
			verdict(out, STORE_AUDIT_REORDERED, e->seq,
				"seq %" PRId64 ": reordered: expected seq %" PRId64, e->seq, expect);
			goto out;
		}
		prev = e->hash;
		expect = e->seq + 1;
	}
	if (st->head_seq > expect - 1) {
		verdict(out, STORE_AUDIT_REMOVED, expect,
			"seq %" PRId64 ": removed: the log ends at seq %" PRId64 " but seq %" PRId64
			" was written", expect, expect - 1, st->head_seq);
	} else if (n > 0 && st->head_seq == v[n - 1].seq &&
		   strcmp(st->head_hash, v[n - 1].hash) != 0) {
		verdict(out, STORE_AUDIT_ALTERED, v[n - 1].seq,
			"seq %" PRId64 ": altered: the last entry is not the one written",
			v[n - 1].seq);
	} else if (st->head_seq < expect - 1) {
		verdict(out, STORE_AUDIT_INSERTED, st->head_seq + 1,
			"seq %" PRId64 ": inserted: the log was written up to seq %" PRId64,
			st->head_seq + 1, st->head_seq);
	} else if (st->shipped_seq > expect - 1) {
		verdict(out, STORE_AUDIT_REMOVED, expect,
			"seq %" PRId64 ": removed: the server holds entries up to %" PRId64,
			expect, st->shipped_seq);
	}
out:
	free(idx);
	free(depth);
	return ret;
}

/*
 * After the chain itself verified (entries 1..n in order): the keyed part.
 * The tag of entry keyed_head commits every entry up to it through the
 * hashes, and the state's own tag says which entry that is.
 */
static void
check_keyed(const unsigned char *key, const struct store_audit_entry *v, size_t n,
	    const struct store_audit_state *st, const struct keyed *k,
	    struct store_audit_verdict *out)
{
	char h[STORE_AUDIT_HASH_LEN + 1];
	int64_t from = st->keyed_from, head = st->keyed_head;

	out->keyed_from = from;
	out->keyed_head = head;
	out->unkeyed = (int64_t)n;
	if (key == NULL) {
		out->keying = from > 0 ? STORE_AUDIT_KEY_ABSENT : STORE_AUDIT_UNKEYED;
		snprintf(out->note, sizeof out->note, "%s",
			 from > 0 ? "keyed tags not checked: the audit key is in the Secret "
				    "Service, which is not reachable here"
				  : "chain not keyed (no Secret Service): proves order and integrity "
				    "against accidents, not against someone who can rewrite the file");
		return;
	}
	out->keying = STORE_AUDIT_KEY_CHECKED;
	if (from <= 0) {
		if (n == 0)
			return;
		verdict(out, STORE_AUDIT_ALTERED, 1,
			"seq 1: altered: this terminal keys its audit log but the chain carries no "
			"key: its keying was removed (rewritten without the key)");
		return;
	}
	if (!keyed_state_ok(key, st, k)) {
		verdict(out, STORE_AUDIT_ALTERED, head > 0 ? head : 1,
			"seq %" PRId64 ": altered: the log's keyed state does not carry this "
			"terminal's audit key (rewritten without it)", head > 0 ? head : 1);
		return;
	}
	for (size_t i = from > 1 ? (size_t)(from - 1) : 0; i < n; i++) {
		if (v[i].mac[0] == '\0') {
			if (v[i].seq == head) {
				verdict(out, STORE_AUDIT_ALTERED, head,
					"seq %" PRId64 ": altered: its keyed tag was removed", head);
				return;
			}
			continue; /* written without the Secret Service */
		}
		entry_mac(key, v[i].hash, h);
		if (CRYPTO_memcmp(h, v[i].mac, STORE_AUDIT_HASH_LEN) != 0 ||
		    strlen(v[i].mac) != STORE_AUDIT_HASH_LEN) {
			verdict(out, STORE_AUDIT_ALTERED, v[i].seq,
				"seq %" PRId64 ": altered: its keyed tag does not match (rewritten "
				"without the audit key)", v[i].seq);
			return;
		}
	}
	if (head > (int64_t)n) {
		verdict(out, STORE_AUDIT_REMOVED, (int64_t)n + 1,
			"seq %" PRId64 ": removed: entries up to seq %" PRId64 " were written with "
			"the audit key but the log ends at seq %zu", (int64_t)n + 1, head, n);
		return;
	}
	if (head > 0 && strcmp(v[head - 1].hash, k->hash) != 0) {
		verdict(out, STORE_AUDIT_ALTERED, head,
			"seq %" PRId64 ": altered: not the entry written with the audit key", head);
		return;
	}
	out->unkeyed = (from - 1) + ((int64_t)n - head);
	if (from > 1 && (int64_t)n > head)
		snprintf(out->note, sizeof out->note,
			 "keyed from seq %" PRId64 " (entries before it were written before the "
			 "chain was keyed); %" PRId64 " entr%s after seq %" PRId64 " written without "
			 "the audit key", from, (int64_t)n - head, (int64_t)n - head == 1 ? "y" : "ies",
			 head);
	else if (from > 1)
		snprintf(out->note, sizeof out->note,
			 "keyed from seq %" PRId64 " (entries before it were written before the "
			 "chain was keyed)", from);
	else if ((int64_t)n > head)
		snprintf(out->note, sizeof out->note,
			 "%" PRId64 " entr%s after seq %" PRId64 " written without the audit key "
			 "(no Secret Service then)", (int64_t)n - head,
			 (int64_t)n - head == 1 ? "y" : "ies", head);
}

/*
 * After the chain verified: a "key-record-lost" mark (audit_int.h) fails the
 * log at the mark, unless another problem was found before it.  The mark is
 * in the chain, so this holds without the key too; entries after it are
 * keyed as usual.
 */
static void
check_record_lost(const struct store_audit_entry *v, size_t n, struct store_audit_verdict *out)
{
	static const char mark[] = "{\"reason\":\"" STORE_AUDIT_REASON_RECORD_LOST "\"";

	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].kind, STORE_AUDIT_KEYED) != 0 || v[i].details == NULL ||
		    strncmp(v[i].details, mark, sizeof mark - 1) != 0 ||
		    (v[i].details[sizeof mark - 1] != ',' && v[i].details[sizeof mark - 1] != '}'))
			continue;
		if (out->problem != STORE_AUDIT_OK && out->seq < v[i].seq)
			return;
		verdict(out, STORE_AUDIT_KEY_LOST, v[i].seq,
			"seq %" PRId64 ": key-record-lost: the store's key record was removed or replaced "
			"while the keyring still holds its key; entries before it may have been "
			"rewritten", v[i].seq);
		snprintf(out->note, sizeof out->note,
			 "keyed again from seq %" PRId64 " after the store's record of its key was "
			 "removed or replaced; compare entries 1..%" PRId64 " with the server's copy",
			 v[i].seq, v[i].seq - 1);
		return;
	}
}

int
store_audit_verify(struct store *s, struct store_audit_verdict *out)
{
	struct store_audit_state st;
	struct store_audit_entry *v = NULL;
	struct keyed k;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->why, sizeof out->why, "ok");
	if (state_read(s, false, &st, NULL, &k) != 0 || store_audit_list(s, 0, 0, &v, &n) != 0)
		return -1;
	if (st.chain[0] == '\0' && n > 0) {
		store_audit_list_free(v, n);
		return verdict(out, STORE_AUDIT_INSERTED, 1,
			       "seq 1: inserted: entries without a chain");
	}
	out->keyed_from = st.keyed_from;
	out->keyed_head = st.keyed_head;
	rc = check_chain(v, n, &st, out);
	if (rc == 0 && out->problem == STORE_AUDIT_OK) {
		check_keyed(store_protect_audit_key(s), v, n, &st, &k, out);
		check_record_lost(v, n, out);
	}
	store_audit_list_free(v, n);
	return rc;
}
