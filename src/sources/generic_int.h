/*
 * generic_int.h - what generic.c (paging, actions) and generic_read.c (one
 * record) share.  Internal to src/sources.
 */
#ifndef MOTCUA_SOURCES_GENERIC_INT_H
#define MOTCUA_SOURCES_GENERIC_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/civil.h"
#include "core/dossier.h"
#include "sources/profile.h"
#include "sources/source_int.h"

/* The canonical status of a raw one through the profile's map; 0 unknown. */
int generic_status_of(const struct source_profile *p, const char *raw);
/* The member at a dotted path as text (malloc'd), through src_rd's checks. */
char *generic_path_str(struct src_rd *rd, json_t *item, const char *path, size_t max,
		       bool required);
/* The date at a dotted path in format fmt (enum src_date_fmt); 0 absent. */
mc_time generic_path_date(struct src_rd *rd, json_t *item, const char *path, int fmt);
/* The lists the profile maps, from dossier object o into d; the others
 * marked absent (the store keeps what it had).  Problems go to rd. */
void generic_read_lists(const struct source_profile *p, struct src_rd *rd, json_t *o,
			struct dossier *d);

#endif
