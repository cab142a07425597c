/*
 * sign.c - "Ký và trả kết quả" in the console: K on a dossier (the detail,
 * or the highlighted row), or on the dossiers marked in the inbox (a batch).
 *
 * A modal dialog walks through: the result file(s) of each dossier (a path
 * line with Tab completion; Enter adds a file, Enter on an empty line goes
 * on), the signer (config.json "signing": the token, the remote service, or
 * a choice when both are set), the token PIN typed here with echo off (shown
 * as bullets, never kept: it is wiped once the token took it), "Signing...",
 * then the result: one dossier ends on the message line (queued, or the
 * reason in the console's language), a batch on a summary listing each
 * dossier.  With a time-stamping authority in config.json (signing.tsa_url)
 * every signature is stamped (RFC 3161); when the TSA cannot be reached (a
 * commune offline), nothing is queued and T signs those dossiers again
 * without a timestamp, asking for the PIN/OTP again.  A remote signer's OTP is asked while the signer waits for it
 * (the OTP goes to the phone when the batch starts), in a nested key loop.
 *
 * Everything that is not the screen - the checks before any PIN, the copies
 * in results/<code>/, one sign_files() batch, the queued return-result - is
 * sync/sign_return.h, the same code `motcua act ... --sign` runs.  The
 * signing itself blocks the loop for its duration (a token answers in
 * seconds; remote signing is a few requests on its own net), with
 * "Signing..." drawn first.
 */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "sign/sign.h"
#include "store/store.h"
#include "app/sign_return.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

#define DLG_COLS 72
#define MAX_SHOWN 12 /* summary lines, Tab candidates */
#define SECRET_MAX_CHARS 64
#define OTP_WAIT_S 300 /* an OTP's life at the service */

enum step {
	S_FILES,      /* the path line for dossier `cur` */
	S_CHOOSE,     /* token or remote */
	S_PIN,        /* the token PIN */
	S_TOKEN_WAIT, /* remote: the sign-in's token for "csc" */
	S_SIGNING,    /* at the next tick: sign and queue */
	S_OTP,        /* remote: nested, while the signer waits */
	S_SUMMARY,    /* a batch's result */
	S_TSA_FAILED, /* one dossier: no timestamp could be had; T = without */
};

struct dossier_files {
	char *code;
	char **files;
	size_t n_files;
	char *refused;  /* refused before any file was asked (the dossier's status) */
	bool tsa_failed; /* the last run: not signed for want of a timestamp */
};

struct sign_dlg {
	struct ui_screen base;
	struct ui_app *app;
	struct dossier_files *ds;
	size_t n, cur;
	enum step step;
	struct ui_line path;
	char note[512];          /* error or Tab candidates under the line */
	bool remote;
	bool can_token, can_remote;
	bool no_timestamp;         /* T after a TSA failure: sign without one */
	struct config cfg;
	struct sign_secret secret; /* the PIN or OTP being typed */
	size_t secret_chars;
	bool secret_done, secret_cancel;
	/* remote */
	struct token_wait *wait;   /* the sign-in's answer; NULL when not asked */
	struct sign_secret bearer;
	/* result */
	char **summary;
	size_t n_summary;
	size_t n_ok, n_bad;
};

