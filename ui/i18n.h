/*
 * i18n.h - the console's language: gettext domain "motcua", Vietnamese by
 * default, English on request.
 *
 * Every user-visible string in ui/ is written in English in the source as
 * _("...") and translated by the catalogues in locale/ (vi.po, en.po; built
 * to <localedir>/<lang>/LC_MESSAGES/motcua.mo).  English msgids keep the
 * sources ASCII and give a readable fallback on a terminal that cannot show
 * Vietnamese (a non-UTF-8 locale), where the console speaks English.
 *
 * The language is chosen once at start (ui_i18n_choose) and can be changed
 * while running (:lang en).  gettext is steered with the LANGUAGE variable,
 * so this works whichever locales the system has installed, as long as the
 * character set is UTF-8.  This module does not translate anything itself.
 */
#ifndef MOTCUA_UI_I18N_H
#define MOTCUA_UI_I18N_H

#include <libintl.h>

#define UI_TEXT_DOMAIN "motcua"
#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)

/*
 * Pick "vi" or "en" from the environment and the configuration: LANGUAGE
 * (its first entry) when set decides; else a configured "en"; else the
 * first of LC_ALL, LC_MESSAGES, LANG that is set.  Anything that is not
 * English is Vietnamese.  Pure: the caller passes getenv() values (NULL when
 * unset).  Returns a static string.
 */
const char *ui_i18n_choose(const char *language, const char *config_language,
			   const char *lc_all, const char *lc_messages, const char *lang);

/*
 * Bind the domain to the catalogue folder and apply the chosen language.
 * Call after setlocale(LC_ALL, "") and ui_text_init().  The folder is
 * $MOTCUA_LOCALEDIR, else the "locale" folder next to the executable when it
 * holds a built catalogue (a build tree), else the installed
 * $(PREFIX)/share/locale.  config_language may be NULL.
 */
void ui_i18n_init(const char *config_language);

/* Switch to "vi" or "en" now; 0, or -1 for another name (nothing changes). */
int ui_i18n_set(const char *lang);

/* The language in use: "vi" or "en".  Static. */
const char *ui_i18n_lang(void);

/* The catalogue folder in use.  Static. */
const char *ui_i18n_localedir(void);

/* The Vietnamese or English of a pair (core's status and action labels). */
const char *ui_i18n_pick(const char *vi, const char *en);

#endif
