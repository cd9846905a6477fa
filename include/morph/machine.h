/*
 * System mode: the seam between a board (the RISC-V virt and spike machines)
 * and the generic machine framework (src/system/machine.c) that owns guest
 * RAM, the device bus, the I/O loop, the console, the harts and their host
 * threads, and the orderly shutdown of docs/devices.md.
 *
 * A board is one const struct machine_class (like TinyEMU's
 * VirtMachineClass): its memory map, how it creates and wires its devices,
 * how it describes them in the device tree, and how it loads firmware and
 * kernel and sets up the harts' reset state. The framework calls:
 *
 *   machine_create(): RAM + ROM, mc->init() (devices), mc->load() (images),
 *                     the device tree (mc->fdt() or --dtb), mc->finish()
 *                     (boot ROM / reset vector, which needs the fdt address)
 *   machine_run():    I/O loop and one host thread per hart running
 *                     cpu_exec(); returns when the machine powers off, fails
 *                     or is quit; reboot resets the devices, reloads the
 *                     images and restarts the harts
 *   machine_free():   the shutdown order of docs/devices.md
 *
 * `morph system` (src/system/cli.c) parses struct machine_opts and drives these.
 */
#ifndef MORPH_MACHINE_H
#define MORPH_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "morph/bus.h"
#include "morph/cpu.h"
#include "morph/devices.h"
#include "morph/display.h"
#include "morph/exec.h"
#include "morph/hostdev.h"

#define MACHINE_MAX_DRIVES 6
#define MACHINE_MAX_HARTS 32

/** A --drive: a raw image file and BLOCKDEV_* flags. */
struct machine_drive {
	char *path;
	unsigned flags;
};

/** What the user asked for (`morph system` options). */
struct machine_opts {
	const char *machine;  /* board name; NULL: "virt" */
	const char *bios;     /* firmware file; NULL: the board's default; "none": no firmware */
	const char *kernel;   /* kernel (Image, raw or ELF) or NULL */
	const char *initrd;   /* initial ramdisk or NULL */
	const char *append;   /* kernel command line or NULL */
	const char *dtb;      /* use this device tree instead of generating one */
	const char *dump_dtb; /* write the device tree here and exit */
	struct machine_drive drives[MACHINE_MAX_DRIVES];
	unsigned ndrives;
	bool net; /* --net user[,...] */
	struct netdev_user_opts net_opts;
	bool rng;	     /* a virtio-rng device */
	bool trap_misaligned; /* misaligned loads/stores trap (RISC-V: else performed) */
	bool console_device; /* a virtio-console (hvc0) that gets the terminal's input */
	uint64_t ram_size;   /* bytes; 0: the board's default */
	unsigned smp;	     /* harts; 0: 1 */
	bool have_seed;	     /* --seed: reproducible entropy (virtio-rng, /chosen/rng-seed) */
	uint64_t seed;
	enum display_kind display; /* --display (docs/display.md) */
	const char *screenshot;	   /* --screenshot FILE.png: written when the machine stops */
	struct exec_options exec;
};

/* Why the harts stopped (struct machine.state). */
enum machine_state {
	MACHINE_RUNNING,
	MACHINE_POWEROFF, /* the guest powered off: exit status = machine.exit_status */
	MACHINE_RESET,	  /* the guest asked for a reboot */
	MACHINE_QUIT,	  /* Ctrl-A x, a signal */
	MACHINE_ERROR,	  /* morph cannot go on (an unexpected exception...) */
};

struct machine;
struct sys_hart_ops;

/** One hart and the host thread running it. */
struct machine_hart {
	struct machine *m;
	struct cpu *cpu;
	unsigned id; /* hart id (mhartid) */
	pthread_t thread;
	bool thread_started;
	/* wfi: the hart sleeps on @cond (with @lock) until woken */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool wake;	     /* a wakeup arrived since the hart last looked */
	bool halted;	     /* in wfi (for cpu_wakeup()) */
	uint64_t start_pc;   /* where the hart starts (set by the board's load) */
	uint64_t start_a[3]; /* a0..a2 at start (RISC-V: hartid, fdt, fw_dynamic info) */
	unsigned xlen;	     /* 32 or 64 (0: 64) */
	uint64_t wfi_sleeps; /* statistics: times the hart slept in wfi */
};

/** A board: one const instance per machine type. */
struct machine_class {
	const char *name; /* "virt", "spike" (--machine) */
	const char *desc; /* one line for --machine help */
	const char *arch; /* guest ISA (arch_find() name) */
	uint64_t ram_base;
	uint64_t default_ram_size;
	unsigned max_harts;
	uint64_t rom_base; /* boot ROM (0: none) */
	uint64_t rom_size;
	/* the ISA's hart glue (src/system/system.h); NULL: RISC-V (hart-riscv.c) */
	const struct sys_hart_ops *hart_ops;

