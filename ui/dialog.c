/*
 * dialog.c - modal dialogs: a yes/no confirmation, and the actions dialog
 * that walks the clerk through one action on a dossier.
 *
 * The actions dialog offers only what the status allows (core/status.h),
 * asks for the required fields (a reason; the target unit of a forward; the
 * result file of a return, which must be readable),
 * confirms destructive actions, then hands the action to the application's
 * offline queue (app_act: durable, audited, sent when the system answers).  Only
 * The language's yes key confirms ('y'; in Vietnamese also 'c', "có");
 * Enter alone never does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

#define DIALOG_MAX_COLS 70

/* ---- a box in the middle of the body ---------------------------------- */

struct box {
	int y, x, h, w;
};

static struct box
box_draw(struct ui_app *app, WINDOW *win, const char *title, int inner_h)
{
	struct box b;
	int rows, cols;
	attr_t a = ui_attr(app, UI_ROLE_DIALOG);

	getmaxyx(win, rows, cols);
	b.w = cols - 4 < DIALOG_MAX_COLS ? cols - 4 : DIALOG_MAX_COLS;
	b.h = inner_h + 2 < rows ? inner_h + 2 : rows;
	b.y = (rows - b.h) / 2;
	b.x = (cols - b.w) / 2;
	wattrset(win, a);
	for (int y = 0; y < b.h; y++) {
		wmove(win, b.y + y, b.x);
		whline(win, ' ', b.w);
	}
	wmove(win, b.y, b.x);
	whline(win, ACS_HLINE, b.w);
	wmove(win, b.y + b.h - 1, b.x);
	whline(win, ACS_HLINE, b.w);
	ui_put_text(win, b.y, b.x + 2, b.w - 4, title, a | A_BOLD);
	wattrset(win, A_NORMAL);
	return b;
}

/*
 * The keys that answer yes or no are the language's: the prompt says
 * "y = yes" in English and "c/y = có" in Vietnamese, and only the keys it
 * names answer (an English clerk's stray `c` must not confirm a
 * destructive action).  The translation lists them after the colon.
 */
static bool
key_in(const char *keys, int key)
{
	const char *list = strchr(keys, ':');

	return key > 0 && key < 128 && list != NULL && strchr(list + 1, key) != NULL;
}

static bool
is_yes(int key)
{
	/* TRANSLATORS: after the colon, the keys that answer "yes" to a
	 * confirmation, as the prompt "y = yes ..." names them. */
	return key_in(_("yes-keys:yY"), key);
}

static bool
is_no(int key)
{
	/* TRANSLATORS: after the colon, the keys that answer "no" (Esc and
	 * q always do). */
	return key == 27 || key == 'q' || key_in(_("no-keys:nN"), key);
}

/* ---- confirmation ----------------------------------------------------- */

struct confirm {
	struct ui_screen base;
	char *title, *text;
	ui_confirm_fn *fn;
	void *ctx;
};

static void
confirm_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct confirm *c = (struct confirm *)s;
	char lines[12][256];
	int n, cols = (app->cols - 4 < DIALOG_MAX_COLS ? app->cols - 4 : DIALOG_MAX_COLS) - 4;
	struct box b;

	n = ui_wrap(c->text, cols, lines, 10);
	b = box_draw(app, win, c->title, n + 2);
	for (int i = 0; i < n; i++)
		ui_put_text(win, b.y + 1 + i, b.x + 2, b.w - 4, lines[i],
			    ui_attr(app, UI_ROLE_DIALOG));
	ui_put_text(win, b.y + 2 + n, b.x + 2, b.w - 4, _("y = yes    n, Esc = no"),
		    ui_attr(app, UI_ROLE_DIALOG) | A_BOLD);
}

static int
confirm_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct confirm *c = (struct confirm *)s;
	ui_confirm_fn *fn = c->fn;
	void *ctx = c->ctx;
	bool yes = is_yes(key);

	(void)act;
	if (!yes && !is_no(key))
		return 0; /* other keys do nothing: a stray key must not decide */
	ui_pop(app);
	fn(app, yes, ctx);
	return UI_REDRAW;
}

static void
confirm_free(struct ui_screen *s)
{
	struct confirm *c = (struct confirm *)s;

	free(c->title);
	free(c->text);
	free(c);
}

static const struct ui_screen_ops confirm_ops = {
	.name = "confirm",
	.draw = confirm_draw,
	.key = confirm_key,
	.free = confirm_free,
	.modal = true,
};

