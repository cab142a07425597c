/*
 * test_sync.c - the sync engine and its rules: merging a coordination copy
 * with the handling system's record (in either order, never overwriting the
 * record, flagging a mismatch), the local due date from the procedure
 * catalogue, the catalogue reader, and the engine itself driving fake
 * connectors over real HTTP (an in-process sandbox's health endpoint):
 * pages, watermarks stored per page and resumed, a dead source failing
 * alone, refused dossiers logged with the source named, a system read
 * again from the start when asked or when its profile changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/procedures.h"
#include "core/calendar.h"
#include "core/xalloc.h"
#include "sandbox/http.h"
#include "sandbox/sandbox.h"
#include "sources/source.h"
#include "store/outbox.h"
#include "store/store.h"
#include "sync/sync.h"

static mc_time
at(const char *s)
{
	mc_time t;
	assert_int_equal(civil_parse_datetime(s, &t), 0);
	return t;
}

static void
fill(struct dossier *d, const char *code, const char *source, int status)
{
	dossier_init(d);
	d->code = xstrdup(code);
	d->source = xstrdup(source);
	d->status = status;
	d->raw_status = xstrdup("x");
	d->procedure_code = xstrdup("1.004222.000.00.00.H56"); /* 3 working days */
	d->applicant_name = xstrdup("Nguyễn Văn Thử");
	d->received_at = at("2026-03-12 09:00");
}

/* ---- merge ------------------------------------------------------------------------- */

static void
merge_coordination_after_record(void **state)
{
	struct dossier rec, copy, out;

	(void)state;
	fill(&rec, "A-1", "congan", 5);
	fill(&copy, "A-1", "dvcqg", 9); /* tinh-style: pushes 5 as 9 */
	assert_int_equal(sync_merge(&rec, false, &copy, true, &out), SYNC_MERGE_CHANGED);
	assert_string_equal(out.source, "congan");   /* the record stays */
	assert_int_equal(out.status, 5);
	assert_int_equal(out.coord_status, 9);
	assert_true(dossier_status_mismatch(&out));
	/* the same copy again: nothing to write */
	rec.coord_status = 9;
	dossier_release(&out);
	assert_int_equal(sync_merge(&rec, false, &copy, true, &out), SYNC_MERGE_SAME);
	dossier_release(&out);
	dossier_release(&rec);
	dossier_release(&copy);
}

static void
merge_record_after_coordination(void **state)
{
	struct dossier copy, stored, rec, out;

	(void)state;
	fill(&copy, "A-2", "dvcqg", 4);
	assert_int_equal(sync_merge(NULL, false, &copy, true, &stored), SYNC_MERGE_NEW);
	assert_string_equal(stored.source, "dvcqg"); /* kept until the record arrives */
	assert_int_equal(stored.coord_status, 4);
	fill(&rec, "A-2", "tuphap", 9);
	assert_int_equal(sync_merge(&stored, true, &rec, false, &out), SYNC_MERGE_CHANGED);
	assert_string_equal(out.source, "tuphap");
	assert_int_equal(out.status, 9);
	assert_int_equal(out.coord_status, 4); /* dvcqg lags: flagged */
	assert_true(dossier_status_mismatch(&out));
	dossier_release(&out);
	/* the record unchanged: nothing to write (a feed duplicate) */
	fill(&rec, "A-2", "tuphap", 9);
	stored.source[0] = 't'; /* pretend the stored row is now tuphap's ... */
	free(stored.source);
	stored.source = xstrdup("tuphap");
	stored.status = 9;
	assert_int_equal(sync_merge(&stored, false, &rec, false, &out), SYNC_MERGE_SAME);
	dossier_release(&rec);
	dossier_release(&copy);
	dossier_release(&stored);
}

static void
merge_new_record(void **state)
{
	struct dossier rec, out;

	(void)state;
	fill(&rec, "A-3", "nnmt", 2);
	assert_int_equal(sync_merge(NULL, false, &rec, false, &out), SYNC_MERGE_NEW);
	assert_int_equal(out.coord_status, 0);
	assert_false(dossier_status_mismatch(&out));
	dossier_release(&out);
	dossier_release(&rec);
}

/* ---- due dates ------------------------------------------------------------------------ */

static void
due_from_catalogue(void **state)
{
	struct procedures p;
	struct calendar *cal = calendar_new();
	struct dossier d;

	(void)state;
	procedures_builtin(&p);
	fill(&d, "A-4", "congan", 4);
	d.source_due_at = at("2026-04-01 17:00"); /* whatever the source says */
	/* Thursday 12 March 09:00 + 3 working days = Tuesday 17 March 09:00 */
	assert_int_equal(sync_due_at(&d, &p, cal, NULL), at("2026-03-17 09:00"));
	/* same-day with a 15:00 cut-off: received 15:30 -> next working day 17:00 */
	free(d.procedure_code);
	d.procedure_code = xstrdup("1.001193.000.00.00.H56");
	d.received_at = at("2026-03-13 15:30"); /* a Friday */
	assert_int_equal(sync_due_at(&d, &p, cal, NULL), at("2026-03-16 17:00"));
	/* a pending supplement: no due date */
	dossier_add_supplement(&d, at("2026-03-13 16:00"), 0, "thiếu giấy tờ");
	assert_int_equal(sync_due_at(&d, &p, cal, NULL), 0);
	/* ... unless the clerk received it (restart: same day, from Monday 09:00) */
	assert_int_equal(sync_due_at_with(&d, at("2026-03-16 09:00"), &p, cal, NULL),
			 at("2026-03-16 17:00"));
	assert_int_equal(d.supplements[0].completed_at, 0); /* d itself untouched */
	/* unknown procedure or not received: none */
	free(d.procedure_code);
	d.procedure_code = xstrdup("9.999999");
	assert_int_equal(sync_due_at(&d, &p, cal, NULL), 0);
	dossier_release(&d);
	procedures_release(&p);
	calendar_free(cal);
}

