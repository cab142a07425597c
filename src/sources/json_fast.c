/*
 * json_fast.c - reading a well-formed reply body into jansson values,
 * faster than json_loadb() (source_int.h, src_json_fast()).
 *
 * jansson reads its input a byte at a time through a stream callback and
 * copies every string twice; on a first sync of 100,000 dossiers that was
 * an eighth of the CPU.  This reader walks the buffer directly and builds
 * the same values with jansson's own constructors, so everything after it
 * (the dialects, json_decref()) is unchanged.
 *
 * It only takes the plain case: valid UTF-8, no \u0000, numbers that fit,
 * nesting under FAST_MAX_DEPTH, an object or array at the top and nothing
 * after it.  Anything else - including every malformed body - makes it
 * give up, and the caller reads the body with json_loadb(), whose result
 * and error message are the ones that count.  So a body gives the same
 * values, or the same error, either way; tests/fuzz/fuzz_json.c checks it.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sources/source_int.h"

/* jansson allows 2048; deeper bodies go to it. */
#define FAST_MAX_DEPTH 128
/* a number's text, sign, digits, point and exponent: longer ones go to jansson */
#define FAST_MAX_NUMBER 64

struct fast {
	const unsigned char *p, *end;
	char *buf; /* unescaped string text */
	size_t cap;
	int depth;
};

static json_t *fast_value(struct fast *f);

static void
skip_space(struct fast *f)
{
	while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' || *f->p == '\r' || *f->p == '\t'))
		f->p++;
}

static int
hex4(const unsigned char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned c = s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	*out = v;
	return 0;
}

static void
put(struct fast *f, size_t *len, const void *src, size_t n)
{
	if (n == 0)
		return;
	if (*len + n > f->cap) {
		f->cap = (*len + n) * 2;
		f->buf = xrealloc(f->buf, f->cap);
	}
	memcpy(f->buf + *len, src, n);
	*len += n;
}

/*
 * The string at f->p (just past its opening quote): *s and *len point into
 * the body when it has no escape, else into f->buf.  -1: give up.
 */
static int
fast_string(struct fast *f, const char **s, size_t *len)
{
	const unsigned char *start = f->p;
	size_t n = 0;
	bool escaped = false;

	for (;;) {
		const unsigned char *run = f->p;

		/* the plain bytes: ASCII, not a quote, backslash or control */
		while (f->p < f->end && *f->p >= 0x20 && *f->p < 0x80 && *f->p != '"' &&
		       *f->p != '\\')
			f->p++;
		if (escaped && f->p > run)
			put(f, &n, run, (size_t)(f->p - run));
		if (f->p >= f->end || *f->p < 0x20)
			return -1;
		if (*f->p == '"')
			break;
		if (*f->p >= 0x80) {
			size_t k = src_utf8_len(f->p, (size_t)(f->end - f->p));

			if (k == 0)
				return -1;
			if (escaped)
				put(f, &n, f->p, k);
			f->p += k;
			continue;
		}
		/* a backslash */
		if (!escaped) {
			n = 0;
			put(f, &n, start, (size_t)(f->p - start));
			escaped = true;
		}
		if (f->end - f->p < 2)
			return -1;
		switch (f->p[1]) {
		case '"': case '\\': case '/':
			put(f, &n, &f->p[1], 1);
			break;
		case 'b': put(f, &n, "\b", 1); break;
		case 'f': put(f, &n, "\f", 1); break;
		case 'n': put(f, &n, "\n", 1); break;
		case 'r': put(f, &n, "\r", 1); break;
		case 't': put(f, &n, "\t", 1); break;
		case 'u': {
			unsigned cp, lo;
			unsigned char u[4];
			size_t k;

			if (f->end - f->p < 6 || hex4(f->p + 2, &cp) != 0 || cp == 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (f->end - f->p < 12 || f->p[6] != '\\' || f->p[7] != 'u' ||
				    hex4(f->p + 8, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				f->p += 6;
			}
			if (cp < 0x80) {
				u[0] = (unsigned char)cp, k = 1;
			} else if (cp < 0x800) {
				u[0] = (unsigned char)(0xc0 | cp >> 6);
				u[1] = (unsigned char)(0x80 | (cp & 0x3f)), k = 2;
			} else if (cp < 0x10000) {
				u[0] = (unsigned char)(0xe0 | cp >> 12);
				u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
				u[2] = (unsigned char)(0x80 | (cp & 0x3f)), k = 3;
			} else {
				u[0] = (unsigned char)(0xf0 | cp >> 18);
				u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
				u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
				u[3] = (unsigned char)(0x80 | (cp & 0x3f)), k = 4;
			}
			put(f, &n, u, k);
			f->p += 4;
			break;
		}
		default:
			return -1;
		}
		f->p += 2;
	}
	if (escaped) {
		*s = f->buf;
		*len = n;
	} else {
		*s = (const char *)start;
		*len = (size_t)(f->p - start);
	}
	f->p++; /* the closing quote */
	return 0;
}

static bool
is_digit(const unsigned char *p, const unsigned char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* The grammar of RFC 8259; an integer as json_integer, else json_real. */
static json_t *
fast_number(struct fast *f)
{
	static locale_t c_locale;
	const unsigned char *start = f->p, *p = f->p;
	char text[FAST_MAX_NUMBER + 1], *end;
	bool real = false;
	size_t len;

	if (*p == '-')
		p++;
	if (!is_digit(p, f->end))
		return NULL;
	if (*p == '0') {
		p++;
		if (is_digit(p, f->end))
			return NULL;
	} else {
		while (is_digit(p, f->end))
			p++;
	}
	if (p < f->end && *p == '.') {
		real = true;
		if (!is_digit(++p, f->end))
			return NULL;
		while (is_digit(p, f->end))
			p++;
	}
	if (p < f->end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < f->end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, f->end))
			return NULL;
		while (is_digit(p, f->end))
			p++;
	}
	len = (size_t)(p - start);
	if (len > FAST_MAX_NUMBER)
		return NULL;
	memcpy(text, start, len);
	text[len] = '\0';
	f->p = p;
	errno = 0;
	if (!real) {
		long long v = strtoll(text, &end, 10);

		return errno == ERANGE ? NULL : json_integer(v);
	}
	/* jansson reads reals with '.' as the point whatever the locale */
	if (c_locale == (locale_t)0)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c_locale == (locale_t)0)
		return NULL;
	{
		double v = strtod_l(text, &end, c_locale);

		if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL))
			return NULL;
		return json_real(v);
	}
}

