/*
 * env.h - everything a one-shot command (sync, inbox, show, doctor) or the
 * console needs around the sync engine: the configuration, the store in the
 * data folder, the procedure catalogue, the sign-in session and the list of
 * sources (config/sources.d plus the systems a sandbox publishes in its
 * discovery document), wired into a struct sync.
 *
 * It decides nothing and prints nothing: warnings (a bad profile, a
 * malformed catalogue, a system without a connector) go to the warn
 * callback with the file or system named.
 */
#ifndef MOTCUA_SYNC_ENV_H
#define MOTCUA_SYNC_ENV_H

#include <stdbool.h>

#include "auth/session.h"
#include "config/config.h"
#include "config/procedures.h"
#include "core/calendar.h"
#include "sources/profile.h"
#include "store/store.h"
#include "app/privacy.h"
#include "sync/sync.h"

typedef void sync_env_warn_fn(void *ctx, const char *msg);

struct sync_env_options {
	const char *config_file;  /* --config, or NULL */
	const char *issuer;       /* --issuer, or NULL (then $MOTCUA_ISSUER, config.json) */
	bool sign_in;             /* open the sign-in session and discover the systems */
	bool sources;             /* build the sources and the sync engine (needs sign_in
	                             for tokens; without a session sources get none) */
	struct calendar *cal;     /* taken (freed at release); NULL: none */
	sync_env_warn_fn *warn;   /* NULL: warnings dropped */
	void *warn_ctx;
};

struct sync_env {
	struct config_paths paths;
	struct config cfg;
	char *db_path;
	struct store *store;
	enum privacy_level privacy;   /* ID numbers sealed or not kept (sync/privacy.h) */
	struct procedures procs;
	const char *procs_origin;     /* file path or "built-in" (borrowed/static) */
	char *procs_file;
	struct calendar *cal;
	struct auth_session session;
	bool have_session;
	char *session_error;          /* why there is no session (malloc'd) or NULL */
	bool discovered;
	char *discovery_error;
	struct source_def *defs;
	size_t n_defs;
	struct sync_tokens tokens;
	struct sync *sync;            /* NULL unless options.sources */
	struct net *net;              /* the session's net, or an own one */
	bool own_net;
};

/*
 * Open.  Returns 0, or -1 with *cause (malloc'd) when the store cannot be
 * opened or the network layer cannot start; a missing sign-in is not an
 * error here (session_error says why).  Release either way.
 */
int sync_env_open(struct sync_env *e, const struct sync_env_options *opt, char **cause);
void sync_env_release(struct sync_env *e);

/* The "coming due" horizon at now in wall-clock seconds: one working day
 * (config due_soon_minutes of working time) from now, by the calendar. */
int64_t sync_env_soon_seconds(struct sync_env *e, mc_time now);

#endif