static void
catalogue_file(void **state)
{
	struct procedures p;
	char *cause = NULL;
	const char *bad[] = {
		"{\"procedures\":[{\"code\":\"x\",\"duration\":-1}]}",
		"{\"procedures\":[{\"code\":\"x\",\"duration\":3,\"unit\":\"weeks\"}]}",
		"{\"procedures\":[{\"code\":\"x\",\"duration\":3,\"cutoff\":\"25:00\"}]}",
		"{\"procedures\":[{\"duration\":3}]}",
		"{\"procedures\":[{\"code\":\"x\",\"duration\":1},{\"code\":\"x\",\"duration\":2}]}",
		"{\"procedures\":{}}",
		"nope",
	};

	(void)state;
	assert_int_equal(procedures_load("config/procedures.json", &p, &cause), 0);
	assert_int_equal(p.n, 13);
	{
		const struct procedure *k = procedures_find(&p, "1.001193.000.00.00.H56");
		assert_non_null(k);
		assert_int_equal(k->rule.duration, 0);
		assert_int_equal(k->rule.cutoff, 15 * 60);
		k = procedures_find(&p, "1.004227.000.00.00.H56");
		assert_int_equal(k->rule.duration, 20);
		assert_int_equal(k->rule.cutoff, -1);
	}
	procedures_release(&p);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(procedures_parse("p.json", bad[i], strlen(bad[i]), &p, &cause), -1);
		assert_int_equal(strncmp(cause, "p.json: ", 8), 0);
		free(cause);
	}
	assert_int_equal(procedures_load("/nonexistent/p.json", &p, &cause), 1);
}

/* ---- the engine over real HTTP with fake connectors ----------------------------------- */

/*
 * A fake dialect: every pull is a GET of the sandbox's health endpoint; the
 * parser invents page N (the watermark) of 3 pages of 3 dossiers.  Codes
 * F-0..F-8.  The coordination fake ("dvcqg") lists F-0..F-2 with status 9.
 */
static struct net_request *
fake_pull_request(struct source *src, struct net *net, const char *wm)
{
	size_t n = strlen(src->base_url) + 32;
	char *url = xmalloc(n);
	struct net_request *req;

	(void)wm;
	snprintf(url, n, "%s/_control/health", src->base_url);
	req = net_request_new(net, "GET", url);
	free(url);
	net_request_source(req, src->name);
	net_request_kind(req, "pull");
	return req;
}

static int
fake_pull_parse(struct source *src, const struct net_response *resp, const char *wm,
		struct source_page *page, char **cause)
{
	long n = wm != NULL ? strtol(wm, NULL, 10) : 0;
	bool coord = strcmp(src->dialect, "dvcqg") == 0;
	char next[32];

	if (resp->result != NET_OK || resp->status != 200) {
		*cause = xstrdup(resp->result != NET_OK ? resp->error : "status");
		return SOURCE_PARSE_ERROR;
	}
	if (n >= 3 || (coord && n >= 1)) {
		page->next_watermark = xstrdup(wm);
		return SOURCE_PARSE_OK;
	}
	for (int i = 0; i < 3; i++) {
		char code[32];
		struct dossier *d;
		page->items = xreallocarray(page->items, page->n_items + 1, sizeof *page->items);
		d = &page->items[page->n_items++];
		snprintf(code, sizeof code, "F-%ld", n * 3 + i);
		fill(d, code, src->name, coord ? 9 : 4);
		if (coord)
			d->coord_status = 9;
	}
	page->rejected = xmalloc(sizeof *page->rejected);
	page->rejected[0] = xstrdup("F-bad: field 'x': not a string");
	page->n_rejected = 1;
	snprintf(next, sizeof next, "%ld", n + 1);
	page->next_watermark = xstrdup(next);
	page->more = !coord && n + 1 < 3;
	return SOURCE_PARSE_OK;
}

static const struct source_ops fake_ops = {
	.dialect = "fake",
	.pull_request = fake_pull_request,
	.pull_parse = fake_pull_parse,
};

static void
fixed_token(void *ctx, const char *system, source_token_fn *done, void *arg)
{
	(void)ctx;
	(void)system;
	done(arg, "test-token", NULL);
}

static const struct source_tokens tokens = {.get = fixed_token};

