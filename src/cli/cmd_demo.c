/*
 * cmd_demo.c - `motcua demo`: one command for a trainer.
 *
 * Starts the training sandbox (app/training.h: motcua-sandbox on a free
 * loopback port with a lively scenario, in a private folder removed at the
 * end, so the trainer's own data and keyring are never touched), opens the
 * application there, signs in through the sandbox's provider by approving
 * the user code the way the phone would, and runs the console with the
 * TRAINING banner in this process.  Quitting, SIGINT, SIGTERM and SIGHUP
 * stop the sandbox and remove the folder; if the sandbox dies first, the
 * console says so in the status bar.  `--check` does the same without the
 * console and prints a summary, for CI and for a trainer checking a machine.
 *
 * What it does not do: draw (ui/ does), speak any backend's dialect, manage
 * the sandbox process (the app does), or keep anything after it exits.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/exercise.h"
#include "app/signin.h"
#include "app/training.h"
#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/console.h"
#include "ui/i18n.h"
#include "ui/textwidth.h"
#include "ui/words.h"

#define SIGNIN_TIMEOUT_S 60
#define PULL_EVERY_S 60 /* the scenario brings new dossiers every minute */

static volatile int demo_stop;
static struct app *demo_signal_app;

static void
on_stop(int sig)
{
	(void)sig;
	demo_stop = 1;
	app_wakeup(demo_signal_app);
}

/* The terminal went away: end like SIGTERM, whoever handles that now. */
static void
on_hup(int sig)
{
	(void)sig;
	demo_stop = 1;
	kill(getpid(), SIGTERM);
}

static struct sigaction old_int, old_term, old_hup;

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, &old_hup);
}

static void
signals_restore(void)
{
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
}

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	fputs("motcua demo: ", stderr);
	cli_put(stderr, msg); /* it may quote the sandbox's words */
	fputc('\n', stderr);
	free(msg);
}

static void
on_warn(void *ctx, const struct mc_err *w)
{
	char buf[512];

	(void)ctx;
	say("%s", words_err(w, buf, sizeof buf));
}

/* The end of the sandbox's log on stderr, before the folder goes away. */
static void
log_tail(struct app_training *t)
{
	char *tail = app_training_log_tail(t);

	/* line by line in its visible form: the log quotes what clients sent */
	for (const char *line = tail; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		int len = end != NULL ? (int)(end - line) : (int)strlen(line);

		cli_printf(stderr, "%.*s\n", len, line);
		line = end != NULL ? end + 1 : NULL;
	}
	free(tail);
}

/* --check: one pass of every system, a line per system; 0 when all went well. */
static int
first_sync(struct app *app)
{
	struct app_sync_report r[32];
	struct mc_err err;
	size_t n;
	int rc;
	char buf[512];

	if (app_sync(app, NULL, 0, &err) < 0) {
		printf("sync: %s\n", words_err(&err, buf, sizeof buf));
		return -1;
	}
	n = app_sync_reports(app, r, 32);
	rc = 0;
	for (size_t i = 0; i < n && i < 32; i++) {
		cli_printf(stdout,
			   "sync: %s %s new=%lld changed=%lld rejected=%lld bytes_in=%llu%s%s\n",
			   r[i].name, r[i].ok ? "ok" : "failed", (long long)r[i].n_new,
			   (long long)r[i].n_changed, (long long)r[i].n_rejected,
			   (unsigned long long)r[i].bytes_in, r[i].error != NULL ? " error=" : "",
			   r[i].error != NULL ? words_err(r[i].error, buf, sizeof buf) : "");
		if (!r[i].ok)
			rc = -1;
	}
	return demo_stop ? -1 : rc;
}

static void
print_summary(struct app_training *t, struct app *app)
{
	struct app_clerk clerk;
	struct app_system sys;

	app_clerk(app, &clerk);
	printf("sandbox: %s\n", app_training_url(t));
	printf("sandbox_pid: %ld\n", app_training_pid(t));
	printf("home: %s\n", app_training_home(t));
	cli_printf(stdout, "signed_in: %s\n", clerk.name != NULL      ? clerk.name
					       : clerk.subject != NULL ? clerk.subject
								       : "?");
	printf("signing_otp: %s\n", app_training_otp_url(t));
	printf("systems:");
	for (size_t i = 0; app_system(app, i, &sys); i++) {
		putchar(' ');
		cli_put(stdout, sys.name);
	}
	printf("\n");
	fflush(stdout);
}

