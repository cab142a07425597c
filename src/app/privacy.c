/*
 * privacy.c - permissions, the data key, retention and wipe (privacy.h).
 *
 * The data key is 32 random bytes (getrandom), kept hex-encoded as a
 * Secret Service item of the keyring schema auth uses, with the attribute
 * issuer = "motcua-data-key:<absolute store path>" (one key per store), so
 * it is unlocked with the session like the sign-in and never touches the
 * disk in clear.  Copies in memory are wiped.  This file prints nothing.
 */
#include "app/privacy.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/audit_anchor.h"
#include "auth/keyring.h"
#include "core/hex.h"
#include "core/xalloc.h"
#include "store/audit.h"
#include "store/protect.h"

#define KEY_ITEM_PREFIX "motcua-data-key:"

static char *
fmt(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *out = xmalloc(n);

	snprintf(out, n, "%s%s%s", a, b, c);
	return out;
}

int
privacy_mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int)(sb.st_mode & 07777);
}

/* chmod to `mode` when the path exists with any bit beyond it. */
static int
tighten(const char *path, mode_t mode, char **cause)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISLNK(sb.st_mode)) {
		*cause = fmt(path, ": is a symbolic link; refusing to use it for personal data",
			     "");
		return -1;
	}
	if ((sb.st_mode & 07777 & ~mode) == 0)
		return 0;
	if (sb.st_uid != geteuid() || chmod(path, mode) != 0) {
		char why[160];

		snprintf(why, sizeof why, ": open to other users (mode %04o) and cannot be "
			 "closed: %s", (unsigned)(sb.st_mode & 07777),
			 sb.st_uid != geteuid() ? "not ours" : strerror(errno));
		*cause = fmt(path, why, "");
		return -1;
	}
	return 0;
}

char *
privacy_item(const char *prefix, const char *db_path)
{
	char abs[PATH_MAX], dir[PATH_MAX];
	const char *slash = strrchr(db_path, '/');

	if (realpath(db_path, abs) != NULL)
		return fmt(prefix, abs, "");
	/* the file is gone (a wipe, a missing store): its folder still resolves */
	snprintf(dir, sizeof dir, "%.*s", slash != NULL ? (int)(slash - db_path) : 1,
		 slash != NULL ? db_path : ".");
	if (slash == db_path)
		snprintf(dir, sizeof dir, "/");
	if (realpath(dir, abs) != NULL)
		return xasprintf("%s%s%s%s", prefix, abs, strcmp(abs, "/") == 0 ? "" : "/",
				 slash != NULL ? slash + 1 : db_path);
	return fmt(prefix, db_path, "");
}

static char *
key_item(const char *db_path)
{
	return privacy_item(KEY_ITEM_PREFIX, db_path);
}

bool
privacy_key_kept(const char *data_dir)
{
	char abs[PATH_MAX], *db, *item, *secret = NULL;
	struct auth_keyring *kr;
	bool yes = false;

	if (realpath(data_dir, abs) == NULL)
		return false;
	kr = auth_keyring_open();
	if (auth_keyring_persistent(kr)) {
		db = fmt(abs, "/motcua.db", "");
		item = key_item(db);
		yes = auth_keyring_lookup(kr, item, &secret, NULL, NULL) == 1;
		xfree_secret(secret);
		free(item);
		free(db);
	}
	auth_keyring_free(kr);
	return yes;
}

/* The store's data key from the Secret Service, created on first use;
 * *existed: it was found there (not created now).  0 got it; 1 no Secret
 * Service (or it refused). */
static int
data_key(const char *db_path, unsigned char key[STORE_DATA_KEY_LEN], bool *existed)
{
	struct auth_keyring *kr = auth_keyring_open();
	char *item = key_item(db_path), *secret = NULL;
	char hex[2 * STORE_DATA_KEY_LEN + 1];
	int ret = 1, found;

	*existed = false;
	if (!auth_keyring_persistent(kr))
		goto out;
	found = auth_keyring_lookup(kr, item, &secret, NULL, NULL);
	if (found == 1 && hex_decode(secret, key, STORE_DATA_KEY_LEN) == 0) {
		*existed = true;
		ret = 0;
		goto out;
	}
	if (found < 0)
		goto out;
	/* none yet (or damaged): a new one; the store forgets what the old sealed */
	for (size_t got = 0; got < STORE_DATA_KEY_LEN;) {
		ssize_t n = getrandom(key + got, STORE_DATA_KEY_LEN - got, 0);
		if (n < 0 && errno != EINTR)
			goto out;
		got += n > 0 ? (size_t)n : 0;
	}
	hex_encode(key, STORE_DATA_KEY_LEN, hex);
	if (auth_keyring_store(kr, item, "motcua", hex, NULL) == 0)
		ret = 0;
	explicit_bzero(hex, sizeof hex);
out:
	if (ret != 0)
		explicit_bzero(key, STORE_DATA_KEY_LEN);
	xfree_secret(secret);
	free(item);
	auth_keyring_free(kr);
	return ret;
}

