/*
 * world.c - the sandbox's dossiers, change logs, actions and life (world.h).
 *
 * Each source has an append-only change log of (seq, time, dossier); a
 * dossier's latest change is the entry whose seq equals the dossier's own, so
 * older entries are skipped when a feed is read.  Seqs come from one counter
 * and times never go backwards, so both "after this cursor" and "updated
 * since" are binary searches into the log.  The coordination system (dvcqg)
 * has its own log and its own, lagging, copy of the status: a change in a
 * handling system reaches it minutes later (coord_pending), and the
 * provincial system pushes its local 5, 6 and 8 as 9.
 *
 * A poisoned update time (world_poison_updated: far future, or past) is
 * logged at that time, not clamped, and marks the log out of order: from
 * then on "updated since" is a filter over the entries after the cursor
 * instead of a binary search, and the normal entries keep their own order
 * (clamped against the latest normal time, never against a poisoned one).
 *
 * It does not count duplicate submissions (ledger.c does) and does not know
 * how any dialect spells a status.
 */
#include "sandbox/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "sandbox/gen.h"
#include "sandbox/rng.h"
#include "sandbox/smap.h"

#define STREAM_LIFE 0x11feULL
#define MAX_CATCHUP_MINUTES (7 * 24 * 60)

struct log_entry {
	uint64_t seq;
	mc_time at;
	uint32_t idx;
};

struct change_log {
	struct log_entry *e;
	size_t n, cap;
	mc_time last_at;  /* the latest time of a normal entry */
	bool out_of_order; /* a poisoned time was logged: times are not sorted */
};

struct world {
	struct world_config cfg;
	struct world_dossier *d;
	size_t n, cap;
	struct smap *by_code;
	struct smap *code_counters; /* "H56.14-261122" -> last sequence number */
	struct calendar *cal;
	struct worktime wt;
	struct gen_ctx g;
	struct change_log logs[SRC_COUNT];
	size_t counts[SRC_COUNT];
	uint64_t next_seq;
	mc_time clock;          /* latest time the world was moved to */
	int64_t last_minute;    /* last life tick, in minutes since the epoch */
	double arrival_debt;    /* fractional arrivals carried between ticks */
	uint32_t *pending;      /* dossiers with coord_pending set */
	size_t n_pending, cap_pending;
	struct world_life_stats life;
};

static const char *const scenario_names[] = {"default", "quiet-morning", "post-tet-backlog",
					     "rural-outage"};

