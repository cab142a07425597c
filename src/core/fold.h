/*
 * fold.h - Vietnamese-aware folding of UTF-8 text for search.
 *
 * Folding makes "nguyen van duong" equal to "Nguyễn Văn Đường": letters are
 * lowercased, tones and vowel marks are removed (precomposed NFC letters and
 * decomposed NFD sequences alike: combining marks U+0300..U+036F, including
 * the hook above U+0309, dot below U+0323, horn U+031B, breve U+0306 and
 * circumflex U+0302, are dropped), đ/Đ become d, and runs of white space
 * (ASCII and Unicode spaces such as U+00A0) become one ASCII space with none
 * at either end.  Other Latin letters with diacritics (Latin-1 and Latin
 * Extended-A) fold to their base letter too; other characters are kept as
 * they are (re-encoded as valid UTF-8).  Bytes that are not valid UTF-8
 * (stray continuation bytes, truncated or overlong sequences, surrogates,
 * code points above U+10FFFF) are dropped; the input is never read past its
 * end.
 *
 * The folded text is never longer than the input, so folding can be done in
 * place.  Pure: no I/O, no locale.  Display width is the UI's business, not
 * this module's.
 */
#ifndef MOTCUA_FOLD_H
#define MOTCUA_FOLD_H

#include <stddef.h>

/*
 * Fold a NUL-terminated UTF-8 string.  Returns a new string the caller frees
 * with free().  NULL in gives "" (also to be freed).
 */
char *fold_text(const char *utf8);

/*
 * Fold `len` bytes of `src` (stopping early at a NUL byte) into `dst` of
 * `size` bytes.  At most size-1 bytes are written, cut only between
 * characters, and dst is always NUL-terminated when size > 0.  `dst` may be
 * the same pointer as `src` (in-place folding): the output never overtakes
 * the input.  Returns the length written (excluding the NUL).
 */
size_t fold_mem(const char *src, size_t len, char *dst, size_t size);

/* Fold a NUL-terminated string in place; returns its new length. */
size_t fold_inplace(char *s);

#endif
