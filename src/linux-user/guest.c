/*
 * Access to guest memory from syscall code: bounds and mapping checks (so a
 * bad guest pointer is -EFAULT, never an emulator crash), strings and string
 * vectors, scalars and the small time/sigset structures in the guest's word
 * size and byte order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/linux-user/lx.h"

/* ---- byte order (services of linux-abi.h) ---- */

void lx_st16(void *p, uint16_t v)
{
	if (lx.be)
		v = __builtin_bswap16(v);
	memcpy(p, &v, 2);
}

void lx_st32(void *p, uint32_t v)
{
	if (lx.be)
		v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

void lx_st64(void *p, uint64_t v)
{
	if (lx.be)
		v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

uint16_t lx_ld16(const void *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return lx.be ? __builtin_bswap16(v) : v;
}

uint32_t lx_ld32(const void *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return lx.be ? __builtin_bswap32(v) : v;
}

uint64_t lx_ld64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return lx.be ? __builtin_bswap64(v) : v;
}

/* An unsigned guest integer of @sz bytes (4 or 8) in a host buffer */
static uint64_t ld_sz(const void *p, unsigned sz)
{
	return sz == 8 ? lx_ld64(p) : lx_ld32(p);
}

static void st_sz(void *p, unsigned sz, uint64_t v)
{
	if (sz == 8)
		lx_st64(p, v);
	else
		lx_st32(p, (uint32_t)v);
}

/* ... signed */
static int64_t lds_sz(const void *p, unsigned sz)
{
	return sz == 8 ? (int64_t)lx_ld64(p) : (int32_t)lx_ld32(p);
}

void lx_stw(void *p, uint64_t v)
{
	st_sz(p, lx.wordsz, v);
}

uint64_t lx_ldw(const void *p)
{
	return ld_sz(p, lx.wordsz);
}

/* ---- checks and copies ---- */

bool lx_range_ok(uint64_t a, uint64_t n)
{
	return a + n >= a && a + n <= lx.gs.task_size;
}

void *lx_lock(uint64_t a, uint64_t n, uint32_t prot)
{
	if (!lx_range_ok(a, n))
		return NULL;
	if (n && !gs_check(&lx.gs, a, n, prot))
		return NULL;
	return g2h(a);
}

int lx_copy_from_guest(void *dst, uint64_t gaddr, size_t n)
{
	void *p = lx_lock(gaddr, n, GS_PROT_READ);

	if (!p)
		return -EFAULT;
	memcpy(dst, p, n);
	return 0;
}

int lx_copy_to_guest(uint64_t gaddr, const void *src, size_t n)
{
	void *p = lx_lock(gaddr, n, GS_PROT_WRITE);

	if (!p)
		return -EFAULT;
	memcpy(p, src, n);
	return 0;
}

/* Length of the guest string at @a (without NUL), at most @max; -EFAULT or -ENAMETOOLONG. */
static int64_t guest_strnlen(uint64_t a, size_t max)
{
	size_t len = 0;

	for (;;) {
		uint64_t page_end = (a + len + GS_PAGE_SIZE) & ~GS_PAGE_MASK;
		size_t chunk = page_end - (a + len);
		const char *p = lx_lock(a + len, chunk, GS_PROT_READ);
		const char *z;

		if (!p)
			return -EFAULT;
		z = memchr(p, 0, chunk);
		if (z)
			return (int64_t)(len + (size_t)(z - p));
		len += chunk;
		if (len > max)
			return -ENAMETOOLONG;
	}
}

int lx_get_str(uint64_t a, char *buf, size_t bufsz)
{
	int64_t n = guest_strnlen(a, bufsz);

	if (n < 0)
		return (int)n;
	if ((size_t)n >= bufsz)
		return -ENAMETOOLONG;
	memcpy(buf, g2h(a), (size_t)n + 1);
	return 0;
}

char **lx_get_strv(uint64_t a, int *count)
{
	size_t n = 0, cap = 16;
	char **v = malloc(cap * sizeof(*v));

	if (!v)
		return NULL;
	for (;;) {
		uint64_t p;
		int64_t len;

		if (lx_get_word(a + n * lx.wordsz, &p) < 0)
			goto fault;
		if (!p)
			break;
		len = guest_strnlen(p, 1u << 21);
		if (len < 0)
			goto fault;
		if (n + 2 > cap) {
			char **nv = realloc(v, (cap *= 2) * sizeof(*v));
			if (!nv)
				goto fault;
			v = nv;
		}
		v[n] = malloc((size_t)len + 1);
		if (!v[n])
			goto fault;
		memcpy(v[n], g2h(p), (size_t)len + 1);
		n++;
	}
	v[n] = NULL;
	if (count)
		*count = (int)n;
	return v;
fault:
	v[n] = NULL;
	lx_free_strv(v);
	errno = EFAULT;
	return NULL;
}

void lx_free_strv(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* ... and at guest address @a */
static int get_sz(uint64_t a, unsigned sz, uint64_t *v)
{
	uint8_t b[8];
	int r = lx_copy_from_guest(b, a, sz);

	if (r == 0)
		*v = ld_sz(b, sz);
	return r;
}

static int put_sz(uint64_t a, unsigned sz, uint64_t v)
{
	uint8_t b[8];

	st_sz(b, sz, v);
	return lx_copy_to_guest(a, b, sz);
}

int lx_get_u32(uint64_t a, uint32_t *v)
{
	uint64_t w;
	int r = get_sz(a, 4, &w);

	if (r == 0)
		*v = (uint32_t)w;
	return r;
}

int lx_put_u32(uint64_t a, uint32_t v)
{
	return put_sz(a, 4, v);
}

int lx_get_u64(uint64_t a, uint64_t *v)
{
	return get_sz(a, 8, v);
}

int lx_put_u64(uint64_t a, uint64_t v)
{
	return put_sz(a, 8, v);
}

int lx_get_word(uint64_t a, uint64_t *v)
{
	return get_sz(a, lx.wordsz, v);
}

int lx_put_word(uint64_t a, uint64_t v)
{
	return put_sz(a, lx.wordsz, v);
}

/* A pair of signed guest integers of @sz bytes each (timespec, timeval) */
static int get_pair(uint64_t a, unsigned sz, int64_t *x, int64_t *y)
{
	uint8_t b[16];
	int r = lx_copy_from_guest(b, a, 2 * sz);

	if (r < 0)
		return r;
	*x = lds_sz(b, sz);
	*y = lds_sz(b + sz, sz);
	return 0;
}

static int put_pair(uint64_t a, unsigned sz, int64_t x, int64_t y)
{
	uint8_t b[16];

	st_sz(b, sz, (uint64_t)x);
	st_sz(b + sz, sz, (uint64_t)y);
	return lx_copy_to_guest(a, b, 2 * sz);
}

int lx_get_timespec(uint64_t a, struct timespec *ts)
{
	int64_t s, ns;
	int r = get_pair(a, lx.wordsz, &s, &ns);
	if (r == 0) {
		ts->tv_sec = s;
		ts->tv_nsec = ns;
	}
	return r;
}

int lx_put_timespec(uint64_t a, const struct timespec *ts)
{
	return put_pair(a, lx.wordsz, ts->tv_sec, ts->tv_nsec);
}

int lx_get_timespec64(uint64_t a, struct timespec *ts)
{
	int64_t s, ns;
	int r = get_pair(a, 8, &s, &ns);
	if (r == 0) {
		ts->tv_sec = s;
		/* 32-bit ABIs: the upper half of tv_nsec is padding */
		ts->tv_nsec = lx.wordsz == 4 ? (int32_t)ns : ns;
	}
	return r;
}

int lx_put_timespec64(uint64_t a, const struct timespec *ts)
{
	return put_pair(a, 8, ts->tv_sec, ts->tv_nsec);
}

int lx_get_timeval(uint64_t a, struct timeval *tv)
{
	int64_t s, us;
	int r = get_pair(a, lx.wordsz, &s, &us);
	if (r == 0) {
		tv->tv_sec = s;
		tv->tv_usec = us;
	}
	return r;
}

int lx_put_timeval(uint64_t a, const struct timeval *tv)
{
	return put_pair(a, lx.wordsz, tv->tv_sec, tv->tv_usec);
}

void lx_sigset_from_guest(const uint8_t *b, size_t size, uint64_t set[2])
{
	set[0] = set[1] = 0;
	for (size_t i = 0; i + lx.wordsz <= size && i < 16; i += lx.wordsz) {
		unsigned bit = (unsigned)i * 8;
		set[bit / 64] |= lx_ldw(b + i) << (bit % 64);
	}
}

void lx_sigset_to_guest(uint8_t *b, size_t size, const uint64_t set[2])
{
	for (size_t i = 0; i + lx.wordsz <= size && i < 16; i += lx.wordsz) {
		unsigned bit = (unsigned)i * 8;
		lx_stw(b + i, set[bit / 64] >> (bit % 64));
	}
}

int lx_get_sigset(uint64_t a, size_t size, uint64_t set[2])
{
	uint8_t b[16];

	set[0] = set[1] = 0;
	if (size > 16)
		size = 16;
	if (lx_copy_from_guest(b, a, size) < 0)
		return -EFAULT;
	lx_sigset_from_guest(b, size, set);
	return 0;
}

int lx_put_sigset(uint64_t a, size_t size, const uint64_t set[2])
{
	uint8_t b[16];

	if (size > 16)
		size = 16;
	lx_sigset_to_guest(b, size, set);
	return lx_copy_to_guest(a, b, size);
}
