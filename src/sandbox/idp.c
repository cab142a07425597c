/*
 * idp.c - the sandbox's OpenID provider for officials (see idp.h).
 *
 * Everything lives in memory: pending device authorizations in a short list,
 * access and refresh tokens in one hash table keyed by the token string, and
 * a "family" per sign-in that every token issued from it points to (counted
 * references).  Revoking a family is one flag that every later check reads,
 * so reuse of a rotated refresh token kills every refresh and access token
 * descending from that sign-in at once.  All expiry uses req->now, the
 * sandbox clock, so POST /_control/clock can age tokens in tests; expired
 * entries are swept as the clock moves, which keeps memory bounded.
 *
 * Tokens, device codes and the HS256 id_token key come from OpenSSL's
 * RAND_bytes: they must be unguessable even by someone who knows --seed.
 * User codes are drawn from a PRNG seeded by --seed, so a scripted training
 * session shows the same codes every time.
 *
 * It does not speak HTTP (http.c does), does not sign with keys a real client
 * could verify against a JWKS (the id_token is HS256 with a per-process key),
 * and does not implement the authorization-code flow.
 */
#include "sandbox/idp.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/unittest.h"
#include "core/xalloc.h"

#define GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
#define GRANT_REFRESH "refresh_token"
#define GRANT_EXCHANGE "urn:ietf:params:oauth:grant-type:token-exchange"
#define TOKEN_TYPE_ACCESS "urn:ietf:params:oauth:token-type:access_token"

/* RFC 8628 §6.1: consonants only, no vowels (no words), no 0/O or 1/I. */
static const char user_code_alphabet[] = "BCDFGHJKLMNPQRSTVWXZ";
#define USER_CODE_LEN 8

#define MAX_DEVICES 4096      /* pending device authorizations */
#define MAX_TOKENS 200000     /* live access + refresh tokens */
#define SWEEP_EVERY 30        /* s of sandbox time between sweeps */
#define SLOW_DOWN_STEP 5      /* RFC 8628 §3.5 */
#define TOKEN_BYTES 32

/* The synthetic official who approves sign-ins (see doc/sandbox.md). */
struct idp_account {
	const char *sub;
	const char *tech_id;
	int loai_tai_khoan;
	const char *ho_va_ten;
	const char *so_dinh_danh;
	const char *ngay_sinh;
};

/*
 * SoDinhDanh: province code 999 does not exist, so the number is well formed
 * but cannot belong to anyone.
 */
static const struct idp_account sandbox_official = {
	.sub = "sbx-canbo-0001",
	.tech_id = "00000000-5ba0-4b00-8000-000000000001",
	.loai_tai_khoan = 3,
	.ho_va_ten = "Đặng Thị Thu Hà",
	.so_dinh_danh = "999000000001",
	.ngay_sinh = "1990-08-15",
};

enum device_state { DEV_PENDING, DEV_APPROVED, DEV_DENIED };

struct device {
	char *device_code;
	char user_code[USER_CODE_LEN + 1]; /* normalised: no dash */
	char *client_id;
	char *scope;
	mc_time expires_at;
	mc_time last_poll; /* -1 before the first poll */
	int interval;
	enum device_state state;
	struct device *next;
};

/* One sign-in: every token issued from it points here. */
struct family {
	unsigned refs;
	bool revoked;
	const struct idp_account *account;
	char *client_id;
	char *scope;
	mc_time auth_time;
};

enum tok_kind { TOK_ACCESS, TOK_REFRESH };

struct tok {
	char *value;
	enum tok_kind kind;
	struct family *fam;
	char *audience; /* access tokens: the issuer (userinfo) or a system name */
	mc_time expires_at;
	bool rotated;   /* refresh tokens already exchanged for a new one */
	struct tok *next;
};

struct idp_sys {
	char *name, *dialect, *title, *base_url;
};

struct idp {
	char *issuer;
	struct idp_sys *systems;
	size_t n_systems;
	int interval, device_ttl, access_ttl, refresh_ttl;
	uint64_t prng;
	unsigned char id_token_key[32];

	struct device *devices;
	size_t n_devices;

	struct tok **buckets;
	size_t n_buckets;
	size_t n_tokens;
	mc_time next_sweep;
};

/* ---- small helpers ---------------------------------------------------- */

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t
base64url(const unsigned char *in, size_t len, char *out, size_t out_size)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;
		if (n > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		for (size_t k = 0; k < n + 1; k++) {
			if (o + 1 >= out_size)
				goto out;
			out[o++] = tab[(v >> (18 - 6 * k)) & 63];
		}
	}
out:
	out[o] = '\0';
	return o;
}

