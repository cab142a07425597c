/*
 * viewer.c - a downloaded attachment opened where the clerk can read it:
 * the desktop's viewer (xdg-open) when there is a desktop, else a text
 * file in the pager ($PAGER, else less, else more) on this terminal, else
 * the program the mailcap files (app/mailcap.h) name for its type, on this
 * terminal too.  A text file named as another type (.json, or a .pdf with
 * no NUL byte up front) tries its mailcap entry first, then the pager.  A
 * scanned PDF on a text console with no mailcap entry for it has nowhere
 * to open: the caller says where it was saved.
 *
 * The path (built by the app from a name the server gave, app/download.h)
 * is always one argument, never text a shell parses: the pager gets it as
 * its last argument, a mailcap command as the shell's $1 (the command text
 * comes from the mailcap file, the path only through the argument list).
 * The console shows nothing of the file itself: what a hostile server put
 * in it reaches the clerk's pager or viewer as written, and only they
 * decide how to show it.
 *
 * The pager and a mailcap viewer run alike (run_here), in the foreground
 * of this terminal, and the console waits for them, curses put aside
 * (def_prog_mode/endwin) and back afterwards (reset_prog_mode, a full
 * repaint).  While one runs the console ignores SIGINT and SIGQUIT, as
 * system() does: C-c in the pager is the pager's, it must not end the
 * console.  SIGTSTP is left to its default action, so C-z stops both and
 * fg brings both back, the pager repainting its own screen (curses's own
 * handler would repaint the console over the pager).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curses.h>

#include "app/mailcap.h"
#include "app/mime.h"
#include "core/spawn.h"
#include "core/xalloc.h"
#include "ui/i18n.h"
#include "ui/ui.h"


/* Whether `prog` is an executable in $PATH (or, with a '/', there). */
static bool
in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	if (path == NULL)
		return false;
	while (*path != '\0') {
		size_t n = strcspn(path, ":");
		if (n > 0 && n + strlen(prog) + 2 < sizeof buf) {
			snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, prog);
			if (access(buf, X_OK) == 0)
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Text: no NUL in its first 4 KiB. */
static bool
is_text(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf);
	close(fd);
	return n > 0 && memchr(buf, '\0', (size_t)n) == NULL;
}

/*
 * xdg-open PATH, detached: /bin/sh starts it in the background and exits at
 * once, so it is reaped here and xdg-open is nobody's child to wait for.
 * The path is the shell's $1, never part of the command text it parses.
 * posix_spawn, not fork: the console's own image (and a memory checker
 * watching it) is never duplicated.
 */
static bool
desktop_open(const char *path)
{
	char *argv[] = {"sh", "-c", "xdg-open \"$1\" </dev/null >/dev/null 2>&1 &", "sh",
			(char *)path, NULL};
	extern char **environ;
	posix_spawnattr_t attr;
	pid_t pid;
	int status, rc;

	if (posix_spawnattr_init(&attr) != 0)
		return false;
	(void)posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	rc = posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (rc != 0)
		return false;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * A program run in the foreground of this terminal: argv[0] looked up in
 * $PATH unless `file` names it; the file `in` as its stdin (NULL: the
 * terminal); `report` (-1: none), a pipe's write end, as its fd 3.
 */
struct fg_child {
	const char *file;
	char **argv;
	const char *in;
	int report;
};

/* What the child gets: default signals, an empty mask, only fds 0-2 (the
 * console's sockets and pipes are none of its business), and 3 when it
 * reports on it. */
static int
child_attr(posix_spawnattr_t *attr, posix_spawn_file_actions_t *fa, const struct fg_child *c)
{
	if (spawn_prepare(attr, fa, false) != 0)
		return -1;
	if ((c->in != NULL &&
	     posix_spawn_file_actions_addopen(fa, STDIN_FILENO, c->in, O_RDONLY, 0) != 0) ||
	    (c->report >= 0 && posix_spawn_file_actions_adddup2(fa, c->report, 3) != 0) ||
	    spawn_close_from(fa, c->report >= 0 ? 4 : 3) != 0) {
		posix_spawn_file_actions_destroy(fa);
		posix_spawnattr_destroy(attr);
		return -1;
	}
	return 0;
}

/*
 * Run c on this terminal, curses put aside while it runs, and wait for it.
 * 0 with its wait status in *status, else the error that kept it from
 * starting (ENOMEM when the spawn could not even be prepared).  The caller
 * closes c->report after the call.
 */
static int
run_here(const struct fg_child *c, int *status)
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	struct sigaction ign, dfl, old_int, old_quit, old_tstp;
	extern char **environ;
	pid_t pid = -1;
	int rc;

	*status = 0;
	if (child_attr(&attr, &fa, c) != 0)
		return ENOMEM;
	memset(&ign, 0, sizeof ign);
	sigemptyset(&ign.sa_mask);
	dfl = ign;
	ign.sa_handler = SIG_IGN;
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	sigaction(SIGTSTP, &dfl, &old_tstp);
	def_prog_mode();
	endwin();
	if (c->file != NULL)
		rc = posix_spawn(&pid, c->file, &fa, &attr, c->argv, environ);
	else
		rc = posix_spawnp(&pid, c->argv[0], &fa, &attr, c->argv, environ);
	if (rc == 0) {
		/* EINTR: a resize (its flag is read when the loop runs again) */
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTSTP, &old_tstp, NULL);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* The pager's words: $PAGER (else less, else more) split at blanks into
 * buf, no shell; argv gets at most max of them.  The count, 0 when none,
 * -1 when $PAGER is longer than buf. */
static int
pager_words(char *buf, size_t size, char **argv, int max)
{
	const char *env = getenv("PAGER");
	int argc = 0, rc;

	if (env == NULL || env[0] == '\0')
		env = in_path("less") ? "less" : "more";
	/* "less -R": words, no shell */
	rc = snprintf(buf, size, "%s", env);
	for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w != NULL && argc < max;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (argc > 0 && (rc < 0 || (size_t)rc >= size))
		return -1;
	return argc;
}

/* The pager on this terminal, curses put aside while it runs. */
static enum ui_view_result
pager_show(const char *path, struct ui_view_failure *why)
{
	char cmd[512], *argv[16];
	struct fg_child c = {.argv = argv, .report = -1};
	int argc, status, rc;

	argc = pager_words(cmd, sizeof cmd, argv, 14);
	if (argc == 0)
		return UI_VIEW_NONE;
	snprintf(why->program, sizeof why->program, "%s", argv[0]);
	why->mailcap = false;
	why->error = 0;
	why->status = 0;
	if (argc < 0) {
		why->error = E2BIG;
		return UI_VIEW_FAILED;
	}
	/*
	 * Looked for first, as a shell does: posix_spawnp() says "not found"
	 * only where the child shares the parent's memory until it runs the
	 * program; elsewhere (under valgrind, say) the child exits 127, or
	 * with the tool's own status, and that would read as a failing pager.
	 */
	if (!in_path(argv[0])) {
		why->error = ENOENT;
		return UI_VIEW_FAILED;
	}
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	rc = run_here(&c, &status);
	if (rc != 0) {
		why->error = rc;
		return UI_VIEW_FAILED;
	}
	/* C-c is how some pagers are left: not a failure */
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT) {
		why->status = -WTERMSIG(status);
		return UI_VIEW_FAILED;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		/* 126, 127: found in $PATH but could not run, as a shell says */
		why->status = WEXITSTATUS(status);
		return UI_VIEW_FAILED;
	}
	return UI_VIEW_PAGER;
}

