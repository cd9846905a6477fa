/*
 * Breakpoints and watchpoints.
 *
 * Breakpoints live in translation: a TB starting at a breakpoint is only a
 * call that reports it (before the instruction executes), and a TB that
 * would run into one is translated again to end just before it. Nothing is
 * written into guest memory. Watchpoints: in system mode, TLB entries of
 * watched pages carry TLB_WATCH so every access to them takes the softMMU
 * slow path, which checks the exact range (softmmu.c); in user mode, where
 * loads and stores are inline host accesses, TBs are translated with
 * TB_FLAG_GDB_WATCH while watchpoints exist, and that flag adds a check
 * before each memory op. A hit stops the hart before the access, with the
 * pc at the accessing instruction: GDB's RISC-V (and MIPS) watchpoints are
 * "non-steppable", GDB removes them, steps the instruction and compares the
 * values itself.
 *
 * GDB inserts and removes breakpoints at every stop; the sets it edits take
 * effect at the next resume (gdb_bp_commit()), and only addresses whose
 * state changed lose their TBs.
 */
#include <string.h>

#include "morph/exec.h"
#include "morph/softmmu.h"
#include "morph/tb.h"
#include "src/gdb/gdb-exec.h"
#include "src/gdb/gdb-internal.h"

#define HELPER_ENV struct cpu
#define HELPER_LIST "src/gdb/helpers.def"
#define HELPER_DEFINE_TABLE gdb_helpers_register
#include "morph/helper-def.h"

unsigned gdb_nwatch;

/*
 * GDB sends addresses as wide as the target's (remote.c masks them to the
 * architecture's address size), while a 32-bit guest may hold its addresses
 * sign-extended in 64 bits (MIPS32: a kseg0 pc is 0xffffffff80001000).
 * Breakpoints and watchpoints compare addresses modulo the guest's width,
 * set from the first hart when GDB inserts something (server, lock held).
 */
static uint64_t addr_mask = ~(uint64_t)0;

static uint64_t gdb_addr(uint64_t a)
{
	return a & addr_mask;
}

static void set_addr_mask(void)
{
	if (gdb.nharts && gdb.harts[0]->cpu->arch->addr_bits == 32)
		addr_mask = 0xffffffffu;
}

/* ---- the sets GDB edits ---- */

static bool is_watch(int type)
{
	return type >= GDB_Z_WRITE && type <= GDB_Z_ACCESS;
}

int gdb_bp_insert(int type, uint64_t addr, uint64_t len)
{
	struct gdb_bp *set = is_watch(type) ? gdb.wp_pending : gdb.bp_pending;
	unsigned *n = is_watch(type) ? &gdb.nwp_pending : &gdb.nbp_pending;
	unsigned max = is_watch(type) ? GDB_MAX_WPS : GDB_MAX_BPS;

	set_addr_mask();
	addr = gdb_addr(addr);
	if (type < GDB_Z_SW || type > GDB_Z_ACCESS || (is_watch(type) && !len) ||
	    addr + len < addr)
		return -1;
	if (!is_watch(type))
		len = 0;
	for (unsigned i = 0; i < *n; i++)
		if (set[i].addr == addr && set[i].len == len && set[i].type == type)
			return 0; /* already there */
	if (*n == max)
		return -1;
	set[(*n)++] = (struct gdb_bp){addr, len, type};
	return 0;
}

int gdb_bp_remove(int type, uint64_t addr, uint64_t len)
{
	struct gdb_bp *set = is_watch(type) ? gdb.wp_pending : gdb.bp_pending;
	unsigned *n = is_watch(type) ? &gdb.nwp_pending : &gdb.nbp_pending;

	addr = gdb_addr(addr);
	if (!is_watch(type))
		len = 0;
	for (unsigned i = 0; i < *n; i++) {
		if (set[i].addr == addr && set[i].len == len && set[i].type == type) {
			set[i] = set[--*n];
			return 0;
		}
	}
	/* Removing what is not there is not an error for GDB. */
	return type >= GDB_Z_SW && type <= GDB_Z_ACCESS ? 0 : -1;
}

void gdb_bp_clear(void)
{
	gdb.nbp_pending = 0;
	gdb.nwp_pending = 0;
}