static char *
b64url_str(const char *s)
{
	size_t len = strlen(s);
	size_t size = len / 3 * 4 + 6;
	char *out = xmalloc(size);
	base64url((const unsigned char *)s, len, out, size);
	return out;
}

/* "prefix" + 43 base64url characters of 32 random bytes. */
static char *
new_secret(const char *prefix)
{
	unsigned char raw[TOKEN_BYTES];
	char enc[64];
	size_t plen = strlen(prefix);
	char *out;

	if (RAND_bytes(raw, sizeof raw) != 1)
		abort(); /* no entropy: nothing sensible to hand out */
	base64url(raw, sizeof raw, enc, sizeof enc);
	explicit_bzero(raw, sizeof raw);
	out = xmalloc(plen + strlen(enc) + 1);
	memcpy(out, prefix, plen);
	memcpy(out + plen, enc, strlen(enc) + 1);
	explicit_bzero(enc, sizeof enc);
	return out;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * Normalise a user code as typed: keep letters of the alphabet (uppercased),
 * drop dashes and spaces.  Returns 0 when exactly USER_CODE_LEN remain.
 */
UNITTEST int idp_normalize_user_code(const char *in, char out[USER_CODE_LEN + 1]);
UNITTEST int
idp_normalize_user_code(const char *in, char out[USER_CODE_LEN + 1])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		int c = toupper((unsigned char)*in);
		if (c == '-' || c == ' ')
			continue;
		if (strchr(user_code_alphabet, c) == NULL)
			return -1;
		if (n == USER_CODE_LEN)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == USER_CODE_LEN ? 0 : -1;
}

/* Client ids: "motcua" or anything that looks registered ([A-Za-z0-9._-]{1,64}). */
static bool
client_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && strchr("._-", id[i]) == NULL)
			return false;
	return true;
}

/* ---- families and tokens ---------------------------------------------- */

static struct family *
family_new(const struct idp_account *acct, const char *client_id, const char *scope, mc_time now)
{
	struct family *f = xcalloc(1, sizeof *f);
	f->account = acct;
	f->client_id = xstrdup(client_id);
	f->scope = xstrdup(scope);
	f->auth_time = now;
	return f;
}

static void
family_unref(struct family *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	free(f->client_id);
	free(f->scope);
	free(f);
}

static void
tok_free(struct tok *t)
{
	family_unref(t->fam);
	xfree_secret(t->value);
	free(t->audience);
	free(t);
}

static void
tokmap_grow(struct idp *idp)
{
	size_t n = idp->n_buckets * 2;
	struct tok **b = xcalloc(n, sizeof *b);

	for (size_t i = 0; i < idp->n_buckets; i++) {
		struct tok *t = idp->buckets[i], *next;
		for (; t != NULL; t = next) {
			next = t->next;
			size_t k = hash_str(t->value) & (n - 1);
			t->next = b[k];
			b[k] = t;
		}
	}
	free(idp->buckets);
	idp->buckets = b;
	idp->n_buckets = n;
}

static struct tok *
tok_find(struct idp *idp, const char *value)
{
	struct tok *t = idp->buckets[hash_str(value) & (idp->n_buckets - 1)];
	for (; t != NULL; t = t->next)
		if (strcmp(t->value, value) == 0)
			return t;
	return NULL;
}

/* Issue a token of `fam`; the table takes a reference.  Borrowed result. */
static struct tok *
tok_issue(struct idp *idp, struct family *fam, enum tok_kind kind, const char *audience,
	  mc_time expires_at)
{
	struct tok *t = xcalloc(1, sizeof *t);
	size_t k;

	t->value = new_secret(kind == TOK_ACCESS ? "sbx-at-" : "sbx-rt-");
	t->kind = kind;
	t->fam = fam;
	fam->refs++;
	t->audience = xstrdup_or_null(audience);
	t->expires_at = expires_at;
	if (idp->n_tokens >= idp->n_buckets)
		tokmap_grow(idp);
	k = hash_str(t->value) & (idp->n_buckets - 1);
	t->next = idp->buckets[k];
	idp->buckets[k] = t;
	idp->n_tokens++;
	return t;
}

static void
device_free(struct device *d)
{
	xfree_secret(d->device_code);
	free(d->client_id);
	free(d->scope);
	free(d);
}

/*
 * Drop what can no longer matter: tokens past expiry (a rotated refresh token
 * stays until its own expiry so that its reuse is still recognised), device
 * codes one TTL after they expired (until then a poll still gets
 * expired_token rather than invalid_grant).
 */
