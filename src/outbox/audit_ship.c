/*
 * audit_ship.c - the audit log's way to the server (audit_ship.h).
 *
 * One job, an explicit state machine:
 *
 *   IDLE --entries wait, backoff over--> LINK --ready--> SENDING --answer--> IDLE
 *                                          |                 |
 *                                          +-- link down ----+--> IDLE (backoff)
 *
 * The token is the coordination system's (its link, sources/link.h): the
 * log's server is the coordination system's keeper.
 *
 * The server's "head" is the truth about what it holds: the shipped mark
 * moves to it (never past what we sent), so a lost answer only means the
 * same entries are offered again and counted as duplicates.  With it comes
 * the server's receipt, "head_hash": the hash of its last entry, kept with
 * the mark (store_audit_receipt) when it is ours; another hash there means
 * the server holds another log, as a 409 does.  Failures back off 5 s,
 * doubling to 5 min; a 409 stops shipping for this process and is kept in
 * the store (store_audit_set_refused: `motcua audit verify` fails on it)
 * until a later shipment is accepted (MC_E_AUDIT_DIFFERS: the local log was
 * changed after it was shipped).
 */
#include "outbox/audit_ship.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/xalloc.h"
#include "store/audit.h"

#define BACKOFF_MIN_S 5
#define BACKOFF_MAX_S 300

enum ship_state { SHIP_IDLE = 0, SHIP_LINK, SHIP_SENDING };

struct audit_ship {
	struct store *store;
	struct net *net;
	struct source_link *link;
	char *url;
	enum ship_state state;
	struct net_request *req;   /* referenced while SENDING */
	int64_t last_sent;         /* highest seq in the batch in flight */
	mc_time next_at;
	int64_t backoff_s;
	bool retried_401;
	bool conflict;
	bool accepted;             /* a 200 was seen (audit_ship_stats.accepted) */
	bool freeing;              /* audit_ship_free() waits for the answer */
	int64_t shipped, duplicates;
	struct mc_err error;       /* the last failure; MC_OK after a success */
};

/* The failure is in a->error already; back off. */
static void
fail(struct audit_ship *a, mc_time now)
{
	a->backoff_s = a->backoff_s == 0 ? BACKOFF_MIN_S
			: a->backoff_s * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : a->backoff_s * 2;
	a->next_at = now + a->backoff_s;
	a->state = SHIP_IDLE;
}

struct audit_ship *
audit_ship_new(const struct audit_ship_options *opt)
{
	struct audit_ship *a;
	size_t n;

	if (opt->issuer == NULL || opt->issuer[0] == '\0' || opt->link == NULL ||
	    opt->net == NULL)
		return NULL;
	a = xcalloc(1, sizeof *a);
	a->store = opt->store;
	a->net = opt->net;
	a->link = opt->link;
	n = strlen(opt->issuer);
	while (n > 0 && opt->issuer[n - 1] == '/')
		n--;
	a->url = xmalloc(n + sizeof AUDIT_SHIP_PATH);
	memcpy(a->url, opt->issuer, n);
	memcpy(a->url + n, AUDIT_SHIP_PATH, sizeof AUDIT_SHIP_PATH);
	return a;
}

void
audit_ship_free(struct audit_ship *a)
{
	if (a == NULL)
		return;
	if (a->state == SHIP_LINK)
		source_link_forget(a->link, a);
	if (a->state == SHIP_SENDING && a->req != NULL) {
		/* the net calls back later, from its poll: let it, while a lives */
		a->freeing = true;
		net_cancel(a->req);
		while (a->req != NULL && net_poll(a->net, 100, NULL, 0) >= 0)
			;
		if (a->req != NULL)
			return; /* the net failed: leave a to its callback rather than free it */
	}
	free(a->url);
	free(a);
}

/* The next batch as JSON text, or NULL when the server has everything. */
static char *
batch_json(struct audit_ship *a, int64_t *last)
{
	struct store_audit_state st;
	struct store_audit_entry *v = NULL;
	json_t *root, *arr;
	size_t n = 0;
	char *text;

	if (store_audit_state(a->store, &st) != 0 ||
	    store_audit_list(a->store, st.shipped_seq, AUDIT_SHIP_BATCH, &v, &n) != 0 || n == 0) {
		store_audit_list_free(v, n);
		return NULL;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct store_audit_entry *e = &v[i];

		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s,s:s?,s:s?,s:s,s:s,s:s}", "seq",
						     (json_int_t)e->seq, "at", (json_int_t)e->at,
						     "clerk", e->clerk, "kind", e->kind, "dossier",
						     e->dossier, "purpose", e->purpose, "details",
						     e->details, "prev_hash", e->prev_hash, "hash",
						     e->hash));
	}
	*last = v[n - 1].seq;
	root = json_pack("{s:s,s:o}", "chain", st.chain, "entries", arr);
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	store_audit_list_free(v, n);
	return text;
}

/* The server's copy differs: stop for this process, and keep its word. */
static void
conflict(struct audit_ship *a, int64_t seq, const char *why)
{
	a->conflict = true;
	mc_err_set(&a->error, MC_E_AUDIT_DIFFERS, "audit", "%s", why);
	a->error.http = 409;
	(void)store_audit_set_refused(a->store, seq, why);
}

