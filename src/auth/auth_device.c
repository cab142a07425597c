/*
 * auth_device.c - the sign-in itself, by the device authorization grant
 * (RFC 8628): asking for a device code, showing the prompt once, polling
 * the token endpoint at the interval (+5 s on slow_down, doubling on
 * timeouts and server errors, up to a minute) until the official approves,
 * refuses or the code expires; then storing the refresh token and asking
 * userinfo.
 *
 * It draws nothing (the caller's prompt callback does) and does not refresh
 * or exchange tokens.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"
#include "core/unittest.h"
#include "core/xalloc.h"

#define GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
#define DEFAULT_INTERVAL 5      /* RFC 8628 §3.2 */
#define SLOW_DOWN_STEP 5        /* RFC 8628 §3.5 */
#define MAX_POLL_DELAY 60       /* s, backing off on timeouts and 5xx */

static void on_poll(struct auth_op *op, const struct auth_reply *r);

static void
schedule_poll(struct auth_op *op, int delay_s)
{
	struct auth *a = op->a;
	const char *form[] = {"grant_type", GRANT_DEVICE, "device_code", op->device_code,
			      "client_id", a->client_id, NULL};

	if (auth_now(a) >= op->deadline) {
		auth_finish_step(op, AUTH_EXPIRED, NULL);
		return;
	}
	auth_send(op, "POST", a->token_ep, "device-poll", NULL, form, (uint64_t)delay_s * 1000,
		  NULL, on_poll);
}

static void
signed_in(struct auth_op *op, enum auth_status st, const char *detail)
{
	(void)detail;
	auth_finish_step(op, st, op->a->detail[0] != '\0' ? op->a->detail : NULL);
}

static void
on_poll(struct auth_op *op, const struct auth_reply *r)
{
	struct auth *a = op->a;
	struct auth_tokens t;
	const char *why = NULL, *notice = NULL;
	int delay;

	if (r->result == NET_ERR_CANCELLED) {
		auth_finish_step(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (auth_transient(r)) {
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
			auth_finish_step(op, AUTH_PROTOCOL, why);
			return;
		}
		free(a->account);
		a->account = auth_id_token_subject(t.id_token);
		a->detail[0] = '\0';
		if (t.refresh != NULL) {
			auth_persist_refresh(a, t.refresh, &notice);
			if (notice != NULL)
				auth_say(a, "%s", notice);
		}
		auth_set_access(a, &t);
		auth_userinfo(op, signed_in);
		return;
	}
	if (r->error == NULL) {
		auth_finish_step(op, AUTH_PROTOCOL, auth_reply_reason(a, r));
	} else if (strcmp(r->error, "authorization_pending") == 0) {
		schedule_poll(op, op->interval);
	} else if (strcmp(r->error, "slow_down") == 0) {
		op->interval += SLOW_DOWN_STEP;
		schedule_poll(op, op->interval);
	} else if (strcmp(r->error, "expired_token") == 0) {
		auth_finish_step(op, AUTH_EXPIRED, NULL);
	} else if (strcmp(r->error, "access_denied") == 0) {
		auth_finish_step(op, AUTH_DENIED, NULL);
	} else {
		auth_finish_step(op, AUTH_PROTOCOL, auth_reply_reason(a, r));
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
	if (p->verification_uri_complete != NULL && !auth_is_http_url(p->verification_uri_complete))
		p->verification_uri_complete = NULL;
	if (code == NULL || p->user_code == NULL || !auth_is_http_url(p->verification_uri))
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
on_device_code(struct auth_op *op, const struct auth_reply *r)
{
	struct auth *a = op->a;
	struct auth_device_prompt p;

	if (r->result == NET_ERR_CANCELLED) {
		auth_finish_step(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (auth_transient(r)) {
		auth_finish_step(op, AUTH_OFFLINE, auth_reply_reason(a, r));
		return;
	}
	if (r->status != 200 || !json_is_object(r->json)) {
		auth_finish_step(op, AUTH_PROTOCOL,
				 auth_say(a, "device authorization: %s", auth_reply_reason(a, r)));
		return;
	}
	xfree_secret(op->device_code);
	if (auth_parse_device(r->json, &p, &op->device_code) != 0) {
		auth_finish_step(op, AUTH_PROTOCOL, "device authorization response is incomplete");
		return;
	}
	op->interval = p.interval;
	op->deadline = auth_now(a) + p.expires_in;
	if (op->prompt != NULL)
		op->prompt(a, &p, op->arg);
	schedule_poll(op, op->interval);
}

static void
sign_in_discovered(struct auth_op *op, enum auth_status st, const char *detail)
{
	struct auth *a = op->a;
	const char *form[] = {"client_id", a->client_id, "scope", a->scope, NULL};

	if (st != AUTH_OK) {
		auth_finish_step(op, st, detail);
		return;
	}
	if (a->device_ep == NULL) {
		auth_finish_step(op, AUTH_UNSUPPORTED, "no device_authorization_endpoint");
		return;
	}
	auth_send(op, "POST", a->device_ep, "device", NULL, form, 0, NULL, on_device_code);
}

void
auth_sign_in(struct auth *a, auth_prompt_fn *prompt, auth_done_fn *done, void *arg)
{
	struct auth_op *op = auth_op_new(a, AUTH_OP_SIGN_IN, arg);

	op->prompt = prompt;
	op->done = done;
	auth_discover_then(op, sign_in_discovered);
}
