/*
 * app.c - the console's frame: terminal setup and restore, signals, the one
 * loop, the stack of screens, the prompt line and colours.
 *
 * One thread, one loop: the application waits on the network and stdin
 * together (app_wait), then runs one turn (app_turn: the pull, the replay,
 * the audit log, downloads, signing); keys go to the top screen; at most
 * one redraw per turn, drawn with wnoutrefresh()/doupdate() so only changed
 * cells reach the terminal.  Signal handlers only set flags (and wake the
 * wait).  The terminal is given
 * back on quit, SIGINT/SIGTERM/SIGHUP, out of memory and fatal signals.  What each
 * screen shows is not this file's business.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "app/exercise.h"
#include "app/sign_job.h"
#include "app/signin.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

#define MIN_COLS 40
#define MIN_ROWS 8
#define TICK_MS 1000
#define SOURCES_EVERY 30 /* s between re-reads of the per-system state */

static volatile sig_atomic_t got_winch;
static volatile sig_atomic_t got_quit;
static struct app *signal_app;

/* For fatal signals: what to write and set without calling curses. */
static struct termios saved_tios;
static bool have_tios;
static char restore_seq[256];
static size_t restore_len;

static void
on_winch(int sig)
{
	(void)sig;
	got_winch = 1;
	app_wakeup(signal_app);
}

static void
on_quit(int sig)
{
	(void)sig;
	got_quit = 1;
	app_wakeup(signal_app);
}

