/*
 * The devices a board instantiates, with register behaviour compatible with
 * QEMU's virt machine (so Linux, OpenSBI and U-Boot drivers work unchanged).
 *
 * Every constructor maps the device's MMIO window(s) on @bus, registers the
 * device's reset hook (bus_reset()) and its cleanup (bus_free() frees it),
 * and returns the device, or NULL with errno set (EEXIST: the window
 * overlaps another region). Backends (struct chardev, blockdev, netdev,
 * entropy) are borrowed, not owned: the machine closes them after
 * bus_free() -- or registers their close with bus_add_cleanup() before
 * creating the device. All device state is guarded by the bus lock; the
 * functions below that a CPU thread calls say whether they need it.
 *
 * Typical virt wiring (QEMU's memory map and interrupt numbers):
 *
 *	bus = bus_new(); bus_alloc_ram(bus, 0x80000000, ram_size, 0, "ram");
 *	loop = ioloop_new(bus_mutex(bus));
 *	sifive_test_new(bus, 0x100000, on_power, machine);
 *	clint_new(&clint, bus, 0x2000000, nharts, msip_lines, mtip_lines,
 *		  &(struct aclint_mtimer_config){.loop = loop});
 *	plic = plic_new(bus, 0xc000000, 96, 2 * nharts, ctx_lines); // ctx 2h: M, 2h+1: S
 *	uart16550_new(bus, 0x10000000, 0, plic_input(plic, 10), chr);
 *	goldfish_rtc_new(bus, 0x101000, plic_input(plic, 11), loop);
 *	// virtio slot i (0..7) at 0x10001000 + 0x1000 * i, PLIC source 1 + i:
 *	virtio_blk_new(bus, 0x10001000, plic_input(plic, 1), bd);
 *	virtio_net_new(bus, 0x10002000, plic_input(plic, 2), nd, NULL);
 *	ioloop_start(loop); ... run harts ...; ioloop_stop(loop); bus_free(bus);
 *	blockdev_close(bd); netdev_close(nd); chardev_close(chr); ioloop_free(loop);
 *
 * docs/devices.md has the full picture (locking, what the CPU side provides).
 */
#ifndef MORPH_DEVICES_H
#define MORPH_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "morph/bus.h"
#include "morph/hostdev.h"
#include "morph/irq.h"

/* ------------------------------------------------------------ ns16550a UART */

struct uart16550;

#define UART16550_CLOCK_HZ 3686400 /* the clock-frequency QEMU's virt advertises */

/**
 * uart16550_new() - an ns16550a at @base; registers are 1 << @reg_shift bytes
 * apart (window 0x100 << reg_shift bytes, as the device tree says; beyond the eight
 * registers reads are 0). Received bytes come from @chr into a
 * 16-byte FIFO; transmitted bytes go to @chr at once. @irq is level: high
 * while an enabled interrupt condition is pending (IIR bit 0 clear).
 */
struct uart16550 *uart16550_new(struct bus *bus, uint64_t base, unsigned reg_shift,
				struct irq_line irq, struct chardev *chr);

/* ---------------------------------------------------------- ACLINT / CLINT */

struct aclint_mswi;
struct aclint_mtimer;

#define ACLINT_MSWI_SIZE 0x4000		/* msip[hart] at 4 * hart */
#define ACLINT_MTIMER_SIZE 0x8000	/* mtimecmp[hart] at 8 * hart, mtime at 0x7ff8 */
#define ACLINT_DEFAULT_FREQ_HZ 10000000 /* QEMU virt's timebase-frequency */

/** aclint_mswi_new() - machine software interrupts: msip[h] drives @msip[h] (MSIP of hart h). */
struct aclint_mswi *aclint_mswi_new(struct bus *bus, uint64_t base, unsigned nharts,
				    const struct irq_line *msip);

struct aclint_mtimer_config {
	uint64_t freq_hz;	       /* 0: ACLINT_DEFAULT_FREQ_HZ */
	const struct dev_clock *clock; /* NULL: &dev_clock_host (copied) */
	/*
	 * Where deadline timers run: with a loop, MTIP rises on time by itself
	 * (the clock must then be the host monotonic one). NULL: the CPU side
	 * calls aclint_mtimer_update() when aclint_mtimer_next_deadline_ns()
	 * has passed (icount mode).
	 */
	struct ioloop *loop;
	/*
	 * Without a loop: called (on the CPU's thread, under the bus lock) when a
	 * guest write may have moved the next deadline, so the CPU side asks
	 * aclint_mtimer_next_deadline_ns() again. NULL: nobody to tell.
	 */
	void (*deadline_changed)(void *opaque);
	void *deadline_opaque;
};

/**
 * aclint_mtimer_new() - the machine timer: mtime counts @cfg->freq_hz ticks
 * from the clock (0 at creation; guest writes move it), MTIP of hart h
 * (@mtip[h]) is high while mtime >= mtimecmp[h]. mtimecmp resets to ~0.
 */
