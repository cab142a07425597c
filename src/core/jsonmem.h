/*
 * jsonmem.h - the allocator JSON documents are built with.
 *
 * jansson takes one malloc/free pair for the whole process
 * (json_set_alloc_funcs(); auth_json_wipe_on_free() registers these two,
 * before any document exists).  Two jobs:
 *
 * - Every block is wiped when freed: tokens, one-time codes and citizen ID
 *   numbers pass through JSON.
 * - Between jsonmem_arena_begin() and jsonmem_arena_end(), blocks are cut
 *   from large chunks instead of being malloc()ed one by one.  A page of a
 *   first sync is a few hundred dossiers, tens of thousands of small values
 *   that are all freed together a moment later; malloc() and free() for
 *   each of them were a sixth of the sync's CPU.  A chunk goes back (wiped)
 *   when the last block cut from it is freed, so a value kept longer than
 *   its document only keeps its chunk.
 *
 * Without registration the arena calls change nothing.  Single-threaded,
 * like the rest of motcua's JSON handling.
 */
#ifndef MOTCUA_JSONMEM_H
#define MOTCUA_JSONMEM_H

#include <stddef.h>

void *jsonmem_malloc(size_t size);
void jsonmem_free(void *p);

/* Cut the blocks that follow from chunks, until jsonmem_arena_end().  Not
 * nested. */
void jsonmem_arena_begin(void);
void jsonmem_arena_end(void);

/* Chunks that blocks not yet freed were cut from (tests). */
size_t jsonmem_chunks_in_use(void);

#endif
