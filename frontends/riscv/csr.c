/*
 * The CSRs of system mode (privileged spec 1.12 chapter 2 and sections 3.1,
 * 3.7, 4.1; Sstc; Svpbmt's menvcfg.PBMTE). Every access goes through
 * helper_rv_csrrw(): privilege and read-only checks from the CSR number
 * (2.1), then the CSR's read and write. WARL fields keep legal values only.
 *
 * Implemented but read-only zero: the hpm counters and events (OpenSBI
 * probes them by writing and finds none), mconfigptr, mvendorid/marchid/
 * mimpid. Not implemented (illegal): debug/trigger CSRs, mseccfg, the
 * hypervisor CSRs, stateen.
 */
#include <stddef.h>
#include <stdio.h>

#include "morph/exec.h"
#include "frontends/riscv/rv-gen.h"
#include "frontends/riscv/rv-hart.h"
#include "frontends/riscv/rv-sys.h"

#define HELPER_ENV struct rv_cpu
#define HELPER_LIST "frontends/riscv/helpers-sys.def"
#include "morph/helper-def.h"

/* Writable mstatus bits (UXL, SXL are read-only 64 on RV64; no V, no big-endian) */
#define MSTATUS_W                                                                                  \
	(MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP |     \
	 MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW |        \
	 MSTATUS_TSR)
/* sstatus: the S-mode view of mstatus */
#define SSTATUS_R                                                                                  \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS |        \
	 MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL)
#define SSTATUS_W                                                                                  \
	(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR)
/* Exceptions M-mode may delegate (not ecall from M, not reserved causes) */
#define MEDELEG_W 0xb3ffull
#define MIE_W MIP_ALL

static uint64_t xmask(const struct rv_cpu *cpu)
{
	return rv_is32(cpu) ? 0xffffffffull : ~0ull;
}

static uint64_t read_mstatus(const struct rv_cpu *cpu, uint64_t mask)
{
	uint64_t s = cpu->mstatus & mask;
	bool dirty = (cpu->mstatus & MSTATUS_FS) == MSTATUS_FS;

	if (dirty)
		s |= rv_is32(cpu) ? MSTATUS32_SD : MSTATUS64_SD;
	return s;
}

/* mstatus changed from @old: flush what depends on it, new TB flags, maybe an interrupt */
static void mstatus_changed(struct rv_cpu *cpu, uint64_t old)
{
	/* MXR widens what loads may read in every translated index */
	if ((old ^ cpu->mstatus) & MSTATUS_MXR)
		tlb_flush_mmuidx(&cpu->c, RV_MMU_TRANSLATED);
	rv_update_flags(cpu);
	rv_irq_recheck(cpu);
}

