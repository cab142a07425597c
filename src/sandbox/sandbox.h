/*
 * sandbox.h - one running motcua-sandbox: the world, the OpenID provider,
 * the fault rules, the ledger and uploads, the sandbox clock, and the router
 * that hands each request to the control API, the provider, a dialect or the
 * payment platform.  Also the helpers every dialect shares (authentication,
 * applying an action with exactly-once accounting, number parsing).
 *
 * It owns everything it creates; main.c owns the HTTP server.
 */
#ifndef MOTCUA_SBX_SANDBOX_H
#define MOTCUA_SBX_SANDBOX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "sandbox/audit_sink.h"
#include "sandbox/catalog.h"
#include "sandbox/csc.h"
#include "sandbox/exercise.h"
#include "sandbox/fault.h"
#include "sandbox/http.h"
#include "sandbox/idp.h"
#include "sandbox/ledger.h"
#include "sandbox/smap.h"
#include "sandbox/tsa.h"
#include "sandbox/upload.h"
#include "sandbox/world.h"

#define SANDBOX_DEFAULT_SECRET "motcua-sandbox-payment-secret"

struct sandbox_config {
	uint64_t seed;
	size_t n_dossiers;
	mc_time start;            /* the sandbox clock at start */
	double speed;             /* sandbox seconds per real second (1; 0 = frozen) */
	double rate;              /* life: new dossiers per sandbox minute */
	int scenario;             /* enum world_scenario */
	const char *faults;       /* spec merged over the defaults; may be NULL */
	const char *payment_secret;
	bool verbose;             /* one line per request on stderr */
};

struct sandbox {
	struct sandbox_config cfg;
	char *payment_secret;
	struct world *world;
	struct idp *idp;          /* NULL until sandbox_set_base_url */
	struct csc *csc;          /* remote signing service; NULL until then too */
	struct tsa *tsa;          /* RFC 3161 timestamps (tsa.h); NULL until then too */
	struct faults *faults;
	struct ledger *ledger;
	struct uploads *uploads;
	struct smap *sessions;    /* dvcqg session -> struct dvcqg session */
	struct smap *payments;    /* MaHoSo -> struct payment_tx */
	struct audit_sink *audit; /* terminals' audit logs (audit_sink.h) */
	char base_url[256];
	/* "/seat/K" in class mode (class.h), else "": the paths the dialects hand
	 * out (Location, file links) start with it, as the seat's clients reach
	 * it under that prefix */
	char path_prefix[16];
	atomic_bool ready;
	uint64_t start_mono_ms;
	int64_t advanced;         /* seconds added by POST /_control/clock */
	mc_time last_now;
	uint64_t requests;
	uint64_t dvcqg_pushes;    /* rows accepted by DongBoHoSoMC / CapNhatTienDoHoSoMC */
	struct exercise *exercise; /* the guided exercise (exercise.h); NULL: none */
	/* a target an exercise step switched off comes back at this monotonic
	 * instant (ms; 0: nothing pending) */
	uint64_t online_at_ms[FAULT_TARGETS];
	bool elsewhere_pending;   /* a step's on_start.elsewhere, done at the next
	                             request (not under the reply that started it) */
};

/* Generate the world and set up the faults.  NULL with *err (static) on a bad
 * fault spec. */
struct sandbox *sandbox_new(const struct sandbox_config *cfg, const char **err);
void sandbox_free(struct sandbox *sb);
/* Once the port is known: create the OpenID provider with this issuer and
 * start answering. */
void sandbox_set_base_url(struct sandbox *sb, const char *base_url);
/* The sbx_http_handler (ctx = the sandbox). */
void sandbox_handle(void *ctx, struct sbx_request *req, struct sbx_response *resp);

/* The sandbox clock now (never goes backwards). */
mc_time sandbox_now(struct sandbox *sb);
/* Move the clock forward by seconds (>= 0). */
void sandbox_advance(struct sandbox *sb, int64_t seconds);
uint64_t sandbox_mono_ms(void);

