/*
 * queue.c - the offline queue on screen: every action waiting to be sent,
 * being sent, in conflict or refused, with its error; and one entry opened
 * side by side - what the clerk meant (the local intent) against what the
 * system has now (its status and version) - with the two decisions the
 * clerk can take on a conflict or refusal: re-apply the action on the
 * system's current state, or drop it.  Both ask for a 'y' first.
 *
 * Reads the entries through the app (app_queue_list); decisions go through
 * app_queue_retry and app_queue_drop, which hold the rules.
 * The list is re-read whenever the app reloads (after the replay settled
 * something, and every minute).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

static const char *const state_words[STORE_OUTBOX_N_STATES] = {
	[STORE_OUTBOX_PENDING] = N_("waiting"),
	[STORE_OUTBOX_SENDING] = N_("sending"),
	[STORE_OUTBOX_DONE] = N_("sent"),
	[STORE_OUTBOX_CONFLICT] = N_("conflict"),
	[STORE_OUTBOX_FAILED] = N_("refused"),
};

struct queue {
	struct ui_screen base;
	struct store_outbox_entry *v;
	size_t n;
	int64_t counts[STORE_OUTBOX_N_STATES];
	size_t sel, top;
	int64_t open_id;          /* the entry shown side by side; 0: the list */
	int64_t decide_id;        /* the entry a confirmation is asking about */
	bool decide_drop;
	bool today;               /* t: what was sent today instead */
	char error[256];          /* reading the store failed */
};

static const char *
state_word(enum store_outbox_state st)
{
	return (unsigned)st < STORE_OUTBOX_N_STATES ? _(state_words[st]) : "?";
}

static const char *
action_word(enum action a)
{
	return ui_i18n_pick(action_label_vi(a), action_label_en(a));
}

static const char *
status_word(int st)
{
	return status_valid(st) ? ui_i18n_pick(status_label_vi(st), status_label_en(st)) : "?";
}

static void
load(struct queue *q, struct ui_app *app)
{
	int64_t keep = q->sel < q->n ? q->v[q->sel].id : 0;

	app_queue_list_free(q->v, q->n);
	q->v = NULL;
	q->n = 0;
	q->error[0] = '\0';
	memset(q->counts, 0, sizeof q->counts);
	if (app_queue_list(app->core, q->today, &q->v, &q->n) != 0 ||
	    app_queue_counts(app->core, q->counts) != 0) {
		snprintf(q->error, sizeof q->error, "%s", app_store_error(app->core));
		return;
	}
	if (q->today) {
		/* sent and confirmed since midnight, newest first */
		mc_time midnight = civil_make_time(civil_day_of(app->now), 0);
		size_t k = 0;

		for (size_t i = 0; i < q->n; i++) {
			if (q->v[i].state == STORE_OUTBOX_DONE && q->v[i].updated_at >= midnight)
				q->v[k++] = q->v[i];
			else
				app_queue_entry_release(&q->v[i]);
		}
		q->n = k;
		for (size_t i = 0; i < k / 2; i++) {
			struct store_outbox_entry t = q->v[i];
			q->v[i] = q->v[k - 1 - i];
			q->v[k - 1 - i] = t;
		}
	}
	q->sel = 0;
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].id == keep)
			q->sel = i;
}

static const struct store_outbox_entry *
find(const struct queue *q, int64_t id)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->v[i].id == id)
			return &q->v[i];
	return NULL;
}

static int
list_rows(const struct ui_app *app)
{
	int n = app->rows - 3 - 3; /* title, status, prompt; summary, headings, hint */
	return n > 1 ? n : 1;
}

/* ---- the list ------------------------------------------------------------ */

static const char *
hint(const struct queue *q)
{
	return q->today ? _("t: waiting and conflicts  Enter: open  q: back")
			: _("Enter: open  u: take back  t: sent today  q: back");
}