int
world_scenario_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(scenario_names) / sizeof(scenario_names[0]); i++)
		if (name != NULL && strcmp(name, scenario_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
world_scenario_name(int scenario)
{
	if (scenario < 0 || scenario > SCENARIO_RURAL_OUTAGE)
		return "?";
	return scenario_names[scenario];
}

/* ---- small accessors ----------------------------------------------------- */

uint64_t world_seed(const struct world *w) { return w->cfg.seed; }
struct calendar *world_calendar(struct world *w) { return w->cal; }
const struct worktime *world_worktime(const struct world *w) { return &w->wt; }
size_t world_count(const struct world *w) { return w->n; }

struct world_dossier *
world_get(struct world *w, uint32_t idx)
{
	return idx < w->n ? &w->d[idx] : NULL;
}

int64_t
world_find(const struct world *w, const char *code)
{
	void *v = code != NULL ? smap_get(w->by_code, code) : NULL;
	return v != NULL ? (int64_t)((uintptr_t)v - 1) : -1;
}

size_t
world_source_count(const struct world *w, int src)
{
	return src >= 0 && src < SRC_COUNT ? w->counts[src] : 0;
}

const struct catalog_procedure *
world_procedure(const struct world_dossier *d)
{
	if (d->extra != NULL && d->extra->procedure != NULL)
		return d->extra->procedure;
	return &catalog_procedures[d->proc];
}

void
world_person(const struct world *w, const struct world_dossier *d, struct gen_person *out)
{
	gen_person(w->cfg.seed, d->gen, d->commune, out);
	if (d->extra != NULL && d->extra->name != NULL)
		snprintf(out->name, sizeof(out->name), "%s", d->extra->name);
}

const char *
world_unit(const struct world_dossier *d)
{
	if (d->extra != NULL && d->extra->unit != NULL)
		return d->extra->unit;
	return catalog_communes[d->commune].unit;
}

int
world_source_of(const struct world_dossier *d)
{
	return catalog_procedures[d->proc].source;
}

uint64_t
world_seq_in(const struct world_dossier *d, int src)
{
	return src == SRC_DVCQG ? d->coord_seq : d->seq;
}

mc_time
world_updated_in(const struct world_dossier *d, int src)
{
	return src == SRC_DVCQG ? d->coord_updated_at : d->updated_at;
}

int
world_status_in(const struct world_dossier *d, int src)
{
	return src == SRC_DVCQG ? d->coord_status : d->status;
}

int64_t
world_fee_amount(const struct world_dossier *d, size_t i)
{
	const struct catalog_procedure *p = world_procedure(d);
	if (i >= p->n_fees)
		return 0;
	return p->fees[i].amount * (p->fees[i].per_page ? d->pages : 1);
}

int64_t
world_fees_total(const struct world_dossier *d)
{
	int64_t total = 0;
	for (size_t i = 0; i < world_procedure(d)->n_fees; i++)
		total += world_fee_amount(d, i);
	return total;
}

void
world_life_stats(const struct world *w, struct world_life_stats *out)
{
	*out = w->life;
}

/* ---- change logs --------------------------------------------------------- */

/* A change of idx in src's log at `at`; `exact`: a poisoned time, logged as
 * it is (see the top of this file), else clamped to keep times sorted. */
static void
log_add(struct world *w, int src, uint32_t idx, mc_time at, bool exact)
{
	struct change_log *log = &w->logs[src];
	if (log->n == log->cap) {
		log->cap = log->cap ? log->cap * 2 : 1024;
		log->e = xreallocarray(log->e, log->cap, sizeof(*log->e));
	}
	if (exact) {
		log->out_of_order = true;
	} else {
		if (log->n > 0 && at < log->last_at)
			at = log->last_at; /* keep times sorted */
		log->last_at = at;
	}
	struct world_dossier *d = &w->d[idx];
	uint64_t seq = ++w->next_seq;
	if (src == SRC_DVCQG) {
		d->coord_seq = seq;
		d->coord_updated_at = at;
	} else {
		d->seq = seq;
	}
	log->e[log->n++] = (struct log_entry){seq, at, idx};
}

static void
log_append(struct world *w, int src, uint32_t idx, mc_time at)
{
	log_add(w, src, idx, at, false);
}

/* First entry with seq > after_seq and at > after_time. */
static size_t
log_start(const struct change_log *log, uint64_t after_seq, mc_time after_time)
{
	size_t lo = 0, hi = log->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (log->e[mid].seq <= after_seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t a = lo;
	if (log->out_of_order)
		return a; /* the callers filter the times */
	lo = 0;
	hi = log->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (log->e[mid].at <= after_time)
			lo = mid + 1;
		else
			hi = mid;
	}
	return a > lo ? a : lo;
}

/* The dossier's latest change, and after after_time (0: any time). */
static bool
log_live(const struct world *w, int src, const struct log_entry *e, mc_time after_time)
{
	return world_seq_in(&w->d[e->idx], src) == e->seq &&
	       (after_time == 0 || e->at > after_time);
}

size_t
world_feed(struct world *w, int src, uint64_t after_seq, mc_time after_time, size_t offset,
	   size_t limit, uint32_t *out, uint64_t *last_seq, bool *more)
{
	*last_seq = after_seq;
	*more = false;
	if (src < 0 || src >= SRC_COUNT)
		return 0;
	const struct change_log *log = &w->logs[src];
	size_t n = 0;
	for (size_t i = log_start(log, after_seq, after_time); i < log->n; i++) {
		if (!log_live(w, src, &log->e[i], after_time))
			continue;
		if (offset > 0) {
			offset--;
			continue;
		}
		if (n == limit) {
			*more = true;
			break;
		}
		out[n++] = log->e[i].idx;
		*last_seq = log->e[i].seq;
	}
	return n;
}

size_t
world_feed_count(struct world *w, int src, uint64_t after_seq, mc_time after_time)
{
	if (src < 0 || src >= SRC_COUNT)
		return 0;
	const struct change_log *log = &w->logs[src];
	size_t n = 0;
	for (size_t i = log_start(log, after_seq, after_time); i < log->n; i++)
		n += log_live(w, src, &log->e[i], after_time);
	return n;
}

/* ---- generation ---------------------------------------------------------- */

static void
assign_code(struct world *w, uint32_t idx)
{
	struct world_dossier *d = &w->d[idx];
	struct civil_date day = civil_date_from_days(civil_day_of(d->submitted_at));
	char key[32];
	snprintf(key, sizeof(key), "%s-%02d%02d%02d", catalog_communes[d->commune].agency,
		 day.year % 100, day.month, day.day);
	uintptr_t next = (uintptr_t)smap_get(w->code_counters, key) + 1;
	smap_put(w->code_counters, key, (void *)next);
	snprintf(d->code, sizeof(d->code), "%s-%05u", key, (unsigned)next);
	smap_put(w->by_code, d->code, (void *)(uintptr_t)(idx + 1));
}

static struct world *sort_world; /* qsort has no context argument in C11 */

static int
by_submission(const void *a, const void *b)
{
	const struct world_dossier *x = &sort_world->d[*(const uint32_t *)a];
	const struct world_dossier *y = &sort_world->d[*(const uint32_t *)b];
	if (x->submitted_at != y->submitted_at)
		return x->submitted_at < y->submitted_at ? -1 : 1;
	return x->gen < y->gen ? -1 : x->gen > y->gen;
}

static int sort_src;

static int
by_update(const void *a, const void *b)
{
	const struct world_dossier *x = &sort_world->d[*(const uint32_t *)a];
	const struct world_dossier *y = &sort_world->d[*(const uint32_t *)b];
	mc_time tx = world_updated_in(x, sort_src), ty = world_updated_in(y, sort_src);
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x->gen < y->gen ? -1 : x->gen > y->gen;
}

static void
add_dossier(struct world *w, const struct world_dossier *d)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 1024;
		w->d = xreallocarray(w->d, w->cap, sizeof(*w->d));
	}
	w->d[w->n++] = *d;
}