static void
on_fatal(int sig)
{
	ssize_t r;

	/* Async-signal-safe only: write(), tcsetattr(), signal(), raise(). */
	r = write(STDOUT_FILENO, restore_seq, restore_len);
	(void)r;
	if (have_tios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
on_oom(void)
{
	endwin();
	fputs("motcua: out of memory\n", stderr);
}

static void
add_cap(const char *name)
{
	char *s = tigetstr(name);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (restore_len + n < sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
static struct sigaction old_winch, old_int, old_term, old_hup, old_fatal[5];

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, &old_winch);
	sa.sa_handler = on_quit;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* the terminal went away (a closed window, a dropped SSH link): end
	 * cleanly; what was queued is already on disk */
	sigaction(SIGHUP, &sa, &old_hup);
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
}

static void
signals_restore(void)
{
	sigaction(SIGWINCH, &old_winch, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++)
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
}

/* ---- colours ---------------------------------------------------------- */

static const struct {
	short fg, bg;
	attr_t extra;  /* added in colour */
	attr_t mono;   /* used alone without colour */
} roles[UI_ROLE_COUNT] = {
	[UI_ROLE_NORMAL] = {-1, -1, 0, 0},
	[UI_ROLE_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE},
	[UI_ROLE_HEADER] = {COLOR_CYAN, -1, A_BOLD, A_UNDERLINE},
	[UI_ROLE_SELECTED] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
	[UI_ROLE_OVERDUE] = {COLOR_RED, -1, A_BOLD, A_BOLD},
	[UI_ROLE_SOON] = {COLOR_YELLOW, -1, 0, A_UNDERLINE},
	[UI_ROLE_MISMATCH] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
	[UI_ROLE_QUEUED] = {COLOR_BLUE, -1, A_BOLD, A_BOLD},
	[UI_ROLE_TRAINING] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
	[UI_ROLE_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD},
	[UI_ROLE_OK] = {COLOR_GREEN, -1, 0, 0},
	[UI_ROLE_DIM] = {-1, -1, A_DIM, A_DIM},
	[UI_ROLE_LABEL] = {COLOR_CYAN, -1, 0, A_BOLD},
	[UI_ROLE_DIALOG] = {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE},
};

static void
colors_init(struct ui_app *app)
{
	const char *no_color = getenv("NO_COLOR");

	app->color = has_colors() && (no_color == NULL || no_color[0] == '\0');
	if (!app->color)
		return;
	start_color();
	use_default_colors();
	for (int r = 1; r < UI_ROLE_COUNT; r++)
		init_pair((short)r, roles[r].fg, roles[r].bg);
}

attr_t
ui_attr(const struct ui_app *app, enum ui_role role)
{
	if (role <= UI_ROLE_NORMAL || role >= UI_ROLE_COUNT)
		return A_NORMAL;
	if (!app->color)
		return roles[role].mono;
	return (attr_t)COLOR_PAIR(role) | roles[role].extra;
}

/* ---- screens ---------------------------------------------------------- */

void
ui_push(struct ui_app *app, struct ui_screen *s)
{
	s->below = app->top;
	app->top = s;
	app->dirty = true;
}

void
ui_pop(struct ui_app *app)
{
	struct ui_screen *s = app->top;

	if (s == NULL)
		return;
	app->top = s->below;
	s->ops->free(s);
	app->dirty = true;
}

void
ui_reload_all(struct ui_app *app)
{
	for (struct ui_screen *s = app->top; s != NULL; s = s->below)
		if (s->ops->reload != NULL)
			s->ops->reload(s, app);
	app->dirty = true;
}

void
ui_message(struct ui_app *app, enum ui_message_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->message, sizeof app->message, fmt, ap);
	va_end(ap);
	app->message_kind = kind;
	app->dirty = true;
}

void
ui_prompt_start(struct ui_app *app, const char *prefix, const char *initial,
		ui_prompt_change_fn *change, ui_prompt_done_fn *done, void *ctx)
{
	snprintf(app->prompt_prefix, sizeof app->prompt_prefix, "%s", prefix);
	ui_line_set(&app->prompt, initial);
	app->prompt_change = change;
	app->prompt_done = done;
	app->prompt_ctx = ctx;
	app->prompt_active = true;
	app->message[0] = '\0';
	app->dirty = true;
}

/* ---- per-system state for the status bar ------------------------------ */

void
ui_sources_refresh(struct ui_app *app)
{
	struct app_system sys;

	app->n_sources = 0;
	for (size_t i = 0; app->n_sources < UI_MAX_SOURCES && app_system(app->core, i, &sys);
	     i++) {
		struct ui_source_info *si = &app->sources[app->n_sources++];
		memset(si, 0, sizeof *si);
		snprintf(si->name, sizeof si->name, "%s", sys.name);
		si->last_ok_at = sys.last_ok_at;
		si->has_error = sys.last_error.code != MC_OK;
		si->online = sys.online;
	}
	{
		/* new arrivals: row ids after the last the clerk saw; cheap */
		struct store_query q;
		int64_t n = 0;

		app_query_init(app->core, &q, app->horizon.now);
		q.after_id = app_arrivals_since(app->core);
		app->arrivals = q.after_id > 0 && app_inbox_count(app->core, &q, 10000, &n) == 0
					? n
					: 0;
	}
	app->queued = app_queue_open_total(app->core);
	{
		int64_t c[STORE_OUTBOX_N_STATES] = {0};
		app->troubled = app_queue_counts(app->core, c) == 0
					? c[STORE_OUTBOX_CONFLICT] + c[STORE_OUTBOX_FAILED]
					: 0;
	}
	app->sources_at = app->now;
	app->dirty = true;
}

/* ---- layout and drawing ----------------------------------------------- */

void
ui_layout(struct ui_app *app)
{
	WINDOW **wins[] = {&app->title_win, &app->body_win, &app->status_win, &app->prompt_win,
			   &app->panel_win};
	int body, panel = app->exercise != NULL ? 2 : 0;

	for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++)
		if (*wins[i] != NULL) {
			delwin(*wins[i]);
			*wins[i] = NULL;
		}
	getmaxyx(stdscr, app->rows, app->cols);
	if (app->rows < 3 + panel + 8)
		panel = 0; /* too short: the inbox first */
	body = app->rows - 3 - panel;
	if (body < 1)
		body = 1;
	/* newwin(0, ...) would mean "to the edge": every height here is >= 1. */
	app->title_win = newwin(1, app->cols, 0, 0);
	app->body_win = newwin(body, app->cols, 1, 0);
	app->status_win = newwin(1, app->cols, app->rows >= 3 ? app->rows - 2 : 0, 0);
	app->prompt_win = newwin(1, app->cols, app->rows >= 2 ? app->rows - 1 : 0, 0);
	if (panel > 0)
		app->panel_win = newwin(panel, app->cols, 1 + body, 0);
	/* Let ncurses scroll the body with the terminal's own scrolling. */
	idlok(app->body_win, TRUE);
	app->dirty = true;
}

