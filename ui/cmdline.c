/*
 * cmdline.c - the ':' command line: a table of commands, each a function of
 * its words.  Commands change the console (sort, view, language) or ask a
 * seam to act (sync); none of them touches a dossier.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/export.h"
#include "app/stats.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"
#include "ui/ui.h"

#define MAX_WORDS 8

typedef int cmd_fn(struct ui_app *app, int argc, char **argv);

static void usage(struct ui_app *app, const char *name, const char *worded);

static int
cmd_quit(struct ui_app *app, int argc, char **argv)
{
	(void)app;
	(void)argc;
	(void)argv;
	return UI_QUIT;
}

static int
cmd_exercise(struct ui_app *app, int argc, char **argv)
{
	if (argc != 2) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Usage: :exercise NAME"));
		return UI_REDRAW;
	}
	(void)ui_exercise_start(app, argv[1]);
	return UI_REDRAW;
}

static int
cmd_hint(struct ui_app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ui_exercise_hint(app);
	return UI_REDRAW;
}

static int
cmd_sort(struct ui_app *app, int argc, char **argv)
{
	bool desc = argc > 2 && strcmp(argv[2], "desc") == 0;

	if (argc < 2 || app->inbox == NULL ||
	    ui_inbox_set_sort(app->inbox, app, argv[1], desc) != 0) {
		usage(app, "sort",
		      _("Usage: :sort due|received|status|code|updated|applicant|procedure|"
			"system|area [desc]"));
		return UI_REDRAW;
	}
	while (app->top != NULL && app->top->below != NULL)
		ui_pop(app); /* show the inbox it applies to */
	return UI_REDRAW;
}

static int
cmd_view(struct ui_app *app, int argc, char **argv)
{
	if (argc < 2 || app->inbox == NULL || ui_inbox_set_view(app->inbox, app, argv[1]) != 0) {
		usage(app, "view",
		      _("Usage: :view all|today|overdue|soon|supplement|mismatch|new|NAME|SYSTEM|N"));
		return UI_REDRAW;
	}
	while (app->top != NULL && app->top->below != NULL)
		ui_pop(app);
	return UI_REDRAW;
}

/* :save NAME - what the inbox shows now, kept as a view of that name. */
static int
cmd_save(struct ui_app *app, int argc, char **argv)
{
	struct mc_err err;
	char words[512];

	if (argc < 2 || app->inbox == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Usage: :save NAME (the view and search now)"));
		return UI_REDRAW;
	}
	if (ui_inbox_save_view(app->inbox, app, argv[1], &err) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", words_err(&err, words, sizeof words));
		return UI_REDRAW;
	}
	while (app->top != NULL && app->top->below != NULL)
		ui_pop(app);
	ui_message(app, UI_MSG_OK, _("Saved as the view '%s' (:view %s)."), argv[1], argv[1]);
	return UI_REDRAW;
}

/* One dossier whose code ends with (or contains) `text`: into code[]; the
 * number found, at most 2 (0: none, 2: more than one). */
static int
find_code(struct ui_app *app, const char *text, char *code, size_t size)
{
	struct store_query q;
	struct store_page page;
	int n;

	app_query_init(app->core, &q, app->horizon.now);
	q.search = text;
	q.limit = 2;
	if (app_inbox_page(app->core, &q, &page) != 0)
		return 0;
	n = page.n > 2 ? 2 : (int)page.n;
	if (n == 1)
		snprintf(code, size, "%s", page.rows[0].code);
	for (size_t i = 0; n == 2 && i < page.n; i++)
		if (strcasecmp(page.rows[i].code, text) == 0) {
			/* the whole code typed: that one */
			snprintf(code, size, "%s", page.rows[i].code);
			n = 1;
		}
	app_page_release(&page);
	return n;
}

/* :open CODE - the dossier, from anywhere; the end of its code is enough
 * when only one code has it ("00042").  Over a detail it takes its place. */