static int32_t
tet_end_day(struct calendar *cal, int year)
{
	const struct calendar_day *days;
	size_t n = calendar_days_off(cal, year, &days);
	int32_t last = 0;
	for (size_t i = 0; i < n; i++)
		if (strstr(days[i].name, "Tết Âm lịch") != NULL && days[i].day > last)
			last = days[i].day;
	return last;
}

mc_time
world_scenario_clock(int scenario, mc_time now)
{
	int32_t today = civil_day_of(now);
	if (scenario != SCENARIO_QUIET_MORNING && scenario != SCENARIO_POST_TET_BACKLOG)
		return now;
	struct calendar *cal = calendar_new();
	if (scenario == SCENARIO_QUIET_MORNING) {
		int32_t day = calendar_working_day_on_or_after(cal, today);
		calendar_free(cal);
		return civil_make_time(day, 7 * 3600 + 45 * 60);
	}
	int year = civil_date_from_days(today).year;
	int32_t end = tet_end_day(cal, year);
	if (end == 0 || end >= today)
		end = tet_end_day(cal, year - 1);
	int32_t first = calendar_next_working_day(cal, end);
	calendar_free(cal);
	return civil_make_time(first, 7 * 3600 + 30 * 60);
}

struct world *
world_new(const struct world_config *cfg)
{
	struct world *w = xcalloc(1, sizeof(*w));
	w->cfg = *cfg;
	w->by_code = smap_new();
	w->code_counters = smap_new();
	w->cal = calendar_new();
	deadline_worktime_default(&w->wt);
	w->clock = cfg->now;
	w->last_minute = cfg->now / 60;

	int32_t today = civil_day_of(cfg->now);
	w->g = (struct gen_ctx){
		.seed = cfg->seed,
		.now = cfg->now,
		.cal = w->cal,
		.wt = &w->wt,
		.open_to_day = today,
		.open_span_scale = 100,
		.dvcqg_share = cfg->dvcqg_share,
	};
	if (cfg->scenario == SCENARIO_QUIET_MORNING) {
		w->g.open_span_scale = 40;
	} else if (cfg->scenario == SCENARIO_POST_TET_BACKLOG) {
		/* Open dossiers were received in the days before the holiday. */
		int32_t d = today - 1;
		for (int guard = 0; guard < 20 && calendar_is_day_off(w->cal, d); guard++)
			d--;
		w->g.open_to_day = d;
		w->g.open_span_scale = 60;
	}

	w->d = xcalloc(cfg->n_dossiers ? cfg->n_dossiers : 1, sizeof(*w->d));
	w->cap = cfg->n_dossiers ? cfg->n_dossiers : 1;
	for (size_t i = 0; i < cfg->n_dossiers; i++) {
		struct world_dossier d;
		gen_dossier(&w->g, (uint32_t)i, &d);
		add_dossier(w, &d);
	}

	uint32_t *order = xcalloc(w->n ? w->n : 1, sizeof(*order));
	for (size_t i = 0; i < w->n; i++)
		order[i] = (uint32_t)i;
	sort_world = w;
	qsort(order, w->n, sizeof(*order), by_submission);
	for (size_t i = 0; i < w->n; i++)
		assign_code(w, order[i]);
	for (int src = 0; src < SRC_COUNT; src++) {
		size_t n = 0;
		for (size_t i = 0; i < w->n; i++)
			if (src == SRC_DVCQG ? w->d[i].coord_status != 0
					     : world_source_of(&w->d[i]) == src)
				order[n++] = (uint32_t)i;
		sort_src = src;
		qsort(order, n, sizeof(*order), by_update);
		for (size_t i = 0; i < n; i++)
			log_append(w, src, order[i], world_updated_in(&w->d[order[i]], src));
		w->counts[src] = n;
	}
	sort_world = NULL;
	free(order);
	return w;
}

