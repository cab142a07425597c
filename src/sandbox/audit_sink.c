/*
 * audit_sink.c - receiving terminals' audit logs (audit_sink.h).
 *
 * The chain arithmetic is motcua's own (store/audit.h: genesis, canonical
 * form, hash), so the sandbox checks exactly what `motcua audit verify`
 * checks.  Memory grows with what is shipped: fine for a training sandbox.
 */
#include "sandbox/audit_sink.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/sandbox.h"
#include "store/audit.h"

#define MAX_CHAINS 4096

struct chain {
	char id[33];
	json_t *entries;          /* array, entry i has seq i + 1 */
	char head_hash[STORE_AUDIT_HASH_LEN + 1];
};

struct audit_sink {
	struct chain *chains;
	size_t n;
	int64_t received, duplicates, rejected;
};

struct audit_sink *
audit_sink_new(void)
{
	return xcalloc(1, sizeof(struct audit_sink));
}

void
audit_sink_free(struct audit_sink *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		json_decref(k->chains[i].entries);
	free(k->chains);
	free(k);
}

json_t *
audit_sink_stats(const struct audit_sink *k)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "received", (json_int_t)k->received, "duplicates",
			 (json_int_t)k->duplicates, "rejected", (json_int_t)k->rejected, "chains",
			 (json_int_t)k->n);
}

static struct chain *
find_chain(struct audit_sink *k, const char *id, bool create)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->chains[i].id, id) == 0)
			return &k->chains[i];
	if (!create || k->n >= MAX_CHAINS)
		return NULL;
	k->chains = xreallocarray(k->chains, k->n + 1, sizeof *k->chains);
	memset(&k->chains[k->n], 0, sizeof *k->chains);
	snprintf(k->chains[k->n].id, sizeof k->chains[k->n].id, "%s", id);
	k->chains[k->n].entries = json_array();
	store_audit_genesis(id, k->chains[k->n].head_hash);
	return &k->chains[k->n++];
}

static bool
valid_chain_id(const char *id)
{
	size_t n = id != NULL ? strlen(id) : 0;

	if (n != 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return true;
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Read one shipped entry; false when a field is missing or of a wrong type. */
static bool
read_entry(json_t *o, struct store_audit_entry *e)
{
	json_t *seq = json_object_get(o, "seq"), *at = json_object_get(o, "at");
	const char *prev = str(o, "prev_hash"), *hash = str(o, "hash");

	memset(e, 0, sizeof *e);
	if (!json_is_integer(seq) || !json_is_integer(at) || prev == NULL || hash == NULL ||
	    strlen(prev) != STORE_AUDIT_HASH_LEN || strlen(hash) != STORE_AUDIT_HASH_LEN)
		return false;
	e->seq = json_integer_value(seq);
	e->at = json_integer_value(at);
	e->clerk = (char *)str(o, "clerk");
	e->kind = (char *)str(o, "kind");
	e->dossier = (char *)str(o, "dossier");
	e->purpose = (char *)str(o, "purpose");
	e->details = (char *)str(o, "details");
	memcpy(e->prev_hash, prev, sizeof e->prev_hash);
	memcpy(e->hash, hash, sizeof e->hash);
	return e->clerk != NULL && e->kind != NULL && e->details != NULL && e->seq > 0;
}

static void
conflict(struct audit_sink *k, struct sbx_response *resp, const struct chain *c, int64_t seq,
	 const char *why)
{
	k->rejected++;
	sbx_response_json(resp, 409,
			  json_pack("{s:s,s:I,s:I,s:s}", "error", "chain_conflict", "seq",
				    (json_int_t)seq, "head",
				    (json_int_t)(c != NULL ? json_array_size(c->entries) : 0), "why",
				    why));
}

void
audit_sink_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	struct audit_sink *k = sb->audit;
	const char *err = NULL, *chain_id;
	json_t *body, *entries;
	struct chain *c;
	int64_t accepted = 0, dups = 0;

	if (strcmp(req->path, "/audit/entries") != 0) {
		sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		sbx_response_text(resp, 405, "text/plain; charset=utf-8", "POST only\n");
		return;
	}
	if (sandbox_auth(sb, req, catalog_source_name(SRC_DVCQG), resp) != 0)
		return;
	body = sbx_request_json(req, &err);
	chain_id = str(body, "chain");
	entries = json_object_get(body, "entries");
	if (!valid_chain_id(chain_id) || !json_is_array(entries)) {
		sbx_response_json(resp, 400, json_pack("{s:s}", "error", "need chain and entries"));
		json_decref(body);
		return;
	}
	c = find_chain(k, chain_id, true);
	if (c == NULL) {
		sbx_response_json(resp, 503, json_pack("{s:s}", "error", "too many chains"));
		json_decref(body);
		return;
	}
	for (size_t i = 0; i < json_array_size(entries); i++) {
		json_t *o = json_array_get(entries, i);
		struct store_audit_entry e;
		char h[STORE_AUDIT_HASH_LEN + 1], why[160];
		int64_t head = (int64_t)json_array_size(c->entries);

		if (!read_entry(o, &e)) {
			conflict(k, resp, c, 0, "malformed entry");
			goto out;
		}
		store_audit_hash(&e, h);
		if (strcmp(h, e.hash) != 0) {
			snprintf(why, sizeof why, "seq %lld: its content does not match its hash",
				 (long long)e.seq);
			conflict(k, resp, c, e.seq, why);
			goto out;
		}
		if (e.seq <= head) {
			const char *have = str(json_array_get(c->entries, (size_t)e.seq - 1), "hash");
			if (have == NULL || strcmp(have, e.hash) != 0) {
				snprintf(why, sizeof why, "seq %lld differs from the copy held here",
					 (long long)e.seq);
				conflict(k, resp, c, e.seq, why);
				goto out;
			}
			dups++;
			continue;
		}
		if (e.seq != head + 1 || strcmp(e.prev_hash, c->head_hash) != 0) {
			snprintf(why, sizeof why, "seq %lld does not follow seq %lld held here",
				 (long long)e.seq, (long long)head);
			conflict(k, resp, c, e.seq, why);
			goto out;
		}
		json_array_append(c->entries, o);
		memcpy(c->head_hash, e.hash, sizeof c->head_hash);
		accepted++;
	}
	/* the receipt: how far this chain is held, and the hash it ends with */
	sbx_response_json(resp, 200, json_pack("{s:I,s:I,s:I,s:s}", "accepted", (json_int_t)accepted,
						"duplicates", (json_int_t)dups, "head",
						(json_int_t)json_array_size(c->entries), "head_hash",
						c->head_hash));
out:
	k->received += accepted;
	k->duplicates += dups;
	json_decref(body);
}

void
audit_sink_control(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	struct audit_sink *k = sb->audit;
	json_t *chains = json_object(), *j;

	(void)req;
	for (size_t i = 0; i < k->n; i++)
		json_object_set(chains, k->chains[i].id, k->chains[i].entries);
	j = audit_sink_stats(k);
	json_object_set_new(j, "chains_entries", chains);
	sbx_response_json(resp, 200, j);
}