/* --exercise list: the shipped and the trainer's exercises. */
static int
list_exercises(void)
{
	char **names, **titles;
	size_t n = app_exercise_list(ui_i18n_pick("vi", "en"), &names, &titles);

	for (size_t i = 0; i < n; i++)
		cli_printf(stdout, "%-24s %s\n", names[i], titles[i]);
	if (n == 0)
		printf("%s\n", _("no exercises found"));
	app_exercise_list_free(names, titles, n);
	return n > 0 ? CLI_OK : CLI_FAIL;
}

static bool
is_number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && v >= lo && v <= hi;
}

/* Why starting or signing in failed, in the trainer's language. */
static const char *
training_words(enum app_training_error e)
{
	switch (e) {
	case APP_TRAINING_E_FOLDER:
		return _("cannot create a private folder for the demo");
	case APP_TRAINING_E_NOT_FOUND:
		return _("the program cannot be run (is motcua-sandbox installed?)");
	case APP_TRAINING_E_START:
		return _("the sandbox did not start");
	case APP_TRAINING_E_SIGNIN:
	case APP_TRAINING_E_STOPPED:
		return _("the sign-in failed");
	default:
		return "";
	}
}

int
cmd_demo(int argc, char **argv)
{
	/* a training run keeps nothing beyond itself: no secret in a keyring */
	setenv("MOTCUA_KEYRING", "memory", 1);
	struct app_training_options to = {.scenario = "quiet-morning", .rate = "3"};
	struct app_options ao = {.flags = APP_SYSTEMS | APP_WAIT_DISCOVERY,
				 .pull_every_s = PULL_EVERY_S, .via = "console"};
	struct ui_options opt = {0};
	struct app_training *t = NULL;
	struct app *app = NULL;
	enum app_training_error te;
	struct mc_err err;
	const char *lang = NULL, *detail = NULL, *exercise = NULL, *trainer = NULL;
	char *cause = NULL, *ex_path = NULL, *ex_text = NULL, *ex_scenario = NULL;
	struct app_exercise *ex = NULL;
	bool check = false, csv = false, scenario_given = false;
	int rc = CLI_FAIL;

	cli_lang_init(NULL); /* usage errors in the trainer's language too */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--check") == 0) {
			check = true;
		} else if (strcmp(a, "--lang") == 0 && v != NULL) {
			if (strcmp(v, "vi") != 0 && strcmp(v, "en") != 0)
				return cli_usage_error("demo", _("--lang must be vi or en"));
			lang = argv[++i];
		} else if (strcmp(a, "--scenario") == 0 && v != NULL) {
			to.scenario = argv[++i];
			scenario_given = true;
		} else if (strcmp(a, "--exercise") == 0 && v != NULL) {
			exercise = argv[++i];
		} else if (strcmp(a, "--join") == 0 && v != NULL) {
			to.join_url = argv[++i];
		} else if (strcmp(a, "--trainer") == 0 && v != NULL) {
			trainer = argv[++i];
		} else if (strcmp(a, "--csv") == 0) {
			csv = true;
		} else if (strcmp(a, "--rate") == 0 && v != NULL) {
			if (!is_number(v, 0, 1000))
				return cli_usage_error("demo", _("--rate must be 0..1000"));
			to.rate = argv[++i];
		} else if (strcmp(a, "--dossiers") == 0 && v != NULL) {
			if (!is_number(v, 0, 1000000))
				return cli_usage_error("demo", _("--dossiers must be 0..1000000"));
			to.dossiers = argv[++i];
		} else if (strcmp(a, "--seed") == 0 && v != NULL) {
			if (!is_number(v, 0, LONG_MAX))
				return cli_usage_error("demo", _("--seed must be a number"));
			to.seed = argv[++i];
		} else if (strcmp(a, "--sandbox") == 0 && v != NULL) {
			to.sandbox_bin = argv[++i];
		} else {
			return cli_usage_error("demo", _("unknown option '%s'"), a);
		}
	}

	if (lang != NULL)
		ui_i18n_set(lang);
	if (csv && trainer == NULL)
		return cli_usage_error("demo", _("--csv goes with --trainer URL"));
	if (trainer != NULL)
		return csv ? cli_trainer_csv(trainer) : cli_trainer_run(trainer, lang);
	if (exercise != NULL && strcmp(exercise, "list") == 0)
		return list_exercises();
	if (exercise != NULL) {
		/* found before the demo's private folder hides the trainer's own */
		const char *why = NULL;
		char *bad = NULL;
		ex_path = app_exercise_locate(exercise, &why);
		if (ex_path == NULL)
			return cli_fail("demo", "%s: %s", exercise, why);
		if (app_exercise_read(ex_path, &ex_text, &ex_scenario, &bad) != 0) {
			rc = cli_fail("demo", "%s", bad);
			free(bad);
			free(ex_path);
			return rc;
		}
		if (ex_scenario != NULL && !scenario_given)
			to.scenario = ex_scenario;
	}
	demo_stop = 0;
	to.stop = &demo_stop;
	signals_install();

	say(_("starting the sandbox (%s)..."), to.scenario);
	if (app_training_start(&t, &to, &te, &detail) != 0) {
		log_tail(t);
		rc = cli_fail("demo", "%s: %s", training_words(te), detail);
		goto out;
	}
	if (app_training_signing_ready(t))
		say(_("signing OTP (sandbox): %s"), app_training_otp_url(t));
	else
		say("%s", _("cannot write the signing settings"));
	/* the app in the private folder ($MOTCUA_HOME), on the sandbox's issuer,
	 * on the scenario's clock (read at sign-in) */
	ao.warn = on_warn;
	ao.due_progress = cli_due_progress;
	ao.due_progress_ctx = "demo";
	ao.now = app_training_now;
	ao.now_arg = t;
	if (app_open(&app, &ao, &err) != 0) {
		rc = cli_fail_err("demo", &err);
		goto out;
	}
	if (!app_signin_available(app)) {
		rc = cli_fail_err("demo", app_systems_error(app));
		goto out;
	}
	demo_signal_app = app;
	say(_("signing in through the sandbox's provider (%s)..."), app_training_url(t));
	if (app_training_sign_in(t, app, SIGNIN_TIMEOUT_S, &te, &detail) != 0) {
		if (app_training_state(t, &(int){0}) != 0)
			log_tail(t);
		rc = cli_fail("demo", "%s: %s", training_words(te), detail);
		goto out;
	}
	if (ex_text != NULL || to.join_url != NULL) {
		/* the exercise goes to the sandbox, which checks each step; a
		 * class's seat has its exercise from the trainer */
		ex = app_exercise_new(app, app_training_url(t));
		if (ex_text != NULL && app_exercise_load(ex, ex_text, 15000) != 0) {
			rc = cli_fail("demo", "%s: %s", ex_path,
				      app_exercise_status(ex)->error[0] != '\0'
					      ? app_exercise_status(ex)->error
					      : _("the sandbox did not take the exercise"));
			goto out;
		}
	}
	if (check) {
		print_summary(t, app);
		if (first_sync(app) != 0) {
			rc = cli_fail("demo", _("the first sync did not complete"));
			goto out;
		}
		printf("ok\n");
		rc = CLI_OK;
		goto out;
	}
	opt.app = app;
	opt.training = true;
	opt.sandbox = t;
	opt.exercise = ex;
	opt.language = lang;
	if (!demo_stop && ui_run(&opt, &cause) != 0) {
		rc = cli_fail("demo", "%s", cause);
		goto out;
	}
	rc = CLI_OK;
out:
	demo_signal_app = NULL;
	app_exercise_free(ex);
	free(ex_path);
	free(ex_text);
	free(ex_scenario);
	app_close(app);
	app_training_stop(t);
	signals_restore();
	free(cause);
	return rc;
}