static void
sweep(struct idp *idp, mc_time now, bool force)
{
	if (!force && now < idp->next_sweep)
		return;
	idp->next_sweep = now + SWEEP_EVERY;
	for (size_t i = 0; i < idp->n_buckets; i++) {
		struct tok **pp = &idp->buckets[i];
		while (*pp != NULL) {
			struct tok *t = *pp;
			if (t->expires_at <= now) {
				*pp = t->next;
				tok_free(t);
				idp->n_tokens--;
			} else {
				pp = &t->next;
			}
		}
	}
	for (struct device **pp = &idp->devices; *pp != NULL;) {
		struct device *d = *pp;
		if (d->expires_at + idp->device_ttl <= now) {
			*pp = d->next;
			device_free(d);
			idp->n_devices--;
		} else {
			pp = &d->next;
		}
	}
}

static struct device *
device_by_user_code(struct idp *idp, const char *typed)
{
	char norm[USER_CODE_LEN + 1];

	if (idp_normalize_user_code(typed, norm) != 0)
		return NULL;
	for (struct device *d = idp->devices; d != NULL; d = d->next)
		if (strcmp(d->user_code, norm) == 0)
			return d;
	return NULL;
}

static struct device *
device_by_code(struct idp *idp, const char *code)
{
	for (struct device *d = idp->devices; d != NULL; d = d->next)
		if (strcmp(d->device_code, code) == 0)
			return d;
	return NULL;
}

static void
device_remove(struct idp *idp, struct device *victim)
{
	for (struct device **pp = &idp->devices; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			device_free(victim);
			idp->n_devices--;
			return;
		}
	}
}

/* ---- lifecycle -------------------------------------------------------- */

static int
or_default(int v, int def)
{
	return v > 0 ? v : def;
}

struct idp *
idp_new(const struct idp_config *cfg)
{
	struct idp *idp = xcalloc(1, sizeof *idp);
	size_t len = strlen(cfg->issuer);

	while (len > 0 && cfg->issuer[len - 1] == '/')
		len--;
	idp->issuer = xstrndup(cfg->issuer, len);
	idp->n_systems = cfg->n_systems;
	idp->systems = xcalloc(cfg->n_systems, sizeof *idp->systems);
	for (size_t i = 0; i < cfg->n_systems; i++) {
		const struct idp_system *s = &cfg->systems[i];
		size_t n = strlen(idp->issuer) + strlen(s->path) + 1;
		idp->systems[i].name = xstrdup(s->name);
		idp->systems[i].dialect = xstrdup(s->dialect != NULL ? s->dialect : s->name);
		idp->systems[i].title = xstrdup(s->title != NULL ? s->title : s->name);
		idp->systems[i].base_url = xmalloc(n);
		snprintf(idp->systems[i].base_url, n, "%s%s", idp->issuer, s->path);
	}
	idp->interval = or_default(cfg->interval, 5);
	idp->device_ttl = or_default(cfg->device_code_ttl, 600);
	idp->access_ttl = or_default(cfg->access_token_ttl, 900);
	idp->refresh_ttl = or_default(cfg->refresh_token_ttl, 8 * 3600);
	idp->prng = cfg->seed ^ 0x6d6f74637561ULL; /* "motcua" */
	if (RAND_bytes(idp->id_token_key, sizeof idp->id_token_key) != 1)
		abort();
	idp->n_buckets = 256;
	idp->buckets = xcalloc(idp->n_buckets, sizeof *idp->buckets);
	idp->next_sweep = 0;
	return idp;
}

void
idp_free(struct idp *idp)
{
	if (idp == NULL)
		return;
	for (size_t i = 0; i < idp->n_buckets; i++) {
		struct tok *t = idp->buckets[i], *next;
		for (; t != NULL; t = next) {
			next = t->next;
			tok_free(t);
		}
	}
	free(idp->buckets);
	while (idp->devices != NULL) {
		struct device *d = idp->devices;
		idp->devices = d->next;
		device_free(d);
	}
	for (size_t i = 0; i < idp->n_systems; i++) {
		free(idp->systems[i].name);
		free(idp->systems[i].dialect);
		free(idp->systems[i].title);
		free(idp->systems[i].base_url);
	}
	free(idp->systems);
	free(idp->issuer);
	explicit_bzero(idp->id_token_key, sizeof idp->id_token_key);
	free(idp);
}

/* ---- responses -------------------------------------------------------- */

static void
no_store(struct sbx_response *resp)
{
	sbx_response_header(resp, "Cache-Control", "no-store");
	sbx_response_header(resp, "Pragma", "no-cache");
}

static void
oauth_error(struct sbx_response *resp, int status, const char *code, const char *desc)
{
	sbx_response_oauth_error(resp, status, code, desc); /* adds no-store */
}

static void
method_not_allowed(struct sbx_response *resp, const char *allow)
{
	sbx_response_oauth_error(resp, 405, "invalid_request", "method not allowed");
	sbx_response_header(resp, "Allow", allow);
}

