/*
 * mailcap.c - the mailcap files (RFC 1524) read for a viewer of one MIME
 * type (mailcap.h): logical lines, entries, the first one whose test
 * passes, and the shell text that runs it with the file as $1.
 *
 * It reads files and runs test commands (quiet, on /dev/null); it never
 * runs a viewer or touches the terminal: that is the front end's.
 */
#include "app/mailcap.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/spawn.h"
#include "core/xalloc.h"

static const char *const default_files[] = {
	"/etc/mailcap",
	"/usr/share/etc/mailcap",
	"/usr/local/etc/mailcap",
};

/* ---- text ---------------------------------------------------------------- */

/* A growing string; the callers bound what goes in (a line, a command). */
struct text {
	char *s;
	size_t len, cap;
};

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap > 0 ? t->cap : 128;
		while (cap < t->len + n + 1)
			cap *= 2;
		t->s = xrealloc(t->s, cap);
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
text_adds(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- entries ------------------------------------------------------------- */

/*
 * The next field of *cur: up to the first ';' no backslash quotes, cut
 * there, blanks around it trimmed (a blank a backslash quotes is kept).
 * *cur moves past the ';', or to NULL after the last field.
 */
static char *
next_field(char **cur)
{
	char *s = *cur, *p = s;
	size_t n;

	while (*p != '\0' && *p != ';') {
		if (*p == '\\' && p[1] != '\0')
			p++;
		p++;
	}
	*cur = *p == ';' ? p + 1 : NULL;
	*p = '\0';
	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1])) {
		size_t bs = 0;
		while (bs < n - 1 && s[n - 2 - bs] == '\\')
			bs++;
		if (bs % 2 == 1)
			break; /* "\ " */
		n--;
	}
	s[n] = '\0';
	return s;
}

/* A MIME token character (RFC 2045), '*' included (the any-subtype). */
static bool
is_token(unsigned char c)
{
	return isalnum(c) || (c > 0x20 && c < 0x7f && strchr("!#$%&'*+-.^_`{|}~", c) != NULL);
}

/* "Type/Sub" -> "type/sub", a bare "text" -> text, subtype "*"; NULL when
 * not a type. */
static char *
type_of(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t n = strlen(s);
	char *t;

	if (n == 0 || n > 255 || slash == s || (slash != NULL && slash[1] == '\0') ||
	    (slash != NULL && strchr(slash + 1, '/') != NULL))
		return NULL;
	for (const char *p = s; *p != '\0'; p++)
		if (*p != '/' && !is_token((unsigned char)*p))
			return NULL;
	t = slash != NULL ? xstrdup(s) : xasprintf("%s/*", s);
	for (char *p = t; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return t;
}

void
app_mailcap_entry_release(struct app_mailcap_entry *e)
{
	if (e == NULL)
		return;
	free(e->type);
	free(e->view);
	for (size_t i = 0; i < e->n_tests; i++)
		free(e->tests[i]);
	memset(e, 0, sizeof *e);
}

int
app_mailcap_parse_line(const char *line, size_t len, struct app_mailcap_entry *e)
{
	char *copy, *cur, *f;
	size_t i = 0;
	int rc = -1;

	memset(e, 0, sizeof *e);
	while (i < len && (is_blank(line[i]) || line[i] == '\r'))
		i++;
	if (i == len || line[i] == '#')
		return 1;
	if (memchr(line, '\0', len) != NULL || len > APP_MAILCAP_LINE_MAX)
		return -1;
	copy = xstrndup(line + i, len - i);
	cur = copy;
	e->type = type_of(next_field(&cur));
	if (e->type == NULL || cur == NULL)
		goto out;
	f = next_field(&cur);
	if (*f == '\0')
		goto out;
	e->view = xstrdup(f);
	while (cur != NULL) {
		char *eq, *name = next_field(&cur), *value;

		eq = strchr(name, '=');
		if (eq == NULL) {
			if (strcasecmp(name, "needsterminal") == 0)
				e->flags |= APP_MAILCAP_NEEDSTERMINAL;
			else if (strcasecmp(name, "copiousoutput") == 0)
				e->flags |= APP_MAILCAP_COPIOUSOUTPUT;
			continue; /* x11-bitmap, textualnewlines, ... */
		}
		value = eq + 1;
		while (eq > name && is_blank(eq[-1]))
			eq--;
		*eq = '\0';
		while (is_blank(*value))
			value++;
		if (strcasecmp(name, "test") != 0 || *value == '\0')
			continue; /* description=, nametemplate=, print=, ... */
		if (e->n_tests == APP_MAILCAP_TESTS_MAX)
			goto out;
		e->tests[e->n_tests++] = xstrdup(value);
	}
	rc = 0;
out:
	free(copy);
	if (rc != 0)
		app_mailcap_entry_release(e);
	return rc;
}

/* The length of "type/sub" in s: up to ';' or a blank. */
static size_t
type_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ';' && !is_blank(s[n]))
		n++;
	return n;
}