struct ui_screen *
ui_confirm_new(const char *title, const char *text, ui_confirm_fn *fn, void *ctx)
{
	struct confirm *c = xcalloc(1, sizeof *c);

	c->base.ops = &confirm_ops;
	c->title = xstrdup(title);
	c->text = xstrdup(text);
	c->fn = fn;
	c->ctx = ctx;
	return &c->base;
}

/* ---- actions ---------------------------------------------------------- */

enum step { STEP_MENU, STEP_REASON, STEP_UNIT, STEP_FILE, STEP_CONFIRM };

struct actions {
	struct ui_screen base;
	char code[128];        /* the dossier; a batch: "N marked" for the title */
	char **codes;          /* a batch (the inbox's marks): owned; NULL: one */
	size_t n_codes;
	int status;
	enum action allowed[ACTION_COUNT];
	int n_allowed, sel;
	enum step step;
	struct ui_line reason, unit, file;
	char error[256];
};

static const char *
action_label(enum action a)
{
	return ui_i18n_pick(action_label_vi(a), action_label_en(a));
}

static void
actions_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct actions *ac = (struct actions *)s;
	attr_t a = ui_attr(app, UI_ROLE_DIALOG);
	char title[256], buf[1024];
	struct box b;
	int y;

	if (ac->codes != NULL)
		snprintf(title, sizeof title, _("Action on %zu marked dossiers"), ac->n_codes);
	else
		snprintf(title, sizeof title, "%s %s", _("Action on"), ac->code);
	if (ac->step == STEP_MENU) {
		b = box_draw(app, win, title, ac->n_allowed + 3);
		y = b.y + 1;
		if (ac->n_allowed == 0)
			ui_put_text(win, y++, b.x + 2, b.w - 4,
				    ac->codes != NULL
					    ? _("The marked dossiers have no action in common.")
					    : _("No action is possible from this status."),
				    a);
		for (int i = 0; i < ac->n_allowed; i++) {
			snprintf(buf, sizeof buf, "%d  %s%s", i + 1,
				 action_label(ac->allowed[i]),
				 action_is_destructive(ac->allowed[i]) ? " (!)" : "");
			ui_put(win, y++, b.x + 2, b.w - 4, buf,
			       i == ac->sel ? (a | A_REVERSE) : a);
		}
		ui_put_text(win, b.y + b.h - 2, b.x + 2, b.w - 4,
			    _("Enter = choose    Esc = cancel"), a | A_BOLD);
		return;
	}
	snprintf(title, sizeof title, "%s: %s", action_label(ac->allowed[ac->sel]), ac->code);
	b = box_draw(app, win, title, 6);
	y = b.y + 1;
	if (ac->step == STEP_CONFIRM) {
		char lines[4][256];
		int n = ui_wrap(_("This action ends the dossier or cannot be undone. Queue it?"),
			     b.w - 4, lines, 3);
		for (int i = 0; i < n; i++)
			ui_put_text(win, y++, b.x + 2, b.w - 4, lines[i], a);
		ui_put_text(win, b.y + b.h - 2, b.x + 2, b.w - 4, _("y = yes    n, Esc = no"),
			    a | A_BOLD);
		return;
	}
	ui_put_text(win, y++, b.x + 2, b.w - 4,
		    ac->step == STEP_REASON ? _("Reason (required):")
		    : ac->step == STEP_UNIT ? _("Send to unit (required):")
					    : _("Result file to send (path, required):"),
		    a);
	ui_text_fit_tail(ac->step == STEP_REASON ? ac->reason.text
			 : ac->step == STEP_UNIT ? ac->unit.text
						 : ac->file.text,
			 b.w - 6, buf, sizeof buf);
	ui_put(win, y, b.x + 2, b.w - 4, buf, a | A_UNDERLINE);
	ui_put_text(win, y, b.x + 2 + ui_text_width(buf), 1, "_", a | A_BLINK);
	y += 2;
	if (ac->error[0] != '\0')
		ui_put_text(win, y, b.x + 2, b.w - 4, ac->error, ui_attr(app, UI_ROLE_ERROR));
	ui_put_text(win, b.y + b.h - 2, b.x + 2, b.w - 4, _("Enter = next    Esc = cancel"),
		    a | A_BOLD);
}

/* ---- a report: what happened to each of several dossiers ----------------- */