static void
extra_free(struct world_extra *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->n_events; i++) {
		free(x->events[i].actor);
		free(x->events[i].note);
	}
	free(x->events);
	for (size_t i = 0; i < x->n_result_files; i++)
		free(x->result_files[i]);
	free(x->result_files);
	free(x->reason);
	free(x->name);
	free(x->unit);
	if (x->procedure != NULL)
		free((char *)x->procedure->name);
	free(x->procedure);
	free(x);
}

void
world_free(struct world *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		extra_free(w->d[i].extra);
	free(w->d);
	for (int s = 0; s < SRC_COUNT; s++)
		free(w->logs[s].e);
	free(w->pending);
	smap_free(w->by_code, NULL);
	smap_free(w->code_counters, NULL);
	calendar_free(w->cal);
	free(w);
}

/* ---- changes ------------------------------------------------------------- */

static struct world_extra *
extra_of(struct world_dossier *d)
{
	if (d->extra == NULL)
		d->extra = xcalloc(1, sizeof(*d->extra));
	return d->extra;
}

static void
add_event(struct world_dossier *d, mc_time at, int status, int action, int via,
	  const char *actor, const char *note)
{
	struct world_extra *x = extra_of(d);
	x->events = xreallocarray(x->events, x->n_events + 1, sizeof(*x->events));
	x->events[x->n_events++] = (struct world_event){
		at, (uint8_t)status, (uint8_t)action, (uint8_t)via, xstrdup_or_null(actor),
		xstrdup_or_null(note)};
}

/* The status as the handling system pushes it to dvcqg. */
static int
pushed_status(const struct world_dossier *d, int status)
{
	if (world_source_of(d) == SRC_TINH &&
	    (status == STATUS_SUPPLEMENT || status == STATUS_PAYMENT || status == STATUS_STOPPED))
		return STATUS_DONE;
	return status;
}

