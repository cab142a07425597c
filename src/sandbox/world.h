/*
 * world.h - the sandbox's state of the world: every dossier of every
 * simulated system, their change logs, the coordination system's lagging
 * copy, and the rules that move them (clerk actions, and "life": arrivals
 * and progress as the sandbox clock runs).
 *
 * Dossiers are compact records; what never changes (the applicant's name, ID
 * number, address, attachment sizes and bytes) is derived on demand from
 * (seed, gen) by gen.c, which keeps 200,000 dossiers in a few tens of MB.
 * Records live in one array and are named by index; pointers returned by
 * world_get() are valid until the next call that may add dossiers
 * (world_advance).  Nothing here speaks HTTP or knows a dialect.
 */
#ifndef MOTCUA_SBX_WORLD_H
#define MOTCUA_SBX_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "core/status.h"
#include "sandbox/catalog.h"

#define WORLD_MAX_PATH 8

/* A change made after generation: a clerk action or a life event. */
struct world_event {
	mc_time at;
	uint8_t status;   /* status after the event */
	uint8_t action;   /* enum action; ACTION_NONE for life events */
	uint8_t source;   /* enum sbx_source through which it came */
	char *actor;      /* "Nguyễn Văn A" or NULL (system) */
	char *note;       /* reason or content; may be NULL */
};

struct world_extra {
	struct world_event *events;
	size_t n_events;
	char **result_files;     /* names of result files attached on return */
	size_t n_result_files;
	char *reason;            /* the last reason given (refusal, supplement, stop) */
	uint8_t n_supplements;   /* supplement requests made at runtime */
	/* Hostile data put in by /_control/poison (world_poison); NULL: none. */
	char *name;              /* the applicant's name instead of the generated one */
	char *unit;              /* the handling unit's name instead of the commune's */
	struct catalog_procedure *procedure; /* a copy with another name; owns it */
};

struct world_dossier {
	char code[48];           /* MaHoSo */
	uint32_t gen;            /* derivation key for gen.c */
	uint16_t proc;           /* index into catalog_procedures */
	uint8_t commune;         /* index into catalog_communes */
	uint8_t status;          /* canonical 1..10 in the handling system */
	uint8_t coord_status;    /* status in dvcqg; 0 = not in dvcqg */
	uint8_t coord_pending;   /* status on its way to dvcqg; 0 = none */
	uint8_t payment;         /* enum payment_state (core/dossier.h) */
	uint8_t channel;         /* KenhThucHien 1..3 */
	uint8_t pages;           /* pages to certify (per-page fees) */
	uint8_t n_path;          /* generated status history */
	uint8_t path[WORLD_MAX_PATH];
	uint32_t version;        /* 1 at generation; +1 per change */
	mc_time submitted_at;    /* NgayNopHoSo */
	mc_time received_at;     /* NgayTiepNhan; 0 while status 1 */
	mc_time due_at;          /* NgayHenTra; 0 none */
	mc_time finished_at;     /* NgayKetThucXuLy; 0 open */
	mc_time returned_at;     /* NgayTra; 0 not returned */
	mc_time updated_at;      /* last change in the handling system */
	mc_time supp_req_at;     /* last supplement request; 0 none */
	mc_time supp_done_at;    /* its completion; 0 pending or none */
	mc_time paid_at;         /* when payment became PAYMENT_PAID; 0 never */
	mc_time coord_updated_at;
	mc_time coord_pending_at; /* when coord_pending reaches dvcqg */
	uint64_t seq;            /* position in the handling source's change log */
	uint64_t coord_seq;      /* position in dvcqg's change log */
	struct world_extra *extra; /* NULL until something happens at runtime */
};

enum world_scenario {
	SCENARIO_DEFAULT = 0,
	SCENARIO_QUIET_MORNING,
	SCENARIO_POST_TET_BACKLOG,
	SCENARIO_RURAL_OUTAGE,
};
/* "quiet-morning" ...; -1 when unknown.  Names are static. */
int world_scenario_from_name(const char *name);
const char *world_scenario_name(int scenario);

/*
 * The start instant of a scenario given the real (or --now) time: quiet-morning
 * is 07:45 that day (or the next working day), post-tet-backlog 07:30 on the first working day after the
 * latest Tết holiday, others `now` unchanged.
 */
mc_time world_scenario_clock(int scenario, mc_time now);

struct world_config {
	uint64_t seed;
	size_t n_dossiers;      /* generated at start */
	mc_time now;            /* the clock when generating */
	int scenario;           /* enum world_scenario */
	double rate;            /* new dossiers per sandbox minute (life); 0 = still */
	double dvcqg_share;     /* share of ministry dossiers also in dvcqg (0.2) */
};

struct world;

/* Generate the world (deterministic in cfg).  Never NULL. */
struct world *world_new(const struct world_config *cfg);
void world_free(struct world *w);

uint64_t world_seed(const struct world *w);
struct calendar *world_calendar(struct world *w);
const struct worktime *world_worktime(const struct world *w);
size_t world_count(const struct world *w);
struct world_dossier *world_get(struct world *w, uint32_t idx);
/* Index of the dossier with this MaHoSo, or -1. */
int64_t world_find(const struct world *w, const char *code);
/* Dossiers handled by src (SRC_DVCQG: present in dvcqg). */
size_t world_source_count(const struct world *w, int src);
/* The dossier's procedure: the catalogue's, or its poisoned copy. */
const struct catalog_procedure *world_procedure(const struct world_dossier *d);
/* The applicant (gen_person(), with a poisoned name when there is one). */
struct gen_person;
void world_person(const struct world *w, const struct world_dossier *d,
		  struct gen_person *out);