static char *
url(const struct idp *idp, const char *path)
{
	size_t n = strlen(idp->issuer) + strlen(path) + 1;
	char *s = xmalloc(n);
	snprintf(s, n, "%s%s", idp->issuer, path);
	return s;
}

static void
set_url(json_t *obj, const struct idp *idp, const char *key, const char *path)
{
	char *s = url(idp, path);
	json_object_set_new(obj, key, json_string(s));
	free(s);
}

static void
handle_discovery(struct idp *idp, struct sbx_response *resp)
{
	json_t *doc = json_object();
	json_t *systems = json_array();

	json_object_set_new(doc, "issuer", json_string(idp->issuer));
	set_url(doc, idp, "device_authorization_endpoint", "/oidc/device_authorization");
	set_url(doc, idp, "token_endpoint", "/oidc/token");
	set_url(doc, idp, "userinfo_endpoint", "/oidc/userinfo");
	set_url(doc, idp, "revocation_endpoint", "/oidc/revoke");
	json_object_set_new(doc, "grant_types_supported",
			    json_pack("[sss]", GRANT_DEVICE, GRANT_REFRESH, GRANT_EXCHANGE));
	json_object_set_new(doc, "response_types_supported", json_pack("[]"));
	json_object_set_new(doc, "subject_types_supported", json_pack("[s]", "public"));
	json_object_set_new(doc, "id_token_signing_alg_values_supported", json_pack("[s]", "HS256"));
	json_object_set_new(doc, "token_endpoint_auth_methods_supported", json_pack("[s]", "none"));
	json_object_set_new(doc, "revocation_endpoint_auth_methods_supported",
			    json_pack("[s]", "none"));
	json_object_set_new(doc, "scopes_supported",
			    json_pack("[sss]", "openid", "profile", "offline_access"));
	json_object_set_new(doc, "claims_supported",
			    json_pack("[sssssss]", "sub", "name", "TechID", "LoaiTaiKhoan",
				      "HoVaTen", "SoDinhDanh", "NgayThangNamSinh"));
	for (size_t i = 0; i < idp->n_systems; i++) {
		const struct idp_sys *s = &idp->systems[i];
		json_array_append_new(systems,
				      json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", s->name,
						"dialect", s->dialect, "title", s->title,
						"base_url", s->base_url, "audience", s->name));
	}
	json_object_set_new(doc, "motcua_systems", systems);
	sbx_response_json(resp, 200, doc);
}

/* ---- device authorization --------------------------------------------- */

static void
new_user_code(struct idp *idp, char out[USER_CODE_LEN + 1])
{
	const size_t n = sizeof user_code_alphabet - 1;

	for (;;) {
		uint64_t r = splitmix64(&idp->prng);
		for (size_t i = 0; i < USER_CODE_LEN; i++) {
			out[i] = user_code_alphabet[r % n];
			r /= n;
		}
		out[USER_CODE_LEN] = '\0';
		if (device_by_user_code(idp, out) == NULL)
			return;
	}
}

static void
handle_device_authorization(struct idp *idp, const struct sbx_request *req,
			    struct sbx_response *resp)
{
	char *client_id = sbx_form_value(req, "client_id");
	char *scope = sbx_form_value(req, "scope");
	struct device *d;
	char shown[USER_CODE_LEN + 2];
	char *verify = NULL, *complete = NULL;
	size_t n;

	if (client_id == NULL || !client_id_ok(client_id)) {
		oauth_error(resp, 401, "invalid_client", "client_id missing or malformed");
		goto out;
	}
	if (idp->n_devices >= MAX_DEVICES)
		sweep(idp, req->now, true);
	if (idp->n_devices >= MAX_DEVICES) {
		oauth_error(resp, 503, "temporarily_unavailable", "too many pending sign-ins");
		goto out;
	}
	d = xcalloc(1, sizeof *d);
	d->device_code = new_secret("sbx-dc-");
	new_user_code(idp, d->user_code);
	d->client_id = client_id;
	client_id = NULL;
	d->scope = xstrdup(scope != NULL && scope[0] != '\0' ? scope : "openid");
	d->expires_at = req->now + idp->device_ttl;
	d->last_poll = -1;
	d->interval = idp->interval;
	d->state = DEV_PENDING;
	d->next = idp->devices;
	idp->devices = d;
	idp->n_devices++;

	snprintf(shown, sizeof shown, "%.4s-%.4s", d->user_code, d->user_code + 4);
	verify = url(idp, "/oidc/device");
	n = strlen(verify) + sizeof "?user_code=" + sizeof shown;
	complete = xmalloc(n);
	snprintf(complete, n, "%s?user_code=%s", verify, shown);
	sbx_response_json(resp, 200,
			  json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "device_code",
				    d->device_code, "user_code", shown, "verification_uri", verify,
				    "verification_uri_complete", complete, "expires_in",
				    idp->device_ttl, "interval", d->interval));
	no_store(resp);