/* A system of `ops` with its link; a system named "dvcqg" plays the
 * coordination system. */
static struct source_link *
ops_source(struct net *net, const struct source_ops *ops, const char *name, const char *dialect,
	   const char *base)
{
	struct source *src = xcalloc(1, sizeof *src);
	src->ops = ops;
	src->name = xstrdup(name);
	src->dialect = xstrdup(dialect);
	src->base_url = xstrdup(base);
	src->coordination = strcmp(name, "dvcqg") == 0;
	return source_link_new(src, &(struct source_link_options){.net = net, .tokens = &tokens});
}

/* A system of the fake dialect with its link. */
static struct source_link *
fake_source(struct net *net, const char *name, const char *dialect, const char *base)
{
	return ops_source(net, &fake_ops, name, dialect, base);
}

struct logbuf {
	int lines;
	bool saw_refused;
	bool saw_dead;
};

static void
on_event(void *ctx, const struct sync_event *ev)
{
	struct logbuf *l = ctx;
	l->lines++;
	if (ev->kind == SYNC_EV_REFUSED && strcmp(ev->system, "fakeh") == 0 &&
	    strncmp(ev->detail, "F-bad", 5) == 0)
		l->saw_refused = true;
	if (ev->kind == SYNC_EV_FAILED && strcmp(ev->system, "dead") == 0 &&
	    ev->err->code == MC_E_NETWORK)
		l->saw_dead = true;
}

/* The engine tests' ground: the sandbox served on loopback (its base URL
 * in base), a net and an in-memory store. */
struct ground {
	struct sandbox *sb;
	struct sbx_http *srv;
	char base[64];
	struct net *net;
	struct store *st;
};

static void
ground_up(struct ground *g)
{
	struct sandbox_config cfg = {.seed = 1, .n_dossiers = 1, .speed = 0,
				     .start = 1773282600};
	const char *err = NULL;
	char *cause = NULL;

	g->sb = sandbox_new(&cfg, &err);
	assert_non_null(g->sb);
	g->srv = sbx_http_start("127.0.0.1", 0, sandbox_handle, g->sb, &err);
	assert_non_null(g->srv);
	snprintf(g->base, sizeof g->base, "http://127.0.0.1:%u", sbx_http_port(g->srv));
	sandbox_set_base_url(g->sb, g->base);
	g->net = net_new(NULL);
	assert_non_null(g->net);
	assert_int_equal(store_open(":memory:", &g->st, &cause), 0);
}

static void
ground_down(struct ground *g)
{
	store_close(g->st);
	net_free(g->net);
	sbx_http_stop(g->srv);
	sandbox_free(g->sb);
}

