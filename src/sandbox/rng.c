/*
 * rng.c - splitmix64 (Steele, Lea and Flood's SplittableRandom finaliser),
 * used both as a stream and as a stateless mixer.  Small, fast, and good
 * enough for synthetic data; not for anything secret.
 */
#include "sandbox/rng.h"

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
rng_init(struct rng *r, uint64_t seed, uint64_t stream)
{
	r->state = mix(seed ^ mix(stream + 0x9e3779b97f4a7c15ULL));
}

uint64_t
rng_next(struct rng *r)
{
	r->state += 0x9e3779b97f4a7c15ULL;
	return mix(r->state);
}

uint32_t
rng_below(struct rng *r, uint32_t n)
{
	if (n == 0)
		return 0;
	/* Lemire's multiply-shift; the bias is below 2^-32 and irrelevant here. */
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	uint64_t span = (uint64_t)(hi - lo) + 1;
	return lo + (int64_t)(rng_next(r) % span);
}

double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

uint32_t
rng_weighted(struct rng *r, const uint16_t *weights, uint32_t n)
{
	uint32_t total = 0;
	for (uint32_t i = 0; i < n; i++)
		total += weights[i];
	uint32_t pick = rng_below(r, total);
	for (uint32_t i = 0; i < n; i++) {
		if (pick < weights[i])
			return i;
		pick -= weights[i];
	}
	return n > 0 ? n - 1 : 0;
}

uint64_t
rng_hash(uint64_t a, uint64_t b)
{
	return mix(mix(a + 0x9e3779b97f4a7c15ULL) ^ (b * 0xd1b54a32d192ed03ULL));
}

double
rng_hash_unit(uint64_t a, uint64_t b)
{
	return (double)(rng_hash(a, b) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t
rng_hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}