out:
	free(verify);
	free(complete);
	free(client_id);
	free(scope);
}

/* ---- token endpoint --------------------------------------------------- */

static char *
make_id_token(struct idp *idp, const struct family *fam, mc_time now)
{
	json_t *hdr = json_pack("{s:s, s:s}", "alg", "HS256", "typ", "JWT");
	json_t *claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "iss", idp->issuer,
				   "sub", fam->account->sub, "aud", fam->client_id, "iat",
				   (json_int_t)now, "exp", (json_int_t)(now + idp->access_ttl),
				   "auth_time", (json_int_t)fam->auth_time, "name",
				   fam->account->ho_va_ten);
	char *h = json_dumps(hdr, JSON_COMPACT | JSON_SORT_KEYS);
	char *c = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
	char *eh = b64url_str(h), *ec = b64url_str(c);
	size_t n = strlen(eh) + strlen(ec) + 2 + 64;
	char *jwt = xmalloc(n);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	char sig[64];
	size_t signed_len;

	snprintf(jwt, n, "%s.%s", eh, ec);
	signed_len = strlen(jwt);
	HMAC(EVP_sha256(), idp->id_token_key, sizeof idp->id_token_key,
	     (const unsigned char *)jwt, signed_len, mac, &mac_len);
	base64url(mac, mac_len, sig, sizeof sig);
	snprintf(jwt + signed_len, n - signed_len, ".%s", sig);
	json_decref(hdr);
	json_decref(claims);
	free(h);
	free(c);
	free(eh);
	free(ec);
	return jwt;
}

/* Access token for the provider itself (userinfo, token exchange) + rotated refresh. */
static void
issue_sign_in_tokens(struct idp *idp, struct family *fam, mc_time now, bool with_id_token,
		     struct sbx_response *resp)
{
	struct tok *at = tok_issue(idp, fam, TOK_ACCESS, idp->issuer, now + idp->access_ttl);
	struct tok *rt = tok_issue(idp, fam, TOK_REFRESH, NULL, now + idp->refresh_ttl);
	json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:s}", "access_token", at->value,
				 "token_type", "Bearer", "refresh_token", rt->value, "expires_in",
				 idp->access_ttl, "scope", fam->scope);

	if (with_id_token) {
		char *jwt = make_id_token(idp, fam, now);
		json_object_set_new(body, "id_token", json_string(jwt));
		free(jwt);
	}
	sbx_response_json(resp, 200, body);
	no_store(resp);
}

static void
grant_device_code(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *code = sbx_form_value(req, "device_code");
	char *client_id = sbx_form_value(req, "client_id");
	struct device *d;
	struct family *fam;

	if (code == NULL) {
		oauth_error(resp, 400, "invalid_request", "device_code is required");
		goto out;
	}
	d = device_by_code(idp, code);
	if (d == NULL) {
		oauth_error(resp, 400, "invalid_grant", "unknown or already used device_code");
		goto out;
	}
	if (client_id != NULL && strcmp(client_id, d->client_id) != 0) {
		oauth_error(resp, 400, "invalid_grant", "device_code was issued to another client");
		goto out;
	}
	if (req->now >= d->expires_at) {
		oauth_error(resp, 400, "expired_token", "the device code has expired");
		goto out;
	}
	if (d->state == DEV_DENIED) {
		oauth_error(resp, 400, "access_denied", "the sign-in was denied");
		goto out;
	}
	if (d->state == DEV_PENDING) {
		bool too_fast = d->last_poll >= 0 && req->now - d->last_poll < d->interval;
		d->last_poll = req->now;
		if (too_fast) {
			d->interval += SLOW_DOWN_STEP;
			oauth_error(resp, 400, "slow_down", "polling too fast; wait longer");
		} else {
			oauth_error(resp, 400, "authorization_pending",
				    "waiting for the official to approve");
		}
		goto out;
	}
	fam = family_new(&sandbox_official, d->client_id, d->scope, req->now);
	fam->refs++; /* ours, until the tokens hold theirs */
	issue_sign_in_tokens(idp, fam, req->now, strstr(d->scope, "openid") != NULL, resp);
	family_unref(fam);
	device_remove(idp, d); /* a device code is good for one sign-in */
out:
	xfree_secret(code);
	free(client_id);
}

static void
revoke_family(struct family *fam)
{
	fam->revoked = true;
}

