/*
 * cmd_show.c - `motcua show CODE [--json] [--reveal] [--explain]`: everything the local
 * store knows about one dossier: procedure, applicant (ID number masked
 * unless --reveal), both statuses and the mismatch, the source's due date
 * and ours with the class, fees and payment, attachments with sizes,
 * supplements and history, and the clerk's own actions on it from this
 * terminal (sent, waiting, conflict, refused).
 *
 * First it reads the dossier's whole detail from its system (history,
 * components and attachments, fees, payment channel, e-receipts) and puts
 * it in the store, unless --cached or the system cannot be reached within
 * --timeout seconds (8): then what the store has is shown, with a line
 * on stderr saying why and how old it is.  Each run is a view of a
 * citizen's personal data, so it appends one audit entry first (DESIGN.md
 * section 7): kind "view" with the purpose "xem hồ sơ", or "reveal" with
 * the clerk's purpose for --reveal; when the entry cannot be written,
 * nothing is shown.
 */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

static json_t *
iso(mc_time t)
{
	char buf[CIVIL_ISO_LEN];
	return t != 0 ? json_string(civil_format_iso(t, buf, sizeof buf)) : json_null();
}

static const char *
when(mc_time t, char *buf, size_t size)
{
	if (t == 0)
		return "-";
	return civil_format_iso(t, buf, size);
}

static const char *const payment_names[] = {"none", "paid", "?", "pending", "failed"};

static const char *
payment_name(int p)
{
	return p >= 0 && p <= 4 ? payment_names[p] : "?";
}

static json_t *
to_json(const struct dossier *d, const char *id, const char *due_class)
{
	json_t *o = json_pack(
		"{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:s, s:s?, "
		"s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:s, s:s?, s:s, s:I}",
		"code", d->code, "source", d->source, "procedure_code", d->procedure_code,
		"procedure_name", d->procedure_name, "field_code", d->field_code, "field_name",
		d->field_name, "applicant_name", d->applicant_name, "applicant_id", id, "area", d->area,
		"unit", d->unit, "summary", d->summary, "status", d->status, "status_label",
		words_status(d->status), "raw_status", d->raw_status, "coord_status",
		d->coord_status != 0 ? json_integer(d->coord_status) : json_null(), "mismatch",
		dossier_status_mismatch(d) != 0, "received_at", iso(d->received_at), "source_due_at",
		iso(d->source_due_at), "due_at", iso(d->due_at), "finished_at", iso(d->finished_at),
		"updated_at", iso(d->updated_at), "due_class", due_class, "version", d->version,
		"payment", payment_name(d->payment), "fees_total",
		(json_int_t)dossier_fees_total(d));
	json_t *fees = json_array(), *files = json_array(), *sups = json_array(),
	       *hist = json_array();

	for (size_t i = 0; i < d->n_fees; i++)
		json_array_append_new(fees, json_pack("{s:s?, s:s?, s:I}", "code", d->fees[i].code,
						      "name", d->fees[i].name, "amount",
						      (json_int_t)d->fees[i].amount));
	for (size_t i = 0; i < d->n_attachments; i++) {
		const struct dossier_attachment *a = &d->attachments[i];
		json_array_append_new(files, json_pack("{s:s?, s:s?, s:s?, s:s?, s:o}", "id", a->id,
						       "name", a->name, "component",
						       a->component_code, "url", a->url, "size",
						       a->size >= 0 ? json_integer(a->size)
								    : json_null()));
	}
	for (size_t i = 0; i < d->n_supplements; i++)
		json_array_append_new(sups, json_pack("{s:o, s:o, s:s?}", "requested_at",
						      iso(d->supplements[i].requested_at),
						      "completed_at",
						      iso(d->supplements[i].completed_at), "reason",
						      d->supplements[i].reason));
	for (size_t i = 0; i < d->n_history; i++) {
		const struct dossier_event *e = &d->history[i];
		json_array_append_new(hist, json_pack("{s:o, s:i, s:s?, s:s?, s:s?}", "at",
						      iso(e->at), "status", e->status, "actor",
						      e->actor, "unit", e->unit, "content",
						      e->content));
	}
	json_t *receipts = json_array();
	for (size_t i = 0; i < d->n_receipts; i++) {
		const struct dossier_receipt *r = &d->receipts[i];
		json_array_append_new(receipts, json_pack("{s:s?, s:s?, s:s?, s:I, s:o}", "number",
							  r->number, "series", r->series,
							  "issuer", r->issuer, "amount",
							  (json_int_t)r->amount, "issued_at",
							  iso(r->issued_at)));
	}
	json_object_set_new(o, "payment_channel",
			    d->payment_channel != NULL ? json_string(d->payment_channel)
						       : json_null());
	json_object_set_new(o, "receipts", receipts);
	json_object_set_new(o, "detail_at", iso(d->detail_at));
	json_object_set_new(o, "fees", fees);
	json_object_set_new(o, "attachments", files);
	json_object_set_new(o, "supplements", sups);
	json_object_set_new(o, "history", hist);
	return o;
}

