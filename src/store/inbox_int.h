/*
 * inbox_int.h - what inbox.c (building and answering inbox queries) and
 * inbox_narrow.c (answering a keystroke from the last search's rows) share:
 * the parameters, plans and shapes of the generated SQL, the search words,
 * the sorts.  Store-internal.
 */
#ifndef MOTCUA_STORE_INBOX_INT_H
#define MOTCUA_STORE_INBOX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_int.h"

/* Parameter numbers used by the generated SQL. */
enum {
	P_NOW = 1,      /* due class: now */
	P_SOON_END,     /* due class: the end of "coming due", store_soon_end() */
	P_SOURCE,
	P_STATUS,
	P_PROCEDURE,
	P_FIELD,
	P_AREA,
	P_MATCH,        /* FTS5 query of the long words */
	P_LIMIT,
	P_OFFSET,
	P_ID,           /* one row by id */
	P_NEEDLE0,      /* needle of search word i: P_NEEDLE0 + i */
	P_AFTER = P_NEEDLE0 + 16, /* new arrivals: row ids after this (MAX_WORDS) */
};
#define SQL_MAX 2048

/* 2^60 and 2^61, as in store_int.h, for splicing into SQL text. */
#define DUE_NONE_SQL "1152921504606846976"
#define DUE_FINISHED_SQL "2305843009213693952"
_Static_assert(STORE_DUE_KEY_NONE == 1152921504606846976LL, "DUE_NONE_SQL");
_Static_assert(STORE_DUE_KEY_FINISHED == 2305843009213693952LL, "DUE_FINISHED_SQL");

#define DUE_CLASS_SQL                                                            \
	"CASE WHEN due_key >= " DUE_FINISHED_SQL " THEN 5"                      \
	" WHEN due_key >= " DUE_NONE_SQL " THEN 4"                               \
	" WHEN due_key < ?1 THEN 1 WHEN due_key < ?2 THEN 2 ELSE 3 END"
_Static_assert(STORE_DUE_FINISHED == 5 && STORE_DUE_NONE == 4 && STORE_DUE_OVERDUE == 1 &&
		       STORE_DUE_SOON == 2 && STORE_DUE_OK == 3,
	       "DUE_CLASS_SQL numbers");

/* Each sort: its name, ORDER BY terms (ties broken by id, so pages are
 * stable) and the index that yields that order (schema.c). */
struct sort_entry {
	const char *name;
	const char *asc;
	const char *desc;
	const char *index;
};

#define ROW_COLUMNS                                                                  \
	"code, source, procedure_code, procedure_name, applicant_name, raw_status,"  \
	" area, status, coord_status, received_at, source_due_at, due_at, finished_at, " \
	DUE_CLASS_SQL

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * How a query is answered.  SQLite's planner does not know how many rows a
 * search word or a filter value selects, and guessing wrong costs 100 ms on
 * 100,000 rows in either direction: walking the sort index for a rare word
 * reads everything, and fetching 40,000 "nguyen" rows to sort them for a
 * 50-row page is as bad.  So a page is first tried the ordered way under a
 * small time budget (dense matches finish long before it), and only when the
 * budget runs out is it answered the selective way, which is then cheap
 * because few rows match.  The budget bounds the waste.
 */
enum plan {
	PLAN_NATURAL,   /* as written; the planner chooses */
	PLAN_ORDERED,   /* walk the sort's index in order, testing each row */
	PLAN_SELECTIVE, /* FTS and filter indexes first, then sort */
};

enum shape {
	SHAPE_ROWS,     /* the inbox columns */
	SHAPE_IDS,      /* row ids only (the ordered probe) */
	SHAPE_COUNT,    /* count(*) */
	SHAPE_NARROW,   /* the matching row ids into temp.narrow (narrowing) */
};

#define MAX_WORDS 16
_Static_assert(P_AFTER == P_NEEDLE0 + MAX_WORDS && P_AFTER == 28, "P_AFTER is ?28");

struct sqlbuf {
	char text[SQL_MAX];
	size_t len;
	bool overflow;
};

/*
 * The folded search text, word by word.  A word of letters matches the
 * start of a word: "uyen" is the name Uyên, not the tail of every Nguyễn,
 * and while the clerk types "nguyen van d" the "d" is the beginning of a
 * name.  A word with a digit of three characters or more matches anywhere,
 * so the end of a code ("00042") or of an ID number finds its dossier.
 * The stored text puts two spaces before every word (dossiers.c), so every
 * search word is a trigram phrase the FTS index can answer: " uyen", " xu",
 * "  d", and "00042" as it is.
 */
struct search_terms {
	char *folded;                   /* owns the words */
	char *match;                    /* FTS5 query: one phrase per word */
	char *needle[MAX_WORDS];        /* what motcua_has() looks for, per word */
	size_t n;
};

/* Tests: skip the ordered try, as on a large store where it runs out of
 * time, and narrow (store_inbox_force_plan(s, 3)). */
#define PLAN_TEST_NARROW 3

/* The sorts, by enum store_sort (inbox.c). */
extern const struct sort_entry inbox_sorts[];

/* Append s to b (b->overflow set when it does not fit). */
void inbox_sql_add(struct sqlbuf *b, const char *s);

/* Prepare (from the cache) and bind the statement of a plan and shape. */
sqlite3_stmt *inbox_prepare(struct store *s, const struct store_query *q,
			    const struct search_terms *t, enum plan plan, enum shape shape,
			    bool capped);

/* Stream the rows of a statement to fn.  Returns 0, or -1 with the error set. */
int inbox_stream_rows(struct store *s, sqlite3_stmt *st, store_row_fn fn, void *ctx);

/* What has changed the store since: this connection's writes and others'. */
int64_t inbox_data_version(struct store *s);

/* Narrowing (inbox_narrow.c).  Can temp.narrow be used here at all? */
bool inbox_narrow_usable(struct store *s);
/* Can it answer q: 0 no, 1 it holds q's very rows, 2 those and more. */
int inbox_narrow_match(struct store *s, const struct store_query *q, const struct search_terms *t);
/* Keep t's rows, found the selective way: 0, or -1 (too many, or no table). */
int inbox_narrow_fill(struct store *s, const struct store_query *q, const struct search_terms *t);
/* Drop the rows t's words no longer match: 0, or -1. */
int inbox_narrow_refine(struct store *s, const struct search_terms *t);
/* The page of q from the rows kept. */
int inbox_narrow_page(struct store *s, const struct store_query *q, store_row_fn fn, void *ctx);

#endif
