/*
 * detail.c - one dossier in full: applicant (ID number masked until the
 * clerk asks, which is confirmed and audited), procedure, channel, both due
 * dates and why they differ, attachments with sizes, fees and payment state,
 * supplements and history.
 *
 * The dossier is read from the store when the screen opens (and on reload);
 * its text is laid out into lines then, so drawing and scrolling only copy
 * lines.  Downloading attachments and taking actions are other screens'
 * business (dialog.c); this one only opens them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

#define LABEL_COLS 20

struct dline {
	char *label;    /* NULL: a heading or a plain line */
	char *text;
	enum ui_role role;
};

struct detail {
	struct ui_screen base;
	char code[128];
	struct dossier d;
	bool loaded;
	bool revealed;
	struct dline *lines;
	size_t n_lines, cap;
	int width;      /* columns for the text after the label */
	int scroll;
	char title[256];
};

static const char *const channel_labels[] = {
	N_("unknown"), N_("in person"), N_("online"), N_("by post"),
};
static const char *const kind_labels[] = {
	N_("unknown"), N_("individual"), N_("enterprise"), N_("agency"), N_("organisation"),
};

static void
lines_clear(struct detail *dt)
{
	for (size_t i = 0; i < dt->n_lines; i++) {
		free(dt->lines[i].label);
		free(dt->lines[i].text);
	}
	dt->n_lines = 0;
}

