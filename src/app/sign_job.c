/*
 * sign_job.c - signing results as a job of the loop (sign_job.h).
 *
 * The steps that wait for the clerk (the PIN, the OTP) and for the sign-in
 * (the signing service's token) wait without blocking anything; the steps
 * that talk to the token or the service run inside one app_turn() each.
 * Secrets live in the job only between the clerk typing them and the
 * signer asking for them, and are wiped then (and at the end in any case).
 */
#include <stdlib.h>
#include <string.h>

#include "app/app_int.h"
#include "app/sign_job.h"
#include "app/sign_return.h"
#include "auth/auth.h"
#include "core/xalloc.h"
#include "sign/sign.h"

#define OTP_LIFE_S 300 /* an OTP's life at the service */

_Static_assert((int)APP_SIGN_E_TSA == (int)SIGN_ERR_TSA &&
		       (int)APP_SIGN_E_TRUST == (int)SIGN_ERR_TRUST &&
		       (int)APP_SIGN_E_COUNT == (int)SIGN_STATUS_COUNT &&
		       (int)APP_SIGN_E_OFFLINE == (int)SIGN_ERR_OFFLINE &&
		       (int)APP_SIGN_E_NO_MODULE == (int)SIGN_ERR_NO_MODULE,
	       "app_sign_error mirrors sign_status");

struct app_sign_job {
	struct app *a;
	enum app_sign_step step;
	struct app_sign_options o;    /* strings copied below */
	char *s_module, *s_token, *s_key, *s_remote, *s_credential, *s_tsa;
	struct sign_secret bearer;    /* the signing service's access token */
	struct sign_secret pin, otp;
	unsigned asks;                /* what the signer will ask (SIGNER_ASKS_*) */
	mc_time otp_until;
	struct net *net;              /* the remote signer's and the TSA's own */
	struct signer *signer;
	const struct sign_key *key;
	bool *token_alive;            /* the token callback still to come checks it */
	struct sign_return_item *items;
	size_t n;
	char ***files;                /* copies of each item's file list */
	struct app_sign_result *results;
	char signer_cn[256];          /* the key's certificate's CN, once signing ran */
	/* plain files (app_sign_files_start): one job each, no items */
	struct sign_job *plain;
	char **plain_out;
};

static struct app_sign_job *
job_of(const struct app *a)
{
	return a->sign_job;
}

_Static_assert(sizeof(struct app_secret) == sizeof(struct sign_secret),
	       "app_secret is sign_secret");

int
app_secret_read(int fd, const char *prompt, struct app_secret *out)
{
	struct sign_secret s;
	int rc = sign_read_secret(fd, prompt, &s);

	memcpy(out->value, s.value, sizeof out->value);
	out->len = s.len;
	sign_secret_wipe(&s);
	return rc;
}

void
app_secret_wipe(struct app_secret *s)
{
	explicit_bzero(s, sizeof *s);
}

void
app_sign_kinds(struct app *a, bool *token, bool *remote)
{
	const char *env = getenv("MOTCUA_PKCS11_MODULE");

	app_config_signing_refresh(a);
	*token = (env != NULL && env[0] != '\0') || a->cfg.signing.pkcs11_module != NULL;
	*remote = a->cfg.signing.remote_url != NULL;
}

int
app_sign_check(struct app *a, const char *code, struct mc_err *err)
{
	return sign_return_check_dossier(a->store, code, err);
}

/* ---- ending --------------------------------------------------------------- */

static void
close_signer(struct app_sign_job *j)
{
	signer_close(j->signer);
	j->signer = NULL;
	j->key = NULL;
	net_free(j->net);
	j->net = NULL;
	sign_secret_wipe(&j->pin);
	sign_secret_wipe(&j->otp);
	sign_secret_wipe(&j->bearer);
}

