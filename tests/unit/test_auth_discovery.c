/*
 * Unit tests for what the sign-in client reads from a discovery document's
 * "motcua_systems" (auth_discovery.c): each system's audience, base URL,
 * title and the connector dialect the provider names, as auth_get_system()
 * reports them; a dialect no connector could be called is ignored (the
 * name then stands for the dialect), and systems added by the caller have
 * none.  No request is sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth/auth.h"
#include "auth/keyring.h"
#include "net/net.h"

#define ISSUER "http://127.0.0.1:9/idp"

/* auth_discovery.c's reader, reached through UNITTEST. */
int auth_apply_discovery(struct auth *a, json_t *doc, const char **why);

struct fixture {
	struct net *net;
	struct auth_keyring *keyring;
	struct auth *auth;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct auth_options opt = {.issuer = ISSUER "/"};
	const char *why = NULL;

	assert_non_null(f);
	f->net = net_new(&why);
	assert_non_null(f->net);
	f->keyring = auth_keyring_memory();
	f->auth = auth_new(f->net, f->keyring, &opt);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	auth_free(f->auth);
	auth_keyring_free(f->keyring);
	net_free(f->net);
	free(f);
	return 0;
}

static json_t *
document(json_t *systems)
{
	return json_pack("{s:s, s:s, s:o}", "issuer", ISSUER, "token_endpoint",
			 ISSUER "/oidc/token", "motcua_systems", systems);
}

/* The system called name, as auth_get_system() reports it; fails when absent. */
static struct auth_system_info
system_named(struct auth *a, const char *name)
{
	struct auth_system_info si;

	for (size_t i = 0; auth_get_system(a, i, &si) == 0; i++)
		if (strcmp(si.name, name) == 0)
			return si;
	fail_msg("no system %s", name);
	memset(&si, 0, sizeof si);
	return si;
}

static void
test_systems_and_dialects(void **state)
{
	struct fixture *f = *state;
	json_t *doc = document(json_pack(
		"[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
		/* a second land office that speaks nnmt's dialect */
		"name", "nnmt-hcm", "dialect", "nnmt", "audience", "aud-nnmt-hcm", "base_url",
		"http://127.0.0.1:9/nnmt-hcm", "title", "Đất đai TP.HCM",
		"name", "tuphap", "dialect", "tuphap",
		"name", "tinh", "dialect", "Tỉnh cũ", /* not a connector's name */
		"name", "congan", "dialect", "a-dialect-name-far-longer-than-any-connector",
		"name", "dvcqg", "title", "Cổng DVC quốc gia"));
	const char *why = NULL;
	struct auth_system_info si;
	struct auth_info info;

	assert_int_equal(auth_apply_discovery(f->auth, doc, &why), 0);
	auth_get_info(f->auth, &info);
	assert_int_equal(info.n_systems, 5);

	si = system_named(f->auth, "nnmt-hcm");
	assert_string_equal(si.dialect, "nnmt");
	assert_string_equal(si.audience, "aud-nnmt-hcm");
	assert_string_equal(si.base_url, "http://127.0.0.1:9/nnmt-hcm");
	assert_string_equal(si.title, "Đất đai TP.HCM");
	assert_string_equal(system_named(f->auth, "tuphap").dialect, "tuphap");
	assert_null(system_named(f->auth, "tinh").dialect);
	assert_null(system_named(f->auth, "congan").dialect);
	si = system_named(f->auth, "dvcqg");
	assert_null(si.dialect);
	assert_string_equal(si.audience, "dvcqg"); /* the name when not given */
	json_decref(doc);
}

static void
test_added_systems_have_no_dialect(void **state)
{
	struct fixture *f = *state;
	json_t *doc = document(json_pack("[{s:s, s:s}]", "name", "nnmt-hcm", "dialect", "nnmt"));
	const char *why = NULL;

	auth_add_system(f->auth, "tinh-profile", NULL, "http://127.0.0.1:9/tinh");
	assert_null(system_named(f->auth, "tinh-profile").dialect);
	assert_int_equal(auth_apply_discovery(f->auth, doc, &why), 0);
	/* Adding it again from a profile keeps what the provider said. */
	auth_add_system(f->auth, "nnmt-hcm", NULL, NULL);
	assert_string_equal(system_named(f->auth, "nnmt-hcm").dialect, "nnmt");
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_systems_and_dialects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_added_systems_have_no_dialect, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
