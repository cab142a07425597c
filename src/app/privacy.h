/*
 * privacy.h - what the commands and the console do to keep citizens' data
 * on this terminal as little and as closed as possible (doc/security.md):
 *
 *   - the data folder is 0700 and the store's files 0600 (tightened when
 *     found wider, e.g. a folder made by hand or an older version);
 *   - ID numbers in the store are sealed under a random data key kept in
 *     the Secret Service (item "motcua-data-key:<store path>"); without a
 *     Secret Service they are not written at all (store/protect.h);
 *   - finished dossiers leave the cache after the retention period;
 *   - a wipe removes the store, its -wal/-shm and the data key.
 *
 * It does not decide when to wipe (cmd_logout does, refusing while the
 * queue holds unsent work) and does not sign anyone out.
 */
#ifndef MOTCUA_SYNC_PRIVACY_H
#define MOTCUA_SYNC_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/civil.h"
#include "store/store.h"

/* How the store protects ID numbers after privacy_open(). */
enum privacy_level {
	PRIVACY_SEALED = 0,   /* sealed under a key in the Secret Service */
	PRIVACY_NOT_KEPT,     /* no Secret Service: ID numbers are not cached */
};

/*
 * Right after store_open(): tighten the permissions of `data_dir` and of
 * `db_path` (+ -wal, -shm), then get or create the data key and set the
 * store's mode (telling the store whether the key was found or created:
 * a found key the file has no record of is a removed record, not a first
 * key - store/protect.h).  *level (may be NULL) says which.  Returns 0, or -1 with
 * *cause (malloc'd) when a permission cannot be fixed or the store fails.
 * MOTCUA_KEYRING=memory means "no Secret Service", as for tokens.
 */
int privacy_open(struct store *s, const char *data_dir, const char *db_path,
		 enum privacy_level *level, char **cause);

/*
 * Remove finished dossiers older than `retention_days` (config; <= 0: keep
 * them) at `now` - or at the newest change the sources reported, when that
 * is earlier (a clock running ahead purges nothing early) - sparing those
 * with queued work, and record how many in
 * the audit log when any left.  *n may be NULL.  0 or -1 (store_errmsg()).
 */
int privacy_retention(struct store *s, int retention_days, mc_time now, int64_t *n);

/*
 * Delete the store at `db_path` with its -wal and -shm files, its markers,
 * the copies a repair kept aside (`<store>.damaged-*`: the same data), its
 * data key and its audit anchor (the store must be closed).  Files that do
 * not exist are fine.
 * 0, or -1 with *cause (malloc'd) naming the file that could not go.
 */
int privacy_wipe(const char *db_path, char **cause);

/*
 * Whether a persistent keyring still holds the data key of the store in
 * data_dir.  Asked when the store is missing or empty: it tells lost work
 * (refused) from a first run.
 */
bool privacy_key_kept(const char *data_dir);

/*
 * The name of a keyring item of the store at db_path: prefix and the
 * store's absolute path (its folder resolved when the file is gone), so
 * every item of one store is found again from any relative spelling.
 * malloc'd.
 */
char *privacy_item(const char *prefix, const char *db_path);

/* Permission bits of a path (-1 when it does not exist); for tests and doctor. */
int privacy_mode_of(const char *path);

#endif