static bool
literal(struct fast *f, const char *word, size_t n)
{
	if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
		return false;
	f->p += n;
	/* "truex" is one word to jansson, and an error */
	return f->p >= f->end || !((*f->p >= 'a' && *f->p <= 'z') || (*f->p >= 'A' && *f->p <= 'Z'));
}

static json_t *
fast_object(struct fast *f)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	skip_space(f);
	if (f->p < f->end && *f->p == '}') {
		f->p++;
		return obj;
	}
	for (;;) {
		const char *key;
		size_t key_len;
		char *own = NULL;
		json_t *v;
		int rc;

		if (f->p >= f->end || *f->p != '"')
			goto fail;
		f->p++;
		if (fast_string(f, &key, &key_len) != 0)
			goto fail;
		/* an escaped key is in f->buf, which the value may reuse */
		if (key == f->buf)
			key = own = xstrndup(key, key_len);
		skip_space(f);
		v = f->p < f->end && *f->p == ':' ? (f->p++, fast_value(f)) : NULL;
		rc = v != NULL ? json_object_setn_new_nocheck(obj, key, key_len, v) : -1;
		free(own);
		if (rc != 0)
			goto fail;
		skip_space(f);
		if (f->p < f->end && *f->p == ',') {
			f->p++;
			skip_space(f);
			continue;
		}
		if (f->p < f->end && *f->p == '}') {
			f->p++;
			return obj;
		}
		goto fail;
	}
fail:
	json_decref(obj);
	return NULL;
}

static json_t *
fast_array(struct fast *f)
{
	json_t *arr = json_array();

	if (arr == NULL)
		return NULL;
	skip_space(f);
	if (f->p < f->end && *f->p == ']') {
		f->p++;
		return arr;
	}
	for (;;) {
		json_t *v = fast_value(f);

		if (v == NULL || json_array_append_new(arr, v) != 0)
			goto fail;
		skip_space(f);
		if (f->p < f->end && *f->p == ',') {
			f->p++;
			continue;
		}
		if (f->p < f->end && *f->p == ']') {
			f->p++;
			return arr;
		}
		goto fail;
	}
fail:
	json_decref(arr);
	return NULL;
}

static json_t *
fast_value(struct fast *f)
{
	json_t *v = NULL;

	skip_space(f);
	if (f->p >= f->end)
		return NULL;
	switch (*f->p) {
	case '{':
	case '[':
		if (++f->depth > FAST_MAX_DEPTH)
			return NULL;
		f->p++;
		v = *(f->p - 1) == '{' ? fast_object(f) : fast_array(f);
		f->depth--;
		return v;
	case '"': {
		const char *s;
		size_t len;

		f->p++;
		if (fast_string(f, &s, &len) != 0)
			return NULL;
		return json_stringn_nocheck(s, len);
	}
	case 't':
		return literal(f, "true", 4) ? json_true() : NULL;
	case 'f':
		return literal(f, "false", 5) ? json_false() : NULL;
	case 'n':
		return literal(f, "null", 4) ? json_null() : NULL;
	default:
		return fast_number(f);
	}
}

json_t *
src_json_fast(const char *body, size_t len)
{
	struct fast f = {
		.p = (const unsigned char *)body,
		.end = (const unsigned char *)body + len,
	};
	json_t *root;

	skip_space(&f);
	if (f.p >= f.end || (*f.p != '{' && *f.p != '['))
		return NULL;
	root = fast_value(&f);
	free(f.buf);
	if (root == NULL)
		return NULL;
	skip_space(&f);
	if (f.p != f.end) {
		json_decref(root);
		return NULL;
	}
	return root;
}
