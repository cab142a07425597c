/*
 * exercise.c - the training exercise's panel (app/exercise.h): two rows
 * above the status bar while a demo runs an exercise, with the current
 * step, then the hint once asked for (H, or :hint), or the last mistake
 * the sandbox saw at that step, or how to ask for a hint; at the end the time
 * it took and the steps that needed a hint.  At 80x24 the inbox keeps 19
 * rows.  The sandbox is asked once a second; nothing here blocks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/exercise.h"
#include "app/training.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"
#include "ui/words.h"

#define POLL_MS 1000

static const char *
pick(const char *vi, const char *en)
{
	const char *s = ui_i18n_pick(vi, en);
	return s != NULL && s[0] != '\0' ? s : vi[0] != '\0' ? vi : en;
}

/* An action's label from the sandbox's canonical name ("receive"). */
static const char *
action_words(const char *name)
{
	enum action a = action_from_name(name);
	return a != ACTION_NONE ? words_action(a) : name;
}

static const char *
refusal_words(const char *why)
{
	if (strcmp(why, "not_allowed") == 0)
		return _("not allowed from the dossier's status");
	if (strcmp(why, "stale") == 0)
		return _("the dossier changed meanwhile");
	if (strcmp(why, "need_reason") == 0)
		return _("it needs a reason");
	if (strcmp(why, "no_fees") == 0)
		return _("the dossier has no fees");
	return why;
}

/* The mistake in one line, in the trainee's language. */
static void
mistake_words(const struct app_exercise_mistake *m, char *buf, size_t size)
{
	if (strcmp(m->kind, "wrong_dossier") == 0)
		snprintf(buf, size, _("Wrong dossier: \"%s\" was done on %s; this step is about %s"),
			 action_words(m->action), m->code, m->expected);
	else if (strcmp(m->kind, "wrong_action") == 0)
		snprintf(buf, size, _("Wrong action: \"%s\" was done on %s; this step asks for \"%s\""),
			 action_words(m->action), m->code, action_words(m->expected_action));
	else if (strcmp(m->kind, "refused") == 0)
		snprintf(buf, size, _("The system refused \"%s\" on %s: %s"),
			 action_words(m->action), m->code, refusal_words(m->why));
	else if (strcmp(m->kind, "not_signed") == 0)
		snprintf(buf, size, _("The result of %s went back without a signature: sign it (K)"),
			 m->code);
	else if (strcmp(m->kind, "no_reason") == 0)
		snprintf(buf, size, _("\"%s\" on %s needs a reason in this step"),
			 action_words(m->action), m->code);
	else
		snprintf(buf, size, _("Not what this step asks (%s)"), m->kind);
}

/* "2, 3" of the steps that needed a hint; "" none. */
static void
hinted_steps(const struct app_exercise_status *st, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < st->n_steps && i < APP_EXERCISE_MAX_STEPS && o + 8 < size; i++)
		if (st->hint_used[i])
			o += (size_t)snprintf(buf + o, size - o, "%s%d", o > 0 ? ", " : "", i + 1);
}

