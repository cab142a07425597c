/*
 * dialect_common.h - helpers several dialects share: the resumable upload
 * protocol (tuphap, nnmt), RFC 7807-style problem bodies, request
 * fingerprints for idempotency, the default actor.  Date formats are in
 * dialect.h.
 */
#ifndef MOTCUA_SBX_DIALECT_COMMON_H
#define MOTCUA_SBX_DIALECT_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "sandbox/sandbox.h"

struct world_dossier;

/*
 * The dossier named by `after`, the rest of a path past its collection
 * ("/{code}" or "/{code}/more"), if it belongs to system `src`.  *tail is set
 * to what follows the code ("" or "/more") and *idx to its world index.  Returns NULL when `after` names
 * no code or no such dossier is in that system.
 */
struct world_dossier *dialect_path_dossier(struct sandbox *sb, const char *after, int src,
					   const char **tail, uint32_t *idx);

/*
 * Serve {base}/uploads and {base}/uploads/{id}; `rest` is what follows
 * "/uploads" in the path ("" or "/up-..."); camel picks "uploadId" vs
 * "upload_id" spellings.
 */
void dialect_upload_handle(struct sandbox *sb, int src, const struct sbx_request *req,
			   const char *rest, const char *base, bool camel,
			   struct sbx_response *resp);

/* {"type","title","status","detail"} as application/problem+json. */
void dialect_problem(struct sbx_response *resp, int status, const char *type,
		     const char *detail);

/* SHA-256 hex of path + "\n" + body: what an idempotency key promises.  Caller frees. */
char *dialect_fingerprint(const struct sbx_request *req);

/* `given` when non-empty, else "Cán bộ một cửa".  Borrowed. */
const char *dialect_actor(const char *given);

#endif
