/*
 * sync.c - the sync engine's state machines and the per-turn flush (sync.h,
 * doc/sync.md).
 *
 * Each source is a job with an explicit state.  Network callbacks only parse
 * and queue pages and move the state; sync_flush() is the only place that
 * writes to the store, once per loop turn, in one transaction.  A page is
 * requested as soon as the previous one is parsed (the link never idles
 * waiting for the disk), but its watermark is stored only with its dossiers.
 * What it does not do: replay the outbox (src/outbox), fetch details or
 * attachments (on demand, elsewhere), read configuration, get tokens or log
 * in (the systems' links do, sources/link.h).
 */
#include "sync/sync.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "store/outbox.h"

enum job_state {
	JOB_IDLE = 0,
	JOB_LINK,    /* waiting for the system's link: token, session login */
	JOB_PULL,    /* a page in flight */
	JOB_DONE,    /* the last page parsed (maybe not flushed yet) */
	JOB_FAILED,
};

struct pending {
	struct source_page page;
	struct pending *next;
};

/* The codes one pass has read, as 64-bit hashes (open addressing; 0 empty). */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

struct job {
	struct sync *s;
	struct source_link *link;
	struct source *src;    /* the link's */
	enum job_state state;
	bool retried_auth;     /* one renewal per pass */
	bool ran;
	char *watermark;       /* in memory: of the last page parsed */
	unsigned pages;
	struct pending *head, *tail;
	int64_t n_new, n_changed, n_rejected, n_seen;
	struct net_counters start_bytes, end_bytes, start_pull, end_pull;
	uint64_t start_ms, end_ms;
	struct net_request *req; /* PULL: the page in flight (a reference) */
	bool over_time;        /* the pass ran past max_pass_ms */
	struct seen seen;      /* the codes this pass read */
	struct mc_err error;   /* FAILED: why */
	bool state_dirty;      /* final state to record at the next flush */
	int64_t total;         /* what the pass's first page said the system holds; -1 */
	bool reread;           /* the total grew, nothing new came: read it again */
	char *fingerprint;     /* what the system is read with (sync_set_fingerprint);
	                          NULL: not checked */
	bool resync_next;      /* asked (sync_resync): the next pass reads from the start */
	bool from_start;       /* this pass reads from the start: its first store write
	                          drops the stored position */
};

struct byte_acc {
	char *source, *kind;
	int64_t in, out, requests;
};

struct sync {
	struct sync_options opt;
	struct job *jobs;
	size_t n_jobs;
	struct byte_acc *acc;
	size_t n_acc;
	unsigned in_flight;   /* requests and token waits outstanding */
	size_t waiting;       /* dossiers in the pages waiting for sync_flush() */
	uint64_t waiting_ms;  /* when the oldest of those pages came; 0: none */
};

/*
 * Pages wait in memory until this many dossiers wait, the oldest page has
 * waited this long, or a pass ends: a store transaction then takes a few
 * thousand dossiers rather than one page of 100 to 500.  What a commit
 * costs (the pages it writes to the WAL and copies back into the file, the
 * search index's new segment and its merges) grows far slower than its
 * dossiers: a first sync of 100,000 dossiers on loopback took 12.6 s of CPU
 * with a transaction per turn, 9.5 s so.  The cost: a clerk sees new
 * dossiers up to a second later, the waiting pages take memory (peak 38 ->
 * 55 MB in that sync), and a crash loses up to a second of pages (read
 * again: no position is stored ahead of its dossiers).
 */
#define APPLY_MIN_DOSSIERS 4000
#define APPLY_MAX_WAIT_MS 1000

static uint64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t
code_hash(const char *code)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)code; *p != '\0'; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h != 0 ? h : 1;
}

/* Add a code; true when the pass had not read it yet. */
static bool
seen_add(struct seen *t, const char *code)
{
	uint64_t h = code_hash(code);
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct seen bigger = {xcalloc(t->cap ? 2 * t->cap : 256, sizeof *t->slot),
				      t->cap ? 2 * t->cap : 256, 0};
		for (size_t k = 0; k < t->cap; k++) {
			if (t->slot[k] == 0)
				continue;
			for (i = t->slot[k] & (bigger.cap - 1); bigger.slot[i] != 0;
			     i = (i + 1) & (bigger.cap - 1))
				;
			bigger.slot[i] = t->slot[k];
			bigger.n++;
		}
		free(t->slot);
		*t = bigger;
	}
	for (i = h & (t->cap - 1); t->slot[i] != 0; i = (i + 1) & (t->cap - 1))
		if (t->slot[i] == h)
			return false;
	t->slot[i] = h;
	t->n++;
	return true;
}

