/*
 * protect.c - cached personal data at rest (protect.h): ID numbers sealed
 * with AES-256-GCM, the keyed search token, the one-time sealing of numbers
 * stored in clear, and the retention purge.
 *
 * Primitives are OpenSSL's (libcrypto): AES-256-GCM with a random 96-bit
 * nonce per value and the dossier code as associated data (a sealed number
 * copied onto another dossier does not open), HMAC-SHA-256 for key
 * derivation and the search token.  Three keys are derived from the data key
 * so the token key never encrypts and the encryption key never hashes; the
 * third keys the audit chain (audit.c binds it at set-key time).
 * Getting the data key is not done here (sync/protect.c).
 */
#include "store/protect_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/hex.h"
#include "core/fold.h"
#include "store/audit_int.h"
#include "core/xalloc.h"

#define NONCE_LEN 12
#define TAG_LEN 16
#define TOKEN_HEX 24
#define MAX_ID_LEN 256
/* OpenSSL's generator costs about as much per call as per 400 bytes. */
#define NONCE_BATCH 32

/*
 * The keys, and contexts already keyed with them: a first sync seals and
 * tokenises one number per dossier, and setting a key up each time (the
 * AES key schedule, HMAC's padded key, OpenSSL's algorithm lookup) cost
 * more than the work itself - 7 % of the sync's CPU.  The contexts are
 * made at store_protect_set_key() and freed with the keys.
 */
struct store_protect {
	enum store_pii_mode mode;
	unsigned char enc_key[32];
	unsigned char mac_key[32];
	unsigned char audit_key[32]; /* the audit chain's HMAC key (audit.c) */
	EVP_CIPHER_CTX *seal;	     /* AES-256-GCM, enc_key, encrypting */
	EVP_CIPHER_CTX *open;	     /* the same, decrypting */
	EVP_MAC *hmac;
	EVP_MAC_CTX *token; /* HMAC-SHA-256 keyed with mac_key */
	/* random nonces drawn NONCE_BATCH at a time (next_nonce()) */
	unsigned char nonces[NONCE_BATCH * NONCE_LEN];
	size_t nonces_left;
	pid_t nonces_pid;
};

/* Free the contexts and wipe the keys; the mode is left to the caller. */
static void
protect_clear(struct store_protect *p)
{
	EVP_CIPHER_CTX_free(p->seal);
	EVP_CIPHER_CTX_free(p->open);
	EVP_MAC_CTX_free(p->token);
	EVP_MAC_free(p->hmac);
	OPENSSL_cleanse(p, sizeof *p);
}

void
store_protect_free(struct store_protect *p)
{
	if (p == NULL)
		return;
	protect_clear(p);
	free(p);
}

enum store_pii_mode
store_protect_mode(const struct store *s)
{
	return s->protect != NULL ? s->protect->mode : STORE_PII_CLEAR;
}

const unsigned char *
store_protect_audit_key(const struct store *s)
{
	return s->protect != NULL && s->protect->mode == STORE_PII_SEALED ? s->protect->audit_key
									   : NULL;
}

static int
unhex(const char *s, unsigned char *out, size_t max, size_t *n)
{
	size_t len = strlen(s);

	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int v = 0;

		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];
			int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d < 0)
				return -1;
			v = v * 16 + d;
		}
		out[i] = (unsigned char)v;
	}
	*n = len / 2;
	return 0;
}

static void
hmac(const unsigned char key[32], const void *data, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	if (HMAC(EVP_sha256(), key, 32, data, len, out, &n) == NULL || n != 32)
		abort(); /* only without memory */
}

/* ---- sealing ---------------------------------------------------------- */

/*
 * A fresh random nonce: 0, or -1 when the generator fails.  They are drawn
 * in batches, each used once; a child process (fork) never uses its
 * parent's batch, which the parent goes on using.
 */
