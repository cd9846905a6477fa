/*
 * RISC-V Platform-Level Interrupt Controller (PLIC spec 1.0.0), SiFive's
 * register layout as QEMU's virt machine has it:
 *
 *   0x000000 + 4*s              priority of source s (s = 1..nsources-1)
 *   0x001000 + 4*w              pending bits of sources 32w..32w+31 (read-only)
 *   0x002000 + 0x80*c + 4*w     enable bits of context c
 *   0x200000 + 0x1000*c         priority threshold of context c
 *   0x200004 + 0x1000*c         claim (read) / complete (write) of context c
 *
 * Inputs are level lines through the spec's gateway: a high line makes the
 * source pending unless it is in service (claimed, not yet completed); on
 * completion a still-high line makes it pending again. As in QEMU, a line
 * that drops before the claim withdraws its request, so drivers see no
 * spurious interrupts for conditions they already cleared.
 *
 * Context outputs (MEIP/SEIP) are high while the context has a pending,
 * enabled source with priority above its threshold; claims pick the highest
 * priority such source, ties going to the lowest ID.
 */
#include <stdlib.h>
#include <string.h>

#include "morph/devices.h"
#include "dev.h"

#define PLIC_PRIORITY_BASE 0x000000
#define PLIC_PENDING_BASE 0x001000
#define PLIC_ENABLE_BASE 0x002000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT_BASE 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000

struct plic {
	unsigned nsources, ncontexts, nwords;
	uint32_t *priority;  /* [nsources] */
	uint32_t *pending;   /* [nwords] bitmaps */
	uint32_t *claimed;   /* in service: the gateway is closed */
	uint32_t *level;     /* input line levels */
	uint32_t *enable;    /* [ncontexts][nwords] */
	uint32_t *threshold; /* [ncontexts] */
	struct irq_line *out;
	int *out_level;
};

static bool bit_get(const uint32_t *map, unsigned n)
{
	return map[n / 32] >> (n % 32) & 1;
}

static void bit_set(uint32_t *map, unsigned n, bool v)
{
	if (v)
		map[n / 32] |= 1u << (n % 32);
	else
		map[n / 32] &= ~(1u << (n % 32));
}

/* The source context @c would claim now (0: none). */
static unsigned plic_best(const struct plic *p, unsigned c)
{
	const uint32_t *en = &p->enable[c * p->nwords];
	uint32_t best_prio = p->threshold[c];
	unsigned best = 0;

	for (unsigned w = 0; w < p->nwords; w++) {
		uint32_t cand = p->pending[w] & ~p->claimed[w] & en[w];

		while (cand) {
			unsigned s = w * 32 + (unsigned)__builtin_ctz(cand);

			cand &= cand - 1;
			if (p->priority[s] > best_prio) {
				best_prio = p->priority[s];
				best = s;
			}
		}
	}
	return best;
}

static void plic_update(struct plic *p)
{
	for (unsigned c = 0; c < p->ncontexts; c++) {
		int level = plic_best(p, c) != 0;

		if (level != p->out_level[c]) {
			p->out_level[c] = level;
			irq_set(&p->out[c], level);
		}
	}
}

static void plic_set_irq(void *opaque, int n, int level)
{
	struct plic *p = opaque;
	unsigned s = (unsigned)n;

	if (s == 0 || s >= p->nsources)
		return;
	bit_set(p->level, s, level);
	if (!bit_get(p->claimed, s))
		bit_set(p->pending, s, level);
	plic_update(p);
}

struct irq_line plic_input(struct plic *plic, unsigned source)
{
	return irq_line_make(plic_set_irq, plic, (int)source);
}

static uint32_t plic_claim(struct plic *p, unsigned c)
{
	unsigned s = plic_best(p, c);

	if (s) {
		bit_set(p->pending, s, false);
		bit_set(p->claimed, s, true);
		plic_update(p);
	}
	return s;
}

static void plic_complete(struct plic *p, unsigned c, uint32_t s)
{
	/* spec 1.0.0 section 7: a completion for a source not enabled for c is ignored */
	if (s == 0 || s >= p->nsources || !bit_get(&p->enable[c * p->nwords], s))
		return;
	if (!bit_get(p->claimed, s))
		return;
	bit_set(p->claimed, s, false);
	if (bit_get(p->level, s))
		bit_set(p->pending, s, true);
	plic_update(p);
}

