/*
 * shorten.c - names and codes made to fit narrow columns (shorten.h).
 */
#include "ui/shorten.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "core/xalloc.h"
#include "ui/textwidth.h"

#define MAX_WORDS 16

/* Bytes of the code point starting at s (1 for a stray byte). */
static size_t
cp_len(const unsigned char *s)
{
	if (s[0] >= 0xF0 && s[1] != 0 && s[2] != 0 && s[3] != 0)
		return 4;
	if (s[0] >= 0xE0 && s[1] != 0 && s[2] != 0)
		return 3;
	if (s[0] >= 0xC0 && s[1] != 0)
		return 2;
	return 1;
}

/* Whether the code point at s is a combining diacritical mark (U+0300..U+036F,
 * the marks of decomposed Vietnamese). */
static bool
is_mark(const unsigned char *s)
{
	return (s[0] == 0xCC && s[1] >= 0x80) || (s[0] == 0xCD && s[1] >= 0x80 && s[1] <= 0xAF);
}

/* Bytes of the first letter of `w`, with its marks ("Ư" + marks in NFD). */
static size_t
first_letter(const char *w)
{
	const unsigned char *s = (const unsigned char *)w;
	size_t n;

	if (*s == '\0')
		return 0;
	n = cp_len(s);
	while (s[n] != '\0' && is_mark(s + n))
		n += cp_len(s + n);
	return n;
}

/* Split a copy of `name` at spaces; returns the copy (owns the words). */
static char *
split_words(const char *name, char *words[MAX_WORDS], size_t *n)
{
	char *copy = xstrdup(name), *save = NULL;

	*n = 0;
	for (char *w = strtok_r(copy, " \t", &save); w != NULL && *n < MAX_WORDS;
	     w = strtok_r(NULL, " \t", &save))
		words[(*n)++] = w;
	return copy;
}

/* Append the initial of `w` and a dot. */
static void
add_initial(char *out, size_t size, const char *w)
{
	size_t len = strlen(out), n = first_letter(w);

	if (len + n + 2 > size)
		return;
	memcpy(out + len, w, n);
	out[len + n] = '.';
	out[len + n + 1] = '\0';
}

static void
add_text(char *out, size_t size, const char *s)
{
	size_t len = strlen(out), n = strlen(s);

	if (len + n + 1 > size)
		return;
	memcpy(out + len, s, n + 1);
}

/* Whether `s` fits in `cols` columns: then written whole to buf. */
static bool
fits(const char *s, int cols, char *buf, size_t size)
{
	if (ui_text_width(s) > cols)
		return false;
	ui_text_fit(s, cols, false, buf, size);
	return true;
}

char *
ui_short_person(const char *name, int cols, char *buf, size_t size)
{
	char *words[MAX_WORDS], *copy, *form;
	size_t n, cap;

	if (name == NULL)
		name = "";
	if (fits(name, cols, buf, size))
		return buf;
	copy = split_words(name, words, &n);
	cap = strlen(name) + 2 * MAX_WORDS + 1;
	form = xmalloc(cap);
	if (n >= 2) {
		/* "Nguyễn T. Khánh", "Tôn N.T.B. Ngọc": family and given
		 * whole, middles initials */
		form[0] = '\0';
		add_text(form, cap, words[0]);
		if (n > 2)
			add_text(form, cap, " ");
		for (size_t i = 1; i + 1 < n; i++)
			add_initial(form, cap, words[i]);
		add_text(form, cap, " ");
		add_text(form, cap, words[n - 1]);
		if (fits(form, cols, buf, size))
			goto done;
		/* "N.T. Khánh" */
		form[0] = '\0';
		for (size_t i = 0; i + 1 < n; i++)
			add_initial(form, cap, words[i]);
		add_text(form, cap, " ");
		add_text(form, cap, words[n - 1]);
		if (fits(form, cols, buf, size))
			goto done;
		/* the given name alone, cut if need be */
		ui_text_fit(words[n - 1], cols, false, buf, size);
		goto done;
	}
	ui_text_fit(name, cols, false, buf, size);
done:
	free(form);
	free(copy);
	return buf;
}

/* `s` with its first letter upper-cased (a UTF-8 locale; else as it is). */
static char *
capitalised(const char *s)
{
	size_t len = strlen(s), cap = len + MB_LEN_MAX + 1;
	char *out = xmalloc(cap);
	mbstate_t st;
	wchar_t wc;
	size_t n, m;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, len, &st);
	if (!ui_text_utf8() || n == 0 || n == (size_t)-1 || n == (size_t)-2) {
		memcpy(out, s, len + 1);
		return out;
	}
	memset(&st, 0, sizeof st);
	m = wcrtomb(out, (wchar_t)towupper((wint_t)wc), &st);
	if (m == (size_t)-1) {
		memcpy(out, s, len + 1);
		return out;
	}
	memcpy(out + m, s + n, len - n + 1);
	return out;
}

char *
ui_short_procedure(const char *name, const char *short_name, bool whole, int cols, char *buf,
		   size_t size)
{
	/* the verbs most procedure names start with, and what is left tells
	 * them apart (DOMAIN.md's catalogue: "Đăng ký khai sinh", "Cấp ...") */
	static const char *const lead[] = {"Thủ tục ", "Đăng ký ", "Cấp ", "Giải quyết "};
	const char *rest;
	char *cap;

	if (name == NULL)
		name = "";
	if (whole && fits(name, cols, buf, size))
		return buf;
	if (short_name != NULL && short_name[0] != '\0') {
		ui_text_fit(short_name, cols, false, buf, size);
		return buf;
	}
	rest = name;
	for (size_t i = 0; i < sizeof lead / sizeof lead[0]; i++) {
		size_t n = strlen(lead[i]);
		if (strncmp(rest, lead[i], n) == 0 && rest[n] != '\0') {
			rest += n;
			break;
		}
	}
	cap = capitalised(rest);
	ui_text_fit(cap, cols, false, buf, size);
	free(cap);
	return buf;
}

char *
ui_short_code(const char *code, int cols, char *buf, size_t size)
{
	if (code == NULL)
		code = "";
	if (!fits(code, cols, buf, size))
		ui_text_fit_tail(code, cols, buf, size);
	return buf;
}