static void write_mstatus(struct rv_cpu *cpu, uint64_t v, uint64_t wmask)
{
	uint64_t old = cpu->mstatus;

	/* MPP is WARL: 2 (reserved) keeps the old value */
	if ((wmask & MSTATUS_MPP) && ((v & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		wmask &= ~MSTATUS_MPP;
	if (rv_is32(cpu))
		wmask &= 0xffffffffull;
	cpu->mstatus = (old & ~wmask) | (v & wmask);
	mstatus_changed(cpu, old);
}

/* The FP CSRs also mark mstatus.FS dirty (3.1.6.6) */
static void fs_dirty(struct rv_cpu *cpu)
{
	if ((cpu->mstatus & MSTATUS_FS) != MSTATUS_FS) {
		cpu->mstatus |= MSTATUS_FS;
		rv_update_flags(cpu);
	}
}

/* tvec: MODE 0 (direct) or 1 (vectored); bit 1 reads zero */
static uint64_t legal_tvec(uint64_t v)
{
	return v & ~2ull;
}

static bool satp_mode_ok(const struct rv_cpu *cpu, unsigned mode)
{
	if (rv_is32(cpu))
		return mode <= SATP_MODE_SV32;
	return mode == SATP_MODE_BARE || (mode >= SATP_MODE_SV39 && mode <= SATP_MODE_SV57);
}

static void write_satp(struct rv_cpu *cpu, uint64_t v)
{
	unsigned mode = rv_is32(cpu) ? (unsigned)(v >> 31) & 1 : (unsigned)(v >> 60);

	/* An unsupported mode: the whole write has no effect (4.1.11) */
	if (!satp_mode_ok(cpu, mode))
		return;
	if (rv_is32(cpu))
		v &= 0xffffffffull;
	else
		v &= 0xf000ffffffffffffull | 0xffffull << 44; /* 16 ASID bits, 44 PPN bits */
	if (v != cpu->satp) {
		cpu->satp = v;
		tlb_flush_mmuidx(&cpu->c, RV_MMU_TRANSLATED);
	}
}

/*
 * Counter access from S/U (3.1.11): mcounteren gates S- and U-mode,
 * scounteren U-mode too. Bit @bit: 0 cycle, 1 time, 2 instret, 3..31 hpm.
 */
static bool counter_ok(const struct rv_cpu *cpu, unsigned bit)
{
	if (cpu->priv < RV_PRIV_M && !((cpu->mcounteren >> bit) & 1))
		return false;
	if (cpu->priv < RV_PRIV_S && !((cpu->scounteren >> bit) & 1))
		return false;
	return true;
}

/* mcycle/minstret: a 1 GHz hart retiring one instruction per cycle (or --icount) */
static uint64_t cycles(struct rv_cpu *cpu, bool instret)
{
	uint64_t ns = (uint64_t)exec_clock_ns(&cpu->c, CLOCK_MONOTONIC);

	return ns + (uint64_t)(instret ? cpu->minstret_delta : cpu->mcycle_delta);
}

static uint64_t counter(struct rv_cpu *cpu, unsigned bit)
{
	switch (bit) {
	case 0:
		return cycles(cpu, false);
	case 1:
		return rv_time(cpu);
	case 2:
		return cycles(cpu, true);
	default:
		return 0;
	}
}

static bool has_sstc(const struct rv_cpu *cpu)
{
	return cpu->plat && cpu->plat->set_timer;
}

static void stimecmp_changed(struct rv_cpu *cpu)
{
	rv_sstc_update(cpu);
	if (has_sstc(cpu))
		cpu->plat->set_timer(cpu->plat->opaque, &cpu->c,
				     (cpu->menvcfg & MENVCFG_STCE) ? cpu->stimecmp : UINT64_MAX);
}

/* Sstc: S-mode reaches stimecmp only with menvcfg.STCE and mcounteren.TM */
static bool stimecmp_ok(const struct rv_cpu *cpu)
{
	if (!has_sstc(cpu))
		return false;
	return cpu->priv == RV_PRIV_M || ((cpu->menvcfg & MENVCFG_STCE) && (cpu->mcounteren & 2));
}

static uint64_t pmpcfg_read(const struct rv_cpu *cpu, unsigned n)
{
	uint64_t v = 0;
	unsigned per = rv_is32(cpu) ? 4 : 8;

	for (unsigned k = 0; k < per; k++) {
		unsigned e = n * 4 + k;
		if (e < RV_PMP_ENTRIES)
			v |= (uint64_t)cpu->pmpcfg[e] << (8 * k);
	}
	return v;
}

static bool pmp_locked(const struct rv_cpu *cpu, unsigned e)
{
	return cpu->pmpcfg[e] & PMP_L;
}

static void pmpcfg_write(struct rv_cpu *cpu, unsigned n, uint64_t v)
{
	unsigned per = rv_is32(cpu) ? 4 : 8;

	for (unsigned k = 0; k < per; k++) {
		unsigned e = n * 4 + k;
		uint8_t b = (uint8_t)(v >> (8 * k));
		if (e >= RV_PMP_ENTRIES || pmp_locked(cpu, e))
			continue;
		/* W without R is reserved: keep the old value (WARL) */
		if ((b & (PMP_R | PMP_W)) == PMP_W)
			continue;
		cpu->pmpcfg[e] = b & (PMP_R | PMP_W | PMP_X | PMP_A | PMP_L);
	}
	rv_pmp_update(cpu);
}

static void pmpaddr_write(struct rv_cpu *cpu, unsigned e, uint64_t v)
{
	if (e >= RV_PMP_ENTRIES || pmp_locked(cpu, e))
		return;
	/* A locked TOR entry also locks the address below it (3.7.1.3) */
	if (e + 1 < RV_PMP_ENTRIES && pmp_locked(cpu, e + 1) &&
	    ((cpu->pmpcfg[e + 1] & PMP_A) >> PMP_A_SHIFT) == PMP_A_TOR)
		return;
	/* 54 bits of a 56-bit physical address on RV64, 32 bits (34-bit addresses) on RV32 */
	cpu->pmpaddr[e] = v & (rv_is32(cpu) ? 0xffffffffull : (1ull << 54) - 1);
	rv_pmp_update(cpu);
}

/*
 * CSRs that are plain storage: a read returns the field, a write keeps the
 * writable bits (the others are WARL bits whose one legal value is zero).
 */
struct plain_csr {
	uint16_t csr;
	uint8_t size;    /* of the field: 4 or 8 bytes */
	size_t off;      /* of the field in struct rv_cpu */
	uint64_t wmask;
};

#define PLAIN(n, field, w)                                                                         \
	{ n, sizeof(((struct rv_cpu *)0)->field), offsetof(struct rv_cpu, field), w }

static const struct plain_csr plain_csrs[] = {
	PLAIN(CSR_SCOUNTEREN, scounteren, 0xffffffffull),
	PLAIN(CSR_SENVCFG, senvcfg, MENVCFG_FIOM),
	PLAIN(CSR_SSCRATCH, sscratch, ~0ull),
	PLAIN(CSR_SEPC, sepc, ~1ull),                 /* IALIGN is 16: bit 0 reads 0 */
	PLAIN(CSR_SCAUSE, scause, ~0ull),
	PLAIN(CSR_STVAL, stval, ~0ull),
	PLAIN(CSR_MEDELEG, medeleg, MEDELEG_W),
	PLAIN(CSR_MCOUNTEREN, mcounteren, 0xffffffffull),
	PLAIN(CSR_MCOUNTINHIBIT, mcountinhibit, ~2u), /* TM does not exist */
	PLAIN(CSR_MSCRATCH, mscratch, ~0ull),
	PLAIN(CSR_MEPC, mepc, ~1ull),
	PLAIN(CSR_MCAUSE, mcause, ~0ull),
	PLAIN(CSR_MTVAL, mtval, ~0ull),
};

#undef PLAIN

/* The field of plain CSR @csr and its row in *@pc, or NULL */
static void *plain_field(struct rv_cpu *cpu, unsigned csr, const struct plain_csr **pc)
{
	for (size_t i = 0; i < sizeof(plain_csrs) / sizeof(plain_csrs[0]); i++) {
		if (plain_csrs[i].csr == csr) {
			*pc = &plain_csrs[i];
			return (uint8_t *)cpu + plain_csrs[i].off;
		}
	}
	return NULL;
}

static bool plain_read(struct rv_cpu *cpu, unsigned csr, uint64_t *v)
{
	const struct plain_csr *pc;
	void *f = plain_field(cpu, csr, &pc);

	if (!f)
		return false;
	*v = pc->size == 4 ? *(uint32_t *)f : *(uint64_t *)f;
	return true;
}

static bool plain_write(struct rv_cpu *cpu, unsigned csr, uint64_t v)
{
	const struct plain_csr *pc;
	void *f = plain_field(cpu, csr, &pc);

	if (!f)
		return false;
	if (pc->size == 4)
		*(uint32_t *)f = (uint32_t)(v & pc->wmask);
	else
		*(uint64_t *)f = v & pc->wmask;
	return true;
}

/* The privilege a CSR number requires (bits 9:8); hypervisor CSRs do not exist here */
static bool csr_priv_ok(const struct rv_cpu *cpu, unsigned csr)
{
	unsigned need = (csr >> 8) & 3;

	return need != 2 && cpu->priv >= need;
}

bool rv_csr_read(struct rv_cpu *cpu, unsigned csr, uint64_t *val)
{
	uint64_t v;

	if (csr >= 0xc00 && csr <= 0xc1f) { /* cycle, time, instret, hpmcounterN */
		if (!counter_ok(cpu, csr - 0xc00))
			return false;
		*val = counter(cpu, csr - 0xc00) & xmask(cpu);
		return true;
	}
	if (csr >= 0xc80 && csr <= 0xc9f) { /* RV32: their high halves */
		if (!rv_is32(cpu) || !counter_ok(cpu, csr - 0xc80))
			return false;
		*val = counter(cpu, csr - 0xc80) >> 32;
		return true;
	}
	if (csr >= 0xb03 && csr <= 0xb1f) { /* mhpmcounterN */
		*val = 0;
		return true;
	}
	if (csr >= 0xb83 && csr <= 0xb9f) {
		*val = 0;
		return rv_is32(cpu);
	}
	if (csr >= 0x323 && csr <= 0x33f) { /* mhpmeventN */
		*val = 0;
		return true;
	}
	if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG0 + 15) {
		unsigned n = csr - CSR_PMPCFG0;
		if (!rv_is32(cpu) && (n & 1))
			return false; /* RV64 has the even ones only */
		*val = pmpcfg_read(cpu, n);
		return true;
	}
	if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR0 + 63) {
		unsigned e = csr - CSR_PMPADDR0;
		*val = e < RV_PMP_ENTRIES ? cpu->pmpaddr[e] : 0;
		return true;
	}

	switch (csr) {
	case RV_CSR_FFLAGS:
	case RV_CSR_FRM:
	case RV_CSR_FCSR:
		if (!(cpu->mstatus & MSTATUS_FS))
			return false;
		*val = helper_rv_csrr_fp(cpu, csr);
		return true;
	case CSR_SSTATUS:
		v = read_mstatus(cpu, SSTATUS_R);
		break;
	case CSR_SIE:
		v = cpu->mie & cpu->mideleg;
		break;
	case CSR_STVEC:
		v = cpu->stvec;
		break;
	case CSR_SIP:
		v = rv_mip(cpu) & cpu->mideleg;
		break;
	case CSR_STIMECMP:
		if (!stimecmp_ok(cpu))
			return false;
		v = cpu->stimecmp;
		break;
	case CSR_STIMECMPH:
		if (!rv_is32(cpu) || !stimecmp_ok(cpu))
			return false;
		v = cpu->stimecmp >> 32;
		break;
	case CSR_SATP:
		if (cpu->priv == RV_PRIV_S && (cpu->mstatus & MSTATUS_TVM))
			return false;
		v = cpu->satp;
		break;
	case CSR_MVENDORID:
	case CSR_MARCHID:
	case CSR_MIMPID:
	case CSR_MCONFIGPTR:
		v = 0;
		break;
	case CSR_MHARTID:
		v = cpu->mhartid;
		break;
	case CSR_MSTATUS:
		v = read_mstatus(cpu, ~0ull);
		break;
	case CSR_MSTATUSH:
		if (!rv_is32(cpu))
			return false;
		v = 0; /* SBE = MBE = 0: little-endian */
		break;
	case CSR_MISA:
		v = cpu->misa;
		break;
	case CSR_MIDELEG:
		v = cpu->mideleg;
		break;
	case CSR_MIE:
		v = cpu->mie;
		break;
	case CSR_MTVEC:
		v = cpu->mtvec;
		break;
	case CSR_MENVCFG:
		v = cpu->menvcfg;
		break;
	case CSR_MENVCFGH:
		if (!rv_is32(cpu))
			return false;
		v = cpu->menvcfg >> 32;
		break;
	case CSR_MIP:
		v = rv_mip(cpu);
		break;
	case CSR_MCYCLE:
		v = cycles(cpu, false);
		break;
	case CSR_MINSTRET:
		v = cycles(cpu, true);
		break;
	case CSR_MCYCLEH:
		if (!rv_is32(cpu))
			return false;
		v = cycles(cpu, false) >> 32;
		break;
	case CSR_MINSTRETH:
		if (!rv_is32(cpu))
			return false;
		v = cycles(cpu, true) >> 32;
		break;
	default:
		if (!plain_read(cpu, csr, &v))
			return false;
	}
	*val = v & xmask(cpu);
	return true;
}

/* Set the low or high half (RV32 ...h CSRs) of a 64-bit value */
static uint64_t set_half(uint64_t old, uint64_t v, bool high)
{
	return high ? (old & 0xffffffffull) | v << 32 : (old & ~0xffffffffull) | (uint32_t)v;
}

bool rv_csr_write(struct rv_cpu *cpu, unsigned csr, uint64_t v)
{
	v &= xmask(cpu);
	if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f))
		return true; /* hpm counters and events: read-only zero (WARL) */
	if (csr >= 0xb83 && csr <= 0xb9f)
		return rv_is32(cpu);
	if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG0 + 15) {
		unsigned n = csr - CSR_PMPCFG0;
		if (!rv_is32(cpu) && (n & 1))
			return false;
		pmpcfg_write(cpu, n, v);
		return true;
	}
	if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR0 + 63) {
		pmpaddr_write(cpu, csr - CSR_PMPADDR0, v);
		return true;
	}

	switch (csr) {
	case RV_CSR_FFLAGS:
	case RV_CSR_FRM:
	case RV_CSR_FCSR:
		if (!(cpu->mstatus & MSTATUS_FS))
			return false;
		helper_rv_csrw_fp(cpu, csr, v);
		fs_dirty(cpu);
		return true;
	case CSR_SSTATUS:
		write_mstatus(cpu, v, SSTATUS_W);
		return true;
	case CSR_SIE: {
		uint64_t m = cpu->mideleg & MIP_S_MASK;
		cpu->mie = (cpu->mie & ~m) | (v & m);
		rv_irq_recheck(cpu);
		return true;
	}
	case CSR_STVEC:
		cpu->stvec = legal_tvec(v);
		return true;
	case CSR_SIP:
		/* Only SSIP, and only when delegated */
		if (cpu->mideleg & MIP_SSIP) {
			if (v & MIP_SSIP)
				__atomic_or_fetch(&cpu->mip, MIP_SSIP, __ATOMIC_SEQ_CST);
			else
				__atomic_and_fetch(&cpu->mip, ~MIP_SSIP, __ATOMIC_SEQ_CST);
			rv_irq_recheck(cpu);
		}
		return true;
	case CSR_STIMECMP:
		if (!stimecmp_ok(cpu))
			return false;
		cpu->stimecmp = rv_is32(cpu) ? set_half(cpu->stimecmp, v, false) : v;
		stimecmp_changed(cpu);
		return true;
	case CSR_STIMECMPH:
		if (!rv_is32(cpu) || !stimecmp_ok(cpu))
			return false;
		cpu->stimecmp = set_half(cpu->stimecmp, v, true);
		stimecmp_changed(cpu);
		return true;
	case CSR_SATP:
		if (cpu->priv == RV_PRIV_S && (cpu->mstatus & MSTATUS_TVM))
			return false;
		write_satp(cpu, v);
		return true;
	case CSR_MSTATUS:
		write_mstatus(cpu, v, MSTATUS_W);
		return true;
	case CSR_MSTATUSH:
		return rv_is32(cpu);
	case CSR_MISA:
		return true; /* WARL: the extensions are fixed */
	case CSR_MIDELEG:
		cpu->mideleg = v & MIP_S_MASK;
		rv_irq_recheck(cpu);
		return true;
	case CSR_MIE:
		cpu->mie = v & MIE_W;
		rv_irq_recheck(cpu);
		return true;
	case CSR_MTVEC:
		cpu->mtvec = legal_tvec(v);
		return true;
	case CSR_MENVCFG:
	case CSR_MENVCFGH: {
		uint64_t w = MENVCFG_FIOM | (rv_is32(cpu) ? 0 : MENVCFG_PBMTE) |
			     (has_sstc(cpu) ? MENVCFG_STCE : 0);
		uint64_t nv = csr == CSR_MENVCFGH ? set_half(cpu->menvcfg, v, true)
			      : rv_is32(cpu)	  ? set_half(cpu->menvcfg, v, false)
						  : v;
		uint64_t old = cpu->menvcfg;
		if (csr == CSR_MENVCFGH && !rv_is32(cpu))
			return false;
		cpu->menvcfg = (old & ~w) | (nv & w);
		if ((old ^ cpu->menvcfg) & MENVCFG_PBMTE)
			tlb_flush_mmuidx(&cpu->c, RV_MMU_TRANSLATED);
		if ((old ^ cpu->menvcfg) & MENVCFG_STCE)
			stimecmp_changed(cpu);
		rv_irq_recheck(cpu);
		return true;
	}
	case CSR_MIP: {
		/* SSIP, SEIP (software bit) and STIP without Sstc are writable */
		uint64_t m = MIP_SSIP | MIP_SEIP | ((cpu->menvcfg & MENVCFG_STCE) ? 0 : MIP_STIP);
		uint64_t old = __atomic_load_n(&cpu->mip, __ATOMIC_SEQ_CST), nv;
		do
			nv = (old & ~m) | (v & m);
		while (!__atomic_compare_exchange_n(&cpu->mip, &old, nv, false, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST));
		rv_irq_recheck(cpu);
		return true;
	}
	case CSR_MCYCLE:
	case CSR_MCYCLEH:
	case CSR_MINSTRET:
	case CSR_MINSTRETH: {
		bool ir = csr == CSR_MINSTRET || csr == CSR_MINSTRETH;
		bool high = csr >= CSR_MCYCLEH;
		if (high && !rv_is32(cpu))
			return false;
		uint64_t now = cycles(cpu, ir);
		uint64_t want = rv_is32(cpu) ? set_half(now, v, high) : v;
		int64_t *delta = ir ? &cpu->minstret_delta : &cpu->mcycle_delta;
		*delta += (int64_t)(want - now);
		return true;
	}
	default:
		return plain_write(cpu, csr, v);
	}
}

/*
 * csrrw/csrrs/csrrc (and the immediate forms). Spec 2.1 / Zicsr: a CSR whose
 * number says read-only (bits 11:10 = 3) must not be written; csrrs/csrrc
 * with x0/0 do not write. The CSR is always read (no read side effects here).
 * For mip, only the software-writable SEIP bit takes part in a set or clear
 * (3.1.9), not the line.
 */
uint64_t helper_rv_csrrw(struct rv_cpu *env, uint32_t a, uint64_t src, uint32_t insn)
{
	unsigned csr = a & 0xfff, op = (a >> 12) & 3;
	bool write = (a >> 14) & 1;
	uint64_t old, base;

	if (!csr_priv_ok(env, csr) || (write && (csr >> 10) == 3))
		rv_raise_illegal_insn(env, insn);
	if (!rv_csr_read(env, csr, &old))
		rv_raise_illegal_insn(env, insn);
	if (write) {
		base = csr == CSR_MIP ? __atomic_load_n(&env->mip, __ATOMIC_SEQ_CST) : old;
		uint64_t nv = op == 0 ? src : op == 1 ? base | src : base & ~src;
		if (!rv_csr_write(env, csr, nv))
			rv_raise_illegal_insn(env, insn);
	}
	return old;
}