static void
seen_clear(struct seen *t)
{
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static mc_time
now(const struct sync *s)
{
	return s->opt.now != NULL ? s->opt.now(s->opt.now_arg) : (mc_time)time(NULL);
}

static void
event(struct sync *s, enum sync_event_kind kind, const char *system, const char *detail,
      const struct mc_err *err)
{
	struct sync_event ev = {kind, system, detail, err};

	if (s->opt.event != NULL)
		s->opt.event(s->opt.event_ctx, &ev);
}

/* ---- byte accounting ------------------------------------------------------- */

static void
on_account(const char *source, const char *kind, const struct net_counters *c, void *arg)
{
	struct sync *s = arg;
	size_t i;

	for (i = 0; i < s->n_acc; i++)
		if (strcmp(s->acc[i].source, source) == 0 && strcmp(s->acc[i].kind, kind) == 0)
			break;
	if (i == s->n_acc) {
		s->acc = xreallocarray(s->acc, s->n_acc + 1, sizeof *s->acc);
		s->acc[i] = (struct byte_acc){xstrdup(source), xstrdup(kind), 0, 0, 0};
		s->n_acc++;
	}
	s->acc[i].in += (int64_t)c->bytes_in;
	s->acc[i].out += (int64_t)c->bytes_out;
	s->acc[i].requests += (int64_t)c->requests;
}

/* ---- lifecycle -------------------------------------------------------------- */

struct sync *
sync_new(const struct sync_options *opt)
{
	struct sync *s = xcalloc(1, sizeof *s);

	s->opt = *opt;
	if (s->opt.max_pages == 0)
		s->opt.max_pages = 100000;
	if (s->opt.max_pass_ms == 0)
		s->opt.max_pass_ms = 15 * 60 * 1000;
	if (opt->account_bytes)
		net_on_account(opt->net, on_account, s);
	return s;
}

void
sync_set_events(struct sync *s, sync_event_fn *fn, void *ctx)
{
	s->opt.event = fn;
	s->opt.event_ctx = ctx;
}

static void
job_clear_pages(struct job *j)
{
	while (j->head != NULL) {
		struct pending *p = j->head;
		j->head = p->next;
		source_page_release(&p->page);
		free(p);
	}
	j->tail = NULL;
}

void
sync_free(struct sync *s)
{
	if (s == NULL)
		return;
	/* let callbacks that point at our jobs run (cancelled) before freeing */
	for (size_t i = 0; i < s->n_jobs; i++) {
		source_link_forget(s->jobs[i].link, &s->jobs[i]);
		if (s->jobs[i].state == JOB_LINK) {
			s->jobs[i].state = JOB_FAILED;
			s->in_flight--;
		}
		net_cancel_source(s->opt.net, s->jobs[i].src->name);
	}
	while (s->in_flight > 0 && net_poll(s->opt.net, 100, NULL, 0) >= 0)
		;
	if (s->opt.account_bytes)
		net_on_account(s->opt.net, NULL, NULL);
	for (size_t i = 0; i < s->n_jobs; i++) {
		job_clear_pages(&s->jobs[i]);
		free(s->jobs[i].watermark);
		free(s->jobs[i].fingerprint);
		seen_clear(&s->jobs[i].seen);
	}
	free(s->jobs);
	for (size_t i = 0; i < s->n_acc; i++) {
		free(s->acc[i].source);
		free(s->acc[i].kind);
	}
	free(s->acc);
	free(s);
}

int
sync_add_source(struct sync *s, struct source_link *link)
{
	for (size_t i = 0; i < s->n_jobs; i++)
		if (strcmp(s->jobs[i].src->name, source_link_name(link)) == 0)
			return -1;
	/* jobs are referenced by pointer from callbacks: no realloc while busy */
	if (sync_busy(s))
		return -1;
	s->jobs = xreallocarray(s->jobs, s->n_jobs + 1, sizeof *s->jobs);
	memset(&s->jobs[s->n_jobs], 0, sizeof s->jobs[0]);
	s->jobs[s->n_jobs].link = link;
	s->jobs[s->n_jobs].src = source_link_source(link);
	s->n_jobs++;
	for (size_t i = 0; i < s->n_jobs; i++)
		s->jobs[i].s = s;
	return 0;
}

size_t
sync_n_sources(const struct sync *s)
{
	return s->n_jobs;
}

struct source *
sync_source(const struct sync *s, size_t i)
{
	return i < s->n_jobs ? s->jobs[i].src : NULL;
}

struct source_link *
sync_link(const struct sync *s, size_t i)
{
	return i < s->n_jobs ? s->jobs[i].link : NULL;
}

/* ---- the state machine ------------------------------------------------------- */

static void job_link(struct job *j);
static void job_pull(struct job *j);

/* err is copied; its system is set to the job's. */
static void
job_fail(struct job *j, const struct mc_err *err)
{
	if (j->state == JOB_LINK) { /* still waiting for the link: no longer */
		source_link_forget(j->link, j);
		j->s->in_flight--;
	}
	j->error = *err;
	snprintf(j->error.system, sizeof j->error.system, "%s", j->src->name);
	j->state = JOB_FAILED;
	j->end_ms = mono_ms();
	j->end_bytes = net_counters(j->s->opt.net, j->src->name, NULL);
	j->end_pull = net_counters(j->s->opt.net, j->src->name, "pull");
	j->state_dirty = true;
	event(j->s, SYNC_EV_FAILED, j->src->name, NULL, &j->error);
}

static void
job_fail_code(struct job *j, enum mc_errc code, const char *detail)
{
	struct mc_err err;

	mc_err_set(&err, code, j->src->name, "%s", detail != NULL ? detail : "");
	job_fail(j, &err);
}

static void
job_done(struct job *j)
{
	j->state = JOB_DONE;
	j->end_ms = mono_ms();
	j->end_bytes = net_counters(j->s->opt.net, j->src->name, NULL);
	j->end_pull = net_counters(j->s->opt.net, j->src->name, "pull");
	j->state_dirty = true;
}

/* A refused token or session: renew once per pass, then give up. */
static void
renew(struct job *j, const struct net_response *resp)
{
	struct mc_err err;

	if (source_access_refused(j->src, resp->result == NET_OK ? resp->status : 0, &err)) {
		job_fail(j, &err); /* no token to renew: said as it is */
		return;
	}
	if (j->retried_auth || !source_link_refused(j->link)) {
		mc_err_set(&err, MC_E_TOKEN_REFUSED, j->src->name, NULL);
		err.http = resp->result == NET_OK ? (int)resp->status : 0;
		job_fail(j, &err);
		return;
	}
	j->retried_auth = true;
	job_link(j);
}

static void
on_link(void *arg, struct source_link *l, const struct mc_err *err)
{
	struct job *j = arg;

	(void)l;
	j->s->in_flight--;
	j->state = JOB_IDLE;
	if (err != NULL) {
		job_fail(j, err);
		return;
	}
	job_pull(j);
}

static void
job_link(struct job *j)
{
	j->state = JOB_LINK;
	j->s->in_flight++;
	source_link_want(j->link, on_link, j); /* may call on_link at once */
}

static void
queue_page(struct job *j, struct source_page *page)
{
	struct pending *p = xcalloc(1, sizeof *p);

	j->s->waiting += page->n_items;
	if (j->s->waiting_ms == 0)
		j->s->waiting_ms = mono_ms();
	p->page = *page;
	memset(page, 0, sizeof *page);
	if (j->tail != NULL)
		j->tail->next = p;
	else
		j->head = p;
	j->tail = p;
}

/*
 * How far a server's clock and ours may disagree before an update time counts
 * as impossible (source_set_ceiling): generous, since a wrong ceiling only
 * costs a re-read, never a lost change.
 */
#define CLOCK_SKEW_S (10 * 60)

/* The ceiling for a reply: the earlier of our clock and the server's Date. */
static mc_time
reply_ceiling(const struct job *j, const struct net_response *resp)
{
	mc_time t = now(j->s);
	const char *date = resp != NULL ? net_response_header(resp, "Date") : NULL;
	int64_t server;

	if (date != NULL && net_http_date(date, &server) == 0 && server > 0 && server < t)
		t = server;
	return t + CLOCK_SKEW_S;
}

static void
on_page(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct job *j = arg;
	struct source_page page = {.total = -1};
	char *cause = NULL;
	int rc;

	(void)req;
	j->s->in_flight--;
	net_request_unref(j->req);
	j->req = NULL;
	if (resp->result == NET_ERR_CANCELLED) {
		job_fail_code(j, j->over_time ? MC_E_TIME_LIMIT : MC_E_CANCELLED, NULL);
		return;
	}
	source_link_answered(j->link, resp);
	source_set_ceiling(j->src, reply_ceiling(j, resp));
	rc = j->src->ops->pull_parse(j->src, resp, j->watermark, &page, &cause);
	if (rc == SOURCE_PARSE_AUTH) {
		source_page_release(&page);
		free(cause);
		renew(j, resp);
		return;
	}
	if (rc != SOURCE_PARSE_OK) {
		struct mc_err err;
		source_page_release(&page);
		if (resp->result != NET_OK)
			mc_err_set(&err, net_response_errc(resp), j->src->name, "%s", resp->error);
		else if (resp->status == 429 || resp->status >= 500)
			mc_err_set(&err, MC_E_UNAVAILABLE, j->src->name, "%s",
				   cause != NULL ? cause : "");
		else if (resp->status >= 400)
			mc_err_set(&err, MC_E_HTTP, j->src->name, "%s", cause != NULL ? cause : "");
		else
			mc_err_set(&err, MC_E_REPLY, j->src->name, "%s", cause != NULL ? cause : "");
		err.http = resp->result == NET_OK ? (int)resp->status : 0;
		free(cause);
		job_fail(j, &err);
		return;
	}
	free(cause);
	if (j->pages == 0)
		j->total = page.total;
	j->pages++;
	j->n_seen += (int64_t)page.n_items;
	j->n_rejected += (int64_t)page.n_rejected;
	for (size_t i = 0; i < page.n_rejected; i++)
		event(j->s, SYNC_EV_REFUSED, j->src->name, page.rejected[i], NULL);
	for (size_t i = 0; i < page.n_suspect; i++)
		event(j->s, SYNC_EV_SUSPECT, j->src->name, page.suspect[i], NULL);
	if (page.more && page.next_watermark != NULL && j->watermark != NULL &&
	    strcmp(page.next_watermark, j->watermark) == 0) {
		source_page_release(&page);
		job_fail_code(j, MC_E_FEED_STUCK, NULL);
		return;
	}
	/* A page that claims a successor but holds only dossiers this pass has
	 * read already is a server going round in circles (or claiming 10^15
	 * pages): keep it, stop there. */
	{
		size_t fresh = 0;
		for (size_t i = 0; i < page.n_items; i++)
			if (page.items[i].code != NULL && seen_add(&j->seen, page.items[i].code))
				fresh++;
		if (page.more && page.n_items > 0 && fresh == 0) {
			/* its dossiers are kept; the position stays where it was */
			free(page.next_watermark);
			page.next_watermark = NULL;
			queue_page(j, &page);
			job_fail_code(j, MC_E_FEED_STUCK,
				      "every dossier of the page was read earlier in this pass");
			return;
		}
	}
	if (page.next_watermark != NULL) {
		free(j->watermark);
		j->watermark = xstrdup(page.next_watermark);
	}
	if (page.more && j->pages >= j->s->opt.max_pages) {
		queue_page(j, &page);
		job_fail_code(j, MC_E_TOO_MANY_PAGES, NULL);
		return;
	}
	if (page.more && mono_ms() - j->start_ms >= j->s->opt.max_pass_ms) {
		queue_page(j, &page);
		job_fail_code(j, MC_E_TIME_LIMIT, NULL);
		return;
	}
	bool more = page.more;
	queue_page(j, &page);
	if (more)
		job_pull(j);
	else
		job_done(j);
}

static void
job_pull(struct job *j)
{
	struct net_request *req;

	j->state = JOB_PULL;
	source_set_ceiling(j->src, reply_ceiling(j, NULL));
	req = j->src->ops->pull_request(j->src, j->s->opt.net, j->watermark);
	if (req == NULL) {
		job_fail_code(j, MC_E_INTERNAL, "cannot build the pull request");
		return;
	}
	net_request_on_done(req, on_page, j);
	j->s->in_flight++;
	j->req = net_request_ref(req);
	net_submit(j->s->opt.net, req);
}

static bool
job_active(const struct job *j)
{
	return j->state == JOB_LINK || j->state == JOB_PULL;
}

void
sync_set_max_pass_ms(struct sync *s, uint64_t ms)
{
	s->opt.max_pass_ms = ms > 0 ? ms : 15 * 60 * 1000;
}

/*
 * Whether the system is now read with something else than at its last
 * pass (its profile changed, or a profile took a built-in dialect's place
 * or gave it back): the rows the old definition refused, or read
 * differently, lie behind the stored position.  A state without a
 * fingerprint (a store from before they were kept) is not a change: it
 * only gets one.
 */
static bool
definition_changed(const struct job *j, const struct store_sync_state *st)
{
	return j->fingerprint != NULL && st->fingerprint != NULL &&
	       strcmp(j->fingerprint, st->fingerprint) != 0;
}

/* A pass of one system, from its stored position or from the start. */
static void
job_start(struct sync *s, struct job *j)
{
	struct store_sync_state st;
	bool changed = false;

	j->ran = true;
	j->over_time = false;
	seen_clear(&j->seen);
	j->retried_auth = false;
	j->pages = 0;
	j->total = -1;
	j->n_new = j->n_changed = j->n_rejected = j->n_seen = 0;
	mc_err_clear(&j->error);
	free(j->watermark);
	j->watermark = NULL;
	j->from_start = j->resync_next;
	j->resync_next = false;
	if (store_sync_state_get(s->opt.store, j->src->name, &st) == 0) {
		changed = definition_changed(j, &st);
		if (!j->from_start && !changed)
			j->watermark = xstrdup_or_null(st.cursor);
		store_sync_state_release(&st);
	}
	/* the position is dropped in the store with the pass's first write
	 * (save_state), so it is gone even if the pass fails before a page */
	if (changed && !j->from_start)
		event(s, SYNC_EV_PROFILE_CHANGED, j->src->name, j->src->profile, NULL);
	else if (j->from_start)
		event(s, SYNC_EV_RESYNC, j->src->name, NULL, NULL);
	j->from_start = j->from_start || changed;
	j->start_ms = mono_ms();
	j->start_bytes = net_counters(s->opt.net, j->src->name, NULL);
	j->start_pull = net_counters(s->opt.net, j->src->name, "pull");
	job_link(j);
}

int
sync_set_fingerprint(struct sync *s, const char *name, const char *fingerprint)
{
	for (size_t i = 0; i < s->n_jobs; i++)
		if (strcmp(s->jobs[i].src->name, name) == 0) {
			free(s->jobs[i].fingerprint);
			s->jobs[i].fingerprint = xstrdup_or_null(fingerprint);
			return 0;
		}
	return -1;
}

int
sync_resync(struct sync *s, const char *only)
{
	bool found = false;

	for (size_t i = 0; i < s->n_jobs; i++)
		if (only == NULL || strcmp(only, s->jobs[i].src->name) == 0) {
			s->jobs[i].resync_next = true;
			found = true;
		}
	if (!found)
		return -1;
	return sync_start(s, only);
}

int
sync_start(struct sync *s, const char *only)
{
	bool found = only == NULL;

	for (size_t i = 0; i < s->n_jobs; i++) {
		struct job *j = &s->jobs[i];

		if (only != NULL && strcmp(only, j->src->name) != 0) {
			if (!job_active(j))
				j->ran = false;
			continue;
		}
		found = true;
		if (job_active(j))
			continue;
		job_start(s, j);
	}
	return found ? 0 : -1;
}

bool
sync_busy(const struct sync *s)
{
	for (size_t i = 0; i < s->n_jobs; i++)
		if (job_active(&s->jobs[i]) || s->jobs[i].head != NULL || s->jobs[i].state_dirty)
			return true;
	return s->in_flight > 0;
}

/* ---- applying pages ----------------------------------------------------------- */

/* Whether `name` is a coordination system of this sync. */
static bool
is_coordination_name(const struct sync *s, const char *name)
{
	for (size_t i = 0; name != NULL && i < s->n_jobs; i++)
		if (s->jobs[i].src->coordination && strcmp(s->jobs[i].src->name, name) == 0)
			return true;
	return false;
}

/*
 * Which of a job's waiting dossiers a later record of the same dossier, in
 * the same waiting pages, replaces whole: a flag per record in page order,
 * or NULL when none is.  A system's change feed lists a dossier once per
 * change, and a first sync reads about one record in five twice; applying
 * the older one only for the newer to replace it cost an update each.  The
 * merge (merge.c) takes the incoming record over the stored one, keeping
 * only the coordination status and the lists a record does not carry; so
 * skipping a record leaves the same row when the later one carries every
 * list it carries.  All waiting pages go into one transaction: the later
 * record is applied with the earlier one or neither is.  The coordination
 * system's copies are not skipped (their merge keeps the stored record).
 */
static bool *
replaced_records(const struct job *j)
{
	const struct dossier **all;
	size_t n = 0, cap = 4, k = 0;
	uint32_t *slot;
	bool *replaced = NULL;

	if (j->src->coordination)
		return NULL;
	for (const struct pending *p = j->head; p != NULL; p = p->next)
		n += p->page.n_items;
	if (n < 2)
		return NULL;
	while (cap < 2 * n)
		cap *= 2;
	all = xcalloc(n, sizeof *all);
	slot = xcalloc(cap, sizeof *slot); /* record index + 1; 0 empty */
	for (const struct pending *p = j->head; p != NULL; p = p->next) {
		for (size_t i = 0; i < p->page.n_items; i++, k++) {
			const struct dossier *d = &p->page.items[i];
			size_t at;

			all[k] = d;
			if (d->code == NULL)
				continue;
			for (at = code_hash(d->code) & (cap - 1); slot[at] != 0;
			     at = (at + 1) & (cap - 1)) {
				const struct dossier *was = all[slot[at] - 1];

				if (strcmp(was->code, d->code) != 0)
					continue;
				if ((d->lists_absent & ~was->lists_absent) == 0) {
					if (replaced == NULL)
						replaced = xcalloc(n, sizeof *replaced);
					replaced[slot[at] - 1] = true;
				}
				break;
			}
			slot[at] = (uint32_t)(k + 1);
		}
	}
	free(slot);
	free(all);
	return replaced;
}

/*
 * What a turn's waiting pages merge into: the dossiers to store, owned, and
 * their codes.  They are stored together (store_dossiers_upsert(), which
 * orders them to write the indexes faster) at the end of the turn, or
 * before a record of a code already among them is merged - a feed's later
 * change, or the coordination system's and the handling system's views of
 * one dossier - so that every merge reads the stored dossier it would have
 * read one upsert at a time.
 */
struct outs {
	struct dossier *v;
	size_t n, cap;
	struct seen codes;    /* every code merged since the last store: one
	                         that comes again stores them first (a hash
	                         shared by two codes only stores them early) */
};

/* Take `d` (moved) among the dossiers to store. */
static void
outs_add(struct outs *o, struct dossier *d)
{
	if (o->n == o->cap) {
		o->cap = o->cap != 0 ? o->cap * 2 : 256;
		o->v = xreallocarray(o->v, o->cap, sizeof *o->v);
	}
	o->v[o->n++] = *d;
	dossier_init(d);
}

static void
outs_clear(struct outs *o)
{
	for (size_t i = 0; i < o->n; i++)
		dossier_release(&o->v[i]);
	o->n = 0;
	seen_clear(&o->codes);
}

/* Store the dossiers waiting in o (which releases them), then forget them;
 * -1 on a store error. */
static int
outs_store(struct sync *s, struct outs *o)
{
	int rc = store_dossiers_upsert(s->opt.store, o->v, o->n);

	o->n = 0; /* released by the store */
	outs_clear(o);
	return rc;
}

static void
outs_free(struct outs *o)
{
	outs_clear(o);
	free(o->v);
}

/* Merge one page into o (what to store), but its records `replaced` flags
 * (NULL: none); what only sets a coordination status is stored at once.
 * -1 on a store error. */
static int
apply_page(struct sync *s, struct job *j, struct source_page *page, const bool *replaced,
	   struct outs *o)
{
	bool coord = j->src->coordination;

	for (size_t i = 0; i < page->n_items; i++) {
		struct dossier *in = &page->items[i];
		struct dossier existing, out;
		int found;
		enum sync_merge_result r;

		if (replaced != NULL && replaced[i])
			continue; /* a later record of it follows */
		/* a second record of a dossier merges with the first one stored */
		if (in->code != NULL && !seen_add(&o->codes, in->code)) {
			if (outs_store(s, o) != 0)
				return -1;
			seen_add(&o->codes, in->code);
		}

		if (coord) {
			/* merge.c's rule, without reading the record whole: the
			 * coordination system's view of a record another system
			 * keeps sets its coordination status, nothing else */
			char *source = NULL;
			int coord_status = 0;

			found = store_dossier_coord_get(s->opt.store, in->code, &source,
							&coord_status);
			if (found < 0)
				return -1;
			if (found == 0 && !is_coordination_name(s, source)) {
				free(source);
				if (coord_status == in->status)
					continue;
				if (store_dossier_coord_set(s->opt.store, in->code, in->status) < 0)
					return -1;
				j->n_changed++;
				continue;
			}
			free(source);
		}
		found = store_dossier_load(s->opt.store, in->code, &existing);
		if (found < 0)
			return -1;
		r = sync_merge(found == 0 ? &existing : NULL,
			       found == 0 && is_coordination_name(s, existing.source), in, coord,
			       &out);
		if (found == 0)
			dossier_release(&existing);
		if (r == SYNC_MERGE_SAME)
			continue;
		if (sync_local_due(s->opt.store, &out, s->opt.procs, s->opt.cal, s->opt.wt,
				   &out.due_at) != 0) {
			dossier_release(&out);
			return -1;
		}
		outs_add(o, &out);
		if (r == SYNC_MERGE_NEW)
			j->n_new++;
		else
			j->n_changed++;
	}
	return 0;
}

/* Whether the waiting pages go to the store now (APPLY_*). */
static bool
apply_now(const struct sync *s, uint64_t mono)
{
	if (s->waiting_ms == 0 || s->waiting >= APPLY_MIN_DOSSIERS ||
	    mono - s->waiting_ms >= APPLY_MAX_WAIT_MS)
		return true;
	/* a pass that ended is recorded at once, with every page waiting */
	for (size_t i = 0; i < s->n_jobs; i++)
		if (s->jobs[i].state_dirty || (s->jobs[i].head != NULL && !job_active(&s->jobs[i])))
			return true;
	return false;
}

static int
save_state(struct sync *s, struct job *j, const char *watermark, bool final)
{
	struct store_sync_state st = {0};
	mc_time t = now(s);
	int rc;

	if (store_sync_state_get(s->opt.store, j->src->name, &st) < 0)
		return -1;
	if (j->from_start) {
		/* read from the start: what the position and the last total said
		 * no longer holds (a rolled-back turn fails the pass; a changed
		 * profile is noticed again at the next) */
		free(st.cursor);
		free(st.watermark);
		st.cursor = st.watermark = NULL;
		st.server_total = -1;
		j->from_start = false;
	}
	if (j->fingerprint != NULL) {
		free(st.fingerprint);
		st.fingerprint = xstrdup(j->fingerprint);
	}
	if (watermark != NULL) {
		free(st.cursor);
		st.cursor = xstrdup(watermark);
	}
	st.last_sync_at = t;
	if (final) {
		free(st.last_error);
		st.last_error = NULL;
		if (j->state == JOB_DONE)
			st.last_ok_at = t;
		else
			st.last_error = mc_err_format(&j->error);
	}
	if (final && j->state == JOB_DONE && j->total >= 0) {
		if (st.server_total >= 0 && j->total > st.server_total &&
		    j->n_new + j->n_changed == 0) {
			/* more there than last time, and none of it came: the position
			 * hides it (or the server's paging does) - say so, read it all */
			char d[64];

			snprintf(d, sizeof d, "%" PRId64 " -> %" PRId64, st.server_total, j->total);
			event(s, SYNC_EV_TOTAL_GREW, j->src->name, d, NULL);
			free(st.cursor);
			free(st.watermark);
			st.cursor = st.watermark = NULL;
			st.server_total = -1; /* the read from the start sets it again */
			j->reread = true;
		} else {
			st.server_total = j->total;
		}
	}
	rc = store_sync_state_set(s->opt.store, j->src->name, &st);
	store_sync_state_release(&st);
	return rc;
}

int
sync_flush(struct sync *s)
{
	struct outs outs = {0};
	bool any = s->n_acc > 0, applied = false;
	mc_time t = now(s);
	uint64_t mono = mono_ms();
	int rc = 0;

	/* a pass past its time: its page in flight is given up (the callback
	 * says why), so `motcua sync` ends whatever the link does */
	for (size_t i = 0; i < s->n_jobs; i++) {
		struct job *j = &s->jobs[i];
		if (j->state == JOB_PULL && j->req != NULL && !j->over_time &&
		    mono - j->start_ms >= s->opt.max_pass_ms) {
			j->over_time = true;
			net_cancel(j->req);
		}
	}
	for (size_t i = 0; i < s->n_jobs && !any; i++)
		any = s->jobs[i].head != NULL || s->jobs[i].state_dirty;
	if (!any || !apply_now(s, mono))
		return 0; /* the byte counters wait with the pages */
	/* every waiting page is applied, or dropped with its failed pass */
	s->waiting = 0;
	s->waiting_ms = 0;
	/* a cache batch: what it writes can be read again (store.h); its
	 * commit does not wait for the disk */
	if (store_begin_ex(s->opt.store, STORE_BATCH_CACHE) != 0)
		goto failed; /* as a failed commit: or `motcua sync` would spin */
	for (size_t i = 0; i < s->n_jobs && rc == 0; i++) {
		struct job *j = &s->jobs[i];
		bool *replaced = replaced_records(j);
		size_t done = 0;

		applied = applied || j->head != NULL;
		while (j->head != NULL && rc == 0) {
			struct pending *p = j->head;
			rc = apply_page(s, j, &p->page, replaced != NULL ? replaced + done : NULL,
					&outs);
			done += p->page.n_items;
			if (rc == 0)
				rc = save_state(s, j, p->page.next_watermark, false);
			j->head = p->next;
			if (j->head == NULL)
				j->tail = NULL;
			source_page_release(&p->page);
			free(p);
		}
		free(replaced);
		if (rc == 0 && j->state_dirty && !job_active(j)) {
			rc = save_state(s, j, NULL, true);
			j->state_dirty = false;
		}
	}
	if (rc == 0)
		rc = outs_store(s, &outs);
	outs_free(&outs);
	/* A server's copy may have replaced a dossier with queued actions: put
	 * their optimistic effect back in the same transaction, so no reader
	 * ever sees the queued work undone (doc/outbox.md). */
	if (rc == 0 && applied)
		rc = store_outbox_reapply_all(s->opt.store);
	for (size_t i = 0; i < s->n_acc && rc == 0; i++)
		rc = store_bytes_add(s->opt.store, s->acc[i].source, s->acc[i].kind, t, s->acc[i].in,
				     s->acc[i].out, s->acc[i].requests);
	if (rc == 0 && store_commit(s->opt.store) == 0) {
		for (size_t i = 0; i < s->n_acc; i++)
			s->acc[i].in = s->acc[i].out = s->acc[i].requests = 0;
		/* a system whose total grew with nothing new: read it from the start */
		for (size_t i = 0; i < s->n_jobs; i++)
			if (s->jobs[i].reread && !job_active(&s->jobs[i])) {
				s->jobs[i].reread = false;
				job_start(s, &s->jobs[i]);
			}
		return 0;
	}
	store_rollback(s->opt.store);
failed:
	for (size_t i = 0; i < s->n_jobs; i++) {
		struct job *j = &s->jobs[i];
		job_clear_pages(j);
		if (j->ran && (job_active(j) || j->state == JOB_DONE)) {
			struct mc_err err;
			mc_err_set(&err, store_errc(s->opt.store), j->src->name, "%s",
				   store_errmsg(s->opt.store));
			net_cancel_source(s->opt.net, j->src->name);
			job_fail(j, &err);
		}
		j->state_dirty = false;
	}
	return -1;
}

int
sync_run(struct sync *s, const char *only)
{
	int rc = 0;

	if (sync_start(s, only) != 0)
		return -1;
	while (sync_busy(s)) {
		if (sync_flush(s) != 0)
			rc = -1;
		if (!sync_busy(s))
			break;
		if (net_poll(s->opt.net, 1000, NULL, 0) < 0)
			return -1;
	}
	if (sync_flush(s) != 0)
		rc = -1;
	return rc;
}

size_t
sync_reports(const struct sync *s, struct sync_report *out, size_t max)
{
	for (size_t i = 0; i < s->n_jobs && i < max; i++) {
		const struct job *j = &s->jobs[i];
		struct net_counters end = job_active(j) ? net_counters(s->opt.net, j->src->name, NULL)
							: j->end_bytes;
		struct net_counters endp = job_active(j)
						   ? net_counters(s->opt.net, j->src->name, "pull")
						   : j->end_pull;
		out[i] = (struct sync_report){
			.name = j->src->name,
			.ran = j->ran,
			.ok = j->ran && j->state == JOB_DONE,
			.n_new = j->n_new,
			.n_changed = j->n_changed,
			.n_rejected = j->n_rejected,
			.n_seen = j->n_seen,
			.bytes_in = end.bytes_in - j->start_bytes.bytes_in,
			.bytes_out = end.bytes_out - j->start_bytes.bytes_out,
			.pull_in = endp.bytes_in - j->start_pull.bytes_in,
			.pull_out = endp.bytes_out - j->start_pull.bytes_out,
			.ms = (job_active(j) ? mono_ms() : j->end_ms) - j->start_ms,
			.error = j->ran && j->state == JOB_FAILED ? &j->error : NULL,
		};
	}
	return s->n_jobs;
}

bool
sync_source_online(const struct sync *s, const char *name)
{
	for (size_t i = 0; i < s->n_jobs; i++)
		if (strcmp(s->jobs[i].src->name, name) == 0)
			return source_link_online(s->jobs[i].link);
	return false;
}
