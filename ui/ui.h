/*
 * ui.h - what the console's screens share: the app (loop, windows, stack of
 * screens, colours, the prompt line) and the screen vtable.
 *
 * Internal to ui/ (it includes curses.h).  Layout, top to bottom: one title
 * line, the body (the screens draw here), the status bar, and the prompt
 * line (messages, the ':' command line and the '/' search box).
 *
 * A screen is a struct whose first member is struct ui_screen.  Key handlers
 * change state (and may read the store); draw functions only read state and
 * never do I/O.  Handlers return UI_* flags; the app redraws once per loop
 * turn when something asked for it.
 */
#ifndef MOTCUA_UI_UI_H
#define MOTCUA_UI_UI_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "ui/console.h"
#include "ui/keymap.h"

struct ui_app;
struct ui_screen;
struct ui_inbox;

enum ui_flags {
	UI_REDRAW = 1 << 0,    /* something on screen changed */
	UI_POP = 1 << 1,       /* close this screen */
	UI_QUIT = 1 << 2,      /* leave the console */
	UI_UNHANDLED = 1 << 3, /* not mine: let the app try (help, ':', ...) */
};

struct ui_screen_ops {
	const char *name;
	/* Draw into the body window (already erased). */
	void (*draw)(struct ui_screen *s, struct ui_app *app, WINDOW *win);
	/* A key (code point or UI_KEY_FN|KEY_x) and the action bound to it. */
	int (*key)(struct ui_screen *s, struct ui_app *app, int key, enum ui_action act);
	/* Title line text (translated); may be NULL. */
	const char *(*title)(struct ui_screen *s, struct ui_app *app);
	/* Reload from the store (language switch, data changed); may be NULL. */
	void (*reload)(struct ui_screen *s, struct ui_app *app);
	/* Once per loop turn (timers, progress); returns UI_* flags; may be NULL. */
	int (*tick)(struct ui_screen *s, struct ui_app *app);
	/* Free the screen itself. */
	void (*free)(struct ui_screen *s);
	/* Drawn over the screen below it (a dialog) rather than instead of it. */
	bool modal;
	/* A click at (y, x) of the body window, `twice` for a double click;
	 * returns UI_* flags; NULL: clicks do nothing here (the wheel still
	 * moves, as the arrow keys). */
	int (*click)(struct ui_screen *s, struct ui_app *app, int y, int x, bool twice);
};

struct ui_screen {
	const struct ui_screen_ops *ops;
	struct ui_screen *below;
};

/* What draws how: colour when there is colour, else an attribute. */
enum ui_role {
	UI_ROLE_NORMAL = 0,
	UI_ROLE_TITLE,
	UI_ROLE_HEADER,     /* column headings */
	UI_ROLE_SELECTED,   /* the highlighted row */
	UI_ROLE_OVERDUE,
	UI_ROLE_SOON,
	UI_ROLE_MISMATCH,
	UI_ROLE_QUEUED,
	UI_ROLE_TRAINING,
	UI_ROLE_ERROR,
	UI_ROLE_OK,
	UI_ROLE_DIM,
	UI_ROLE_LABEL,      /* field labels in the detail */
	UI_ROLE_DIALOG,
	UI_ROLE_COUNT
};

/* A one-line editor (prompt line, dialog fields). */
#define UI_LINE_MAX 512
struct ui_line {
	char text[UI_LINE_MAX];
	size_t len;
};
void ui_line_clear(struct ui_line *l);
void ui_line_set(struct ui_line *l, const char *text);
/*
 * Apply an editing key: a printable character is appended, Backspace removes
 * the last letter whole (NFC or NFD), C-u clears, C-w removes the last word.
 * Returns true when the key was an editing key.
 */
bool ui_line_key(struct ui_line *l, int key);

