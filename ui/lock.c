/*
 * lock.c - the screen lock: after the idle time (or `:lock`) the console
 * shows this screen instead of anything with citizen data on it, until the
 * clerk comes back.
 *
 * When to lock and what unlocking takes is the app's policy; this file
 * only applies it: within the grace time the clerk's local PIN (typed here,
 * shown as bullets, wiped; five wrong ones end the grace); after it, or
 * without a PIN chosen, a new approval on the phone (the sign-in screen in
 * its re-approval mode).  A console with no sign-in server has nobody to
 * ask: Enter and a confirmation unlock it.  The lock screen is a full
 * screen, not a dialog, so nothing below it is drawn; the prompt line is
 * emptied and a half-typed search or command is abandoned when it locks.
 * Sync and the queue go on underneath (the app's loop does not stop), and
 * the status bar - systems, ages, queue count, no personal data - stays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/signin.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/ui.h"

#define PIN_CHARS 12

struct lockscr {
	struct ui_screen base;
	bool typing;               /* the PIN line is open */
	char pin[PIN_CHARS + 1];   /* wiped after each try */
	size_t pin_len;
	char said[160];            /* the outcome of the last try */
};

static void
pin_clear(struct lockscr *l)
{
	explicit_bzero(l->pin, sizeof l->pin);
	l->pin_len = 0;
}

static const char *
lock_title(struct ui_screen *s, struct ui_app *app)
{
	(void)s;
	(void)app;
	return _("Screen locked");
}

static void
lock_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct lockscr *l = (struct lockscr *)s;
	enum app_unlock kind = app_unlock_kind(app->core, app->now);
	struct civil_time ct = civil_split(app_locked_at(app->core));
	char buf[256];
	int rows, cols, y;

	getmaxyx(win, rows, cols);
	y = rows / 2 - 4;
	if (y < 0)
		y = 0;
	ui_put_text(win, y++, 2, cols - 4, _("The screen is locked."), A_BOLD);
	if (app_locked_by_hand(app->core))
		snprintf(buf, sizeof buf,
			 _("Locked by hand at %02d:%02d; work goes on in the background."),
			 ct.hour, ct.minute);
	else
		snprintf(buf, sizeof buf,
			 _("Locked at %02d:%02d after a while without use; work goes on in the "
			   "background."),
			 ct.hour, ct.minute);
	ui_put_text(win, y++, 2, cols - 4, buf, ui_attr(app, UI_ROLE_DIM));
	y++;
	if (!app_signin_available(app->core)) {
		ui_put_text(win, y++, 2, cols - 4, _("Enter: unlock"), A_NORMAL);
		ui_put_text(win, y++, 2, cols - 4,
			    _("(no sign-in server is configured, so no phone approval is asked)"),
			    ui_attr(app, UI_ROLE_DIM));
	} else if (kind == APP_UNLOCK_SHORT && app_pin_is_set(app->core)) {
		long left = (long)(app_locked_at(app->core) + app_lock_grace_s(app->core) - app->now);
		if (left < 0)
			left = 0;
		if (l->typing) {
			size_t n = 0;
			n += (size_t)snprintf(buf, sizeof buf, "%s ", _("Your unlock PIN:"));
			for (size_t i = 0; i < l->pin_len && n + 4 < sizeof buf; i++)
				n += (size_t)snprintf(buf + n, sizeof buf - n, "%s",
						      ui_sym(app, "\xe2\x80\xa2", "*"));
			ui_put_text(win, y++, 2, cols - 4, buf, A_BOLD);
			ui_put_text(win, y++, 2, cols - 4, _("Enter: unlock    Esc: cancel"),
				    ui_attr(app, UI_ROLE_DIM));
		} else {
			snprintf(buf, sizeof buf,
				 _("Enter: unlock with your PIN (%ld:%02ld left before the phone "
				   "is needed)"),
				 left / 60, left % 60);
			ui_put_text(win, y++, 2, cols - 4, buf, A_NORMAL);
		}
	} else {
		ui_put_text(win, y++, 2, cols - 4,
			    _("Enter: unlock by approving on your phone again"), A_NORMAL);
	}
	if (l->said[0] != '\0')
		ui_put_text(win, ++y, 2, cols - 4, l->said, ui_attr(app, UI_ROLE_ERROR));
}

static void
unlock(struct ui_app *app)
{
	app_unlocked(app->core, app->now);
	app->dirty = true;
}

