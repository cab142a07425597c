/*
 * cli_sign.c - a signing job (app/sign_job.h) driven from the command line:
 * the PIN and the OTP come from the terminal with echo off, or from the
 * descriptors --pin-fd / --otp-fd (scripts, tests); never from argv or the
 * environment.  Shared by `motcua sign` and `motcua act ... --sign`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ui/i18n.h"

int
cli_parse_fd(const char *s, int *fd)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	if (end == s || *end != '\0' || v < 0 || v > 1024)
		return -1;
	*fd = (int)v;
	return 0;
}

void
cli_sign_drive(struct app *app, int pin_fd, int otp_fd)
{
	struct app_secret secret;

	for (;;) {
		enum app_sign_step step = app_sign_step(app);
		mc_time now = app_now(app);

		switch (step) {
		case APP_SIGN_IDLE:
		case APP_SIGN_DONE:
			return;
		case APP_SIGN_NEED_PIN:
		case APP_SIGN_NEED_OTP: {
			char prompt[160];
			if (step == APP_SIGN_NEED_PIN)
				snprintf(prompt, sizeof prompt, "%s: ", _("Signing PIN"));
			else
				snprintf(prompt, sizeof prompt, _("OTP to sign %zu file(s): "),
					 app_sign_n_files(app));
			if (app_secret_read(step == APP_SIGN_NEED_PIN ? pin_fd : otp_fd, prompt,
					    &secret) != 0)
				secret.value[0] = '\0'; /* nothing entered: the job cancels */
			app_sign_secret(app, secret.value);
			app_secret_wipe(&secret);
			break;
		}
		case APP_SIGN_TOKEN_WAIT:
			if (app_wait(app, 500, -1) < 0)
				return;
			app_turn(app, now);
			break;
		case APP_SIGN_OPENING:
		case APP_SIGN_SIGNING:
			app_turn(app, now);
			break;
		}
	}
}