/* The prompt line's owner: called on each change and at the end. */
typedef void ui_prompt_change_fn(struct ui_app *app, const char *text, void *ctx);
typedef void ui_prompt_done_fn(struct ui_app *app, const char *text, bool accepted, void *ctx);

enum ui_message_kind { UI_MSG_INFO, UI_MSG_ERROR, UI_MSG_OK };

struct ui_source_info {
	char name[32];
	mc_time last_ok_at;
	bool has_error;
	bool online;
};
#define UI_MAX_SOURCES 16

struct ui_app {
	const struct ui_options *opt;
	struct app *core;       /* the application: everything but the screens */
	struct ui_keymap keymap;
	struct ui_screen *top;
	struct ui_inbox *inbox; /* the bottom screen, for :sort, :view, n/N in the detail */
	WINDOW *title_win, *body_win, *status_win, *prompt_win;
	int rows, cols;
	bool color;
	bool unicode;           /* UTF-8 locale: symbols like "≠" and "…" */
	mc_time now;
	/* Overdue / coming due thresholds, recomputed once a minute (app.c); the
	 * inbox and the dashboard query the store with them. */
	struct deadline_horizon horizon;
	bool dirty;
	bool quit;

	/* Prompt line. */
	bool prompt_active;
	char prompt_prefix[16];
	struct ui_line prompt;
	ui_prompt_change_fn *prompt_change;
	ui_prompt_done_fn *prompt_done;
	void *prompt_ctx;
	char prompt_hint[256];  /* Tab's candidates in the search, shown after the text */
	char message[256];
	enum ui_message_kind message_kind;

	/* Status bar model, refreshed from the app. */
	struct ui_source_info sources[UI_MAX_SOURCES];
	size_t n_sources;
	int64_t queued;         /* -1: unknown */
	int64_t troubled;       /* of those, conflicts and refusals */
	int64_t arrivals;       /* dossiers new since the clerk last looked */
	mc_time sources_at;
	bool syncing;           /* a pass is under way: progress below */
	bool sync_asked;              /* the clerk asked (S): say how it ended */
	struct app_progress progress;

	/* Years whose notice of days off is missing (app_notices_missing: this
	 * year's, from 1 December next year's too), re-read once a minute:
	 * said in the status bar where there is room. */
	int notices_missing[2];
	size_t n_notices_missing;

	/* The sandbox behind a training console stopped: said in the status bar. */
	bool sandbox_down;
	int sandbox_how, sandbox_code;
	mc_time sandbox_checked;

	/* The training exercise (ui/exercise.c): the panel above the status bar. */
	struct app_exercise *exercise; /* NULL: none, no panel */
	bool exercise_owned;           /* started with :exercise: freed at the end */
	uint64_t exercise_polled_ms;
	unsigned long exercise_sig;    /* what the panel showed last */
	WINDOW *panel_win;             /* NULL without an exercise */

	/* The screen lock is the app's (app/signin.h); the lock screen is ours. */
};

