/*
 * cmd_queue.c - `motcua queue [--json] [--all]`, `queue retry ID`,
 * `queue drop ID [--yes]` and `queue send [--source S] [--wait SECONDS]
 * [--json]`: look at the offline queue, decide on conflicts, and replay it
 * without a pull.  Also cli_outbox_send(), the replay as `motcua sync` runs
 * it after its pass.
 *
 * The queue's logic is sync/outbox*.h; this file parses, confirms, prints.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "store/outbox.h"
#include "app/env.h"
#include "outbox/outbox.h"
#include "outbox/outbox_replay.h"

struct send_ctx {
	struct sync_env *env;
	const char *only;
	bool quiet;
};

static struct source *
find_source(void *arg, const char *name)
{
	struct send_ctx *c = arg;

	if (c->only != NULL && strcmp(c->only, name) != 0)
		return NULL;
	for (size_t i = 0; c->env->sync != NULL && i < sync_n_sources(c->env->sync); i++) {
		struct source *src = sync_source(c->env->sync, i);
		if (strcmp(src->name, name) == 0)
			return src;
	}
	return NULL;
}

static void
send_log(void *ctx, const char *line)
{
	struct send_ctx *c = ctx;

	if (!c->quiet)
		fprintf(stderr, "motcua: %s\n", line);
}

/* queue send --backoff-cap; 0: the replay's default */
static uint64_t backoff_cap_ms;

int
cli_outbox_send(struct sync_env *env, const char *only, int64_t max_wait_ms, bool quiet,
		struct outbox_replay_stats *stats, int64_t *remaining)
{
	struct send_ctx c = {env, only, quiet};
	struct outbox_replay_options o = {
		.store = env->store,
		.net = env->net,
		.find_source = find_source,
		.find_arg = &c,
		.tokens = env->have_session ? &env->tokens : NULL,
		.log = send_log,
		.log_ctx = &c,
		.backoff_cap_ms = backoff_cap_ms,
	};
	struct outbox_replay *r;
	int64_t counts[STORE_OUTBOX_N_STATES];
	int rc;

	r = outbox_replay_new(&o);
	rc = outbox_replay_run(r, max_wait_ms);
	outbox_replay_get_stats(r, stats);
	outbox_replay_free(r);
	/* a pull may have written servers' copies over queued effects */
	(void)store_outbox_reapply_all(env->store);
	*remaining = 0;
	if (store_outbox_counts(env->store, counts) != 0)
		return -1;
	*remaining = counts[STORE_OUTBOX_PENDING] + counts[STORE_OUTBOX_SENDING];
	return rc;
}

static int
parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static void
list_json(const struct store_outbox_entry *v, size_t n)
{
	json_t *arr = json_array();
	char *text;

	for (size_t i = 0; i < n; i++) {
		const struct store_outbox_entry *e = &v[i];
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:s?,s:i,s:i,s:I,s:I}", "id",
				      (json_int_t)e->id, "dossier", e->code, "source", e->source,
				      "action", action_name(e->action), "state",
				      store_outbox_state_name(e->state), "attempts", e->attempts,
				      "last_error", e->last_error, "base_status", e->base_status,
				      "target_status", e->target_status, "created_at",
				      (json_int_t)e->created_at, "next_at", (json_int_t)e->next_at);
		if (e->state == STORE_OUTBOX_CONFLICT || e->state == STORE_OUTBOX_FAILED) {
			json_object_set_new(o, "server_status", json_integer(e->server_status));
			if (e->server_version != NULL)
				json_object_set_new(o, "server_version",
						    json_string(e->server_version));
		}
		json_array_append_new(arr, o);
	}
	text = json_dumps(arr, JSON_COMPACT);
	printf("%s\n", text);
	free(text);
	json_decref(arr);
}

