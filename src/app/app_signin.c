/*
 * app_signin.c - the sign-in and the screen lock for the front ends
 * (signin.h) over src/auth.  A successful sign-in is recorded in the audit
 * log here, so every front end records it the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/signin.h"
#include "auth/auth.h"
#include "auth/pin.h"
#include "auth/qr.h"
#include "core/xalloc.h"

_Static_assert((int)APP_SIGNIN_OK == (int)AUTH_OK &&
		       (int)APP_SIGNIN_NO_SESSION == (int)AUTH_NO_SESSION &&
		       (int)APP_SIGNIN_REVOKED == (int)AUTH_REVOKED &&
		       (int)APP_SIGNIN_EXPIRED == (int)AUTH_EXPIRED &&
		       (int)APP_SIGNIN_DENIED == (int)AUTH_DENIED &&
		       (int)APP_SIGNIN_OFFLINE == (int)AUTH_OFFLINE &&
		       (int)APP_SIGNIN_UNSUPPORTED == (int)AUTH_UNSUPPORTED &&
		       (int)APP_SIGNIN_UNKNOWN_SYSTEM == (int)AUTH_UNKNOWN_SYSTEM &&
		       (int)APP_SIGNIN_PROTOCOL == (int)AUTH_PROTOCOL &&
		       (int)APP_SIGNIN_KEYRING == (int)AUTH_KEYRING &&
		       (int)APP_SIGNIN_CANCELLED == (int)AUTH_CANCELLED,
	       "app_signin_result mirrors auth_status");

/* One pending operation; the callback frees it. */
struct op {
	struct app *a;
	app_prompt_fn *prompt;
	app_signin_fn *done;
	void *arg;
	const char *how;           /* the audit entry's "how" on success */
};

bool
app_signin_available(const struct app *a)
{
	return a->have_session;
}

bool
app_signin_busy(const struct app *a)
{
	return a->have_session && auth_busy(a->session.auth);
}

static void
record(struct app *a, const char *how)
{
	struct mc_err err;

	/* a sign-in that cannot be recorded is not refused: the store says why
	 * at the next write that matters */
	(void)app_audit_record(a, STORE_AUDIT_SIGNIN, NULL, how, a->opt.via, &err);
}

static void
on_done(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct op *op = arg;

	(void)auth;
	if (status == AUTH_OK)
		record(op->a, op->how);
	else if (status == AUTH_OFFLINE && strcmp(op->how, "resumed") == 0)
		record(op->a, "offline");
	op->done(op->arg, (enum app_signin_result)status, detail);
	free(op);
}

static void
on_prompt(struct auth *auth, const struct auth_device_prompt *p, void *arg)
{
	struct op *op = arg;
	struct app_device_prompt ap = {
		.user_code = p->user_code,
		.verification_uri = p->verification_uri,
		.verification_uri_complete = p->verification_uri_complete,
		.expires_in = p->expires_in,
	};

	(void)auth;
	if (op->prompt != NULL)
		op->prompt(op->arg, &ap);
}

static struct op *
op_new(struct app *a, app_prompt_fn *prompt, app_signin_fn *done, void *arg, const char *how)
{
	struct op *op = xcalloc(1, sizeof *op);

	op->a = a;
	op->prompt = prompt;
	op->done = done;
	op->arg = arg;
	op->how = how;
	return op;
}

void
app_signin_resume(struct app *a, app_signin_fn *done, void *arg)
{
	if (!a->have_session) {
		done(arg, APP_SIGNIN_NO_SESSION, NULL);
		return;
	}
	auth_resume(a->session.auth, on_done, op_new(a, NULL, done, arg, "resumed"));
}

void
app_signin_device(struct app *a, app_prompt_fn *prompt, app_signin_fn *done, void *arg)
{
	if (!a->have_session) {
		done(arg, APP_SIGNIN_NO_SESSION, NULL);
		return;
	}
	auth_sign_in(a->session.auth, on_prompt, on_done, op_new(a, prompt, done, arg, "device"));
}

void
app_signin_cancel(struct app *a)
{
	if (a->have_session)
		auth_cancel(a->session.auth);
}

void
app_clerk(const struct app *a, struct app_clerk *out)
{
	struct auth_info info;

	memset(out, 0, sizeof *out);
	out->kept_in = "memory";
	if (!a->have_session)
		return;
	auth_get_info(a->session.auth, &info);
	out->signed_in = info.signed_in;
	out->persistent = info.persistent;
	out->issuer = info.issuer;
	out->name = info.name;
	out->subject = info.subject;
	out->kept_in = auth_keyring_kind_name(auth_keyring_kind(a->session.keyring));
}

char *
app_qr(const char *text, int max_cols, int max_rows, int *cols, int *rows)
{
	const char *dark = getenv("MOTCUA_QR_DARK_ON_LIGHT");

	if (!auth_qr_terminal_ok(getenv("TERM"), getenv("LC_ALL"), getenv("LC_CTYPE"),
				 getenv("LANG")))
		return NULL;
	return auth_qr_render(text, dark != NULL ? AUTH_QR_DARK_ON_LIGHT : 0, max_cols, max_rows,
			      cols, rows);
}

/* ---- the screen lock ---------------------------------------------------- */

void
app_lock_activity(struct app *a, mc_time now)
{
	auth_lock_activity(&a->lock, now);
}

bool
app_lock_check(struct app *a, mc_time now)
{
	return auth_lock_check(&a->lock, now);
}

