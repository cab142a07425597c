/*
 * calendar_file.c - read yearly calendar override files (YYYY.json) with
 * jansson into plain structs, and load folders of them into a calendar (per
 * year, the first folder's valid file wins).  Each day keeps the document
 * that fixed it ("source": the entry's own, else the file's) and the file.
 *
 * Every check runs before anything is handed to the calendar, so a file is
 * applied whole or not at all.  It does not compute holidays (core/holiday.c)
 * and does not choose the folder (app/app_calendar.c).
 */
#include "config/calendar_file.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/file.h"
#include "core/civil.h"
#include "core/xalloc.h"

#define NAME_MAX_BYTES 200
#define SOURCE_MAX_BYTES 500
#define ENTRIES_MAX 366
#define YEAR_MIN 1900
#define YEAR_MAX 2100

/* Where we are while checking one file. */
struct parse_ctx {
	const char *path;
	const char *text;
	size_t len;
	char *cause; /* first error, malloc'd */
	calendar_file_warn_fn *warn;
	void *warn_ctx;
};

/* Bounded search for `needle` in text[from..len); returns the offset or -1. */
static long
find_from(const char *text, size_t len, size_t from, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0 || n > len)
		return -1;
	for (size_t i = from; i + n <= len; i++)
		if (memcmp(text + i, needle, n) == 0)
			return (long)i;
	return -1;
}

static int
line_at(const char *text, size_t offset)
{
	int line = 1;
	for (size_t i = 0; i < offset; i++)
		line += text[i] == '\n';
	return line;
}

/*
 * Line of the `nth` (0-based) occurrence of the quoted key or value `word`,
 * searching after the first occurrence of the quoted `after` (when not NULL).
 * 0 when not found: jansson keeps no positions, so this is a best effort.
 */
static int
locate(const struct parse_ctx *pc, const char *after, const char *word, size_t nth)
{
	char *quoted = xasprintf("\"%s\"", word);
	size_t from = 0;
	long at = 0;
	int line = 0;

	if (after != NULL) {
		char *qa = xasprintf("\"%s\"", after);
		at = find_from(pc->text, pc->len, 0, qa);
		free(qa);
		if (at < 0)
			goto out;
		from = (size_t)at + 1;
	}
	for (size_t i = 0; i <= nth; i++) {
		at = find_from(pc->text, pc->len, from, quoted);
		if (at < 0)
			goto out;
		from = (size_t)at + 1;
	}
	line = line_at(pc->text, (size_t)at);
out:
	free(quoted);
	return line;
}

/*
 * "PATH:LINE: msg" as one line: a key or value quoted from the file may hold
 * control characters ("\n" is a valid JSON key), which must not start a
 * line of their own in the clerk's terminal or a log.
 */
static char *
with_place(const struct parse_ctx *pc, int line, const char *msg)
{
	char *s = line > 0 ? xasprintf("%s:%d: %s", pc->path, line, msg)
			   : xasprintf("%s: %s", pc->path, msg);

	return xstr_one_line(s);
}

/* Record the first error; always returns -1 for `return fail(...)`. */
static int
fail(struct parse_ctx *pc, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct parse_ctx *pc, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (pc->cause != NULL)
		return -1;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	pc->cause = with_place(pc, line, msg);
	free(msg);
	return -1;
}

static void
warn(struct parse_ctx *pc, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
warn(struct parse_ctx *pc, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *full;

	if (pc->warn == NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	full = with_place(pc, line, msg);
	pc->warn(pc->warn_ctx, full);
	free(full);
	free(msg);
}

static bool
key_known(const char *key, const char *const *known)
{
	for (size_t i = 0; known[i] != NULL; i++)
		if (strcmp(key, known[i]) == 0)
			return true;
	return false;
}

/* A name or a document is shown on a terminal: no control characters,
 * bounded length. */
static bool
text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/*
 * "note" and "verified" are for people: a string, or a list of strings (a
 * long text one line each, since a JSON string cannot span lines).
 */
static int
check_people_text(struct parse_ctx *pc, json_t *obj, const char *key, int line,
		  const char *where)
{
	/* where: "" at the top, "days_off[1]." in an entry */
	json_t *v = json_object_get(obj, key), *item;
	size_t i;

	if (v == NULL || json_is_string(v))
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			if (!json_is_string(item))
				break;
		}
		if (i == json_array_size(v))
			return 0;
	}
	return fail(pc, line, "%s\"%s\": expected a string or a list of strings", where, key);
}

