/*
 * preview.c - the selected dossier beside the inbox's list (preview.h).
 *
 * The cache holds the last few dossiers read, by code, so that j/k back and
 * forth over the same rows reads nothing; the store is asked once per new
 * code (one dossier by its key, the read the detail screen makes), never
 * the systems.  Drawing lays the text out at the pane's width each time:
 * it is a screenful of short lines, and the width changes with the
 * terminal.
 */
#include "ui/preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"

#define CACHED 16
#define WIDTH_MIN 48
#define WIDTH_MAX 72
#define LABEL_MAX 20
#define WRAP_MAX 3

struct slot {
	char *code;     /* NULL: empty */
	bool found;     /* in the store (else: not there, or the store failed) */
	struct dossier d;
	unsigned long used;
};

struct ui_preview {
	struct slot slots[CACHED];
	unsigned long clock;
	int shown;      /* the slot shown, or -1 */
};

struct ui_preview *
ui_preview_new(void)
{
	struct ui_preview *p = xcalloc(1, sizeof *p);

	for (size_t i = 0; i < CACHED; i++)
		dossier_init(&p->slots[i].d);
	p->shown = -1;
	return p;
}

static void
slot_clear(struct slot *s)
{
	free(s->code);
	s->code = NULL;
	dossier_release(&s->d);
	dossier_init(&s->d);
	s->found = false;
	s->used = 0;
}

void
ui_preview_forget(struct ui_preview *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < CACHED; i++)
		slot_clear(&p->slots[i]);
	p->shown = -1;
}

void
ui_preview_free(struct ui_preview *p)
{
	if (p == NULL)
		return;
	ui_preview_forget(p);
	free(p);
}

int
ui_preview_width(int cols)
{
	int w;

	if (cols < UI_PREVIEW_MIN_COLS)
		return 0;
	/* the list keeps 100 columns where it can (the console's own
	 * columns with the names at 20), the pane grows up to a comfortable
	 * line, then the list again */
	w = cols - 100 - 1; /* the blank column before the border */
	return w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
}

void
ui_preview_show(struct ui_preview *p, struct ui_app *app, const char *code)
{
	struct slot *s = NULL;
	int rc;

	if (code == NULL) {
		p->shown = -1;
		return;
	}
	for (int i = 0; i < CACHED; i++)
		if (p->slots[i].code != NULL && strcmp(p->slots[i].code, code) == 0) {
			p->slots[i].used = ++p->clock;
			p->shown = i;
			return;
		}
	/* the least lately shown slot (an empty one first) */
	for (int i = 0; i < CACHED; i++)
		if (s == NULL || p->slots[i].used < s->used)
			s = &p->slots[i];
	slot_clear(s);
	rc = app_dossier(app->core, code, &s->d);
	if (rc < 0)
		ui_message(app, UI_MSG_ERROR, "%s", app_store_error(app->core));
	s->found = rc == 0;
	s->code = xstrdup(code);
	s->used = ++p->clock;
	p->shown = (int)(s - p->slots);
}

/* ---- drawing ---------------------------------------------------------- */

enum kind { K_TITLE, K_TEXT, K_NOTE, K_FIELD };

struct pline {
	enum kind kind;
	const char *label;  /* K_FIELD */
	char text[512];
	enum ui_role role;
};

struct sheet {
	struct pline lines[24];
	size_t n;
};

static struct pline *
add(struct sheet *sh, enum kind kind, const char *label, enum ui_role role)
{
	struct pline *l;

	if (sh->n == sizeof sh->lines / sizeof sh->lines[0])
		sh->n--; /* never: the fixed part is shorter */
	l = &sh->lines[sh->n++];
	l->kind = kind;
	l->label = label;
	l->role = role;
	l->text[0] = '\0';
	return l;
}

static const char *
status_label(int status)
{
	return ui_i18n_pick(status_label_vi(status), status_label_en(status));
}

static const char *
or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

