/*
 * upload.c - resumable uploads kept in memory (see upload.h).
 */
#include "sandbox/upload.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/rng.h"
#include "sandbox/smap.h"

struct uploads {
	struct smap *by_id;
	uint64_t seed;
	uint64_t counter;
	uint64_t total_bytes;
};

static void
upload_free(void *p)
{
	struct upload *up = p;
	free(up->name);
	free(up->content_type);
	free(up->data);
	free(up);
}

struct uploads *
uploads_new(uint64_t seed)
{
	struct uploads *u = xcalloc(1, sizeof(*u));
	u->by_id = smap_new();
	u->seed = seed;
	return u;
}

void
uploads_free(struct uploads *u)
{
	if (u == NULL)
		return;
	smap_free(u->by_id, upload_free);
	free(u);
}

struct upload *
uploads_create(struct uploads *u, int source, const char *name, const char *content_type,
	       uint64_t size, mc_time now)
{
	if (size == 0 || size > UPLOAD_MAX_FILE || u->total_bytes + size > UPLOAD_MAX_TOTAL)
		return NULL;
	struct upload *up = xcalloc(1, sizeof(*up));
	snprintf(up->id, sizeof(up->id), "up-%016llx",
		 (unsigned long long)rng_hash(u->seed ^ 0x75706c6fULL, ++u->counter));
	up->source = source;
	up->name = xstrdup(name != NULL && name[0] != '\0' ? name : "ket-qua.pdf");
	up->content_type = xstrdup(content_type != NULL ? content_type : "application/pdf");
	up->size = size;
	up->data = xmalloc((size_t)size);
	up->created_at = now;
	u->total_bytes += size;
	smap_put(u->by_id, up->id, up);
	return up;
}

struct upload *
uploads_get(struct uploads *u, int source, const char *id)
{
	struct upload *up = id != NULL ? smap_get(u->by_id, id) : NULL;
	return up != NULL && up->source == source ? up : NULL;
}

bool
upload_complete(const struct upload *up)
{
	return up->received == up->size;
}

enum upload_write
uploads_write(struct upload *up, uint64_t offset, const void *data, size_t len)
{
	if (offset != up->received)
		return UPLOAD_WRITE_OFFSET;
	if (len > up->size - up->received)
		return UPLOAD_WRITE_OVERFLOW;
	memcpy(up->data + offset, data, len);
	up->received += len;
	if (upload_complete(up)) {
		unsigned char md[SHA256_DIGEST_LENGTH];
		SHA256(up->data, (size_t)up->size, md);
		for (size_t i = 0; i < sizeof(md); i++)
			snprintf(up->sha256 + 2 * i, 3, "%02x", md[i]);
	}
	return UPLOAD_WRITE_OK;
}

static int
parse_u64(const char *s, const char **end, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *e;
	unsigned long long v = strtoull(s, &e, 10);
	*end = e;
	*out = v;
	return 0;
}

int
upload_parse_content_range(const char *s, uint64_t *first, uint64_t *last, uint64_t *total)
{
	if (s == NULL || strncmp(s, "bytes ", 6) != 0)
		return -1;
	const char *p = s + 6;
	if (*p == '*') {
		*first = *last = UINT64_MAX;
		p++;
	} else {
		if (parse_u64(p, &p, first) != 0 || *p != '-')
			return -1;
		if (parse_u64(p + 1, &p, last) != 0 || *last < *first)
			return -1;
	}
	if (*p != '/' || parse_u64(p + 1, &p, total) != 0 || *p != '\0')
		return -1;
	if (*first != UINT64_MAX && *last >= *total)
		return -1;
	return 0;
}