/* The labels of the human view, in the clerk's language at print time. */
enum label {
	L_CODE,
	L_SYSTEM,
	L_PROCEDURE,
	L_PROCEDURE_CODE,
	L_FIELD,
	L_APPLICANT,
	L_ID,
	L_AREA,
	L_UNIT,
	L_SUMMARY,
	L_STATUS,
	L_COORD_STATUS,
	L_RECEIVED,
	L_DUE_SOURCE,
	L_DUE_HERE,
	L_FINISHED,
	L_UPDATED,
	L_FEES,
	L_PAY_CHANNEL,
	L_RECEIPTS,
	L_ATTACHMENTS,
	L_SUPPLEMENTS,
	L_HISTORY,
	L_LOCAL,
	L_DETAIL,
	L_COUNT
};

static const char *const labels[L_COUNT] = {
	[L_CODE] = N_("Code"),
	[L_SYSTEM] = N_("System"),
	[L_PROCEDURE] = N_("Procedure"),
	[L_PROCEDURE_CODE] = N_("Procedure code"),
	[L_FIELD] = N_("Field"),
	[L_APPLICANT] = N_("Applicant"),
	[L_ID] = N_("ID number"),
	[L_AREA] = N_("Area"),
	[L_UNIT] = N_("Handling unit"),
	[L_SUMMARY] = N_("Summary"),
	[L_STATUS] = N_("Status"),
	[L_COORD_STATUS] = N_("Status on DVCQG"),
	[L_RECEIVED] = N_("Received on"),
	[L_DUE_SOURCE] = N_("Due (system's)"),
	[L_DUE_HERE] = N_("Due (computed here)"),
	[L_FINISHED] = N_("Finished"),
	[L_UPDATED] = N_("Last change"),
	[L_FEES] = N_("Fees"),
	[L_PAY_CHANNEL] = N_("Paid through"),
	[L_RECEIPTS] = N_("E-receipts"),
	[L_ATTACHMENTS] = N_("Attachments"),
	[L_SUPPLEMENTS] = N_("Supplements"),
	[L_HISTORY] = N_("History"),
	[L_LOCAL] = N_("Actions here"),
	[L_DETAIL] = N_("Detail read"),
};

/* The display width every label is padded to: the widest one's. */
static int label_cols;

static void
label_cols_init(void)
{
	label_cols = 0;
	for (size_t i = 0; i < L_COUNT; i++) {
		int w = ui_text_width(_(labels[i]));
		if (w > label_cols)
			label_cols = w;
	}
}

/* The label (or only its padding when `first` is false), then a space.
 * Padded by display columns: Vietnamese letters take several bytes. */
static void
label(enum label l, bool first)
{
	const char *s = first ? _(labels[l]) : "";

	fputs(s, stdout);
	for (int w = ui_text_width(s); w < label_cols; w++)
		putchar(' ');
	putchar(' ');
}

