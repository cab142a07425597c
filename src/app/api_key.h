/*
 * api_key.h - the API keys of profile systems that take one ("auth":
 * "api_key", doc/sources.md), kept in the keyring as the item
 * "motcua-api-key:NAME" (account NAME), never in a file, an argument list
 * or the environment.  `motcua api-key set NAME` stores one read from
 * standard input; the application hands it to the system's connector when
 * it builds it.
 */
#ifndef MOTCUA_APP_API_KEY_H
#define MOTCUA_APP_API_KEY_H

#include <stdbool.h>

#define APP_API_KEY_ITEM "motcua-api-key:"

/* Store `key` for system `name` (a-z 0-9 _ -).  0, or -1 with *cause (static):
 * a bad name, a key that is empty, over 1 KB or not one printable line, or
 * no keyring that outlives this process. */
int app_api_key_set(const char *name, const char *key, const char **cause);
/* Remove it.  0 (also when there was none), -1 with *cause. */
int app_api_key_clear(const char *name, const char **cause);
/* The key of `name` (malloc'd; wipe with xfree_secret), or NULL. */
char *app_api_key_get(const char *name);
/* Where keys are kept: "secret-service", "kernel-keyring" or "memory". */
const char *app_api_key_store_name(void);

#endif