static void
grant_refresh(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *value = sbx_form_value(req, "refresh_token");
	char *client_id = sbx_form_value(req, "client_id");
	struct tok *rt;

	if (value == NULL) {
		oauth_error(resp, 400, "invalid_request", "refresh_token is required");
		goto out;
	}
	rt = tok_find(idp, value);
	if (rt == NULL || rt->kind != TOK_REFRESH || rt->expires_at <= req->now) {
		oauth_error(resp, 400, "invalid_grant", "unknown or expired refresh token");
		goto out;
	}
	if (rt->fam->revoked) {
		oauth_error(resp, 400, "invalid_grant", "this sign-in has been revoked");
		goto out;
	}
	if (client_id != NULL && strcmp(client_id, rt->fam->client_id) != 0) {
		oauth_error(resp, 400, "invalid_grant", "refresh token issued to another client");
		goto out;
	}
	if (rt->rotated) {
		/* OAuth 2.0 Security BCP §4.14.2: reuse means theft; end the sign-in. */
		revoke_family(rt->fam);
		oauth_error(resp, 400, "invalid_grant",
			    "refresh token reused; the whole sign-in is revoked");
		goto out;
	}
	rt->rotated = true;
	issue_sign_in_tokens(idp, rt->fam, req->now, false, resp);
out:
	xfree_secret(value);
	free(client_id);
}

static const struct idp_sys *
system_by_audience(const struct idp *idp, const char *audience, const char *resource)
{
	for (size_t i = 0; i < idp->n_systems; i++) {
		const struct idp_sys *s = &idp->systems[i];
		if (audience != NULL && strcmp(audience, s->name) != 0)
			continue;
		if (resource != NULL) {
			size_t n = strlen(s->base_url);
			size_t r = strlen(resource);
			if (r > 0 && resource[r - 1] == '/')
				r--;
			if (r != n || strncmp(resource, s->base_url, n) != 0)
				continue;
		}
		return s;
	}
	return NULL;
}

/* A live access token (not expired, family not revoked), or NULL. */
static struct tok *
live_access_token(struct idp *idp, const char *value, mc_time now)
{
	struct tok *t = value != NULL ? tok_find(idp, value) : NULL;

	if (t == NULL || t->kind != TOK_ACCESS || t->expires_at <= now || t->fam->revoked)
		return NULL;
	return t;
}

static void
grant_token_exchange(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *subject = sbx_form_value(req, "subject_token");
	char *subject_type = sbx_form_value(req, "subject_token_type");
	char *audience = sbx_form_value(req, "audience");
	char *resource = sbx_form_value(req, "resource");
	char *requested = sbx_form_value(req, "requested_token_type");
	const struct idp_sys *sys;
	struct tok *st, *at;

	if (subject == NULL || subject_type == NULL) {
		oauth_error(resp, 400, "invalid_request",
			    "subject_token and subject_token_type are required");
		goto out;
	}
	if (strcmp(subject_type, TOKEN_TYPE_ACCESS) != 0 ||
	    (requested != NULL && strcmp(requested, TOKEN_TYPE_ACCESS) != 0)) {
		oauth_error(resp, 400, "invalid_request", "only access tokens can be exchanged");
		goto out;
	}
	if (audience == NULL && resource == NULL) {
		oauth_error(resp, 400, "invalid_request", "audience or resource is required");
		goto out;
	}
	/* Only the provider's own access token: a system's token buys nothing. */
	st = live_access_token(idp, subject, req->now);
	if (st == NULL || strcmp(st->audience, idp->issuer) != 0) {
		/* RFC 8693 §2.2.2 says invalid_request for an unacceptable subject_token. */
		oauth_error(resp, 400, "invalid_request",
			    "subject_token is invalid, expired or revoked");
		goto out;
	}
	sys = system_by_audience(idp, audience, resource);
	if (sys == NULL) {
		oauth_error(resp, 400, "invalid_target", "no such system for audience/resource");
		goto out;
	}
	at = tok_issue(idp, st->fam, TOK_ACCESS, sys->name, req->now + idp->access_ttl);
	sbx_response_json(resp, 200,
			  json_pack("{s:s, s:s, s:s, s:i, s:s}", "access_token", at->value,
				    "issued_token_type", TOKEN_TYPE_ACCESS, "token_type", "Bearer",
				    "expires_in", idp->access_ttl, "audience", sys->name));
	no_store(resp);
out:
	xfree_secret(subject);
	free(subject_type);
	free(audience);
	free(resource);
	free(requested);
}

struct grant {
	const char *type;
	void (*run)(struct idp *, const struct sbx_request *, struct sbx_response *);
};

static const struct grant grants[] = {
	{GRANT_DEVICE, grant_device_code},
	{GRANT_REFRESH, grant_refresh},
	{GRANT_EXCHANGE, grant_token_exchange},
};

