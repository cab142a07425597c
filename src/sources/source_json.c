/*
 * source_json.c - reading servers' JSON defensively, and the backends' date
 * formats.
 *
 * Every value from a server is untrusted: the readers check the JSON type,
 * a length cap, NUL bytes and invalid UTF-8 (replaced by U+FFFD at parse
 * time so that only the dossier holding it is refused), and the dates
 * against the calendar.  They never print a value: reasons are static
 * strings, so no personal data reaches a log.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/jsonmem.h"
#include "core/xalloc.h"
#include "sources/source_int.h"

/* ---- dates ----------------------------------------------------------------- */

static const struct {
	const char *name;
	enum src_date_fmt fmt;
} date_fmts[] = {
	{"iso8601", SRC_DATE_ISO},
	{"yyyyMMddHHmmss", SRC_DATE_COMPACT},
	{"dd/MM/yyyy HH:mm:ss", SRC_DATE_VN},
	{"epoch_ms", SRC_DATE_EPOCH_MS},
	{"epoch_s", SRC_DATE_EPOCH_S},
};

/*
 * Date patterns of profiles, interned: a profile holds the enum value, so
 * every reader that takes an enum src_date_fmt takes a pattern too.  Parsed
 * at start-up, before threads; never freed (static).
 */
static int make_local(int y, int mo, int d, int h, int mi, int s, mc_time *out);

#define MAX_PATTERNS 32
#define PATTERN_LEN 48
static char patterns[MAX_PATTERNS][PATTERN_LEN];
static int n_patterns;

/* The run of c at p (at most 4). */
static int
run_of(const char *p, char c)
{
	int n = 0;
	while (p[n] == c && n < 4)
		n++;
	return n;
}

/* Whether pat is a pattern: each date part at most once, a year, a month
 * and a day; a time of day needs hours and minutes. */
static bool
pattern_ok(const char *pat)
{
	int seen[128] = {0};
	size_t len = strlen(pat);

	if (len == 0 || len >= PATTERN_LEN)
		return false;
	for (const char *p = pat; *p != '\0';) {
		unsigned char c = (unsigned char)*p;
		int n;
		if (c == '\'') {
			const char *q = strchr(p + 1, '\'');
			if (q == NULL)
				return false;
			p = q + 1;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			return false;
		if (!strchr("yMdHmsSX", c)) {
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
				return false; /* a letter we do not know: a typo */
			p++;
			continue;
		}
		n = run_of(p, (char)c);
		if (seen[c]++ || (c == 'y' && n != 4) || (c == 'S' && n != 3) ||
		    (c == 'X' && n != 3) || (strchr("MdHms", c) && n > 2))
			return false;
		p += n;
	}
	return seen['y'] && seen['M'] && seen['d'] && (seen['H'] == seen['m']) &&
	       (!seen['s'] || seen['m']);
}

int
src_date_fmt_parse(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof date_fmts / sizeof date_fmts[0]; i++)
		if (strcmp(date_fmts[i].name, name) == 0)
			return (int)date_fmts[i].fmt;
	if (!pattern_ok(name))
		return -1;
	for (int i = 0; i < n_patterns; i++)
		if (strcmp(patterns[i], name) == 0)
			return SRC_DATE_PATTERN + i;
	if (n_patterns == MAX_PATTERNS)
		return -1;
	snprintf(patterns[n_patterns], PATTERN_LEN, "%s", name);
	return SRC_DATE_PATTERN + n_patterns++;
}

static const char *
pattern_of(enum src_date_fmt fmt)
{
	int i = (int)fmt - SRC_DATE_PATTERN;
	return i >= 0 && i < n_patterns ? patterns[i] : NULL;
}

/* 1..max digits at *s (exactly max when `exact`), advancing *s. */
static int
take_digits(const char **s, int max, bool exact, int *v)
{
	int n = 0, x = 0;
	while (n < max && (*s)[n] >= '0' && (*s)[n] <= '9') {
		x = x * 10 + ((*s)[n] - '0');
		n++;
	}
	if (n == 0 || (exact && n != max))
		return -1;
	*s += n;
	*v = x;
	return 0;
}