static void
add(struct detail *dt, enum ui_role role, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
add(struct detail *dt, enum ui_role role, const char *label, const char *fmt, ...)
{
	va_list ap;
	char buf[1024], wrapped[8][256];
	int n = 1;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Long values continue on the next lines, under the value. */
	if (label != NULL && dt->width > 10)
		n = ui_wrap(buf, dt->width, wrapped, 8);
	for (int i = 0; i < n; i++) {
		if (dt->n_lines == dt->cap) {
			dt->cap = dt->cap ? dt->cap * 2 : 64;
			dt->lines = xreallocarray(dt->lines, dt->cap, sizeof *dt->lines);
		}
		dt->lines[dt->n_lines].label = xstrdup_or_null(i == 0 ? label : "");
		dt->lines[dt->n_lines].text = xstrdup(label != NULL && dt->width > 10 ? wrapped[i]
										   : buf);
		dt->lines[dt->n_lines].role = role;
		dt->n_lines++;
	}
}

static const char *
s_or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static const char *
status_label(int status)
{
	return ui_i18n_pick(status_label_vi(status), status_label_en(status));
}

/* "3 days" / "5 h" between two instants, for the due-date explanation. */
static void
span_text(int64_t secs, char *buf, size_t size)
{
	if (secs < 0)
		secs = -secs;
	if (secs >= 86400)
		snprintf(buf, size, _("%lld day(s)"), (long long)(secs / 86400));
	else if (secs >= 3600)
		snprintf(buf, size, _("%lld hour(s)"), (long long)(secs / 3600));
	else
		snprintf(buf, size, _("%lld minute(s)"), (long long)((secs + 59) / 60));
}

static void
layout_dates(struct detail *dt, struct ui_app *app)
{
	const struct dossier *d = &dt->d;
	char a[64], b[64], span[64];
	enum ui_role role = UI_ROLE_NORMAL;
	const char *state = "";

	add(dt, UI_ROLE_HEADER, NULL, "%s", _("Dates"));
	add(dt, UI_ROLE_NORMAL, _("Received on"), "%s", ui_fmt_datetime(d->received_at, a, sizeof a));
	if (!status_is_finished(d->status) && d->due_at != 0) {
		if (d->due_at < app->now) {
			role = UI_ROLE_OVERDUE;
			state = _("! overdue");
		} else if (d->due_at - app->now <= app->soon_seconds) {
			role = UI_ROLE_SOON;
			state = _("~ coming due");
		}
	}
	add(dt, role, _("Due (computed here)"), "%s %s",
	    ui_fmt_datetime(d->due_at, a, sizeof a), state);
	add(dt, UI_ROLE_NORMAL, _("Due (system's)"), "%s",
	    ui_fmt_datetime(d->source_due_at, b, sizeof b));
	if (d->due_at != 0 && d->source_due_at != 0 && d->due_at != d->source_due_at) {
		span_text(d->source_due_at - d->due_at, span, sizeof span);
		add(dt, UI_ROLE_SOON, _("Why they differ"),
		    d->source_due_at < d->due_at
			    ? _("the system's date is %s earlier: it counts working time, holidays "
				"or the same-day cut-off differently; warnings here use the date "
				"computed from the procedure's rules")
			    : _("the system's date is %s later: it counts working time, holidays "
				"or the same-day cut-off differently; warnings here use the date "
				"computed from the procedure's rules"),
		    span);
		if (d->n_supplements > 0)
			add(dt, UI_ROLE_NORMAL, "", "%s",
			    _("time waiting for a supplement is counted by the procedure's "
			      "supplement rule"));
	} else if (d->due_at == 0 && d->source_due_at != 0) {
		add(dt, UI_ROLE_NORMAL, _("Why they differ"), "%s",
		    _("no local due date: the procedure's duration is not known here"));
	}
	if (d->finished_at != 0)
		add(dt, UI_ROLE_NORMAL, _("Finished"), "%s",
		    ui_fmt_datetime(d->finished_at, a, sizeof a));
}

static void
layout_lists(struct detail *dt)
{
	const struct dossier *d = &dt->d;
	char a[64], b[64];
	static const char *const payment[] = {
		[PAYMENT_NONE] = N_("nothing due"), [PAYMENT_PAID] = N_("paid"),
		[2] = N_("unknown"), [PAYMENT_PENDING] = N_("pending"),
		[PAYMENT_FAILED] = N_("failed"),
	};

	add(dt, UI_ROLE_HEADER, NULL, "%s (%zu)", _("Attachments"), d->n_attachments);
	for (size_t i = 0; i < d->n_attachments; i++)
		add(dt, UI_ROLE_NORMAL, "", "%s  (%s)", s_or_dash(d->attachments[i].name),
		    ui_fmt_size(d->attachments[i].size, a, sizeof a));
	add(dt, UI_ROLE_HEADER, NULL, "%s", _("Fees"));
	for (size_t i = 0; i < d->n_fees; i++)
		add(dt, UI_ROLE_NORMAL, "", "%s: %s", s_or_dash(d->fees[i].name),
		    ui_fmt_money(d->fees[i].amount, a, sizeof a));
	add(dt, d->payment == PAYMENT_FAILED ? UI_ROLE_ERROR : UI_ROLE_NORMAL, _("Total"),
	    "%s, %s", ui_fmt_money(dossier_fees_total(d), a, sizeof a),
	    _(payment[d->payment >= 0 && d->payment <= PAYMENT_FAILED ? d->payment : 2]));
	if (d->n_supplements > 0) {
		add(dt, UI_ROLE_HEADER, NULL, "%s (%zu)", _("Supplements"), d->n_supplements);
		for (size_t i = 0; i < d->n_supplements; i++) {
			const struct dossier_supplement *s = &d->supplements[i];
			add(dt, UI_ROLE_NORMAL, ui_fmt_datetime(s->requested_at, a, sizeof a),
			    "%s - %s", s_or_dash(s->reason),
			    s->completed_at != 0 ? ui_fmt_datetime(s->completed_at, b, sizeof b)
						 : _("still waiting"));
		}
	}
	add(dt, UI_ROLE_HEADER, NULL, "%s (%zu)", _("History"), d->n_history);
	for (size_t i = 0; i < d->n_history; i++) {
		const struct dossier_event *e = &d->history[i];
		add(dt, UI_ROLE_NORMAL, ui_fmt_datetime(e->at, a, sizeof a), "%s - %s (%s): %s",
		    status_label(e->status), s_or_dash(e->actor), s_or_dash(e->unit),
		    s_or_dash(e->content));
	}
}

static void
layout(struct detail *dt, struct ui_app *app)
{
	const struct dossier *d = &dt->d;
	const struct ui_outbox *ob = app->opt->outbox;
	char idbuf[128];
	int pending;

	lines_clear(dt);
	dt->width = app->cols - LABEL_COLS - 2;
	if (!dt->loaded) {
		add(dt, UI_ROLE_ERROR, NULL, _("Dossier %s is not in the local store."), dt->code);
		return;
	}
	add(dt, UI_ROLE_NORMAL, _("Status"), "%s [%s: %s]", status_label(d->status), d->source,
	    s_or_dash(d->raw_status));
	if (dossier_status_mismatch(d))
		add(dt, UI_ROLE_MISMATCH, ui_sym(app, "\xe2\x89\xa0", "#"),
		    _("status mismatch: the coordination system says \"%s\""),
		    status_label(d->coord_status));
	pending = ob != NULL && ob->pending != NULL ? ob->pending(ob->ctx, d->code) : -1;
	if (pending > 0)
		add(dt, UI_ROLE_QUEUED, ui_sym(app, "\xe2\x86\x91", "^"),
		    _("%d action(s) queued, not yet sent"), pending);

	add(dt, UI_ROLE_HEADER, NULL, "%s", _("Applicant"));
	add(dt, UI_ROLE_NORMAL, _("Name"), "%s", s_or_dash(d->applicant_name));
	if (d->applicant_id == NULL || d->applicant_id[0] == '\0')
		add(dt, UI_ROLE_NORMAL, _("ID number"), "-");
	else if (dt->revealed)
		add(dt, UI_ROLE_NORMAL, _("ID number"), "%s", d->applicant_id);
	else {
		char keys[32], hint[128];
		ui_keymap_keys_text(&app->keymap, UI_ACT_REVEAL, keys, sizeof keys);
		snprintf(hint, sizeof hint, _("(%s: show in full, recorded)"), keys);
		add(dt, UI_ROLE_NORMAL, _("ID number"), "%s  %s",
		    dossier_mask_id(d->applicant_id, idbuf, sizeof idbuf), hint);
	}
	add(dt, UI_ROLE_NORMAL, _("Kind"), "%s",
	    _(kind_labels[d->applicant_kind >= 0 && d->applicant_kind <= 4 ? d->applicant_kind
									     : 0]));
	add(dt, UI_ROLE_NORMAL, _("Area"), "%s", s_or_dash(d->area));

	add(dt, UI_ROLE_HEADER, NULL, "%s", _("Procedure"));
	add(dt, UI_ROLE_NORMAL, _("Procedure"), "%s (%s)", s_or_dash(d->procedure_name),
	    s_or_dash(d->procedure_code));
	add(dt, UI_ROLE_NORMAL, _("Field"), "%s", s_or_dash(d->field_name));
	add(dt, UI_ROLE_NORMAL, _("Summary"), "%s", s_or_dash(d->summary));
	add(dt, UI_ROLE_NORMAL, _("Handling unit"), "%s", s_or_dash(d->unit));
	add(dt, UI_ROLE_NORMAL, _("Channel"), "%s",
	    _(channel_labels[d->channel >= 0 && d->channel <= 3 ? d->channel : 0]));
	layout_dates(dt, app);
	layout_lists(dt);
}

static void
load(struct detail *dt, struct ui_app *app)
{
	int rc;

	if (dt->loaded)
		dossier_release(&dt->d);
	rc = store_dossier_load(app->store, dt->code, &dt->d);
	dt->loaded = rc == 0;
	if (rc < 0)
		ui_message(app, UI_MSG_ERROR, "%s", store_errmsg(app->store));
	layout(dt, app);
}

static int
body_rows(const struct ui_app *app)
{
	int n = app->rows - 3 - 1; /* the hint line at the bottom of the body */
	return n > 1 ? n : 1;
}

static void
detail_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct detail *dt = (struct detail *)s;
	int rows = body_rows(app);
	char hint[256], k1[32], k2[32], k3[32], k4[32];

	for (int y = 0; y < rows && dt->scroll + y < (int)dt->n_lines; y++) {
		const struct dline *l = &dt->lines[dt->scroll + y];
		attr_t attr = ui_attr(app, l->role);
		if (l->label == NULL) {
			ui_put_text(win, y, 0, app->cols, l->text, attr | A_BOLD);
			continue;
		}
		ui_put_text(win, y, 1, LABEL_COLS - 1, l->label, ui_attr(app, UI_ROLE_LABEL));
		ui_put_text(win, y, LABEL_COLS + 1, app->cols - LABEL_COLS - 1, l->text, attr);
	}
	snprintf(hint, sizeof hint, "%s %s  %s %s  %s %s  %s %s",
		 ui_keymap_keys_text(&app->keymap, UI_ACT_ACTIONS, k1, sizeof k1), _("actions"),
		 ui_keymap_keys_text(&app->keymap, UI_ACT_REVEAL, k2, sizeof k2), _("show ID"),
		 ui_keymap_keys_text(&app->keymap, UI_ACT_NEXT, k3, sizeof k3),
		 _("next dossier"), ui_keymap_keys_text(&app->keymap, UI_ACT_BACK, k4, sizeof k4),
		 _("back"));
	ui_put(win, rows, 0, app->cols, hint, ui_attr(app, UI_ROLE_DIM));
}

