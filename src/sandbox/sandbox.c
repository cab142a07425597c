/*
 * sandbox.c - the running sandbox: clock, router and shared dialect helpers
 * (see sandbox.h).
 *
 * Routing order: /_control/ (loopback only, but for what a trainee's console
 * elsewhere in the classroom needs: trainee_safe()), then the OpenID provider, the
 * remote signing service (/csc, csc.c), the time-stamping authority (/tsa,
 * tsa.c), then the systems by prefix.  Faults are applied per target around
 * the dialect (and around the provider and the payment platform when rules
 * name them), so a dialect never has to think about misbehaving.
 */
#include "sandbox/sandbox.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"
#include "sandbox/dialect.h"
#include "sandbox/gen.h"

/* name, audience, path, title: the five systems (catalog.h), then the
 * remote signing service */
#define SYSTEM(name, title) {#name, #name, "/" #name, title},
const struct idp_system sandbox_systems[] = {
	CATALOG_SOURCES(SYSTEM)
	{"csc", "csc", "/csc", "Dịch vụ ký số từ xa (CSC API v2, thử nghiệm)"},
};
const size_t sandbox_n_systems = sizeof(sandbox_systems) / sizeof(sandbox_systems[0]);

typedef void (*route_fn)(struct sandbox *, const struct sbx_request *, struct sbx_response *);

struct route {
	const char *prefix;
	int target;
	route_fn fn;
};

static const struct route routes[] = {
	{"/dvcqg", SRC_DVCQG, dialect_dvcqg_handle},
	{"/tuphap", SRC_TUPHAP, dialect_tuphap_handle},
	{"/congan", SRC_CONGAN, dialect_congan_handle},
	{"/nnmt", SRC_NNMT, dialect_nnmt_handle},
	{"/tinh", SRC_TINH, dialect_tinh_handle},
	{"/payment", FAULT_PAYMENT, payment_handle},
};

uint64_t
sandbox_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
session_free(void *p)
{
	free(p);
}

struct sandbox *
sandbox_new(const struct sandbox_config *cfg, const char **err)
{
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	sb->cfg = *cfg;
	sb->cfg.faults = NULL;
	sb->payment_secret = xstrdup(cfg->payment_secret != NULL ? cfg->payment_secret
								 : SANDBOX_DEFAULT_SECRET);
	sb->faults = faults_new(cfg->seed);
	if (cfg->scenario == SCENARIO_RURAL_OUTAGE) {
		char ignored[8];
		faults_apply(sb->faults,
			     "*:flap=600/90,latency=800-2500,bandwidth=6000,drop=0.03,cut=0.02", ignored,
			     sizeof(ignored));
	}
	static char fault_err[160];
	if (cfg->faults != NULL &&
	    faults_apply(sb->faults, cfg->faults, fault_err, sizeof(fault_err)) != 0) {
		*err = fault_err;
		faults_free(sb->faults);
		free(sb->payment_secret);
		free(sb);
		return NULL;
	}
	struct world_config wc = {
		.seed = cfg->seed,
		.n_dossiers = cfg->n_dossiers,
		.now = cfg->start,
		.scenario = cfg->scenario,
		.rate = cfg->rate,
		.dvcqg_share = 0.2,
	};
	sb->world = world_new(&wc);
	sb->ledger = ledger_new();
	sb->uploads = uploads_new(cfg->seed);
	sb->sessions = smap_new();
	sb->payments = smap_new();
	sb->audit = audit_sink_new();
	sb->start_mono_ms = sandbox_mono_ms();
	sb->last_now = cfg->start;
	atomic_init(&sb->ready, false);
	return sb;
}

void
sandbox_free(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	exercise_free(sb->exercise);
	tsa_free(sb->tsa);
	csc_free(sb->csc);
	idp_free(sb->idp);
	world_free(sb->world);
	faults_free(sb->faults);
	ledger_free(sb->ledger);
	uploads_free(sb->uploads);
	smap_free(sb->sessions, session_free);
	smap_free(sb->payments, free);
	audit_sink_free(sb->audit);
	free(sb->payment_secret);
	free(sb);
}