static void
handle_token(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *type = sbx_form_value(req, "grant_type");

	if (type == NULL) {
		oauth_error(resp, 400, "invalid_request", "grant_type is required");
		goto out;
	}
	if (idp->n_tokens >= MAX_TOKENS)
		sweep(idp, req->now, true);
	if (idp->n_tokens >= MAX_TOKENS) {
		oauth_error(resp, 503, "temporarily_unavailable", "too many live tokens");
		goto out;
	}
	for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++) {
		if (strcmp(type, grants[i].type) == 0) {
			grants[i].run(idp, req, resp);
			goto out;
		}
	}
	oauth_error(resp, 400, "unsupported_grant_type", "this grant type is not supported");
out:
	free(type);
}

/* ---- userinfo, revocation --------------------------------------------- */

static void
bearer_challenge(struct sbx_response *resp, const char *realm, const char *error,
		 const char *desc)
{
	char hdr[256];

	if (error != NULL)
		snprintf(hdr, sizeof hdr, "Bearer realm=\"%s\", error=\"%s\", error_description=\"%s\"",
			 realm, error, desc);
	else
		snprintf(hdr, sizeof hdr, "Bearer realm=\"%s\"", realm);
	sbx_response_oauth_error(resp, 401, error != NULL ? error : "invalid_token", desc);
	sbx_response_header(resp, "WWW-Authenticate", hdr);
}

int
idp_check_token(struct idp *idp, const struct sbx_request *req, const char *audience,
		const char **subject, struct sbx_response *resp)
{
	const char *bearer = sbx_request_bearer(req);
	struct tok *t;

	sweep(idp, req->now, false);
	if (bearer == NULL) {
		/* RFC 6750 §3.1: no error code when the request carried no token. */
		bearer_challenge(resp, audience, NULL, "a Bearer access token is required");
		return -1;
	}
	t = live_access_token(idp, bearer, req->now);
	if (t == NULL) {
		bearer_challenge(resp, audience, "invalid_token",
				 "the access token is unknown, expired or revoked");
		return -1;
	}
	if (strcmp(t->audience, audience) != 0) {
		bearer_challenge(resp, audience, "invalid_token",
				 "the access token was issued for another audience");
		return -1;
	}
	if (subject != NULL)
		*subject = t->fam->account->sub;
	return 0;
}

static void
handle_userinfo(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	const char *sub = NULL;
	const struct idp_account *a = &sandbox_official;

	if (idp_check_token(idp, req, idp->issuer, &sub, resp) != 0)
		return;
	sbx_response_json(resp, 200,
			  json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "sub", a->sub, "name",
				    a->ho_va_ten, "TechID", a->tech_id, "LoaiTaiKhoan",
				    a->loai_tai_khoan, "HoVaTen", a->ho_va_ten, "SoDinhDanh",
				    a->so_dinh_danh, "NgayThangNamSinh", a->ngay_sinh));
	no_store(resp);
}

/*
 * RFC 7009: revoking a refresh token ends its whole sign-in; revoking an
 * access token ends that token only.  Unknown tokens get 200 too (§2.2).
 */
static void
handle_revoke(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *value = sbx_form_value(req, "token");
	struct tok *t;

	if (value == NULL) {
		oauth_error(resp, 400, "invalid_request", "token is required");
		goto out;
	}
	t = tok_find(idp, value);
	if (t != NULL && t->kind == TOK_REFRESH)
		revoke_family(t->fam);
	else if (t != NULL)
		t->expires_at = req->now; /* swept later; live checks fail from now */
	sbx_response_text(resp, 200, "text/plain; charset=utf-8", "");
	no_store(resp);
out:
	xfree_secret(value);
}

/* ---- verification page ------------------------------------------------ */

