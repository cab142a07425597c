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
 * The columns are the console's own or the clerk's (config.json "columns";
 * ui/columns.c fits either to the width); a click on a heading sorts by it
 * and a second one reverses, through the same path as :sort and s.  From
 * UI_PREVIEW_MIN_COLS the list leaves the right of the screen to the
 * selected dossier (ui/preview.c), which follows the cursor.
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
#include "ui/columns.h"
#include "ui/i18n.h"
#include "ui/preview.h"
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
	struct ui_preview *preview; /* the pane beside the list, when wide */
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
	[STORE_SORT_APPLICANT] = N_("applicant"),
	[STORE_SORT_PROCEDURE] = N_("procedure"),
	[STORE_SORT_SOURCE] = N_("system"),
	[STORE_SORT_AREA] = N_("area"),
};
_Static_assert(sizeof sort_labels / sizeof sort_labels[0] == STORE_SORTS,
	       "a sort without its label");

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

/* The list's width: the terminal's, less the preview pane's when wide
 * (and a blank column before the pane's border). */
static int
list_cols(const struct ui_app *app)
{
	int pane = ui_preview_width(app->cols);

	return pane > 0 ? app->cols - pane - 1 : app->cols;
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

/*
 * Count the rows of the current view.  While the clerk types the count is
 * capped and kept to a few milliseconds: on a large store it may stop short
 * and say what is sure, at least the rows already read ("57+"); Enter, or
 * a jump to the end, counts them all.
 */
static void
recount(struct ui_inbox *in, struct ui_app *app, bool typing)
{
	struct store_query q;
	bool partial = false;
	int rc;

	fill_query(in, app, &q);
	if (typing)
		rc = app_inbox_count_typing(app->core, &q, COUNT_CAP_TYPING, &in->total, &partial);
	else
		rc = app_inbox_count(app->core, &q, 0, &in->total);
	if (rc != 0) {
		in->total = 0;
		in->failed = true;
		ui_message(app, UI_MSG_ERROR, "%s", app_store_error(app->core));
		return;
	}
	in->failed = false;
	if (partial && in->page_valid && in->total < in->page_off + (int64_t)in->page.n)
		in->total = in->page_off + (int64_t)in->page.n;
	in->total_capped = typing && (partial || in->total >= COUNT_CAP_TYPING);
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

/* The pane shows the selected row's dossier; it reads only while it is on
 * screen, so a narrow terminal pays nothing for it. */
static void
preview_follow(struct ui_inbox *in, struct ui_app *app)
{
	const struct store_row *r;

	if (ui_preview_width(app->cols) == 0)
		return;
	r = in->total > 0 ? row_at(in, in->sel, NULL) : NULL;
	ui_preview_show(in->preview, app, r != NULL ? r->code : NULL);
}

static void
requery(struct ui_inbox *in, struct ui_app *app, bool typing)
{
	page_drop(in);
	/* a keystroke reads its rows first: its count then knows them */
	if (typing && in->top == 0)
		ensure_page(in, app);
	recount(in, app, typing);
	clamp(in, app);
	ensure_page(in, app);
	preview_follow(in, app);
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

/* One way to change the order, whether by :sort, s or a click on a
 * heading: from the first row again. */
static void
set_sort(struct ui_inbox *in, struct ui_app *app, enum store_sort sort, bool desc)
{
	in->sort = sort;
	in->desc = desc;
	in->sel = in->top = 0;
	requery(in, app, false);
}

int
ui_inbox_set_sort(struct ui_inbox *in, struct ui_app *app, const char *name, bool desc)
{
	int s = app_sort_from_name(name);

	if (s < 0)
		return -1;
	set_sort(in, app, (enum store_sort)s, desc);
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

static const char *
heading(enum ui_col c)
{
	switch (c) {
	case UI_COL_MARK:
	case UI_COL_COUNT:
		break;
	case UI_COL_SOURCE:
		return _("System");
	case UI_COL_CODE:
		return _("Code");
	case UI_COL_APPLICANT:
		return _("Applicant");
	case UI_COL_PROCEDURE:
		return _("Procedure");
	case UI_COL_RECEIVED:
		return _("Received on");
	case UI_COL_DUE:
		return _("Due");
	case UI_COL_STATUS:
		return _("Status");
	case UI_COL_AREA:
		return _("Area");
	}
	return "";
}

/* The order a click on a column's heading asks for; -1: none (the mark
 * column).  The applicant sorts by the given name, the procedure, system
 * and area group the rows, each group by due (store.h). */
static int
column_sort(enum ui_col c)
{
	switch (c) {
	case UI_COL_DUE:
		return STORE_SORT_DUE;
	case UI_COL_RECEIVED:
		return STORE_SORT_RECEIVED;
	case UI_COL_STATUS:
		return STORE_SORT_STATUS;
	case UI_COL_CODE:
		return STORE_SORT_CODE;
	case UI_COL_APPLICANT:
		return STORE_SORT_APPLICANT;
	case UI_COL_PROCEDURE:
		return STORE_SORT_PROCEDURE;
	case UI_COL_SOURCE:
		return STORE_SORT_SOURCE;
	case UI_COL_AREA:
		return STORE_SORT_AREA;
	case UI_COL_MARK:
	case UI_COL_COUNT:
		break;
	}
	return -1;
}

/*
 * The columns as they are on screen now: the clerk's ("columns" in
 * config.json) or the console's own, at the list's width, the code column
 * as wide as the codes on screen (portal codes: 19); and whether the
 * procedures show their short names (on every row once one full name is
 * too wide).  The draw and a click on a heading both use it.
 */
static void
layout_now(const struct ui_inbox *in, const struct ui_app *app, struct ui_columns *c,
	   bool *short_procs)
{
	const struct config *cfg = app_config(app->core);
	int vis = visible_rows(app), p;
	struct ui_columns_need need = {
		.cols = list_cols(app),
		.code_cols = ui_text_width(heading(UI_COL_CODE)),
		.status_cols = status_cols(),
	};

	for (int i = 0; i < vis; i++) {
		const struct store_row *r = row_at(in, in->top + i, NULL);
		int cw = r != NULL ? ui_text_width(r->code) : 0;
		if (cw > need.code_cols)
			need.code_cols = cw;
	}
	need.code_cols = need.code_cols < 8 ? 8 : need.code_cols > 22 ? 22 : need.code_cols;
	ui_columns_fit(&need, cfg->columns, cfg->n_columns, c);
	*short_procs = false;
	p = ui_columns_find(c, UI_COL_PROCEDURE);
	for (int i = 0; p >= 0 && i < vis && !*short_procs; i++) {
		const struct store_row *r = row_at(in, in->top + i, NULL);
		*short_procs = r != NULL && ui_text_width(r->procedure_name) > c->w[p];
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

struct row_state {
	enum store_due_class due;
	int pending;
	bool trouble, selected, marked, short_procs;
};

static void
draw_row(struct ui_app *app, WINDOW *win, int y, const struct store_row *r,
	 const struct row_state *st, const struct ui_columns *c, int width)
{
	attr_t base = st->selected ? ui_attr(app, UI_ROLE_SELECTED) : A_NORMAL;
	attr_t due_attr = base;
	char mark[16], text[2048];
	const char *due_mark = " ";

	if (st->due == STORE_DUE_OVERDUE) {
		due_mark = "!";
		due_attr = st->selected ? base | A_BOLD : ui_attr(app, UI_ROLE_OVERDUE);
	} else if (st->due == STORE_DUE_SOON) {
		due_mark = "~";
		due_attr = st->selected ? base | A_BOLD : ui_attr(app, UI_ROLE_SOON);
	}
	/* an action that conflicts or was refused: its own mark, not the
	 * ordinary "waiting to be sent" */
	snprintf(mark, sizeof mark, "%s%s%s", due_mark,
		 r->mismatch ? ui_sym(app, "\xe2\x89\xa0", "#") : " ",
		 st->trouble ? ui_sym(app, "\xe2\x9c\x97", "x")
		 : st->pending > 0 ? ui_sym(app, "\xe2\x86\x91", "^") : " ");
	if (st->trouble && !st->selected)
		due_attr = ui_attr(app, UI_ROLE_ERROR);
	if (st->marked) {
		/* the due state still shows in the due column's colour */
		mark[0] = '*';
		base |= A_BOLD;
	}
	if (st->selected) {
		wattrset(win, base);
		wmove(win, y, 0);
		whline(win, ' ', width);
	}
	for (size_t i = 0; i < c->n; i++) {
		int x = c->x[i], w = c->w[i];

		switch (c->col[i]) {
		case UI_COL_MARK:
			ui_put(win, y, x, w, mark, due_attr);
			break;
		case UI_COL_SOURCE:
			ui_put(win, y, x, w, r->source, base);
			break;
		case UI_COL_CODE:
			ui_put(win, y, x, w, ui_short_code(r->code, w, text, sizeof text), base);
			break;
		case UI_COL_APPLICANT:
			ui_put(win, y, x, w,
			       ui_short_person(r->applicant_name, w, text, sizeof text), base);
			break;
		case UI_COL_PROCEDURE:
			ui_put(win, y, x, w,
			       ui_short_procedure(r->procedure_name,
						  app_procedure_short(app->core, r->procedure_code),
						  !st->short_procs, w, text, sizeof text),
			       base);
			break;
		case UI_COL_RECEIVED:
			ui_put(win, y, x, w, ui_fmt_date(r->received_at, text, sizeof text), base);
			break;
		case UI_COL_DUE:
			ui_put(win, y, x, w, ui_fmt_due(r->due_at, text, sizeof text), due_attr);
			break;
		case UI_COL_STATUS:
			ui_put(win, y, x, w, ui_status_short(r->status),
			       r->mismatch && !st->selected ? ui_attr(app, UI_ROLE_MISMATCH) : base);
			break;
		case UI_COL_AREA:
			ui_put(win, y, x, w, r->area != NULL ? r->area : "", base);
			break;
		case UI_COL_COUNT:
			break;
		}
	}
}

/* The headings; the one the list is sorted by ends with ▲ (▼ reversed). */
static void
draw_headings(const struct ui_inbox *in, struct ui_app *app, WINDOW *win,
	      const struct ui_columns *c, int width)
{
	attr_t h = ui_attr(app, UI_ROLE_HEADER);

	wattrset(win, h);
	wmove(win, 0, 0);
	whline(win, ' ', width);
	for (size_t i = 0; i < c->n; i++) {
		const char *head = heading(c->col[i]);
		char buf[512];
		int w = c->w[i];

		if (column_sort(c->col[i]) == (int)in->sort && w >= 3) {
			int n = ui_text_fit(head, w - 2, false, buf, sizeof buf - 8);
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%*s%s",
				 n > 0 ? 1 : 0, "",
				 in->desc ? ui_sym(app, "\xe2\x96\xbc", "v")
					  : ui_sym(app, "\xe2\x96\xb2", "^"));
			head = buf;
		}
		ui_put(win, 0, c->x[i], w, head, h);
	}
}

static void
inbox_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct ui_inbox *in = (struct ui_inbox *)s;
	int vis = visible_rows(app), width = list_cols(app);
	struct ui_columns c;
	bool short_procs;

	layout_now(in, app, &c, &short_procs);
	draw_headings(in, app, win, &c, width);
	wattrset(win, A_NORMAL);
	if (width < app->cols)
		ui_preview_draw(in->preview, app, win, width + 1, app->cols - width - 1,
				getmaxy(win));
	if (in->total == 0 && !in->failed) {
		ui_put_text(win, 2, 2, width - 4,
			    in->filter_error[0] != '\0' ? in->filter_error
			    : in->search[0] != '\0'     ? _("No dossier matches the search.")
						       : _("No dossier in this view."),
			    in->filter_error[0] != '\0' ? ui_attr(app, UI_ROLE_ERROR)
						       : ui_attr(app, UI_ROLE_DIM));
		return;
	}
	for (int i = 0; i < vis; i++) {
		struct row_state st = {.pending = -1, .short_procs = short_procs};
		const struct store_row *r = row_at(in, in->top + i, &st.pending);
		if (r == NULL)
			break;
		st.due = row_due_class(in, app, r);
		st.trouble = in->trouble[in->top + i - in->page_off] > 0;
		st.selected = in->top + i == in->sel;
		st.marked = mark_index(in, r->code) >= 0;
		draw_row(app, win, 1 + i, r, &st, &c, width);
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
	preview_follow(in, app);
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
		set_sort(in, app, (enum store_sort)((in->sort + 1) % STORE_SORTS), false);
		return UI_REDRAW;
	case UI_ACT_SORT_REVERSE:
		set_sort(in, app, in->sort, !in->desc);
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
	/* the store or the language changed: what the pane read is old */
	ui_preview_forget(in->preview);
	requery(in, app, false);
}

static void
inbox_free(struct ui_screen *s)
{
	struct ui_inbox *in = (struct ui_inbox *)s;

	ui_preview_free(in->preview);
	page_drop(in);
	ui_inbox_clear_marks(in);
	free(in);
}

/*
 * A click on a heading sorts by that column, a second one on the same
 * heading reverses the order (as ":sort NAME desc").  Every heading has an
 * order; a column added without one would say which headings have (the
 * mark column, without a heading, is left alone).
 */
static int
heading_click(struct ui_inbox *in, struct ui_app *app, int x)
{
	struct ui_columns c;
	bool short_procs;
	int i, sort;
	char can[256] = "";

	layout_now(in, app, &c, &short_procs);
	i = ui_columns_at(&c, x);
	if (i < 0 || c.col[i] == UI_COL_MARK)
		return 0;
	sort = column_sort(c.col[i]);
	if (sort >= 0) {
		set_sort(in, app, (enum store_sort)sort, sort == (int)in->sort ? !in->desc : false);
		return UI_REDRAW;
	}
	for (size_t k = 0; k < c.n; k++)
		if (column_sort(c.col[k]) >= 0)
			snprintf(can + strlen(can), sizeof can - strlen(can), "%s%s",
				 can[0] != '\0' ? ", " : "", heading(c.col[k]));
	ui_message(app, UI_MSG_INFO, _("The list cannot be sorted by \"%s\" (it can be by: %s)."),
		   heading(c.col[i]), can);
	return UI_REDRAW;
}

/* A click on a row selects it; a double click (or a click on the row
 * already selected) opens it; one on a heading sorts. */
static int
inbox_click(struct ui_screen *s, struct ui_app *app, int y, int x, bool twice)
{
	struct ui_inbox *in = (struct ui_inbox *)s;
	int64_t row;
	const struct store_row *r;

	if (x >= list_cols(app))
		return 0; /* the preview pane */
	if (y == 0)
		return heading_click(in, app, x);
	if (y < 1 || y > visible_rows(app))
		return 0; /* below the list */
	row = in->top + y - 1;
	r = row_at(in, row, NULL);
	if (r == NULL)
		return 0;
	if (twice || row == in->sel) {
		in->sel = row;
		preview_follow(in, app);
		ui_push(app, ui_detail_new(app, r->code));
		return UI_REDRAW;
	}
	in->sel = row;
	preview_follow(in, app);
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
	in->preview = ui_preview_new();
	views_update(in, app);
	app->inbox = in;
	requery(in, app, false);
	return &in->base;
}
