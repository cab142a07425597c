/*
 * console.h - the clerk's console, as the command line starts it.
 *
 * ui_run() takes over the terminal (ncursesw), runs the one loop - the
 * app's wait on the network and stdin together, then one app_turn() - until
 * the clerk quits, and gives the terminal back as it found it, also on
 * SIGINT, SIGTERM, SIGHUP, a fatal signal or running out of memory.  What
 * runs beside the clerk (the pull, the replay, the audit log, downloads,
 * signing) is the application's (app/app.h); the console draws screens from
 * the app's read model and maps keys to the app's calls, nothing else.
 *
 * This header has no curses types: src/cli includes it.
 */
#ifndef MOTCUA_UI_CONSOLE_H
#define MOTCUA_UI_CONSOLE_H

#include <stdbool.h>

#include "app/app.h"
#include "app/training.h"

struct ui_options {
	struct app *app;              /* required; borrowed */
	bool training;                /* the sandbox: TRAINING banner */
	struct app_training *sandbox; /* the training sandbox behind it (motcua demo); NULL */
	struct app_exercise *exercise; /* its exercise, followed in a panel (borrowed); NULL */
	const char *language;         /* --lang "vi"/"en", or NULL (the environment, config) */
	const char *notice;           /* one line shown when the console opens; may be NULL */
};

/*
 * Run the console until the clerk quits.  Returns 0, or -1 with *cause
 * (malloc'd) when the terminal cannot be used (not a tty, too small) or a
 * key binding in the configuration is wrong; the terminal is restored.
 */
int ui_run(const struct ui_options *opt, char **cause);

/*
 * `motcua console [--training] [--lang vi|en] [--config FILE]`, and
 * `motcua` with no command: open the application (the store in the data
 * folder, the remembered sign-in, the systems) and run the console.  Exit
 * codes as in cli.h.
 */
int cmd_console(int argc, char **argv);

/* The trainer's screen of a class at url (motcua-sandbox --class N) until q.
 * 0, or -1 with *cause (malloc'd). */
int ui_trainer_run(const char *url, char **cause);

#endif