static void
html_escape_append(char *buf, size_t size, const char *s)
{
	size_t o = strlen(buf);

	for (; *s != '\0' && o + 7 < size; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep != NULL) {
			size_t n = strlen(rep);
			memcpy(buf + o, rep, n);
			o += n;
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
}

static void
page(struct sbx_response *resp, int status, const char *message, const char *code)
{
	char esc_code[128] = "";
	char esc_msg[512] = "";
	char *html;
	size_t n;

	html_escape_append(esc_code, sizeof esc_code, code != NULL ? code : "");
	html_escape_append(esc_msg, sizeof esc_msg, message != NULL ? message : "");
	n = 4096;
	html = xmalloc(n);
	snprintf(html, n,
		 "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width\">"
		 "<title>Đăng nhập motcua (sandbox)</title></head><body>\n"
		 "<h1>Xác nhận đăng nhập motcua</h1>\n"
		 "<p><strong>MÔI TRƯỜNG THỬ NGHIỆM</strong> — tài khoản cán bộ giả lập: "
		 "%s</p>\n"
		 "%s%s%s"
		 "<form method=\"post\" action=\"/oidc/device\">\n"
		 "<label>Nhập mã hiển thị trên màn hình máy tính:<br>"
		 "<input name=\"user_code\" value=\"%s\" autocomplete=\"off\" "
		 "autocapitalize=\"characters\"></label><br>\n"
		 "<button name=\"action\" value=\"approve\">Đồng ý đăng nhập</button>\n"
		 "<button name=\"action\" value=\"deny\">Từ chối</button>\n"
		 "</form></body></html>\n",
		 sandbox_official.ho_va_ten, esc_msg[0] != '\0' ? "<p role=\"status\">" : "",
		 esc_msg, esc_msg[0] != '\0' ? "</p>\n" : "", esc_code);
	sbx_response_text(resp, status, "text/html; charset=utf-8", html);
	sbx_response_header(resp, "Cache-Control", "no-store");
	free(html);
}

static int
decide(struct idp *idp, const char *user_code, mc_time now, enum device_state to)
{
	struct device *d = user_code != NULL ? device_by_user_code(idp, user_code) : NULL;

	if (d == NULL || now >= d->expires_at || d->state != DEV_PENDING)
		return -1;
	d->state = to;
	return 0;
}

static void
handle_device_page(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	char *code = NULL, *action = NULL;

	if (strcmp(req->method, "GET") == 0) {
		page(resp, 200, NULL, sbx_request_arg(req, "user_code"));
		return;
	}
	code = sbx_form_value(req, "user_code");
	action = sbx_form_value(req, "action");
	if (code == NULL || action == NULL ||
	    (strcmp(action, "approve") != 0 && strcmp(action, "deny") != 0)) {
		page(resp, 400, "Thiếu mã hoặc lựa chọn (Đồng ý / Từ chối).", code);
		goto out;
	}
	if (decide(idp, code, req->now, strcmp(action, "approve") == 0 ? DEV_APPROVED
								       : DEV_DENIED) != 0) {
		page(resp, 400, "Mã không đúng, đã hết hạn hoặc đã được dùng. Hãy kiểm tra "
				"lại mã trên màn hình.", code);
		goto out;
	}
	page(resp, 200, strcmp(action, "approve") == 0
			? "Đã đồng ý. Bạn có thể quay lại máy tính."
			: "Đã từ chối yêu cầu đăng nhập.", NULL);
out:
	free(code);
	free(action);
}

int
idp_approve(struct idp *idp, const char *user_code, mc_time now)
{
	return decide(idp, user_code, now, DEV_APPROVED);
}

int
idp_deny(struct idp *idp, const char *user_code, mc_time now)
{
	return decide(idp, user_code, now, DEV_DENIED);
}

#ifdef MOTCUA_UNITTEST
/* For tests: what the provider holds right now. */
void idp_counts(const struct idp *idp, size_t *devices, size_t *tokens);
void
idp_counts(const struct idp *idp, size_t *devices, size_t *tokens)
{
	*devices = idp->n_devices;
	*tokens = idp->n_tokens;
}
#endif

/* ---- routing ---------------------------------------------------------- */

struct route {
	const char *path;
	const char *methods; /* for Allow */
	void (*run)(struct idp *, const struct sbx_request *, struct sbx_response *);
};

static void
discovery_route(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	(void)req;
	handle_discovery(idp, resp);
}

static const struct route routes[] = {
	{"/.well-known/openid-configuration", "GET", discovery_route},
	{"/oidc/device_authorization", "POST", handle_device_authorization},
	{"/oidc/token", "POST", handle_token},
	{"/oidc/userinfo", "GET, POST", handle_userinfo},
	{"/oidc/revoke", "POST", handle_revoke},
	{"/oidc/device", "GET, POST", handle_device_page},
};

static bool
method_allowed(const char *methods, const char *method)
{
	size_t n = strlen(method);
	const char *p = methods;

	if (strcmp(method, "HEAD") == 0) {
		method = "GET";
		n = 3;
	}
	while ((p = strstr(p, method)) != NULL) {
		bool start = p == methods || p[-1] == ' ';
		bool end = p[n] == '\0' || p[n] == ',';
		if (start && end)
			return true;
		p += n;
	}
	return false;
}

bool
idp_handle(struct idp *idp, const struct sbx_request *req, struct sbx_response *resp)
{
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(req->path, routes[i].path) != 0)
			continue;
		sweep(idp, req->now, false);
		if (!method_allowed(routes[i].methods, req->method))
			method_not_allowed(resp, routes[i].methods);
		else
			routes[i].run(idp, req, resp);
		return true;
	}
	if (strncmp(req->path, "/oidc/", 6) == 0) {
		sbx_response_oauth_error(resp, 404, "not_found", "no such endpoint");
		return true;
	}
	return false;
}