static void
on_answer(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct audit_ship *a = arg;
	mc_time now = (mc_time)time(NULL);
	json_t *body = NULL, *head;

	if (a->req != req)
		return;
	net_request_unref(a->req);
	a->req = NULL;
	a->state = SHIP_IDLE;
	if (a->freeing)
		return; /* audit_ship_free() is waiting for this */
	if (resp->result != NET_OK) {
		mc_err_set(&a->error, net_response_errc(resp), "audit", "%s", resp->error);
		fail(a, now);
		return;
	}
	body = json_loadb(resp->body, resp->body_len, 0, NULL);
	head = json_object_get(body, "head");
	if ((resp->status == 401 || resp->status == 403) && !a->retried_401) {
		a->retried_401 = true;
		(void)source_link_refused(a->link);
		a->next_at = now; /* once more with a new token */
	} else if (resp->status == 409) {
		const char *why = json_string_value(json_object_get(body, "why"));
		json_t *at = json_object_get(body, "seq");

		conflict(a, json_is_integer(at) ? json_integer_value(at) : a->last_sent,
			 why != NULL ? why : "");
	} else if (resp->status != 200 || !json_is_integer(head)) {
		mc_err_set(&a->error, resp->status >= 500 || resp->status == 429 ? MC_E_UNAVAILABLE
										: MC_E_HTTP,
			   "audit", NULL);
		a->error.http = (int)resp->status;
		fail(a, now);
	} else {
		int64_t h = json_integer_value(head);
		const char *rh = json_string_value(json_object_get(body, "head_hash"));
		json_t *acc = json_object_get(body, "accepted"), *dup = json_object_get(body, "duplicates");
		int rc;

		a->shipped += json_is_integer(acc) ? json_integer_value(acc) : 0;
		a->duplicates += json_is_integer(dup) ? json_integer_value(dup) : 0;
		/* the receipt: its hash only where it is the head the server holds */
		rc = h <= a->last_sent ? store_audit_receipt(a->store, h, rh)
				       : store_audit_receipt(a->store, a->last_sent, NULL);
		if (rc < 0) {
			mc_err_set(&a->error, store_errc(a->store), "audit", "%s", store_errmsg(a->store));
			fail(a, now);
		} else if (rc > 0) {
			conflict(a, h, "the server acknowledged another entry at this seq");
		} else {
			mc_err_clear(&a->error);
			a->backoff_s = 0;
			a->retried_401 = false;
			a->accepted = true;
			(void)store_audit_set_refused(a->store, 0, NULL);
		}
	}
	json_decref(body);
}

static void
on_link(void *arg, struct source_link *l, const struct mc_err *err)
{
	struct audit_ship *a = arg;
	mc_time now = (mc_time)time(NULL);
	const char *token = source_link_source(l)->token;
	char *text, *auth;

	a->state = SHIP_IDLE;
	if (err != NULL) {
		a->error = *err;
		fail(a, now);
		return;
	}
	text = batch_json(a, &a->last_sent);
	if (text == NULL)
		return;
	a->req = net_request_new(a->net, "POST", a->url);
	net_request_source(a->req, "audit");
	net_request_kind(a->req, "audit");
	if (token != NULL) {
		auth = xasprintf("Bearer %s", token);
		net_request_header(a->req, "Authorization", auth);
		xfree_secret(auth);
	}
	net_request_body(a->req, "application/json", text, strlen(text));
	free(text);
	net_request_on_done(a->req, on_answer, a);
	net_request_ref(a->req);
	a->state = SHIP_SENDING;
	net_submit(a->net, a->req);
}

static int64_t
waiting(struct audit_ship *a)
{
	struct store_audit_state st;

	if (store_audit_state(a->store, &st) != 0)
		return -1;
	return st.head_seq - st.shipped_seq;
}

bool
audit_ship_step(struct audit_ship *a, mc_time now)
{
	if (a == NULL)
		return false;
	if (a->state != SHIP_IDLE || a->conflict)
		return a->state != SHIP_IDLE;
	if (now < a->next_at || waiting(a) <= 0)
		return false;
	a->state = SHIP_LINK;
	source_link_want(a->link, on_link, a); /* may answer at once */
	return a->state != SHIP_IDLE;
}

void
audit_ship_get_stats(struct audit_ship *a, struct audit_ship_stats *st)
{
	memset(st, 0, sizeof *st);
	if (a == NULL)
		return;
	st->shipped = a->shipped;
	st->duplicates = a->duplicates;
	st->waiting = waiting(a);
	st->conflict = a->conflict;
	st->accepted = a->accepted;
	st->error = a->error;
}

int
audit_ship_run(struct audit_ship *a, int64_t max_wait_ms, struct audit_ship_stats *st)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		mc_time now = (mc_time)time(NULL);
		bool busy = audit_ship_step(a, now);
		int64_t ms;

		if (!busy && (a->conflict || waiting(a) <= 0 || a->next_at > now))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (int64_t)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= max_wait_ms)
			break;
		if (busy && net_poll(a->net, 200, NULL, 0) < 0)
			break;
	}
	audit_ship_get_stats(a, st);
	if (st->waiting < 0)
		return -1;
	return st->waiting == 0 ? 0 : 1;
}
