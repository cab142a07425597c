/*
 * cmd_act.c - `motcua act CODE ACTION [--reason TEXT] [--to UNIT]
 * [--file PATH ...] [--via SYSTEM] [--json]`: queue one action on a cached
 * dossier, with its optimistic effect, in one transaction (sync/outbox.h).
 *
 * `motcua act CODE return-result --file F [--file G ...] --sign` signs the
 * result files first (sync/sign_return.h): checked before the PIN is asked,
 * copied into the data folder's results/<code>/, signed in one batch with
 * the token or remote signer of `motcua sign` (the same options, from
 * cli/signer.h), stamped by the time-stamping authority of --tsa URL or
 * config.json's signing.tsa_url unless --no-timestamp (RFC 3161, as in
 * `motcua sign`), then queued with their .p7s.  A failed signing (the
 * timestamp included) queues nothing.
 *
 * Nothing is sent here: `motcua sync` (or `motcua queue send`, or the
 * console's loop) replays the queue.  Exit 1 for a refused action (not
 * allowed from the status, no such dossier, missing reason, unreadable
 * file) with the reason on one line, 2 for bad usage.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "app/signer.h"
#include "auth/auth.h"
#include "core/xalloc.h"
#include "store/outbox.h"
#include "app/env.h"
#include "outbox/outbox.h"
#include "app/sign_return.h"

/* Print what was signed (quiet: not, for --json); fail with the item's
 * cause unless it was queued. */
static int
sign_report(const struct sign_return_item *it, bool quiet)
{
	if (it->state == SIGN_RETURN_QUEUED) {
		for (size_t i = 0; !quiet && i + 1 < it->n_out; i += 2)
			printf("Đã ký (signed): %s -> %s\n", it->files[i / 2], it->out[i + 1]);
		return CLI_OK;
	}
	if (it->state == SIGN_RETURN_SIGN_FAILED && it->err.status == SIGN_ERR_TSA)
		fprintf(stderr, "motcua act: để ký không có dấu thời gian (khi mất mạng), thêm "
				"--no-timestamp (to sign without a timestamp, e.g. offline, add "
				"--no-timestamp)\n");
	return cli_fail("act", "%s%s", it->state == SIGN_RETURN_REFUSED ? ""
				  : it->state == SIGN_RETURN_SIGN_FAILED
					  ? "chưa ký, chưa đưa vào hàng đợi (nothing signed or "
					    "queued): "
					  : "đã ký nhưng không đưa vào hàng đợi (signed, not "
					    "queued): ",
			it->cause != NULL ? it->cause : "?");
}

/*
 * --sign: check before any PIN, open the signer, sign and queue.  *id is
 * the entry on CLI_OK.
 */
static int
sign_and_queue(struct sync_env *env, const struct outbox_act_request *req,
	       struct cli_signer_opts *so, const char *tsa_url, bool no_timestamp,
	       const char *config_file, bool quiet, int64_t *id)
{
	struct sign_return_item it = {.code = req->code, .files = req->files,
				      .n_files = req->n_files};
	struct config cfg;
	struct cli_signer_ask ask;
	struct sign_secret bearer;
	struct sign_error err = {SIGN_OK, ""};
	struct signer *signer = NULL;
	struct net *net = NULL;
	const struct sign_key *key = NULL;
	int rc = CLI_FAIL;

	memset(&bearer, 0, sizeof bearer);
	config_init(&cfg);
	if (action_from_name(req->action) != ACTION_RETURN_RESULT) {
		rc = cli_usage_error("act", "--sign goes with return-result");
		goto out;
	}
	if (req->reason != NULL || req->to_unit != NULL || req->via != NULL) {
		rc = cli_usage_error("act", "--sign takes no --reason, --to or --via");
		goto out;
	}
	if (sign_return_prepare(env->store, &it, 1) != 1) {
		rc = sign_report(&it, quiet); /* refused before any PIN */
		goto out;
	}
	config_release(&cfg);
	cli_signer_apply_config("act", config_file, so, &cfg);
	ask.pin_fd = so->pin_fd;
	ask.otp_fd = so->otp_fd;
	signer = cli_signer_make("act", so, &ask, &net, &bearer, &rc);
	if (signer == NULL)
		goto out;
	if (tsa_url == NULL && !no_timestamp)
		tsa_url = cfg.signing.tsa_url; /* config.json's TSA unless told otherwise */
	if (tsa_url != NULL && net == NULL) {
		const char *cause = NULL;
		net = net_new(&cause);
		if (net == NULL) {
			rc = cli_fail("act", "%s", cause != NULL ? cause : "no network");
			goto out;
		}
	}
	struct sign_tsa tsa = {tsa_url, net};
	if (signer_open(signer, &err) != 0 ||
	    signer_pick_key(signer, so->remote != NULL ? so->credential : so->key, &key, &err) != 0)
		sign_return_fail_all(&it, 1, &err);
	else
		sign_return_run(env->store, signer, key, tsa_url != NULL ? &tsa : NULL, &it, 1,
				time(NULL));
	rc = sign_report(&it, quiet);
	*id = it.entry;
out:
	signer_close(signer);
	sign_secret_wipe(&bearer);
	net_free(net);
	sign_return_item_release(&it);
	config_release(&cfg);
	return rc;
}

