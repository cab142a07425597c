/*
 * dashboard.c - the dashboard: how the commune's work stands, from the
 * local store - per system (dossiers, open, coming due, overdue, on-time
 * rate, bytes used today, age of the data), per status, per area.
 *
 * The figures are computed when the screen opens and whenever the app
 * reloads it (after a sync brought changes, and every minute), into a list
 * of ready lines; drawing only copies the visible lines.  The on-time rate
 * is computed here over a bounded query (the most recently changed
 * finished dossiers, at most ONTIME_MAX), because the store has no
 * statistic for it: finished within the period, on time when finished by
 * the due date computed here (never the source's); the screen says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

#define ONTIME_DAYS 30
#define ONTIME_MAX 5000
#define MAX_SYS UI_MAX_SOURCES

struct dline {
	char text[320];
	enum ui_role role;
};

struct sys_stats {
	char name[32];
	int64_t total, open, soon, overdue;
	int64_t done_period, on_time;   /* finished within the period; of them on time */
	struct store_bytes bytes;
};

struct dashboard {
	struct ui_screen base;
	struct dline *lines;
	size_t n, cap;
	int scroll;
	/* while building */
	struct sys_stats sys[MAX_SYS];
	size_t n_sys;
	int64_t by_status[STATUS_MAX + 1];
	int64_t ontime_rows;            /* finished rows read for the rate */
	mc_time now, since;
	int cols;
};

/* ---- building the lines -------------------------------------------------- */

static void
add_line(struct dashboard *db, enum ui_role role, const char *text)
{
	if (db->n == db->cap) {
		db->cap = db->cap ? db->cap * 2 : 64;
		db->lines = xrealloc(db->lines, db->cap * sizeof *db->lines);
	}
	snprintf(db->lines[db->n].text, sizeof db->lines[db->n].text, "%s", text);
	db->lines[db->n].role = role;
	db->n++;
}

/* Append `s` fitted to `w` columns (left-aligned, padded) and a space. */
static void
cell(char *line, size_t size, const char *s, int w)
{
	char buf[160];
	size_t len = strlen(line);

	ui_text_fit(s, w, true, buf, sizeof buf);
	snprintf(line + len, size - len, "%s ", buf);
}

/* A number right-aligned in `w` columns and a space. */
static void
cell_num(char *line, size_t size, int64_t n, int w)
{
	size_t len = strlen(line);

	snprintf(line + len, size - len, "%*lld ", w, (long long)n);
}

static struct sys_stats *
sys_get(struct dashboard *db, const char *name)
{
	for (size_t i = 0; i < db->n_sys; i++)
		if (strcmp(db->sys[i].name, name) == 0)
			return &db->sys[i];
	if (db->n_sys == MAX_SYS)
		return NULL;
	memset(&db->sys[db->n_sys], 0, sizeof db->sys[0]);
	snprintf(db->sys[db->n_sys].name, sizeof db->sys[0].name, "%s", name);
	return &db->sys[db->n_sys++];
}

static int
on_status(void *ctx, const char *source, int status, int64_t n)
{
	struct dashboard *db = ctx;
	struct sys_stats *st = sys_get(db, source);

	if (st != NULL) {
		st->total += n;
		if (!status_is_finished(status))
			st->open += n;
	}
	if (status >= 1 && status <= STATUS_MAX)
		db->by_status[status] += n;
	return 0;
}

static int
on_finished(void *ctx, const struct store_row *r)
{
	struct dashboard *db = ctx;
	struct sys_stats *st;

	db->ontime_rows++;
	if (r->finished_at < db->since || r->finished_at > db->now || r->due_at <= 0)
		return 0;
	st = sys_get(db, r->source);
	if (st != NULL) {
		st->done_period++;
		if (r->finished_at <= r->due_at)
			st->on_time++;
	}
	return 0;
}

