/*
 * fuzz_visible.c - libFuzzer target for the output filter (core/visible.h)
 * and the console's fitting of text (ui/textwidth.h), over any bytes a
 * server could send.
 *
 * Whatever the input: the visible form holds no byte a terminal acts on (C0
 * but none, DEL, C1, a bidi control, invalid UTF-8), escaping it again
 * changes nothing, a bounded copy is a prefix of the whole form; the
 * console's fitted text holds no such byte either and is as wide as it says.
 */
#include <locale.h>

#include "core/visible.h"
#include "fuzz.h"
#include "ui/textwidth.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "en_US.UTF-8");
	ui_text_init();
	return 0;
}

/* Nothing a terminal acts on: every code point decodes and none is escaped. */
static void
require_inert(const char *what, const char *s)
{
	size_t len = strlen(s), n;
	uint32_t cp;
	char esc[VISIBLE_ESCAPE_SIZE];

	for (size_t at = 0; at < len; at += n) {
		n = visible_decode(s + at, len - at, &cp);
		if (n == 0 || visible_escape(cp, esc) != 0) {
			fprintf(stderr, "fuzz: %s has a raw control or bad byte at %zu\n", what, at);
			abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	char *shown = visible_dup(text), *again = visible_dup(shown);
	char small[40], fitted[40 * 8 + 8];
	size_t whole = strlen(shown);
	int cols = size > 0 ? data[0] % 40 : 10;

	require_inert("the visible form", shown);
	if (strcmp(shown, again) != 0 || !visible_plain(shown))
		abort(); /* escaping twice must change nothing */
	if (visible_copy(small, sizeof small, text) != whole ||
	    strncmp(small, shown, strlen(small)) != 0)
		abort(); /* a bounded copy is a prefix, and says the whole length */
	if (ui_text_fit(text, cols, true, fitted, sizeof fitted) != cols ||
	    ui_text_width(fitted) != cols)
		abort(); /* padded to exactly its columns */
	require_inert("the fitted text", fitted);
	free(again);
	free(shown);
	free(text);
	return 0;
}
