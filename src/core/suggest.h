/*
 * suggest.h - "did you mean": the known word closest to a misspelt one.
 *
 * Closeness is the optimal string alignment distance (insertions,
 * deletions, substitutions and swaps of two neighbours, each costing one),
 * over bytes, ignoring ASCII case.  A word is offered only when it is close
 * for its length: at most one edit for words up to 4 bytes, two up to 8,
 * three beyond.  For configuration keys, options and names typed by people.
 */
#ifndef MOTCUA_CORE_SUGGEST_H
#define MOTCUA_CORE_SUGGEST_H

#include <stddef.h>

/* The closest of words[0..n) (NULL entries are skipped; a word differing
 * only in case is the closest), or NULL when none is close enough or the
 * word itself is one of them. */
const char *suggest_closest(const char *word, const char *const *words, size_t n);

/* The distance itself (exposed for tests). */
size_t suggest_distance(const char *a, const char *b);

#endif