static void
fmt_rate(int64_t part, int64_t whole, char *buf, size_t size)
{
	if (whole <= 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld%%", (long long)((part * 100 + whole / 2) / whole));
}

static mc_time
source_age_base(const struct ui_app *app, const char *name)
{
	for (size_t i = 0; i < app->n_sources; i++)
		if (strcmp(app->sources[i].name, name) == 0)
			return app->sources[i].last_ok_at;
	return 0;
}

static void
build_systems(struct dashboard *db, struct ui_app *app)
{
	struct sys_stats all;
	char line[320], a[32], b[32], c[80];
	/* widths: system, total, open, soon, overdue, on time, today, age */
	const int w[8] = {8, 6, 10, 7, 7, 8, 16, 8};

	memset(&all, 0, sizeof all);
	line[0] = '\0';
	cell(line, sizeof line, _("System"), w[0]);
	cell(line, sizeof line, _("Total"), w[1]);
	cell(line, sizeof line, _("Open"), w[2]);
	cell(line, sizeof line, _("Soon"), w[3]);
	cell(line, sizeof line, _("Overdue"), w[4]);
	cell(line, sizeof line, _("On time"), w[5]);
	cell(line, sizeof line, _("Today in/out"), w[6]);
	cell(line, sizeof line, _("Data"), w[7]);
	add_line(db, UI_ROLE_HEADER, line);
	for (size_t i = 0; i < db->n_sys; i++) {
		struct sys_stats *st = &db->sys[i];

		line[0] = '\0';
		cell(line, sizeof line, st->name, w[0]);
		cell_num(line, sizeof line, st->total, w[1]);
		cell_num(line, sizeof line, st->open, w[2]);
		cell_num(line, sizeof line, st->soon, w[3]);
		cell_num(line, sizeof line, st->overdue, w[4]);
		fmt_rate(st->on_time, st->done_period, a, sizeof a);
		cell(line, sizeof line, a, w[5]);
		ui_fmt_size(st->bytes.today_in, a, sizeof a);
		ui_fmt_size(st->bytes.today_out, b, sizeof b);
		snprintf(c, sizeof c, "%s/%s", a, b);
		cell(line, sizeof line, c, w[6]);
		ui_fmt_age(source_age_base(app, st->name), app->now, a, sizeof a);
		cell(line, sizeof line, a, w[7]);
		add_line(db, st->overdue > 0 ? UI_ROLE_OVERDUE : UI_ROLE_NORMAL, line);
		all.total += st->total;
		all.open += st->open;
		all.soon += st->soon;
		all.overdue += st->overdue;
		all.done_period += st->done_period;
		all.on_time += st->on_time;
		all.bytes.today_in += st->bytes.today_in;
		all.bytes.today_out += st->bytes.today_out;
	}
	line[0] = '\0';
	cell(line, sizeof line, _("All"), w[0]);
	cell_num(line, sizeof line, all.total, w[1]);
	cell_num(line, sizeof line, all.open, w[2]);
	cell_num(line, sizeof line, all.soon, w[3]);
	cell_num(line, sizeof line, all.overdue, w[4]);
	fmt_rate(all.on_time, all.done_period, a, sizeof a);
	cell(line, sizeof line, a, w[5]);
	ui_fmt_size(all.bytes.today_in, a, sizeof a);
	ui_fmt_size(all.bytes.today_out, b, sizeof b);
	snprintf(c, sizeof c, "%s/%s", a, b);
	cell(line, sizeof line, c, w[6]);
	add_line(db, UI_ROLE_LABEL, line);
	fmt_rate(all.on_time, all.done_period, a, sizeof a);
	snprintf(line, sizeof line,
		 _("On time over the last %d days: %s (%lld of %lld finished; due dates "
		   "computed here)"),
		 ONTIME_DAYS, a, (long long)all.on_time, (long long)all.done_period);
	add_line(db, UI_ROLE_NORMAL, line);
	if (db->ontime_rows >= ONTIME_MAX) {
		snprintf(line, sizeof line, _("(counted over the %d most recently changed finished "
					      "dossiers)"),
			 ONTIME_MAX);
		add_line(db, UI_ROLE_DIM, line);
	}
}

static void
build_statuses(struct dashboard *db)
{
	char line[320], label[64];
	int per_line = db->cols >= 80 ? 4 : 2, k = 0;
	int w = (db->cols - 1) / per_line - 7;

	add_line(db, UI_ROLE_TITLE, _("By status"));
	line[0] = '\0';
	for (int st = 1; st <= STATUS_MAX; st++) {
		snprintf(label, sizeof label, "%s", ui_status_short(st));
		cell(line, sizeof line, label, w > 4 ? w : 4);
		cell_num(line, sizeof line, db->by_status[st], 5);
		if (++k == per_line) {
			add_line(db, UI_ROLE_NORMAL, line);
			line[0] = '\0';
			k = 0;
		}
	}
	if (k > 0)
		add_line(db, UI_ROLE_NORMAL, line);
}

struct area_ctx {
	struct dashboard *db;
	const int *w;
};

static int
on_area(void *ctx, const struct store_area_stats *a)
{
	struct area_ctx *ac = ctx;
	char line[320];

	line[0] = '\0';
	cell(line, sizeof line, a->area[0] != '\0' ? a->area : _("(no area)"), ac->w[0]);
	cell_num(line, sizeof line, a->total, ac->w[1]);
	cell_num(line, sizeof line, a->open, ac->w[2]);
	cell_num(line, sizeof line, a->soon, ac->w[3]);
	cell_num(line, sizeof line, a->overdue, ac->w[4]);
	add_line(ac->db, a->overdue > 0 ? UI_ROLE_OVERDUE : UI_ROLE_NORMAL, line);
	return 0;
}

static void
build_areas(struct dashboard *db, struct ui_app *app)
{
	const int w[5] = {30, 6, 10, 7, 7};
	struct area_ctx ac = {db, w};
	char line[320];

	add_line(db, UI_ROLE_TITLE, _("By area"));
	line[0] = '\0';
	cell(line, sizeof line, _("Area"), w[0]);
	cell(line, sizeof line, _("Total"), w[1]);
	cell(line, sizeof line, _("Open"), w[2]);
	cell(line, sizeof line, _("Soon"), w[3]);
	cell(line, sizeof line, _("Overdue"), w[4]);
	add_line(db, UI_ROLE_HEADER, line);
	if (store_stats_area(app->store, app->now, app->soon_seconds, on_area, &ac) != 0)
		add_line(db, UI_ROLE_ERROR, store_errmsg(app->store));
}

static void
build(struct dashboard *db, struct ui_app *app)
{
	struct store_query q;

	db->n = 0;
	db->n_sys = 0;
	db->ontime_rows = 0;
	memset(db->by_status, 0, sizeof db->by_status);
	db->now = app->now;
	db->since = app->now - (mc_time)ONTIME_DAYS * 86400;
	db->cols = app->cols;
	/* The systems the status bar knows first (online before any data). */
	for (size_t i = 0; i < app->n_sources; i++)
		sys_get(db, app->sources[i].name);
	if (store_stats_status(app->store, on_status, db) != 0) {
		add_line(db, UI_ROLE_ERROR, store_errmsg(app->store));
		return;
	}
	for (size_t i = 0; i < db->n_sys; i++) {
		struct sys_stats *st = &db->sys[i];
		store_due_counts(app->store, st->name, app->now, app->soon_seconds, &st->overdue,
				 &st->soon);
		store_bytes_get(app->store, st->name, app->now, &st->bytes);
	}
	store_query_init(&q, app->now);
	q.due = STORE_DUE_FINISHED;
	q.sort = STORE_SORT_UPDATED;
	q.descending = true;
	q.soon_seconds = app->soon_seconds;
	q.limit = ONTIME_MAX;
	store_inbox_each(app->store, &q, on_finished, db);

	build_systems(db, app);
	add_line(db, UI_ROLE_NORMAL, "");
	build_statuses(db);
	add_line(db, UI_ROLE_NORMAL, "");
	build_areas(db, app);
}

/* ---- the screen ----------------------------------------------------------- */

static int
body_rows(const struct ui_app *app)
{
	int n = app->rows - 3;
	return n > 1 ? n : 1;
}

static void
dash_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct dashboard *db = (struct dashboard *)s;
	int rows = body_rows(app);

	for (int y = 0; y < rows && (size_t)(db->scroll + y) < db->n; y++) {
		const struct dline *l = &db->lines[db->scroll + y];
		attr_t a = l->role == UI_ROLE_TITLE ? A_BOLD : ui_attr(app, l->role);
		ui_put(win, y, 0, app->cols, l->text, a);
	}
}

