/*
 * Private to src/gdb: the stub's shared state (run control, breakpoints,
 * the connection) and the functions its files share. Not a seam.
 */
#ifndef MORPH_GDB_INTERNAL_H
#define MORPH_GDB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "morph/cpu.h"
#include "morph/gdbstub.h"

/* GDB's signal numbers (gdb/signals.def), not the host's */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5

/* What GDB asked a hart to do at the last resume */
enum gdb_action { GDB_ACT_NONE, GDB_ACT_CONT, GDB_ACT_STEP };

/* Why the target stopped (the stop reply's reason) */
enum gdb_stop_kind {
	GDB_STOP_SIGNAL,  /* Ctrl-C, attach, first instruction: just the signal */
	GDB_STOP_STEP,    /* a single step ended */
	GDB_STOP_SWBREAK, /* Z0 */
	GDB_STOP_HWBREAK, /* Z1 */
	GDB_STOP_WATCH,   /* Z2, write */
	GDB_STOP_RWATCH,  /* Z3, read */
	GDB_STOP_AWATCH,  /* Z4, access */
};

/* Breakpoint and watchpoint types: the Z packet's first number */
enum { GDB_Z_SW, GDB_Z_HW, GDB_Z_WRITE, GDB_Z_READ, GDB_Z_ACCESS };

/** The stub's view of one hart (user mode: one guest thread). */
struct gdb_hart {
	struct cpu *cpu;
	int tid;            /* GDB thread id, from 1 in creation order */
	/* Run control, under gdb.lock */
	enum gdb_action action;
	bool in_exec;       /* inside cpu_exec() and not parked */
	bool parked;        /* waiting in gdb_cpu_enter()/gdb_cpu_leave() */
	bool step_done;     /* a step ended outside guest code: report at the next entry */
	/* Set by the hart's own thread while it runs guest code */
	bool bp_hit;        /* a breakpoint TB raised EXCP_DEBUG */
	bool bp_hw;
	int watch_kind;     /* GDB_STOP_*WATCH of a watchpoint hit, 0 if none */
	uint64_t watch_addr;
};

struct gdb_stop {
	int tid;
	int sig;
	enum gdb_stop_kind kind;
	uint64_t addr; /* watchpoints: the data address */
};

#define GDB_MAX_BPS 256
#define GDB_MAX_WPS 32

struct gdb_bp {
	uint64_t addr;
	uint64_t len; /* watchpoints */
	int type;     /* GDB_Z_* */
};

struct gdb_state {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* harts park on it; the server waits on it for them */
	struct gdb_hart **harts;
	unsigned nharts, harts_cap;
	int next_tid;

	bool stopped;        /* all-stop: every hart must park */
	bool released;       /* the runner is stopping: nothing parks (gdbstub_release()) */
	unsigned nrunning;   /* harts inside cpu_exec() and not parked */
	unsigned nparked;
	bool initial_wait;   /* no hart has arrived yet and GDB must wait for one */
	bool stop_event;     /* a hart stopped the target: the server owes GDB a stop reply */
	struct gdb_stop stop;
	int wake[2];         /* pipe: harts and exit wake the server */

	bool exit_pending, exit_done;
	int exit_status, exit_sig;

	int listen_fd, conn;
	bool user_mode_mem;
	int (*read_mem)(uint64_t addr, void *buf, size_t len);
	int (*write_mem)(uint64_t addr, const void *buf, size_t len);
	void (*kill)(void);

	int g_tid, c_tid; /* Hg / Hc selections (0: any, -1: all) */

	/* Breakpoints: what GDB inserted (pending) and what translation uses (active) */
	struct gdb_bp bp_pending[GDB_MAX_BPS], bp_active[GDB_MAX_BPS];
	unsigned nbp_pending, nbp_active;
	struct gdb_bp wp_pending[GDB_MAX_WPS], wp_active[GDB_MAX_WPS];
	unsigned nwp_pending;
};

extern struct gdb_state gdb;

/** gdb_wake_server() - make the server thread look at gdb state (server.c). */
void gdb_wake_server(void);

/* ---- harts.c: run control (callers hold gdb.lock unless noted) ---- */

