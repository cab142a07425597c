/*
 * fuzz_json.c - libFuzzer target for the fast reader of replies
 * (sources/json_fast.c) and the JSON arena (core/jsonmem.c), over any
 * bytes a server could send.
 *
 * Whatever the input: the fast reader reads it as json_loadb() does, or
 * leaves it to jansson (tests/unit/json_fixture.h); read in the arena, the
 * document is released whole once freed.
 */
#include "core/jsonmem.h"
#include "fuzz.h"
#include "tests/unit/json_fixture.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_set_alloc_funcs(jsonmem_malloc, jsonmem_free);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exactly size bytes: ASan sees a read past the end */
	char *body = xmalloc(size > 0 ? size : 1);
	json_t *root;

	if (size > 0)
		memcpy(body, data, size);
	if (json_fast_agrees(body, size) < 0)
		abort();
	jsonmem_arena_begin();
	root = src_json_fast(body, size);
	jsonmem_arena_end();
	json_decref(root);
	if (jsonmem_chunks_in_use() != 0) {
		fprintf(stderr, "fuzz: a chunk is still in use after the document was freed\n");
		abort();
	}
	free(body);
	return 0;
}