/* What the pane says of d, before the history. */
static void
sheet_fill(struct sheet *sh, struct ui_app *app, const struct dossier *d)
{
	static const char *const payment[] = {
		[PAYMENT_NONE] = N_("nothing due"), [PAYMENT_PAID] = N_("paid"),
		[PAYMENT_UNKNOWN] = N_("unknown"), [PAYMENT_PENDING] = N_("pending"),
		[PAYMENT_FAILED] = N_("failed"),
	};
	struct pline *l;
	char a[64], b[64];

	l = add(sh, K_TITLE, NULL, UI_ROLE_NORMAL);
	snprintf(l->text, sizeof l->text, "%s", or_dash(d->code));
	l = add(sh, K_TEXT, NULL, UI_ROLE_NORMAL);
	snprintf(l->text, sizeof l->text, "%s", or_dash(d->procedure_name));
	l = add(sh, K_FIELD, _("Applicant"), UI_ROLE_NORMAL);
	snprintf(l->text, sizeof l->text, "%s", or_dash(d->applicant_name));
	l = add(sh, K_FIELD, _("Status"), UI_ROLE_NORMAL);
	snprintf(l->text, sizeof l->text, "%s", status_label(d->status));
	if (dossier_status_mismatch(d)) {
		char why[256];

		l = add(sh, K_NOTE, NULL, UI_ROLE_MISMATCH);
		snprintf(why, sizeof why, _("status mismatch: the coordination system says \"%s\""),
			 status_label(d->coord_status));
		snprintf(l->text, sizeof l->text, "%s %s", ui_sym(app, "\xe2\x89\xa0", "#"), why);
	}
	l = add(sh, K_FIELD, _("System"), UI_ROLE_NORMAL);
	snprintf(l->text, sizeof l->text, "%s", or_dash(d->source));
	l = add(sh, K_FIELD, _("Received on"), UI_ROLE_NORMAL);
	ui_fmt_datetime(d->received_at, l->text, sizeof l->text);
	l = add(sh, K_FIELD, _("Due"), UI_ROLE_NORMAL);
	{
		const char *state = "";

		if (!status_is_finished(d->status) && d->due_at != 0) {
			enum deadline_class c = deadline_classify_at(&app->horizon, d->due_at);
			if (c == DEADLINE_OVERDUE) {
				l->role = UI_ROLE_OVERDUE;
				state = _("! overdue");
			} else if (c == DEADLINE_DUE_SOON) {
				l->role = UI_ROLE_SOON;
				state = _("~ coming due");
			}
		}
		snprintf(l->text, sizeof l->text, "%s %s", ui_fmt_datetime(d->due_at, a, sizeof a),
			 state);
	}
	if (d->source_due_at != 0 && d->source_due_at != d->due_at) {
		l = add(sh, K_FIELD, _("Due (system's)"), UI_ROLE_NORMAL);
		ui_fmt_datetime(d->source_due_at, l->text, sizeof l->text);
	}
	if (d->finished_at != 0) {
		l = add(sh, K_FIELD, _("Finished"), UI_ROLE_NORMAL);
		ui_fmt_datetime(d->finished_at, l->text, sizeof l->text);
	}
	if (d->n_fees > 0 || d->payment != PAYMENT_NONE) {
		int pay = d->payment >= 0 && d->payment <= PAYMENT_FAILED ? d->payment
									  : PAYMENT_UNKNOWN;
		l = add(sh, K_FIELD, _("Fees"),
			d->payment == PAYMENT_FAILED ? UI_ROLE_ERROR : UI_ROLE_NORMAL);
		snprintf(l->text, sizeof l->text, "%s, %s",
			 ui_fmt_money(dossier_fees_total(d), b, sizeof b), _(payment[pay]));
	}
}

/* One history entry as a line: "12/03 15:00 Đang xử lý: Chuyển xử lý". */
static void
event_text(const struct dossier_event *e, char *buf, size_t size)
{
	char at[32];

	ui_fmt_due(e->at, at, sizeof at);
	if (e->content != NULL && e->content[0] != '\0')
		snprintf(buf, size, "%s %s: %s", at, ui_status_short(e->status), e->content);
	else
		snprintf(buf, size, "%s %s (%s)", at, ui_status_short(e->status), or_dash(e->unit));
}

