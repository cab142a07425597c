/*
 * control.c - the control API under /_control/ for tests and trainers:
 * switch systems off and on, change faults, move the clock, approve or deny
 * a device sign-in as the phone would, read the exactly-once statistics,
 * peek at dossiers without any dialect in between, poison a dossier with
 * hostile data (what motcua does with it is the point of the exercise), and
 * load a guided exercise and read the trainee's progress in it.
 * No authentication; sandbox.c only lets loopback clients in.
 */
#include "sandbox/dialect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/gen.h"

static void
ok(struct sbx_response *resp, json_t *extra)
{
	json_t *j = extra != NULL ? extra : json_object();
	json_object_set_new(j, "ok", json_true());
	sbx_response_json(resp, 200, j);
}

static void
fail(struct sbx_response *resp, int status, const char *msg)
{
	sbx_response_json(resp, status, json_pack("{s:b,s:s}", "ok", 0, "error", msg));
}

/* A form field, or the same key in a JSON body. */
static char *
field(const struct sbx_request *req, const char *name)
{
	char *v = sbx_form_value(req, name);
	if (v != NULL)
		return v;
	const char *ct = sbx_request_header(req, "Content-Type");
	if (ct == NULL || strstr(ct, "json") == NULL)
		return NULL;
	json_t *j = sbx_request_json(req, NULL);
	json_t *f = j != NULL ? json_object_get(j, name) : NULL;
	char buf[32];
	if (json_is_integer(f)) {
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(f));
		v = xstrdup(buf);
	} else if (json_is_string(f)) {
		v = xstrdup(json_string_value(f));
	}
	json_decref(j);
	return v;
}

static void
offline(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	char *src = field(req, "source"), *on = field(req, "on");
	int target = faults_target_from_name(src);
	if (target < 0 || on == NULL || (strcmp(on, "1") != 0 && strcmp(on, "0") != 0)) {
		fail(resp, 400, "need source (dvcqg|tuphap|congan|nnmt|tinh|payment|idp|csc|tsa) and on=1|0");
	} else {
		faults_set_offline(sb->faults, target, strcmp(on, "1") == 0);
		ok(resp, json_pack("{s:s,s:b}", "source", src, "offline", strcmp(on, "1") == 0));
	}
	free(src);
	free(on);
}

static void
faults(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	if (strcmp(req->method, "GET") == 0) {
		ok(resp, json_pack("{s:o}", "faults", faults_to_json(sb->faults, req->now)));
		return;
	}
	char *spec = field(req, "spec");
	if (spec == NULL)
		spec = xstrndup(req->body, req->body_len); /* a raw text body is the spec */
	char err[160];
	if (faults_apply(sb->faults, spec, err, sizeof(err)) != 0)
		fail(resp, 400, err);
	else
		ok(resp, json_pack("{s:o}", "faults", faults_to_json(sb->faults, req->now)));
	free(spec);
}

static void
maintenance(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	char *src = field(req, "source"), *secs = field(req, "seconds");
	int target = faults_target_from_name(src);
	long s;
	if (target < 0 || sandbox_parse_long(secs, 0, 7 * 86400, 600, &s) != 0)
		fail(resp, 400, "need source and seconds (0..604800)");
	else {
		faults_maintenance(sb->faults, target, req->now, s);
		ok(resp, json_pack("{s:s,s:i}", "source", src, "seconds", (int)s));
	}
	free(src);
	free(secs);
}

static void
clock_move(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	char iso[CIVIL_ISO_LEN];
	if (strcmp(req->method, "GET") != 0) {
		char *secs = field(req, "seconds"), *to = field(req, "to");
		long s = 0;
		mc_time target;
		if (secs != NULL && sandbox_parse_long(secs, 0, 400L * 86400, 0, &s) == 0) {
			sandbox_advance(sb, s);
		} else if (to != NULL && civil_parse_datetime(to, &target) == 0) {
			if (target < req->now) {
				free(secs);
				free(to);
				fail(resp, 409, "the sandbox clock never goes back");
				return;
			}
			sandbox_advance(sb, target - req->now);
		} else {
			free(secs);
			free(to);
			fail(resp, 400, "need seconds=N or to='YYYY-MM-DD HH:MM[:SS]'");
			return;
		}
		free(secs);
		free(to);
	}
	mc_time now = sandbox_now(sb);
	world_advance(sb->world, now);
	ok(resp, json_pack("{s:s,s:I}", "now", civil_format_iso(now, iso, sizeof(iso)), "epoch",
			   (json_int_t)now));
}

