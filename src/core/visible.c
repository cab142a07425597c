/*
 * visible.c - the visible form of untrusted text (visible.h): controls and
 * bidirectional controls spelled out as "<U+XXXX>", bytes that are not UTF-8
 * as "\xNN".
 *
 * It decides what is shown and how; it does not measure columns (that is
 * ui/textwidth.c's business, which asks visible_escape() per code point) and
 * it prints nothing.
 */
#include "core/visible.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* Unicode's Bidi_Control property (PropList.txt): the characters that
 * reorder what is shown around them. */
static bool
is_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t
visible_codepoint(uint32_t cp, char out[VISIBLE_ESCAPE_SIZE])
{
	int n = snprintf(out, VISIBLE_ESCAPE_SIZE, "<U+%04X>", (unsigned)(cp & 0x1fffff));

	return n > 0 ? (size_t)n : 0;
}

size_t
visible_escape(uint32_t cp, char out[VISIBLE_ESCAPE_SIZE])
{
	if (cp == '\t') {
		out[0] = ' ';
		out[1] = '\0';
		return 1;
	}
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || is_bidi_control(cp))
		return visible_codepoint(cp, out);
	return 0;
}

size_t
visible_escape_byte(unsigned char b, char out[VISIBLE_ESCAPE_SIZE])
{
	static const char hex[] = "0123456789ABCDEF";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 0x0f];
	out[4] = '\0';
	return 4;
}

size_t
visible_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;
	uint32_t c, min;

	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0)
		n = 2, c = u[0] & 0x1f, min = 0x80;
	else if ((u[0] & 0xf0) == 0xe0)
		n = 3, c = u[0] & 0x0f, min = 0x800;
	else if ((u[0] & 0xf8) == 0xf0)
		n = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/*
 * The next unit of s[0..len): *shown points at what to print (the input
 * itself, or esc) and *shown_len says how much; returns the bytes of input it
 * stands for (0 at the end).
 */
static size_t
next_unit(const char *s, size_t len, char esc[VISIBLE_ESCAPE_SIZE], const char **shown,
	  size_t *shown_len)
{
	uint32_t cp;
	size_t n;

	if (len == 0 || s[0] == '\0')
		return 0;
	n = visible_decode(s, len, &cp);
	if (n == 0) {
		*shown = esc;
		*shown_len = visible_escape_byte((unsigned char)s[0], esc);
		return 1;
	}
	*shown_len = visible_escape(cp, esc);
	if (*shown_len > 0) {
		*shown = esc;
	} else {
		*shown = s;
		*shown_len = n;
	}
	return n;
}

size_t
visible_copy_n(char *dst, size_t size, const char *s, size_t len)
{
	char esc[VISIBLE_ESCAPE_SIZE];
	const char *shown;
	size_t shown_len, used, total = 0, at = 0;
	bool cut = false;

	if (size > 0)
		dst[0] = '\0';
	if (s == NULL)
		return 0;
	while ((used = next_unit(s, len, esc, &shown, &shown_len)) > 0) {
		/* once one unit did not fit, nothing after it is written either */
		if (!cut && at + shown_len < size) {
			memcpy(dst + at, shown, shown_len);
			at += shown_len;
		} else {
			cut = true;
		}
		total += shown_len;
		s += used;
		len -= used;
	}
	if (size > 0)
		dst[at] = '\0';
	return total;
}

size_t
visible_copy(char *dst, size_t size, const char *s)
{
	return visible_copy_n(dst, size, s, s != NULL ? strlen(s) : 0);
}

bool
visible_plain(const char *s)
{
	char esc[VISIBLE_ESCAPE_SIZE];
	const char *shown;
	size_t shown_len, used, len = s != NULL ? strlen(s) : 0;

	while ((used = next_unit(s, len, esc, &shown, &shown_len)) > 0) {
		if (shown != s)
			return false;
		s += used;
		len -= used;
	}
	return true;
}

char *
visible_dup(const char *s)
{
	size_t need;
	char *out;

	if (s == NULL)
		return NULL;
	need = visible_copy(NULL, 0, s);
	out = xmalloc(need + 1);
	visible_copy(out, need + 1, s);
	return out;
}

char *
visible_in_place(char *buf, size_t size)
{
	char *copy;

	if (size == 0 || visible_plain(buf))
		return buf;
	copy = xstrdup(buf);
	visible_copy(buf, size, copy);
	free(copy);
	return buf;
}