static const char *
detail_title(struct ui_screen *s, struct ui_app *app)
{
	struct detail *dt = (struct detail *)s;

	(void)app;
	snprintf(dt->title, sizeof dt->title, "%s %s", _("Dossier"), dt->code);
	return dt->title;
}

/* The purpose typed on the prompt line: recorded first, then shown. */
static void
purpose_done(struct ui_app *app, const char *text, bool accepted, void *ctx)
{
	struct detail *dt = ctx;
	const struct ui_audit *au = app->opt->audit;
	char *err = NULL;

	if (!accepted || text == NULL || text[strspn(text, " ")] == '\0') {
		ui_message(app, UI_MSG_INFO, "%s", _("Not shown: say why you look at it."));
		return;
	}
	if (app->top != &dt->base)
		return; /* the screen changed meanwhile */
	if (au->record(au->ctx, "reveal-id", dt->code, text, &err) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not shown: the view could not be recorded"),
			   err != NULL ? err : "");
		free(err);
		return;
	}
	ui_message(app, UI_MSG_OK, "%s", _("ID number shown; this view was recorded."));
	dt->revealed = true;
	layout(dt, app);
}

static void
reveal_done(struct ui_app *app, bool yes, void *ctx)
{
	struct detail *dt = ctx;
	const struct ui_audit *au = app->opt->audit;

	if (!yes)
		return;
	if (au != NULL && au->record != NULL) {
		/* every look at an ID number says why (the audit log keeps it) */
		ui_prompt_start(app, _("Purpose: "), "", NULL, purpose_done, dt);
		return;
	} else {
		ui_message(app, UI_MSG_INFO, "%s",
			   _("ID number shown. No audit log yet: this view was not recorded."));
	}
	dt->revealed = true;
	layout(dt, app);
}

