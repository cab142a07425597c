/*
 * cmd_logout.c - `motcua logout [--wipe [--force]]`: end the sign-in
 * everywhere we can, and on a shared terminal remove what the clerk leaves
 * behind.
 *
 * Revokes the refresh token at the provider when it answers (which ends every
 * token of that sign-in), then removes it from the keyring and wipes memory
 * whatever the provider said.  The sign-out is recorded in the audit log.
 *
 * With --wipe (or "shared_terminal": true in config.json) the local cache
 * goes too: the store with its -wal/-shm and its data key (sync/privacy.h).
 * Queued work is never lost silently: while the queue holds unsent actions,
 * or the audit log holds entries the server does not have yet (they are
 * shipped first, if the server answers), the wipe is refused - the tokens
 * are removed all the same - unless --force, which says what was lost and
 * records it as the first entry of the new, empty store's audit log, so the
 * server learns where the old chain ended (doc/security.md).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "auth/auth.h"
#include "auth/session.h"
#include "cli/cli.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "store/audit.h"
#include "store/outbox.h"
#include "outbox/audit_ship.h"
#include "app/env.h"
#include "app/privacy.h"

struct logout_state {
	bool done;
	enum auth_status status;
	char detail[256];
};

/* What a wipe would lose, and the old chain's position. */
struct wipe_plan {
	int64_t unsent;          /* queued actions not done */
	int64_t audit_waiting;   /* audit entries the server does not have */
	struct store_audit_state chain;
	char *db_path;
};

static void
on_done(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct logout_state *st = arg;

	(void)auth;
	st->done = true;
	st->status = status;
	snprintf(st->detail, sizeof st->detail, "%s", detail != NULL ? detail : "");
}

static bool
shared_terminal(const char *config_file)
{
	struct config_paths paths;
	struct config cfg;
	char *cause = NULL;
	bool yes;

	config_paths_init(&paths, config_file);
	config_init(&cfg);
	if (config_load(&cfg, paths.config_file, &cause, NULL, NULL) < 0)
		free(cause); /* defaults: not shared */
	yes = cfg.shared_terminal;
	config_release(&cfg);
	config_paths_release(&paths);
	return yes;
}

/*
 * Record the sign-out, ship the audit log while the tokens still work, and
 * count what a wipe would lose.  The store is closed on return.
 */
static int
prepare_wipe(const char *config_file, struct auth_session *s, bool have_session,
	     struct wipe_plan *plan)
{
	struct sync_env env;
	struct sync_env_options opt = {.config_file = config_file};
	struct sync_tokens tokens;
	struct audit_ship *ship = NULL;
	struct audit_ship_stats st;
	struct store_audit_record r = {.kind = STORE_AUDIT_SIGNOUT,
				       .details = "{\"wipe\":true}"};
	int64_t counts[STORE_OUTBOX_N_STATES];
	char *cause = NULL;
	int rc = -1;

	if (sync_env_open(&env, &opt, &cause) != 0) {
		cli_fail("logout", "%s", cause);
		goto out;
	}
	plan->db_path = xstrdup(env.db_path);
	if (store_audit_append(env.store, &r, (mc_time)time(NULL), NULL) != 0 ||
	    store_outbox_counts(env.store, counts) != 0) {
		cli_fail("logout", "%s", store_errmsg(env.store));
		goto out;
	}
	plan->unsent = 0;
	for (int i = 0; i < STORE_OUTBOX_N_STATES; i++)
		if (i != STORE_OUTBOX_DONE)
			plan->unsent += counts[i];
	if (have_session) {
		struct audit_ship_options o = {env.store, s->net, &tokens, s->issuer};

		sync_tokens_from_auth(&tokens, s->auth);
		ship = audit_ship_new(&o);
		if (ship != NULL) {
			audit_ship_run(ship, 15000, &st);
			if (st.error != NULL)
				fprintf(stderr, "motcua logout: %s\n", st.error);
			audit_ship_free(ship);
		}
	}
	if (store_audit_state(env.store, &plan->chain) != 0) {
		cli_fail("logout", "%s", store_errmsg(env.store));
		goto out;
	}
	plan->audit_waiting = plan->chain.head_seq - plan->chain.shipped_seq;
	rc = 0;
out:
	free(cause);
	sync_env_release(&env);
	return rc;
}

