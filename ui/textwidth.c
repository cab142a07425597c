/*
 * textwidth.c - column widths and cutting of UTF-8 text for the screen.
 *
 * Works on clusters (a base character and the zero-width marks after it) so
 * that NFC and NFD Vietnamese measure and cut alike.  Knows nothing about
 * curses or what the text means; see textwidth.h for the contract.
 */
#include "ui/textwidth.h"

#include <langinfo.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

/* Marks kept per cluster; more are consumed but not shown (a string of a
 * thousand stacked marks is an attack on the terminal, not a name). */
#define MAX_MARKS 4
#define CLUSTER_MAX 32

static bool utf8_locale;

bool
ui_text_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	utf8_locale = cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	return utf8_locale;
}

bool
ui_text_utf8(void)
{
	return utf8_locale;
}

struct cluster {
	char bytes[CLUSTER_MAX]; /* what to print */
	size_t n;                /* bytes used in `bytes` */
	size_t consumed;         /* bytes of the input */
	int width;
};

/* Decode one code point strictly; returns its length, 0 at NUL, -1 invalid. */
static int
utf8_decode(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	int len;
	uint32_t c, min;

	if (u[0] == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0)
		len = 2, c = u[0] & 0x1f, min = 0x80;
	else if ((u[0] & 0xf0) == 0xe0)
		len = 3, c = u[0] & 0x0f, min = 0x800;
	else if ((u[0] & 0xf8) == 0xf0)
		len = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return -1;
	for (int i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -1;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	*cp = c;
	return len;
}

/* Width of one code point: -1 not printable, 0 a mark, 1 or 2. */
static int
cp_width(uint32_t cp)
{
	if (!utf8_locale) {
		if (cp < 0x80)
			return cp >= 0x20 && cp < 0x7f ? 1 : -1;
		/* Combining marks vanish; everything else is one '?'. */
		return (cp >= 0x300 && cp <= 0x36f) ? 0 : 1;
	}
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return -1;
	return wcwidth((wchar_t)cp);
}

/*
 * The cluster at s, or consumed == 0 at the end.  Uses mbrtowc() in a UTF-8
 * locale (wchar_t is the code point there) and the strict decoder otherwise.
 */
static void
next_cluster(const char *s, struct cluster *c)
{
	uint32_t cp = 0;
	int len, w;
	int marks = 0;

	c->n = c->consumed = 0;
	c->width = 0;
	for (;;) {
		if (utf8_locale) {
			mbstate_t st;
			wchar_t wc;
			size_t r;

			memset(&st, 0, sizeof st);
			r = mbrtowc(&wc, s + c->consumed, 4, &st);
			if (r == 0)
				len = 0;
			else if (r == (size_t)-1 || r == (size_t)-2)
				len = -1;
			else
				len = (int)r, cp = (uint32_t)wc;
		} else {
			len = utf8_decode(s + c->consumed, &cp);
		}
		if (len == 0)
			return;
		if (len < 0) {
			if (c->consumed > 0)
				return; /* the bad byte starts the next cluster */
			c->bytes[0] = '?';
			c->n = 1;
			c->consumed = 1;
			c->width = 1;
			return;
		}
		w = cp_width(cp);
		if (c->consumed > 0 && w != 0)
			return; /* the next base character */
		if (c->consumed == 0 && w == 0) {
			/* A mark with no base: drop it. */
			c->consumed += (size_t)len;
			continue;
		}
		if (w < 0) {
			c->bytes[0] = '?';
			c->n = 1;
			c->consumed = (size_t)len;
			c->width = 1;
			return;
		}
		if (w == 0) {
			if (utf8_locale && marks < MAX_MARKS && c->n + (size_t)len <= CLUSTER_MAX) {
				memcpy(c->bytes + c->n, s + c->consumed, (size_t)len);
				c->n += (size_t)len;
				marks++;
			}
			c->consumed += (size_t)len;
			continue;
		}
		/* A base character. */
		if (utf8_locale) {
			memcpy(c->bytes, s + c->consumed, (size_t)len);
			c->n = (size_t)len;
		} else {
			c->bytes[0] = cp < 0x80 ? (char)cp : '?';
			c->n = 1;
			w = 1;
		}
		c->width = w;
		c->consumed += (size_t)len;
	}
}

int
ui_text_width(const char *s)
{
	struct cluster c;
	int w = 0;

	if (s == NULL)
		return 0;
	for (;;) {
		next_cluster(s, &c);
		if (c.consumed == 0)
			return w;
		w += c.width;
		s += c.consumed;
	}
}

static const char *
ellipsis(int *width)
{
	if (utf8_locale) {
		*width = 1;
		return "\xe2\x80\xa6";
	}
	*width = 3;
	return "...";
}

/* Append n bytes if they fit with the NUL; returns whether they did. */
static bool
put(char *buf, size_t size, size_t *at, const char *bytes, size_t n)
{
	if (*at + n + 1 > size)
		return false;
	memcpy(buf + *at, bytes, n);
	*at += n;
	buf[*at] = '\0';
	return true;
}

int
ui_text_fit(const char *s, int cols, bool pad, char *buf, size_t size)
{
	struct cluster c;
	const char *ell;
	int ell_w, w = 0, room;
	size_t at = 0;
	const char *p;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (cols <= 0)
		return 0;
	if (s == NULL)
		s = "";
	ell = ellipsis(&ell_w);
	/* Does the whole string fit? Then no ellipsis is needed. */
	room = ui_text_width(s) <= cols ? cols : cols - ell_w;
	if (room < 0)
		room = 0;
	for (p = s;; p += c.consumed) {
		next_cluster(p, &c);
		if (c.consumed == 0)
			break;
		if (w + c.width > room || !put(buf, size, &at, c.bytes, c.n))
			break;
		w += c.width;
	}
	if (c.consumed != 0) {
		/* Cut: the ellipsis, or as much of "..." as there is room for. */
		int n = cols - w < ell_w ? cols - w : ell_w;
		if (n == ell_w) {
			if (put(buf, size, &at, ell, strlen(ell)))
				w += ell_w;
		} else {
			for (int i = 0; i < n && put(buf, size, &at, ".", 1); i++)
				w++;
		}
	}
	while (pad && w < cols && put(buf, size, &at, " ", 1))
		w++;
	return w;
}

int
ui_text_fit_tail(const char *s, int cols, char *buf, size_t size)
{
	struct cluster c;
	const char *p, *start;
	int total, ell_w, w;
	size_t at = 0;
	const char *ell;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (s == NULL || cols <= 0)
		return 0;
	total = ui_text_width(s);
	if (total <= cols)
		return ui_text_fit(s, cols, false, buf, size);
	ell = ellipsis(&ell_w);
	if (cols <= ell_w)
		return ui_text_fit("", 0, false, buf, size);
	/* Skip clusters from the start until the rest fits after the ellipsis. */
	start = s;
	w = total;
	for (p = s; w > cols - ell_w; p += c.consumed) {
		next_cluster(p, &c);
		if (c.consumed == 0)
			break;
		w -= c.width;
		start = p + c.consumed;
	}
	if (!put(buf, size, &at, ell, strlen(ell)))
		return 0;
	return ell_w + ui_text_fit(start, cols - ell_w, false, buf + at, size - at);
}

size_t
ui_text_prev_cluster(const char *s, size_t len)
{
	struct cluster c;
	size_t at = 0, last = 0;

	while (at < len) {
		next_cluster(s + at, &c);
		if (c.consumed == 0)
			break;
		last = at;
		at += c.consumed;
	}
	return last;
}
