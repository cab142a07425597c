/*
 * trainer.c - the trainer's screen of a class (motcua demo --trainer URL):
 * one row per seat of motcua-sandbox --class N with its exercise, the step
 * it is at, the time so far, the hints asked for and the mistakes the
 * sandbox saw, read from BASE/class every two seconds.  A seat stuck on a
 * step (over three minutes on it, or three mistakes) stands out.  When a
 * reading fails, the last table stays, with why and the time it is from, so
 * one slow answer never blanks the class.  q quits.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "app/exercise.h"
#include "core/xalloc.h"
#include "ui/console.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

#define MAX_SEATS 40
#define EVERY_MS 2000
#define STUCK_S 180
#define STUCK_MISTAKES 3

static void
put(int y, int x, int cols, const char *s, attr_t a)
{
	char buf[1024];

	if (cols <= 0)
		return;
	ui_text_fit(s, cols, false, buf, sizeof buf);
	attron(a);
	mvaddstr(y, x, buf);
	attroff(a);
}

/*
 * The table of the last good reading (n seats, read at `at`; n < 0 when
 * none came yet) and, when the latest reading failed, why.
 */
static void
draw(const char *url, const struct app_class_seat *seats, int n, time_t at, const char *why)
{
	int rows, cols, y = 2;
	char line[512];

	getmaxyx(stdscr, rows, cols);
	erase();
	snprintf(line, sizeof line, _("Class at %s: %d seats"), url, n < 0 ? 0 : n);
	put(0, 0, cols, line, A_BOLD | A_REVERSE);
	for (int x = ui_text_width(line); x < cols; x++)
		mvaddch(0, x, ' ' | A_REVERSE);
	put(1, 0, cols, _("Seat  Step    Time    Hints  Mistakes  Exercise"), A_BOLD);
	for (int i = 0; i < n && y < rows - 2; i++, y++) {
		const struct app_exercise_status *st = &seats[i].st;
		char step[32];
		bool stuck = st->active && !st->done &&
			     (st->mistakes >= STUCK_MISTAKES || st->step_s >= STUCK_S);

		if (!st->active)
			snprintf(step, sizeof step, "%s", "-");
		else if (st->done)
			snprintf(step, sizeof step, "%s", _("done"));
		else
			snprintf(step, sizeof step, "%d/%d", st->step, st->n_steps);
		snprintf(line, sizeof line, "%-5d %-7s %3lld:%02lld  %5d  %8d  %s", seats[i].seat, step,
			 (long long)(st->elapsed_s / 60), (long long)(st->elapsed_s % 60), st->hints,
			 st->mistakes,
			 st->active ? ui_i18n_pick(st->title_vi, st->title_en) : _("(no exercise)"));
		put(y, 0, cols, line, st->done ? A_BOLD : stuck ? A_STANDOUT : A_NORMAL);
	}
	if (why[0] != '\0' && n < 0) {
		put(y, 0, cols, why, A_BOLD);
	} else if (why[0] != '\0') {
		char hhmm[16];

		strftime(hhmm, sizeof hhmm, "%H:%M:%S", localtime(&at));
		snprintf(line, sizeof line, _("As of %s; the class did not answer since: %s"), hhmm,
			 why);
		put(rows - 2, 0, cols, line, A_BOLD);
	}
	put(rows - 1, 0, cols, _("q: quit   (motcua demo --trainer URL --csv: the same as CSV)"),
	    A_DIM);
	refresh();
}

int
ui_trainer_run(const char *url, char **cause)
{
	struct app_class_seat *seats = xcalloc(MAX_SEATS, sizeof *seats);
	struct app_class_seat *next = xcalloc(MAX_SEATS, sizeof *next);
	char why[256];
	int n = -1;
	time_t at = 0;

	*cause = NULL;
	setlocale(LC_ALL, "");
	ui_text_init();
	if (initscr() == NULL) {
		*cause = xstrdup("this terminal cannot be used");
		free(next);
		free(seats);
		return -1;
	}
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	timeout(EVERY_MS);
	for (;;) {
		int key, got = app_class_read(url, next, MAX_SEATS, 1500, why, sizeof why);

		if (got >= 0) {
			struct app_class_seat *t = seats;

			seats = next;
			next = t;
			n = got;
			at = time(NULL);
			why[0] = '\0';
		}
		draw(url, seats, n, at, why);
		key = getch();
		if (key == 'q' || key == 27)
			break;
	}
	endwin();
	free(next);
	free(seats);
	return 0;
}