static enum sign_lang
lang(void)
{
	return strcmp(ui_i18n_lang(), "en") == 0 ? SIGN_LANG_EN : SIGN_LANG_VI;
}

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
	case S_PIN:
	case S_OTP: {
		size_t n = dl->secret_chars;
		buf[0] = '\0';
		for (size_t i = 0; i < n && strlen(buf) + 4 < sizeof buf; i++)
			strcat(buf, ui_sym(app, "\xe2\x80\xa2", "*"));
		ui_put_text(win, y++, x0 + 2, w - 4,
			    dl->step == S_PIN ? _("Token PIN (not shown, not kept):")
					      : _("OTP sent to your phone:"),
			    a);
		ui_put(win, y, x0 + 2, w - 4, buf, a | A_UNDERLINE);
		ui_put_text(win, y, x0 + 2 + ui_text_width(buf), 1, "_", a | A_BLINK);
		y += 2;
		if (dl->step == S_OTP && app->opt->sandbox != NULL &&
		    app->opt->sandbox->otp_url != NULL) {
			/* training: the trainer's "phone" is a page of the sandbox */
			snprintf(buf, sizeof buf, "%s %s", _("Sandbox phone:"),
				 app->opt->sandbox->otp_url);
			put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, buf, a);
		}
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, dl->note,
			    ui_attr(app, UI_ROLE_ERROR));
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4, _("Enter = sign    Esc = cancel"),
			    a | A_BOLD);
		return;
	}
	case S_TOKEN_WAIT:
		ui_put_text(win, y, x0 + 2, w - 4,
			    _("Asking the sign-in for the signing service's token..."), a);
		return;
	case S_SIGNING:
		ui_put_text(win, y++, x0 + 2, w - 4, _("Signing..."), a | A_BOLD);
		ui_put_text(win, y, x0 + 2, w - 4, _("Do not remove the token."), a);
		return;
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
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2, sign_status_text(SIGN_ERR_TSA, lang()),
			    ui_attr(app, UI_ROLE_ERROR));
		put_wrapped(win, &y, x0 + 2, w - 4, y0 + h - 2,
			    _("Without a network the timestamp cannot be had. The signature is "
			      "valid without it; the signing time is then this terminal's clock."),
			    a);
		ui_put_text(win, y0 + h - 2, x0 + 2, w - 4,
			    _("T = sign without a timestamp    Esc = cancel"), a | A_BOLD);
		return;
	}
}

/* ---- secrets ------------------------------------------------------------- */

static void
secret_clear(struct sign_dlg *dl)
{
	sign_secret_wipe(&dl->secret);
	dl->secret_chars = 0;
}

/* An editing key on the secret line; true when Enter or Esc ended it. */
static bool
secret_key(struct sign_dlg *dl, int key)
{
	if (key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER)) {
		dl->secret_done = true;
		return true;
	}
	if (key == 27) {
		dl->secret_cancel = true;
		return true;
	}
	if (key == (UI_KEY_FN | KEY_BACKSPACE) || key == 127 || key == 8) {
		if (dl->secret.len > 0)
			dl->secret.value[--dl->secret.len] = '\0';
		dl->secret_chars = dl->secret.len;
		return false;
	}
	if (key == 21) { /* C-u */
		secret_clear(dl);
		return false;
	}
	if (key >= 0x20 && key < 0x7f && dl->secret.len < SECRET_MAX_CHARS) {
		dl->secret.value[dl->secret.len++] = (char)key;
		dl->secret.value[dl->secret.len] = '\0';
		dl->secret_chars = dl->secret.len;
	}
	return false;
}

/*
 * The signer's ask callback.  The PIN was typed before signing started;
 * the OTP is typed now, in a nested key loop (the signer waits for it and
 * the OTP went to the phone just before).
 */
static int
ask(void *arg, enum sign_secret_kind kind, const char *prompt, struct sign_secret *out)
{
	struct sign_dlg *dl = arg;
	struct ui_app *app = dl->app;
	int rc = -1;

	(void)prompt;
	if (kind == SIGN_SECRET_OTP) {
		secret_clear(dl);
		dl->secret_done = dl->secret_cancel = false;
		dl->step = S_OTP;
		time_t until = time(NULL) + OTP_WAIT_S;
		nodelay(stdscr, FALSE);
		wtimeout(stdscr, 1000);
		while (!dl->secret_done && !dl->secret_cancel) {
			wint_t wc;
			int r;

			if (time(NULL) > until) { /* the OTP is dead by now; a gone terminal too */
				dl->secret_cancel = true;
				break;
			}
			ui_redraw_now(app);
			r = wget_wch(stdscr, &wc);
			if (r == ERR || (r == KEY_CODE_YES && wc == KEY_RESIZE))
				continue;
			secret_key(dl, r == KEY_CODE_YES ? (UI_KEY_FN | (int)wc) : (int)wc);
		}
		nodelay(stdscr, TRUE);
		dl->step = S_SIGNING;
		ui_redraw_now(app);
	}
	if (dl->secret.len > 0 && !dl->secret_cancel) {
		memcpy(out, &dl->secret, sizeof *out);
		rc = 0;
	}
	secret_clear(dl);
	return rc;
}

