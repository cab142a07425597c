/*
 * cli_app.c - what the commands share around the application (cli.h):
 * opening it, saying its warnings and errors in the clerk's language
 * (ui/words.h), and printing what a one-shot run reports.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

/*
 * A sentence in the clerk's language and, when that is Vietnamese, the
 * English after it in brackets: what the commands always did, so that support
 * staff, logs and scripts can read and search either.  The console shows one
 * language only.
 */
struct both {
	const struct mc_err *err;
	int code;	   /* enum app_signin_result or enum app_sign_error */
	const char *msgid; /* a plain message */
};

static void
say_one(int what, const struct both *b, char *buf, size_t size)
{
	switch (what) {
	case 0:
		words_err(b->err, buf, size);
		break;
	case 1:
		snprintf(buf, size, "%s", words_signin((enum app_signin_result)b->code));
		break;
	case 2:
		snprintf(buf, size, "%s", words_sign((enum app_sign_error)b->code));
		break;
	default:
		snprintf(buf, size, "%s", _(b->msgid));
		break;
	}
}

static char *
say_both(int what, const struct both *b, char *buf, size_t size)
{
	char vi[512], en[512], tail[768] = "";
	size_t len;

	say_one(what, b, buf, size);
	if (strcmp(ui_i18n_lang(), "vi") != 0)
		return buf;
	/* an error's outside words (HTTP status, server message) come once, last */
	if (what == 0) {
		words_err_short(b->err, vi, sizeof vi);
		len = strlen(vi);
		if (strncmp(buf, vi, len) != 0)
			return buf; /* the sentence is the outside words alone */
		snprintf(tail, sizeof tail, "%s", buf + len);
		buf[len] = '\0';
	}
	ui_i18n_set("en");
	if (what == 0)
		words_err_short(b->err, en, sizeof en);
	else
		say_one(what, b, en, sizeof en);
	ui_i18n_set("vi");
	len = strlen(buf);
	if (strcmp(en, buf) != 0 && len + 4 < size)
		snprintf(buf + len, size - len, " (%s)", en);
	len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "%s", tail);
	return buf;
}

char *
cli_words_err(const struct mc_err *err, char *buf, size_t size)
{
	struct both b = {err, 0, NULL};

	return say_both(0, &b, buf, size);
}

char *
cli_words_signin(enum app_signin_result r, char *buf, size_t size)
{
	struct both b = {NULL, (int)r, NULL};

	return say_both(1, &b, buf, size);
}

char *
cli_words_sign(enum app_sign_error e, char *buf, size_t size)
{
	struct both b = {NULL, (int)e, NULL};

	return say_both(2, &b, buf, size);
}

char *
cli_words_text(const char *msgid, char *buf, size_t size)
{
	struct both b = {NULL, 0, msgid};

	return say_both(3, &b, buf, size);
}

static void
on_warn(void *ctx, const struct mc_err *w)
{
	char buf[1280];

	fprintf(stderr, "motcua %s: %s: %s\n", (const char *)ctx, _("warning"),
		cli_words_err(w, buf, sizeof buf));
}

void
cli_lang_init(const char *config_language)
{
	static bool done;

	if (!done) {
		setlocale(LC_ALL, "");
		ui_text_init();
		done = true;
	}
	ui_i18n_init(config_language);
}

int
cli_app_open(const char *cmd, const char *config_file, const char *issuer, unsigned flags,
	     struct app **out)
{
	struct app_options o = {
		.config_file = config_file,
		.issuer = issuer,
		.flags = flags,
	};

	return cli_app_open_with(cmd, &o, out);
}

int
cli_app_open_with(const char *cmd, struct app_options *o, struct app **out)
{
	struct mc_err err;

	o->warn = on_warn;
	o->warn_ctx = (void *)cmd;
	cli_lang_init(NULL);
	if (app_open(out, o, &err) != 0)
		return cli_fail_err(cmd, &err);
	cli_lang_init(app_config(*out)->language);
	return 0;
}

int
cli_fail_err(const char *cmd, const struct mc_err *err)
{
	char buf[1280];

	return cli_fail(cmd, "%s", cli_words_err(err, buf, sizeof buf));
}

int
cli_usage_err(const char *cmd, const struct mc_err *err)
{
	char buf[1280];

	return cli_usage_error(cmd, "%s", cli_words_err(err, buf, sizeof buf));
}

struct calendar *
cli_open_calendar(const char *cmd, const char *dir)
{
	cli_lang_init(NULL);
	return app_calendar_open(dir, on_warn, (void *)cmd);
}

void
cli_events_init(struct cli_events *ev, const char *cmd, bool quiet)
{
	memset(ev, 0, sizeof *ev);
	ev->cmd = cmd;
	ev->quiet = quiet;
	ev->max_refused = 20;
}

void
cli_on_event(void *ctx, const struct app_event *ev)
{
	struct cli_events *ce = ctx;
	char buf[1280];

	switch (ev->kind) {
	case APP_EV_REFUSED_DOSSIER:
		if (ce->refused_lines >= ce->max_refused) {
			ce->refused_dropped++;
			return;
		}
		ce->refused_lines++;
		fprintf(stderr, "motcua %s: %s: %s: %s\n", ce->cmd, ev->system,
			_("dossier refused"), ev->detail != NULL ? ev->detail : "");
		return;
	case APP_EV_PULL_FAILED:
	case APP_EV_WAITING:
	case APP_EV_STORE:
		if (ev->err != NULL)
			fprintf(stderr, "motcua %s: %s\n", ce->cmd,
				cli_words_err(ev->err, buf, sizeof buf));
		return;
	case APP_EV_LOCKED:
		fprintf(stderr, "motcua %s: %s\n", ce->cmd,
			_("another motcua is sending the queue; waiting for it"));
		return;
	case APP_EV_SENT:
	case APP_EV_CONFLICT:
	case APP_EV_REFUSED:
		if (ce->quiet)
			return;
		fprintf(stderr, "motcua %s: #%lld %s %s: %s%s%s\n", ce->cmd, (long long)ev->entry,
			ev->code != NULL ? ev->code : "", action_name(ev->action),
			ev->kind == APP_EV_SENT ? _("sent")
			: ev->kind == APP_EV_CONFLICT ? _("conflict")
						      : _("refused"),
			ev->err != NULL ? ": " : "",
			ev->err != NULL ? cli_words_err(ev->err, buf, sizeof buf) : "");
		return;
	}
}

void
cli_events_end(struct cli_events *ev)
{
	if (ev->refused_dropped > 0)
		fprintf(stderr, "motcua %s: %s %u\n", ev->cmd, _("more refused dossiers:"),
			ev->refused_dropped);
}
