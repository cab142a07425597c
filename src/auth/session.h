/*
 * session.h - everything a command needs to talk to the sign-in provider.
 *
 * Glue for the application (src/app): picks the issuer and client id
 * (command-line value, then $MOTCUA_ISSUER / $MOTCUA_CLIENT_ID, then
 * config.json's as the app read it, then the last sign-in's), opens a net,
 * the keyring and an auth with a lock file in the data folder.  It reads no
 * configuration file and decides nothing about what to do with the sign-in.
 */
#ifndef MOTCUA_AUTH_SESSION_H
#define MOTCUA_AUTH_SESSION_H

#include <stdbool.h>

#include "auth/auth.h"
#include "auth/keyring.h"
#include "net/net.h"

struct auth_session {
	struct net *net;
	struct auth_keyring *keyring;
	struct auth *auth;
	char *issuer;
	char *client_id;
	char *data_dir;
};

struct auth_session_options {
	const char *issuer;           /* the command line's, or NULL */
	const char *client_id;        /* the command line's, or NULL */
	const char *config_issuer;    /* config.json's, or NULL */
	const char *config_client_id; /* config.json's, or NULL */
	const char *data_dir;         /* the remembered server, the lock file */
};

/*
 * Open.  Returns 0; AUTH_SESSION_NO_ISSUER when no server is known anywhere;
 * or -1 with *cause malloc'd (no net, a malformed issuer).  Release with
 * auth_session_release() either way.
 */
#define AUTH_SESSION_NO_ISSUER (-2)
int auth_session_open(struct auth_session *s, const struct auth_session_options *o,
		      char **cause);

/*
 * Remember this session's issuer and client id (not secrets) in the data
 * folder, mode 0600, so later commands find the server without --issuer:
 * the order is --issuer, $MOTCUA_ISSUER, config.json's "issuer", then the
 * last successful sign-in's.  0, or -1 when it could not be written.
 */
int auth_session_remember(const struct auth_session *s);

/* Cancels what is pending, waits for it, wipes and frees. */
void auth_session_release(struct auth_session *s);

/* Poll the net until *flag is true.  0, or -1 on a fatal net error. */
int auth_session_wait(struct auth_session *s, const bool *flag);

#endif
