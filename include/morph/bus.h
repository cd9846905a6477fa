/*
 * The device seam: a machine's guest-physical address space as a bus of
 * non-overlapping regions. A region is either guest RAM/ROM (host memory
 * the CPU may touch directly and devices may DMA into) or a device's MMIO
 * window (read/write callbacks with the offset into the window).
 *
 * Lifecycle: the machine creates the bus, maps RAM/ROM and creates its
 * devices (each maps its windows and registers its reset and cleanup hooks),
 * then starts the CPU and I/O threads. The region table is frozen from then
 * on: lookups (bus_find(), bus_ram_ptr()) take no lock and host pointers to
 * RAM stay valid until bus_free().
 *
 * Locking -- one lock for all device work (the "device lock"):
 *  - every MMIO callback, every device-side interrupt change, every backend
 *    callback into a device (char input, network frames, timers of the I/O
 *    loop) runs with the bus lock held. Devices therefore need no lock of
 *    their own and may call each other (device -> PLIC) freely;
 *  - bus_read()/bus_write() take the lock around an MMIO callback; RAM
 *    accesses through them take no lock;
 *  - device code never calls bus_read()/bus_write() (it would deadlock):
 *    DMA goes through bus_ram_ptr()/bus_dma_read()/bus_dma_write() only;
 *  - the CPU thread must not hold the lock while executing guest code or
 *    sleeping in wfi; receivers of interrupt lines outside devices/ never
 *    take it (see irq.h).
 */
#ifndef MORPH_BUS_H
#define MORPH_BUS_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bus;

/** A device's MMIO callbacks. @offset is relative to the window base; @size is 1, 2, 4 or 8. */
struct bus_ops {
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
};

enum bus_region_kind {
	BUS_RAM, /* host memory, read/write */
	BUS_ROM, /* host memory, guest writes are refused */
	BUS_IO,	 /* a device's MMIO window */
};

/** One mapped range [base, base + size). Read-only to users of the bus. */
struct bus_region {
	uint64_t base;
	uint64_t size;
	enum bus_region_kind kind;
	const char *name;
	uint8_t *host;		   /* RAM/ROM: host address of base */
	const struct bus_ops *ops; /* IO */
	void *opaque;		   /* IO: first argument of the callbacks */
};

/* Flags of bus_map_ram() / bus_alloc_ram(). */
#define BUS_RAM_READONLY 1u /* a ROM: guest stores and device DMA writes are refused */

/** bus_new() - an empty bus. NULL on allocation failure. */
struct bus *bus_new(void);

/**
 * bus_free() - run every cleanup hook (bus_add_cleanup()) in reverse order of
 * registration, then free memory allocated by bus_alloc_ram() and the bus.
 * All threads using the bus must have stopped.
 */
void bus_free(struct bus *bus);

/**
 * bus_map_io() - map a device window [@base, @base + @size). @ops and @name
 * must outlive the bus. Returns 0, -EINVAL (empty or wrapping range),
 * -EEXIST (overlaps a mapped region) or -ENOMEM.
 */
int bus_map_io(struct bus *bus, uint64_t base, uint64_t size, const struct bus_ops *ops,
	       void *opaque, const char *name);

/**
 * bus_map_ram() - map caller-owned host memory @host as guest RAM (or ROM with
 * BUS_RAM_READONLY) at [@base, @base + @size). Errors as bus_map_io().
 */
int bus_map_ram(struct bus *bus, uint64_t base, uint64_t size, void *host, unsigned flags,
		const char *name);

/**
 * bus_alloc_ram() - allocate zeroed host memory (anonymous mmap, lazily
 * committed) and map it as with bus_map_ram(). The bus owns it. Returns the
 * host address of @base, or NULL with errno set.
 */
void *bus_alloc_ram(struct bus *bus, uint64_t base, uint64_t size, unsigned flags,
		    const char *name);

/** bus_find() - the region containing @gpa, or NULL. Lock-free. */
const struct bus_region *bus_find(const struct bus *bus, uint64_t gpa);

/**
 * bus_ram_ptr() - host pointer to guest RAM or ROM [@gpa, @gpa + @len), or NULL
 * unless the whole range lies inside a single RAM/ROM region (adjacent
 * regions do not join). A @len of 0 is treated as 1. This is the only way a
 * device reaches guest memory, so a malformed guest address can never make a
 * device touch host memory outside guest RAM. Lock-free.
 */
