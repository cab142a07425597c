/*
 * trainer.c - the trainer's screen of a class (motcua demo --trainer URL):
 * one row per seat of motcua-sandbox --class N with its exercise, the step
 * it is at, the time so far, the hints asked for and the mistakes the
 * sandbox saw, read from BASE/class every two seconds.  A seat stuck on a
 * step (over three minutes on it, or three mistakes) stands out.  When a
 * reading fails, the last table stays, with why and the time it is from, so
 * one slow answer never blanks the class.  A class taller than the terminal
 * scrolls (arrows, j/k, PgUp/PgDn, Home/End); keys never wait for a
 * reading.  q quits.
 */
#include <locale.h>
#include <stdint.h>
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

/* Rows of the table a terminal of `rows` rows shows. */
static int
table_rows(int rows)
{
	return rows > 4 ? rows - 4 : 1;
}

/*
 * The table of the last good reading (n seats, read at `at`; n < 0 when
 * none came yet) from seat index `top` on and, when the latest reading
 * failed, why.
 */
static void
draw(const char *url, const struct app_class_seat *seats, int n, int top, time_t at,
     const char *why)
{
	int rows, cols, y = 2, shown;
	char line[512];

	getmaxyx(stdscr, rows, cols);
	erase();
	shown = n - top < table_rows(rows) ? n - top : table_rows(rows);
	if (n > 0 && shown < n)
		snprintf(line, sizeof line, _("Class at %s: %d seats (%d-%d shown)"), url, n, top + 1,
			 top + shown);
	else
		snprintf(line, sizeof line, _("Class at %s: %d seats"), url, n < 0 ? 0 : n);
	put(0, 0, cols, line, A_BOLD | A_REVERSE);
	for (int x = ui_text_width(line); x < cols; x++)
		mvaddch(0, x, ' ' | A_REVERSE);
	put(1, 0, cols, _("Seat  Step    Time    Hints  Mistakes  Exercise"), A_BOLD);
	for (int i = top; i < n && y < rows - 2; i++, y++) {
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
	put(rows - 1, 0, cols,
	    n > table_rows(rows)
		    ? _("q: quit   arrows, PgUp, PgDn: the other seats   (--csv: the same as CSV)")
		    : _("q: quit   (motcua demo --trainer URL --csv: the same as CSV)"),
	    A_DIM);
	refresh();
}

/* The first seat shown after `key` (a scroll key, or a resize: kept in range). */
static int
scroll_to(int key, int top, int n)
{
	int page = table_rows(getmaxy(stdscr)), last = n - page > 0 ? n - page : 0;

	switch (key) {
	case KEY_DOWN:
	case 'j':
		top++;
		break;
	case KEY_UP:
	case 'k':
		top--;
		break;
	case KEY_NPAGE:
	case ' ':
		top += page;
		break;
	case KEY_PPAGE:
		top -= page;
		break;
	case KEY_HOME:
	case 'g':
		top = 0;
		break;
	case KEY_END:
	case 'G':
		top = last;
		break;
	default:
		break;
	}
	return top < 0 ? 0 : top > last ? last : top;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
ui_trainer_run(const char *url, char **cause)
{
	struct app_class_seat *seats = xcalloc(MAX_SEATS, sizeof *seats);
	struct app_class_seat *next = xcalloc(MAX_SEATS, sizeof *next);
	char why[256];
	int n = -1, top = 0;
	time_t at = 0;
	uint64_t read_at = 0;

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
	ui_whole_frames();
	for (;;) {
		uint64_t now = mono_ms();
		int key;

		if (read_at == 0 || now - read_at >= EVERY_MS) {
			int got = app_class_read(url, next, MAX_SEATS, 1500, why, sizeof why);

			read_at = mono_ms();
			if (got >= 0) {
				struct app_class_seat *t = seats;

				seats = next;
				next = t;
				n = got;
				at = time(NULL);
				why[0] = '\0';
			}
			now = read_at;
		}
		top = scroll_to(0, top, n);
		draw(url, seats, n, top, at, why);
		timeout((int)(EVERY_MS - (now - read_at)));
		key = getch();
		if (key == 'q' || key == 27)
			break;
		top = scroll_to(key, top, n);
	}
	endwin();
	free(next);
	free(seats);
	return 0;
}
