/*
 * cmd_queue.c - `motcua queue [--json] [--all]`, `queue retry ID`,
 * `queue drop ID [--yes]` and `queue send [--source S] [--wait SECONDS]
 * [--json]`: look at the offline queue, decide on conflicts, and replay it
 * without a pull.
 *
 * The queue's logic is the application's (app.h, src/outbox); this file
 * parses, confirms and prints.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

/* queue send --backoff-cap; 0: the replay's default */
static uint64_t backoff_cap_ms;

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

/* The entry's last error: worded, and as codes for scripts. */
static json_t *
error_json(const struct store_outbox_entry *e, char *words, size_t size)
{
	struct mc_err err;

	app_queue_error(e, &err);
	if (err.code == MC_OK) {
		words[0] = '\0';
		return json_null();
	}
	words_err(&err, words, size);
	return json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "code", mc_err_name(err.code), "system",
			 err.system, "field", err.field, "http", err.http, "status", err.status,
			 "detail", err.detail);
}

static void
list_json(const struct store_outbox_entry *v, size_t n)
{
	json_t *arr = json_array();
	char *text;

	for (size_t i = 0; i < n; i++) {
		const struct store_outbox_entry *e = &v[i];
		char words[768];
		json_t *err = error_json(e, words, sizeof words);
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:s?,s:o,s:i,s:i,s:I,s:I}", "id",
				      (json_int_t)e->id, "dossier", e->code, "source", e->source,
				      "action", action_name(e->action), "state",
				      app_queue_state_name(e->state), "attempts", e->attempts,
				      "last_error", words[0] != '\0' ? words : NULL, "error", err,
				      "base_status", e->base_status, "target_status",
				      e->target_status, "created_at", (json_int_t)e->created_at,
				      "next_at", (json_int_t)e->next_at);
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
	int w_action, w_state;

	if (n == 0) {
		printf("%s\n", _("the queue is empty"));
		return;
	}
	/* the words of the current language decide the columns' widths */
	w_action = cli_wider(20, _("action"));
	w_state = cli_wider(9, _("state"));
	for (size_t i = 0; i < n; i++) {
		w_action = cli_wider(w_action, words_action(v[i].action));
		w_state = cli_wider(w_state, words_queue_state(v[i].state));
	}
	cli_pad_left(_("id"), 6);
	fputs("  ", stdout);
	cli_pad(_("dossier"), 22);
	putchar(' ');
	cli_pad(_("via"), 8);
	putchar(' ');
	cli_pad(_("action"), w_action);
	putchar(' ');
	cli_pad(_("state"), w_state);
	putchar(' ');
	cli_pad_left(_("try"), 3);
	printf("  %s\n", _("last error"));
	for (size_t i = 0; i < n; i++) {
		const struct store_outbox_entry *e = &v[i];
		struct mc_err err;
		char words[768];

		app_queue_error(e, &err);
		words[0] = '\0';
		if (err.code != MC_OK)
			words_err(&err, words, sizeof words);
		printf("%6" PRId64 "  ", e->id);
		cli_pad(e->code, 22);
		putchar(' ');
		cli_pad(e->source, 8);
		putchar(' ');
		cli_pad(words_action(e->action), w_action);
		putchar(' ');
		cli_pad(words_queue_state(e->state), w_state);
		printf(" %3d  %s\n", e->attempts, words);
		if (e->state == STORE_OUTBOX_CONFLICT || e->state == STORE_OUTBOX_FAILED) {
			fputs("        ", stdout);
			if (e->server_version != NULL)
				cli_printf(stdout,
					   _("%s: '%s' -> '%s'; the system has '%s', version %s; "
					     "motcua queue retry|drop %lld\n"),
					   words_queue_state(e->state), words_status(e->base_status),
					   words_status(e->target_status),
					   words_status(e->server_status), e->server_version,
					   (long long)e->id);
			else
				printf(_("%s: '%s' -> '%s'; the system has '%s'; "
					 "motcua queue retry|drop %lld\n"),
				       words_queue_state(e->state), words_status(e->base_status),
				       words_status(e->target_status),
				       words_status(e->server_status), (long long)e->id);
		}
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
	cli_put(tty, question); /* it names the dossier's code */
	fputs(" [y/N] ", tty);
	fflush(tty);
	if (fgets(line, sizeof line, tty) != NULL)
		yes = line[0] == 'y' || line[0] == 'Y' || line[0] == 'c' || line[0] == 'C';
	fclose(tty);
	return yes;
}

