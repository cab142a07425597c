/*
 * inbox.c - the unified inbox: one row per dossier across every system,
 * saved views, the live search box and sort orders.
 *
 * Only the rows on screen (and a small block around them) are read from the
 * store; each move that leaves the block, each search keystroke, each view
 * or sort change asks the store again, so 100,000 dossiers scroll like 100.
 * "Coming due" and "overdue" are the store's due classes against the app's
 * horizon (core's one rule, recomputed every minute), marked with a symbol
 * as well as a colour so monochrome terminals show them.  Space (or m)
 * marks rows, shown with '*' in the mark column and counted in the title;
 * K then signs and returns the marked dossiers together (ui/sign.c), or the
 * highlighted one when none is marked.
 * Marks are codes, so they survive scrolling, searches and view changes.
 * This screen does not know how dossiers get into the store or how actions
 * leave it.
 */
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/shorten.h"
#include "ui/textwidth.h"
#include "ui/words.h"
#include "ui/ui.h"

#define MAX_VIEWS 32
#define COUNT_CAP_TYPING 1000 /* "1000+" while typing, as the store suggests */

enum view_kind { V_ALL, V_TODAY, V_OVERDUE, V_SOON, V_SUPPLEMENT, V_MISMATCH, V_NEW,
		 V_SAVED, V_SOURCE };

struct view {
	enum view_kind kind;
	const char *label;   /* msgid; NULL for a system (its name is shown) */
	char name[32];       /* for ":view NAME" */
};

struct ui_inbox {
	struct ui_screen base;
	struct view views[MAX_VIEWS];
	size_t n_views, view;
	enum store_sort sort;
	bool desc;
	char search[UI_LINE_MAX];
	char search_saved[UI_LINE_MAX];
	int64_t total;
	bool total_capped;
	int64_t sel, top;
	struct store_page page;
	int *pending;        /* queued actions per page row; -1 unknown */
	int *trouble;        /* of those, conflicts and refusals per page row */
	int64_t page_off;
	bool page_valid;
	bool failed;
	char title[1024];
	char **marked;       /* codes marked for a batch (Space) */
	int64_t new_since;   /* the "new" view: row ids after this one */
	struct app_filter filter;  /* the search box's words and filters */
	char filter_error[256];    /* why a filter in it selects nothing */
	size_t n_marked;
};

static const struct view fixed_views[] = {
	{V_ALL, N_("All"), "all"},
	{V_TODAY, N_("Due today"), "today"},
	{V_OVERDUE, N_("Overdue"), "overdue"},
	{V_SOON, N_("Coming due"), "soon"},
	{V_SUPPLEMENT, N_("Awaiting supplement"), "supplement"},
	{V_MISMATCH, N_("Status mismatch"), "mismatch"},
	{V_NEW, N_("New arrivals"), "new"},
};

static const char *const status_short[STATUS_MAX + 1] = {
	[STATUS_NEW] = N_("New"),
	[STATUS_RECEIVED] = N_("Received"),
	[STATUS_REFUSED] = N_("Refused"),
	[STATUS_PROCESSING] = N_("Processing"),
	[STATUS_SUPPLEMENT] = N_("Supplement"),
	[STATUS_PAYMENT] = N_("Fee due"),
	[STATUS_WITHDRAWN] = N_("Withdrawn"),
	[STATUS_STOPPED] = N_("Stopped"),
	[STATUS_DONE] = N_("Done"),
	[STATUS_RETURNED] = N_("Returned"),
};

static const char *const sort_labels[] = {
	[STORE_SORT_DUE] = N_("due date"),
	[STORE_SORT_RECEIVED] = N_("received"),
	[STORE_SORT_STATUS] = N_("status"),
	[STORE_SORT_CODE] = N_("code"),
	[STORE_SORT_UPDATED] = N_("last change"),
};

const char *
ui_status_short(int status)
{
	return status_valid(status) ? _(status_short[status]) : "?";
}

static int
visible_rows(const struct ui_app *app)
{
	int n = app->rows - 3 - 1; /* title, status, prompt; the column headings */
	return n > 1 ? n : 1;
}

