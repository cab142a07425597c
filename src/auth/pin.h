/*
 * pin.h - the clerk's local unlock PIN.
 *
 * Chosen at the first sign-in on a terminal, the PIN lets the clerk back
 * into a locked console within the grace period without the phone.  Only
 * a salted scrypt hash is kept (OpenSSL EVP_PBE_scrypt, N=2^14, r=8, p=1,
 * 16 random bytes of salt), in one file of the data folder, mode 0600,
 * together with the account (the official's subject) it belongs to: another
 * official signing in on the same terminal has no PIN until they choose one.
 * The PIN itself is never written or logged; callers wipe their copies.
 *
 * The file: "motcua-pin 1 scrypt 16384 8 1 ACCOUNT SALT_HEX HASH_HEX\n".
 */
#ifndef MOTCUA_AUTH_PIN_H
#define MOTCUA_AUTH_PIN_H

#include <stdbool.h>

#define AUTH_PIN_MIN 4
#define AUTH_PIN_MAX 12
#define AUTH_PIN_FILE "unlock.pin"

/* Whether `pin` is acceptable: AUTH_PIN_MIN..AUTH_PIN_MAX ASCII digits. */
bool auth_pin_valid(const char *pin);

/* Keep the hash of `pin` for `account` in `path` (written whole, then
 * renamed).  0, or -1 with *cause static. */
int auth_pin_set(const char *path, const char *account, const char *pin, const char **cause);

enum auth_pin_result {
	AUTH_PIN_OK = 0,  /* the PIN of this account */
	AUTH_PIN_WRONG,   /* another PIN */
	AUTH_PIN_NONE,    /* no PIN kept for this account (none, another's, unreadable) */
};

/* Check `pin` against the one kept for `account`; takes tens of ms. */
enum auth_pin_result auth_pin_check(const char *path, const char *account, const char *pin);

/* Whether a PIN is kept for `account`. */
bool auth_pin_is_set(const char *path, const char *account);

/* Forget the PIN (logout).  0, also when there was none. */
int auth_pin_clear(const char *path);

#endif
