/*
 * signin.c - the sign-in screen: resume the stored sign-in, or show the
 * device sign-in's QR code and user code, wait for the phone's approval, and
 * say what went wrong in plain words.
 *
 * The protocol is the application's (app/signin.h); this screen only starts
 * it and shows its progress.  Every callback runs from the app's loop.  When the provider cannot be reached but a
 * sign-in is stored, the clerk goes on offline with the local data.  Over
 * the lock screen (ui_signin_reapprove_new) it asks for a new approval at
 * once, q goes back to the lock screen, and success unlocks.
 *
 * After the first sign-in of an official on this terminal it asks them to
 * choose the local PIN that unlocks a locked console within the grace time
 * (typed twice, shown as bullets, wiped; Esc skips it, and the phone is
 * asked instead).  Not in training: the trainer's demo runs on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/signin.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

enum sstate { S_CHECKING, S_STARTING, S_WAITING, S_FAILED, S_DONE, S_PIN_NEW, S_PIN_AGAIN };

#define PIN_CHARS 12

struct signin;

/* One pending auth operation; outlives the screen if the clerk leaves. */
struct op {
	struct signin *owner; /* NULL once the screen is gone */
};

struct signin {
	struct ui_screen base;
	struct ui_app *app;
	struct op *op;
	enum sstate state;
	enum app_signin_result status;
	enum mc_errc transport; /* with APP_SIGNIN_OFFLINE: why (app_signin_transport) */
	char detail[256];
	char user_code[64];
	char uri[512];
	char uri_complete[1024];
	mc_time expires_at;
	char *qr;
	int qr_cols, qr_rows, qr_for_cols, qr_for_rows;
	bool offline;
	bool restart;     /* a new code was asked for while auth was still busy */
	bool reapprove;   /* over the lock screen: q goes back, success unlocks */
	bool auto_approved; /* training: the sandbox approved the code itself */
	bool pin_asked;   /* the PIN was offered once */
	char pin[PIN_CHARS + 1], pin_first[PIN_CHARS + 1]; /* wiped */
	size_t pin_len;
	char pin_said[160];
};

static void
pin_wipe(struct signin *si)
{
	explicit_bzero(si->pin, sizeof si->pin);
	explicit_bzero(si->pin_first, sizeof si->pin_first);
	si->pin_len = 0;
}

static const char *
words(enum app_signin_result st)
{
	return words_signin(st);
}

static struct op *
op_new(struct signin *si)
{
	struct op *op = xcalloc(1, sizeof *op);

	op->owner = si;
	si->op = op;
	return op;
}

static void sign_in_start(struct signin *si);

static void
on_prompt(void *arg, const struct app_device_prompt *p)
{
	struct op *op = arg;
	struct signin *si = op->owner;

	if (si == NULL)
		return;
	snprintf(si->user_code, sizeof si->user_code, "%s", p->user_code);
	snprintf(si->uri, sizeof si->uri, "%s", p->verification_uri);
	snprintf(si->uri_complete, sizeof si->uri_complete, "%s",
		 p->verification_uri_complete != NULL ? p->verification_uri_complete
						      : p->verification_uri);
	si->expires_at = si->app->now + p->expires_in;
	free(si->qr);
	si->qr = NULL;
	si->qr_for_cols = si->qr_for_rows = 0;
	si->state = S_WAITING;
	si->app->dirty = true;
	if (si->app->opt->sandbox != NULL) {
		si->auto_approved = true;
		app_training_approve(si->app->opt->sandbox, si->app->core, p->user_code);
	}
}

/* The first sign-in is settled (done, or offline with local data): the
 * app's engines may run. */
static void
settled(struct signin *si)
{
	if (!si->reapprove)
		app_hold(si->app->core, false);
}

static void
on_signed_in(void *arg, enum app_signin_result status, const char *detail)
{
	struct op *op = arg;
	struct signin *si = op->owner;

	free(op);
	if (si == NULL)
		return;
	si->op = NULL;
	si->status = status;
	si->transport = app_signin_transport(si->app->core);
	snprintf(si->detail, sizeof si->detail, "%s", detail != NULL ? detail : "");
	si->state = status == APP_SIGNIN_OK ? S_DONE : S_FAILED;
	if (status == APP_SIGNIN_OK)
		settled(si);
	si->app->dirty = true;
}

