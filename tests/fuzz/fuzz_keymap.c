/*
 * fuzz_keymap.c - libFuzzer target for the console's key bindings: the
 * "keys" object of config.json as JSON text, read by the configuration
 * (config_parse) and applied by the keymap (ui_keymap_apply), the path the
 * console takes.
 *
 * All or nothing: a refused object must leave the keymap exactly as it was,
 * and a keymap that took the bindings must still give each key to at most
 * one action.  Draws nothing (no curses screen is opened).
 */
#include "fuzz.h"
#include "config/config.h"
#include "core/xalloc.h"
#include "ui/keymap.h"
#include "ui/words.h"

/* {"keys": TEXT} through the configuration, then the keymap. */
static int
apply(struct ui_keymap *km, const char *text, char **cause)
{
	struct config cfg;
	struct config_error e;
	char *doc = xasprintf("{\"keys\": %s}", text), buf[800];
	int rc;

	config_init(&cfg);
	rc = config_parse(&cfg, "config.json", doc, strlen(doc), &e);
	free(doc);
	if (rc != 0)
		*cause = xstrdup(words_config(&e, buf, sizeof buf));
	if (rc == 0)
		rc = ui_keymap_apply(km, cfg.keys, cfg.n_keys, cause);
	config_release(&cfg);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct ui_keymap km, before;
	char *cause = NULL;
	char buf[128];

	ui_keymap_init(&km);
	before = km;
	if (apply(&km, text, &cause) != 0) {
		if (cause == NULL || memcmp(&km, &before, sizeof km) != 0)
			abort();
		fuzz_require_line("the refusal", cause);
	} else {
		for (int a = UI_ACT_NONE + 1; a < UI_ACT_COUNT; a++) {
			(void)ui_keymap_keys_text(&km, (enum ui_action)a, buf, sizeof buf);
			for (int i = 0; i < UI_KEYS_PER_ACTION; i++) {
				int key = km.keys[a][i];
				if (key != 0 && ui_keymap_lookup(&km, key) != (enum ui_action)a)
					abort(); /* a key bound twice */
				if (key != 0)
					(void)ui_keymap_key_name(key, buf, sizeof buf);
			}
		}
	}
	free(cause);
	free(text);
	return 0;
}