static void
fail_all_err(struct app_sign_job *j, const struct sign_error *err)
{
	if (j->plain != NULL) {
		for (size_t i = 0; i < j->n; i++) {
			if (j->plain[i].status != SIGN_OK && j->plain[i].status != SIGN_ERR_CANCELLED)
				continue;
			j->plain[i].status = err->status;
			snprintf(j->plain[i].detail, sizeof j->plain[i].detail, "%s", err->detail);
		}
		return;
	}
	sign_return_fail_all(j->items, j->n, err);
}

static void
fail_all(struct app_sign_job *j, enum sign_status status, const char *detail)
{
	struct sign_error err;

	sign_fail(&err, status, "%s", detail != NULL ? detail : "");
	fail_all_err(j, &err);
}

/* Every item settled: the results, in the order given. */
static void
finish(struct app_sign_job *j)
{
	close_signer(j);
	j->results = xcalloc(j->n ? j->n : 1, sizeof *j->results);
	if (j->plain != NULL) {
		for (size_t i = 0; i < j->n; i++) {
			struct app_sign_result *r = &j->results[i];
			const struct sign_job *sj = &j->plain[i];

			r->n_files = 1;
			r->in = (const char *const *)&j->files[i][0];
			r->out = &j->plain_out[i];
			r->outcome = sj->status == SIGN_OK ? APP_SIGN_SIGNED : APP_SIGN_FAILED;
			r->sign_error = (enum app_sign_error)sj->status;
			snprintf(r->sign_detail, sizeof r->sign_detail, "%s", sj->detail);
		}
		j->step = APP_SIGN_DONE;
		return;
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct sign_return_item *it = &j->items[i];
		struct app_sign_result *r = &j->results[i];

		r->code = it->code;
		r->n_files = it->n_files;
		r->in = it->files;
		r->entry = it->entry;
		r->out = it->out;
		switch (it->state) {
		case SIGN_RETURN_QUEUED:
			r->outcome = APP_SIGN_QUEUED;
			break;
		case SIGN_RETURN_SIGN_FAILED:
		case SIGN_RETURN_READY: /* never signed: cancelled */
			r->outcome = APP_SIGN_FAILED;
			r->sign_error = it->state == SIGN_RETURN_READY
						? APP_SIGN_E_CANCELLED
						: (enum app_sign_error)it->err.status;
			snprintf(r->sign_detail, sizeof r->sign_detail, "%s", it->err.detail);
			break;
		case SIGN_RETURN_QUEUE_FAILED:
			r->outcome = APP_SIGN_NOT_QUEUED;
			r->err = it->refusal;
			break;
		case SIGN_RETURN_REFUSED:
			r->outcome = APP_SIGN_REFUSED;
			r->err = it->refusal;
			break;
		}
	}
	j->step = APP_SIGN_DONE;
}

void
app_sign_end(struct app *a)
{
	struct app_sign_job *j = job_of(a);

	if (j == NULL)
		return;
	close_signer(j);
	if (j->token_alive != NULL)
		*j->token_alive = false; /* the callback frees the flag */
	for (size_t i = 0; j->plain == NULL && i < j->n; i++) {
		sign_return_item_release(&j->items[i]);
		for (size_t k = 0; j->files[i] != NULL && j->files[i][k] != NULL; k++)
			free(j->files[i][k]);
		free(j->files[i]);
		free((char *)j->items[i].code);
	}
	for (size_t i = 0; j->plain != NULL && i < j->n; i++) {
		free(j->files[i][0]);
		free(j->files[i]);
		free(j->plain_out[i]);
	}
	free(j->plain);
	free(j->plain_out);
	free(j->items);
	free(j->files);
	free(j->results);
	free(j->s_module);
	free(j->s_token);
	free(j->s_key);
	free(j->s_remote);
	free(j->s_credential);
	free(j->s_tsa);
	free(j);
	a->sign_job = NULL;
}

void
app_sign_free(struct app *a)
{
	app_sign_end(a);
}

/* ---- the signer asks ------------------------------------------------------ */