static void
device(struct sandbox *sb, const struct sbx_request *req, bool approve,
       struct sbx_response *resp)
{
	char *code = field(req, "user_code");
	if (code == NULL) {
		fail(resp, 400, "need user_code");
		return;
	}
	int r = approve ? idp_approve(sb->idp, code, req->now) : idp_deny(sb->idp, code, req->now);
	free(code);
	if (r != 0)
		fail(resp, 404, "no pending sign-in with that user_code");
	else
		ok(resp, NULL);
}

static void
stats(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	struct ledger_stats ls;
	ledger_stats(sb->ledger, &ls);
	struct world_life_stats life;
	world_life_stats(sb->world, &life);
	json_t *sources = json_object();
	size_t n = world_count(sb->world);
	size_t in_coord = 0;
	for (int src = 0; src < SRC_COUNT; src++) {
		size_t open = 0, mismatched = 0;
		for (size_t i = 0; i < n; i++) {
			const struct world_dossier *d = world_get(sb->world, (uint32_t)i);
			bool here = src == SRC_DVCQG ? d->coord_status != 0 : world_source_of(d) == src;
			if (!here)
				continue;
			int s = world_status_in(d, src);
			open += !status_is_finished(s);
			if (src == SRC_DVCQG)
				mismatched += d->coord_status != d->status;
		}
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:b}", "dossiers",
				      (json_int_t)world_source_count(sb->world, src), "open",
				      (json_int_t)open, "actions_applied", (json_int_t)ls.applied_by[src],
				      "duplicates_absorbed", (json_int_t)ls.absorbed_by[src], "online",
				      !faults_offline(sb->faults, src, req->now));
		if (src == SRC_DVCQG) {
			json_object_set_new(o, "status_mismatch", json_integer((json_int_t)mismatched));
			in_coord = world_source_count(sb->world, src);
		}
		json_object_set_new(sources, catalog_source_name(src), o);
	}
	char iso[CIVIL_ISO_LEN];
	json_t *j = json_pack(
		"{s:I,s:I,s:o,s:{s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I},s:s,s:I,s:I}",
		"distinct_dossiers", (json_int_t)n, "in_coordination", (json_int_t)in_coord,
		"sources", sources, "actions", "applied", (json_int_t)ls.applied,
		"duplicates_absorbed", (json_int_t)ls.duplicates_absorbed,
		"applied_more_than_once", (json_int_t)ls.applied_more_than_once, "rejected",
		(json_int_t)ls.rejected, "life", "arrivals", (json_int_t)life.arrivals,
		"progressed", (json_int_t)life.progressed, "coord_synced",
		(json_int_t)life.coord_synced, "now", civil_format_iso(req->now, iso, sizeof(iso)),
		"seed", (json_int_t)sb->cfg.seed, "requests", (json_int_t)sb->requests);
	json_object_set_new(j, "audit", audit_sink_stats(sb->audit));
	sbx_response_json(resp, 200, j);
}