static void
on_confirm(struct ui_app *app, bool yes, void *ctx)
{
	(void)ctx;
	/* only a console with nobody to ask confirms like this */
	if (yes && !app_signin_available(app->core))
		unlock(app);
}

static bool
is_enter(int key)
{
	return key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER);
}

/* The PIN typed: unlock, or say why not. */
static int
try_pin(struct lockscr *l, struct ui_app *app)
{
	int left = 0;
	enum app_pin_unlock r = app_unlock_pin(app->core, l->pin, app->now, &left);

	pin_clear(l);
	l->typing = false;
	switch (r) {
	case APP_PIN_UNLOCKED:
		l->said[0] = '\0';
		app->dirty = true;
		return UI_POP;
	case APP_PIN_WRONG:
		snprintf(l->said, sizeof l->said, _("Wrong PIN; %d more tries before the phone is "
						    "needed."),
			 left);
		break;
	case APP_PIN_TOO_LATE:
		snprintf(l->said, sizeof l->said, "%s",
			 _("No more PIN tries: approve the sign-in on your phone."));
		break;
	case APP_PIN_NO_PIN:
		snprintf(l->said, sizeof l->said, "%s",
			 _("No PIN is chosen on this terminal: approve on your phone."));
		break;
	}
	return UI_REDRAW;
}

static int
pin_key(struct lockscr *l, struct ui_app *app, int key)
{
	if (is_enter(key))
		return l->pin_len > 0 ? try_pin(l, app) : UI_REDRAW;
	if (key == 27) { /* Esc */
		pin_clear(l);
		l->typing = false;
		return UI_REDRAW;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8 || key == (UI_KEY_FN | KEY_BACKSPACE)) {
		if (l->pin_len > 0)
			l->pin[--l->pin_len] = '\0';
		return UI_REDRAW;
	}
	if (key >= '0' && key <= '9' && l->pin_len < PIN_CHARS) {
		l->pin[l->pin_len++] = (char)key;
		l->pin[l->pin_len] = '\0';
	}
	return UI_REDRAW; /* anything else is swallowed: no data, no commands */
}

static int
lock_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct lockscr *l = (struct lockscr *)s;
	enum app_unlock kind;

	(void)act;
	if (l->typing)
		return pin_key(l, app, key);
	if (!is_enter(key))
		return 0; /* nothing else: no help, no commands, no data */
	kind = app_unlock_kind(app->core, app->now);
	if (kind == APP_UNLOCK_NONE)
		return UI_POP;
	if (!app_signin_available(app->core)) {
		ui_push(app, ui_confirm_new(_("Unlock"), _("Unlock the console?"), on_confirm, s));
	} else if (kind == APP_UNLOCK_SHORT && app_pin_is_set(app->core)) {
		l->typing = true;
		l->said[0] = '\0';
	} else {
		l->said[0] = '\0';
		ui_push(app, ui_signin_reapprove_new(app));
	}
	return UI_REDRAW;
}

static int
lock_tick(struct ui_screen *s, struct ui_app *app)
{
	struct lockscr *l = (struct lockscr *)s;

	if (app_unlock_kind(app->core, app->now) == APP_UNLOCK_NONE)
		return UI_POP;
	if (l->typing && app_unlock_kind(app->core, app->now) != APP_UNLOCK_SHORT) {
		pin_clear(l); /* the grace ran out while typing */
		l->typing = false;
	}
	/* The countdown of the short unlock. */
	return UI_REDRAW;
}

static void
lock_free(struct ui_screen *s)
{
	pin_clear((struct lockscr *)s);
	free(s);
}

static const struct ui_screen_ops lock_ops = {
	.name = "lock",
	.draw = lock_draw,
	.key = lock_key,
	.title = lock_title,
	.tick = lock_tick,
	.free = lock_free,
};

bool
ui_lock_is(const struct ui_screen *s)
{
	return s != NULL && s->ops == &lock_ops;
}

void
ui_lock_engage(struct ui_app *app)
{
	struct lockscr *l;

	if (app->top != NULL && ui_lock_is(app->top))
		return;
	/* Whatever was being typed may be a name or an ID number. */
	if (app->prompt_active) {
		ui_prompt_done_fn *done = app->prompt_done;
		app->prompt_active = false;
		if (done != NULL)
			done(app, app->prompt.text, false, app->prompt_ctx);
		ui_line_clear(&app->prompt);
	}
	app->message[0] = '\0';
	l = xcalloc(1, sizeof *l);
	l->base.ops = &lock_ops;
	ui_push(app, &l->base);
}
