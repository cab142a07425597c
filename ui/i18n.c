/*
 * i18n.c - choosing the console's language and pointing gettext at the
 * catalogues.  See i18n.h for the rules; this file holds no translations.
 */
#include "ui/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/textwidth.h"

#ifndef MOTCUA_LOCALEDIR
#ifdef MOTCUA_DATADIR
/* $(PREFIX)/share/motcua/../locale is $(PREFIX)/share/locale. */
#define MOTCUA_LOCALEDIR MOTCUA_DATADIR "/../locale"
#else
#define MOTCUA_LOCALEDIR "/usr/local/share/locale"
#endif
#endif

static const char *current = "vi";
static char localedir[PATH_MAX];
/* $LANGUAGE as the user set it: ui_i18n_set() overwrites the variable (for
 * gettext), so a second ui_i18n_init() must not read its own choice back. */
static char user_language[64];
static bool user_language_read;

static int
is_english(const char *v)
{
	return v != NULL && strncmp(v, "en", 2) == 0 && (v[2] == '\0' || strchr("_.@:", v[2]));
}

static int
set(const char *v)
{
	return v != NULL && v[0] != '\0';
}

const char *
ui_i18n_choose(const char *language, const char *config_language, const char *lc_all,
	       const char *lc_messages, const char *lang)
{
	if (set(language))
		return is_english(language) ? "en" : "vi";
	if (config_language != NULL && strcmp(config_language, "en") == 0)
		return "en";
	if (set(lc_all))
		return is_english(lc_all) ? "en" : "vi";
	if (set(lc_messages))
		return is_english(lc_messages) ? "en" : "vi";
	return is_english(lang) ? "en" : "vi";
}

/* A build tree: build/motcua next to build/locale/vi/LC_MESSAGES/motcua.mo. */
static int
exe_localedir(char *out, size_t size)
{
	char exe[PATH_MAX - 64], probe[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	snprintf(probe, sizeof probe, "%s/locale/vi/LC_MESSAGES/" UI_TEXT_DOMAIN ".mo", exe);
	if (access(probe, R_OK) != 0)
		return -1;
	snprintf(out, size, "%s/locale", exe);
	return 0;
}

void
ui_i18n_init(const char *config_language)
{
	const char *env = getenv("MOTCUA_LOCALEDIR");
	const char *msg;

	if (set(env))
		snprintf(localedir, sizeof localedir, "%s", env);
	else if (exe_localedir(localedir, sizeof localedir) != 0)
		snprintf(localedir, sizeof localedir, "%s", MOTCUA_LOCALEDIR);
	bindtextdomain(UI_TEXT_DOMAIN, localedir);
	bind_textdomain_codeset(UI_TEXT_DOMAIN, "UTF-8");
	textdomain(UI_TEXT_DOMAIN);
	/*
	 * glibc ignores LANGUAGE when the messages locale is "C"; a UTF-8
	 * terminal whose messages locale is C still deserves the catalogue.
	 */
	msg = setlocale(LC_MESSAGES, NULL);
	if (ui_text_utf8() && msg != NULL && (strcmp(msg, "C") == 0 || strcmp(msg, "POSIX") == 0))
		if (setlocale(LC_MESSAGES, "C.UTF-8") == NULL)
			setlocale(LC_MESSAGES, setlocale(LC_CTYPE, NULL));
	if (!user_language_read) {
		const char *v = getenv("LANGUAGE");
		snprintf(user_language, sizeof user_language, "%s", v != NULL ? v : "");
		user_language_read = true;
	}
	ui_i18n_set(ui_i18n_choose(user_language, config_language, getenv("LC_ALL"),
				   getenv("LC_MESSAGES"), getenv("LANG")));
}

int
ui_i18n_set(const char *lang)
{
	if (lang == NULL || (strcmp(lang, "vi") != 0 && strcmp(lang, "en") != 0))
		return -1;
	/* Vietnamese cannot be shown without UTF-8: the English msgids are ASCII. */
	current = ui_text_utf8() && strcmp(lang, "vi") == 0 ? "vi" : "en";
	setenv("LANGUAGE", current, 1);
	/* Re-setting the domain makes gettext drop the translations it cached. */
	textdomain(UI_TEXT_DOMAIN);
	return 0;
}

const char *
ui_i18n_lang(void)
{
	return current;
}

const char *
ui_i18n_localedir(void)
{
	return localedir;
}

const char *
ui_i18n_pick(const char *vi, const char *en)
{
	return strcmp(current, "en") == 0 ? en : vi;
}