struct aclint_mtimer *aclint_mtimer_new(struct bus *bus, uint64_t base, unsigned nharts,
					const struct irq_line *mtip,
					const struct aclint_mtimer_config *cfg);

/** aclint_mtimer_time() - mtime now (for the time CSR / rdtime). Lock-free. */
uint64_t aclint_mtimer_time(struct aclint_mtimer *mt);

/** aclint_mtimer_freq() - the timebase frequency in Hz. */
uint64_t aclint_mtimer_freq(const struct aclint_mtimer *mt);

/**
 * aclint_mtimer_ns_at() - the clock time (ns, the config clock's domain) at
 * which mtime reaches @ticks; INT64_MAX if never (e.g. ~0). For Sstc's
 * stimecmp deadlines too. Lock-free.
 */
int64_t aclint_mtimer_ns_at(struct aclint_mtimer *mt, uint64_t ticks);

/**
 * aclint_mtimer_next_deadline_ns() - earliest time (clock ns) at which a
 * currently low MTIP will rise; INT64_MAX if none. A hart in wfi may sleep
 * until then (or until woken by an interrupt). Lock-free.
 */
int64_t aclint_mtimer_next_deadline_ns(struct aclint_mtimer *mt);

/** aclint_mtimer_update() - re-evaluate every MTIP against mtime now. Bus lock held. */
void aclint_mtimer_update(struct aclint_mtimer *mt);

/** A SiFive CLINT = ACLINT MSWI at @base + MTIMER at @base + 0x4000 (mtime at +0xbff8). */
struct clint {
	struct aclint_mswi *mswi;
	struct aclint_mtimer *mtimer;
};

#define CLINT_SIZE 0x10000 /* as advertised in the device tree */

/** clint_new() - both halves; returns 0 or -errno. */
int clint_new(struct clint *out, struct bus *bus, uint64_t base, unsigned nharts,
	      const struct irq_line *msip, const struct irq_line *mtip,
	      const struct aclint_mtimer_config *cfg);

/* --------------------------------------------------------------------- PLIC */

struct plic;

#define PLIC_MAX_PRIORITY 7 /* 3 priority bits, as QEMU's virt */

/** plic_size() - the MMIO window of a PLIC with @ncontexts contexts. */
static inline uint64_t plic_size(unsigned ncontexts)
{
	return 0x200000 + (uint64_t)ncontexts * 0x1000;
}

/**
 * plic_new() - a RISC-V PLIC (spec 1.0.0, SiFive layout) with sources
 * 1..@nsources-1 (source 0 does not exist; QEMU virt: 96) and @ncontexts
 * contexts (virt: 2 per hart, M then S). @ctx_out[c] is high while context c
 * has a claimable interrupt above its threshold (MEIP/SEIP of its hart).
 * Inputs are level-triggered with the spec's gateway: a source is pending
 * again after completion if its line is still high.
 */
struct plic *plic_new(struct bus *bus, uint64_t base, unsigned nsources, unsigned ncontexts,
		      const struct irq_line *ctx_out);

/** plic_input() - the line of source @source (1..nsources-1) for a device to drive. */
struct irq_line plic_input(struct plic *plic, unsigned source);

/* ------------------------------------------------------------ goldfish RTC */

struct goldfish_rtc;

#define GOLDFISH_RTC_SIZE 0x1000

/**
 * goldfish_rtc_new() - Android's goldfish RTC: ns since the epoch from the
 * host wall clock (guest writes set an offset), one alarm raising @irq. The
 * alarm needs @loop (NULL: alarms fire only when the guest reads the time).
 */
struct goldfish_rtc *goldfish_rtc_new(struct bus *bus, uint64_t base, struct irq_line irq,
				      struct ioloop *loop);
/**
 * goldfish_rtc_set_clock() - take the time (ns since the Unix epoch) from
 * @wall instead of the host's wall clock (copied; --icount runs). Alarms
 * then fire when the guest reads the time, not by a host timer. Call it
 * before the I/O loop runs.
 */
void goldfish_rtc_set_clock(struct goldfish_rtc *r, const struct dev_clock *wall);

/* ---------------------------------------------------- syscon / sifive_test */

struct sifive_test;

#define SIFIVE_TEST_SIZE 0x1000

/* What the guest asked for (low 16 bits of the 32-bit word written at offset 0). */
enum sifive_test_action {
	SIFIVE_TEST_FAIL = 0x3333,  /* poweroff with failure: code in bits 31:16 */
	SIFIVE_TEST_PASS = 0x5555,  /* poweroff (Linux syscon-poweroff, OpenSBI) */
	SIFIVE_TEST_RESET = 0x7777, /* reboot (syscon-reboot) */
};

/**
 * sifive_test_new() - the sifive,test1 device: a write of PASS/FAIL/RESET at
 * offset 0 calls @action(@opaque, what, code) with the bus lock held (the
 * machine then stops or resets its harts: it must not call bus_reset() or
 * bus_free() from inside the callback). Other values are ignored.
 */
