/*
 * auth.c - device-grant sign-in, rotating refresh tokens, per-system tokens
 * by token exchange (see auth.h; the protocol notes are in doc/auth.md).
 *
 * Every public operation is an `op`: a small record that moves through
 * continuation steps as replies arrive from the net (discover -> device code
 * -> poll ... -> store -> userinfo; or refresh -> exchange).  The refresh is
 * single-flight: while one is in flight, other ops queue on it and continue
 * with its result, and a lock file keeps other motcua processes out of the
 * same window.  The refresh token is re-read from the keyring before each
 * refresh and the new one is stored before the new access token is used.
 *
 * It never prints or logs; it never touches the store or the offline queue.
 */
#include "auth/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "core/unittest.h"
#include "core/xalloc.h"

#define GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
#define GRANT_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
#define TOKEN_TYPE_ACCESS "urn:ietf:params:oauth:token-type:access_token"
#define NET_SOURCE "auth"

#define DEFAULT_INTERVAL 5      /* RFC 8628 §3.2 */
#define SLOW_DOWN_STEP 5        /* RFC 8628 §3.5 */
#define MAX_POLL_DELAY 60       /* s, backing off on timeouts and 5xx */
#define DEFAULT_EXPIRES_IN 300  /* when a token response omits it */
#define LOCK_WAIT_MS 30000

struct sys {
	char *name, *audience, *base_url, *title;
	char *token;
	mc_time expires_at, issued_at;
};

enum op_kind { OP_DISCOVER, OP_SIGN_IN, OP_RESUME, OP_TOKEN, OP_SIGN_OUT };

struct op;
typedef void step_fn(struct op *op, enum auth_status status, const char *detail);

struct reply {
	enum net_result result;
	long status;
	const char *reason;   /* net reason or HTTP status text */
	json_t *json;         /* parsed body or NULL (borrowed) */
	const char *error;    /* OAuth "error" or NULL */
};
typedef void reply_fn(struct op *op, const struct reply *r);

struct op {
	struct auth *a;
	enum op_kind kind;
	auth_done_fn *done;
	auth_token_fn *token_done;
	auth_prompt_fn *prompt;
	void *arg;
	char *system;

	reply_fn *on_reply;
	struct net_request *req;  /* in flight (our reference) */
	step_fn *after;           /* continuation after discover/refresh */

	/* device sign-in */
	char *device_code;
	int interval;
	mc_time deadline;
	unsigned failures;

	/* refresh */
	char *sent_rt;
	bool rt_reread;
	/* token exchange */
	bool exchange_retried;
	/* sign-out */
	bool revoked;

	struct op *next_waiter;
	struct op *next, *prev;   /* all live ops */
};

struct auth {
	struct net *net;
	struct auth_keyring *keyring;   /* borrowed */
	struct auth_keyring *fallback;  /* ours, after the keyring failed to store */
	char *issuer, *client_id, *scope, *lock_path;
	mc_time (*now_fn)(void *);
	void *now_arg;

	bool discovered, can_exchange;
	char *device_ep, *token_ep, *userinfo_ep, *revoke_ep;

	struct sys *systems;
	size_t n_systems;

	char *access;            /* the provider's own access token */
	mc_time access_expires_at, access_issued_at;
	char *name, *subject, *account;

	bool refreshing;
	struct op *refresh_waiters;
	int lock_fd;

	struct op *ops;
	size_t n_ops;
	char detail[256];
};

/* ---- small helpers ---------------------------------------------------- */

static mc_time
now(const struct auth *a)
{
	return a->now_fn != NULL ? a->now_fn(a->now_arg) : (mc_time)time(NULL);
}

static char *
strip_slash(const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	return xstrndup(s, n);
}

static void
replace_secret(char **slot, const char *value)
{
	xfree_secret(*slot);
	*slot = xstrdup_or_null(value);
}

/* Fresh while more than a fifth of its life (at least 5 s, at most 2 min) is left. */
UNITTEST bool auth_fresh(mc_time expires_at, mc_time issued_at, mc_time t);
UNITTEST bool
auth_fresh(mc_time expires_at, mc_time issued_at, mc_time t)
{
	mc_time margin = (expires_at - issued_at) / 5;

	if (margin < 5)
		margin = 5;
	if (margin > 120)
		margin = 120;
	return t + margin < expires_at;
}

static struct auth_keyring *
keyring(struct auth *a)
{
	return a->fallback != NULL ? a->fallback : a->keyring;
}

static void
wipe_tokens(struct auth *a)
{
	replace_secret(&a->access, NULL);
	a->access_expires_at = a->access_issued_at = 0;
	for (size_t i = 0; i < a->n_systems; i++) {
		replace_secret(&a->systems[i].token, NULL);
		a->systems[i].expires_at = a->systems[i].issued_at = 0;
	}
}

static const char *
say(struct auth *a, const char *fmt, const char *s)
{
	snprintf(a->detail, sizeof a->detail, fmt, s != NULL ? s : "");
	return a->detail;
}