static void
draw_list(struct queue *q, struct ui_app *app, WINDOW *win)
{
	char line[512], buf[64];
	int rows = list_rows(app), y = 0;
	attr_t h = ui_attr(app, UI_ROLE_HEADER);

	if (q->today)
		snprintf(line, sizeof line, _("Sent and confirmed today: %zu"), q->n);
	else
		snprintf(line, sizeof line,
			 _("Waiting %lld   Sending %lld   Conflicts %lld   Refused %lld"),
			 (long long)q->counts[STORE_OUTBOX_PENDING],
			 (long long)q->counts[STORE_OUTBOX_SENDING],
			 (long long)q->counts[STORE_OUTBOX_CONFLICT],
			 (long long)q->counts[STORE_OUTBOX_FAILED]);
	ui_put(win, y++, 0, app->cols, line, A_BOLD);
	if (q->error[0] != '\0') {
		ui_put(win, y, 0, app->cols, q->error, ui_attr(app, UI_ROLE_ERROR));
		return;
	}
	if (q->n == 0) {
		ui_put(win, y + 1, 2, app->cols - 2,
		       q->today ? _("Nothing was sent today.") : _("Nothing is waiting to be sent."),
		       A_NORMAL);
		ui_put(win, list_rows(app) + 2, 0, app->cols, hint(q), ui_attr(app, UI_ROLE_DIM));
		return;
	}
	/* columns as wide as their widest word, one space between: an action
	 * name must never run into the note ("Từ chối tiếp nhậnconnection") */
	int w_state = ui_text_width(_("State")), w_code = ui_text_width(_("Code")),
	    w_action = ui_text_width(_("Action")), x_code, x_action, x_note;
	for (size_t i = 0; i < q->n; i++) {
		int ws = 2 + ui_text_width(state_word(q->v[i].state));
		int wc = q->v[i].code != NULL ? ui_text_width(q->v[i].code) : 0;
		int wa = ui_text_width(action_word(q->v[i].action));
		w_state = ws > w_state ? ws : w_state;
		w_code = wc > w_code ? wc : w_code;
		w_action = wa > w_action ? wa : w_action;
	}
	w_code = w_code < 24 ? w_code : 24;
	w_action = w_action < 24 ? w_action : 24;
	x_code = w_state + 1;
	x_action = x_code + w_code + 1;
	x_note = x_action + w_action + 1;
	ui_put_text(win, y, 0, w_state, _("State"), h);
	ui_put_text(win, y, x_code, w_code, _("Code"), h);
	ui_put_text(win, y, x_action, w_action, _("Action"), h);
	if (x_note < app->cols)
		ui_put_text(win, y, x_note, app->cols - x_note, _("Note"), h);
	y++;
	if (q->sel < q->top)
		q->top = q->sel;
	if (q->sel >= q->top + (size_t)rows)
		q->top = q->sel - (size_t)rows + 1;
	for (size_t i = q->top; i < q->n && y < rows + 2; i++, y++) {
		const struct store_outbox_entry *e = &q->v[i];
		bool sel = i == q->sel;
		attr_t a = sel ? ui_attr(app, UI_ROLE_SELECTED) : A_NORMAL;
		attr_t sa = a;
		int x = 0;

		if (!sel && (e->state == STORE_OUTBOX_CONFLICT || e->state == STORE_OUTBOX_FAILED))
			sa = ui_attr(app, UI_ROLE_ERROR);
		else if (!sel)
			sa = ui_attr(app, UI_ROLE_QUEUED);
		/* A mark as well as a colour, for monochrome terminals. */
		snprintf(line, sizeof line, "%s %s",
			 e->state == STORE_OUTBOX_CONFLICT || e->state == STORE_OUTBOX_FAILED ? "!"
															: " ",
			 state_word(e->state));
		ui_put(win, y, x, x_code, line, sa);
		x = x_code;
		ui_put(win, y, x, x_action - x_code, e->code, a);
		x = x_action;
		ui_put(win, y, x, x_note - x_action, action_word(e->action), a);
		x = x_note;
		if (x >= app->cols)
			continue;
		if (e->state == STORE_OUTBOX_DONE) {
			/* when its system confirmed it, and what it says now */
			snprintf(line, sizeof line, _("confirmed %s%s%s"),
				 ui_fmt_datetime(e->updated_at, buf, sizeof buf),
				 e->server_raw_status != NULL ? ": " : "",
				 e->server_raw_status != NULL ? e->server_raw_status : "");
		} else if (e->last_error != NULL) {
			struct mc_err err;
			/* the clerk's words only; the server's own are in the entry (Enter) */
			app_queue_error(e, &err);
			words_err_short(&err, line, sizeof line);
		} else if (e->state == STORE_OUTBOX_PENDING && e->next_at > app->now) {
			snprintf(line, sizeof line, _("next try %s"),
				 ui_fmt_datetime(e->next_at, buf, sizeof buf));
		} else {
			snprintf(line, sizeof line, _("queued %s"),
				 ui_fmt_datetime(e->created_at, buf, sizeof buf));
		}
		ui_put(win, y, x, app->cols - x, line, a);
	}
	ui_put(win, list_rows(app) + 2, 0, app->cols, hint(q), ui_attr(app, UI_ROLE_DIM));
}

