/*
 * csv.c - the RFC 4180 writer (csv.h).  Quoting and the formula rule are
 * decided per field from its bytes; nothing is buffered here beyond stdio.
 */
#include "core/csv.h"

#include <string.h>

#define BOM "\xef\xbb\xbf"

static void
put(struct csv_writer *w, const char *s, size_t n)
{
	if (!w->failed && n > 0 && fwrite(s, 1, n, w->f) != n)
		w->failed = true;
}

static void
separator(struct csv_writer *w)
{
	if (w->column++ > 0)
		put(w, ",", 1);
}

void
csv_init(struct csv_writer *w, FILE *f, bool bom)
{
	w->f = f;
	w->column = 0;
	w->failed = false;
	if (bom)
		put(w, BOM, sizeof BOM - 1);
}

/* A spreadsheet reads a cell starting so as a formula (OWASP's list). */
static bool
formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void
csv_text(struct csv_writer *w, const char *s)
{
	bool quote;

	separator(w);
	if (s == NULL || *s == '\0')
		return;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		put(w, "\"", 1);
	if (formula_start(s[0]))
		put(w, "'", 1);
	for (const char *p = s; *p != '\0';) {
		size_t n = strcspn(p, "\"");
		put(w, p, n);
		p += n;
		if (*p == '"') {
			put(w, "\"\"", 2);
			p++;
		}
	}
	if (quote)
		put(w, "\"", 1);
}

void
csv_int(struct csv_writer *w, int64_t n)
{
	char buf[24];
	int len = snprintf(buf, sizeof buf, "%lld", (long long)n);

	separator(w);
	put(w, buf, (size_t)len);
}

void
csv_empty(struct csv_writer *w)
{
	separator(w);
}

void
csv_end_row(struct csv_writer *w)
{
	put(w, "\r\n", 2);
	w->column = 0;
}

int
csv_finish(struct csv_writer *w)
{
	if (fflush(w->f) != 0 || ferror(w->f))
		w->failed = true;
	return w->failed ? -1 : 0;
}
