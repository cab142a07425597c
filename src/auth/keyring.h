/*
 * keyring.h - where the refresh token (and the store's data key) live
 * between runs, in this order:
 *
 *  1. the Secret Service (GNOME Keyring, KWallet, KeePassXC) through
 *     libsecret, one item per issuer under the schema "org.motcua.Token"
 *     with the attributes `issuer` and `account` (the official's subject);
 *  2. without one (no D-Bus session bus: a text console, SSH), the kernel's
 *     per-user persistent keyring (keyutils), which every process of the user
 *     shares, which outlives the process and the login session, and which
 *     the kernel drops after days of disuse (keyring_kernel.c);
 *  3. else this process's memory only.
 *
 * MOTCUA_KEYRING=memory, =kernel or =secret-service picks one (tests; an
 * unavailable choice falls to memory).  Nothing is ever written to disk in
 * clear by this module.
 *
 * Secrets handed out are malloc'd copies: wipe them with xfree_secret().
 * Calls block for a D-Bus round trip (milliseconds); not thread-safe.
 */
#ifndef MOTCUA_AUTH_KEYRING_H
#define MOTCUA_AUTH_KEYRING_H

#include <stdbool.h>

#define AUTH_KEYRING_SCHEMA "org.motcua.Token"

struct auth_keyring;

enum auth_keyring_kind {
	AUTH_KEYRING_MEMORY = 0,
	AUTH_KEYRING_SERVICE,
	AUTH_KEYRING_KERNEL,
};

/* The first keyring of the order above that works; never NULL.  Free with
 * auth_keyring_free(). */
struct auth_keyring *auth_keyring_open(void);
/* Which one it is, and its stable name ("secret-service", "kernel-keyring",
 * "memory"). */
enum auth_keyring_kind auth_keyring_kind(const struct auth_keyring *kr);
const char *auth_keyring_kind_name(enum auth_keyring_kind k);

/* An in-memory keyring, for tests and for MOTCUA_KEYRING=memory. */
struct auth_keyring *auth_keyring_memory(void);

/* Wipes in-memory secrets. NULL is fine. */
void auth_keyring_free(struct auth_keyring *kr);

/* True when secrets outlive this process (not memory). */
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
