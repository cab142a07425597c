/*
 * rng.h - the sandbox's deterministic randomness: splitmix64 streams and
 * stateless hashes, so that the same --seed gives the same world, the same
 * faults and the same life on every machine.  Never rand(); never used for
 * secrets (sessions and tokens come from OpenSSL).
 */
#ifndef MOTCUA_SBX_RNG_H
#define MOTCUA_SBX_RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

/* A stream for (seed, stream id): distinct ids give independent streams. */
void rng_init(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); 0 when n == 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Uniform in [lo, hi] (inclusive); lo when hi <= lo. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);
/* Pick an index by integer weights (sum > 0). */
uint32_t rng_weighted(struct rng *r, const uint16_t *weights, uint32_t n);

/* Stateless: a well-mixed 64-bit value of (a, b). */
uint64_t rng_hash(uint64_t a, uint64_t b);
/* Stateless: uniform [0, 1) from (a, b). */
double rng_hash_unit(uint64_t a, uint64_t b);
/* FNV-1a of a string, for seeding from names. */
uint64_t rng_hash_str(const char *s);

#endif
