/*
 * engine.c - the console's seams over the sync engine and the offline
 * queue: struct ui_sync over struct sync, struct ui_outbox over
 * sync/outbox.h and its replay.
 *
 * Both run inside the console's one loop: turn() is called once per loop
 * turn after net_poll() and applies what arrived (sync_flush(), one store
 * transaction), starts the pulls that are due (every `pull_every_s`, and at
 * once on :sync), and steps the replay of the queue, which goes on whatever
 * screen is shown, the lock screen included.  Nothing here draws or
 * translates: the UI turns the numbers into words.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "core/status.h"
#include "core/xalloc.h"
#include "store/outbox.h"
#include "outbox/outbox.h"
#include "outbox/outbox_replay.h"
#include "sync/sync.h"
#include "ui/console.h"
#include "app/download.h"
#include "app/trust.h"

#define MAX_SOURCES 32

struct ui_engine {
	struct store *store;
	struct net *net;
	struct sync *sync;
	struct outbox_replay *replay;
	char *actor;               /* our copy: auth's strings do not last */
	struct auth *auth;         /* names the actor once signed in; may be NULL */
	struct outbox_replay_options ro; /* the replay starts at the first turn */
	bool queue;
	struct ui_trust *trust;    /* audit log shipping, retention (ui/trust.h) */
	int64_t pull_every_s;
	int64_t next_pull_at;      /* 0: at the first turn */
	bool was_busy;
	int64_t seen_sum;          /* n_new + n_changed of the pass so far */
	uint64_t replay_sum;       /* outcomes of the replay so far */
	struct ui_sync sync_seam;
	struct ui_outbox outbox_seam;
	struct ui_download *download; /* attachments on demand (ui/download.c) */
};

/* ---- sync --------------------------------------------------------------- */

static bool
eng_online(void *ctx, const char *source)
{
	struct ui_engine *e = ctx;

	return sync_source_online(e->sync, source);
}

static int
eng_pull_now(void *ctx)
{
	struct ui_engine *e = ctx;

	if (sync_n_sources(e->sync) == 0)
		return -1;
	return sync_start(e->sync, NULL);
}

static const char *
eng_source_name(void *ctx, size_t i)
{
	struct ui_engine *e = ctx;

	if (e->sync == NULL || i >= sync_n_sources(e->sync))
		return NULL;
	return sync_source(e->sync, i)->name;
}

static int64_t
changes_so_far(const struct ui_engine *e)
{
	struct sync_report r[MAX_SOURCES];
	size_t n = sync_reports(e->sync, r, MAX_SOURCES);
	int64_t sum = 0;

	for (size_t i = 0; i < n && i < MAX_SOURCES; i++)
		sum += r[i].n_new + r[i].n_changed;
	return sum;
}

static uint64_t
replay_outcomes(const struct ui_engine *e)
{
	struct outbox_replay_stats st;

	if (e->replay == NULL)
		return 0;
	outbox_replay_get_stats(e->replay, &st);
	return st.applied + st.conflicts + st.failed + st.retries + st.sends;
}

/*
 * The app calls the first turn only after the first sign-in, so the
 * official's name is known by then: it goes with every action sent.
 */
static void
replay_start(struct ui_engine *e)
{
	if (e->actor == NULL && e->auth != NULL) {
		struct auth_info info;
		auth_get_info(e->auth, &info);
		e->actor = xstrdup_or_null(info.name);
	}
	e->ro.actor = e->actor;
	e->replay = outbox_replay_new(&e->ro);
}

static bool
eng_turn(void *ctx, int64_t now)
{
	struct ui_engine *e = ctx;
	bool changed = false, busy;
	int64_t sum;
	uint64_t rsum;

	if (e->sync != NULL) {
		if (!sync_busy(e->sync) && now >= e->next_pull_at && sync_n_sources(e->sync) > 0) {
			sync_start(e->sync, NULL);
			e->next_pull_at = now + e->pull_every_s;
		}
		sync_flush(e->sync);
		busy = sync_busy(e->sync);
		sum = changes_so_far(e);
		/* A new pass starts its counts at 0 again. */
		if (sum != e->seen_sum && sum != 0)
			changed = true;
		e->seen_sum = sum;
		if (e->was_busy && !busy)
			changed = true; /* statuses, ages and marks at the end of a pass */
		if (ui_trust_turn(e->trust, now, e->was_busy && !busy))
			changed = true;
		e->was_busy = busy;
	} else {
		ui_trust_turn(e->trust, now, false);
	}
	if (e->queue && e->replay == NULL)
		replay_start(e);
	if (e->replay != NULL) {
		outbox_replay_step(e->replay);
		rsum = replay_outcomes(e);
		if (rsum != e->replay_sum)
			changed = true;
		e->replay_sum = rsum;
	}
	return changed;
}

