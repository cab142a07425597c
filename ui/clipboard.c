/*
 * clipboard.c - copying a dossier's code to the terminal's clipboard with
 * OSC 52 (xterm's "manipulate selection data"), which xterm, tmux (with
 * set-clipboard on), kitty, foot, WezTerm and Windows Terminal honour and
 * others ignore.  Nothing comes back to say whether it worked, so the
 * caller also shows the text, for selecting it with the mouse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "ui/ui.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of s[0..n) into out (size >= 4 * ((n + 2) / 3) + 1). */
static void
base64(const unsigned char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

bool
ui_clipboard_copy(const char *text)
{
	const char *term = getenv("TERM");
	size_t n = strlen(text);
	char *enc, *seq;
	size_t len;

	/* the Linux console prints OSC 52 as garbage; a clerk may turn it off */
	if (n == 0 || n > 1024 || getenv("MOTCUA_NO_OSC52") != NULL ||
	    (term != NULL && strcmp(term, "linux") == 0))
		return false;
	enc = malloc(4 * ((n + 2) / 3) + 1);
	if (enc == NULL)
		return false;
	base64((const unsigned char *)text, n, enc);
	len = strlen(enc) + 16;
	seq = malloc(len);
	if (seq == NULL) {
		free(enc);
		return false;
	}
	snprintf(seq, len, "\033]52;c;%s\a", enc);
	putp(seq);
	fflush(stdout);
	free(seq);
	free(enc);
	return true;
}
