/*
 * System mode: the softMMU TLB hit path inline (include/morph/softmmu.h gives
 * the reference), and calls out of the middle of an op that keep every live
 * register (the slow paths of memory ops and IR_fpop).
 *
 * In system mode guest_base and guest_mask mean nothing, so their registers
 * (r14, r15) are scratch: r14 points at the TLB entry, r15 holds the tag.
 */
#include <stddef.h>

#include "backend-x86_64/x86-jit.h"
#include "morph/softmmu.h"

#define X86_TLB_ENTRY X86_GBASE
#define X86_TLB_TAG X86_GMASK

_Static_assert(TLB_SIZE * sizeof(struct tlb_entry) == 0x2000, "index mask below assumes 256 x 32");

size_t x86_tlb_lookup(struct x86_cg *cg, uint32_t mo, bool align, bool write)
{
	struct x86_buf *b = &cg->b;
	unsigned size = 1u << (mo & IR_MO_SIZE);
	int32_t tlb = (int32_t)(offsetof(struct cpu, mmu.tlb) +
				IR_MO_GET_MMU(mo) * TLB_SIZE * sizeof(struct tlb_entry));

	/* r14 = &tlb[idx][(vaddr >> 12) & 255] */
	x86_mov_rr(b, 64, X86_TLB_ENTRY, X86_ADDR);
	x86_shift_ri(b, X86_SHR, 64, X86_TLB_ENTRY, TLB_PAGE_BITS - 5);
	x86_alu_ri(b, X86_AND, 32, X86_TLB_ENTRY, (TLB_SIZE - 1) << 5);
	x86_lea(b, 64, X86_TLB_ENTRY, x86_mi(X86_ENV, X86_TLB_ENTRY, 1, tlb - X86_ENV_BIAS));

	/*
	 * The tag of the access: its page, plus the low bits that must be zero
	 * when it has to be aligned; an unaligned access is tagged with the page
	 * of its last byte, so one that crosses a page misses.
	 */
	if (align && size > 1) {
		x86_mov_rr(b, 64, X86_TLB_TAG, X86_ADDR);
		x86_alu_ri(b, X86_AND, 64, X86_TLB_TAG, (int32_t)(TLB_PAGE_MASK | (size - 1)));
	} else {
		x86_lea(b, 64, X86_TLB_TAG, x86_m(X86_ADDR, (int32_t)(size - 1)));
		x86_alu_ri(b, X86_AND, 64, X86_TLB_TAG, (int32_t)TLB_PAGE_MASK);
	}
	x86_alu_rm(b, X86_CMP, 64, X86_TLB_TAG,
		   x86_m(X86_TLB_ENTRY, write ? offsetof(struct tlb_entry, addr_write)
					      : offsetof(struct tlb_entry, addr_read)));
	size_t miss = x86_jcc32(b, X86_CC_NE, (size_t)-1);
	x86_alu_rm(b, X86_ADD, 64, X86_ADDR,
		   x86_m(X86_TLB_ENTRY, offsetof(struct tlb_entry, addend)));
	return miss;
}

void x86_store_insn_pc(struct x86_cg *cg, int scratch)
{
	x86_movabs(&cg->b, scratch, cg->insn_pc);
	x86_store(&cg->b, 64, x86_env((int32_t)cg->ir->pc_offset), scratch);
}

void x86_push_live(struct x86_cg *cg, int except, struct x86_saved *s)
{
	s->n = 0;
	for (int r = 0; r < X86_NREGS; r++) {
		if (cg->reg_temp[r] < 0 || r == except ||
		    !((X86_ALLOC_MASK & ~X86_CALLEE_SAVED_MASK) & X86_RBIT(r)))
			continue;
		s->reg[s->n++] = (int8_t)r;
		x86_push(&cg->b, r);
	}
	if (s->n & 1) /* rsp stays 16-byte aligned at the call */
		x86_alu_ri(&cg->b, X86_SUB, 64, X86_RSP, 8);
}

void x86_pop_live(struct x86_cg *cg, const struct x86_saved *s)
{
	if (s->n & 1)
		x86_alu_ri(&cg->b, X86_ADD, 64, X86_RSP, 8);
	for (unsigned i = s->n; i-- > 0;)
		x86_pop(&cg->b, s->reg[i]);
}