static void
draw_prompt(struct ui_app *app, int *cursor_x)
{
	WINDOW *w = app->prompt_win;
	char buf[2048];
	int x;

	*cursor_x = -1;
	if (app->prompt_active) {
		x = ui_put_text(w, 0, 0, app->cols, app->prompt_prefix, A_BOLD);
		ui_text_fit_tail(app->prompt.text, app->cols - x - 1, buf, sizeof buf);
		mvwaddstr(w, 0, x, buf);
		*cursor_x = x + ui_text_width(buf);
		if (app->prompt_hint[0] != '\0' && *cursor_x + 3 < app->cols)
			/* Tab's candidates, after what is typed */
			ui_put_text(w, 0, *cursor_x + 2, app->cols - *cursor_x - 2,
				    app->prompt_hint, ui_attr(app, UI_ROLE_DIM));
		return;
	}
	if (app->message[0] != '\0') {
		enum ui_role role = app->message_kind == UI_MSG_ERROR ? UI_ROLE_ERROR
				    : app->message_kind == UI_MSG_OK  ? UI_ROLE_OK
								      : UI_ROLE_NORMAL;
		ui_put_text(w, 0, 0, app->cols, app->message, ui_attr(app, role));
	}
}

static void
draw(struct ui_app *app)
{
	struct ui_screen *chain[16];
	int n = 0, cursor_x;

	werase(app->title_win);
	werase(app->body_win);
	werase(app->status_win);
	werase(app->prompt_win);
	if (app->cols < MIN_COLS || app->rows < MIN_ROWS) {
		ui_put_text(app->body_win, 0, 0, app->cols, _("Window too small"), A_BOLD);
	} else {
		ui_title_draw(app, app->title_win);
		for (struct ui_screen *s = app->top; s != NULL && n < 16; s = s->below) {
			chain[n++] = s;
			if (!s->ops->modal)
				break;
		}
		while (n-- > 0)
			chain[n]->ops->draw(chain[n], app, app->body_win);
		ui_statusbar_draw(app, app->status_win);
		if (app->panel_win != NULL)
			ui_exercise_draw(app, app->panel_win);
	}
	draw_prompt(app, &cursor_x);
	wnoutrefresh(app->title_win);
	wnoutrefresh(app->body_win);
	if (app->panel_win != NULL)
		wnoutrefresh(app->panel_win);
	wnoutrefresh(app->status_win);
	if (cursor_x >= 0) {
		curs_set(1);
		wmove(app->prompt_win, 0, cursor_x < app->cols ? cursor_x : app->cols - 1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(app->prompt_win);
	doupdate();
	app->dirty = false;
}

void
ui_redraw_now(struct ui_app *app)
{
	draw(app);
}

void
ui_whole_frames(void)
{
	/*
	 * Until its first endwin(), ncurses (6.4) flushes its output at every
	 * cursor move: a frame leaves as one write() per line, and the
	 * terminal - or an SSH link on 3G, one small packet each - can show
	 * the new title over the old rows.  Once resumed from endwin() it
	 * writes a frame from its buffer (about 2 KB at 80x24) in one go.
	 * Called before anything is drawn, so nothing flashes.
	 */
	endwin();
	refresh();
}

/* ---- keys ------------------------------------------------------------- */

static void
prompt_key(struct ui_app *app, int key)
{
	ui_prompt_done_fn *done = app->prompt_done;
	void *ctx = app->prompt_ctx;

	app->dirty = true;
	app->prompt_hint[0] = '\0';
	if (key == '\n' || key == '\r' || key == (UI_KEY_FN | KEY_ENTER) || key == 27) {
		app->prompt_active = false;
		if (done != NULL)
			done(app, app->prompt.text, key != 27, ctx);
		return;
	}
	if (key == '\t' && strcmp(app->prompt_prefix, "/") == 0) {
		/* the search: complete a filter's key or value (tt:, nguon:, han:) */
		char out[UI_LINE_MAX], choices[sizeof app->prompt_hint];
		int n = app_filter_complete(app->core, app->prompt.text, out, sizeof out, choices,
					    sizeof choices);
		if (n > 0 && strcmp(out, app->prompt.text) != 0) {
			ui_line_set(&app->prompt, out);
			if (app->prompt_change != NULL)
				app->prompt_change(app, app->prompt.text, ctx);
		}
		if (n > 1)
			snprintf(app->prompt_hint, sizeof app->prompt_hint, "%s", choices);
		return;
	}
	if (ui_line_key(&app->prompt, key) && app->prompt_change != NULL)
		app->prompt_change(app, app->prompt.text, ctx);
}

static int
global_key(struct ui_app *app, enum ui_action act)
{
	switch (act) {
	case UI_ACT_HELP:
		ui_push(app, ui_help_new(app));
		return UI_REDRAW;
	case UI_ACT_COMMAND:
		ui_prompt_start(app, ":", "", NULL, NULL, NULL);
		app->prompt_done = NULL;
		return UI_REDRAW;
	case UI_ACT_REDRAW:
		clearok(curscr, TRUE);
		return UI_REDRAW;
	case UI_ACT_HINT:
		ui_exercise_hint(app);
		return UI_REDRAW;
	case UI_ACT_DASHBOARD:
		return ui_command_run(app, "dashboard");
	case UI_ACT_QUEUE:
		return ui_command_run(app, "queue");
	case UI_ACT_SYNC:
		return ui_command_run(app, "sync");
	default:
		return 0;
	}
}

static void
quit_done(struct ui_app *app, bool yes, void *ctx)
{
	(void)ctx;
	if (yes)
		app->quit = true;
}

/*
 * Every way out of the console (q at the inbox, :q, q at the first
 * sign-in) comes here.  In a demo the training sandbox and everything the
 * trainee did go with the console, so it asks first, whichever screen is
 * on top; SIGTERM ends without asking.
 */
static void
quit_request(struct ui_app *app)
{
	if (app->opt->sandbox == NULL) {
		app->quit = true;
		return;
	}
	ui_push(app, ui_confirm_new(_("End the training?"),
				    _("The training sandbox and everything done in "
				      "it will be deleted. End the training?"),
				    quit_done, NULL));
	app->dirty = true;
}

static void
command_done(struct ui_app *app, const char *text, bool accepted, void *ctx)
{
	(void)ctx;
	if (accepted && app->top != NULL) {
		int flags = ui_command_run(app, text);
		if (flags & UI_QUIT)
			quit_request(app);
	}
}

static void
handle_key(struct ui_app *app, int key)
{
	enum ui_action act;
	int flags;

	if (app->prompt_active) {
		prompt_key(app, key);
		return;
	}
	if (app->message[0] != '\0') {
		app->message[0] = '\0';
		app->dirty = true;
	}
	if (app->top == NULL)
		return;
	app_lock_activity(app->core, app_now(app->core)); /* ignored while locked */
	act = ui_keymap_lookup(&app->keymap, key);
	flags = app->top->ops->key(app->top, app, key, act);
	if (flags & UI_UNHANDLED) {
		flags = global_key(app, act);
		if (act == UI_ACT_COMMAND)
			app->prompt_done = command_done;
	}
	if (flags & UI_QUIT)
		quit_request(app);
	else if (flags & UI_POP) {
		if (app->top->below == NULL)
			quit_request(app);
		else
			ui_pop(app);
	}
	if (flags & UI_REDRAW)
		app->dirty = true;
}

/*
 * A mouse event (config "mouse", on by default): the wheel moves as the
 * arrow keys do, three rows a notch; a click goes to the screen on top
 * (its click op) with body-window coordinates.  Nothing while locked or
 * while the prompt line is being typed in.
 */
static void
handle_mouse(struct ui_app *app)
{
	MEVENT ev;
	struct ui_screen *s = app->top;
	int by, bx, flags = 0;

	if (getmouse(&ev) != OK || s == NULL || app->prompt_active || ui_lock_is(s))
		return;
	app_lock_activity(app->core, app_now(app->core));
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		enum ui_action act = ev.bstate & BUTTON4_PRESSED ? UI_ACT_UP : UI_ACT_DOWN;
		for (int i = 0; i < 3 && s->ops->key != NULL; i++)
			flags |= s->ops->key(s, app, 0, act);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED) && s->ops->click != NULL) {
		getbegyx(app->body_win, by, bx);
		if (ev.y >= by && ev.y < by + getmaxy(app->body_win))
			flags = s->ops->click(s, app, ev.y - by, ev.x - bx,
					      (ev.bstate & BUTTON1_DOUBLE_CLICKED) != 0);
	}
	if (flags & UI_POP && s->below != NULL)
		ui_pop(app);
	if (flags & (UI_REDRAW | UI_POP))
		app->dirty = true;
}