/* ---- app.c ---- */
/* Lay the windows out again (a resize, the exercise panel coming). */
void ui_layout(struct ui_app *app);
void ui_push(struct ui_app *app, struct ui_screen *s);
/* Close the top screen (freeing it). */
void ui_pop(struct ui_app *app);
void ui_message(struct ui_app *app, enum ui_message_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ui_prompt_start(struct ui_app *app, const char *prefix, const char *initial,
		     ui_prompt_change_fn *change, ui_prompt_done_fn *done, void *ctx);
attr_t ui_attr(const struct ui_app *app, enum ui_role role);
/* Draw now, inside a handler that is about to block (signing). */
void ui_redraw_now(struct ui_app *app);
/* Frames leave as one write, not one per line (curses started, nothing drawn). */
void ui_whole_frames(void);
/* Reload every screen (after :lang or a data change). */
void ui_reload_all(struct ui_app *app);
/* Re-read the per-system state for the status bar. */
void ui_sources_refresh(struct ui_app *app);

/* Text helpers: draw `s` fitted to `cols` columns at (y, x), padded. */
void ui_put(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr);
/* Same without padding; returns the columns drawn. */
int ui_put_text(WINDOW *w, int y, int x, int cols, const char *s, attr_t attr);
/* A symbol with an ASCII stand-in for non-UTF-8 terminals. */
const char *ui_sym(const struct ui_app *app, const char *utf8, const char *ascii);
/* "12/03 15:00", "12/03/2026", "3 ngày" - time formatting in local time. */
char *ui_fmt_due(mc_time t, char *buf, size_t size);
char *ui_fmt_date(mc_time t, char *buf, size_t size);
char *ui_fmt_datetime(mc_time t, char *buf, size_t size);
/* Age like "5ph", "3h", "2d" (translated units); "-" when never. */
char *ui_fmt_age(mc_time then, mc_time now, char *buf, size_t size);
/*
 * Split text into at most `max` lines of at most `cols` columns, breaking at
 * spaces (a word longer than a line is cut).  Returns the number of lines.
 */
int ui_wrap(const char *text, int cols, char lines[][256], int max);
/* "1,5 MB" */
char *ui_fmt_size(int64_t bytes, char *buf, size_t size);
/* "150.000 đ" */
char *ui_fmt_money(int64_t amount, char *buf, size_t size);

/* ---- statusbar.c ---- */
void ui_statusbar_draw(struct ui_app *app, WINDOW *w);
void ui_title_draw(struct ui_app *app, WINDOW *w);

/* ---- screens ---- */
struct ui_screen *ui_inbox_new(struct ui_app *app);
/* The code of the row `delta` away from the selection (moving it); NULL at an end. */
const char *ui_inbox_step(struct ui_inbox *in, struct ui_app *app, int delta);
int ui_inbox_set_sort(struct ui_inbox *in, struct ui_app *app, const char *name, bool desc);
int ui_inbox_set_view(struct ui_inbox *in, struct ui_app *app, const char *name);
/* :save NAME - the current view and search saved as a view of that name
 * (config.json "views"), then shown.  0, or -1 with *err. */
int ui_inbox_save_view(struct ui_inbox *in, struct ui_app *app, const char *name,
		       struct mc_err *err);
/* View i (0-based): its label (translated) and *name (for ":view NAME"),
 * or NULL past the last; both static or the inbox's. */
const char *ui_inbox_view(struct ui_inbox *in, struct ui_app *app, size_t i, const char **name);
/* The codes marked with Space (borrowed until the marks change), and
 * clearing them. */
size_t ui_inbox_marked(const struct ui_inbox *in, const char *const **codes);
void ui_inbox_clear_marks(struct ui_inbox *in);
/* Unmark one dossier (a batch's success). */
void ui_inbox_unmark(struct ui_inbox *in, const char *code);
/* Short translated label of a canonical status, for columns. */
const char *ui_status_short(int status);

struct ui_screen *ui_detail_new(struct ui_app *app, const char *code);
/* Show code in the detail s (in place; the same code: to its top); false
 * when s is not a detail. */
bool ui_detail_show(struct ui_screen *s, struct ui_app *app, const char *code);
struct ui_screen *ui_help_new(struct ui_app *app);
struct ui_screen *ui_signin_new(struct ui_app *app);
/* Over the lock screen: a new phone approval; success unlocks, q goes back. */
struct ui_screen *ui_signin_reapprove_new(struct ui_app *app);
bool ui_signin_is(const struct ui_screen *s);

/* dashboard.c: counts per system, status and area; due; on-time rate; bytes. */
struct ui_screen *ui_dashboard_new(struct ui_app *app);
bool ui_dashboard_is(const struct ui_screen *s);

/* queue.c: the offline queue's entries, states, errors; conflicts side by side. */
struct ui_screen *ui_queue_new(struct ui_app *app);
bool ui_queue_is(const struct ui_screen *s);

/* lock.c: cover everything with the lock screen (app->lock already locked). */
void ui_lock_engage(struct ui_app *app);
/* Lock at once (:lock). */
void ui_lock_now(struct ui_app *app);
bool ui_lock_is(const struct ui_screen *s);

/* dialog.c: modal dialogs */
typedef void ui_confirm_fn(struct ui_app *app, bool yes, void *ctx);
struct ui_screen *ui_confirm_new(const char *title, const char *text, ui_confirm_fn *fn,
				 void *ctx);
/* The actions dialog for a dossier in `status` (then fields, confirm, outbox). */
struct ui_screen *ui_actions_new(struct ui_app *app, const char *code, int status);
/*
 * viewer.c: a downloaded file opened for reading - the desktop's viewer
 * (xdg-open, with a DISPLAY or WAYLAND_DISPLAY), else a text file in
 * $PAGER (less, more) on this terminal, else the first mailcap entry for
 * its type (app/mailcap.h) on this terminal, the console waiting for
 * either and repainted after; else nowhere (the caller says where it is).
 * UI_VIEW_FAILED: the pager or the mailcap viewer could not start or
 * failed, *why says which and how; the screen is the console's again
 * either way.
 */
enum ui_view_result { UI_VIEW_NONE, UI_VIEW_DESKTOP, UI_VIEW_PAGER, UI_VIEW_MAILCAP,
		      UI_VIEW_FAILED };
struct ui_view_failure {
	char program[64]; /* as $PAGER or the mailcap entry names it (cut) */
	bool mailcap;     /* a mailcap entry's viewer, not the pager */
	int error;        /* errno when it could not be started (ENOENT: not found) */
	int status;       /* its exit status, or -N when signal N ended it */
};
enum ui_view_result ui_view_file(const char *path, struct ui_view_failure *why);
/* The one-line message for UI_VIEW_FAILED, the file saved at path. */
void ui_view_failed(struct ui_app *app, const struct ui_view_failure *why, const char *path);
/* Copy text to the terminal's clipboard (OSC 52): false when not even
 * tried (the Linux console, MOTCUA_NO_OSC52, empty or too long). */
bool ui_clipboard_copy(const char *text);
/* y: the dossier's code copied, and shown on the message line. */
void ui_copy_code(struct ui_app *app, const char *code);
/* u: take back the last action on `code` if not yet sent (only: that
 * queue entry; 0: the last), said on the message line. */
void ui_undo(struct ui_app *app, const char *code, int64_t only);
/* The same action for every marked dossier (a, with marks). */
struct ui_screen *ui_actions_batch_new(struct ui_app *app, const char *const *codes, size_t n);

/*
 * sign.c: "Ký và trả kết quả" for these dossiers (copied): the result
 * files, the signer, the PIN/OTP, then one queued return-result each; a
 * refusal before any PIN goes to the message line.
 */
void ui_sign_start(struct ui_app *app, const char *const *codes, size_t n);

/* cmdline.c: the ':' commands, as the help lists them: command i's syntax
 * (":NAME[, :ALIAS] ARGS", the words as typed) into syntax, and what it
 * does, translated, returned (static). */
size_t ui_command_count(void);
const char *ui_command_help(size_t i, char *syntax, size_t size);
/* cmdline.c: run one ':' command line; returns UI_* flags. */
int ui_command_run(struct ui_app *app, const char *line);

/* ---- exercise.c ---- */
void ui_exercise_draw(struct ui_app *app, WINDOW *w);
/* Each turn of the loop: ask the sandbox once a second, redraw on news. */
void ui_exercise_turn(struct ui_app *app, uint64_t now_ms);
void ui_exercise_hint(struct ui_app *app);
/* :exercise NAME: load it into the demo's sandbox.  0, or -1 (said). */
int ui_exercise_start(struct ui_app *app, const char *name);

#endif