static void
on_resumed(void *arg, enum app_signin_result status, const char *detail)
{
	struct op *op = arg;
	struct signin *si = op->owner;

	free(op);
	if (si == NULL)
		return;
	si->op = NULL;
	si->status = status;
	si->transport = app_signin_transport(si->app->core);
	snprintf(si->detail, sizeof si->detail, "%s", detail != NULL ? detail : "");
	if (status == APP_SIGNIN_OK) {
		si->state = S_DONE;
		settled(si);
	} else if (status == APP_SIGNIN_OFFLINE) {
		/* A stored sign-in and no provider: work offline on local data. */
		si->offline = true;
		si->state = S_DONE;
		settled(si);
	} else if (status == APP_SIGNIN_NO_SESSION || status == APP_SIGNIN_REVOKED) {
		sign_in_start(si);
	} else {
		si->state = S_FAILED;
	}
	si->app->dirty = true;
}

static void
sign_in_start(struct signin *si)
{
	si->state = S_STARTING;
	si->user_code[0] = '\0';
	if (app_signin_busy(si->app->core)) {
		/* The abandoned attempt is still being cancelled: start at a tick. */
		si->restart = true;
		return;
	}
	si->restart = false;
	app_signin_device(si->app->core, on_prompt, on_signed_in, op_new(si));
}

/* Leave the pending operation (its callback frees it) and cancel it. */
static void
op_abandon(struct signin *si)
{
	if (si->op == NULL)
		return;
	si->op->owner = NULL;
	si->op = NULL;
	app_signin_cancel(si->app->core);
}

static void
render_qr(struct signin *si, struct ui_app *app)
{
	int max_rows = app->rows - 3 - 1;

	if (si->qr_for_cols == app->cols && si->qr_for_rows == app->rows)
		return;
	free(si->qr);
	si->qr = NULL;
	si->qr_for_cols = app->cols;
	si->qr_for_rows = app->rows;
	if (!app->unicode)
		return;
	si->qr = app_qr(si->uri_complete, app->cols, max_rows, &si->qr_cols, &si->qr_rows);
}

