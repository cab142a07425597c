/*
 * exercise.h - a guided training exercise as the sandbox sees it: the file
 * (config/exercises/NAME.json, untrusted: every key checked), its named
 * targets resolved once against the world, and the trainee's progress,
 * moved by what happens to the sandbox's dossiers (a detail read, an action
 * applied or refused) while a step is current.  doc/sandbox.md section 14
 * is the file format and the status a client reads.
 *
 * What it does not do: HTTP, faults, the clock.  Callers pass real
 * monotonic milliseconds (the trainee's time is real time, whatever the
 * sandbox clock does) and apply a step's on_start themselves when a call
 * says a new step began.  Not thread-safe (http.c serialises handlers).
 */
#ifndef MOTCUA_SBX_EXERCISE_H
#define MOTCUA_SBX_EXERCISE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "core/status.h"
#include "sandbox/world.h"

#define EXERCISE_MAX_FILE (256u * 1024u) /* bytes of an exercise file */
#define EXERCISE_MAX_STEPS 30
#define EXERCISE_MAX_TARGETS 30
#define EXERCISE_MAX_OFFLINE_S 3600      /* on_start.for_s */

/* A text in both languages; both owned. */
struct exercise_text {
	char *vi;
	char *en;
};

enum exercise_check {
	EXERCISE_CHECK_VIEWED, /* the target's detail was read by a client */
	EXERCISE_CHECK_ACTION, /* the action was applied to the target */
};

/* What happens when a step becomes current. */
struct exercise_on_start {
	int offline;      /* fault target (fault.h) switched off; -1 none */
	long offline_s;   /* and back on after this many real seconds */
	int64_t clock_s;  /* the sandbox clock moves forward this much; 0 none */
	/* "elsewhere": another official acts on a target at the system at
	 * once (the change a trainee offline does not see: a conflict to come) */
	enum action elsewhere;     /* ACTION_NONE: nothing */
	size_t elsewhere_target;   /* index into exercise.targets */
};

struct exercise_step {
	struct exercise_text todo; /* "do", placeholders replaced */
	struct exercise_text hint;
	enum exercise_check check;
	size_t target;             /* index into exercise.targets */
	enum action action;        /* EXERCISE_CHECK_ACTION */
	bool need_reason;          /* the action carried a non-empty reason */
	bool need_signed;          /* return-result with a detached signature (NAME.p7s) */
	bool need_refused;         /* "refused": true - the system refusing the action on
	                              the target is the step (the trainee meets a
	                              conflict); not a mistake then */
	struct exercise_on_start on_start;
};

struct exercise_target {
	char *name;
	uint32_t idx;              /* world index: stable while the world grows */
	char code[48];             /* its code when resolved */
};

enum exercise_mistake_kind {
	EXERCISE_MISTAKE_NONE = 0,
	EXERCISE_MISTAKE_WRONG_DOSSIER, /* an action on another dossier than the step's */
	EXERCISE_MISTAKE_WRONG_ACTION,  /* another action on the step's dossier */
	EXERCISE_MISTAKE_REFUSED,       /* the world rejected an action (any dossier) */
	EXERCISE_MISTAKE_NO_REASON,     /* the step's action without the reason it needs */
	EXERCISE_MISTAKE_NOT_SIGNED,    /* the step's return-result without a signature */
};

struct exercise_mistake {
	enum exercise_mistake_kind kind;
	size_t step;                  /* 1-based */
	char code[48];                /* the dossier acted on */
	char expected[48];            /* wrong_dossier: the step's dossier */
	enum action action;           /* what was done */
	enum action expected_action;  /* wrong_action */
	enum world_act_result why;    /* refused */
	int64_t at_s;                 /* seconds since the start */
};

struct exercise {
	char *name;
	struct exercise_text title;
	char *scenario;               /* NULL when the file names none */
	struct exercise_target *targets;
	size_t n_targets;
	struct exercise_step *steps;
	size_t n_steps;

	/* progress */
	size_t current;               /* 0-based; n_steps once done */
	uint64_t started_ms, finished_ms;
	int64_t *step_done_s;         /* per step: seconds since the start; -1 not yet */
	bool *hints_used;             /* per step */
	unsigned hints;
	unsigned mistakes;
	struct exercise_mistake last;
};

/*
 * Parse and check an exercise file (len bytes of text; `file` names it in
 * errors), resolve its targets against w at sandbox time `now`, and start
 * it at now_ms (step 1 current, no hint, no mistake).  Returns it (free
 * with exercise_free), or NULL with *cause, one line "FILE: key: problem"
 * that the caller frees.  Step 1's on_start is the caller's to apply.
 */
struct exercise *exercise_load(const char *text, size_t len, const char *file, struct world *w,
			       mc_time now, uint64_t now_ms, char **cause);
void exercise_free(struct exercise *ex);

bool exercise_done(const struct exercise *ex);
/* The current step, or NULL once done. */
const struct exercise_step *exercise_current(const struct exercise *ex);

/*
 * Events.  Each returns true when it completed the current step (the next
 * one, if any, is now current: apply its on_start), false otherwise.  Both
 * are ignored once done; `code` is the dossier's code now (borrowed).
 */
bool exercise_viewed(struct exercise *ex, uint32_t idx, uint64_t now_ms);
/* An action reached the world; r is its result. */
bool exercise_acted(struct exercise *ex, uint32_t idx, const char *code,
		    const struct world_act *act, enum world_act_result r, uint64_t now_ms);

/* Reveal the current step's hint; counted once per step.  No-op once done. */
void exercise_hint(struct exercise *ex);

/* The status (new reference): {"active":false} for NULL, else the fields
 * of doc/sandbox.md section 14. */
json_t *exercise_status(const struct exercise *ex, uint64_t now_ms);

/* "wrong_dossier", ...; "stale", ... (static). */
const char *exercise_mistake_name(enum exercise_mistake_kind kind);
const char *exercise_refusal_name(enum world_act_result r);

#endif
