/*
 * cmd_sign.c - `motcua sign FILE... (-o OUT | --outdir DIR)`: detached CMS
 * signatures with a PKCS#11 token or a remote (CSC API v2) signer.
 *
 * Wiring only: options, where secrets come from (the terminal with echo off,
 * or --pin-fd / --otp-fd / --access-token-fd for scripts and tests; never
 * argv or the environment), the per-file summary.  Several files are signed
 * in one batch: one PIN entry (token) or one OTP (remote).  With a
 * time-stamping authority (--tsa URL, or signing.tsa_url in config.json)
 * every signature carries an RFC 3161 timestamp, and a file whose timestamp
 * cannot be had is not signed; --no-timestamp signs without one (offline).
 * The protocol is src/sign's; see doc/signing.md.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "cli/cli.h"
#include "app/signer.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "sign/sign.h"

#define CMD "sign"

struct sign_opts {
	const char *output;
	const char *outdir;
	struct cli_signer_opts s; /* cli/signer.h, shared with `motcua act --sign` */
	const char *tsa;          /* --tsa URL, else signing.tsa_url */
	bool no_timestamp;        /* --no-timestamp */
};

/* ---- signing ------------------------------------------------------------ */

static int
check_outputs(struct sign_job *jobs, char **outs, size_t n, const struct sign_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		if (o->output != NULL) {
			outs[i] = xstrdup(o->output);
		} else {
			char *copy = xstrdup(jobs[i].path);
			const char *base = basename(copy);
			size_t len = strlen(o->outdir) + strlen(base) + 6;
			outs[i] = xmalloc(len);
			snprintf(outs[i], len, "%s/%s.p7s", o->outdir, base);
			free(copy);
		}
		jobs[i].out_path = outs[i];
		if (strcmp(outs[i], jobs[i].path) == 0)
			return cli_usage_error(CMD, "the output '%s' is the input", outs[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(outs[j], outs[i]) == 0)
				return cli_usage_error(CMD, "two files would both go to '%s'",
						       outs[i]);
	}
	return 0;
}

static int
report(const struct sign_job *jobs, size_t n, size_t n_signed, const struct sign_key *key)
{
	bool tsa_failed = false;

	for (size_t i = 0; i < n; i++) {
		tsa_failed = tsa_failed || jobs[i].status == SIGN_ERR_TSA;
		if (jobs[i].status == SIGN_OK)
			printf("Đã ký (signed): %s -> %s\n", jobs[i].path, jobs[i].out_path);
		else
			fprintf(stderr, "motcua %s: %s: %s (%s)%s%s\n", CMD, jobs[i].path,
				sign_status_text(jobs[i].status, SIGN_LANG_VI),
				sign_status_text(jobs[i].status, SIGN_LANG_EN),
				jobs[i].detail[0] != '\0' ? ": " : "", jobs[i].detail);
	}
	char cn[256] = "";
	X509_NAME_get_text_by_NID(X509_get_subject_name(key->cert), NID_commonName, cn,
				  (int)sizeof(cn));
	printf("Người ký (signer): %s\n", cn);
	printf("Tổng kết (summary): %zu đã ký (signed), %zu lỗi (failed)\n", n_signed,
	       n - n_signed);
	if (tsa_failed)
		fprintf(stderr, "motcua %s: để ký không kèm dấu thời gian (khi mất mạng), thêm "
				"--no-timestamp (to sign without a timestamp, e.g. offline, add "
				"--no-timestamp)\n",
			CMD);
	if (fflush(stdout) != 0)
		return CLI_FAIL;
	return n_signed == n ? CLI_OK : CLI_FAIL;
}

