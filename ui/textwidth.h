/*
 * textwidth.h - how many terminal columns a UTF-8 string takes, and cutting
 * it to fit.
 *
 * Vietnamese arrives precomposed (NFC, "ễ" is one code point) or decomposed
 * (NFD, "e" + U+0302 + U+0303); both must take the same columns.  Widths come
 * from wcwidth() in the current locale (call setlocale(LC_ALL, "") and
 * ui_text_init() first).  A cluster is a base character and the zero-width
 * marks that follow it; cutting happens only between clusters, and a cut
 * string ends with "…" (or "..." when the locale is not UTF-8).  Control
 * characters, bidirectional controls and bytes that are not UTF-8 are shown
 * as their visible escapes ("<U+001B>", "<U+202E>", "\xFF": core/visible.h),
 * as are characters the locale cannot print; an escape is ASCII, as many
 * columns as bytes, and is never cut in half.  So a hostile string cannot
 * move the cursor, and a clerk sees what arrived.  In a locale that is not
 * UTF-8 other non-ASCII letters are '?'.
 *
 * No curses here: pure string work, unit-tested in tests/unit/test_ui_text.c.
 */
#ifndef MOTCUA_UI_TEXTWIDTH_H
#define MOTCUA_UI_TEXTWIDTH_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Read the locale's character set (nl_langinfo(CODESET)): UTF-8 or not.
 * Returns whether it is UTF-8.  Safe to call again after setlocale().
 */
bool ui_text_init(void);

/* Whether the last ui_text_init() found a UTF-8 locale. */
bool ui_text_utf8(void);

/* Columns `s` (UTF-8, NULL is "") takes on screen. */
int ui_text_width(const char *s);

/*
 * Copy `s` into buf (size bytes, always NUL-terminated when size > 0) so that
 * it takes at most `cols` columns: when wider, whole clusters are kept and an
 * ellipsis ends it.  With `pad`, spaces fill up to exactly `cols` columns.
 * In a non-UTF-8 locale every non-ASCII character becomes '?'.  A buffer too
 * small cuts earlier (still between clusters).  Returns the columns written.
 * A size of cols * 8 + 8 bytes is always enough.
 */
int ui_text_fit(const char *s, int cols, bool pad, char *buf, size_t size);

/*
 * Like ui_text_fit() but keeps the END of the string (an ellipsis first),
 * for an input line whose start scrolled away.
 */
int ui_text_fit_tail(const char *s, int cols, char *buf, size_t size);

/*
 * Byte offset where the last cluster of s[0..len) starts (0 when empty), so
 * that backspace removes "ễ" whole whether it was typed as one code point or
 * as a base and marks.
 */
size_t ui_text_prev_cluster(const char *s, size_t len);

#endif