/* Record a change of d at now: version, handling log, and a delayed push. */
static void
touch(struct world *w, uint32_t idx, mc_time now)
{
	struct world_dossier *d = &w->d[idx];
	d->version++;
	d->updated_at = now;
	log_append(w, world_source_of(d), idx, now);
	if (d->coord_status == 0)
		return;
	uint64_t h = rng_hash(w->cfg.seed ^ STREAM_LIFE, ((uint64_t)idx << 20) ^ d->version);
	d->coord_pending = (uint8_t)pushed_status(d, d->status);
	d->coord_pending_at = now + 120 + (mc_time)(h % (18 * 60)); /* 2..20 min later */
	for (size_t i = 0; i < w->n_pending; i++)
		if (w->pending[i] == idx)
			return;
	if (w->n_pending == w->cap_pending) {
		w->cap_pending = w->cap_pending ? w->cap_pending * 2 : 64;
		w->pending = xreallocarray(w->pending, w->cap_pending, sizeof(*w->pending));
	}
	w->pending[w->n_pending++] = idx;
}

enum world_act_result
world_act(struct world *w, uint32_t idx, const struct world_act *act, mc_time now)
{
	struct world_dossier *d = &w->d[idx];
	if (act->check_version && act->version != d->version)
		return WORLD_ACT_STALE;
	if (!action_allowed(act->action, d->status))
		return WORLD_ACT_NOT_ALLOWED;
	if (action_needs_reason(act->action) && (act->reason == NULL || act->reason[0] == '\0'))
		return WORLD_ACT_NEED_REASON;
	if (act->action == ACTION_REQUEST_PAYMENT && world_procedure(d)->n_fees == 0)
		return WORLD_ACT_NO_FEES;
	int to = action_apply(act->action, d->status);
	switch (act->action) {
	case ACTION_RECEIVE:
		d->received_at = now;
		d->status = (uint8_t)to;
		d->due_at = gen_due(w->cal, &w->wt, d);
		if (world_procedure(d)->n_fees > 0) { /* paid at the desk on reception */
			d->payment = PAYMENT_PAID;
			d->paid_at = now;
		}
		break;
	case ACTION_REQUEST_SUPPLEMENT:
		d->supp_req_at = now;
		d->supp_done_at = 0;
		extra_of(d)->n_supplements++;
		break;
	case ACTION_SUPPLEMENT_RECEIVED:
		d->supp_done_at = now;
		d->due_at = gen_due(w->cal, &w->wt, d);
		break;
	case ACTION_REQUEST_PAYMENT:
		d->payment = PAYMENT_PENDING;
		break;
	case ACTION_REFUSE:
	case ACTION_APPROVE:
	case ACTION_STOP:
	case ACTION_WITHDRAW:
		d->finished_at = now;
		break;
	case ACTION_RETURN_RESULT: {
		d->returned_at = now;
		struct world_extra *x = extra_of(d);
		for (size_t i = 0; i < act->n_result_files; i++) {
			x->result_files = xreallocarray(x->result_files, x->n_result_files + 1,
							sizeof(char *));
			x->result_files[x->n_result_files++] = xstrdup(act->result_files[i]);
		}
		break;
	}
	default:
		break;
	}
	d->status = (uint8_t)to;
	if (act->reason != NULL && act->reason[0] != '\0') {
		struct world_extra *x = extra_of(d);
		free(x->reason);
		x->reason = xstrdup(act->reason);
	}
	add_event(d, now, to, act->action, act->via, act->actor, act->reason);
	touch(w, idx, now);
	return WORLD_ACT_OK;
}

void
world_coord_push(struct world *w, uint32_t idx, int status, mc_time now)
{
	struct world_dossier *d = &w->d[idx];
	if (!status_valid(status))
		return;
	if (d->coord_status == 0)
		w->counts[SRC_DVCQG]++;
	d->coord_status = (uint8_t)status;
	d->coord_pending = 0;
	log_append(w, SRC_DVCQG, idx, now);
}

/* ---- poison (for tests and trainers) -------------------------------------- */

static const char *const poison_names[] = {
	[WORLD_POISON_NAME] = "name",
	[WORLD_POISON_PROCEDURE] = "procedure",
	[WORLD_POISON_UNIT] = "unit",
	[WORLD_POISON_AREA] = "area",
};

