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
	else
		snprintf(buf, size, "%d,%d MB", (int)(bytes / (1024 * 1024)),
			 (int)(bytes % (1024 * 1024) * 10 / (1024 * 1024)));
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
