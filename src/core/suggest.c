/*
 * suggest.c - the closest known word (suggest.h).
 */
#include "core/suggest.h"

#include <string.h>


#define MAX_LEN 64 /* longer words are never suggested for */

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static size_t
min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

size_t
suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[MAX_LEN + 1][MAX_LEN + 1];

	if (la > MAX_LEN || lb > MAX_LEN)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned char ca = lower((unsigned char)a[i - 1]);
			unsigned char cb = lower((unsigned char)b[j - 1]);
			size_t cost = ca == cb ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2]) &&
			    lower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

const char *
suggest_closest(const char *word, const char *const *words, size_t n)
{
	size_t len = strlen(word), best_d = (size_t)-1, limit;
	const char *best = NULL;

	if (len == 0 || len > MAX_LEN)
		return NULL;
	limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	for (size_t i = 0; i < n; i++) {
		size_t dist;
		if (words[i] == NULL)
			continue;
		if (strcmp(word, words[i]) == 0)
			return NULL; /* not misspelt */
		dist = suggest_distance(word, words[i]);
		if (dist < best_d) {
			best_d = dist;
			best = words[i];
		}
	}
	return best_d <= limit ? best : NULL;
}