struct report {
	struct ui_screen base;
	char *title;
	char **lines; /* owned */
	size_t n;
};

static void
report_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct report *r = (struct report *)s;
	int rows = app->rows - 3, room = rows - 4 > 1 ? rows - 4 : 1;
	size_t shown = r->n <= (size_t)room ? r->n : (size_t)room - 1;
	attr_t a = ui_attr(app, UI_ROLE_DIALOG);
	char more[128];
	struct box b;

	b = box_draw(app, win, r->title, (int)shown + (shown < r->n) + 2);
	for (size_t i = 0; i < shown; i++)
		ui_put_text(win, b.y + 1 + (int)i, b.x + 2, b.w - 4, r->lines[i], a);
	if (shown < r->n) {
		snprintf(more, sizeof more, _("... and %zu more"), r->n - shown);
		ui_put_text(win, b.y + 1 + (int)shown, b.x + 2, b.w - 4, more, a);
	}
	ui_put_text(win, b.y + b.h - 2, b.x + 2, b.w - 4, _("Enter, Esc = close"), a | A_BOLD);
}

static int
report_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	(void)s;
	(void)app;
	(void)key;
	return act == UI_ACT_OPEN || act == UI_ACT_BACK ? UI_POP : 0;
}

static void
report_free(struct ui_screen *s)
{
	struct report *r = (struct report *)s;

	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	free(r->lines);
	free(r->title);
	free(r);
}

static const struct ui_screen_ops report_ops = {
	.name = "report",
	.draw = report_draw,
	.key = report_key,
	.free = report_free,
	.modal = true,
};

/* The same action on every marked dossier: the ones queued are unmarked,
 * the others stay marked; each one's outcome on a report, the count on the
 * message line. */
static void
submit_batch(struct actions *ac, struct ui_app *app)
{
	enum action a = ac->allowed[ac->sel];
	size_t ok = 0, bad = 0;
	char first[640] = "", words[512];
	struct report *r = xcalloc(1, sizeof *r);

	r->base.ops = &report_ops;
	r->lines = xcalloc(ac->n_codes ? ac->n_codes : 1, sizeof *r->lines);

	for (size_t i = 0; i < ac->n_codes; i++) {
		struct app_action act = {
			.code = ac->codes[i],
			.action = a,
			.reason = action_needs_reason(a) ? ac->reason.text : NULL,
			.to_unit = a == ACTION_FORWARD ? ac->unit.text : NULL,
		};
		struct mc_err err;
		int64_t id;

		if (app_act(app->core, &act, &id, &err) == 0) {
			ok++;
			if (app->inbox != NULL)
				ui_inbox_unmark(app->inbox, ac->codes[i]);
			r->lines[r->n++] = xasprintf("%s: %s", ac->codes[i], _("queued"));
		} else {
			words_err(&err, words, sizeof words);
			if (bad++ == 0)
				snprintf(first, sizeof first, "%s: %s", ac->codes[i], words);
			r->lines[r->n++] = xasprintf("! %s: %s", ac->codes[i], words);
		}
	}
	r->title = xasprintf(_("%s: %zu queued, %zu not"), action_label(a), ok, bad);
	ui_push(app, &r->base);
	if (bad == 0)
		ui_message(app, UI_MSG_OK, _("Queued: %s on %zu dossiers."), action_label(a), ok);
	else
		ui_message(app, UI_MSG_ERROR,
			   _("%s: %zu queued, %zu not (still marked): %s"), action_label(a), ok,
			   bad, first);
	ui_sources_refresh(app);
	ui_reload_all(app);
}

static void
submit(struct actions *ac, struct ui_app *app)
{
	enum action a = ac->allowed[ac->sel];
	const char *files[1] = {ac->file.text};
	struct app_action act = {
		.code = ac->code,
		.action = a,
		.reason = action_needs_reason(a) ? ac->reason.text : NULL,
		.to_unit = a == ACTION_FORWARD ? ac->unit.text : NULL,
		.files = files,
		.n_files = a == ACTION_RETURN_RESULT ? 1 : 0,
	};
	struct mc_err err;
	char words[512];
	int64_t id;

	if (app_act(app->core, &act, &id, &err) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not queued"),
			   words_err(&err, words, sizeof words));
		return;
	}
	ui_message(app, UI_MSG_OK, _("Queued: %s on %s. It will be sent when the system answers."),
		   action_label(a), ac->code);
	ui_sources_refresh(app);
	ui_reload_all(app);
}

