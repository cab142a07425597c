/*
 * sign.c - "Ký và trả kết quả" in the console: K on a dossier (the detail,
 * or the highlighted row), or on the dossiers marked in the inbox (a batch).
 *
 * A modal dialog walks through: the result file(s) of each dossier (a path
 * line with Tab completion; Enter adds a file, Enter on an empty line goes
 * on), the signer (config.json "signing": the token, the remote service, or
 * a choice when both are set), then the application's signing job
 * (app/sign_job.h): the token PIN or the remote OTP typed here with echo off
 * (shown as bullets, handed to the job and wiped), "Signing...", then the
 * result: one dossier ends on the message line (queued, or the reason in
 * the console's language), a batch on a summary listing each dossier.
 * When the time-stamping authority cannot be reached (a commune offline),
 * nothing is queued and T signs those dossiers again without a timestamp.
 *
 * The dialog is a screen like any other: while the PIN or OTP is typed the
 * loop runs on, so the pull, the replay, the clock and the idle lock keep
 * going.  Only the job's own steps (reaching the token or the service,
 * signing) hold the loop for their seconds, with "Signing..." drawn first.
 */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/sign_job.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

#define DLG_COLS 72
#define MAX_SHOWN 12 /* summary lines, Tab candidates */
#define SECRET_MAX_CHARS 64

enum step {
	S_FILES,      /* the path line for dossier `cur` */
	S_CHOOSE,     /* token or remote */
	S_JOB,        /* the app's signing job: its own steps */
	S_SUMMARY,    /* a batch's result */
	S_TSA_FAILED, /* one dossier: no timestamp could be had; T = without */
};

struct dossier_files {
	char *code;
	char **files;
	size_t n_files;
	bool refused;          /* refused before any file was asked (the dossier's status) */
	struct mc_err why;     /* ... why */
	bool tsa_failed;       /* the last run: not signed for want of a timestamp */
};

struct sign_dlg {
	struct ui_screen base;
	struct ui_app *app;
	struct dossier_files *ds;
	size_t n, cur;
	enum step step;
	struct ui_line path;
	char note[512];            /* error or Tab candidates under the line */
	bool remote;
	bool can_token, can_remote;
	bool no_timestamp;         /* T after a TSA failure: sign without one */
	char secret[SECRET_MAX_CHARS + 1]; /* the PIN or OTP being typed (wiped) */
	size_t secret_len;
	/* result */
	char **summary;
	size_t n_summary;
	size_t n_ok, n_bad;
};

