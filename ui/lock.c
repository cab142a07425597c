/*
 * lock.c - the screen lock: after the idle time the console shows this
 * screen instead of anything with citizen data on it, until the clerk comes
 * back.
 *
 * When to lock and what unlocking takes is the app's policy; this file
 * only applies it: within the grace time a key and a confirmation unlock;
 * after it, a new approval on the phone (the sign-in screen in its
 * re-approval mode).  The lock screen is a full screen, not a dialog, so
 * nothing below it is drawn; the prompt line is emptied and a half-typed
 * search or command is abandoned when it locks.  Sync and the queue go on
 * underneath (the app's loop does not stop), and the status bar - systems,
 * ages, queue count, no personal data - stays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/signin.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/ui.h"

struct lockscr {
	struct ui_screen base;
};

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
	enum app_unlock kind = app_unlock_kind(app->core, app->now);
	struct civil_time ct = civil_split(app_locked_at(app->core));
	char buf[256];
	int rows, cols, y;

	(void)s;
	getmaxyx(win, rows, cols);
	y = rows / 2 - 3;
	if (y < 0)
		y = 0;
	ui_put_text(win, y++, 2, cols - 4, _("The screen is locked."), A_BOLD);
	snprintf(buf, sizeof buf, _("Locked at %02d:%02d after a while without use; work goes on "
				    "in the background."),
		 ct.hour, ct.minute);
	ui_put_text(win, y++, 2, cols - 4, buf, ui_attr(app, UI_ROLE_DIM));
	y++;
	if (kind == APP_UNLOCK_SHORT) {
		long left = (long)(app_locked_at(app->core) + app_lock_grace_s(app->core) - app->now);
		if (left < 0)
			left = 0;
		snprintf(buf, sizeof buf, _("Enter: unlock (%ld:%02ld left before the phone is needed)"),
			 left / 60, left % 60);
		ui_put_text(win, y++, 2, cols - 4, buf, A_NORMAL);
	} else if (app_signin_available(app->core)) {
		ui_put_text(win, y++, 2, cols - 4,
			    _("Enter: unlock by approving on your phone again"), A_NORMAL);
	} else {
		ui_put_text(win, y++, 2, cols - 4, _("Enter: unlock"), A_NORMAL);
		ui_put_text(win, y++, 2, cols - 4,
			    _("(no sign-in server is configured, so no phone approval is asked)"),
			    ui_attr(app, UI_ROLE_DIM));
	}
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
	/*
	 * The grace may have run out while the question was on screen: then a
	 * phone approval is needed, unless there is no sign-in server to ask.
	 */
	if (yes && (app_unlock_kind(app->core, app->now) == APP_UNLOCK_SHORT ||
		    !app_signin_available(app->core)))
		unlock(app);
}

static int
lock_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	enum app_unlock kind;
	struct app_clerk clerk;
	char text[256];

	(void)act;
	if (key != '\n' && key != '\r' && key != (UI_KEY_FN | KEY_ENTER))
		return 0; /* nothing else: no help, no commands, no data */
	kind = app_unlock_kind(app->core, app->now);
	if (kind == APP_UNLOCK_NONE) {
		return UI_POP;
	} else if (kind == APP_UNLOCK_SHORT || !app_signin_available(app->core)) {
		const char *who = NULL;
		if (app_signin_available(app->core)) {
			app_clerk(app->core, &clerk);
			who = clerk.name;
		}
		if (who != NULL)
			snprintf(text, sizeof text, _("Unlock the console for %s?"), who);
		else
			snprintf(text, sizeof text, "%s", _("Unlock the console?"));
		ui_push(app, ui_confirm_new(_("Unlock"), text, on_confirm, s));
	} else {
		ui_push(app, ui_signin_reapprove_new(app));
	}
	return UI_REDRAW;
}

static int
lock_tick(struct ui_screen *s, struct ui_app *app)
{
	(void)s;
	if (app_unlock_kind(app->core, app->now) == APP_UNLOCK_NONE)
		return UI_POP;
	/* The countdown of the short unlock. */
	return UI_REDRAW;
}

static void
lock_free(struct ui_screen *s)
{
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