static void
engine_pages_watermarks_failures(void **state)
{
	struct ground g;
	struct net *net;
	struct store *st;
	const char *base;
	struct procedures procs;
	struct calendar *cal = calendar_new();
	struct source_link *links[4];
	struct logbuf lb = {0};
	struct sync_report rep[3];
	struct store_sync_state ss;
	struct store_query q;
	int64_t n;

	(void)state;
	ground_up(&g);
	net = g.net;
	st = g.st;
	base = g.base;
	procedures_builtin(&procs);
	{
		struct sync_options so = {.net = net, .store = st, .cal = cal, .procs = &procs,
					  .event = on_event, .event_ctx = &lb,
					  .account_bytes = true};
		struct sync *s = sync_new(&so);
		links[0] = fake_source(net, "dvcqg", "dvcqg", base);
		links[1] = fake_source(net, "fakeh", "fake", base);
		links[2] = fake_source(net, "dead", "fake", "http://127.0.0.1:1");
		links[3] = fake_source(net, "fakeh", "fake", base);
		assert_int_equal(sync_add_source(s, links[0]), 0);
		assert_int_equal(sync_add_source(s, links[1]), 0);
		assert_int_equal(sync_add_source(s, links[2]), 0);
		assert_int_equal(sync_add_source(s, links[3]), -1);
		assert_int_equal(sync_run(s, NULL), 0);
		assert_int_equal(sync_reports(s, rep, 3), 3);
		assert_true(rep[0].ok);
		assert_true(rep[1].ok);
		assert_int_equal(rep[1].n_seen, 9);
		assert_int_equal(rep[1].n_rejected, 3);
		assert_int_equal(rep[0].n_new + rep[1].n_new, 9); /* F-0..F-8, one row each */
		assert_true(rep[1].bytes_in > 0);
		assert_false(rep[2].ok);
		assert_non_null(rep[2].error);
		assert_int_equal(rep[2].error->code, MC_E_NETWORK);
		assert_string_equal(rep[2].error->system, "dead");
		assert_true(lb.saw_refused);
		assert_true(lb.saw_dead);
		assert_false(sync_source_online(s, "dead"));
		/* one row per code; the three seen in dvcqg are flagged (9 vs 4) */
		assert_int_equal(store_dossier_count(st, NULL, &n), 0);
		assert_int_equal(n, 9);
		store_query_init(&q, 1773282600);
		q.mismatch_only = true;
		assert_int_equal(store_inbox_count(st, &q, 0, &n), 0);
		assert_int_equal(n, 3);
		assert_int_equal(store_dossier_count(st, "dvcqg", &n), 0);
		assert_int_equal(n, 0);
		/* the watermark of the last committed page, and the outcome */
		assert_int_equal(store_sync_state_get(st, "fakeh", &ss), 0);
		assert_string_equal(ss.cursor, "3");
		assert_non_null(ss.last_error == NULL ? "ok" : NULL);
		assert_true(ss.last_ok_at != 0);
		store_sync_state_release(&ss);
		assert_int_equal(store_sync_state_get(st, "dead", &ss), 0);
		assert_non_null(ss.last_error);
		{
			/* kept as codes: a front end words it in the clerk's language */
			struct mc_err e;
			assert_int_equal(mc_err_parse(ss.last_error, &e), 0);
			assert_int_equal(e.code, MC_E_NETWORK);
		}
		store_sync_state_release(&ss);
		/* local due dates were computed: received 09:00 + 3 working days */
		{
			struct dossier d;
			assert_int_equal(store_dossier_load(st, "F-5", &d), 0);
			assert_int_equal(d.due_at, at("2026-03-17 09:00"));
			dossier_release(&d);
		}
		/* a second pass resumes at the stored watermark: nothing new */
		assert_int_equal(sync_run(s, "fakeh"), 0);
		sync_reports(s, rep, 3);
		assert_true(rep[1].ran && rep[1].ok);
		assert_false(rep[0].ran);
		assert_int_equal(rep[1].n_new + rep[1].n_changed, 0);
		assert_int_equal(rep[1].n_seen, 0);
		/* dvcqg read again after the records came: its view moves their
		 * coordination status and nothing else */
		{
			struct dossier before, after;
			assert_int_equal(store_dossier_load(st, "F-0", &before), 0);
			assert_int_equal(store_dossier_coord_set(st, "F-0", 4), 0);
			assert_int_equal(sync_resync(s, "dvcqg"), 0);
			assert_int_equal(sync_run(s, "dvcqg"), 0);
			sync_reports(s, rep, 3);
			assert_true(rep[0].ran && rep[0].ok);
			assert_int_equal(rep[0].n_seen, 3);
			assert_int_equal(rep[0].n_new, 0);
			assert_int_equal(rep[0].n_changed, 1); /* F-0; F-1 and F-2 the same */
			assert_int_equal(store_dossier_load(st, "F-0", &after), 0);
			assert_string_equal(after.source, "fakeh");
			assert_int_equal(after.coord_status, 9);
			assert_int_equal(after.status, before.status);
			assert_int_equal(after.due_at, before.due_at);
			assert_int_equal((int)after.n_history, (int)before.n_history);
			dossier_release(&before);
			dossier_release(&after);
		}
		assert_int_equal(sync_start(s, "nosuch"), -1);
		sync_free(s);
		for (int i = 0; i < 4; i++)
			source_link_free(links[i]);
	}
	{
		struct store_bytes b;
		assert_int_equal(store_bytes_get(st, "fakeh", 1773282600, &b), 0);
		assert_true(b.total_in > 0);
	}
	procedures_release(&procs);
	calendar_free(cal);
	ground_down(&g);
}

/*
 * Hostile feeds: "circle" claims page after page of the same 3 dossiers;
 * "endless" invents 3 new ones on every page, for ever.  The first must stop
 * at its second page (feed stuck, position kept), the second at its time
 * limit; neither holds the other systems.
 */
static int
hostile_pull_parse(struct source *src, const struct net_response *resp, const char *wm,
		   struct source_page *page, char **cause)
{
	long n = wm != NULL ? strtol(wm, NULL, 10) : 0;
	bool circle = strcmp(src->dialect, "circle") == 0;
	char next[32];

	if (resp->result != NET_OK || resp->status != 200) {
		*cause = xstrdup(resp->result != NET_OK ? resp->error : "status");
		return SOURCE_PARSE_ERROR;
	}
	if (strcmp(src->dialect, "supplement") == 0) {
		/* one dossier waiting for a supplement, changed on every pull */
		static int pulls;
		struct dossier *d;

		page->items = xcalloc(1, sizeof *page->items);
		d = &page->items[page->n_items++];
		fill(d, "S-1", src->name, STATUS_SUPPLEMENT);
		d->updated_at = at("2026-03-12 10:00") + ++pulls;
		dossier_add_supplement(d, at("2026-03-12 10:00"), 0, "thiếu giấy tờ");
		page->next_watermark = xstrdup("1");
		page->more = false;
		return SOURCE_PARSE_OK;
	}
	if (strcmp(src->dialect, "hidden") == 0) {
		/* says it holds 3, then 5, but a pull from its position still
		 * brings the same 3: only a read from the start shows all 5 */
		static int calls;
		int k = ++calls > 1 && wm == NULL ? 5 : 3;

		for (int i = 0; i < k; i++) {
			char code[32];
			page->items = xreallocarray(page->items, page->n_items + 1,
						    sizeof *page->items);
			snprintf(code, sizeof code, "H-%d", i);
			fill(&page->items[page->n_items++], code, src->name, 4);
		}
		page->total = calls == 1 ? 3 : 5;
		page->next_watermark = xstrdup("1");
		page->more = false;
		return SOURCE_PARSE_OK;
	}
	for (int i = 0; i < 3; i++) {
		char code[32];
		page->items = xreallocarray(page->items, page->n_items + 1, sizeof *page->items);
		snprintf(code, sizeof code, "%s-%ld", circle ? "C" : "E", circle ? i : n * 3 + i);
		fill(&page->items[page->n_items++], code, src->name, 4);
	}
	snprintf(next, sizeof next, "%ld", n + 1);
	page->next_watermark = xstrdup(next);
	page->more = true;
	return SOURCE_PARSE_OK;
}

