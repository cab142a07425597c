/*
 * shorten.h - a person's name, a procedure's name and a dossier code made to
 * fit a narrow column without losing what tells one row from the next.
 *
 * Cutting "Nguyễn Thanh Khánh" to "Nguyễn Thanh Kh…" hides the given name,
 * the part that tells two Nguyễns apart; cutting "Đăng ký khai sinh" to
 * "Đăng k…" makes birth, marriage and death registration look the same;
 * cutting "H56.14-260226-00001" to "H56.14-…" makes every code equal.  Each
 * function here tries the forms a clerk reads without thinking first, and
 * cuts (ui_text_fit, an ellipsis at the cut) only what still does not fit.
 *
 * Every function writes a NUL-terminated string of at most `cols` columns
 * into buf (size >= cols * 8 + 8 is always enough, as for ui_text_fit) and
 * returns buf.  They never pad.  Inputs may be NULL (written as "").
 */
#ifndef MOTCUA_UI_SHORTEN_H
#define MOTCUA_UI_SHORTEN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A Vietnamese name: whole when it fits; else the middle names as initials
 * ("Nguyễn T. Khánh"); else the family name too ("N.T. Khánh"); else the
 * given name (the last word) alone, cut if need be: it is kept longest.
 */
char *ui_short_person(const char *name, int cols, char *buf, size_t size);

/*
 * A procedure: its full name when `whole` and it fits; else `short_name`
 * (the catalogue's, may be NULL); else the name without a leading "Thủ
 * tục", "Đăng ký", "Cấp" or "Giải quyết" and with its first letter
 * capitalised ("Đăng ký khai sinh" -> "Khai sinh"); then cut.  A column
 * passes whole = false to every row once one row's full name does not fit,
 * so that a screen does not mix "Đăng ký kết hôn" with "Khai sinh".
 */
char *ui_short_procedure(const char *name, const char *short_name, bool whole, int cols,
			 char *buf, size_t size);

/* A dossier code: whole when it fits, else its end after an ellipsis
 * ("…226-00001"): the serial number that differs is at the end. */
char *ui_short_code(const char *code, int cols, char *buf, size_t size);

#endif
