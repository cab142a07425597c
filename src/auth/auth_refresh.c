/*
 * auth_refresh.c - refreshing the sign-in with the rotating refresh token,
 * one refresh at a time: ops asking meanwhile wait for the one in flight
 * (single-flight), a lock file keeps other motcua processes out of the same
 * window, the token is re-read from the keyring under the lock, and a spent
 * token ("invalid_grant") is told apart from one another process rotated.
 * Also resuming a stored sign-in (refresh, then userinfo).  Why the retries
 * are what they are: doc/auth.md, "Lost refresh".
 *
 * It does not read the token response (auth_token.c) or exchange tokens
 * for systems (auth_exchange.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth_int.h"
#include "core/xalloc.h"

#define LOCK_WAIT_MS 30000

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
refresh_finish(struct auth_op *owner, enum auth_status st, const char *detail)
{
	struct auth *a = owner->a;
	struct auth_op *waiters = a->refresh_waiters;
	char saved[sizeof a->detail];

	snprintf(saved, sizeof saved, "%s", detail != NULL ? detail : "");
	lock_release(a);
	a->refreshing = false;
	a->refresh_waiters = NULL;
	xfree_secret(owner->sent_rt);
	owner->sent_rt = NULL;
	owner->after(owner, st, detail);
	while (waiters != NULL) {
		struct auth_op *w = waiters;
		waiters = w->next_waiter;
		w->after(w, st, saved[0] != '\0' ? saved : NULL);
	}
}

static void send_refresh(struct auth_op *op);

static void
on_refresh(struct auth_op *op, const struct auth_reply *r)
{
	struct auth *a = op->a;
	struct auth_tokens t;
	const char *why = NULL, *notice = NULL;
	char *stored = NULL;

	if (r->result == NET_ERR_CANCELLED) {
		refresh_finish(op, AUTH_CANCELLED, NULL);
		return;
	}
	if (auth_transient(r)) {
		/* The stored token is left as it was: the next attempt uses it again. */
		refresh_finish(op, AUTH_OFFLINE, auth_reply_reason(a, r));
		return;
	}
	if (r->status == 200 && auth_parse_tokens(r->json, &t, &why) == 0) {
		/* Store first; only then let anything use the new access token. */
		auth_persist_refresh(a, t.refresh != NULL ? t.refresh : op->sent_rt, &notice);
		auth_set_access(a, &t);
		refresh_finish(op, AUTH_OK, notice);
		return;
	}
	if (r->error != NULL && strcmp(r->error, "invalid_grant") == 0) {
		/* Did another process rotate it meanwhile?  Then use theirs, once. */
		if (!op->rt_reread &&
		    auth_keyring_lookup(auth_active_keyring(a), a->issuer, &stored, NULL,
					NULL) == 1 &&
		    strcmp(stored, op->sent_rt) != 0) {
			op->rt_reread = true;
			xfree_secret(op->sent_rt);
			op->sent_rt = stored;
			send_refresh(op);
			return;
		}
		if (stored == NULL || strcmp(stored, op->sent_rt) == 0) {
			(void)auth_keyring_clear(auth_active_keyring(a), a->issuer, NULL);
			if (a->fallback != NULL)
				(void)auth_keyring_clear(a->keyring, a->issuer, NULL);
		}
		xfree_secret(stored);
		auth_wipe_tokens(a);
		refresh_finish(op, AUTH_REVOKED, NULL);
		return;
	}
	refresh_finish(op, AUTH_PROTOCOL, why != NULL ? why : auth_reply_reason(a, r));
}

static void
send_refresh(struct auth_op *op)
{
	struct auth *a = op->a;
	const char *form[] = {"grant_type", "refresh_token", "refresh_token", op->sent_rt,
			      "client_id", a->client_id, NULL};

	/*
	 * Retried with the same token on timeouts and resets: if the first
	 * attempt never reached the provider this recovers the session; if it
	 * did, the old token is spent either way (doc/auth.md, "Lost refresh").
	 */
	auth_send(op, "POST", a->token_ep, "refresh", NULL, form, 0, &auth_retry_idempotent,
		  on_refresh);
}

void
auth_refresh(struct auth_op *op, auth_step_fn *after)
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
		refresh_finish(op, AUTH_OFFLINE,
			       "another motcua process is refreshing the sign-in");
		return;
	}
	/* Re-read under the lock: another process may have rotated it. */
	rc = auth_keyring_lookup(auth_active_keyring(a), a->issuer, &op->sent_rt, &account, &cause);
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
resume_refreshed(struct auth_op *op, enum auth_status st, const char *detail)
{
	if (st != AUTH_OK) {
		auth_finish_step(op, st, detail);
		return;
	}
	auth_userinfo(op, auth_finish_step);
}

static void
resume_discovered(struct auth_op *op, enum auth_status st, const char *detail)
{
	if (st != AUTH_OK) {
		auth_finish_step(op, st, detail);
		return;
	}
	auth_refresh(op, resume_refreshed);
}

void
auth_resume(struct auth *a, auth_done_fn *done, void *arg)
{
	struct auth_op *op = auth_op_new(a, AUTH_OP_RESUME, arg);
	char *rt = NULL;
	int rc;

	op->done = done;
	/* Nothing kept: "not signed in", without asking the network - a fresh
	 * terminal whose provider is down or untrusted then shows the sign-in
	 * and why it fails, instead of an empty "offline" inbox.  (The
	 * refresh reads the item again, under the lock.) */
	rc = auth_keyring_lookup(auth_active_keyring(a), a->issuer, &rt, NULL, NULL);
	xfree_secret(rt);
	if (rc == 0) {
		auth_finish_step(op, AUTH_NO_SESSION, NULL);
		return;
	}
	auth_discover_then(op, resume_discovered);
}
