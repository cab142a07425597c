/*
 * fuzz_mailcap.c - libFuzzer target for the mailcap reader (app/mailcap.h):
 * the first line of the input is the MIME type looked up, the rest a
 * mailcap file as a user or an administrator (or whoever could write one)
 * left it: continuations, comments, escapes, NUL bytes, lines of any
 * length.  The whole input is also taken as one entry and as one command.
 *
 * No test command is run (a fake decides by the text's first byte): the
 * reader and the command maker are what is fuzzed, not /bin/sh.  Whatever
 * the input, a chosen entry's command exists, is no longer than its
 * mailcap text can make it (each two-byte escape at most six bytes of
 * shell), and the program named in messages is one printable line.
 */
#include "app/mailcap.h"
#include "fuzz.h"

static bool
fake_test(void *arg, const char *text, const char *path, const char *type)
{
	(void)arg;
	(void)path;
	(void)type;
	return text[0] == '\0' || (unsigned char)text[0] % 2 == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *type = fuzz_line(&p, end), *rest = fuzz_text((const uint8_t *)p, (size_t)(end - p));
	char *whole = fuzz_text(data, size), *cmd;
	struct app_mailcap_view v;
	struct app_mailcap_entry e;
	unsigned flags;

	if (app_mailcap_scan(rest, (size_t)(end - p), type, "/f", fake_test, NULL, &v) == 0) {
		if (v.command == NULL || strlen(v.command) > 3 * (size_t)(end - p) + 1)
			abort();
		fuzz_require_line("the program", v.program);
		app_mailcap_view_release(&v);
	} else if (v.command != NULL) {
		abort();
	}
	if (app_mailcap_parse_line(whole, size, &e) == 0) {
		if (e.type == NULL || e.view == NULL || e.view[0] == '\0' ||
		    e.n_tests > APP_MAILCAP_TESTS_MAX)
			abort();
		(void)app_mailcap_type_matches(e.type, type);
		app_mailcap_entry_release(&e);
	}
	cmd = app_mailcap_command(whole, &flags);
	if (cmd != NULL && strlen(cmd) > 3 * size + 1)
		abort();
	free(cmd);
	free(whole);
	free(rest);
	free(type);
	return 0;
}
