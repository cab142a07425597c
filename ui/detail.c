/*
 * detail.c - one dossier in full: applicant (ID number masked until the
 * clerk asks, which is confirmed and audited), procedure, channel, both due
 * dates and why they differ, attachments with sizes, fees and payment state,
 * supplements and history.
 *
 * The dossier is read from the store when the screen opens (and on reload);
 * its text is laid out into lines then, so drawing and scrolling only copy
 * lines.  Opening it also asks its system for the whole detail (history,
 * components, payment and e-receipts; app_detail_fetch): the stored copy
 * shows at once, the answer replaces it when it comes (the app reports
 * the store changed, and every screen reloads), and a line says how old
 * what is shown is, or why the system could not be read.  Taking actions is the dialogs' business (dialog.c); this one
 * only opens them.  `o` downloads an attachment (app/download.h), asking
 * first when the file is large for
 * the link, and shows the progress in the status bar from tick(): the loop
 * never waits for the bytes.  Each open of a dossier here (from the inbox,
 * or n/N to the next one) appends one "view" entry to the audit log
 * (app_audit_record) before the record is shown (DESIGN.md section 7); redraws,
 * scrolling and reloads do not.  When it cannot be written, the record is
 * not shown.  K signs and returns the result (ui/sign.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "app/download.h"
#include "ui/console.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

#define LABEL_COLS 20
/* Ask before a download above this size when the link's speed is known to
 * make it slower than ASK_SECONDS, and always above ASK_UNKNOWN otherwise. */
#define ASK_BYTES ((int64_t)1024 * 1024)
#define ASK_SECONDS 20
#define ASK_UNKNOWN ((int64_t)5 * 1024 * 1024)

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
	char *hidden;   /* why the record is not shown (the view not recorded) */
	struct dline *lines;
	size_t n_lines, cap;
	int width;      /* columns for the text after the label */
	int scroll;
	char title[256];
	size_t pick;      /* the attachment being confirmed */
	uint64_t dl_seq;  /* the download state last reported */
	bool no_fetch;    /* the system could not even be asked: fetch_err says why */
	struct mc_err fetch_err;
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
	struct due_explanation ex;
	bool have = app_due_explain(app->core, d, &ex) == 0;

	add(dt, UI_ROLE_HEADER, NULL, "%s", _("Dates"));
	add(dt, UI_ROLE_NORMAL, _("Received on"), "%s", ui_fmt_datetime(d->received_at, a, sizeof a));
	if (!status_is_finished(d->status) && d->due_at != 0) {
		enum deadline_class c = deadline_classify_at(&app->horizon, d->due_at);
		if (c == DEADLINE_OVERDUE) {
			role = UI_ROLE_OVERDUE;
			state = _("! overdue");
		} else if (c == DEADLINE_DUE_SOON) {
			role = UI_ROLE_SOON;
			state = _("~ coming due");
		}
	}
	add(dt, role, _("Due (computed here)"), "%s %s",
	    ui_fmt_datetime(d->due_at, a, sizeof a), state);
	add(dt, UI_ROLE_NORMAL, _("Due (system's)"), "%s",
	    ui_fmt_datetime(d->source_due_at, b, sizeof b));
	const char *system_rule = app_system_due_rule(app->core, d->source);
	if (d->due_at != 0 && d->source_due_at != 0 && d->due_at != d->source_due_at &&
	    system_rule != NULL) {
		/* the system's own rule, as its definition names it */
		span_text(d->source_due_at - d->due_at, span, sizeof span);
		add(dt, UI_ROLE_SOON, _("Why they differ"),
		    d->source_due_at < d->due_at
			    ? _("the system's date is %s earlier: %s counts %s; warnings here use "
				"the date computed from the procedure's rules")
			    : _("the system's date is %s later: %s counts %s; warnings here use "
				"the date computed from the procedure's rules"),
		    span, d->source, system_rule);
	} else if (d->due_at != 0 && d->source_due_at != 0 && d->due_at != d->source_due_at) {
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
	} else if (d->due_at == 0 && d->source_due_at != 0 && !have) {
		add(dt, UI_ROLE_NORMAL, _("Why they differ"), "%s",
		    _("no local due date: the procedure's duration is not known here"));
	}
	if (d->finished_at != 0) {
		enum deadline_class c = app_finished_class(app->core, d);

		add(dt, c == DEADLINE_LATE ? UI_ROLE_OVERDUE : UI_ROLE_NORMAL, _("Finished"),
		    "%s %s", ui_fmt_datetime(d->finished_at, a, sizeof a),
		    c == DEADLINE_EARLY     ? _("(early)")
		    : c == DEADLINE_ON_TIME ? _("(on time)")
		    : c == DEADLINE_LATE    ? _("(late)")
					    : "");
	}
	/* Vì sao hạn này?  The rule and each step, as `motcua show --explain` */
	if (have) {
		char line[512];

		add(dt, UI_ROLE_HEADER, NULL, "%s", _("Why this due date?"));
		add(dt, UI_ROLE_NORMAL, _("Rule"), "%s", words_due_rule(&ex.rule, line, sizeof line));
		if (words_due_reading(&ex, line, sizeof line)[0] != '\0')
			add(dt, UI_ROLE_NORMAL, _("Reading"), "%s", line);
		for (size_t i = 0; i < ex.n_steps; i++)
			add(dt, ex.steps[i].kind == DUE_STEP_DAYS_OFF ? UI_ROLE_DIM : UI_ROLE_NORMAL, "",
			    "%s", words_due_step(&ex.steps[i], line, sizeof line));
		if (ex.due_at != 0 && d->due_at != 0 && ex.due_at != d->due_at)
			add(dt, UI_ROLE_SOON, "", "%s", words_due_stale());
	}
	due_explanation_release(&ex);
}