static void
signin_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct signin *si = (struct signin *)s;
	int x = 2, y = 1, tx, ty, tw;
	char buf[512];
	long left;

	switch (si->state) {
	case S_CHECKING:
		ui_put_text(win, y, x, app->cols - 4, _("Checking the saved sign-in..."), A_BOLD);
		return;
	case S_STARTING:
		ui_put_text(win, y, x, app->cols - 4, _("Asking the sign-in service for a code..."),
			    A_BOLD);
		return;
	case S_DONE:
		ui_put_text(win, y, x, app->cols - 4, words(APP_SIGNIN_OK), A_BOLD);
		return;
	case S_FAILED: {
		/* the same sentence as `motcua login`, wrapped to the screen */
		char said[640], lines[5][256];
		int n = ui_wrap(words_signin_failure(si->status, si->transport, si->detail, said,
						     sizeof said),
				app->cols - 4, lines, 5);

		for (int i = 0; i < n; i++)
			ui_put_text(win, y++, x, app->cols - 4, lines[i],
				    ui_attr(app, UI_ROLE_ERROR));
		ui_put_text(win, y + 1, x, app->cols - 4,
			    _("Enter: try again with a new code    q: quit"), A_NORMAL);
		return;
	}
	case S_PIN_NEW:
	case S_PIN_AGAIN:
		ui_put_text(win, y++, x, app->cols - 4, words(APP_SIGNIN_OK), A_BOLD);
		y++;
		ui_put_text(win, y++, x, app->cols - 4,
			    _("Choose a PIN of 4 to 12 digits: within a short while after the "
			      "console locks, it unlocks with this PIN instead of your phone."),
			    A_NORMAL);
		y++;
		snprintf(buf, sizeof buf, "%s ",
			 si->state == S_PIN_NEW ? _("New PIN:") : _("The same PIN again:"));
		for (size_t i = 0; i < si->pin_len && strlen(buf) + 4 < sizeof buf; i++)
			strncat(buf, ui_sym(app, "\xe2\x80\xa2", "*"), sizeof buf - strlen(buf) - 1);
		ui_put_text(win, y++, x, app->cols - 4, buf, A_BOLD);
		ui_put_text(win, y++, x, app->cols - 4, _("Enter: next    Esc: not now"),
			    ui_attr(app, UI_ROLE_DIM));
		if (si->pin_said[0] != '\0')
			ui_put_text(win, y + 1, x, app->cols - 4, si->pin_said,
				    ui_attr(app, UI_ROLE_ERROR));
		return;
	case S_WAITING:
		break;
	}
	render_qr(si, app);
	ty = 0;
	tx = x;
	if (si->qr != NULL) {
		const char *line = si->qr;
		int qy = 0;
		while (*line != '\0') {
			const char *nl = strchr(line, '\n');
			size_t n = nl != NULL ? (size_t)(nl - line) : strlen(line);
			snprintf(buf, sizeof buf, "%.*s", (int)n, line);
			ui_put_text(win, qy++, 0, app->cols, buf, A_NORMAL);
			line += n + (nl != NULL);
		}
		if (app->cols - si->qr_cols >= 34) {
			tx = si->qr_cols + 2;
			ty = 1;
		} else {
			ty = si->qr_rows;
		}
	}
	tw = app->cols - tx - 1;
	ui_put_text(win, ty++, tx, tw,
		    si->qr != NULL ? _("Scan the code with your phone,") : _("On your phone,"),
		    A_BOLD);
	ui_put_text(win, ty++, tx, tw, _("or open this address:"), A_NORMAL);
	ui_put_text(win, ty++, tx, tw, si->uri, ui_attr(app, UI_ROLE_LABEL));
	ty++;
	ui_put_text(win, ty++, tx, tw, _("and enter the code:"), A_NORMAL);
	ui_put_text(win, ty++, tx + 2, tw - 2, si->user_code, A_BOLD | A_REVERSE);
	ty++;
	left = (long)(si->expires_at - app->now);
	if (left < 0)
		left = 0;
	snprintf(buf, sizeof buf, _("Waiting for approval... (code valid %ld:%02ld)"), left / 60,
		 left % 60);
	ui_put_text(win, ty++, tx, tw, buf, ui_attr(app, UI_ROLE_DIM));
	ui_put_text(win, ty++, tx, tw, si->reapprove ? _("q: back") : _("q: quit"),
		    ui_attr(app, UI_ROLE_DIM));
	if (si->auto_approved)
		ui_put_text(win, ty, tx, tw, _("TRAINING: the sandbox approves this code by itself."),
			    ui_attr(app, UI_ROLE_TRAINING));
}

static const char *
signin_title(struct ui_screen *s, struct ui_app *app)
{
	(void)s;
	(void)app;
	return _("Sign in");
}

/* A key while the PIN is being chosen. */
static int
pin_key(struct signin *si, struct ui_app *app, int key)
{
	struct mc_err err;
	char buf[512];

	if (key == 27) { /* Esc: not now */
		pin_wipe(si);
		ui_message(app, UI_MSG_INFO, "%s",
			   _("No PIN chosen: a locked console asks for your phone."));
		return UI_POP;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8 || key == (UI_KEY_FN | KEY_BACKSPACE)) {
		if (si->pin_len > 0)
			si->pin[--si->pin_len] = '\0';
		return UI_REDRAW;
	}
	if (key >= '0' && key <= '9' && si->pin_len < PIN_CHARS) {
		si->pin[si->pin_len++] = (char)key;
		si->pin[si->pin_len] = '\0';
		return UI_REDRAW;
	}
	if (key != '\n' && key != '\r' && key != (UI_KEY_FN | KEY_ENTER))
		return UI_REDRAW;
	if (si->state == S_PIN_NEW) {
		mc_err_set(&err, MC_E_PIN, NULL, NULL);
		if (si->pin_len < 4) {
			snprintf(si->pin_said, sizeof si->pin_said, "%s",
				 words_err(&err, buf, sizeof buf));
			explicit_bzero(si->pin, sizeof si->pin);
			si->pin_len = 0;
			return UI_REDRAW;
		}
		memcpy(si->pin_first, si->pin, sizeof si->pin_first);
		explicit_bzero(si->pin, sizeof si->pin);
		si->pin_len = 0;
		si->pin_said[0] = '\0';
		si->state = S_PIN_AGAIN;
		return UI_REDRAW;
	}
	if (strcmp(si->pin, si->pin_first) != 0) {
		pin_wipe(si);
		snprintf(si->pin_said, sizeof si->pin_said, "%s",
			 _("The two PINs differ; choose it again."));
		si->state = S_PIN_NEW;
		return UI_REDRAW;
	}
	if (app_pin_set(app->core, si->pin, &err) != 0) {
		pin_wipe(si);
		ui_message(app, UI_MSG_ERROR, "%s", words_err(&err, buf, sizeof buf));
		return UI_POP;
	}
	pin_wipe(si);
	ui_message(app, UI_MSG_OK, "%s", _("PIN chosen: it unlocks this console after a short break."));
	return UI_POP;
}

