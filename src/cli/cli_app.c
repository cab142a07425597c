/*
 * cli_app.c - what the commands share around the application (cli.h):
 * opening it, saying its warnings and errors in the clerk's language
 * (ui/words.h), and printing what a one-shot run reports.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

/* One language per run (ui/i18n.h: Vietnamese by default, English with
 * LANG, LANGUAGE or config.json): the words of ui/words.h into buf. */
char *
cli_words_err(const struct mc_err *err, char *buf, size_t size)
{
	return words_err(err, buf, size);
}

char *
cli_words_signin(enum app_signin_result r, char *buf, size_t size)
{
	snprintf(buf, size, "%s", words_signin(r));
	return buf;
}

char *
cli_words_sign(enum app_sign_error e, char *buf, size_t size)
{
	snprintf(buf, size, "%s", words_sign(e));
	return buf;
}

char *
cli_words_text(const char *msgid, char *buf, size_t size)
{
	snprintf(buf, size, "%s", _(msgid));
	return buf;
}

static void
on_warn(void *ctx, const struct mc_err *w)
{
	char buf[1280];

	fprintf(stderr, "motcua %s: %s: %s\n", (const char *)ctx, _("warning"),
		cli_words_err(w, buf, sizeof buf));
}

/*
 * Stores below this many dossiers re-compute their due dates in a blink:
 * nothing said.  Test builds can lower it (MOTCUA_TEST_DUE_PROGRESS_MIN),
 * so a test sees the lines without a store of that size.
 */
#define DUE_PROGRESS_MIN 10000

static int64_t
due_progress_min(void)
{
#ifdef MOTCUA_UNITTEST
	const char *v = getenv("MOTCUA_TEST_DUE_PROGRESS_MIN");
	char *end;
	long long n;

	if (v != NULL && v[0] != '\0') {
		n = strtoll(v, &end, 10);
		if (*end == '\0' && n >= 0)
			return n;
	}
#endif
	return DUE_PROGRESS_MIN;
}

static int64_t
monotonic_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
cli_due_progress(void *ctx, int64_t done, int64_t total)
{
	static int64_t said_at = -1;
	int64_t now;

	if (total < due_progress_min())
		return;
	now = monotonic_ms();
	/* the start, the end, and a line a second between */
	if (done != 0 && done < total && said_at >= 0 && now - said_at < 1000)
		return;
	said_at = now;
	fprintf(stderr, "motcua %s: ", (const char *)ctx);
	fprintf(stderr, _("re-computing due dates: %lld of %lld"), (long long)done,
		(long long)total);
	fputc('\n', stderr);
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
	struct config_error ce;
	struct mc_err err;

	o->warn = on_warn;
	o->warn_ctx = (void *)cmd;
	o->config_error = &ce;
	o->due_progress = cli_due_progress;
	o->due_progress_ctx = (void *)cmd;
	cli_lang_init(NULL);
	if (app_open(out, o, &err) != 0)
		return err.code == MC_E_CONFIG ? cli_config_err(cmd, &ce) : cli_fail_err(cmd, &err);
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
cli_check_system(const char *cmd, struct app *app, const char *name)
{
	const char *near;

	if (name == NULL || app_system_known(app, name, &near) == 0)
		return 0;
	if (near != NULL)
		cli_printf(stderr, _("motcua %s: there is no system '%s' (did you mean '%s'?)\n"),
			   cmd, name, near);
	else
		cli_printf(stderr, _("motcua %s: there is no system '%s' on this terminal\n"), cmd,
			   name);
	return CLI_USAGE;
}

int
cli_config_err(const char *cmd, const struct config_error *e)
{
	char buf[1280];

	fprintf(stderr, "motcua %s: %s\n", cmd, words_config(e, buf, sizeof buf));
	return CLI_USAGE;
}

int
cli_refuse_err(const char *cmd, const struct mc_err *err)
{
	char buf[1280];

	fprintf(stderr, "motcua %s: %s\n", cmd, words_err(err, buf, sizeof buf));
	return CLI_USAGE;
}

int
cli_usage_err(const char *cmd, const struct mc_err *err)
{
	char buf[1280];

	return cli_usage_error(cmd, "%s", cli_words_err(err, buf, sizeof buf));
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
		/* the detail quotes the system's code and words */
		cli_printf(stderr, "motcua %s: %s: %s: %s\n", ce->cmd, ev->system,
			   _("dossier refused"), ev->detail != NULL ? ev->detail : "");
		return;
	case APP_EV_SUSPECT_DOSSIER:
		if (ce->refused_lines >= ce->max_refused) {
			ce->refused_dropped++;
			return;
		}
		ce->refused_lines++;
		cli_printf(stderr, "motcua %s: %s: %s: %s\n", ce->cmd, ev->system,
			   _("dossier kept, but its update time is in the future"),
			   ev->detail != NULL ? ev->detail : "");
		return;
	case APP_EV_TOTAL_GREW:
		cli_printf(stderr, "motcua %s: %s: %s (%s)\n", ce->cmd, ev->system,
			   _("it holds more dossiers than at the last pull but sent nothing new: "
			     "reading it again from the start"),
			   ev->detail != NULL ? ev->detail : "");
		return;
	case APP_EV_RESYNC:
		cli_printf(stderr, "motcua %s: %s: %s\n", ce->cmd, ev->system,
			   _("position forgotten: reading it again from the start"));
		return;
	case APP_EV_PROFILE_CHANGED:
		/* the detail is the profile's path, the clerk's own file */
		cli_printf(stderr, "motcua %s: %s: %s%s%s%s\n", ce->cmd, ev->system,
			   _("profile changed: reading it again from the start"),
			   ev->detail != NULL ? " (" : "", ev->detail != NULL ? ev->detail : "",
			   ev->detail != NULL ? ")" : "");
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
		cli_printf(stderr, "motcua %s: #%lld %s %s: %s%s%s\n", ce->cmd,
			   (long long)ev->entry, ev->code != NULL ? ev->code : "",
			   action_name(ev->action),
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

void
cli_pad(const char *s, int cols)
{
	cli_put(stdout, s);
	for (int w = ui_text_width(s); w < cols; w++)
		putchar(' ');
}

void
cli_pad_left(const char *s, int cols)
{
	for (int w = ui_text_width(s); w < cols; w++)
		putchar(' ');
	fputs(s, stdout);
}

int
cli_wider(int cols, const char *s)
{
	int w = ui_text_width(s);

	return w > cols ? w : cols;
}
