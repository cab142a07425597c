/*
 * cli_trainer.c - `motcua demo --trainer URL [--csv]`: a class's progress,
 * on the trainer's screen (ui/trainer.c) or once as CSV for the training
 * record (RFC 4180, UTF-8 with a byte order mark, as export does): seat,
 * exercise, step, steps, done, seconds, hints, the steps that needed one,
 * mistakes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/exercise.h"
#include "cli/cli.h"
#include "core/csv.h"
#include "core/xalloc.h"
#include "ui/console.h"
#include "ui/i18n.h"

#define MAX_SEATS 40

int
cli_trainer_run(const char *url, const char *lang)
{
	char *cause = NULL;
	int rc;

	(void)lang; /* set by the caller */
	rc = ui_trainer_run(url, &cause);
	if (rc != 0) {
		rc = cli_fail("demo", "%s", cause != NULL ? cause : "");
		free(cause);
		return rc;
	}
	return CLI_OK;
}

int
cli_trainer_csv(const char *url)
{
	struct app_class_seat *seats = xcalloc(MAX_SEATS, sizeof *seats);
	struct csv_writer w;
	char why[256];
	int n = app_class_read(url, seats, MAX_SEATS, 5000, why, sizeof why);

	if (n < 0) {
		free(seats);
		return cli_fail("demo", "%s/class: %s", url, why);
	}
	csv_init(&w, stdout, true);
	const char *head[] = {"seat", "exercise", "step", "steps", "done", "seconds", "hints",
			      "hinted_steps", "mistakes"};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		csv_text(&w, head[i]);
	csv_end_row(&w);
	for (int i = 0; i < n; i++) {
		const struct app_exercise_status *st = &seats[i].st;
		char hinted[128] = "";
		size_t o = 0;

		for (int k = 0; k < st->n_steps && k < APP_EXERCISE_MAX_STEPS && o + 8 < sizeof hinted;
		     k++)
			if (st->hint_used[k])
				o += (size_t)snprintf(hinted + o, sizeof hinted - o, "%s%d",
						      o > 0 ? " " : "", k + 1);
		csv_int(&w, seats[i].seat);
		csv_text(&w, st->active ? st->name : "");
		csv_int(&w, st->active ? (st->done ? st->n_steps : st->step) : 0);
		csv_int(&w, st->n_steps);
		csv_text(&w, st->done ? "yes" : "no");
		csv_int(&w, st->elapsed_s);
		csv_int(&w, st->hints);
		csv_text(&w, hinted);
		csv_int(&w, st->mistakes);
		csv_end_row(&w);
	}
	free(seats);
	if (csv_finish(&w) != 0)
		return cli_fail("demo", "%s", _("cannot write the output"));
	return CLI_OK;
}