static uint64_t plic_read(void *opaque, uint64_t offset, unsigned size)
{
	struct plic *p = opaque;

	if (size != 4 || (offset & 3)) {
		bus_guest_error("plic", "%u-byte access at 0x%llx (only 4-byte aligned)", size,
				(unsigned long long)offset);
		return 0;
	}
	if (offset < PLIC_PENDING_BASE) {
		uint64_t s = offset / 4;

		return s < p->nsources ? p->priority[s] : 0;
	}
	if (offset < PLIC_ENABLE_BASE) {
		uint64_t w = (offset - PLIC_PENDING_BASE) / 4;

		return w < p->nwords ? p->pending[w] : 0;
	}
	if (offset < PLIC_CONTEXT_BASE) {
		uint64_t c = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (c < p->ncontexts && w < p->nwords)
			return p->enable[c * p->nwords + w];
		return 0;
	}
	{
		uint64_t c = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t r = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (c >= p->ncontexts)
			return 0;
		if (r == 0)
			return p->threshold[c];
		if (r == 4)
			return plic_claim(p, (unsigned)c);
		return 0;
	}
}

static void plic_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct plic *p = opaque;
	uint32_t v = (uint32_t)value;

	if (size != 4 || (offset & 3)) {
		bus_guest_error("plic", "%u-byte access at 0x%llx (only 4-byte aligned)", size,
				(unsigned long long)offset);
		return;
	}
	if (offset < PLIC_PENDING_BASE) {
		uint64_t s = offset / 4;

		if (s == 0 || s >= p->nsources)
			return;
		p->priority[s] = v & PLIC_MAX_PRIORITY;
	} else if (offset < PLIC_ENABLE_BASE) {
		return; /* pending bits are read-only */
	} else if (offset < PLIC_CONTEXT_BASE) {
		uint64_t c = (offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (c >= p->ncontexts || w >= p->nwords)
			return;
		if (w == 0)
			v &= ~1u; /* source 0 does not exist */
		if (w == p->nwords - 1 && p->nsources % 32)
			v &= (1u << (p->nsources % 32)) - 1;
		p->enable[c * p->nwords + w] = v;
	} else {
		uint64_t c = (offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		uint64_t r = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (c >= p->ncontexts)
			return;
		if (r == 0)
			p->threshold[c] = v & PLIC_MAX_PRIORITY;
		else if (r == 4)
			plic_complete(p, (unsigned)c, v);
		else
			return;
	}
	plic_update(p);
}

static const struct bus_ops plic_ops = {
    .read = plic_read,
    .write = plic_write,
};

static void plic_reset(void *opaque)
{
	struct plic *p = opaque;

	memset(p->priority, 0, p->nsources * sizeof(uint32_t));
	memset(p->pending, 0, p->nwords * sizeof(uint32_t));
	memset(p->claimed, 0, p->nwords * sizeof(uint32_t));
	memset(p->enable, 0, (size_t)p->ncontexts * p->nwords * sizeof(uint32_t));
	memset(p->threshold, 0, p->ncontexts * sizeof(uint32_t));
	/* input levels are the devices' business: sources still high become pending */
	memcpy(p->pending, p->level, p->nwords * sizeof(uint32_t));
	plic_update(p);
}

static void plic_free(void *opaque)
{
	struct plic *p = opaque;

	free(p->priority);
	free(p->pending);
	free(p->claimed);
	free(p->level);
	free(p->enable);
	free(p->threshold);
	free(p->out);
	free(p->out_level);
	free(p);
}

struct plic *plic_new(struct bus *bus, uint64_t base, unsigned nsources, unsigned ncontexts,
		      const struct irq_line *ctx_out)
{
	struct plic *p;
	int err;

	if (nsources < 2 || nsources > 1024 || ncontexts == 0 || ncontexts > 15872)
		return dev_fail(-EINVAL);
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->nsources = nsources;
	p->ncontexts = ncontexts;
	p->nwords = (nsources + 31) / 32;
	p->priority = calloc(nsources, sizeof(uint32_t));
	p->pending = calloc(p->nwords, sizeof(uint32_t));
	p->claimed = calloc(p->nwords, sizeof(uint32_t));
	p->level = calloc(p->nwords, sizeof(uint32_t));
	p->enable = calloc((size_t)ncontexts * p->nwords, sizeof(uint32_t));
	p->threshold = calloc(ncontexts, sizeof(uint32_t));
	p->out = calloc(ncontexts, sizeof(*p->out));
	p->out_level = calloc(ncontexts, sizeof(int));
	if (!p->priority || !p->pending || !p->claimed || !p->level || !p->enable ||
	    !p->threshold || !p->out || !p->out_level) {
		plic_free(p);
		return dev_fail(-ENOMEM);
	}
	if (ctx_out)
		memcpy(p->out, ctx_out, ncontexts * sizeof(*ctx_out));
	err = dev_own(bus, p, plic_reset, plic_free);
	if (!err)
		err = bus_map_io(bus, base, plic_size(ncontexts), &plic_ops, p, "plic");
	return err ? dev_fail(err) : p;
}
