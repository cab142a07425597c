/*
 * exercise.h - guided training exercises (issue 22, doc/training.md): an
 * exercise file (config/exercises/NAME.json, shipped; a trainer's own in
 * their configuration folder's exercises/) is handed to the training
 * sandbox, which resolves its target dossiers, watches what the trainee
 * does and says which step is current, which hints were asked for and the
 * last mistake it saw.  This module finds and reads the files, loads one
 * into a sandbox, and follows its progress through the sandbox's control
 * API (POST/GET /_control/exercise, POST /_control/exercise/hint) without
 * blocking: the console polls, the answers land in a status it reads.
 *
 * The same status comes, for every seat of a class, from GET BASE/class:
 * app_class_read() reads it for the trainer's screen and its CSV.
 */
#ifndef MOTCUA_APP_EXERCISE_H
#define MOTCUA_APP_EXERCISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct app_exercise;

#define APP_EXERCISE_MAX_STEPS 30

/* A mistake the sandbox saw, as it said it (kinds: wrong_dossier,
 * wrong_action, refused, no_reason; why: not_allowed, stale, need_reason,
 * no_fees).  Fields it did not send are "". */
struct app_exercise_mistake {
	char kind[24];
	int step;
	char code[64], expected[64], action[32], expected_action[32], why[24];
	int64_t at_s;
};

/* What the sandbox last said of the exercise. */
struct app_exercise_status {
	bool known;              /* an answer came */
	bool active;             /* an exercise is loaded */
	bool done;
	char name[64];
	char title_vi[160], title_en[160];
	int step, n_steps;       /* step 1-based; n_steps + 1 when done */
	char do_vi[600], do_en[600];     /* the current step; "" when done */
	bool hint_shown;
	char hint_vi[600], hint_en[600]; /* once asked for */
	int hints;               /* steps that needed a hint */
	bool hint_used[APP_EXERCISE_MAX_STEPS];
	int64_t elapsed_s;
	int64_t step_s;          /* on the current step so far; 0 when done */
	int mistakes;
	bool has_mistake;
	struct app_exercise_mistake last;
	int seat;                /* in a class; 0 otherwise */
	char error[200];         /* the last request's failure, "" when fine */
};

/*
 * Where exercise `name` is: a path (with a '/' or ending in .json) as
 * given, else NAME.json in the exercises/ folder of each configuration
 * folder in order (the trainer's own first, then the shipped ones).
 * Malloc'd, or NULL with *why (static) when none is found.
 */
char *app_exercise_locate(const char *name, const char **why);

/*
 * Read an exercise file: its text (malloc'd) and, when it names one, its
 * "scenario" (malloc'd; else NULL).  0, or -1 with *why (malloc'd, naming
 * the file): unreadable, over 256 KB, not a JSON object, no "steps".
 * The sandbox checks the rest and says what is wrong when it is loaded.
 */
int app_exercise_read(const char *path, char **text, char **scenario, char **why);

/* The shipped and the trainer's exercises: names and titles, for a list.
 * Returns the count; *names and *titles are malloc'd arrays of malloc'd
 * strings (free with app_exercise_list_free).  Titles in `lang` ("vi"/"en"). */
size_t app_exercise_list(const char *lang, char ***names, char ***titles);
void app_exercise_list_free(char **names, char **titles, size_t n);

/* Follow the exercise of the sandbox at base_url (a seat's URL in a
 * class), through app a's network.  Free with app_exercise_free(). */
struct app_exercise *app_exercise_new(struct app *a, const char *base_url);
void app_exercise_free(struct app_exercise *e);

/* Load `text` into the sandbox; the answer (or its error) lands in the
 * status.  Blocks up to timeout_ms when it is > 0 (the command line),
 * else returns at once. 0, or -1 when it was refused (blocking only). */
int app_exercise_load(struct app_exercise *e, const char *text, int timeout_ms);
/* Ask for the current step's hint (counted by the sandbox). */
void app_exercise_hint(struct app_exercise *e);
/* Ask for the status again, unless a request is on its way. */
void app_exercise_poll(struct app_exercise *e);
/* The last status (never NULL). */
const struct app_exercise_status *app_exercise_status(const struct app_exercise *e);

/* One seat of a class (GET BASE/class). */
struct app_class_seat {
	int seat;
	char url[256];
	struct app_exercise_status st;
};

/*
 * Read a class's seats from base_url/class (blocking, timeout_ms).
 * Returns the count (at most max) and fills seats, or -1 with *why
 * (static or into why_buf).
 */
int app_class_read(const char *base_url, struct app_class_seat *seats, int max, int timeout_ms,
		   char *why_buf, size_t why_size);

#endif
