/*
 * idp_state.c - what the sandbox's provider holds in memory and how it is
 * found again: random secrets (RAND_bytes) and user codes (the seeded PRNG),
 * sign-in families with their counted references, the token hash table,
 * the pending device authorizations, and the sweep that drops what expired.
 * Also the one synthetic official every sign-in belongs to.
 *
 * It answers no request: the endpoints (idp_device.c, idp_token.c,
 * idp_check.c) read and change this state.
 */
#include <ctype.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "core/unittest.h"
#include "core/xalloc.h"
#include "sandbox/idp_int.h"

/* RFC 8628 §6.1: consonants only, no vowels (no words), no 0/O or 1/I. */
static const char user_code_alphabet[] = "BCDFGHJKLMNPQRSTVWXZ";

#define SWEEP_EVERY 30        /* s of sandbox time between sweeps */
#define TOKEN_BYTES 32

/*
 * SoDinhDanh: province code 999 does not exist, so the number is well formed
 * but cannot belong to anyone.
 */
const struct idp_account idp_sandbox_official = {
	.sub = "sbx-canbo-0001",
	.tech_id = "00000000-5ba0-4b00-8000-000000000001",
	.loai_tai_khoan = 3,
	.ho_va_ten = "Đặng Thị Thu Hà",
	.so_dinh_danh = "999000000001",
	.ngay_sinh = "1990-08-15",
};

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

size_t
idp_base64url(const unsigned char *in, size_t len, char *out, size_t out_size)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;
		if (n > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (n > 2)
			v |= in[i + 2];
		for (size_t k = 0; k < n + 1; k++) {
			if (o + 1 >= out_size)
				goto out;
			out[o++] = tab[(v >> (18 - 6 * k)) & 63];
		}
	}
out:
	out[o] = '\0';
	return o;
}

char *
idp_b64url_str(const char *s)
{
	size_t len = strlen(s);
	size_t size = len / 3 * 4 + 6;
	char *out = xmalloc(size);
	idp_base64url((const unsigned char *)s, len, out, size);
	return out;
}

/* "prefix" + 43 base64url characters of 32 random bytes. */
char *
idp_new_secret(const char *prefix)
{
	unsigned char raw[TOKEN_BYTES];
	char enc[64];
	size_t plen = strlen(prefix);
	char *out;

	if (RAND_bytes(raw, sizeof raw) != 1)
		abort(); /* no entropy: nothing sensible to hand out */
	idp_base64url(raw, sizeof raw, enc, sizeof enc);
	explicit_bzero(raw, sizeof raw);
	out = xmalloc(plen + strlen(enc) + 1);
	memcpy(out, prefix, plen);
	memcpy(out + plen, enc, strlen(enc) + 1);
	explicit_bzero(enc, sizeof enc);
	return out;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/*
 * Normalise a user code as typed: keep letters of the alphabet (uppercased),
 * drop dashes and spaces.  Returns 0 when exactly IDP_USER_CODE_LEN remain.
 */
UNITTEST int idp_normalize_user_code(const char *in, char out[IDP_USER_CODE_LEN + 1]);
UNITTEST int
idp_normalize_user_code(const char *in, char out[IDP_USER_CODE_LEN + 1])
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		int c = toupper((unsigned char)*in);
		if (c == '-' || c == ' ')
			continue;
		if (strchr(user_code_alphabet, c) == NULL)
			return -1;
		if (n == IDP_USER_CODE_LEN)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == IDP_USER_CODE_LEN ? 0 : -1;
}

/* Client ids: "motcua" or anything that looks registered ([A-Za-z0-9._-]{1,64}). */
bool
idp_client_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && strchr("._-", id[i]) == NULL)
			return false;
	return true;
}

/* ---- families and tokens ---------------------------------------------- */

struct idp_family *
idp_family_new(const struct idp_account *acct, const char *client_id, const char *scope,
	       mc_time now)
{
	struct idp_family *f = xcalloc(1, sizeof *f);
	f->account = acct;
	f->client_id = xstrdup(client_id);
	f->scope = xstrdup(scope);
	f->auth_time = now;
	return f;
}

void
idp_family_unref(struct idp_family *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	free(f->client_id);
	free(f->scope);
	free(f);
}

void
idp_tok_free(struct idp_tok *t)
{
	idp_family_unref(t->fam);
	xfree_secret(t->value);
	free(t->audience);
	free(t);
}

