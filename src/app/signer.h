/*
 * signer.h - what the commands that sign share (`motcua sign`, `motcua act
 * ... --sign`): the signer options, config.json's "signing" defaults, where
 * secrets come from (the terminal with echo off, or --pin-fd / --otp-fd /
 * --access-token-fd; never argv or the environment), the access token of
 * system "csc" from the sign-in, and opening the token or remote signer.
 *
 * Wiring only; the protocol is src/sign's (doc/signing.md).  Messages go to
 * stderr as "motcua CMD: ..." (cli.h).
 */
#ifndef MOTCUA_CLI_SIGNER_H
#define MOTCUA_CLI_SIGNER_H

#include "config/config.h"
#include "net/net.h"
#include "sign/sign.h"

/* Strings are borrowed (argv or the config); fds are -1 when not given. */
struct cli_signer_opts {
	const char *module;
	const char *token;
	const char *key;
	const char *remote;
	const char *credential;
	int pin_fd;
	int otp_fd;
	int access_token_fd;
};

#define CLI_SIGNER_OPTS_INIT {.pin_fd = -1, .otp_fd = -1, .access_token_fd = -1}

/* Where the signer's ask callback reads secrets from (-1: /dev/tty). */
struct cli_signer_ask {
	int pin_fd;
	int otp_fd;
};

/* sign_ask_fn over struct cli_signer_ask. */
int cli_signer_ask_secret(void *arg, enum sign_secret_kind kind, const char *prompt,
			  struct sign_secret *out);

/* "motcua CMD: <vi> (<en>): detail" on stderr; returns CLI_FAIL. */
int cli_signer_fail(const char *cmd, const struct sign_error *err);

/* A file descriptor number 0..1024: 0, or -1. */
int cli_parse_fd(const char *s, int *fd);

/*
 * Fill what the command line left open from the "signing" section of
 * config_file (NULL: the default config.json): the token (module, token,
 * key) unless a remote signer was asked for, or the remote signer when
 * neither --module (nor MOTCUA_PKCS11_MODULE) nor --remote was given.  *cfg
 * is initialised here and holds the strings; release it with
 * config_release().  A malformed file is reported and ignored.
 */
void cli_signer_apply_config(const char *cmd, const char *config_file,
			     struct cli_signer_opts *o, struct config *cfg);

/*
 * A new (unopened) signer for o: the token, or the remote signer with the
 * access token from --access-token-fd or the sign-in (system "csc") in
 * *bearer and its own net in *net (the caller wipes *bearer and frees *net
 * after signer_close()).  NULL with *rc set (message printed) on failure.
 */
struct signer *cli_signer_make(const char *cmd, const struct cli_signer_opts *o,
			       struct cli_signer_ask *ask, struct net **net,
			       struct sign_secret *bearer, int *rc);

#endif
