/*
 * outbox_replay_link.c - a source as the replay reaches it: asking the
 * token seam for its token, logging in when the dialect has a session, and
 * taking it down for a while when that fails or the token is refused three
 * times in a row (the entries then wait, nothing is lost).
 *
 * It sends no queued action and reads no dossier.
 */
#include <stdlib.h>
#include <string.h>

#include "outbox/outbox_replay_int.h"
#include "core/xalloc.h"

static void link_token_done(void *arg, const char *token, const char *why);

struct outbox_link *
outbox_link_get(struct outbox_replay *r, const char *name)
{
	struct outbox_link *l;

	for (l = r->links; l != NULL; l = l->next)
		if (strcmp(l->name, name) == 0)
			return l;
	l = xcalloc(1, sizeof *l);
	l->r = r;
	l->name = xstrdup(name);
	l->src = r->opt.find_source != NULL ? r->opt.find_source(r->opt.find_arg, name) : NULL;
	l->next = r->links;
	r->links = l;
	return l;
}

static void
link_down(struct outbox_link *l, const char *why, int64_t seconds)
{
	l->state = OUTBOX_LINK_DOWN;
	l->down_until = outbox_replay_now(l->r) + seconds;
	free(l->why);
	l->why = xstrdup(why != NULL ? why : "unavailable");
	outbox_replay_log(l->r, "outbox: %s: %s", l->name, l->why);
}

static void
link_login_done(struct net_request *req, const struct net_response *resp, void *arg)
{
	struct outbox_link *l = arg;
	char *cause = NULL;

	(void)req;
	net_request_unref(l->req);
	l->req = NULL;
	l->r->stats.requests++;
	if (l->r->freeing) {
		l->state = OUTBOX_LINK_NONE;
		return;
	}
	if (l->src->ops->login_parse(l->src, resp, &cause) == 0) {
		l->state = OUTBOX_LINK_READY;
	} else {
		link_down(l, cause != NULL ? cause : "login failed", 10);
	}
	free(cause);
}

static void
link_token_done(void *arg, const char *token, const char *why)
{
	struct outbox_link *l = arg;

	if (token == NULL) {
		link_down(l, why != NULL ? why : "no token", 10);
		return;
	}
	source_set_token(l->src, token);
	if (l->src->ops->login_request != NULL && l->src->ops->login_parse != NULL) {
		struct net_request *req = l->src->ops->login_request(l->src, l->r->opt.net);
		if (req == NULL) {
			link_down(l, "cannot build the login", 300);
			return;
		}
		l->state = OUTBOX_LINK_LOGIN;
		l->req = net_request_ref(req);
		net_request_on_done(req, link_login_done, l);
		net_submit(l->r->opt.net, req);
		return;
	}
	l->state = OUTBOX_LINK_READY;
}

/* Start getting the link ready (if it is not); true when ready now. */
bool
outbox_link_ready(struct outbox_link *l)
{
	if (l->src == NULL)
		return false;
	if (l->state == OUTBOX_LINK_DOWN && outbox_replay_now(l->r) >= l->down_until)
		l->state = OUTBOX_LINK_NONE;
	if (l->state == OUTBOX_LINK_NONE) {
		if (l->r->opt.tokens == NULL || l->r->opt.tokens->get == NULL) {
			l->state = OUTBOX_LINK_READY;
		} else {
			l->state = OUTBOX_LINK_TOKEN;
			l->r->opt.tokens->get(l->r->opt.tokens->ctx, l->name, link_token_done, l);
		}
	}
	return l->state == OUTBOX_LINK_READY;
}

/* The source refused the token or session: fetch both anew. */
void
outbox_link_refused(struct outbox_link *l)
{
	if (l->state != OUTBOX_LINK_READY)
		return;
	if (l->r->opt.tokens != NULL && l->r->opt.tokens->invalidate != NULL)
		l->r->opt.tokens->invalidate(l->r->opt.tokens->ctx, l->name);
	if (++l->auth_failures >= 3) {
		link_down(l, "token refused three times", 60);
		l->auth_failures = 0;
		return;
	}
	l->state = OUTBOX_LINK_NONE;
}