static bool bp_in(const struct gdb_bp *set, unsigned n, const struct gdb_bp *b)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].addr == b->addr && set[i].type == b->type)
			return true;
	return false;
}

static bool system_mode(void)
{
	return gdb.nharts && gdb.harts[0]->cpu->softmmu;
}

/*
 * A breakpoint appeared or went at @addr. User mode: the TBs covering it
 * (virtual addresses index them). System mode: TBs are indexed by physical
 * page and the address may be mapped in several address spaces; the caller
 * flushes everything once.
 */
static void bp_changed(uint64_t addr)
{
	if (!system_mode())
		tb_invalidate_range(addr, addr + 1);
}

void gdb_bp_commit(void)
{
	bool changed = false;

	for (unsigned i = 0; i < gdb.nbp_active; i++) {
		if (!bp_in(gdb.bp_pending, gdb.nbp_pending, &gdb.bp_active[i])) {
			bp_changed(gdb.bp_active[i].addr);
			changed = true;
		}
	}
	for (unsigned i = 0; i < gdb.nbp_pending; i++) {
		if (!bp_in(gdb.bp_active, gdb.nbp_active, &gdb.bp_pending[i])) {
			bp_changed(gdb.bp_pending[i].addr);
			changed = true;
		}
	}
	memcpy(gdb.bp_active, gdb.bp_pending, gdb.nbp_pending * sizeof(gdb.bp_active[0]));
	gdb.nbp_active = gdb.nbp_pending;
	if (changed && system_mode())
		tb_request_flush();

	if (gdb.nwp_pending != gdb_nwatch ||
	    memcmp(gdb.wp_active, gdb.wp_pending, gdb_nwatch * sizeof(gdb.wp_active[0]))) {
		memcpy(gdb.wp_active, gdb.wp_pending, gdb.nwp_pending * sizeof(gdb.wp_active[0]));
		gdb_nwatch = gdb.nwp_pending;
		/*
		 * System mode: TLB entries are filled again, with TLB_WATCH where it
		 * applies. User mode: the jump caches hold TBs without the watch
		 * checks, which the interpreter's lookup_and_goto would enter (it
		 * compares their flags with cpu->tb_flags, which lacks the core's).
		 */
		for (unsigned i = 0; i < gdb.nharts; i++) {
			struct cpu *cpu = gdb.harts[i]->cpu;
			if (cpu->softmmu)
				tlb_flush(cpu);
			else
				tb_jmp_cache_clear(cpu);
		}
	}
}

/* ---- translation ---- */

/* The type of the breakpoint at @pc: GDB_Z_SW wins over GDB_Z_HW; -1 if none. */
static int bp_type_at(uint64_t pc)
{
	int type = -1;

	pc = gdb_addr(pc);
	for (unsigned i = 0; i < gdb.nbp_active; i++)
		if (gdb.bp_active[i].addr == pc && (type < 0 || gdb.bp_active[i].type == GDB_Z_SW))
			type = gdb.bp_active[i].type;
	return type;
}

bool gdb_breakpoint_at(uint64_t pc)
{
	return gdb.nbp_active && bp_type_at(pc) >= 0;
}

struct translate_result gdb_gen_breakpoint(struct ir_ctx *ctx, uint64_t pc, unsigned len)
{
	ir_temp hw = ir_const(ctx, IR_I32, bp_type_at(pc) == GDB_Z_HW);

	ir_insn_start(ctx, pc, len);
	ir_call(ctx, hid_gdb_breakpoint, IR_TEMP_NONE, 1, &hw);
	ir_exit_tb(ctx, IR_EXIT_NORMAL);
	return (struct translate_result){len, 0};
}

unsigned gdb_breakpoint_cut(const struct ir_ctx *ctx)
{
	unsigned k = 0;

	if (!gdb.nbp_active)
		return 0;
	for (unsigned i = 0; i < ctx->nops; i++) {
		if (ctx->ops[i].opc != IR_insn_start)
			continue;
		if (k && gdb_breakpoint_at(ctx->ops[i].args[0]))
			return k;
		k++;
	}
	return 0;
}

static void call_watch(struct ir_ctx *ctx, ir_temp addr, uint32_t memop, unsigned kind)
{
	ir_temp a[2] = {ir_as_i64(ctx, addr),
			ir_const(ctx, IR_I32, (memop & IR_MO_SIZE) | kind << 16)};

	ir_call(ctx, hid_gdb_watch, IR_TEMP_NONE, 2, a);
}