/* The new store's first audit entry: where the old chain ended, what was lost. */
static void
record_wipe(const char *config_file, const struct wipe_plan *plan)
{
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I}", "previous_chain", plan->chain.chain,
			      "previous_head", (json_int_t)plan->chain.head_seq,
			      "previous_shipped", (json_int_t)plan->chain.shipped_seq,
			      "lost_actions", (json_int_t)plan->unsent, "lost_audit_entries",
			      (json_int_t)plan->audit_waiting);
	char *details = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	cli_audit_note(config_file, NULL, "wipe", NULL,
		       plan->unsent + plan->audit_waiting > 0 ? "logout --wipe --force"
							      : "logout --wipe",
		       details);
	free(details);
	json_decref(o);
}

static int
sign_out(struct auth_session *s, bool have_session)
{
	struct logout_state st = {0};

	if (!have_session)
		return CLI_OK;
	auth_sign_out(s->auth, on_done, &st);
	if (auth_session_wait(s, &st.done) != 0)
		return cli_fail("logout", "network layer failed");
	if (st.status == AUTH_OK) {
		printf("Đã đăng xuất (signed out)%s\n",
		       strcmp(st.detail, "nothing stored") == 0
			       ? "; không có phiên nào được lưu (nothing was stored)" : "");
	} else if (st.status == AUTH_OFFLINE) {
		printf("Đã xóa token trên máy này (signed out here)\n");
		fprintf(stderr, "motcua logout: %s\n", st.detail);
	} else {
		return cli_fail("logout", "%s%s%s", auth_status_message(st.status),
				st.detail[0] != '\0' ? " " : "", st.detail);
	}
	return CLI_OK;
}

int
cmd_logout(int argc, char **argv)
{
	const char *issuer = NULL, *client_id = NULL, *config_file = NULL;
	bool wipe = false, force = false, have_session;
	struct wipe_plan plan = {0};
	struct auth_session s;
	char *cause = NULL;
	int rc = CLI_OK, out_rc;

	auth_json_wipe_on_free();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc)
			client_id = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else if (strcmp(argv[i], "--wipe") == 0)
			wipe = true;
		else if (strcmp(argv[i], "--force") == 0)
			force = true;
		else
			return cli_usage_error("logout", "unexpected argument '%s'", argv[i]);
	}
	if (force && !wipe)
		return cli_usage_error("logout", "--force only goes with --wipe");
	wipe = wipe || shared_terminal(config_file);
	have_session = auth_session_open(&s, issuer, client_id, &cause) == 0;
	if (!have_session && !wipe) {
		rc = cli_fail("logout", "%s", cause);
		goto out;
	}
	if (!have_session) /* no provider: the local part still goes */
		fprintf(stderr, "motcua logout: %s\n", cause);
	if (!wipe) {
		cli_audit_note(config_file, NULL, STORE_AUDIT_SIGNOUT, NULL, NULL, "{}");
		rc = sign_out(&s, have_session);
		goto out;
	}
	if (prepare_wipe(config_file, &s, have_session, &plan) != 0) {
		rc = CLI_FAIL;
		goto out;
	}
	if ((plan.unsent > 0 || plan.audit_waiting > 0) && !force) {
		char details[96];

		snprintf(details, sizeof details, "{\"unsent\":%" PRId64 ",\"audit_waiting\":%" PRId64
			 "}", plan.unsent, plan.audit_waiting);
		cli_audit_note(config_file, NULL, STORE_AUDIT_WIPE_REFUSED, NULL, NULL, details);
		sign_out(&s, have_session);
		rc = cli_fail("logout", "the local cache was NOT removed: %" PRId64 " queued "
			      "action(s) not sent yet and %" PRId64 " audit entr%s not yet on the "
			      "server (dữ liệu trên máy chưa bị xóa vì còn việc chưa gửi). Connect "
			      "and run 'motcua sync', then 'motcua logout --wipe'; or 'motcua logout "
			      "--wipe --force' to lose them", plan.unsent, plan.audit_waiting,
			      plan.audit_waiting == 1 ? "y" : "ies");
		goto out;
	}
	out_rc = sign_out(&s, have_session);
	if (privacy_wipe(plan.db_path, &cause) != 0) {
		rc = cli_fail("logout", "%s", cause);
		goto out;
	}
	if (plan.unsent + plan.audit_waiting > 0)
		fprintf(stderr, "motcua logout: --force: %" PRId64 " queued action(s) and %" PRId64
			" audit entr%s were lost (đã mất)\n", plan.unsent, plan.audit_waiting,
			plan.audit_waiting == 1 ? "y" : "ies");
	record_wipe(config_file, &plan);
	printf("Đã xóa dữ liệu trên máy (local cache removed)\n");
	rc = out_rc;
out:
	free(cause);
	free(plan.db_path);
	auth_session_release(&s);
	return rc;
}
