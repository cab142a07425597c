/*
 * error.c - codes and details of what went wrong (error.h): setting them,
 * their stable names, and the one-line form the store keeps.
 */
#include "core/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const char *const names[MC_E_N_CODES] = {
	[MC_OK] = "ok",
	[MC_E_NETWORK] = "network",
	[MC_E_HTTP] = "http",
	[MC_E_UNAVAILABLE] = "unavailable",
	[MC_E_SIGNED_OUT] = "signed-out",
	[MC_E_TOKEN] = "token",
	[MC_E_TOKEN_REFUSED] = "token-refused",
	[MC_E_LOGIN] = "login",
	[MC_E_REPLY] = "reply",
	[MC_E_FEED_STUCK] = "feed-stuck",
	[MC_E_TOO_MANY_PAGES] = "too-many-pages",
	[MC_E_TIME_LIMIT] = "time-limit",
	[MC_E_NO_CONNECTOR] = "no-connector",
	[MC_E_NOT_CONFIGURED] = "not-configured",
	[MC_E_NO_URL] = "no-url",
	[MC_E_CANCELLED] = "cancelled",
	[MC_E_REFUSED] = "refused",
	[MC_E_CONFLICT] = "conflict",
	[MC_E_UNSUPPORTED] = "unsupported",
	[MC_E_STORE] = "store",
	[MC_E_STORE_DAMAGED] = "store-damaged",
	[MC_E_STORE_MISSING] = "store-missing",
	[MC_E_READ_ONLY] = "read-only",
	[MC_E_DISK_FULL] = "disk-full",
	[MC_E_PERMISSION] = "permission",
	[MC_E_FILE] = "file",
	[MC_E_NOT_FILE] = "not-a-file",
	[MC_E_CONFIG] = "config",
	[MC_E_INTERNAL] = "internal",
	[MC_E_UNKNOWN_ACTION] = "unknown-action",
	[MC_E_NO_DOSSIER] = "no-dossier",
	[MC_E_NOT_ALLOWED] = "not-allowed",
	[MC_E_NOT_ALLOWED_SERVER] = "not-allowed-server",
	[MC_E_NEED_REASON] = "need-reason",
	[MC_E_NEED_TARGET] = "need-target",
	[MC_E_BLOCKED] = "blocked",
	[MC_E_NO_ENTRY] = "no-entry",
	[MC_E_ENTRY_STATE] = "entry-state",
	[MC_E_ENTRY_SENT] = "entry-sent",
	[MC_E_FILE_CHANGED] = "file-changed",
	[MC_E_EMPTY_FILE] = "empty-file",
	[MC_E_FOREIGN_URL] = "foreign-url",
	[MC_E_NEED_FILE] = "need-file",
	[MC_E_SAME_NAME] = "same-name",
	[MC_E_PREVIOUS_DROPPED] = "previous-dropped",
	[MC_E_AUDIT_DIFFERS] = "audit-differs",
	[MC_E_TOO_LARGE] = "too-large",
	[MC_E_PIN] = "pin",
	[MC_E_INSECURE] = "insecure-url",
	[MC_E_NOTHING_OWED] = "nothing-owed",
	[MC_E_EXISTS] = "exists",
	[MC_E_WRITE] = "write",
	[MC_E_NOT_DESCRIBED] = "not-described",
	[MC_E_ACCESS_REFUSED] = "access-refused",
	[MC_E_BAD_FILTER] = "bad-filter",
	[MC_E_TLS_UNTRUSTED] = "tls-untrusted",
	[MC_E_TLS_EXPIRED] = "tls-expired",
	[MC_E_TLS_NAME] = "tls-wrong-name",
	[MC_E_TLS_PIN] = "tls-pin",
	[MC_E_TLS] = "tls",
};

/* Copy src into dst (size bytes), one printable line: controls become '?'. */
static void
copy_line(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src != NULL && src[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	/* never end inside a UTF-8 sequence */
	if (src != NULL && src[i] != '\0')
		while (i > 0 && ((unsigned char)dst[i - 1] & 0xc0) == 0x80)
			i--;
	if (src != NULL && src[i] != '\0' && i > 0 && ((unsigned char)dst[i - 1] & 0xc0) == 0xc0)
		i--;
	dst[i] = '\0';
}

void
mc_err_clear(struct mc_err *e)
{
	memset(e, 0, sizeof *e);
}

int
mc_err_set(struct mc_err *e, enum mc_errc code, const char *system, const char *fmt, ...)
{
	char buf[sizeof e->detail * 2];

	mc_err_clear(e);
	e->code = code;
	copy_line(e->system, sizeof e->system, system);
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		copy_line(e->detail, sizeof e->detail, buf);
	}
	return -1;
}