/* The step after `from` for the chosen action; STEP_MENU means "done". */
static enum step
next_step(const struct actions *ac, enum step from)
{
	enum action a = ac->allowed[ac->sel];

	if (from < STEP_REASON && action_needs_reason(a))
		return STEP_REASON;
	if (from < STEP_UNIT && a == ACTION_FORWARD)
		return STEP_UNIT;
	if (from < STEP_FILE && a == ACTION_RETURN_RESULT)
		return STEP_FILE;
	if (from < STEP_CONFIRM && action_is_destructive(a))
		return STEP_CONFIRM;
	return STEP_MENU;
}

static int
advance(struct actions *ac, struct ui_app *app)
{
	enum step next = next_step(ac, ac->step);

	ac->error[0] = '\0';
	if (next == STEP_MENU) {
		struct actions copy = *ac;
		ac->codes = NULL; /* the copy owns them now */
		ac->n_codes = 0;
		ui_pop(app); /* frees ac */
		if (copy.codes != NULL)
			submit_batch(&copy, app);
		else
			submit(&copy, app);
		for (size_t i = 0; i < copy.n_codes; i++)
			free(copy.codes[i]);
		free(copy.codes);
		return UI_REDRAW;
	}
	ac->step = next;
	return UI_REDRAW;
}

static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ')
			return false;
	return true;
}

static int
actions_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct actions *ac = (struct actions *)s;
	bool enter = key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER);

	if (key == 27) {
		ui_pop(app);
		ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was queued."));
		return UI_REDRAW;
	}
	switch (ac->step) {
	case STEP_MENU:
		if (act == UI_ACT_DOWN && ac->sel + 1 < ac->n_allowed)
			ac->sel++;
		else if (act == UI_ACT_UP && ac->sel > 0)
			ac->sel--;
		else if (key >= '1' && key < '1' + ac->n_allowed)
			ac->sel = key - '1';
		else if (act == UI_ACT_BACK) {
			ui_pop(app);
			return UI_REDRAW;
		} else if (!enter || ac->n_allowed == 0)
			return 0;
		if (enter || (key >= '1' && key < '1' + ac->n_allowed))
			return advance(ac, app);
		return UI_REDRAW;
	case STEP_REASON:
	case STEP_UNIT:
	case STEP_FILE: {
		struct ui_line *l = ac->step == STEP_REASON ? &ac->reason
				    : ac->step == STEP_UNIT ? &ac->unit
							    : &ac->file;
		if (enter) {
			if (blank(l->text)) {
				snprintf(ac->error, sizeof ac->error, "%s",
					 ac->step == STEP_REASON ? _("A reason is required.")
					 : ac->step == STEP_UNIT ? _("A unit is required.")
								 : _("A result file is required."));
				return UI_REDRAW;
			}
			if (ac->step == STEP_FILE && access(l->text, R_OK) != 0) {
				snprintf(ac->error, sizeof ac->error, "%s",
					 _("This file cannot be read."));
				return UI_REDRAW;
			}
			return advance(ac, app);
		}
		ui_line_key(l, key);
		return UI_REDRAW;
	}
	case STEP_CONFIRM:
		if (is_yes(key))
			return advance(ac, app);
		if (is_no(key)) {
			ui_pop(app);
			ui_message(app, UI_MSG_INFO, "%s", _("Cancelled; nothing was queued."));
			return UI_REDRAW;
		}
		return 0;
	}
	return 0;
}

static void
actions_free(struct ui_screen *s)
{
	struct actions *ac = (struct actions *)s;

	for (size_t i = 0; i < ac->n_codes; i++)
		free(ac->codes[i]);
	free(ac->codes);
	free(s);
}

static const struct ui_screen_ops actions_ops = {
	.name = "actions",
	.draw = actions_draw,
	.key = actions_key,
	.free = actions_free,
	.modal = true,
};

struct ui_screen *
ui_actions_new(struct ui_app *app, const char *code, int status)
{
	struct actions *ac = xcalloc(1, sizeof *ac);

	ac->base.ops = &actions_ops;
	snprintf(ac->code, sizeof ac->code, "%s", code);
	ac->status = status;
	ac->n_allowed = app_actions_offered(app->core, code, status, ac->allowed);
	ac->step = STEP_MENU;
	ui_line_clear(&ac->reason);
	ui_line_clear(&ac->unit);
	/* A trainer's sample result, so returning works in a demo as is. */
	ui_line_set(&ac->file, app->opt->sandbox != NULL &&
				       app_training_sample_result(app->opt->sandbox) != NULL
				       ? app_training_sample_result(app->opt->sandbox)
				       : "");
	return &ac->base;
}

