/*
 * audit.c - the audit log's table (migration 3): append with the hash
 * chain, keying, list and the shipping mark (audit.h; doc/security.md).
 * Verification, which names the first bad entry, is audit_verify.c.
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

#include "core/hex.h"
#include "core/xalloc.h"
#include "store/audit_int.h"
#include "store/protect_int.h"
#include "store/store_int.h"

#define UNKNOWN_CLERK "(không rõ)"

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
						  "reordered", "inserted", "key-record-lost",
						  "replaced", "server-refused"};

	return (size_t)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

const char *
store_audit_tail_name(enum store_audit_tail t)
{
	static const char *const names[] = {"anchored", "unverifiable", "anchored-now"};

	return (size_t)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

const char *
store_audit_keying_name(enum store_audit_keying k)
{
	static const char *const names[] = {"unkeyed", "keyed", "key-unavailable"};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

/* ---- the chain's arithmetic ------------------------------------------- */

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
	hex_encode(md, 32, out);
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
	hex_encode(md, 32, out);
}

/* An entry's tag: HMAC(key, "audit-mac1;" || hash). */
void
store_audit_entry_mac(const unsigned char *key, const char *hash,
		      char out[STORE_AUDIT_HASH_LEN + 1])
{
	char buf[16 + STORE_AUDIT_HASH_LEN + 1];
	int n = snprintf(buf, sizeof buf, "audit-mac1;%s", hash);

	hmac_hex(key, buf, n > 0 && (size_t)n < sizeof buf ? (size_t)n : strlen(buf), out);
}

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

bool
store_audit_keyed_state_ok(const unsigned char *key, const struct store_audit_state *st,
			   const struct store_audit_keyed *k)
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
	if (store_durable_here(s, "writing to the audit log") != 0)
		return -1;
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

static void
column_text(sqlite3_stmt *st, int i, char *out, size_t size)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	snprintf(out, size, "%s", t != NULL ? t : "");
}

/* Read the state row, creating it (with a new random chain id) when absent. */
int
store_audit_state_read(struct store *s, bool create, struct store_audit_state *out,
		       char **clerk, struct store_audit_keyed *k)
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
			   " keyed_mac, shipped_hash, refused_seq, refused_why"
			   " FROM audit_state WHERE id = 1");
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
		column_text(st, 10, out->shipped_hash, sizeof out->shipped_hash);
		out->refused_seq = sqlite3_column_int64(st, 11);
		column_text(st, 12, out->refused_why, sizeof out->refused_why);
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
	return store_audit_state_read(s, false, out, NULL, NULL);
}

int
store_audit_current_clerk(struct store *s, char **clerk)
{
	struct store_audit_state st;

	return store_audit_state_read(s, false, &st, clerk, NULL);
}

/* The hash of entry seq into out: 1 found, 0 none, -1 error. */
static int
entry_hash(struct store *s, int64_t seq, char out[STORE_AUDIT_HASH_LEN + 1])
{
	sqlite3_stmt *st = store_stmt(s, "SELECT hash FROM audit WHERE seq = ?1");
	int rc;

	out[0] = '\0';
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		column_text(st, 0, out, STORE_AUDIT_HASH_LEN + 1);
	else if (rc != SQLITE_DONE)
		store_fail(s, "reading an audit entry");
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_audit_receipt(struct store *s, int64_t seq, const char *hash)
{
	char mine[STORE_AUDIT_HASH_LEN + 1];
	sqlite3_stmt *st;
	int rc = entry_hash(s, seq, mine);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return seq <= 0 ? 0 : 1; /* the server holds an entry we do not */
	if (hash != NULL && strcmp(hash, mine) != 0)
		return 1;
	st = store_stmt(s, "UPDATE audit_state SET shipped_seq = ?1, shipped_hash = ?2"
			   " WHERE id = 1 AND shipped_seq < ?1 AND ?1 <= head_seq");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, mine, -1, SQLITE_TRANSIENT);
	return store_step_done(s, st, "marking audit entries shipped");
}