static int
parse_options(int argc, char **argv, struct sign_opts *o)
{
	static const struct option options[] = {
		{"output", required_argument, NULL, 'o'},
		{"outdir", required_argument, NULL, 'd'},
		{"module", required_argument, NULL, 'm'},
		{"token", required_argument, NULL, 't'},
		{"key", required_argument, NULL, 'k'},
		{"remote", required_argument, NULL, 'r'},
		{"credential", required_argument, NULL, 'c'},
		{"pin-fd", required_argument, NULL, 'P'},
		{"otp-fd", required_argument, NULL, 'O'},
		{"access-token-fd", required_argument, NULL, 'A'},
		{"tsa", required_argument, NULL, 'T'},
		{"no-timestamp", no_argument, NULL, 'N'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (opt) {
		case 'o': o->output = optarg; break;
		case 'd': o->outdir = optarg; break;
		case 'm': o->s.module = optarg; break;
		case 't': o->s.token = optarg; break;
		case 'k': o->s.key = optarg; break;
		case 'r': o->s.remote = optarg; break;
		case 'c': o->s.credential = optarg; break;
		case 'T': o->tsa = optarg; break;
		case 'N': o->no_timestamp = true; break;
		case 'P':
		case 'O':
		case 'A': {
			int *fd = opt == 'P' ? &o->s.pin_fd : opt == 'O' ? &o->s.otp_fd
								 : &o->s.access_token_fd;
			if (cli_parse_fd(optarg, fd) != 0)
				return cli_usage_error(CMD, "'%s' is not a file descriptor", optarg);
			break;
		}
		default:
			return cli_usage_error(CMD, "unknown or malformed option '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(CMD, "missing the file to sign");
	if ((o->output == NULL) == (o->outdir == NULL))
		return cli_usage_error(CMD, "give exactly one of -o FILE and --outdir DIR");
	if (o->output != NULL && argc - optind > 1)
		return cli_usage_error(CMD, "-o takes one file; use --outdir DIR for several");
	if (o->s.remote != NULL && (o->s.module != NULL || o->s.token != NULL))
		return cli_usage_error(CMD, "--remote and --module/--token exclude each other");
	if (o->tsa != NULL && o->no_timestamp)
		return cli_usage_error(CMD, "--tsa and --no-timestamp exclude each other");
	if (o->tsa != NULL && strncmp(o->tsa, "http://", 7) != 0 &&
	    strncmp(o->tsa, "https://", 8) != 0)
		return cli_usage_error(CMD, "--tsa wants an http:// or https:// URL, not '%s'",
				       o->tsa);
	return 0;
}

int
cmd_sign(int argc, char **argv)
{
	struct config cfg;
	struct sign_opts o = {.s = CLI_SIGNER_OPTS_INIT};
	struct cli_signer_ask ask;
	struct sign_secret bearer;
	struct sign_error err = {SIGN_OK, ""};
	struct signer *signer = NULL;
	struct net *net = NULL;
	const struct sign_key *key = NULL;
	struct sign_job *jobs = NULL;
	char **outs = NULL;
	size_t n = 0;
	int rc;

	memset(&bearer, 0, sizeof(bearer));
	auth_json_wipe_on_free(); /* the OTP, the SAD and tokens pass through JSON */
	rc = parse_options(argc, argv, &o);
	if (rc != 0)
		return rc;
	cli_signer_apply_config(CMD, NULL, &o.s, &cfg);
	if (o.tsa == NULL && !o.no_timestamp)
		o.tsa = cfg.signing.tsa_url; /* config.json's TSA unless told otherwise */
	ask.pin_fd = o.s.pin_fd;
	ask.otp_fd = o.s.otp_fd;
	n = (size_t)(argc - optind);
	jobs = xcalloc(n, sizeof(*jobs));
	outs = xcalloc(n, sizeof(*outs));
	for (size_t i = 0; i < n; i++)
		jobs[i].path = argv[optind + (int)i];
	rc = check_outputs(jobs, outs, n, &o);
	if (rc != 0)
		goto out;
	signer = cli_signer_make(CMD, &o.s, &ask, &net, &bearer, &rc);
	if (signer == NULL)
		goto out;
	if (signer_open(signer, &err) != 0 ||
	    signer_pick_key(signer, o.s.remote != NULL ? o.s.credential : o.s.key, &key, &err) != 0) {
		rc = cli_signer_fail(CMD, &err);
		goto out;
	}
	if (o.tsa != NULL && net == NULL) {
		const char *cause = NULL;
		net = net_new(&cause);
		if (net == NULL) {
			rc = cli_fail(CMD, "%s", cause != NULL ? cause : "no network");
			goto out;
		}
	}
	struct sign_tsa tsa = {o.tsa, net};
	size_t n_signed = sign_files_ts(signer, key, jobs, n, time(NULL),
					o.tsa != NULL ? &tsa : NULL);
	rc = report(jobs, n, n_signed, key);
out:
	signer_close(signer);
	sign_secret_wipe(&bearer);
	net_free(net);
	for (size_t i = 0; i < n; i++)
		free(outs[i]);
	free(outs);
	free(jobs);
	config_release(&cfg);
	return rc;
}
