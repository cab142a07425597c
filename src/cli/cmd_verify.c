/*
 * cmd_verify.c - `motcua verify FILE FILE.p7s [--ca FILE] [--json]`: who
 * signed a file, when, and whether the signature holds.
 *
 * Exit 0 only when the signature is valid AND the signer chains to a trust
 * anchor (--ca, else the system store); "valid, signer not trusted",
 * "tampered", "invalid" and "malformed" are told apart in the text and the
 * JSON, and all exit 1.  A timestamp (RFC 3161) is shown with its time,
 * the TSA and whether it holds; a broken one makes the signature invalid, an
 * untrusted TSA makes it "not trusted".  The checks are src/sign/verify.c's, through app/verify.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "app/verify.h"
#include "ui/i18n.h"

#define CMD "verify"

/* The words of each verdict (translated when printed). */
static const char *const verdict_text[] = {
	[SIGN_VALID] = N_("signature valid, signer trusted"),
	[SIGN_VALID_UNTRUSTED] = N_("signature valid, signer not trusted"),
	[SIGN_TAMPERED] = N_("the file was changed after signing"),
	[SIGN_INVALID] = N_("signature invalid"),
	[SIGN_MALFORMED] = N_("not a readable signature"),
};

/* "2026-03-02T09:15:00+07:00": signing and timestamp times in Vietnam time. */
static void
format_time(time_t t, char *buf, size_t size)
{
	time_t local = t + 7 * 3600;
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
}

static int
print_json(const struct sign_verify_result *r, const char *when, const char *stamped)
{
	json_t *obj = json_pack("{s:s, s:b, s:b, s:s, s:s, s:s*, s:s}", "verdict",
				app_verdict_name(r->verdict), "valid",
				r->verdict == SIGN_VALID || r->verdict == SIGN_VALID_UNTRUSTED,
				"trusted", r->verdict == SIGN_VALID, "signer", r->signer_cn,
				"subject", r->signer_subject, "signing_time",
				r->has_time ? when : NULL, "reason", r->reason);
	char *text = NULL;
	int rc;

	if (obj != NULL && r->has_timestamp)
		json_object_set_new(obj, "timestamp",
				    json_pack("{s:s*, s:s, s:b, s:s}", "time",
					      r->timestamp_time != 0 ? stamped : NULL, "tsa",
					      r->tsa_name, "valid", r->timestamp_valid, "reason",
					      r->timestamp_reason));
	text = obj != NULL ? json_dumps(obj, JSON_COMPACT) : NULL;
	rc = text != NULL ? 0 : -1;
	if (text != NULL)
		puts(text);
	free(text);
	json_decref(obj);
	return rc;
}

static void
print_timestamp(const struct sign_verify_result *r, const char *stamped)
{
	printf(r->timestamp_valid ? _("Timestamp: %s (valid)\n") : _("Timestamp: %s (not valid)\n"),
	       r->timestamp_time != 0 ? stamped : "?");
	if (r->tsa_name[0] != '\0')
		cli_printf(stdout, _("Time-stamping authority (TSA): %s\n"), r->tsa_name);
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option options[] = {
		{"ca", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct sign_verify_result r;
	const char *ca = NULL;
	bool json = false;
	char when[40] = "", stamped[40] = "";
	int opt;

	cli_lang_init(NULL); /* every line in the clerk's language */
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		if (opt == 'c')
			ca = optarg;
		else if (opt == 'j')
			json = true;
		else
			return cli_usage_error(CMD, _("unknown or malformed option '%s'"),
					       argv[optind - 1]);
	}
	if (argc - optind != 2)
		return cli_usage_error(CMD, _("give the file and its signature (FILE FILE.p7s)"));
	for (int k = optind; k < optind + 2; k++)
		if (access(argv[k], R_OK) != 0) {
			cli_printf(stderr, _("motcua %s: cannot read %s: %s\n"), CMD, argv[k],
				   strerror(errno));
			return CLI_USAGE;
		}
	app_verify_file(argv[optind], argv[optind + 1], ca, &r);
	if (r.has_time)
		format_time(r.signing_time, when, sizeof(when));
	if (r.has_timestamp && r.timestamp_time != 0)
		format_time(r.timestamp_time, stamped, sizeof(stamped));
	if (json) {
		if (print_json(&r, when, stamped) != 0)
			return cli_fail(CMD, "%s", _("cannot encode JSON"));
	} else {
		if (r.signer_cn[0] != '\0')
			cli_printf(stdout, _("Signer: %s\n"), r.signer_cn); /* the certificate's */
		if (r.has_time)
			printf(_("Signing time: %s\n"), when);
		if (r.has_timestamp)
			print_timestamp(&r, stamped);
		printf(_("Result: %s\n"), _(verdict_text[r.verdict]));
		if (r.reason[0] != '\0')
			cli_printf(stdout, _("Reason: %s\n"), r.reason);
	}
	if (fflush(stdout) != 0)
		return CLI_FAIL;
	return r.verdict == SIGN_VALID ? CLI_OK : CLI_FAIL;
}