/* The local end of today, for "due today". */
static mc_time
end_of_today(mc_time now)
{
	return civil_make_time(civil_day_of(now) + 1, 0);
}

static void
fill_query(struct ui_inbox *in, const struct ui_app *app, struct store_query *q)
{
	const struct view *v = &in->views[in->view];

	app_query_init(app->core, q, app->horizon.now);
	q->soon_end = app->horizon.soon_end;
	q->sort = in->sort;
	q->descending = in->desc;
	switch (v->kind) {
	case V_ALL:
		break;
	case V_TODAY:
		/* A wall-clock window, not the rule: row_due_class() marks the rows. */
		q->due = STORE_DUE_SOON;
		q->soon_end = end_of_today(app->horizon.now);
		break;
	case V_OVERDUE:
		q->due = STORE_DUE_OVERDUE;
		break;
	case V_SOON:
		q->due = STORE_DUE_SOON;
		break;
	case V_SUPPLEMENT:
		q->status = STATUS_SUPPLEMENT;
		break;
	case V_MISMATCH:
		q->mismatch_only = true;
		break;
	case V_NEW:
		/* those new when the clerk opened the view, and any since */
		q->after_id = in->new_since > 0 ? in->new_since : INT64_MAX;
		break;
	case V_SAVED:
		break; /* its filter, below */
	case V_SOURCE:
		app_query_source(app->core, q, v->name);
		break;
	}
	/* the search box: words, and field filters on top of the view
	 * ("tt:cho-bo-sung nguon:tuphap"), after a saved view's own; one that
	 * means nothing selects nothing and says why where the rows would be */
	in->filter_error[0] = '\0';
	char text[2 * UI_LINE_MAX + 2] = "";
	if (v->kind == V_SAVED) {
		const struct config *cfg = app_config(app->core);
		for (size_t i = 0; i < cfg->n_views; i++)
			if (strcmp(cfg->views[i].name, v->name) == 0)
				snprintf(text, sizeof text, "%s ", cfg->views[i].filter);
	}
	snprintf(text + strlen(text), sizeof text - strlen(text), "%s", in->search);
	if (text[0] != '\0') {
		struct mc_err err;

		if (app_filter_parse(app->core, text, q, &in->filter, &err) != 0) {
			words_err(&err, in->filter_error, sizeof in->filter_error);
			q->after_id = INT64_MAX;
		}
	}
}

static void
page_drop(struct ui_inbox *in)
{
	app_page_release(&in->page);
	free(in->pending);
	in->pending = NULL;
	free(in->trouble);
	in->trouble = NULL;
	in->page_valid = false;
}

/* Count the rows of the current view; capped while the clerk types. */
static void
recount(struct ui_inbox *in, struct ui_app *app, bool typing)
{
	struct store_query q;
	int64_t cap = typing ? COUNT_CAP_TYPING : 0;

	fill_query(in, app, &q);
	if (app_inbox_count(app->core, &q, cap, &in->total) != 0) {
		in->total = 0;
		in->failed = true;
		ui_message(app, UI_MSG_ERROR, "%s", app_store_error(app->core));
		return;
	}
	in->failed = false;
	in->total_capped = typing && in->total >= COUNT_CAP_TYPING;
}

static void
clamp(struct ui_inbox *in, struct ui_app *app)
{
	int vis = visible_rows(app);

	if (in->sel >= in->total)
		in->sel = in->total - 1;
	if (in->sel < 0)
		in->sel = 0;
	if (in->top > in->sel)
		in->top = in->sel;
	if (in->sel >= in->top + vis)
		in->top = in->sel - vis + 1;
	if (in->top > in->total - vis)
		in->top = in->total - vis;
	if (in->top < 0)
		in->top = 0;
}