const char *
auth_status_message(enum auth_status status)
{
	static const char *const msgs[] = {
		[AUTH_OK] = "Đã đăng nhập (signed in).",
		[AUTH_NO_SESSION] = "Chưa đăng nhập: hãy chạy `motcua login` "
				    "(not signed in: run `motcua login`).",
		[AUTH_REVOKED] = "Phiên đăng nhập đã kết thúc hoặc bị thu hồi; hãy đăng nhập lại "
				 "bằng `motcua login` — các thao tác đang chờ gửi vẫn được giữ "
				 "(your sign-in has ended or was revoked; sign in again with "
				 "`motcua login` — queued actions are kept).",
		[AUTH_EXPIRED] = "Mã đăng nhập đã hết hạn trước khi được xác nhận "
				 "(the sign-in code expired before it was approved).",
		[AUTH_DENIED] = "Yêu cầu đăng nhập đã bị từ chối trên điện thoại "
				"(the sign-in was denied).",
		[AUTH_OFFLINE] = "Không kết nối được máy chủ đăng nhập; sẽ thử lại sau "
				 "(cannot reach the sign-in server; will try again later).",
		[AUTH_UNSUPPORTED] = "Máy chủ đăng nhập không hỗ trợ chức năng cần thiết "
				     "(the sign-in server lacks a needed feature).",
		[AUTH_UNKNOWN_SYSTEM] = "Máy chủ đăng nhập không cấp token cho hệ thống này "
					"(no token can be issued for this system).",
		[AUTH_PROTOCOL] = "Máy chủ đăng nhập trả lời không đúng giao thức "
				  "(the sign-in server gave an unexpected answer).",
		[AUTH_KEYRING] = "Không dùng được kho khóa (Secret Service) "
				 "(the keyring failed).",
		[AUTH_CANCELLED] = "Đã hủy (cancelled).",
	};
	if ((unsigned)status >= sizeof msgs / sizeof msgs[0] || msgs[status] == NULL)
		return "?";
	return msgs[status];
}

/* ---- jansson wipe-on-free --------------------------------------------- */

static void
wiping_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

void
auth_json_wipe_on_free(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}

/* ---- lifecycle -------------------------------------------------------- */

struct auth *
auth_new(struct net *net, struct auth_keyring *kr, const struct auth_options *opt)
{
	struct auth *a = xcalloc(1, sizeof *a);

	a->net = net;
	a->keyring = kr;
	a->issuer = strip_slash(opt->issuer);
	a->client_id = xstrdup(opt->client_id != NULL ? opt->client_id : "motcua");
	a->scope = xstrdup(opt->scope != NULL ? opt->scope : "openid profile offline_access");
	a->lock_path = xstrdup_or_null(opt->lock_path);
	a->now_fn = opt->now;
	a->now_arg = opt->now_arg;
	a->lock_fd = -1;
	return a;
}

static void
sys_release(struct sys *s)
{
	free(s->name);
	free(s->audience);
	free(s->base_url);
	free(s->title);
	xfree_secret(s->token);
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	wipe_tokens(a);
	for (size_t i = 0; i < a->n_systems; i++)
		sys_release(&a->systems[i]);
	free(a->systems);
	auth_keyring_free(a->fallback);
	if (a->lock_fd >= 0)
		close(a->lock_fd);
	free(a->issuer);
	free(a->client_id);
	free(a->scope);
	free(a->lock_path);
	free(a->device_ep);
	free(a->token_ep);
	free(a->userinfo_ep);
	free(a->revoke_ep);
	free(a->name);
	free(a->subject);
	free(a->account);
	free(a);
}

bool
auth_busy(const struct auth *a)
{
	return a->n_ops > 0;
}

/* ---- ops -------------------------------------------------------------- */

static struct op *
op_new(struct auth *a, enum op_kind kind, void *arg)
{
	struct op *op = xcalloc(1, sizeof *op);

	op->a = a;
	op->kind = kind;
	op->arg = arg;
	op->next = a->ops;
	if (a->ops != NULL)
		a->ops->prev = op;
	a->ops = op;
	a->n_ops++;
	return op;
}

static void
op_free(struct op *op)
{
	struct auth *a = op->a;

	if (op->prev != NULL)
		op->prev->next = op->next;
	else
		a->ops = op->next;
	if (op->next != NULL)
		op->next->prev = op->prev;
	a->n_ops--;
	free(op->system);
	xfree_secret(op->device_code);
	xfree_secret(op->sent_rt);
	free(op);
}

/* Report and end an op. */
static void
finish(struct op *op, enum auth_status st, const char *token, const char *detail)
{
	struct auth *a = op->a;

	if (op->token_done != NULL)
		op->token_done(a, st, st == AUTH_OK ? token : NULL, detail, op->arg);
	else if (op->done != NULL)
		op->done(a, st, detail, op->arg);
	op_free(op);
}

static void
finish_step(struct op *op, enum auth_status st, const char *detail)
{
	finish(op, st, NULL, detail);
}

/* ---- HTTP ------------------------------------------------------------- */

static void
net_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct op *op = arg;
	struct reply r = {0};
	json_error_t jerr;

	(void)req;
	if (op->req != NULL) {
		net_request_unref(op->req);
		op->req = NULL;
	}
	r.result = resp->result;
	r.status = resp->status;
	r.reason = resp->result != NET_OK ? resp->error : "";
	if (resp->result == NET_OK && resp->body_len > 0 && resp->body[0] == '{')
		r.json = json_loadb(resp->body, resp->body_len, 0, &jerr);
	if (json_is_object(r.json))
		r.error = json_string_value(json_object_get(r.json, "error"));
	op->on_reply(op, &r);
	json_decref(r.json);
}

