/*
 * cmd_fetch.c - `motcua fetch CODE [N] [-o DIR]`: download attachment N
 * (1-based; the only one when there is one) of a dossier in the local store,
 * for support staff and scripts.  Resumes a .part left by an earlier run.
 * The download itself is sync/attach.c; this only picks the attachment,
 * drives the loop and prints the path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/dossier.h"
#include "core/xalloc.h"
#include "sync/attach.h"
#include "app/env.h"

struct fetch_state {
	bool done;
	bool quiet;
	enum attach_status status;
	char *path;
	char *detail;
	uint64_t bytes;
};

static void
on_fetch_progress(void *arg, uint64_t bytes, uint64_t total)
{
	struct fetch_state *fs = arg;

	if (!fs->quiet)
		fprintf(stderr, "\r%llu / %llu bytes", (unsigned long long)bytes,
			(unsigned long long)total);
}

static void
on_fetch_done(void *arg, const struct attach_result *r)
{
	struct fetch_state *fs = arg;

	fs->done = true;
	fs->status = r->status;
	fs->path = xstrdup(r->path);
	fs->detail = xstrdup(r->detail);
	fs->bytes = r->bytes;
}

static struct source *
fetch_find_source(struct sync_env *env, const char *name)
{
	for (size_t i = 0; env->sync != NULL && i < sync_n_sources(env->sync); i++) {
		struct source *src = sync_source(env->sync, i);
		if (strcmp(src->name, name) == 0)
			return src;
	}
	return NULL;
}

int
cmd_fetch(int argc, char **argv)
{
	const char *code = NULL, *nth = NULL, *out_dir = NULL, *config_file = NULL;
	bool quiet = false;
	struct sync_env env;
	struct sync_env_options opt = {0};
	struct dossier d;
	struct fetch_state fs = {0};
	struct attach *a = NULL;
	struct source *src;
	char *cause = NULL, *end;
	long n = 1;
	int rc = CLI_FAIL, found;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out_dir = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else if (strcmp(argv[i], "-q") == 0)
			quiet = true;
		else if (argv[i][0] != '-' && code == NULL)
			code = argv[i];
		else if (argv[i][0] != '-' && nth == NULL)
			nth = argv[i];
		else
			return cli_usage_error("fetch", "unexpected argument '%s'", argv[i]);
	}
	if (code == NULL)
		return cli_usage_error("fetch", "which dossier? give its code");
	if (nth != NULL) {
		errno = 0;
		n = strtol(nth, &end, 10);
		if (errno != 0 || end == nth || *end != '\0' || n < 1)
			return cli_usage_error("fetch", "N is the attachment's number, 1 or more");
	}
	fs.quiet = quiet;
	dossier_init(&d);
	opt.config_file = config_file;
	opt.sign_in = true;
	opt.sources = true;
	if (sync_env_open(&env, &opt, &cause) != 0) {
		rc = cli_fail("fetch", "%s", cause);
		goto out;
	}
	found = store_dossier_load(env.store, code, &d);
	if (found != 0) {
		rc = found < 0 ? cli_fail("fetch", "%s", store_errmsg(env.store))
			       : cli_fail("fetch", "no dossier %s in the local store (run "
						   "'motcua sync')", code);
		goto out;
	}
	if (d.n_attachments == 0) {
		rc = cli_fail("fetch", "dossier %s has no attachments", code);
		goto out;
	}
	if (nth == NULL && d.n_attachments > 1) {
		fprintf(stderr, "motcua fetch: dossier %s has %zu attachments; say which:\n", code,
			d.n_attachments);
		for (size_t i = 0; i < d.n_attachments; i++)
			fprintf(stderr, "  %zu  %s (%lld bytes)\n", i + 1,
				d.attachments[i].name != NULL ? d.attachments[i].name : "-",
				(long long)d.attachments[i].size);
		rc = CLI_USAGE;
		goto out;
	}
	if ((size_t)n > d.n_attachments) {
		rc = cli_usage_error("fetch", "dossier %s has %zu attachment(s)", code,
				     d.n_attachments);
		goto out;
	}
	src = fetch_find_source(&env, d.source);
	if (src == NULL) {
		rc = cli_fail("fetch", "system %s is not configured or not signed in%s%s", d.source,
			      env.session_error != NULL ? ": " : "",
			      env.session_error != NULL ? env.session_error : "");
		goto out;
	}
	{
		const struct dossier_attachment *at = &d.attachments[n - 1];
		struct attach_options ao = {
			.net = env.net,
			.src = src,
			.tokens = env.tokens.get != NULL ? &env.tokens : NULL,
			.data_dir = env.paths.data_dir,
			.dest_dir = out_dir,
			.code = d.code,
			.name = at->name,
			.url = at->url,
			.size = at->size,
			.progress = on_fetch_progress,
			.done = on_fetch_done,
			.arg = &fs,
		};
		a = attach_start(&ao, &cause);
	}
	if (a == NULL) {
		rc = cli_fail("fetch", "%s", cause);
		goto out;
	}
	while (!fs.done)
		if (net_poll(env.net, 1000, NULL, 0) < 0)
			break;
	if (!quiet)
		fputc('\n', stderr);
	if (!fs.done) {
		rc = cli_fail("fetch", "the network layer failed");
		goto out;
	}
	if (fs.status != ATTACH_OK) {
		rc = cli_fail("fetch", "%s (%s); %llu bytes so far, run again to resume",
			      attach_status_text(fs.status), fs.detail,
			      (unsigned long long)fs.bytes);
		goto out;
	}
	printf("%s\n", fs.path);
	rc = CLI_OK;
out:
	attach_free(a);
	free(fs.path);
	free(fs.detail);
	free(cause);
	dossier_release(&d);
	sync_env_release(&env);
	return rc;
}