	/**
	 * map_ram() - map m->ram on the bus in pieces (spike's HTIF page sits inside RAM).
	 * NULL: all of it as one region.
	 */
	int (*map_ram)(struct machine *m);
	/**
	 * init() - create and wire the devices (RAM, ROM and the harts exist; the board
	 * opens the console with machine_console_open()). 0 or -1 with m->err.
	 */
	int (*init)(struct machine *m);
	/**
	 * load() - load firmware, kernel, initrd into RAM and choose every hart's
	 * start state (except what depends on the fdt address). Runs again on reboot.
	 */
	int (*load)(struct machine *m);
	/** fdt() - build the device tree into m->fdt (machine_fdt_*() helpers). */
	int (*fdt)(struct machine *m);
	/** finish() - after the fdt is placed at m->fdt_addr: boot ROM, start registers. */
	int (*finish)(struct machine *m);
	/** hart_reset() - put the architectural start state (h->start_*) into h->cpu. */
	void (*hart_reset)(struct machine *m, struct machine_hart *h);
	/** reset() - board state to reset on reboot (devices are reset by bus_reset()). May be
	 * NULL. */
	void (*reset)(struct machine *m);
	/** fini() - free the board's private state (after the harts stopped). May be NULL. */
	void (*fini)(struct machine *m);
};

/** A running machine. */
struct machine {
	const struct machine_class *mc;
	const struct machine_opts *opts;
	const struct morph_arch *arch;
	struct bus *bus;
	struct ioloop *loop;
	uint8_t *ram; /* host address of guest RAM at ram_base */
	uint64_t ram_base, ram_size;
	uint8_t *rom; /* boot ROM contents (mapped read-only at mc->rom_base) */

	struct chardev *console; /* the terminal */
	struct blockdev *blk[MACHINE_MAX_DRIVES];
	unsigned nblk;
	struct netdev *net;
	struct entropy *entropy;
	struct display *display; /* the screen, keyboard and tablet (NULL: none) */

	unsigned nharts;
	struct machine_hart *harts;

	/* the device tree handed to the firmware */
	void *fdt;
	size_t fdt_size;   /* buffer size (fdt_totalsize() after packing) */
	uint64_t fdt_addr; /* guest physical address where it was placed */

	/* what load() decided (for fdt() and finish()) */
	uint64_t fw_start, fw_end;			 /* firmware image in RAM (end 0: none) */
	uint64_t kernel_start, kernel_end, kernel_entry; /* end 0: none */
	uint64_t initrd_start, initrd_end;
	uint64_t entry; /* where the harts start (after the boot ROM) */

	/* stopping */
	pthread_mutex_t state_lock;
	pthread_cond_t state_cond;
	volatile int state; /* enum machine_state */
	int exit_status;    /* of POWEROFF / the guest's failure code */
	unsigned running_harts;

	void *hart_priv; /* the ISA's per-machine hart services (src/system/hart-*.c) */
	char err[256];	 /* error of the last failing call */
	void *board;	 /* the board's private state */
};

/* ---------------------------------------------------------------- framework */

/** machine_class_find() - the board called @name, or NULL. */
const struct machine_class *machine_class_find(const char *name);
/** machine_class_list() - NULL-terminated list of all boards. */
const struct machine_class *const *machine_class_list(void);

/**
 * machine_create() - build the machine @opts describe. NULL with a message
 * in @err on any problem (missing files, bad sizes...), before any guest code
 * runs. With opts->dump_dtb the device tree is written and @*done is set:
 * the caller exits without running.
 */
struct machine *machine_create(const struct machine_opts *opts, bool *done, char *err,
			       size_t errlen);

/**
 * machine_run() - run until the guest powers off, fails, or is quit. Returns
 * the exit status for morph: the guest's (0 on a clean poweroff), 1 on an
 * error inside morph.
 */
int machine_run(struct machine *m);

/** machine_free() - stop everything and free it in the order of docs/devices.md. NULL: no-op. */
int machine_free(struct machine *m);

/**
 * machine_request_stop() - end the run with @state (POWEROFF, RESET, QUIT,
 * ERROR) and exit status @status. Safe from any thread, with or without the
 * bus lock, and from device callbacks. The first stop request wins.
 */
void machine_request_stop(struct machine *m, enum machine_state state, int status);

/**
 * machine_hart_wakeup() - wake hart @cpu from wfi (an interrupt became pending
 * for it). Safe from any thread, with the bus lock held or not.
 */
void machine_hart_wakeup(struct cpu *cpu);

