/*
 * fuzz_source.c - libFuzzer target for one backend dialect's replies.
 *
 * Built once per dialect (FUZZ_DIALECT is "tuphap", "congan", "dvcqg",
 * "nnmt", "tinh" or "generic"; see the Makefile's fuzz rules).  The input is
 * a reply as the sync engine would hand it to the connector:
 *
 *     byte 0   which parser: pull, detail, action, login (mod 4)
 *     byte 1   the HTTP status, an index into `statuses`
 *     byte 2   length L (mod 64) of a header value used for ETag and Retry-After
 *     byte 3   generic only: which example profile of config/sources.d/examples
 *     L bytes  the header value
 *     rest     the body
 *
 * After a page parses, the server-supplied watermark, codes and versions are
 * fed back into the request builders (they end up in URLs and headers), as
 * the next pull would.  What this does not do: any network I/O (requests are
 * built and freed, never submitted).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dossier.h"
#include "core/xalloc.h"
#include "fuzz.h"
#include "net/net.h"
#include "sources/profile.h"
#include "sources/source.h"

#ifndef FUZZ_DIALECT
#error "build with -DFUZZ_DIALECT='\"tuphap\"' (or another dialect)"
#endif
#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif


static const long statuses[] = {200, 200, 200, 304, 404, 409, 412, 401, 403, 429,
				503, 500, 400, 422, 201, 428, 502, 204};
#define N_STATUSES (sizeof statuses / sizeof statuses[0])

static const char *const profiles[] = {"tinh.json", "congan.json", "tuphap.json"};
#define N_PROFILES (sizeof profiles / sizeof profiles[0])

static struct net *fz_net;
static struct source *fz_src[N_PROFILES];
static size_t fz_n_src;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = xmalloc((size_t)n + 1);
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

/* The generic dialect needs a profile: the shipped examples, parsed once. */
static struct source *
open_generic(const char *file)
{
	char path[512];
	struct source_def def;
	struct source_config cfg = {0};
	struct source *src;
	char *text, *cause = NULL;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/config/sources.d/examples/%s", FUZZ_SRCDIR, file);
	text = slurp(path, &len);
	if (text == NULL) {
		fprintf(stderr, "fuzz_source: cannot read %s\n", path);
		abort();
	}
	if (source_def_parse(path, text, len, &def, &cause) != 0) {
		fprintf(stderr, "fuzz_source: %s\n", cause);
		abort();
	}
	free(text);
	cfg.name = def.name;
	cfg.dialect = def.dialect;
	cfg.base_url = def.base_url != NULL ? def.base_url : "http://127.0.0.1:9/x";
	cfg.profile = def.path;
	cfg.parsed = def.profile;
	src = source_new(&cfg, &cause);
	if (src == NULL) {
		fprintf(stderr, "fuzz_source: %s\n", cause);
		abort();
	}
	source_def_release(&def);
	return src;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why = NULL;

	(void)argc;
	(void)argv;
	fz_net = net_new(&why);
	if (fz_net == NULL) {
		fprintf(stderr, "fuzz_source: net_new: %s\n", why != NULL ? why : "?");
		abort();
	}
	if (strcmp(FUZZ_DIALECT, "generic") == 0) {
		for (size_t i = 0; i < N_PROFILES; i++)
			fz_src[fz_n_src++] = open_generic(profiles[i]);
	} else {
		struct source_config cfg = {.name = FUZZ_DIALECT, .dialect = FUZZ_DIALECT,
					    .base_url = "http://127.0.0.1:9/" FUZZ_DIALECT};
		char *cause = NULL;
		fz_src[0] = source_new(&cfg, &cause);
		if (fz_src[0] == NULL) {
			fprintf(stderr, "fuzz_source: %s\n", cause);
			abort();
		}
		fz_n_src = 1;
	}
	for (size_t i = 0; i < fz_n_src; i++) {
		source_set_token(fz_src[i], "fuzz-token");
		source_set_session(fz_src[i], "fuzz-session");
	}
	return 0;
}

static void
drop(struct net_request *req)
{
	net_request_free(req);
}

