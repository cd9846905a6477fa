/*
 * Unit tests for the softMMU (src/exec/softmmu.c) and the RISC-V page-table
 * walker and PMP (frontends/riscv/mmu.c), on hand-built page tables in a
 * fake RAM: what tlb_fill installs (permissions, A/D updates, superpages,
 * uncached PMP pages), the faults it raises, page flushes, the slow path
 * for RAM, MMIO and page-crossing accesses, and code-page write watching.
 */
#include <check.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "morph/bus.h"
#include "morph/exec.h"
#include "morph/softmmu.h"
#include "frontends/riscv/rv-hart.h"
#include "frontends/riscv/rv-sys.h"
#include "src/exec/exec-internal.h"

extern const struct morph_arch rv64_arch;

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (16ull << 20)
#define IO_BASE 0x10000000ull

#define PTE_V 0x01ull
#define PTE_R 0x02ull
#define PTE_W 0x04ull
#define PTE_X 0x08ull
#define PTE_U 0x10ull
#define PTE_A 0x40ull
#define PTE_D 0x80ull

static struct bus *bus;
static uint8_t *ram;
static struct cpu *cpu;
static struct rv_cpu *rv;
static uint64_t next_table;
static uint64_t root;

/* A device recording its last access */
static uint64_t io_last_off, io_last_val;
static unsigned io_last_size, io_reads, io_writes;

static uint64_t io_read(void *opaque, uint64_t off, unsigned size)
{
	io_last_off = off;
	io_last_size = size;
	io_reads++;
	return 0x1122334455667788ull >> (8 * (8 - size) % 64);
}

static void io_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
	io_last_off = off;
	io_last_val = v;
	io_last_size = size;
	io_writes++;
}

static const struct bus_ops io_ops = {io_read, io_write};

static uint64_t *ram_at(uint64_t pa)
{
	return (uint64_t *)(ram + (pa - RAM_BASE));
}

static uint64_t alloc_table(void)
{
	uint64_t t = next_table;

	next_table += 4096;
	memset(ram_at(t), 0, 4096);
	return t;
}

/* Sv39: map @va at @level (0: 4 KiB, 1: 2 MiB, 2: 1 GiB) to @pa with @flags */
static uint64_t *map(uint64_t va, uint64_t pa, uint64_t flags, int level)
{
	uint64_t t = root;

	for (int l = 2; l > level; l--) {
		uint64_t *e = ram_at(t) + ((va >> (12 + 9 * l)) & 511);
		if (!(*e & PTE_V))
			*e = (alloc_table() >> 12) << 10 | PTE_V;
		t = (*e >> 10) << 12;
	}
	uint64_t *e = ram_at(t) + ((va >> (12 + 9 * level)) & 511);
	*e = (pa >> 12) << 10 | flags;
	return e;
}

static void setup(void)
{
	static bool inited;
	struct exec_options opts = {.interp = true};

	if (!inited) {
		ck_assert_int_eq(exec_init(&rv64_arch, &opts), 0);
		inited = true;
	}
	bus = bus_new();
	ck_assert_ptr_nonnull(bus);
	ram = bus_alloc_ram(bus, RAM_BASE, RAM_SIZE, 0, "ram");
	ck_assert_ptr_nonnull(ram);
	ck_assert_int_eq(bus_map_io(bus, IO_BASE, 0x1000, &io_ops, NULL, "io"), 0);
	cpu = cpu_new();
	rv = (struct rv_cpu *)cpu;
	rv_hart_init(cpu, bus, 0, NULL);
	/* PMP: everything for S and U (entry 15, NAPOT over all) */
	rv->pmpaddr[15] = (1ull << 54) - 1;
	rv->pmpcfg[15] = PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W | PMP_X;
	rv_pmp_update(rv);
	next_table = RAM_BASE + 0x100000;
	root = alloc_table();
	rv->satp = (uint64_t)SATP_MODE_SV39 << 60 | root >> 12;
	rv->priv = RV_PRIV_S;
	rv_update_flags(rv);
	io_reads = io_writes = 0;
}

static void teardown(void)
{
	cpu_free(cpu);
	bus_free(bus);
}

static const struct tlb_entry *entry(unsigned idx, uint64_t va)
{
	return &cpu->mmu.tlb[idx][tlb_index(va)];
}

