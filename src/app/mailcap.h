/*
 * mailcap.h - which program shows a file of a given MIME type on this
 * machine, as the mailcap files (RFC 1524) say, for a front end that has
 * no desktop viewer to hand the file to.
 *
 * The files: $MAILCAPS (a colon-separated list, RFC 1524 appendix A) when
 * set, else ~/.mailcap, /etc/mailcap, /usr/share/etc/mailcap and
 * /usr/local/etc/mailcap, in that order.  An entry is one logical line
 *
 *     type/subtype; view-command; flag; name=value ...
 *
 * with "\" + newline joining lines, "#" starting a comment line, "\" quoting
 * the next character (so "\;" is a semicolon inside a field and "\%" a
 * percent sign), a subtype "*" or a bare "type" standing for every subtype.
 * Known fields: needsterminal, copiousoutput and test=COMMAND; the rest
 * (description=, nametemplate=, print=, edit=, compose=, x11-bitmap, ...)
 * are read over.  The first entry whose type matches and whose test
 * commands (if any) exit 0 wins, as in mutt.
 *
 * Commands are shell text, and the mailcap files are the user's and the
 * administrator's: trusted.  The file's path is not (its last part is a
 * name a server chose), so it never enters the text: a command is made to
 * run as
 *
 *     /bin/sh -c TEXT sh PATH TYPE
 *
 * with every %s in the mailcap command written as the shell's $1 and every
 * %t as $2, quoted for where they stand (bare: "$1"; inside '...': '"$1"';
 * inside "...": $1), so that the shell expands them to exactly one word and
 * never parses what they hold.  %{name} (a Content-Type parameter: this
 * console has none to give) and any other % escape become nothing.  A
 * command without %s is meant to read the file on its standard input.
 *
 * Lines that are not entries (no command, a type that is not one, a NUL
 * byte, over APP_MAILCAP_LINE_MAX bytes) are skipped; files that are not
 * there, not regular files or not readable are skipped; only the first
 * APP_MAILCAP_FILE_MAX bytes of a file are read.  Nothing is said about
 * either: a mailcap is advice, and the caller falls back to its own way.
 *
 * What it does not do: run the viewer (the front end does, on its terminal:
 * ui/viewer.c), guess the type (app/mime.h), or write any file.
 */
#ifndef MOTCUA_APP_MAILCAP_H
#define MOTCUA_APP_MAILCAP_H

#include <stdbool.h>
#include <stddef.h>

#define APP_MAILCAP_LINE_MAX (64 * 1024)
#define APP_MAILCAP_FILE_MAX (4 * 1024 * 1024)
#define APP_MAILCAP_TESTS_MAX 8     /* test= fields of one entry; more: not an entry */

enum app_mailcap_flags {
	APP_MAILCAP_NEEDSTERMINAL = 1 << 0, /* needsterminal */
	APP_MAILCAP_COPIOUSOUTPUT = 1 << 1, /* copiousoutput: its output goes to a pager */
	APP_MAILCAP_STDIN = 1 << 2,         /* the command has no %s: the file on stdin */
};

/* One entry as the file wrote it: the commands are mailcap text, "\"
 * escapes and % escapes still in them (app_mailcap_command makes shell
 * text of them).  Every string is owned by the entry. */
struct app_mailcap_entry {
	char *type;                 /* lower case; a bare "image" gets subtype "*" */
	char *view;                 /* the view command */
	char *tests[APP_MAILCAP_TESTS_MAX];
	size_t n_tests;
	unsigned flags;             /* NEEDSTERMINAL, COPIOUSOUTPUT */
};

/*
 * Parse one logical line (continuations already joined, no newline; len
 * bytes, NUL bytes included).  0: an entry, in *e (release it); 1: blank
 * or a comment; -1: not an entry (*e left empty).
 */
int app_mailcap_parse_line(const char *line, size_t len, struct app_mailcap_entry *e);
void app_mailcap_entry_release(struct app_mailcap_entry *e);

/* Whether an entry's type ("application/pdf"; subtype "*": any) covers
 * `type` ("image/png"; case does not matter, parameters after ';' are
 * ignored). */
bool app_mailcap_type_matches(const char *pattern, const char *type);

/*
 * The shell text for a mailcap command, to run as `/bin/sh -c TEXT sh PATH
 * TYPE` (see above).  *flags (may be NULL) gets APP_MAILCAP_STDIN when the
 * command has no %s.  NULL when no safe text can be made of it: a %{ with
 * no }, a % escape right after a shell backslash (the shell would take the
 * quote we add as a character), quotes nested past what is tracked.
 * Caller frees.
 */
char *app_mailcap_command(const char *text, unsigned *flags);

/*
 * Decide whether an entry may be used: run its test command, shell text
 * made by app_mailcap_command, for the file at path of the type.  true:
 * it exited 0.  app_mailcap_test_run is the real one: /bin/sh with the
 * console's environment (a test such as `test -n "$DISPLAY"` must see
 * it), stdin, stdout and stderr on /dev/null, no other open file, in its
 * own process group, killed after APP_MAILCAP_TEST_SECONDS.
 */
typedef bool app_mailcap_test_fn(void *arg, const char *shell_text, const char *path,
				 const char *type);
#define APP_MAILCAP_TEST_SECONDS 5
bool app_mailcap_test_run(void *arg, const char *shell_text, const char *path,
			  const char *type);

/* What the front end runs: `/bin/sh -c command sh PATH TYPE`. */
struct app_mailcap_view {
	char *command;              /* shell text (malloc'd) */
	unsigned flags;             /* enum app_mailcap_flags */
	char program[64];           /* the view command's first word, for messages
	                               (cut; control bytes as '?') */
};
void app_mailcap_view_release(struct app_mailcap_view *v);

/*
 * Look `type` up in a mailcap file's text (len bytes, `name` only for the
 * caller's records): the first entry that matches and whose tests pass
 * (test: NULL means app_mailcap_test_run).  0 found, into *out (release
 * it); 1 none.
 */
int app_mailcap_scan(const char *text, size_t len, const char *type, const char *path,
		     app_mailcap_test_fn *test, void *arg, struct app_mailcap_view *out);

/*
 * The mailcap files to read, in order (see above; "~/" at the start of a
 * $MAILCAPS element is $HOME's): a NULL-terminated malloc'd array of
 * malloc'd paths; app_mailcap_files_free() frees it.
 */
char **app_mailcap_files(void);
void app_mailcap_files_free(char **files);

/* Look `type` up in every file of app_mailcap_files(), in order: as
 * app_mailcap_scan, across files. */
int app_mailcap_find(const char *type, const char *path, app_mailcap_test_fn *test,
		     void *arg, struct app_mailcap_view *out);

#endif