void *bus_ram_ptr(const struct bus *bus, uint64_t gpa, uint64_t len);

/** bus_ram_ptr_w() - as bus_ram_ptr(), for a device that will write: NULL for ROM. */
void *bus_ram_ptr_w(const struct bus *bus, uint64_t gpa, uint64_t len);

/**
 * bus_dma_read()/bus_dma_write() - copy between a host buffer and guest RAM
 * [@gpa, @gpa + @len) (which must lie inside one region, as bus_ram_ptr()).
 * bus_dma_write() reports the write to the DMA notifier. Return 0 or -EFAULT
 * (nothing copied).
 */
int bus_dma_read(const struct bus *bus, uint64_t gpa, void *buf, uint64_t len);
int bus_dma_write(struct bus *bus, uint64_t gpa, const void *buf, uint64_t len);

/**
 * bus_set_dma_notifier() - @fn is called after a device wrote guest RAM
 * [gpa, gpa + len) behind the CPU's back (bus_dma_write(), bus_dma_written()),
 * so the CPU side can invalidate translated code on those pages. Called with
 * the bus lock held, from the CPU or the I/O thread.
 */
void bus_set_dma_notifier(struct bus *bus, void (*fn)(void *opaque, uint64_t gpa, uint64_t len),
			  void *opaque);

/** bus_dma_written() - a device wrote [@gpa, @gpa + @len) through a bus_ram_ptr_w() pointer. */
void bus_dma_written(struct bus *bus, uint64_t gpa, uint64_t len);

/* Errors of bus_read()/bus_write(): the CPU turns them into access faults. */
#define BUS_ERR_UNMAPPED (-1) /* no region covers the whole access */
#define BUS_ERR_READONLY (-2) /* a store to ROM */
#define BUS_ERR_SIZE (-3)     /* size not 1, 2, 4 or 8 */

/**
 * bus_read() - a guest load of @size bytes at @gpa (the CPU's slow path):
 * RAM/ROM directly, MMIO through the device's read callback with the bus
 * lock held. Little-endian. Returns 0 and the value in @val, or BUS_ERR_*.
 * An access crossing the end of a region is BUS_ERR_UNMAPPED.
 */
int bus_read(struct bus *bus, uint64_t gpa, unsigned size, uint64_t *val);

/** bus_write() - a guest store; as bus_read(). RAM stores do not call the DMA notifier. */
int bus_write(struct bus *bus, uint64_t gpa, unsigned size, uint64_t val);

/** bus_lock()/bus_unlock() - the device lock (see the top of this file). Not recursive. */
void bus_lock(struct bus *bus);
void bus_unlock(struct bus *bus);

/** bus_mutex() - the device lock itself, e.g. for ioloop_new() or a condition variable. */
pthread_mutex_t *bus_mutex(struct bus *bus);

/**
 * bus_add_reset() - @fn(@opaque) runs on bus_reset() (machine reset, guest
 * reboot), in registration order, with the bus lock held. Devices register
 * themselves when created.
 */
int bus_add_reset(struct bus *bus, void (*fn)(void *opaque), void *opaque);

/** bus_reset() - reset every device. Takes the bus lock. */
void bus_reset(struct bus *bus);

/**
 * bus_add_cleanup() - @fn(@opaque) runs from bus_free(), in reverse order of
 * registration (so a backend registered before the device using it is
 * closed after that device is freed).
 */
int bus_add_cleanup(struct bus *bus, void (*fn)(void *opaque), void *opaque);

/**
 * bus_guest_error() - report a guest programming error on device @dev
 * (printf-style). Every distinct message is printed once to stderr
 * ("morph: <dev>: guest error: ..."), later repeats are counted only.
 * Returns the number of guest errors reported so far (all devices).
 */
unsigned long bus_guest_error(const char *dev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** bus_guest_verror() - bus_guest_error() with a va_list (same once-per-format rule). */
unsigned long bus_guest_verror(const char *dev, const char *fmt, va_list ap);

/** bus_guest_error_count() - number of bus_guest_error() calls so far (tests). */
unsigned long bus_guest_error_count(void);

#endif