/* The value came from a system: shown in its visible form (cli.h). */
static void
line(enum label l, const char *value)
{
	label(l, true);
	cli_printf(stdout, "%s\n", value != NULL && value[0] != '\0' ? value : "-");
}

/* The payment state and the due class in words (JSON keeps the names). */
static const char *
payment_words(int p)
{
	static const char *const words[] = {N_("nothing due"), N_("paid"), N_("unknown"),
					    N_("pending"), N_("failed")};
	return _(words[p >= 0 && p <= 4 ? p : 2]);
}

static const char *
due_class_words(enum store_due_class c)
{
	switch (c) {
	case STORE_DUE_OVERDUE:
		return _("overdue");
	case STORE_DUE_SOON:
		return _("coming due");
	case STORE_DUE_OK:
		return _("not yet due");
	case STORE_DUE_NONE:
		return _("no due date");
	case STORE_DUE_FINISHED:
		return _("finished");
	default:
		return app_due_class_name(c);
	}
}

/* A finished dossier's outcome (app_finished_class) in words; NULL for none. */
static const char *
outcome_words(enum deadline_class c)
{
	switch (c) {
	case DEADLINE_EARLY:
		return _("early");
	case DEADLINE_ON_TIME:
		return _("on time");
	case DEADLINE_LATE:
		return _("late");
	default:
		return NULL;
	}
}

/* --explain: the rule, the steps, and the system's own date beside ours. */
static void
print_explain(const struct dossier *d, const struct due_explanation *e, bool have,
	      const char *system_rule)
{
	char b[64], at[CIVIL_ISO_LEN];

	printf("\n%s\n", _("Why this due date?"));
	if (!have) {
		printf("  %s\n", _("no local due date: the procedure's rule is not known here "
				   "(procedures.json), or the dossier has no reception time"));
		return;
	}
	cli_due_explain_print(e);
	if (e->due_at != 0 && d->due_at != 0 && e->due_at != d->due_at)
		printf("  %s\n", words_due_stale());
	if (d->source_due_at != 0 && e->due_at != 0 && d->source_due_at != e->due_at) {
		int64_t diff = d->source_due_at - e->due_at;
		int64_t m = (diff < 0 ? -diff : diff) / 60;

		snprintf(b, sizeof b, "%lldd %02lldh%02lld", (long long)(m / 1440),
			 (long long)(m / 60 % 24), (long long)(m % 60));
		cli_printf(stdout, diff < 0 ? _("  the system's own date, %s, is %s earlier\n")
					    : _("  the system's own date, %s, is %s later\n"),
			   when(d->source_due_at, at, sizeof at), b);
		if (system_rule != NULL)
			cli_printf(stdout, _("  %s counts %s (its definition in sources.d)\n"),
				   d->source, system_rule);
	}
}

static void
print_human(const struct dossier *d, const char *id, enum store_due_class due_class,
	    enum deadline_class outcome, const struct store_outbox_entry *local, size_t n_local)
{
	char b1[CIVIL_ISO_LEN], b2[CIVIL_ISO_LEN], num[512];

