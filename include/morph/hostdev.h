/*
 * Host backends: what devices talk to on the host side, as structs of
 * function pointers, so a device never knows whether its bytes go to a
 * terminal, a file, a socket or a test harness. Plus the I/O loop (a poll
 * loop with timers) that backends needing host events run in, and clocks.
 *
 *  - character: stdio (raw tty with Ctrl-A escapes, or pass-through) or an
 *    in-memory buffer for tests;
 *  - block: a raw image file (read-only and snapshot modes);
 *  - network: user-mode NAT through libslirp;
 *  - entropy: the host's getrandom() or a seeded PRNG.
 *
 * Threading: backends deliver to their device (chardev->receive, netdev's
 * receive, timer callbacks) with the device lock held -- the mutex given to
 * ioloop_new(), which a machine makes bus_mutex() (see bus.h). Devices call
 * backends (write, send, readv, ...) with that lock held too. So every
 * function here except the ioloop lifecycle calls (new/start/stop/free,
 * run_once, kick) and the block backend must be called with the lock held.
 * The block backend has no shared state and may be used from any thread.
 */
#ifndef MORPH_HOSTDEV_H
#define MORPH_HOSTDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* ---------------------------------------------------------------- clocks */

/** host_clock_ns() - CLOCK_MONOTONIC in ns: the time base of ioloop timers. */
int64_t host_clock_ns(void);

/** host_wall_clock_ns() - CLOCK_REALTIME in ns since the Unix epoch. */
int64_t host_wall_clock_ns(void);

/**
 * A time source for guest timers, in ns. The default is the host monotonic
 * clock; a machine running with --icount supplies one derived from retired
 * instructions (and then polls timers itself instead of using ioloop timers,
 * whose deadlines are host monotonic time).
 */
struct dev_clock {
	int64_t (*now_ns)(void *opaque);
	void *opaque;
};

/** dev_clock_host - host_clock_ns() as a struct dev_clock. */
extern const struct dev_clock dev_clock_host;

static inline int64_t dev_clock_now(const struct dev_clock *c)
{
	return c->now_ns(c->opaque);
}

/* --------------------------------------------------------------- I/O loop */

/**
 * An I/O loop: one host thread that poll()s the file descriptors of backends
 * (stdin, slirp's sockets), runs timers (device timers, slirp's) and calls
 * their callbacks with @lock -- the device lock -- held. It sleeps in poll()
 * without the lock. Everything registered with it (fds, timers, pollers) is
 * guarded by that lock: call ioloop_fd_*(), ioloop_timer_*() and
 * ioloop_poller_add() with it held (any thread; the loop is woken).
 */
struct ioloop;

/** ioloop_new() - a loop whose callbacks run under @lock. NULL on failure (errno). */
struct ioloop *ioloop_new(pthread_mutex_t *lock);

/** ioloop_start() - run the loop in a new thread. Returns 0 or -errno. */
int ioloop_start(struct ioloop *loop);

/** ioloop_stop() - stop the thread and wait for it (no-op if not started). Lock not held. */
void ioloop_stop(struct ioloop *loop);

/** ioloop_free() - stop, then free the loop. Every fd, timer and poller must be gone. */
void ioloop_free(struct ioloop *loop);

/**
 * ioloop_run_once() - one iteration on the calling thread (tests, or a
 * machine without an I/O thread): poll up to @timeout_ms (-1: until an event,
 * 0: don't wait), dispatch, run due timers. Call without the lock held;
 * returns the number of fd events and timers handled.
 */
int ioloop_run_once(struct ioloop *loop, int timeout_ms);

/** ioloop_kick() - wake the loop from poll() (thread and async-signal safe). */
void ioloop_kick(struct ioloop *loop);

struct ioloop_fd;

/**
 * ioloop_fd_add() - call @cb(@opaque, revents) when @fd has any of @events
 * (POLLIN, POLLOUT) or an error/hangup. NULL on allocation failure.
 */
struct ioloop_fd *ioloop_fd_add(struct ioloop *loop, int fd, short events,
				void (*cb)(void *opaque, short revents), void *opaque);