int
store_audit_mark_shipped(struct store *s, int64_t seq)
{
	return store_audit_receipt(s, seq, NULL) < 0 ? -1 : 0;
}

int
store_audit_set_refused(struct store *s, int64_t seq, const char *why)
{
	/* (forgetting one that is not there writes nothing: every accepted
	 * shipment asks) */
	sqlite3_stmt *st = store_stmt(s, why != NULL ? "UPDATE audit_state SET refused_seq = ?1,"
						    " refused_why = ?2 WHERE id = 1"
						  : "UPDATE audit_state SET refused_seq = ?1,"
						    " refused_why = ?2 WHERE id = 1"
						    " AND refused_seq <> 0");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, why != NULL ? (seq > 0 ? seq : 1) : 0);
	if (why != NULL)
		sqlite3_bind_text(st, 2, why, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	return store_step_done(s, st, "recording the server's refusal of the audit log");
}

/* ---- anchors ---------------------------------------------------------- */

int
store_audit_anchor_get(struct store *s, struct store_audit_anchor *out)
{
	/* not store_audit_state(): no count of the rows (asked every second) */
	sqlite3_stmt *st = store_stmt(s, "SELECT chain, head_seq, head_hash, shipped_seq,"
					 " shipped_hash, refused_seq FROM audit_state WHERE id = 1");
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		column_text(st, 0, out->chain, sizeof out->chain);
		out->head_seq = sqlite3_column_int64(st, 1);
		column_text(st, 2, out->head_hash, sizeof out->head_hash);
		out->shipped_seq = sqlite3_column_int64(st, 3);
		column_text(st, 4, out->shipped_hash, sizeof out->shipped_hash);
		out->refused_seq = sqlite3_column_int64(st, 5);
	} else if (rc != SQLITE_DONE) {
		store_fail(s, "reading the audit log's state");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
store_audit_anchor_holds(struct store *s, const struct store_audit_anchor *a)
{
	struct store_audit_state st;
	char h[STORE_AUDIT_HASH_LEN + 1];
	int rc;

	if (store_audit_state(s, &st) != 0)
		return -1;
	if (a->head_seq == 0 && a->chain[0] == '\0')
		return 1; /* anchored before the first entry */
	/* (a shipped mark behind the receipt is a lost mark, not a cut: the
	 * entries are what count) */
	if (strcmp(a->chain, st.chain) != 0 || st.head_seq < a->head_seq)
		return 0;
	if (a->head_seq > 0) {
		if ((rc = entry_hash(s, a->head_seq, h)) <= 0)
			return rc;
		if (strcmp(h, a->head_hash) != 0)
			return 0;
	}
	if (a->shipped_seq > 0 && a->shipped_hash[0] != '\0') {
		if ((rc = entry_hash(s, a->shipped_seq, h)) <= 0)
			return rc;
		if (strcmp(h, a->shipped_hash) != 0)
			return 0;
	}
	return 1;
}

#define ANCHOR_MAGIC "anchor1"

char *
store_audit_anchor_format(const struct store_audit_anchor *a)
{
	return xasprintf(ANCHOR_MAGIC " %s %" PRId64 " %s %" PRId64 " %s %" PRId64,
			 a->chain[0] != '\0' ? a->chain : "-", a->head_seq,
			 a->head_hash[0] != '\0' ? a->head_hash : "-", a->shipped_seq,
			 a->shipped_hash[0] != '\0' ? a->shipped_hash : "-", a->refused_seq);
}

/* One word of an anchor: hex of at most size-1 digits, or "-" for "". */
static bool
anchor_word(const char *w, size_t len, char *out, size_t size)
{
	if (len == 1 && w[0] == '-') {
		out[0] = '\0';
		return true;
	}
	if (len == 0 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((w[i] >= '0' && w[i] <= '9') || (w[i] >= 'a' && w[i] <= 'f')))
			return false;
	memcpy(out, w, len);
	out[len] = '\0';
	return true;
}

static bool
anchor_num(const char *w, size_t len, int64_t *out)
{
	int64_t v = 0;

	if (len == 0 || len > 18)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		v = v * 10 + (w[i] - '0');
	}
	*out = v;
	return true;
}