/* Read every key waiting; returns how many. */
static int
read_keys(struct ui_app *app)
{
	wint_t wc;
	int r, n = 0;

	while (!app->quit && (r = wget_wch(stdscr, &wc)) != ERR) {
		int key;

		if (r == KEY_CODE_YES) {
			if (wc == KEY_RESIZE) {
				got_winch = 1;
				continue;
			}
			if (wc == KEY_MOUSE) {
				n++;
				handle_mouse(app);
				continue;
			}
			key = UI_KEY_FN | (int)wc;
		} else {
			key = (int)wc;
		}
		n++;
		handle_key(app, key);
	}
	return n;
}

static void
resize(struct ui_app *app)
{
	struct winsize ws;

	got_winch = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui_layout(app);
	/* The terminal's contents after a resize are unknown: paint it all. */
	clearok(curscr, TRUE);
	ui_reload_all(app);
}

/* ---- what runs beside the clerk --------------------------------------- */

/* The pass the clerk asked for (S) ended: what came, or which systems
 * could not be read and why - never "fetching..." left standing. */
static void
say_pass_end(struct ui_app *app)
{
	struct app_sync_report r[16];
	size_t n = app_sync_reports(app->core, r, 16);
	int64_t got = 0;
	char failed[256] = "", why[512] = "";
	size_t len = 0;
	int n_failed = 0;

	for (size_t i = 0; i < n && i < 16; i++) {
		if (!r[i].ran)
			continue;
		got += r[i].n_new + r[i].n_changed;
		if (r[i].ok || r[i].error == NULL)
			continue;
		if (n_failed++ == 0)
			words_err_short(r[i].error, why, sizeof why);
		len += (size_t)snprintf(failed + len, len < sizeof failed ? sizeof failed - len : 0,
					"%s%s", len > 0 ? ", " : "", r[i].name);
		if (len >= sizeof failed)
			len = sizeof failed - 1;
	}
	if (n_failed == 0)
		ui_message(app, UI_MSG_OK, _("Fetched from every system: %lld new or changed."),
			   (long long)got);
	else if (n_failed == 1)
		ui_message(app, UI_MSG_ERROR, _("Not fetched from %s: %s"), failed, why);
	else
		ui_message(app, UI_MSG_ERROR, _("Not fetched from %s (%s); the others: %lld new or "
						"changed."), failed, why, (long long)got);
}