/* "  ↓ 45%" while downloading, "  ✓ downloaded" once saved, else "". */
static void
attach_mark(struct detail *dt, struct ui_app *app, size_t i, char *buf, size_t size)
{
	struct app_dl_status st;
	char *path;

	buf[0] = '\0';
	if (app_download_status(app->core, &st) && st.state == APP_DL_RUNNING && st.index == i &&
	    strcmp(st.code, dt->code) == 0) {
		snprintf(buf, size, "  %s %s", ui_sym(app, "\xe2\x86\x93", "v"), _("downloading"));
		return;
	}
	path = app_download_saved(app->core, dt->code, i);
	if (path != NULL)
		snprintf(buf, size, "  %s %s", ui_sym(app, "\xe2\x9c\x93", "+"), _("downloaded"));
	free(path);
}

/* The clerk's own actions on it from this terminal: sent, waiting, or
 * waiting for a decision (the system's history shows them once it has
 * them; these are there at once, offline too). */
static void
layout_local(struct detail *dt, struct ui_app *app)
{
	struct store_outbox_entry *v;
	size_t n;
	char a[64];

	if (app_dossier_actions(app->core, dt->code, &v, &n) != 0 || n == 0) {
		app_queue_list_free(v, n);
		return;
	}
	add(dt, UI_ROLE_HEADER, NULL, "%s (%zu)", _("Actions from this terminal"), n);
	for (size_t i = 0; i < n; i++) {
		const struct store_outbox_entry *e = &v[i];
		enum ui_role role = e->state == STORE_OUTBOX_DONE	? UI_ROLE_NORMAL
				    : e->state == STORE_OUTBOX_CONFLICT ||
					      e->state == STORE_OUTBOX_FAILED
					    ? UI_ROLE_ERROR
					    : UI_ROLE_QUEUED;

		add(dt, role, ui_fmt_datetime(e->created_at, a, sizeof a), "%s  [%s]",
		    words_action(e->action), words_queue_state(e->state));
	}
	app_queue_list_free(v, n);
}

/* How old what is shown is: read from the system when, being read now, or
 * why it could not be. */
static void
layout_fetch(struct detail *dt, struct ui_app *app)
{
	struct app_detail_status st;
	char a[64], b[32], why[512];
	bool have = app_detail_status(app->core, dt->code, &st);

	if (!have && dt->no_fetch) {
		have = true;
		st.state = APP_DETAIL_FAILED;
		st.err = dt->fetch_err;
	}
	if (have && st.state == APP_DETAIL_RUNNING) {
		add(dt, UI_ROLE_DIM, _("Detail"), "%s", _("reading it from the system..."));
		return;
	}
	if (have && st.state == APP_DETAIL_FAILED) {
		add(dt, UI_ROLE_ERROR, _("Detail"), _("the system could not be read: %s"),
		    words_err_short(&st.err, why, sizeof why));
		if (dt->d.detail_at != 0)
			add(dt, UI_ROLE_ERROR, "", _("shown as stored here, read %s (%s ago)"),
			    ui_fmt_datetime(dt->d.detail_at, a, sizeof a),
			    ui_fmt_age(dt->d.detail_at, app_now(app->core), b, sizeof b));
		else
			add(dt, UI_ROLE_ERROR, "", "%s",
			    _("shown as the system's list gave it (no history, no receipts)"));
		return;
	}
	if (dt->d.detail_at != 0)
		add(dt, UI_ROLE_DIM, _("Detail"), _("read from %s at %s (%s ago)"), dt->d.source,
		    ui_fmt_datetime(dt->d.detail_at, a, sizeof a),
		    ui_fmt_age(dt->d.detail_at, app_now(app->core), b, sizeof b));
	else
		add(dt, UI_ROLE_DIM, _("Detail"), "%s", _("as the system's list gave it"));
}

