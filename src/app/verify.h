/*
 * verify.h - whether a detached signature holds (`motcua verify`): who
 * signed, when, with which timestamp, and the verdict.  The checks are
 * src/sign's (verify.c); the result is its struct, read-only here.
 */
#ifndef MOTCUA_APP_VERIFY_H
#define MOTCUA_APP_VERIFY_H

#include "sign/sign.h"

/*
 * Verify the signature sig_path (DER or PEM CMS) over content_path against
 * the trust anchors in ca_file (NULL: the system's).  Fills *res; 0 when the
 * signature is valid and its signer trusted, else -1 (res says why).
 */
int app_verify_file(const char *content_path, const char *sig_path, const char *ca_file,
		    struct sign_verify_result *res);

/* The verdict's short English word ("valid", "untrusted", "tampered"...). */
const char *app_verdict_name(enum sign_verdict v);

#endif
