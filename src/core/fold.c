/*
 * fold.c - Vietnamese-aware search folding of UTF-8 text.
 *
 * One pass: decode a code point strictly, classify it (space, mark to drop,
 * letter to fold to an ASCII base, other character to keep), write the
 * result.  The classification is tables, one per Unicode block that holds
 * Vietnamese letters, rather than a switch ladder; no Unicode database is
 * needed because Vietnamese only uses Latin-1, Latin Extended-A/B (ơ, ư, đ)
 * and Latin Extended Additional (U+1EA0..U+1EF9), plus the combining marks
 * of NFD text.  This module does not normalise to NFC or NFD, does not
 * measure display width, and does not lowercase scripts other than Latin.
 */
#include "core/fold.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* '.' means "no ASCII base: keep the character (lowercased if we know how)". */

/* U+00C0..U+00FF */
static const char latin1_base[64 + 1] =
	"aaaaaa.ceeeeiiii" /* C0: À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï */
	"dnooooo.ouuuuy.." /* D0: Ð Ñ Ò Ó Ô Õ Ö × Ø Ù Ú Û Ü Ý Þ ß */
	"aaaaaa.ceeeeiiii" /* E0: à á â ã ä å æ ç è é ê ë ì í î ï */
	"dnooooo.ouuuuy.y";/* F0: ð ñ ò ó ô õ ö ÷ ø ù ú û ü ý þ ÿ */

/* U+0100..U+017F (Latin Extended-A; Đ đ are U+0110 U+0111). */
static const char latin_ext_a_base[128 + 1] =
	"aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii"
	".." "jj" "kk" "." "llllllllll" "nnnnnnnnn" "oooooo" ".." "rrrrrr"
	"ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

/* U+1EA0..U+1EF9: the precomposed Vietnamese vowels with tone marks. */
static const char viet_base[90 + 1] =
	"aaaaaaaaaaaaaaaaaaaaaaaa" /* Ạ ạ Ả ả Ấ ấ Ầ ầ Ẩ ẩ Ẫ ẫ Ậ ậ Ắ ắ Ằ ằ Ẳ ẳ Ẵ ẵ Ặ ặ */
	"eeeeeeeeeeeeeeee"         /* Ẹ ẹ Ẻ ẻ Ẽ ẽ Ế ế Ề ề Ể ể Ễ ễ Ệ ệ */
	"iiii"                     /* Ỉ ỉ Ị ị */
	"oooooooooooooooooooooooo" /* Ọ ọ Ỏ ỏ Ố ố Ồ ồ Ổ ổ Ỗ ỗ Ộ ộ Ớ ớ Ờ ờ Ở ở Ỡ ỡ Ợ ợ */
	"uuuuuuuuuuuuuu"           /* Ụ ụ Ủ ủ Ứ ứ Ừ ừ Ử ử Ữ ữ Ự ự */
	"yyyyyyyy";                /* Ỳ ỳ Ỵ ỵ Ỷ ỷ Ỹ ỹ */

_Static_assert(sizeof latin1_base == 0x40 + 1, "latin1 table covers U+00C0..U+00FF");
_Static_assert(sizeof latin_ext_a_base == 0x80 + 1, "ext-A table covers U+0100..U+017F");
_Static_assert(sizeof viet_base == 0x1EF9 - 0x1EA0 + 1 + 1, "table covers U+1EA0..U+1EF9");

struct cp_range {
	uint32_t lo, hi;
};

/* Combining marks and invisible characters: dropped. */
static const struct cp_range dropped[] = {
	{0x00AD, 0x00AD}, /* soft hyphen */
	{0x0300, 0x036F}, /* combining diacritical marks (NFD tones, horn, breve, ...) */
	{0x1AB0, 0x1AFF}, /* combining diacritical marks extended */
	{0x1DC0, 0x1DFF}, /* combining diacritical marks supplement */
	{0x200B, 0x200D}, /* zero width space, non-joiner, joiner */
	{0x2060, 0x2060}, /* word joiner */
	{0x20D0, 0x20FF}, /* combining marks for symbols */
	{0xFE20, 0xFE2F}, /* combining half marks */
	{0xFEFF, 0xFEFF}, /* byte order mark */
};

/* White space (and controls) beyond ASCII: folded to one ASCII space. */
static const struct cp_range spaces[] = {
	{0x0080, 0x009F}, /* C1 controls, NEL */
	{0x00A0, 0x00A0}, /* no-break space */
	{0x1680, 0x1680},
	{0x2000, 0x200A}, /* en quad .. hair space */
	{0x2028, 0x2029}, /* line and paragraph separators */
	{0x202F, 0x202F}, /* narrow no-break space */
	{0x205F, 0x205F},
	{0x3000, 0x3000}, /* ideographic space */
};

