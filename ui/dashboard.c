/*
 * dashboard.c - the dashboard: how the commune's work stands, from the
 * local store - per system (dossiers, open, coming due, overdue, on-time
 * rate, bytes used today, age of the data), per status, per area.
 *
 * The figures are the application's statistics (app/stats.h, the same as
 * `motcua export`), computed when the screen opens and whenever the app
 * reloads it (after a sync brought changes, and every minute), into a list
 * of ready lines; drawing only copies the visible lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/stats.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

struct dline {
	char text[320];
	enum ui_role role;
};

struct dashboard {
	struct ui_screen base;
	struct dline *lines;
	size_t n, cap;
	int scroll;
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

static void
fmt_rate(const struct app_stats_row *r, char *buf, size_t size)
{
	int rate = app_stats_rate(r);

	if (rate < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%d%%", rate);
}

/* One line of the systems' table. */
static void
system_line(struct dashboard *db, struct ui_app *app, const struct app_stats_row *st,
	    const char *name, bool age, enum ui_role role, const int *w)
{
	char line[320], a[32], b[32], c[80];

	line[0] = '\0';
	cell(line, sizeof line, name, w[0]);
	cell_num(line, sizeof line, st->total, w[1]);
	cell_num(line, sizeof line, st->open, w[2]);
	cell_num(line, sizeof line, st->soon, w[3]);
	cell_num(line, sizeof line, st->overdue, w[4]);
	fmt_rate(st, a, sizeof a);
	cell(line, sizeof line, a, w[5]);
	ui_fmt_size(st->bytes.today_in, a, sizeof a);
	ui_fmt_size(st->bytes.today_out, b, sizeof b);
	snprintf(c, sizeof c, "%s/%s", a, b);
	cell(line, sizeof line, c, w[6]);
	if (age) {
		ui_fmt_age(st->last_ok_at, app->now, a, sizeof a);
		cell(line, sizeof line, a, w[7]);
	}
	add_line(db, role, line);
}

static void
build_systems(struct dashboard *db, struct ui_app *app, const struct app_stats *s)
{
	char line[320], a[32];
	/* widths: system, total, open, soon, overdue, on time, today, age */
	const int w[8] = {8, 6, 10, 7, 7, 8, 16, 8};

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
	for (size_t i = 0; i < s->n_systems; i++)
		system_line(db, app, &s->systems[i], s->systems[i].name, true,
			    s->systems[i].overdue > 0 ? UI_ROLE_OVERDUE : UI_ROLE_NORMAL, w);
	system_line(db, app, &s->all, _("All"), false, UI_ROLE_LABEL, w);
	fmt_rate(&s->all, a, sizeof a);
	snprintf(line, sizeof line,
		 _("On time over the last %d days: %s (%lld early, %lld on time, %lld late of "
		   "%lld finished; due dates computed here, the supplement rule applied)"),
		 (int)((s->now - s->since) / 86400), a, (long long)s->all.early,
		 (long long)s->all.on_time, (long long)s->all.late, (long long)s->all.finished);
	add_line(db, UI_ROLE_NORMAL, line);
	if (s->capped) {
		snprintf(line, sizeof line, _("(counted over the %d most recently changed finished "
					      "dossiers)"),
			 APP_STATS_FINISHED_MAX);
		add_line(db, UI_ROLE_DIM, line);
	}
}

static void
build_statuses(struct dashboard *db, const struct app_stats *s)
{
	char line[320], label[64];
	int per_line = db->cols >= 80 ? 4 : 2, k = 0;
	int w = (db->cols - 1) / per_line - 7;

	add_line(db, UI_ROLE_TITLE, _("By status"));
	line[0] = '\0';
	for (int st = 1; st <= STATUS_MAX; st++) {
		snprintf(label, sizeof label, "%s", ui_status_short(st));
		cell(line, sizeof line, label, w > 4 ? w : 4);
		cell_num(line, sizeof line, s->by_status[st], 5);
		if (++k == per_line) {
			add_line(db, UI_ROLE_NORMAL, line);
			line[0] = '\0';
			k = 0;
		}
	}
	if (k > 0)
		add_line(db, UI_ROLE_NORMAL, line);
}

static void
build_areas(struct dashboard *db, const struct app_stats *s)
{
	const int w[5] = {30, 6, 10, 7, 7};
	char line[320];

	add_line(db, UI_ROLE_TITLE, _("By area"));
	line[0] = '\0';
	cell(line, sizeof line, _("Area"), w[0]);
	cell(line, sizeof line, _("Total"), w[1]);
	cell(line, sizeof line, _("Open"), w[2]);
	cell(line, sizeof line, _("Soon"), w[3]);
	cell(line, sizeof line, _("Overdue"), w[4]);
	add_line(db, UI_ROLE_HEADER, line);
	for (size_t i = 0; i < s->n_areas; i++) {
		const struct app_stats_row *a = &s->areas[i];
		line[0] = '\0';
		cell(line, sizeof line, a->name[0] != '\0' ? a->name : _("(no area)"), w[0]);
		cell_num(line, sizeof line, a->total, w[1]);
		cell_num(line, sizeof line, a->open, w[2]);
		cell_num(line, sizeof line, a->soon, w[3]);
		cell_num(line, sizeof line, a->overdue, w[4]);
		add_line(db, a->overdue > 0 ? UI_ROLE_OVERDUE : UI_ROLE_NORMAL, line);
	}
}

static void
build(struct dashboard *db, struct ui_app *app)
{
	struct app_stats s;
	struct mc_err err;

	db->n = 0;
	db->cols = app->cols;
	/* the same statistics `motcua export` writes (app/stats.h) */
	if (app_stats(app->core, app->horizon.now, 0, &s, &err) != 0) {
		char buf[512];
		add_line(db, UI_ROLE_ERROR, words_err(&err, buf, sizeof buf));
		app_stats_release(&s);
		return;
	}
	build_systems(db, app, &s);
	add_line(db, UI_ROLE_NORMAL, "");
	build_statuses(db, &s);
	add_line(db, UI_ROLE_NORMAL, "");
	build_areas(db, &s);
	app_stats_release(&s);
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