/* Make sure the rows on screen are in the cached block; read them if not. */
static void
ensure_page(struct ui_inbox *in, struct ui_app *app)
{
	int vis = visible_rows(app);
	int64_t want_end = in->top + vis < in->total ? in->top + vis : in->total;
	struct store_query q;

	if (in->page_valid && in->top >= in->page_off &&
	    want_end <= in->page_off + (int64_t)in->page.n)
		return;
	page_drop(in);
	fill_query(in, app, &q);
	/* A block of three screens centred on this one: j/k rarely read. */
	q.offset = in->top - vis > 0 ? in->top - vis : 0;
	q.limit = 3 * vis;
	if (app_inbox_page(app->core, &q, &in->page) != 0) {
		in->failed = true;
		ui_message(app, UI_MSG_ERROR, "%s", app_store_error(app->core));
		return;
	}
	in->page_off = q.offset;
	in->page_valid = true;
	in->pending = xcalloc(in->page.n ? in->page.n : 1, sizeof *in->pending);
	in->trouble = xcalloc(in->page.n ? in->page.n : 1, sizeof *in->trouble);
	for (size_t i = 0; i < in->page.n; i++) {
		in->pending[i] = app_queue_pending(app->core, in->page.rows[i].code);
		in->trouble[i] = in->pending[i] > 0
					 ? app_queue_trouble(app->core, in->page.rows[i].code)
					 : 0;
	}
}

static const struct store_row *
row_at(const struct ui_inbox *in, int64_t i, int *pending)
{
	if (!in->page_valid || i < in->page_off || i >= in->page_off + (int64_t)in->page.n)
		return NULL;
	if (pending != NULL)
		*pending = in->pending[i - in->page_off];
	return &in->page.rows[i - in->page_off];
}

static void
requery(struct ui_inbox *in, struct ui_app *app, bool typing)
{
	page_drop(in);
	recount(in, app, typing);
	clamp(in, app);
	ensure_page(in, app);
	app->dirty = true;
}

/* ---- views ------------------------------------------------------------ */

/*
 * The fixed views and one per system.  The systems come from the status
 * bar's model (read from the store after the first paint), so opening the
 * console never waits for a statistics query.
 */
static void
views_update(struct ui_inbox *in, struct ui_app *app)
{
	in->n_views = 0;
	const struct config *cfg = app_config(app->core);

	for (size_t i = 0; i < sizeof fixed_views / sizeof fixed_views[0]; i++)
		in->views[in->n_views++] = fixed_views[i];
	/* the clerk's own (:save), by name, before the systems */
	for (size_t i = 0; i < cfg->n_views && in->n_views < MAX_VIEWS; i++) {
		struct view *v = &in->views[in->n_views++];
		v->kind = V_SAVED;
		v->label = NULL;
		snprintf(v->name, sizeof v->name, "%s", cfg->views[i].name);
	}
	for (size_t i = 0; i < app->n_sources && in->n_views < MAX_VIEWS; i++) {
		struct view *v = &in->views[in->n_views++];
		v->kind = V_SOURCE;
		v->label = NULL;
		snprintf(v->name, sizeof v->name, "%s", app->sources[i].name);
	}
	if (in->view >= in->n_views)
		in->view = 0;
}

static const char *
view_label(const struct view *v)
{
	return v->label != NULL ? _(v->label) : v->name;
}

static void
select_view(struct ui_inbox *in, struct ui_app *app, size_t v)
{
	views_update(in, app);
	if (v >= in->n_views)
		return;
	in->view = v;
	in->sel = in->top = 0;
	if (in->views[v].kind == V_NEW) {
		/* looking at them: the count starts again from here */
		in->new_since = app_arrivals_seen(app->core);
		app->arrivals = 0;
	}
	requery(in, app, false);
}

const char *
ui_inbox_view(struct ui_inbox *in, struct ui_app *app, size_t i, const char **name)
{
	views_update(in, app);
	if (i >= in->n_views)
		return NULL;
	if (name != NULL)
		*name = in->views[i].name;
	return view_label(&in->views[i]);
}

int
ui_inbox_save_view(struct ui_inbox *in, struct ui_app *app, const char *name,
		   struct mc_err *err)
{
	const struct view *v = &in->views[in->view];
	char filter[2 * UI_LINE_MAX + 64] = "";