	label_cols_init();
	line(L_CODE, d->code);
	line(L_SYSTEM, d->source);
	line(L_PROCEDURE, d->procedure_name);
	line(L_PROCEDURE_CODE, d->procedure_code);
	line(L_FIELD, d->field_name);
	line(L_APPLICANT, d->applicant_name);
	line(L_ID, id);
	line(L_AREA, d->area);
	line(L_UNIT, d->unit);
	line(L_SUMMARY, d->summary);
	snprintf(num, sizeof num, "%d %s (%s)", d->status, words_status(d->status),
		 d->raw_status != NULL ? d->raw_status : "?");
	line(L_STATUS, num);
	if (d->coord_status != 0) {
		snprintf(num, sizeof num, "%d %s%s%s", d->coord_status,
			 words_status(d->coord_status), dossier_status_mismatch(d) ? "  << " : "",
			 dossier_status_mismatch(d) ? _("STATUS MISMATCH") : "");
		line(L_COORD_STATUS, num);
	}
	line(L_RECEIVED, when(d->received_at, b1, sizeof b1));
	line(L_DUE_SOURCE, when(d->source_due_at, b1, sizeof b1));
	snprintf(num, sizeof num, "%s  [%s]", when(d->due_at, b2, sizeof b2),
		 due_class_words(due_class));
	line(L_DUE_HERE, num);
	if (d->due_at != 0 && d->source_due_at != 0 && d->due_at != d->source_due_at) {
		label(L_DUE_HERE, false);
		printf("%s\n", _("the two due dates differ"));
	}
	if (outcome_words(outcome) != NULL) {
		snprintf(num, sizeof num, "%s  [%s]", when(d->finished_at, b1, sizeof b1),
			 outcome_words(outcome));
		line(L_FINISHED, num);
	} else {
		line(L_FINISHED, when(d->finished_at, b1, sizeof b1));
	}
	line(L_UPDATED, when(d->updated_at, b1, sizeof b1));
	snprintf(num, sizeof num, _("%lld VND, %s"), (long long)dossier_fees_total(d),
		 payment_words(d->payment));
	line(L_FEES, num);
	for (size_t i = 0; i < d->n_fees; i++) {
		label(L_FEES, false);
		cli_printf(stdout, "%s %s: %lld VND\n", d->fees[i].code != NULL ? d->fees[i].code : "",
			   d->fees[i].name != NULL ? d->fees[i].name : "",
			   (long long)d->fees[i].amount);
	}
	if (d->payment_channel != NULL)
		line(L_PAY_CHANNEL, d->payment_channel);
	for (size_t i = 0; i < d->n_receipts; i++) {
		const struct dossier_receipt *r = &d->receipts[i];

		label(L_RECEIPTS, i == 0);
		cli_printf(stdout, _("no. %s, series %s, %lld VND, %s, issued by %s\n"),
			   r->number != NULL ? r->number : "?", r->series != NULL ? r->series : "?",
			   (long long)r->amount, when(r->issued_at, b1, sizeof b1),
			   r->issuer != NULL ? r->issuer : "?");
	}
	for (size_t i = 0; i < d->n_attachments; i++) {
		char sz[32] = "?";
		if (d->attachments[i].size >= 0)
			snprintf(sz, sizeof sz, "%.1f KB", (double)d->attachments[i].size / 1024.0);
		label(L_ATTACHMENTS, i == 0);
		if (d->attachments[i].component_code != NULL)
			cli_printf(stdout, "[%s] %s (%s)\n", d->attachments[i].component_code,
				   d->attachments[i].name, sz);
		else
			cli_printf(stdout, "%s (%s)\n", d->attachments[i].name, sz);
	}
	for (size_t i = 0; i < d->n_supplements; i++) {
		label(L_SUPPLEMENTS, i == 0);
		cli_printf(stdout, "%s -> %s %s\n",
			   when(d->supplements[i].requested_at, b1, sizeof b1),
			   when(d->supplements[i].completed_at, b2, sizeof b2),
			   d->supplements[i].reason != NULL ? d->supplements[i].reason : "");
	}
	for (size_t i = 0; i < d->n_history; i++) {
		label(L_HISTORY, i == 0);
		cli_printf(stdout, "%s %s %s%s%s\n", when(d->history[i].at, b1, sizeof b1),
			   words_status(d->history[i].status),
			   d->history[i].actor != NULL ? d->history[i].actor : "",
			   d->history[i].content != NULL ? "  " : "",
			   d->history[i].content != NULL ? d->history[i].content : "");
	}
	for (size_t i = 0; i < n_local; i++) {
		label(L_LOCAL, i == 0);
		printf("%s %s [%s]\n", when(local[i].created_at, b1, sizeof b1),
		       words_action(local[i].action), words_queue_state(local[i].state));
	}
	line(L_DETAIL, d->detail_at != 0 ? when(d->detail_at, b1, sizeof b1)
					 : _("never: what the system's list gave"));
}

