/*
 * cli_explain.c - a due date's explanation (core/due_explain.h) as the
 * command line gives it, for `motcua due --explain` and `motcua show
 * --explain` alike (cli.h): one sentence a step (ui/words.c's, as the
 * console says them) or the steps as JSON.
 */
#include <stdio.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/civil.h"
#include "core/due_explain.h"
#include "ui/i18n.h"
#include "ui/words.h"

json_t *
cli_due_explain_json(const struct due_explanation *e)
{
	json_t *steps = json_array();
	char a[CIVIL_ISO_LEN], b[CIVIL_ISO_LEN], text[512];

	for (size_t i = 0; i < e->n_steps; i++) {
		const struct due_step *s = &e->steps[i];
		json_t *o = json_pack("{s:s}", "step", due_step_kind_name(s->kind));

		if (s->at != 0)
			json_object_set_new(o, "at", json_string(civil_format_iso(s->at, a, sizeof a)));
		if (s->until != 0)
			json_object_set_new(o, "until",
					    json_string(civil_format_iso(s->until, b, sizeof b)));
		if (s->kind == DUE_STEP_DAYS_OFF) {
			json_object_set_new(o, "from",
					    json_string(civil_format_date(s->day, a, sizeof a)));
			json_object_set_new(o, "to",
					    json_string(civil_format_date(s->day_end, b, sizeof b)));
			json_object_set_new(o, "kind", json_string(due_day_kind_name(s->day_kind)));
			json_object_set_new(o, "name", s->name != NULL ? json_string(s->name)
								      : json_null());
			/* a notice's days: its document and file, when known */
			if (s->source != NULL)
				json_object_set_new(o, "source", json_string(s->source));
			if (s->file != NULL)
				json_object_set_new(o, "file", json_string(s->file));
		}
		if (s->kind == DUE_STEP_DAY_HOURS) {
			json_t *hours = json_array();

			for (size_t k = 0; k < s->hours.n_periods; k++)
				json_array_append_new(
					hours, json_sprintf("%02d:%02d-%02d:%02d",
							    s->hours.periods[k].start / 60,
							    s->hours.periods[k].start % 60,
							    s->hours.periods[k].end / 60,
							    s->hours.periods[k].end % 60));
			json_object_set_new(o, "date",
					    json_string(civil_format_date(s->day, a, sizeof a)));
			json_object_set_new(o, "hours", hours);
		}
		if (s->kind == DUE_STEP_AFTER_CUTOFF) {
			snprintf(a, sizeof a, "%02d:%02d", s->cutoff / 60, s->cutoff % 60);
			json_object_set_new(o, "cutoff", json_string(a));
		}
		json_object_set_new(o, "text", json_string(words_due_step(s, text, sizeof text)));
		json_array_append_new(steps, o);
	}
	return steps;
}

json_t *
cli_due_reading_json(const struct deadline_reading *r)
{
	return json_pack("{s:s, s:s, s:s}", "calendar_days_from",
			 deadline_calendar_from_name(r->calendar_from), "lunch_break",
			 deadline_break_name(r->in_break), "working_days",
			 deadline_days_as_name(r->working_days));
}

void
cli_due_explain_print(const struct due_explanation *e)
{
	char line[512];

	cli_printf(stdout, "%s: %s\n", _("Rule"), words_due_rule(&e->rule, line, sizeof line));
	if (words_due_reading(e, line, sizeof line)[0] != '\0')
		cli_printf(stdout, "%s: %s\n", _("Reading"), line);
	for (size_t i = 0; i < e->n_steps; i++)
		cli_printf(stdout, "  %s\n", words_due_step(&e->steps[i], line, sizeof line));
}