static int
pattern_parse(const char *s, const char *pat, mc_time *out)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, off = 7 * 3600;

	for (const char *p = pat; *p != '\0';) {
		char c = *p;
		int n, v;
		if (c == '\'') {
			const char *q = strchr(p + 1, '\'');
			size_t lit = (size_t)(q - p - 1);
			if (strncmp(s, p + 1, lit) != 0)
				return -1;
			s += lit;
			p = q + 1;
			continue;
		}
		if (!strchr("yMdHmsSX", c)) {
			if (*s != c)
				return -1;
			s++;
			p++;
			continue;
		}
		n = run_of(p, c);
		p += n;
		if (c == 'S') {
			while (*s >= '0' && *s <= '9')
				s++;
			continue;
		}
		if (c == 'X') {
			int oh, om;
			if (*s == 'Z') {
				off = 0;
				s++;
				continue;
			}
			if ((*s != '+' && *s != '-') || (s++, take_digits(&s, 2, true, &oh)) != 0 ||
			    *s++ != ':' || take_digits(&s, 2, true, &om) != 0 || oh > 14 || om > 59)
				return -1;
			off = (oh * 3600 + om * 60) * (s[-6] == '-' ? -1 : 1);
			continue;
		}
		if (take_digits(&s, c == 'y' ? 4 : 2, c == 'y' || n == 2, &v) != 0)
			return -1;
		*(c == 'y'   ? &y
		  : c == 'M' ? &mo
		  : c == 'd' ? &d
		  : c == 'H' ? &h
		  : c == 'm' ? &mi
			     : &sec) = v;
	}
	if (*s != '\0' || make_local(y, mo, d, h, mi, sec, out) != 0)
		return -1;
	/* make_local counts in Vietnam time (UTC+7) */
	*out += 7 * 3600 - off;
	return 0;
}

static char *
pattern_format(mc_time t, const char *pat, char *buf, size_t size)
{
	struct civil_time ct = civil_split(t);
	size_t o = 0;

	for (const char *p = pat; *p != '\0' && o + 8 < size;) {
		char c = *p;
		int n;
		if (c == '\'') {
			const char *q = strchr(p + 1, '\'');
			for (p++; p < q && o + 8 < size; p++)
				buf[o++] = *p;
			p = q + 1;
			continue;
		}
		if (!strchr("yMdHmsSX", c)) {
			buf[o++] = c;
			p++;
			continue;
		}
		n = run_of(p, c);
		p += n;
		if (c == 'S')
			o += (size_t)snprintf(buf + o, size - o, "000");
		else if (c == 'X')
			o += (size_t)snprintf(buf + o, size - o, "+07:00");
		else
			o += (size_t)snprintf(buf + o, size - o, n == 1 ? "%d" : c == 'y' ? "%04d" : "%02d",
					      c == 'y'   ? ct.date.year
					      : c == 'M' ? ct.date.month
					      : c == 'd' ? ct.date.day
					      : c == 'H' ? ct.hour
					      : c == 'm' ? ct.minute
							 : ct.second);
	}
	buf[o] = '\0';
	return buf;
}

/* n decimal digits at s into *v; 0 or -1. */
static int
digits(const char *s, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

static int
make_local(int y, int mo, int d, int h, int mi, int s, mc_time *out)
{
	if (y < 1900 || y > 2200 || !civil_date_valid(y, mo, d) || h > 23 || mi > 59 || s > 59)
		return -1;
	*out = civil_make_time(civil_days_from_date(y, mo, d), h * 3600 + mi * 60 + s);
	return 0;
}

int
src_date_parse(const char *s, enum src_date_fmt fmt, mc_time *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s);

	switch (fmt) {
	case SRC_DATE_ISO:
		if (n < 16 || n > 40 || civil_parse_datetime(s, out) != 0)
			return -1;
		return civil_split(*out).date.year >= 1900 ? 0 : -1;
	case SRC_DATE_COMPACT:
		if (n != 14 || digits(s, 4, &y) || digits(s + 4, 2, &mo) || digits(s + 6, 2, &d) ||
		    digits(s + 8, 2, &h) || digits(s + 10, 2, &mi) || digits(s + 12, 2, &sec))
			return -1;
		return make_local(y, mo, d, h, mi, sec, out);
	case SRC_DATE_VN:
		if ((n != 10 && n != 19) || s[2] != '/' || s[5] != '/' || digits(s, 2, &d) ||
		    digits(s + 3, 2, &mo) || digits(s + 6, 4, &y))
			return -1;
		if (n == 19 && (s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
				digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
				digits(s + 17, 2, &sec)))
			return -1;
		return make_local(y, mo, d, h, mi, sec, out);
	case SRC_DATE_EPOCH_MS:
	case SRC_DATE_EPOCH_S: {
		char *end;
		long long v;
		if (n == 0 || n > 19 || s[0] < '0' || s[0] > '9')
			return -1;
		v = strtoll(s, &end, 10);
		if (*end != '\0')
			return -1;
		*out = fmt == SRC_DATE_EPOCH_MS ? (mc_time)(v / 1000) : (mc_time)v;
		return 0;
	}
	case SRC_DATE_PATTERN:
		break;
	}
	if (pattern_of(fmt) != NULL && n <= 64)
		return pattern_parse(s, pattern_of(fmt), out);
	return -1;
}