/* Single letters outside the tables: ơ Ơ ư Ư (Latin Extended-B), African Đ. */
static const struct {
	uint32_t cp;
	char base;
} singles[] = {
	{0x0189, 'd'}, {0x01A0, 'o'}, {0x01A1, 'o'}, {0x01AF, 'u'}, {0x01B0, 'u'},
};

static bool
in_ranges(uint32_t cp, const struct cp_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Decode one code point strictly (no overlongs, no surrogates, nothing above
 * U+10FFFF).  Returns the number of bytes consumed (>= 1), with *cp set, or 0
 * when s[0] does not start a valid sequence within avail bytes.
 */
static size_t
utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char b = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF;

	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
		*cp = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		*cp = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		*cp = b & 0x07;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = s[i];
		if (c < lo || c > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
		*cp = (*cp << 6) | (c & 0x3F);
	}
	return n;
}

static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

enum fold_kind {
	FOLD_DROP,   /* write nothing */
	FOLD_SPACE,  /* part of a run of white space */
	FOLD_ASCII,  /* write the ASCII letter in *base */
	FOLD_KEEP,   /* write the code point in *cp (maybe lowercased) */
};

static enum fold_kind
fold_classify(uint32_t *cp, char *base)
{
	uint32_t c = *cp;
	char b = '.';

	if (c < 0x80) {
		if (c <= 0x20 || c == 0x7F)
			return FOLD_SPACE;
		*base = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : (char)c;
		return FOLD_ASCII;
	}
	if (in_ranges(c, spaces, NELEM(spaces)))
		return FOLD_SPACE;
	if (in_ranges(c, dropped, NELEM(dropped)))
		return FOLD_DROP;
	if (c >= 0x00C0 && c <= 0x00FF) {
		b = latin1_base[c - 0x00C0];
		if (b == '.' && c >= 0x00C0 && c <= 0x00DE && c != 0x00D7)
			*cp = c + 0x20; /* Æ → æ, Þ → þ */
	} else if (c >= 0x0100 && c <= 0x017F) {
		b = latin_ext_a_base[c - 0x0100];
		if (c == 0x0132 || c == 0x0152)
			*cp = c + 1; /* Ĳ → ĳ, Œ → œ */
	} else if (c >= 0x1EA0 && c <= 0x1EF9) {
		b = viet_base[c - 0x1EA0];
	} else {
		for (size_t i = 0; i < NELEM(singles); i++)
			if (singles[i].cp == c)
				b = singles[i].base;
	}
	if (b == '.')
		return FOLD_KEEP;
	*base = b;
	return FOLD_ASCII;
}

size_t
fold_mem(const char *src, size_t len, char *dst, size_t size)
{
	const unsigned char *in = (const unsigned char *)src;
	size_t i = 0, o = 0;
	bool pending_space = false;

	if (size == 0)
		return 0;
	while (i < len && in[i] != '\0') {
		uint32_t cp;
		char base = 0;
		char enc[4];
		size_t n = utf8_decode(in + i, len - i, &cp);
		size_t w;

		if (n == 0) { /* invalid byte: drop it, resynchronise on the next */
			i++;
			continue;
		}
		/* A NUL inside a multibyte sequence cannot happen: continuation
		 * bytes are >= 0x80, so `n` never steps over the terminator. */
		i += n;
		switch (fold_classify(&cp, &base)) {
		case FOLD_DROP:
			continue;
		case FOLD_SPACE:
			pending_space = o > 0;
			continue;
		case FOLD_ASCII:
			enc[0] = base;
			w = 1;
			break;
		case FOLD_KEEP:
		default:
			w = utf8_encode(cp, enc);
			break;
		}
		/*
		 * In place, o never passes i: every output byte, the pending
		 * space included, stands for at least one input byte consumed.
		 */
		if (o + (pending_space ? 1 : 0) + w > size - 1)
			break;
		if (pending_space) {
			dst[o++] = ' ';
			pending_space = false;
		}
		memcpy(dst + o, enc, w);
		o += w;
	}
	dst[o] = '\0';
	return o;
}

char *
fold_text(const char *utf8)
{
	size_t len;
	char *out;

	if (utf8 == NULL)
		return xstrdup("");
	len = strlen(utf8);
	out = xmalloc(len + 1);
	fold_mem(utf8, len, out, len + 1);
	return out;
}

size_t
fold_inplace(char *s)
{
	size_t len = strlen(s);

	return fold_mem(s, len, s, len + 1);
}
