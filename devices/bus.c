/*
 * The guest-physical bus: a sorted table of regions, lock-free lookups once
 * the machine is built, one device lock for all MMIO (see bus.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "morph/bus.h"

struct bus_hook {
	void (*fn)(void *opaque);
	void *opaque;
};

struct bus {
	struct bus_region *regions; /* sorted by base, non-overlapping */
	unsigned nregions, cap;

	struct bus_hook *resets, *cleanups;
	unsigned nresets, ncleanups;

	struct {
		void *host;
		uint64_t size;
	} * owned; /* bus_alloc_ram() mappings */
	unsigned nowned;

	void (*dma_fn)(void *opaque, uint64_t gpa, uint64_t len);
	void *dma_opaque;

	pthread_mutex_t lock;
};

struct bus *bus_new(void)
{
	struct bus *bus = calloc(1, sizeof(*bus));

	if (!bus)
		return NULL;
	pthread_mutex_init(&bus->lock, NULL);
	return bus;
}

void bus_free(struct bus *bus)
{
	if (!bus)
		return;
	for (unsigned i = bus->ncleanups; i-- > 0;)
		bus->cleanups[i].fn(bus->cleanups[i].opaque);
	for (unsigned i = 0; i < bus->nowned; i++)
		munmap(bus->owned[i].host, bus->owned[i].size);
	free(bus->owned);
	free(bus->cleanups);
	free(bus->resets);
	free(bus->regions);
	pthread_mutex_destroy(&bus->lock);
	free(bus);
}

