/*
 * jsonmem.c - the JSON allocator (jsonmem.h): wipe on free, and chunks for
 * the documents parsed inside an arena.
 *
 * A chunk is CHUNK_SIZE bytes aligned on CHUNK_SIZE, so the chunk a block
 * may come from is its address rounded down; whether it really is a chunk
 * is looked up in the short list of chunks alive (a block malloc()ed
 * outside the arena can lie anywhere).  The chunk counts the blocks cut
 * from it and not yet freed; it is wiped and released when that count
 * reaches zero and no more blocks are being cut from it.  A few released
 * chunks are kept for the next document: a first sync parses hundreds of
 * pages, and a fresh chunk from the system is a run of page faults.
 */
#include "core/jsonmem.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE ((size_t)256 * 1024)
#define ALIGN 16
/* Larger blocks (a long string, a big object's hash table) are malloc()ed. */
#define BIG (CHUNK_SIZE / 16)
/* Chunks alive at once: a 10 MB page.  Past it, blocks are malloc()ed. */
#define MAX_CHUNKS 40
#define POOL 4

struct chunk {
	size_t used; /* bytes cut, this header included */
	size_t live; /* blocks cut and not freed */
};
#define HEADER ((sizeof(struct chunk) + ALIGN - 1) / ALIGN * ALIGN)

static struct chunk *alive[MAX_CHUNKS];
static size_t n_alive;
static struct chunk *pool[POOL];
static size_t n_pool;
static struct chunk *cur; /* blocks are cut from it; NULL outside the arena */
static bool arena;

static struct chunk *
chunk_of(const void *p)
{
	uintptr_t base = (uintptr_t)p & ~(uintptr_t)(CHUNK_SIZE - 1);

	for (size_t i = 0; i < n_alive; i++)
		if ((uintptr_t)alive[i] == base)
			return alive[i];
	return NULL;
}

static struct chunk *
chunk_new(void)
{
	struct chunk *c;

	if (n_alive == MAX_CHUNKS)
		return NULL;
	c = n_pool > 0 ? pool[--n_pool] : aligned_alloc(CHUNK_SIZE, CHUNK_SIZE);
	if (c == NULL)
		return NULL;
	c->used = HEADER;
	c->live = 0;
	alive[n_alive++] = c;
	return c;
}

/* Wipe c and give it back: to the pool, or to the system. */
static void
chunk_release(struct chunk *c)
{
	for (size_t i = 0; i < n_alive; i++) {
		if (alive[i] == c) {
			alive[i] = alive[--n_alive];
			break;
		}
	}
	explicit_bzero((char *)c + HEADER, c->used - HEADER);
	if (n_pool < POOL)
		pool[n_pool++] = c;
	else
		free(c);
}

void *
jsonmem_malloc(size_t size)
{
	size_t n = (size + ALIGN - 1) / ALIGN * ALIGN;
	void *p;

	if (!arena || size == 0 || size > BIG)
		return malloc(size);
	if (cur == NULL || cur->used + n > CHUNK_SIZE) {
		struct chunk *old = cur;

		cur = chunk_new();
		if (old != NULL && old->live == 0)
			chunk_release(old);
		if (cur == NULL)
			return malloc(size);
	}
	p = (char *)cur + cur->used;
	cur->used += n;
	cur->live++;
	return p;
}

void
jsonmem_free(void *p)
{
	struct chunk *c;

	if (p == NULL)
		return;
	c = n_alive > 0 ? chunk_of(p) : NULL;
	if (c == NULL) {
		explicit_bzero(p, malloc_usable_size(p));
		free(p);
		return;
	}
	if (--c->live == 0 && c != cur)
		chunk_release(c);
}

void
jsonmem_arena_begin(void)
{
	arena = true;
}

void
jsonmem_arena_end(void)
{
	arena = false;
	if (cur != NULL && cur->live == 0)
		chunk_release(cur);
	cur = NULL;
}

size_t
jsonmem_chunks_in_use(void)
{
	return n_alive;
}
