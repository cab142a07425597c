/*
 * preview.h - the pane beside the inbox's list on a wide terminal: the
 * selected dossier at a glance (code, procedure, applicant, status, system,
 * received and due dates with the due class, fees and payment, the last
 * lines of its history), following the cursor.
 *
 * What it shows is read from the local store (app_dossier), never from a
 * system: moving the cursor costs no network and, for a dossier seen
 * lately, no query either (a small cache by code, emptied when the store
 * changes).  It shows nothing of the citizen that the list does not (no ID
 * number, no address, no attachment): the detail, opened with Enter, is
 * where those are shown and recorded in the audit log.
 */
#ifndef MOTCUA_UI_PREVIEW_H
#define MOTCUA_UI_PREVIEW_H

#include "ui/ui.h"

/* From this many columns the inbox is split: the list, then the pane. */
#define UI_PREVIEW_MIN_COLS 140

struct ui_preview;

struct ui_preview *ui_preview_new(void);
void ui_preview_free(struct ui_preview *p);

/* The pane's width (its border included; the list leaves a blank column
 * before it) on a terminal `cols` wide; 0 below UI_PREVIEW_MIN_COLS. */
int ui_preview_width(int cols);

/* Show dossier `code` (NULL: none): from the cache, else read once from
 * the store.  Called from key handlers, never while drawing. */
void ui_preview_show(struct ui_preview *p, struct ui_app *app, const char *code);

/* Forget what was read (the store changed, or the language did). */
void ui_preview_forget(struct ui_preview *p);

/* Draw the pane, its border included, at column x of win, `cols` wide
 * and `rows` high (a ui_preview_width() wide).  Reads state only. */
void ui_preview_draw(const struct ui_preview *p, struct ui_app *app, WINDOW *win, int x,
		     int cols, int rows);

#endif
