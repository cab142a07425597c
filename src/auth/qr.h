/*
 * qr.h - the sign-in QR code, drawn with text for a terminal.
 *
 * Renders a string (the verification_uri_complete of a device sign-in) as a
 * QR code made of Unicode half blocks, two module rows per text line, so a
 * version 4 code with its quiet zone takes 37 columns and 19 lines and fits
 * an 80x24 screen with room for the user code underneath.  Low error
 * correction keeps the version small.  No terminal I/O here: the caller
 * decides whether the terminal can show it (auth_qr_terminal_ok()) and prints
 * the string.
 */
#ifndef MOTCUA_AUTH_QR_H
#define MOTCUA_AUTH_QR_H

#include <stdbool.h>

enum auth_qr_flags {
	/*
	 * Draw dark modules as blocks (for dark text on a light background).
	 * Without it, light modules and the quiet zone are the blocks, which is
	 * right for the usual light-on-dark terminal.
	 */
	AUTH_QR_DARK_ON_LIGHT = 1 << 0,
};

#define AUTH_QR_QUIET 2 /* modules of quiet zone on each side */

/*
 * The QR code of `text` as UTF-8 lines ending in "\n", or NULL when it would
 * be wider than max_cols or taller than max_rows text lines, or cannot be
 * encoded.  Caller frees.  *cols and *rows (when not NULL) get the size.
 */
char *auth_qr_render(const char *text, unsigned flags, int max_cols, int max_rows, int *cols,
		     int *rows);

/*
 * Whether a terminal described by these environment values can show the
 * half blocks: not TERM=dumb (or unset), and a UTF-8 locale by the usual
 * precedence LC_ALL > LC_CTYPE > LANG.  Pure: the caller passes getenv().
 */
bool auth_qr_terminal_ok(const char *term, const char *lc_all, const char *lc_ctype,
			 const char *lang);

#endif