static bool
eng_progress(void *ctx, struct ui_sync_progress *p)
{
	struct ui_engine *e = ctx;
	struct sync_report r[MAX_SOURCES];
	size_t n;

	if (e->sync == NULL || !sync_busy(e->sync))
		return false;
	memset(p, 0, sizeof *p);
	n = sync_reports(e->sync, r, MAX_SOURCES);
	for (size_t i = 0; i < n && i < MAX_SOURCES; i++) {
		if (!r[i].ran)
			continue;
		p->total++;
		if (!r[i].ok && r[i].error == NULL)
			p->running++;
		p->dossiers += r[i].n_seen;
	}
	return true;
}

/* ---- the offline queue -------------------------------------------------- */

static int
eng_queue(void *ctx, const char *code, enum action action, const char *reason,
	  const char *to_unit, const char *const *files, size_t n_files, char **err)
{
	struct ui_engine *e = ctx;
	struct outbox_act_request req = {
		.code = code,
		.action = action_name(action),
		.reason = reason != NULL && reason[0] != '\0' ? reason : NULL,
		.to_unit = to_unit != NULL && to_unit[0] != '\0' ? to_unit : NULL,
		.files = files,
		.n_files = n_files,
	};
	int64_t id = 0;

	*err = NULL;
	if (outbox_act(e->store, &req, time(NULL), &id, err) != OUTBOX_ACT_OK) {
		if (*err == NULL)
			*err = xstrdup("?");
		return -1;
	}
	return 0;
}

static int
eng_pending(void *ctx, const char *code)
{
	struct ui_engine *e = ctx;
	int64_t n = 0;

	if (store_outbox_open_count(e->store, code, &n) != 0)
		return -1;
	return n > 1000 ? 1000 : (int)n;
}

static int64_t
eng_total(void *ctx)
{
	struct ui_engine *e = ctx;
	int64_t c[STORE_OUTBOX_N_STATES];
	int64_t sum = 0;

	if (store_outbox_counts(e->store, c) != 0)
		return -1;
	for (int i = 0; i < STORE_OUTBOX_N_STATES; i++)
		if (i != STORE_OUTBOX_DONE)
			sum += c[i];
	return sum;
}

static int
eng_retry(void *ctx, int64_t id, char **err)
{
	struct ui_engine *e = ctx;

	return outbox_retry(e->store, id, time(NULL), err) == 0 ? 0 : -1;
}

static int
eng_drop(void *ctx, int64_t id, char **err)
{
	struct ui_engine *e = ctx;

	return outbox_drop(e->store, id, time(NULL), err) == 0 ? 0 : -1;
}

/* ---- lifecycle ---------------------------------------------------------- */

static struct source *
find_source(void *arg, const char *name)
{
	struct ui_engine *e = arg;

	for (size_t i = 0; e->sync != NULL && i < sync_n_sources(e->sync); i++) {
		struct source *src = sync_source(e->sync, i);
		if (strcmp(src->name, name) == 0)
			return src;
	}
	return NULL;
}

struct ui_engine *
ui_engine_new(const struct ui_engine_options *opt)
{
	struct ui_engine *e = xcalloc(1, sizeof *e);

	e->store = opt->store;
	e->net = opt->net;
	e->sync = opt->sync;
	e->pull_every_s = opt->pull_every_s > 0 ? opt->pull_every_s : 300;
	e->sync_seam = (struct ui_sync){
		.online = eng_online,
		.pull_now = eng_pull_now,
		.turn = eng_turn,
		.source_name = eng_source_name,
		.progress = eng_progress,
		.ctx = e,
	};
	if (opt->sync != NULL) {
		e->download = ui_download_new(opt->store, opt->net, opt->tokens, find_source, e);
		e->sync_seam.attach = ui_download_seam(e->download);
	}
	e->actor = xstrdup_or_null(opt->actor);
	e->auth = opt->auth;
	e->queue = opt->queue;
	e->trust = opt->trust;
	if (opt->queue) {
		e->ro = (struct outbox_replay_options){
			.store = opt->store,
			.net = opt->net,
			.find_source = find_source,
			.find_arg = e,
			.tokens = opt->tokens,
			.log = opt->log,
			.log_ctx = opt->log_ctx,
		};
		e->outbox_seam = (struct ui_outbox){
			.queue = eng_queue,
			.pending = eng_pending,
			.total = eng_total,
			.retry = eng_retry,
			.drop = eng_drop,
			.ctx = e,
		};
	}
	return e;
}

const struct ui_sync *
ui_engine_sync(struct ui_engine *e)
{
	return e->sync != NULL ? &e->sync_seam : NULL;
}

const struct ui_outbox *
ui_engine_outbox(struct ui_engine *e)
{
	return e->queue ? &e->outbox_seam : NULL;
}

void
ui_engine_free(struct ui_engine *e)
{
	if (e == NULL)
		return;
	outbox_replay_free(e->replay);
	ui_download_free(e->download);
	free(e->actor);
	free(e);
}
