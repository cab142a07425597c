/*
 * line.c - the one-line editor behind the prompt line and dialog fields.
 * Appends at the end only (what a search box or a reason needs); removes
 * whole letters whether they were typed precomposed or as base + marks.
 */
#include <string.h>
#include <wchar.h>
#include <limits.h>

#include "ui/textwidth.h"
#include "ui/ui.h"

void
ui_line_clear(struct ui_line *l)
{
	l->len = 0;
	l->text[0] = '\0';
}

void
ui_line_set(struct ui_line *l, const char *text)
{
	size_t n = text != NULL ? strlen(text) : 0;

	if (n >= sizeof l->text)
		n = ui_text_prev_cluster(text, sizeof l->text - 1);
	memcpy(l->text, text != NULL ? text : "", n);
	l->text[n] = '\0';
	l->len = n;
}

static bool
is_backspace(int key)
{
	return key == 127 || key == 8 || key == (UI_KEY_FN | KEY_BACKSPACE);
}

bool
ui_line_key(struct ui_line *l, int key)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	if (is_backspace(key)) {
		l->len = ui_text_prev_cluster(l->text, l->len);
		l->text[l->len] = '\0';
		return true;
	}
	if (key == 0x15) { /* C-u */
		ui_line_clear(l);
		return true;
	}
	if (key == 0x17) { /* C-w: the last word and the blanks before it */
		while (l->len > 0 && l->text[l->len - 1] == ' ')
			l->len--;
		while (l->len > 0 && l->text[l->len - 1] != ' ')
			l->len = ui_text_prev_cluster(l->text, l->len);
		l->text[l->len] = '\0';
		return true;
	}
	if ((key & UI_KEY_FN) || key < 0x20 || key == 0x7f)
		return false;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || l->len + n >= sizeof l->text)
		return true; /* not representable or full: swallow it */
	memcpy(l->text + l->len, mb, n);
	l->len += n;
	l->text[l->len] = '\0';
	return true;
}
