/*
 * app_queue.c - the offline queue as the front ends use it (app.h):
 * queueing an action (outbox/outbox.h does the checks and the durable,
 * audited enqueue with its optimistic effect), the clerk's decisions on a
 * conflict or refusal, and reading the entries.  The replay is the loop's
 * (app.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "core/xalloc.h"
#include "outbox/outbox.h"
#include "store/outbox.h"
#include "sync/sync.h"

/*
 * The supplement is in: the local due date restarts or resumes from the
 * queued action, by the procedure's rule - as every pull keeps it
 * (sync_local_due) until the system's own date of completion replaces it.
 * The store's optimistic effect moves only the status; the rule is known
 * here.  A failure leaves the date as it was: the action is queued all the
 * same.
 */
static void
supplement_in(struct app *a, const char *code)
{
	struct dossier d;
	mc_time due = 0;

	dossier_init(&d);
	if (store_dossier_load(a->store, code, &d) == 0 &&
	    sync_local_due(a->store, &d, &a->procs, a->cal, &a->cfg.worktime, &due) == 0) {
		if (due != 0 && due != d.due_at) {
			d.due_at = due;
			(void)store_dossier_upsert(a->store, &d);
		}
	}
	dossier_release(&d);
}

/* The dossier's fees are known and total 0 đ: no payment to ask for.  (A
 * system that sends no fee list leaves n_fees 0 too; then the payment
 * state says whether anything is owed.) */
static bool
nothing_owed(struct app *a, const char *code)
{
	struct dossier d;
	bool none = false;

	dossier_init(&d);
	if (store_dossier_load(a->store, code, &d) == 0)
		none = dossier_fees_total(&d) == 0 && d.payment == PAYMENT_NONE;
	dossier_release(&d);
	return none;
}

/*
 * Whether `system` can send action `act`: its connector when the systems are
 * open, else its sources.d file (a profile must describe the action; a
 * system with no file is a built-in dialect, which sends them all).  Sets
 * *profile to the file that says no (borrowed), or NULL.
 */
static bool
system_can_send(struct app *a, const char *system, enum action act, const char **profile)
{
	struct source_link *l = app_link(a, system);

	*profile = NULL;
	if (system == NULL)
		return true;
	if (l != NULL) {
		const struct source *src = source_link_source(l);
		*profile = src->profile;
		return source_can_send(src, act);
	}
	app_defs_load(a);
	for (size_t i = 0; i < a->n_defs; i++) {
		if (strcmp(a->defs[i].name, system) == 0) {
			*profile = a->defs[i].path;
			return source_def_can_send(&a->defs[i], act);
		}
	}
	return true;
}

/* The system that sends the dossier's actions (its own); malloc'd, or NULL. */
static char *
dossier_system(struct app *a, const char *code)
{
	struct dossier d;
	char *s = NULL;

	dossier_init(&d);
	if (code != NULL && store_dossier_load(a->store, code, &d) == 0)
		s = xstrdup_or_null(d.source);
	dossier_release(&d);
	return s;
}

size_t
app_actions_offered(struct app *a, const char *code, int status, enum action out[ACTION_COUNT])
{
	enum action all[ACTION_COUNT];
	size_t n = action_allowed_list(status, all), k = 0;
	bool checked = false, none = false;
	char *system = dossier_system(a, code);

	for (size_t i = 0; i < n; i++) {
		const char *profile;
		if (!system_can_send(a, system, all[i], &profile))
			continue; /* its system's profile does not describe it */
		if (all[i] == ACTION_REQUEST_PAYMENT) {
			if (!checked)
				none = nothing_owed(a, code);
			checked = true;
			if (none)
				continue;
		}
		out[k++] = all[i];
	}
	free(system);
	return k;
}

int
app_act(struct app *a, const struct app_action *act, int64_t *id, struct mc_err *err)
{
	struct outbox_act_request req = {
		.code = act->code,
		.action = action_name(act->action),
		.reason = act->reason != NULL && act->reason[0] != '\0' ? act->reason : NULL,
		.to_unit = act->to_unit != NULL && act->to_unit[0] != '\0' ? act->to_unit : NULL,
		.via = act->via,
		.files = act->files,
		.n_files = act->n_files,
	};

	*id = 0;
	if (req.action == NULL) {
		mc_err_set(err, MC_E_UNKNOWN_ACTION, NULL, NULL);
		return -1;
	}
	if (act->action == ACTION_REQUEST_PAYMENT && nothing_owed(a, act->code)) {
		mc_err_set(err, MC_E_NOTHING_OWED, NULL, NULL);
		mc_err_field(err, act->code);
		return -1;
	}
	if (act->via != NULL && (a->opt.flags & APP_SYSTEMS) && !app_has_system(a, act->via)) {
		mc_err_set(err, MC_E_NOT_CONFIGURED, act->via, NULL);
		return -1;
	}
	{
		/* refused now rather than queued and never sent */
		char *system = act->via != NULL ? xstrdup(act->via) : dossier_system(a, act->code);
		const char *profile;
		bool ok = system_can_send(a, system, act->action, &profile);
		if (!ok) {
			mc_err_set(err, MC_E_NOT_DESCRIBED, system, "%s",
				   profile != NULL ? profile : "");
			mc_err_field(err, action_name(act->action));
		}
		free(system);
		if (!ok)
			return -1;
	}
	if (outbox_act(a->store, &req, app_now(a), id, err) != OUTBOX_ACT_OK)
		return -1;
	if (act->action == ACTION_SUPPLEMENT_RECEIVED)
		supplement_in(a, act->code);
	return 0;
}

