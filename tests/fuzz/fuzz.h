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
#include <stdio.h>
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

/* The next line of [*p, end) as a malloc'd NUL-terminated copy (no newline);
 * *p moves past it.  Inputs that carry several fields put one per line. */
static inline char *
fuzz_line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *stop = nl != NULL ? nl : end;
	char *out = fuzz_text((const uint8_t *)*p, (size_t)(stop - *p));

	*p = nl != NULL ? nl + 1 : end;
	return out;
}

/*
 * Is a message one printable line?  Diagnostics that quote outside input
 * (a key, a code) reach the clerk's terminal and logs: a control character
 * there could start a forged line or send an escape sequence.
 */
static inline int
fuzz_one_line(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* Abort, saying what, when s is not one printable line. */
static inline void
fuzz_require_line(const char *what, const char *s)
{
	if (s != NULL && !fuzz_one_line(s)) {
		fprintf(stderr, "fuzz: %s is not one printable line: \"", what);
		for (; *s != '\0'; s++)
			fprintf(stderr, (unsigned char)*s < 0x20 || *s == 0x7f ? "\\x%02x" : "%c",
				(unsigned char)*s);
		fprintf(stderr, "\"\n");
		abort();
	}
}

#endif