/* Run @expr expecting it to raise; returns the exception (fault_addr in cpu) */
#define RAISES(expr)                                                                               \
	({                                                                                         \
		volatile int excp_ = EXCP_NONE;                                                    \
		if (sigsetjmp(cpu->jmp_env, 0) == 0) {                                             \
			expr;                                                                      \
		} else {                                                                           \
			excp_ = cpu->exception;                                                    \
		}                                                                                  \
		excp_;                                                                             \
	})

START_TEST(fill_4k_and_ad)
{
	uint64_t *pte = map(0x10000000, RAM_BASE + 0x200000, PTE_V | PTE_R | PTE_W, 0);

	/* a load sets A, not D, and installs no write permission */
	ck_assert(rv_tlb_fill(cpu, 0x10000123, 8, MMU_LOAD, RV_MMU_S, true));
	ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A);
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_read, 0x10000000);
	ck_assert(entry(RV_MMU_S, 0x10000000)->addr_write & TLB_INVALID);
	ck_assert(entry(RV_MMU_S, 0x10000000)->addr_code & TLB_INVALID);
	ck_assert_uint_eq(cpu->mmu.iotlb[RV_MMU_S][tlb_index(0x10000000)].paddr,
			  RAM_BASE + 0x200000);
	ck_assert_ptr_eq((void *)(0x10000040 + entry(RV_MMU_S, 0x10000000)->addend),
			 ram + 0x200040);
	/* a store sets D and then may write */
	ck_assert(rv_tlb_fill(cpu, 0x10000008, 8, MMU_STORE, RV_MMU_S, true));
	ck_assert_uint_eq(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_write, 0x10000000);
	/* other indexes are untouched */
	ck_assert(entry(RV_MMU_U, 0x10000000)->addr_read & TLB_INVALID);
}
END_TEST

START_TEST(faults)
{
	map(0x10000000, RAM_BASE + 0x200000, PTE_V | PTE_R | PTE_A, 0);
	map(0x10001000, RAM_BASE + 0x201000, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D, 0);
	map(0x10002000, RAM_BASE + 0x202000, PTE_V | PTE_W | PTE_A | PTE_D, 0); /* W only */

	/* probing raises nothing */
	ck_assert(!rv_tlb_fill(cpu, 0x10000000, 8, MMU_STORE, RV_MMU_S, true));
	ck_assert_int_eq(RAISES(rv_tlb_fill(cpu, 0x10000010, 8, MMU_STORE, RV_MMU_S, false)),
			 RV_EXCP_CAUSE(RV_CAUSE_STORE_PAGE));
	ck_assert_uint_eq(cpu->fault_addr, 0x10000010);
	ck_assert_int_eq(RAISES(rv_tlb_fill(cpu, 0x10000000, 2, MMU_FETCH, RV_MMU_S, false)),
			 RV_EXCP_CAUSE(RV_CAUSE_INSN_PAGE));
	ck_assert_int_eq(RAISES(rv_tlb_fill(cpu, 0x10005000, 8, MMU_LOAD, RV_MMU_S, false)),
			 RV_EXCP_CAUSE(RV_CAUSE_LOAD_PAGE));
	ck_assert_int_eq(RAISES(rv_tlb_fill(cpu, 0x10002000, 8, MMU_LOAD, RV_MMU_S, false)),
			 RV_EXCP_CAUSE(RV_CAUSE_LOAD_PAGE));
	/* U page: S needs SUM, U may; S page: U may not */
	ck_assert(!rv_tlb_fill(cpu, 0x10001000, 8, MMU_LOAD, RV_MMU_S, true));
	ck_assert(rv_tlb_fill(cpu, 0x10001000, 8, MMU_LOAD, RV_MMU_S_SUM, true));
	ck_assert(rv_tlb_fill(cpu, 0x10001000, 8, MMU_STORE, RV_MMU_U, true));
	ck_assert(!rv_tlb_fill(cpu, 0x10000000, 8, MMU_LOAD, RV_MMU_U, true));
	/* non-canonical */
	ck_assert(!rv_tlb_fill(cpu, 0x0000004000000000ull, 8, MMU_LOAD, RV_MMU_S, true));
	/* M-mode does not translate */
	ck_assert(rv_tlb_fill(cpu, 0x10005000, 8, MMU_LOAD, RV_MMU_M, true));
	ck_assert_uint_eq(cpu->mmu.iotlb[RV_MMU_M][tlb_index(0x10005000)].paddr, 0x10005000);
}
END_TEST