static void
summary_add(struct sign_dlg *dl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
summary_add(struct sign_dlg *dl, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	dl->summary = xreallocarray(dl->summary, dl->n_summary + 1, sizeof *dl->summary);
	dl->summary[dl->n_summary++] = xstrdup(buf);
}

/* Did the last run fail some dossier for want of a timestamp? */
static bool
any_tsa_failed(const struct sign_dlg *dl)
{
	for (size_t i = 0; i < dl->n; i++)
		if (dl->ds[i].tsa_failed)
			return true;
	return false;
}

static void
secret_clear(struct sign_dlg *dl)
{
	explicit_bzero(dl->secret, sizeof dl->secret);
	dl->secret_len = 0;
}

/* ---- drawing -------------------------------------------------------------- */

static void
put_wrapped(WINDOW *win, int *y, int x, int w, int ymax, const char *text, attr_t a)
{
	char lines[8][256];
	int n = ui_wrap(text, w, lines, 8);

	for (int i = 0; i < n && *y < ymax; i++)
		ui_put_text(win, (*y)++, x, w, lines[i], a);
}

static void
sign_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct sign_dlg *dl = (struct sign_dlg *)s;
	attr_t a = ui_attr(app, UI_ROLE_DIALOG);
	enum app_sign_step js = app_sign_step(app->core);
	int rows, cols, w, h, y0, x0, y;
	char title[256], buf[1024];

	getmaxyx(win, rows, cols);
	w = cols - 4 < DLG_COLS ? cols - 4 : DLG_COLS;
	h = dl->step == S_SUMMARY ? (int)dl->n_summary + 5 : 10;
	if (h > rows)
		h = rows;
	y0 = (rows - h) / 2;
	x0 = (cols - w) / 2;
	wattrset(win, a);
	for (int i = 0; i < h; i++) {
		wmove(win, y0 + i, x0);
		whline(win, ' ', w);
	}
	wmove(win, y0, x0);
	whline(win, ACS_HLINE, w);
	wmove(win, y0 + h - 1, x0);
	whline(win, ACS_HLINE, w);
	if (dl->n == 1)
		snprintf(title, sizeof title, "%s: %s", _("Sign and return the result"),
			 dl->ds[0].code);
	else
		snprintf(title, sizeof title, _("Sign and return the result: %zu dossiers"), dl->n);
	ui_put_text(win, y0, x0 + 2, w - 4, title, a | A_BOLD);
	y = y0 + 1;
	switch (dl->step) {
	case S_FILES: {
		struct dossier_files *d = &dl->ds[dl->cur];
		snprintf(buf, sizeof buf, _("Result file(s) of %s (%zu added):"), d->code,
			 d->n_files);
		ui_put_text(win, y++, x0 + 2, w - 4, buf, a);
		if (d->n_files > 0) {
			ui_text_fit_tail(d->files[d->n_files - 1], w - 6, buf, sizeof buf);
			ui_put_text(win, y, x0 + 2, w - 4, "+ ", a);
			ui_put_text(win, y, x0 + 4, w - 6, buf, a);
		}
		y++;
		ui_text_fit_tail(dl->path.text, w - 6, buf, sizeof buf);
		ui_put(win, y, x0 + 2, w - 4, buf, a | A_UNDERLINE);
		ui_put_text(win, y, x0 + 2 + ui_text_width(buf), 1, "_", a | A_BLINK);
		y += 1;
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, dl->note,
			    ui_attr(app, UI_ROLE_ERROR));
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4,
			    _("Enter = add file (empty: go on)  Tab = complete  Esc = cancel"),
			    a | A_BOLD);
		return;
	}
	case S_CHOOSE:
		ui_put_text(win, y++, x0 + 2, w - 4, _("Sign with:"), a);
		ui_put_text(win, y++, x0 + 2, w - 4, _("1  the USB token (works offline)"), a);
		ui_put_text(win, y++, x0 + 2, w - 4,
			    _("2  remote signing (needs the network; OTP on your phone)"), a);
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4, _("1 or 2    Esc = cancel"), a | A_BOLD);
		return;
	case S_JOB:
		break;
	case S_SUMMARY:
		snprintf(buf, sizeof buf, _("%zu signed and queued, %zu failed"), dl->n_ok,
			 dl->n_bad);
		ui_put_text(win, y++, x0 + 2, w - 4, buf, a | A_BOLD);
		for (size_t i = 0; i < dl->n_summary && y < y0 + h - 2; i++)
			ui_put_text(win, y++, x0 + 2, w - 4, dl->summary[i], a);
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4,
			    any_tsa_failed(dl) ? _("T = sign those again without a timestamp   "
						   "Enter, q = close")
					       : _("Enter, q = close"),
			    a | A_BOLD);
		return;
	case S_TSA_FAILED:
		ui_put_text(win, y++, x0 + 2, w - 4, _("Not signed, nothing queued"), a | A_BOLD);
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, words_sign(APP_SIGN_E_TSA),
			    ui_attr(app, UI_ROLE_ERROR));
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2,
			    _("Without a network the timestamp cannot be had. The signature is "
			      "valid without it; the signing time is then this terminal's clock."),
			    a);
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4,
			    _("T = sign without a timestamp    Esc = cancel"), a | A_BOLD);
		return;
	}
	/* the job's own steps */
	if (js == APP_SIGN_NEED_PIN || js == APP_SIGN_NEED_OTP) {
		buf[0] = '\0';
		for (size_t i = 0; i < dl->secret_len && strlen(buf) + 4 < sizeof buf; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s",
				 ui_sym(app, "\xe2\x80\xa2", "*"));
		ui_put_text(win, y++, x0 + 2, w - 4,
			    js == APP_SIGN_NEED_PIN ? _("Token PIN (not shown, not kept):")
						    : _("OTP sent to your phone:"),
			    a);
		ui_put(win, y, x0 + 2, w - 4, buf, a | A_UNDERLINE);
		ui_put_text(win, y, x0 + 2 + ui_text_width(buf), 1, "_", a | A_BLINK);
		y += 2;
		if (js == APP_SIGN_NEED_OTP && app->opt->sandbox != NULL) {
			/* training: the trainer's "phone" is a page of the sandbox */
			snprintf(buf, sizeof buf, "%s %s", _("Sandbox phone:"),
				 app_training_otp_url(app->opt->sandbox));
			put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, buf, a);
		}
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, dl->note,
			    ui_attr(app, UI_ROLE_ERROR));
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4, _("Enter = sign    Esc = cancel"),
			    a | A_BOLD);
	} else if (js == APP_SIGN_TOKEN_WAIT) {
		ui_put_text(win, y, x0 + 2, w - 4,
			    _("Asking the sign-in for the signing service's token..."), a);
	} else {
		ui_put_text(win, y++, x0 + 2, w - 4, _("Signing..."), a | A_BOLD);
		ui_put_text(win, y, x0 + 2, w - 4, _("Do not remove the token."), a);
	}
}