int
store_audit_anchor_parse(const char *text, struct store_audit_anchor *out)
{
	const char *w[7];
	size_t len[7], n = 0;
	const char *p = text;

	memset(out, 0, sizeof *out);
	while (n < 7 && *p != '\0') {
		w[n] = p;
		while (*p != '\0' && *p != ' ')
			p++;
		len[n] = (size_t)(p - w[n]);
		n++;
		if (*p == ' ')
			p++;
	}
	if (n != 7 || *p != '\0' || len[0] != strlen(ANCHOR_MAGIC) ||
	    memcmp(w[0], ANCHOR_MAGIC, len[0]) != 0 ||
	    !anchor_word(w[1], len[1], out->chain, sizeof out->chain) ||
	    !anchor_num(w[2], len[2], &out->head_seq) ||
	    !anchor_word(w[3], len[3], out->head_hash, sizeof out->head_hash) ||
	    !anchor_num(w[4], len[4], &out->shipped_seq) ||
	    !anchor_word(w[5], len[5], out->shipped_hash, sizeof out->shipped_hash) ||
	    !anchor_num(w[6], len[6], &out->refused_seq) ||
	    (out->head_seq > 0) != (strlen(out->head_hash) == STORE_AUDIT_HASH_LEN) ||
	    (out->shipped_hash[0] != '\0' && strlen(out->shipped_hash) != STORE_AUDIT_HASH_LEN)) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* ---- append ----------------------------------------------------------- */

static int
append_in_tx(struct store *s, const struct store_audit_record *r, mc_time now, int64_t *seq)
{
	const unsigned char *key = store_protect_audit_key(s);
	struct store_audit_state state;
	struct store_audit_entry e = {0};
	struct store_audit_keyed k;
	char *current = NULL, kmac[STORE_AUDIT_HASH_LEN + 1];
	sqlite3_stmt *st;
	bool keyed;
	int ret = -1;

	if (store_audit_state_read(s, true, &state, &current, &k) != 0)
		return -1;
	/* keyed only under a state that is itself intact: a tag must never
	 * vouch for a chain someone rewrote without the key */
	keyed = key != NULL && store_audit_keyed_state_ok(key, &state, &k);
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
		store_audit_entry_mac(key, e.hash, e.mac);
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
bind_reason(const unsigned char *key, const struct store_audit_state *st, const struct store_audit_keyed *k,
	    enum store_audit_bind_why why, bool *silent)
{
	*silent = st->head_seq == 0;
	if (why == STORE_AUDIT_BIND_RECORD_LOST) {
		/* the file forgot a key the keyring holds: unless its keyed
		 * state still carries that key (only the record went), what
		 * was written before is unproven, and the chain says so -
		 * even an empty log, which may have been emptied */
		*silent = false;
		return st->keyed_from > 0 && store_audit_keyed_state_ok(key, st, k)
			       ? NULL
			       : STORE_AUDIT_REASON_RECORD_LOST;
	}
	if (st->keyed_from > 0) {
		if (store_audit_keyed_state_ok(key, st, k))
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
	struct store_audit_keyed k;
	char mac[STORE_AUDIT_HASH_LEN + 1], details[96];
	const char *reason;
	bool silent;
	sqlite3_stmt *q;
	int ret;

	if (store_audit_state_read(s, true, &st, NULL, &k) != 0)
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
	struct store_audit_keyed k;
	bool silent;

	if (key == NULL)
		return 0;
	if (why != STORE_AUDIT_BIND_KNOWN_KEY)
		return bind_in_tx(s, key, why); /* set_key's transaction is open */
	/* the usual open writes nothing: decide before taking the write lock */
	if (store_audit_state_read(s, false, &st, NULL, &k) != 0)
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
