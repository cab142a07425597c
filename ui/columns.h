/*
 * columns.h - the inbox's columns: which are shown, in what order, how wide
 * and where, for a list `cols` wide.
 *
 * Two ways to choose: the console's own (no "columns" in config.json),
 * which grows with the width (the received date from 110 columns, wider
 * names from 100 and 120), or the clerk's list ("columns": ["due", "code",
 * ...]), shown in that order, with what does not fit dropped from the end
 * (the code is never dropped: it is what tells one dossier from another).
 * The mark column ("!", "~", "*" ...) always comes first.
 *
 * Pure arithmetic: no curses, no store, no words; the inbox draws, and
 * finds which heading a click fell on, with the same result.
 */
#ifndef MOTCUA_UI_COLUMNS_H
#define MOTCUA_UI_COLUMNS_H

#include <stddef.h>

#include "app/app.h"

enum ui_col {
	UI_COL_MARK,
	UI_COL_SOURCE,
	UI_COL_CODE,
	UI_COL_APPLICANT,
	UI_COL_PROCEDURE,
	UI_COL_RECEIVED,
	UI_COL_DUE,
	UI_COL_STATUS,
	UI_COL_AREA,
	UI_COL_COUNT
};

/* What the widths depend on besides the choice. */
struct ui_columns_need {
	int cols;        /* the list's width */
	int code_cols;   /* the widest code on screen, already kept to 8..22 */
	int status_cols; /* the widest short status label in the language in use */
};

/* The columns shown, left to right: col[i] at x[i], w[i] wide (> 0), one
 * blank column between two. */
struct ui_columns {
	size_t n;
	enum ui_col col[UI_COL_COUNT];
	int x[UI_COL_COUNT];
	int w[UI_COL_COUNT];
};

/*
 * Lay the columns out.  chosen/n_chosen: config.json's "columns" (n_chosen
 * 0: the console's own choice).  Whatever the width, the mark and the code
 * are shown; the code is cut (to its end, by the caller) only when nothing
 * else is left.
 */
void ui_columns_fit(const struct ui_columns_need *need, const enum config_column *chosen,
		    size_t n_chosen, struct ui_columns *out);

/* The index in c of the column at x (its blank column after it counts as
 * its own), or -1 past the last. */
int ui_columns_at(const struct ui_columns *c, int x);

/* The index in c of `col`, or -1 when it is not shown. */
int ui_columns_find(const struct ui_columns *c, enum ui_col col);

#endif