static json_t *
peek_one(const struct sandbox *sb, const struct world_dossier *d)
{
	char due[CIVIL_ISO_LEN], upd[CIVIL_ISO_LEN];
	json_t *files = json_array(), *parts = json_array();
	json_t *j;

	/* The result files the system recorded on return, whichever dialect took them. */
	for (size_t i = 0; d->extra != NULL && i < d->extra->n_result_files; i++)
		json_array_append_new(files, json_string(d->extra->result_files[i]));
	j = json_pack("{s:s,s:s,s:s,s:i,s:i,s:i,s:I,s:s,s:s,s:I}", "code", d->code, "source",
			 catalog_source_name(world_source_of(d)), "procedure",
			 world_procedure(d)->name, "status", d->status, "coord_status",
			 d->coord_status, "coord_pending", d->coord_pending, "version",
			 (json_int_t)d->version, "due_at",
			 d->due_at ? civil_format_iso(d->due_at, due, sizeof(due)) : "",
			 "updated_at", civil_format_iso(d->updated_at, upd, sizeof(upd)), "fees",
			 (json_int_t)world_fees_total(d));
	json_object_set_new(j, "result_files", files);
	/* what every system lists, in its order (the clerk's note last) */
	for (size_t i = 0; i < sandbox_part_count(sb, d); i++) {
		struct sandbox_part f;
		char name[160];
		sandbox_part_info(sb, d, i, &f);
		snprintf(name, sizeof(name), "%s.%s", f.name, f.ext);
		json_array_append_new(parts, json_pack("{s:s,s:s,s:I}", "name", name, "type", f.mime,
						       "size", (json_int_t)f.size));
	}
	json_object_set_new(j, "attachments", parts);
	json_object_set_new(j, "unit", json_string(world_unit(d)));
	/* the latest supplement round trip, for tests that need one */
	json_object_set_new(
		j, "supplement",
		d->supp_req_at == 0
			? json_null()
			: json_pack("{s:s,s:o}", "requested_at",
				    civil_format_iso(d->supp_req_at, due, sizeof(due)), "completed_at",
				    d->supp_done_at != 0
					    ? json_string(civil_format_iso(d->supp_done_at, upd,
									   sizeof(upd)))
					    : json_null()));
	return j;
}

/* GET /_control/dossiers?source=S&status=N&in_dvcqg=1&fees=1&note=1&limit=N or ?code=X */
static void
dossiers(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *code = sbx_request_arg(req, "code");
	if (code != NULL) {
		int64_t idx = world_find(sb->world, code);
		if (idx < 0) {
			fail(resp, 404, "no such dossier");
			return;
		}
		ok(resp, json_pack("{s:o}", "dossier",
				   peek_one(sb, world_get(sb->world, (uint32_t)idx))));
		return;
	}
	int src = catalog_source_from_name(sbx_request_arg(req, "source"));
	long status, limit, in_coord, fees, note;
	if (sandbox_parse_long(sbx_request_arg(req, "status"), 0, 10, 0, &status) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "limit"), 1, 1000, 20, &limit) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "in_dvcqg"), -1, 1, -1, &in_coord) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "fees"), -1, 1, -1, &fees) != 0 ||
	    sandbox_parse_long(sbx_request_arg(req, "note"), -1, 1, -1, &note) != 0) {
		fail(resp, 400, "bad status, limit, in_dvcqg, fees or note");
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < world_count(sb->world) && (long)json_array_size(arr) < limit; i++) {
		const struct world_dossier *d = world_get(sb->world, (uint32_t)i);
		if (src != SRC_NONE && src != SRC_DVCQG && world_source_of(d) != src)
			continue;
		if ((src == SRC_DVCQG || in_coord == 1) && d->coord_status == 0)
			continue;
		if (in_coord == 0 && d->coord_status != 0)
			continue;
		if (status != 0 && d->status != status)
			continue;
		if (fees >= 0 && (world_fees_total(d) > 0) != (fees == 1))
			continue;
		if (note >= 0 && gen_has_note(sb->cfg.seed, d->gen) != (note == 1))
			continue;
		json_array_append_new(arr, peek_one(sb, d));
	}
	ok(resp, json_pack("{s:o}", "dossiers", arr));
}

/*
 * POST /_control/poison code=X&field=F&value=V: hostile data in one
 * dossier, served by every dialect in its own format (world.h).  F is name,
 * procedure, unit, area, updated_at ('YYYY-MM-DD HH:MM[:SS]' Vietnam time,
 * any year to 9999) or code (the dossier's new code, raw).
 */
