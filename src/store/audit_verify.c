/*
 * audit_verify.c - `motcua audit verify`: reads the whole log and its state
 * row and names the first entry that is altered, removed, reordered or
 * inserted, a cut tail, a keyed tag or keyed state that does not check
 * under this store's audit key, and a chain keyed again after the store's
 * record of its key was lost (audit.h; doc/security.md).
 *
 * It only reads.  The chain's arithmetic and the state row come from
 * audit.c through audit_int.h; appending, keying and listing are there.
 */
#include "store/audit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/xalloc.h"
#include "store/audit_int.h"
#include "store/protect_int.h"
#include "store/store_int.h"

/* A removed-and-renumbered entry is recognised this many places back. */
#define RENUMBER_SEARCH 64

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
	    const struct store_audit_state *st, const struct store_audit_keyed *k,
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
	if (!store_audit_keyed_state_ok(key, st, k)) {
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
		store_audit_entry_mac(key, v[i].hash, h);
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

/*
 * After everything else verified (entries 1..n in order): the tail against
 * the server's receipt in the file, then against the anchor kept outside
 * it, then a refusal by the server.
 */
static void
check_tail(const struct store_audit_entry *v, size_t n, const struct store_audit_state *st,
	   const struct store_audit_anchor *a, struct store_audit_verdict *out)
{
	int64_t last = (int64_t)n, refused = st->refused_seq;

	if (st->shipped_hash[0] != '\0' && st->shipped_seq >= 1 && st->shipped_seq <= last &&
	    strcmp(v[st->shipped_seq - 1].hash, st->shipped_hash) != 0) {
		verdict(out, STORE_AUDIT_ALTERED, st->shipped_seq,
			"seq %" PRId64 ": altered: not the entry the server acknowledged",
			st->shipped_seq);
		return;
	}
	if (a != NULL && (a->chain[0] != '\0' || a->head_seq > 0)) {
		if (strcmp(a->chain, st->chain) != 0) {
			verdict(out, STORE_AUDIT_REPLACED, 1,
				"seq 1: replaced: this is another log than the one the keyring "
				"anchored (%" PRId64 " entries written); it was replaced or "
				"started again without a wipe", a->head_seq);
			return;
		}
		if (a->head_seq > last) {
			verdict(out, STORE_AUDIT_REMOVED, last + 1,
				"seq %" PRId64 ": removed: the log ends at seq %" PRId64
				" but the keyring counted seq %" PRId64 " written",
				last + 1, last, a->head_seq);
			return;
		}
		if (a->head_seq >= 1 && strcmp(v[a->head_seq - 1].hash, a->head_hash) != 0) {
			verdict(out, STORE_AUDIT_ALTERED, a->head_seq,
				"seq %" PRId64 ": altered: not the entry the keyring anchored",
				a->head_seq);
			return;
		}
		if (a->shipped_seq > last) {
			verdict(out, STORE_AUDIT_REMOVED, last + 1,
				"seq %" PRId64 ": removed: the server acknowledged entries up to "
				"%" PRId64 " (its receipt is kept in the keyring)",
				last + 1, a->shipped_seq);
			return;
		}
		if (a->shipped_seq >= 1 && a->shipped_hash[0] != '\0' &&
		    strcmp(v[a->shipped_seq - 1].hash, a->shipped_hash) != 0) {
			verdict(out, STORE_AUDIT_ALTERED, a->shipped_seq,
				"seq %" PRId64 ": altered: not the entry the server acknowledged "
				"(its receipt is kept in the keyring)", a->shipped_seq);
			return;
		}
		if (a->refused_seq > refused)
			refused = a->refused_seq;
	}
	if (refused > 0)
		verdict(out, STORE_AUDIT_SERVER_REFUSED, refused,
			"seq %" PRId64 ": server-refused: the server's copy of the log differs "
			"from this one%s%s", refused, st->refused_why[0] != '\0' ? ": " : "",
			st->refused_why[0] != '\0' ? st->refused_why
						     : " (remembered in the keyring)");
}

int
store_audit_verify(struct store *s, struct store_audit_verdict *out)
{
	return store_audit_verify_anchored(s, NULL, out);
}

int
store_audit_verify_anchored(struct store *s, const struct store_audit_anchor *anchor,
			    struct store_audit_verdict *out)
{
	struct store_audit_state st;
	struct store_audit_entry *v = NULL;
	struct store_audit_keyed k;
	size_t n = 0;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(out->why, sizeof out->why, "ok");
	out->tail = anchor != NULL ? STORE_AUDIT_TAIL_ANCHORED : STORE_AUDIT_TAIL_UNVERIFIABLE;
	if (store_audit_state_read(s, false, &st, NULL, &k) != 0 || store_audit_list(s, 0, 0, &v, &n) != 0)
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
	if (rc == 0 && out->problem == STORE_AUDIT_OK)
		check_tail(v, n, &st, anchor, out);
	store_audit_list_free(v, n);
	return rc;
}
