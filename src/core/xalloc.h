/*
 * xalloc.h - the out-of-memory policy, decided once.
 *
 * Every allocation in motcua goes through these.  On failure they call the
 * fatal hook (the console sets one that restores the terminal and prints a
 * line) and then abort(): there is no sensible partial recovery from OOM in an
 * interactive program, and the store's transactions keep queued work safe.
 */
#ifndef MOTCUA_XALLOC_H
#define MOTCUA_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* reallocarray with overflow check */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* NULL in, NULL out. */
char *xstrdup_or_null(const char *s);

/* A new string printed from fmt (never NULL; the caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *xstrndup(const char *s, size_t n);

/*
 * Messages that quote outside input (a config key, a server's reply, the
 * bytes jansson shows "near" an error) reach the clerk's terminal and the
 * logs: a control character there could start a forged line or send an
 * escape sequence.  xstr_one_line turns every byte below 0x20 and DEL into
 * '?' in place and returns s (NULL is fine); xasprintf_line is xasprintf
 * followed by it.
 */
char *xstr_one_line(char *s);
char *xasprintf_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Called before abort() on allocation failure; may be NULL. */
void xalloc_set_fatal_hook(void (*hook)(void));

/* Overwrite then free; for tokens, PINs and ID numbers. NULL is fine. */
void xfree_secret(char *s);

#endif
