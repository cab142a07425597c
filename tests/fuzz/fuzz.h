/*
 * fuzz.h - what every libFuzzer target of tests/fuzz needs: the entry
 * points' prototypes (the build uses -Wmissing-prototypes) and a copy of
 * the input as a NUL-terminated string of exactly its size, so that ASan
 * catches a parser reading past the length it was given.
 *
 * Not a harness: each target is a separate program run by tests/fuzz/run.sh.
 */
#ifndef MOTCUA_FUZZ_H
#define MOTCUA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'd copy of data[0..size) plus a NUL; caller frees. */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