	mc_err_clear(err);
	/* what the clerk sees now: the view's own filter, then the search */
	switch (v->kind) {
	case V_TODAY:
		snprintf(filter, sizeof filter, "han:hom-nay ");
		break;
	case V_OVERDUE:
		snprintf(filter, sizeof filter, "han:qua-han ");
		break;
	case V_SOON:
		snprintf(filter, sizeof filter, "han:sap-den-han ");
		break;
	case V_SUPPLEMENT:
		snprintf(filter, sizeof filter, "tt:cho-bo-sung ");
		break;
	case V_SOURCE:
		snprintf(filter, sizeof filter, "nguon:%s ", v->name);
		break;
	case V_SAVED: {
		const struct config *cfg = app_config(app->core);
		for (size_t i = 0; i < cfg->n_views; i++)
			if (strcmp(cfg->views[i].name, v->name) == 0)
				snprintf(filter, sizeof filter, "%s ", cfg->views[i].filter);
		break;
	}
	default:
		break;
	}
	snprintf(filter + strlen(filter), sizeof filter - strlen(filter), "%s", in->search);
	/* not one of the fixed views' names */
	for (size_t i = 0; i < sizeof fixed_views / sizeof fixed_views[0]; i++)
		if (strcmp(fixed_views[i].name, name) == 0) {
			mc_err_set(err, MC_E_BAD_FILTER, NULL, "name");
			mc_err_field(err, name);
			return -1;
		}
	if (app_view_save(app->core, name, filter, err) != 0)
		return -1;
	/* now that view, the search it holds cleared */
	in->search[0] = '\0';
	views_update(in, app);
	for (size_t i = 0; i < in->n_views; i++)
		if (in->views[i].kind == V_SAVED && strcmp(in->views[i].name, name) == 0)
			select_view(in, app, i);
	return 0;
}

int
ui_inbox_set_view(struct ui_inbox *in, struct ui_app *app, const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	views_update(in, app);
	if (*end == '\0' && end != name && n >= 1 && (size_t)n <= in->n_views) {
		select_view(in, app, (size_t)n - 1);
		return 0;
	}
	for (size_t i = 0; i < in->n_views; i++)
		if (strcmp(in->views[i].name, name) == 0) {
			select_view(in, app, i);
			return 0;
		}
	return -1;
}

int
ui_inbox_set_sort(struct ui_inbox *in, struct ui_app *app, const char *name, bool desc)
{
	int s = app_sort_from_name(name);

	if (s < 0)
		return -1;
	in->sort = (enum store_sort)s;
	in->desc = desc;
	in->sel = in->top = 0;
	requery(in, app, false);
	return 0;
}

/* ---- search ----------------------------------------------------------- */

static void
search_change(struct ui_app *app, const char *text, void *ctx)
{
	struct ui_inbox *in = ctx;

	snprintf(in->search, sizeof in->search, "%s", text);
	in->sel = in->top = 0;
	requery(in, app, true);
}

static void
search_done(struct ui_app *app, const char *text, bool accepted, void *ctx)
{
	struct ui_inbox *in = ctx;

	snprintf(in->search, sizeof in->search, "%s", accepted ? text : in->search_saved);
	if (!accepted)
		in->sel = in->top = 0;
	requery(in, app, false);
}

/* ---- marks ------------------------------------------------------------ */

static ssize_t
mark_index(const struct ui_inbox *in, const char *code)
{
	for (size_t i = 0; i < in->n_marked; i++)
		if (strcmp(in->marked[i], code) == 0)
			return (ssize_t)i;
	return -1;
}

static void
mark_toggle(struct ui_inbox *in, const char *code)
{
	ssize_t i = mark_index(in, code);

	if (i >= 0) {
		free(in->marked[i]);
		in->marked[i] = in->marked[--in->n_marked];
		return;
	}
	in->marked = xreallocarray(in->marked, in->n_marked + 1, sizeof *in->marked);
	in->marked[in->n_marked++] = xstrdup(code);
}

size_t
ui_inbox_marked(const struct ui_inbox *in, const char *const **codes)
{
	*codes = (const char *const *)in->marked;
	return in->n_marked;
}

void
ui_inbox_unmark(struct ui_inbox *in, const char *code)
{
	if (mark_index(in, code) >= 0)
		mark_toggle(in, code);
}

void
ui_inbox_clear_marks(struct ui_inbox *in)
{
	for (size_t i = 0; i < in->n_marked; i++)
		free(in->marked[i]);
	free(in->marked);
	in->marked = NULL;
	in->n_marked = 0;
}

