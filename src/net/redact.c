/*
 * redact.c - URLs made fit for a log line.
 *
 * The debug trace prints URLs; URLs carry secrets (an OAuth code or token in
 * the query, a session id) and personal data (a citizen ID number in a path or
 * a filter).  This file removes what looks like either.  It errs on the side
 * of hiding: a harmless "procedure_code" value is hidden along with "code".
 * It does not decide what is logged; net.c does.
 */
#include "net/net.h"

#include "core/xalloc.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Query parameter names containing one of these have their value hidden. */
static const char *const secret_words[] = {
	"token", "session", "secret", "password", "passwd", "pass", "pin",
	"code", "key", "auth", "sig", "cccd", "cmnd", "otp", "assertion",
	"ticket", "cookie", "credential", "madinhdanh", "sodinhdanh",
};

/* A run of this many digits may be an ID number (CCCD has 12, CMND 9). */
#define ID_DIGITS 9

struct out {
	char *buf;
	size_t len;
};

static void
put(struct out *o, const char *s, size_t n)
{
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Copy s[0..n) replacing runs of ID_DIGITS or more digits by "***". */
static void
put_masking_digits(struct out *o, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i + run < n && isdigit((unsigned char)s[i + run]))
			run++;
		if (run >= ID_DIGITS) {
			put(o, "***", 3);
			i += run;
		} else if (run > 0) {
			put(o, s + i, run);
			i += run;
		} else {
			put(o, s + i, 1);
			i++;
		}
	}
}

static bool
name_is_secret(const char *name, size_t n)
{
	for (size_t w = 0; w < sizeof(secret_words) / sizeof(secret_words[0]); w++) {
		size_t wl = strlen(secret_words[w]);

		for (size_t i = 0; i + wl <= n; i++)
			if (strncasecmp(name + i, secret_words[w], wl) == 0)
				return true;
	}
	return false;
}

char *
net_redact_url(const char *url)
{
	struct out o;
	const char *p = url, *scheme_end, *auth, *auth_end, *at, *query, *frag;

	if (url == NULL)
		return xstrdup("");
	/* "***" is 3 bytes and replaces at least one byte (a value may be
	 * empty: "a=" -> "a=***"), so 3x + 1 always fits. */
	o.buf = xmalloc(3 * strlen(url) + 4);
	o.len = 0;

	scheme_end = strstr(p, "://");
	if (scheme_end != NULL) {
		put(&o, p, (size_t)(scheme_end + 3 - p));
		auth = scheme_end + 3;
		auth_end = auth + strcspn(auth, "/?#");
		at = NULL;
		for (const char *q = auth; q < auth_end; q++)
			if (*q == '@')
				at = q;
		if (at != NULL)
			auth = at + 1;      /* user:password@ is dropped */
		put(&o, auth, (size_t)(auth_end - auth));
		p = auth_end;
	}

	frag = strchr(p, '#');      /* the fragment is never printed */
	if (frag == NULL)
		frag = p + strlen(p);
	query = memchr(p, '?', (size_t)(frag - p));
	put_masking_digits(&o, p, (size_t)((query != NULL ? query : frag) - p));

	if (query != NULL) {
		const char *param = query + 1;

		put(&o, "?", 1);
		while (param < frag) {
			const char *end = param, *eq;

			while (end < frag && *end != '&' && *end != ';')
				end++;
			eq = memchr(param, '=', (size_t)(end - param));
			if (eq == NULL) {
				put_masking_digits(&o, param, (size_t)(end - param));
			} else if (name_is_secret(param, (size_t)(eq - param))) {
				put(&o, param, (size_t)(eq + 1 - param));
				put(&o, "***", 3);
			} else {
				put(&o, param, (size_t)(eq + 1 - param));
				put_masking_digits(&o, eq + 1, (size_t)(end - eq - 1));
			}
			if (end < frag)
				put(&o, end, 1);
			param = end + 1;
		}
	}
	o.buf[o.len] = '\0';
	return o.buf;
}
