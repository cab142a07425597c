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
#include "core/visible.h"
#include "fuzz.h"
#include "ui/keymap.h"
#include "ui/words.h"

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
	struct config_error e;
	char buf[1024];

	config_init(&cfg);
	if (config_parse(&cfg, "config.json", text, size, &e) == 0) {
		if (e.problem != CONFIG_OK)
			abort(); /* success never leaves a problem behind */
		apply_keys(&cfg);
	} else if (e.problem == CONFIG_OK || strcmp(e.path, "config.json") != 0) {
		abort(); /* a refusal says why and names the file */
	} else {
		/* its words are one line naming the file and the key (as it is
		 * shown: C1 and bidi controls spelled out, core/visible.h) */
		char *key = visible_dup(e.key);

		words_config(&e, buf, sizeof buf);
		if (strncmp(buf, "config.json", 11) != 0 ||
		    (e.problem >= CONFIG_E_UNKNOWN_KEY && strstr(buf, key) == NULL))
			abort();
		free(key);
		fuzz_require_line("the refusal", buf);
		fuzz_require_line("the key", e.key);
	}
	config_release(&cfg);
	free(text);
	return 0;
}