void
sandbox_set_base_url(struct sandbox *sb, const char *base_url)
{
	snprintf(sb->base_url, sizeof(sb->base_url), "%s", base_url);
	struct idp_config ic = {
		.issuer = sb->base_url,
		.systems = sandbox_systems,
		.n_systems = sandbox_n_systems,
		.seed = sb->cfg.seed,
		.interval = 5,
		.device_code_ttl = 600,
		.access_token_ttl = 900,
		.refresh_token_ttl = 8 * 3600,
	};
	sb->idp = idp_new(&ic);
	sb->csc = csc_new(csc_auth_idp, sb->idp);
	if (sb->csc != NULL) {
		X509 *ca;
		EVP_PKEY *ca_key;
		csc_ca(sb->csc, &ca, &ca_key);
		sb->tsa = tsa_new(ca, ca_key);
	}
	atomic_store(&sb->ready, true);
}

mc_time
sandbox_now(struct sandbox *sb)
{
	double real = (double)(sandbox_mono_ms() - sb->start_mono_ms) / 1000.0;
	mc_time now = sb->cfg.start + (mc_time)(real * sb->cfg.speed) + sb->advanced;
	if (now < sb->last_now)
		now = sb->last_now;
	sb->last_now = now;
	return now;
}

void
sandbox_advance(struct sandbox *sb, int64_t seconds)
{
	if (seconds > 0)
		sb->advanced += seconds;
}

/* ---- helpers ------------------------------------------------------------- */

int
sandbox_auth(struct sandbox *sb, const struct sbx_request *req, const char *audience,
	     struct sbx_response *resp)
{
	const char *subject = NULL;
	return idp_check_token(sb->idp, req, audience, &subject, resp);
}

/* ---- the exercise ---------------------------------------------------------- */

/*
 * The current step's on_start.  The clock only moves its offset here: the
 * world catches up at the next request (world_advance may add dossiers and
 * move the records a dialect still holds a pointer to).
 */
static void
exercise_step_started(struct sandbox *sb)
{
	const struct exercise_step *st = exercise_current(sb->exercise);

	if (st == NULL)
		return;
	if (st->on_start.offline >= 0) {
		faults_set_offline(sb->faults, st->on_start.offline, true);
		sb->online_at_ms[st->on_start.offline] =
			sandbox_mono_ms() + (uint64_t)st->on_start.offline_s * 1000u;
	}
	if (st->on_start.clock_s > 0)
		sandbox_advance(sb, st->on_start.clock_s);
	/* at the next request: the reply that moved the step on (a detail
	 * read) shows the dossier as it was when it was asked for */
	sb->elsewhere_pending = st->on_start.elsewhere != ACTION_NONE;
}

/* Another official's action at the system, by the world's rules: the
 * version moves, the trainee's copy is behind. */
static void
exercise_elsewhere(struct sandbox *sb)
{
	const struct exercise_step *st = exercise_current(sb->exercise);

	sb->elsewhere_pending = false;
	if (st == NULL || st->on_start.elsewhere == ACTION_NONE)
		return;
	struct world_act act = {
		.action = st->on_start.elsewhere,
		.actor = "Cán bộ khác (bài tập)",
		.reason = "Thao tác tại bộ phận khác (bài tập)",
	};
	uint32_t idx = sb->exercise->targets[st->on_start.elsewhere_target].idx;
	(void)world_act(sb->world, idx, &act, sandbox_now(sb));
}

/* Systems an exercise switched off come back when their time is up (all of
 * them with `all`).  Checked before each request, which is the only time
 * anybody can tell. */
static void
exercise_restore(struct sandbox *sb, bool all)
{
	uint64_t now_ms = sandbox_mono_ms();

	for (int t = 0; t < FAULT_TARGETS; t++) {
		if (sb->online_at_ms[t] == 0 || (!all && now_ms < sb->online_at_ms[t]))
			continue;
		faults_set_offline(sb->faults, t, false);
		sb->online_at_ms[t] = 0;
	}
}

int
sandbox_exercise_load(struct sandbox *sb, const char *text, size_t len, const char *file,
		      char **cause)
{
	struct exercise *ex = exercise_load(text, len, file, sb->world, sandbox_now(sb),
					    sandbox_mono_ms(), cause);

	if (ex == NULL)
		return -1;
	sandbox_exercise_unload(sb);
	sb->exercise = ex;
	exercise_step_started(sb);
	return 0;
}