static const struct source_ops hostile_ops = {
	.dialect = "hostile",
	.pull_request = fake_pull_request,
	.pull_parse = hostile_pull_parse,
};

static void
engine_hostile_feeds_end(void **state)
{
	struct ground g;
	struct net *net;
	struct store *st;
	const char *base;
	struct source_link *links[2];
	struct sync_report rep[2];
	struct store_sync_state ss;
	const char *dialects[2] = {"circle", "endless"};

	(void)state;
	ground_up(&g);
	net = g.net;
	st = g.st;
	base = g.base;
	/*
	 * One pass per feed: the circle must be caught by its repeated page
	 * however slow the machine (valgrind), so it runs without the short
	 * limit the endless feed needs.
	 */
	for (int i = 0; i < 2; i++) {
		struct sync_options so = {.net = net, .store = st,
					  .max_pass_ms = i == 0 ? 0 : 300};
		struct sync *s = sync_new(&so);
		links[i] = ops_source(net, &hostile_ops, dialects[i], dialects[i], base);
		assert_int_equal(sync_add_source(s, links[i]), 0);
		assert_int_equal(sync_run(s, NULL), 0);
		assert_int_equal(sync_reports(s, &rep[i], 1), 1);
		if (i == 0) {
			/* circle: two pages read, the three dossiers kept, then it stopped */
			assert_false(rep[0].ok);
			assert_int_equal(rep[0].error->code, MC_E_FEED_STUCK);
			assert_int_equal(rep[0].n_seen, 6);
			assert_int_equal(rep[0].n_new, 3);
			assert_int_equal(store_sync_state_get(st, "circle", &ss), 0);
			assert_string_equal(ss.cursor, "1"); /* the page that repeated did not move it */
			store_sync_state_release(&ss);
		} else {
			/* endless: stopped by its time limit, what it read is kept */
			assert_false(rep[1].ok);
			assert_int_equal(rep[1].error->code, MC_E_TIME_LIMIT);
			assert_true(rep[1].n_new >= 3);
			assert_true(rep[1].ms < 60000);
			assert_int_equal(store_sync_state_get(st, "endless", &ss), 0);
			assert_non_null(ss.cursor);
			assert_int_equal(strtol(ss.cursor, NULL, 10) * 3, rep[1].n_new);
			store_sync_state_release(&ss);
		}
		sync_free(s);
		source_link_free(links[i]);
	}
	ground_down(&g);
}

/*
 * A change feed lists a dossier once per change: "repeat" sends F-0 twice
 * and F-1 twice on one page.  F-0's later record carries its lists: only it
 * is applied (one new dossier, its history).  F-1's later record carries no
 * history: the earlier one is applied first and its history stays.
 */
static int
repeat_pull_parse(struct source *src, const struct net_response *resp, const char *wm,
		  struct source_page *page, char **cause)
{
	static const struct {
		const char *code;
		int status, events;
		bool no_history;
	} recs[] = {
		{"F-0", 2, 1, false}, {"F-1", 2, 2, false},
		{"F-0", 4, 3, false}, {"F-1", 5, 0, true},
	};

	(void)src;
	if (resp->result != NET_OK || resp->status != 200) {
		*cause = xstrdup("status");
		return SOURCE_PARSE_ERROR;
	}
	if (wm != NULL) {
		page->next_watermark = xstrdup(wm);
		return SOURCE_PARSE_OK;
	}
	page->items = xcalloc(4, sizeof *page->items);
	for (size_t i = 0; i < 4; i++) {
		struct dossier *d = &page->items[page->n_items++];

		fill(d, recs[i].code, "repeat", recs[i].status);
		for (int e = 0; e < recs[i].events; e++)
			dossier_add_event(d, at("2026-03-12 09:00") + e, "cb", "ubnd", "bước", 2);
		if (recs[i].no_history)
			d->lists_absent = DOSSIER_LIST_HISTORY;
	}
	page->next_watermark = xstrdup("1");
	return SOURCE_PARSE_OK;
}

static const struct source_ops repeat_ops = {
	.dialect = "repeat",
	.pull_request = fake_pull_request,
	.pull_parse = repeat_pull_parse,
};

/*
 * Two systems list one dossier in the same turn: the coordination system's
 * copy on its first page (its pass goes on), the handling system's record
 * on its second (which ends its pass, so both wait for the same store
 * transaction).  The record must merge with the copy stored before it.
 */