/* ---- the job's results ---------------------------------------------------- */

static void
close_single(struct ui_app *app, const struct app_sign_result *r)
{
	char words[512];

	/* the message first: r->code is the job's, which ends below */
	if (r->outcome == APP_SIGN_QUEUED)
		ui_message(app, UI_MSG_OK,
			   _("Signed and queued: the result of %s with %zu signature(s). It will "
			     "be sent when the system answers."),
			   r->code, r->n_files);
	else if (r->outcome == APP_SIGN_FAILED)
		ui_message(app, UI_MSG_ERROR, "%s: %s%s", _("Not signed, nothing queued"),
			   words_sign(r->sign_error),
			   r->sign_error == APP_SIGN_E_OFFLINE
				   ? _(" (remote signing needs the network; a token signs offline)")
				   : "");
	else
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not queued"),
			   words_err(&r->err, words, sizeof words));
	app_sign_end(app->core);
	ui_pop(app);
}

static void
summarize(struct sign_dlg *dl, struct ui_app *app, const struct app_sign_result *r, size_t n)
{
	char words[512];

	for (size_t i = 0, k = 0; i < dl->n; i++) {
		const struct dossier_files *d = &dl->ds[i];
		if (d->refused) {
			dl->n_bad++;
			summary_add(dl, "%s %s: %s", ui_sym(app, "\xe2\x9c\x97", "x"), d->code,
				    words_err(&d->why, words, sizeof words));
			continue;
		}
		if (k >= n)
			continue;
		if (r[k].outcome == APP_SIGN_QUEUED) {
			dl->n_ok++;
			summary_add(dl, "%s %s: %s", ui_sym(app, "\xe2\x9c\x93", "+"), r[k].code,
				    _("signed and queued"));
		} else {
			dl->n_bad++;
			summary_add(dl, "%s %s: %s", ui_sym(app, "\xe2\x9c\x97", "x"), r[k].code,
				    r[k].outcome == APP_SIGN_FAILED
					    ? words_sign(r[k].sign_error)
					    : words_err(&r[k].err, words, sizeof words));
		}
		k++;
	}
	dl->step = S_SUMMARY;
}

/* The job ended: one dossier on the message line, a batch on a summary. */
static int
job_done(struct sign_dlg *dl, struct ui_app *app)
{
	const struct app_sign_result *r;
	size_t n = app_sign_results(app->core, &r), k = 0;

	secret_clear(dl);
	for (size_t i = 0; i < dl->n; i++) {
		dl->ds[i].tsa_failed = false;
		if (dl->ds[i].refused || k >= n)
			continue;
		dl->ds[i].tsa_failed =
			r[k].outcome == APP_SIGN_FAILED && r[k].sign_error == APP_SIGN_E_TSA;
		k++;
	}
	ui_sources_refresh(app);
	ui_reload_all(app);
	if (dl->n == 1 && dl->ds[0].tsa_failed) {
		dl->step = S_TSA_FAILED; /* the dialog stays: T signs without a timestamp */
		app_sign_end(app->core);
	} else if (dl->n == 1 && n == 1) {
		close_single(app, &r[0]);
	} else {
		summarize(dl, app, r, n);
		app_sign_end(app->core);
		if (app->inbox != NULL)
			ui_inbox_clear_marks(app->inbox);
	}
	return UI_REDRAW;
}