char *
src_date_format(mc_time t, enum src_date_fmt fmt, char *buf, size_t size)
{
	struct civil_time ct = civil_split(t);

	switch (fmt) {
	case SRC_DATE_ISO:
		return civil_format_iso(t, buf, size);
	case SRC_DATE_COMPACT:
		snprintf(buf, size, "%04d%02d%02d%02d%02d%02d", ct.date.year, ct.date.month,
			 ct.date.day, ct.hour, ct.minute, ct.second);
		return buf;
	case SRC_DATE_VN:
		snprintf(buf, size, "%02d/%02d/%04d %02d:%02d:%02d", ct.date.day, ct.date.month,
			 ct.date.year, ct.hour, ct.minute, ct.second);
		return buf;
	case SRC_DATE_EPOCH_MS:
		snprintf(buf, size, "%lld", (long long)t * 1000);
		return buf;
	case SRC_DATE_EPOCH_S:
		snprintf(buf, size, "%lld", (long long)t);
		return buf;
	case SRC_DATE_PATTERN:
		break;
	}
	if (pattern_of(fmt) != NULL)
		return pattern_format(t, pattern_of(fmt), buf, size);
	buf[0] = '\0';
	return buf;
}

/* ---- the reader ------------------------------------------------------------ */

void
src_rd_init(struct src_rd *rd, bool repaired)
{
	memset(rd, 0, sizeof *rd);
	rd->repaired = repaired;
}

void
src_rd_fail(struct src_rd *rd, const char *field, const char *why)
{
	if (rd->bad)
		return;
	rd->bad = true;
	snprintf(rd->field, sizeof rd->field, "%s", field != NULL ? field : "");
	rd->why = why;
}

static const char U_FFFD[] = "\xef\xbf\xbd";

char *
src_str(struct src_rd *rd, json_t *obj, const char *key, size_t max, bool required,
	bool numbers_ok)
{
	json_t *v;
	const char *s;
	size_t len;

	if (rd->bad)
		return NULL;
	v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			src_rd_fail(rd, key, "missing");
		return NULL;
	}
	if (numbers_ok && json_is_integer(v)) {
		char num[32];
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		return xstrdup(num);
	}
	if (!json_is_string(v)) {
		src_rd_fail(rd, key, "not a string");
		return NULL;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len > max) {
		src_rd_fail(rd, key, "too long");
		return NULL;
	}
	if (strlen(s) != len) {
		src_rd_fail(rd, key, "contains a NUL byte");
		return NULL;
	}
	if (rd->repaired && strstr(s, U_FFFD) != NULL) {
		src_rd_fail(rd, key, "invalid UTF-8");
		return NULL;
	}
	if (required && len == 0) {
		src_rd_fail(rd, key, "empty");
		return NULL;
	}
	return xstrdup(s);
}

bool
src_code_clean(const char *code)
{
	const unsigned char *p = (const unsigned char *)code;

	if (p == NULL)
		return true;
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return false;                               /* C1 */
		if (p[0] == 0xd8 && p[1] == 0x9c)
			return false;                               /* U+061C */
		if (p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
			return false;                               /* U+200E/F, U+202A..E */
		if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
			return false;                               /* U+2066..9 */
	}
	return true;
}

