/*
 * audit_anchor.h - the audit log's anchor in the keyring (doc/security.md
 * "Anchoring").
 *
 * The file holds the log and its own idea of where it ends (audit_state);
 * whoever can write the file can cut the tail and rewrite that too.  So
 * the head written, the server's receipt (the last entry it acknowledged,
 * with its hash) and a refusal by the server are also kept in the keyring
 * the sign-in and the data key use, as the item
 * "motcua-audit-anchor:<absolute store path>" (text of
 * store_audit_anchor_format()).  `motcua audit verify` checks the log
 * against it; without a persistent keyring the tail cannot be checked, and
 * verify says so.
 *
 * The anchor only moves forward, over a log that still holds what it
 * anchors: a log someone cut is never re-anchored at its new end (verify
 * keeps failing until a wipe starts a new log).  A refusal by the server
 * leaves the anchor only when this process saw the server accept the log.
 * Calls block on the keyring (a D-Bus round trip for a Secret Service).
 * This file prints nothing.
 */
#ifndef MOTCUA_APP_AUDIT_ANCHOR_H
#define MOTCUA_APP_AUDIT_ANCHOR_H

#include <stdbool.h>

#include "store/audit.h"
#include "store/store.h"

/* The anchor of the store at db_path: 1 found (*out), 0 none kept yet,
 * -1 no persistent keyring (or it failed, or the item is damaged). */
int audit_anchor_read(const char *db_path, struct store_audit_anchor *out);

/*
 * Move the anchor to the log's present state when the log still holds the
 * old one (store_audit_anchor_holds) and is not behind it.  accepted: the
 * server accepted a shipment in this process (a refusal may be forgotten).
 * 1 moved, 0 nothing to do or refused to move, -1 no keyring / failure.
 */
int audit_anchor_advance(struct store *s, const char *db_path, bool accepted);

/* Remove the anchor (a wipe; also when the file is gone already). */
void audit_anchor_forget(const char *db_path);

#endif