/* The handling unit's name (DonViXuLy): the commune's, or a poisoned one.
 * Borrowed: valid until the dossier changes. */
const char *world_unit(const struct world_dossier *d);
/* The handling system of a dossier. */
int world_source_of(const struct world_dossier *d);

/*
 * Move the world to `now`: coordination updates that are due reach dvcqg,
 * and with a rate, dossiers arrive and progress minute by minute (catching
 * up at most 7 days at once).  Earlier `now` values are ignored.
 */
void world_advance(struct world *w, mc_time now);

/*
 * The change feed of a source, oldest change first: dossiers whose latest
 * change has seq > after_seq AND time > after_time (pass 0 to ignore either),
 * skipping `offset` matches, at most `limit` written to out (indices).  Sets
 * *last_seq to the seq of the last one written (after_seq when none) and
 * *more when matches remain.  Returns the count written.  Each dossier
 * appears once, at its latest change.
 */
size_t world_feed(struct world *w, int src, uint64_t after_seq, mc_time after_time,
		  size_t offset, size_t limit, uint32_t *out, uint64_t *last_seq, bool *more);
/* Count of matches for the same query (for total pages). */
size_t world_feed_count(struct world *w, int src, uint64_t after_seq, mc_time after_time);
/* The seq of d in src's log (coord_seq for dvcqg). */
uint64_t world_seq_in(const struct world_dossier *d, int src);
/* The time of the dossier's last change as src shows it. */
mc_time world_updated_in(const struct world_dossier *d, int src);
/* The status as src shows it (coord_status for dvcqg). */
int world_status_in(const struct world_dossier *d, int src);

/* A clerk action. */
struct world_act {
	enum action action;
	int via;                 /* enum sbx_source the request came through */
	bool check_version;
	uint32_t version;        /* expected current version when check_version */
	const char *actor;       /* may be NULL */
	const char *reason;      /* may be NULL; required by action_needs_reason */
	const char *const *result_files; /* names, for return-result */
	size_t n_result_files;
};

enum world_act_result {
	WORLD_ACT_OK = 0,
	WORLD_ACT_NOT_ALLOWED,   /* not allowed from the current status */
	WORLD_ACT_STALE,         /* version mismatch */
	WORLD_ACT_NEED_REASON,   /* the action needs a reason and none was given */
	WORLD_ACT_NO_FEES,       /* request-payment on a dossier without fees */
};

/* Apply an action at `now`.  On success the version, change logs, due date and
 * dvcqg's pending copy move. */
enum world_act_result world_act(struct world *w, uint32_t idx, const struct world_act *act,
				mc_time now);

/*
 * The handling system (or the console) pushed `status` to dvcqg
 * (DongBoHoSoMC / CapNhatTienDoHoSoMC / an action through dvcqg): dvcqg shows
 * it at once; a dossier not yet in dvcqg joins it.  Invalid status: ignored.
 */
void world_coord_push(struct world *w, uint32_t idx, int status, mc_time now);

/* The dossier's full history as (status, time) pairs: the generated path then
 * runtime events.  Fills at most max entries; returns the total count. */
struct world_step {
	mc_time at;
	int status;
	int action;        /* ACTION_NONE for generated steps and life events */
	const char *actor; /* static or owned by the dossier */
	const char *note;
};
size_t world_history(const struct world *w, const struct world_dossier *d,
		     struct world_step *out, size_t max);

/*
 * Hostile data for tests and trainers (/_control/poison, doc/sandbox.md
 * section 10): what a broken or malicious ministry system could send.  Each
 * is a change of the dossier: its version moves and it is in every feed of
 * its handling system and of dvcqg (when dvcqg holds it) from then on,
 * until a later change (a clerk's action, life) replaces the update time.
 */
enum world_poison_field {
	WORLD_POISON_NAME,      /* the applicant's name (at most 95 bytes) */
	WORLD_POISON_PROCEDURE, /* the procedure's name (TenTTHC) */
	WORLD_POISON_UNIT,      /* the handling unit's name (DonViXuLy) */
	WORLD_POISON_AREA,      /* the area clients take from the unit: it becomes "UBND " + V */
};
#define WORLD_POISON_TEXT_MAX 1024 /* bytes of a poisoned text */
/* "name", "procedure", "unit", "area" -> the field; -1 for others. */
int world_poison_field_from_name(const char *name);
/* Set the text at `now`.  0, or -1 when too long or empty (nothing changed). */
int world_poison(struct world *w, uint32_t idx, enum world_poison_field field,
		 const char *value, mc_time now);
/*
 * The dossier's update time becomes `at`, any instant, far future or past:
 * served by every dialect as the time of its last change, and its feed
 * entry carries it (an "updated since" feed finds the dossier for any
 * since-time before `at`; a cursor feed finds it as the newest change).
 */
void world_poison_updated(struct world *w, uint32_t idx, mc_time at);
/*
 * A new code (MaHoSo), as raw as given (controls included), at `now`: the
 * lookup by code follows it; the old code is gone.  0; -1 when empty or
 * longer than 47 bytes; -2 when another dossier has it.
 */
int world_poison_code(struct world *w, uint32_t idx, const char *code, mc_time now);

/* Fees total in đồng (per-page fees multiplied). */
int64_t world_fee_amount(const struct world_dossier *d, size_t fee_index);
int64_t world_fees_total(const struct world_dossier *d);

/* Life counters, for /_control/stats. */
struct world_life_stats {
	uint64_t arrivals;
	uint64_t progressed;
	uint64_t coord_synced;
};
void world_life_stats(const struct world *w, struct world_life_stats *out);

#endif