START_TEST(superpage_flush)
{
	map(0x20000000, RAM_BASE + 0x400000, PTE_V | PTE_R | PTE_A, 1); /* 2 MiB */
	map(0x10000000, RAM_BASE + 0x200000, PTE_V | PTE_R | PTE_A, 0);

	ck_assert(rv_tlb_fill(cpu, 0x20123456, 4, MMU_LOAD, RV_MMU_S, true));
	ck_assert_uint_eq(cpu->mmu.iotlb[RV_MMU_S][tlb_index(0x20123000)].paddr,
			  RAM_BASE + 0x523000);
	ck_assert(rv_tlb_fill(cpu, 0x10000000, 4, MMU_LOAD, RV_MMU_S, true));
	/* flushing another 4 KiB piece of the superpage drops this one and the rest */
	tlb_flush_page_mmuidx(cpu, 0x20000000, 1u << RV_MMU_S);
	ck_assert(entry(RV_MMU_S, 0x20123000)->addr_read & TLB_INVALID);
	ck_assert(entry(RV_MMU_S, 0x10000000)->addr_read & TLB_INVALID);
	/* a page flush outside any superpage keeps the others */
	ck_assert(rv_tlb_fill(cpu, 0x10000000, 4, MMU_LOAD, RV_MMU_S, true));
	map(0x10001000, RAM_BASE + 0x201000, PTE_V | PTE_R | PTE_A, 0);
	ck_assert(rv_tlb_fill(cpu, 0x10001000, 4, MMU_LOAD, RV_MMU_S, true));
	tlb_flush_page_mmuidx(cpu, 0x10001000, 1u << RV_MMU_S);
	ck_assert(entry(RV_MMU_S, 0x10001000)->addr_read & TLB_INVALID);
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_read, 0x10000000);
	/* a misaligned superpage faults */
	map(0x20200000, RAM_BASE + 0x401000, PTE_V | PTE_R | PTE_A, 1);
	ck_assert(!rv_tlb_fill(cpu, 0x20200000, 4, MMU_LOAD, RV_MMU_S, true));
}
END_TEST

START_TEST(pmp_partial_page)
{
	/* entry 0: 4 bytes at RAM_BASE + 0x300100 with no permission, inside a mapped page */
	rv->pmpaddr[0] = (RAM_BASE + 0x300100) >> 2;
	rv->pmpcfg[0] = PMP_A_NA4 << PMP_A_SHIFT;
	rv_pmp_update(rv);
	map(0x10000000, RAM_BASE + 0x300000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);

	/* allowed, but not cached: the next access must be checked again */
	ck_assert(rv_tlb_fill(cpu, 0x10000000, 8, MMU_LOAD, RV_MMU_S, true));
	ck_assert(entry(RV_MMU_S, 0x10000000)->addr_read & TLB_INVALID);
	ck_assert(!rv_tlb_fill(cpu, 0x10000100, 4, MMU_LOAD, RV_MMU_S, true));
	ck_assert(!rv_tlb_fill(cpu, 0x100000fe, 4, MMU_LOAD, RV_MMU_S, true)); /* overlaps it */
	/* through the slow path */
	*ram_at(RAM_BASE + 0x300008) = 0x1234;
	ck_assert_uint_eq(softmmu_load(cpu, 0x10000008, IR_MO_64 | IR_MO_MMU(RV_MMU_S)), 0x1234);
	softmmu_store(cpu, 0x10000010, 99, IR_MO_32 | IR_MO_MMU(RV_MMU_S));
	ck_assert_uint_eq(*ram_at(RAM_BASE + 0x300010), 99);
	ck_assert_int_eq(RAISES(softmmu_load(cpu, 0x10000100, IR_MO_32 | IR_MO_MMU(RV_MMU_S))),
			 RV_EXCP_CAUSE(RV_CAUSE_LOAD_ACCESS));
	/* M-mode is not restricted by an unlocked entry */
	ck_assert(rv_tlb_fill(cpu, RAM_BASE + 0x300100, 4, MMU_LOAD, RV_MMU_M, true));
}
END_TEST