bool
app_mailcap_type_matches(const char *pattern, const char *type)
{
	const char *ps, *ts;
	size_t tn, pmajor, tmajor;

	if (pattern == NULL || type == NULL)
		return false;
	while (is_blank(*type))
		type++;
	tn = type_len(type);
	ps = strchr(pattern, '/');
	ts = memchr(type, '/', tn);
	if (ps == NULL || ts == NULL)
		return false;
	pmajor = (size_t)(ps - pattern);
	tmajor = (size_t)(ts - type);
	if (pmajor != tmajor || strncasecmp(pattern, type, pmajor) != 0)
		return false;
	if (strcmp(ps + 1, "*") == 0)
		return true;
	return strlen(ps + 1) == tn - tmajor - 1 && strncasecmp(ps + 1, ts + 1, tn - tmajor - 1) == 0;
}

/* ---- commands ------------------------------------------------------------ */

/*
 * Where the shell will be at each character of the text written so far:
 * plain, inside '...', inside "...", inside $( ) or ( ), inside ` `.  Only
 * so far as it decides how $1 is to be quoted there; whatever it gets
 * wrong in a strange command, the worst is an argument split or kept
 * literal, never the path run: the path is not in the text.
 */
enum sh_where { SH_PLAIN, SH_SQUOTE, SH_DQUOTE, SH_PAREN, SH_BACKTICK };
#define SH_DEPTH 32

struct sh_scan {
	enum sh_where stack[SH_DEPTH];
	int depth;
	bool escaped;  /* the last character was a backslash the shell honours */
	bool dollar;   /* the last character was '$' */
	bool broken;   /* nested past SH_DEPTH */
};

static enum sh_where
sh_top(const struct sh_scan *sc)
{
	return sc->stack[sc->depth - 1];
}

static void
sh_push(struct sh_scan *sc, enum sh_where w)
{
	if (sc->depth == SH_DEPTH)
		sc->broken = true;
	else
		sc->stack[sc->depth++] = w;
}

static void
sh_pop(struct sh_scan *sc)
{
	if (sc->depth > 1)
		sc->depth--;
}

static void
sh_feed(struct sh_scan *sc, char c)
{
	enum sh_where top = sh_top(sc);
	bool dollar = sc->dollar;

	sc->dollar = false;
	if (sc->escaped) {
		sc->escaped = false;
		return;
	}
	switch (top) {
	case SH_SQUOTE:
		if (c == '\'')
			sh_pop(sc);
		break;
	case SH_DQUOTE:
		if (c == '\\')
			sc->escaped = true;
		else if (c == '"')
			sh_pop(sc);
		else if (c == '(' && dollar)
			sh_push(sc, SH_PAREN);
		else if (c == '`')
			sh_push(sc, SH_BACKTICK);
		break;
	case SH_PLAIN:
	case SH_PAREN:
	case SH_BACKTICK:
		if (c == '\\')
			sc->escaped = true;
		else if (c == '\'')
			sh_push(sc, SH_SQUOTE);
		else if (c == '"')
			sh_push(sc, SH_DQUOTE);
		else if (c == '(')
			sh_push(sc, SH_PAREN);
		else if (c == ')' && top == SH_PAREN)
			sh_pop(sc);
		else if (c == '`' && top == SH_BACKTICK)
			sh_pop(sc);
		else if (c == '`')
			sh_push(sc, SH_BACKTICK);
		break;
	}
	sc->dollar = c == '$';
}

/* A shell character of the command: written, and scanned. */
static void
put_char(struct text *out, struct sh_scan *sc, char c)
{
	text_add(out, &c, 1);
	sh_feed(sc, c);
}

/* $N, quoted for where the shell is: one word, never parsed.  false when
 * the shell would take our first character as escaped. */
