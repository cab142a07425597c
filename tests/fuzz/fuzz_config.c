/*
 * fuzz_config.c - libFuzzer target for config.json (config_parse) and the
 * "keys" object the console takes from the same file.
 *
 * The input is the whole file.  A file that parses is also walked the way
 * motcua uses it: its "keys" (if any) go through ui_keymap_apply() exactly
 * as the console applies them, and every rebound action is named back.
 * Does not touch the disk.
 */
#include <stdio.h>

#include "config/config.h"
#include "fuzz.h"
#include "ui/keymap.h"

static void
count_warning(void *ctx, const char *msg)
{
	size_t *n = ctx;

	/* A warning is one line naming the file. */
	if (msg == NULL || strncmp(msg, "config.json:", 12) != 0)
		abort();
	fuzz_require_line("a warning", msg);
	(*n)++;
}

static void
apply_keys(const struct config *cfg)
{
	struct ui_keymap km;
	char *cause = NULL;
	char buf[128];

	ui_keymap_init(&km);
	if (ui_keymap_apply(&km, cfg->keys, cfg->n_keys, &cause) == 0)
		for (int a = UI_ACT_NONE + 1; a < UI_ACT_COUNT; a++)
			(void)ui_keymap_keys_text(&km, (enum ui_action)a, buf, sizeof buf);
	else
		fuzz_require_line("a key refusal", cause);
	free(cause);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct config cfg;
	char *cause = NULL;
	size_t warnings = 0;

	config_init(&cfg);
	if (config_parse(&cfg, "config.json", text, size, &cause, count_warning, &warnings) == 0) {
		if (cause != NULL)
			abort(); /* success never leaves a message behind */
		apply_keys(&cfg);
	} else if (cause == NULL || strncmp(cause, "config.json:", 12) != 0) {
		abort(); /* a refusal names the file */
	} else {
		fuzz_require_line("the refusal", cause);
	}
	config_release(&cfg);
	free(cause);
	free(text);
	return 0;
}
