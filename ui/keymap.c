/*
 * keymap.c - the table of console actions, their default keys, and reading
 * the configuration's rebindings.  Decides nothing about what an action does
 * on a screen: each screen's key handler does.
 */
#include "ui/keymap.h"

#include <curses.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "app/app.h"
#include "core/xalloc.h"
#include "ui/i18n.h"

#define FN(k) (UI_KEY_FN | (k))
#define CTRL(c) ((c) & 0x1f)

static const struct {
	const char *name;
	const char *help; /* msgid */
	int keys[UI_KEYS_PER_ACTION];
} actions[UI_ACT_COUNT] = {
	[UI_ACT_DOWN] = {"down", N_("Move down"), {'j', FN(KEY_DOWN)}},
	[UI_ACT_UP] = {"up", N_("Move up"), {'k', FN(KEY_UP)}},
	[UI_ACT_PAGE_DOWN] = {"page-down", N_("Next page"), {FN(KEY_NPAGE), CTRL('f')}},
	[UI_ACT_PAGE_UP] = {"page-up", N_("Previous page"), {FN(KEY_PPAGE), CTRL('b')}},
	[UI_ACT_TOP] = {"top", N_("Go to the first row"), {'g', FN(KEY_HOME)}},
	[UI_ACT_BOTTOM] = {"bottom", N_("Go to the last row"), {'G', FN(KEY_END)}},
	[UI_ACT_OPEN] = {"open", N_("Open the dossier"), {'\n', '\r', FN(KEY_ENTER)}},
	[UI_ACT_BACK] = {"back", N_("Back (quit from the inbox)"), {'q', 27}},
	[UI_ACT_SEARCH] = {"search", N_("Search (without diacritics is fine)"), {'/'}},
	[UI_ACT_NEXT] = {"next", N_("Next result / next dossier"), {'n'}},
	[UI_ACT_PREV] = {"prev", N_("Previous result / previous dossier"), {'N'}},
	[UI_ACT_NEXT_VIEW] = {"next-view", N_("Next saved view"), {'\t'}},
	[UI_ACT_PREV_VIEW] = {"prev-view", N_("Previous saved view"), {FN(KEY_BTAB)}},
	[UI_ACT_SORT] = {"sort", N_("Change the sort order"), {'s'}},
	[UI_ACT_SORT_REVERSE] = {"sort-reverse", N_("Reverse the sort order"), {'R'}},
	[UI_ACT_ACTIONS] = {"actions", N_("Actions on the dossier (the marked ones in the inbox)"), {'a'}},
	[UI_ACT_REVEAL] = {"reveal", N_("Show the full ID number (recorded)"), {'r'}},
	[UI_ACT_HELP] = {"help", N_("This help"), {'?', FN(KEY_F(1))}},
	[UI_ACT_COMMAND] = {"command", N_("Command line (:sort due, :lang en, :q)"), {':'}},
	[UI_ACT_REDRAW] = {"redraw", N_("Redraw the screen"), {CTRL('l')}},
	[UI_ACT_VIEW_1] = {"view-1", N_("Saved view 1"), {'1'}},
	[UI_ACT_VIEW_2] = {"view-2", N_("Saved view 2"), {'2'}},
	[UI_ACT_VIEW_3] = {"view-3", N_("Saved view 3"), {'3'}},
	[UI_ACT_VIEW_4] = {"view-4", N_("Saved view 4"), {'4'}},
	[UI_ACT_VIEW_5] = {"view-5", N_("Saved view 5"), {'5'}},
	[UI_ACT_VIEW_6] = {"view-6", N_("Saved view 6"), {'6'}},
	[UI_ACT_VIEW_7] = {"view-7", N_("Saved view 7"), {'7'}},
	[UI_ACT_VIEW_8] = {"view-8", N_("Saved view 8"), {'8'}},
	[UI_ACT_VIEW_9] = {"view-9", N_("Saved view 9"), {'9'}},
	[UI_ACT_VIEW_10] = {"view-10", N_("Saved view 10"), {'0'}},
	[UI_ACT_DASHBOARD] = {"dashboard", N_("Dashboard: counts, due dates, on-time rate"), {'d'}},
	[UI_ACT_QUEUE] = {"queue", N_("Queued actions and conflicts"), {'w'}},
	[UI_ACT_SYNC] = {"sync", N_("Fetch from every system now"), {'S', FN(KEY_F(5))}},
	[UI_ACT_SIGN_RETURN] = {"sign-return",
				N_("Sign and return the result (the marked dossiers in the inbox)"),
				{'K'}},
	/* Space pages down in the detail as it used to; in the inbox it marks. */
	[UI_ACT_MARK] = {"mark", N_("Mark or unmark the dossier (inbox)"), {' ', 'm'}},
	[UI_ACT_DOWNLOAD] = {"download",
			     N_("Download an attachment of the dossier (again: stop it)"), {'o'}},
	[UI_ACT_UNDO] = {"undo", N_("Take back the last action on the dossier, if not yet sent"),
			 {'u'}},
	[UI_ACT_COPY] = {"copy", N_("Copy the dossier's code (the terminal's clipboard)"), {'y'}},
	[UI_ACT_HINT] = {"hint", N_("Training: the hint of the exercise's step"), {'H'}},
};

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{"Up", FN(KEY_UP)},       {"Down", FN(KEY_DOWN)},     {"Left", FN(KEY_LEFT)},
	{"Right", FN(KEY_RIGHT)}, {"PgUp", FN(KEY_PPAGE)},    {"PgDn", FN(KEY_NPAGE)},
	{"Home", FN(KEY_HOME)},   {"End", FN(KEY_END)},       {"Enter", '\n'},
	{"Tab", '\t'},            {"BTab", FN(KEY_BTAB)},     {"Esc", 27},
	{"Space", ' '},           {"Backspace", FN(KEY_BACKSPACE)},
	{"Del", FN(KEY_DC)},      {"Ins", FN(KEY_IC)},        {"KpEnter", FN(KEY_ENTER)},
	{"Return", '\r'},
};