/*
 * An exit status of a program /bin/sh ran, into *why: false when it is no
 * failure.  127 and 126 are the shell's "not found" and "cannot run";
 * 128+SIGINT is C-c, how some viewers are left; 128+SIGPIPE, only for a
 * command writing into the pager, the pager left before the end.
 */
static bool
shell_failed(int code, bool piped, struct ui_view_failure *why)
{
	if (code == 0 || code == 128 + SIGINT || (piped && code == 128 + SIGPIPE))
		return false;
	if (code == 127)
		why->error = ENOENT;
	else if (code == 126)
		why->error = EACCES;
	else
		why->status = code;
	return true;
}

/*
 * Shell text that runs a mailcap command (app/mailcap.h: the file is $1,
 * the type $2) on this terminal.  The shell catches SIGINT and SIGQUIT
 * (a caught signal is default again in what it starts): C-c in the viewer
 * must not end the shell and bring the console back over a viewer still
 * running.  copiousoutput: the command's output into the pager, whose
 * words come after $1 and $2, never parsed by the shell either; the
 * command's own exit status goes to fd 3, the pipeline's being the
 * pager's.
 */
static char *
mailcap_text(const struct app_mailcap_view *v)
{
	if (v->flags & APP_MAILCAP_COPIOUSOUTPUT)
		return xasprintf("trap : INT QUIT\n"
				 "{ { %s\n} 3>&-; echo \"$?\" >&3; } | "
				 "{ exec 3>&-; shift 2; exec \"$@\"; }\n",
				 v->command);
	return xasprintf("trap : INT QUIT\n%s\n", v->command);
}

/*
 * The first mailcap entry for the file's type (app/mime.h's guess from the
 * name), run on this terminal as the pager is: needsterminal or not,
 * the console waits for it (an entry without needsterminal may well be a
 * terminal program: mutt runs those in the foreground too), copiousoutput
 * through the pager.  UI_VIEW_NONE when no entry fits.
 */
