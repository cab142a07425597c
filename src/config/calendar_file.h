/*
 * calendar_file.h - yearly calendar override files (config/calendar/YYYY.json).
 *
 * Reads one year's official notice (extra days off, days declared working)
 * into a plain `struct calendar_override` (core/calendar.h), and loads every
 * YYYY.json of a folder into a calendar.  The format is in doc/calendar.md.
 *
 * A file is taken whole or not at all: any error (bad JSON, a wrong type, a
 * date that is not YYYY-MM-DD, a date outside the year the file is named
 * after, the same date twice) rejects the file, and nothing of it reaches the
 * calendar.  Unknown keys only give a warning.  Each entry may name the
 * document behind it ("source"; the file's "source" otherwise); "verified"
 * and "note" are text for people.
 *
 * This module does not compute holidays nor decide which folder to read
 * (src/app/app_calendar.c does).
 */
#ifndef MOTCUA_CALENDAR_FILE_H
#define MOTCUA_CALENDAR_FILE_H

#include <stddef.h>

#include "core/calendar.h"

/* Biggest override file read, in bytes; a year's notice is a few hundred. */
#define CALENDAR_FILE_MAX_BYTES (256 * 1024)

/*
 * Diagnostics go through this callback as one line without a trailing
 * newline, "PATH:LINE: message" (or "PATH: message" when no line applies).
 * `msg` is borrowed for the duration of the call.
 */
typedef void calendar_file_warn_fn(void *ctx, const char *msg);

/*
 * Parse the text of an override file for solar `year`.  `path` is only used
 * in messages (out->file stays NULL; calendar_file_read() sets it).  Each
 * entry's source is its own "source", else the file's.  On success returns 0 and fills *out (caller releases it with
 * calendar_override_release()); warnings (unknown keys) go to `warn` when not
 * NULL.  On error returns -1, leaves *out zeroed and sets *cause to a
 * malloc'd "PATH:LINE: message" the caller frees.
 *
 * The line of an error found after parsing (a bad date, a wrong type) is
 * located by searching the text for the offending value or key, since
 * jansson keeps no positions in its tree; when it cannot be found the
 * message carries no line.
 */
int calendar_file_parse(const char *path, const char *text, size_t len, int year,
			struct calendar_override *out, char **cause,
			calendar_file_warn_fn *warn, void *ctx);

/* The same, reading the file at `path` (at most CALENDAR_FILE_MAX_BYTES). */
int calendar_file_read(const char *path, int year, struct calendar_override *out,
		       char **cause, calendar_file_warn_fn *warn, void *ctx);

/*
 * If `name` is "YYYY.json" with 1900 <= YYYY <= 2100, return 0 and set *year;
 * else -1.
 */
int calendar_file_name_year(const char *name, int *year);

/*
 * Apply every YYYY.json in `dir` to `cal`, in name order.  A malformed file is
 * reported through `warn` ("PATH:LINE: message; file ignored") and skipped; a
 * *.json file with another name is reported and skipped; other files (a
 * README) are skipped silently.  Returns the number of files applied, or -1
 * when the folder cannot be read (reported through `warn`).
 */
int calendar_file_load_dir(struct calendar *cal, const char *dir,
			   calendar_file_warn_fn *warn, void *ctx);

/*
 * The same over several folders, the most specific first (the clerk's own,
 * then the system's, then the notices the package ships): for each year the
 * first folder's YYYY.json that is valid applies, and that year's files in
 * the later folders are not read.  A refused file counts as absent, so the
 * next folder's notice of that year applies (the refusal is reported).
 * applied[i], when `applied` is not NULL, gets the number of files applied
 * from dirs[i], or -1 when that folder cannot be read (reported).  Returns
 * the number of files applied in all.
 */
int calendar_file_load_dirs(struct calendar *cal, const char *const *dirs, size_t n_dirs,
			    int *applied, calendar_file_warn_fn *warn, void *ctx);

#endif