/* ---- one entry, side by side ---------------------------------------------- */

/* label: value, wrapped into a column; returns the next y. */
static int
put_field(WINDOW *win, struct ui_app *app, int y, int x, int w, const char *label,
	  const char *value)
{
	char lines[4][256];
	int n;

	ui_put_text(win, y++, x, w, label, ui_attr(app, UI_ROLE_LABEL));
	n = ui_wrap(value != NULL && value[0] != '\0' ? value : "-", w - 2, lines, 4);
	for (int i = 0; i < n; i++)
		ui_put_text(win, y++, x + 2, w - 2, lines[i], A_NORMAL);
	return y;
}

static void
draw_entry(struct queue *q, const struct store_outbox_entry *e, struct ui_app *app,
	   WINDOW *win)
{
	char *reason = NULL, *to_unit = NULL;
	int w = (app->cols - 3) / 2, xl = 0, xr = w + 3, yl, yr, y = 0;
	char buf[256], tbuf[64];
	bool decide = e->state == STORE_OUTBOX_CONFLICT || e->state == STORE_OUTBOX_FAILED;

	(void)q;
	snprintf(buf, sizeof buf, "%s - %s (%s)", e->code, action_word(e->action),
		 state_word(e->state));
	ui_put(win, y++, 0, app->cols, buf, A_BOLD);
	if (e->last_error != NULL) {
		struct mc_err err;
		char words[512];
		app_queue_error(e, &err);
		ui_put(win, y++, 0, app->cols, words_err(&err, words, sizeof words),
		       ui_attr(app, UI_ROLE_ERROR));
	}
	app_queue_payload(e, &reason, &to_unit, NULL);
	y++;
	ui_put_text(win, y, xl, w, _("What you asked (here)"), ui_attr(app, UI_ROLE_HEADER));
	ui_put_text(win, y, xr, w, _("What the system has now"), ui_attr(app, UI_ROLE_HEADER));
	y++;
	for (int r = y; r < y + 14 && r < app->rows - 4; r++)
		mvwaddstr(win, r, w + 1, ui_sym(app, "\xe2\x94\x82", "|"));
	yl = yr = y;
	snprintf(buf, sizeof buf, "%s -> %s", status_word(e->base_status),
		 status_word(e->target_status));
	yl = put_field(win, app, yl, xl, w, _("Status change"), buf);
	yl = put_field(win, app, yl, xl, w, _("Based on version"), e->base_version);
	if (reason != NULL)
		yl = put_field(win, app, yl, xl, w, _("Reason"), reason);
	if (to_unit != NULL)
		yl = put_field(win, app, yl, xl, w, _("To unit"), to_unit);
	snprintf(buf, sizeof buf, "%s (%d)", ui_fmt_datetime(e->created_at, tbuf, sizeof tbuf),
		 e->attempts);
	yl = put_field(win, app, yl, xl, w, _("Queued at (tries)"), buf);

	if (e->server_status != 0 || e->server_raw_status != NULL) {
		snprintf(buf, sizeof buf, "%s%s%s%s", status_word(e->server_status),
			 e->server_raw_status != NULL ? " [" : "",
			 e->server_raw_status != NULL ? e->server_raw_status : "",
			 e->server_raw_status != NULL ? "]" : "");
		yr = put_field(win, app, yr, xr, w, _("Status"), buf);
		yr = put_field(win, app, yr, xr, w, _("Version"), e->server_version);
	} else {
		yr = put_field(win, app, yr, xr, w, _("Status"), _("not known yet"));
	}
	yr = put_field(win, app, yr, xr, w, _("Last change"),
		       ui_fmt_datetime(e->updated_at, tbuf, sizeof tbuf));
	y = (yl > yr ? yl : yr) + 1;
	if (decide)
		ui_put(win, y, 0, app->cols,
		       _("r: re-apply on the system's current state    x: drop it    q: back"),
		       A_BOLD);
	else
		ui_put(win, y, 0, app->cols,
		       _("Being handled by the queue: nothing to decide.    q: back"), A_NORMAL);
	free(reason);
	free(to_unit);
}

static void
queue_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct queue *q = (struct queue *)s;
	const struct store_outbox_entry *e = q->open_id != 0 ? find(q, q->open_id) : NULL;

	if (e != NULL)
		draw_entry(q, e, app, win);
	else
		draw_list(q, app, win);
}

/* ---- decisions ------------------------------------------------------------ */