void
ui_preview_draw(const struct ui_preview *p, struct ui_app *app, WINDOW *win, int x, int cols,
		int rows)
{
	const struct slot *s = p->shown >= 0 ? &p->slots[p->shown] : NULL;
	const struct dossier *d;
	struct sheet sh;
	char wrapped[WRAP_MAX][256], buf[512];
	int cx = x + 2, cw = cols - 3, label_w = 0, y = 0;

	wattrset(win, ui_attr(app, UI_ROLE_DIM));
	mvwvline(win, 0, x, ACS_VLINE, rows);
	wattrset(win, A_NORMAL);
	if (s == NULL || cw < 10)
		return;
	if (!s->found) {
		snprintf(buf, sizeof buf, _("Dossier %s is not in the local store."), s->code);
		int n = ui_wrap(buf, cw, wrapped, WRAP_MAX);
		for (int i = 0; i < n && i < rows; i++)
			ui_put_text(win, i, cx, cw, wrapped[i], ui_attr(app, UI_ROLE_ERROR));
		return;
	}
	d = &s->d;
	sh.n = 0;
	sheet_fill(&sh, app, d);
	for (size_t i = 0; i < sh.n; i++)
		if (sh.lines[i].kind == K_FIELD && ui_text_width(sh.lines[i].label) > label_w)
			label_w = ui_text_width(sh.lines[i].label);
	if (label_w > LABEL_MAX)
		label_w = LABEL_MAX;
	if (label_w > cw / 2)
		label_w = cw / 2;
	for (size_t i = 0; i < sh.n && y < rows; i++) {
		const struct pline *l = &sh.lines[i];
		attr_t attr = ui_attr(app, l->role);
		int n;

		switch (l->kind) {
		case K_TITLE:
			ui_put_text(win, y++, cx, cw, l->text, attr | A_BOLD);
			break;
		case K_TEXT:
		case K_NOTE:
			n = ui_wrap(l->text, cw, wrapped, WRAP_MAX);
			for (int k = 0; k < n && y < rows; k++)
				ui_put_text(win, y++, cx, cw, wrapped[k], attr);
			if (l->kind == K_TEXT)
				y += y < rows; /* a blank line before the fields */
			break;
		case K_FIELD:
			n = ui_wrap(l->text, cw - label_w - 1, wrapped, WRAP_MAX);
			ui_put_text(win, y, cx, label_w, l->label, ui_attr(app, UI_ROLE_LABEL));
			for (int k = 0; k < n && y < rows; k++)
				ui_put_text(win, y++, cx + label_w + 1, cw - label_w - 1, wrapped[k],
					    attr);
			if (n == 0)
				y++;
			break;
		}
	}
	/* the history's last entries, as many as the rows left hold, oldest
	 * of them first */
	if (y + 2 >= rows)
		return;
	y++;
	snprintf(buf, sizeof buf, "%s (%zu)", _("History"), d->n_history);
	ui_put_text(win, y++, cx, cw, buf, A_BOLD);
	if (d->n_history == 0 && d->detail_at == 0) {
		/* the system's list carries no history: the detail reads it */
		int n = ui_wrap(_("as the system's list gave it"), cw, wrapped, WRAP_MAX);
		for (int k = 0; k < n && y < rows; k++)
			ui_put_text(win, y++, cx, cw, wrapped[k], ui_attr(app, UI_ROLE_DIM));
	}
	size_t first = d->n_history;
	int need = 0;
	while (first > 0) {
		event_text(&d->history[first - 1], buf, sizeof buf);
		int n = ui_wrap(buf, cw - 2, wrapped, 2);
		if (y + need + n > rows)
			break;
		need += n;
		first--;
	}
	for (size_t i = first; i < d->n_history && y < rows; i++) {
		event_text(&d->history[i], buf, sizeof buf);
		int n = ui_wrap(buf, cw - 2, wrapped, 2);
		for (int k = 0; k < n && y < rows; k++)
			ui_put_text(win, y++, cx + (k > 0 ? 2 : 0), cw - 2, wrapped[k], A_NORMAL);
	}
}
