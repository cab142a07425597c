/*
 * test_mailcap.c - the mailcap files (app/mailcap.c) as a clerk's terminal
 * reads them: entries, continuation lines, comments, escaped semicolons,
 * wildcard types, flags, the order test= commands decide in, the files
 * searched and the ones skipped; and the commands made of them: a path a
 * server named (blanks, quotes, $(...), ;, newlines) reaches the viewer as
 * exactly one argument and is never run, whichever way the mailcap quotes
 * %s.  Also the type a saved file is given (app/mime.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/mailcap.h"
#include "app/mime.h"
#include "core/xalloc.h"

extern char **environ;

static char dir[] = "/tmp/motcua-mailcap-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int
parse(const char *line, struct app_mailcap_entry *e)
{
	return app_mailcap_parse_line(line, strlen(line), e);
}

/* The shell text for mailcap command text; fails the test when refused. */
static char *
command(const char *text, unsigned *flags)
{
	char *s = app_mailcap_command(text, flags);

	assert_non_null(s);
	return s;
}

/*
 * /bin/sh -c TEXT sh PATH TYPE, as the viewer runs it, its standard output
 * into out (NUL-terminated, cut at size).  Its exit status.
 */
static int
run_sh(const char *text, const char *path, const char *type, char *out, size_t size)
{
	char *argv[] = {"sh", "-c", (char *)text, "sh", (char *)path, (char *)type, NULL};
	posix_spawn_file_actions_t fa;
	int fds[2], status = -1;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	assert_int_equal(posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	while (n + 1 < size && ((r = read(fds[0], out + n, size - 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	out[n] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* ---- entries ------------------------------------------------------------- */

static void
entry_fields(void **state)
{
	struct app_mailcap_entry e;

	(void)state;
	assert_int_equal(parse("application/pdf; zathura %s; test=test -n \"$DISPLAY\"; "
			       "description=PDF; nametemplate=%s.pdf",
			       &e),
			 0);
	assert_string_equal(e.type, "application/pdf");
	assert_string_equal(e.view, "zathura %s");
	assert_int_equal(e.n_tests, 1);
	assert_string_equal(e.tests[0], "test -n \"$DISPLAY\"");
	assert_int_equal(e.flags, 0);
	app_mailcap_entry_release(&e);

	/* flags in any case, blanks around fields and '=' */
	assert_int_equal(parse("  Image/PNG ;\tview-png %s ;NeedsTerminal; copiousoutput ; "
			       "x11-bitmap ;  test = true  ",
			       &e),
			 0);
	assert_string_equal(e.type, "image/png");
	assert_string_equal(e.view, "view-png %s");
	assert_int_equal(e.flags, APP_MAILCAP_NEEDSTERMINAL | APP_MAILCAP_COPIOUSOUTPUT);
	assert_int_equal(e.n_tests, 1);
	assert_string_equal(e.tests[0], "true");
	app_mailcap_entry_release(&e);

	/* no flags at all */
	assert_int_equal(parse("text/html; lynx -dump %s", &e), 0);
	assert_int_equal(e.flags, 0);
	assert_int_equal(e.n_tests, 0);
	app_mailcap_entry_release(&e);
}

static void
comments_and_blanks(void **state)
{
	struct app_mailcap_entry e;

	(void)state;
	assert_int_equal(parse("# application/pdf; evince %s", &e), 1);
	assert_int_equal(parse("   # indented comment", &e), 1);
	assert_int_equal(parse("", &e), 1);
	assert_int_equal(parse(" \t \r", &e), 1);
	assert_null(e.type);
}

static void
escaped_semicolons(void **state)
{
	struct app_mailcap_entry e;
	char *s;

	(void)state;
	assert_int_equal(parse("text/x-log; grep -v debug %s \\; echo done; copiousoutput", &e), 0);
	assert_string_equal(e.view, "grep -v debug %s \\; echo done");
	assert_int_equal(e.flags, APP_MAILCAP_COPIOUSOUTPUT);
	s = command(e.view, NULL);
	assert_string_equal(s, "grep -v debug \"$1\" ; echo done");
	free(s);
	app_mailcap_entry_release(&e);

	/* in a test too, and a quoted blank at the end of a field is kept */
	assert_int_equal(parse("a/b; x %s\\ ; test=true\\;false", &e), 0);
	assert_string_equal(e.view, "x %s\\ ");
	assert_string_equal(e.tests[0], "true\\;false");
	s = command(e.tests[0], NULL);
	assert_string_equal(s, "true;false");
	free(s);
	app_mailcap_entry_release(&e);

	/* "\\;" is a backslash, then the end of the field */
	assert_int_equal(parse("a/b; x \\\\; needsterminal", &e), 0);
	assert_string_equal(e.view, "x \\\\");
	assert_int_equal(e.flags, APP_MAILCAP_NEEDSTERMINAL);
	app_mailcap_entry_release(&e);
}

static void
wildcard_types(void **state)
{
	struct app_mailcap_entry e;

	(void)state;
	assert_int_equal(parse("image; fbi %s", &e), 0);
	assert_string_equal(e.type, "image/*");
	app_mailcap_entry_release(&e);

	assert_true(app_mailcap_type_matches("image/*", "image/png"));
	assert_true(app_mailcap_type_matches("image/*", "IMAGE/Jpeg"));
	assert_false(app_mailcap_type_matches("image/*", "application/pdf"));
	assert_false(app_mailcap_type_matches("image/*", "imagex/png"));
	assert_false(app_mailcap_type_matches("image/*", "image"));
	assert_true(app_mailcap_type_matches("application/pdf", "application/pdf"));
	assert_true(app_mailcap_type_matches("application/pdf", "Application/PDF; name=x"));
	assert_false(app_mailcap_type_matches("application/pdf", "application/pdfx"));
	assert_false(app_mailcap_type_matches("application/pdf", "application/pd"));
	assert_false(app_mailcap_type_matches("application/pdf", "text/pdf"));
	/* no "*" major type in RFC 1524 */
	assert_false(app_mailcap_type_matches("*/*", "application/pdf"));
	assert_false(app_mailcap_type_matches("image/*", NULL));
}

static void
malformed_lines(void **state)
{
	struct app_mailcap_entry e;
	char *big;
	const char nul[] = "application/pdf; view\0er %s";

	(void)state;
	assert_int_equal(parse("application/pdf", &e), -1);        /* no command */
	assert_int_equal(parse("application/pdf;", &e), -1);
	assert_int_equal(parse("application/pdf;   ; needsterminal", &e), -1);
	assert_int_equal(parse("application pdf; x %s", &e), -1);  /* not a type */
	assert_int_equal(parse("a/b/c; x %s", &e), -1);
	assert_int_equal(parse("/pdf; x %s", &e), -1);
	assert_int_equal(parse("application/; x %s", &e), -1);
	assert_int_equal(parse("; x %s", &e), -1);
	assert_int_equal(parse("appl\x01ication/pdf; x %s", &e), -1);
	assert_int_equal(app_mailcap_parse_line(nul, sizeof nul - 1, &e), -1);
	assert_int_equal(parse("a/b; x; test=1; test=2; test=3; test=4; test=5; test=6; "
			       "test=7; test=8; test=9",
			       &e),
			 -1);
	assert_null(e.type);
	assert_null(e.view);

	big = xmalloc(APP_MAILCAP_LINE_MAX + 64);
	memset(big, 'x', APP_MAILCAP_LINE_MAX + 63);
	memcpy(big, "a/b; ", 5);
	big[APP_MAILCAP_LINE_MAX + 63] = '\0';
	assert_int_equal(parse(big, &e), -1);
	free(big);

	/* a field "test" without '=', or an empty test=: no test */
	assert_int_equal(parse("a/b; x %s; test; test=", &e), 0);
	assert_int_equal(e.n_tests, 0);
	app_mailcap_entry_release(&e);
}

/* ---- commands ------------------------------------------------------------ */

static void
command_escapes(void **state)
{
	unsigned flags = 99;
	char *s;

	(void)state;
	s = command("zathura %s", &flags);
	assert_string_equal(s, "zathura \"$1\"");
	assert_int_equal(flags, 0);
	free(s);

	s = command("less '%s'", &flags);
	assert_string_equal(s, "less ''\"$1\"''");
	free(s);

	s = command("less \"%s\"", &flags);
	assert_string_equal(s, "less \"$1\"");
	free(s);

	s = command("show --type=%t %s", &flags);
	assert_string_equal(s, "show --type=\"$2\" \"$1\"");
	free(s);

	/* no %s: the file on stdin */
	s = command("pdftotext -layout - -", &flags);
	assert_string_equal(s, "pdftotext -layout - -");
	assert_int_equal(flags, APP_MAILCAP_STDIN);
	free(s);

	/* %{param}, %n, %F: nothing; "\%" a percent sign */
	s = command("iconv -f %{charset} %n%F | date +\\%Y", &flags);
	assert_string_equal(s, "iconv -f   | date +%Y");
	assert_int_equal(flags, APP_MAILCAP_STDIN);
	free(s);

	/* a %s inside $(...) inside "..." is plain again */
	s = command("echo \"$(basename %s)\"", NULL);
	assert_string_equal(s, "echo \"$(basename \"$1\")\"");
	free(s);

	/* a trailing % or backslash: dropped */
	s = command("x %", NULL);
	assert_string_equal(s, "x ");
	free(s);
	s = command("x \\", NULL);
	assert_string_equal(s, "x ");
	free(s);
}

static void
command_refused(void **state)
{
	char deep[64]; /* more "(" than the quoting is tracked through */

	(void)state;
	assert_null(app_mailcap_command("x %{charset", NULL));
	/* mailcap "\\" is a shell backslash: it would quote our first quote */
	assert_null(app_mailcap_command("x \\\\%s", NULL));
	memset(deep, '(', sizeof deep - 1);
	deep[sizeof deep - 1] = '\0';
	assert_null(app_mailcap_command(deep, NULL));
}

/* Hostile names: each must come out of the viewer as itself, one argument. */
static const char *const hostile[] = {
	"plain.pdf",
	"two words.pdf",
	"it's.pdf",
	"say \"hi\".pdf",
	"$(touch PWN).pdf",
	"`touch PWN`.pdf",
	"a; touch PWN; b.pdf",
	"a\nb; touch PWN\n.pdf",
	"'$(touch PWN)'.pdf",
	"\"$(touch PWN)\".pdf",
	"'\\''; touch PWN; '.pdf",
	"a\\b\\'c.pdf",
	"${HOME}*?[a].pdf",
	"-n",
	"   ",
	"a|touch PWN&b>c<d.pdf",
};

/* Commands as a mailcap may write them, each printing its file as
 * "[PATH]" (\% a mailcap percent sign, so the shell's printf gets %s). */
static const char *const templates[] = {
	"printf '[\\%s]' %s",
	"printf '[\\%s]' '%s'",
	"printf '[\\%s]' \"%s\"",
	"printf \"[\\%s]\" %s",
	"printf '[\\%s]' x%sx | sed 's/^\\\\[x/[/; s/x\\\\]$/]/'",
	"f() { printf '[\\%s]' \"$@\"; }; f %s",
	"printf '[\\%s]' \"$(printf '\\%s.' '%s')\" | sed 's/\\\\.\\\\]$/]/'",
	"(printf '[\\%s]' %s)",
};

static void
hostile_paths_are_one_argument(void **state)
{
	char out[1024], want[1024], *pwn = xasprintf("%s/PWN", dir);

	(void)state;
	assert_int_equal(chdir(dir), 0);
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		char *path = xasprintf("%s/%s", dir, hostile[i]);

		for (size_t t = 0; t < sizeof templates / sizeof templates[0]; t++) {
			char *s = command(templates[t], NULL);

			assert_int_equal(run_sh(s, path, "application/pdf", out, sizeof out), 0);
			snprintf(want, sizeof want, "[%s]", path);
			/* command substitution drops trailing newlines; sed reads lines */
			if (strchr(path, '\n') != NULL &&
			    (strstr(templates[t], "$(") != NULL || strstr(templates[t], "sed") != NULL))
				goto next;
			if (strcmp(out, want) != 0)
				fail_msg("template %zu, path \"%s\": shell text <%s> printed <%s>", t,
					 path, s, out);
			assert_int_equal(access(pwn, F_OK), -1);
next:
			free(s);
		}
		/* and exactly one word: $# in a function given the expansion */
		{
			char *s = command("n() { printf '\\%d' $#; }; n %s; n '%s'; n \"%s\"", NULL);
			assert_int_equal(run_sh(s, path, "x/y", out, sizeof out), 0);
			assert_string_equal(out, "111");
			free(s);
		}
		free(path);
	}
	/* the type too, as $2 */
	{
		char *s = command("printf '<\\%s>' %t '%t' \"%t\"", NULL);
		assert_int_equal(run_sh(s, "/x", "$(touch PWN)/x y", out, sizeof out), 0);
		assert_string_equal(out, "<$(touch PWN)/x y><$(touch PWN)/x y><$(touch PWN)/x y>");
		free(s);
	}
	assert_int_equal(access(pwn, F_OK), -1);
	assert_int_equal(access("PWN", F_OK), -1);
	free(pwn);
}

/* ---- lookup -------------------------------------------------------------- */

struct calls {
	char log[512];
};

/* A test passes when its text starts with "yes"; every call is logged. */
static bool
fake_test(void *arg, const char *text, const char *path, const char *type)
{
	struct calls *c = arg;
	size_t n = strlen(c->log);

	assert_string_equal(path, "/f.pdf");
	assert_string_equal(type, "application/pdf");
	snprintf(c->log + n, sizeof c->log - n, "%s%s", n > 0 ? "," : "", text);
	return strncmp(text, "yes", 3) == 0;
}

static int
scan(const char *text, const char *type, struct calls *c, struct app_mailcap_view *v)
{
	memset(c, 0, sizeof *c);
	return app_mailcap_scan(text, strlen(text), type, "/f.pdf", fake_test, c, v);
}

static void
test_order(void **state)
{
	struct app_mailcap_view v;
	struct calls c;
	const char *text = "application/pdf; first %s; test=no1\n"
			   "image/*; wrongtype %s; test=yes-image\n"
			   "application/pdf; second %s; test=no2; test=yes-never\n"
			   "application/pdf; third %s; test=yes3; test=no3\n"
			   "application/pdf; fourth %s; needsterminal; test=yes4; test=yes4b\n"
			   "application/pdf; fifth %s\n";

	(void)state;
	assert_int_equal(scan(text, "application/pdf", &c, &v), 0);
	assert_string_equal(v.command, "fourth \"$1\"");
	assert_int_equal(v.flags, APP_MAILCAP_NEEDSTERMINAL);
	assert_string_equal(v.program, "fourth");
	/* only the matching entries' tests, in order, each entry's until one fails */
	assert_string_equal(c.log, "no1,no2,yes3,no3,yes4,yes4b");
	app_mailcap_view_release(&v);

	/* no test: the first matching entry, no call */
	assert_int_equal(scan("text/plain; a %s\napplication/*; pdfview; copiousoutput\n"
			      "application/pdf; later %s\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.command, "pdfview");
	assert_int_equal(v.flags, APP_MAILCAP_COPIOUSOUTPUT | APP_MAILCAP_STDIN);
	assert_string_equal(c.log, "");
	app_mailcap_view_release(&v);

	/* none */
	assert_int_equal(scan("application/pdf; a %s; test=no\n", "application/pdf", &c, &v), 1);
	assert_null(v.command);
	assert_int_equal(scan("", "application/pdf", &c, &v), 1);
	/* an entry whose command cannot be made safe is passed over */
	assert_int_equal(scan("application/pdf; a %{x\napplication/pdf; b %s\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.command, "b \"$1\"");
	app_mailcap_view_release(&v);
}

static void
continuation_lines(void **state)
{
	struct app_mailcap_view v;
	struct calls c;

	(void)state;
	/* joined: the backslash and the newline go */
	assert_int_equal(scan("application/pdf; \\\n  viewer \\\n%s; \\\n needsterminal\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.command, "viewer \"$1\"");
	assert_int_equal(v.flags, APP_MAILCAP_NEEDSTERMINAL);
	app_mailcap_view_release(&v);

	/* "\\" at the end is a backslash, not a continuation */
	assert_int_equal(scan("application/pdf; echo a\\\\\napplication/pdf; b %s\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.command, "echo a\\");
	app_mailcap_view_release(&v);

	/* CRLF lines */
	assert_int_equal(scan("# made on Windows\r\napplication/pdf; a %s; \\\r\n needsterminal\r\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.command, "a \"$1\"");
	assert_int_equal(v.flags, APP_MAILCAP_NEEDSTERMINAL);
	app_mailcap_view_release(&v);

	/* a comment's continuation is comment too */
	assert_int_equal(scan("# off: \\\napplication/pdf; hidden %s\napplication/pdf; shown %s\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.command, "shown \"$1\"");
	app_mailcap_view_release(&v);

	/* a file that ends inside a continuation ends the entry there */
	assert_int_equal(scan("application/pdf; last %s \\", "application/pdf", &c, &v), 0);
	assert_string_equal(v.command, "last \"$1\"");
	app_mailcap_view_release(&v);

	/* no newline at the end; blank lines between */
	assert_int_equal(scan("\n\n   \napplication/pdf; z %s", "application/pdf", &c, &v), 0);
	assert_string_equal(v.command, "z \"$1\"");
	app_mailcap_view_release(&v);
}

static void
hostile_files(void **state)
{
	struct app_mailcap_view v;
	struct calls c;
	char *big;
	size_t n = 3 * APP_MAILCAP_LINE_MAX;
	const char nul[] = "application/pdf; bad\0 %s\napplication/pdf; good %s\n";

	(void)state;
	/* NUL bytes: that line goes, the next one is read */
	memset(&c, 0, sizeof c);
	assert_int_equal(app_mailcap_scan(nul, sizeof nul - 1, "application/pdf", "/f.pdf",
					  fake_test, &c, &v),
			 0);
	assert_string_equal(v.command, "good \"$1\"");
	app_mailcap_view_release(&v);

	/* a line over the limit (here continued, as a hostile file would) */
	big = xmalloc(n + 64);
	memcpy(big, "application/pdf; huge ", 22);
	for (size_t i = 22; i < n; i++)
		big[i] = i % 100 == 99 ? '\n' : 'x';
	for (size_t i = 98; i < n; i += 100)
		big[i] = '\\'; /* every line continued */
	snprintf(big + n, 64, "\napplication/pdf; after %%s\n");
	assert_int_equal(scan(big, "application/pdf", &c, &v), 0);
	assert_string_equal(v.command, "after \"$1\"");
	app_mailcap_view_release(&v);
	free(big);

	/* no semicolons at all, only junk */
	assert_int_equal(scan(";;;;\n\\\n\\\\\n%s%s%s\n====\napplication/pdf\n", "application/pdf",
			      &c, &v),
			 1);
}

static void
first_word_named(void **state)
{
	struct app_mailcap_view v;
	struct calls c;

	(void)state;
	assert_int_equal(scan("application/pdf; /opt/my\\ viewer/bin/v\x1b[2J %s\n",
			      "application/pdf", &c, &v),
			 0);
	assert_string_equal(v.program, "/opt/my viewer/bin/v?[2J");
	app_mailcap_view_release(&v);
}

/* ---- files --------------------------------------------------------------- */

static void
search_path(void **state)
{
	char **f;

	(void)state;
	setenv("HOME", "/home/clerk", 1);
	unsetenv("MAILCAPS");
	f = app_mailcap_files();
	assert_string_equal(f[0], "/home/clerk/.mailcap");
	assert_string_equal(f[1], "/etc/mailcap");
	assert_string_equal(f[2], "/usr/share/etc/mailcap");
	assert_string_equal(f[3], "/usr/local/etc/mailcap");
	assert_null(f[4]);
	app_mailcap_files_free(f);

	setenv("MAILCAPS", "", 1); /* empty: as unset */
	f = app_mailcap_files();
	assert_string_equal(f[0], "/home/clerk/.mailcap");
	app_mailcap_files_free(f);

	setenv("MAILCAPS", "~/mc::/etc/x:relative:~other/y", 1);
	f = app_mailcap_files();
	assert_string_equal(f[0], "/home/clerk/mc");
	assert_string_equal(f[1], "/etc/x");
	assert_string_equal(f[2], "relative");
	assert_string_equal(f[3], "~other/y");
	assert_null(f[4]);
	app_mailcap_files_free(f);

	setenv("MAILCAPS", ":a:b:c:d:e:f:g:h:i:j:k:", 1);
	f = app_mailcap_files();
	assert_string_equal(f[10], "k");
	assert_null(f[11]);
	app_mailcap_files_free(f);

	unsetenv("MAILCAPS");
	unsetenv("HOME");
	f = app_mailcap_files();
	assert_string_equal(f[0], "/etc/mailcap");
	app_mailcap_files_free(f);
	unsetenv("MAILCAPS");
}

/* The real test runner, the real files: $MAILCAPS in order, the missing,
 * the unreadable kinds passed over, test= seeing the environment. */
static void
find_in_files(void **state)
{
	struct app_mailcap_view v;
	char *a = xasprintf("%s/a.mailcap", dir), *b = xasprintf("%s/b.mailcap", dir);
	char *fifo = xasprintf("%s/fifo", dir), *pdf = xasprintf("%s/it's $(x).pdf", dir);
	char *list = xasprintf("%s/missing:%s:%s:%s:%s", dir, dir, fifo, a, b);
	const char *b_text = "application/pdf; xview %s; test=test -n \"$DISPLAY\"\n"
			     "application/pdf; never %s; test=false\n"
			     "application/pdf; hangs %s; test=sleep 30\n"
			     "application/pdf; wants-file %s; test=test -f %s && test ! -t 0\n"
			     "application/pdf; fallback %s; needsterminal\n";

	(void)state;
	write_file(a, "image/png; png %s\n", 18);
	write_file(b, b_text, strlen(b_text));
	write_file(pdf, "%PDF-1.4\n", 9);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	setenv("MAILCAPS", list, 1);

	unsetenv("DISPLAY");
	/* "sleep 30" is killed after APP_MAILCAP_TEST_SECONDS; only then the next */
	assert_int_equal(app_mailcap_find("application/pdf", pdf, NULL, NULL, &v), 0);
	assert_string_equal(v.command, "wants-file \"$1\"");
	assert_string_equal(v.program, "wants-file");
	app_mailcap_view_release(&v);

	setenv("DISPLAY", ":7", 1);
	assert_int_equal(app_mailcap_find("application/pdf", pdf, NULL, NULL, &v), 0);
	assert_string_equal(v.command, "xview \"$1\"");
	app_mailcap_view_release(&v);
	unsetenv("DISPLAY");

	assert_int_equal(app_mailcap_find("image/png", pdf, NULL, NULL, &v), 0);
	assert_string_equal(v.command, "png \"$1\"");
	app_mailcap_view_release(&v);

	assert_int_equal(app_mailcap_find("video/mp4", pdf, NULL, NULL, &v), 1);
	assert_null(v.command);

	setenv("MAILCAPS", "/nonexistent/mailcap", 1);
	assert_int_equal(app_mailcap_find("application/pdf", pdf, NULL, NULL, &v), 1);
	unsetenv("MAILCAPS");
	free(a);
	free(b);
	free(fifo);
	free(pdf);
	free(list);
}

/* ---- types --------------------------------------------------------------- */

static void
mime_types(void **state)
{
	char t[128], *p;
	const unsigned char bin[] = {0x01, 0x00, 0x02, 0x03};

	(void)state;
	assert_string_equal(app_mime_type("/x/Giay chung sinh.PDF", t, sizeof t), "application/pdf");
	assert_string_equal(app_mime_type("/x/anh.jpeg", t, sizeof t), "image/jpeg");
	assert_string_equal(app_mime_type("/x/ban do.tif", t, sizeof t), "image/tiff");
	assert_string_equal(app_mime_type("/x.d/no-extension-missing", t, sizeof t),
			    "application/octet-stream");

	p = xasprintf("%s/scan", dir);
	write_file(p, "%PDF-1.7\n\xe2\xe3", 11);
	assert_string_equal(app_mime_type(p, t, sizeof t), "application/pdf");
	write_file(p, "\x89PNG\r\n\x1a\n\0\0", 10);
	assert_string_equal(app_mime_type(p, t, sizeof t), "image/png");
	write_file(p, "II*\0\x08\0", 6);
	assert_string_equal(app_mime_type(p, t, sizeof t), "image/tiff");
	write_file(p, (const char *)bin, sizeof bin);
	assert_string_equal(app_mime_type(p, t, sizeof t), "application/octet-stream");
	write_file(p, "Ghi chú\n", strlen("Ghi chú\n"));
	assert_string_equal(app_mime_type(p, t, sizeof t), "text/plain");
	free(p);

	/* a leading dot is a hidden name, not an extension */
	p = xasprintf("%s/.pdf", dir);
	write_file(p, "\xff\xd8\xff\xe0", 4);
	assert_string_equal(app_mime_type(p, t, sizeof t), "image/jpeg");
	free(p);

	/* cut to the buffer */
	assert_string_equal(app_mime_type("a.pdf", t, 6), "appli");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_fields),
		cmocka_unit_test(comments_and_blanks),
		cmocka_unit_test(escaped_semicolons),
		cmocka_unit_test(wildcard_types),
		cmocka_unit_test(malformed_lines),
		cmocka_unit_test(command_escapes),
		cmocka_unit_test(command_refused),
		cmocka_unit_test(hostile_paths_are_one_argument),
		cmocka_unit_test(test_order),
		cmocka_unit_test(continuation_lines),
		cmocka_unit_test(hostile_files),
		cmocka_unit_test(first_word_named),
		cmocka_unit_test(search_path),
		cmocka_unit_test(find_in_files),
		cmocka_unit_test(mime_types),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