/* Once per loop turn, after the wait: the app's turn, then what changed. */
static void
watch_turn(struct ui_app *app)
{
	struct app_training *sbx = app->opt->sandbox;
	mc_time now = app_now(app->core);
	unsigned ch = app_turn(app->core, now);
	struct app_progress p;
	bool busy;

	if (ch & (APP_CHANGED_DOSSIERS | APP_CHANGED_QUEUE))
		ui_reload_all(app);
	if (ch & (APP_CHANGED_DOSSIERS | APP_CHANGED_QUEUE | APP_CHANGED_SYSTEMS))
		ui_sources_refresh(app);
	if (ch & (APP_CHANGED_SIGNING | APP_CHANGED_DOWNLOAD))
		app->dirty = true;
	busy = app_progress(app->core, &p);
	if (busy != app->syncing || (busy && memcmp(&p, &app->progress, sizeof p) != 0)) {
		bool ended = app->syncing && !busy;
		app->syncing = busy;
		if (busy)
			app->progress = p;
		app->dirty = true;
		if (ended)
			ui_sources_refresh(app); /* online marks and ages */
		if (ended && app->sync_asked) {
			app->sync_asked = false;
			say_pass_end(app);
		}
	}
	if (sbx != NULL && !app->sandbox_down && now != app->sandbox_checked) {
		int code = 0, how = app_training_state(sbx, &code);

		app->sandbox_checked = now;
		if (how != 0) {
			app->sandbox_down = true;
			app->sandbox_how = how;
			app->sandbox_code = code;
			app->dirty = true;
		}
	}
}