void
ui_exercise_draw(struct ui_app *app, WINDOW *w)
{
	const struct app_exercise_status *st = app_exercise_status(app->exercise);
	attr_t head = ui_attr(app, UI_ROLE_TRAINING);
	char line[1024], lines[2][256];
	int cols = app->cols, x;

	werase(w);
	if (!st->known || !st->active) {
		ui_put(w, 0, 0, cols,
		       st->error[0] != '\0' ? st->error
		       : st->known	    ? _("No exercise: :exercise NAME starts one")
					    : _("Reading the exercise..."),
		       st->error[0] != '\0' ? ui_attr(app, UI_ROLE_ERROR) : ui_attr(app, UI_ROLE_DIM));
		return;
	}
	if (st->done && st->error[0] != '\0') {
		ui_put(w, 0, 0, cols, pick(st->title_vi, st->title_en), head | A_BOLD);
		ui_put(w, 1, 0, cols, st->error, ui_attr(app, UI_ROLE_ERROR));
		return;
	}
	if (st->done) {
		char steps[128];
		hinted_steps(st, steps, sizeof steps);
		snprintf(line, sizeof line, _("Exercise done: %s in %lld min %02lld s"),
			 pick(st->title_vi, st->title_en), (long long)(st->elapsed_s / 60),
			 (long long)(st->elapsed_s % 60));
		ui_put(w, 0, 0, cols, line, head | A_BOLD);
		if (steps[0] != '\0')
			snprintf(line, sizeof line, _("Steps that needed a hint: %s; mistakes seen: %d"),
				 steps, st->mistakes);
		else
			snprintf(line, sizeof line, _("No hint needed; mistakes seen: %d"), st->mistakes);
		ui_put(w, 1, 0, cols, line, ui_attr(app, UI_ROLE_OK));
		return;
	}
	snprintf(line, sizeof line, _("Step %d/%d "), st->step, st->n_steps);
	x = ui_put_text(w, 0, 0, cols, line, head | A_BOLD);
	if (st->error[0] != '\0') {
		/* the sandbox refused a new exercise, or does not answer */
		ui_put(w, 0, x, cols - x, pick(st->do_vi, st->do_en), A_BOLD);
		ui_put(w, 1, 0, cols, st->error, ui_attr(app, UI_ROLE_ERROR));
	} else if (st->hint_shown) {
		/* asked for: it comes before the mistake that made them ask */
		ui_put(w, 0, x, cols - x, pick(st->do_vi, st->do_en), A_BOLD);
		snprintf(line, sizeof line, _("Hint: %s"), pick(st->hint_vi, st->hint_en));
		ui_put(w, 1, 0, cols, line, ui_attr(app, UI_ROLE_SOON));
	} else if (st->has_mistake && st->last.step == st->step) {
		ui_put(w, 0, x, cols - x, pick(st->do_vi, st->do_en), A_BOLD);
		mistake_words(&st->last, line, sizeof line);
		ui_put(w, 1, 0, cols, line, ui_attr(app, UI_ROLE_ERROR));
	} else {
		/* the instruction on both rows, the key to the hint at the end */
		snprintf(line, sizeof line, _("%s  (H: hint)"), pick(st->do_vi, st->do_en));
		if (ui_wrap(line, cols - x, lines, 2) > 1) {
			ui_put(w, 0, x, cols - x, lines[0], A_BOLD);
			ui_put(w, 1, x, cols - x, lines[1], A_BOLD);
		} else {
			ui_put(w, 0, x, cols - x, line, A_BOLD);
		}
	}
}

/* A short signature of what the panel shows: redraw when it changes. */
static unsigned long
signature(const struct app_exercise_status *st)
{
	unsigned long h = 5381;
	const char *parts[] = {st->do_vi, st->hint_vi, st->last.code, st->last.kind, st->error,
			       st->name};

	h = h * 33 + (unsigned long)st->step * 7 + (unsigned long)st->done * 3 +
	    (unsigned long)st->hint_shown + (unsigned long)st->mistakes * 11 +
	    (unsigned long)st->active * 13 + (unsigned long)st->known * 17 +
	    (st->done ? 0 : (unsigned long)st->elapsed_s / 60);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		for (const char *p = parts[i]; *p != '\0'; p++)
			h = h * 33 + (unsigned char)*p;
	return h;
}

void
ui_exercise_turn(struct ui_app *app, uint64_t now_ms)
{
	unsigned long sig;

	if (app->exercise == NULL)
		return;
	if (now_ms - app->exercise_polled_ms >= POLL_MS) {
		app->exercise_polled_ms = now_ms;
		app_exercise_poll(app->exercise);
	}
	sig = signature(app_exercise_status(app->exercise));
	if (sig != app->exercise_sig) {
		app->exercise_sig = sig;
		app->dirty = true;
	}
}

void
ui_exercise_hint(struct ui_app *app)
{
	const struct app_exercise_status *st;

	if (app->exercise == NULL) {
		ui_message(app, UI_MSG_INFO, "%s", _("No exercise: :exercise NAME starts one"));
		return;
	}
	st = app_exercise_status(app->exercise);
	if (!st->active || st->done)
		return;
	app_exercise_hint(app->exercise);
	app->exercise_polled_ms = 0; /* the answer carries the new status */
}

int
ui_exercise_start(struct ui_app *app, const char *name)
{
	const char *why = NULL;
	char *path, *text = NULL, *scenario = NULL, *err = NULL;

	if (app->opt->sandbox == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s", _("Exercises run in the training (motcua demo)"));
		return -1;
	}
	path = app_exercise_locate(name, &why);
	if (path == NULL) {
		ui_message(app, UI_MSG_ERROR, "%s: %s", name, why);
		return -1;
	}
	if (app_exercise_read(path, &text, &scenario, &err) != 0) {
		ui_message(app, UI_MSG_ERROR, "%s", err);
		free(err);
		free(path);
		return -1;
	}
	if (app->exercise == NULL) {
		app->exercise = app_exercise_new(app->core, app_training_url(app->opt->sandbox));
		app->exercise_owned = true;
		ui_layout(app); /* room for the panel */
	}
	app_exercise_load(app->exercise, text, 0);
	app->exercise_polled_ms = 0;
	free(text);
	free(scenario);
	free(path);
	return 0;
}