static int
next_nonce(struct store_protect *p, unsigned char out[NONCE_LEN])
{
	pid_t pid = getpid();

	if (p->nonces_left == 0 || p->nonces_pid != pid) {
		if (RAND_bytes(p->nonces, sizeof p->nonces) != 1)
			return -1;
		p->nonces_left = NONCE_BATCH;
		p->nonces_pid = pid;
	}
	p->nonces_left--;
	memcpy(out, p->nonces + p->nonces_left * NONCE_LEN, NONCE_LEN);
	OPENSSL_cleanse(p->nonces + p->nonces_left * NONCE_LEN, NONCE_LEN);
	return 0;
}

char *
store_pii_seal(struct store *s, const char *code, const char *id)
{
	struct store_protect *p = s->protect;
	unsigned char buf[NONCE_LEN + MAX_ID_LEN + TAG_LEN];
	size_t len = id != NULL ? strlen(id) : 0;
	EVP_CIPHER_CTX *ctx;
	char *out = NULL;
	int n = 0, fin = 0;

	if (id == NULL || id[0] == '\0')
		return NULL;
	if (p == NULL || p->mode == STORE_PII_CLEAR)
		return xstrdup(id);
	if (p->mode == STORE_PII_DROP || len > MAX_ID_LEN)
		return NULL; /* an "ID number" this long is not one: not kept */
	if (next_nonce(p, buf) != 0)
		return NULL;
	ctx = p->seal;
	/* the key is set: only the nonce is new */
	if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, buf) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)code, (int)strlen(code)) != 1 ||
	    EVP_EncryptUpdate(ctx, buf + NONCE_LEN, &n, (const unsigned char *)id, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, buf + NONCE_LEN + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
				buf + NONCE_LEN + n + fin) != 1)
		goto out;
	len = NONCE_LEN + (size_t)n + (size_t)fin + TAG_LEN;
	out = xmalloc(sizeof STORE_PII_PREFIX + 2 * len);
	memcpy(out, STORE_PII_PREFIX, sizeof STORE_PII_PREFIX - 1);
	hex_encode(buf, len, out + sizeof STORE_PII_PREFIX - 1);
out:
	OPENSSL_cleanse(buf, sizeof buf);
	return out;
}

char *
store_pii_open(struct store *s, const char *code, const char *stored)
{
	struct store_protect *p = s->protect;
	unsigned char buf[NONCE_LEN + MAX_ID_LEN + TAG_LEN], plain[MAX_ID_LEN + 1];
	EVP_CIPHER_CTX *ctx;
	char *out = NULL;
	size_t len = 0;
	int n = 0, fin = 0;

	if (stored == NULL || stored[0] == '\0')
		return NULL;
	if (strncmp(stored, STORE_PII_PREFIX, sizeof STORE_PII_PREFIX - 1) != 0)
		return xstrdup(stored); /* written in clear (tests, older stores) */
	if (p == NULL || p->mode != STORE_PII_SEALED)
		return NULL;
	if (unhex(stored + sizeof STORE_PII_PREFIX - 1, buf, sizeof buf, &len) != 0 ||
	    len < NONCE_LEN + TAG_LEN)
		return NULL;
	ctx = p->open;
	if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, buf) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)code, (int)strlen(code)) != 1 ||
	    EVP_DecryptUpdate(ctx, plain, &n, buf + NONCE_LEN,
			      (int)(len - NONCE_LEN - TAG_LEN)) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
				buf + len - TAG_LEN) != 1 ||
	    EVP_DecryptFinal_ex(ctx, plain + n, &fin) != 1)
		goto out; /* another key, or tampered with */
	plain[n + fin] = '\0';
	out = xstrdup((const char *)plain);
out:
	OPENSSL_cleanse(plain, sizeof plain);
	return out;
}