static int bus_insert(struct bus *bus, const struct bus_region *r)
{
	unsigned i;

	if (r->size == 0 || r->base + r->size - 1 < r->base)
		return -EINVAL;
	for (i = 0; i < bus->nregions; i++) {
		const struct bus_region *o = &bus->regions[i];

		if (r->base <= o->base + (o->size - 1) && o->base <= r->base + (r->size - 1))
			return -EEXIST;
		if (o->base > r->base)
			break;
	}
	if (bus->nregions == bus->cap) {
		unsigned cap = bus->cap ? bus->cap * 2 : 16;
		struct bus_region *n = realloc(bus->regions, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		bus->regions = n;
		bus->cap = cap;
	}
	memmove(&bus->regions[i + 1], &bus->regions[i], (bus->nregions - i) * sizeof(*r));
	bus->regions[i] = *r;
	bus->nregions++;
	return 0;
}

int bus_map_io(struct bus *bus, uint64_t base, uint64_t size, const struct bus_ops *ops,
	       void *opaque, const char *name)
{
	struct bus_region r = {
	    .base = base,
	    .size = size,
	    .kind = BUS_IO,
	    .name = name,
	    .ops = ops,
	    .opaque = opaque,
	};

	return bus_insert(bus, &r);
}

int bus_map_ram(struct bus *bus, uint64_t base, uint64_t size, void *host, unsigned flags,
		const char *name)
{
	struct bus_region r = {
	    .base = base,
	    .size = size,
	    .name = name,
	    .host = host,
	    .kind = (flags & BUS_RAM_READONLY) ? BUS_ROM : BUS_RAM,
	};

	if (!host)
		return -EINVAL;
	return bus_insert(bus, &r);
}

void *bus_alloc_ram(struct bus *bus, uint64_t base, uint64_t size, unsigned flags, const char *name)
{
	void *host, *n;
	int err;

	if (size == 0 || size > SIZE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	n = realloc(bus->owned, (bus->nowned + 1) * sizeof(*bus->owned));
	if (!n) {
		errno = ENOMEM;
		return NULL;
	}
	bus->owned = n;
	host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (host == MAP_FAILED)
		return NULL;
	err = bus_map_ram(bus, base, size, host, flags, name);
	if (err) {
		munmap(host, size);
		errno = -err;
		return NULL;
	}
	bus->owned[bus->nowned].host = host;
	bus->owned[bus->nowned].size = size;
	bus->nowned++;
	return host;
}

const struct bus_region *bus_find(const struct bus *bus, uint64_t gpa)
{
	unsigned lo = 0, hi = bus->nregions;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct bus_region *r = &bus->regions[mid];

		if (gpa < r->base)
			hi = mid;
		else if (gpa - r->base >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

/* The region holding all of [gpa, gpa + len), or NULL; len >= 1. */
static const struct bus_region *bus_find_range(const struct bus *bus, uint64_t gpa, uint64_t len)
{
	const struct bus_region *r = bus_find(bus, gpa);

	if (!r || len - 1 > r->size - 1 - (gpa - r->base))
		return NULL;
	return r;
}

void *bus_ram_ptr(const struct bus *bus, uint64_t gpa, uint64_t len)
{
	const struct bus_region *r = bus_find_range(bus, gpa, len ? len : 1);

	if (!r || r->kind == BUS_IO)
		return NULL;
	return r->host + (gpa - r->base);
}

void *bus_ram_ptr_w(const struct bus *bus, uint64_t gpa, uint64_t len)
{
	const struct bus_region *r = bus_find_range(bus, gpa, len ? len : 1);

	if (!r || r->kind != BUS_RAM)
		return NULL;
	return r->host + (gpa - r->base);
}

int bus_dma_read(const struct bus *bus, uint64_t gpa, void *buf, uint64_t len)
{
	void *p;

	if (len == 0)
		return 0;
	p = bus_ram_ptr(bus, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

int bus_dma_write(struct bus *bus, uint64_t gpa, const void *buf, uint64_t len)
{
	void *p;

	if (len == 0)
		return 0;
	p = bus_ram_ptr_w(bus, gpa, len);
	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	bus_dma_written(bus, gpa, len);
	return 0;
}

void bus_set_dma_notifier(struct bus *bus, void (*fn)(void *opaque, uint64_t gpa, uint64_t len),
			  void *opaque)
{
	bus->dma_fn = fn;
	bus->dma_opaque = opaque;
}

void bus_dma_written(struct bus *bus, uint64_t gpa, uint64_t len)
{
	if (bus->dma_fn && len)
		bus->dma_fn(bus->dma_opaque, gpa, len);
}

static bool bus_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

int bus_read(struct bus *bus, uint64_t gpa, unsigned size, uint64_t *val)
{
	const struct bus_region *r;

	if (!bus_size_ok(size))
		return BUS_ERR_SIZE;
	r = bus_find_range(bus, gpa, size);
	if (!r)
		return BUS_ERR_UNMAPPED;
	if (r->kind != BUS_IO) {
		uint64_t v = 0;

		/* little-endian host: the low bytes of v are the guest's bytes */
		memcpy(&v, r->host + (gpa - r->base), size);
		*val = v;
		return 0;
	}
	pthread_mutex_lock(&bus->lock);
	*val = r->ops->read ? r->ops->read(r->opaque, gpa - r->base, size) : 0;
	pthread_mutex_unlock(&bus->lock);
	if (size < 8)
		*val &= (1ull << (size * 8)) - 1;
	return 0;
}

int bus_write(struct bus *bus, uint64_t gpa, unsigned size, uint64_t val)
{
	const struct bus_region *r;

	if (!bus_size_ok(size))
		return BUS_ERR_SIZE;
	r = bus_find_range(bus, gpa, size);
	if (!r)
		return BUS_ERR_UNMAPPED;
	if (r->kind == BUS_ROM)
		return BUS_ERR_READONLY;
	if (size < 8)
		val &= (1ull << (size * 8)) - 1;
	if (r->kind == BUS_RAM) {
		memcpy(r->host + (gpa - r->base), &val, size);
		return 0;
	}
	pthread_mutex_lock(&bus->lock);
	if (r->ops->write)
		r->ops->write(r->opaque, gpa - r->base, val, size);
	pthread_mutex_unlock(&bus->lock);
	return 0;
}

void bus_lock(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
}

void bus_unlock(struct bus *bus)
{
	pthread_mutex_unlock(&bus->lock);
}

pthread_mutex_t *bus_mutex(struct bus *bus)
{
	return &bus->lock;
}

static int bus_hook_add(struct bus_hook **v, unsigned *n, void (*fn)(void *), void *opaque)
{
	struct bus_hook *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	nv[*n].fn = fn;
	nv[*n].opaque = opaque;
	*v = nv;
	(*n)++;
	return 0;
}

int bus_add_reset(struct bus *bus, void (*fn)(void *opaque), void *opaque)
{
	return bus_hook_add(&bus->resets, &bus->nresets, fn, opaque);
}

int bus_add_cleanup(struct bus *bus, void (*fn)(void *opaque), void *opaque)
{
	return bus_hook_add(&bus->cleanups, &bus->ncleanups, fn, opaque);
}

void bus_reset(struct bus *bus)
{
	pthread_mutex_lock(&bus->lock);
	for (unsigned i = 0; i < bus->nresets; i++)
		bus->resets[i].fn(bus->resets[i].opaque);
	pthread_mutex_unlock(&bus->lock);
}

/* Guest errors: each distinct format string is printed once. */
#define GUEST_ERR_SEEN_MAX 128
static const char *guest_err_seen[GUEST_ERR_SEEN_MAX];
static unsigned guest_err_nseen;
static atomic_ulong guest_err_count;
static pthread_mutex_t guest_err_lock = PTHREAD_MUTEX_INITIALIZER;

unsigned long bus_guest_verror(const char *dev, const char *fmt, va_list ap)
{
	unsigned long n = atomic_fetch_add(&guest_err_count, 1) + 1;
	bool seen = false;

	pthread_mutex_lock(&guest_err_lock);
	for (unsigned i = 0; i < guest_err_nseen; i++) {
		if (guest_err_seen[i] == fmt) {
			seen = true;
			break;
		}
	}
	if (!seen && guest_err_nseen < GUEST_ERR_SEEN_MAX)
		guest_err_seen[guest_err_nseen++] = fmt;
	pthread_mutex_unlock(&guest_err_lock);
	if (seen)
		return n;
	fprintf(stderr, "morph: %s: guest error: ", dev);
	vfprintf(stderr, fmt, ap);
	fputs(" (reported once)\n", stderr);
	return n;
}

unsigned long bus_guest_error(const char *dev, const char *fmt, ...)
{
	unsigned long n;
	va_list ap;

	va_start(ap, fmt);
	n = bus_guest_verror(dev, fmt, ap);
	va_end(ap);
	return n;
}

unsigned long bus_guest_error_count(void)
{
	return atomic_load(&guest_err_count);
}
