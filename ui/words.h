/*
 * words.h - the words for what the layers below report as codes
 * (core/error.h and the app headers): one sentence in the clerk's language (ui/i18n.h:
 * Vietnamese by default, English on request), for the console and for the
 * commands alike.  The sentences name the system, the file or the field
 * the code carries, and end with the outside words (a server's message,
 * the transport's reason) when there are any.  What the sentences quote
 * comes from outside, so words_err, words_err_short and words_config
 * return them with controls and bidi controls escaped (core/visible.h):
 * safe to print or draw as they are.  No command-line flag
 * appears here: where a command has more to say (the option to use), it
 * adds it itself.
 *
 * No curses here: src/cli includes it.
 */
#ifndef MOTCUA_UI_WORDS_H
#define MOTCUA_UI_WORDS_H

#include <stddef.h>

#include "app/app.h" /* the queue's states, config_error */
#include "app/download.h"
#include "app/sign_job.h"
#include "app/signin.h"
#include "core/due_explain.h"
#include "core/error.h"

/* One sentence for err into buf (size bytes); returns buf. */
char *words_err(const struct mc_err *err, char *buf, size_t size);
/*
 * The same sentence without the outside words that words_err ends with (the
 * HTTP status, the server's or the system's own message); words_err's text
 * is always this one followed by those.
 */
char *words_err_short(const struct mc_err *err, char *buf, size_t size);
/*
 * Why a configuration file was refused, one line: "PATH:LINE: ..." naming
 * the key, what it takes, or the closest known key; into buf, returns buf.
 */
char *words_config(const struct config_error *e, char *buf, size_t size);
/* Where the sign-in is kept, from its stable name ("secret-service",
 * "kernel-keyring", "memory"; app_clerk's kept_in): static, translated. */
const char *words_kept_in(const char *kept_in);
/* The sentence of a signing failure (static, translated). */
const char *words_sign(enum app_sign_error e);
/* The sentence of a sign-in result (static, translated). */
const char *words_signin(enum app_signin_result r);
/* The sentence of a failed sign-in into buf, for the console and the command
 * line alike: when the provider could not be reached because of its
 * certificate or a refused address (transport from app_signin_transport()),
 * that, naming the sign-in service; otherwise words_signin(r).  Either way
 * with the detail ("[...]") when there is one.  Returns buf. */
char *words_signin_failure(enum app_signin_result r, enum mc_errc transport, const char *detail,
			   char *buf, size_t size);
/* The sentence of a download failure, what happened only (static,
 * translated): the front end says how to go on (its key, its command). */
const char *words_download(enum app_dl_error e);
/* A queue entry's state, short ("waiting", "conflict"...; static). */
const char *words_queue_state(enum store_outbox_state st);
/* An action's label and a status's label in the current language. */
const char *words_action(enum action a);
const char *words_status(int status);

/* A procedure's deadline rule in the clerk's words ("3 working days, same-day
 * cut-off 15:00; supplement: the clock restarts") into buf; returns buf. */
char *words_due_rule(const struct due_rule *r, char *buf, size_t size);
/* One step of a due date's explanation (core/due_explain.h) as a sentence
 * into buf; returns buf.  The day off's name is the calendar's. */
char *words_due_step(const struct due_step *s, char *buf, size_t size);
/* The readings in force that bear on e's rule (deadline.h, struct
 * deadline_reading: calendar days from the reception or the next day, a
 * break, working days as hours or to a day's end), as one sentence into
 * buf; returns buf, empty for a same-day rule, which none bears on. */
char *words_due_reading(const struct due_explanation *e, char *buf, size_t size);
/* Said when the stored due date differs from the one explained (static). */
const char *words_due_stale(void);

#endif
