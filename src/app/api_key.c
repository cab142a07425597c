/*
 * api_key.c - profile systems' API keys in the keyring (api_key.h).
 */
#include "app/api_key.h"

#include <stdlib.h>
#include <string.h>

#include "auth/keyring.h"
#include "core/dossier.h"
#include "core/xalloc.h"

static char *
item_of(const char *name)
{
	return xasprintf("%s%s", APP_API_KEY_ITEM, name);
}

static bool
key_ok(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n > 1024)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] == 0x7f)
			return false;
	return true;
}

int
app_api_key_set(const char *name, const char *key, const char **cause)
{
	struct auth_keyring *kr;
	char *item;
	int r;

	if (!dossier_source_name_ok(name)) {
		*cause = "a system's name is 1..32 of a-z 0-9 _ -";
		return -1;
	}
	if (!key_ok(key)) {
		*cause = "the key must be one line of 1..1024 printable characters, no spaces";
		return -1;
	}
	kr = auth_keyring_open();
	if (!auth_keyring_persistent(kr)) {
		auth_keyring_free(kr);
		*cause = "no keyring that outlives this process (no Secret Service, no kernel "
			 "keyring)";
		return -1;
	}
	item = item_of(name);
	r = auth_keyring_store(kr, item, name, key, cause);
	free(item);
	auth_keyring_free(kr);
	return r;
}

int
app_api_key_clear(const char *name, const char **cause)
{
	struct auth_keyring *kr;
	char *item;
	int r;

	if (!dossier_source_name_ok(name)) {
		*cause = "a system's name is 1..32 of a-z 0-9 _ -";
		return -1;
	}
	kr = auth_keyring_open();
	item = item_of(name);
	r = auth_keyring_clear(kr, item, cause);
	free(item);
	auth_keyring_free(kr);
	return r;
}

char *
app_api_key_get(const char *name)
{
	struct auth_keyring *kr = auth_keyring_open();
	char *item = item_of(name), *secret = NULL;

	if (!auth_keyring_persistent(kr) ||
	    auth_keyring_lookup(kr, item, &secret, NULL, NULL) != 1) {
		xfree_secret(secret);
		secret = NULL;
	}
	free(item);
	auth_keyring_free(kr);
	return secret;
}

const char *
app_api_key_store_name(void)
{
	struct auth_keyring *kr = auth_keyring_open();
	const char *name = auth_keyring_kind_name(auth_keyring_kind(kr));

	auth_keyring_free(kr);
	return name;
}