/* ---- drawing ---------------------------------------------------------- */

enum col { C_MARK, C_SOURCE, C_CODE, C_APPLICANT, C_PROCEDURE, C_RECEIVED, C_DUE, C_STATUS,
	   C_COUNT };

/* The widest short status label in the language in use. */
static int
status_cols(void)
{
	int w = 4;

	for (int st = 0; st <= STATUS_MAX; st++) {
		int n;
		if (!status_valid(st))
			continue;
		n = ui_text_width(ui_status_short(st));
		if (n > w)
			w = n;
	}
	return w;
}

static void
columns(int cols, int code_cols, int w[C_COUNT])
{
	int fixed, gaps = C_COUNT - 1;

	w[C_MARK] = 3;
	w[C_SOURCE] = 6;
	w[C_CODE] = code_cols;
	/* names shorten well ("Nguyễn T. Khánh"), so at 80 columns the
	 * procedure gets room for its short name ("Khai sinh", "XN cư trú") */
	w[C_APPLICANT] = cols >= 120 ? 24 : cols >= 100 ? 20 : 14;
	w[C_RECEIVED] = cols >= 110 ? 10 : 0;
	w[C_DUE] = 11;
	w[C_STATUS] = status_cols();
	if (cols >= 100 && w[C_STATUS] < 14)
		w[C_STATUS] = 14;
	if (w[C_RECEIVED] == 0)
		gaps--;
	fixed = w[C_MARK] + w[C_SOURCE] + w[C_CODE] + w[C_APPLICANT] + w[C_RECEIVED] +
		w[C_DUE] + w[C_STATUS] + gaps;
	w[C_PROCEDURE] = cols - fixed;
	if (w[C_APPLICANT] < 16 && w[C_PROCEDURE] > 12) {
		/* short codes left room: the name first, up to 16 */
		int give = w[C_PROCEDURE] - 12 < 16 - w[C_APPLICANT] ? w[C_PROCEDURE] - 12
								      : 16 - w[C_APPLICANT];
		w[C_APPLICANT] += give;
		w[C_PROCEDURE] -= give;
	}
	if (w[C_PROCEDURE] < 6) {
		/* Narrow: the applicant gives way first, then the code. */
		int lack = 6 - w[C_PROCEDURE];
		int give = w[C_APPLICANT] - 8 < lack ? w[C_APPLICANT] - 8 : lack;
		w[C_APPLICANT] -= give;
		lack -= give;
		w[C_CODE] -= lack < w[C_CODE] - 8 ? lack : w[C_CODE] - 8;
		w[C_PROCEDURE] = 6;
	}
}

/*
 * The row's due class under the app's horizon.  The store computed it with
 * the query's thresholds, which are the horizon's in every view but "Due
 * today", whose window ends at midnight: there a row due today but past the
 * horizon (a threshold shorter than the rest of the day) is on track.
 */
static enum store_due_class
row_due_class(const struct ui_inbox *in, const struct ui_app *app, const struct store_row *r)
{
	if (in->views[in->view].kind == V_TODAY && r->due_class == STORE_DUE_SOON &&
	    r->due_at != 0 && deadline_classify_at(&app->horizon, r->due_at) == DEADLINE_ON_TRACK)
		return STORE_DUE_OK;
	return r->due_class;
}