int
cmd_act(int argc, char **argv)
{
	struct outbox_act_request req = {0};
	const char *config_file = NULL;
	const char **files = xcalloc((size_t)argc + 1, sizeof *files);
	bool json = false, sign = false, no_timestamp = false;
	const char *tsa_url = NULL;
	struct cli_signer_opts so = CLI_SIGNER_OPTS_INIT;
	struct sync_env env;
	struct sync_env_options opt = {0};
	struct store_outbox_entry e = {0};
	enum outbox_act_result res;
	int64_t id = 0;
	char *cause = NULL;
	int rc = CLI_FAIL, pos = 0;
	bool env_open = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc;

		if (strcmp(a, "--reason") == 0 && has)
			req.reason = argv[++i];
		else if (strcmp(a, "--to") == 0 && has)
			req.to_unit = argv[++i];
		else if (strcmp(a, "--file") == 0 && has)
			files[req.n_files++] = argv[++i];
		else if (strcmp(a, "--via") == 0 && has)
			req.via = argv[++i];
		else if (strcmp(a, "--config") == 0 && has)
			config_file = argv[++i];
		else if (strcmp(a, "--json") == 0)
			json = true;
		else if (strcmp(a, "--sign") == 0)
			sign = true;
		else if (strcmp(a, "--module") == 0 && has)
			so.module = argv[++i];
		else if (strcmp(a, "--token") == 0 && has)
			so.token = argv[++i];
		else if (strcmp(a, "--key") == 0 && has)
			so.key = argv[++i];
		else if (strcmp(a, "--remote") == 0 && has)
			so.remote = argv[++i];
		else if (strcmp(a, "--credential") == 0 && has)
			so.credential = argv[++i];
		else if (strcmp(a, "--tsa") == 0 && has)
			tsa_url = argv[++i];
		else if (strcmp(a, "--no-timestamp") == 0)
			no_timestamp = true;
		else if ((strcmp(a, "--pin-fd") == 0 || strcmp(a, "--otp-fd") == 0 ||
			  strcmp(a, "--access-token-fd") == 0) && has) {
			int *fd = a[2] == 'p' ? &so.pin_fd : a[2] == 'o' ? &so.otp_fd
								: &so.access_token_fd;
			if (cli_parse_fd(argv[++i], fd) != 0) {
				free(files);
				return cli_usage_error("act", "'%s' is not a file descriptor",
						       argv[i]);
			}
		}
		else if (a[0] == '-' && a[1] != '\0') {
			free(files);
			return cli_usage_error("act", "unknown or incomplete option '%s'", a);
		} else if (pos == 0) {
			req.code = a;
			pos++;
		} else if (pos == 1) {
			req.action = a;
			pos++;
		} else {
			free(files);
			return cli_usage_error("act", "unexpected argument '%s'", a);
		}
	}
	if (pos < 2) {
		free(files);
		return cli_usage_error("act", "give a dossier code and an action");
	}
	if (action_from_name(req.action) == ACTION_NONE) {
		free(files);
		return cli_usage_error("act", "unknown action '%s' (receive, refuse, "
					      "request-supplement, supplement-received, forward, "
					      "approve, request-payment, stop, return-result, "
					      "withdraw)", req.action);
	}
	if (!sign && (so.module != NULL || so.token != NULL || so.key != NULL ||
		      so.remote != NULL || so.credential != NULL || so.pin_fd >= 0 ||
		      so.otp_fd >= 0 || so.access_token_fd >= 0 || tsa_url != NULL ||
		      no_timestamp)) {
		free(files);
		return cli_usage_error("act", "signer options go with --sign");
	}
	if (tsa_url != NULL && no_timestamp) {
		free(files);
		return cli_usage_error("act", "--tsa and --no-timestamp exclude each other");
	}
	if (tsa_url != NULL && strncmp(tsa_url, "http://", 7) != 0 &&
	    strncmp(tsa_url, "https://", 8) != 0) {
		free(files);
		return cli_usage_error("act", "--tsa wants an http:// or https:// URL, not '%s'",
				       tsa_url);
	}
	if (so.remote != NULL && (so.module != NULL || so.token != NULL)) {
		free(files);
		return cli_usage_error("act", "--remote and --module/--token exclude each other");
	}
	req.files = files;
	opt.config_file = config_file;
	env_open = true; /* released either way */
	if (sync_env_open(&env, &opt, &cause) != 0) {
		rc = cli_fail("act", "%s", cause);
		goto out;
	}
	if (sign) {
		auth_json_wipe_on_free(); /* the OTP, the SAD and tokens pass through JSON */
		rc = sign_and_queue(&env, &req, &so, tsa_url, no_timestamp, config_file, json, &id);
		if (rc != CLI_OK)
			goto out;
	} else if ((res = outbox_act(env.store, &req, (mc_time)time(NULL), &id, &cause)) !=
		   OUTBOX_ACT_OK) {
		rc = cli_fail("act", "%s", cause != NULL ? cause : "failed");
		goto out;
	}
	if (store_outbox_get(env.store, id, &e) != 0) {
		rc = cli_fail("act", "%s", store_errmsg(env.store));
		goto out;
	}
	if (json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:i,s:i,s:s}", "id", (json_int_t)id,
				      "code", e.code, "source", e.source, "action",
				      action_name(e.action), "from", e.base_status, "to",
				      e.target_status, "state", "pending");
		char *text = json_dumps(o, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
		json_decref(o);
	} else {
		printf("queued #%" PRId64 ": %s %s via %s (%s -> %s); 'motcua sync' sends it\n", id,
		       action_name(e.action), e.code, e.source, status_label_vi(e.base_status),
		       status_label_vi(e.target_status));
	}
	rc = CLI_OK;
out:
	store_outbox_entry_release(&e);
	free(cause);
	free(files);
	if (env_open)
		sync_env_release(&env);
	return rc;
}
