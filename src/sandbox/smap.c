/*
 * smap.c - open addressing with linear probing and tombstones; grows at 70%
 * load (tombstones included).  Hash: FNV-1a, good enough for dossier codes
 * and random keys.
 */
#include "sandbox/smap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static char tombstone;

struct slot {
	char *key; /* NULL empty, &tombstone deleted */
	void *value;
	uint64_t hash;
};

struct smap {
	struct slot *slots;
	size_t cap;  /* power of two */
	size_t used; /* live + tombstones */
	size_t live;
};

static uint64_t
hash_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

struct smap *
smap_new(void)
{
	struct smap *m = xcalloc(1, sizeof(*m));
	m->cap = 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void
smap_free(struct smap *m, void (*free_value)(void *))
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++) {
		struct slot *s = &m->slots[i];
		if (s->key == NULL || s->key == &tombstone)
			continue;
		free(s->key);
		if (free_value != NULL)
			free_value(s->value);
	}
	free(m->slots);
	free(m);
}

static struct slot *
find(const struct smap *m, const char *key, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct slot *s = &m->slots[i];
		if (s->key == NULL)
			return NULL;
		if (s->key != &tombstone && s->hash == h && strcmp(s->key, key) == 0)
			return s;
	}
}

static void
grow(struct smap *m)
{
	struct slot *old = m->slots;
	size_t old_cap = m->cap;
	size_t cap = m->live * 2 < 16 ? 16 : m->cap;
	while (m->live * 10 >= cap * 5)
		cap *= 2;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	m->used = m->live;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].key == NULL || old[i].key == &tombstone)
			continue;
		size_t j = (size_t)old[i].hash & (cap - 1);
		while (m->slots[j].key != NULL)
			j = (j + 1) & (cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void *
smap_get(const struct smap *m, const char *key)
{
	struct slot *s = find(m, key, hash_key(key));
	return s != NULL ? s->value : NULL;
}

void *
smap_put(struct smap *m, const char *key, void *value)
{
	uint64_t h = hash_key(key);
	struct slot *s = find(m, key, h);
	if (s != NULL) {
		void *prev = s->value;
		s->value = value;
		return prev;
	}
	if ((m->used + 1) * 10 >= m->cap * 7)
		grow(m);
	size_t mask = m->cap - 1;
	size_t i = (size_t)h & mask;
	while (m->slots[i].key != NULL && m->slots[i].key != &tombstone)
		i = (i + 1) & mask;
	if (m->slots[i].key == NULL)
		m->used++;
	m->slots[i].key = xstrdup(key);
	m->slots[i].value = value;
	m->slots[i].hash = h;
	m->live++;
	return NULL;
}

void *
smap_del(struct smap *m, const char *key)
{
	struct slot *s = find(m, key, hash_key(key));
	if (s == NULL)
		return NULL;
	void *value = s->value;
	free(s->key);
	s->key = &tombstone;
	s->value = NULL;
	m->live--;
	return value;
}

size_t
smap_count(const struct smap *m)
{
	return m->live;
}

void
smap_each(const struct smap *m, void (*fn)(void *ctx, const char *key, void *value), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL && m->slots[i].key != &tombstone)
			fn(ctx, m->slots[i].key, m->slots[i].value);
}