static const struct net_retry_policy retry_idempotent = {
	.max_attempts = 3, .base_ms = 1000, .cap_ms = 8000, .max_retry_after_ms = 30000,
	.idempotent = true,
};

/*
 * Submit a request for `op`.  form: name/value pairs, NULL-terminated (NULL
 * form: no body).  retry NULL: one attempt.
 */
static void
send(struct op *op, const char *method, const char *url, const char *kind, const char *bearer,
     const char *const *form, uint64_t delay_ms, const struct net_retry_policy *retry,
     reply_fn *fn)
{
	struct auth *a = op->a;
	struct net_request *req = net_request_new(a->net, method, url);

	net_request_source(req, NET_SOURCE);
	net_request_kind(req, kind);
	net_request_header(req, "Accept", "application/json");
	if (bearer != NULL) {
		size_t n = strlen(bearer) + 8;
		char *h = xmalloc(n);
		snprintf(h, n, "Bearer %s", bearer);
		net_request_header(req, "Authorization", h);
		xfree_secret(h);
	}
	for (size_t i = 0; form != NULL && form[i] != NULL; i += 2)
		if (form[i + 1] != NULL)
			net_request_form_add(req, form[i], form[i + 1]);
	if (delay_ms > 0)
		net_request_delay_ms(req, delay_ms);
	if (retry != NULL)
		net_request_retry(req, retry);
	net_request_max_body(req, 1024 * 1024);
	net_request_on_done(req, net_done, op);
	op->on_reply = fn;
	op->req = net_request_ref(req);
	net_submit(a->net, req);
}

/* A failure that says nothing about the grant: the network or a busy server. */
static bool
transient(const struct reply *r)
{
	return r->result != NET_OK || r->status >= 500 || r->status == 429 || r->status == 408;
}

static const char *
reply_reason(struct auth *a, const struct reply *r)
{
	char buf[64];

	if (r->result != NET_OK)
		return say(a, "%s", r->reason);
	if (r->error != NULL)
		return say(a, "%s", r->error);
	snprintf(buf, sizeof buf, "HTTP %ld", r->status);
	return say(a, "%s", buf);
}

/* ---- discovery -------------------------------------------------------- */

static bool
is_http_url(const char *s)
{
	return s != NULL && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

static void
set_endpoint(char **slot, json_t *doc, const char *key)
{
	const char *v = json_string_value(json_object_get(doc, key));

	free(*slot);
	*slot = is_http_url(v) ? xstrdup(v) : NULL;
}

static struct sys *
find_system(struct auth *a, const char *name)
{
	for (size_t i = 0; i < a->n_systems; i++)
		if (strcmp(a->systems[i].name, name) == 0)
			return &a->systems[i];
	return NULL;
}

static void
add_system(struct auth *a, const char *name, const char *audience, const char *base_url,
	   const char *title)
{
	struct sys *s = find_system(a, name);

	if (s == NULL) {
		a->systems = xreallocarray(a->systems, a->n_systems + 1, sizeof *a->systems);
		s = &a->systems[a->n_systems++];
		memset(s, 0, sizeof *s);
		s->name = xstrdup(name);
	}
	free(s->audience);
	s->audience = xstrdup(audience != NULL ? audience : name);
	if (base_url != NULL) {
		free(s->base_url);
		s->base_url = xstrdup(base_url);
	}
	if (title != NULL) {
		free(s->title);
		s->title = xstrdup(title);
	}
}

void
auth_add_system(struct auth *a, const char *name, const char *audience, const char *base_url)
{
	add_system(a, name, audience, base_url, NULL);
}

/*
 * Apply a discovery document.  Returns 0, or -1 with *why (static) when it is
 * not one for our issuer (OpenID Connect Discovery §4.3) or lacks a token
 * endpoint.
 */
UNITTEST int auth_apply_discovery(struct auth *a, json_t *doc, const char **why);
UNITTEST int
auth_apply_discovery(struct auth *a, json_t *doc, const char **why)
{
	const char *iss = json_string_value(json_object_get(doc, "issuer"));
	json_t *grants = json_object_get(doc, "grant_types_supported");
	json_t *systems = json_object_get(doc, "motcua_systems");
	char *stripped;
	bool same;
	size_t i;
	json_t *v;

	if (!json_is_object(doc)) {
		*why = "discovery document is not a JSON object";
		return -1;
	}
	if (iss == NULL) {
		*why = "discovery document has no issuer";
		return -1;
	}
	stripped = strip_slash(iss);
	same = strcmp(stripped, a->issuer) == 0;
	free(stripped);
	if (!same) {
		*why = "discovery document is for another issuer";
		return -1;
	}
	set_endpoint(&a->token_ep, doc, "token_endpoint");
	if (a->token_ep == NULL) {
		*why = "discovery document has no token_endpoint";
		return -1;
	}
	set_endpoint(&a->device_ep, doc, "device_authorization_endpoint");
	set_endpoint(&a->userinfo_ep, doc, "userinfo_endpoint");
	set_endpoint(&a->revoke_ep, doc, "revocation_endpoint");
	/* Absent grant_types_supported means "not said": try and see. */
	a->can_exchange = !json_is_array(grants);
	json_array_foreach(grants, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), GRANT_EXCHANGE) == 0)
			a->can_exchange = true;
	json_array_foreach(systems, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *aud = json_string_value(json_object_get(v, "audience"));
		const char *base = json_string_value(json_object_get(v, "base_url"));
		const char *title = json_string_value(json_object_get(v, "title"));
		if (name == NULL || name[0] == '\0' || strlen(name) > 64)
			continue;
		add_system(a, name, aud, is_http_url(base) ? base : NULL, title);
	}
	a->discovered = true;
	return 0;
}

