/*
 * auth_discovery.c - the provider's discovery document (OpenID Connect
 * Discovery): fetched once per auth, checked against the configured issuer,
 * read for the endpoints and grant types; and the list of systems a token
 * can be exchanged for, from its "motcua_systems" (name, audience, base_url,
 * title, and the dialect its connector speaks) or auth_add_system().
 *
 * It does not issue or cache tokens (auth_exchange.c) and fetches nothing
 * but the document itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "core/dossier.h"
#include "core/unittest.h"
#include "core/xalloc.h"

bool
auth_is_http_url(const char *s)
{
	return s != NULL && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0);
}

static void
set_endpoint(char **slot, json_t *doc, const char *key)
{
	const char *v = json_string_value(json_object_get(doc, key));

	free(*slot);
	*slot = auth_is_http_url(v) ? xstrdup(v) : NULL;
}

struct auth_sys *
auth_find_system(struct auth *a, const char *name)
{
	for (size_t i = 0; i < a->n_systems; i++)
		if (strcmp(a->systems[i].name, name) == 0)
			return &a->systems[i];
	return NULL;
}

static void
add_system(struct auth *a, const char *name, const char *audience, const char *base_url,
	   const char *title, const char *dialect)
{
	struct auth_sys *s = auth_find_system(a, name);

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
	if (dialect != NULL) {
		free(s->dialect);
		s->dialect = xstrdup(dialect);
	}
}

void
auth_add_system(struct auth *a, const char *name, const char *audience, const char *base_url)
{
	add_system(a, name, audience, base_url, NULL, NULL);
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
	stripped = auth_strip_slash(iss);
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
		if (json_is_string(v) && strcmp(json_string_value(v), AUTH_GRANT_EXCHANGE) == 0)
			a->can_exchange = true;
	json_array_foreach(systems, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *aud = json_string_value(json_object_get(v, "audience"));
		const char *base = json_string_value(json_object_get(v, "base_url"));
		const char *title = json_string_value(json_object_get(v, "title"));
		const char *dialect = json_string_value(json_object_get(v, "dialect"));
		if (name == NULL || name[0] == '\0' || strlen(name) > 64)
			continue;
		add_system(a, name, aud, auth_is_http_url(base) ? base : NULL, title,
			   dossier_source_name_ok(dialect) ? dialect : NULL);
	}
	a->discovered = true;
	return 0;
}

static void
on_discovery(struct auth_op *op, const struct auth_reply *r)
{
	struct auth *a = op->a;
	const char *why = NULL;
	auth_step_fn *after = op->after;

	if (r->result == NET_ERR_CANCELLED) {
		after(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (a->discovered) { /* another op got it meanwhile */
		after(op, AUTH_OK, NULL);
		return;
	}
	if (auth_transient(r)) {
		after(op, AUTH_OFFLINE, auth_reply_reason(a, r));
		return;
	}
	if (r->status != 200 || r->json == NULL) {
		after(op, AUTH_PROTOCOL, auth_say(a, "discovery: %s", auth_reply_reason(a, r)));
		return;
	}
	if (auth_apply_discovery(a, r->json, &why) != 0) {
		after(op, AUTH_PROTOCOL, why);
		return;
	}
	after(op, AUTH_OK, NULL);
}

void
auth_discover_then(struct auth_op *op, auth_step_fn *after)
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
	auth_send(op, "GET", url, "discovery", NULL, NULL, 0, &auth_retry_idempotent, on_discovery);
	free(url);
}

void
auth_discover(struct auth *a, auth_done_fn *done, void *arg)
{
	struct auth_op *op = auth_op_new(a, AUTH_OP_DISCOVER, arg);

	op->done = done;
	auth_discover_then(op, auth_finish_step);
}
