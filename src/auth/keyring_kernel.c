/*
 * keyring_kernel.c - secrets in the kernel's per-user persistent keyring
 * (keyring_int.h), for terminals without a Secret Service: a text console,
 * an SSH session.
 *
 * keyctl_get_persistent() hands every process of the user the same keyring,
 * which outlives the process and the login session and is dropped by the
 * kernel after /proc/sys/kernel/keys/persistent_keyring_expiry seconds (3
 * days by default) without anyone asking for it.  One "user" key per item,
 * described "motcua:<item>", possessor-only (the user may see that it
 * exists, not read it); its payload is "motcua1\n<account>\n<secret>".
 * Payloads read back are wiped after use.  Nothing here prints or logs.
 */
#include "auth/keyring_int.h"

#include <errno.h>
#include <keyutils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

#define DESC_PREFIX "motcua:"
#define PAYLOAD_TAG "motcua1\n"

/* What only the possessor (a process of this user holding the persistent
 * keyring) may do; the user at large may only see the key. */
#define KEY_PERM                                                                          \
	(KEY_POS_VIEW | KEY_POS_READ | KEY_POS_WRITE | KEY_POS_SEARCH | KEY_POS_SETATTR |  \
	 KEY_USR_VIEW)

int32_t
kernel_keyring_open(void)
{
	key_serial_t k = keyctl_get_persistent(-1, KEY_SPEC_PROCESS_KEYRING);

	return k < 0 ? -1 : (int32_t)k;
}

static char *
describe(const char *item)
{
	size_t n = sizeof DESC_PREFIX + strlen(item);
	char *d = xmalloc(n);

	snprintf(d, n, DESC_PREFIX "%s", item);
	return d;
}

/* The key of `item` in the keyring, or -1 (errno ENOKEY when there is none). */
static key_serial_t
find(int32_t ring, const char *item)
{
	char *d = describe(item);
	long k = keyctl_search(ring, "user", d, 0);

	free(d);
	return k < 0 ? -1 : (key_serial_t)k;
}

int
kernel_keyring_store(int32_t ring, const char *item, const char *account, const char *secret,
		     const char **cause)
{
	size_t n = strlen(PAYLOAD_TAG) + strlen(account) + 1 + strlen(secret) + 1;
	char *payload = xmalloc(n), *d = describe(item);
	key_serial_t k;

	snprintf(payload, n, PAYLOAD_TAG "%s\n%s", account, secret);
	/* add_key() replaces the payload of a key of the same description */
	k = add_key("user", d, payload, strlen(payload), ring);
	explicit_bzero(payload, n);
	free(payload);
	free(d);
	if (k < 0) {
		*cause = errno == EDQUOT ? "the kernel keyring is full (quota)"
					 : "the kernel keyring refused to store the secret";
		return -1;
	}
	(void)keyctl_setperm(k, KEY_PERM);
	return 0;
}

int
kernel_keyring_lookup(int32_t ring, const char *item, char **secret, char **account,
		      const char **cause)
{
	key_serial_t k = find(ring, item);
	void *raw = NULL;
	long len;
	char *nl, *text;

	if (k < 0) {
		if (errno == ENOKEY || errno == EKEYEXPIRED || errno == EKEYREVOKED)
			return 0;
		*cause = "the kernel keyring could not be searched";
		return -1;
	}
	len = keyctl_read_alloc(k, &raw);
	if (len < 0) {
		*cause = "the kernel keyring item could not be read";
		return -1;
	}
	text = raw; /* keyctl_read_alloc() ends it with a NUL */
	nl = strncmp(text, PAYLOAD_TAG, strlen(PAYLOAD_TAG)) == 0
		     ? strchr(text + strlen(PAYLOAD_TAG), '\n')
		     : NULL;
	if (nl == NULL) {
		explicit_bzero(raw, (size_t)len);
		free(raw);
		*cause = "the kernel keyring item is not motcua's";
		return -1;
	}
	*nl = '\0';
	*secret = xstrdup(nl + 1);
	if (account != NULL)
		*account = xstrdup(text + strlen(PAYLOAD_TAG));
	explicit_bzero(raw, (size_t)len);
	free(raw);
	return 1;
}

int
kernel_keyring_clear(int32_t ring, const char *item, const char **cause)
{
	key_serial_t k;

	for (int guard = 0; guard < 16 && (k = find(ring, item)) >= 0; guard++) {
		/* invalidate: gone from every keyring at once, not just unlinked */
		if (keyctl_invalidate(k) != 0 && keyctl_unlink(k, ring) != 0) {
			*cause = "the kernel keyring refused to remove the secret";
			return -1;
		}
	}
	return 0;
}
