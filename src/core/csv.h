/*
 * csv.h - writing RFC 4180 CSV for spreadsheet programs: a UTF-8 byte order
 * mark first (without it Excel reads the bytes as the local code page and
 * Vietnamese comes out garbled), CRLF at each row's end, a field quoted when
 * it holds a comma, a quote, CR or LF, its quotes doubled.
 *
 * Text fields come from servers and are hostile: a field that starts with
 * '=', '+', '-', '@', TAB or CR is a formula to a spreadsheet (CSV
 * injection), so csv_text() puts a single quote (') before it; the cell then
 * shows the text with that quote.  Numbers of ours go through csv_int(),
 * untouched.  Bytes are written as they are: UTF-8 stays UTF-8.
 *
 * Does not read CSV, and does not own the FILE.
 */
#ifndef MOTCUA_CSV_H
#define MOTCUA_CSV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct csv_writer {
	FILE *f;      /* borrowed */
	int column;   /* fields written on the current row */
	bool failed;  /* a write failed; the rest is skipped */
};

/* Start writing to f; with `bom`, the UTF-8 byte order mark first. */
void csv_init(struct csv_writer *w, FILE *f, bool bom);
/* A text field (NULL: empty), quoted and neutralised as above. */
void csv_text(struct csv_writer *w, const char *s);
/* A number field. */
void csv_int(struct csv_writer *w, int64_t n);
/* An empty field (no value, e.g. a rate of nothing). */
void csv_empty(struct csv_writer *w);
/* End the row with CRLF. */
void csv_end_row(struct csv_writer *w);
/* 0 when every write so far went through (fflush included), else -1. */
int csv_finish(struct csv_writer *w);

#endif
