/*
 * The x86-64 encoder (backend-x86_64/emit.c): every instruction form is
 * emitted, disassembled with capstone, and compared with the text we meant,
 * over all registers (REX.R/X/B, byte registers spl..dil), all addressing
 * forms (rsp/r12 need a SIB, rbp/r13 a displacement) and widths.
 */
#include <capstone/capstone.h>
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend-x86_64/emit.h"

static csh cs;

static const char *const r64[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
static const char *const r32[16] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
				    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
static const char *const r16[16] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
				    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
static const char *const r8[16] = {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
				   "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
static const char *const ccs[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
				    "s", "ns", "p", "np", "l", "ge", "le", "g"};

static const char *reg(unsigned w, int r)
{
	return w == 64 ? r64[r] : w == 32 ? r32[r] : w == 16 ? r16[r] : r8[r];
}

static const char *ptr(unsigned w)
{
	return w == 64 ? "qword ptr " : w == 32 ? "dword ptr " : w == 16 ? "word ptr " : "byte ptr ";
}

/* Capstone's immediate style: decimal below 10, hex otherwise, with a sign. */
static void imm_str(char *s, int64_t v)
{
	if (v < 0)
		sprintf(s, v > -10 ? "-%lld" : "-0x%llx", (long long)-v);
	else
		sprintf(s, v < 10 ? "%lld" : "0x%llx", (long long)v);
}

static char *mem_str(char *s, struct x86_mem m)
{
	char d[32];
	char *p = s;

	p += sprintf(p, "[");
	if (m.rip) {
		p += sprintf(p, "rip");
	} else if (m.base >= 0) {
		p += sprintf(p, "%s", r64[m.base]);
	}
	if (!m.rip && m.index >= 0) {
		if (m.base >= 0)
			p += sprintf(p, " + ");
		p += sprintf(p, m.scale == 1 ? "%s" : "%s*%u", r64[m.index], m.scale);
	}
	if (!m.rip && m.base < 0 && m.index < 0) {
		imm_str(d, m.disp);
		sprintf(p, "%s]", d);
		return s;
	}
	if (m.disp) {
		imm_str(d, m.disp < 0 ? -(int64_t)m.disp : m.disp);
		p += sprintf(p, " %c %s", m.disp < 0 ? '-' : '+', d);
	}
	sprintf(p, "]");
	return s;
}

static uint8_t code[64];
static struct x86_buf buf;

static struct x86_buf *B(void)
{
	x86_buf_init(&buf, code, sizeof(code));
	return &buf;
}

/*
 * Disassemble what was emitted: it must be exactly one instruction reading
 * @expect, or @alt if given (capstone prints some immediates signed).
 */
static void check_text(int line, const char *expect, const char *alt)
{
	char got[256];
	cs_insn *insn;

	size_t len = x86_off(&buf);
	ck_assert_msg(!buf.overflow, "line %d: overflow", line);
	size_t n = cs_disasm(cs, code, len, 0x1000, 0, &insn);
	ck_assert_msg(n >= 1, "line %d: %s: capstone cannot decode", line, expect);
	snprintf(got, sizeof(got), "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
		 insn[0].op_str);
	size_t used = insn[0].size;
	cs_free(insn, n);
	ck_assert_msg(n == 1 && used == len, "line %d: %s: %zu insns / %zu of %zu bytes", line,
		      expect, n, used, len);
	ck_assert_msg(strcmp(got, expect) == 0 || (alt && strcmp(got, alt) == 0),
		      "line %d: expected \"%s\", got \"%s\"", line, expect, got);
}

static void check_one_at(int line, const char *fmt, ...)
{
	char expect[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expect, sizeof(expect), fmt, ap);
	va_end(ap);
	check_text(line, expect, NULL);
}
#define check_one(...) check_one_at(__LINE__, __VA_ARGS__)

static const unsigned widths[] = {8, 16, 32, 64};

/* Hand-written goldens: the generator above must not share a bug with the encoder. */
START_TEST(test_goldens)
{
	static const struct {
		const char *text;
		uint8_t bytes[12];
		unsigned len;
	} g[] = {
		{"mov rax, qword ptr [rbp + 8]", {0x48, 0x8b, 0x45, 0x08}, 4},
		{"mov qword ptr [r13], r12", {0x4d, 0x89, 0x65, 0x00}, 4},
		{"mov rax, qword ptr [rsp + 0x10]", {0x48, 0x8b, 0x44, 0x24, 0x10}, 5},
		{"mov esi, dword ptr [r14 + r11]", {0x43, 0x8b, 0x34, 0x1e}, 4},
		{"mov byte ptr [r14 + r11], sil", {0x43, 0x88, 0x34, 0x1e}, 4},
		{"add rbx, 1", {0x48, 0x83, 0xc3, 0x01}, 4},
		{"sete sil", {0x40, 0x0f, 0x94, 0xc6}, 4},
	};
	for (unsigned i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		struct x86_buf *b = B();
		switch (i) {
		case 0: x86_load(b, 64, X86_RAX, x86_m(X86_RBP, 8)); break;
		case 1: x86_store(b, 64, x86_m(X86_R13, 0), X86_R12); break;
		case 2: x86_load(b, 64, X86_RAX, x86_m(X86_RSP, 16)); break;
		case 3: x86_load(b, 32, X86_RSI, x86_mi(X86_R14, X86_R11, 1, 0)); break;
		case 4: x86_store(b, 8, x86_mi(X86_R14, X86_R11, 1, 0), X86_RSI); break;
		case 5: x86_alu_ri(b, X86_ADD, 64, X86_RBX, 1); break;
		case 6: x86_setcc(b, X86_CC_E, X86_RSI); break;
		}
		ck_assert_uint_eq(x86_off(b), g[i].len);
		ck_assert_msg(memcmp(code, g[i].bytes, g[i].len) == 0, "bytes of %s", g[i].text);
		check_one("%s", g[i].text);
	}
}
END_TEST

START_TEST(test_mov_rr)
{
	for (unsigned wi = 0; wi < 4; wi++)
		for (int d = 0; d < 16; d++)
			for (int s = 0; s < 16; s++) {
				unsigned w = widths[wi];
				x86_mov_rr(B(), w, d, s);
				check_one("mov %s, %s", reg(w, d), reg(w, s));
			}
}
END_TEST

START_TEST(test_alu)
{
	static const char *const names[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
	static const int32_t imms[] = {0, 1, 5, 127, -128, 128, -129, 0x1234, -0x12345678};
	char is[32];

	for (unsigned op = 0; op < 8; op++)
		for (unsigned wi = 0; wi < 4; wi++)
			for (int d = 0; d < 16; d++) {
				unsigned w = widths[wi];
				for (int s = 0; s < 16; s += 3) {
					x86_alu_rr(B(), op, w, d, s);
					check_one("%s %s, %s", names[op], reg(w, d), reg(w, s));
				}
				for (unsigned k = 0; k < sizeof(imms) / sizeof(imms[0]); k++) {
					int64_t v = imms[k];
					if (w == 8)
						v = (int8_t)v;
					if (w == 16)
						v = (int16_t)v;
					x86_alu_ri(B(), op, w, d, (int32_t)v);
					/* The value modulo 2^w, printed unsigned or signed */
					char e1[64], e2[64];
					uint64_t u = w == 64 ? (uint64_t)v : (uint64_t)v & ((1ull << w) - 1);
					sprintf(is, u < 10 ? "%llu" : "0x%llx", (unsigned long long)u);
					sprintf(e1, "%s %s, %s", names[op], reg(w, d), is);
					imm_str(is, v);
					sprintf(e2, "%s %s, %s", names[op], reg(w, d), is);
					check_text(__LINE__, e1, e2);
				}
			}
}
END_TEST

START_TEST(test_alu_mem)
{
	static const char *const names[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
	char ms[64];
	struct x86_mem m = x86_mi(X86_R13, X86_R9, 4, -300);

	mem_str(ms, m);
	for (unsigned op = 0; op < 8; op++)
		for (unsigned wi = 0; wi < 4; wi++) {
			unsigned w = widths[wi];
			x86_alu_rm(B(), op, w, X86_RDI, m);
			check_one("%s %s, %s%s", names[op], reg(w, X86_RDI), ptr(w), ms);
			x86_alu_mr(B(), op, w, m, X86_R10);
			check_one("%s %s%s, %s", names[op], ptr(w), ms, reg(w, X86_R10));
			x86_alu_mi(B(), op, w, m, 7);
			check_one("%s %s%s, 7", names[op], ptr(w), ms);
			x86_alu_mi(B(), op, w, m, w == 8 ? 100 : 1000);
			check_one("%s %s%s, %s", names[op], ptr(w), ms, w == 8 ? "0x64" : "0x3e8");
		}
}
END_TEST

/* Every base, index, scale and displacement size through a load and a store. */
START_TEST(test_addressing)
{
	static const int32_t disps[] = {0, 8, -8, 127, -128, 128, 0x12345, -0x12345};
	char ms[64];

	for (int base = -1; base < 16; base++)
		for (int index = -1; index < 16; index++) {
			if (index == X86_RSP)
				continue; /* rsp cannot be an index */
			for (unsigned sc = 1; sc <= 8; sc *= 2) {
				if (index < 0 && sc > 1)
					continue;
				for (unsigned k = 0; k < sizeof(disps) / sizeof(disps[0]); k++) {
					struct x86_mem m = x86_mi(base, index, sc, disps[k]);
					if (base < 0 && disps[k] < 0 && index < 0)
						continue;
					int r = (base + index + 16) & 15;
					x86_load(B(), 64, r, m);
					check_one("mov %s, qword ptr %s", r64[r], mem_str(ms, m));
					x86_store(B(), 8, m, r);
					check_one("mov byte ptr %s, %s", ms, r8[r]);
				}
			}
		}
	struct x86_mem rip = {.base = -1, .index = -1, .scale = 1, .rip = true, .disp = 0x40};
	x86_load(B(), 32, X86_R9, rip);
	check_one("mov r9d, dword ptr [rip + 0x40]");
	x86_lea(B(), 64, X86_RAX, x86_mi(X86_RBX, X86_RCX, 1, 0));
	check_one("lea rax, [rbx + rcx]");
	x86_lea(B(), 32, X86_R12, x86_m(X86_R13, -4));
	check_one("lea r12d, [r13 - 4]");
}
END_TEST

START_TEST(test_mov_imm)
{
	static const uint64_t vals[] = {0, 1, 0x7f, 0x12345678, 0xffffffffu, 0x80000000u,
					0xffffffff80000000ull, ~0ull, 0x123456789abcull,
					0x8000000000000000ull};
	char is[32];

	for (int r = 0; r < 16; r++)
		for (unsigned k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
			uint64_t v = vals[k];
			x86_mov_ri(B(), r, v);
			if (v == (uint32_t)v) {
				sprintf(is, v < 10 ? "%llu" : "0x%llx", (unsigned long long)v);
				check_one("mov %s, %s", r32[r], is);
			} else if ((int64_t)v == (int32_t)v) {
				imm_str(is, (int64_t)v);
				check_one("mov %s, %s", r64[r], is);
			} else {
				check_one("movabs %s, 0x%llx", r64[r], (unsigned long long)v);
			}
			x86_movabs(B(), r, v);
			ck_assert_uint_eq(x86_off(&buf), 10);
			sprintf(is, v < 10 ? "%llu" : "0x%llx", (unsigned long long)v);
			check_one("movabs %s, %s", r64[r], is);
		}
	for (int r = 0; r < 16; r++) {
		x86_zero(B(), r);
		check_one("xor %s, %s", r32[r], r32[r]);
	}
	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];
		x86_store_imm(B(), w, x86_m(X86_RBP, 16), -2);
		check_one("mov %s[rbp + 0x10], %s", ptr(w),
			  w == 8 ? "0xfe" : w == 16 ? "0xfffe" : w == 32 ? "0xfffffffe" : "-2");
	}
}
END_TEST

START_TEST(test_extend)
{
	char ms[64];
	struct x86_mem m = x86_mi(X86_R14, X86_R11, 1, 0);

	mem_str(ms, m);
	for (int d = 0; d < 16; d++)
		for (int s = 0; s < 16; s++) {
			x86_movzx_rr(B(), 32, 8, d, s);
			check_one("movzx %s, %s", r32[d], r8[s]);
			x86_movzx_rr(B(), 32, 16, d, s);
			check_one("movzx %s, %s", r32[d], r16[s]);
			x86_movsx_rr(B(), 64, 8, d, s);
			check_one("movsx %s, %s", r64[d], r8[s]);
			x86_movsx_rr(B(), 32, 16, d, s);
			check_one("movsx %s, %s", r32[d], r16[s]);
			x86_movsx_rr(B(), 64, 32, d, s);
			check_one("movsxd %s, %s", r64[d], r32[s]);
		}
	for (int d = 0; d < 16; d++) {
		x86_movzx_rm(B(), 32, 8, d, m);
		check_one("movzx %s, byte ptr %s", r32[d], ms);
		x86_movzx_rm(B(), 32, 16, d, m);
		check_one("movzx %s, word ptr %s", r32[d], ms);
		x86_movsx_rm(B(), 64, 8, d, m);
		check_one("movsx %s, byte ptr %s", r64[d], ms);
		x86_movsx_rm(B(), 64, 16, d, m);
		check_one("movsx %s, word ptr %s", r64[d], ms);
		x86_movsx_rm(B(), 32, 8, d, m);
		check_one("movsx %s, byte ptr %s", r32[d], ms);
		x86_movsx_rm(B(), 64, 32, d, m);
		check_one("movsxd %s, dword ptr %s", r64[d], ms);
	}
}
END_TEST

START_TEST(test_cc_forms)
{
	for (unsigned cc = 0; cc < 16; cc++) {
		for (int r = 0; r < 16; r++) {
			x86_setcc(B(), cc, r);
			check_one("set%s %s", ccs[cc], r8[r]);
			x86_cmov(B(), cc, 64, r, 15 - r);
			check_one("cmov%s %s, %s", ccs[cc], r64[r], r64[15 - r]);
			x86_cmov(B(), cc, 32, r, (r + 3) & 15);
			check_one("cmov%s %s, %s", ccs[cc], r32[r], r32[(r + 3) & 15]);
		}
		ck_assert_uint_eq(x86_cc_invert(cc) ^ 1, cc);
	}
}
END_TEST

START_TEST(test_arith_forms)
{
	static const char *const un[8] = {[2] = "not", "neg", "mul", "imul", "div", "idiv"};
	static const char *const sh[8] = {"rol", "ror", [4] = "shl", "shr", [7] = "sar"};
	static const unsigned shops[] = {0, 1, 4, 5, 7};

	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];
		for (int r = 0; r < 16; r++) {
			for (unsigned op = 2; op < 8; op++) {
				x86_unary(B(), op, w, r);
				check_one("%s %s", un[op], reg(w, r));
			}
			for (unsigned k = 0; k < 5; k++) {
				unsigned op = shops[k];
				x86_shift_ri(B(), op, w, r, 1);
				check_one("%s %s, 1", sh[op], reg(w, r));
				x86_shift_ri(B(), op, w, r, 7);
				check_one("%s %s, 7", sh[op], reg(w, r));
				x86_shift_cl(B(), op, w, r);
				check_one("%s %s, cl", sh[op], reg(w, r));
			}
			x86_test_rr(B(), w, r, 15 - r);
			check_one("test %s, %s", reg(w, r), reg(w, 15 - r));
			x86_test_ri(B(), w, r, 3);
			check_one("test %s, 3", reg(w, r));
			x86_xchg_rr(B(), w, r, (r + 5) & 15);
			check_one("xchg %s, %s", reg(w, (r + 5) & 15), reg(w, r));
		}
		x86_test_mi(B(), w, x86_m(X86_RAX, 0), 1);
		check_one("test %s[rax], 1", ptr(w));
	}
	for (unsigned wi = 1; wi < 4; wi++) {
		unsigned w = widths[wi];
		if (w == 16)
			continue;
		for (int d = 0; d < 16; d++) {
			int s = (d * 7 + 3) & 15;
			x86_imul_rr(B(), w, d, s);
			check_one("imul %s, %s", reg(w, d), reg(w, s));
			x86_imul_rm(B(), w, d, x86_m(s, 0x40));
			check_one("imul %s, %sptr [%s + 0x40]", reg(w, d), w == 64 ? "qword " : "dword ",
				  r64[s]);
			x86_imul_rri(B(), w, d, s, 10);
			check_one("imul %s, %s, 0xa", reg(w, d), reg(w, s));
			x86_imul_rri(B(), w, d, s, 1000);
			check_one("imul %s, %s, 0x3e8", reg(w, d), reg(w, s));
			x86_bswap(B(), w, d);
			check_one("bswap %s", reg(w, d));
			x86_bsr(B(), w, d, s);
			check_one("bsr %s, %s", reg(w, d), reg(w, s));
			x86_bsf(B(), w, d, s);
			check_one("bsf %s, %s", reg(w, d), reg(w, s));
			x86_lzcnt(B(), w, d, s);
			check_one("lzcnt %s, %s", reg(w, d), reg(w, s));
			x86_tzcnt(B(), w, d, s);
			check_one("tzcnt %s, %s", reg(w, d), reg(w, s));
			x86_popcnt(B(), w, d, s);
			check_one("popcnt %s, %s", reg(w, d), reg(w, s));
			for (int c = 0; c < 16; c += 5) {
				x86_shiftx(B(), X86_SHL, w, d, s, c);
				check_one("shlx %s, %s, %s", reg(w, d), reg(w, s), reg(w, c));
				x86_shiftx(B(), X86_SHR, w, d, s, c);
				check_one("shrx %s, %s, %s", reg(w, d), reg(w, s), reg(w, c));
				x86_shiftx(B(), X86_SAR, w, d, s, c);
				check_one("sarx %s, %s, %s", reg(w, d), reg(w, s), reg(w, c));
				char is[16];
				x86_rorx(B(), w, d, s, (unsigned)c + 1);
				imm_str(is, c + 1);
				check_one("rorx %s, %s, %s", reg(w, d), reg(w, s), is);
				x86_andn(B(), w, d, s, c);
				check_one("andn %s, %s, %s", reg(w, d), reg(w, s), reg(w, c));
			}
		}
	}
	static const struct {
		enum x86_sse op;
		const char *name;
	} sse[] = {
		{X86_SSE_ADD, "add"}, {X86_SSE_SUB, "sub"}, {X86_SSE_MUL, "mul"},
		{X86_SSE_DIV, "div"}, {X86_SSE_SQRT, "sqrt"},
	};
	for (unsigned i = 0; i < sizeof(sse) / sizeof(sse[0]); i++) {
		for (int d = 0; d < 16; d += 5) {
			for (int dbl = 0; dbl < 2; dbl++) {
				const char *sfx = dbl ? "sd" : "ss";
				x86_sse(B(), sse[i].op, dbl, d, 15 - d);
				check_one("%s%s xmm%d, xmm%d", sse[i].name, sfx, d, 15 - d);
				if (sse[i].op == X86_SSE_SQRT)
					continue;
				x86_vsse(B(), sse[i].op, dbl, d, (d + 3) & 15, 15 - d);
				check_one("v%s%s xmm%d, xmm%d, xmm%d", sse[i].name, sfx, d, (d + 3) & 15,
					  15 - d);
			}
		}
	}
	x86_sse(B(), X86_SSE_MOVAP, true, 9, 2);
	check_one("movapd xmm9, xmm2");
	x86_sse(B(), X86_SSE_UCOMI, true, 3, 12);
	check_one("ucomisd xmm3, xmm12");
	x86_sse(B(), X86_SSE_COMI, false, 12, 3);
	check_one("comiss xmm12, xmm3");
	x86_cext(B(), 32);
	check_one("cdq");
	x86_cext(B(), 64);
	check_one("cqo");
	x86_shift_ri(B(), X86_ROL, 16, X86_RSI, 8);
	check_one("rol si, 8");
}
END_TEST