bool
src_int(struct src_rd *rd, json_t *obj, const char *key, bool strings_ok, bool required,
	int64_t *out)
{
	json_t *v;

	if (rd->bad)
		return false;
	v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (v == NULL || json_is_null(v) ||
	    (strings_ok && json_is_string(v) && json_string_length(v) == 0)) {
		if (required)
			src_rd_fail(rd, key, "missing");
		return false;
	}
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if (strings_ok && json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long x;
		if (json_string_length(v) > 19 || !((s[0] >= '0' && s[0] <= '9') || s[0] == '-')) {
			src_rd_fail(rd, key, "not a number");
			return false;
		}
		x = strtoll(s, &end, 10);
		if (*end != '\0') {
			src_rd_fail(rd, key, "not a number");
			return false;
		}
		*out = x;
		return true;
	}
	src_rd_fail(rd, key, "not an integer");
	return false;
}

mc_time
src_date(struct src_rd *rd, json_t *obj, const char *key, enum src_date_fmt fmt, bool required)
{
	json_t *v;
	mc_time t = 0;

	if (rd->bad)
		return 0;
	v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	if (v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0)) {
		if (required)
			src_rd_fail(rd, key, "missing");
		return 0;
	}
	if (fmt == SRC_DATE_EPOCH_MS || fmt == SRC_DATE_EPOCH_S) {
		json_int_t x;
		if (!json_is_integer(v)) {
			src_rd_fail(rd, key, "not an integer date");
			return 0;
		}
		x = json_integer_value(v);
		/* 1900..2200 */
		t = fmt == SRC_DATE_EPOCH_MS ? (mc_time)(x / 1000) : (mc_time)x;
		if (x < 0 || t > (mc_time)7258118400LL) {
			src_rd_fail(rd, key, "date out of range");
			return 0;
		}
		return t;
	}
	if (!json_is_string(v)) {
		src_rd_fail(rd, key, "not a date string");
		return 0;
	}
	if (src_date_parse(json_string_value(v), fmt, &t) != 0) {
		src_rd_fail(rd, key, "not a valid date");
		return 0;
	}
	return t;
}

/* obj's member key; NULL after a problem, or when obj is no object or key is absent or null. */
static json_t *
present(const struct src_rd *rd, json_t *obj, const char *key)
{
	json_t *v;

	if (rd->bad)
		return NULL;
	v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
	return json_is_null(v) ? NULL : v;
}

json_t *
src_array(struct src_rd *rd, json_t *obj, const char *key)
{
	json_t *v = present(rd, obj, key);

	if (v == NULL)
		return NULL;
	if (!json_is_array(v)) {
		src_rd_fail(rd, key, "not a list");
		return NULL;
	}
	if (json_array_size(v) > SRC_MAX_LIST) {
		src_rd_fail(rd, key, "list too long");
		return NULL;
	}
	return v;
}

json_t *
src_list(struct src_rd *rd, json_t *obj, const char *key, struct dossier *d, unsigned list)
{
	json_t *v = present(rd, obj, key);

	if (v == NULL && !rd->bad) {
		d->lists_absent |= list;
		return NULL;
	}
	return src_array(rd, obj, key);
}

void
src_read_receipt(struct src_rd *rd, json_t *e, const struct src_receipt_keys *k,
		 enum src_date_fmt fmt, struct dossier *d)
{
	char *number = src_str(rd, e, k->number, SRC_MAX_CODE, true, true);
	char *series = src_str(rd, e, k->series, SRC_MAX_CODE, false, false);
	char *issuer = src_str(rd, e, k->issuer, SRC_MAX_SHORT, false, false);
	mc_time at = src_date(rd, e, k->issued, fmt, false);
	int64_t amount = 0;

	src_int(rd, e, k->amount, true, false, &amount);
	if (!rd->bad && amount < 0)
		src_rd_fail(rd, k->amount, "negative amount");
	if (!rd->bad)
		dossier_add_receipt(d, number, series, issuer, amount, at);
	free(number);
	free(series);
	free(issuer);
}

json_t *
src_object(struct src_rd *rd, json_t *obj, const char *key)
{
	json_t *v = present(rd, obj, key);

	if (v == NULL)
		return NULL;
	if (!json_is_object(v)) {
		src_rd_fail(rd, key, "not an object");
		return NULL;
	}
	return v;
}