START_TEST(slow_path)
{
	uint64_t mo = IR_MO_MMU(RV_MMU_S);

	/* two virtual pages on physical pages far apart */
	map(0x10000000, RAM_BASE + 0x200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	map(0x10001000, RAM_BASE + 0x280000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	map(0x10002000, IO_BASE, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	ram[0x200ffe] = 0x11;
	ram[0x200fff] = 0x22;
	ram[0x280000] = 0x33;
	ram[0x280001] = 0x44;
	ck_assert_uint_eq(softmmu_load(cpu, 0x10000ffe, IR_MO_32 | mo), 0x44332211);
	ck_assert_uint_eq(softmmu_load(cpu, 0x10000fff, IR_MO_16 | IR_MO_SIGN | mo), 0x3322);
	softmmu_store(cpu, 0x10000ffd, 0xa1a2a3a4, IR_MO_32 | mo);
	ck_assert_uint_eq(ram[0x200ffd], 0xa4);
	ck_assert_uint_eq(ram[0x280000], 0xa1);
	/* big-endian memops swap */
	ck_assert_uint_eq(softmmu_load(cpu, 0x10000ffe, IR_MO_16 | IR_MO_BE | mo), 0xa3a2);
	/* alignment required: EXCP_BUS with the address */
	ck_assert_int_eq(RAISES(softmmu_load(cpu, 0x10000002, IR_MO_32 | IR_MO_ALIGN | mo)),
			 EXCP_BUS);
	ck_assert_uint_eq(cpu->fault_addr, 0x10000002);
	/* MMIO: the device sees the access size, sign extension applies */
	ck_assert_uint_eq(softmmu_load(cpu, 0x10002010, IR_MO_32 | mo), 0x11223344);
	ck_assert_uint_eq(io_last_off, 0x10);
	ck_assert_uint_eq(io_last_size, 4);
	softmmu_store(cpu, 0x10002020, 0xbeef, IR_MO_16 | mo);
	ck_assert_uint_eq(io_last_val, 0xbeef);
	ck_assert_uint_eq(io_last_size, 2);
	ck_assert(entry(RV_MMU_S, 0x10002000)->addr_read & TLB_MMIO);
	/* atomics need RAM */
	ck_assert_int_eq(RAISES(softmmu_host_addr(cpu, 0x10002000, 8, IR_MO_64 | mo)), EXCP_SEGV);
	ck_assert_ptr_eq(softmmu_host_addr(cpu, 0x10000008, 8, IR_MO_64 | mo), ram + 0x200008);
	/* a store crossing into a page it may not write writes nothing */
	map(0x10004000, RAM_BASE + 0x290000, PTE_V | PTE_R | PTE_A, 0);
	map(0x10003000, RAM_BASE + 0x291000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	ram[0x291fff] = 0x5a;
	ck_assert_int_eq(RAISES(softmmu_store(cpu, 0x10003ffe, ~0ull, IR_MO_32 | mo)),
			 RV_EXCP_CAUSE(RV_CAUSE_STORE_PAGE));
	ck_assert_uint_eq(cpu->fault_addr, 0x10004000);
	ck_assert_uint_eq(ram[0x291fff], 0x5a);
	/* nothing mapped at a physical address: access fault */
	map(0x10005000, 0x40000000, PTE_V | PTE_R | PTE_A, 0);
	ck_assert_int_eq(RAISES(softmmu_load(cpu, 0x10005000, IR_MO_8 | mo)), EXCP_SEGV);
}
END_TEST

START_TEST(code_page_watch)
{
	uint64_t mo = IR_MO_MMU(RV_MMU_S);
	uint64_t pfn = (RAM_BASE + 0x200000) >> 12;

	map(0x10000000, RAM_BASE + 0x200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	softmmu_store(cpu, 0x10000000, 1, IR_MO_32 | mo);
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_write, 0x10000000);
	/* a TB appears on the page: its write entries become watched */
	softmmu_code_page_add(pfn);
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_write, 0x10000000 | TLB_NOTDIRTY);
	/* a store there completes; no TB is left, so the watch ends */
	softmmu_store(cpu, 0x10000004, 2, IR_MO_32 | mo);
	ck_assert_uint_eq(*ram_at(RAM_BASE + 0x200000) >> 32, 2);
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_write, 0x10000000);
	/* entries filled while the page holds code start watched */
	softmmu_code_page_add(pfn);
	tlb_flush(cpu);
	ck_assert(rv_tlb_fill(cpu, 0x10000000, 4, MMU_STORE, RV_MMU_S, true));
	ck_assert_uint_eq(entry(RV_MMU_S, 0x10000000)->addr_write, 0x10000000 | TLB_NOTDIRTY);
	softmmu_code_page_drop(pfn);
}
END_TEST

/*
 * Two pages whose numbers collide in the direct-mapped TLB: the one a fill
 * evicts is found in the victim TLB (no new walk: a changed PTE is not seen
 * until a flush), a page flush drops it there too, and a code page watched
 * meanwhile is watched again when it comes back.
 */
START_TEST(victim_tlb)
{
	uint64_t mo = IR_MO_MMU(RV_MMU_S), a = 0x10000000, b = a + TLB_SIZE * TLB_PAGE_SIZE;
	uint64_t *pte_a;

	ck_assert_uint_eq(tlb_index(a), tlb_index(b));
	pte_a = map(a, RAM_BASE + 0x200000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	map(b, RAM_BASE + 0x280000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D, 0);
	ram[0x200000] = 0xaa;
	ram[0x280000] = 0xbb;
	ram[0x300000] = 0xcc;
	ck_assert_uint_eq(softmmu_load(cpu, a, IR_MO_8 | mo), 0xaa);
	ck_assert_uint_eq(softmmu_load(cpu, b, IR_MO_8 | mo), 0xbb); /* evicts a */
	ck_assert_uint_eq(entry(RV_MMU_S, a)->addr_read, b);
	/* a now maps elsewhere in memory, but the TLB (victim) still has the old page */
	*pte_a = ((RAM_BASE + 0x300000) >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
	ck_assert_uint_eq(softmmu_load(cpu, a, IR_MO_8 | mo), 0xaa);
	ck_assert_uint_eq(entry(RV_MMU_S, a)->addr_read, a); /* swapped back */
	ck_assert_uint_eq(softmmu_load(cpu, b, IR_MO_8 | mo), 0xbb);
	/* a page flush reaches the victim TLB: the next access walks again */
	tlb_flush_page(cpu, a);
	ck_assert_uint_eq(softmmu_load(cpu, a, IR_MO_8 | mo), 0xcc);
	/* b went to the victim TLB; its page gets code meanwhile: watched when back */
	softmmu_code_page_add((RAM_BASE + 0x280000) >> 12);
	ck_assert_uint_eq(softmmu_load(cpu, b, IR_MO_8 | mo), 0xbb);
	ck_assert_uint_eq(entry(RV_MMU_S, b)->addr_write, b | TLB_NOTDIRTY);
	softmmu_code_page_drop((RAM_BASE + 0x280000) >> 12);
	/* a full flush empties it */
	tlb_flush(cpu);
	*pte_a = ((RAM_BASE + 0x200000) >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
	ck_assert_uint_eq(softmmu_load(cpu, a, IR_MO_8 | mo), 0xaa);
}
END_TEST

START_TEST(mmu_index_flags)
{
	/* the MMU index of loads and stores follows priv, MPRV/MPP and SUM */
	rv->priv = RV_PRIV_M;
	rv->mstatus = 0;
	rv_update_flags(rv);
	ck_assert_uint_eq((cpu->tb_flags & RV_TBF_MMU_MASK) >> RV_TBF_MMU_SHIFT, RV_MMU_M);
	rv->mstatus = MSTATUS_MPRV | 1ull << MSTATUS_MPP_SHIFT | MSTATUS_SUM;
	rv_update_flags(rv);
	ck_assert_uint_eq((cpu->tb_flags & RV_TBF_MMU_MASK) >> RV_TBF_MMU_SHIFT, RV_MMU_S_SUM);
	rv->priv = RV_PRIV_U;
	rv_update_flags(rv);
	ck_assert_uint_eq((cpu->tb_flags & RV_TBF_MMU_MASK) >> RV_TBF_MMU_SHIFT, RV_MMU_U);
	ck_assert_uint_eq(rv64_arch.fetch_mmu_idx(cpu->tb_flags), RV_MMU_U);
	/* FS: Off, Initial/Clean, Dirty */
	ck_assert(cpu->tb_flags & RV_TBF_FS_OFF);
	rv->mstatus = 2ull << MSTATUS_FS_SHIFT;
	rv_update_flags(rv);
	ck_assert(cpu->tb_flags & RV_TBF_FS_CLEAN);
	rv->mstatus = 3ull << MSTATUS_FS_SHIFT;
	rv_update_flags(rv);
	ck_assert(!(cpu->tb_flags & (RV_TBF_FS_CLEAN | RV_TBF_FS_OFF)));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rv-mmu");
	TCase *tc = tcase_create("mmu");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fill_4k_and_ad);
	tcase_add_test(tc, faults);
	tcase_add_test(tc, superpage_flush);
	tcase_add_test(tc, pmp_partial_page);
	tcase_add_test(tc, slow_path);
	tcase_add_test(tc, code_page_watch);
	tcase_add_test(tc, victim_tlb);
	tcase_add_test(tc, mmu_index_flags);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