/* "local_actions": the clerk's actions on it from this terminal. */
static json_t *
local_json(const struct store_outbox_entry *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o, s:o}", "entry",
						   (json_int_t)v[i].id, "action",
						   action_name(v[i].action), "state",
						   app_queue_state_name(v[i].state), "queued_at",
						   iso(v[i].created_at), "updated_at",
						   iso(v[i].updated_at)));
	return a;
}

/* "explain": {"rule": {...}, "steps": [...], "due_at", "source_due_at",
 * "reading", "difference_seconds"} or {"rule": null, ...} when no rule applies. */
static json_t *
explain_json(const struct dossier *d, const struct due_explanation *e, const char *system_rule)
{
	json_t *o;

	if (e == NULL)
		return json_pack("{s:n, s:[], s:n, s:o}", "rule", "steps", "due_at",
				 "source_due_at", iso(d->source_due_at));
	o = json_pack("{s:{s:i, s:s, s:o, s:s}, s:o, s:o, s:o}", "rule", "duration",
		      e->rule.duration, "unit", deadline_unit_name(e->rule.unit), "cutoff",
		      e->rule.cutoff > 0 ? json_sprintf("%02d:%02d", e->rule.cutoff / 60,
							e->rule.cutoff % 60)
					 : json_null(),
		      "supplement", deadline_policy_name(e->rule.supplement), "steps",
		      cli_due_explain_json(e), "due_at", iso(e->due_at), "source_due_at",
		      iso(d->source_due_at));
	json_object_set_new(o, "reading", cli_due_reading_json(&e->reading));
	json_object_set_new(o, "difference_seconds",
			    d->source_due_at != 0 && e->due_at != 0
				    ? json_integer((json_int_t)(d->source_due_at - e->due_at))
				    : json_null());
	/* how the system counts its own date, as its definition names it */
	json_object_set_new(o, "system_rule",
			    system_rule != NULL ? json_string(system_rule) : json_null());
	return o;
}

