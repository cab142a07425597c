/*
 * qr.c - QR codes as Unicode half blocks (see qr.h).
 *
 * Encoding is libqrencode's; this file only lays modules out on text lines:
 * the upper half block U+2580 is the top module of a pair, U+2584 the bottom,
 * U+2588 both.  It does not detect the terminal or print anything.
 */
#include "auth/qr.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"

static const char *const cells[4] = {
	" ",            /* neither */
	"\xe2\x96\x80", /* top only: ▀ */
	"\xe2\x96\x84", /* bottom only: ▄ */
	"\xe2\x96\x88", /* both: █ */
};

/* Whether the module at (x, y) of the framed symbol is drawn as a block. */
static bool
filled(const QRcode *qr, int x, int y, bool dark_on_light)
{
	int mx = x - AUTH_QR_QUIET, my = y - AUTH_QR_QUIET;
	bool dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
		    (qr->data[my * qr->width + mx] & 1);
	return dark_on_light ? dark : !dark;
}

char *
auth_qr_render(const char *text, unsigned flags, int max_cols, int max_rows, int *cols,
	       int *rows)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	bool dol = (flags & AUTH_QR_DARK_ON_LIGHT) != 0;
	char *out = NULL;
	size_t o = 0;
	int size, lines;

	if (qr == NULL)
		return NULL;
	size = qr->width + 2 * AUTH_QR_QUIET;
	lines = (size + 1) / 2;
	if (size > max_cols || lines > max_rows)
		goto out;
	/* 3 bytes per cell at most, plus a newline per line, plus NUL */
	out = xmalloc((size_t)lines * ((size_t)size * 3 + 1) + 1);
	for (int y = 0; y < size; y += 2) {
		for (int x = 0; x < size; x++) {
			int k = (filled(qr, x, y, dol) ? 1 : 0) |
				(y + 1 < size && filled(qr, x, y + 1, dol) ? 2 : 0);
			size_t n = strlen(cells[k]);
			memcpy(out + o, cells[k], n);
			o += n;
		}
		out[o++] = '\n';
	}
	out[o] = '\0';
	if (cols != NULL)
		*cols = size;
	if (rows != NULL)
		*rows = lines;
out:
	QRcode_free(qr);
	return out;
}

static bool
is_utf8_locale(const char *value)
{
	const char *dot = strchr(value, '.');

	if (dot == NULL)
		return false;
	return strncasecmp(dot + 1, "utf-8", 5) == 0 || strncasecmp(dot + 1, "utf8", 4) == 0;
}

bool
auth_qr_terminal_ok(const char *term, const char *lc_all, const char *lc_ctype, const char *lang)
{
	const char *loc;

	if (term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0)
		return false;
	if (lc_all != NULL && lc_all[0] != '\0')
		loc = lc_all;
	else if (lc_ctype != NULL && lc_ctype[0] != '\0')
		loc = lc_ctype;
	else
		loc = lang;
	return loc != NULL && is_utf8_locale(loc);
}