void
app_lock_now(struct app *a, mc_time now)
{
	auth_lock_now(&a->lock, now);
}

enum app_unlock
app_unlock_kind(const struct app *a, mc_time now)
{
	switch (auth_lock_unlock_kind(&a->lock, now)) {
	case AUTH_UNLOCK_SHORT:
		return APP_UNLOCK_SHORT;
	case AUTH_UNLOCK_DEVICE:
		return APP_UNLOCK_DEVICE;
	default:
		return APP_UNLOCK_NONE;
	}
}

void
app_unlocked(struct app *a, mc_time now)
{
	auth_lock_unlocked(&a->lock, now);
}

mc_time
app_locked_at(const struct app *a)
{
	return a->lock.locked_at;
}

int
app_lock_grace_s(const struct app *a)
{
	return a->lock.grace_s;
}

void
app_lock_set(struct app *a, int idle_s, int grace_s)
{
	a->lock.idle_s = idle_s;
	a->lock.grace_s = grace_s;
}

bool
app_locked_by_hand(const struct app *a)
{
	return a->lock.locked && a->lock.by_hand;
}

/* ---- the unlock PIN ----------------------------------------------------- */

/* The PIN file and the official it is for; NULL when nobody is signed in. */
static const char *
pin_account(struct app *a, char **path)
{
	struct auth_info info;

	*path = NULL;
	if (!a->have_session)
		return NULL;
	auth_get_info(a->session.auth, &info);
	if (!info.signed_in || info.subject == NULL)
		return NULL;
	*path = xasprintf("%s/" AUTH_PIN_FILE, a->paths.data_dir);
	return info.subject;
}

bool
app_pin_is_set(struct app *a)
{
	char *path;
	const char *account = pin_account(a, &path);
	bool set = account != NULL && auth_pin_is_set(path, account);

	free(path);
	return set;
}

int
app_pin_set(struct app *a, const char *pin, struct mc_err *err)
{
	char *path;
	const char *account = pin_account(a, &path), *cause = NULL;
	int rc = -1;

	if (!auth_pin_valid(pin)) {
		mc_err_set(err, MC_E_PIN, NULL, NULL);
	} else if (account == NULL) {
		mc_err_set(err, MC_E_SIGNED_OUT, NULL, NULL);
	} else if (auth_pin_set(path, account, pin, &cause) != 0) {
		mc_err_set(err, MC_E_FILE, NULL, "%s: %s", path, cause);
	} else {
		rc = 0;
	}
	free(path);
	return rc;
}

enum app_pin_unlock
app_unlock_pin(struct app *a, const char *pin, mc_time now, int *tries_left)
{
	char *path;
	const char *account;
	enum app_pin_unlock r;

	*tries_left = AUTH_LOCK_PIN_TRIES - a->lock.wrong_pins;
	if (auth_lock_unlock_kind(&a->lock, now) != AUTH_UNLOCK_SHORT)
		return APP_PIN_TOO_LATE;
	account = pin_account(a, &path);
	switch (account != NULL ? auth_pin_check(path, account, pin) : AUTH_PIN_NONE) {
	case AUTH_PIN_OK:
		auth_lock_unlocked(&a->lock, now);
		r = APP_PIN_UNLOCKED;
		break;
	case AUTH_PIN_WRONG:
		*tries_left = auth_lock_pin_wrong(&a->lock);
		r = *tries_left > 0 ? APP_PIN_WRONG : APP_PIN_TOO_LATE;
		break;
	default:
		r = APP_PIN_NO_PIN;
		break;
	}
	free(path);
	return r;
}

int
app_signin_wait(struct app *a, const bool *done)
{
	while (!*done)
		if (net_poll(a->net, 1000, NULL, 0) < 0)
			return -1;
	return 0;
}

int
app_signin_remember(struct app *a)
{
	return a->have_session ? auth_session_remember(&a->session) : -1;
}

struct token_wait {
	bool done;
	enum auth_status status;
	char detail[160];
};

static void
on_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	 void *arg)
{
	struct token_wait *w = arg;

	(void)auth;
	(void)token; /* never shown */
	w->done = true;
	w->status = status;
	snprintf(w->detail, sizeof w->detail, "%s", detail != NULL ? detail : "");
}

int
app_signin_tokens(struct app *a, void (*fn)(void *ctx, const struct app_system_token *t),
		  void *ctx)
{
	struct auth_system_info si;
	int fails = 0;

	if (!a->have_session)
		return 0;
	for (size_t i = 0; auth_get_system(a->session.auth, i, &si) == 0; i++) {
		struct token_wait w = {0};
		struct app_system_token t;
		char *name = xstrdup(si.name);

		auth_system_token(a->session.auth, name, on_token, &w);
		if (app_signin_wait(a, &w.done) != 0) {
			free(name);
			return fails + 1;
		}
		auth_get_system(a->session.auth, i, &si);
		t = (struct app_system_token){
			.name = si.name,
			.audience = si.audience,
			.ok = w.status == AUTH_OK,
			.expires_at = si.token_expires_at,
			.why = (enum app_signin_result)w.status,
			.detail = w.detail,
		};
		fails += !t.ok;
		fn(ctx, &t);
		free(name);
	}
	return fails;
}

enum mc_errc
app_signin_transport(struct app *a)
{
	return a->have_session ? auth_transport_errc(a->session.auth) : MC_E_NETWORK;
}