START_TEST(test_atomics)
{
	char ms[64];
	struct x86_mem m = x86_mi(X86_R14, X86_R11, 1, 0);

	mem_str(ms, m);
	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];
		for (int r = 0; r < 16; r++) {
			if (r == X86_R11 || r == X86_R14)
				continue;
			x86_lock_cmpxchg(B(), w, m, r);
			check_one("lock cmpxchg %s%s, %s", ptr(w), ms, reg(w, r));
			x86_lock_xadd(B(), w, m, r);
			check_one("lock xadd %s%s, %s", ptr(w), ms, reg(w, r));
			x86_xchg_mr(B(), w, m, r);
			check_one("xchg %s%s, %s", ptr(w), ms, reg(w, r));
		}
	}
	x86_mfence(B());
	check_one("mfence");
}
END_TEST

START_TEST(test_control)
{
	for (int r = 0; r < 16; r++) {
		x86_push(B(), r);
		check_one("push %s", r64[r]);
		x86_pop(B(), r);
		check_one("pop %s", r64[r]);
		x86_jmp_r(B(), r);
		check_one("jmp %s", r64[r]);
		x86_call_r(B(), r);
		check_one("call %s", r64[r]);
		x86_jmp_m(B(), x86_m(r, 0x48));
		check_one("jmp qword ptr [%s + 0x48]", r64[r]);
	}
	x86_ret(B());
	check_one("ret");
	x86_ud2(B());
	check_one("ud2");
	x86_int3(B());
	check_one("int3");

	/* Branch targets are buffer offsets; capstone shows 0x1000 + offset */
	size_t d = x86_jmp32(B(), 0x123);
	ck_assert_uint_eq(d, 1);
	check_one("jmp 0x1123");
	d = x86_jmp32(B(), (size_t)-1);
	check_one("jmp 0x1005");
	x86_patch_rel32(&buf, d, 0);
	check_one("jmp 0x1000");
	for (unsigned cc = 0; cc < 16; cc++) {
		d = x86_jcc32(B(), cc, 0x40);
		ck_assert_uint_eq(d, 2);
		check_one("j%s 0x1040", ccs[cc]);
		d = x86_jcc8(B(), cc);
		x86_patch_rel8(&buf, d, 0x12);
		check_one("j%s 0x1012", ccs[cc]);
	}
	d = x86_jmp8(B());
	x86_patch_rel8(&buf, d, 0);
	check_one("jmp 0x1000");

	/* call rel32 to a reachable address, else through a register */
	x86_call_abs(B(), code + 0x30, 0, X86_RAX);
	ck_assert_uint_eq(x86_off(&buf), 5);
	cs_insn *insn;
	size_t n = cs_disasm(cs, code, 5, (uint64_t)(uintptr_t)code, 0, &insn);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(insn[0].mnemonic, "call");
	char want[32];
	sprintf(want, "0x%llx", (unsigned long long)(uintptr_t)(code + 0x30));
	ck_assert_str_eq(insn[0].op_str, want);
	cs_free(insn, n);
	x86_call_abs(B(), (void *)0x7000000000ull, -(intptr_t)(uintptr_t)code + 0x10000000000ll,
		     X86_R11);
	n = cs_disasm(cs, code, x86_off(&buf), 0, 0, &insn);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(insn[1].mnemonic, "call");
	ck_assert_str_eq(insn[1].op_str, "r11");
	cs_free(insn, n);

	for (unsigned k = 1; k <= 9; k++) {
		x86_nop(B(), k);
		ck_assert_uint_eq(x86_off(&buf), k);
		n = cs_disasm(cs, code, k, 0, 0, &insn);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(insn[0].mnemonic, "nop");
		cs_free(insn, n);
	}
	x86_nop(B(), 20);
	n = cs_disasm(cs, code, 20, 0, 0, &insn);
	ck_assert_uint_eq(n, 3);
	cs_free(insn, n);
}
END_TEST

