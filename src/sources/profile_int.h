/*
 * profile_int.h - what profile.c and profile_action.c share: the helpers
 * that check a profile's values and word its errors, and the actions'
 * reading.  Internal to src/sources.
 */
#ifndef MOTCUA_SOURCES_PROFILE_INT_H
#define MOTCUA_SOURCES_PROFILE_INT_H

#include <stdbool.h>

#include <jansson.h>

#include "sources/profile.h"

/* What a profile value must be (profile.c's key tables, the actions'). */
enum profile_kind { K_NAME, K_IDENT, K_PATHEXPR, K_URL, K_URLPATH, K_TEXT, K_INT, K_BOOL, K_OBJ };

/* "PATH: " and the formatted problem, malloc'd. */
char *profile_fail(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A "_comment" key, allowed anywhere and ignored. */
bool profile_is_comment(const char *key);
/* A plain word (with dots when `dots`: a field path). */
bool profile_ident_ok(const char *s, bool dots);
/* A request path: "/api/x", no "..", spaces or "//". */
bool profile_path_ok(const char *s);

/* "lists": the mapped lists and the payment state.  0, or -1 with *cause. */
int profile_read_lists(struct source_profile *p, json_t *lists, char **cause);
void profile_lists_free(struct source_profile *p);

/* "actions": every action into p->actions.  0, or -1 with *cause. */
int profile_read_actions(struct source_profile *p, json_t *acts, char **cause);
void profile_action_free(struct profile_action *a);

#endif