/* The document an entry names, else the file's; NULL when neither does. */
static int
entry_source(struct parse_ctx *pc, const char *list, size_t index, json_t *entry, int line,
	     const char *file_source, char **out)
{
	json_t *source = json_object_get(entry, "source");

	*out = NULL;
	if (source == NULL) {
		if (file_source != NULL)
			*out = xstrdup(file_source);
		return 0;
	}
	if (!json_is_string(source) || !text_ok(json_string_value(source), SOURCE_MAX_BYTES))
		return fail(pc, line,
			    "%s[%zu].source: expected a string of 1..%d bytes without control "
			    "characters",
			    list, index, SOURCE_MAX_BYTES);
	*out = xstrdup(json_string_value(source));
	return 0;
}

static int
parse_entry(struct parse_ctx *pc, const char *list, size_t index, json_t *entry, int year,
	    const char *default_name, const char *file_source,
	    struct calendar_override_entry *out)
{
	static const char *const known[] = {"date", "name", "source", "note", NULL};
	const char *key, *date_text;
	json_t *value, *date, *name;
	char where[64];
	int line = locate(pc, list, "date", index);
	int32_t day;
	struct civil_date cd;

	if (line == 0)
		line = locate(pc, NULL, list, 0);
	if (!json_is_object(entry))
		return fail(pc, line, "%s[%zu]: expected an object {\"date\":..., \"name\":...}",
			    list, index);
	json_object_foreach(entry, key, value) {
		if (!key_known(key, known))
			warn(pc, locate(pc, list, key, 0), "%s[%zu]: unknown key \"%s\" ignored",
			     list, index, key);
	}
	date = json_object_get(entry, "date");
	if (date == NULL)
		return fail(pc, line, "%s[%zu]: missing \"date\"", list, index);
	if (!json_is_string(date))
		return fail(pc, line, "%s[%zu].date: expected a string \"YYYY-MM-DD\"", list,
			    index);
	date_text = json_string_value(date);
	if (civil_parse_date(date_text, &day) < 0)
		return fail(pc, line, "%s[%zu].date: \"%s\" is not a valid date YYYY-MM-DD",
			    list, index, date_text);
	cd = civil_date_from_days(day);
	if (cd.year != year)
		return fail(pc, line, "%s[%zu].date: %s is not in %d, the year of this file",
			    list, index, date_text, year);
	name = json_object_get(entry, "name");
	if (name != NULL && !json_is_string(name))
		return fail(pc, line, "%s[%zu].name: expected a string", list, index);
	if (name != NULL && !text_ok(json_string_value(name), NAME_MAX_BYTES))
		return fail(pc, line,
			    "%s[%zu].name: must be 1..%d bytes without control characters",
			    list, index, NAME_MAX_BYTES);
	snprintf(where, sizeof where, "%s[%zu].", list, index);
	if (check_people_text(pc, entry, "note", line, where) < 0)
		return -1;
	if (entry_source(pc, list, index, entry, line, file_source, &out->source) < 0)
		return -1;
	out->day = day;
	out->name = xstrdup(name != NULL ? json_string_value(name) : default_name);
	return 0;
}

static int
parse_list(struct parse_ctx *pc, json_t *root, const char *list, int year,
	   const char *default_name, const char *file_source,
	   struct calendar_override_entry **out, size_t *n_out)
{
	json_t *array = json_object_get(root, list), *entry;
	size_t index;

	*out = NULL;
	*n_out = 0;
	if (array == NULL)
		return 0;
	if (!json_is_array(array))
		return fail(pc, locate(pc, NULL, list, 0), "\"%s\": expected an array", list);
	if (json_array_size(array) > ENTRIES_MAX)
		return fail(pc, locate(pc, NULL, list, 0), "\"%s\": more than %d entries", list,
			    ENTRIES_MAX);
	*out = xcalloc(json_array_size(array), sizeof **out);
	json_array_foreach(array, index, entry) {
		if (parse_entry(pc, list, index, entry, year, default_name, file_source,
				&(*out)[index]) < 0)
			return -1;
		(*n_out)++;
		for (size_t j = 0; j < index; j++)
			if ((*out)[j].day == (*out)[index].day)
				return fail(pc, locate(pc, list, "date", index),
					    "%s[%zu].date: %s is listed twice", list, index,
					    json_string_value(json_object_get(entry, "date")));
	}
	return 0;
}