/** ioloop_fd_set_events() - change the events polled for (0: stop polling for now). */
void ioloop_fd_set_events(struct ioloop_fd *h, short events);

/** ioloop_fd_remove() - forget @h (safe from inside its own callback). Does not close the fd. */
void ioloop_fd_remove(struct ioloop_fd *h);

struct ioloop_timer;

/** ioloop_timer_new() - an unarmed timer calling @cb(@opaque). NULL on failure. */
struct ioloop_timer *ioloop_timer_new(struct ioloop *loop, void (*cb)(void *opaque), void *opaque);

/** ioloop_timer_mod() - (re)arm @t for host_clock_ns() >= @deadline_ns. One-shot. */
void ioloop_timer_mod(struct ioloop_timer *t, int64_t deadline_ns);

/** ioloop_timer_del() - disarm @t. */
void ioloop_timer_del(struct ioloop_timer *t);

/** ioloop_timer_pending() - true if @t is armed; its deadline in @deadline_ns if non-NULL. */
bool ioloop_timer_pending(const struct ioloop_timer *t, int64_t *deadline_ns);

/** ioloop_timer_free() - disarm and free @t (safe from inside its own callback). */
void ioloop_timer_free(struct ioloop_timer *t);

/**
 * A poller adds a dynamic set of fds to each poll() (libslirp's model):
 * fill() calls ioloop_pollset_add() for each fd and may lower *timeout_ms;
 * dispatch() reads the results with ioloop_pollset_revents(). Both run with
 * the lock held.
 */
struct ioloop_pollset;
struct ioloop_poller {
	void (*fill)(void *opaque, struct ioloop_pollset *ps, int *timeout_ms);
	void (*dispatch)(void *opaque, struct ioloop_pollset *ps, bool poll_error);
	void *opaque;
};

/** ioloop_poller_add()/remove() - @p must stay valid until removed. */
int ioloop_poller_add(struct ioloop *loop, const struct ioloop_poller *p);
void ioloop_poller_remove(struct ioloop *loop, const struct ioloop_poller *p);

/** ioloop_pollset_add() - poll @fd for @events; returns an index for revents, or -1. */
int ioloop_pollset_add(struct ioloop_pollset *ps, int fd, short events);

/** ioloop_pollset_revents() - what poll() reported for index @idx (0 if out of range). */
short ioloop_pollset_revents(const struct ioloop_pollset *ps, int idx);

/* ------------------------------------------------------------- character */

struct chardev;

/** A character backend's operations. */
struct chardev_ops {
	/** write() - bytes from the device to the host. Returns how many were taken. */
	size_t (*write)(struct chardev *chr, const uint8_t *buf, size_t len);
	/** accept_input() - the device has room again: deliver held input. May be NULL. */
	void (*accept_input)(struct chardev *chr);
	/** close() - restore the host side (terminal modes) and free @chr. */
	void (*close)(struct chardev *chr);
};

/**
 * A character backend. The device (frontend) installs can_receive/receive
 * with chardev_set_frontend(); the backend calls receive() with at most
 * can_receive() bytes and holds the rest until chardev_accept_input().
 */
struct chardev {
	const struct chardev_ops *ops;
	size_t (*can_receive)(void *opaque);
	void (*receive)(void *opaque, const uint8_t *buf, size_t len);
	void *fe_opaque;
};

void chardev_set_frontend(struct chardev *chr, size_t (*can_receive)(void *opaque),
			  void (*receive)(void *opaque, const uint8_t *buf, size_t len),
			  void *opaque);

/** chardev_write() - send @len bytes to the host; returns how many were taken. */
size_t chardev_write(struct chardev *chr, const uint8_t *buf, size_t len);

/** chardev_accept_input() - the device can take input again. */
void chardev_accept_input(struct chardev *chr);

/** chardev_close() - close @chr (NULL is a no-op). */
void chardev_close(struct chardev *chr);

/** chardev_buffer_new() - an in-memory backend for tests: output is kept, input is pushed. */
struct chardev *chardev_buffer_new(void);

