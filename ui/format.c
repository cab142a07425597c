/*
 * format.c - small drawing and formatting helpers shared by the screens:
 * fitted text at a position, dates in Vietnam's civil time, ages, sizes and
 * money the way a Vietnamese clerk writes them.  No state, no I/O.
 */
#include <stdio.h>
#include <string.h>

#include "core/civil.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

void
ui_put(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr)
{
	char buf[2048];

	if (cols <= 0)
		return;
	if (cols > 250)
		cols = 250; /* wider than any terminal row we draw */
	ui_text_fit(s, cols, true, buf, sizeof buf);
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
}

int
ui_put_text(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr)
{
	char buf[2048];
	int n;

	if (cols <= 0)
		return 0;
	if (cols > 250)
		cols = 250;
	n = ui_text_fit(s, cols, false, buf, sizeof buf);
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
	return n;
}

const char *
ui_sym(const struct ui_app *app, const char *utf8, const char *ascii)
{
	return app->unicode ? utf8 : ascii;
}

char *
ui_fmt_due(mc_time t, char *buf, size_t size)
{
	struct civil_time ct;

	if (t == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	ct = civil_split(t);
	snprintf(buf, size, "%02d/%02d %02d:%02d", ct.date.day, ct.date.month, ct.hour,
		 ct.minute);
	return buf;
}

char *
ui_fmt_date(mc_time t, char *buf, size_t size)
{
	struct civil_time ct;

	if (t == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	ct = civil_split(t);
	snprintf(buf, size, "%02d/%02d/%04d", ct.date.day, ct.date.month, ct.date.year);
	return buf;
}

char *
ui_fmt_datetime(mc_time t, char *buf, size_t size)
{
	struct civil_time ct;

	if (t == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	ct = civil_split(t);
	snprintf(buf, size, "%02d:%02d %02d/%02d/%04d", ct.hour, ct.minute, ct.date.day,
		 ct.date.month, ct.date.year);
	return buf;
}

char *
ui_fmt_age(mc_time then, mc_time now, char *buf, size_t size)
{
	int64_t d = now - then;

	if (then == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (d < 0)
		d = 0;
	if (d < 3600)
		/* TRANSLATORS: age of data in minutes, short: "5ph" */
		snprintf(buf, size, _("%dm"), (int)(d / 60));
	else if (d < 2 * 86400)
		/* TRANSLATORS: age of data in hours, short: "3g" */
		snprintf(buf, size, _("%dh"), (int)(d / 3600));
	else
		/* TRANSLATORS: age of data in days, short: "2ng" */
		snprintf(buf, size, _("%dd"), (int)(d / 86400));
	return buf;
}

char *
ui_fmt_size(int64_t bytes, char *buf, size_t size)
{
	if (bytes < 0)
		snprintf(buf, size, "?");
	else if (bytes < 1024)
		snprintf(buf, size, "%d B", (int)bytes);
	else if (bytes < 1024 * 1024)
		snprintf(buf, size, "%d KB", (int)((bytes + 512) / 1024));
	else {
		int64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
		/* Vietnamese writes a decimal comma: 1,8 MB */
		snprintf(buf, size, "%lld,%d MB", (long long)(tenths / 10), (int)(tenths % 10));
	}
	return buf;
}

char *
ui_fmt_money(int64_t amount, char *buf, size_t size)
{
	char digits[32], out[48];
	int n, j = 0;

	/* Vietnamese groups thousands with a dot: 150.000 đ */
	n = snprintf(digits, sizeof digits, "%lld", (long long)(amount < 0 ? -amount : amount));
	if (amount < 0)
		out[j++] = '-';
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[j++] = '.';
		out[j++] = digits[i];
	}
	out[j] = '\0';
	snprintf(buf, size, "%s \xc4\x91", out);
	return buf;
}

int
ui_wrap(const char *text, int cols, char lines[][256], int max)
{
	int n = 0;
	const char *p = text;

	while (*p != '\0' && n < max) {
		char cur[256];
		size_t len = 0;

		while (*p == ' ')
			p++;
		cur[0] = '\0';
		while (*p != '\0') {
			const char *sp = strchr(p, ' ');
			size_t wl = sp != NULL ? (size_t)(sp - p) : strlen(p);
			size_t need = len + (len > 0) + wl;

			if (need >= sizeof cur)
				break;
			if (len > 0)
				cur[len] = ' ';
			memcpy(cur + len + (len > 0), p, wl);
			cur[need] = '\0';
			if (len > 0 && ui_text_width(cur) > cols) {
				cur[len] = '\0'; /* undo: the word goes to the next line */
				break;
			}
			len = need;
			p += wl;
			while (*p == ' ')
				p++;
		}
		if (len == 0 && *p != '\0') {
			/* One word longer than the line: cut it. */
			size_t wl = strcspn(p, " ");
			snprintf(cur, sizeof cur, "%.*s", (int)(wl < 255 ? wl : 255), p);
			p += wl;
		}
		memcpy(lines[n], cur, sizeof cur);
		n++;
	}
	return n;
}

