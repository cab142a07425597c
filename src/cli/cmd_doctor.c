/*
 * cmd_doctor.c - `motcua doctor`: one line per check, "ok" or "FAIL", for
 * support staff on the phone with a clerk: the folders looked in and each
 * file read (config.json, sources.d/, calendar/, procedures.json), a
 * warning for each yearly notice of days off that is missing, the
 * store, the keyring, the sign-in, and for each system whether it answers
 * and accepts a token of its own, and what the first page of its pull
 * holds (nothing stored).  Under sources.d, one line per file of every
 * sources.d/ folder, the ones not read included: its system, its dialect,
 * the file, used or not and why.  A problem found while reading a file is
 * that file's verdict: no check says both ok and FAIL.  Exit 1 when a
 * check failed, 2 when config.json itself is refused.
 *
 * `doctor --repair` copies what can still be read of a damaged (or empty,
 * or missing) store into a new file and keeps the old one beside it, then
 * says what each table gave and whether the audit log verifies.  Exit 0
 * when the store was repaired, 1 when it could not be.
 *
 * The check names (config, store, tuphap...) are names, the same in every
 * language; what follows them is in the clerk's language.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/doctor.h"
#include "cli/cli.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/words.h"

#define MAX_WARNINGS 32

struct doctor {
	int n_fail;
	char *warnings[MAX_WARNINGS]; /* said while opening; each one a file's */
	bool said[MAX_WARNINGS];
	size_t n_warnings;
};

