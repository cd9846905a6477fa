/*
 * The FP mode of a MIPS o32 process in user mode (Linux's FR/FRE thread
 * state): chosen at exec from the ELF's FP ABI as arch/mips/kernel/elf.c
 * does (arch_elf_pt_proc, arch_check_elf, mips_set_personality_fp), and
 * switched with prctl(PR_SET_FP_MODE) as arch/mips/kernel/process.c
 * mips_set_process_fp_mode() does.
 *
 * The FPU is the 24Kf's (MIPS_FIR_24KF: F64 set, no FRE), so FR=1 is
 * available and FRE (release 5) is not. The register file needs no
 * remapping on a switch: it is the 64-bit fpr[] in both modes (mips-cpu.h),
 * which is also what Linux's save in one mode and reload in the other does
 * (FR=0 -> 1: f2k keeps the pair, odd registers their last FR=1 value).
 */
#include <errno.h>
#include <unistd.h>

#include "morph/elf-loader.h"
#include "morph/linux-abi.h"
#include "frontends/mips/mips-cpu.h"

#define MIPS_PT_ABIFLAGS 0x70000003u
#define MIPS_EF_FP64 0x200u	     /* e_flags: the old -mfp64 marking (no abiflags) */
#define MIPS_FIR_F64 (1u << 22)
#define ABIFLAGS_SIZE 24	     /* struct mips_elf_abiflags_v0 */
#define ABIFLAGS_FP_ABI 7	     /* its fp_abi byte */

/* prctl options and mode bits (include/uapi/linux/prctl.h) */
#define PR_SET_FP_MODE 45
#define PR_GET_FP_MODE 46
#define PR_FP_MODE_FR (1u << 0)
#define PR_FP_MODE_FRE (1u << 1)

/* .MIPS.abiflags fp_abi values (Val_GNU_MIPS_ABI_FP_*) */
enum { FP_ANY, FP_DOUBLE, FP_SINGLE, FP_SOFT, FP_OLD_64, FP_XX, FP_64, FP_64A };
#define FP_UNKNOWN (-1)

/* What an FP ABI can run with: its FPU mode requirements */
struct fp_req {
	bool single, soft, fr1, frdefault, fre;
};

static const struct fp_req fp_reqs[] = {
	[FP_ANY] = {true, true, true, true, true},
	[FP_DOUBLE] = {false, false, false, true, true},
	[FP_SINGLE] = {true, false, false, false, false},
	[FP_SOFT] = {false, true, false, false, false},
	[FP_OLD_64] = {false, false, false, false, false},
	[FP_XX] = {false, false, true, true, true},
	[FP_64] = {false, false, true, false, false},
	[FP_64A] = {false, false, true, false, true},
};

static const struct fp_req no_req = {true, true, false, true, true};

void mips_user_set_fr(struct mips_cpu *cpu, bool fr)
{
	cpu->fr = fr;
	cpu->c.tb_flags = (cpu->c.tb_flags & ~MIPS_TBF_FR) | (fr ? MIPS_TBF_FR : 0);
}

/* The FP ABI of @ef: EF_MIPS_FP64, overridden by a PT_MIPS_ABIFLAGS header */
static int elf_fp_abi(const struct elf_file *ef, int *abi)
{
	uint8_t b[ABIFLAGS_SIZE];

	*abi = ef->eflags & MIPS_EF_FP64 ? FP_OLD_64 : FP_UNKNOWN;
	for (unsigned i = 0; i < ef->phnum; i++) {
		const struct elf_phdr *ph = &ef->phdrs[i];

		if (ph->type != MIPS_PT_ABIFLAGS)
			continue;
		if (ph->filesz < sizeof(b))
			return -EINVAL;
		if (pread(ef->fd, b, sizeof(b), (off_t)ph->offset) != (ssize_t)sizeof(b))
			return -EIO;
		*abi = b[ABIFLAGS_FP_ABI];
	}
	return 0;
}

static const struct fp_req *req_of(int abi)
{
	return abi == FP_UNKNOWN ? &no_req : &fp_reqs[abi];
}

int mips_o32_check_elf(struct cpu *c, const struct elf_file *prog,
		       const struct elf_file *interp)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	int pabi, iabi = FP_UNKNOWN, abi0, abi1, r;
	struct fp_req q;
	bool fr1;

	r = elf_fp_abi(prog, &pabi);
	if (r == 0 && interp)
		r = elf_fp_abi(interp, &iabi);
	if (r < 0)
		return r;
	/* as Linux: the lower and higher of the two (unknown counts as -1) */
	abi0 = interp && iabi < pabi ? iabi : pabi;
	abi1 = interp && iabi > pabi ? iabi : pabi;
	if (abi0 > FP_64A || abi1 > FP_64A)
		return -ELIBBAD;
	q = *req_of(abi0);
	q.single &= req_of(abi1)->single;
	q.soft &= req_of(abi1)->soft;
	q.fr1 &= req_of(abi1)->fr1;
	q.frdefault &= req_of(abi1)->frdefault;
	q.fre &= req_of(abi1)->fre;

	if (q.fre && !q.frdefault && !q.fr1)
		return -ELIBBAD; /* FRE only: this FPU has no FRE */
	if ((q.fr1 && q.frdefault) || (q.single && !q.frdefault))
		fr1 = (cpu->fir & MIPS_FIR_F64) != 0; /* the hardware's preference (r2 + F64) */
	else if (q.fr1)
		fr1 = true;
	else if (!q.frdefault && !q.single && !q.soft)
		return -ELIBBAD;
	else
		fr1 = false;
	mips_user_set_fr(cpu, fr1);
	return 0;
}

int64_t mips_o32_prctl(struct cpu *c, const uint64_t *a)
{
	struct mips_cpu *cpu = (struct mips_cpu *)c;
	uint64_t v = a[1];

	switch (a[0]) {
	case PR_GET_FP_MODE:
		return cpu->fr ? PR_FP_MODE_FR : 0;
	case PR_SET_FP_MODE:
		if (v == (cpu->fr ? PR_FP_MODE_FR : 0))
			return 0;
		if (v & ~(uint64_t)(PR_FP_MODE_FR | PR_FP_MODE_FRE))
			return -EOPNOTSUPP;
		/* FRE alone, FRE at all (no Config5.FRE), FR=1 without F64 */
		if ((v & PR_FP_MODE_FRE) || ((v & PR_FP_MODE_FR) && !(cpu->fir & MIPS_FIR_F64)))
			return -EOPNOTSUPP;
		/*
		 * The syscall ends the TB, so the next one is translated for the
		 * new mode. Linux switches every thread of the process; morph
		 * switches the caller (and the threads it creates from now on).
		 */
		mips_user_set_fr(cpu, v & PR_FP_MODE_FR);
		return 0;
	default:
		return -ENOSYS;
	}
}
