/*
 * visible.h - untrusted text made safe to print on a terminal, and still
 * readable.
 *
 * A dossier's name, procedure, unit or code, a server's error text, a file
 * name: anything that came from outside may hold characters that steer the
 * terminal instead of showing (a window-title OSC, "clear screen", a DCS
 * query that makes the terminal type a reply, a C1 CSI, CR or backspace that
 * overwrite what was printed, a right-to-left override that reorders it).
 * The visible form spells those characters out, so a clerk or a support
 * engineer sees what arrived and the terminal does nothing.  The notation,
 * ASCII only (its width on screen is its length):
 *
 *   - a control or bidirectional-control character: its code point in angle
 *     brackets, "<U+001B>" for ESC, "<U+000D>" for CR, "<U+0008>" for
 *     backspace, "<U+000A>" for a newline inside a one-line value,
 *     "<U+007F>" for DEL, "<U+009B>" for the C1 CSI, "<U+202E>" for the
 *     right-to-left override;
 *   - a byte that is not part of valid UTF-8 (a stray continuation byte, a
 *     cut, overlong or surrogate sequence, above U+10FFFF): "\xNN", upper-case
 *     hex, one per byte;
 *   - TAB: one space.  It moves the cursor but overwrites nothing; shown as
 *     itself it would break the columns of a table;
 *   - everything else is copied unchanged: Vietnamese in NFC or NFD, combining
 *     marks, wide characters, printable ASCII.
 *
 * Escaped are C0 (U+0000..U+001F but TAB), DEL (U+007F), C1 (U+0080..U+009F)
 * and Unicode's Bidi_Control set (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069).  The form is for eyes, not for parsing: text that already
 * reads "<U+001B>" looks like an escaped ESC (`--json` gives the raw text).
 * Escaping is idempotent: the visible form of a visible form is itself.
 *
 * Pure: no I/O, no locale.  Used by every human-readable line the command
 * line prints (src/cli) and by the console's text fitting (ui/textwidth.c).
 */
#ifndef MOTCUA_VISIBLE_H
#define MOTCUA_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for any escape this module writes and its NUL ("<U+10FFFF>"). */
#define VISIBLE_ESCAPE_SIZE 12

/*
 * How code point cp is shown: 0 when as itself (copy its UTF-8 bytes), else
 * the length of the ASCII text written to out (NUL-terminated): "<U+XXXX>",
 * or " " for TAB.
 */
size_t visible_escape(uint32_t cp, char out[VISIBLE_ESCAPE_SIZE]);

/* "<U+XXXX>" (4 to 6 hex digits) for any code point; returns its length.
 * For a character the console cannot draw (ui/textwidth.c). */
size_t visible_codepoint(uint32_t cp, char out[VISIBLE_ESCAPE_SIZE]);

/* "\xNN" for a byte that is not valid UTF-8; returns 4. */
size_t visible_escape_byte(unsigned char b, char out[VISIBLE_ESCAPE_SIZE]);

/*
 * Decode one code point of s[0..len) strictly (no overlong form, no
 * surrogate, nothing above U+10FFFF).  Returns its length in bytes, or 0 when
 * s does not start with a valid one (len 0 included).
 */
size_t visible_decode(const char *s, size_t len, uint32_t *cp);

/* Whether s prints unchanged (NULL: yes). */
bool visible_plain(const char *s);

/*
 * The visible form of s[0..len) (stopping at a NUL) into dst of size bytes,
 * always NUL-terminated when size > 0.  Cut only between characters and
 * escapes, never inside one.  Returns the length of the whole visible form
 * (as snprintf does): the output was cut when that is >= size.  dst and s
 * must not overlap.
 */
size_t visible_copy_n(char *dst, size_t size, const char *s, size_t len);
/* The same for a NUL-terminated s (NULL is ""). */
size_t visible_copy(char *dst, size_t size, const char *s);

/* The visible form of s, malloc'd (never NULL: xalloc's policy); the caller
 * frees it.  NULL in, NULL out. */
char *visible_dup(const char *s);

/* Rewrite the string in buf (size bytes) as its visible form, cut between
 * characters when it no longer fits.  Returns buf. */
char *visible_in_place(char *buf, size_t size);

#endif
