/*
 * fault.h - how the simulated systems misbehave: latency, bandwidth caps,
 * server errors, dropped connections, bodies cut mid-way, malformed JSON,
 * rate limits (429), planned maintenance windows (503), flapping links and
 * switching a system off.  Decisions are deterministic: the k-th request to
 * a target gets the same fate for the same seed and rules.
 *
 * Spec syntax (--faults and POST /_control/faults; doc/sandbox.md §Faults):
 *   SPEC   := ITEM (';' ITEM)*
 *   ITEM   := TARGET ':' KV (',' KV)*
 *   TARGET := dvcqg | tuphap | congan | nnmt | tinh | payment | idp | csc | tsa
 *           | '*' (the five systems)
 *   KV     := latency=MS | latency=MIN-MAX | bandwidth=BYTES_PER_S
 *           | error=P | drop=P | cut=P | malformed=P       (P in [0,1])
 *           | ratelimit=N (requests per second, 0 off)
 *           | maint=HH:MM-HH:MM | maint=off               (daily, sandbox clock)
 *           | flap=PERIOD/DOWN (seconds; down for DOWN s of every PERIOD s)
 *           | offline=refuse|hang (how an offline system behaves)
 *           | clear (every rule of the target back to none)
 * A spec merges over the current rules: keys not named keep their value.
 * It knows HTTP responses, not dialects.
 */
#ifndef MOTCUA_SBX_FAULT_H
#define MOTCUA_SBX_FAULT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/civil.h"
#include "sandbox/catalog.h"
#include "sandbox/http.h"

enum fault_target {
	FAULT_PAYMENT = SRC_COUNT,
	FAULT_IDP,
	FAULT_CSC,	/* the remote signing service, /csc */
	FAULT_TSA,	/* the time-stamping authority, /tsa */
	FAULT_TARGETS,
};

struct faults;

/* With the defaults: nnmt latency 300-800 ms and maintenance 23:00-23:30,
 * congan ratelimit 20/s. */
struct faults *faults_new(uint64_t seed);
void faults_free(struct faults *f);

/* "tuphap" -> SRC_TUPHAP, "payment" -> FAULT_PAYMENT; -1 unknown. */
int faults_target_from_name(const char *name);
const char *faults_target_name(int target);

/* Merge a spec.  0, or -1 with a reason in err (nothing changed then). */
int faults_apply(struct faults *f, const char *spec, char *err, size_t err_size);
/* Switch a target off (on = true) or back. */
void faults_set_offline(struct faults *f, int target, bool on);
bool faults_offline(const struct faults *f, int target, mc_time now);
/*
 * endless=1: the system's change list claims 10^15 pages of 10^17 changes
 * and, past its real last page, serves that page again and again: a server
 * going round in circles (the client must stop on its own).
 */
bool faults_endless(const struct faults *f, int target);
/* Start an unplanned maintenance window of `seconds` from now (0 ends it). */
void faults_maintenance(struct faults *f, int target, mc_time now, long seconds);

/*
 * Before the handler.  Returns true when the fault layer answers instead
 * (resp filled: 429, 503 maintenance, 5xx error, or resp->drop / hang_ms set);
 * false to go on.  mono_ms is a monotonic real-time clock for rate limits.
 */
bool faults_before(struct faults *f, int target, mc_time now, uint64_t mono_ms,
		   struct sbx_response *resp);
/* After the handler: delay, bandwidth, cut and malformed bodies. */
void faults_after(struct faults *f, int target, struct sbx_response *resp);

/* Rules and injected counts as JSON (new reference). */
json_t *faults_to_json(const struct faults *f, mc_time now);

#endif
