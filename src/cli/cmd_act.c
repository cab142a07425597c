/*
 * cmd_act.c - `motcua act CODE ACTION [--reason TEXT] [--to UNIT]
 * [--file PATH ...] [--via SYSTEM] [--json]`: queue one action on a cached
 * dossier, with its optimistic effect, in one transaction (sync/outbox.h).
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
#include "core/xalloc.h"
#include "store/outbox.h"
#include "sync/env.h"
#include "sync/outbox.h"

int
cmd_act(int argc, char **argv)
{
	struct outbox_act_request req = {0};
	const char *config_file = NULL;
	const char **files = xcalloc((size_t)argc + 1, sizeof *files);
	bool json = false;
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
	req.files = files;
	opt.config_file = config_file;
	env_open = true; /* released either way */
	if (sync_env_open(&env, &opt, &cause) != 0) {
		rc = cli_fail("act", "%s", cause);
		goto out;
	}
	res = outbox_act(env.store, &req, (mc_time)time(NULL), &id, &cause);
	if (res != OUTBOX_ACT_OK) {
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