static void
on_discovery(struct op *op, const struct reply *r)
{
	struct auth *a = op->a;
	const char *why = NULL;
	step_fn *after = op->after;

	if (r->result == NET_ERR_CANCELLED) {
		after(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (a->discovered) { /* another op got it meanwhile */
		after(op, AUTH_OK, NULL);
		return;
	}
	if (transient(r)) {
		after(op, AUTH_OFFLINE, reply_reason(a, r));
		return;
	}
	if (r->status != 200 || r->json == NULL) {
		after(op, AUTH_PROTOCOL, say(a, "discovery: %s", reply_reason(a, r)));
		return;
	}
	if (auth_apply_discovery(a, r->json, &why) != 0) {
		after(op, AUTH_PROTOCOL, why);
		return;
	}
	after(op, AUTH_OK, NULL);
}

static void
discover(struct op *op, step_fn *after)
{
	struct auth *a = op->a;
	size_t n = strlen(a->issuer) + sizeof "/.well-known/openid-configuration";
	char *url;

	if (a->discovered) {
		after(op, AUTH_OK, NULL);
		return;
	}
	url = xmalloc(n);
	snprintf(url, n, "%s/.well-known/openid-configuration", a->issuer);
	op->after = after;
	send(op, "GET", url, "discovery", NULL, NULL, 0, &retry_idempotent, on_discovery);
	free(url);
}

void
auth_discover(struct auth *a, auth_done_fn *done, void *arg)
{
	struct op *op = op_new(a, OP_DISCOVER, arg);

	op->done = done;
	discover(op, finish_step);
}

/* ---- tokens ----------------------------------------------------------- */

struct tokens {
	const char *access;   /* borrowed from the JSON */
	const char *refresh;  /* may be NULL: the provider did not rotate */
	const char *id_token; /* may be NULL */
	long expires_in;
};

/* Read a token response (RFC 6749 §5.1).  0, or -1 with *why. */
UNITTEST int auth_parse_tokens(json_t *j, struct tokens *t, const char **why);
UNITTEST int
auth_parse_tokens(json_t *j, struct tokens *t, const char **why)
{
	const char *type = json_string_value(json_object_get(j, "token_type"));
	json_t *exp = json_object_get(j, "expires_in");

	memset(t, 0, sizeof *t);
	t->access = json_string_value(json_object_get(j, "access_token"));
	t->refresh = json_string_value(json_object_get(j, "refresh_token"));
	t->id_token = json_string_value(json_object_get(j, "id_token"));
	if (t->access == NULL || t->access[0] == '\0') {
		*why = "token response without access_token";
		return -1;
	}
	if (type == NULL || strcasecmp(type, "Bearer") != 0) {
		*why = "token response is not a Bearer token";
		return -1;
	}
	if (t->refresh != NULL && t->refresh[0] == '\0')
		t->refresh = NULL;
	t->expires_in = DEFAULT_EXPIRES_IN;
	if (json_is_integer(exp) && json_integer_value(exp) > 0)
		t->expires_in = (long)json_integer_value(exp);
	else if (json_is_string(exp)) {
		char *end;
		long v = strtol(json_string_value(exp), &end, 10);
		if (*end == '\0' && end != json_string_value(exp) && v > 0)
			t->expires_in = v;
	}
	if (t->expires_in > 30L * 86400)
		t->expires_in = 30L * 86400;
	return 0;
}

/*
 * The subject of an id_token, read without checking its signature: it only
 * labels the keyring item (the `account` attribute), it grants nothing.
 * Returns a malloc'd string or NULL.
 */
UNITTEST char *auth_id_token_subject(const char *jwt);
UNITTEST char *
auth_id_token_subject(const char *jwt)
{
	const char *p = jwt != NULL ? strchr(jwt, '.') : NULL;
	const char *q = p != NULL ? strchr(p + 1, '.') : NULL;
	size_t n, o = 0;
	unsigned char *buf;
	uint32_t acc = 0;
	int bits = 0;
	json_t *claims;
	char *sub = NULL;

	if (q == NULL || q - p - 1 > 8192)
		return NULL;
	n = (size_t)(q - p - 1);
	buf = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = p[1 + i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-' || c == '+')
			v = 62;
		else if (c == '_' || c == '/')
			v = 63;
		else
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
	}
	claims = json_loadb((const char *)buf, o, 0, NULL);
	if (json_is_string(json_object_get(claims, "sub")))
		sub = xstrdup(json_string_value(json_object_get(claims, "sub")));
	json_decref(claims);
	free(buf);
	return sub;
}

static void
set_access(struct auth *a, const struct tokens *t)
{
	mc_time t0 = now(a);

	replace_secret(&a->access, t->access);
	a->access_issued_at = t0;
	a->access_expires_at = t0 + t->expires_in;
}

/*
 * Store a (new) refresh token before the tokens that came with it are used.
 * When the keyring will not take it, keep it in memory for this process and
 * remove the stored, now stale, one: a later process must not spend a
 * rotated token (the provider would revoke this very sign-in for it).
 */
static enum auth_status
persist_refresh(struct auth *a, const char *rt, const char **notice)
{
	const char *cause = NULL;

	*notice = NULL;
	if (auth_keyring_store(keyring(a), a->issuer, a->account, rt, &cause) == 0)
		return AUTH_OK;
	if (auth_keyring_store(keyring(a), a->issuer, a->account, rt, &cause) == 0)
		return AUTH_OK;
	(void)auth_keyring_clear(a->keyring, a->issuer, NULL);
	if (a->fallback == NULL)
		a->fallback = auth_keyring_memory();
	(void)auth_keyring_store(a->fallback, a->issuer, a->account, rt, NULL);
	*notice = "the keyring refused the token; kept in memory for this run only";
	return AUTH_OK;
}

/* ---- userinfo --------------------------------------------------------- */

static void
on_userinfo(struct op *op, const struct reply *r)
{
	struct auth *a = op->a;
	step_fn *after = op->after;

	if (r->result == NET_OK && r->status == 200 && json_is_object(r->json)) {
		const char *name = json_string_value(json_object_get(r->json, "HoVaTen"));
		const char *sub = json_string_value(json_object_get(r->json, "sub"));
		if (name == NULL)
			name = json_string_value(json_object_get(r->json, "name"));
		free(a->name);
		a->name = xstrdup_or_null(name);
		free(a->subject);
		a->subject = xstrdup_or_null(sub);
	}
	/* Not knowing the name is no reason to fail a sign-in. */
	after(op, r->result == NET_ERR_CANCELLED ? AUTH_CANCELLED : AUTH_OK, NULL);
}

static void
userinfo(struct op *op, step_fn *after)
{
	struct auth *a = op->a;

	if (a->userinfo_ep == NULL || a->access == NULL) {
		after(op, AUTH_OK, NULL);
		return;
	}
	op->after = after;
	send(op, "GET", a->userinfo_ep, "userinfo", a->access, NULL, 0, &retry_idempotent,
	     on_userinfo);
}

/* ---- refresh (single-flight) ------------------------------------------ */

static int
lock_take(struct auth *a)
{
	int waited = 0;

	if (a->lock_path == NULL)
		return 0;
	a->lock_fd = open(a->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (a->lock_fd < 0)
		return 0; /* no place for a lock file: go on, as a lone process would */
	while (flock(a->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		if (errno != EWOULDBLOCK || waited >= LOCK_WAIT_MS) {
			close(a->lock_fd);
			a->lock_fd = -1;
			return -1;
		}
		nanosleep(&ts, NULL);
		waited += 50;
	}
	return 0;
}

static void
lock_release(struct auth *a)
{
	if (a->lock_fd >= 0) {
		flock(a->lock_fd, LOCK_UN);
		close(a->lock_fd);
		a->lock_fd = -1;
	}
}

static void
refresh_finish(struct op *owner, enum auth_status st, const char *detail)
{
	struct auth *a = owner->a;
	struct op *waiters = a->refresh_waiters;
	char saved[sizeof a->detail];

	snprintf(saved, sizeof saved, "%s", detail != NULL ? detail : "");
	lock_release(a);
	a->refreshing = false;
	a->refresh_waiters = NULL;
	xfree_secret(owner->sent_rt);
	owner->sent_rt = NULL;
	owner->after(owner, st, detail);
	while (waiters != NULL) {
		struct op *w = waiters;
		waiters = w->next_waiter;
		w->after(w, st, saved[0] != '\0' ? saved : NULL);
	}
}

static void send_refresh(struct op *op);

static void
on_refresh(struct op *op, const struct reply *r)
{
	struct auth *a = op->a;
	struct tokens t;
	const char *why = NULL, *notice = NULL;
	char *stored = NULL;

	if (r->result == NET_ERR_CANCELLED) {
		refresh_finish(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (transient(r)) {
		/* The stored token is left as it was: the next attempt uses it again. */
		refresh_finish(op, AUTH_OFFLINE, reply_reason(a, r));
		return;
	}
	if (r->status == 200 && auth_parse_tokens(r->json, &t, &why) == 0) {
		/* Store first; only then let anything use the new access token. */
		persist_refresh(a, t.refresh != NULL ? t.refresh : op->sent_rt, &notice);
		set_access(a, &t);
		refresh_finish(op, AUTH_OK, notice);
		return;
	}
	if (r->error != NULL && strcmp(r->error, "invalid_grant") == 0) {
		/* Did another process rotate it meanwhile?  Then use theirs, once. */
		if (!op->rt_reread &&
		    auth_keyring_lookup(keyring(a), a->issuer, &stored, NULL, NULL) == 1 &&
		    strcmp(stored, op->sent_rt) != 0) {
			op->rt_reread = true;
			xfree_secret(op->sent_rt);
			op->sent_rt = stored;
			send_refresh(op);
			return;
		}
		if (stored == NULL || strcmp(stored, op->sent_rt) == 0) {
			(void)auth_keyring_clear(keyring(a), a->issuer, NULL);
			if (a->fallback != NULL)
				(void)auth_keyring_clear(a->keyring, a->issuer, NULL);
		}
		xfree_secret(stored);
		wipe_tokens(a);
		refresh_finish(op, AUTH_REVOKED, NULL);
		return;
	}
	refresh_finish(op, AUTH_PROTOCOL, why != NULL ? why : reply_reason(a, r));
}

static void
send_refresh(struct op *op)
{
	struct auth *a = op->a;
	const char *form[] = {"grant_type", "refresh_token", "refresh_token", op->sent_rt,
			      "client_id", a->client_id, NULL};

	/*
	 * Retried with the same token on timeouts and resets: if the first
	 * attempt never reached the provider this recovers the session; if it
	 * did, the old token is spent either way (doc/auth.md, "Lost refresh").
	 */
	send(op, "POST", a->token_ep, "refresh", NULL, form, 0, &retry_idempotent, on_refresh);
}

static void
refresh(struct op *op, step_fn *after)
{
	struct auth *a = op->a;
	const char *cause = NULL;
	char *account = NULL;
	int rc;

	op->after = after;
	if (a->refreshing) {
		op->next_waiter = a->refresh_waiters;
		a->refresh_waiters = op;
		return;
	}
	a->refreshing = true;
	if (lock_take(a) != 0) {
		refresh_finish(op, AUTH_OFFLINE, "another motcua process is refreshing the sign-in");
		return;
	}
	/* Re-read under the lock: another process may have rotated it. */
	rc = auth_keyring_lookup(keyring(a), a->issuer, &op->sent_rt, &account, &cause);
	if (rc < 0) {
		refresh_finish(op, AUTH_KEYRING, cause);
		return;
	}
	if (rc == 0) {
		refresh_finish(op, AUTH_NO_SESSION, NULL);
		return;
	}
	free(a->account);
	a->account = account;
	if (a->token_ep == NULL) {
		refresh_finish(op, AUTH_UNSUPPORTED, "no token endpoint");
		return;
	}
	send_refresh(op);
}

/* ---- resume ----------------------------------------------------------- */

static void
resume_refreshed(struct op *op, enum auth_status st, const char *detail)
{
	if (st != AUTH_OK) {
		finish_step(op, st, detail);
		return;
	}
	userinfo(op, finish_step);
}

static void
resume_discovered(struct op *op, enum auth_status st, const char *detail)
{
	if (st != AUTH_OK) {
		finish_step(op, st, detail);
		return;
	}
	refresh(op, resume_refreshed);
}

void
auth_resume(struct auth *a, auth_done_fn *done, void *arg)
{
	struct op *op = op_new(a, OP_RESUME, arg);

	op->done = done;
	discover(op, resume_discovered);
}

/* ---- device sign-in --------------------------------------------------- */

static void on_poll(struct op *op, const struct reply *r);

static void
schedule_poll(struct op *op, int delay_s)
{
	struct auth *a = op->a;
	const char *form[] = {"grant_type", GRANT_DEVICE, "device_code", op->device_code,
			      "client_id", a->client_id, NULL};

	if (now(a) >= op->deadline) {
		finish_step(op, AUTH_EXPIRED, NULL);
		return;
	}
	send(op, "POST", a->token_ep, "device-poll", NULL, form, (uint64_t)delay_s * 1000, NULL,
	     on_poll);
}

static void
signed_in(struct op *op, enum auth_status st, const char *detail)
{
	(void)detail;
	finish_step(op, st, op->a->detail[0] != '\0' ? op->a->detail : NULL);
}

static void
on_poll(struct op *op, const struct reply *r)
{
	struct auth *a = op->a;
	struct tokens t;
	const char *why = NULL, *notice = NULL;
	int delay;

	if (r->result == NET_ERR_CANCELLED) {
		finish_step(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (transient(r)) {
		/* Back off: double the wait per failure in a row, up to a minute. */
		op->failures++;
		delay = op->interval;
		for (unsigned i = 0; i < op->failures && delay < MAX_POLL_DELAY; i++)
			delay *= 2;
		schedule_poll(op, delay < MAX_POLL_DELAY ? delay : MAX_POLL_DELAY);
		return;
	}
	op->failures = 0;
	if (r->status == 200) {
		if (auth_parse_tokens(r->json, &t, &why) != 0) {
			finish_step(op, AUTH_PROTOCOL, why);
			return;
		}
		free(a->account);
		a->account = auth_id_token_subject(t.id_token);
		a->detail[0] = '\0';
		if (t.refresh != NULL) {
			persist_refresh(a, t.refresh, &notice);
			if (notice != NULL)
				say(a, "%s", notice);
		}
		set_access(a, &t);
		userinfo(op, signed_in);
		return;
	}
	if (r->error == NULL) {
		finish_step(op, AUTH_PROTOCOL, reply_reason(a, r));
	} else if (strcmp(r->error, "authorization_pending") == 0) {
		schedule_poll(op, op->interval);
	} else if (strcmp(r->error, "slow_down") == 0) {
		op->interval += SLOW_DOWN_STEP;
		schedule_poll(op, op->interval);
	} else if (strcmp(r->error, "expired_token") == 0) {
		finish_step(op, AUTH_EXPIRED, NULL);
	} else if (strcmp(r->error, "access_denied") == 0) {
		finish_step(op, AUTH_DENIED, NULL);
	} else {
		finish_step(op, AUTH_PROTOCOL, reply_reason(a, r));
	}
}

/*
 * Read a device authorization response (RFC 8628 section 3.2) into *p (its
 * strings are borrowed from j) and a copy of the device code (*device_code,
 * caller frees).  An interval or lifetime out of range takes the default.
 * 0, or -1 (and *device_code NULL) when the response is incomplete.
 */
UNITTEST int auth_parse_device(json_t *j, struct auth_device_prompt *p, char **device_code);
UNITTEST int
auth_parse_device(json_t *j, struct auth_device_prompt *p, char **device_code)
{
	const char *code = json_string_value(json_object_get(j, "device_code"));
	json_t *iv = json_object_get(j, "interval");
	json_t *ex = json_object_get(j, "expires_in");

	memset(p, 0, sizeof *p);
	*device_code = NULL;
	p->user_code = json_string_value(json_object_get(j, "user_code"));
	p->verification_uri = json_string_value(json_object_get(j, "verification_uri"));
	if (p->verification_uri == NULL) /* an older draft's name, still seen */
		p->verification_uri = json_string_value(json_object_get(j, "verification_url"));
	p->verification_uri_complete =
		json_string_value(json_object_get(j, "verification_uri_complete"));
	if (p->verification_uri_complete != NULL && !is_http_url(p->verification_uri_complete))
		p->verification_uri_complete = NULL;
	if (code == NULL || p->user_code == NULL || !is_http_url(p->verification_uri))
		return -1;
	*device_code = xstrdup(code);
	p->interval = json_is_integer(iv) && json_integer_value(iv) > 0 &&
				      json_integer_value(iv) <= 3600
			      ? (int)json_integer_value(iv)
			      : DEFAULT_INTERVAL;
	p->expires_in = json_is_integer(ex) && json_integer_value(ex) > 0 &&
					json_integer_value(ex) <= 86400
				? (int)json_integer_value(ex)
				: 600;
	return 0;
}

static void
on_device_code(struct op *op, const struct reply *r)
{
	struct auth *a = op->a;
	struct auth_device_prompt p;

	if (r->result == NET_ERR_CANCELLED) {
		finish_step(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (transient(r)) {
		finish_step(op, AUTH_OFFLINE, reply_reason(a, r));
		return;
	}
	if (r->status != 200 || !json_is_object(r->json)) {
		finish_step(op, AUTH_PROTOCOL, say(a, "device authorization: %s",
						   reply_reason(a, r)));
		return;
	}
	xfree_secret(op->device_code);
	if (auth_parse_device(r->json, &p, &op->device_code) != 0) {
		finish_step(op, AUTH_PROTOCOL, "device authorization response is incomplete");
		return;
	}
	op->interval = p.interval;
	op->deadline = now(a) + p.expires_in;
	if (op->prompt != NULL)
		op->prompt(a, &p, op->arg);
	schedule_poll(op, op->interval);
}

static void
sign_in_discovered(struct op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	const char *form[] = {"client_id", a->client_id, "scope", a->scope, NULL};

	if (st != AUTH_OK) {
		finish_step(op, st, detail);
		return;
	}
	if (a->device_ep == NULL) {
		finish_step(op, AUTH_UNSUPPORTED, "no device_authorization_endpoint");
		return;
	}
	send(op, "POST", a->device_ep, "device", NULL, form, 0, NULL, on_device_code);
}

void
auth_sign_in(struct auth *a, auth_prompt_fn *prompt, auth_done_fn *done, void *arg)
{
	struct op *op = op_new(a, OP_SIGN_IN, arg);

	op->prompt = prompt;
	op->done = done;
	discover(op, sign_in_discovered);
}

/* ---- per-system tokens ------------------------------------------------ */

static void exchange(struct op *op, enum auth_status st, const char *detail);

static void
on_exchange(struct op *op, const struct reply *r)
{
	struct auth *a = op->a;
	struct sys *s = find_system(a, op->system);
	struct tokens t;
	const char *why = NULL;

	if (r->result == NET_ERR_CANCELLED) {
		finish_step(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (transient(r)) {
		finish_step(op, AUTH_OFFLINE, reply_reason(a, r));
		return;
	}
	if (r->status == 200 && auth_parse_tokens(r->json, &t, &why) == 0) {
		mc_time t0 = now(a);
		replace_secret(&s->token, t.access);
		s->issued_at = t0;
		s->expires_at = t0 + t.expires_in;
		finish(op, AUTH_OK, s->token, NULL);
		return;
	}
	if (r->error != NULL && strcmp(r->error, "invalid_target") == 0) {
		finish_step(op, AUTH_UNKNOWN_SYSTEM, op->system);
		return;
	}
	if (r->error != NULL && strcmp(r->error, "unsupported_grant_type") == 0) {
		finish_step(op, AUTH_UNSUPPORTED, "token exchange");
		return;
	}
	/* The subject token was refused (e.g. the provider's clock ran ahead):
	 * refresh the sign-in once and try again. */
	if (!op->exchange_retried && r->error != NULL &&
	    (strcmp(r->error, "invalid_request") == 0 || strcmp(r->error, "invalid_grant") == 0 ||
	     strcmp(r->error, "invalid_token") == 0)) {
		op->exchange_retried = true;
		replace_secret(&a->access, NULL);
		refresh(op, exchange);
		return;
	}
	finish_step(op, AUTH_PROTOCOL, why != NULL ? why : reply_reason(a, r));
}

static void
exchange(struct op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	struct sys *s = find_system(a, op->system);
	const char *form[] = {"grant_type", GRANT_EXCHANGE, "subject_token", a->access,
			      "subject_token_type", TOKEN_TYPE_ACCESS, "requested_token_type",
			      TOKEN_TYPE_ACCESS, "audience", s != NULL ? s->audience : NULL,
			      "client_id", a->client_id, NULL};

	if (st != AUTH_OK) {
		finish_step(op, st, detail);
		return;
	}
	if (a->access == NULL) {
		finish_step(op, AUTH_NO_SESSION, NULL);
		return;
	}
	send(op, "POST", a->token_ep, "exchange", NULL, form, 0, &retry_idempotent, on_exchange);
}

static void
token_discovered(struct op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	struct sys *s;

	if (st != AUTH_OK) {
		finish_step(op, st, detail);
		return;
	}
	s = find_system(a, op->system);
	if (s == NULL) {
		finish_step(op, AUTH_UNKNOWN_SYSTEM, op->system);
		return;
	}
	if (!a->can_exchange) {
		finish_step(op, AUTH_UNSUPPORTED, "the provider does not offer token exchange");
		return;
	}
	if (a->access != NULL && auth_fresh(a->access_expires_at, a->access_issued_at, now(a)))
		exchange(op, AUTH_OK, NULL);
	else
		refresh(op, exchange);
}

void
auth_system_token(struct auth *a, const char *system, auth_token_fn *done, void *arg)
{
	struct op *op = op_new(a, OP_TOKEN, arg);
	struct sys *s = find_system(a, system);

	op->token_done = done;
	op->system = xstrdup(system);
	if (s != NULL && s->token != NULL && a->access_expires_at != 0 &&
	    auth_fresh(s->expires_at, s->issued_at, now(a))) {
		finish(op, AUTH_OK, s->token, NULL);
		return;
	}
	discover(op, token_discovered);
}

void
auth_invalidate(struct auth *a, const char *system)
{
	struct sys *s = find_system(a, system);

	if (s != NULL) {
		replace_secret(&s->token, NULL);
		s->expires_at = s->issued_at = 0;
	}
}

/* ---- sign-out --------------------------------------------------------- */

static void
signed_out(struct op *op)
{
	struct auth *a = op->a;
	const char *cause = NULL;
	bool had;
	char *rt = NULL;

	had = auth_keyring_lookup(keyring(a), a->issuer, &rt, NULL, NULL) == 1;
	xfree_secret(rt);
	if (auth_keyring_clear(a->keyring, a->issuer, &cause) != 0) {
		wipe_tokens(a);
		finish_step(op, AUTH_KEYRING, cause);
		return;
	}
	if (a->fallback != NULL)
		(void)auth_keyring_clear(a->fallback, a->issuer, NULL);
	wipe_tokens(a);
	free(a->name);
	a->name = NULL;
	if (op->revoked || !had)
		finish_step(op, AUTH_OK, op->revoked ? "revoked" : "nothing stored");
	else
		finish_step(op, AUTH_OFFLINE, a->detail[0] != '\0' ? a->detail : NULL);
}

static void
on_revoke(struct op *op, const struct reply *r)
{
	op->revoked = r->result == NET_OK && r->status == 200;
	if (!op->revoked)
		say(op->a, "not revoked at the provider (%s); removed here", reply_reason(op->a, r));
	signed_out(op);
}

static void
sign_out_discovered(struct op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	char *rt = NULL;

	a->detail[0] = '\0';
	if (st != AUTH_OK || a->revoke_ep == NULL ||
	    auth_keyring_lookup(keyring(a), a->issuer, &rt, NULL, NULL) != 1) {
		if (st != AUTH_OK)
			say(a, "not revoked at the provider (%s); removed here", detail);
		else if (a->revoke_ep == NULL)
			say(a, "%s", "the provider has no revocation endpoint; removed here");
		signed_out(op);
		return;
	}
	{
		const char *form[] = {"token", rt, "token_type_hint", "refresh_token", "client_id",
				      a->client_id, NULL};
		send(op, "POST", a->revoke_ep, "revoke", NULL, form, 0, &retry_idempotent,
		     on_revoke);
	}
	xfree_secret(rt);
}

void
auth_sign_out(struct auth *a, auth_done_fn *done, void *arg)
{
	struct op *op = op_new(a, OP_SIGN_OUT, arg);

	op->done = done;
	discover(op, sign_out_discovered);
}

/* ---- cancel, state ---------------------------------------------------- */

void
auth_cancel(struct auth *a)
{
	for (struct op *op = a->ops; op != NULL; op = op->next)
		if (op->req != NULL)
			net_cancel(op->req);
}

void
auth_get_info(const struct auth *a, struct auth_info *info)
{
	memset(info, 0, sizeof *info);
	info->signed_in = a->access != NULL;
	info->persistent = a->fallback == NULL && auth_keyring_persistent(a->keyring);
	info->issuer = a->issuer;
	info->name = a->name;
	info->subject = a->subject;
	info->access_expires_at = a->access_expires_at;
	info->can_exchange = a->can_exchange;
	info->n_systems = a->n_systems;
}

int
auth_get_system(const struct auth *a, size_t i, struct auth_system_info *info)
{
	const struct sys *s;

	if (i >= a->n_systems)
		return -1;
	s = &a->systems[i];
	info->name = s->name;
	info->audience = s->audience;
	info->base_url = s->base_url;
	info->title = s->title;
	info->token_expires_at = s->token != NULL ? s->expires_at : 0;
	return 0;
}