void
sandbox_exercise_unload(struct sandbox *sb)
{
	exercise_restore(sb, true);
	exercise_free(sb->exercise);
	sb->exercise = NULL;
}

json_t *
sandbox_exercise_status(struct sandbox *sb)
{
	return exercise_status(sb->exercise, sandbox_mono_ms());
}

void
sandbox_viewed(struct sandbox *sb, uint32_t idx)
{
	if (exercise_viewed(sb->exercise, idx, sandbox_mono_ms()))
		exercise_step_started(sb);
}

/*
 * A rejection whose client reference was applied before is a client
 * retrying after a lost answer (the ledger absorbs it): the trainee did
 * nothing wrong, so the exercise does not hear of it.
 */
static void
exercise_act(struct sandbox *sb, uint32_t idx, const struct world_act *act,
	     enum world_act_result r, bool retry)
{
	if (sb->exercise == NULL || (r != WORLD_ACT_OK && retry))
		return;
	if (exercise_acted(sb->exercise, idx, world_get(sb->world, idx)->code, act, r,
			   sandbox_mono_ms()))
		exercise_step_started(sb);
}

enum world_act_result
sandbox_act(struct sandbox *sb, int src, uint32_t idx, const struct world_act *act,
	    const char *ref, mc_time now)
{
	enum world_act_result r = world_act(sb->world, idx, act, now);
	const char *code = world_get(sb->world, idx)->code;
	bool retry = ledger_intent_applied(sb->ledger, code, ref);

	if (r == WORLD_ACT_OK)
		ledger_applied(sb->ledger, src, code, ref);
	else
		ledger_rejected(sb->ledger, src, code, ref);
	exercise_act(sb, idx, act, r, retry);
	return r;
}

void
sandbox_refused(struct sandbox *sb, int src, uint32_t idx, enum action a,
		enum world_act_result why, const char *ref)
{
	const char *code = world_get(sb->world, idx)->code;
	struct world_act act = {.action = a, .via = src};
	bool retry = ledger_intent_applied(sb->ledger, code, ref);

	ledger_rejected(sb->ledger, src, code, ref);
	exercise_act(sb, idx, &act, why, retry);
}

int
sandbox_parse_long(const char *s, long min, long max, long def, long *out)
{
	if (s == NULL) {
		*out = def;
		return 0;
	}
	char *end;
	if (*s == '\0' || *s == ' ')
		return -1;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *
sandbox_path_after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) != 0)
		return NULL;
	if (path[n] != '\0' && path[n] != '/')
		return NULL;
	return path + n;
}

void
sandbox_sha256_hex(const char *s, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)s, len, md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
sandbox_part_id(const struct world_dossier *d, size_t part, char *buf, size_t size)
{
	snprintf(buf, size, "%s-%zu", d->code, part + 1);
}

int
sandbox_part_from_id(const struct sandbox *sb, const struct world_dossier *d, const char *id)
{
	size_t n = strlen(d->code);
	if (strncmp(id, d->code, n) != 0 || id[n] != '-')
		return -1;
	long k;
	if (sandbox_parse_long(id + n + 1, 1, CATALOG_MAX_PARTS + 1, 0, &k) != 0)
		return -1;
	if ((size_t)k > sandbox_part_count(sb, d))
		return -1;
	return (int)k - 1;
}

static const char *
mime_of(const char *ext)
{
	if (strcmp(ext, "pdf") == 0)
		return "application/pdf";
	if (strcmp(ext, "tif") == 0)
		return "image/tiff";
	return "image/jpeg";
}

size_t
sandbox_part_count(const struct sandbox *sb, const struct world_dossier *d)
{
	return world_procedure(d)->n_parts + (gen_has_note(sb->cfg.seed, d->gen) ? 1 : 0);
}

void
sandbox_part_info(const struct sandbox *sb, const struct world_dossier *d, size_t part,
		  struct sandbox_part *out)
{
	const struct catalog_procedure *p = world_procedure(d);