static int
check_disjoint(struct parse_ctx *pc, const struct calendar_override *ov)
{
	char date[CIVIL_DATE_LEN];

	for (size_t i = 0; i < ov->n_working_days; i++)
		for (size_t j = 0; j < ov->n_days_off; j++)
			if (ov->working_days[i].day == ov->days_off[j].day)
				return fail(pc, locate(pc, "working_days", "date", i),
					    "working_days[%zu].date: %s is also in days_off", i,
					    civil_format_date(ov->days_off[j].day, date,
							      sizeof date));
	return 0;
}

static int
parse_root(struct parse_ctx *pc, json_t *root, int year, struct calendar_override *ov)
{
	static const char *const known[] = {"year", "source", "verified", "note", "days_off",
					    "working_days", NULL};
	const char *key, *file_source = NULL;
	json_t *value, *jyear, *source;

	if (!json_is_object(root))
		return fail(pc, 1, "expected a JSON object {\"year\":..., \"days_off\":[...]}");
	json_object_foreach(root, key, value) {
		if (!key_known(key, known))
			warn(pc, locate(pc, NULL, key, 0), "unknown key \"%s\" ignored", key);
	}
	jyear = json_object_get(root, "year");
	if (jyear == NULL)
		return fail(pc, 0, "missing \"year\" (%d for this file)", year);
	if (!json_is_integer(jyear))
		return fail(pc, locate(pc, NULL, "year", 0), "\"year\": expected an integer");
	if (json_integer_value(jyear) != year)
		return fail(pc, locate(pc, NULL, "year", 0),
			    "\"year\" is %" JSON_INTEGER_FORMAT " but the file is named for %d",
			    json_integer_value(jyear), year);
	if (check_people_text(pc, root, "note", locate(pc, NULL, "note", 0), "") < 0 ||
	    check_people_text(pc, root, "verified", locate(pc, NULL, "verified", 0), "") < 0)
		return -1;
	/* the document of every entry that names none of its own: shown with them */
	source = json_object_get(root, "source");
	if (source != NULL) {
		if (!json_is_string(source) || !text_ok(json_string_value(source), SOURCE_MAX_BYTES))
			return fail(pc, locate(pc, NULL, "source", 0),
				    "\"source\": expected a string of 1..%d bytes without control "
				    "characters",
				    SOURCE_MAX_BYTES);
		file_source = json_string_value(source);
	}
	ov->year = year;
	if (parse_list(pc, root, "days_off", year, "Ngày nghỉ theo thông báo", file_source,
		       &ov->days_off, &ov->n_days_off) < 0)
		return -1;
	if (parse_list(pc, root, "working_days", year, "Ngày làm việc theo thông báo",
		       file_source, &ov->working_days, &ov->n_working_days) < 0)
		return -1;
	return check_disjoint(pc, ov);
}

int
calendar_file_parse(const char *path, const char *text, size_t len, int year,
		    struct calendar_override *out, char **cause, calendar_file_warn_fn *warn_fn,
		    void *ctx)
{
	struct parse_ctx pc = {.path = path, .text = text, .len = len, .warn = warn_fn,
			       .warn_ctx = ctx};
	json_error_t jerr;
	json_t *root;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if (year < YEAR_MIN || year > YEAR_MAX) {
		fail(&pc, 0, "year %d outside %d..%d", year, YEAR_MIN, YEAR_MAX);
		goto out;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		char why[160];
		config_file_json_error(&jerr, why, sizeof why);
		fail(&pc, jerr.line > 0 ? jerr.line : 0, "invalid JSON: %s", why);
		goto out;
	}
	rc = parse_root(&pc, root, year, out);
	json_decref(root);
out:
	if (rc < 0) {
		calendar_override_release(out);
		*cause = pc.cause;
		if (*cause == NULL)
			*cause = xasprintf("%s: unreadable override file", path);
	}
	return rc;
}