static int
sign_tick(struct ui_screen *s, struct ui_app *app)
{
	struct sign_dlg *dl = (struct sign_dlg *)s;

	if (dl->step != S_JOB)
		return 0;
	if (app_sign_step(app->core) == APP_SIGN_DONE)
		return job_done(dl, app);
	return UI_REDRAW; /* the step may have moved (the app's turn) */
}

/* ---- the steps ----------------------------------------------------------- */

static int
start_signing(struct sign_dlg *dl, struct ui_app *app)
{
	struct app_sign_item *items = xcalloc(dl->n, sizeof *items);
	struct app_sign_options o = {
		.kind = dl->remote ? APP_SIGNER_REMOTE : APP_SIGNER_TOKEN,
		.no_timestamp = dl->no_timestamp,
	};
	struct mc_err err;
	char words[512];
	size_t k = 0;
	int rc;

	dl->note[0] = '\0';
	for (size_t i = 0; i < dl->n; i++) {
		if (dl->ds[i].refused)
			continue;
		items[k].code = dl->ds[i].code;
		items[k].files = (const char *const *)dl->ds[i].files;
		items[k].n_files = dl->ds[i].n_files;
		k++;
	}
	rc = app_sign_start(app->core, items, k, &o, &err);
	free(items);
	if (rc != 0) {
		ui_pop(app);
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not signed, nothing queued"),
			   words_err(&err, words, sizeof words));
		return UI_REDRAW;
	}
	secret_clear(dl);
	dl->step = S_JOB;
	if (app_sign_step(app->core) == APP_SIGN_DONE)
		return job_done(dl, app);
	return UI_REDRAW;
}

static int
files_done(struct sign_dlg *dl, struct ui_app *app)
{
	/* the next dossier that was not refused */
	do
		dl->cur++;
	while (dl->cur < dl->n && dl->ds[dl->cur].refused);
	if (dl->cur < dl->n) {
		ui_line_clear(&dl->path);
		return UI_REDRAW;
	}
	if (dl->can_token && dl->can_remote) {
		dl->step = S_CHOOSE;
		return UI_REDRAW;
	}
	dl->remote = dl->can_remote;
	return start_signing(dl, app);
}

/* Tab: complete the path line from the file system. */
static void
complete(struct sign_dlg *dl)
{
	char pattern[UI_LINE_MAX + 2];
	glob_t g;
	size_t common;

	snprintf(pattern, sizeof pattern, "%s*", dl->path.text);
	dl->note[0] = '\0';
	if (glob(pattern, GLOB_MARK | GLOB_TILDE, NULL, &g) != 0) {
		snprintf(dl->note, sizeof dl->note, "%s", _("No file matches."));
		return;
	}
	common = strlen(g.gl_pathv[0]);
	for (size_t i = 1; i < g.gl_pathc; i++) {
		size_t k = 0;
		while (k < common && g.gl_pathv[i][k] == g.gl_pathv[0][k])
			k++;
		common = k;
	}
	if (common >= strlen(dl->path.text) || dl->path.text[0] == '~') {
		char buf[UI_LINE_MAX];
		snprintf(buf, sizeof buf, "%.*s", (int)common, g.gl_pathv[0]);
		if (g.gl_pathc == 1 || strlen(buf) > 0)
			ui_line_set(&dl->path, buf);
	}
	if (g.gl_pathc > 1) {
		size_t len = 0;
		for (size_t i = 0; i < g.gl_pathc && i < MAX_SHOWN; i++) {
			const char *p = g.gl_pathv[i], *slash = strrchr(p, '/');
			if (slash != NULL && slash[1] == '\0') { /* a folder: show its name */
				const char *q = p;
				for (const char *c = p; c < slash; c++)
					if (*c == '/')
						q = c + 1;
				slash = q - 1;
			}
			len += (size_t)snprintf(dl->note + len, sizeof dl->note - len, "%s  ",
						slash != NULL ? slash + 1 : p);
			if (len >= sizeof dl->note)
				break;
		}
	}
	globfree(&g);
}

