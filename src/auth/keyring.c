/*
 * keyring.c - secrets in the Secret Service, the kernel keyring, or memory
 * (keyring.h).
 *
 * libsecret keeps secrets it hands us in non-pageable memory; we copy them
 * into malloc'd strings only for as long as a request needs them, and the
 * callers wipe those.  This file does not know what a token is for, and never
 * logs a secret (causes are static strings; libsecret's own GError messages,
 * which never contain secrets, are not shown either).
 */
#include "auth/keyring.h"

#include <libsecret/secret.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/keyring_int.h"
#include "core/xalloc.h"

struct mem_item {
	char *issuer;
	char *account;
	char *secret;
	struct mem_item *next;
};

struct auth_keyring {
	enum auth_keyring_kind kind;
	int32_t ring;            /* AUTH_KEYRING_KERNEL: the persistent keyring */
	struct mem_item *items;  /* AUTH_KEYRING_MEMORY */
};

static const SecretSchema *
schema(void)
{
	static const SecretSchema s = {
		AUTH_KEYRING_SCHEMA,
		SECRET_SCHEMA_NONE,
		{
			{"issuer", SECRET_SCHEMA_ATTRIBUTE_STRING},
			{"account", SECRET_SCHEMA_ATTRIBUTE_STRING},
			{NULL, 0},
		},
		0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	};
	return &s;
}

struct auth_keyring *
auth_keyring_memory(void)
{
	struct auth_keyring *kr = xcalloc(1, sizeof *kr);

	kr->kind = AUTH_KEYRING_MEMORY;
	return kr;
}

/* Whether a Secret Service answers on the session bus. */
static bool
service_there(void)
{
	const char *bus = getenv("DBUS_SESSION_BUS_ADDRESS");
	SecretService *svc;
	GError *err = NULL;

	/* Without a session bus, GLib would try to autolaunch one via X11. */
	if (bus == NULL || bus[0] == '\0')
		return false;
	svc = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, NULL, &err);
	if (svc == NULL) {
		g_clear_error(&err);
		return false;
	}
	g_object_unref(svc);
	return true;
}

struct auth_keyring *
auth_keyring_open(void)
{
	struct auth_keyring *kr = auth_keyring_memory();
	const char *mode = getenv("MOTCUA_KEYRING");
	bool any = mode == NULL || mode[0] == '\0';

	if (mode != NULL && strcmp(mode, "memory") == 0)
		return kr;
	if ((any || strcmp(mode, "secret-service") == 0) && service_there()) {
		kr->kind = AUTH_KEYRING_SERVICE;
		return kr;
	}
	if (any || strcmp(mode, "kernel") == 0) {
		kr->ring = kernel_keyring_open();
		if (kr->ring >= 0)
			kr->kind = AUTH_KEYRING_KERNEL;
	}
	return kr;
}

enum auth_keyring_kind
auth_keyring_kind(const struct auth_keyring *kr)
{
	return kr->kind;
}

const char *
auth_keyring_kind_name(enum auth_keyring_kind k)
{
	switch (k) {
	case AUTH_KEYRING_SERVICE:
		return "secret-service";
	case AUTH_KEYRING_KERNEL:
		return "kernel-keyring";
	case AUTH_KEYRING_MEMORY:
		break;
	}
	return "memory";
}

static void
mem_item_free(struct mem_item *it)
{
	free(it->issuer);
	free(it->account);
	xfree_secret(it->secret);
	free(it);
}

void
auth_keyring_free(struct auth_keyring *kr)
{
	if (kr == NULL)
		return;
	while (kr->items != NULL) {
		struct mem_item *it = kr->items;
		kr->items = it->next;
		mem_item_free(it);
	}
	free(kr);
}

bool
auth_keyring_persistent(const struct auth_keyring *kr)
{
	return kr->kind != AUTH_KEYRING_MEMORY;
}

static void
set_cause(const char **cause, const char *why)
{
	if (cause != NULL)
		*cause = why;
}

static struct mem_item **
mem_find(struct auth_keyring *kr, const char *issuer)
{
	struct mem_item **pp = &kr->items;
	for (; *pp != NULL; pp = &(*pp)->next)
		if (strcmp((*pp)->issuer, issuer) == 0)
			return pp;
	return NULL;
}

/*
 * Items of `issuer` (libsecret search).  The list holds SecretRetrievable
 * objects; the caller frees it with g_list_free_full(l, g_object_unref).
 */
static GList *
service_search(const char *issuer, bool secrets, GError **err)
{
	SecretSearchFlags flags = SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK;

	if (secrets)
		flags |= SECRET_SEARCH_LOAD_SECRETS;
	return secret_password_search_sync(schema(), flags, NULL, err, "issuer", issuer, NULL);
}