static int
ask(void *arg, enum sign_secret_kind kind, const char *prompt, struct sign_secret *out)
{
	struct app_sign_job *j = arg;
	struct sign_secret *have = kind == SIGN_SECRET_PIN ? &j->pin : &j->otp;

	(void)prompt;
	if (have->len == 0)
		return -1; /* not given: SIGN_ERR_CANCELLED */
	memcpy(out, have, sizeof *out);
	sign_secret_wipe(have);
	return 0;
}

/* ---- the steps ------------------------------------------------------------ */

struct token_call {
	struct app_sign_job *j;
	bool *alive;
};

static void
on_token(struct auth *auth, enum auth_status status, const char *token, const char *detail,
	 void *arg)
{
	struct token_call *tc = arg;
	struct app_sign_job *j = tc->j;

	(void)auth;
	if (!*tc->alive) {
		free(tc->alive);
		free(tc);
		return;
	}
	free(tc->alive);
	free(tc);
	j->token_alive = NULL;
	if (status != AUTH_OK || token == NULL || strlen(token) >= sizeof j->bearer.value) {
		fail_all(j, status == AUTH_OFFLINE ? SIGN_ERR_OFFLINE : SIGN_ERR_UNAUTHORIZED,
			 detail != NULL && detail[0] != '\0' ? detail : auth_status_name(status));
		finish(j);
		return;
	}
	j->bearer.len = strlen(token);
	memcpy(j->bearer.value, token, j->bearer.len + 1);
	j->step = APP_SIGN_OPENING;
}

static size_t
n_files(const struct app_sign_job *j)
{
	size_t n = 0;

	if (j->plain != NULL)
		return j->n;
	for (size_t i = 0; i < j->n; i++)
		if (j->items[i].state == SIGN_RETURN_READY)
			n += j->items[i].n_files;
	return n;
}

/* Remote: reach the service, pick the credential, send the OTP. */
static void
opening(struct app_sign_job *j, mc_time now)
{
	struct sign_error err = {SIGN_OK, ""};
	const char *why = NULL;

	j->net = net_new(&why);
	app_trust_net(j->a, j->net);
	if (j->net == NULL) {
		fail_all(j, SIGN_ERR_OFFLINE, why);
		finish(j);
		return;
	}
	j->signer = sign_remote_new(&(struct sign_remote_config){
		j->s_remote, j->bearer.value, j->net, ask, j});
	sign_secret_wipe(&j->bearer); /* the signer keeps its own copy */
	if (signer_open(j->signer, &err) != 0 ||
	    signer_pick_key(j->signer, j->s_credential, &j->key, &err) != 0 ||
	    signer_prepare(j->signer, j->key, n_files(j), &j->asks, &err) != 0) {
		fail_all_err(j, &err);
		finish(j);
		return;
	}
	if (j->asks & SIGNER_ASKS_OTP)
		j->otp_until = now + OTP_LIFE_S;
	j->step = (j->asks & SIGNER_ASKS_PIN)   ? APP_SIGN_NEED_PIN
		  : (j->asks & SIGNER_ASKS_OTP) ? APP_SIGN_NEED_OTP
						: APP_SIGN_SIGNING;
}

static void
signing(struct app_sign_job *j, mc_time now)
{
	struct sign_error err = {SIGN_OK, ""};
	const char *why = NULL;

	if (j->o.kind == APP_SIGNER_TOKEN) {
		j->signer = sign_pkcs11_new(&(struct sign_pkcs11_config){
			j->s_module, j->s_token, ask, j});
		if (signer_open(j->signer, &err) != 0 ||
		    signer_pick_key(j->signer, j->s_key, &j->key, &err) != 0) {
			fail_all_err(j, &err);
			finish(j);
			return;
		}
	}
	if (j->s_tsa != NULL && j->net == NULL) {
		j->net = net_new(&why); /* NULL: the TSA fails each file, said as such */
		app_trust_net(j->a, j->net);
	}
	sign_key_signer_name(j->key, j->signer_cn, sizeof j->signer_cn);
	if (j->plain != NULL)
		sign_files_ts(j->signer, j->key, j->plain, j->n, (time_t)now,
			      j->s_tsa != NULL ? &(struct sign_tsa){j->s_tsa, j->net} : NULL);
	else
		sign_return_run(j->a->store, j->signer, j->key,
				j->s_tsa != NULL ? &(struct sign_tsa){j->s_tsa, j->net} : NULL,
				j->items, j->n, (time_t)now);
	finish(j);
}

