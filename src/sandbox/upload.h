/*
 * upload.h - resumable uploads of result files, shared by the dialects that
 * offer them (tuphap, nnmt).  An upload is created with its total size, then
 * filled by chunks that must start exactly at the bytes received so far; a
 * client that lost its connection asks for the offset and continues from
 * there.  Bytes are kept in memory (per-file cap UPLOAD_MAX_FILE, total cap
 * UPLOAD_MAX_TOTAL) so a finished upload can be checked (size, SHA-256).
 * Not thread-safe (http.c serialises handlers).
 */
#ifndef MOTCUA_SBX_UPLOAD_H
#define MOTCUA_SBX_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"

#define UPLOAD_MAX_FILE (32u * 1024u * 1024u)
#define UPLOAD_MAX_TOTAL (256u * 1024u * 1024u)

struct upload {
	char id[32];          /* "up-<16 hex>" */
	int source;           /* enum sbx_source that created it */
	char *name;           /* file name as given */
	char *content_type;
	uint64_t size;        /* announced total */
	uint64_t received;    /* contiguous bytes received */
	unsigned char *data;
	mc_time created_at;
	char sha256[65];      /* hex, set when complete */
	bool used;            /* attached to a returned result */
};

struct uploads;

struct uploads *uploads_new(uint64_t seed);
void uploads_free(struct uploads *u);

/* NULL when size is 0 or over the caps. Owned by the store. */
struct upload *uploads_create(struct uploads *u, int source, const char *name,
			      const char *content_type, uint64_t size, mc_time now);
/* NULL when unknown or created by another source. */
struct upload *uploads_get(struct uploads *u, int source, const char *id);

enum upload_write {
	UPLOAD_WRITE_OK = 0,      /* appended (maybe now complete) */
	UPLOAD_WRITE_OFFSET = -1, /* offset != received: nothing written */
	UPLOAD_WRITE_OVERFLOW = -2, /* beyond the announced size */
};
/* Write len bytes at offset (must equal up->received). */
enum upload_write uploads_write(struct upload *up, uint64_t offset, const void *data,
				size_t len);
bool upload_complete(const struct upload *up);

/*
 * Parse "bytes a-b/total" (or "bytes *" "/total" for a status query).  Returns 0
 * and sets *first, *last (inclusive; both UINT64_MAX for "*") and *total, or -1.
 */
int upload_parse_content_range(const char *s, uint64_t *first, uint64_t *last,
			       uint64_t *total);

#endif
