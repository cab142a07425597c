/*
 * link.c - a system's token, session and backoff, shared by every job that
 * talks to it (link.h).
 *
 * The state machine is driven by want() and by the token and login
 * callbacks; waiters are called when it settles.  A callback may call back
 * into the link (a waiter that submits a request, or wants again), so the
 * waiters are taken off the list before any of them is called.
 */
#include "sources/link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xalloc.h"

#define REFUSALS_DOWN 3

struct waiter {
	source_link_fn *fn;
	void *arg;
	struct waiter *next;
};

struct source_link {
	struct source *src;
	struct source_link_options opt;
	enum source_link_state state;
	struct waiter *waiters;
	struct net_request *login;    /* in flight (a reference is held) */
	bool token_pending;           /* a token callback is still to come */
	bool *alive;                  /* cleared at free, for a token callback still to come */
	bool online;
	int refusals;                 /* refused tokens/sessions in a row */
	int login_auth_retry;         /* login refused the token: renewed once */
	int64_t backoff_s;            /* the current DOWN length */
	mc_time retry_at;
	struct mc_err err;
};

static mc_time
now_of(const struct source_link *l)
{
	return l->opt.now != NULL ? l->opt.now(l->opt.now_arg) : (mc_time)time(NULL);
}

struct source_link *
source_link_new(struct source *src, const struct source_link_options *opt)
{
	struct source_link *l = xcalloc(1, sizeof *l);

	l->src = src;
	l->opt = *opt;
	if (l->opt.backoff_min_s <= 0)
		l->opt.backoff_min_s = 5;
	if (l->opt.backoff_max_s <= 0)
		l->opt.backoff_max_s = 300;
	l->online = true; /* until a contact says otherwise */
	l->alive = xmalloc(sizeof *l->alive);
	*l->alive = true;
	return l;
}

static void
drop_waiters(struct source_link *l)
{
	while (l->waiters != NULL) {
		struct waiter *w = l->waiters;
		l->waiters = w->next;
		free(w);
	}
}

void
source_link_free(struct source_link *l)
{
	if (l == NULL)
		return;
	drop_waiters(l);
	if (l->login != NULL) {
		struct net_request *req = l->login;
		l->login = NULL;
		net_cancel(req); /* its callback sees login == NULL and does nothing */
		net_request_unref(req);
	}
	*l->alive = false;
	if (!l->token_pending)
		free(l->alive); /* else the token callback frees it */
	source_free(l->src);
	free(l);
}

struct source *
source_link_source(const struct source_link *l)
{
	return l->src;
}

const char *
source_link_name(const struct source_link *l)
{
	return l->src->name;
}

enum source_link_state
source_link_state(const struct source_link *l)
{
	return l->state;
}

/* Call every waiter once with err (NULL: ready). */
static void
settle(struct source_link *l, const struct mc_err *err)
{
	struct waiter *list = l->waiters;
	struct mc_err copy;

	l->waiters = NULL;
	if (err != NULL)
		copy = *err; /* a waiter may change l->err */
	while (list != NULL) {
		struct waiter *w = list;
		list = w->next;
		w->fn(w->arg, l, err != NULL ? &copy : NULL);
		free(w);
	}
}

static void
go_down(struct source_link *l, const struct mc_err *err)
{
	l->err = *err;
	l->backoff_s = l->backoff_s == 0 ? l->opt.backoff_min_s
		       : l->backoff_s * 2 > l->opt.backoff_max_s ? l->opt.backoff_max_s
								 : l->backoff_s * 2;
	l->retry_at = now_of(l) + l->backoff_s;
	l->state = SOURCE_LINK_DOWN;
	source_set_session(l->src, NULL);
	settle(l, &l->err);
}

static void
go_ready(struct source_link *l)
{
	l->state = SOURCE_LINK_READY;
	settle(l, NULL);
}

static void start(struct source_link *l);

static void
on_login(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct source_link *l = arg;
	struct mc_err err;
	char *cause = NULL;
	int rc;

	if (l->login != req)
		return; /* cancelled by source_link_free() */
	net_request_unref(l->login);
	l->login = NULL;
	if (resp->result == NET_ERR_CANCELLED) {
		mc_err_set(&err, MC_E_CANCELLED, l->src->name, NULL);
		l->state = SOURCE_LINK_IDLE;
		settle(l, &err);
		return;
	}
	source_link_answered(l, resp);
	rc = l->src->ops->login_parse(l->src, resp, &cause);
	if (rc == SOURCE_PARSE_OK) {
		l->login_auth_retry = 0;
		go_ready(l);
	} else if (rc == SOURCE_PARSE_AUTH && l->login_auth_retry == 0 && l->opt.tokens != NULL) {
		/* the session login refused our token: a new one, once */
		l->login_auth_retry = 1;
		if (l->opt.tokens->invalidate != NULL)
			l->opt.tokens->invalidate(l->opt.tokens->ctx, l->src->name);
		l->state = SOURCE_LINK_IDLE;
		start(l);
	} else {
		l->login_auth_retry = 0;
		if (resp->result != NET_OK)
			mc_err_set(&err, net_response_errc(resp), l->src->name, "%s", resp->error);
		else
			mc_err_set(&err, MC_E_LOGIN, l->src->name, "%s",
				   cause != NULL ? cause : "login failed");
		err.http = resp->result == NET_OK ? (int)resp->status : 0;
		go_down(l, &err);
	}
	free(cause);
}