static int
twin_pull_parse(struct source *src, const struct net_response *resp, const char *wm,
		struct source_page *page, char **cause)
{
	long n = wm != NULL ? strtol(wm, NULL, 10) : 0;
	bool coord = src->coordination;
	char next[32];

	if (resp->result != NET_OK || resp->status != 200) {
		*cause = xstrdup("status");
		return SOURCE_PARSE_ERROR;
	}
	if ((coord && n == 0) || (!coord && n == 1)) {
		page->items = xcalloc(1, sizeof *page->items);
		fill(&page->items[page->n_items++], "T-0", src->name, coord ? 9 : 4);
	}
	snprintf(next, sizeof next, "%ld", n + 1);
	page->next_watermark = xstrdup(next);
	page->more = n + 1 < (coord ? 4 : 2);
	return SOURCE_PARSE_OK;
}

static const struct source_ops twin_ops = {
	.dialect = "twin",
	.pull_request = fake_pull_request,
	.pull_parse = twin_pull_parse,
};

static void
engine_two_systems_one_turn(void **state)
{
	struct ground g;
	struct sync_options so = {0};
	struct source_link *links[2];
	struct sync *s;
	struct dossier d;

	(void)state;
	ground_up(&g);
	so.net = g.net;
	so.store = g.st;
	s = sync_new(&so);
	for (int i = 0; i < 2; i++) {
		links[i] = ops_source(g.net, &twin_ops, i == 0 ? "dvcqg" : "tinh", "twin", g.base);
		assert_int_equal(sync_add_source(s, links[i]), 0);
	}
	assert_int_equal(sync_run(s, NULL), 0);
	assert_int_equal(store_dossier_load(g.st, "T-0", &d), 0);
	assert_string_equal(d.source, "tinh");  /* the record, not the copy */
	assert_int_equal(d.status, 4);
	assert_int_equal(d.coord_status, 9);     /* the copy's status, kept */
	dossier_release(&d);
	sync_free(s);
	for (int i = 0; i < 2; i++)
		source_link_free(links[i]);
	ground_down(&g);
}

static void
engine_feed_repeats(void **state)
{
	struct ground g;
	struct sync_options so = {0};
	struct source_link *link;
	struct sync_report rep;
	struct sync *s;
	struct dossier d;

	(void)state;
	ground_up(&g);
	so.net = g.net;
	so.store = g.st;
	s = sync_new(&so);
	link = ops_source(g.net, &repeat_ops, "repeat", "repeat", g.base);
	assert_int_equal(sync_add_source(s, link), 0);
	assert_int_equal(sync_run(s, NULL), 0);
	assert_int_equal(sync_reports(s, &rep, 1), 1);
	assert_true(rep.ok);
	assert_int_equal(rep.n_seen, 4);
	/* F-0 once (its later record), F-1 twice (new, then changed) */
	assert_int_equal(rep.n_new, 2);
	assert_int_equal(rep.n_changed, 1);
	assert_int_equal(store_dossier_load(g.st, "F-0", &d), 0);
	assert_int_equal(d.status, 4);
	assert_int_equal((int)d.n_history, 3);
	dossier_release(&d);
	assert_int_equal(store_dossier_load(g.st, "F-1", &d), 0);
	assert_int_equal(d.status, 5);
	assert_int_equal((int)d.n_history, 2); /* kept from the earlier record */
	dossier_release(&d);
	sync_free(s);
	source_link_free(link);
	ground_down(&g);
}

static void
count_grew(void *ctx, const struct sync_event *ev)
{
	if (ev->kind == SYNC_EV_TOTAL_GREW) {
		assert_string_equal(ev->system, "hidden");
		assert_string_equal(ev->detail, "3 -> 5");
		(*(int *)ctx)++;
	}
}

/*
 * "Supplement received" queued and not yet sent: a pull that brings the
 * dossier still waiting (the system has not heard) keeps the due date known,
 * restarted from the clerk's reception, instead of making it unknown.
 */
static void
engine_supplement_in_queue(void **state)
{
	struct ground g;
	struct net *net;
	struct store *st;
	const char *base;
	struct procedures procs;
	struct calendar *cal = calendar_new();
	struct source_link *link;
	struct store_outbox_entry e = {0};
	struct dossier d;
	int from = 0;
	mc_time in_at = at("2026-03-13 08:00");

	(void)state;
	ground_up(&g);
	net = g.net;
	st = g.st;
	base = g.base;
	procedures_builtin(&procs);
	struct sync *s = sync_new(&(struct sync_options){.net = net, .store = st, .cal = cal,
							.procs = &procs});
	link = ops_source(net, &hostile_ops, "suppl", "supplement", base);
	assert_int_equal(sync_add_source(s, link), 0);
	assert_int_equal(sync_run(s, NULL), 0);
	assert_int_equal(store_dossier_load(st, "S-1", &d), 0);
	assert_int_equal(d.due_at, 0); /* waiting: no due date */
	dossier_release(&d);

	e.code = xstrdup("S-1");
	e.action = ACTION_SUPPLEMENT_RECEIVED;
	e.idem_key = xstrdup("00000000000000000000000000000002");
	e.payload = xstrdup("{}");
	assert_int_equal(store_outbox_enqueue(st, &e, in_at, &from), 0);
	store_outbox_entry_release(&e);
	assert_int_equal(sync_run(s, NULL), 0);
	assert_int_equal(store_dossier_load(st, "S-1", &d), 0);
	/* 3 working days from Friday 13/3 08:00, the restart */
	assert_int_equal(d.due_at, at("2026-03-18 08:00"));
	assert_int_equal(d.due_at, sync_due_at_with(&d, in_at, &procs, cal, NULL));
	assert_int_equal(d.status, action_apply(ACTION_SUPPLEMENT_RECEIVED, STATUS_SUPPLEMENT));
	dossier_release(&d);
	sync_free(s);
	source_link_free(link);
	procedures_release(&procs);
	calendar_free(cal);
	ground_down(&g);
}