int
calendar_file_read(const char *path, int year, struct calendar_override *out, char **cause,
		   calendar_file_warn_fn *warn_fn, void *ctx)
{
	char *text = NULL;
	const char *why = NULL;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	rc = config_file_read(path, CALENDAR_FILE_MAX_BYTES, &text, &len, &why);
	if (rc == 1) {
		*cause = xasprintf("%s: %s", path, strerror(ENOENT));
		return -1;
	}
	if (rc == CONFIG_FILE_E_TOO_BIG) {
		*cause = xasprintf("%s: larger than %d bytes", path, CALENDAR_FILE_MAX_BYTES);
		return -1;
	}
	if (rc != 0) {
		*cause = xasprintf("%s: %s", path, why);
		return -1;
	}
	rc = calendar_file_parse(path, text, len, year, out, cause, warn_fn, ctx);
	if (rc == 0)
		out->file = xstrdup(path);
	free(text);
	return rc;
}

int
calendar_file_name_year(const char *name, int *year)
{
	int y = 0;

	if (strlen(name) != 9 || strcmp(name + 4, ".json") != 0)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		y = y * 10 + (name[i] - '0');
	}
	if (y < YEAR_MIN || y > YEAR_MAX)
		return -1;
	*year = y;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void
report(calendar_file_warn_fn *warn_fn, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
report(calendar_file_warn_fn *warn_fn, void *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (warn_fn == NULL)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	warn_fn(ctx, msg);
	free(msg);
}

/* The entries of `dir` but dot files, sorted; -1 (reported) when it cannot be read. */
static int
list_dir(const char *dir, char ***out, size_t *n_out, calendar_file_warn_fn *warn_fn, void *ctx)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n_names = 0;

	*out = NULL;
	*n_out = 0;
	if (d == NULL) {
		report(warn_fn, ctx, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n_names + 1, sizeof *names);
		names[n_names++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n_names > 1)
		qsort(names, n_names, sizeof *names, cmp_str);
	*out = names;
	*n_out = n_names;
	return 0;
}

/*
 * The YYYY.json files of one folder whose year no earlier folder gave;
 * taken[year - YEAR_MIN] marks the years applied.  Returns the count.
 */
static int
load_one(struct calendar *cal, const char *dir, char **names, size_t n_names, bool *taken,
	 calendar_file_warn_fn *warn_fn, void *ctx)
{
	int applied = 0;

	for (size_t i = 0; i < n_names; i++) {
		struct calendar_override ov;
		char *path = xasprintf("%s/%s", dir, names[i]), *cause = NULL;
		int year;

		if (calendar_file_name_year(names[i], &year) < 0) {
			if (ends_with(names[i], ".json"))
				report(warn_fn, ctx,
				       "%s: not named YYYY.json with a year in %d..%d; "
				       "file ignored",
				       path, YEAR_MIN, YEAR_MAX);
		} else if (taken[year - YEAR_MIN]) {
			/* a more specific folder's notice for this year is in force */
		} else if (calendar_file_read(path, year, &ov, &cause, warn_fn, ctx) < 0) {
			report(warn_fn, ctx, "%s; file ignored", cause);
		} else {
			if (calendar_add_override(cal, &ov) < 0) {
				report(warn_fn, ctx, "%s: entries outside %d; file ignored", path,
				       year);
			} else {
				taken[year - YEAR_MIN] = true;
				applied++;
			}
			calendar_override_release(&ov);
		}
		free(cause);
		free(path);
	}
	return applied;
}

int
calendar_file_load_dirs(struct calendar *cal, const char *const *dirs, size_t n_dirs,
			int *applied, calendar_file_warn_fn *warn_fn, void *ctx)
{
	bool taken[YEAR_MAX - YEAR_MIN + 1] = {false};
	int total = 0;

	for (size_t i = 0; i < n_dirs; i++) {
		char **names;
		size_t n_names;
		int n = -1;

		if (list_dir(dirs[i], &names, &n_names, warn_fn, ctx) == 0) {
			n = load_one(cal, dirs[i], names, n_names, taken, warn_fn, ctx);
			total += n;
			for (size_t j = 0; j < n_names; j++)
				free(names[j]);
			free(names);
		}
		if (applied != NULL)
			applied[i] = n;
	}
	return total;
}

int
calendar_file_load_dir(struct calendar *cal, const char *dir, calendar_file_warn_fn *warn_fn,
		       void *ctx)
{
	int applied;

	calendar_file_load_dirs(cal, &dir, 1, &applied, warn_fn, ctx);
	return applied;
}
