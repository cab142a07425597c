/*
 * keyring.h - where the refresh token lives between runs.
 *
 * The Secret Service (GNOME Keyring, KWallet, KeePassXC) through libsecret,
 * one item per issuer under the schema "org.motcua.Token" with the attributes
 * `issuer` and `account` (the official's subject).  Without a Secret Service
 * (no D-Bus session bus, e.g. over SSH, or MOTCUA_KEYRING=memory) secrets are
 * kept in this process's memory only, and open() says so in one line.
 * Nothing is ever written to disk in clear by this module.
 *
 * Secrets handed out are malloc'd copies: wipe them with xfree_secret().
 * Calls block for a D-Bus round trip (milliseconds); not thread-safe.
 */
#ifndef MOTCUA_AUTH_KEYRING_H
#define MOTCUA_AUTH_KEYRING_H

#include <stdbool.h>

#define AUTH_KEYRING_SCHEMA "org.motcua.Token"

struct auth_keyring;

/*
 * Open the Secret Service, or the in-memory store when there is none; never
 * NULL.  *notice (when not NULL) gets a static one-line notice for the user
 * when falling back to memory, else NULL.  Free with auth_keyring_free().
 */
struct auth_keyring *auth_keyring_open(const char **notice);

/* An in-memory keyring, for tests and for MOTCUA_KEYRING=memory. */
struct auth_keyring *auth_keyring_memory(void);

/* Wipes in-memory secrets. NULL is fine. */
void auth_keyring_free(struct auth_keyring *kr);

/* True when secrets outlive this process (a Secret Service). */
bool auth_keyring_persistent(const struct auth_keyring *kr);

/*
 * Store `secret` as THE item of `issuer` (an item of another account for the
 * same issuer is removed after the new one is stored).  Returns 0, or -1 with
 * *cause set to a static reason (when cause is not NULL).
 */
int auth_keyring_store(struct auth_keyring *kr, const char *issuer, const char *account,
		       const char *secret, const char **cause);

/*
 * The item of `issuer`: returns 1 and sets *secret (and *account when not
 * NULL; malloc'd, may be NULL), 0 when there is none, -1 on error (*cause).
 */
int auth_keyring_lookup(struct auth_keyring *kr, const char *issuer, char **secret,
			char **account, const char **cause);

/* Remove every item of `issuer`.  0 (also when there was none), -1 on error. */
int auth_keyring_clear(struct auth_keyring *kr, const char *issuer, const char **cause);

#endif