static bool
put_param(struct text *out, const struct sh_scan *sc, char n)
{
	char buf[8];

	if (sc->escaped)
		return false;
	switch (sh_top(sc)) {
	case SH_SQUOTE:
		snprintf(buf, sizeof buf, "'\"$%c\"'", n); /* leave '...', come back */
		break;
	case SH_DQUOTE:
		snprintf(buf, sizeof buf, "$%c", n);
		break;
	default:
		snprintf(buf, sizeof buf, "\"$%c\"", n);
		break;
	}
	text_adds(out, buf);
	return true;
}

char *
app_mailcap_command(const char *text, unsigned *flags)
{
	struct text out = {0};
	struct sh_scan sc = {.stack = {SH_PLAIN}, .depth = 1};
	bool file = false;
	const char *p = text;

	text_add(&out, "", 0);
	while (*p != '\0') {
		if (*p == '\\') {
			/* mailcap's quoting: the next character as it is */
			if (p[1] != '\0')
				put_char(&out, &sc, p[1]);
			p += p[1] != '\0' ? 2 : 1;
		} else if (*p == '%') {
			p++;
			if (*p == 's' || *p == 't') {
				if (!put_param(&out, &sc, *p == 's' ? '1' : '2'))
					goto fail;
				file |= *p == 's';
				p++;
			} else if (*p == '{') {
				/* a Content-Type parameter: none to give */
				const char *close = strchr(p, '}');
				if (close == NULL)
					goto fail;
				p = close + 1;
			} else if (*p != '\0') {
				p++; /* %n, %F (multipart): nothing here */
			}
		} else {
			put_char(&out, &sc, *p++);
		}
		if (sc.broken)
			goto fail;
	}
	if (flags != NULL)
		*flags = file ? 0 : APP_MAILCAP_STDIN;
	return out.s;
fail:
	free(out.s);
	return NULL;
}

/* The view command's first word, for a message: "\x" read as x. */
static void
first_word(const char *view, char *buf, size_t size)
{
	size_t n = 0;
	const char *p = view;

	while (is_blank(*p))
		p++;
	while (*p != '\0' && !is_blank(*p) && n + 1 < size) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		buf[n++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
		p++;
	}
	buf[n] = '\0';
}

void
app_mailcap_view_release(struct app_mailcap_view *v)
{
	if (v == NULL)
		return;
	free(v->command);
	memset(v, 0, sizeof *v);
}

/* ---- tests --------------------------------------------------------------- */

bool
app_mailcap_test_run(void *arg, const char *shell_text, const char *path, const char *type)
{
	char *argv[] = {"sh", "-c", (char *)shell_text, "sh", (char *)path, (char *)type, NULL};
	extern char **environ;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	struct timespec tick = {0, 5 * 1000 * 1000};
	int status = 0, rc;
	long waited_ms = 0;
	pid_t pid, w;

	(void)arg;
	/* its own process group: a test that hangs is killed whole */
	if (spawn_prepare(&attr, &fa, true) != 0)
		return false;
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) != 0 ||
	     posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0) != 0 ||
	     posix_spawn_file_actions_adddup2(&fa, 1, 2) != 0 || spawn_close_from(&fa, 3) != 0;
	if (rc == 0)
		rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (rc != 0)
		return false;
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return false;
		if (waited_ms >= APP_MAILCAP_TEST_SECONDS * 1000L) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			return false;
		}
		nanosleep(&tick, NULL);
		waited_ms += 5;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- lookup -------------------------------------------------------------- */

/*
 * The next logical line of [*p, end) into *line: physical lines joined
 * where one ends in an odd number of backslashes (that one and the newline
 * go), a CR before the newline dropped.  A file that ends inside a
 * continuation ends the line there.  false at the end of the text.
 * *too_long: the line passed APP_MAILCAP_LINE_MAX (the rest is not kept).
 */
static bool
next_line(const char **p, const char *end, struct text *line, bool *too_long)
{
	if (*p >= end)
		return false;
	line->len = 0;
	text_add(line, "", 0);
	*too_long = false;
	while (*p < end) {
		const char *nl = memchr(*p, '\n', (size_t)(end - *p));
		const char *stop = nl != NULL ? nl : end;
		size_t n = (size_t)(stop - *p), bs = 0;
		bool more;

		if (n > 0 && (*p)[n - 1] == '\r')
			n--;
		while (bs < n && (*p)[n - 1 - bs] == '\\')
			bs++;
		more = bs % 2 == 1;
		if (more)
			n--;
		if (line->len + n > APP_MAILCAP_LINE_MAX)
			*too_long = true;
		else
			text_add(line, *p, n);
		*p = nl != NULL ? nl + 1 : end;
		if (!more)
			break;
	}
	return true;
}

