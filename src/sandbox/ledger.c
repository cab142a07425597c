/*
 * ledger.c - idempotency replies and applied intents (see ledger.h).
 *
 * Two string maps: "src|key" -> the stored reply, and "code|ref" -> how
 * many times that intent was applied.  Replies are kept for the life of the
 * process; a training session or a test never comes near the memory this
 * takes.
 */
#include "sandbox/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/smap.h"

struct stored_reply {
	char *fingerprint;
	struct sbx_response resp;
};

struct ledger {
	struct smap *replies;
	struct smap *intents; /* value: (void *)(uintptr_t)times applied */
	struct ledger_stats stats;
};

static void
reply_free(void *p)
{
	struct stored_reply *r = p;
	free(r->fingerprint);
	sbx_response_release(&r->resp);
	free(r);
}

struct ledger *
ledger_new(void)
{
	struct ledger *l = xcalloc(1, sizeof(*l));
	l->replies = smap_new();
	l->intents = smap_new();
	return l;
}

void
ledger_free(struct ledger *l)
{
	if (l == NULL)
		return;
	smap_free(l->replies, reply_free);
	smap_free(l->intents, NULL);
	free(l);
}

static char *
join_key(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *k = xmalloc(n);
	snprintf(k, n, "%s|%s", a, b);
	return k;
}

static void
copy_response(struct sbx_response *dst, const struct sbx_response *src)
{
	sbx_response_bytes(dst, src->status, NULL, src->body, src->body_len);
	for (size_t i = 0; i < src->n_headers; i++)
		sbx_response_header(dst, src->headers[i].name, src->headers[i].value);
}

int
ledger_replay(struct ledger *l, int src, const char *key, const char *fingerprint,
	      struct sbx_response *resp)
{
	char *k = join_key(catalog_source_name(src), key);
	struct stored_reply *r = smap_get(l->replies, k);
	free(k);
	if (r == NULL)
		return 0;
	if (strcmp(r->fingerprint, fingerprint) != 0)
		return -1;
	copy_response(resp, &r->resp);
	/* Only a replay of something that was applied is a duplicate absorbed. */
	if (r->resp.status >= 200 && r->resp.status < 300) {
		l->stats.duplicates_absorbed++;
		if (src >= 0 && src < SRC_COUNT)
			l->stats.absorbed_by[src]++;
	}
	return 1;
}

void
ledger_remember(struct ledger *l, int src, const char *key, const char *fingerprint,
		const struct sbx_response *resp)
{
	struct stored_reply *r = xcalloc(1, sizeof(*r));
	r->fingerprint = xstrdup(fingerprint);
	sbx_response_init(&r->resp);
	copy_response(&r->resp, resp);
	char *k = join_key(catalog_source_name(src), key);
	struct stored_reply *old = smap_put(l->replies, k, r);
	free(k);
	if (old != NULL)
		reply_free(old);
}

void
ledger_applied(struct ledger *l, int src, const char *code, const char *ref)
{
	l->stats.applied++;
	if (src >= 0 && src < SRC_COUNT)
		l->stats.applied_by[src]++;
	if (ref == NULL || ref[0] == '\0')
		return;
	char *k = join_key(code, ref);
	uintptr_t times = (uintptr_t)smap_get(l->intents, k);
	if (times > 0)
		l->stats.applied_more_than_once++;
	smap_put(l->intents, k, (void *)(times + 1));
	free(k);
}

bool
ledger_intent_applied(const struct ledger *l, const char *code, const char *ref)
{
	if (ref == NULL || ref[0] == '\0')
		return false;
	char *k = join_key(code, ref);
	bool seen = smap_get(l->intents, k) != NULL;
	free(k);
	return seen;
}

void
ledger_rejected(struct ledger *l, int src, const char *code, const char *ref)
{
	l->stats.rejected++;
	if (ledger_intent_applied(l, code, ref)) {
		l->stats.duplicates_absorbed++;
		if (src >= 0 && src < SRC_COUNT)
			l->stats.absorbed_by[src]++;
	}
}

void
ledger_stats(const struct ledger *l, struct ledger_stats *out)
{
	*out = l->stats;
}

void
ledger_reset_counters(struct ledger *l)
{
	memset(&l->stats, 0, sizeof(l->stats));
}