static int
cmd_open(struct ui_app *app, int argc, char **argv)
{
	struct dossier d;
	char code[128];
	int n;

	if (argc < 2) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Usage: :open CODE (or the end of it)"));
		return UI_REDRAW;
	}
	if (app_dossier(app->core, argv[1], &d) == 0) {
		snprintf(code, sizeof code, "%s", d.code);
		dossier_release(&d);
		n = 1;
	} else {
		n = find_code(app, argv[1], code, sizeof code);
	}
	if (n == 0) {
		ui_message(app, UI_MSG_ERROR, _("No dossier %s on this terminal (sync first)."),
			   argv[1]);
		return UI_REDRAW;
	}
	if (n > 1) {
		ui_message(app, UI_MSG_ERROR,
			   _("More than one dossier matches %s: type more of the code."), argv[1]);
		return UI_REDRAW;
	}
	if (!ui_detail_show(app->top, app, code))
		ui_push(app, ui_detail_new(app, code));
	return UI_REDRAW;
}

static int
cmd_lang(struct ui_app *app, int argc, char **argv)
{
	if (argc < 2 || ui_i18n_set(argv[1]) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Usage: :lang vi|en"));
		return UI_REDRAW;
	}
	if (strcmp(ui_i18n_lang(), argv[1]) != 0)
		ui_message(app, UI_MSG_ERROR, "%s",
			   _("This terminal cannot show Vietnamese (not UTF-8)."));
	ui_reload_all(app);
	return UI_REDRAW;
}

static int
cmd_help(struct ui_app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ui_push(app, ui_help_new(app));
	return UI_REDRAW;
}

static int
cmd_sync(struct ui_app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (app_n_systems(app->core) == 0) {
		/* no system yet: the sign-in or the provider's list has not come */
		char buf[512];
		const struct mc_err *why = app_systems_error(app->core);
		ui_message(app, UI_MSG_ERROR, "%s: %s", _("Nothing to synchronise yet"),
			   why->code != MC_OK ? words_err(why, buf, sizeof buf)
					      : _("no system is set up on this terminal"));
		return UI_REDRAW;
	}
	if (app_pull_now(app->core, NULL) != 0)
		ui_message(app, UI_MSG_ERROR, "%s", _("Could not start synchronisation."));
	else {
		ui_message(app, UI_MSG_INFO, "%s", _("Fetching from every system..."));
		app->sync_asked = true; /* the end of the pass replaces it */
	}
	return UI_REDRAW;
}

static int
cmd_lock(struct ui_app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ui_lock_now(app);
	return UI_REDRAW;
}

/* Open a screen once: a second :dashboard goes back to the one open. */
static int
open_screen(struct ui_app *app, bool (*is)(const struct ui_screen *),
	    struct ui_screen *(*make)(struct ui_app *))
{
	bool open = false;

	for (struct ui_screen *s = app->top; s != NULL; s = s->below)
		open = open || is(s);
	if (open) {
		while (app->top != NULL && !is(app->top))
			ui_pop(app);
	} else {
		ui_push(app, make(app));
	}
	return UI_REDRAW;
}

static int
cmd_dashboard(struct ui_app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return open_screen(app, ui_dashboard_is, ui_dashboard_new);
}

static int
cmd_queue(struct ui_app *app, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return open_screen(app, ui_queue_is, ui_queue_new);
}

/* The dashboard's statistics (the same computation, the same clock) as a
 * CSV file: FILE ("~/" is the home folder), else a new file in the
 * downloads or data folder (app_export_default_path).  An existing file is
 * never replaced: the clerk gives another name. */
static int
cmd_export(struct ui_app *app, int argc, char **argv)
{
	struct app_stats s;
	struct mc_err err;
	const char *home = getenv("HOME");
	char *path = NULL;
	char buf[768];

	if (argc > 2) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Usage: :export [FILE]"));
		return UI_REDRAW;
	}
	if (app_stats_period(app->core, app->horizon.now, 0, 0, APP_STATS_CELLS, &s, &err) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", words_err(&err, buf, sizeof buf));
		goto out;
	}
	if (argc < 2)
		path = app_export_default_path(app->core, app->horizon.now);
	else if (strncmp(argv[1], "~/", 2) == 0 && home != NULL)
		path = xasprintf("%s/%s", home, argv[1] + 2);
	else
		path = xstrdup(argv[1]);
	if (app_export_write(app->core, path, 0, &s, &err) != 0)
		ui_message(app, UI_MSG_ERROR, "%s", words_err(&err, buf, sizeof buf));
	else
		ui_message(app, UI_MSG_OK, _("Statistics written to %s"), path);