static void
list_human(const struct store_outbox_entry *v, size_t n)
{
	if (n == 0) {
		printf("hàng đợi trống (the queue is empty)\n");
		return;
	}
	printf("%6s  %-22s %-8s %-20s %-9s %3s  %s\n", "id", "dossier", "via", "action", "state",
	       "try", "last error");
	for (size_t i = 0; i < n; i++) {
		const struct store_outbox_entry *e = &v[i];
		printf("%6" PRId64 "  %-22s %-8s %-20s %-9s %3d  %s\n", e->id, e->code, e->source,
		       action_name(e->action), store_outbox_state_name(e->state), e->attempts,
		       e->last_error != NULL ? e->last_error : "");
		if (e->state == STORE_OUTBOX_CONFLICT || e->state == STORE_OUTBOX_FAILED)
			printf("        %s: '%s' -> '%s'; máy chủ: '%s'%s%s; "
			       "motcua queue retry|drop %" PRId64 "\n",
			       e->state == STORE_OUTBOX_CONFLICT ? "xung đột" : "bị từ chối",
			       status_label_vi(e->base_status), status_label_vi(e->target_status),
			       status_label_vi(e->server_status),
			       e->server_version != NULL ? ", phiên bản " : "",
			       e->server_version != NULL ? e->server_version : "", e->id);
	}
}

/* y/N on the terminal; true only for an explicit yes. */
static bool
confirm(const char *question)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char line[32];
	bool yes = false;

	if (tty == NULL)
		return false;
	fprintf(tty, "%s [y/N] ", question);
	fflush(tty);
	if (fgets(line, sizeof line, tty) != NULL)
		yes = line[0] == 'y' || line[0] == 'Y' || line[0] == 'c' || line[0] == 'C';
	fclose(tty);
	return yes;
}

static int
do_send(struct sync_env *env, const char *only, int64_t wait_ms, bool json)
{
	struct outbox_replay_stats st;
	int64_t remaining = 0, counts[STORE_OUTBOX_N_STATES];
	int rc = cli_outbox_send(env, only, wait_ms, json, &st, &remaining);

	if (rc < 0)
		return cli_fail("queue", "%s", store_errmsg(env->store));
	if (store_outbox_counts(env->store, counts) != 0)
		return cli_fail("queue", "%s", store_errmsg(env->store));
	if (json) {
		json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "applied",
				      (json_int_t)st.applied, "conflicts", (json_int_t)st.conflicts,
				      "failed", (json_int_t)st.failed, "retries",
				      (json_int_t)st.retries, "sends", (json_int_t)st.sends, "probes",
				      (json_int_t)st.probes, "uploads", (json_int_t)st.uploads,
				      "upload_resumed", (json_int_t)st.upload_resumed, "requests",
				      (json_int_t)st.requests, "bytes_in", (json_int_t)st.bytes_in,
				      "bytes_out", (json_int_t)st.bytes_out, "remaining",
				      (json_int_t)remaining);
		json_object_set_new(o, "conflicts_open",
				    json_integer(counts[STORE_OUTBOX_CONFLICT]));
		json_object_set_new(o, "failed_open", json_integer(counts[STORE_OUTBOX_FAILED]));
		char *text = json_dumps(o, JSON_COMPACT);
		printf("%s\n", text);
		free(text);
		json_decref(o);
	} else {
		printf("sent: %" PRIu64 " applied, %" PRIu64 " conflict(s), %" PRIu64
		       " refused; %" PRId64 " waiting; %" PRIu64 " B out, %" PRIu64 " B in\n",
		       st.applied, st.conflicts, st.failed, remaining, st.bytes_out, st.bytes_in);
	}
	return remaining > 0 ? CLI_FAIL : CLI_OK;
}