static void
draw_row(struct ui_app *app, WINDOW *win, int y, const struct store_row *r,
	 enum store_due_class dc, int pending, bool trouble, bool selected, bool marked,
	 bool short_procs, const int w[C_COUNT])
{
	attr_t base = selected ? ui_attr(app, UI_ROLE_SELECTED) : A_NORMAL;
	attr_t due_attr = base;
	char mark[16], due[32], recv[32], text[2048];
	int x = 0;

	const char *due_mark = " ";

	if (dc == STORE_DUE_OVERDUE) {
		due_mark = "!";
		due_attr = selected ? base | A_BOLD : ui_attr(app, UI_ROLE_OVERDUE);
	} else if (dc == STORE_DUE_SOON) {
		due_mark = "~";
		due_attr = selected ? base | A_BOLD : ui_attr(app, UI_ROLE_SOON);
	}
	/* an action that conflicts or was refused: its own mark, not the
	 * ordinary "waiting to be sent" */
	snprintf(mark, sizeof mark, "%s%s%s", due_mark,
		 r->mismatch ? ui_sym(app, "\xe2\x89\xa0", "#") : " ",
		 trouble ? ui_sym(app, "\xe2\x9c\x97", "x")
		 : pending > 0 ? ui_sym(app, "\xe2\x86\x91", "^") : " ");
	if (trouble && !selected)
		due_attr = ui_attr(app, UI_ROLE_ERROR);
	if (marked) {
		/* the due state still shows in the due column's colour */
		mark[0] = '*';
		base |= A_BOLD;
	}
	if (selected) {
		wattrset(win, base);
		wmove(win, y, 0);
		whline(win, ' ', app->cols);
	}
	ui_put(win, y, x, w[C_MARK], mark, due_attr);
	x += w[C_MARK] + 1;
	ui_put(win, y, x, w[C_SOURCE], r->source, base);
	x += w[C_SOURCE] + 1;
	ui_put(win, y, x, w[C_CODE], ui_short_code(r->code, w[C_CODE], text, sizeof text), base);
	x += w[C_CODE] + 1;
	ui_put(win, y, x, w[C_APPLICANT],
	       ui_short_person(r->applicant_name, w[C_APPLICANT], text, sizeof text), base);
	x += w[C_APPLICANT] + 1;
	ui_put(win, y, x, w[C_PROCEDURE],
	       ui_short_procedure(r->procedure_name, app_procedure_short(app->core, r->procedure_code),
				  !short_procs, w[C_PROCEDURE], text, sizeof text),
	       base);
	x += w[C_PROCEDURE] + 1;
	if (w[C_RECEIVED] > 0) {
		ui_put(win, y, x, w[C_RECEIVED], ui_fmt_date(r->received_at, recv, sizeof recv),
		       base);
		x += w[C_RECEIVED] + 1;
	}
	ui_put(win, y, x, w[C_DUE], ui_fmt_due(r->due_at, due, sizeof due), due_attr);
	x += w[C_DUE] + 1;
	ui_put(win, y, x, w[C_STATUS], ui_status_short(r->status),
	       r->mismatch && !selected ? ui_attr(app, UI_ROLE_MISMATCH) : base);
}

static void
inbox_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct ui_inbox *in = (struct ui_inbox *)s;
	int w[C_COUNT], x = 0, vis = visible_rows(app);
	attr_t h = ui_attr(app, UI_ROLE_HEADER);
	const char *heads[C_COUNT] = {
		"", _("System"), _("Code"), _("Applicant"), _("Procedure"), _("Received on"),
		_("Due"), _("Status"),
	};

	/* The code column is as wide as the codes on screen (portal codes: 19). */
	int code_cols = ui_text_width(heads[C_CODE]);
	for (int i = 0; i < vis; i++) {
		const struct store_row *r = row_at(in, in->top + i, NULL);
		int cw = r != NULL ? ui_text_width(r->code) : 0;
		if (cw > code_cols)
			code_cols = cw;
	}
	columns(app->cols, code_cols < 8 ? 8 : code_cols > 22 ? 22 : code_cols, w);
	/* short procedure names on every row once one full name is too wide */
	bool short_procs = false;
	for (int i = 0; i < vis && !short_procs; i++) {
		const struct store_row *r = row_at(in, in->top + i, NULL);
		short_procs = r != NULL && ui_text_width(r->procedure_name) > w[C_PROCEDURE];
	}
	wattrset(win, h);
	wmove(win, 0, 0);
	whline(win, ' ', app->cols);
	for (int c = 0; c < C_COUNT; c++) {
		if (w[c] == 0)
			continue;
		ui_put(win, 0, x, w[c], heads[c], h);
		x += w[c] + 1;
	}
	wattrset(win, A_NORMAL);
	if (in->total == 0 && !in->failed) {
		ui_put_text(win, 2, 2, app->cols - 4,
			    in->filter_error[0] != '\0' ? in->filter_error
			    : in->search[0] != '\0'     ? _("No dossier matches the search.")
						       : _("No dossier in this view."),
			    in->filter_error[0] != '\0' ? ui_attr(app, UI_ROLE_ERROR)
						       : ui_attr(app, UI_ROLE_DIM));
		return;
	}
	for (int i = 0; i < vis; i++) {
		int pending = -1;
		const struct store_row *r = row_at(in, in->top + i, &pending);
		if (r == NULL)
			break;
		draw_row(app, win, 1 + i, r, row_due_class(in, app, r), pending,
			 in->trouble[in->top + i - in->page_off] > 0,
			 in->top + i == in->sel, mark_index(in, r->code) >= 0, short_procs, w);
	}
}

