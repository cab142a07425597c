/*
 * cmd_act.c - `motcua act CODE ACTION [--reason TEXT] [--to UNIT]
 * [--file PATH ...] [--via SYSTEM] [--json]`: queue one action on a cached
 * dossier, with its optimistic effect, in one transaction (app_act, over outbox/outbox.h).
 *
 * `motcua act CODE return-result --file F [--file G ...] --sign` signs the
 * result files first (app/sign_return.h): checked before the PIN is asked,
 * copied into the data folder's results/<code>/, signed in one batch with
 * the token or remote signer of `motcua sign` (the same options, read
 * by cli_sign.c), stamped by the time-stamping authority of --tsa URL or
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

#include <jansson.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/words.h"

struct signer_args {
	struct app_sign_options o;
	int pin_fd, otp_fd, access_token_fd;
};

/* Print what was signed (quiet: not, for --json); fail with the item's
 * reason unless it was queued. */
static int
sign_report(const struct app_sign_result *r, bool quiet)
{
	char buf[1280];

	if (r->outcome == APP_SIGN_QUEUED) {
		for (size_t i = 0; !quiet && i < r->n_files; i++)
			cli_printf(stdout, _("Signed: %s -> %s\n"), r->in[i], r->out[2 * i + 1]);
		return CLI_OK;
	}
	if (r->outcome == APP_SIGN_FAILED && r->sign_error == APP_SIGN_E_TSA)
		fprintf(stderr, "motcua act: %s\n",
			_("to sign without a timestamp (offline), add --no-timestamp"));
	if (r->outcome == APP_SIGN_FAILED)
		return cli_fail("act", _("nothing signed or queued: %s%s%s"),
				cli_words_sign(r->sign_error, buf, sizeof buf),
				r->sign_detail[0] != '\0' ? ": " : "",
				r->sign_detail);
	if (r->outcome == APP_SIGN_NOT_QUEUED)
		return cli_fail("act", _("signed, not queued: %s"),
				cli_words_err(&r->err, buf, sizeof buf));
	return cli_fail("act", "%s", cli_words_err(&r->err, buf, sizeof buf));
}

/*
 * --sign: check before any PIN, open the signer, sign and queue (the app's
 * signing job).  *id is the entry on CLI_OK.
 */
static int
sign_and_queue(struct app *app, const struct app_action *act, struct signer_args *sa,
	       bool quiet, int64_t *id)
{
	struct app_sign_item item = {act->code, act->files, act->n_files};
	const struct app_sign_result *r;
	struct app_secret token;
	struct mc_err err;
	int rc;

	if (act->action != ACTION_RETURN_RESULT)
		return cli_usage_error("act", _("--sign goes with return-result"));
	if (act->reason != NULL || act->to_unit != NULL || act->via != NULL)
		return cli_usage_error("act", _("--sign takes no --reason, --to or --via"));
	if (sa->o.kind == APP_SIGNER_REMOTE && sa->access_token_fd >= 0) {
		if (app_secret_read(sa->access_token_fd, NULL, &token) != 0)
			return cli_fail("act", _("cannot read the access token from fd %d"),
					sa->access_token_fd);
		sa->o.access_token = token.value;
	}
	rc = app_sign_start(app, &item, 1, &sa->o, &err);
	app_secret_wipe(&token);
	sa->o.access_token = NULL;
	if (rc != 0)
		return cli_fail_err("act", &err);
	cli_sign_drive(app, sa->pin_fd, sa->otp_fd);
	if (app_sign_results(app, &r) != 1)
		return cli_fail("act", "%s", _("nothing signed or queued"));
	rc = sign_report(&r[0], quiet);
	*id = r[0].entry;
	app_sign_end(app);
	return rc;
}