void
mc_err_field(struct mc_err *e, const char *field)
{
	copy_line(e->field, sizeof e->field, field);
}

const char *
mc_err_name(enum mc_errc code)
{
	if ((int)code < 0 || code >= MC_E_N_CODES || names[code] == NULL)
		return "?";
	return names[code];
}

int
mc_err_from_name(const char *name)
{
	for (int i = 0; name != NULL && i < MC_E_N_CODES; i++)
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

bool
mc_err_transient(enum mc_errc code)
{
	switch (code) {
	case MC_E_NETWORK:
	case MC_E_UNAVAILABLE:
	case MC_E_TOKEN:
	case MC_E_TOKEN_REFUSED:
	case MC_E_LOGIN:
	case MC_E_CANCELLED:
	case MC_E_STORE:
	/* this terminal's disk and store: right again once it is freed,
	 * repaired or writable; never a reason to give up queued work */
	case MC_E_STORE_DAMAGED:
	case MC_E_STORE_MISSING:
	case MC_E_READ_ONLY:
	case MC_E_DISK_FULL:
	case MC_E_PERMISSION:
	/* the transport's trust: right again once support fixes the address,
	 * the CA or the certificate; queued work waits for it */
	case MC_E_INSECURE:
	case MC_E_TLS_UNTRUSTED:
	case MC_E_TLS_EXPIRED:
	case MC_E_TLS_NAME:
	case MC_E_TLS_PIN:
	case MC_E_TLS:
		return true;
	default:
		return false;
	}
}

/* A part of the line form: '|' and controls replaced. */
static void
put_part(char *out, size_t size, size_t *len, const char *s)
{
	for (; s != NULL && *s != '\0' && *len + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;
		out[(*len)++] = c == '|' || c < 0x20 || c == 0x7f ? '/' : (char)c;
	}
	out[*len] = '\0';
}

char *
mc_err_format(const struct mc_err *e)
{
	char out[sizeof e->system + sizeof e->field + sizeof e->detail + 64];
	char num[32];
	size_t len = 0;

	out[0] = '\0';
	put_part(out, sizeof out, &len, mc_err_name(e->code));
	out[len++] = '|';
	put_part(out, sizeof out, &len, e->system);
	out[len++] = '|';
	put_part(out, sizeof out, &len, e->field);
	snprintf(num, sizeof num, "|%d|%d|", e->http, e->status);
	for (const char *p = num; *p != '\0' && len + 1 < sizeof out; p++)
		out[len++] = *p;
	out[len] = '\0';
	put_part(out, sizeof out, &len, e->detail);
	return xstrdup(out);
}

/* The next '|'-separated part of *p into dst; false when there is no '|' left. */
static bool
take_part(const char **p, char *dst, size_t size)
{
	const char *bar = strchr(*p, '|');
	size_t n;

	if (bar == NULL)
		return false;
	n = (size_t)(bar - *p);
	if (n >= size)
		n = size - 1;
	memcpy(dst, *p, n);
	dst[n] = '\0';
	*p = bar + 1;
	return true;
}

static bool
take_int(const char **p, int *out)
{
	char buf[16], *end;
	long v;

	if (!take_part(p, buf, sizeof buf))
		return false;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0' || v < 0 || v > 100000)
		return false;
	*out = (int)v;
	return true;
}

int
mc_err_parse(const char *line, struct mc_err *e)
{
	char name[32];
	const char *p = line != NULL ? line : "";
	int code;

	mc_err_clear(e);
	if (take_part(&p, name, sizeof name) && (code = mc_err_from_name(name)) >= 0 &&
	    take_part(&p, e->system, sizeof e->system) &&
	    take_part(&p, e->field, sizeof e->field) && take_int(&p, &e->http) &&
	    take_int(&p, &e->status)) {
		e->code = (enum mc_errc)code;
		copy_line(e->detail, sizeof e->detail, p);
		return 0;
	}
	mc_err_clear(e);
	e->code = MC_E_INTERNAL;
	copy_line(e->detail, sizeof e->detail, line);
	return 1;
}
