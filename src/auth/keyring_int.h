/*
 * keyring_int.h - the kernel keyring backend of keyring.c (keyring_kernel.c).
 * Items and causes as in keyring.h; `ring` is the user's persistent keyring.
 */
#ifndef MOTCUA_AUTH_KEYRING_INT_H
#define MOTCUA_AUTH_KEYRING_INT_H

#include <stdint.h>

/* The user's persistent keyring, linked to this process; -1 when the
 * kernel has none (no CONFIG_PERSISTENT_KEYRINGS, or keys not allowed). */
int32_t kernel_keyring_open(void);
int kernel_keyring_store(int32_t ring, const char *item, const char *account,
			 const char *secret, const char **cause);
int kernel_keyring_lookup(int32_t ring, const char *item, char **secret, char **account,
			  const char **cause);
int kernel_keyring_clear(int32_t ring, const char *item, const char **cause);

#endif
