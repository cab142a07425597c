/*
 * procedures.h - the procedure catalogue: which deadline rule (duration,
 * unit, same-day cut-off, supplement policy) applies to each procedure
 * (MaTTHC), read from procedures.json (config/procedures.json is the
 * default, with the sample procedures of DOMAIN.md section 8).
 *
 * The sync engine computes each dossier's own due date from this rule with
 * core/deadline, whatever the source says.  A malformed file is refused
 * whole with "PATH: problem"; the caller then falls back to the built-in
 * catalogue (the same sample procedures) and says so.  Reads files only.
 */
#ifndef MOTCUA_CONFIG_PROCEDURES_H
#define MOTCUA_CONFIG_PROCEDURES_H

#include <stddef.h>

#include "core/deadline.h"

struct procedure {
	char *code;             /* MaTTHC */
	char *name;             /* TenTTHC; may be NULL */
	char *short_name;       /* "short": a few words for narrow columns ("Khai sinh");
				   may be NULL */
	char *field;            /* TenLinhVuc; may be NULL */
	char *system;           /* handling system; may be NULL */
	struct due_rule rule;
};

struct procedures {
	struct procedure *items;
	size_t n;
};

/* Parse a catalogue from text (`path` names it in messages).  0, or -1 with *cause. */
int procedures_parse(const char *path, const char *text, size_t len, struct procedures *out,
		     char **cause);

/* Read `path`: 0 loaded, 1 no such file (*out empty), -1 malformed (*cause malloc'd). */
int procedures_load(const char *path, struct procedures *out, char **cause);

/* The built-in sample catalogue (DOMAIN.md section 8). */
void procedures_builtin(struct procedures *out);

/* The procedure with MaTTHC `code`, or NULL.  Borrowed. */
const struct procedure *procedures_find(const struct procedures *p, const char *code);

void procedures_release(struct procedures *p);

#endif