static void
poison(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	char *code = field(req, "code"), *what = field(req, "field"), *value = field(req, "value");
	int64_t idx = code != NULL ? world_find(sb->world, code) : -1;
	int f = world_poison_field_from_name(what), r = -1;
	mc_time at;

	world_advance(sb->world, req->now);
	if (idx < 0 || what == NULL || value == NULL) {
		fail(resp, idx < 0 && code != NULL ? 404 : 400,
		     idx < 0 && code != NULL ? "no such dossier"
					     : "need code, field (name|procedure|unit|area|"
					       "updated_at|code) and value");
		goto out;
	}
	if (strcmp(what, "updated_at") == 0) {
		if (civil_parse_datetime(value, &at) != 0) {
			fail(resp, 400, "updated_at takes 'YYYY-MM-DD HH:MM[:SS]' (Vietnam time)");
			goto out;
		}
		world_poison_updated(sb->world, (uint32_t)idx, at);
		r = 0;
	} else if (strcmp(what, "code") == 0) {
		r = world_poison_code(sb->world, (uint32_t)idx, value, req->now);
		if (r == -2) {
			fail(resp, 409, "another dossier has that code");
			goto out;
		}
	} else if (f >= 0) {
		r = world_poison(sb->world, (uint32_t)idx, (enum world_poison_field)f, value,
				 req->now);
	} else {
		fail(resp, 400, "field is one of name, procedure, unit, area, updated_at, code");
		goto out;
	}
	if (r != 0) {
		fail(resp, 400, "value empty or too long");
		goto out;
	}
	ok(resp, json_pack("{s:o}", "dossier",
			   peek_one(sb, world_get(sb->world, (uint32_t)idx))));
out:
	free(code);
	free(what);
	free(value);
}

/*
 * /_control/exercise: POST the exercise file as the body to load it, GET
 * the progress, DELETE to forget it.  Errors quote the file as "exercise".
 */
static void
exercise_ctl(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	json_t *j;
	char *cause = NULL;

	if (strcmp(req->method, "POST") == 0) {
		if (sandbox_exercise_load(sb, req->body != NULL ? req->body : "", req->body_len,
					  "exercise", &cause) != 0) {
			fail(resp, 400, cause);
			free(cause);
			return;
		}
		ok(resp, sandbox_exercise_status(sb));
		return;
	}
	if (strcmp(req->method, "DELETE") == 0) {
		sandbox_exercise_unload(sb);
		ok(resp, sandbox_exercise_status(sb));
		return;
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		fail(resp, 405, "method not allowed");
		return;
	}
	j = sandbox_exercise_status(sb);
	sbx_response_json(resp, 200, j);
}

static void
hint_ctl(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	(void)req;
	if (sb->exercise == NULL) {
		fail(resp, 409, "no exercise loaded");
		return;
	}
	exercise_hint(sb->exercise);
	ok(resp, sandbox_exercise_status(sb));
}

struct control_route {
	const char *path;
	const char *method; /* NULL: any */
	void (*fn)(struct sandbox *, const struct sbx_request *, struct sbx_response *);
};

static void
approve(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	device(sb, req, true, resp);
}

static void
deny(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	device(sb, req, false, resp);
}

static void
reset_stats(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	(void)req;
	ledger_reset_counters(sb->ledger);
	ok(resp, NULL);
}

static void
health(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	(void)sb;
	char iso[CIVIL_ISO_LEN];
	ok(resp, json_pack("{s:s}", "now", civil_format_iso(req->now, iso, sizeof(iso))));
}

static const struct control_route control_routes[] = {
	{"/_control/offline", "POST", offline},
	{"/_control/faults", NULL, faults},
	{"/_control/maintenance", "POST", maintenance},
	{"/_control/clock", NULL, clock_move},
	{"/_control/approve", "POST", approve},
	{"/_control/deny", "POST", deny},
	{"/_control/stats", "GET", stats},
	{"/_control/stats/reset", "POST", reset_stats},
	{"/_control/dossiers", "GET", dossiers},
	{"/_control/poison", "POST", poison},
	{"/_control/health", "GET", health},
	{"/_control/audit", "GET", audit_sink_control},
	{"/_control/exercise", NULL, exercise_ctl},
	{"/_control/exercise/hint", "POST", hint_ctl},
};

void
control_handle(struct sandbox *sb, const struct sbx_request *req, struct sbx_response *resp)
{
	for (size_t i = 0; i < sizeof(control_routes) / sizeof(control_routes[0]); i++) {
		const struct control_route *r = &control_routes[i];
		if (strcmp(req->path, r->path) != 0)
			continue;
		if (r->method != NULL && strcmp(req->method, r->method) != 0) {
			fail(resp, 405, "method not allowed");
			return;
		}
		r->fn(sb, req, resp);
		return;
	}
	fail(resp, 404, "unknown control path");
}
