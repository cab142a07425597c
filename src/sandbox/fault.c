/*
 * fault.c - per-target fault rules and their deterministic application (see
 * fault.h).  Every request to a target draws from the stream (seed, target,
 * request number), one value per kind of fault, so changing one probability
 * does not reshuffle the others.
 */
#include "sandbox/fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/rng.h"

enum draw { DRAW_ERROR, DRAW_DROP, DRAW_CUT, DRAW_MALFORMED, DRAW_LATENCY, DRAW_WHERE,
	    DRAW_KIND };

struct rule {
	unsigned latency_min, latency_max; /* ms */
	unsigned long bandwidth;
	double error, drop, cut, malformed;
	unsigned ratelimit;
	int maint_from, maint_to;          /* minutes of the day; -1 none */
	long flap_period, flap_down;       /* s */
	bool offline_hang;
	bool endless;                      /* lists claim 10^15 pages, going round */
};

struct target_state {
	struct rule rule;
	bool offline;
	mc_time maint_until;               /* unplanned window; 0 none */
	uint64_t requests;
	uint64_t window_ms;                /* rate-limit window start */
	unsigned window_count;
	uint64_t injected[8];              /* per kind, for stats */
};

enum injected_kind { INJ_ERROR, INJ_DROP, INJ_CUT, INJ_MALFORMED, INJ_RATELIMIT, INJ_MAINT,
		     INJ_OFFLINE };

struct faults {
	uint64_t seed;
	struct target_state t[FAULT_TARGETS];
};

#define TARGET_NAME(name, title) #name,
static const char *const target_names[FAULT_TARGETS] = {
	CATALOG_SOURCES(TARGET_NAME) "payment", "idp", "csc", "tsa",
};

static const char *const injected_names[] = {"error", "drop", "cut", "malformed",
					     "ratelimit", "maintenance", "offline"};

int
faults_target_from_name(const char *name)
{
	for (int i = 0; i < FAULT_TARGETS; i++)
		if (name != NULL && strcmp(name, target_names[i]) == 0)
			return i;
	return -1;
}

const char *
faults_target_name(int target)
{
	return target >= 0 && target < FAULT_TARGETS ? target_names[target] : "?";
}

static void
rule_clear(struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->maint_from = r->maint_to = -1;
}

struct faults *
faults_new(uint64_t seed)
{
	struct faults *f = xcalloc(1, sizeof(*f));
	f->seed = seed;
	for (int i = 0; i < FAULT_TARGETS; i++)
		rule_clear(&f->t[i].rule);
	f->t[SRC_NNMT].rule.latency_min = 300;
	f->t[SRC_NNMT].rule.latency_max = 800;
	f->t[SRC_NNMT].rule.maint_from = 23 * 60;
	f->t[SRC_NNMT].rule.maint_to = 23 * 60 + 30;
	f->t[SRC_CONGAN].rule.ratelimit = 20;
	return f;
}

void
faults_free(struct faults *f)
{
	free(f);
}

/* ---- parsing ------------------------------------------------------------- */

static int
parse_ulong(const char *s, unsigned long *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	unsigned long v = strtoul(s, &end, 10);
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_prob(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0.0 && v <= 1.0))
		return -1;
	*out = v;
	return 0;
}