/* Translation runs under the TB lock: one copy of the ops is enough. */
static struct ir_op saved[IR_MAX_OPS];

void gdb_instrument(struct tb *tb, struct ir_ctx *ctx)
{
	bool step = tb->flags & TB_FLAG_GDB_STEP, watch = tb->flags & TB_FLAG_GDB_WATCH;
	unsigned n = ctx->nops;

	memcpy(saved, ctx->ops, n * sizeof(saved[0]));
	ctx->nops = 0;
	if (step)
		ir_call(ctx, hid_gdb_step_mark, IR_TEMP_NONE, 0, NULL);
	for (unsigned i = 0; i < n; i++) {
		const struct ir_op *op = &saved[i];
		const uint64_t *a = op->args;

		switch (op->opc) {
		case IR_insn_start:
			ctx->cur_insn_pc = a[0]; /* the pc a raising helper stores */
			break;
		case IR_ld:
			if (watch)
				call_watch(ctx, (ir_temp)a[1], (uint32_t)a[2], GDB_ACCESS_READ);
			break;
		case IR_st:
			if (watch)
				call_watch(ctx, (ir_temp)a[1], (uint32_t)a[2], GDB_ACCESS_WRITE);
			break;
		case IR_cmpxchg:
			if (watch)
				call_watch(ctx, (ir_temp)a[1], (uint32_t)a[4],
					   GDB_ACCESS_READ | GDB_ACCESS_WRITE);
			break;
		case IR_atomic_rmw:
			if (watch)
				call_watch(ctx, (ir_temp)a[1], (uint32_t)a[3],
					   GDB_ACCESS_READ | GDB_ACCESS_WRITE);
			break;
		case IR_lookup_and_goto:
			if (step) {
				/* One instruction, then the exec loop: env->pc is the target. */
				ir_exit_tb(ctx, IR_EXIT_NORMAL);
				continue;
			}
			break;
		default:
			break;
		}
		if (ctx->nops >= IR_MAX_OPS) {
			ctx->overflow = true;
			break;
		}
		ctx->ops[ctx->nops++] = *op;
	}
}

/* ---- helpers ---- */

void helper_gdb_breakpoint(struct cpu *cpu, uint32_t hw)
{
	gdb_note_breakpoint(cpu, hw != 0);
	cpu_loop_exit(cpu, EXCP_DEBUG);
}

void helper_gdb_step_mark(struct cpu *cpu)
{
	(void)cpu;
	gdb_note_step_ran();
}

void helper_gdb_watch(struct cpu *cpu, uint64_t addr, uint32_t info)
{
	gdb_watch_access(cpu, addr, 1u << (info & IR_MO_SIZE), info >> 16);
}

/* ---- watchpoints ---- */

bool gdb_watch_page(uint64_t vpage)
{
	vpage = gdb_addr(vpage);
	for (unsigned i = 0; i < gdb_nwatch; i++) {
		const struct gdb_bp *w = &gdb.wp_active[i];
		if (w->addr < vpage + TLB_PAGE_SIZE && w->addr + w->len > vpage)
			return true;
	}
	return false;
}

void gdb_watch_access(struct cpu *cpu, uint64_t vaddr, unsigned size, unsigned kind)
{
	vaddr = gdb_addr(vaddr);
	for (unsigned i = 0; i < gdb_nwatch; i++) {
		const struct gdb_bp *w = &gdb.wp_active[i];
		enum gdb_stop_kind stop;

		if (vaddr >= w->addr + w->len || vaddr + size <= w->addr)
			continue;
		if (w->type == GDB_Z_WRITE) {
			if (!(kind & GDB_ACCESS_WRITE))
				continue;
			stop = GDB_STOP_WATCH;
		} else if (w->type == GDB_Z_READ) {
			if (!(kind & GDB_ACCESS_READ))
				continue;
			stop = GDB_STOP_RWATCH;
		} else {
			stop = GDB_STOP_AWATCH;
		}
		/* GDB looks for the reported address inside the watched range. */
		if (gdb_note_watch(cpu, (int)stop, vaddr > w->addr ? vaddr : w->addr))
			cpu_loop_exit(cpu, EXCP_DEBUG);
		return;
	}
}