static int
do_send(struct app *app, const char *only, int64_t wait_ms, bool json)
{
	struct app_queue_report st;
	struct cli_events ev;
	int64_t remaining, counts[STORE_OUTBOX_N_STATES];
	int rc;

	if ((rc = cli_check_system("queue", app, only)) != 0)
		return rc;
	cli_events_init(&ev, "queue", json);
	app_set_events(app, cli_on_event, &ev);
	rc = app_queue_send(app, only, wait_ms, backoff_cap_ms);
	app_set_events(app, NULL, NULL);
	app_queue_report(app, &st);
	remaining = st.remaining;
	if (rc < 0 || app_queue_counts(app, counts) != 0)
		return cli_fail("queue", "%s", app_store_error(app));
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
		printf(_("sent: %llu applied, %llu conflict(s), %llu refused; %lld waiting; "
			 "%llu B out, %llu B in\n"),
		       (unsigned long long)st.applied, (unsigned long long)st.conflicts,
		       (unsigned long long)st.failed, (long long)remaining,
		       (unsigned long long)st.bytes_out, (unsigned long long)st.bytes_in);
	}
	return remaining > 0 ? CLI_FAIL : CLI_OK;
}

int
cmd_queue(int argc, char **argv)
{
	const char *config_file = NULL, *only = NULL, *verb = NULL, *arg = NULL;
	bool json = false, all = false, yes = false;
	int64_t wait_s = 120, id = 0;
	struct app *app = NULL;
	struct mc_err err;
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
				return cli_usage_error("queue", _("--backoff-cap takes 1..3600 seconds"));
			backoff_cap_ms = (uint64_t)cap * 1000;
		} else if (strcmp(a, "--wait") == 0 && has) {
			if (parse_id(argv[++i], &wait_s) != 0 && strcmp(argv[i], "0") != 0)
				return cli_usage_error("queue", _("--wait takes seconds"));
			if (strcmp(argv[i], "0") == 0)
				wait_s = 0;
		} else if (a[0] == '-')
			return cli_usage_error("queue", _("unknown or incomplete option '%s'"), a);
		else if (verb == NULL)
			verb = a;
		else if (arg == NULL)
			arg = a;
		else
			return cli_usage_error("queue", _("unexpected argument '%s'"), a);
	}
	if (verb != NULL && strcmp(verb, "retry") != 0 && strcmp(verb, "drop") != 0 &&
	    strcmp(verb, "send") != 0 && strcmp(verb, "list") != 0)
		return cli_usage_error("queue", _("unknown subcommand '%s'"), verb);
	if (verb != NULL && (strcmp(verb, "retry") == 0 || strcmp(verb, "drop") == 0) &&
	    parse_id(arg, &id) != 0)
		return cli_usage_error("queue", _("%s takes an entry id"), verb);
	if (verb != NULL && (strcmp(verb, "send") == 0 || strcmp(verb, "list") == 0) &&
	    arg != NULL)
		return cli_usage_error("queue", _("unexpected argument '%s'"), arg);
	if (verb != NULL && strcmp(verb, "drop") == 0 && !yes && !isatty(STDIN_FILENO))
		return cli_usage_error("queue", _("drop asks on a terminal; use --yes in scripts"));

	rc = cli_app_open("queue", config_file, NULL,
			  verb != NULL && strcmp(verb, "send") == 0
				  ? APP_SYSTEMS | APP_WAIT_DISCOVERY
				  : 0,
			  &app);
	if (rc != 0)
		return rc;
	if (verb == NULL || strcmp(verb, "list") == 0) {
		struct store_outbox_entry *v = NULL;
		size_t n = 0;
		if (app_queue_list(app, all, &v, &n) != 0) {
			rc = cli_fail("queue", "%s", app_store_error(app));
			goto out;
		}
		if (json)
			list_json(v, n);
		else
			list_human(v, n);
		app_queue_list_free(v, n);
		rc = CLI_OK;
	} else if (strcmp(verb, "retry") == 0) {
		if (app_queue_retry(app, id, &err) != 0) {
			rc = cli_fail_err("queue", &err);
			goto out;
		}
		printf(_("#%lld queued again on the server's version with a new key\n"), (long long)id);
		rc = CLI_OK;
	} else if (strcmp(verb, "drop") == 0) {
		struct store_outbox_entry e;
		int r = app_queue_get(app, id, &e);
		if (r != 0) {
			if (r == 1) {
				char buf[32];
				mc_err_set(&err, MC_E_NO_ENTRY, NULL, NULL);
				snprintf(buf, sizeof buf, "%" PRId64, id);
				mc_err_field(&err, buf);
				rc = cli_fail_err("queue", &err);
			} else {
				rc = cli_fail("queue", "%s", app_store_error(app));
			}
			goto out;
		}
		if (!yes) {
			char q[256];
			snprintf(q, sizeof q, _("Drop action #%lld '%s' on dossier %s?"), (long long)id,
				 words_action(e.action), e.code);
			if (!confirm(q)) {
				app_queue_entry_release(&e);
				rc = cli_fail("queue", "%s", _("not dropped"));
				goto out;
			}
		}
		app_queue_entry_release(&e);
		if (app_queue_drop(app, id, &err) != 0) {
			rc = cli_fail_err("queue", &err);
			goto out;
		}
		printf(_("#%lld dropped\n"), (long long)id);
		rc = CLI_OK;
	} else {
		rc = do_send(app, only, wait_s * 1000, json);
	}
out:
	app_close(app);
	return rc;
}