/** machine_error() - set m->err (printf-style); returns -1. */
int machine_error(struct machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/**
 * machine_open_drives_net() - the host backends of --drive (m->blk[], m->nblk,
 * in command-line order) and --net (m->net, or NULL without it), for the board
 * to attach to its devices. -1 with m->err naming the option that failed.
 */
int machine_open_drives_net(struct machine *m);

/**
 * machine_display_open() - for a board with display devices: m->display as
 * opts->display asks (NULL for DISPLAY_OFF, and for the default without a
 * display server unless --screenshot wants one), its input delivered in
 * m->loop, closing the window powering the machine off. -1 with m->err.
 */
int machine_display_open(struct machine *m);

/* -------------------------------------------------------------- loaders */

/** What was loaded where. */
struct machine_image {
	uint64_t start, end; /* guest physical [start, end) written (end: last byte + 1) */
	uint64_t entry;	     /* ELF entry point, or start */
	bool is_elf;
	int elf_class; /* ELF: 1 (32-bit) or 2 (64-bit); 0 otherwise */
};

/**
 * machine_load_elf() - load an ELF file's PT_LOAD segments at their physical
 * addresses into RAM or ROM. Fails (-1, m->err) if a segment lies outside
 * them. @syms, if not NULL, are symbol names whose values go to @values
 * (0 when absent).
 */
int machine_load_elf(struct machine *m, const char *path, struct machine_image *img,
		     const char *const *syms, uint64_t *values, unsigned nsyms);

/**
 * machine_elf_symbols() - look @names up in the symbol table of ELF file @path
 * without loading it; absent symbols give 0. 0, or -1 with m->err if @path is
 * not a readable ELF file.
 */
int machine_elf_symbols(struct machine *m, const char *path, const char *const *names,
			uint64_t *values, unsigned n);

/** machine_load_raw() - copy a whole file to guest physical @addr (at most @max bytes). */
int machine_load_raw(struct machine *m, const char *path, uint64_t addr, uint64_t max,
		     struct machine_image *img);

/**
 * machine_file_is_elf() - 1 if @path starts with the ELF magic, 0 if not, -1 if
 * it cannot be read (m->err names it as "@what @path: reason").
 */
int machine_file_is_elf(struct machine *m, const char *what, const char *path);

/**
 * machine_load_kernel() - the RISC-V Linux boot protocol
 * (Documentation/arch/riscv/boot-image-header.rst): an Image (or ELF) is
 * placed at the first 2 MiB boundary (4 MiB for RV32) at or above @min_addr
 * and checked against its image_size (which includes the bss); m->kernel_*
 * are set.
 */
int machine_load_kernel(struct machine *m, const char *path, uint64_t min_addr, unsigned xlen);

/**
 * machine_load_initrd() - place the initrd (QEMU's rule: 128 MiB into RAM, or
 * half of RAM when smaller, and above the kernel) and set m->initrd_*.
 */
int machine_load_initrd(struct machine *m, const char *path);

/** machine_ram_ptr() - host pointer to guest RAM/ROM [@addr, @addr + @len), or NULL. */
void *machine_ram_ptr(struct machine *m, uint64_t addr, uint64_t len);

/* ----------------------------------------------------------- device tree */

/**
 * machine_fdt_begin() - a new empty tree in m->fdt with the root's cells,
 * @compatible and @model. Returns 0 or a libfdt error (negative).
 */
int machine_fdt_begin(struct machine *m, const char *compatible, const char *model);

/**
 * machine_fdt_cpus() - /cpus with one cpu@N (riscv, @isa, @mmu_type, okay) and
 * its interrupt-controller per hart, and /cpus/cpu-map. The intc phandles go to
 * @intc[hart]. Phandles are allocated from *@next_phandle.
 */
int machine_fdt_cpus(struct machine *m, const char *isa, const char *mmu_type, uint32_t timebase_hz,
		     uint32_t *intc, uint32_t *next_phandle);

/** machine_fdt_memory() - /memory@BASE for RAM. */
int machine_fdt_memory(struct machine *m);

/**
 * machine_fdt_chosen() - /chosen: bootargs (--append), linux,initrd-start/end,
 * stdout-path @stdout_path (may be NULL) and rng-seed.
 */
int machine_fdt_chosen(struct machine *m, const char *stdout_path);

/** machine_fdt_finish() - pack the tree; m->fdt_size = its size. */
int machine_fdt_finish(struct machine *m);

/** machine_fdt_load() - read --dtb FILE into m->fdt (room left for /chosen). -1 with m->err. */
int machine_fdt_load(struct machine *m, const char *path);

/** machine_fdt_dump() - write m->fdt to @path. -1 with m->err. */
int machine_fdt_dump(struct machine *m, const char *path);

/**
 * machine_fdt_place() - copy the tree to the top of RAM (below 3 GiB, 2 MiB
 * aligned, QEMU's rule) and set m->fdt_addr. -1 with m->err if it does not fit.
 */
int machine_fdt_place(struct machine *m);

/* ----------------------------------------------------------------- console */

/**
 * machine_console_open() - the terminal backend for the board's UART (raw
 * mode on a tty, Ctrl-A x quits the machine), with the terminal restored on
 * every exit path including fatal signals. Signals that ask morph to stop
 * (SIGTERM, SIGINT, SIGHUP) quit the machine cleanly. -1 with m->err.
 */
int machine_console_open(struct machine *m);

/** machine_console_close() - close the backend and restore the terminal. */
void machine_console_close(struct machine *m);

/* -------------------------------------------------------------------- CLI */

/** system_cmd() - `morph system [options]`; argv[0] is "system". Returns the exit status. */
int system_cmd(int argc, char **argv);

#endif