static void
check(struct doctor *d, bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
check(struct doctor *d, bool ok, const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* paths, names and a server's words: shown in their visible form */
	cli_printf(stdout, "%-4s  %-12s %s\n", ok ? "ok" : "FAIL", what, msg);
	if (!ok)
		d->n_fail++;
}

/* How a system's page came: scheme, TLS, its certificate, the proxy. */
static void
transport(struct doctor *d, const struct app_check *c)
{
	const struct app_check_transport *t = &c->transport;
	char until[CIVIL_ISO_LEN] = "", proxy[240];

	snprintf(proxy, sizeof proxy, t->proxy[0] != '\0' ? _("proxy %s") : _("no proxy set"),
		 t->proxy);
	if (!t->https) {
		cli_printf(stdout, "%-4s  %-12s %s\n", "", "",
			   _("http (loopback only: the sandbox or a test)"));
		return;
	}
	if (t->expires > 0)
		civil_format_iso((mc_time)t->expires, until, sizeof until);
	cli_printf(stdout, "%-4s  %-12s https, %s, %s %s, %s %s, %s\n", "", "",
		   t->tls_version[0] != '\0' ? t->tls_version : "TLS ?", _("issuer"),
		   t->issuer[0] != '\0' ? t->issuer : "?", _("valid until"),
		   until[0] != '\0' ? until : "?", proxy);
	if (t->expires > 0 && t->days_left < 30)
		check(d, t->days_left >= 0 ? true : false, c->system,
		      t->days_left >= 0 ? _("warning: its certificate expires in %lld days")
					: _("its certificate expired %lld days ago"),
		      (long long)(t->days_left >= 0 ? t->days_left : -t->days_left));
}

static void
on_warn(void *ctx, const struct mc_err *w)
{
	struct doctor *d = ctx;
	char buf[1024];

	if (d->n_warnings < MAX_WARNINGS)
		d->warnings[d->n_warnings++] = xstrdup(words_err(w, buf, sizeof buf));
}

/*
 * The verdict of a file or folder: FAIL with what was said of it while
 * opening (a warning naming the path), else ok with `fine`.
 */
static void
files_check(struct doctor *d, const char *what, char *const *paths, size_t n_paths,
	    const char *fine)
{
	bool found = false;

	for (size_t i = 0; i < d->n_warnings; i++) {
		bool about = false;
		for (size_t j = 0; j < n_paths && !about; j++)
			about = paths[j] != NULL && strstr(d->warnings[i], paths[j]) != NULL;
		if (d->said[i] || !about)
			continue;
		check(d, false, what, "%s", d->warnings[i]);
		d->said[i] = found = true;
	}
	if (!found)
		check(d, true, what, "%s", fine);
}

static void
file_check(struct doctor *d, const char *what, const char *path, const char *fine)
{
	char *paths[1] = {(char *)path};

	files_check(d, what, paths, 1, fine);
}

/* The calendar/ folders read, the clerk's first: "DIR: N notice files; ...". */
static void
calendar_check(struct doctor *d, const struct app_calendar_dirs *cd)
{
	char fine[1024];
	size_t len = 0;

	fine[0] = '\0';
	if (cd == NULL || cd->n == 0) {
		snprintf(fine, sizeof fine, "%s", _("none: the statutory holidays only"));
		file_check(d, "calendar", NULL, fine);
		return;
	}
	for (size_t i = 0; i < cd->n && len < sizeof fine; i++) {
		snprintf(fine + len, sizeof fine - len, "%s", i > 0 ? "; " : "");
		len = strlen(fine);
		if (len < sizeof fine)
			snprintf(fine + len, sizeof fine - len, _("%s: %lld notice files"),
				 cd->dir[i], (long long)(cd->n_files[i] > 0 ? cd->n_files[i] : 0));
		len = strlen(fine);
	}
	files_check(d, "calendar", cd->dir, cd->n, fine);
}

/* What opening said of the files of `dir`: said again, each on its file's line. */
static void
said_of_dir(struct doctor *d, const char *dir)
{
	size_t len = dir != NULL ? strlen(dir) : 0;

	for (size_t i = 0; len > 0 && i < d->n_warnings; i++) {
		const char *at = strstr(d->warnings[i], dir);
		if (at != NULL && at[len] == '/')
			d->said[i] = true;
	}
}

/* The sources.d/ read: one verdict for the folder, its files below. */
static void
sources_check(struct doctor *d, const struct app_check *c)
{
	said_of_dir(d, c->text);
	if (c->text == NULL)
		check(d, c->ok, "sources.d", "%s", _("none (the systems come from the sign-in)"));
	else if (c->ok)
		check(d, true, "sources.d", _("%s: %lld profiles"), c->text, (long long)c->n);
	else
		check(d, false, "sources.d", _("%s: %lld profiles, %lld files not used (below)"),
		      c->text, (long long)c->n, (long long)c->m);
}

/* A sources.d/ that exists but is not read, and why: a warning. */
static void
unread_folder(struct doctor *d, const struct app_check *c)
{
	char line[2048];

	said_of_dir(d, c->text);
	switch (c->unread) {
	case APP_UNREAD_SHADOWED:
		snprintf(line, sizeof line,
			 _("warning: %s is not read: %s is read instead (only the first "
			   "folder's sources.d is)"),
			 c->text, c->name != NULL ? c->name : "?");
		break;
	case APP_UNREAD_HOME:
		snprintf(line, sizeof line,
			 _("warning: %s is not read: MOTCUA_HOME is set, so only %s/sources.d "
			   "is read"),
			 c->text, c->name != NULL ? c->name : "?");
		break;
	case APP_UNREAD_CONFIG:
	default:
		snprintf(line, sizeof line,
			 _("warning: %s is not read: --config names the folder %s, so only its "
			   "sources.d is read"),
			 c->text, c->name != NULL ? c->name : "?");
		break;
	}
	cli_printf(stdout, "%-4s  %-12s %s\n", "", "sources.d", line);
}

/* One file of a sources.d/: its system, its dialect, the file, whether it is
 * used, and why not. */
static void
profile_line(struct doctor *d, const struct app_check *c)
{
	const struct app_check_profile *p = &c->profile;
	const char *dialect = p->dialect == NULL		  ? ""
			      : strcmp(p->dialect, "generic") == 0 ? _("generic profile")
								  : p->dialect;
	char line[2048], buf[1024];

	switch (p->verdict) {
	case APP_PROFILE_USED:
		snprintf(line, sizeof line, _("%s, %s: used"), dialect, p->path);
		break;
	case APP_PROFILE_UNREAD:
		snprintf(line, sizeof line, _("%s, %s: not read (its folder is not)"), dialect,
			 p->path);
		break;
	case APP_PROFILE_BROKEN:
		/* the error names the file first */
		snprintf(line, sizeof line,
			 p->folder_read ? _("not used: %s")
					: _("not read (its folder is not), and refused anyway: %s"),
			 p->error != NULL ? p->error : p->path);
		break;
	case APP_PROFILE_DUPLICATE:
		snprintf(line, sizeof line,
			 p->folder_read ? _("%s, %s: not used: %s is defined first in %s, which wins")
					: _("%s, %s: not read (its folder is not); %s is defined "
					    "first in %s"),
			 dialect, p->path, p->name, p->winner);
		break;
	case APP_PROFILE_DISABLED:
		snprintf(line, sizeof line, _("%s, %s: not used: \"enabled\": false turns it off"),
			 dialect, p->path);
		break;
	case APP_PROFILE_NO_SYSTEM:
	default:
		words_err(&c->err, buf, sizeof buf);
		/* said while opening too, in the same words: once is enough */
		for (size_t i = 0; i < d->n_warnings; i++)
			if (strcmp(d->warnings[i], buf) == 0)
				d->said[i] = true;
		snprintf(line, sizeof line, _("%s, %s: not used: %s"), dialect, p->path, buf);
		break;
	}
	cli_printf(stdout, "%-4s  %-12s %s\n", "", p->name != NULL ? p->name : "?", line);
}

/* Where a failed first page was asked for, and the server's own words. */
static void
page_failed(const struct app_check_page *p, char *out, size_t size)
{
	size_t len;

	out[0] = '\0';
	if (p->request[0] != '\0')
		snprintf(out, size, "; %s", p->request);
	len = strlen(out);
	if (p->server_says[0] != '\0' && len < size) {
		snprintf(out + len, size - len, "; ");
		len = strlen(out);
		if (len < size)
			snprintf(out + len, size - len, _("the server says: \"%s\""), p->server_says);
	}
}

/* What the first page of a system's pull held. */
static void
first_page(const struct app_check *c)
{
	const struct app_check_page *p = &c->page;
	char line[1024];
	size_t len;

	if (!p->read)
		return;
	snprintf(line, sizeof line,
		 p->probe ? _("first row (a one-row probe): %lld dossiers read, %lld refused")
			  : _("first page: %lld dossiers read, %lld refused"),
		 (long long)p->items, (long long)p->refused);
	len = strlen(line);
	if (p->refused > 0 && len < sizeof line)
		snprintf(line + len, sizeof line - len, _(" (first reason: %s)"), p->first_refusal);
	cli_printf(stdout, "%-4s  %-12s %s\n", "", "", line);
}

/* What to do about a store that cannot be used (a command line may name flags). */
static void
repair_hint(enum mc_errc code)
{
	if (code == MC_E_STORE_DAMAGED)
		printf("      %s\n", _("motcua doctor --repair copies what can be read into a new "
				       "file and keeps the damaged one beside it"));
	else if (code == MC_E_STORE_MISSING)
		printf("      %s\n", _("motcua doctor --repair makes a new, empty store (the "
				       "queued work it held is gone); motcua logout --wipe then "
				       "starts this terminal afresh"));
}

static void
on_check(void *ctx, const struct app_check *c)
{
	struct doctor *d = ctx;
	char buf[1024], fine[1024];

	switch (c->kind) {
	case APP_CHECK_CONFIG:
		if (c->n)
			snprintf(fine, sizeof fine, _("%s: read"), c->text);
		else
			snprintf(fine, sizeof fine, _("%s: absent, the defaults are in use"),
				 c->text);
		file_check(d, "config", c->text, fine);
		break;
	case APP_CHECK_SOURCES_D:
		sources_check(d, c);
		break;
	case APP_CHECK_SOURCES_D_UNREAD:
		unread_folder(d, c);
		break;
	case APP_CHECK_PROFILE:
		profile_line(d, c);
		break;
	case APP_CHECK_CALENDAR:
		calendar_check(d, c->calendar);
		break;
	case APP_CHECK_NOTICE_MISSING:
		/* under the calendar's verdict: a warning, not a second verdict */
		snprintf(fine, sizeof fine,
			 _("warning: no holiday notice for %d yet: due dates in %d count the "
			   "statutory days off only; add the official notice as %s/%d.json"),
			 (int)c->n, (int)c->n, c->text, (int)c->n);
		cli_printf(stdout, "%-4s  %-12s %s\n", "", "", fine);
		break;
	case APP_CHECK_PROCEDURES:
		snprintf(fine, sizeof fine, _("%lld procedures from %s"), (long long)c->n,
			 strcmp(c->text, "built-in") == 0 ? _("the built-in catalogue") : c->text);
		file_check(d, "procedures", strcmp(c->text, "built-in") == 0 ? NULL : c->text,
			   fine);
		break;
	case APP_CHECK_STORE:
		/* what opening said of the store is part of this one verdict */
		for (size_t i = 0; i < d->n_warnings; i++)
			if (strstr(d->warnings[i], c->text) != NULL)
				d->said[i] = true;
		if (c->ok) {
			check(d, true, "store", _("%s: schema %lld, intact, %lld dossiers"), c->text,
			      (long long)c->n, (long long)c->m);
		} else {
			check(d, false, "store", "%s", words_err(&c->err, buf, sizeof buf));
			repair_hint(c->err.code);
		}
		break;
	case APP_CHECK_KEYRING:
		check(d, true, "keyring", "%s", words_kept_in(c->text));
		break;
	case APP_CHECK_SIGNIN:
		if (c->text == NULL)
			check(d, false, "sign-in", "%s", words_signin(APP_SIGNIN_NO_SESSION));
		else if (c->ok)
			check(d, true, "sign-in", _("%s: signed in as %s"), c->text,
			      c->name != NULL ? c->name : "?");
		else
			check(d, false, "sign-in", "%s: %s%s%s", c->text, words_signin(c->signin),
			      c->err.detail[0] != '\0' ? " " : "", c->err.detail);
		break;
	case APP_CHECK_DISCOVERY:
		check(d, false, "systems", "%s: %s", c->text, words_err(&c->err, buf, sizeof buf));
		break;
	case APP_CHECK_NO_SYSTEMS:
		check(d, false, "systems",
		      _("none: sign in to a provider that lists its systems, or add profiles "
			"to %s"),
		      c->text);
		break;
	case APP_CHECK_SYSTEM:
		if (c->ok) {
			check(d, true, c->system, _("%s answers and accepts its token"), c->text);
		} else {
			page_failed(&c->page, fine, sizeof fine);
			check(d, false, c->system, "%s: %s%s", c->text,
			      words_err(&c->err, buf, sizeof buf), fine);
		}
		first_page(c);
		transport(d, c);
		break;
	}
}

/* Every folder the files are looked for in, in order. */
static void
folders(const struct config_paths *p)
{
	printf("%-4s  %-12s", "", "folders");
	for (size_t i = 0; i < p->n_dirs; i++)
		printf("%s%s", i > 0 ? ", " : " ", p->dirs[i]);
	printf("\n");
}

/* One table's line of a repair: its name, then what it gave. */
static void
repair_table(struct doctor *d, const struct store_repair_table *t)
{
	char line[512];
	size_t len;

	if (t->unreadable) {
		check(d, false, t->name, "%s", _("could not be read"));
		return;
	}
	snprintf(line, sizeof line, _("%lld copied"), (long long)t->copied);
	len = strlen(line);
	if (t->skipped > 0 && len < sizeof line)
		snprintf(line + len, sizeof line - len, _(", %lld unreadable part(s) skipped"),
			 (long long)t->skipped);
	len = strlen(line);
	if (t->refused > 0 && len < sizeof line)
		snprintf(line + len, sizeof line - len, _(", %lld row(s) not taken"),
			 (long long)t->refused);
	check(d, t->skipped == 0 && t->refused == 0, t->name, "%s", line);
}

static int
doctor_repair(const char *config_file)
{
	struct app_options o = {.config_file = config_file, .flags = APP_NO_STORE};
	struct app_repair r;
	struct doctor dd = {0}, *d = &dd;
	struct app *app = NULL;
	struct mc_err err;
	char buf[1280];
	int rc;

	if ((rc = cli_app_open_with("doctor", &o, &app)) != 0)
		return rc;
	if (app_doctor_repair(app, &r, &err) != 0) {
		check(d, false, "store", "%s", words_err(&err, buf, sizeof buf));
		printf("%s\n", _("the store was not repaired"));
		app_repair_release(&r);
		app_close(app);
		return CLI_FAIL;
	}
	if (r.report.sound)
		check(d, true, "store", _("%s: sound: nothing to repair, nothing changed"),
		      r.path);
	else if (r.report.missing)
		check(d, true, "store",
		      _("%s: there was no store: a new, empty one was made"), r.path);
	else if (r.report.empty)
		check(d, true, "store",
		      _("%s: the store was empty: a new, empty one was made"), r.path);
	else if (!r.report.schema_read)
		check(d, false, "store",
		      _("%s: nothing could be read: a new, empty store was made"), r.path);
	else
		check(d, true, "store", _("%s: repaired into a new file"), r.path);
	if (r.aside != NULL)
		check(d, true, "kept", _("the old file is kept as %s"), r.aside);
	for (size_t i = 0; !r.report.sound && r.report.schema_read && i < r.report.n_tables; i++)
		repair_table(d, &r.report.tables[i]);
	if (r.reopen.code != MC_OK)
		check(d, false, "store", "%s",
		      words_err(&r.reopen, buf, sizeof buf));
	else if (r.audit_checked && r.audit.problem == STORE_AUDIT_OK)
		check(d, true, "audit", _("intact: %lld entries"),
		      (long long)r.audit.checked);
	else if (r.audit_checked)
		check(d, false, "audit", _("%s at entry %lld: %s"),
		      app_audit_problem_name(r.audit.problem), (long long)r.audit.seq,
		      r.audit.why);
	rc = r.reopen.code == MC_OK ? CLI_OK : CLI_FAIL;
	printf("%s\n", rc != CLI_OK	     ? _("the store was not repaired")
			: r.report.sound ? _("the store needs no repair")
					 : _("the store was repaired"));
	app_repair_release(&r);
	app_close(app);
	return rc;
}

int
cmd_doctor(int argc, char **argv)
{
	const char *issuer = NULL, *config_file = NULL;
	struct app_options o = {0};
	struct doctor d = {0};
	struct config_error ce;
	struct config_paths paths;
	struct app *app = NULL;
	struct mc_err err;
	char buf[1024];
	bool repair = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
			issuer = argv[++i];
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			config_file = argv[++i];
		else if (strcmp(argv[i], "--repair") == 0)
			repair = true;
		else
			return cli_usage_error("doctor", "unknown or incomplete option '%s'", argv[i]);
	}
	if (repair)
		return doctor_repair(config_file);
	cli_lang_init(NULL); /* the environment's; the config's once it is read */
	o.config_file = config_file;
	o.issuer = issuer;
	o.flags = APP_SYSTEMS | APP_WAIT_DISCOVERY;
	o.warn = on_warn; /* said of a file while opening: that file's verdict */
	o.warn_ctx = &d;
	o.config_error = &ce;
	if (app_open(&app, &o, &err) != 0) {
		app_paths_for(config_file, &paths);
		folders(&paths);
		app_paths_release(&paths);
		if (err.code == MC_E_CONFIG) {
			check(&d, false, "config", "%s", words_config(&ce, buf, sizeof buf));
			rc = CLI_USAGE;
		} else {
			check(&d, false, "store", "%s", words_err(&err, buf, sizeof buf));
			repair_hint(err.code);
			rc = CLI_FAIL;
		}
		goto out;
	}
	cli_lang_init(app_config(app)->language);
	folders(app_paths(app));
	(void)app_doctor(app, on_check, &d); /* on_check counts the failures */
	for (size_t i = 0; i < d.n_warnings; i++)
		if (!d.said[i])
			check(&d, false, "warning", "%s", d.warnings[i]);
	app_close(app);
	rc = d.n_fail == 0 ? CLI_OK : CLI_FAIL;
out:
	printf("%s\n", d.n_fail == 0 ? _("all checks passed") : _("some checks failed"));
	for (size_t i = 0; i < d.n_warnings; i++)
		free(d.warnings[i]);
	return rc;
}