unsigned
app_sign_turn(struct app *a, mc_time now)
{
	struct app_sign_job *j = job_of(a);
	enum app_sign_step before;

	if (j == NULL)
		return 0;
	before = j->step;
	if (j->step == APP_SIGN_OPENING)
		opening(j, now);
	else if (j->step == APP_SIGN_SIGNING)
		signing(j, now);
	else if (j->step == APP_SIGN_NEED_OTP && now > j->otp_until) {
		fail_all(j, SIGN_ERR_CANCELLED, "the OTP ran out before it was typed");
		finish(j);
	}
	return j->step != before || before == APP_SIGN_TOKEN_WAIT ? APP_CHANGED_SIGNING : 0;
}

static char *
dup_or(const char *given, const char *fallback)
{
	return xstrdup_or_null(given != NULL ? given : fallback);
}

static struct app_sign_job *
job_new(struct app *a, const struct app_sign_options *o, size_t n)
{
	struct app_sign_job *j = xcalloc(1, sizeof *j);
	const char *env = getenv("MOTCUA_PKCS11_MODULE");

	a->sign_job = j;
	j->a = a;
	j->o = *o;
	j->s_module = dup_or(o->module, env != NULL && env[0] != '\0'
						? env
						: a->cfg.signing.pkcs11_module);
	j->s_token = dup_or(o->token, a->cfg.signing.token);
	j->s_key = dup_or(o->key, a->cfg.signing.key);
	j->s_remote = dup_or(o->remote_url, a->cfg.signing.remote_url);
	j->s_credential = dup_or(o->credential, a->cfg.signing.credential);
	j->s_tsa = o->no_timestamp ? NULL : dup_or(o->tsa_url, a->cfg.signing.tsa_url);
	j->n = n;
	j->files = xcalloc(n ? n : 1, sizeof *j->files);
	return j;
}

static int
busy_refusal(struct app *a, struct mc_err *err)
{
	mc_err_clear(err);
	if (a->sign_job != NULL && a->sign_job->step != APP_SIGN_DONE)
		return mc_err_set(err, MC_E_INTERNAL, NULL, "a signing is already under way");
	app_sign_end(a);
	return 0;
}

static int begin(struct app *a, struct app_sign_job *j);

int
app_sign_start(struct app *a, const struct app_sign_item *items, size_t n,
	       const struct app_sign_options *o, struct mc_err *err)
{
	struct app_sign_job *j;

	if (busy_refusal(a, err) != 0)
		return -1;
	app_config_signing_refresh(a);
	j = job_new(a, o, n);
	j->items = xcalloc(n ? n : 1, sizeof *j->items);
	for (size_t i = 0; i < n; i++) {
		j->files[i] = xcalloc(items[i].n_files + 1, sizeof **j->files);
		for (size_t k = 0; k < items[i].n_files; k++)
			j->files[i][k] = xstrdup(items[i].files[k]);
		j->items[i].code = xstrdup(items[i].code);
		j->items[i].files = (const char *const *)j->files[i];
		j->items[i].n_files = items[i].n_files;
	}
	if (sign_return_prepare(a->store, j->items, n) <= 0) {
		finish(j); /* every item refused before any secret */
		return 0;
	}
	return begin(a, j);
}

int
app_sign_files_start(struct app *a, const char *const *files, const char *const *outs,
		     size_t n, const struct app_sign_options *o, struct mc_err *err)
{
	struct app_sign_job *j;

	if (busy_refusal(a, err) != 0)
		return -1;
	app_config_signing_refresh(a);
	j = job_new(a, o, n);
	j->plain = xcalloc(n ? n : 1, sizeof *j->plain);
	j->plain_out = xcalloc(n ? n : 1, sizeof *j->plain_out);
	for (size_t i = 0; i < n; i++) {
		j->files[i] = xcalloc(2, sizeof **j->files);
		j->files[i][0] = xstrdup(files[i]);
		j->plain_out[i] = xstrdup(outs[i]);
		j->plain[i].path = j->files[i][0];
		j->plain[i].out_path = j->plain_out[i];
	}
	return begin(a, j);
}

