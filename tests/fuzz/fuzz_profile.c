/*
 * fuzz_profile.c - libFuzzer target for source definitions and generic
 * profiles (source_def_parse, config/sources.d/NAME.json, format in
 * doc/sources.md).
 *
 * A definition that parses is turned into a connector (source_new), as the
 * sync engine would, and asked for its first page request; a refused one
 * must say why.  Builds requests, never sends them.
 */
#include <stdio.h>

#include "fuzz.h"
#include "net/net.h"
#include "sources/profile.h"
#include "sources/source.h"

static struct net *fz_net;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why = NULL;

	(void)argc;
	(void)argv;
	fz_net = net_new(&why);
	if (fz_net == NULL) {
		fprintf(stderr, "fuzz_profile: net_new: %s\n", why != NULL ? why : "?");
		abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct source_def def;
	char *cause = NULL;

	if (source_def_parse("sources.d/x.json", text, size, &def, &cause) == 0) {
		struct source_config cfg = {
			.name = def.name, .dialect = def.dialect,
			.base_url = def.base_url != NULL ? def.base_url : "http://127.0.0.1:9/x",
			.title = def.title, .profile = def.path, .parsed = def.profile,
			.page_size = def.page_size,
		};
		struct source *src = source_new(&cfg, &cause);
		if (src != NULL) {
			if (src->ops->pull_request != NULL)
				net_request_free(src->ops->pull_request(src, fz_net, NULL));
			if (src->ops->pull_request != NULL)
				net_request_free(src->ops->pull_request(src, fz_net, "1|2|3"));
			if (src->ops->detail_request != NULL)
				net_request_free(src->ops->detail_request(src, fz_net, "A/1 2", "v"));
			source_free(src);
		}
		source_def_release(&def);
	} else if (cause == NULL) {
		abort();
	} else {
		fuzz_require_line("the refusal", cause); /* "PATH: key: problem" */
	}
	free(cause);
	free(text);
	return 0;
}