/** chardev_buffer_input() - queue @len bytes of input and deliver what the device takes. */
void chardev_buffer_input(struct chardev *chr, const void *buf, size_t len);

/** chardev_buffer_pending() - bytes of input not yet taken by the device. */
size_t chardev_buffer_pending(const struct chardev *chr);

/** chardev_buffer_output() - everything the device wrote so far (NUL-terminated); length in @len.
 */
const char *chardev_buffer_output(const struct chardev *chr, size_t *len);

/** chardev_buffer_clear() - forget the output collected so far. */
void chardev_buffer_clear(struct chardev *chr);

/** Options of the stdio backend. */
struct chardev_stdio_opts {
	/*
	 * When stdin is a terminal it is put in raw mode (restored on close and at
	 * exit) and Ctrl-A is an escape: Ctrl-A x quits (calls quit), Ctrl-A h
	 * prints help, Ctrl-A Ctrl-A sends one Ctrl-A. Otherwise bytes pass through.
	 */
	void (*quit)(void *opaque); /* called with the device lock held */
	void *quit_opaque;
	int in_fd;  /* input fd: 0 (stdin) when zero-initialised; -1: no input */
	int out_fd; /* output fd: 0 (zero-initialised) means 1 (stdout) */
};

/** chardev_stdio_new() - the terminal backend; reads input in @loop. NULL on failure (errno). */
struct chardev *chardev_stdio_new(struct ioloop *loop, const struct chardev_stdio_opts *opts);

/* ----------------------------------------------------------------- block */

struct blockdev;

/**
 * A block backend. Offsets and lengths are in bytes; devices keep requests
 * inside [0, size). All return 0 or -errno. Not tied to the device lock.
 */
struct blockdev_ops {
	int (*readv)(struct blockdev *bd, uint64_t off, const struct iovec *iov, int iovcnt);
	int (*writev)(struct blockdev *bd, uint64_t off, const struct iovec *iov, int iovcnt);
	int (*flush)(struct blockdev *bd); /* data written so far is on stable storage */
	int (*discard)(struct blockdev *bd, uint64_t off, uint64_t len);      /* may be NULL */
	int (*write_zeroes)(struct blockdev *bd, uint64_t off, uint64_t len); /* may be NULL */
	int (*close)(struct blockdev *bd); /* final flush, then free; returns the flush result */
};

struct blockdev {
	const struct blockdev_ops *ops;
	uint64_t size; /* bytes */
	bool readonly; /* writes fail with -EROFS */
};

#define BLOCKDEV_READONLY 1u /* open the image read-only; guest writes fail */
#define BLOCKDEV_SNAPSHOT 2u /* guest writes stay in memory; the image is never modified */

/**
 * blockdev_open_file() - a raw image file. The image is locked (flock:
 * shared when read-only or snapshot, exclusive otherwise) so two machines
 * cannot write it at once. flush is fdatasync(); close flushes first.
 * Returns NULL with errno set (EBUSY: locked by another process).
 */
struct blockdev *blockdev_open_file(const char *path, unsigned flags);

/**
 * blockdev_parse_spec() - parse a --drive argument "FILE[,readonly][,snapshot]"
 * into a malloc'ed path and BLOCKDEV_* flags. Returns 0 or -EINVAL (message in
 * @err, @errlen bytes).
 */
int blockdev_parse_spec(const char *spec, char **path, unsigned *flags, char *err, size_t errlen);

static inline int blockdev_readv(struct blockdev *bd, uint64_t off, const struct iovec *iov,
				 int iovcnt)
{
	return bd->ops->readv(bd, off, iov, iovcnt);
}

static inline int blockdev_writev(struct blockdev *bd, uint64_t off, const struct iovec *iov,
				  int iovcnt)
{
	return bd->ops->writev(bd, off, iov, iovcnt);
}

static inline int blockdev_flush(struct blockdev *bd)
{
	return bd->ops->flush(bd);
}

/** blockdev_close() - final flush and free (NULL is a no-op); returns the flush result. */
int blockdev_close(struct blockdev *bd);

/* --------------------------------------------------------------- network */

struct netdev;

