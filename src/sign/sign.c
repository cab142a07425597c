/*
 * sign.c - what every signer shares: status messages in Vietnamese and
 * English, the PKCS#11 return-value table, secrets (reading them from a
 * terminal with echo off or from a descriptor, and wiping them), and the
 * thin wrappers around the signer table.
 *
 * It knows no token, no service and no CMS.
 */
#include "sign/sign.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- errors -------------------------------------------------------------- */

int
sign_fail(struct sign_error *err, enum sign_status status, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->status = status;
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- PKCS#11 return values ---------------------------------------------- */

/* Values from the PKCS#11 v2.40 specification (pkcs11t.h). */
static const struct ckr_row {
	unsigned long rv;
	const char *name;
	enum sign_status status;
} ckr_rows[] = {
	{0x000, "CKR_OK", SIGN_OK},
	{0x001, "CKR_CANCEL", SIGN_ERR_CANCELLED},
	{0x003, "CKR_SLOT_ID_INVALID", SIGN_ERR_NO_TOKEN},
	{0x030, "CKR_DEVICE_ERROR", SIGN_ERR_DEVICE},
	{0x031, "CKR_DEVICE_MEMORY", SIGN_ERR_DEVICE},
	{0x032, "CKR_DEVICE_REMOVED", SIGN_ERR_TOKEN_REMOVED},
	{0x050, "CKR_FUNCTION_CANCELED", SIGN_ERR_CANCELLED},
	{0x054, "CKR_FUNCTION_NOT_SUPPORTED", SIGN_ERR_KEY_UNSUPPORTED},
	{0x060, "CKR_KEY_HANDLE_INVALID", SIGN_ERR_TOKEN_REMOVED},
	{0x063, "CKR_KEY_TYPE_INCONSISTENT", SIGN_ERR_KEY_UNSUPPORTED},
	{0x068, "CKR_KEY_FUNCTION_NOT_PERMITTED", SIGN_ERR_KEY_UNSUPPORTED},
	{0x070, "CKR_MECHANISM_INVALID", SIGN_ERR_KEY_UNSUPPORTED},
	{0x071, "CKR_MECHANISM_PARAM_INVALID", SIGN_ERR_KEY_UNSUPPORTED},
	{0x082, "CKR_OBJECT_HANDLE_INVALID", SIGN_ERR_TOKEN_REMOVED},
	{0x0A0, "CKR_PIN_INCORRECT", SIGN_ERR_PIN_INCORRECT},
	{0x0A1, "CKR_PIN_INVALID", SIGN_ERR_PIN_INVALID},
	{0x0A2, "CKR_PIN_LEN_RANGE", SIGN_ERR_PIN_INVALID},
	{0x0A3, "CKR_PIN_EXPIRED", SIGN_ERR_PIN_LOCKED},
	{0x0A4, "CKR_PIN_LOCKED", SIGN_ERR_PIN_LOCKED},
	{0x0B0, "CKR_SESSION_CLOSED", SIGN_ERR_TOKEN_REMOVED},
	{0x0B3, "CKR_SESSION_HANDLE_INVALID", SIGN_ERR_TOKEN_REMOVED},
	{0x0E0, "CKR_TOKEN_NOT_PRESENT", SIGN_ERR_TOKEN_REMOVED},
	{0x0E1, "CKR_TOKEN_NOT_RECOGNIZED", SIGN_ERR_NO_TOKEN},
	{0x101, "CKR_USER_NOT_LOGGED_IN", SIGN_ERR_TOKEN_REMOVED},
	{0x102, "CKR_USER_PIN_NOT_INITIALIZED", SIGN_ERR_PIN_LOCKED},
	{0x190, "CKR_CRYPTOKI_NOT_INITIALIZED", SIGN_ERR_NO_MODULE},
};

static const struct ckr_row *
ckr_find(unsigned long rv)
{
	for (size_t i = 0; i < sizeof(ckr_rows) / sizeof(ckr_rows[0]); i++)
		if (ckr_rows[i].rv == rv)
			return &ckr_rows[i];
	return NULL;
}

enum sign_status
sign_ckr_status(unsigned long ckr)
{
	const struct ckr_row *row = ckr_find(ckr);
	return row != NULL ? row->status : SIGN_ERR_DEVICE;
}

const char *
sign_ckr_name(unsigned long ckr)
{
	const struct ckr_row *row = ckr_find(ckr);
	return row != NULL ? row->name : "CKR_(other)";
}

/* ---- secrets ------------------------------------------------------------- */

void
sign_secret_wipe(struct sign_secret *secret)
{
	if (secret != NULL)
		explicit_bzero(secret, sizeof(*secret));
}

/* Read up to a newline or EOF; 0 with a non-empty value, else -1. */
static int
read_line(int fd, struct sign_secret *out)
{
	for (;;) {
		char c;
		ssize_t got = read(fd, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (got == 0 || c == '\n')
			break;
		if (c == '\r')
			continue;
		if (out->len + 1 >= sizeof(out->value))
			goto fail;
		out->value[out->len++] = c;
	}
	out->value[out->len] = '\0';
	if (out->len == 0)
		goto fail;
	return 0;
fail:
	sign_secret_wipe(out);
	return -1;
}

int
sign_read_secret(int fd, const char *prompt, struct sign_secret *out)
{
	struct termios saved, quiet;
	int tty = -1, rc = -1;
	bool restore = false;

	sign_secret_wipe(out);
	if (fd >= 0)
		return read_line(fd, out);
	tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tty < 0)
		return -1;
	if (tcgetattr(tty, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		if (tcsetattr(tty, TCSAFLUSH, &quiet) == 0)
			restore = true;
	}
	if (prompt != NULL && write(tty, prompt, strlen(prompt)) < 0)
		goto out;
	rc = read_line(tty, out);
	if (write(tty, "\n", 1) < 0) {
		/* the newline after the hidden input is cosmetic */
	}
out:
	if (restore)
		tcsetattr(tty, TCSAFLUSH, &saved);
	close(tty);
	if (rc != 0)
		sign_secret_wipe(out);
	return rc;
}

/* ---- the signer table ----------------------------------------------------- */

int
signer_open(struct signer *s, struct sign_error *err)
{
	return s->ops->open(s, err);
}

int
signer_list_keys(struct signer *s, const struct sign_key **keys, size_t *n_keys,
		 struct sign_error *err)
{
	return s->ops->list_keys(s, keys, n_keys, err);
}

void
signer_close(struct signer *s)
{
	if (s != NULL)
		s->ops->close(s);
}

int
signer_prepare(struct signer *s, const struct sign_key *key, size_t n, unsigned *asks,
	       struct sign_error *err)
{
	*asks = 0;
	if (s->ops->prepare == NULL)
		return 0;
	return s->ops->prepare(s, key, n, asks, err);
}

int
signer_pick_key(struct signer *s, const char *want, const struct sign_key **key,
		struct sign_error *err)
{
	const struct sign_key *keys;
	size_t n = 0, used = 0;
	char names[200] = "";

	if (signer_list_keys(s, &keys, &n, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (want != NULL && (strcmp(keys[i].label, want) == 0 ||
				     strcmp(keys[i].id, want) == 0)) {
			*key = &keys[i];
			return 0;
		}
		int w = snprintf(names + used, sizeof(names) - used, "%s%s", i > 0 ? ", " : "",
				 keys[i].label[0] != '\0' ? keys[i].label : keys[i].id);
		if (w > 0 && (size_t)w < sizeof(names) - used)
			used += (size_t)w;
	}
	if (want == NULL && n == 1) {
		*key = &keys[0];
		return 0;
	}
	if (n == 0)
		return sign_fail(err, SIGN_ERR_NO_KEY, "no private key with a certificate");
	if (want == NULL)
		return sign_fail(err, SIGN_ERR_NO_KEY,
				 "several keys fit; name one (the signing key setting): %s", names);
	return sign_fail(err, SIGN_ERR_NO_KEY, "no key '%s'; there are: %s", want, names);
}

enum sign_alg
sign_alg_for_key(const struct sign_key *key)
{
	return key->type == SIGN_KEY_EC ? SIGN_ALG_ECDSA_SHA256 : SIGN_ALG_RSA_PSS_SHA256;
}
