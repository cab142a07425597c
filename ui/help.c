/*
 * help.c - the '?' screen: every action with the keys bound to it now
 * (after the configuration's rebindings), the ':' commands (from the table
 * that dispatches them, cmdline.c), and what the
 * marks in the inbox and the status bar mean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

struct help {
	struct ui_screen base;
	int scroll;
};

static const struct {
	const char *utf8, *ascii, *text;
} legend[] = {
	{"!", "!", N_("overdue (by the due date computed here)")},
	{"~", "~", N_("coming due")},
	{"\xe2\x89\xa0", "#", N_("status differs from the coordination system")},
	{"\xe2\x86\x91", "^", N_("an action is queued and not yet sent")},
	{"\xe2\x9c\x97", "x", N_("an action conflicts or was refused: decide in the queue (w)")},
	{"*", "*", N_("marked: a and K act on every marked dossier")},
	{"\xe2\x97\x8f", "+", N_("status bar: the system answered (online)")},
	{"\xe2\x97\x8b", "-", N_("status bar: offline; the age of its data follows")},
};

/* How many views the inbox has (0 without an inbox). */
static int
n_views(struct ui_app *app)
{
	int n = 0;

	while (app->inbox != NULL && ui_inbox_view(app->inbox, app, (size_t)n, NULL) != NULL)
		n++;
	return n;
}

#define CMD_LINES 8

/*
 * Command i as the help shows it within `cols` columns: its syntax and what
 * it does on one line when both fit, else the syntax (wrapped at spaces)
 * and below it what it does, wrapped and indented by CMD_INDENT.  Returns
 * the lines; *n_syntax of them are the syntax's.
 */
#define CMD_INDENT 4
static int
command_lines(size_t i, int cols, char lines[CMD_LINES][256], int *n_syntax)
{
	char syntax[256], both[512];
	const char *what = ui_command_help(i, syntax, sizeof syntax);
	int n, wcols = cols - CMD_INDENT > 10 ? cols - CMD_INDENT : cols;

	snprintf(both, sizeof both, "%s  %s", syntax, what);
	if (ui_text_width(both) <= cols && strlen(both) < sizeof lines[0]) {
		memcpy(lines[0], both, strlen(both) + 1);
		*n_syntax = 1;
		return 1;
	}
	n = ui_wrap(syntax, cols, lines, CMD_LINES / 2);
	*n_syntax = n;
	return n + ui_wrap(what, wcols, lines + n, CMD_LINES - n);
}

static int
n_lines(struct ui_app *app)
{
	char lines[CMD_LINES][256];
	int commands = 0, n_syntax;

	for (size_t i = 0; i < ui_command_count(); i++)
		commands += command_lines(i, app->cols - 2, lines, &n_syntax);
	return 2 + (UI_ACT_COUNT - 1) + 2 + commands + 2 + n_views(app) + 4 + 2 +
	       (int)(sizeof legend / sizeof legend[0]);
}

