/*
 * columns.c - the inbox's columns fitted to the width (columns.h).
 */
#include "ui/columns.h"

#include <string.h>

#define MARK_COLS 3

/* The console's own order, with the received date between the procedure
 * and the due date when it is wide enough. */
static const enum ui_col own_order[] = {
	UI_COL_MARK,      UI_COL_SOURCE,   UI_COL_CODE, UI_COL_APPLICANT,
	UI_COL_PROCEDURE, UI_COL_RECEIVED, UI_COL_DUE,  UI_COL_STATUS,
};

static void
place(struct ui_columns *out, const enum ui_col *order, size_t n, const int w[UI_COL_COUNT])
{
	int x = 0;

	out->n = 0;
	for (size_t i = 0; i < n; i++) {
		if (w[order[i]] <= 0)
			continue;
		out->col[out->n] = order[i];
		out->x[out->n] = x;
		out->w[out->n] = w[order[i]];
		x += w[order[i]] + 1;
		out->n++;
	}
}

/* The console's own choice: every column but the area, the procedure
 * taking what the others leave (at 80 columns room for its short name). */
static void
own(const struct ui_columns_need *need, struct ui_columns *out)
{
	int w[UI_COL_COUNT] = {0};
	int cols = need->cols, fixed, gaps = 7;

	w[UI_COL_MARK] = MARK_COLS;
	w[UI_COL_SOURCE] = 6;
	w[UI_COL_CODE] = need->code_cols;
	/* names shorten well ("Nguyễn T. Khánh"), so at 80 columns the
	 * procedure gets room for its short name ("Khai sinh", "XN cư trú") */
	w[UI_COL_APPLICANT] = cols >= 120 ? 24 : cols >= 100 ? 20 : 14;
	w[UI_COL_RECEIVED] = cols >= 110 ? 10 : 0;
	w[UI_COL_DUE] = 11;
	w[UI_COL_STATUS] = need->status_cols;
	if (cols >= 100 && w[UI_COL_STATUS] < 14)
		w[UI_COL_STATUS] = 14;
	if (w[UI_COL_RECEIVED] == 0)
		gaps--;
	fixed = w[UI_COL_MARK] + w[UI_COL_SOURCE] + w[UI_COL_CODE] + w[UI_COL_APPLICANT] +
		w[UI_COL_RECEIVED] + w[UI_COL_DUE] + w[UI_COL_STATUS] + gaps;
	w[UI_COL_PROCEDURE] = cols - fixed;
	if (w[UI_COL_APPLICANT] < 16 && w[UI_COL_PROCEDURE] > 12) {
		/* short codes left room: the name first, up to 16 */
		int give = w[UI_COL_PROCEDURE] - 12 < 16 - w[UI_COL_APPLICANT]
				   ? w[UI_COL_PROCEDURE] - 12
				   : 16 - w[UI_COL_APPLICANT];
		w[UI_COL_APPLICANT] += give;
		w[UI_COL_PROCEDURE] -= give;
	}
	if (w[UI_COL_PROCEDURE] < 6) {
		/* Narrow: the applicant gives way first, then the code. */
		int lack = 6 - w[UI_COL_PROCEDURE];
		int give = w[UI_COL_APPLICANT] - 8 < lack ? w[UI_COL_APPLICANT] - 8 : lack;
		w[UI_COL_APPLICANT] -= give;
		lack -= give;
		w[UI_COL_CODE] -= lack < w[UI_COL_CODE] - 8 ? lack : w[UI_COL_CODE] - 8;
		w[UI_COL_PROCEDURE] = 6;
	}
	place(out, own_order, sizeof own_order / sizeof own_order[0], w);
}

static enum ui_col
from_config(enum config_column c)
{
	switch (c) {
	case CONFIG_COLUMN_DUE:
		return UI_COL_DUE;
	case CONFIG_COLUMN_CODE:
		return UI_COL_CODE;
	case CONFIG_COLUMN_PROCEDURE:
		return UI_COL_PROCEDURE;
	case CONFIG_COLUMN_APPLICANT:
		return UI_COL_APPLICANT;
	case CONFIG_COLUMN_STATUS:
		return UI_COL_STATUS;
	case CONFIG_COLUMN_SOURCE:
		return UI_COL_SOURCE;
	case CONFIG_COLUMN_RECEIVED:
		return UI_COL_RECEIVED;
	case CONFIG_COLUMN_AREA:
	case CONFIG_COLUMN_COUNT:
		break;
	}
	return UI_COL_AREA;
}

