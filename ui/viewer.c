/*
 * viewer.c - a downloaded attachment opened where the clerk can read it:
 * the desktop's viewer (xdg-open) when there is a desktop, else a text
 * file in the pager ($PAGER, else less, else more) on this terminal.  A
 * scanned PDF on a text console has nowhere to open: the caller says where
 * it was saved.
 *
 * The path (built by the app from a name the server gave, app/download.h)
 * is always one argument, never text a shell parses.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curses.h>

#include "ui/ui.h"

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

/* The pager on this terminal, curses put aside while it runs. */
static bool
pager_show(const char *path)
{
	const char *env = getenv("PAGER");
	char cmd[512], *argv[16];
	int argc = 0, status = 0;
	pid_t pid;

	snprintf(cmd, sizeof cmd, "%s",
		 env != NULL && env[0] != '\0' ? env : in_path("less") ? "less" : "more");
	/* "less -R": words, no shell */
	for (char *save = NULL, *w = strtok_r(cmd, " \t", &save); w != NULL && argc < 14;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	if (argc == 0)
		return false;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	def_prog_mode();
	endwin();
	{
		extern char **environ;
		if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
			pid = -1;
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0)
			;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) != 127;
}

enum ui_view_result
ui_view_file(const char *path)
{
	const char *display = getenv("DISPLAY"), *wayland = getenv("WAYLAND_DISPLAY");
	bool desktop = (display != NULL && display[0] != '\0') ||
		       (wayland != NULL && wayland[0] != '\0');

	if (path == NULL || access(path, R_OK) != 0)
		return UI_VIEW_NONE;
	if (desktop && in_path("xdg-open") && desktop_open(path))
		return UI_VIEW_DESKTOP;
	if (is_text(path) && pager_show(path))
		return UI_VIEW_PAGER;
	return UI_VIEW_NONE;
}