void
src_read_fee(struct src_rd *rd, json_t *e, const struct src_fee_keys *k, struct dossier *d)
{
	char *code = src_str(rd, e, k->code, SRC_MAX_CODE, false, false);
	char *name = src_str(rd, e, k->name, SRC_MAX_SHORT, false, false);
	int64_t amount = 0;

	src_int(rd, e, k->amount, false, false, &amount);
	if (!rd->bad)
		dossier_add_fee(d, code, name, amount);
	free(code);
	free(name);
}

void
src_read_file(struct src_rd *rd, json_t *e, const struct src_file_keys *k, struct dossier *d)
{
	char *id = src_str(rd, e, k->id, SRC_MAX_SHORT, true, false);
	char *name = src_str(rd, e, k->name, SRC_MAX_SHORT, false, false);
	char *comp = k->component != NULL
			     ? src_str(rd, e, k->component, SRC_MAX_CODE, false, false)
			     : NULL;
	char *url = src_str(rd, e, k->url, SRC_MAX_URL, false, false);
	int64_t size = -1;

	src_int(rd, e, k->size, false, false, &size);
	if (!rd->bad)
		dossier_add_attachment(d, id, name, comp, url, size);
	free(id);
	free(name);
	free(comp);
	free(url);
}

void
src_read_supplement(struct src_rd *rd, json_t *e, const struct src_supplement_keys *k,
		    enum src_date_fmt fmt, struct dossier *d)
{
	mc_time req = src_date(rd, e, k->requested, fmt, true);
	mc_time done = src_date(rd, e, k->completed, fmt, false);
	char *reason = src_str(rd, e, k->reason, SRC_MAX_TEXT, false, false);

	if (!rd->bad)
		dossier_add_supplement(d, req, done, reason);
	free(reason);
}

json_t *
src_path(json_t *root, const char *path)
{
	json_t *cur = root;
	const char *p = path;

	while (cur != NULL && *p != '\0') {
		size_t n = strcspn(p, ".");
		char key[128];
		if (n == 0 || n >= sizeof key || !json_is_object(cur))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

/* ---- parsing a body -------------------------------------------------------- */

size_t
src_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* A copy with every invalid byte replaced by U+FFFD, or NULL when all is valid. */
static char *
repair_utf8(const char *body, size_t len, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)body;
	size_t i = 0, bad = 0;
	char *out;
	size_t j = 0;

	while (i < len) {
		size_t k = src_utf8_len(s + i, len - i);
		if (k == 0) {
			bad++;
			k = 1;
		}
		i += k;
	}
	if (bad == 0)
		return NULL;
	out = xmalloc(len + bad * 2 + 1);
	for (i = 0; i < len;) {
		size_t k = src_utf8_len(s + i, len - i);
		if (k == 0) {
			memcpy(out + j, U_FFFD, 3);
			j += 3;
			i++;
			continue;
		}
		memcpy(out + j, s + i, k);
		j += k;
		i += k;
	}
	out[j] = '\0';
	*out_len = j;
	return out;
}

json_t *
src_json_parse(const struct source *src, const char *body, size_t len, bool *repaired,
	       char **cause)
{
	size_t fixed_len = 0;
	char *fixed;
	json_error_t err;
	json_t *root;

	*repaired = false;
	if (len == 0) {
		*cause = src_cause(src, "empty reply where JSON was expected");
		return NULL;
	}
	/* a page's values are all freed together (jsonmem.h) */
	jsonmem_arena_begin();
	root = src_json_fast(body, len);
	if (root == NULL) {
		/* not the plain case: jansson decides, after the repair */
		fixed = repair_utf8(body, len, &fixed_len);
		*repaired = fixed != NULL;
		root = json_loadb(fixed != NULL ? fixed : body, fixed != NULL ? fixed_len : len,
				  JSON_ALLOW_NUL, &err);
		free(fixed);
	}
	jsonmem_arena_end();
	if (root == NULL) {
		/* err.text may quote the input: keep only the position */
		*cause = src_cause(src, "malformed JSON reply (line %d, column %d)", err.line,
				   err.column);
		return NULL;
	}
	return root;
}