static void
open_code(struct detail *dt, struct ui_app *app, const char *code)
{
	snprintf(dt->code, sizeof dt->code, "%s", code);
	dt->revealed = false;
	dt->scroll = 0;
	load(dt, app);
}

static int
detail_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct detail *dt = (struct detail *)s;
	int rows = body_rows(app), max = (int)dt->n_lines - rows;
	const char *code;

	(void)key;
	if (max < 0)
		max = 0;
	switch (act) {
	case UI_ACT_DOWN:
		dt->scroll = dt->scroll < max ? dt->scroll + 1 : max;
		return UI_REDRAW;
	case UI_ACT_UP:
		dt->scroll = dt->scroll > 0 ? dt->scroll - 1 : 0;
		return UI_REDRAW;
	case UI_ACT_PAGE_DOWN:
		dt->scroll = dt->scroll + rows < max ? dt->scroll + rows : max;
		return UI_REDRAW;
	case UI_ACT_PAGE_UP:
		dt->scroll = dt->scroll > rows ? dt->scroll - rows : 0;
		return UI_REDRAW;
	case UI_ACT_TOP:
		dt->scroll = 0;
		return UI_REDRAW;
	case UI_ACT_BOTTOM:
		dt->scroll = max;
		return UI_REDRAW;
	case UI_ACT_NEXT:
	case UI_ACT_PREV:
		code = app->inbox != NULL
			       ? ui_inbox_step(app->inbox, app, act == UI_ACT_NEXT ? 1 : -1) : NULL;
		if (code != NULL)
			open_code(dt, app, code);
		else
			ui_message(app, UI_MSG_INFO, "%s", _("No more dossiers in this list."));
		return UI_REDRAW;
	case UI_ACT_REVEAL:
		if (!dt->loaded || dt->d.applicant_id == NULL || dt->d.applicant_id[0] == '\0')
			return 0;
		if (dt->revealed)
			return 0;
		ui_push(app, ui_confirm_new(_("Show the full ID number?"),
					    _("The full ID number of the applicant will be shown. "
					      "Each view of personal data is recorded in the audit "
					      "log. Show it?"),
					    reveal_done, dt));
		return UI_REDRAW;
	case UI_ACT_ACTIONS:
		if (dt->loaded)
			ui_push(app, ui_actions_new(app, dt->code, dt->d.status));
		return UI_REDRAW;
	case UI_ACT_BACK:
		return UI_POP;
	default:
		return UI_UNHANDLED;
	}
}

static void
detail_reload(struct ui_screen *s, struct ui_app *app)
{
	struct detail *dt = (struct detail *)s;
	int scroll = dt->scroll;

	load(dt, app);
	dt->scroll = scroll < (int)dt->n_lines ? scroll : 0;
}

static void
detail_free(struct ui_screen *s)
{
	struct detail *dt = (struct detail *)s;

	lines_clear(dt);
	free(dt->lines);
	if (dt->loaded)
		dossier_release(&dt->d);
	free(dt);
}

static const struct ui_screen_ops detail_ops = {
	.name = "detail",
	.draw = detail_draw,
	.key = detail_key,
	.title = detail_title,
	.reload = detail_reload,
	.free = detail_free,
};

struct ui_screen *
ui_detail_new(struct ui_app *app, const char *code)
{
	struct detail *dt = xcalloc(1, sizeof *dt);

	dt->base.ops = &detail_ops;
	open_code(dt, app, code);
	return &dt->base;
}