int
auth_keyring_store(struct auth_keyring *kr, const char *issuer, const char *account,
		   const char *secret, const char **cause)
{
	GError *err = NULL;
	GList *items, *l;
	char label[256];
	int rc = -1;

	if (account == NULL || account[0] == '\0')
		account = "-";
	if (kr->kind == AUTH_KEYRING_KERNEL)
		return kernel_keyring_store(kr->ring, issuer, account, secret,
					    cause != NULL ? cause : &(const char *){NULL});
	if (kr->kind == AUTH_KEYRING_MEMORY) {
		struct mem_item **pp = mem_find(kr, issuer);
		struct mem_item *it;
		if (pp == NULL) {
			it = xcalloc(1, sizeof *it);
			it->issuer = xstrdup(issuer);
			it->next = kr->items;
			kr->items = it;
		} else {
			it = *pp;
		}
		free(it->account);
		it->account = xstrdup(account);
		xfree_secret(it->secret);
		it->secret = xstrdup(secret);
		return 0;
	}
	snprintf(label, sizeof label, "motcua sign-in (%s)", issuer);
	if (!secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label, secret, NULL,
					&err, "issuer", issuer, "account", account, NULL)) {
		set_cause(cause, "the Secret Service refused to store the token");
		goto out;
	}
	/* One item per issuer: drop those of another account (a previous official). */
	items = service_search(issuer, false, &err);
	g_clear_error(&err);
	for (l = items; l != NULL; l = l->next) {
		GHashTable *attrs = secret_retrievable_get_attributes(l->data);
		const char *acc = g_hash_table_lookup(attrs, "account");
		if (acc != NULL && strcmp(acc, account) != 0)
			secret_password_clear_sync(schema(), NULL, NULL, "issuer", issuer, "account",
						   acc, NULL);
		g_hash_table_unref(attrs);
	}
	g_list_free_full(items, g_object_unref);
	rc = 0;
out:
	g_clear_error(&err);
	return rc;
}

int
auth_keyring_lookup(struct auth_keyring *kr, const char *issuer, char **secret, char **account,
		    const char **cause)
{
	GError *err = NULL;
	GList *items;
	int rc = 0;

	*secret = NULL;
	if (account != NULL)
		*account = NULL;
	if (kr->kind == AUTH_KEYRING_KERNEL)
		return kernel_keyring_lookup(kr->ring, issuer, secret, account,
					     cause != NULL ? cause : &(const char *){NULL});
	if (kr->kind == AUTH_KEYRING_MEMORY) {
		struct mem_item **pp = mem_find(kr, issuer);
		if (pp == NULL)
			return 0;
		*secret = xstrdup((*pp)->secret);
		if (account != NULL)
			*account = xstrdup((*pp)->account);
		return 1;
	}
	items = service_search(issuer, true, &err);
	if (err != NULL) {
		set_cause(cause, "the Secret Service could not be searched");
		g_clear_error(&err);
		rc = -1;
		goto out;
	}
	if (items != NULL) {
		SecretValue *v = secret_retrievable_retrieve_secret_sync(items->data, NULL, &err);
		const char *text = v != NULL ? secret_value_get_text(v) : NULL;
		if (text == NULL) {
			set_cause(cause, "the Secret Service item could not be read");
			g_clear_error(&err);
			rc = -1;
		} else {
			GHashTable *attrs = secret_retrievable_get_attributes(items->data);
			*secret = xstrdup(text);
			if (account != NULL)
				*account = xstrdup_or_null(g_hash_table_lookup(attrs, "account"));
			g_hash_table_unref(attrs);
			rc = 1;
		}
		if (v != NULL)
			secret_value_unref(v);
	}
out:
	g_list_free_full(items, g_object_unref);
	return rc;
}

int
auth_keyring_clear(struct auth_keyring *kr, const char *issuer, const char **cause)
{
	GError *err = NULL;

	if (kr->kind == AUTH_KEYRING_KERNEL)
		return kernel_keyring_clear(kr->ring, issuer,
					    cause != NULL ? cause : &(const char *){NULL});
	if (kr->kind == AUTH_KEYRING_MEMORY) {
		struct mem_item **pp = mem_find(kr, issuer);
		if (pp != NULL) {
			struct mem_item *it = *pp;
			*pp = it->next;
			mem_item_free(it);
		}
		return 0;
	}
	secret_password_clear_sync(schema(), NULL, &err, "issuer", issuer, NULL);
	if (err != NULL) {
		set_cause(cause, "the Secret Service refused to remove the token");
		g_clear_error(&err);
		return -1;
	}
	return 0;
}