struct gdb_hart *gdb_hart_by_tid(int tid);
/** gdb_first_hart() - the lowest-numbered hart, NULL if none. */
struct gdb_hart *gdb_first_hart(void);
/** gdb_stop_all() - stop the target: every hart parks; waits until they did. */
void gdb_stop_all(int sig);
/** gdb_wait_stopped() - wait until no hart runs guest code any more. */
void gdb_wait_stopped(void);
/** gdb_resume() - let every hart go on with its action (gdb.lock held). */
void gdb_resume(void);
/** gdb_release_all() - detach: forget breakpoints, every hart continues. */
void gdb_release_all(void);

/* Called on the hart's own thread by the stub's IR helpers */
void gdb_note_step_ran(void);
void gdb_note_breakpoint(struct cpu *cpu, bool hw);
/** gdb_note_watch() - record a watchpoint hit; false if @cpu is not this thread's hart. */
bool gdb_note_watch(struct cpu *cpu, int kind, uint64_t addr);

/* ---- breakpoints.c ---- */

/** gdb_bp_insert()/gdb_bp_remove() - Z/z packets: 0, or -1 when full or bad. */
int gdb_bp_insert(int type, uint64_t addr, uint64_t len);
int gdb_bp_remove(int type, uint64_t addr, uint64_t len);
/** gdb_bp_commit() - at resume, all harts stopped: the pending sets take effect. */
void gdb_bp_commit(void);
/** gdb_bp_clear() - detach: no breakpoint or watchpoint any more (pending sets). */
void gdb_bp_clear(void);

/* ---- memory.c ---- */

/** gdb_mem_read()/gdb_mem_write() - guest virtual memory as @cpu sees it; 0 or -1. */
int gdb_mem_read(struct cpu *cpu, uint64_t addr, void *buf, size_t len);
int gdb_mem_write(struct cpu *cpu, uint64_t addr, const void *buf, size_t len);

/* ---- rsp.c: packets (the server thread only) ---- */

#define GDB_PACKET_SIZE 0x4000 /* what qSupported announces: bytes between $ and # */

struct rsp_conn {
	int fd;
	int wake_fd; /* readable: the server must look at gdb state */
	bool no_ack;
	uint8_t in[GDB_PACKET_SIZE + 64];
	size_t in_pos, in_len;
	char *last;     /* last packet sent, framed, for '-' retransmission */
	size_t last_len;
};

/* What rsp_read_packet() found */
enum rsp_event {
	RSP_PACKET,    /* a packet (NUL-terminated, escapes and RLE undone) */
	RSP_INTERRUPT, /* a Ctrl-C byte */
	RSP_WAKE,      /* the wake pipe became readable */
	RSP_CLOSED,    /* EOF or error */
};

/**
 * rsp_read_packet() - the next packet from GDB into @buf (@size bytes,
 * at least GDB_PACKET_SIZE + 1), acking it ('+', or '-' on a bad checksum
 * or an overlong packet and waiting for the retransmission). A '-' from GDB
 * retransmits our last packet. Returns its length in *@len.
 */
enum rsp_event rsp_read_packet(struct rsp_conn *c, char *buf, size_t size, size_t *len);

/** rsp_send() - send a text packet (RLE-compressed); rsp_send_bin() escapes @len bytes. */
int rsp_send(struct rsp_conn *c, const char *payload);
int rsp_send_bin(struct rsp_conn *c, char prefix, const void *data, size_t len);
/** rsp_wait_ack() - after the last packet of a session ('W'): wait up to @ms for '+'. */
void rsp_wait_ack(struct rsp_conn *c, int ms);

/* hex helpers */
int gdb_hexval(int c);
void gdb_tohex(char *out, const void *data, size_t len);
/** gdb_fromhex() - @len bytes from 2*@len hex digits; -1 if any is not hex. */
int gdb_fromhex(void *out, const char *hex, size_t len);

/* ---- commands.c ---- */

/* What a packet means for run control */
enum gdb_cmd_result {
	GDB_CMD_REPLIED, /* answered, stay stopped */
	GDB_CMD_RESUME,  /* actions set: resume the target, then send a stop reply */
	GDB_CMD_DETACH,  /* answered OK: let the target go, end the session */
	GDB_CMD_KILL,    /* kill the process */
};

/** gdb_handle_packet() - answer one packet (gdb.lock held, target stopped). */
enum gdb_cmd_result gdb_handle_packet(struct rsp_conn *c, char *pkt, size_t len);

/** gdb_stop_reply() - the stop reply text of gdb.stop into @buf. */
void gdb_stop_reply(char *buf, size_t size);

#endif