static void
layout_lists(struct detail *dt, struct ui_app *app)
{
	const struct dossier *d = &dt->d;
	char a[64], b[64];
	static const char *const payment[] = {
		[PAYMENT_NONE] = N_("nothing due"), [PAYMENT_PAID] = N_("paid"),
		[2] = N_("unknown"), [PAYMENT_PENDING] = N_("pending"),
		[PAYMENT_FAILED] = N_("failed"),
	};

	add(dt, UI_ROLE_HEADER, NULL, "%s (%zu)", _("Attachments"), d->n_attachments);
	for (size_t i = 0; i < d->n_attachments; i++) {
		char mark[96] = "";
		attach_mark(dt, app, i, mark, sizeof mark);
		add(dt, UI_ROLE_NORMAL, "", "%zu. %s%s%s%s  (%s)%s", i + 1,
		    d->attachments[i].component_code != NULL ? "[" : "",
		    d->attachments[i].component_code != NULL ? d->attachments[i].component_code : "",
		    d->attachments[i].component_code != NULL ? "] " : "",
		    s_or_dash(d->attachments[i].name),
		    ui_fmt_size(d->attachments[i].size, a, sizeof a), mark);
	}
	add(dt, UI_ROLE_HEADER, NULL, "%s", _("Fees"));
	for (size_t i = 0; i < d->n_fees; i++)
		add(dt, UI_ROLE_NORMAL, "", "%s: %s", s_or_dash(d->fees[i].name),
		    ui_fmt_money(d->fees[i].amount, a, sizeof a));
	add(dt, d->payment == PAYMENT_FAILED ? UI_ROLE_ERROR : UI_ROLE_NORMAL, _("Total"),
	    "%s, %s", ui_fmt_money(dossier_fees_total(d), a, sizeof a),
	    _(payment[d->payment >= 0 && d->payment <= PAYMENT_FAILED ? d->payment : 2]));
	if (d->payment_channel != NULL)
		add(dt, UI_ROLE_NORMAL, _("Paid through"), "%s", d->payment_channel);
	for (size_t i = 0; i < d->n_receipts; i++) {
		const struct dossier_receipt *r = &d->receipts[i];
		add(dt, UI_ROLE_NORMAL, i == 0 ? _("E-receipt") : "",
		    _("no. %s, series %s, %s, %s"), s_or_dash(r->number), s_or_dash(r->series),
		    ui_fmt_money(r->amount, a, sizeof a), ui_fmt_datetime(r->issued_at, b, sizeof b));
		add(dt, UI_ROLE_NORMAL, "", _("issued by %s"), s_or_dash(r->issuer));
	}
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
	/* the lists above and below are the detail's: how old they are */
	layout_fetch(dt, app);
	add(dt, UI_ROLE_HEADER, NULL, "%s (%zu)", _("History"), d->n_history);
	for (size_t i = 0; i < d->n_history; i++) {
		const struct dossier_event *e = &d->history[i];
		add(dt, UI_ROLE_NORMAL, ui_fmt_datetime(e->at, a, sizeof a), "%s - %s (%s): %s",
		    status_label(e->status), s_or_dash(e->actor), s_or_dash(e->unit),
		    s_or_dash(e->content));
	}
	layout_local(dt, app);
}