static const char *
dash_title(struct ui_screen *s, struct ui_app *app)
{
	(void)s;
	(void)app;
	return _("Dashboard (q to go back)");
}

static int
dash_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct dashboard *db = (struct dashboard *)s;
	int max = (int)db->n - body_rows(app);

	(void)key;
	if (max < 0)
		max = 0;
	switch (act) {
	case UI_ACT_DOWN:
		db->scroll++;
		break;
	case UI_ACT_UP:
		db->scroll--;
		break;
	case UI_ACT_PAGE_DOWN:
		db->scroll += body_rows(app) - 1;
		break;
	case UI_ACT_PAGE_UP:
		db->scroll -= body_rows(app) - 1;
		break;
	case UI_ACT_TOP:
		db->scroll = 0;
		break;
	case UI_ACT_BOTTOM:
		db->scroll = max;
		break;
	case UI_ACT_BACK:
	case UI_ACT_DASHBOARD:
		return UI_POP;
	default:
		return UI_UNHANDLED;
	}
	if (db->scroll > max)
		db->scroll = max;
	if (db->scroll < 0)
		db->scroll = 0;
	return UI_REDRAW;
}

static void
dash_reload(struct ui_screen *s, struct ui_app *app)
{
	build((struct dashboard *)s, app);
}

static void
dash_free(struct ui_screen *s)
{
	struct dashboard *db = (struct dashboard *)s;

	free(db->lines);
	free(db);
}

static const struct ui_screen_ops dash_ops = {
	.name = "dashboard",
	.draw = dash_draw,
	.key = dash_key,
	.title = dash_title,
	.reload = dash_reload,
	.free = dash_free,
};

bool
ui_dashboard_is(const struct ui_screen *s)
{
	return s != NULL && s->ops == &dash_ops;
}

struct ui_screen *
ui_dashboard_new(struct ui_app *app)
{
	struct dashboard *db = xcalloc(1, sizeof *db);

	db->base.ops = &dash_ops;
	build(db, app);
	return &db->base;
}
