/*
 * app_detail.c - a dossier's whole detail from its system, on demand
 * (app.h "the dossier's detail"), over sync/detail.c: the front end asks
 * when the clerk opens a dossier and draws the stored copy at once; the
 * answer is put in the store at the next turn, and the front end, told
 * APP_CHANGED_DOSSIERS, draws it again with its age.  One at a time: the
 * clerk reads one dossier.  No words.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_int.h"
#include "core/xalloc.h"
#include "net/net.h"
#include "sync/detail.h"

struct app_detail {
	struct sync_detail *job;
	char *code;
	bool coordination;           /* read from the coordination system */
	bool arrived;                /* the job's answer waits for the turn */
	struct sync_detail_result r; /* that answer (r.dossier: &d) */
	struct dossier d;
	struct app_detail_status st;
};

static struct app_detail *
get(struct app *a)
{
	if (a->detail == NULL) {
		a->detail = xcalloc(1, sizeof *a->detail);
		dossier_init(&a->detail->d);
	}
	return a->detail;
}

static void
reset(struct app_detail *dt)
{
	sync_detail_free(dt->job);
	dt->job = NULL;
	free(dt->code);
	dt->code = NULL;
	dt->arrived = false;
	dossier_release(&dt->d);
	memset(&dt->r, 0, sizeof dt->r);
}

/* From the net's poll (or at once): keep the answer for the turn. */
static void
on_done(void *arg, struct sync_detail_result *r)
{
	struct app_detail *dt = arg;

	dt->r = *r;
	if (r->status == SYNC_DETAIL_OK && r->dossier != NULL) {
		dt->d = *r->dossier;
		dossier_init(r->dossier);
		dt->r.dossier = &dt->d;
	}
	dt->arrived = true;
}

int
app_detail_fetch(struct app *a, const char *code, struct mc_err *err)
{
	struct app_detail *dt;
	struct source_link *link = NULL;
	struct dossier d;
	char *version = NULL;
	int found;

	mc_err_clear(err);
	if (a->detail != NULL && a->detail->code != NULL && strcmp(a->detail->code, code) == 0 &&
	    a->detail->st.state == APP_DETAIL_RUNNING)
		return 0;
	found = store_dossier_load(a->store, code, &d);
	if (found < 0) {
		mc_err_set(err, MC_E_STORE, NULL, "%s", store_errmsg(a->store));
		return -1;
	}
	if (found == 1) {
		mc_err_set(err, MC_E_NO_DOSSIER, NULL, NULL);
		mc_err_field(err, code);
		return -1;
	}
	if (a->opt.flags & APP_SYSTEMS)
		link = app_link(a, d.source);
	if (link == NULL) {
		mc_err_set(err, MC_E_NOT_CONFIGURED, d.source, NULL);
		dossier_release(&d);
		return -1;
	}
	if (store_dossier_detail_version(a->store, code, &version) != 0) {
		mc_err_set(err, MC_E_STORE, NULL, "%s", store_errmsg(a->store));
		dossier_release(&d);
		return -1;
	}
	dt = get(a);
	reset(dt);
	dt->code = xstrdup(code);
	dt->coordination = source_link_source(link)->coordination;
	dt->st.state = APP_DETAIL_RUNNING;
	dt->st.asked_at = app_now(a);
	mc_err_clear(&dt->st.err);
	dt->st.seq++;
	dt->job = sync_detail_start(&(struct sync_detail_options){
		.net = a->net,
		.link = link,
		.code = code,
		.version = version,
		.done = on_done,
		.arg = dt,
	});
	free(version);
	dossier_release(&d);
	return 0;
}

bool
app_detail_status(struct app *a, const char *code, struct app_detail_status *out)
{
	struct app_detail *dt = a->detail;

	if (dt == NULL || dt->code == NULL || strcmp(dt->code, code) != 0)
		return false;
	*out = dt->st;
	return true;
}

unsigned
app_detail_turn(struct app *a, mc_time now)
{
	struct app_detail *dt = a->detail;

	if (dt == NULL || !dt->arrived)
		return 0;
	dt->arrived = false;
	dt->st.seq++;
	switch (dt->r.status) {
	case SYNC_DETAIL_OK:
		if (sync_detail_apply(a->store, &a->procs, a->cal, &a->cfg.worktime,
				      dt->coordination, &dt->d, now) != 0) {
			dt->st.state = APP_DETAIL_FAILED;
			mc_err_set(&dt->st.err, MC_E_STORE, NULL, "%s", store_errmsg(a->store));
		} else {
			dt->st.state = APP_DETAIL_DONE;
		}
		break;
	case SYNC_DETAIL_CURRENT:
		dt->st.state = APP_DETAIL_CURRENT;
		(void)store_dossier_detail_seen(a->store, dt->code, now);
		break;
	case SYNC_DETAIL_FAILED:
		dt->st.state = APP_DETAIL_FAILED;
		dt->st.err = dt->r.err;
		break;
	}
	dossier_release(&dt->d);
	return APP_CHANGED_DOSSIERS;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum app_detail_state
app_detail_wait(struct app *a, const char *code, int64_t timeout_ms, struct mc_err *err)
{
	int64_t end = mono_ms() + timeout_ms;

	if (app_detail_fetch(a, code, err) != 0)
		return APP_DETAIL_FAILED;
	while (!a->detail->arrived) {
		int64_t left = end - mono_ms();

		if (left <= 0) {
			reset(a->detail);
			a->detail->st.state = APP_DETAIL_FAILED;
			mc_err_set(err, MC_E_TIME_LIMIT, NULL, NULL);
			return APP_DETAIL_FAILED;
		}
		if (net_poll(a->net, left < 500 ? (int)left : 500, NULL, 0) < 0)
			break;
	}
	(void)app_detail_turn(a, app_now(a));
	*err = a->detail->st.err;
	return a->detail->st.state;
}

void
app_detail_free(struct app *a)
{
	if (a->detail == NULL)
		return;
	reset(a->detail);
	free(a->detail);
	a->detail = NULL;
}
