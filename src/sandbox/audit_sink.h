/*
 * audit_sink.h - the sandbox's receiver of terminals' audit logs
 * (POST /audit/entries; protocol in outbox/audit_ship.h and doc/security.md).
 *
 * Keeps every chain in memory: per chain its entries in order.  An entry is
 * accepted only when it follows the chain's head (sequence, prev_hash) and
 * its hash recomputes; one it already holds with the same hash is a
 * duplicate (counted, not stored again); anything else is a 409 with the
 * head and the reason.  The token must be valid for the coordination system (SRC_DVCQG).
 * GET /_control/audit lists what arrived, for tests.
 */
#ifndef MOTCUA_SBX_AUDIT_SINK_H
#define MOTCUA_SBX_AUDIT_SINK_H

#include <jansson.h>

#include "sandbox/http.h"

struct sandbox;
struct audit_sink;

struct audit_sink *audit_sink_new(void);
void audit_sink_free(struct audit_sink *k);

/* POST /audit/entries. */
void audit_sink_handle(struct sandbox *sb, const struct sbx_request *req,
		       struct sbx_response *resp);

/* {"received", "duplicates", "rejected", "chains"} (new reference). */
json_t *audit_sink_stats(const struct audit_sink *k);

/* GET /_control/audit: {"chains": {ID: [entries...]}, stats...}. */
void audit_sink_control(struct sandbox *sb, const struct sbx_request *req,
			struct sbx_response *resp);

#endif