/*
 * The clerk's choice.  Each column has the least it is readable in (a
 * date's whole width; a name's initials form; a procedure's short name)
 * and what it would like (every short procedure name whole first, then
 * the names); the procedure takes what is left (without it the rest stays
 * blank: a wider name or area column only puts its neighbours out of the
 * eye's reach).  What does not fit even at its least is dropped from the
 * end of the list; the code never is.
 */
static void
chosen_fit(const struct ui_columns_need *need, const enum config_column *chosen,
	   size_t n_chosen, struct ui_columns *out)
{
	enum ui_col order[UI_COL_COUNT];
	int least[UI_COL_COUNT] = {0}, want[UI_COL_COUNT] = {0}, w[UI_COL_COUNT] = {0};
	int cols = need->cols, used;
	size_t n = 0;

	least[UI_COL_MARK] = MARK_COLS;
	least[UI_COL_SOURCE] = 6;
	least[UI_COL_CODE] = need->code_cols;
	least[UI_COL_APPLICANT] = 10;
	least[UI_COL_PROCEDURE] = 10; /* "Khai sinh", "Thường trú" */
	least[UI_COL_RECEIVED] = 10;
	least[UI_COL_DUE] = 11;
	least[UI_COL_STATUS] = need->status_cols;
	least[UI_COL_AREA] = 8;
	memcpy(want, least, sizeof want);
	want[UI_COL_APPLICANT] = cols >= 120 ? 24 : cols >= 100 ? 20 : 16;
	want[UI_COL_AREA] = 16;
	want[UI_COL_PROCEDURE] = 16; /* every short name whole */

	order[n++] = UI_COL_MARK;
	for (size_t i = 0; i < n_chosen && n < UI_COL_COUNT; i++)
		order[n++] = from_config(chosen[i]);
	used = 0;
	for (size_t i = 0; i < n; i++)
		used += least[order[i]] + (i > 0);
	/* drop from the end what does not fit; never the code */
	while (used > cols) {
		size_t last = n;
		for (size_t i = n; i-- > 1;)
			if (order[i] != UI_COL_CODE) {
				last = i;
				break;
			}
		if (last == n)
			break;
		used -= least[order[last]] + 1;
		memmove(&order[last], &order[last + 1], (n - last - 1) * sizeof order[0]);
		n--;
	}
	for (size_t i = 0; i < n; i++)
		w[order[i]] = least[order[i]];
	if (used > cols) {
		/* the mark and the code alone, still too wide: its end shows */
		int rest = cols - MARK_COLS - 1;
		w[UI_COL_CODE] = rest > 1 ? rest : 1;
	} else {
		int extra = cols - used;
		static const enum ui_col names[] = {UI_COL_PROCEDURE, UI_COL_APPLICANT,
						    UI_COL_AREA};

		for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
			enum ui_col c = names[k];
			int give = want[c] - w[c];
			if (w[c] == 0 || give <= 0)
				continue;
			if (give > extra)
				give = extra;
			w[c] += give;
			extra -= give;
		}
		if (w[UI_COL_PROCEDURE] > 0)
			w[UI_COL_PROCEDURE] += extra;
	}
	place(out, order, n, w);
}

void
ui_columns_fit(const struct ui_columns_need *need, const enum config_column *chosen,
	       size_t n_chosen, struct ui_columns *out)
{
	memset(out, 0, sizeof *out);
	if (n_chosen == 0)
		own(need, out);
	else
		chosen_fit(need, chosen, n_chosen, out);
}

int
ui_columns_at(const struct ui_columns *c, int x)
{
	if (x < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		if (x <= c->x[i] + c->w[i])
			return (int)i;
	return -1;
}

int
ui_columns_find(const struct ui_columns *c, enum ui_col col)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->col[i] == col)
			return (int)i;
	return -1;
}
