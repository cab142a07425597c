/*
 * logout.c - sign-out and wipe (logout.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app_int.h"
#include "app/logout.h"
#include "auth/auth.h"
#include "auth/pin.h"
#include "core/xalloc.h"
#include "store/audit.h"

int
app_logout_prepare(struct app *a, bool wipe, int64_t max_wait_ms, struct app_wipe_plan *plan,
		   struct mc_err *err)
{
	int64_t counts[STORE_OUTBOX_N_STATES];
	struct app_audit_report au;

	memset(plan, 0, sizeof *plan);
	mc_err_clear(err);
	if (app_audit_note(a, NULL, STORE_AUDIT_SIGNOUT, NULL, wipe ? "{\"wipe\":true}" : "{}",
			   err) != 0)
		return -1;
	if (!wipe)
		return 0;
	if (store_outbox_counts(a->store, counts) != 0)
		return mc_err_set(err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
	for (int i = 0; i < STORE_OUTBOX_N_STATES; i++)
		if (i != STORE_OUTBOX_DONE)
			plan->unsent += counts[i];
	/* the tokens still work: ship what the server lacks before it goes */
	(void)app_audit_ship(a, max_wait_ms, &au);
	plan->ship_error = au.error;
	if (store_audit_state(a->store, &plan->chain) != 0)
		return mc_err_set(err, store_errc(a->store), NULL, "%s", store_errmsg(a->store));
	plan->audit_waiting = plan->chain.head_seq - plan->chain.shipped_seq;
	return 0;
}

struct out_wait {
	bool done;
	enum auth_status status;
	char detail[256];
};

static void
on_out(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct out_wait *w = arg;

	(void)auth;
	w->done = true;
	w->status = status;
	snprintf(w->detail, sizeof w->detail, "%s", detail != NULL ? detail : "");
}

enum app_signin_result
app_sign_out(struct app *a, char *detail, size_t size)
{
	struct out_wait w = {0};
	char *pin = xasprintf("%s/" AUTH_PIN_FILE, a->paths.data_dir);

	if (size > 0)
		detail[0] = '\0';
	/* the unlock PIN goes with the sign-in it unlocks, whatever else happens */
	(void)auth_pin_clear(pin);
	free(pin);
	if (!a->have_session)
		return APP_SIGNIN_NO_SESSION;
	auth_sign_out(a->session.auth, on_out, &w);
	if (app_signin_wait(a, &w.done) != 0)
		return APP_SIGNIN_OFFLINE;
	snprintf(detail, size, "%s", w.detail);
	return (enum app_signin_result)w.status;
}

int
app_wipe(struct app *a, const struct app_wipe_plan *plan, bool forced, struct mc_err *err)
{
	json_t *o;
	char *why = NULL, *details;
	int rc;

	mc_err_clear(err);
	/* nothing may hold the store while it goes */
	outbox_replay_free(a->replay);
	a->replay = NULL;
	audit_ship_free(a->ship);
	a->ship = NULL;
	sync_free(a->sync); /* it borrows the store */
	a->sync = NULL;
	a->n_in_sync = 0;
	store_close(a->store);
	a->store = NULL;
	if (privacy_wipe(a->db_path, &why) != 0) {
		mc_err_set(err, MC_E_FILE, NULL, "%s", why);
		free(why);
		return -1;
	}
	if (store_open(a->db_path, &a->store, &why) != 0 ||
	    privacy_open(a->store, a->paths.data_dir, a->db_path, &a->privacy, &why) != 0) {
		mc_err_set(err, MC_E_STORE, NULL, "%s", why != NULL ? why : "");
		free(why);
		return -1;
	}
	o = json_pack("{s:s,s:I,s:I,s:I,s:I}", "previous_chain", plan->chain.chain,
		      "previous_head", (json_int_t)plan->chain.head_seq, "previous_shipped",
		      (json_int_t)plan->chain.shipped_seq, "lost_actions", (json_int_t)plan->unsent,
		      "lost_audit_entries", (json_int_t)plan->audit_waiting);
	details = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	rc = app_audit_note(a, NULL, "wipe",
			    forced ? "logout --wipe --force" : "logout --wipe", details, err);
	free(details);
	return rc;
}