int
app_queue_retry(struct app *a, int64_t id, struct mc_err *err)
{
	return outbox_retry(a->store, id, app_now(a), err) == 0 ? 0 : -1;
}

int
app_queue_drop(struct app *a, int64_t id, struct mc_err *err)
{
	return outbox_drop(a->store, id, app_now(a), err) == 0 ? 0 : -1;
}

int
app_queue_counts(struct app *a, int64_t counts[STORE_OUTBOX_N_STATES])
{
	return store_outbox_counts(a->store, counts);
}

int64_t
app_queue_open_total(struct app *a)
{
	int64_t c[STORE_OUTBOX_N_STATES];
	int64_t sum = 0;

	if (store_outbox_counts(a->store, c) != 0)
		return -1;
	for (int i = 0; i < STORE_OUTBOX_N_STATES; i++)
		if (i != STORE_OUTBOX_DONE)
			sum += c[i];
	return sum;
}

int
app_queue_trouble(struct app *a, const char *code)
{
	int64_t n = 0;

	if (store_outbox_trouble_count(a->store, code, &n) != 0)
		return -1;
	return n > 1000 ? 1000 : (int)n;
}

int
app_queue_pending(struct app *a, const char *code)
{
	int64_t n = 0;

	if (store_outbox_open_count(a->store, code, &n) != 0)
		return -1;
	return n > 1000 ? 1000 : (int)n;
}

int
app_queue_list(struct app *a, bool all, struct store_outbox_entry **out, size_t *n)
{
	return store_outbox_list(a->store, all ? STORE_OUTBOX_LIST_DONE : 0, out, n);
}

int
app_queue_get(struct app *a, int64_t id, struct store_outbox_entry *out)
{
	return store_outbox_get(a->store, id, out);
}

void
app_queue_error(const struct store_outbox_entry *e, struct mc_err *out)
{
	if (e->last_error == NULL || e->last_error[0] == '\0')
		mc_err_clear(out);
	else
		mc_err_parse(e->last_error, out);
}

void
app_queue_payload(const struct store_outbox_entry *e, char **reason, char **to_unit,
		  size_t *n_files)
{
	struct outbox_payload p;

	*reason = *to_unit = NULL;
	if (n_files != NULL)
		*n_files = 0;
	if (e->payload == NULL || outbox_payload_parse(e->payload, &p) != 0)
		return;
	*reason = p.reason;
	*to_unit = p.to_unit;
	p.reason = p.to_unit = NULL;
	if (n_files != NULL)
		*n_files = p.n_files;
	outbox_payload_release(&p);
}

void
app_queue_list_free(struct store_outbox_entry *v, size_t n)
{
	store_outbox_list_free(v, n);
}

void
app_queue_entry_release(struct store_outbox_entry *e)
{
	store_outbox_entry_release(e);
}

const char *
app_queue_state_name(enum store_outbox_state st)
{
	return store_outbox_state_name(st);
}

int
app_dossier_actions(struct app *a, const char *code, struct store_outbox_entry **out, size_t *n)
{
	return store_outbox_of(a->store, code, out, n);
}

int
app_queue_undo(struct app *a, const char *code, int64_t only, struct store_outbox_entry *undone,
	       struct mc_err *err)
{
	struct store_outbox_entry *v = NULL;
	size_t n = 0;
	char id[24];
	int rc;

	memset(undone, 0, sizeof *undone);
	mc_err_clear(err);
	if (store_outbox_of(a->store, code, &v, &n) != 0)
		return mc_err_set(err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
	/* the clerk's last action on it, sent or not (id order) */
	if (n == 0) {
		store_outbox_list_free(v, n);
		mc_err_set(err, MC_E_NO_ENTRY, NULL, NULL);
		mc_err_field(err, code);
		return -1;
	}
	/* the last one is the caller's now: taken out of the list freed */
	*undone = v[n - 1];
	memset(&v[n - 1], 0, sizeof v[n - 1]);
	store_outbox_list_free(v, n);
	snprintf(id, sizeof id, "%lld", (long long)undone->id);
	if (only != 0 && undone->id != only) {
		/* a later action was based on it: that one first */
		mc_err_set(err, MC_E_BLOCKED, NULL, NULL);
		mc_err_field(err, id);
		return -1;
	}
	switch (undone->state) {
	case STORE_OUTBOX_PENDING:
		rc = outbox_drop(a->store, undone->id, app_now(a), err);
		return rc == 0 ? 0 : -1;
	case STORE_OUTBOX_SENDING:
	case STORE_OUTBOX_DONE:
		mc_err_set(err, MC_E_ENTRY_SENT, NULL,
			   undone->state == STORE_OUTBOX_DONE ? "done" : "sending");
		mc_err_field(err, id);
		return -1;
	default:
		/* a conflict or refusal: the clerk decides it in the queue screen */
		mc_err_set(err, MC_E_ENTRY_STATE, NULL, NULL);
		mc_err_field(err, id);
		return -1;
	}
}