int
privacy_open(struct store *s, const char *data_dir, const char *db_path,
	     enum privacy_level *level, char **cause)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	unsigned char key[STORE_DATA_KEY_LEN];
	bool existed = false;
	int rc;

	*cause = NULL;
	if (data_dir != NULL && tighten(data_dir, 0700, cause) != 0)
		return -1;
	for (size_t i = 0; db_path != NULL && i < 3; i++) {
		char *p = fmt(db_path, suffixes[i], "");
		rc = tighten(p, 0600, cause);
		free(p);
		if (rc != 0)
			return -1;
	}
	if (db_path != NULL && data_key(db_path, key, &existed) == 0) {
		/* whether the keyring already had it tells a first key from a
		 * record of it removed from the file (store/protect.h) */
		rc = store_protect_set_key(s, key, existed, NULL, NULL);
		explicit_bzero(key, sizeof key);
		if (level != NULL)
			*level = PRIVACY_SEALED;
	} else {
		rc = store_protect_drop_ids(s);
		if (level != NULL)
			*level = PRIVACY_NOT_KEPT;
	}
	if (rc != 0) {
		*cause = xstrdup(store_errmsg(s));
		return -1;
	}
	return 0;
}

int
privacy_retention(struct store *s, int retention_days, mc_time now, int64_t *n)
{
	int64_t gone = 0;
	mc_time data_now = 0, now_ref = now;
	char details[64];

	if (n != NULL)
		*n = 0;
	if (retention_days <= 0)
		return 0;
	/*
	 * Age is measured against the earlier of this terminal's clock and the
	 * newest change the sources reported: an old PC whose clock jumped
	 * years ahead must not purge everything it holds.
	 */
	if (store_protect_data_clock(s, &data_now) != 0)
		return -1;
	if (data_now > 0 && data_now < now)
		now_ref = data_now;
	if (store_protect_purge_finished(s, now_ref - (mc_time)retention_days * 86400, &gone) != 0)
		return -1;
	if (n != NULL)
		*n = gone;
	if (gone == 0)
		return 0;
	snprintf(details, sizeof details, "{\"days\":%d,\"removed\":%" PRId64 "}",
		 retention_days, gone);
	return store_audit_append(s,
				  &(struct store_audit_record){.kind = STORE_AUDIT_PURGE,
							       .purpose = "retention",
							       .details = details},
				  now, NULL);
}

/* Remove <store>.damaged-* (doctor --repair's copies of a damaged store). */
static int
wipe_aside(const char *db_path, char **cause)
{
	const char *slash = strrchr(db_path, '/');
	char *dir = slash != NULL ? xstrndup(db_path, (size_t)(slash - db_path + (slash == db_path)))
				  : xstrdup(".");
	const char *base = slash != NULL ? slash + 1 : db_path;
	char *prefix = fmt(base, ".damaged-", "");
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	while (d != NULL && rc == 0 && (e = readdir(d)) != NULL) {
		char *p;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		p = fmt(dir, "/", e->d_name);
		if (unlink(p) != 0 && errno != ENOENT) {
			*cause = fmt(p, ": cannot remove: ", strerror(errno));
			rc = -1;
		}
		free(p);
	}
	if (d != NULL)
		closedir(d);
	free(prefix);
	free(dir);
	return rc;
}

int
privacy_wipe(const char *db_path, char **cause)
{
	static const char *const suffixes[] = {"-wal", "-shm", "", ".replay.lock", ".open"};
	struct auth_keyring *kr;
	char *item = key_item(db_path);

	*cause = NULL;
	/* copies a repair kept aside hold the same citizens' data: they go too */
	if (wipe_aside(db_path, cause) != 0) {
		free(item);
		return -1;
	}
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char *p = fmt(db_path, suffixes[i], "");

		if (unlink(p) != 0 && errno != ENOENT) {
			*cause = fmt(p, ": cannot remove: ", strerror(errno));
			free(p);
			free(item);
			return -1;
		}
		free(p);
	}
	kr = auth_keyring_open();
	auth_keyring_clear(kr, item, NULL);
	auth_keyring_free(kr);
	free(item);
	audit_anchor_forget(db_path); /* the next log is a new chain */
	return 0;
}
