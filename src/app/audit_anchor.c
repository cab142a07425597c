/*
 * audit_anchor.c - the audit log's anchor in the keyring (audit_anchor.h).
 */
#include "app/audit_anchor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/privacy.h"
#include "auth/keyring.h"
#include "core/xalloc.h"

#define ANCHOR_ITEM_PREFIX "motcua-audit-anchor:"

static char *
anchor_item(const char *db_path)
{
	return privacy_item(ANCHOR_ITEM_PREFIX, db_path);
}

/* Read with an open keyring: 1 found, 0 none, -1 failure or damaged. */
static int
read_with(struct auth_keyring *kr, const char *item, struct store_audit_anchor *out)
{
	char *text = NULL;
	int found = auth_keyring_lookup(kr, item, &text, NULL, NULL);
	int ret = found;

	memset(out, 0, sizeof *out);
	if (found == 1 && (text == NULL || store_audit_anchor_parse(text, out) != 0))
		ret = -1;
	free(text);
	return ret;
}

int
audit_anchor_read(const char *db_path, struct store_audit_anchor *out)
{
	struct auth_keyring *kr = auth_keyring_open();
	char *item = anchor_item(db_path);
	int ret = -1;

	memset(out, 0, sizeof *out);
	if (auth_keyring_persistent(kr))
		ret = read_with(kr, item, out);
	free(item);
	auth_keyring_free(kr);
	return ret;
}

static bool
same_anchor(const struct store_audit_anchor *a, const struct store_audit_anchor *b)
{
	return strcmp(a->chain, b->chain) == 0 && a->head_seq == b->head_seq &&
	       strcmp(a->head_hash, b->head_hash) == 0 && a->shipped_seq == b->shipped_seq &&
	       strcmp(a->shipped_hash, b->shipped_hash) == 0 &&
	       a->refused_seq == b->refused_seq;
}

int
audit_anchor_advance(struct store *s, const char *db_path, bool accepted)
{
	struct auth_keyring *kr = auth_keyring_open();
	struct store_audit_anchor old, now;
	char *item = anchor_item(db_path), *text = NULL;
	int found, ret = -1;

	if (!auth_keyring_persistent(kr) || store_audit_anchor_get(s, &now) != 0)
		goto out;
	found = read_with(kr, item, &old);
	if (found < 0)
		goto out; /* a damaged item is evidence too: left for verify */
	ret = 0;
	if (found == 1) {
		if (store_audit_anchor_holds(s, &old) != 1)
			goto out; /* never re-anchor a log at a cut */
		/* a shipped mark behind the receipt was lost (a crash): keep the receipt */
		if (old.shipped_seq > now.shipped_seq) {
			now.shipped_seq = old.shipped_seq;
			memcpy(now.shipped_hash, old.shipped_hash, sizeof now.shipped_hash);
		}
		if (old.refused_seq > now.refused_seq && !accepted)
			now.refused_seq = old.refused_seq;
		if (same_anchor(&old, &now))
			goto out;
	}
	if (now.chain[0] == '\0')
		goto out; /* nothing written yet */
	text = store_audit_anchor_format(&now);
	ret = auth_keyring_store(kr, item, "motcua", text, NULL) == 0 ? 1 : -1;
out:
	free(text);
	free(item);
	auth_keyring_free(kr);
	return ret;
}

void
audit_anchor_forget(const char *db_path)
{
	struct auth_keyring *kr = auth_keyring_open();
	char *item = anchor_item(db_path);

	if (auth_keyring_persistent(kr))
		auth_keyring_clear(kr, item, NULL);
	free(item);
	auth_keyring_free(kr);
}