static int
files_key(struct sign_dlg *dl, struct ui_app *app, int key)
{
	struct dossier_files *d = &dl->ds[dl->cur];
	bool enter = key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER);

	if (key == '\t') {
		complete(dl);
		return UI_REDRAW;
	}
	if (!enter) {
		ui_line_key(&dl->path, key);
		return UI_REDRAW;
	}
	dl->note[0] = '\0';
	if (dl->path.text[strspn(dl->path.text, " ")] == '\0') {
		if (d->n_files == 0) {
			snprintf(dl->note, sizeof dl->note, "%s", _("A result file is required."));
			return UI_REDRAW;
		}
		return files_done(dl, app);
	}
	{
		glob_t g;
		const char *path = dl->path.text;
		/* ~ as the shell would */
		if (glob(dl->path.text, GLOB_TILDE | GLOB_NOCHECK, NULL, &g) == 0 && g.gl_pathc == 1)
			path = g.gl_pathv[0];
		if (access(path, R_OK) != 0) {
			snprintf(dl->note, sizeof dl->note, "%s", _("This file cannot be read."));
		} else {
			d->files = xreallocarray(d->files, d->n_files + 1, sizeof *d->files);
			d->files[d->n_files++] = xstrdup(path);
			ui_line_clear(&dl->path);
		}
		globfree(&g);
	}
	return UI_REDRAW;
}

/*
 * T after the TSA failed: keep only the dossiers that failed for want of a
 * timestamp (their files are still chosen) and sign them again without one,
 * asking for the PIN/OTP again (it was wiped).
 */
static int
retry_without_timestamp(struct sign_dlg *dl, struct ui_app *app)
{
	size_t k = 0;

	for (size_t i = 0; i < dl->n; i++) {
		struct dossier_files *d = &dl->ds[i];
		if (d->tsa_failed) {
			d->tsa_failed = false;
			dl->ds[k++] = *d;
			continue;
		}
		for (size_t f = 0; f < d->n_files; f++)
			free(d->files[f]);
		free(d->files);
		free(d->code);
	}
	dl->n = k;
	for (size_t i = 0; i < dl->n_summary; i++)
		free(dl->summary[i]);
	free(dl->summary);
	dl->summary = NULL;
	dl->n_summary = dl->n_ok = dl->n_bad = 0;
	dl->no_timestamp = true;
	return start_signing(dl, app);
}

static int
cancelled(struct ui_app *app)
{
	app_sign_end(app->core);
	ui_pop(app);
	ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was signed or queued."));
	return UI_REDRAW;
}

/* A key while the job wants the PIN or the OTP. */
static int
secret_key(struct sign_dlg *dl, struct ui_app *app, int key)
{
	if (key == 27)
		return cancelled(app);
	if (key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER)) {
		if (dl->secret_len == 0) {
			snprintf(dl->note, sizeof dl->note, "%s",
				 app_sign_step(app->core) == APP_SIGN_NEED_PIN
					 ? _("Type the PIN, then Enter.")
					 : _("Type the OTP, then Enter."));
			return UI_REDRAW;
		}
		dl->note[0] = '\0';
		app_sign_secret(app->core, dl->secret); /* copied there, wiped after use */
		secret_clear(dl);
		return UI_REDRAW;
	}
	if (key == (UI_KEY_FN | KEY_BACKSPACE) || key == 127 || key == 8) {
		if (dl->secret_len > 0)
			dl->secret[--dl->secret_len] = '\0';
		return UI_REDRAW;
	}
	if (key == 21) { /* C-u */
		secret_clear(dl);
		return UI_REDRAW;
	}
	if (key >= 0x20 && key < 0x7f && dl->secret_len < SECRET_MAX_CHARS) {
		dl->secret[dl->secret_len++] = (char)key;
		dl->secret[dl->secret_len] = '\0';
	}
	return UI_REDRAW;
}

