/*
 * The JIT's code cache: one executable region, written through a second
 * (writable) mapping of the same memory so code is never writable and
 * executable at once at one address.
 */
#ifndef MORPH_X86_CODE_CACHE_H
#define MORPH_X86_CODE_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct x86_code_cache {
	uint8_t *rx;       /* executable view */
	uint8_t *rw;       /* writable view of the same bytes (== rx without dual mapping) */
	size_t size;
	size_t fixed_end;  /* end of the permanent part (prologue, epilogue, stubs) */
	size_t used;       /* allocation pointer, >= fixed_end */
	int fd;            /* memfd behind both views, or -1 */
};

extern struct x86_code_cache x86_cc;

/** x86_cc_init() - reserve @size bytes of code cache. Returns 0 or -errno. */
int x86_cc_init(size_t size);

/** x86_cc_rw()/x86_cc_rx() - the other view of an address in the cache. */
static inline void *x86_cc_rw(const void *rx)
{
	return x86_cc.rw + ((const uint8_t *)rx - x86_cc.rx);
}

static inline void *x86_cc_rx(const void *rw)
{
	return x86_cc.rx + ((const uint8_t *)rw - x86_cc.rw);
}

/** x86_cc_delta() - rx address minus rw address (to compute rel32 targets while writing). */
static inline intptr_t x86_cc_delta(void)
{
	return (intptr_t)(x86_cc.rx - x86_cc.rw);
}

/** x86_cc_flush() - forget every TB's code (the fixed part stays). */
void x86_cc_flush(void);

/** x86_cc_patch32() - atomically store 4 bytes of code within one cache line (chaining). */
void x86_cc_patch32(void *rx_addr, uint32_t v);

/** x86_cc_sync_icache() - make writes visible to instruction fetch (no-op on x86). */
static inline void x86_cc_sync_icache(void *rx, size_t len)
{
	(void)rx;
	(void)len;
}

#endif