struct sifive_test *sifive_test_new(struct bus *bus, uint64_t base,
				    void (*action)(void *opaque, enum sifive_test_action what,
						   unsigned code),
				    void *opaque);

/* ------------------------------------------------- virtio-mmio, virtio-pci */

struct virtio_dev;
struct gt64120;

/**
 * struct virtio_transport - where a virtio device sits.
 * @pci:   NULL: a virtio-mmio window (version 2) at @base, raising @irq.
 *         Else a modern virtio-pci function (vendor 0x1af4, device 0x1040 +
 *         ID, one 32-bit memory BAR with the common, notify, ISR and
 *         device-configuration structures) at @devfn on this host bridge's
 *         bus 0 (include/morph/malta.h), @irq being its INTA# pin.
 */
struct virtio_transport {
	struct gt64120 *pci;
	uint64_t base;
	unsigned devfn;
	struct irq_line irq;
};

#define VIRTIO_MMIO_SIZE 0x1000
#define VIRTIO_MMIO_SLOT_SIZE 0x1000

/* Device status bits (virtio 1.2 section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/**
 * virtio_blk_new() - a virtio block device (ID 2) on @bd: read, write, flush
 * (fdatasync of the image), get-id, discard and write-zeroes; read-only
 * backends advertise VIRTIO_BLK_F_RO and fail writes with VIRTIO_BLK_S_IOERR.
 * Requests run synchronously on the notifying (CPU) thread.
 */
struct virtio_dev *virtio_blk_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct blockdev *bd);
/** virtio_blk_at() - virtio_blk_new() on any transport. */
struct virtio_dev *virtio_blk_at(struct bus *bus, const struct virtio_transport *t,
				 struct blockdev *bd);

/** virtio_net_new() - a virtio network device (ID 1) on @nd; @mac NULL: 52:54:00:12:34:56. */
struct virtio_dev *virtio_net_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct netdev *nd, const uint8_t *mac);
/** virtio_net_at() - virtio_net_new() on any transport. */
struct virtio_dev *virtio_net_at(struct bus *bus, const struct virtio_transport *t,
				 struct netdev *nd, const uint8_t *mac);

/** virtio_rng_new() - an entropy device (ID 4) filling every buffer from @e. */
struct virtio_dev *virtio_rng_new(struct bus *bus, uint64_t base, struct irq_line irq,
				  struct entropy *e);

/** virtio_console_new() - a console (ID 3) with one port (hvc0) on @chr. */
struct virtio_dev *virtio_console_new(struct bus *bus, uint64_t base, struct irq_line irq,
				      struct chardev *chr);

/** virtio_mmio_empty_new() - an unused slot (DeviceID 0), as QEMU's virt has 8 of. */
struct virtio_dev *virtio_mmio_empty_new(struct bus *bus, uint64_t base);

/**
 * FDT_TRY() - evaluate @x (a libfdt call or a dev_fdt_*() / machine_fdt_*()
 * builder) and return its negative error from the enclosing function.
 */
#define FDT_TRY(x)                                                                                 \
	do {                                                                                       \
		int err_ = (x);                                                                    \
		if (err_ < 0)                                                                      \
			return err_;                                                               \
	} while (0)

/** virtio_dev_status() - the device status register (tests, debugging). Bus lock held. */
uint32_t virtio_dev_status(const struct virtio_dev *vm);

/* ------------------------------------------------------------ device tree */

/*
 * Helpers that add a device's node under @parent (usually /soc) of the
 * flattened device tree @fdt (libfdt, being built with fdt_create_empty_tree
 * and the fdt_add_* read-write functions) in the form QEMU's virt uses.
 * Each returns the new node's offset or a negative libfdt error. @intc
 * arrays hold the phandles of the harts' interrupt-controller nodes.
 */
int dev_fdt_uart16550(void *fdt, int parent, uint64_t base, unsigned reg_shift,
		      uint32_t plic_phandle, uint32_t irq);
int dev_fdt_clint(void *fdt, int parent, uint64_t base, const uint32_t *intc, unsigned nharts);
int dev_fdt_plic(void *fdt, int parent, uint64_t base, unsigned nsources, const uint32_t *intc,
		 unsigned nharts, uint32_t phandle);
int dev_fdt_goldfish_rtc(void *fdt, int parent, uint64_t base, uint32_t plic_phandle, uint32_t irq);
/*
 * the test device (with @phandle) plus /poweroff and /reboot syscon nodes under
 * the root; those move later nodes, so node offsets taken before are stale
 */
int dev_fdt_sifive_test(void *fdt, int parent, uint64_t base, uint32_t phandle);
int dev_fdt_virtio_mmio(void *fdt, int parent, uint64_t base, uint32_t plic_phandle, uint32_t irq);

#endif
