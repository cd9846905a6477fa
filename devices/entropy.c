/*
 * Entropy backends: the host's getrandom(), or xoshiro256** seeded through
 * splitmix64 when a run must be reproducible.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "morph/hostdev.h"

static int host_fill(struct entropy *e, void *buf, size_t len)
{
	uint8_t *p = buf;

	(void)e;
	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void entropy_free(struct entropy *e)
{
	free(e);
}

struct entropy *entropy_host_new(void)
{
	struct entropy *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->fill = host_fill;
	e->close = entropy_free;
	return e;
}

struct entropy_prng {
	struct entropy e;
	uint64_t s[4];
};

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t xoshiro_next(uint64_t *s)
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

static int prng_fill(struct entropy *e, void *buf, size_t len)
{
	struct entropy_prng *p = (struct entropy_prng *)e;
	uint8_t *b = buf;

	while (len) {
		uint64_t v = xoshiro_next(p->s);
		size_t n = len < 8 ? len : 8;

		memcpy(b, &v, n);
		b += n;
		len -= n;
	}
	return 0;
}

struct entropy *entropy_prng_new(uint64_t seed)
{
	struct entropy_prng *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	for (int i = 0; i < 4; i++) {
		/* splitmix64: never an all-zero state */
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		p->s[i] = z ^ (z >> 31);
	}
	p->e.fill = prng_fill;
	p->e.close = entropy_free;
	return &p->e;
}

void entropy_close(struct entropy *e)
{
	if (e)
		e->close(e);
}