START_TEST(test_overflow)
{
	uint8_t small[40];
	struct x86_buf b;

	memset(small, 0xaa, sizeof(small));
	x86_buf_init(&b, small, 24);
	for (int i = 0; i < 10; i++)
		x86_movabs(&b, X86_RAX, 0x1122334455667788ull);
	ck_assert(b.overflow);
	for (unsigned i = 24; i < sizeof(small); i++)
		ck_assert_uint_eq(small[i], 0xaa);
	ck_assert(b.p <= b.end);
}
END_TEST

START_TEST(test_features)
{
	x86_detect_features();
	unsigned f = x86_features;
	x86_detect_features();
	ck_assert_uint_eq(f, x86_features);
	/* Consistency with the compiler's view of this host */
	__builtin_cpu_init();
	ck_assert_int_eq(!!(f & X86_FEAT_POPCNT), !!__builtin_cpu_supports("popcnt"));
	ck_assert_int_eq(!!(f & X86_FEAT_BMI2), !!__builtin_cpu_supports("bmi2"));
	ck_assert_int_eq(!!(f & X86_FEAT_BMI1), !!__builtin_cpu_supports("bmi"));
}
END_TEST

int main(void)
{
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK)
		return 1;
	Suite *s = suite_create("x86-emit");
	TCase *tc = tcase_create("forms");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_goldens);
	tcase_add_test(tc, test_mov_rr);
	tcase_add_test(tc, test_alu);
	tcase_add_test(tc, test_alu_mem);
	tcase_add_test(tc, test_addressing);
	tcase_add_test(tc, test_mov_imm);
	tcase_add_test(tc, test_extend);
	tcase_add_test(tc, test_cc_forms);
	tcase_add_test(tc, test_arith_forms);
	tcase_add_test(tc, test_atomics);
	tcase_add_test(tc, test_control);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_features);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	cs_close(&cs);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