/* Server-supplied values flow into the next requests: build them. */
static void
rebuild(struct source *src, const struct source_page *page)
{
	if (src->ops->pull_request != NULL && page->next_watermark != NULL)
		drop(src->ops->pull_request(src, fz_net, page->next_watermark));
	for (size_t i = 0; i < page->n_items && i < 4; i++) {
		const struct dossier *d = &page->items[i];
		if (src->ops->detail_request != NULL && d->code != NULL)
			drop(src->ops->detail_request(src, fz_net, d->code, d->version));
		for (size_t k = 0; k < d->n_attachments && k < 2; k++)
			if (d->attachments[k].url != NULL)
				drop(source_attachment_request(src, fz_net, d->attachments[k].url,
							       1));
		(void)dossier_status_mismatch(d);
		(void)dossier_fees_total(d);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_header headers[3];
	struct net_response resp;
	struct source *src;
	char hval[64];
	char *body, *cause = NULL;
	size_t hlen, body_len;
	unsigned op;

	if (size < 4)
		return 0;
	op = data[0] % 4;
	hlen = data[2] % 64;
	src = fz_src[data[3] % fz_n_src];
	if (size < 4 + hlen)
		return 0;
	memcpy(hval, data + 4, hlen);
	hval[hlen] = '\0';
	body_len = size - 4 - hlen;
	/* net.h promises a NUL-terminated body; an exact-size copy lets ASan see
	 * any read past body_len all the same. */
	body = xmalloc(body_len + 1);
	memcpy(body, data + 4 + hlen, body_len);
	body[body_len] = '\0';

	headers[0] = (struct net_header){"ETag", hval};
	headers[1] = (struct net_header){"Retry-After", hval};
	headers[2] = (struct net_header){"Content-Type", "application/json"};
	memset(&resp, 0, sizeof resp);
	resp.result = NET_OK;
	resp.error = "";
	resp.error_detail = "";
	resp.status = statuses[data[1] % N_STATUSES];
	resp.body = body;
	resp.body_len = body_len;
	resp.headers = headers;
	resp.n_headers = hlen > 0 ? 3 : 1;
	resp.url = "http://127.0.0.1:9/" FUZZ_DIALECT;
	resp.attempts = 1;

	if (op == 0 && src->ops->pull_parse != NULL) {
		struct source_page page;
		memset(&page, 0, sizeof page);
		if (src->ops->pull_parse(src, &resp, hlen > 0 ? hval : NULL, &page, &cause) ==
		    SOURCE_PARSE_OK)
			rebuild(src, &page);
		for (size_t i = 0; i < page.n_rejected; i++)
			/* reasons reach the log and the sync summary */
			fuzz_require_line("a rejection", page.rejected[i]);
		source_page_release(&page);
	} else if (op == 1 && src->ops->detail_parse != NULL) {
		struct dossier d;
		dossier_init(&d);
		if (src->ops->detail_parse(src, &resp, &d, &cause) == SOURCE_PARSE_OK) {
			struct source_page one = {.items = &d, .n_items = 1};
			rebuild(src, &one);
		}
		dossier_release(&d);
	} else if (op == 2 && src->ops->action_parse != NULL) {
		const char *files[] = {"f1"};
		struct source_action act = {
			.code = "H56.31-260101-00001", .action = ACTION_APPROVE,
			.idempotency_key = "fuzz-key", .base_version = hlen > 0 ? hval : NULL,
			.reason = "ly do", .actor = "Can bo", .to_unit = NULL,
			.file_ids = files, .n_files = 1,
		};
		struct source_result res;
		source_result_init(&res);
		src->ops->action_parse(src, &resp, &act, &res);
		fuzz_require_line("the action's message", res.message); /* queue screen */
		if (res.has_current && src->ops->detail_request != NULL &&
		    res.current.code != NULL)
			drop(src->ops->detail_request(src, fz_net, res.current.code,
						      res.current.version));
		source_result_release(&res);
	} else if (op == 3 && src->ops->login_parse != NULL) {
		if (src->ops->login_parse(src, &resp, &cause) == 0 &&
		    src->ops->pull_request != NULL)
			drop(src->ops->pull_request(src, fz_net, NULL));
	}
	fuzz_require_line("the cause", cause); /* on the clerk's terminal */
	free(cause);
	free(body);
	return 0;
}