/* ---- the guided exercise (exercise.h, doc/sandbox.md section 14) ---------- */

/*
 * Load an exercise file (len bytes; `file` names it in errors) in place of
 * any current one: targets resolved now, the timer started, step 1's
 * on_start applied.  0, or -1 with *cause (one line, the caller frees) and
 * the current exercise left as it was.
 */
int sandbox_exercise_load(struct sandbox *sb, const char *text, size_t len, const char *file,
			  char **cause);
/* Forget the exercise (systems an on_start switched off come back). */
void sandbox_exercise_unload(struct sandbox *sb);
/* Its status as GET /_control/exercise answers it (new reference). */
json_t *sandbox_exercise_status(struct sandbox *sb);

/* The systems as published by the provider (static table). */
extern const struct idp_system sandbox_systems[];
extern const size_t sandbox_n_systems;

/* ---- helpers for dialects ------------------------------------------------ */

/* 0 when the bearer token is valid for `audience`, else -1 with resp = 401. */
int sandbox_auth(struct sandbox *sb, const struct sbx_request *req, const char *audience,
		 struct sbx_response *resp);

/*
 * Apply a clerk action with the ledger's accounting: counts applied (and
 * applied twice when `ref` was applied before), or a rejection (absorbed
 * when `ref` was applied before).  `src` is the system it came through.
 */
enum world_act_result sandbox_act(struct sandbox *sb, int src, uint32_t idx,
				  const struct world_act *act, const char *ref, mc_time now);

/*
 * An action the dialect refused itself before the world saw it, for the
 * reason the world would give (tuphap's If-Match is checked in the
 * dialect: WORLD_ACT_STALE): counted as a rejection, and a mistake of an
 * exercise in progress.
 */
void sandbox_refused(struct sandbox *sb, int src, uint32_t idx, enum action a,
		     enum world_act_result why, const char *ref);

/* A client read dossier idx's detail (each dialect's single-dossier read,
 * 304 included): what an exercise's "viewed" check waits for. */
void sandbox_viewed(struct sandbox *sb, uint32_t idx);

/* Parse a decimal integer in [min, max]; NULL s gives def.  0 ok, -1 bad. */
int sandbox_parse_long(const char *s, long min, long max, long def, long *out);

/* Does path start with prefix followed by '/' or end?  Returns the rest. */
const char *sandbox_path_after(const char *path, const char *prefix);

/* SHA-256 hex of a string (65 bytes with the NUL). */
void sandbox_sha256_hex(const char *s, size_t len, char out[65]);

/*
 * A dossier's attachments as every system lists and serves them: the
 * procedure's components in its order, then the receiving clerk's note
 * when the dossier has one (gen.h).  Strings are static.
 */
struct sandbox_part {
	const char *code; /* component code (MaThanhPhanHoSo) */
	const char *name; /* file name without its extension, no diacritics */
	const char *ext;  /* "pdf", "tif", "jpg", "txt" */
	const char *mime; /* Content-Type */
	int64_t size;     /* bytes */
};
size_t sandbox_part_count(const struct sandbox *sb, const struct world_dossier *d);
/* Part `part` (< sandbox_part_count()) of d into *out. */
void sandbox_part_info(const struct sandbox *sb, const struct world_dossier *d, size_t part,
		       struct sandbox_part *out);
/* Serve part `part` of dossier d: Range (206/416), ETag, Accept-Ranges. */
void sandbox_serve_part(struct sandbox *sb, const struct sbx_request *req,
			const struct world_dossier *d, size_t part, struct sbx_response *resp);
/* "<code>-<n>" attachment id of part n (TepDinhKemId); parse back (-1: none). */
void sandbox_part_id(const struct world_dossier *d, size_t part, char *buf, size_t size);
int sandbox_part_from_id(const struct sandbox *sb, const struct world_dossier *d, const char *id);

#endif