static void
help_draw(struct ui_screen *s, struct ui_app *app, WINDOW *win)
{
	struct help *h = (struct help *)s;
	int rows = app->rows - 3, y = -h->scroll;
	char keys[64];
	attr_t head = ui_attr(app, UI_ROLE_HEADER);

#define LINE(x, cols, text, attr)                                          \
	do {                                                               \
		if (y >= 0 && y < rows)                                    \
			ui_put_text(win, y, (x), (cols), (text), (attr));  \
		y++;                                                       \
	} while (0)

	LINE(0, app->cols, _("Keys"), head | A_BOLD);
	y++;
	for (int a = 1; a < UI_ACT_COUNT; a++) {
		const char *text = _(ui_keymap_action_help((enum ui_action)a));
		char view[256];

		/* a view's key says which view it is */
		if (a >= UI_ACT_VIEW_1 && a <= UI_ACT_VIEW_10 && app->inbox != NULL) {
			const char *label = ui_inbox_view(app->inbox, app,
							  (size_t)(a - UI_ACT_VIEW_1), NULL);
			if (label != NULL) {
				snprintf(view, sizeof view, _("View %d: %s"), a - UI_ACT_VIEW_1 + 1,
					 label);
				text = view;
			}
		}
		ui_keymap_keys_text(&app->keymap, (enum ui_action)a, keys, sizeof keys);
		if (y >= 0 && y < rows) {
			ui_put_text(win, y, 2, 18, keys[0] != '\0' ? keys : "-", A_BOLD);
			ui_put_text(win, y, 21, app->cols - 21, text, A_NORMAL);
		}
		y++;
	}
	y++;
	LINE(0, app->cols, _("Commands"), head | A_BOLD);
	for (size_t i = 0; i < ui_command_count(); i++) {
		char lines[CMD_LINES][256];
		int n_syntax, n = command_lines(i, app->cols - 2, lines, &n_syntax);

		for (int k = 0; k < n; k++) {
			int x = k < n_syntax ? 2 : 2 + CMD_INDENT;
			LINE(x, app->cols - x, lines[k], A_NORMAL);
		}
	}
	y++;
	LINE(0, app->cols, _("Views (Tab, Shift+Tab; :view N or NAME)"), head | A_BOLD);
	for (int i = 0; i < n_views(app); i++) {
		const char *name = NULL, *label = ui_inbox_view(app->inbox, app, (size_t)i, &name);
		char line[512];

		int pad = 24 - ui_text_width(label);

		/* padded by columns, not bytes: "Đến hạn hôm nay" */
		snprintf(line, sizeof line, "%2d  %s%*s :view %s", i + 1, label, pad > 1 ? pad : 1,
			 "", name);
		LINE(2, app->cols - 2, line, A_NORMAL);
	}
	y++;
	LINE(0, app->cols, _("Filters in the search box (/)"), head | A_BOLD);
	LINE(2, app->cols - 2, _("tt:cho-bo-sung  nguon:tuphap  han:qua-han|sap-den-han|hom-nay"),
	     A_NORMAL);
	LINE(2, app->cols - 2, _("ten:, ma:, tthc: words; :save NAME keeps the view and search"),
	     A_NORMAL);
	y++;
	LINE(0, app->cols, _("Marks"), head | A_BOLD);
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		char line[512];
		snprintf(line, sizeof line, "%s  %s", ui_sym(app, legend[i].utf8, legend[i].ascii),
			 _(legend[i].text));
		LINE(2, app->cols - 2, line, A_NORMAL);
	}
#undef LINE
}

static const char *
help_title(struct ui_screen *s, struct ui_app *app)
{
	(void)s;
	(void)app;
	return _("Help (q to go back)");
}

static int
help_key(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act)
{
	struct help *h = (struct help *)s;
	int max = n_lines(app) - (app->rows - 3);

	(void)key;
	if (max < 0)
		max = 0;
	switch (act) {
	case UI_ACT_DOWN:
	case UI_ACT_PAGE_DOWN:
		h->scroll += act == UI_ACT_DOWN ? 1 : app->rows - 4;
		break;
	case UI_ACT_UP:
	case UI_ACT_PAGE_UP:
		h->scroll -= act == UI_ACT_UP ? 1 : app->rows - 4;
		break;
	case UI_ACT_TOP:
		h->scroll = 0;
		break;
	case UI_ACT_BOTTOM:
		h->scroll = max;
		break;
	case UI_ACT_BACK:
	case UI_ACT_HELP:
		return UI_POP;
	default:
		return UI_UNHANDLED;
	}
	if (h->scroll > max)
		h->scroll = max;
	if (h->scroll < 0)
		h->scroll = 0;
	return UI_REDRAW;
}

static void
help_free(struct ui_screen *s)
{
	free(s);
}

static const struct ui_screen_ops help_ops = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
	.title = help_title,
	.free = help_free,
};

struct ui_screen *
ui_help_new(struct ui_app *app)
{
	struct help *h = xcalloc(1, sizeof *h);

	(void)app;
	h->base.ops = &help_ops;
	return &h->base;
}