	if (part < p->n_parts) {
		*out = (struct sandbox_part){p->parts[part].code, p->parts[part].name,
					     p->parts[part].ext, mime_of(p->parts[part].ext),
					     gen_part_size(sb->cfg.seed, d->gen, p, part)};
	} else {
		char text[GEN_NOTE_MAX];
		*out = (struct sandbox_part){
			GEN_NOTE_CODE, GEN_NOTE_NAME, GEN_NOTE_EXT, GEN_NOTE_MIME,
			(int64_t)gen_note_text(sb->cfg.seed, d->gen, p, text, sizeof(text))};
	}
}

/* Bytes [first, first+len) of part `part`: generated, or the note's text. */
static void
part_bytes(const struct sandbox *sb, const struct world_dossier *d, size_t part,
	   uint64_t first, size_t len, unsigned char *out)
{
	const struct catalog_procedure *p = world_procedure(d);
	char text[GEN_NOTE_MAX];
	size_t n;

	if (part < p->n_parts) {
		gen_part_bytes(sb->cfg.seed, d->gen, p, part, first, len, out);
		return;
	}
	n = gen_note_text(sb->cfg.seed, d->gen, p, text, sizeof(text));
	memset(out, 0, len);
	if (first < n)
		memcpy(out, text + first, len < n - first ? len : n - first);
}

void
sandbox_serve_part(struct sandbox *sb, const struct sbx_request *req,
		   const struct world_dossier *d, size_t part, struct sbx_response *resp)
{
	struct sandbox_part info;
	sandbox_part_info(sb, d, part, &info);
	uint64_t total = (uint64_t)info.size;
	char etag[64], buf[96];
	snprintf(etag, sizeof(etag), "\"f-%08x-%llu\"", d->gen, (unsigned long long)total);
	uint64_t first = 0, last = total - 1;
	int r = sbx_parse_range(sbx_request_header(req, "Range"), total, &first, &last);
	const char *if_range = sbx_request_header(req, "If-Range");
	if (r != 0 && if_range != NULL && strcmp(if_range, etag) != 0)
		r = 0, first = 0, last = total - 1; /* changed file: whole body */
	if (r < 0) {
		sbx_response_text(resp, 416, "text/plain; charset=utf-8",
				  "requested range not satisfiable\n");
		snprintf(buf, sizeof(buf), "bytes */%llu", (unsigned long long)total);
		sbx_response_header(resp, "Content-Range", buf);
		return;
	}
	size_t len = (size_t)(last - first + 1);
	unsigned char *data = xmalloc(len ? len : 1);
	part_bytes(sb, d, part, first, len, data);
	sbx_response_bytes(resp, r == 1 ? 206 : 200, info.mime, data, len);
	free(data);
	sbx_response_header(resp, "Accept-Ranges", "bytes");
	sbx_response_header(resp, "ETag", etag);
	if (r == 1) {
		snprintf(buf, sizeof(buf), "bytes %llu-%llu/%llu", (unsigned long long)first,
			 (unsigned long long)last, (unsigned long long)total);
		sbx_response_header(resp, "Content-Range", buf);
	}
	snprintf(buf, sizeof(buf), "attachment; filename=\"%s.%s\"", info.name, info.ext);
	for (char *c = buf; *c != '\0'; c++)
		if (*c == ' ')
			*c = '_';
	sbx_response_header(resp, "Content-Disposition", buf);
}

/* ---- the router ---------------------------------------------------------- */

static void
log_request(struct sandbox *sb, const struct sbx_request *req, const struct sbx_response *resp)
{
	if (!sb->cfg.verbose)
		return;
	char when[CIVIL_ISO_LEN];
	fprintf(stderr, "motcua-sandbox: %s %s %s%s -> %d%s%s\n",
		civil_format_iso(req->now, when, sizeof(when)), req->method, sb->path_prefix, req->path,
		resp->status, resp->drop ? " (dropped)" : "", resp->hang_ms ? " (hanging)" : "");
}

/*
 * Every system sits behind a web server that gzips large JSON replies when
 * the client accepts it (congan asks for it on every reply in its dialect);
 * small ones stay plain, where compression would only add bytes.
 */