int
cmd_act(int argc, char **argv)
{
	struct app_action req = {0};
	const char *config_file = NULL, *action = NULL;
	const char **files = xcalloc((size_t)argc + 1, sizeof *files);
	bool json = false, sign = false, no_timestamp = false, env_token;
	const char *tsa_url = NULL;
	struct signer_args sa = {.pin_fd = -1, .otp_fd = -1, .access_token_fd = -1};
	struct app_sign_options *so = &sa.o;
	struct store_outbox_entry e = {0};
	struct app *app = NULL;
	struct mc_err err;
	int64_t id = 0;
	int rc = CLI_FAIL, pos = 0;

	cli_lang_init(NULL); /* usage errors in the clerk's language too */
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
			so->module = argv[++i];
		else if (strcmp(a, "--token") == 0 && has)
			so->token = argv[++i];
		else if (strcmp(a, "--key") == 0 && has)
			so->key = argv[++i];
		else if (strcmp(a, "--remote") == 0 && has)
			so->remote_url = argv[++i];
		else if (strcmp(a, "--credential") == 0 && has)
			so->credential = argv[++i];
		else if (strcmp(a, "--tsa") == 0 && has)
			tsa_url = argv[++i];
		else if (strcmp(a, "--no-timestamp") == 0)
			no_timestamp = true;
		else if ((strcmp(a, "--pin-fd") == 0 || strcmp(a, "--otp-fd") == 0 ||
			  strcmp(a, "--access-token-fd") == 0) && has) {
			int *fd = a[2] == 'p' ? &sa.pin_fd : a[2] == 'o' ? &sa.otp_fd
								: &sa.access_token_fd;
			if (cli_parse_fd(argv[++i], fd) != 0) {
				free(files);
				return cli_usage_error("act", _("'%s' is not a file descriptor"),
						       argv[i]);
			}
		}
		else if (a[0] == '-' && a[1] != '\0') {
			free(files);
			return cli_usage_error("act", _("unknown or incomplete option '%s'"), a);
		} else if (pos == 0) {
			req.code = a;
			pos++;
		} else if (pos == 1) {
			action = a;
			pos++;
		} else {
			free(files);
			return cli_usage_error("act", _("unexpected argument '%s'"), a);
		}
	}
	if (pos < 2) {
		free(files);
		return cli_usage_error("act", _("give a dossier code and an action"));
	}
	req.action = action_from_name(action);
	if (req.action == ACTION_NONE) {
		free(files);
		return cli_usage_error("act", _("unknown action '%s' (receive, refuse, "
						"request-supplement, supplement-received, forward, "
						"approve, request-payment, stop, return-result, "
						"withdraw)"), action);
	}
	if (!sign && (so->module != NULL || so->token != NULL || so->key != NULL ||
		      so->remote_url != NULL || so->credential != NULL || sa.pin_fd >= 0 ||
		      sa.otp_fd >= 0 || sa.access_token_fd >= 0 || tsa_url != NULL ||
		      no_timestamp)) {
		free(files);
		return cli_usage_error("act", _("signer options go with --sign"));
	}
	if (tsa_url != NULL && no_timestamp) {
		free(files);
		return cli_usage_error("act", _("--tsa and --no-timestamp exclude each other"));
	}
	if (tsa_url != NULL && strncmp(tsa_url, "http://", 7) != 0 &&
	    strncmp(tsa_url, "https://", 8) != 0) {
		free(files);
		return cli_usage_error("act", _("--tsa wants an http:// or https:// URL, not '%s'"),
				       tsa_url);
	}
	if (so->remote_url != NULL && (so->module != NULL || so->token != NULL)) {
		free(files);
		return cli_usage_error("act", _("--remote and --module/--token exclude each other"));
	}
	req.files = files;
	so->tsa_url = tsa_url;
	so->no_timestamp = no_timestamp;
	rc = cli_app_open("act", config_file, NULL, sign ? APP_SIGN_IN : 0, &app);
	if (rc != 0) {
		free(files);
		return rc;
	}
	if (sign) {
		bool can_token, can_remote;
		/* the remote service unless a token was named (the command line,
		 * $MOTCUA_PKCS11_MODULE, config.json), as `motcua sign` decides */
		app_sign_kinds(app, &can_token, &can_remote);
		env_token = getenv("MOTCUA_PKCS11_MODULE") != NULL &&
			    getenv("MOTCUA_PKCS11_MODULE")[0] != '\0';
		so->kind = so->remote_url != NULL ? APP_SIGNER_REMOTE
			   : so->module != NULL || env_token ||
					   app_config(app)->signing.pkcs11_module != NULL
				   ? APP_SIGNER_TOKEN
			   : can_remote ? APP_SIGNER_REMOTE
					: APP_SIGNER_TOKEN;
		if (so->kind == APP_SIGNER_TOKEN && !can_token && so->module == NULL) {
			rc = cli_usage_error("act", _("no PKCS#11 module: give --module PATH "
						      "(or set MOTCUA_PKCS11_MODULE)"));
			goto out;
		}
		rc = sign_and_queue(app, &req, &sa, json, &id);
		if (rc != CLI_OK)
			goto out;
	} else if (app_act(app, &req, &id, &err) != 0) {
		/* what the command line lacks is bad usage; what the dossier's
		 * state refuses is a failure */
		rc = err.code == MC_E_UNKNOWN_ACTION ? cli_usage_err("act", &err)
		     : err.code == MC_E_NEED_REASON || err.code == MC_E_NEED_TARGET
			     ? cli_refuse_err("act", &err)
			     : cli_fail_err("act", &err);
		goto out;
	}
	if (app_queue_get(app, id, &e) != 0) {
		rc = cli_fail("act", "%s", app_store_error(app));
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
		cli_printf(stdout,
			   _("queued #%lld: %s %s via %s (%s -> %s); 'motcua sync' sends it\n"),
			   (long long)id, action_name(e.action), e.code, e.source,
			   words_status(e.base_status), words_status(e.target_status));
	}
	rc = CLI_OK;
out:
	app_queue_entry_release(&e);
	free(files);
	app_close(app);
	return rc;
}
