/*
 * cmd_doctor.c - `motcua doctor`: one line per check, "ok" or "FAIL", for
 * support staff on the phone with a clerk: the configuration file, the
 * store (path, schema, integrity, counts), the procedure catalogue, the
 * keyring, the sign-in, and for each source whether it answers and whether
 * it accepts a token of its own (one small incremental pull, nothing
 * stored).  Exit 1 when any check failed.
 *
 * Sources are checked one after the other: clarity beats speed here.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/doctor.h"
#include "cli/cli.h"
#include "ui/i18n.h"
#include "ui/words.h"

static int n_fail;

static void
check(bool ok, const char *what, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
check(bool ok, const char *what, const char *fmt, ...)
{
	char msg[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("%-4s  %-16s %s\n", ok ? "ok" : "FAIL", what, msg);
	if (!ok)
		n_fail++;
}

static void
on_warn(void *ctx, const struct mc_err *w)
{
	char buf[768];

	(void)ctx;
	check(false, "config", "%s", words_err(w, buf, sizeof buf));
}

static void
on_check(void *ctx, const struct app_check *c)
{
	char buf[768];

	(void)ctx;
	switch (c->kind) {
	case APP_CHECK_CONFIG:
		check(true, "config", "%s%s", c->text, c->n ? "" : " (absent: defaults in use)");
		break;
	case APP_CHECK_STORE:
		check(true, "store", "%s, schema %lld", c->text, (long long)c->n);
		break;
	case APP_CHECK_INTEGRITY:
		check(c->ok, "store", "integrity quick_check: %s",
		      c->ok ? "ok" : words_err(&c->err, buf, sizeof buf));
		break;
	case APP_CHECK_DOSSIERS:
		check(true, "store", "%lld dossiers", (long long)c->n);
		break;
	case APP_CHECK_PROCEDURES:
		check(true, "procedures", "%lld procedures from %s", (long long)c->n, c->text);
		break;
	case APP_CHECK_KEYRING:
		check(true, "keyring", "%s",
		      strcmp(c->text, "memory") == 0
			      ? "memory only (no Secret Service: sign-in lasts one process)"
			      : "Secret Service (the sign-in survives this process)");
		break;
	case APP_CHECK_SIGNIN:
		if (c->text == NULL)
			check(false, "sign-in", "%s",
			      c->err.detail[0] != '\0' ? c->err.detail : "none");
		else
			check(c->ok, "sign-in", "%s: %s%s%s%s", c->text,
			      c->ok ? "signed in as " : words_signin(c->signin),
			      c->ok && c->name != NULL ? c->name : "",
			      !c->ok && c->err.detail[0] != '\0' ? " " : "",
			      !c->ok ? c->err.detail : "");
		break;
	case APP_CHECK_DISCOVERY:
		check(false, "sign-in", "%s: %s", c->text, words_err(&c->err, buf, sizeof buf));
		break;
	case APP_CHECK_NO_SYSTEMS:
		check(false, "sources", "none: sign in to a provider that lists its systems, or add "
					"files to %s",
		      c->text);
		break;
	case APP_CHECK_SYSTEM:
		if (c->ok)
			check(true, c->system, "%s answers and accepts its token", c->text);
		else
			check(false, c->system, "%s: %s", c->text, words_err(&c->err, buf, sizeof buf));
		break;
	}
}

int
cmd_doctor(int argc, char **argv)
{
	const char *issuer = NULL, *config_file = NULL;
	struct app_options o = {0};
	struct app *app = NULL;
	struct mc_err err;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else
			return cli_usage_error("doctor", "unknown or incomplete option '%s'", argv[i]);
	}
	n_fail = 0;
	cli_lang_init(NULL); /* the environment's; the config's once it is read */
	o.config_file = config_file;
	o.issuer = issuer;
	o.flags = APP_SYSTEMS | APP_WAIT_DISCOVERY;
	o.warn = on_warn; /* a warning while opening is a failed check */
	if (app_open(&app, &o, &err) != 0) {
		char buf[768];
		check(false, "store", "%s", words_err(&err, buf, sizeof buf));
		return CLI_FAIL;
	}
	cli_lang_init(app_config(app)->language);
	(void)app_doctor(app, on_check, NULL); /* on_check counts the failures */
	app_close(app);
	printf("%s\n", n_fail == 0 ? "all checks passed" : "some checks failed");
	return n_fail == 0 ? CLI_OK : CLI_FAIL;
}