/* ---- the screen lock -------------------------------------------------- */

static int
env_seconds(const char *name, int fallback)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || v[0] == '\0')
		return fallback;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0 || n > 7 * 24 * 3600)
		return fallback;
	return (int)n;
}

static void
lock_init(struct ui_app *app)
{
	const struct config *cfg = app_config(app->core);
	int idle = cfg->lock_idle_minutes > 0 ? cfg->lock_idle_minutes * 60 : 0;
	int grace = cfg->lock_grace_minutes > 0 ? cfg->lock_grace_minutes * 60 : 0;

	app_lock_set(app->core, env_seconds("MOTCUA_LOCK_IDLE_SECONDS", idle),
		     env_seconds("MOTCUA_LOCK_GRACE_SECONDS", grace));
	app_lock_activity(app->core, app_now(app->core));
}

/* Lock when idle long enough; never over the first sign-in (it shows no data). */
static void
lock_turn(struct ui_app *app, mc_time now)
{
	bool covered = false;

	if (app->top != NULL && ui_signin_is(app->top) && app->top->below != NULL &&
	    !ui_lock_is(app->top->below)) {
		app_lock_activity(app->core, now);
		return;
	}
	if (!app_lock_check(app->core, now))
		return;
	for (struct ui_screen *s = app->top; s != NULL; s = s->below)
		covered = covered || ui_lock_is(s);
	if (!covered)
		ui_lock_engage(app);
}

void
ui_lock_now(struct ui_app *app)
{
	app_lock_now(app->core, app_now(app->core));
	ui_lock_engage(app);
}

/* ---- run -------------------------------------------------------------- */

/* The due classes' thresholds at `now` (the one rule, app_horizon), and the
 * yearly notices missing on that day: both move with the clock. */
static void
horizon_update(struct ui_app *app, mc_time now)
{
	app_horizon(app->core, now, &app->horizon);
	app->n_notices_missing = app_notices_missing(app->core, now, app->notices_missing);
}

static void
app_free_screens(struct ui_app *app)
{
	while (app->top != NULL)
		ui_pop(app);
}

static char *
dup_printf(const char *fmt, const char *arg)
{
	size_t n = strlen(fmt) + strlen(arg) + 1;
	char *s = xmalloc(n);

	snprintf(s, n, fmt, arg);
	return s;
}

