/*
 * textwidth.c - column widths and cutting of UTF-8 text for the screen.
 *
 * Works on clusters (a base character and the zero-width marks after it) so
 * that NFC and NFD Vietnamese measure and cut alike.  A control character,
 * a bidirectional control or a byte that is not UTF-8 is a cluster of its
 * own whose text is its visible escape (core/visible.h), ASCII, as wide as
 * it is long, so what fits is measured on what is drawn.  Knows nothing
 * about curses or what the text means; see textwidth.h for the contract.
 */
#include "ui/textwidth.h"

#include <langinfo.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "core/visible.h"

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

/* Width of one code point that visible_escape() lets through: -1 not
 * printable in this locale, 0 a mark, 1 or 2. */
static int
cp_width(uint32_t cp)
{
	if (!utf8_locale) {
		/* Combining marks vanish; everything else is one '?'. */
		return (cp >= 0x300 && cp <= 0x36f) ? 0 : 1;
	}
	return wcwidth((wchar_t)cp);
}

/* A cluster of its own that shows `text` (ASCII: one column a byte). */
static void
escape_cluster(struct cluster *c, const char *text, size_t n, size_t consumed)
{
	memcpy(c->bytes, text, n);
	c->n = n;
	c->consumed = consumed;
	c->width = (int)n;
}

/* One code point at s: its length (0 at the end, -1 not valid UTF-8). */
static int
decode(const char *s, uint32_t *cp)
{
	size_t r;

	if (s[0] == '\0')
		return 0;
	if (utf8_locale) {
		/* mbrtowc(): wchar_t is the code point in a UTF-8 locale */
		mbstate_t st;
		wchar_t wc;

		memset(&st, 0, sizeof st);
		r = mbrtowc(&wc, s, 4, &st);
		if (r == 0)
			return 0;
		if (r == (size_t)-1 || r == (size_t)-2)
			return -1;
		*cp = (uint32_t)wc;
		return (int)r;
	}
	r = visible_decode(s, strnlen(s, 4), cp);
	return r > 0 ? (int)r : -1;
}

/*
 * The cluster at s, or consumed == 0 at the end.  Uses mbrtowc() in a UTF-8
 * locale and the strict decoder of core/visible.h otherwise.
 */
static void
next_cluster(const char *s, struct cluster *c)
{
	char esc[VISIBLE_ESCAPE_SIZE];
	uint32_t cp = 0;
	size_t esc_len;
	int len, w;
	int marks = 0;

	c->n = c->consumed = 0;
	c->width = 0;
	for (;;) {
		len = decode(s + c->consumed, &cp);
		if (len == 0)
			return;
		if (len < 0) {
			if (c->consumed > 0)
				return; /* the bad byte starts the next cluster */
			esc_len = visible_escape_byte((unsigned char)s[0], esc);
			escape_cluster(c, esc, esc_len, 1);
			return;
		}
		/* Controls and bidi controls are shown escaped, each on its own:
		 * wcwidth() calls the bidi ones zero-width marks, which would
		 * glue them to the letter before. */
		esc_len = visible_escape(cp, esc);
		w = esc_len > 0 ? -1 : cp_width(cp);
		if (w < 0 && esc_len == 0)
			esc_len = visible_codepoint(cp, esc); /* unprintable here */
		if (esc_len > 0) {
			if (c->consumed == 0)
				escape_cluster(c, esc, esc_len, (size_t)len);
			return;
		}
		if (c->consumed > 0 && w != 0)
			return; /* the next base character */
		if (c->consumed == 0 && w == 0) {
			/* A mark with no base: drop it. */
			c->consumed += (size_t)len;
			continue;
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