static void
layout(struct detail *dt, struct ui_app *app)
{
	const struct dossier *d = &dt->d;
	char idbuf[128];
	int pending;

	lines_clear(dt);
	dt->width = app->cols - LABEL_COLS - 2;
	if (!dt->loaded) {
		add(dt, UI_ROLE_ERROR, NULL, _("Dossier %s is not in the local store."), dt->code);
		return;
	}
	if (dt->hidden != NULL) {
		add(dt, UI_ROLE_ERROR, NULL, "%s: %s", _("Not shown: the view could not be recorded"),
		    dt->hidden);
		return;
	}
	add(dt, UI_ROLE_NORMAL, _("Status"), "%s [%s: %s]", status_label(d->status), d->source,
	    s_or_dash(d->raw_status));
	if (dossier_status_mismatch(d))
		add(dt, UI_ROLE_MISMATCH, ui_sym(app, "\xe2\x89\xa0", "#"),
		    _("status mismatch: the coordination system says \"%s\""),
		    status_label(d->coord_status));
	pending = app_queue_pending(app->core, d->code);
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
	layout_lists(dt, app);
}

static void
load(struct detail *dt, struct ui_app *app)
{
	int rc;

	if (dt->loaded)
		dossier_release(&dt->d);
	rc = app_dossier(app->core, dt->code, &dt->d);
	dt->loaded = rc == 0;
	if (rc < 0)
		ui_message(app, UI_MSG_ERROR, "%s", app_store_error(app->core));
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
	char hint[384], k1[32], k2[32], k3[32], k4[32], k5[32], k6[32];

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
	snprintf(hint, sizeof hint, "%s %s  %s %s  %s %s  %s %s  %s %s  %s %s",
		 ui_keymap_keys_text(&app->keymap, UI_ACT_ACTIONS, k1, sizeof k1), _("actions"),
		 ui_keymap_keys_text(&app->keymap, UI_ACT_REVEAL, k2, sizeof k2), _("show ID"),
		 ui_keymap_keys_text(&app->keymap, UI_ACT_DOWNLOAD, k6, sizeof k6), _("download"),
		 ui_keymap_keys_text(&app->keymap, UI_ACT_NEXT, k3, sizeof k3),
		 _("next dossier"), ui_keymap_keys_text(&app->keymap, UI_ACT_BACK, k4, sizeof k4),
		 _("back"), ui_keymap_keys_text(&app->keymap, UI_ACT_SIGN_RETURN, k5, sizeof k5),
		 _("sign+return"));
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
	struct mc_err err;
	char words[512];

	if (!accepted || text == NULL || text[strspn(text, " ")] == '\0') {
		ui_message(app, UI_MSG_INFO, "%s", _("Not shown: say why you look at it."));
		return;
	}
	if (app->top != &dt->base)
		return; /* the screen changed meanwhile */
	if (app_audit_record(app->core, STORE_AUDIT_REVEAL_ID, dt->code, text, "console", &err) !=
	    0) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Not shown: the view could not be recorded"),
			   words_err(&err, words, sizeof words));
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

	if (!yes)
		return;
	/* every look at an ID number says why (the audit log keeps it) */
	ui_prompt_start(app, _("Purpose: "), "", NULL, purpose_done, dt);
}

/* One audit entry per open of a dossier (not per redraw or reload). */
static void
record_view(struct detail *dt, struct ui_app *app)
{
	struct mc_err err;
	char words[512];

	free(dt->hidden);
	dt->hidden = NULL;
	if (!dt->loaded)
		return;
	if (app_audit_record(app->core, STORE_AUDIT_VIEW, dt->code, "xem hồ sơ", "console",
			     &err) != 0)
		dt->hidden = xstrdup(words_err(&err, words, sizeof words));
}

static void
open_code(struct detail *dt, struct ui_app *app, const char *code)
{
	snprintf(dt->code, sizeof dt->code, "%s", code);
	dt->revealed = false;
	dt->scroll = 0;
	load(dt, app);
	record_view(dt, app);
	/* not reachable (offline, not signed in): the detail line says so */
	dt->no_fetch = dt->loaded && dt->hidden == NULL &&
		       app_detail_fetch(app->core, dt->code, &dt->fetch_err) != 0;
	layout(dt, app);
}

static void
download_start(struct detail *dt, struct ui_app *app)
{
	const struct dossier_attachment *f = &dt->d.attachments[dt->pick];
	struct mc_err err;
	char sz[32], words[512];

	if (app_download_start(app->core, dt->code, dt->pick, NULL, &err) != 0) {
		ui_message(app, UI_MSG_ERROR, _("Download failed: %s"),
			   words_err(&err, words, sizeof words));
		return;
	}
	ui_message(app, UI_MSG_INFO, _("Downloading %s (%s)..."), s_or_dash(f->name),
		   ui_fmt_size(f->size, sz, sizeof sz));
	layout(dt, app);
}

