/*
 * Helpers shared by the device models (internal to devices/).
 */
#ifndef MORPH_DEVICES_DEV_H
#define MORPH_DEVICES_DEV_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "morph/bus.h"

/*
 * dev_own() - hand @dev to @bus: bus_free() will call @release(@dev), and
 * bus_reset() @reset(@dev) if non-NULL. On failure @dev is released at once
 * and -ENOMEM returned. Constructors call this before mapping their windows,
 * so a device whose window fails to map is still freed by the bus.
 */
static inline int dev_own(struct bus *bus, void *dev, void (*reset)(void *),
			  void (*release)(void *))
{
	if (bus_add_cleanup(bus, release, dev)) {
		release(dev);
		return -ENOMEM;
	}
	if (reset && bus_add_reset(bus, reset, dev))
		return -ENOMEM;
	return 0;
}

/* dev_fail() - a constructor's error return: errno = -@err, NULL. */
static inline void *dev_fail(int err)
{
	errno = -err;
	return NULL;
}

/* Little-endian accessors for guest memory and register images. */
static inline uint16_t dev_ld16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t dev_ld32(const void *p)
{
	const uint8_t *b = p;

	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t dev_ld64(const void *p)
{
	return dev_ld32(p) | (uint64_t)dev_ld32((const uint8_t *)p + 4) << 32;
}

static inline void dev_st16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void dev_st32(void *p, uint32_t v)
{
	uint8_t *b = p;

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static inline void dev_st64(void *p, uint64_t v)
{
	dev_st32(p, (uint32_t)v);
	dev_st32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/*
 * dev_reg_read()/dev_reg_write() - access @size bytes at byte @off of a
 * 64-bit register image @reg (for registers the guest may access in halves).
 */
static inline uint64_t dev_reg_read(uint64_t reg, unsigned off, unsigned size)
{
	uint64_t v = reg >> (8 * off);

	return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static inline uint64_t dev_reg_write(uint64_t reg, unsigned off, unsigned size, uint64_t val)
{
	uint64_t mask = size >= 8 ? ~0ull : ((1ull << (8 * size)) - 1);

	return (reg & ~(mask << (8 * off))) | ((val & mask) << (8 * off));
}

#endif