/* The folded number without spaces: what the token is computed over. */
static char *
id_norm(const char *id)
{
	char *f = fold_text(id), *w = f;

	for (const char *r = f; *r != '\0'; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = '\0';
	return f;
}

static void
token_of(const struct store_protect *p, const char *norm, char out[STORE_PII_TOKEN_LEN + 1])
{
	unsigned char mac[32];
	size_t n = 0;

	/* a NULL key starts again from the key already set */
	if (EVP_MAC_init(p->token, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(p->token, (const unsigned char *)norm, strlen(norm)) != 1 ||
	    EVP_MAC_final(p->token, mac, &n, sizeof mac) != 1 || n != sizeof mac)
		abort(); /* only without memory */
	memcpy(out, "idx", 3);
	hex_encode(mac, TOKEN_HEX / 2, out + 3);
}

bool
store_pii_token(struct store *s, const char *id, char out[STORE_PII_TOKEN_LEN + 1])
{
	char *norm;

	if (s->protect == NULL || s->protect->mode != STORE_PII_SEALED || id == NULL ||
	    id[0] == '\0')
		return false;
	norm = id_norm(id);
	token_of(s->protect, norm, out);
	xfree_secret(norm);
	return true;
}

bool
store_pii_search_word(struct store *s, const char *word, char out[STORE_PII_TOKEN_LEN + 1])
{
	size_t len = strlen(word), digits = 0;

	if (s->protect == NULL || s->protect->mode != STORE_PII_SEALED || len < 8 ||
	    len > MAX_ID_LEN)
		return false;
	/* ID numbers are letters and digits, mostly digits (CCCD 12, CMND 9,
	 * passports a letter and 7 digits); names have no digits and dossier
	 * codes have dots and dashes. */
	for (const char *c = word; *c != '\0'; c++) {
		if (*c >= '0' && *c <= '9')
			digits++;
		else if (!(*c >= 'a' && *c <= 'z'))
			return false;
	}
	if (digits < 6)
		return false;
	token_of(s->protect, word, out);
	return true;
}

/* ---- modes ------------------------------------------------------------ */

/* The contexts keyed with p's keys (replacing any): 0, or -1. */
static int
keyed_contexts(struct store_protect *p)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	EVP_CIPHER_CTX_free(p->seal);
	EVP_CIPHER_CTX_free(p->open);
	EVP_MAC_CTX_free(p->token);
	EVP_MAC_free(p->hmac);
	p->seal = EVP_CIPHER_CTX_new();
	p->open = EVP_CIPHER_CTX_new();
	p->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	p->token = p->hmac != NULL ? EVP_MAC_CTX_new(p->hmac) : NULL;
	if (p->seal == NULL || p->open == NULL || p->token == NULL ||
	    EVP_EncryptInit_ex(p->seal, EVP_aes_256_gcm(), NULL, p->enc_key, NULL) != 1 ||
	    EVP_DecryptInit_ex(p->open, EVP_aes_256_gcm(), NULL, p->enc_key, NULL) != 1 ||
	    EVP_MAC_init(p->token, p->mac_key, sizeof p->mac_key, params) != 1)
		return -1;
	return 0;
}

static struct store_protect *
protect_of(struct store *s)
{
	if (s->protect == NULL)
		s->protect = xcalloc(1, sizeof *s->protect);
	return s->protect;
}

int
store_protect_drop_ids(struct store *s)
{
	struct store_protect *p = protect_of(s);

	protect_clear(p);
	p->mode = STORE_PII_DROP;
	/* deleted rows (retention, replaced dossiers) are overwritten */
	return store_exec(s, "PRAGMA secure_delete = ON");
}

/* Seal every ID number still stored in clear; *n = how many. */
static int
seal_clear_rows(struct store *s, int64_t *n)
{
	sqlite3_stmt *sel = NULL;
	int rc, ret = -1;

	*n = 0;
	/* the update trigger re-indexes the rows it changes: all in it first */
	if (store_fts_flush(s) != 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT code, applicant_name, procedure_name, applicant_id"
				      " FROM dossiers WHERE applicant_id IS NOT NULL AND"
				      " applicant_id <> '' AND applicant_id NOT LIKE 'enc1:%'",
			       -1, &sel, NULL) != SQLITE_OK)
		return store_fail(s, "sealing ID numbers");
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(sel, 0);
		const char *id = (const char *)sqlite3_column_text(sel, 3);
		char *sealed = store_pii_seal(s, code, id);
		char *search = store_search_text(s, code, (const char *)sqlite3_column_text(sel, 1),
						 (const char *)sqlite3_column_text(sel, 2), id);
		sqlite3_stmt *up = store_stmt(s, "UPDATE dossiers SET applicant_id = ?1,"
						 " search = ?2 WHERE code = ?3");
		int step;

		if (up == NULL || sealed == NULL) {
			free(sealed);
			free(search);
			if (up != NULL)
				store_failf(s, "sealing ID numbers: no random source");
			goto out;
		}
		store_bind_text(up, 1, sealed);
		store_bind_text(up, 2, search);
		store_bind_text(up, 3, code);
		step = store_step_done(s, up, "sealing ID numbers");
		free(sealed);
		free(search);
		if (step != 0)
			goto out;
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		store_fail(s, "sealing ID numbers");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(sel);
	return ret;
}