out:
	free(path);
	app_stats_release(&s);
	return UI_REDRAW;
}

/* The one table: ui_command_run() dispatches from it and the help screen
 * lists it (ui_command_help), so the two cannot drift. */
static const struct {
	const char *name, *alias;
	cmd_fn *fn;
	const char *args;   /* words, not translated */
	const char *help;
} commands[] = {
	{"sort", NULL, cmd_sort,
	 "due|received|status|code|updated|applicant|procedure|system|area [desc]",
	 N_("sort the inbox")},
	{"view", NULL, cmd_view, "all|today|overdue|soon|supplement|mismatch|new|NAME|SYSTEM|N",
	 N_("a saved view")},
	{"open", NULL, cmd_open, "CODE", N_("open a dossier by its code (or its end)")},
	{"save", NULL, cmd_save, "NAME", N_("save the view and search now as a view")},
	{"dashboard", NULL, cmd_dashboard, "", N_("the day's counts and the on-time rate")},
	{"export", NULL, cmd_export, "[FILE]",
	 N_("save the dashboard's figures as a CSV file for a spreadsheet")},
	{"queue", NULL, cmd_queue, "", N_("the actions waiting to be sent, and conflicts")},
	{"sync", NULL, cmd_sync, "", N_("fetch from every system now")},
	{"lock", NULL, cmd_lock, "", N_("lock the screen now")},
	{"exercise", NULL, cmd_exercise, "NAME", N_("training: start a guided exercise")},
	{"hint", NULL, cmd_hint, "", N_("training: the hint of the exercise's step")},
	{"lang", NULL, cmd_lang, "vi|en", N_("language")},
	{"help", NULL, cmd_help, "", N_("this help")},
	{"q", "quit", cmd_quit, "", N_("quit")},
};

size_t
ui_command_count(void)
{
	return sizeof commands / sizeof commands[0];
}

const char *
ui_command_help(size_t i, char *syntax, size_t size)
{
	snprintf(syntax, size, ":%s%s%s%s%s", commands[i].name,
		 commands[i].alias != NULL ? ", :" : "",
		 commands[i].alias != NULL ? commands[i].alias : "", commands[i].args[0] ? " " : "",
		 commands[i].args);
	return _(commands[i].help);
}

/*
 * The usage of a command on the message line: "Usage: ..." in the clerk's
 * words when it fits the screen, else the command's syntax alone from the
 * table (":sort due|...|area [desc]", 76 columns): at 80 columns the words
 * would push the end of the list, where the choices are, off the line.
 */
static void
usage(struct ui_app *app, const char *name, const char *worded)
{
	char bare[256];

	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(commands[i].name, name) != 0)
			continue;
		snprintf(bare, sizeof bare, ":%s %s", name, commands[i].args);
		if (ui_text_width(worded) > app->cols && ui_text_width(bare) < ui_text_width(worded)) {
			ui_message(app, UI_MSG_ERROR, "%s", bare);
			return;
		}
	}
	ui_message(app, UI_MSG_ERROR, "%s", worded);
}

int
ui_command_run(struct ui_app *app, const char *line)
{
	char buf[UI_LINE_MAX], *argv[MAX_WORDS];
	int argc = 0;
	char *p;

	snprintf(buf, sizeof buf, "%s", line);
	for (p = buf; *p != '\0' && argc < MAX_WORDS;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	if (argc == 0)
		return 0;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, argv[0]) == 0 ||
		    (commands[i].alias != NULL && strcmp(commands[i].alias, argv[0]) == 0))
			return commands[i].fn(app, argc, argv);
	ui_message(app, UI_MSG_ERROR, _("Unknown command: %s (see ? for the list)"), argv[0]);
	return UI_REDRAW;
}