struct netdev_ops {
	/** send() - an Ethernet frame from the guest (no FCS). 0 or -errno (frame dropped). */
	int (*send)(struct netdev *nd, const uint8_t *frame, size_t len);
	/** close() - free the backend. */
	void (*close)(struct netdev *nd);
};

/**
 * A network backend. Frames towards the guest go through netdev_deliver():
 * to the device's receive() if it can take one, else into a bounded queue
 * (oldest kept, newest dropped when full) that netdev_rx_ready() flushes.
 */
struct netdev {
	const struct netdev_ops *ops;
	bool (*can_receive)(void *opaque);
	/* returns false if the frame could not be taken after all (it is then queued) */
	bool (*receive)(void *opaque, const uint8_t *frame, size_t len);
	void *fe_opaque;
	struct netdev_frame *rxq_head, *rxq_tail;
	size_t rxq_frames, rxq_bytes;
	unsigned long rx_dropped;
};

void netdev_set_frontend(struct netdev *nd, bool (*can_receive)(void *opaque),
			 bool (*receive)(void *opaque, const uint8_t *frame, size_t len),
			 void *opaque);

/** netdev_send() - a frame from the guest to the backend. */
int netdev_send(struct netdev *nd, const uint8_t *frame, size_t len);

/** netdev_deliver() - (backends) a frame for the guest: deliver now or queue. */
void netdev_deliver(struct netdev *nd, const uint8_t *frame, size_t len);

/** netdev_rx_ready() - (devices) the guest gave receive buffers: flush the queue. */
void netdev_rx_ready(struct netdev *nd);

/** netdev_close() - drop queued frames, close the backend (NULL is a no-op). */
void netdev_close(struct netdev *nd);

/** One host -> guest port forwarding rule of the user-mode network. */
struct netdev_hostfwd {
	bool udp;
	uint32_t host_addr; /* network byte order; default 127.0.0.1 (QEMU: any) */
	uint16_t host_port;
	uint32_t guest_addr; /* network byte order; default 10.0.2.15 */
	uint16_t guest_port;
};

#define NETDEV_MAX_HOSTFWD 16

/** Options of the user-mode (slirp) network: QEMU's defaults, 10.0.2.0/24. */
struct netdev_user_opts {
	struct netdev_hostfwd hostfwd[NETDEV_MAX_HOSTFWD];
	unsigned nhostfwd;
	bool restrict_net; /* no connections out of the virtual network */
	bool ipv6;	   /* also IPv6 (fec0::/64); default on */
};

/**
 * netdev_user_parse() - parse a --net argument: "user" followed by options
 * ",hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT" (repeatable),
 * ",restrict=on|off", ",ipv6=on|off". Returns 0 or -EINVAL with a message in @err.
 */
int netdev_user_parse(const char *spec, struct netdev_user_opts *opts, char *err, size_t errlen);

/**
 * netdev_user_new() - user-mode NAT through libslirp: the guest network
 * 10.0.2.0/24, gateway and host loopback at 10.0.2.2, DNS at 10.0.2.3, DHCP
 * hands out 10.0.2.15+. slirp's sockets and timers run in @loop (with the
 * device lock held, as is every call into slirp: slirp is not thread-safe).
 * Returns NULL with a message in @err (a hostfwd port in use, ...).
 */
struct netdev *netdev_user_new(struct ioloop *loop, const struct netdev_user_opts *opts, char *err,
			       size_t errlen);

/* --------------------------------------------------------------- entropy */

struct entropy {
	/** fill() - @len random bytes into @buf. 0 or -errno. */
	int (*fill)(struct entropy *e, void *buf, size_t len);
	void (*close)(struct entropy *e);
};

/** entropy_host_new() - the host's getrandom(). */
struct entropy *entropy_host_new(void);

/** entropy_prng_new() - a deterministic generator (xoshiro256**) seeded with @seed. */
struct entropy *entropy_prng_new(uint64_t seed);

static inline int entropy_fill(struct entropy *e, void *buf, size_t len)
{
	return e->fill(e, buf, len);
}

/** entropy_close() - NULL is a no-op. */
void entropy_close(struct entropy *e);

#endif
