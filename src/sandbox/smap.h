/*
 * smap.h - a string-keyed hash map (open addressing, linear probing), for the
 * sandbox's lookups: dossier code -> index, idempotency keys, sessions,
 * uploads.  Keys are copied; values are opaque pointers the caller owns
 * (smap_free can call a destructor on them).  No removal of single keys is
 * needed by the sandbox except smap_del, which uses tombstones.
 */
#ifndef MOTCUA_SBX_SMAP_H
#define MOTCUA_SBX_SMAP_H

#include <stdbool.h>
#include <stddef.h>

struct smap;

struct smap *smap_new(void);
/* Frees keys, and each value with free_value when it is not NULL. */
void smap_free(struct smap *m, void (*free_value)(void *));
/* The value for key, or NULL. */
void *smap_get(const struct smap *m, const char *key);
/* Insert or replace; returns the previous value (caller's to free) or NULL. */
void *smap_put(struct smap *m, const char *key, void *value);
/* Remove; returns the value (caller's to free) or NULL. */
void *smap_del(struct smap *m, const char *key);
size_t smap_count(const struct smap *m);
/* Call fn for every entry (no changes to m during the walk). */
void smap_each(const struct smap *m, void (*fn)(void *ctx, const char *key, void *value),
	       void *ctx);

#endif