void
ui_keymap_init(struct ui_keymap *km)
{
	memset(km, 0, sizeof *km);
	for (int a = 0; a < UI_ACT_COUNT; a++)
		memcpy(km->keys[a], actions[a].keys, sizeof km->keys[a]);
}

enum ui_action
ui_keymap_lookup(const struct ui_keymap *km, int key)
{
	if (key == 0)
		return UI_ACT_NONE;
	for (int a = 1; a < UI_ACT_COUNT; a++)
		for (int i = 0; i < UI_KEYS_PER_ACTION; i++)
			if (km->keys[a][i] == key)
				return (enum ui_action)a;
	return UI_ACT_NONE;
}

const char *
ui_keymap_action_name(enum ui_action a)
{
	return a > UI_ACT_NONE && a < UI_ACT_COUNT ? actions[a].name : NULL;
}

const char *
ui_keymap_action_help(enum ui_action a)
{
	return a > UI_ACT_NONE && a < UI_ACT_COUNT ? actions[a].help : "";
}

enum ui_action
ui_keymap_action_from_name(const char *name)
{
	for (int a = 1; a < UI_ACT_COUNT && name != NULL; a++)
		if (strcmp(actions[a].name, name) == 0)
			return (enum ui_action)a;
	return UI_ACT_NONE;
}

int
ui_keymap_key_from_name(const char *name)
{
	char *end;
	mbstate_t st;
	wchar_t wc;
	size_t n;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (strcmp(key_names[i].name, name) == 0)
			return key_names[i].key;
	if (name[0] == 'F' && name[1] >= '1' && name[1] <= '9') {
		long f = strtol(name + 1, &end, 10);
		if (*end == '\0' && f >= 1 && f <= 12)
			return FN(KEY_F((int)f));
	}
	if (name[0] == 'C' && name[1] == '-' && name[2] != '\0' && name[3] == '\0') {
		char c = name[2];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return CTRL(c);
		return 0;
	}
	if ((unsigned char)name[0] < 0x80)
		return name[1] == '\0' && name[0] > ' ' && name[0] < 0x7f ? name[0] : 0;
	/* One non-ASCII character, e.g. "đ" on a Vietnamese keyboard. */
	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, name, strlen(name), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || name[n] != '\0')
		return 0;
	return (int)wc;
}

