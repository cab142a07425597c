/*
 * viewer.c - a downloaded attachment opened where the clerk can read it:
 * the desktop's viewer (xdg-open) when there is a desktop, else a text
 * file in the pager ($PAGER, else less, else more) on this terminal.  A
 * scanned PDF on a text console has nowhere to open: the caller says where
 * it was saved.
 *
 * The path (built by the app from a name the server gave, app/download.h)
 * is always one argument, never text a shell parses.  The console shows
 * nothing of the file itself: what a hostile server put in it reaches the
 * clerk's pager as written, and only the pager decides how to show it.
 *
 * The pager runs in the foreground of this terminal (run_here) and the
 * console waits for it, curses put aside (def_prog_mode/endwin) and back
 * afterwards (reset_prog_mode, a full repaint).  While it runs the
 * console ignores SIGINT and SIGQUIT, as system() does: C-c in the pager
 * is the pager's, it must not end the console.  SIGTSTP is left to its
 * default action, so C-z stops both and fg brings both back, the pager
 * repainting its own screen (curses's own handler would repaint the
 * console over the pager).
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

#include "ui/i18n.h"
#include "ui/ui.h"

/* posix_spawn_file_actions_addclosefrom_np: glibc 2.34 on */
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 34)
#define HAVE_SPAWN_CLOSEFROM 1
#endif
#endif

/* Whether `prog` is an executable in $PATH. */
static bool
in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

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
	sigset_t none, dfl;

	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGTSTP);
	sigaddset(&dfl, SIGPIPE);
	if (posix_spawnattr_init(attr) != 0)
		return -1;
	if (posix_spawn_file_actions_init(fa) != 0) {
		posix_spawnattr_destroy(attr);
		return -1;
	}
	if (posix_spawnattr_setsigmask(attr, &none) != 0 ||
	    posix_spawnattr_setsigdefault(attr, &dfl) != 0 ||
	    posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) != 0 ||
	    (c->in != NULL &&
	     posix_spawn_file_actions_addopen(fa, STDIN_FILENO, c->in, O_RDONLY, 0) != 0) ||
	    (c->report >= 0 && posix_spawn_file_actions_adddup2(fa, c->report, 3) != 0)
#ifdef HAVE_SPAWN_CLOSEFROM
	    || posix_spawn_file_actions_addclosefrom_np(fa, c->report >= 0 ? 4 : 3) != 0
#endif
	) {
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
	snprintf(why->pager, sizeof why->pager, "%s", argv[0]);
	why->error = 0;
	why->status = 0;
	if (argc < 0) {
		why->error = E2BIG;
		return UI_VIEW_PAGER_FAILED;
	}
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	rc = run_here(&c, &status);
	if (rc != 0) {
		why->error = rc;
		return UI_VIEW_PAGER_FAILED;
	}
	/* C-c is how some pagers are left: not a failure */
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT) {
		why->status = -WTERMSIG(status);
		return UI_VIEW_PAGER_FAILED;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		/* 126, 127: found in $PATH but could not run, as a shell says */
		why->status = WEXITSTATUS(status);
		return UI_VIEW_PAGER_FAILED;
	}
	return UI_VIEW_PAGER;
}

enum ui_view_result
ui_view_file(const char *path, struct ui_view_failure *why)
{
	const char *display = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
	bool desktop = (display != NULL && display[0] != '\0') ||
		       (wayland != NULL && wayland[0] != '\0');

	if (path == NULL || access(path, R_OK) != 0)
		return UI_VIEW_NONE;
	if (desktop && in_path("xdg-open") && desktop_open(path))
		return UI_VIEW_DESKTOP;
	if (is_text(path))
		return pager_show(path, why);
	return UI_VIEW_NONE;
}

void
ui_view_failed(struct ui_app *app, const struct ui_view_failure *why, const char *path)
{
	if (why->error == ENOENT)
		ui_message(app, UI_MSG_ERROR, _("Pager %s not found; saved in %s"), why->pager, path);
	else if (why->error != 0)
		ui_message(app, UI_MSG_ERROR, _("Pager %s could not be started; saved in %s"),
			   why->pager, path);
	else if (why->status < 0)
		ui_message(app, UI_MSG_ERROR, _("Pager %s failed (signal %d); saved in %s"),
			   why->pager, -why->status, path);
	else
		ui_message(app, UI_MSG_ERROR, _("Pager %s failed (exit status %d); saved in %s"),
			   why->pager, why->status, path);
}