/* The first step: the PIN for a token, the access token for a service. */
static int
begin(struct app *a, struct app_sign_job *j)
{
	const struct app_sign_options *o = &j->o;

	if (o->kind == APP_SIGNER_TOKEN) {
		if (j->s_module == NULL) {
			fail_all(j, SIGN_ERR_NO_MODULE, "no PKCS#11 module configured");
			finish(j);
		} else {
			j->step = APP_SIGN_NEED_PIN;
		}
		return 0;
	}
	if (j->s_remote == NULL) {
		fail_all(j, SIGN_ERR_REMOTE, "no remote signing service configured");
		finish(j);
		return 0;
	}
	if (o->access_token != NULL) {
		if (strlen(o->access_token) >= sizeof j->bearer.value) {
			fail_all(j, SIGN_ERR_UNAUTHORIZED, "the access token is too long");
			finish(j);
			return 0;
		}
		j->bearer.len = strlen(o->access_token);
		memcpy(j->bearer.value, o->access_token, j->bearer.len + 1);
		j->step = APP_SIGN_OPENING;
		return 0;
	}
	if (!a->have_session) {
		fail_all(j, SIGN_ERR_UNAUTHORIZED, "remote signing needs the sign-in");
		finish(j);
		return 0;
	}
	struct token_call *tc = xmalloc(sizeof *tc);
	tc->j = j;
	tc->alive = j->token_alive = xmalloc(sizeof *j->token_alive);
	*tc->alive = true;
	j->step = APP_SIGN_TOKEN_WAIT;
	auth_system_token(a->session.auth, APP_SIGNING_SYSTEM, on_token, tc); /* may answer now */
	return 0;
}

enum app_sign_step
app_sign_step(const struct app *a)
{
	return job_of(a) != NULL ? job_of(a)->step : APP_SIGN_IDLE;
}

bool
app_sign_busy(const struct app *a)
{
	enum app_sign_step s = app_sign_step(a);

	return s == APP_SIGN_OPENING || s == APP_SIGN_SIGNING;
}

int
app_sign_secret(struct app *a, const char *secret)
{
	struct app_sign_job *j = job_of(a);
	struct sign_secret *to;
	size_t len = secret != NULL ? strlen(secret) : 0;

	if (j == NULL || (j->step != APP_SIGN_NEED_PIN && j->step != APP_SIGN_NEED_OTP))
		return -1;
	if (len == 0 || len >= sizeof j->pin.value) {
		fail_all(j, SIGN_ERR_CANCELLED, len == 0 ? "nothing entered" : "too long");
		finish(j);
		return 0;
	}
	to = j->step == APP_SIGN_NEED_PIN ? &j->pin : &j->otp;
	to->len = len;
	memcpy(to->value, secret, len + 1);
	if (j->step == APP_SIGN_NEED_PIN && j->o.kind == APP_SIGNER_REMOTE &&
	    (j->asks & SIGNER_ASKS_OTP))
		j->step = APP_SIGN_NEED_OTP;
	else
		j->step = APP_SIGN_SIGNING;
	return 0;
}


size_t
app_sign_n_files(const struct app *a)
{
	return job_of(a) != NULL ? n_files(job_of(a)) : 0;
}

size_t
app_sign_results(const struct app *a, const struct app_sign_result **out)
{
	struct app_sign_job *j = job_of(a);

	if (j == NULL || j->step != APP_SIGN_DONE) {
		*out = NULL;
		return 0;
	}
	*out = j->results;
	return j->n;
}

const char *
app_sign_signer(const struct app *a)
{
	return job_of(a) != NULL ? job_of(a)->signer_cn : "";
}