/* ---- signing ------------------------------------------------------------- */

/*
 * The sign-in's answer lands here, not in the dialog: a console that quits
 * while it is on its way frees the dialog first (orphan), and the answer,
 * when it comes, frees this.
 */
struct token_wait {
	bool done, orphan;
	enum auth_status status;
	struct sign_secret token;
};

static void
on_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	 void *arg)
{
	struct token_wait *w = arg;

	(void)auth;
	(void)detail;
	if (w->orphan) {
		free(w);
		return;
	}
	w->status = status;
	if (status == AUTH_OK && token != NULL && strlen(token) < sizeof w->token.value) {
		w->token.len = strlen(token);
		memcpy(w->token.value, token, w->token.len + 1);
	} else if (status == AUTH_OK) {
		w->status = AUTH_PROTOCOL;
	}
	w->done = true;
}

static void
wait_release(struct sign_dlg *dl)
{
	if (dl->wait == NULL)
		return;
	sign_secret_wipe(&dl->wait->token);
	if (dl->wait->done)
		free(dl->wait);
	else
		dl->wait->orphan = true;
	dl->wait = NULL;
}

static void
close_single(struct ui_app *app, const struct sign_return_item *it)
{
	/* the message first: it->code is the dialog's, which ui_pop() frees */
	if (it->state == SIGN_RETURN_QUEUED)
		ui_message(app, UI_MSG_OK,
			   _("Signed and queued: the result of %s with %zu signature(s). It will "
			     "be sent when the system answers."),
			   it->code, it->n_files);
	else if (it->state == SIGN_RETURN_SIGN_FAILED)
		ui_message(app, UI_MSG_ERROR, "%s: %s%s", _("Not signed, nothing queued"),
			   sign_status_text(it->err.status, lang()),
			   it->err.status == SIGN_ERR_OFFLINE
				   ? _(" (remote signing needs the network; a token signs offline)")
				   : "");
	else
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not queued"),
			   it->cause != NULL ? it->cause : "?");
	ui_pop(app);
}

static void
summarize(struct sign_dlg *dl, struct ui_app *app, const struct sign_return_item *items)
{
	for (size_t i = 0; i < dl->n; i++) {
		const struct sign_return_item *it = &items[i];
		if (it->state == SIGN_RETURN_QUEUED) {
			dl->n_ok++;
			summary_add(dl, "%s %s: %s", ui_sym(app, "\xe2\x9c\x93", "+"), it->code,
				    _("signed and queued"));
		} else {
			dl->n_bad++;
			summary_add(dl, "%s %s: %s", ui_sym(app, "\xe2\x9c\x97", "x"), it->code,
				    it->state == SIGN_RETURN_SIGN_FAILED
					    ? sign_status_text(it->err.status, lang())
					    : it->cause != NULL ? it->cause : "?");
		}
	}
	dl->step = S_SUMMARY;
}