static void
big_done(struct ui_app *app, bool yes, void *ctx)
{
	struct detail *dt = ctx;

	if (!yes || app->top != &dt->base || !dt->loaded || dt->pick >= dt->d.n_attachments)
		return;
	download_start(dt, app);
}

static void
stop_done(struct ui_app *app, bool yes, void *ctx)
{
	(void)ctx;
	if (yes)
		app_download_cancel(app->core);
}

/* A saved attachment opened to read (viewer.c), and the message saying
 * where it is: `again` when it was downloaded before this o. */
static void
view_saved(struct ui_app *app, const char *path, bool again)
{
	struct ui_view_failure why;

	switch (ui_view_file(path, &why)) {
	case UI_VIEW_DESKTOP:
		if (again)
			ui_message(app, UI_MSG_OK,
				   _("Already downloaded; opened in the desktop's viewer: %s"), path);
		else
			ui_message(app, UI_MSG_OK, _("Opened in the desktop's viewer; saved in %s"),
				   path);
		break;
	case UI_VIEW_FAILED:
		ui_view_failed(app, &why, path);
		break;
	default:
		if (again)
			ui_message(app, UI_MSG_OK, _("Already downloaded: %s"), path);
		else
			ui_message(app, UI_MSG_OK, _("Saved: %s"), path);
		break;
	}
	app->dirty = true;
}

/* Attachment dt->pick chosen: saved already, ask when large, or start. */
static void
download_pick(struct detail *dt, struct ui_app *app)
{
	const struct dossier_attachment *f = &dt->d.attachments[dt->pick];
	int64_t rate = app_download_rate(app->core, dt->d.source);
	char *path = app_download_saved(app->core, dt->code, dt->pick);
	char text[768], sz[32], span[64];

	if (path != NULL) {
		/* o on a file already here: open it to read */
		view_saved(app, path, true);
		free(path);
		return;
	}
	if (rate > 0 && f->size > ASK_BYTES && f->size / rate >= ASK_SECONDS) {
		span_text(f->size / rate, span, sizeof span);
		snprintf(text, sizeof text,
			 _("%s is %s. At the speed seen from %s it takes about %s. Download it "
			   "now?"),
			 s_or_dash(f->name), ui_fmt_size(f->size, sz, sizeof sz), dt->d.source, span);
	} else if (rate <= 0 && f->size > ASK_UNKNOWN) {
		snprintf(text, sizeof text,
			 _("%s is %s and the speed of the link to %s is not known yet; on a slow "
			   "link it can take many minutes. Download it now?"),
			 s_or_dash(f->name), ui_fmt_size(f->size, sz, sizeof sz), dt->d.source);
	} else {
		download_start(dt, app);
		return;
	}
	ui_push(app, ui_confirm_new(_("Large file"), text, big_done, dt));
}

static void
number_done(struct ui_app *app, const char *text, bool accepted, void *ctx)
{
	struct detail *dt = ctx;
	char *end;
	long n;

	if (!accepted || text == NULL || app->top != &dt->base || !dt->loaded)
		return;
	errno = 0;
	n = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || n < 1 ||
	    (size_t)n > dt->d.n_attachments) {
		ui_message(app, UI_MSG_ERROR, _("No attachment number %s."), text);
		return;
	}
	dt->pick = (size_t)n - 1;
	download_pick(dt, app);
}

static int
download_key(struct detail *dt, struct ui_app *app)
{
	struct app_dl_status st;

	if (!dt->loaded)
		return 0;
	if (app_download_status(app->core, &st) && st.state == APP_DL_RUNNING) {
		ui_push(app, ui_confirm_new(_("Stop the download?"),
					    _("A download is under way. Stop it? What has arrived "
					      "is kept, and the next download resumes from there."),
					    stop_done, dt));
		return UI_REDRAW;
	}
	if (dt->d.n_attachments == 0) {
		ui_message(app, UI_MSG_INFO, "%s", _("This dossier has no attachments."));
		return UI_REDRAW;
	}
	if (dt->d.n_attachments == 1) {
		dt->pick = 0;
		download_pick(dt, app);
		return UI_REDRAW;
	}
	/* the prompt's prefix is short: the range goes to the message line */
	ui_message(app, UI_MSG_INFO, _("Type the attachment's number, 1 to %zu, then Enter."),
		   dt->d.n_attachments);
	ui_prompt_start(app, _("File no.: "), "", NULL, number_done, dt);
	return UI_REDRAW;
}