static enum ui_view_result
mailcap_show(const char *path, char *type, struct ui_view_failure *why)
{
	struct app_mailcap_view v;
	char words[512], *argv[24], *text = NULL, *pager = NULL;
	struct fg_child c = {.file = "/bin/sh", .argv = argv, .in = NULL, .report = -1};
	enum ui_view_result res = UI_VIEW_MAILCAP;
	int argc = 0, status, rc, pipefd[2] = {-1, -1};
	bool piped;

	if (app_mailcap_find(type, path, NULL, NULL, &v) != 0)
		return UI_VIEW_NONE;
	piped = (v.flags & APP_MAILCAP_COPIOUSOUTPUT) != 0;
	snprintf(why->program, sizeof why->program, "%s", v.program);
	why->mailcap = true;
	why->error = 0;
	why->status = 0;
	text = mailcap_text(&v);
	argv[argc++] = "sh";
	argv[argc++] = "-c";
	argv[argc++] = text;
	argv[argc++] = "sh";
	argv[argc++] = (char *)path;
	argv[argc++] = type;
	if (piped) {
		int n = pager_words(words, sizeof words, argv + argc, 16);
		if (n <= 0) {
			why->error = n < 0 ? E2BIG : ENOENT;
			res = UI_VIEW_FAILED;
			goto out;
		}
		pager = argv[argc];
		argc += n;
		if (pipe2(pipefd, O_CLOEXEC) != 0) {
			why->error = errno;
			res = UI_VIEW_FAILED;
			goto out;
		}
		/* above 3: the child's dup2 onto 3 must not meet itself */
		c.report = fcntl(pipefd[1], F_DUPFD_CLOEXEC, 10);
		close(pipefd[1]);
		pipefd[1] = -1;
		if (c.report < 0 || fcntl(pipefd[0], F_SETFL, O_NONBLOCK) != 0) {
			why->error = errno;
			res = UI_VIEW_FAILED;
			goto out;
		}
	}
	argv[argc] = NULL;
	if (v.flags & APP_MAILCAP_STDIN)
		c.in = path;
	rc = run_here(&c, &status);
	if (rc != 0) {
		why->error = rc;
		res = UI_VIEW_FAILED;
		goto out;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT) {
		why->status = -WTERMSIG(status);
		res = UI_VIEW_FAILED;
		goto out;
	}
	if (WIFEXITED(status) && piped) {
		/* the pager's status first: without a pager the command's is SIGPIPE */
		char got[16];
		ssize_t n;
		long code;
		char *end;

		if (shell_failed(WEXITSTATUS(status), false, why)) {
			why->mailcap = false;
			snprintf(why->program, sizeof why->program, "%s", pager);
			res = UI_VIEW_FAILED;
			goto out;
		}
		n = read(pipefd[0], got, sizeof got - 1);
		got[n > 0 ? n : 0] = '\0';
		code = strtol(got, &end, 10);
		if (n > 0 && end != got && code >= 0 && code < 256 &&
		    shell_failed((int)code, true, why))
			res = UI_VIEW_FAILED;
	} else if (WIFEXITED(status) && shell_failed(WEXITSTATUS(status), false, why)) {
		res = UI_VIEW_FAILED;
	}
out:
	if (c.report >= 0)
		close(c.report);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	free(text);
	app_mailcap_view_release(&v);
	return res;
}

enum ui_view_result
ui_view_file(const char *path, struct ui_view_failure *why)
{
	const char *display = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
	bool desktop = (display != NULL && display[0] != '\0') ||
		       (wayland != NULL && wayland[0] != '\0');
	enum ui_view_result res;
	char type[128];
	bool text;

	if (path == NULL || access(path, R_OK) != 0)
		return UI_VIEW_NONE;
	if (desktop && in_path("xdg-open") && desktop_open(path))
		return UI_VIEW_DESKTOP;
	text = is_text(path);
	app_mime_type(path, type, sizeof type);
	/* a .pdf with no NUL up front is still a PDF: its mailcap entry first */
	if (text && strncmp(type, "text/", 5) == 0)
		return pager_show(path, why);
	res = mailcap_show(path, type, why);
	if (res == UI_VIEW_NONE && text)
		return pager_show(path, why);
	return res;
}

void
ui_view_failed(struct ui_app *app, const struct ui_view_failure *why, const char *path)
{
	if (why->mailcap && why->error == ENOENT)
		ui_message(app, UI_MSG_ERROR, _("Viewer %s (mailcap) not found; saved in %s"),
			   why->program, path);
	else if (why->mailcap && why->error != 0)
		ui_message(app, UI_MSG_ERROR,
			   _("Viewer %s (mailcap) could not be started; saved in %s"), why->program,
			   path);
	else if (why->mailcap && why->status < 0)
		ui_message(app, UI_MSG_ERROR, _("Viewer %s (mailcap) failed (signal %d); saved in %s"),
			   why->program, -why->status, path);
	else if (why->mailcap)
		ui_message(app, UI_MSG_ERROR,
			   _("Viewer %s (mailcap) failed (exit status %d); saved in %s"), why->program,
			   why->status, path);
	else if (why->error == ENOENT)
		ui_message(app, UI_MSG_ERROR, _("Pager %s not found; saved in %s"), why->program,
			   path);
	else if (why->error != 0)
		ui_message(app, UI_MSG_ERROR, _("Pager %s could not be started; saved in %s"),
			   why->program, path);
	else if (why->status < 0)
		ui_message(app, UI_MSG_ERROR, _("Pager %s failed (signal %d); saved in %s"),
			   why->program, -why->status, path);
	else
		ui_message(app, UI_MSG_ERROR, _("Pager %s failed (exit status %d); saved in %s"),
			   why->program, why->status, path);
}