int
world_poison_field_from_name(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof(poison_names) / sizeof(poison_names[0]); i++)
		if (strcmp(name, poison_names[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * A poisoning is a change the systems show at once: a new version, `at` as
 * the update time, a new entry in the handling system's log and in dvcqg's
 * when dvcqg holds the dossier.  No delayed push (touch()'s): dvcqg's copy
 * changes with it, so a test needs no clock.
 */
static void
poison_touch(struct world *w, uint32_t idx, mc_time at, bool exact)
{
	struct world_dossier *d = &w->d[idx];
	d->version++;
	d->updated_at = at;
	log_add(w, world_source_of(d), idx, at, exact);
	if (d->coord_status != 0)
		log_add(w, SRC_DVCQG, idx, at, exact);
}

static void
replace(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

int
world_poison(struct world *w, uint32_t idx, enum world_poison_field field, const char *value,
	     mc_time now)
{
	struct world_dossier *d = world_get(w, idx);
	struct world_extra *x;
	size_t len = value != NULL ? strlen(value) : 0;

	if (d == NULL || len == 0 || len > WORLD_POISON_TEXT_MAX)
		return -1;
	if (field == WORLD_POISON_NAME && len >= sizeof(((struct gen_person *)0)->name))
		return -1; /* gen_person's buffer */
	x = extra_of(d);
	switch (field) {
	case WORLD_POISON_NAME:
		replace(&x->name, value);
		break;
	case WORLD_POISON_PROCEDURE:
		if (x->procedure == NULL) {
			x->procedure = xmalloc(sizeof(*x->procedure));
			*x->procedure = catalog_procedures[d->proc];
			x->procedure->name = NULL;
		}
		free((char *)x->procedure->name);
		x->procedure->name = xstrdup(value);
		break;
	case WORLD_POISON_UNIT:
		replace(&x->unit, value);
		break;
	case WORLD_POISON_AREA:
		free(x->unit);
		x->unit = xasprintf("UBND %s", value);
		break;
	default:
		return -1;
	}
	poison_touch(w, idx, now, false);
	return 0;
}

void
world_poison_updated(struct world *w, uint32_t idx, mc_time at)
{
	if (world_get(w, idx) != NULL)
		poison_touch(w, idx, at, true);
}

int
world_poison_code(struct world *w, uint32_t idx, const char *code, mc_time now)
{
	struct world_dossier *d = world_get(w, idx);
	int64_t other = world_find(w, code);

	if (d == NULL || code == NULL || code[0] == '\0' || strlen(code) >= sizeof(d->code))
		return -1;
	if (other >= 0 && other != (int64_t)idx)
		return -2;
	smap_del(w->by_code, d->code);
	snprintf(d->code, sizeof(d->code), "%s", code);
	smap_put(w->by_code, d->code, (void *)(uintptr_t)(idx + 1));
	poison_touch(w, idx, now, false);
	return 0;
}

/* ---- life ---------------------------------------------------------------- */

static void
sync_coord(struct world *w, mc_time now)
{
	size_t keep = 0;
	for (size_t i = 0; i < w->n_pending; i++) {
		uint32_t idx = w->pending[i];
		struct world_dossier *d = &w->d[idx];
		if (d->coord_pending == 0) {
			continue;
		}
		if (d->coord_pending_at > now) {
			w->pending[keep++] = idx;
			continue;
		}
		d->coord_status = d->coord_pending;
		d->coord_pending = 0;
		log_append(w, SRC_DVCQG, idx, d->coord_pending_at);
		w->life.coord_synced++;
	}
	w->n_pending = keep;
}

static void
arrive(struct world *w, mc_time at)
{
	struct world_dossier d;
	uint32_t gen = (uint32_t)w->n;
	gen_arrival(&w->g, gen, at, &d);
	add_dossier(w, &d);
	uint32_t idx = (uint32_t)(w->n - 1);
	assign_code(w, idx);
	log_append(w, world_source_of(&w->d[idx]), idx, at);
	w->counts[world_source_of(&w->d[idx])]++;
	w->life.arrivals++;
}

/* One dossier moves on by itself: the department finishes, or fees are paid. */
static void
progress(struct world *w, struct rng *r, mc_time at)
{
	for (int tries = 0; tries < 8 && w->n > 0; tries++) {
		uint32_t idx = rng_below(r, (uint32_t)w->n);
		struct world_dossier *d = &w->d[idx];
		if (d->status == STATUS_PROCESSING) {
			d->status = STATUS_DONE;
			d->finished_at = at;
			add_event(d, at, STATUS_DONE, ACTION_NONE, world_source_of(d), NULL,
				  "Phòng chuyên môn đã xử lý xong");
		} else if (d->status == STATUS_PAYMENT) {
			d->status = STATUS_PROCESSING;
			d->payment = PAYMENT_PAID;
			d->paid_at = at;
			add_event(d, at, STATUS_PROCESSING, ACTION_NONE, world_source_of(d), NULL,
				  "Công dân đã nộp phí, lệ phí trực tuyến");
		} else {
			continue;
		}
		touch(w, idx, at);
		w->life.progressed++;
		return;
	}
}

void
world_advance(struct world *w, mc_time now)
{
	if (now <= w->clock)
		return;
	w->clock = now;
	int64_t minute = now / 60;
	if (w->cfg.rate > 0 && minute > w->last_minute) {
		int64_t from = w->last_minute + 1;
		if (minute - from > MAX_CATCHUP_MINUTES)
			from = minute - MAX_CATCHUP_MINUTES;
		for (int64_t m = from; m <= minute; m++) {
			mc_time at = m * 60;
			sync_coord(w, at);
			struct rng r;
			rng_init(&r, w->cfg.seed ^ STREAM_LIFE, (uint64_t)m);
			w->arrival_debt += w->cfg.rate;
			while (w->arrival_debt >= 1.0) {
				arrive(w, at);
				w->arrival_debt -= 1.0;
			}
			int moves = w->cfg.rate >= 1 ? (int)(w->cfg.rate / 2 + 0.5) : 0;
			if (moves == 0 && rng_unit(&r) < w->cfg.rate / 2)
				moves = 1;
			for (int k = 0; k < moves; k++)
				progress(w, &r, at);
		}
	}
	w->last_minute = minute;
	sync_coord(w, now);
}

/* ---- history ------------------------------------------------------------- */

size_t
world_history(const struct world *w, const struct world_dossier *d, struct world_step *out,
	      size_t max)
{
	size_t n = 0;
	mc_time start = d->received_at ? d->received_at : d->submitted_at;
	mc_time end = d->finished_at ? d->finished_at : d->updated_at;
	uint64_t h = rng_hash(w->cfg.seed, d->gen);
	int supp_seen = 0;
	for (size_t i = 0; i < d->n_path; i++) {
		mc_time at;
		int s = d->path[i];
		if (i == 0)
			at = d->submitted_at;
		else if (i == 1)
			at = start;
		else if (s == STATUS_SUPPLEMENT && d->supp_req_at)
			at = d->supp_req_at, supp_seen = 1;
		else if (supp_seen == 1 && s == STATUS_PROCESSING && d->supp_done_at)
			at = d->supp_done_at, supp_seen = 2;
		else if (s == STATUS_RETURNED && d->returned_at)
			at = d->returned_at;
		else if (i + 1 == d->n_path || (s == STATUS_DONE && d->finished_at))
			at = end;
		else
			at = start + (end - start) * (mc_time)i / (mc_time)d->n_path;
		if (n < max) {
			const char *official = catalog_officials[(h >> (i * 3)) % catalog_n_officials];
			out[n] = (struct world_step){at, s, ACTION_NONE, i == 0 ? NULL : official,
						     NULL};
		}
		n++;
	}
	if (d->extra != NULL) {
		for (size_t i = 0; i < d->extra->n_events; i++, n++) {
			const struct world_event *e = &d->extra->events[i];
			if (n < max)
				out[n] = (struct world_step){e->at, e->status, e->action, e->actor,
							     e->note};
		}
	}
	return n;
}