/* Blocking: open the signer, sign every dossier's files in one batch, queue. */
static void
run(struct sign_dlg *dl, struct ui_app *app)
{
	struct sign_return_item *items = xcalloc(dl->n, sizeof *items);
	struct sign_error err = {SIGN_OK, ""};
	struct signer *signer = NULL;
	struct net *net = NULL;
	const struct sign_key *key = NULL;
	const char *cause = NULL;
	size_t n = dl->n;

	for (size_t i = 0; i < n; i++) {
		items[i].code = dl->ds[i].code;
		items[i].files = (const char *const *)dl->ds[i].files;
		items[i].n_files = dl->ds[i].n_files;
		if (dl->ds[i].refused != NULL) {
			items[i].state = SIGN_RETURN_REFUSED;
			items[i].cause = xstrdup(dl->ds[i].refused);
		}
	}
	if (sign_return_prepare(app->store, items, n) > 0) {
		if (dl->remote) {
			net = net_new(&cause);
			struct sign_remote_config rc = {dl->cfg.signing.remote_url, dl->bearer.value,
							net, ask, dl};
			signer = net != NULL ? sign_remote_new(&rc) : NULL;
		} else {
			const char *module = getenv("MOTCUA_PKCS11_MODULE");
			struct sign_pkcs11_config pc = {
				module != NULL && module[0] != '\0' ? module
								    : dl->cfg.signing.pkcs11_module,
				dl->cfg.signing.token, ask, dl};
			signer = sign_pkcs11_new(&pc);
		}
		if (signer == NULL)
			sign_fail(&err, SIGN_ERR_OFFLINE, "%s", cause != NULL ? cause : "no network");
		const char *tsa_url = dl->no_timestamp ? NULL : dl->cfg.signing.tsa_url;
		if (signer != NULL && tsa_url != NULL && net == NULL)
			net = net_new(&cause); /* NULL: the TSA fails each file, said as such */
		struct sign_tsa tsa = {tsa_url, net};
		if (signer == NULL || signer_open(signer, &err) != 0 ||
		    signer_pick_key(signer, dl->remote ? dl->cfg.signing.credential
						       : dl->cfg.signing.key, &key, &err) != 0)
			sign_return_fail_all(items, n, &err);
		else
			sign_return_run(app->store, signer, key, tsa_url != NULL ? &tsa : NULL,
					items, n, time(NULL));
		signer_close(signer);
		net_free(net);
	}
	for (size_t i = 0; i < n; i++)
		dl->ds[i].tsa_failed = items[i].state == SIGN_RETURN_SIGN_FAILED &&
				       items[i].err.status == SIGN_ERR_TSA;
	secret_clear(dl);
	sign_secret_wipe(&dl->bearer);
	ui_sources_refresh(app);
	ui_reload_all(app);
	if (n == 1 && dl->ds[0].tsa_failed) {
		dl->step = S_TSA_FAILED; /* the dialog stays: T signs without a timestamp */
	} else if (n == 1) {
		close_single(app, &items[0]);
	} else {
		summarize(dl, app, items);
		if (app->inbox != NULL)
			ui_inbox_clear_marks(app->inbox);
	}
	for (size_t i = 0; i < n; i++)
		sign_return_item_release(&items[i]);
	free(items);
}

static int
sign_tick(struct ui_screen *s, struct ui_app *app)
{
	struct sign_dlg *dl = (struct sign_dlg *)s;

	if (dl->step == S_TOKEN_WAIT && dl->wait != NULL && dl->wait->done) {
		enum auth_status st = dl->wait->status;
		memcpy(&dl->bearer, &dl->wait->token, sizeof dl->bearer);
		wait_release(dl);
		if (st != AUTH_OK) {
			char msg[256];
			snprintf(msg, sizeof msg, "%s", auth_status_message(st));
			ui_pop(app);
			ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not signed, nothing queued"), msg);
			return UI_REDRAW;
		}
		dl->step = S_SIGNING;
		return UI_REDRAW;
	}
	if (dl->step != S_SIGNING)
		return 0;
	ui_redraw_now(app); /* "Signing..." before the loop blocks */
	run(dl, app);
	return UI_REDRAW;
}

/* ---- the steps ----------------------------------------------------------- */

static int
start_signing(struct sign_dlg *dl, struct ui_app *app)
{
	dl->note[0] = '\0';
	if (!dl->remote) {
		secret_clear(dl);
		dl->secret_done = dl->secret_cancel = false;
		dl->step = S_PIN;
		return UI_REDRAW;
	}
	if (app->opt->auth == NULL) {
		ui_pop(app);
		ui_message(app, UI_MSG_ERROR, "%s",
			   _("Remote signing needs the sign-in; use the token, or sign in."));
		return UI_REDRAW;
	}
	dl->step = S_TOKEN_WAIT;
	dl->wait = xcalloc(1, sizeof *dl->wait);
	auth_system_token(app->opt->auth, "csc", on_token, dl->wait);
	return UI_REDRAW;
}

