/*
 * pin.c - the clerk's local unlock PIN, as a salted scrypt hash (pin.h).
 */
#include "auth/pin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/hex.h"
#include "core/xalloc.h"

#define TAG "motcua-pin 1 scrypt"
#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 1
#define SALT_LEN 16
#define HASH_LEN 32
#define MAX_LINE 1024

bool
auth_pin_valid(const char *pin)
{
	size_t n = pin != NULL ? strlen(pin) : 0;

	if (n < AUTH_PIN_MIN || n > AUTH_PIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

static int
derive(const char *pin, const unsigned char *salt, unsigned long n, unsigned long r,
       unsigned long p, unsigned char out[HASH_LEN])
{
	/* 128 * r * N bytes, and some room */
	uint64_t maxmem = (uint64_t)128 * r * n + (1u << 20);

	return EVP_PBE_scrypt(pin, strlen(pin), salt, SALT_LEN, n, r, p, maxmem, out,
			      HASH_LEN) == 1
		       ? 0
		       : -1;
}

/* An account goes into the file as one word: no blanks, no controls. */
static bool
account_ok(const char *account)
{
	if (account == NULL || account[0] == '\0' || strlen(account) > 256)
		return false;
	for (const char *p = account; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return false;
	return true;
}

int
auth_pin_set(const char *path, const char *account, const char *pin, const char **cause)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt_hex[2 * SALT_LEN + 1], hash_hex[2 * HASH_LEN + 1];
	char *tmp = NULL, *line = NULL;
	int fd = -1, rc = -1;

	if (!auth_pin_valid(pin)) {
		*cause = "a PIN is 4 to 12 digits";
		return -1;
	}
	if (!account_ok(account)) {
		*cause = "no signed-in official to keep a PIN for";
		return -1;
	}
	if (getrandom(salt, sizeof salt, 0) != (ssize_t)sizeof salt ||
	    derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, hash) != 0) {
		*cause = "the PIN could not be hashed";
		goto out;
	}
	hex_encode(salt, SALT_LEN, salt_hex);
	hex_encode(hash, HASH_LEN, hash_hex);
	line = xasprintf(TAG " %d %d %d %s %s %s\n", SCRYPT_N, SCRYPT_R, SCRYPT_P, account, salt_hex,
			 hash_hex);
	tmp = xasprintf("%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write(fd, line, strlen(line)) != (ssize_t)strlen(line) || fsync(fd) != 0) {
		*cause = "the PIN file could not be written";
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		fd = -1;
		*cause = "the PIN file could not be written";
		goto out;
	}
	fd = -1;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp != NULL)
		unlink(tmp);
	explicit_bzero(hash, sizeof hash);
	free(tmp);
	free(line);
	return rc;
}

/* The kept hash of `account`: 0 with salt, hash and cost; -1 none. */
static int
read_kept(const char *path, const char *account, unsigned char salt[SALT_LEN],
	  unsigned char hash[HASH_LEN], unsigned long cost[3])
{
	char line[MAX_LINE], acc[300], salt_hex[80], hash_hex[80];
	FILE *f = fopen(path, "re");
	int rc = -1;

	if (f == NULL)
		return -1;
	if (fgets(line, sizeof line, f) != NULL &&
	    strncmp(line, TAG " ", strlen(TAG) + 1) == 0 &&
	    sscanf(line + strlen(TAG) + 1, "%lu %lu %lu %299s %79s %79s", &cost[0], &cost[1],
		   &cost[2], acc, salt_hex, hash_hex) == 6 &&
	    strcmp(acc, account) == 0 && hex_decode(salt_hex, salt, SALT_LEN) == 0 &&
	    hex_decode(hash_hex, hash, HASH_LEN) == 0 && cost[0] >= 1024 && cost[0] <= (1u << 20) &&
	    cost[1] >= 1 && cost[1] <= 32 && cost[2] >= 1 && cost[2] <= 16)
		rc = 0;
	fclose(f);
	return rc;
}

enum auth_pin_result
auth_pin_check(const char *path, const char *account, const char *pin)
{
	unsigned char salt[SALT_LEN], kept[HASH_LEN], got[HASH_LEN];
	unsigned long cost[3];
	enum auth_pin_result r = AUTH_PIN_NONE;

	if (!account_ok(account) || read_kept(path, account, salt, kept, cost) != 0)
		return AUTH_PIN_NONE;
	if (pin == NULL || !auth_pin_valid(pin))
		r = AUTH_PIN_WRONG;
	else if (derive(pin, salt, cost[0], cost[1], cost[2], got) == 0)
		r = CRYPTO_memcmp(got, kept, HASH_LEN) == 0 ? AUTH_PIN_OK : AUTH_PIN_WRONG;
	explicit_bzero(got, sizeof got);
	explicit_bzero(kept, sizeof kept);
	return r;
}

bool
auth_pin_is_set(const char *path, const char *account)
{
	unsigned char salt[SALT_LEN], kept[HASH_LEN];
	unsigned long cost[3];

	return account_ok(account) && read_kept(path, account, salt, kept, cost) == 0;
}

int
auth_pin_clear(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}