/* The server's total grows while a pull from the position finds nothing
 * new: said, the position dropped, the system read again from the start. */
static void
engine_total_grew(void **state)
{
	struct ground g;
	struct net *net;
	struct store *st;
	const char *base;
	struct source_link *link;
	struct sync_report rep;
	struct store_sync_state ss;
	int grew = 0;

	(void)state;
	ground_up(&g);
	net = g.net;
	st = g.st;
	base = g.base;
	struct sync *s = sync_new(&(struct sync_options){.net = net, .store = st,
							.event = count_grew, .event_ctx = &grew});
	link = ops_source(net, &hostile_ops, "hidden", "hidden", base);
	assert_int_equal(sync_add_source(s, link), 0);
	/* first pass: 3 held, 3 new */
	assert_int_equal(sync_run(s, NULL), 0);
	assert_int_equal(sync_reports(s, &rep, 1), 1);
	if (!rep.ok)
		fail_msg("first pass: %s %s", rep.error != NULL ? mc_err_name(rep.error->code) : "?",
			 rep.error != NULL ? rep.error->detail : "");
	assert_int_equal(rep.n_new, 3);
	assert_int_equal(store_sync_state_get(st, "hidden", &ss), 0);
	assert_int_equal(ss.server_total, 3);
	store_sync_state_release(&ss);
	/* second: it says 5, the pull brings the same 3; then from the start, 5 */
	assert_int_equal(sync_run(s, NULL), 0);
	assert_int_equal(grew, 1);
	assert_int_equal(sync_reports(s, &rep, 1), 1);
	assert_true(rep.ok);
	assert_int_equal(rep.n_new, 2);
	assert_int_equal(store_sync_state_get(st, "hidden", &ss), 0);
	assert_int_equal(ss.server_total, 5);
	assert_string_equal(ss.cursor, "1");
	store_sync_state_release(&ss);
	{
		int64_t n = 0;
		assert_int_equal(store_dossier_count(st, NULL, &n), 0);
		assert_int_equal(n, 5);
	}
	sync_free(s);
	source_link_free(link);
	ground_down(&g);
}

/* What a pass said about reading from the start. */
struct from_start_log {
	int resync, changed;
	char detail[64];
};

static void
log_from_start(void *ctx, const struct sync_event *ev)
{
	struct from_start_log *l = ctx;

	if (ev->kind == SYNC_EV_RESYNC)
		l->resync++;
	if (ev->kind == SYNC_EV_PROFILE_CHANGED) {
		l->changed++;
		snprintf(l->detail, sizeof l->detail, "%s %s", ev->system,
			 ev->detail != NULL ? ev->detail : "-");
	}
}

/* One pass of `name` (its report in *rep). */
static void
pass_of(struct sync *s, const char *name, struct sync_report *rep, bool ok)
{
	struct sync_report r[2];
	size_t n;

	assert_int_equal(sync_run(s, name), 0);
	n = sync_reports(s, r, 2);
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].name, name) == 0) {
			*rep = r[i];
			assert_true(rep->ran);
			assert_int_equal(rep->ok, ok);
			return;
		}
	fail_msg("no report of %s", name);
}

static void
assert_cursor(struct store *st, const char *name, const char *cursor, const char *fp)
{
	struct store_sync_state ss;

	assert_int_equal(store_sync_state_get(st, name, &ss), 0);
	if (cursor == NULL)
		assert_null(ss.cursor);
	else
		assert_string_equal(ss.cursor, cursor);
	if (fp == NULL)
		assert_null(ss.fingerprint);
	else
		assert_string_equal(ss.fingerprint, fp);
	store_sync_state_release(&ss);
}

/*
 * Reading a system again from the start: asked (sync_resync), or because
 * what it is read with changed (sync_set_fingerprint).  The fake feed is 3
 * pages of 3 dossiers from the start, nothing past its position "3".
 */
