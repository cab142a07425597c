/*
 * json_fixture.h - does the fast reader (sources/json_fast.c) agree with
 * json_loadb() on a body?  Shared by tests/unit/test_json_fast.c and
 * tests/fuzz/fuzz_json.c.
 *
 * Agreeing means: where jansson refuses the body, the fast reader gives
 * nothing; where both read it, the values print the same (jansson prints
 * objects in the order it read their keys, integers without a point, reals
 * with one).  The fast reader may give nothing for a body jansson reads:
 * then jansson's reading is used.
 */
#ifndef MOTCUA_TEST_JSON_FIXTURE_H
#define MOTCUA_TEST_JSON_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/source_int.h"

#define JSON_FIXTURE_DUMP (JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17))

/* 1: both read it the same, 0: only jansson read it, -1: they disagree
 * (said on stderr). */
static inline int
json_fast_agrees(const char *body, size_t len)
{
	json_error_t err;
	json_t *slow = json_loadb(body, len, JSON_ALLOW_NUL, &err);
	json_t *fast = src_json_fast(body, len);
	char *a = NULL, *b = NULL;
	int ret;

	if (fast == NULL) {
		json_decref(slow);
		return 0;
	}
	if (slow == NULL) {
		fprintf(stderr, "json_fast: read a body jansson refuses (%s)\n", err.text);
		json_decref(fast);
		return -1;
	}
	a = json_dumps(slow, JSON_FIXTURE_DUMP);
	b = json_dumps(fast, JSON_FIXTURE_DUMP);
	ret = a != NULL && b != NULL && strcmp(a, b) == 0 ? 1 : -1;
	if (ret < 0)
		fprintf(stderr, "json_fast: jansson read %.200s\njson_fast: fast read %.200s\n",
			a != NULL ? a : "?", b != NULL ? b : "?");
	free(a);
	free(b);
	json_decref(slow);
	json_decref(fast);
	return ret;
}

#endif