/* Whether every test of e passes for this file. */
static bool
tests_pass(const struct app_mailcap_entry *e, const char *type, const char *path,
	   app_mailcap_test_fn *test, void *arg)
{
	for (size_t i = 0; i < e->n_tests; i++) {
		char *cmd = app_mailcap_command(e->tests[i], NULL);
		bool ok = cmd != NULL && test(arg, cmd, path, type);

		free(cmd);
		if (!ok)
			return false;
	}
	return true;
}

int
app_mailcap_scan(const char *text, size_t len, const char *type, const char *path,
		 app_mailcap_test_fn *test, void *arg, struct app_mailcap_view *out)
{
	const char *p = text, *end = text + len;
	struct text line = {0};
	bool too_long;
	int found = 1;

	memset(out, 0, sizeof *out);
	if (test == NULL)
		test = app_mailcap_test_run;
	while (found != 0 && next_line(&p, end, &line, &too_long)) {
		struct app_mailcap_entry e;
		unsigned flags = 0;
		char *cmd;

		if (too_long || app_mailcap_parse_line(line.s, line.len, &e) != 0)
			continue;
		if (app_mailcap_type_matches(e.type, type) &&
		    (cmd = app_mailcap_command(e.view, &flags)) != NULL) {
			if (tests_pass(&e, type, path, test, arg)) {
				out->command = cmd;
				out->flags = e.flags | flags;
				first_word(e.view, out->program, sizeof out->program);
				found = 0;
			} else {
				free(cmd);
			}
		}
		app_mailcap_entry_release(&e);
	}
	free(line.s);
	return found;
}

void
app_mailcap_files_free(char **files)
{
	for (size_t i = 0; files != NULL && files[i] != NULL; i++)
		free(files[i]);
	free(files);
}

char **
app_mailcap_files(void)
{
	const char *list = getenv("MAILCAPS"), *home = getenv("HOME");
	bool have_home = home != NULL && home[0] != '\0';
	size_t n = 0, cap = 8;
	char **files = xcalloc(cap, sizeof *files);

	if (list != NULL && list[0] != '\0') {
		for (const char *p = list; *p != '\0';) {
			size_t k = strcspn(p, ":");
			if (k > 0) {
				if (n + 1 == cap) {
					files = xreallocarray(files, cap * 2, sizeof *files);
					cap *= 2;
				}
				if (k >= 2 && p[0] == '~' && p[1] == '/' && have_home)
					files[n++] = xasprintf("%s%.*s", home, (int)(k - 1), p + 1);
				else
					files[n++] = xstrndup(p, k);
			}
			p += k;
			if (*p == ':')
				p++;
		}
	} else {
		if (have_home)
			files[n++] = xasprintf("%s/.mailcap", home);
		for (size_t i = 0; i < sizeof default_files / sizeof default_files[0]; i++)
			files[n++] = xstrdup(default_files[i]);
	}
	files[n] = NULL;
	return files;
}

/*
 * The first APP_MAILCAP_FILE_MAX bytes of a regular file (cut after its
 * last whole line when there is more), malloc'd; NULL when it is not a
 * regular file or cannot be read.  O_NONBLOCK: a FIFO named as a mailcap
 * must not hang the console in open().
 */
static char *
read_capped(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	struct text t = {0};
	char buf[8192];
	ssize_t r = 0;

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	text_add(&t, "", 0);
	while (t.len <= APP_MAILCAP_FILE_MAX) {
		r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		text_add(&t, buf, (size_t)r);
	}
	close(fd);
	if (r < 0) {
		free(t.s);
		return NULL;
	}
	if (t.len > APP_MAILCAP_FILE_MAX) {
		char *nl = memrchr(t.s, '\n', APP_MAILCAP_FILE_MAX);
		t.len = nl != NULL ? (size_t)(nl - t.s) + 1 : 0;
	}
	*len = t.len;
	return t.s;
}

int
app_mailcap_find(const char *type, const char *path, app_mailcap_test_fn *test, void *arg,
		 struct app_mailcap_view *out)
{
	char **files = app_mailcap_files();
	int found = 1;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; found != 0 && files[i] != NULL; i++) {
		size_t len;
		char *text = read_capped(files[i], &len);

		if (text != NULL)
			found = app_mailcap_scan(text, len, type, path, test, arg, out);
		free(text);
	}
	app_mailcap_files_free(files);
	return found;
}