static void
engine_from_start(void **state)
{
	struct ground g;
	struct from_start_log lg = {0};
	struct source_link *links[2];
	struct sync_report rep;
	struct store_outbox_entry e = {0};
	int64_t counts[STORE_OUTBOX_N_STATES];
	struct dossier d;
	int from = 0;

	(void)state;
	ground_up(&g);
	struct sync *s = sync_new(&(struct sync_options){.net = g.net, .store = g.st,
							.event = log_from_start,
							.event_ctx = &lg});
	links[0] = fake_source(g.net, "fakeh", "fake", g.base);
	links[1] = fake_source(g.net, "dead", "fake", "http://127.0.0.1:1");
	source_link_source(links[0])->profile = xstrdup("sources.d/fakeh.json");
	assert_int_equal(sync_add_source(s, links[0]), 0);
	assert_int_equal(sync_add_source(s, links[1]), 0);

	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(rep.n_seen, 9);
	assert_int_equal(rep.n_new, 9);
	assert_cursor(g.st, "fakeh", "3", NULL);
	/* an action queued on one of them */
	assert_true(action_allowed(ACTION_APPROVE, 4));
	e.code = xstrdup("F-4");
	e.action = ACTION_APPROVE;
	e.idem_key = xstrdup("00000000000000000000000000000003");
	e.payload = xstrdup("{}");
	assert_int_equal(store_outbox_enqueue(g.st, &e, at("2026-03-12 10:00"), &from), 0);
	store_outbox_entry_release(&e);
	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(rep.n_seen, 0); /* from its position: nothing */

	/* asked: every page again; the stored rows stay, the queue too */
	assert_int_equal(sync_resync(s, "fakeh"), 0);
	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(lg.resync, 1);
	assert_int_equal(lg.changed, 0);
	assert_int_equal(rep.n_seen, 9);
	assert_int_equal(rep.n_new, 0);
	assert_cursor(g.st, "fakeh", "3", NULL);
	assert_int_equal(store_outbox_counts(g.st, counts), 0);
	assert_int_equal(counts[STORE_OUTBOX_PENDING], 1);
	assert_int_equal(store_dossier_load(g.st, "F-4", &d), 0);
	assert_int_equal(d.status, action_apply(ACTION_APPROVE, 4)); /* its effect kept */
	dossier_release(&d);
	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(rep.n_seen, 0); /* asked once: the next pass resumes */
	assert_int_equal(lg.resync, 1);
	assert_int_equal(sync_resync(s, "nosuch"), -1);

	/* the first fingerprint (a store from an older release): kept, no re-read */
	assert_int_equal(sync_set_fingerprint(s, "fakeh", "10:00000000000000aa"), 0);
	assert_int_equal(sync_set_fingerprint(s, "nosuch", ""), -1);
	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(rep.n_seen, 0);
	assert_int_equal(lg.changed, 0);
	assert_cursor(g.st, "fakeh", "3", "10:00000000000000aa");
	/* the profile changed: read from the start, said once */
	assert_int_equal(sync_set_fingerprint(s, "fakeh", "11:00000000000000bb"), 0);
	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(lg.changed, 1);
	assert_string_equal(lg.detail, "fakeh sources.d/fakeh.json");
	assert_int_equal(rep.n_seen, 9);
	assert_cursor(g.st, "fakeh", "3", "11:00000000000000bb");
	pass_of(s, "fakeh", &rep, true);
	assert_int_equal(rep.n_seen, 0);
	assert_int_equal(lg.changed, 1);

	/* a pass that fails still leaves the position forgotten, the new
	 * fingerprint kept: the next pass reads from the start, unsaid */
	{
		struct store_sync_state ss = {.cursor = "2", .server_total = 7,
					      .fingerprint = "3:00000000000000cc"};
		assert_int_equal(store_sync_state_set(g.st, "dead", &ss), 0);
	}
	assert_int_equal(sync_set_fingerprint(s, "dead", ""), 0);
	pass_of(s, "dead", &rep, false);
	assert_int_equal(lg.changed, 2);
	assert_string_equal(lg.detail, "dead -");
	assert_cursor(g.st, "dead", NULL, "");
	{
		struct store_sync_state ss;
		assert_int_equal(store_sync_state_get(g.st, "dead", &ss), 0);
		assert_int_equal(ss.server_total, -1);
		store_sync_state_release(&ss);
	}
	assert_int_equal(sync_resync(s, "dead"), 0);
	pass_of(s, "dead", &rep, false);
	assert_int_equal(lg.resync, 2);
	assert_cursor(g.st, "dead", NULL, "");
	pass_of(s, "dead", &rep, false);
	assert_int_equal(lg.changed, 2);
	assert_int_equal(lg.resync, 2);

	sync_free(s);
	source_link_free(links[0]);
	source_link_free(links[1]);
	ground_down(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_coordination_after_record),
		cmocka_unit_test(merge_record_after_coordination),
		cmocka_unit_test(merge_new_record),
		cmocka_unit_test(due_from_catalogue),
		cmocka_unit_test(catalogue_file),
		cmocka_unit_test(engine_pages_watermarks_failures),
		cmocka_unit_test(engine_hostile_feeds_end),
		cmocka_unit_test(engine_feed_repeats),
		cmocka_unit_test(engine_two_systems_one_turn),
		cmocka_unit_test(engine_total_grew),
		cmocka_unit_test(engine_from_start),
		cmocka_unit_test(engine_supplement_in_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