static void
compress_large_json(struct sbx_response *resp)
{
	const char *type = sbx_response_get_header(resp, "Content-Type");

	if (resp->body_len >= 1024 && type != NULL && strstr(type, "json") != NULL)
		resp->gzip = true;
}

/*
 * What a trainee's console on another machine of the classroom may ask of
 * the control API: read its exercise and its clock, ask for a hint, and
 * approve its own sign-in (what the sandbox's phone page does for anyone).
 * The rest (faults, the clock, dossiers, loading exercises) stays with the
 * trainer's machine.
 */
static bool
trainee_safe(const struct sbx_request *req)
{
	bool get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;

	return (get && strcmp(req->path, "/_control/exercise") == 0) ||
	       (get && strcmp(req->path, "/_control/clock") == 0) ||
	       (post && strcmp(req->path, "/_control/exercise/hint") == 0) ||
	       (post && strcmp(req->path, "/_control/approve") == 0);
}

void
sandbox_handle(void *ctx, struct sbx_request *req, struct sbx_response *resp)
{
	struct sandbox *sb = ctx;
	if (!atomic_load(&sb->ready)) {
		sbx_response_text(resp, 503, "text/plain; charset=utf-8", "starting\n");
		return;
	}
	sb->requests++;
	exercise_restore(sb, false);
	if (sb->elsewhere_pending && sb->exercise != NULL)
		exercise_elsewhere(sb);
	req->now = sandbox_now(sb);
	world_advance(sb->world, req->now);

	if (sandbox_path_after(req->path, "/_control") != NULL) {
		if (!req->loopback && !trainee_safe(req))
			sbx_response_text(resp, 403, "text/plain; charset=utf-8",
					  "control API: loopback only\n");
		else
			control_handle(sb, req, resp);
		goto out;
	}
	if (strncmp(req->path, "/oidc/", 6) == 0 || strncmp(req->path, "/.well-known/", 13) == 0) {
		if (faults_before(sb->faults, FAULT_IDP, req->now, sandbox_mono_ms(), resp))
			goto out;
		if (!idp_handle(sb->idp, req, resp))
			sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
		faults_after(sb->faults, FAULT_IDP, resp);
		goto out;
	}
	/* terminals' audit logs go to the coordination system: its faults apply */
	if (sandbox_path_after(req->path, "/audit") != NULL) {
		if (faults_before(sb->faults, SRC_DVCQG, req->now, sandbox_mono_ms(), resp))
			goto out;
		audit_sink_handle(sb, req, resp);
		faults_after(sb->faults, SRC_DVCQG, resp);
		goto out;
	}
	if (sandbox_path_after(req->path, "/csc") != NULL) {
		if (faults_before(sb->faults, FAULT_CSC, req->now, sandbox_mono_ms(), resp))
			goto out;
		if (sb->csc == NULL || !csc_handle(sb->csc, req, resp))
			sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
		faults_after(sb->faults, FAULT_CSC, resp);
		goto out;
	}
	if (sandbox_path_after(req->path, "/tsa") != NULL) {
		if (faults_before(sb->faults, FAULT_TSA, req->now, sandbox_mono_ms(), resp))
			goto out;
		if (sb->tsa == NULL || !tsa_handle(sb->tsa, req, resp))
			sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
		faults_after(sb->faults, FAULT_TSA, resp);
		goto out;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (sandbox_path_after(req->path, routes[i].prefix) == NULL)
			continue;
		if (faults_before(sb->faults, routes[i].target, req->now, sandbox_mono_ms(), resp))
			goto out;
		routes[i].fn(sb, req, resp);
		compress_large_json(resp);
		faults_after(sb->faults, routes[i].target, resp);
		goto out;
	}
	if (strcmp(req->path, "/") == 0) {
		json_t *j = json_pack("{s:s,s:s,s:s}", "name", "motcua-sandbox", "issuer",
				      sb->base_url, "discovery", "/.well-known/openid-configuration");
		sbx_response_json(resp, 200, j);
		goto out;
	}
	sbx_response_text(resp, 404, "text/plain; charset=utf-8", "not found\n");
out:
	log_request(sb, req, resp);
}