static const char *
inbox_title(struct ui_screen *s, struct ui_app *app)
{
	struct ui_inbox *in = (struct ui_inbox *)s;
	char count[64];

	(void)app;
	if (in->total_capped)
		snprintf(count, sizeof count, "%lld+", (long long)in->total);
	else
		snprintf(count, sizeof count, "%lld", (long long)in->total);
	if (in->n_marked > 0) {
		size_t len = strlen(count);
		snprintf(count + len, sizeof count - len, ", * %zu", in->n_marked);
	}
	snprintf(in->title, sizeof in->title, "%s: [%zu] %s (%s) %s %s%s%s%.*s", _("Inbox"),
		 in->view + 1, view_label(&in->views[in->view]), count, _("by"),
		 _(sort_labels[in->sort]), in->desc ? ui_sym(app, "\xe2\x86\x93", "v") : "",
		 in->search[0] != '\0' ? " /" : "", (int)UI_LINE_MAX, in->search);
	return in->title;
}

/* ---- keys ------------------------------------------------------------- */

static int
move_sel(struct ui_inbox *in, struct ui_app *app, int64_t delta, bool page)
{
	if (in->total == 0)
		return 0;
	in->sel += delta;
	if (page)
		in->top += delta;
	clamp(in, app);
	ensure_page(in, app);
	return UI_REDRAW;
}

const char *
ui_inbox_step(struct ui_inbox *in, struct ui_app *app, int delta)
{
	const struct store_row *r;
	int64_t before = in->sel;

	move_sel(in, app, delta, false);
	if (in->sel == before)
		return NULL;
	r = row_at(in, in->sel, NULL);
	return r != NULL ? r->code : NULL;
}

