/*
 * statusbar.c - the title line and the status bar.
 *
 * The status bar always says, per system: online or offline, and how old its
 * data is (from the store's sync state); then the queued actions.  Where
 * the systems leave room, it warns of a missing yearly notice of days off
 * ("Chưa có lịch nghỉ năm 2027"): the due dates of that year count the
 * statutory days only.  The title
 * line names the screen and carries the TRAINING banner when the console
 * runs on the sandbox.  Reads the app's model only.
 */
#include <stdio.h>
#include <string.h>

#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/ui.h"

void
ui_title_draw(struct ui_app *app, WINDOW *w)
{
	const char *title = NULL;
	char banner[128], clock[24];
	struct civil_time ct = civil_split(app->now);
	int cw, bw = 0;

	if (app->top != NULL) {
		/* A dialog has no title of its own: show the screen's under it. */
		struct ui_screen *s = app->top;
		while (s->ops->modal && s->below != NULL)
			s = s->below;
		if (s->ops->title != NULL)
			title = s->ops->title(s, app);
	}
	wbkgdset(w, ' ' | ui_attr(app, UI_ROLE_TITLE));
	werase(w);
	/* training runs on the scenario's clock: its day is part of the lesson */
	if (app->opt->training)
		snprintf(clock, sizeof clock, " %02d/%02d %02d:%02d ", ct.date.day, ct.date.month,
			 ct.hour, ct.minute);
	else
		snprintf(clock, sizeof clock, " %02d:%02d ", ct.hour, ct.minute);
	cw = ui_text_width(clock);
	if (app->opt->training) {
		snprintf(banner, sizeof banner, " %s ", _("TRAINING (sandbox)"));
		bw = ui_text_width(banner);
	}
	ui_put(w, 0, 0, app->cols - cw - bw, title != NULL ? title : "motcua",
	       ui_attr(app, UI_ROLE_TITLE));
	if (bw > 0)
		ui_put_text(w, 0, app->cols - cw - bw, bw, banner, ui_attr(app, UI_ROLE_TRAINING));
	ui_put_text(w, 0, app->cols - cw, cw, clock, ui_attr(app, UI_ROLE_TITLE));
	wbkgdset(w, ' ');
}

/*
 * The missing notices, right-aligned in columns from..to, after the
 * systems: the long form, else the short one, else nothing (the systems'
 * state comes first).
 */
static void
notices_draw(struct ui_app *app, WINDOW *w, int from, int to)
{
	char years[32], item[160];
	int iw;

	if (app->n_notices_missing == 0)
		return;
	if (app->n_notices_missing == 1)
		snprintf(years, sizeof years, "%d", app->notices_missing[0]);
	else
		snprintf(years, sizeof years, "%d, %d", app->notices_missing[0],
			 app->notices_missing[1]);
	/* TRANSLATORS: status bar: no official notice of days off for these years */
	snprintf(item, sizeof item, _(" No holiday notice for %s "), years);
	iw = ui_text_width(item);
	if (iw > to - from - 1) {
		/* TRANSLATORS: the same, short, when the bar is crowded */
		snprintf(item, sizeof item, _(" No notice %s "), years);
		iw = ui_text_width(item);
	}
	if (iw > to - from - 1)
		return;
	ui_put_text(w, 0, to - iw, iw, item, A_REVERSE | ui_attr(app, UI_ROLE_SOON));
}

void
ui_statusbar_draw(struct ui_app *app, WINDOW *w)
{
	char item[160], age[16], queue[256];
	int x = 0, qw;

	wbkgdset(w, ' ' | A_REVERSE);
	werase(w);
	if (app->queued < 0)
		snprintf(queue, sizeof queue, " %s ", _("Queue: not available"));
	else if (app->troubled > 0)
		/* where the clerk looks: conflicts and refusals counted apart */
		snprintf(queue, sizeof queue, " %s %lld  %s %lld ", _("Conflicts:"),
			 (long long)app->troubled, _("Queued:"), (long long)app->queued);
	else
		snprintf(queue, sizeof queue, " %s %lld ", _("Queued:"), (long long)app->queued);
	if (app->arrivals > 0) {
		/* new since the clerk last looked (the "new" view shows them) */
		char with[sizeof queue];
		snprintf(with, sizeof with, " %.64s %lld %.160s", _("New:"),
			 (long long)app->arrivals, queue);
		snprintf(queue, sizeof queue, "%s", with);
	}
	qw = ui_text_width(queue);
	if (app->sandbox_down) {
		/* Nothing else on this bar is true any more: say only this. */
		if (app->sandbox_how == 2)
			snprintf(item, sizeof item, _(" The sandbox stopped (signal %d): no more updates"),
				 app->sandbox_code);
		else
			snprintf(item, sizeof item, _(" The sandbox stopped (exit %d): no more updates"),
				 app->sandbox_code);
		x += ui_put_text(w, 0, x, app->cols - qw, item,
				 A_REVERSE | ui_attr(app, UI_ROLE_ERROR));
		ui_put_text(w, 0, app->cols - qw, qw, queue, A_REVERSE);
		wbkgdset(w, ' ');
		return;
	}
	if (app->syncing) {
		snprintf(item, sizeof item, _(" Syncing %d/%d: %lld dossiers |"),
			 app->progress.total - app->progress.running, app->progress.total,
			 (long long)app->progress.dossiers);
		x += ui_put_text(w, 0, x, app->cols - qw, item, A_REVERSE | A_BOLD);
	}
	if (app->n_sources == 0 && !app->syncing)
		x += ui_put_text(w, 0, x, app->cols - qw - x, _(" No data yet"), A_REVERSE);
	for (size_t i = 0; i < app->n_sources && x < app->cols - qw; i++) {
		const struct ui_source_info *si = &app->sources[i];
		const char *mark = si->online ? ui_sym(app, "\xe2\x97\x8f", "+")
					      : ui_sym(app, "\xe2\x97\x8b", "-");
		ui_fmt_age(si->last_ok_at, app->now, age, sizeof age);
		snprintf(item, sizeof item, " %s%s%s%s", si->name, mark, age,
			 si->has_error ? "!" : "");
		x += ui_put_text(w, 0, x, app->cols - qw - x, item, A_REVERSE);
	}
	notices_draw(app, w, x, app->cols - qw);
	ui_put_text(w, 0, app->cols - qw, qw, queue,
		    app->troubled > 0 ? A_REVERSE | A_BOLD | ui_attr(app, UI_ROLE_ERROR)
				      : A_REVERSE | (app->queued > 0 ? A_BOLD : 0));
	wbkgdset(w, ' ');
}