int
ui_run(const struct ui_options *opt, char **cause)
{
	struct ui_app app;
	SCREEN *scr = NULL;
	int rc = -1, idle_wakeups = 0;
	char *kerr = NULL;
	const struct config *cfg;

	memset(&app, 0, sizeof app);
	app.opt = opt;
	app.core = opt->app;
	app.queued = -1;
	app.now = app_now(app.core);
	horizon_update(&app, app.now);
	cfg = app_config(app.core);

	setlocale(LC_ALL, "");
	app.unicode = ui_text_init();
	ui_i18n_init(opt->language != NULL ? opt->language : cfg->language);
	if (opt->language != NULL)
		ui_i18n_set(opt->language); /* --lang wins over the environment */
	ui_keymap_init(&app.keymap);
	if (ui_keymap_apply(&app.keymap, cfg->keys, cfg->n_keys, &kerr) != 0) {
		const char *path = app_paths(app.core)->config_file;
		*cause = xasprintf("%s: %s", path != NULL ? path : "config.json", kerr);
		free(kerr);
		return -1;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = dup_printf("%s", "the console needs a terminal (stdin and stdout)");
		return -1;
	}
	have_tios = tcgetattr(STDIN_FILENO, &saved_tios) == 0;
	signal_app = opt->app;
	signals_install();
	/* A short Esc: q and Esc both go back, and Esc must not feel slow. */
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		const char *term = getenv("TERM");
		*cause = dup_printf("cannot use the terminal (TERM=%s)", term != NULL ? term : "");
		goto out;
	}
	xalloc_set_fatal_hook(on_oom);
	restore_len = 0;
	add_cap("sgr0");
	add_cap("cnorm");
	add_cap("rmkx");
	add_cap("rmcup");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	if (app_config(app.core)->mouse) {
		/* clicks, double clicks and the wheel; the terminal's own
		 * selection still works with Shift held */
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
				  BUTTON5_PRESSED,
			  NULL);
		mouseinterval(300);
	}
	colors_init(&app);
	curs_set(0);
	/* once, too: stdscr is never drawn on, so wget_wch never repaints it */
	ui_whole_frames();
	app.exercise = opt->exercise;
	ui_layout(&app);

	app.inbox = NULL;
	lock_init(&app);
	if (opt->notice != NULL)
		ui_message(&app, UI_MSG_INFO, "%s", opt->notice);
	ui_push(&app, ui_inbox_new(&app));
	if (app_signin_available(app.core)) {
		/* nothing is pulled or sent before the first sign-in: no tokens yet */
		app_hold(app.core, true);
		ui_push(&app, ui_signin_new(&app));
	}

	while (!app.quit && !got_quit) {
		mc_time now = app_now(app.core);
		int in;

		if (got_winch)
			resize(&app);
		if (now / 60 != app.now / 60) {
			horizon_update(&app, now);
			ui_reload_all(&app); /* due classes and ages move with the clock */
		}
		app.now = now;
		lock_turn(&app, now);
		if (app.top != NULL && app.top->ops->tick != NULL) {
			int flags = app.top->ops->tick(app.top, &app);
			if (flags & UI_QUIT)
				quit_request(&app);
			else if ((flags & UI_POP) && app.top->below != NULL) {
				ui_pop(&app);
				ui_reload_all(&app);
			}
			if (flags & UI_REDRAW)
				app.dirty = true;
		}
		if (app.dirty)
			draw(&app);
		/* After the first paint, so the first screen is not kept waiting. */
		if (app.sources_at == 0 || now - app.sources_at >= SOURCES_EVERY) {
			ui_sources_refresh(&app);
			continue;
		}
		/* a signing step waits for the next turn: no sleep before it */
		in = app_wait(app.core, app_sign_busy(app.core) ? 0 : TICK_MS, STDIN_FILENO);
		if (in < 0) {
			*cause = dup_printf("%s", "the network loop failed");
			goto out;
		}
		watch_turn(&app);
		{
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ui_exercise_turn(&app, (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
		}
		if (in > 0) {
			if (read_keys(&app) == 0 && !got_winch) {
				/* Readable but no key, again and again: the terminal is gone. */
				if (++idle_wakeups > 100)
					break;
			} else {
				idle_wakeups = 0;
			}
		}
	}
	rc = 0;
out:
	app_free_screens(&app);
	if (scr != NULL) {
		WINDOW *wins[] = {app.title_win, app.body_win, app.status_win, app.prompt_win,
				  app.panel_win};
		for (size_t i = 0; i < sizeof wins / sizeof wins[0]; i++)
			if (wins[i] != NULL)
				delwin(wins[i]);
		endwin();
		delscreen(scr);
	}
	if (app.exercise_owned)
		app_exercise_free(app.exercise);
	xalloc_set_fatal_hook(NULL);
	signals_restore();
	signal_app = NULL;
	got_quit = 0;
	return rc;
}
