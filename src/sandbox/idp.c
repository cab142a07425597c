/*
 * idp.c - the sandbox's OpenID provider for officials (see idp.h): the
 * façade.  Making and freeing the provider, the table of routes it answers
 * (with their methods), and the small response helpers its handlers share.
 *
 * Everything lives in memory (idp_state.c): pending device authorizations in
 * a short list, access and refresh tokens in one hash table keyed by the
 * token string, and a "family" per sign-in that every token issued from it
 * points to (counted references).  Revoking a family is one flag that every
 * later check reads, so reuse of a rotated refresh token kills every refresh
 * and access token descending from that sign-in at once.  All expiry uses
 * req->now, the sandbox clock, so POST /_control/clock can age tokens in
 * tests; expired entries are swept as the clock moves, which keeps memory
 * bounded.
 *
 * Tokens, device codes and the HS256 id_token key come from OpenSSL's
 * RAND_bytes: they must be unguessable even by someone who knows --seed.
 * User codes are drawn from a PRNG seeded by --seed, so a scripted training
 * session shows the same codes every time.
 *
 * It does not speak HTTP (http.c does), does not sign with keys a real client
 * could verify against a JWKS (the id_token is HS256 with a per-process key),
 * and does not implement the authorization-code flow.  The endpoints
 * themselves are in idp_device.c, idp_token.c and idp_check.c.
 */
#include "sandbox/idp.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "sandbox/idp_int.h"

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
		struct idp_tok *t = idp->buckets[i], *next;
		for (; t != NULL; t = next) {
			next = t->next;
			idp_tok_free(t);
		}
	}
	free(idp->buckets);
	while (idp->devices != NULL) {
		struct idp_device *d = idp->devices;
		idp->devices = d->next;
		idp_device_free(d);
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

void
idp_no_store(struct sbx_response *resp)
{
	sbx_response_header(resp, "Cache-Control", "no-store");
	sbx_response_header(resp, "Pragma", "no-cache");
}

void
idp_oauth_error(struct sbx_response *resp, int status, const char *code, const char *desc)
{
	sbx_response_oauth_error(resp, status, code, desc); /* adds no-store */
}

static void
method_not_allowed(struct sbx_response *resp, const char *allow)
{
	sbx_response_oauth_error(resp, 405, "invalid_request", "method not allowed");
	sbx_response_header(resp, "Allow", allow);
}

char *
idp_url(const struct idp *idp, const char *path)
{
	size_t n = strlen(idp->issuer) + strlen(path) + 1;
	char *s = xmalloc(n);
	snprintf(s, n, "%s%s", idp->issuer, path);
	return s;
}

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
	idp_handle_discovery(idp, resp);
}

static const struct route routes[] = {
	{"/.well-known/openid-configuration", "GET", discovery_route},
	{"/oidc/device_authorization", "POST", idp_handle_device_authorization},
	{"/oidc/token", "POST", idp_handle_token},
	{"/oidc/userinfo", "GET, POST", idp_handle_userinfo},
	{"/oidc/revoke", "POST", idp_handle_revoke},
	{"/oidc/device", "GET, POST", idp_handle_device_page},
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
		idp_sweep(idp, req->now, false);
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