/*
 * Does the store hold what was written before - audit entries, or ID
 * numbers sealed under some key?  A store just created holds neither: that
 * is how a fresh store at a path whose keyring item stayed (a wipe that
 * could not reach the keyring, a data folder removed by hand) is told from
 * one whose record of its key was deleted.  0 or -1.
 */
static int
holds_history(struct store *s, bool *yes)
{
	int64_t n;
	int rc = store_query_int64(s, "SELECT EXISTS (SELECT 1 FROM audit)"
				      " OR EXISTS (SELECT 1 FROM audit_state WHERE head_seq > 0)"
				      " OR EXISTS (SELECT 1 FROM dossiers"
				      "  WHERE applicant_id LIKE 'enc1:%')",
				   &n, "reading the store's history");

	*yes = rc == 0 && n != 0;
	return rc;
}

int
store_protect_set_key(struct store *s, const unsigned char key[STORE_DATA_KEY_LEN],
		      bool key_existed, int64_t *sealed, int64_t *forgotten)
{
	struct store_protect *p = protect_of(s);
	unsigned char check[32];
	char check_hex[33], *stored = NULL;
	int64_t n_sealed = 0, n_forgot = 0;
	enum store_audit_bind_why why;
	bool lost = false;
	sqlite3_stmt *st;
	int ret = -1;

	if (s->in_batch)
		return store_failf(s, "the data key cannot change inside a batch");
	hmac(key, "motcua-enc-v1", 13, p->enc_key);
	hmac(key, "motcua-idx-v1", 13, p->mac_key);
	hmac(key, "motcua-aud-v1", 13, p->audit_key);
	hmac(key, "motcua-kcv-v1", 13, check);
	hex_encode(check, 16, check_hex);
	if (keyed_contexts(p) != 0) {
		store_failf(s, "setting up the data key: %s", "OpenSSL has no AES-256-GCM or HMAC");
		goto out;
	}
	p->mode = STORE_PII_SEALED;
	if (store_exec(s, "PRAGMA secure_delete = ON") != 0)
		goto out;
	/* the usual case - the key this store knows - writes nothing, so
	 * every command can open the store beside a running console */
	st = store_stmt(s, "SELECT key_check FROM protect_state WHERE id = 1");
	if (st == NULL)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		stored = store_column_dup(st, 0);
	sqlite3_reset(st);
	if (stored != NULL && strcmp(stored, check_hex) == 0) {
		/* the audit chain of an older store is keyed now (once) */
		ret = store_audit_bind(s, STORE_AUDIT_BIND_KNOWN_KEY);
		goto done;
	}
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		goto out;
	/* the keyring held this store's key, yet the file has no record of it
	 * (or another): with history in the file that record was removed or
	 * replaced - not a first key, not a lost one */
	if (key_existed && holds_history(s, &lost) != 0)
		goto rollback;
	why = lost ? STORE_AUDIT_BIND_RECORD_LOST
		   : stored == NULL ? STORE_AUDIT_BIND_FIRST_KEY : STORE_AUDIT_BIND_NEW_KEY;
	if (stored != NULL && !lost) {
		/* sealed under a key that is gone: nobody can read them now */
		st = store_stmt(s, "UPDATE dossiers SET applicant_id = NULL"
				   " WHERE applicant_id LIKE 'enc1:%'");
		if (st == NULL || store_step_done(s, st, "forgetting unreadable ID numbers") != 0)
			goto rollback;
		n_forgot = sqlite3_changes(s->db);
	}
	st = store_stmt(s, "INSERT INTO protect_state (id, key_check) VALUES (1, ?1)"
			   " ON CONFLICT (id) DO UPDATE SET key_check = excluded.key_check");
	if (st == NULL)
		goto rollback;
	store_bind_text(st, 1, check_hex);
	/* the first key of this store: numbers written in clear before it
	 * (an older motcua) are sealed now; afterwards none are written */
	if (store_step_done(s, st, "recording the data key") != 0 ||
	    (stored == NULL && seal_clear_rows(s, &n_sealed) != 0))
		goto rollback;
	/* the audit chain is keyed from here, in the same transaction */
	if (store_audit_bind(s, why) != 0)
		goto rollback;
	if (store_exec(s, "COMMIT") != 0)
		goto rollback;
	if (n_sealed > 0) {
		/* the clear digits may sit in free pages, the WAL and old FTS
		 * segments: merge the index, rewrite the file, empty the WAL */
		if (store_exec(s, "INSERT INTO dossier_fts(dossier_fts) VALUES ('optimize')") != 0 ||
		    store_exec(s, "VACUUM") != 0 ||
		    store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)") != 0)
			goto out;
	}
	ret = 0;
done:
	if (sealed != NULL)
		*sealed = n_sealed;
	if (forgotten != NULL)
		*forgotten = n_forgot;
	goto out;
rollback:
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
out:
	free(stored);
	OPENSSL_cleanse(check, sizeof check);
	return ret;
}