char *
ui_keymap_key_name(int key, char *buf, size_t size)
{
	mbstate_t st;
	char mb[MB_LEN_MAX + 1];
	size_t n;

	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key) {
			snprintf(buf, size, "%s", key_names[i].name);
			return buf;
		}
	if ((key & UI_KEY_FN) && (key & ~UI_KEY_FN) >= KEY_F(1) &&
	    (key & ~UI_KEY_FN) <= KEY_F(12)) {
		snprintf(buf, size, "F%d", (key & ~UI_KEY_FN) - KEY_F0);
	} else if (key & UI_KEY_FN) {
		snprintf(buf, size, "key%d", key & ~UI_KEY_FN);
	} else if (key > 0 && key < 0x20) {
		snprintf(buf, size, "C-%c", key + 'a' - 1);
	} else if (key < 0x80) {
		snprintf(buf, size, "%c", key);
	} else {
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1)
			n = 0;
		mb[n] = '\0';
		snprintf(buf, size, "%s", n > 0 ? mb : "?");
	}
	return buf;
}

char *
ui_keymap_keys_text(const struct ui_keymap *km, enum ui_action a, char *buf, size_t size)
{
	size_t at = 0;
	char name[32];

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (a <= UI_ACT_NONE || a >= UI_ACT_COUNT)
		return buf;
	for (int i = 0; i < UI_KEYS_PER_ACTION; i++) {
		int k = km->keys[a][i];
		/* "\r" duplicates Enter for terminals that send it; do not list it. */
		if (k == 0 || (k == '\r' && a == UI_ACT_OPEN) || k == FN(KEY_ENTER))
			continue;
		ui_keymap_key_name(k, name, sizeof name);
		int n = snprintf(buf + at, size - at, "%s%s", at > 0 ? ", " : "", name);
		if (n < 0 || (size_t)n >= size - at)
			break;
		at += (size_t)n;
	}
	return buf;
}

int
ui_keymap_bind(struct ui_keymap *km, const char *action, const char *const *keys, size_t n,
	       char **cause)
{
	enum ui_action a = ui_keymap_action_from_name(action);
	int codes[UI_KEYS_PER_ACTION] = {0};

	if (a == UI_ACT_NONE) {
		*cause = xasprintf_line("unknown action \"%s\"", action != NULL ? action : "");
		return -1;
	}
	if (n > UI_KEYS_PER_ACTION) {
		*cause = xasprintf_line("action \"%s\": at most %d keys", action, UI_KEYS_PER_ACTION);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		codes[i] = ui_keymap_key_from_name(keys[i]);
		if (codes[i] == 0) {
			*cause = xasprintf_line("action \"%s\": unknown key \"%s\"", action,
				     keys[i] != NULL ? keys[i] : "");
			return -1;
		}
	}
	for (size_t i = 0; i < n; i++)
		for (int b = 1; b < UI_ACT_COUNT; b++)
			for (int j = 0; j < UI_KEYS_PER_ACTION; j++)
				if (km->keys[b][j] == codes[i])
					km->keys[b][j] = 0;
	memcpy(km->keys[a], codes, sizeof codes);
	return 0;
}

int
ui_keymap_apply(struct ui_keymap *km, const struct config_key *keys, size_t n, char **cause)
{
	struct ui_keymap tmp = *km;

	for (size_t i = 0; i < n; i++) {
		if (ui_keymap_bind(&tmp, keys[i].action, (const char *const *)keys[i].keys,
				   keys[i].n_keys, cause) != 0) {
			char *inner = *cause;
			*cause = xasprintf_line("keys: %s", inner);
			free(inner);
			return -1;
		}
	}
	*km = tmp;
	return 0;
}