int
cmd_queue(int argc, char **argv)
{
	const char *config_file = NULL, *only = NULL, *verb = NULL, *arg = NULL;
	bool json = false, all = false, yes = false, env_open = false;
	int64_t wait_s = 120, id = 0;
	struct sync_env env;
	struct sync_env_options opt = {0};
	char *cause = NULL;
	int rc = CLI_FAIL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has = i + 1 < argc;

		if (strcmp(a, "--json") == 0)
			json = true;
		else if (strcmp(a, "--all") == 0)
			all = true;
		else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0)
			yes = true;
		else if (strcmp(a, "--source") == 0 && has)
			only = argv[++i];
		else if (strcmp(a, "--config") == 0 && has)
			config_file = argv[++i];
		else if (strcmp(a, "--backoff-cap") == 0 && has) {
			int64_t cap;
			if (parse_id(argv[++i], &cap) != 0 || cap > 3600)
				return cli_usage_error("queue", "--backoff-cap takes 1..3600 seconds");
			backoff_cap_ms = (uint64_t)cap * 1000;
		} else if (strcmp(a, "--wait") == 0 && has) {
			if (parse_id(argv[++i], &wait_s) != 0 && strcmp(argv[i], "0") != 0)
				return cli_usage_error("queue", "--wait takes seconds");
			if (strcmp(argv[i], "0") == 0)
				wait_s = 0;
		} else if (a[0] == '-')
			return cli_usage_error("queue", "unknown or incomplete option '%s'", a);
		else if (verb == NULL)
			verb = a;
		else if (arg == NULL)
			arg = a;
		else
			return cli_usage_error("queue", "unexpected argument '%s'", a);
	}
	if (verb != NULL && strcmp(verb, "retry") != 0 && strcmp(verb, "drop") != 0 &&
	    strcmp(verb, "send") != 0 && strcmp(verb, "list") != 0)
		return cli_usage_error("queue", "unknown subcommand '%s'", verb);
	if (verb != NULL && (strcmp(verb, "retry") == 0 || strcmp(verb, "drop") == 0) &&
	    parse_id(arg, &id) != 0)
		return cli_usage_error("queue", "%s takes an entry id", verb);
	if (verb != NULL && (strcmp(verb, "send") == 0 || strcmp(verb, "list") == 0) &&
	    arg != NULL)
		return cli_usage_error("queue", "unexpected argument '%s'", arg);
	if (verb != NULL && strcmp(verb, "drop") == 0 && !yes && !isatty(STDIN_FILENO))
		return cli_usage_error("queue", "drop asks on a terminal; use --yes in scripts");

	opt.config_file = config_file;
	if (verb != NULL && strcmp(verb, "send") == 0) {
		opt.sign_in = true;
		opt.sources = true;
		opt.cal = cli_open_calendar(NULL);
	}
	env_open = true;
	if (sync_env_open(&env, &opt, &cause) != 0) {
		rc = cli_fail("queue", "%s", cause);
		goto out;
	}
	if (verb == NULL || strcmp(verb, "list") == 0) {
		struct store_outbox_entry *v = NULL;
		size_t n = 0;
		if (store_outbox_list(env.store, all ? STORE_OUTBOX_LIST_DONE : 0, &v, &n) != 0) {
			rc = cli_fail("queue", "%s", store_errmsg(env.store));
			goto out;
		}
		if (json)
			list_json(v, n);
		else
			list_human(v, n);
		store_outbox_list_free(v, n);
		rc = CLI_OK;
	} else if (strcmp(verb, "retry") == 0) {
		int r = outbox_retry(env.store, id, (mc_time)time(NULL), &cause);
		if (r != 0) {
			rc = cli_fail("queue", "%s", cause != NULL ? cause : "failed");
			goto out;
		}
		printf("#%" PRId64 " queued again on the server's version with a new key\n", id);
		rc = CLI_OK;
	} else if (strcmp(verb, "drop") == 0) {
		struct store_outbox_entry e;
		int r = store_outbox_get(env.store, id, &e);
		if (r != 0) {
			if (r == 1)
				rc = cli_fail("queue", "không có mục #%" PRId64 " trong hàng đợi (no such "
						       "entry)", id);
			else
				rc = cli_fail("queue", "%s", store_errmsg(env.store));
			goto out;
		}
		if (!yes) {
			char q[256];
			snprintf(q, sizeof q, "Bỏ thao tác #%" PRId64 " '%s' trên hồ sơ %s?", id,
				 action_name(e.action), e.code);
			if (!confirm(q)) {
				store_outbox_entry_release(&e);
				rc = cli_fail("queue", "not dropped");
				goto out;
			}
		}
		store_outbox_entry_release(&e);
		r = outbox_drop(env.store, id, (mc_time)time(NULL), &cause);
		if (r != 0) {
			rc = cli_fail("queue", "%s", cause != NULL ? cause : "failed");
			goto out;
		}
		printf("#%" PRId64 " dropped\n", id);
		rc = CLI_OK;
	} else {
		if (env.session_error != NULL)
			fprintf(stderr, "motcua queue: warning: %s\n", env.session_error);
		rc = do_send(&env, only, wait_s * 1000, json);
	}
out:
	free(cause);
	if (env_open)
		sync_env_release(&env);
	return rc;
}