static void
login(struct source_link *l)
{
	struct net_request *req = l->src->ops->login_request(l->src, l->opt.net);
	struct mc_err err;

	if (req == NULL) {
		mc_err_set(&err, MC_E_LOGIN, l->src->name, "cannot build the login request");
		go_down(l, &err);
		return;
	}
	l->state = SOURCE_LINK_LOGIN;
	l->login = net_request_ref(req);
	net_request_on_done(req, on_login, l);
	net_submit(l->opt.net, req);
}

static bool
needs_login(const struct source_link *l)
{
	return l->src->ops->login_request != NULL && l->src->ops->login_parse != NULL &&
	       l->src->session == NULL;
}

struct token_call {
	struct source_link *l;
	bool *alive;
};

static void
on_token(void *arg, const char *token, const struct mc_err *why)
{
	struct token_call *tc = arg;
	struct source_link *l = tc->l;
	bool alive = *tc->alive;

	if (!alive) {
		free(tc->alive);
		free(tc);
		return;
	}
	free(tc);
	l->token_pending = false;
	if (token == NULL) {
		struct mc_err err;
		if (why != NULL)
			err = *why;
		else
			mc_err_set(&err, MC_E_TOKEN, NULL, NULL);
		snprintf(err.system, sizeof err.system, "%s", l->src->name);
		go_down(l, &err);
		return;
	}
	source_set_token(l->src, token);
	if (needs_login(l))
		login(l);
	else
		go_ready(l);
}

static void
start(struct source_link *l)
{
	if (l->opt.tokens == NULL || l->opt.tokens->get == NULL || l->src->no_token) {
		if (needs_login(l))
			login(l);
		else
			go_ready(l);
		return;
	}
	struct token_call *tc = xmalloc(sizeof *tc);
	tc->l = l;
	tc->alive = l->alive;
	l->state = SOURCE_LINK_TOKEN;
	l->token_pending = true;
	l->opt.tokens->get(l->opt.tokens->ctx, l->src->name, on_token, tc); /* may call back now */
}

void
source_link_want(struct source_link *l, source_link_fn *fn, void *arg)
{
	struct waiter *w;

	if (l->state == SOURCE_LINK_DOWN && now_of(l) >= l->retry_at)
		l->state = SOURCE_LINK_IDLE;
	if (l->state == SOURCE_LINK_READY && needs_login(l))
		l->state = SOURCE_LINK_IDLE; /* the session was dropped */
	if (l->state == SOURCE_LINK_READY) {
		fn(arg, l, NULL);
		return;
	}
	if (l->state == SOURCE_LINK_DOWN) {
		struct mc_err copy = l->err;
		fn(arg, l, &copy);
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->fn = fn;
	w->arg = arg;
	w->next = l->waiters;
	l->waiters = w;
	if (l->state == SOURCE_LINK_IDLE)
		start(l);
}

void
source_link_forget(struct source_link *l, void *arg)
{
	struct waiter **pp = &l->waiters;

	while (*pp != NULL) {
		if ((*pp)->arg == arg) {
			struct waiter *w = *pp;
			*pp = w->next;
			free(w);
		} else {
			pp = &(*pp)->next;
		}
	}
}

bool
source_link_refused(struct source_link *l)
{
	struct mc_err err;

	if (l->state == SOURCE_LINK_TOKEN || l->state == SOURCE_LINK_LOGIN)
		return true; /* another job's refusal already renews them */
	if (l->opt.tokens != NULL && l->opt.tokens->invalidate != NULL && !l->src->no_token)
		l->opt.tokens->invalidate(l->opt.tokens->ctx, l->src->name);
	source_set_session(l->src, NULL);
	if (l->state == SOURCE_LINK_READY)
		l->state = SOURCE_LINK_IDLE;
	if (++l->refusals >= REFUSALS_DOWN) {
		l->refusals = 0;
		mc_err_set(&err, MC_E_TOKEN_REFUSED, l->src->name, NULL);
		if (l->state == SOURCE_LINK_IDLE)
			go_down(l, &err);
		return false;
	}
	return true;
}

void
source_link_answered(struct source_link *l, const struct net_response *resp)
{
	if (resp->result == NET_ERR_CANCELLED)
		return;
	l->online = resp->result == NET_OK && resp->status < 500;
	if (resp->result == NET_OK && resp->status < 400) {
		l->refusals = 0;
		l->backoff_s = 0;
		if (l->state != SOURCE_LINK_DOWN)
			mc_err_clear(&l->err);
	}
}

bool
source_link_online(const struct source_link *l)
{
	return l->online;
}

const struct mc_err *
source_link_error(const struct source_link *l)
{
	return &l->err;
}

mc_time
source_link_retry_at(const struct source_link *l)
{
	return l->state == SOURCE_LINK_DOWN ? l->retry_at : 0;
}

void
source_link_retry_now(struct source_link *l)
{
	if (l->state == SOURCE_LINK_DOWN) {
		l->state = SOURCE_LINK_IDLE;
		l->retry_at = 0;
	}
}