/*
 * One action for every marked dossier: offered are the actions every one of
 * them allows (returning a result is K's, which signs each), asked once (one
 * reason, one unit).
 */
struct ui_screen *
ui_actions_batch_new(struct ui_app *app, const char *const *codes, size_t n)
{
	struct actions *ac = xcalloc(1, sizeof *ac);
	enum action common[ACTION_COUNT];
	int n_common = 0;

	ac->base.ops = &actions_ops;
	snprintf(ac->code, sizeof ac->code, _("%zu marked dossiers"), n);
	ac->codes = xcalloc(n ? n : 1, sizeof *ac->codes);
	for (size_t i = 0; i < n; i++) {
		enum action allowed[ACTION_COUNT];
		struct dossier d;
		int k = 0;

		ac->codes[ac->n_codes++] = xstrdup(codes[i]);
		if (app_dossier(app->core, codes[i], &d) != 0) {
			n_common = 0;
			continue;
		}
		k = app_actions_offered(app->core, codes[i], d.status, allowed);
		dossier_release(&d);
		if (i == 0) {
			for (int j = 0; j < k; j++)
				if (allowed[j] != ACTION_RETURN_RESULT)
					common[n_common++] = allowed[j];
			continue;
		}
		/* keep those this one allows too */
		for (int j = 0; j < n_common;) {
			bool in = false;
			for (int m = 0; m < k; m++)
				in = in || allowed[m] == common[j];
			if (in)
				j++;
			else
				common[j] = common[--n_common];
		}
	}
	memcpy(ac->allowed, common, (size_t)n_common * sizeof *common);
	ac->n_allowed = n_common;
	ac->step = STEP_MENU;
	ui_line_clear(&ac->reason);
	ui_line_clear(&ac->unit);
	ui_line_clear(&ac->file);
	return &ac->base;
}

/*
 * u: take back the clerk's last action on `code` while it is not sent
 * (`only`: that queue entry, from the queue screen; 0: the last one), and
 * say what happened in the clerk's words - taken back, or why not (sent at
 * what time, being sent, a conflict to decide in the queue screen).
 */
void
ui_undo(struct ui_app *app, const char *code, int64_t only)
{
	struct store_outbox_entry e;
	struct mc_err err;
	char when[64], words[512];

	if (app_queue_undo(app->core, code, only, &e, &err) == 0) {
		ui_message(app, UI_MSG_OK, _("Taken back: %s on %s (it had not been sent)."),
			   action_label(e.action), code);
		app_queue_entry_release(&e);
		ui_sources_refresh(app);
		ui_reload_all(app);
		return;
	}
	switch (err.code) {
	case MC_E_NO_ENTRY:
		ui_message(app, UI_MSG_INFO, _("No action of this terminal on %s to take back."),
			   code);
		break;
	case MC_E_ENTRY_SENT:
		if (e.state == STORE_OUTBOX_DONE)
			ui_message(app, UI_MSG_ERROR,
				   _("%s on %s was sent at %s: it cannot be taken back."),
				   action_label(e.action), code,
				   ui_fmt_due(e.updated_at, when, sizeof when));
		else
			ui_message(app, UI_MSG_ERROR,
				   _("%s on %s is being sent: it cannot be taken back."),
				   action_label(e.action), code);
		break;
	case MC_E_ENTRY_STATE:
		ui_message(app, UI_MSG_ERROR,
			   _("%s on %s is a conflict or was refused: decide it in the queue (w)."),
			   action_label(e.action), code);
		break;
	case MC_E_BLOCKED:
		ui_message(app, UI_MSG_ERROR, _("Take back the later action first: %s on %s."),
			   action_label(e.action), code);
		break;
	default:
		ui_message(app, UI_MSG_ERROR, "%s", words_err(&err, words, sizeof words));
		break;
	}
	app_queue_entry_release(&e);
}

void
ui_copy_code(struct ui_app *app, const char *code)
{
	if (ui_clipboard_copy(code))
		ui_message(app, UI_MSG_OK, _("Copied: %s (where the terminal allows it)"), code);
	else
		ui_message(app, UI_MSG_INFO, "%s", code);
}