/* ---- retention -------------------------------------------------------- */

int
store_protect_data_clock(struct store *s, mc_time *t)
{
	int64_t v;
	int rc = store_query_int64(s, "SELECT max(updated_at) FROM dossiers", &v,
				   "reading the newest change");

	*t = (mc_time)v;
	return rc;
}

int
store_protect_purge_finished(struct store *s, mc_time before, int64_t *n)
{
	static const char *const sql[] = {
		"CREATE TEMP TABLE IF NOT EXISTS purge (code TEXT PRIMARY KEY)",
		"DELETE FROM temp.purge",
		"INSERT INTO temp.purge SELECT code FROM dossiers d WHERE due_key >= ?1"
		" AND (CASE WHEN finished_at > 0 THEN finished_at ELSE updated_at END) < ?2"
		" AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.code = d.code"
		"  AND o.state <> 'done')",
		/* what the queue kept of them (reasons, file names) goes too */
		"DELETE FROM outbox WHERE state = 'done' AND code IN (SELECT code FROM temp.purge)",
		"DELETE FROM dossiers WHERE code IN (SELECT code FROM temp.purge)",
	};
	bool own = !s->in_batch;
	int ret = -1;

	*n = 0;
	if (store_exec(s, "PRAGMA secure_delete = ON") != 0)
		return -1;
	if (own && store_exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	/* the delete trigger takes rows out of the search index: all in it */
	if (store_fts_flush(s) != 0)
		goto out;
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		sqlite3_stmt *st;

		/* no cascade inside a cache batch (store.c): their lists first */
		if (i == 4 && store_children_delete(s, "SELECT id FROM dossiers WHERE code IN"
						       " (SELECT code FROM temp.purge)", NULL) != 0)
			goto out;
		st = store_stmt(s, sql[i]);
		if (st == NULL)
			goto out;
		if (i == 2) {
			sqlite3_bind_int64(st, 1, STORE_DUE_KEY_FINISHED);
			sqlite3_bind_int64(st, 2, before);
		}
		if (store_step_done(s, st, "removing finished dossiers") != 0)
			goto out;
		if (i == 4)
			*n = sqlite3_changes(s->db);
	}
	ret = 0;
out:
	if (own) {
		if (ret == 0 && store_exec(s, "COMMIT") != 0)
			ret = -1;
		if (ret != 0 && sqlite3_get_autocommit(s->db) == 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	return ret;
}
