/*
 * cmd_audit.c - `motcua audit verify [--json]` and `motcua audit list
 * [--json] [--limit N]`: check the local audit log's hash chain, and show
 * its entries (store/audit.h, doc/security.md).
 *
 * verify exits 0 when every entry is intact and 1 naming the first bad
 * sequence number and why (altered, removed, reordered, inserted,
 * key-record-lost: the store's record of its key was removed while the
 * keyring kept the key, so what came before is unproven; replaced or cut
 * against the keyring's anchor; server-refused: the server said its copy
 * differs); with the store's audit key (the Secret Service) it also checks
 * the keyed tags, and it says in a note line when the chain is not keyed or
 * the key is not reachable (what the verdict then proves).  Without a
 * keyring to keep the anchor the end of the log cannot be checked: it says
 * so and exits 3 (CLI_UNVERIFIED).  Neither
 * subcommand changes anything or talks to the network; shipping the log is
 * `motcua sync`'s business.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/civil.h"
#include "ui/i18n.h"

static int
do_verify(struct app *app, bool json)
{
	struct store_audit_verdict v;
	struct store_audit_state st;

	if (app_audit_verify(app, &v, &st) != 0)
		return cli_fail("audit", "%s", app_store_error(app));
	if (json) {
		json_t *o = json_pack("{s:b,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s}", "ok",
				      v.problem == STORE_AUDIT_OK &&
					      v.tail != STORE_AUDIT_TAIL_UNVERIFIABLE,
				      "problem",
				      app_audit_problem_name(v.problem), "seq", (json_int_t)v.seq,
				      "checked", (json_int_t)v.checked, "shipped",
				      (json_int_t)st.shipped_seq, "chain", st.chain, "why", v.why,
				      "keyed", app_audit_keying_name(v.keying), "keyed_from",
				      (json_int_t)v.keyed_from, "keyed_head",
				      (json_int_t)v.keyed_head, "unkeyed", (json_int_t)v.unkeyed,
				      "note", v.note, "tail", app_audit_tail_name(v.tail));
		char *text = json_dumps(o, JSON_COMPACT);

		printf("%s\n", text);
		free(text);
		json_decref(o);
	} else if (v.problem == STORE_AUDIT_OK) {
		bool keyed = v.keying == STORE_AUDIT_KEY_CHECKED;

		if (v.checked == 1)
			printf(keyed ? _("audit log intact: %lld entry, %lld on the server, keyed\n")
				     : _("audit log intact: %lld entry, %lld on the server\n"),
			       (long long)v.checked, (long long)st.shipped_seq);
		else
			printf(keyed ? _("audit log intact: %lld entries, %lld on the server, "
					 "keyed\n")
				     : _("audit log intact: %lld entries, %lld on the server\n"),
			       (long long)v.checked, (long long)st.shipped_seq);
		if (v.note[0] != '\0')
			cli_printf(stdout, _("note: %s\n"), v.note);
		if (v.tail == STORE_AUDIT_TAIL_NEW)
			cli_printf(stdout, _("note: the keyring held no anchor for this log; it "
					     "keeps one from now on (seq %lld)\n"),
				   (long long)st.head_seq);
	}
	if (v.problem != STORE_AUDIT_OK) {
		cli_printf(stderr, "motcua audit: %s\n", v.why);
		return CLI_FAIL;
	}
	if (v.tail == STORE_AUDIT_TAIL_UNVERIFIABLE) {
		if (!json)
			cli_printf(stderr, _("motcua audit: the end of the log cannot be verified: "
					     "no keyring keeps its anchor here (neither a Secret "
					     "Service nor the kernel keyring, or MOTCUA_KEYRING=memory), "
					     "so entries cut from the end would not show\n"));
		return CLI_UNVERIFIED;
	}
	return CLI_OK;
}

static int
do_list(struct app *app, bool json, int64_t limit)
{
	struct store_audit_entry *v = NULL;
	json_t *arr = json ? json_array() : NULL;
	size_t n = 0;

	if (app_audit_list(app, 0, limit, &v, &n) != 0) {
		json_decref(arr);
		return cli_fail("audit", "%s", app_store_error(app));
	}
	for (size_t i = 0; i < n; i++) {
		const struct store_audit_entry *e = &v[i];
		char when[CIVIL_ISO_LEN];

		civil_format_iso(e->at, when, sizeof when);
		if (json) {
			json_t *details = json_loads(e->details, 0, NULL);

			json_array_append_new(
				arr, json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s?,s:o,s:s,s:s}", "seq",
					       (json_int_t)e->seq, "at", when, "clerk", e->clerk,
					       "kind", e->kind, "dossier", e->dossier, "purpose",
					       e->purpose,
					       "details", details != NULL ? details : json_string(e->details),
					       "prev_hash", e->prev_hash, "hash", e->hash));
		} else {
			/* codes and purposes are stored outside words: visible form */
			cli_printf(stdout, "%6" PRId64 "  %s  %-14s %-22s %-20s %s%s%s\n", e->seq,
				   when, e->kind, e->clerk, e->dossier != NULL ? e->dossier : "-",
				   e->purpose != NULL ? "\"" : "",
				   e->purpose != NULL ? e->purpose : "",
				   e->purpose != NULL ? "\"" : "");
		}
	}
	if (json) {
		char *text = json_dumps(arr, JSON_COMPACT);

		printf("%s\n", text);
		free(text);
		json_decref(arr);
	} else if (n == 0) {
		printf("%s\n", _("the audit log is empty"));
	}
	app_audit_list_free(v, n);
	return CLI_OK;
}

int
cmd_audit(int argc, char **argv)
{
	const char *sub = NULL, *config_file = NULL;
	bool json = false;
	int64_t limit = 50;
	struct app *app = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			char *end = NULL;
			long long v = strtoll(argv[++i], &end, 10);

			if (end == argv[i] || *end != '\0' || v < 0)
				return cli_usage_error("audit", _("--limit takes a number >= 0"));
			limit = v;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config_file = argv[++i];
		} else if (sub == NULL && argv[i][0] != '-') {
			sub = argv[i];
		} else {
			return cli_usage_error("audit", _("unknown or incomplete option '%s'"),
					       argv[i]);
		}
	}
	if (sub == NULL || (strcmp(sub, "verify") != 0 && strcmp(sub, "list") != 0))
		return cli_usage_error("audit", _("give 'verify' or 'list'"));
	if (json && strcmp(sub, "list") == 0 && limit == 50)
		limit = 0; /* --json lists everything unless --limit says otherwise */
	rc = cli_app_open("audit", config_file, NULL, 0, &app);
	if (rc != 0)
		return rc;
	rc = strcmp(sub, "verify") == 0 ? do_verify(app, json) : do_list(app, json, limit);
	app_close(app);
	return rc;
}