static void
tokmap_grow(struct idp *idp)
{
	size_t n = idp->n_buckets * 2;
	struct idp_tok **b = xcalloc(n, sizeof *b);

	for (size_t i = 0; i < idp->n_buckets; i++) {
		struct idp_tok *t = idp->buckets[i], *next;
		for (; t != NULL; t = next) {
			next = t->next;
			size_t k = hash_str(t->value) & (n - 1);
			t->next = b[k];
			b[k] = t;
		}
	}
	free(idp->buckets);
	idp->buckets = b;
	idp->n_buckets = n;
}

struct idp_tok *
idp_tok_find(struct idp *idp, const char *value)
{
	struct idp_tok *t = idp->buckets[hash_str(value) & (idp->n_buckets - 1)];
	for (; t != NULL; t = t->next)
		if (strcmp(t->value, value) == 0)
			return t;
	return NULL;
}

/* Issue a token of `fam`; the table takes a reference.  Borrowed result. */
struct idp_tok *
idp_tok_issue(struct idp *idp, struct idp_family *fam, enum idp_tok_kind kind,
	      const char *audience, mc_time expires_at)
{
	struct idp_tok *t = xcalloc(1, sizeof *t);
	size_t k;

	t->value = idp_new_secret(kind == IDP_TOK_ACCESS ? "sbx-at-" : "sbx-rt-");
	t->kind = kind;
	t->fam = fam;
	fam->refs++;
	t->audience = xstrdup_or_null(audience);
	t->expires_at = expires_at;
	if (idp->n_tokens >= idp->n_buckets)
		tokmap_grow(idp);
	k = hash_str(t->value) & (idp->n_buckets - 1);
	t->next = idp->buckets[k];
	idp->buckets[k] = t;
	idp->n_tokens++;
	return t;
}

void
idp_device_free(struct idp_device *d)
{
	xfree_secret(d->device_code);
	free(d->client_id);
	free(d->scope);
	free(d);
}

/*
 * Drop what can no longer matter: tokens past expiry (a rotated refresh token
 * stays until its own expiry so that its reuse is still recognised), device
 * codes one TTL after they expired (until then a poll still gets
 * expired_token rather than invalid_grant).
 */
void
idp_sweep(struct idp *idp, mc_time now, bool force)
{
	if (!force && now < idp->next_sweep)
		return;
	idp->next_sweep = now + SWEEP_EVERY;
	for (size_t i = 0; i < idp->n_buckets; i++) {
		struct idp_tok **pp = &idp->buckets[i];
		while (*pp != NULL) {
			struct idp_tok *t = *pp;
			if (t->expires_at <= now) {
				*pp = t->next;
				idp_tok_free(t);
				idp->n_tokens--;
			} else {
				pp = &t->next;
			}
		}
	}
	for (struct idp_device **pp = &idp->devices; *pp != NULL;) {
		struct idp_device *d = *pp;
		if (d->expires_at + idp->device_ttl <= now) {
			*pp = d->next;
			idp_device_free(d);
			idp->n_devices--;
		} else {
			pp = &d->next;
		}
	}
}

struct idp_device *
idp_device_by_user_code(struct idp *idp, const char *typed)
{
	char norm[IDP_USER_CODE_LEN + 1];

	if (idp_normalize_user_code(typed, norm) != 0)
		return NULL;
	for (struct idp_device *d = idp->devices; d != NULL; d = d->next)
		if (strcmp(d->user_code, norm) == 0)
			return d;
	return NULL;
}

struct idp_device *
idp_device_by_code(struct idp *idp, const char *code)
{
	for (struct idp_device *d = idp->devices; d != NULL; d = d->next)
		if (strcmp(d->device_code, code) == 0)
			return d;
	return NULL;
}

void
idp_device_remove(struct idp *idp, struct idp_device *victim)
{
	for (struct idp_device **pp = &idp->devices; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			idp_device_free(victim);
			idp->n_devices--;
			return;
		}
	}
}

void
idp_new_user_code(struct idp *idp, char out[IDP_USER_CODE_LEN + 1])
{
	const size_t n = sizeof user_code_alphabet - 1;

	for (;;) {
		uint64_t r = splitmix64(&idp->prng);
		for (size_t i = 0; i < IDP_USER_CODE_LEN; i++) {
			out[i] = user_code_alphabet[r % n];
			r /= n;
		}
		out[IDP_USER_CODE_LEN] = '\0';
		if (idp_device_by_user_code(idp, out) == NULL)
			return;
	}
}

void
idp_revoke_family(struct idp_family *fam)
{
	fam->revoked = true;
}
