/*
 * fuzz_auth.c - libFuzzer target for the identity provider's replies that
 * src/auth reads: the discovery document, the device authorization reply
 * (RFC 8628), token replies (device grant, refresh and token exchange share
 * one reader) and the id_token whose subject labels the keyring item.
 *
 *     byte 0   which reader (mod 4): discovery, device code, tokens, id_token
 *     rest     the reply body (for the id_token: the JWT text itself)
 *
 * The readers are the functions auth.c exposes to tests with UNITTEST (the
 * fuzz build defines MOTCUA_UNITTEST), fed with what net_done() would give
 * them.  Each fresh input gets a fresh struct auth, so runs do not depend on
 * each other.  No request is ever sent.
 */
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "auth/auth.h"
#include "auth/keyring.h"
#include "fuzz.h"
#include "net/net.h"

#define ISSUER "http://127.0.0.1:9/idp"

/* auth.c's UNITTEST readers. */
struct fz_tokens { /* struct tokens of auth.c */
	const char *access, *refresh, *id_token;
	long expires_in;
};
int auth_apply_discovery(struct auth *a, json_t *doc, const char **why);
int auth_parse_device(json_t *j, struct auth_device_prompt *p, char **device_code);
int auth_parse_tokens(json_t *j, struct fz_tokens *t, const char **why);
char *auth_id_token_subject(const char *jwt);

static struct net *fz_net;
static struct auth_keyring *fz_keyring;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *why = NULL;

	(void)argc;
	(void)argv;
	auth_json_wipe_on_free();
	fz_net = net_new(&why);
	if (fz_net == NULL) {
		fprintf(stderr, "fuzz_auth: net_new: %s\n", why != NULL ? why : "?");
		abort();
	}
	fz_keyring = auth_keyring_memory();
	return 0;
}

static void
discovery(json_t *j)
{
	struct auth_options opt = {.issuer = ISSUER "/", .client_id = "motcua"};
	struct auth *a = auth_new(fz_net, fz_keyring, &opt);
	struct auth_info info;
	struct auth_system_info sys;
	const char *why = NULL;

	if (auth_apply_discovery(a, j, &why) == 0) {
		auth_get_info(a, &info);
		for (size_t i = 0; i < info.n_systems; i++)
			if (auth_get_system(a, i, &sys) != 0 || sys.name == NULL ||
			    sys.audience == NULL)
				abort();
	} else if (why == NULL) {
		abort();
	}
	auth_free(a);
}

static void
device(json_t *j)
{
	struct auth_device_prompt p;
	char *code = NULL;

	if (auth_parse_device(j, &p, &code) == 0) {
		/* What the sign-in screen shows and waits on must be sane. */
		if (code == NULL || p.user_code == NULL || p.verification_uri == NULL ||
		    p.interval < 1 || p.interval > 3600 || p.expires_in < 1 ||
		    p.expires_in > 86400)
			abort();
		(void)strlen(p.user_code);
		(void)strlen(p.verification_uri);
	} else if (code != NULL) {
		abort();
	}
	free(code);
}

static void
tokens(json_t *j)
{
	struct fz_tokens t;
	const char *why = NULL;

	if (auth_parse_tokens(j, &t, &why) == 0) {
		char *sub;
		if (t.access == NULL || t.expires_in < 1 || t.expires_in > 30L * 86400)
			abort();
		sub = auth_id_token_subject(t.id_token);
		free(sub);
	} else if (why == NULL) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j;
	char *text;

	if (size < 1)
		return 0;
	text = fuzz_text(data + 1, size - 1);
	if (data[0] % 4 == 3) {
		free(auth_id_token_subject(text));
		free(text);
		return 0;
	}
	/* As net_done() does: a body starting with '{' is parsed, else NULL. */
	j = size > 1 && text[0] == '{' ? json_loadb(text, size - 1, 0, NULL) : NULL;
	switch (data[0] % 4) {
	case 0:
		discovery(j);
		break;
	case 1:
		if (json_is_object(j)) /* on_device_code() checks this first */
			device(j);
		break;
	default:
		tokens(j);
		break;
	}
	json_decref(j);
	free(text);
	return 0;
}