static int
sign_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct sign_dlg *dl = (struct sign_dlg *)s;
	enum app_sign_step js;

	(void)act;
	switch (dl->step) {
	case S_FILES:
		if (key == 27)
			return cancelled(app);
		return files_key(dl, app, key);
	case S_CHOOSE:
		if (key == '1' || key == '2') {
			dl->remote = key == '2';
			return start_signing(dl, app);
		}
		if (key == 27 || key == 'q')
			return cancelled(app);
		return 0;
	case S_JOB:
		js = app_sign_step(app->core);
		if (js == APP_SIGN_NEED_PIN || js == APP_SIGN_NEED_OTP)
			return secret_key(dl, app, key);
		if (js == APP_SIGN_TOKEN_WAIT && key == 27)
			return cancelled(app);
		return 0; /* signing: keys wait */
	case S_SUMMARY:
		if ((key == 't' || key == 'T') && any_tsa_failed(dl))
			return retry_without_timestamp(dl, app);
		if (key == '\n' || key == '\r' || key == 27 || key == 'q' ||
		    key == (UI_KEY_FN | KEY_ENTER)) {
			ui_pop(app);
			return UI_REDRAW;
		}
		return 0;
	case S_TSA_FAILED:
		if (key == 't' || key == 'T')
			return retry_without_timestamp(dl, app);
		if (key == 27 || key == 'q')
			return cancelled(app);
		return 0;
	}
	return 0;
}

static void
sign_free(struct ui_screen *s)
{
	struct sign_dlg *dl = (struct sign_dlg *)s;

	for (size_t i = 0; i < dl->n; i++) {
		for (size_t k = 0; k < dl->ds[i].n_files; k++)
			free(dl->ds[i].files[k]);
		free(dl->ds[i].files);
		free(dl->ds[i].code);
	}
	free(dl->ds);
	for (size_t i = 0; i < dl->n_summary; i++)
		free(dl->summary[i]);
	free(dl->summary);
	secret_clear(dl);
	if (dl->step == S_JOB)
		app_sign_end(dl->app->core); /* the console quits mid-job: nothing queued */
	free(dl);
}

static const struct ui_screen_ops sign_ops = {
	.name = "sign",
	.draw = sign_draw,
	.key = sign_key,
	.tick = sign_tick,
	.free = sign_free,
	.modal = true,
};

void
ui_sign_start(struct ui_app *app, const char *const *codes, size_t n)
{
	struct sign_dlg *dl;
	size_t ok = 0;
	char words[512];

	if (n == 0)
		return;
	dl = xcalloc(1, sizeof *dl);
	dl->base.ops = &sign_ops;
	dl->app = app;
	app_sign_kinds(app->core, &dl->can_token, &dl->can_remote);
	if (!dl->can_token && !dl->can_remote) {
		sign_free(&dl->base);
		ui_message(app, UI_MSG_ERROR, "%s",
			   _("No signer configured: set \"signing\" in config.json (a token's "
			     "pkcs11_module, or remote_url)."));
		return;
	}
	dl->n = n;
	dl->ds = xcalloc(n, sizeof *dl->ds);
	for (size_t i = 0; i < n; i++) {
		dl->ds[i].code = xstrdup(codes[i]);
		/* refused before any file or PIN, as `motcua act` refuses */
		if (app_sign_check(app->core, codes[i], &dl->ds[i].why) != 0)
			dl->ds[i].refused = true;
		else
			ok++;
	}
	if (n == 1 && ok == 0) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not queued"),
			   words_err(&dl->ds[0].why, words, sizeof words));
		sign_free(&dl->base);
		return;
	}
	if (ok == 0) {
		summarize(dl, app, NULL, 0);
		ui_push(app, &dl->base);
		return;
	}
	dl->cur = 0;
	while (dl->ds[dl->cur].refused)
		dl->cur++;
	dl->step = S_FILES;
	ui_line_set(&dl->path, app->opt->sandbox != NULL &&
				       app_training_sample_result(app->opt->sandbox) != NULL
				       ? app_training_sample_result(app->opt->sandbox)
				       : "");
	ui_push(app, &dl->base);
}
