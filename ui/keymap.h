/*
 * keymap.h - what each key does in the console, and rebinding it.
 *
 * An action is a named thing the clerk can ask for ("down", "search",
 * "open"); a key is what wget_wch() returns, folded into one int (a
 * character's code point, or UI_KEY_FN | KEY_x for a function key).  The
 * table of actions with their default keys lives in keymap.c; a keymap is a
 * copy that the configuration's "keys" object changes, e.g.
 *     "keys": {"down": "j", "up": ["k", "Up"], "search": "C-f"}
 * Key names: one character ("j", "/", "đ"), "C-x" for control, and Up, Down,
 * Left, Right, PgUp, PgDn, Home, End, Enter, Tab, BTab, Esc, Space,
 * Backspace, Del, F1..F12.  Binding a key takes it away from the action that
 * had it.  No action is destructive: those go through a confirming dialog.
 */
#ifndef MOTCUA_UI_KEYMAP_H
#define MOTCUA_UI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

enum ui_action {
	UI_ACT_NONE = 0,
	UI_ACT_DOWN,
	UI_ACT_UP,
	UI_ACT_PAGE_DOWN,
	UI_ACT_PAGE_UP,
	UI_ACT_TOP,
	UI_ACT_BOTTOM,
	UI_ACT_OPEN,
	UI_ACT_BACK,
	UI_ACT_SEARCH,
	UI_ACT_NEXT,
	UI_ACT_PREV,
	UI_ACT_NEXT_VIEW,
	UI_ACT_PREV_VIEW,
	UI_ACT_SORT,
	UI_ACT_SORT_REVERSE,
	UI_ACT_ACTIONS,
	UI_ACT_REVEAL,
	UI_ACT_HELP,
	UI_ACT_COMMAND,
	UI_ACT_REDRAW,
	UI_ACT_VIEW_1,
	UI_ACT_VIEW_2,
	UI_ACT_VIEW_3,
	UI_ACT_VIEW_4,
	UI_ACT_VIEW_5,
	UI_ACT_VIEW_6,
	UI_ACT_VIEW_7,
	UI_ACT_VIEW_8,
	UI_ACT_VIEW_9,
	UI_ACT_VIEW_10,
	UI_ACT_DASHBOARD,
	UI_ACT_QUEUE,
	UI_ACT_SYNC,
	UI_ACT_SIGN_RETURN,
	UI_ACT_MARK,
	UI_ACT_DOWNLOAD,
	UI_ACT_UNDO,
	UI_ACT_COPY,
	UI_ACT_HINT,
	UI_ACT_COUNT
};

/* Function keys are KEY_x (curses) with this bit; characters are code points. */
#define UI_KEY_FN 0x40000000
#define UI_KEYS_PER_ACTION 4

struct ui_keymap {
	int keys[UI_ACT_COUNT][UI_KEYS_PER_ACTION]; /* 0 = unused slot */
};

/* The default bindings. */
void ui_keymap_init(struct ui_keymap *km);

/* The action bound to key, or UI_ACT_NONE. */
enum ui_action ui_keymap_lookup(const struct ui_keymap *km, int key);

/* The action's config name ("page-down"), static; NULL when out of range. */
const char *ui_keymap_action_name(enum ui_action a);
/* The msgid describing the action, for the help screen (translate it). */
const char *ui_keymap_action_help(enum ui_action a);
/* Parse an action name; UI_ACT_NONE when unknown. */
enum ui_action ui_keymap_action_from_name(const char *name);

/* Parse a key name (see top); 0 when invalid. */
int ui_keymap_key_from_name(const char *name);
/* The name of a key into buf (size >= 16); returns buf. */
char *ui_keymap_key_name(int key, char *buf, size_t size);
/* "j, Down" - the keys of an action, for help and hints; returns buf. */
char *ui_keymap_keys_text(const struct ui_keymap *km, enum ui_action a, char *buf,
			  size_t size);

/*
 * Bind the action named `action` to the keys named in keys[0..n) (n <= 4),
 * replacing its keys; each key is taken away from any other action first.
 * Returns 0, or -1 with *cause (malloc'd, names the action or key) and the
 * keymap unchanged.
 */
int ui_keymap_bind(struct ui_keymap *km, const char *action, const char *const *keys,
		   size_t n, char **cause);

/*
 * Apply the configuration's "keys" (config.h: {"action": "key" | ["key",
 * ...], ...} as parsed there).  All or nothing: on any error returns -1
 * with *cause (malloc'd, one line naming the action or key) and the keymap
 * unchanged.
 */
struct config_key;
int ui_keymap_apply(struct ui_keymap *km, const struct config_key *keys, size_t n,
		    char **cause);

#endif