int
cmd_show(int argc, char **argv)
{
	const char *code = NULL, *config_file = NULL, *purpose = NULL;
	bool json = false, reveal = false, explain = false, have_ex = false, cached = false;
	long timeout_s = 8;
	enum app_detail_state fetched = APP_DETAIL_NONE;
	struct mc_err fetch_err;
	struct due_explanation ex = {0};
	enum deadline_class outcome;
	struct store_outbox_entry *local = NULL;
	size_t n_local = 0;
	struct app *app = NULL;
	struct dossier d;
	struct mc_err err;
	char masked[128];
	const char *id;
	enum store_due_class due_class;
	mc_time now;
	int rc = CLI_FAIL, found;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--reveal") == 0)
			reveal = true;
		else if (strcmp(argv[i], "--explain") == 0)
			explain = true;
		else if (strcmp(argv[i], "--cached") == 0)
			cached = true;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			char *end;
			timeout_s = strtol(argv[++i], &end, 10);
			if (*end != '\0' || timeout_s < 1 || timeout_s > 600)
				return cli_usage_error("show", _("--timeout takes seconds, 1 to 600"));
		}
		else if (strcmp(argv[i], "--purpose") == 0 && i + 1 < argc)
			purpose = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else if (argv[i][0] != '-' && code == NULL)
			code = argv[i];
		else
			return cli_usage_error("show", _("unexpected argument '%s'"), argv[i]);
	}
	if (code == NULL)
		return cli_usage_error("show", _("which dossier? give its code"));
	/* every look at a full ID number is recorded with its reason */
	if (reveal && (purpose == NULL || purpose[0] == '\0'))
		return cli_usage_error("show", _("--reveal needs --purpose TEXT (why you look at "
						 "the ID number; it goes into the audit log)"));
	dossier_init(&d);
	rc = cli_app_open("show", config_file, NULL, cached ? 0 : APP_SIGN_IN, &app);
	if (rc != 0)
		return rc;
	now = app_now(app);
	mc_err_clear(&fetch_err);
	found = app_dossier(app, code, &d);
	if (found == 0 && !cached) {
		/* the system's detail first; the stored copy when it cannot be had */
		if (app_systems_open(app, true, &fetch_err) == 0)
			fetched = app_detail_wait(app, code, (int64_t)timeout_s * 1000, &fetch_err);
		else
			fetched = APP_DETAIL_FAILED;
		if (fetched == APP_DETAIL_DONE || fetched == APP_DETAIL_CURRENT) {
			dossier_release(&d);
			found = app_dossier(app, code, &d);
		}
	}
	if (found < 0) {
		rc = cli_fail("show", "%s", app_store_error(app));
		goto out;
	}
	if (found == 1) {
		mc_err_set(&err, MC_E_NO_DOSSIER, NULL, NULL);
		mc_err_field(&err, code);
		rc = cli_fail_err("show", &err);
		goto out;
	}
	if (fetched == APP_DETAIL_FAILED) {
		char buf[1280], at[CIVIL_ISO_LEN];
		fprintf(stderr, "motcua show: %s: %s\n",
			d.detail_at != 0 ? when(d.detail_at, at, sizeof at)
					 : _("the system's detail was never read here"),
			cli_words_err(&fetch_err, buf, sizeof buf));
		fprintf(stderr, "motcua show: %s\n",
			_("shown as stored on this terminal; the system could not be read now"));
	}
	due_class = app_due_class(app, d.status, d.due_at, now);
	/* every look at a record is recorded first; not recorded, not shown */
	if (app_audit_record(app, reveal ? STORE_AUDIT_REVEAL : STORE_AUDIT_VIEW, code,
			     reveal ? purpose : "xem hồ sơ", "cli", &err) != 0) {
		char buf[1280];
		rc = cli_fail("show", "%s: %s", _("not shown: the view could not be recorded"),
			      cli_words_err(&err, buf, sizeof buf));
		goto out;
	}
	if (reveal && d.applicant_id == NULL && !app_ids_sealed(app)) {
		char buf[640];
		fprintf(stderr, "motcua show: %s\n",
			cli_words_text(N_("this terminal has no keyring: ID numbers are not "
					  "kept on this terminal"),
				       buf, sizeof buf));
	}
	id = reveal ? d.applicant_id : dossier_mask_id(d.applicant_id, masked, sizeof masked);
	outcome = app_finished_class(app, &d);
	if (app_dossier_actions(app, code, &local, &n_local) != 0) {
		rc = cli_fail("show", "%s", app_store_error(app));
		goto out;
	}
	if (explain)
		have_ex = app_due_explain(app, &d, &ex) == 0;
	if (json) {
		json_t *o = to_json(&d, id, app_due_class_name(due_class));

		json_object_set_new(o, "outcome",
				    outcome != DEADLINE_NONE
					    ? json_string(deadline_class_name(outcome))
					    : json_null());
		if (explain)
			json_object_set_new(o, "explain", explain_json(&d, have_ex ? &ex : NULL,
							       app_system_due_rule(app, d.source)));
		json_object_set_new(o, "detail_read",
				    json_string(cached ? "cached"
						: fetched == APP_DETAIL_DONE ? "read"
						: fetched == APP_DETAIL_CURRENT ? "current"
						: "failed"));
		json_object_set_new(o, "local_actions", local_json(local, n_local));
		char *text = json_dumps(o, JSON_INDENT(2));
		printf("%s\n", text);
		free(text);
		json_decref(o);
	} else {
		print_human(&d, id, due_class, outcome, local, n_local);
		if (explain)
			print_explain(&d, &ex, have_ex, app_system_due_rule(app, d.source));
	}
	rc = CLI_OK;
out:
	app_queue_list_free(local, n_local);
	due_explanation_release(&ex);
	dossier_release(&d);
	app_close(app);
	return rc;
}