static int
parse_hhmm(const char *s, size_t len, int *minutes)
{
	if (len != 5 || s[2] != ':')
		return -1;
	for (size_t i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

/* Apply one key=value to r; 0 or -1. */
static int
apply_kv(struct rule *r, const char *key, const char *val)
{
	unsigned long a, b;
	if (strcmp(key, "clear") == 0 && val == NULL) {
		rule_clear(r);
		return 0;
	}
	if (val == NULL)
		return -1;
	if (strcmp(key, "latency") == 0) {
		const char *dash = strchr(val, '-');
		if (dash == NULL) {
			if (parse_ulong(val, &a) != 0 || a > 600000)
				return -1;
			r->latency_min = r->latency_max = (unsigned)a;
			return 0;
		}
		char *lo = xstrndup(val, (size_t)(dash - val));
		int rc = parse_ulong(lo, &a) == 0 && parse_ulong(dash + 1, &b) == 0 && a <= b &&
				 b <= 600000
			 ? 0
			 : -1;
		free(lo);
		if (rc == 0) {
			r->latency_min = (unsigned)a;
			r->latency_max = (unsigned)b;
		}
		return rc;
	}
	if (strcmp(key, "bandwidth") == 0)
		return parse_ulong(val, &r->bandwidth);
	if (strcmp(key, "error") == 0)
		return parse_prob(val, &r->error);
	if (strcmp(key, "drop") == 0)
		return parse_prob(val, &r->drop);
	if (strcmp(key, "cut") == 0)
		return parse_prob(val, &r->cut);
	if (strcmp(key, "malformed") == 0)
		return parse_prob(val, &r->malformed);
	if (strcmp(key, "ratelimit") == 0) {
		if (parse_ulong(val, &a) != 0 || a > 1000000)
			return -1;
		r->ratelimit = (unsigned)a;
		return 0;
	}
	if (strcmp(key, "maint") == 0) {
		if (strcmp(val, "off") == 0) {
			r->maint_from = r->maint_to = -1;
			return 0;
		}
		const char *dash = strchr(val, '-');
		int from, to;
		if (dash == NULL || parse_hhmm(val, (size_t)(dash - val), &from) != 0 ||
		    parse_hhmm(dash + 1, strlen(dash + 1), &to) != 0 || from == to)
			return -1;
		r->maint_from = from;
		r->maint_to = to;
		return 0;
	}
	if (strcmp(key, "flap") == 0) {
		const char *slash = strchr(val, '/');
		if (slash == NULL)
			return -1;
		char *p = xstrndup(val, (size_t)(slash - val));
		int rc = parse_ulong(p, &a) == 0 && parse_ulong(slash + 1, &b) == 0 && b <= a
			 ? 0
			 : -1;
		free(p);
		if (rc == 0) {
			r->flap_period = (long)a;
			r->flap_down = (long)b;
		}
		return rc;
	}
	if (strcmp(key, "endless") == 0) {
		if (strcmp(val, "1") != 0 && strcmp(val, "0") != 0)
			return -1;
		r->endless = val[0] == '1';
		return 0;
	}
	if (strcmp(key, "offline") == 0) {
		if (strcmp(val, "hang") == 0)
			r->offline_hang = true;
		else if (strcmp(val, "refuse") == 0)
			r->offline_hang = false;
		else
			return -1;
		return 0;
	}
	return -1;
}

/* Split s in place at the first `sep`: returns what follows it, or NULL. */
static char *
cut_at(char *s, char sep)
{
	char *p = strchr(s, sep);
	if (p == NULL)
		return NULL;
	*p = '\0';
	return p + 1;
}

int
faults_apply(struct faults *f, const char *spec, char *err, size_t err_size)
{
	struct rule next[FAULT_TARGETS];
	for (int i = 0; i < FAULT_TARGETS; i++)
		next[i] = f->t[i].rule;
	char *copy = xstrdup(spec != NULL ? spec : "");
	int rc = -1;
	char *next_item = copy;
	while (next_item != NULL) {
		char *item = next_item;
		next_item = cut_at(item, ';');
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		char *colon = strchr(item, ':');
		if (colon == NULL) {
			snprintf(err, err_size, "fault item '%s' has no 'target:'", item);
			goto out;
		}
		*colon = '\0';
		int target = strcmp(item, "*") == 0 ? -2 : faults_target_from_name(item);
		if (target == -1) {
			snprintf(err, err_size, "unknown fault target '%s'", item);
			goto out;
		}
		char *next_kv = colon + 1;
		while (next_kv != NULL) {
			char *kv = next_kv;
			next_kv = cut_at(kv, ',');
			if (*kv == '\0')
				continue;
			char *eq = strchr(kv, '=');
			if (eq != NULL)
				*eq = '\0';
			const char *val = eq != NULL ? eq + 1 : NULL;
			for (int t = 0; t < FAULT_TARGETS; t++) {
				if (target != -2 && t != target)
					continue;
				if (target == -2 && t >= SRC_COUNT)
					continue; /* '*' means the five systems */
				if (apply_kv(&next[t], kv, val) != 0) {
					snprintf(err, err_size, "bad fault setting '%s%s%s' for %s", kv,
						 val ? "=" : "", val ? val : "", target_names[t]);
					goto out;
				}
			}
		}
	}
	for (int i = 0; i < FAULT_TARGETS; i++)
		f->t[i].rule = next[i];
	rc = 0;
out:
	free(copy);
	return rc;
}

void
faults_set_offline(struct faults *f, int target, bool on)
{
	if (target >= 0 && target < FAULT_TARGETS)
		f->t[target].offline = on;
}

void
faults_maintenance(struct faults *f, int target, mc_time now, long seconds)
{
	if (target >= 0 && target < FAULT_TARGETS)
		f->t[target].maint_until = seconds > 0 ? now + seconds : 0;
}

/* ---- decisions ----------------------------------------------------------- */

static bool
flapping_down(const struct rule *r, int target, mc_time now)
{
	if (r->flap_period <= 0 || r->flap_down <= 0)
		return false;
	/* Stagger targets so they do not all drop at once. */
	long phase = (long)((now + target * 137) % r->flap_period);
	return phase < r->flap_down;
}

bool
faults_endless(const struct faults *f, int target)
{
	return target >= 0 && target < FAULT_TARGETS && f->t[target].rule.endless;
}

bool
faults_offline(const struct faults *f, int target, mc_time now)
{
	const struct target_state *t = &f->t[target];
	return t->offline || flapping_down(&t->rule, target, now);
}

/* Seconds until the current maintenance window ends, or 0 when none. */
static long
maintenance_left(const struct target_state *t, mc_time now)
{
	if (t->maint_until > now)
		return (long)(t->maint_until - now);
	const struct rule *r = &t->rule;
	if (r->maint_from < 0)
		return 0;
	int sod = civil_seconds_of_day(now);
	int from = r->maint_from * 60, to = r->maint_to * 60;
	if (from < to)
		return sod >= from && sod < to ? to - sod : 0;
	/* The window crosses midnight. */
	if (sod >= from)
		return CIVIL_DAY - sod + to;
	return sod < to ? to - sod : 0;
}

static double
draw(const struct faults *f, int target, uint64_t n, enum draw k)
{
	return rng_hash_unit(f->seed ^ ((uint64_t)target << 56), n * 16 + (uint64_t)k);
}

static void
html_error(struct sbx_response *resp, int status, const char *title)
{
	char body[512];
	snprintf(body, sizeof(body),
		 "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d "
		 "%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
		 status, title, status, title);
	sbx_response_text(resp, status, "text/html", body);
}

bool
faults_before(struct faults *f, int target, mc_time now, uint64_t mono_ms,
	      struct sbx_response *resp)
{
	if (target < 0 || target >= FAULT_TARGETS)
		return false;
	struct target_state *t = &f->t[target];
	const struct rule *r = &t->rule;
	uint64_t n = ++t->requests;
	char buf[64];

	if (faults_offline(f, target, now)) {
		t->injected[INJ_OFFLINE]++;
		if (r->offline_hang)
			resp->hang_ms = 30000;
		else
			resp->drop = true;
		return true;
	}
	long left = maintenance_left(t, now);
	if (left > 0) {
		t->injected[INJ_MAINT]++;
		sbx_response_text(resp, 503, "text/html; charset=utf-8",
				  "<html><head><title>Bảo trì hệ thống</title></head><body>"
				  "<h1>Hệ thống đang bảo trì theo kế hoạch</h1>"
				  "<p>Vui lòng quay lại sau.</p></body></html>\n");
		snprintf(buf, sizeof(buf), "%ld", left);
		sbx_response_header(resp, "Retry-After", buf);
		return true;
	}
	if (r->ratelimit > 0) {
		if (mono_ms - t->window_ms >= 1000) {
			t->window_ms = mono_ms - mono_ms % 1000;
			t->window_count = 0;
		}
		if (++t->window_count > r->ratelimit) {
			t->injected[INJ_RATELIMIT]++;
			json_t *j = json_pack("{s:s,s:s,s:i}", "error", "too_many_requests",
					      "message", "Vượt quá số lượt truy cập cho phép",
					      "retry_after", 1);
			sbx_response_json(resp, 429, j);
			sbx_response_header(resp, "Retry-After", "1");
			return true;
		}
	}
	if (r->drop > 0 && draw(f, target, n, DRAW_DROP) < r->drop) {
		t->injected[INJ_DROP]++;
		resp->drop = true;
		return true;
	}
	if (r->error > 0 && draw(f, target, n, DRAW_ERROR) < r->error) {
		t->injected[INJ_ERROR]++;
		static const int codes[] = {500, 502, 503};
		static const char *const titles[] = {"Internal Server Error", "Bad Gateway",
						     "Service Temporarily Unavailable"};
		int k = (int)(draw(f, target, n, DRAW_KIND) * 3);
		html_error(resp, codes[k], titles[k]);
		return true;
	}
	return false;
}

void
faults_after(struct faults *f, int target, struct sbx_response *resp)
{
	if (target < 0 || target >= FAULT_TARGETS)
		return;
	struct target_state *t = &f->t[target];
	const struct rule *r = &t->rule;
	uint64_t n = t->requests;
	if (r->latency_max > 0) {
		double u = draw(f, target, n, DRAW_LATENCY);
		resp->delay_ms = r->latency_min +
				 (unsigned)(u * (double)(r->latency_max - r->latency_min + 1));
		if (resp->delay_ms > r->latency_max)
			resp->delay_ms = r->latency_max;
	}
	resp->bandwidth = r->bandwidth;
	if (resp->body_len > 1 && r->malformed > 0 &&
	    draw(f, target, n, DRAW_MALFORMED) < r->malformed) {
		const char *ct = sbx_response_get_header(resp, "Content-Type");
		if (ct != NULL && strstr(ct, "json") != NULL) {
			t->injected[INJ_MALFORMED]++;
			size_t keep = resp->body_len / 2;
			static const char tail[] = "\",,\x01<!-- upstream -->";
			resp->body = xrealloc(resp->body, keep + sizeof(tail));
			memcpy(resp->body + keep, tail, sizeof(tail));
			resp->body_len = keep + sizeof(tail) - 1;
			return;
		}
	}
	if (resp->body_len > 1 && r->cut > 0 && draw(f, target, n, DRAW_CUT) < r->cut) {
		t->injected[INJ_CUT]++;
		double u = 0.1 + 0.8 * draw(f, target, n, DRAW_WHERE);
		resp->cut_at = (long)((double)resp->body_len * u);
	}
}

json_t *
faults_to_json(const struct faults *f, mc_time now)
{
	json_t *out = json_object();
	for (int i = 0; i < FAULT_TARGETS; i++) {
		const struct target_state *t = &f->t[i];
		const struct rule *r = &t->rule;
		char maint[48] = "off";
		if (r->maint_from >= 0)
			snprintf(maint, sizeof(maint), "%02d:%02d-%02d:%02d", r->maint_from / 60,
				 r->maint_from % 60, r->maint_to / 60, r->maint_to % 60);
		json_t *inj = json_object();
		for (size_t k = 0; k < sizeof(injected_names) / sizeof(injected_names[0]); k++)
			json_object_set_new(inj, injected_names[k], json_integer((json_int_t)t->injected[k]));
		json_object_set_new(
			out, target_names[i],
			json_pack("{s:[i,i],s:I,s:f,s:f,s:f,s:f,s:i,s:s,s:[I,I],s:s,s:b,s:b,s:I,s:o}",
				  "latency_ms", r->latency_min, r->latency_max, "bandwidth",
				  (json_int_t)r->bandwidth, "error", r->error, "drop", r->drop, "cut",
				  r->cut, "malformed", r->malformed, "ratelimit", r->ratelimit,
				  "maint", maint, "flap", (json_int_t)r->flap_period,
				  (json_int_t)r->flap_down, "offline_mode",
				  r->offline_hang ? "hang" : "refuse", "offline", t->offline,
				  "down_now", faults_offline(f, i, now) || maintenance_left(t, now) > 0,
				  "requests", (json_int_t)t->requests, "injected", inj));
		json_object_set_new(json_object_get(out, target_names[i]), "endless",
				    json_boolean(r->endless));
	}
	return out;
}