static int
signin_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct signin *si = (struct signin *)s;

	if (si->state == S_PIN_NEW || si->state == S_PIN_AGAIN)
		return pin_key(si, app, key);
	if (act == UI_ACT_BACK)
		/* Nothing to go back to without a sign-in; the lock screen when
		 * re-approving. */
		return si->reapprove ? UI_POP : UI_QUIT;
	if (si->state == S_FAILED &&
	    (key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER))) {
		sign_in_start(si);
		return UI_REDRAW;
	}
	if (act == UI_ACT_HELP || act == UI_ACT_COMMAND)
		return UI_UNHANDLED;
	return 0;
}

static int
signin_tick(struct ui_screen *s, struct ui_app *app)
{
	struct signin *si = (struct signin *)s;

	if (si->state == S_DONE) {
		if (si->reapprove) {
			app_unlocked(app->core, app->now);
			return UI_POP;
		}
		if (si->offline)
			ui_message(app, UI_MSG_INFO, "%s",
				   _("The sign-in service cannot be reached: working offline with "
				     "the local data."));
		else if (!si->pin_asked && !app->opt->training && !app_pin_is_set(app->core)) {
			si->pin_asked = true;
			si->state = S_PIN_NEW;
			return UI_REDRAW;
		}
		return UI_POP;
	}
	if (si->restart && !app_signin_busy(app->core)) {
		sign_in_start(si);
		return UI_REDRAW;
	}
	/* The code ran out here, whatever the provider has said so far: the
	 * clerk gets a new one with a key instead of watching 0:00. */
	if (si->state == S_WAITING && app->now >= si->expires_at + 2) {
		op_abandon(si);
		si->state = S_FAILED;
		si->status = APP_SIGNIN_EXPIRED;
		si->transport = MC_OK;
		si->detail[0] = '\0';
		return UI_REDRAW;
	}
	/* The countdown moves once a second. */
	return si->state == S_WAITING ? UI_REDRAW : 0;
}

static void
signin_reload(struct ui_screen *s, struct ui_app *app)
{
	struct signin *si = (struct signin *)s;

	(void)app;
	si->qr_for_cols = si->qr_for_rows = 0;
}

static void
signin_free(struct ui_screen *s)
{
	struct signin *si = (struct signin *)s;

	op_abandon(si);
	pin_wipe(si);
	free(si->qr);
	free(si);
}

static const struct ui_screen_ops signin_ops = {
	.name = "signin",
	.draw = signin_draw,
	.key = signin_key,
	.title = signin_title,
	.reload = signin_reload,
	.tick = signin_tick,
	.free = signin_free,
};

bool
ui_signin_is(const struct ui_screen *s)
{
	return s != NULL && s->ops == &signin_ops;
}

struct ui_screen *
ui_signin_reapprove_new(struct ui_app *app)
{
	struct signin *si = xcalloc(1, sizeof *si);

	si->base.ops = &signin_ops;
	si->app = app;
	si->reapprove = true;
	sign_in_start(si);
	return &si->base;
}

struct ui_screen *
ui_signin_new(struct ui_app *app)
{
	struct signin *si = xcalloc(1, sizeof *si);

	si->base.ops = &signin_ops;
	si->app = app;
	si->state = S_CHECKING;
	app_signin_resume(app->core, on_resumed, op_new(si));
	return &si->base;
}