static void
decided(struct ui_app *app, bool yes, void *ctx)
{
	struct queue *q = ctx;
	struct mc_err err;
	char words[512];
	int rc;

	if (!yes)
		return;
	rc = q->decide_drop ? app_queue_drop(app->core, q->decide_id, &err)
			    : app_queue_retry(app->core, q->decide_id, &err);
	if (rc != 0)
		ui_message(app, UI_MSG_ERROR, "%s", words_err(&err, words, sizeof words));
	else
		ui_message(app, UI_MSG_OK, "%s",
			   q->decide_drop ? _("Dropped: the dossier shows the system's state again.")
				   : _("Queued again on the system's current state."));
	q->open_id = 0;
	ui_reload_all(app); /* the inbox's marks and statuses too */
	ui_sources_refresh(app);
}

static int
decide(struct queue *q, struct ui_app *app, const struct store_outbox_entry *e, bool drop)
{
	char text[512];

	if (e->state != STORE_OUTBOX_CONFLICT && e->state != STORE_OUTBOX_FAILED &&
	    !(drop && e->state == STORE_OUTBOX_PENDING))
		return 0;
	q->decide_id = e->id;
	q->decide_drop = drop;
	if (drop)
		snprintf(text, sizeof text,
			 _("Drop \"%s\" on %s? It will not be sent; the dossier keeps the "
			   "system's state."),
			 action_word(e->action), e->code);
	else
		snprintf(text, sizeof text,
			 _("Send \"%s\" on %s again, from the system's current status %s?"),
			 action_word(e->action), e->code, status_word(e->server_status));
	ui_push(app, ui_confirm_new(drop ? _("Drop the action") : _("Re-apply the action"), text,
				    decided, q));
	return UI_REDRAW;
}

static int
queue_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct queue *q = (struct queue *)s;
	const struct store_outbox_entry *e = q->open_id != 0 ? find(q, q->open_id) : NULL;

	if (e != NULL) {
		if (key == 'r')
			return decide(q, app, e, false);
		if (key == 'x')
			return decide(q, app, e, true);
		if (act == UI_ACT_BACK) {
			q->open_id = 0;
			return UI_REDRAW;
		}
		return act == UI_ACT_HELP || act == UI_ACT_COMMAND ? UI_UNHANDLED : 0;
	}
	q->open_id = 0;
	if (key == 't') {
		q->today = !q->today;
		q->sel = q->top = 0;
		load(q, app);
		return UI_REDRAW;
	}
	switch (act) {
	case UI_ACT_DOWN:
		if (q->sel + 1 < q->n)
			q->sel++;
		return UI_REDRAW;
	case UI_ACT_UP:
		if (q->sel > 0)
			q->sel--;
		return UI_REDRAW;
	case UI_ACT_TOP:
		q->sel = 0;
		return UI_REDRAW;
	case UI_ACT_BOTTOM:
		q->sel = q->n > 0 ? q->n - 1 : 0;
		return UI_REDRAW;
	case UI_ACT_OPEN:
		if (q->sel < q->n)
			q->open_id = q->v[q->sel].id;
		return UI_REDRAW;
	case UI_ACT_UNDO:
		if (q->sel < q->n) {
			/* ui_undo reloads this list: copy what it needs first */
			char code[128];
			int64_t id = q->v[q->sel].id;
			snprintf(code, sizeof code, "%s", q->v[q->sel].code);
			ui_undo(app, code, id);
		}
		return UI_REDRAW;
	case UI_ACT_BACK:
	case UI_ACT_QUEUE:
		return UI_POP;
	default:
		return UI_UNHANDLED;
	}
}

static const char *
queue_title(struct ui_screen *s, struct ui_app *app)
{
	(void)app;
	return ((struct queue *)s)->today ? _("Sent today") : _("Queued actions and conflicts");
}

static void
queue_reload(struct ui_screen *s, struct ui_app *app)
{
	load((struct queue *)s, app);
}

static void
queue_free(struct ui_screen *s)
{
	struct queue *q = (struct queue *)s;

	app_queue_list_free(q->v, q->n);
	free(q);
}

static const struct ui_screen_ops queue_ops = {
	.name = "queue",
	.draw = queue_draw,
	.key = queue_key,
	.title = queue_title,
	.reload = queue_reload,
	.free = queue_free,
};

bool
ui_queue_is(const struct ui_screen *s)
{
	return s != NULL && s->ops == &queue_ops;
}

struct ui_screen *
ui_queue_new(struct ui_app *app)
{
	struct queue *q = xcalloc(1, sizeof *q);

	q->base.ops = &queue_ops;
	load(q, app);
	return &q->base;
}