static int
inbox_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct ui_inbox *in = (struct ui_inbox *)s;
	int vis = visible_rows(app);
	const struct store_row *r;

	(void)key;
	switch (act) {
	case UI_ACT_DOWN:
	case UI_ACT_NEXT:
		return move_sel(in, app, 1, false);
	case UI_ACT_UP:
	case UI_ACT_PREV:
		return move_sel(in, app, -1, false);
	case UI_ACT_PAGE_DOWN:
		return move_sel(in, app, vis, true);
	case UI_ACT_PAGE_UP:
		return move_sel(in, app, -vis, true);
	case UI_ACT_TOP:
		return move_sel(in, app, -in->sel, false);
	case UI_ACT_BOTTOM:
		if (in->total_capped)
			recount(in, app, false);
		return move_sel(in, app, in->total - 1 - in->sel, false);
	case UI_ACT_NEXT_VIEW:
		views_update(in, app);
		select_view(in, app, (in->view + 1) % in->n_views);
		return UI_REDRAW;
	case UI_ACT_PREV_VIEW:
		views_update(in, app);
		select_view(in, app, (in->view + in->n_views - 1) % in->n_views);
		return UI_REDRAW;
	case UI_ACT_VIEW_1: case UI_ACT_VIEW_2: case UI_ACT_VIEW_3:
	case UI_ACT_VIEW_4: case UI_ACT_VIEW_5: case UI_ACT_VIEW_6:
	case UI_ACT_VIEW_7: case UI_ACT_VIEW_8: case UI_ACT_VIEW_9:
	case UI_ACT_VIEW_10:
		select_view(in, app, (size_t)(act - UI_ACT_VIEW_1));
		return UI_REDRAW;
	case UI_ACT_SORT:
		in->sort = (enum store_sort)((in->sort + 1) % (STORE_SORT_UPDATED + 1));
		in->desc = false;
		in->sel = in->top = 0;
		requery(in, app, false);
		return UI_REDRAW;
	case UI_ACT_SEARCH:
		snprintf(in->search_saved, sizeof in->search_saved, "%s", in->search);
		ui_prompt_start(app, "/", in->search, search_change, search_done, in);
		return UI_REDRAW;
	case UI_ACT_OPEN:
		r = row_at(in, in->sel, NULL);
		if (r != NULL)
			ui_push(app, ui_detail_new(app, r->code));
		return UI_REDRAW;
	case UI_ACT_ACTIONS:
		/* with marks, on all of them: never the cursor's row alone */
		if (in->n_marked > 0) {
			ui_push(app, ui_actions_batch_new(app, (const char *const *)in->marked,
							  in->n_marked));
			return UI_REDRAW;
		}
		r = row_at(in, in->sel, NULL);
		if (r != NULL)
			ui_push(app, ui_actions_new(app, r->code, r->status));
		return UI_REDRAW;
	case UI_ACT_UNDO:
		r = row_at(in, in->sel, NULL);
		if (r != NULL)
			ui_undo(app, r->code, 0);
		return UI_REDRAW;
	case UI_ACT_COPY:
		r = row_at(in, in->sel, NULL);
		if (r != NULL)
			ui_copy_code(app, r->code);
		return UI_REDRAW;
	case UI_ACT_MARK:
		r = row_at(in, in->sel, NULL);
		if (r == NULL)
			return 0;
		mark_toggle(in, r->code);
		move_sel(in, app, 1, false);
		return UI_REDRAW;
	case UI_ACT_SIGN_RETURN:
		if (in->n_marked > 0) {
			ui_sign_start(app, (const char *const *)in->marked, in->n_marked);
			return UI_REDRAW;
		}
		r = row_at(in, in->sel, NULL);
		if (r != NULL)
			ui_sign_start(app, &r->code, 1);
		return UI_REDRAW;
	case UI_ACT_BACK:
		if (in->search[0] != '\0') {
			/* q first clears the search, then quits. */
			in->search[0] = '\0';
			in->sel = in->top = 0;
			requery(in, app, false);
			return UI_REDRAW;
		}
		return UI_POP; /* the last screen: quitting asks in a demo */
	default:
		return UI_UNHANDLED;
	}
}

static void
inbox_reload(struct ui_screen *s, struct ui_app *app)
{
	struct ui_inbox *in = (struct ui_inbox *)s;

	views_update(in, app);
	requery(in, app, false);
}

static void
inbox_free(struct ui_screen *s)
{
	struct ui_inbox *in = (struct ui_inbox *)s;

	page_drop(in);
	ui_inbox_clear_marks(in);
	free(in);
}

/* A click on a row selects it; a double click (or a click on the row
 * already selected) opens it. */
static int
inbox_click(struct ui_screen *s, struct ui_app *app, int y, int x, bool twice)
{
	struct ui_inbox *in = (struct ui_inbox *)s;
	int64_t row;
	const struct store_row *r;

	(void)x;
	if (y < 1 || y > visible_rows(app))
		return 0; /* the headings, or below the list */
	row = in->top + y - 1;
	r = row_at(in, row, NULL);
	if (r == NULL)
		return 0;
	if (twice || row == in->sel) {
		in->sel = row;
		ui_push(app, ui_detail_new(app, r->code));
		return UI_REDRAW;
	}
	in->sel = row;
	return UI_REDRAW;
}

static const struct ui_screen_ops inbox_ops = {
	.name = "inbox",
	.draw = inbox_draw,
	.key = inbox_key,
	.title = inbox_title,
	.reload = inbox_reload,
	.free = inbox_free,
	.click = inbox_click,
};

struct ui_screen *
ui_inbox_new(struct ui_app *app)
{
	struct ui_inbox *in = xcalloc(1, sizeof *in);

	in->base.ops = &inbox_ops;
	in->sort = STORE_SORT_DUE;
	views_update(in, app);
	app->inbox = in;
	requery(in, app, false);
	return &in->base;
}
