/*
 * protect_int.h - what dossiers.c and inbox.c need from protect.c: turning
 * an ID number into what is stored and searched, and back.  Store-internal.
 */
#ifndef MOTCUA_STORE_PROTECT_INT_H
#define MOTCUA_STORE_PROTECT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/protect.h"
#include "store/store_int.h"

#define STORE_PII_PREFIX "enc1:"
#define STORE_PII_TOKEN_LEN 27 /* "idx" + 24 hex digits */

/* The handle's protection state (NULL: clear mode); freed at store_close(). */
struct store_protect;
void store_protect_free(struct store_protect *p);

/* The audit chain's 32-byte HMAC key (derived from the data key), or NULL
 * when the handle has no data key (clear or drop mode).  Borrowed. */
const unsigned char *store_protect_audit_key(const struct store *s);

/* What to write for the ID number `id` of dossier `code`: malloc'd, or NULL
 * (nothing to write: no number, or drop mode). */
char *store_pii_seal(struct store *s, const char *code, const char *id);

/* The ID number from what was stored: malloc'd, or NULL when there is none
 * or it cannot be opened here (no key, another key, damaged). */
char *store_pii_open(struct store *s, const char *code, const char *stored);

/* The search token of an ID number when sealing ("idx..."), else false. */
bool store_pii_token(struct store *s, const char *id, char out[STORE_PII_TOKEN_LEN + 1]);

/* Is this folded search word a whole ID number to be searched by token? */
bool store_pii_search_word(struct store *s, const char *word,
			   char out[STORE_PII_TOKEN_LEN + 1]);

/* The search column for these fields (dossiers.c): malloc'd. */
char *store_search_text(struct store *s, const char *code, const char *applicant_name,
			const char *procedure_name, const char *id);

#endif