static int
files_done(struct sign_dlg *dl, struct ui_app *app)
{
	/* the next dossier that was not refused */
	do
		dl->cur++;
	while (dl->cur < dl->n && dl->ds[dl->cur].refused != NULL);
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
		free(d->refused);
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
sign_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct sign_dlg *dl = (struct sign_dlg *)s;

	(void)act;
	switch (dl->step) {
	case S_FILES:
		if (key == 27) {
			ui_pop(app);
			ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was signed or queued."));
			return UI_REDRAW;
		}
		return files_key(dl, app, key);
	case S_CHOOSE:
		if (key == '1' || key == '2') {
			dl->remote = key == '2';
			return start_signing(dl, app);
		}
		if (key == 27 || key == 'q') {
			ui_pop(app);
			ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was signed or queued."));
			return UI_REDRAW;
		}
		return 0;
	case S_PIN:
		if (!secret_key(dl, key))
			return UI_REDRAW;
		if (dl->secret_cancel) {
			secret_clear(dl);
			ui_pop(app);
			ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was signed or queued."));
			return UI_REDRAW;
		}
		if (dl->secret.len == 0) {
			dl->secret_done = false;
			snprintf(dl->note, sizeof dl->note, "%s", _("Type the PIN, then Enter."));
			return UI_REDRAW;
		}
		dl->step = S_SIGNING;
		return UI_REDRAW;
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
		if (key == 27 || key == 'q') {
			ui_pop(app);
			ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was signed or queued."));
			return UI_REDRAW;
		}
		return 0;
	default:
		return 0; /* waiting or signing: keys wait */
	}
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
		free(dl->ds[i].refused);
	}
	free(dl->ds);
	for (size_t i = 0; i < dl->n_summary; i++)
		free(dl->summary[i]);
	free(dl->summary);
	sign_secret_wipe(&dl->secret);
	sign_secret_wipe(&dl->bearer);
	wait_release(dl);
	config_release(&dl->cfg);
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

/* config.json's "signing" (the console's --config file). */
static void
load_config(struct sign_dlg *dl, struct ui_app *app)
{
	struct config_paths paths;
	char *cause = NULL;
	const char *module = getenv("MOTCUA_PKCS11_MODULE");

	config_init(&dl->cfg);
	config_paths_init(&paths, app->opt->config_path);
	if (config_load(&dl->cfg, paths.config_file, &cause, NULL, NULL) < 0)
		free(cause); /* the console reported it at start */
	config_paths_release(&paths);
	dl->can_token = (module != NULL && module[0] != '\0') ||
			dl->cfg.signing.pkcs11_module != NULL;
	dl->can_remote = dl->cfg.signing.remote_url != NULL;
}

void
ui_sign_start(struct ui_app *app, const char *const *codes, size_t n)
{
	struct sign_dlg *dl;
	size_t ok = 0;
	char *cause = NULL;

	if (n == 0)
		return;
	dl = xcalloc(1, sizeof *dl);
	dl->base.ops = &sign_ops;
	dl->app = app;
	load_config(dl, app);
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
		/* refused before any file or PIN, with the words `motcua act` uses */
		if (sign_return_check_dossier(app->store, codes[i], &cause) != 0)
			dl->ds[i].refused = cause;
		else
			ok++;
		cause = NULL;
	}
	if (n == 1 && ok == 0) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not queued"), dl->ds[0].refused);
		sign_free(&dl->base);
		return;
	}
	if (ok == 0) {
		struct sign_return_item *items = xcalloc(n, sizeof *items);
		for (size_t i = 0; i < n; i++) {
			items[i].code = dl->ds[i].code;
			items[i].state = SIGN_RETURN_REFUSED;
			items[i].cause = dl->ds[i].refused;
		}
		summarize(dl, app, items);
		free(items); /* the causes stay dl's */
		ui_push(app, &dl->base);
		return;
	}
	dl->cur = 0;
	while (dl->ds[dl->cur].refused != NULL)
		dl->cur++;
	dl->step = S_FILES;
	ui_line_set(&dl->path, app->opt->sandbox != NULL && app->opt->sandbox->sample_result != NULL
				       ? app->opt->sandbox->sample_result
				       : "");
	ui_push(app, &dl->base);
}
