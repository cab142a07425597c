/*
 * verify.c - checking a detached signature (verify.h).
 */
#include "app/verify.h"

int
app_verify_file(const char *content_path, const char *sig_path, const char *ca_file,
		struct sign_verify_result *res)
{
	return sign_verify_file(content_path, sig_path, ca_file, res);
}

const char *
app_verdict_name(enum sign_verdict v)
{
	return sign_verdict_name(v);
}