/* Once per loop turn: report the download's progress and end. */
static int
detail_tick(struct ui_screen *s, struct ui_app *app)
{
	struct detail *dt = (struct detail *)s;
	struct app_dl_status st;
	char a[32], b[32];
	const char *name;

	if (!app_download_status(app->core, &st) || st.seq == dt->dl_seq)
		return 0;
	dt->dl_seq = st.seq;
	if (strcmp(st.code, dt->code) != 0 || !dt->loaded || st.index >= dt->d.n_attachments)
		return 0;
	name = s_or_dash(dt->d.attachments[st.index].name);
	switch (st.state) {
	case APP_DL_RUNNING:
		if (st.total > 0)
			ui_message(app, UI_MSG_INFO, _("Downloading %s: %s of %s (%d%%)"), name,
				   ui_fmt_size(st.bytes, a, sizeof a), ui_fmt_size(st.total, b, sizeof b),
				   (int)(st.bytes * 100 / st.total));
		else
			ui_message(app, UI_MSG_INFO, _("Downloading %s: %s"), name,
				   ui_fmt_size(st.bytes, a, sizeof a));
		return UI_REDRAW;
	case APP_DL_DONE:
		/* asked for with o on this dossier, still on screen: open it */
		if (app->top == s && st.path != NULL)
			view_saved(app, st.path, false);
		else
			ui_message(app, UI_MSG_OK, _("Saved: %s"), st.path != NULL ? st.path : "");
		app->dirty = true;
		break;
	case APP_DL_CANCELLED:
		ui_message(app, UI_MSG_INFO, _("Download stopped; %s kept for later."),
			   ui_fmt_size(st.bytes, a, sizeof a));
		break;
	case APP_DL_FAILED: {
		char keys[48];
		ui_keymap_keys_text(&app->keymap, UI_ACT_DOWNLOAD, keys, sizeof keys);
		if (st.error == APP_DL_E_NETWORK || st.error == APP_DL_E_CHANGED)
			ui_message(app, UI_MSG_ERROR, _("Download failed: %s; %s: try again"),
				   words_download(st.error), keys);
		else
			ui_message(app, UI_MSG_ERROR, _("Download failed: %s"),
				   words_download(st.error));
		break;
	}
	default:
		return 0;
	}
	layout(dt, app);
	return UI_REDRAW;
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
	case UI_ACT_MARK: /* Space pages down here, as before marks came */
		dt->scroll = dt->scroll + rows < max ? dt->scroll + rows : max;
		return UI_REDRAW;
	case UI_ACT_SIGN_RETURN:
		if (dt->loaded && dt->hidden == NULL) {
			const char *codes[1] = {dt->code};
			ui_sign_start(app, codes, 1);
		}
		return UI_REDRAW;
	case UI_ACT_BACK:
		return UI_POP;
	case UI_ACT_DOWNLOAD:
		return download_key(dt, app);
	case UI_ACT_COPY:
		ui_copy_code(app, dt->code);
		return UI_REDRAW;
	case UI_ACT_UNDO: {
		/* ui_undo reloads every screen, this one included */
		char mine[sizeof dt->code];
		snprintf(mine, sizeof mine, "%s", dt->code);
		ui_undo(app, mine, 0);
		return UI_REDRAW;
	}
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
	free(dt->hidden);
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
	.tick = detail_tick,
	.free = detail_free,
};

/*
 * :open CODE over a dossier's detail: the same screen shows CODE (as n and
 * p do), so q still goes back to where the clerk came from, and a code
 * typed twice opens it once.  false when s is not a detail.
 */
bool
ui_detail_show(struct ui_screen *s, struct ui_app *app, const char *code)
{
	struct detail *dt = (struct detail *)s;

	if (s == NULL || s->ops != &detail_ops)
		return false;
	if (strcmp(dt->code, code) == 0)
		dt->scroll = 0;
	else
		open_code(dt, app, code);
	return true;
}

struct ui_screen *
ui_detail_new(struct ui_app *app, const char *code)
{
	struct detail *dt = xcalloc(1, sizeof *dt);

	dt->base.ops = &detail_ops;
	{
		/* report only what happens from now on */
		struct app_dl_status st;
		if (app_download_status(app->core, &st))
			dt->dl_seq = st.seq;
	}
	open_code(dt, app, code);
	return &dt->base;
}
