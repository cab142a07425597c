/*
 * cmd_logout.c - `motcua logout`: end the sign-in everywhere we can.
 *
 * Revokes the refresh token at the provider when it answers (which ends every
 * token of that sign-in), then removes it from the keyring and wipes memory
 * whatever the provider said.  It does not touch the local store or the
 * offline queue (wiping the cache on shared terminals is the console's job).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/session.h"
#include "cli/cli.h"
#include "core/xalloc.h"

struct logout_state {
	bool done;
	enum auth_status status;
	char detail[256];
};

static void
on_done(struct auth *auth, enum auth_status status, const char *detail, void *arg)
{
	struct logout_state *st = arg;

	(void)auth;
	st->done = true;
	st->status = status;
	snprintf(st->detail, sizeof st->detail, "%s", detail != NULL ? detail : "");
}

int
cmd_logout(int argc, char **argv)
{
	const char *issuer = NULL, *client_id = NULL;
	struct logout_state st = {0};
	struct auth_session s;
	char *cause = NULL;
	int rc = CLI_OK;

	auth_json_wipe_on_free();
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--client-id") == 0 && i + 1 < argc)
			client_id = argv[++i];
		else
			return cli_usage_error("logout", "unexpected argument '%s'", argv[i]);
	}
	if (auth_session_open(&s, issuer, client_id, &cause) != 0) {
		rc = cli_fail("logout", "%s", cause);
		free(cause);
		auth_session_release(&s);
		return rc;
	}
	auth_sign_out(s.auth, on_done, &st);
	if (auth_session_wait(&s, &st.done) != 0) {
		rc = cli_fail("logout", "network layer failed");
	} else if (st.status == AUTH_OK) {
		printf("Đã đăng xuất (signed out)%s\n",
		       strcmp(st.detail, "nothing stored") == 0
			       ? "; không có phiên nào được lưu (nothing was stored)" : "");
	} else if (st.status == AUTH_OFFLINE) {
		printf("Đã xóa token trên máy này (signed out here)\n");
		fprintf(stderr, "motcua logout: %s\n", st.detail);
	} else {
		rc = cli_fail("logout", "%s%s%s", auth_status_message(st.status),
			      st.detail[0] != '\0' ? " " : "", st.detail);
	}
	auth_session_release(&s);
	return rc;
}
