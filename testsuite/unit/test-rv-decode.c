/*
 * RISC-V decoder and disassembler goldens, and translation-loop checks.
 *
 * The golden encodings and texts come from GNU binutils 2.40: instructions
 * assembled with riscv64-linux-gnu-as (.attribute arch
 * "rv64gc_zba_zbb_zbs_zicsr_zifencei_zihintpause") and disassembled with
 * riscv64-linux-gnu-objdump -d -M no-aliases (tabs turned into spaces,
 * symbol comments dropped). The table holds random encodings of every
 * pattern of insn32.decode / insn16.decode plus hand-picked edge cases;
 * the test needs no toolchain at run time.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "morph/exec.h"
#include "morph/frontend.h"
#include "frontends/riscv/rv-gen.h"

extern const struct morph_arch rv64_arch;

struct golden {
	uint64_t pc;
	uint32_t insn;
	unsigned len;
	const char *text;
};

/* Random encodings of every pattern (two each where objdump shows them the same way) */
static const struct golden goldens[] = {
	{0x0, 0x52e6b437, 4, "lui s0,0x52e6b"},
	{0x4, 0xf2a74db7, 4, "lui s11,0xf2a74"},
	{0x30, 0x0ed90417, 4, "auipc s0,0xed90"},
	{0x34, 0xe8e25d97, 4, "auipc s11,0xe8e25"},
	{0x60, 0x6cad4a6f, 4, "jal s4,d472a"},
	{0x64, 0x0f21ddef, 4, "jal s11,1d156"},
	{0x90, 0x93bd04e7, 4, "jalr s1,-1733(s10)"},
	{0x94, 0x95e60ae7, 4, "jalr s5,-1698(a2)"},
	{0xc0, 0x24ed86e3, 4, "beq s11,a4,b0c"},
	{0xc4, 0x8a6a03e3, 4, "beq s4,t1,fffffffffffff96a"},
	{0xf0, 0xa38f9563, 4, "bne t6,s8,fffffffffffff31a"},
	{0xf4, 0x301810e3, 4, "bne a6,ra,bf4"},
	{0x120, 0xae2ec163, 4, "blt t4,sp,fffffffffffff402"},
	{0x124, 0x881ec163, 4, "blt t4,ra,fffffffffffff1a6"},
	{0x150, 0xcb5c5463, 4, "bge s8,s5,fffffffffffff5f8"},
	{0x154, 0x2e0551e3, 4, "bge a0,zero,c36"},
	{0x180, 0xbabced63, 4, "bltu s9,a1,fffffffffffff53a"},
	{0x184, 0x72e6ec63, 4, "bltu a3,a4,8bc"},
	{0x1b0, 0x26e87563, 4, "bgeu a6,a4,41a"},
	{0x1b4, 0xeeeafbe3, 4, "bgeu s5,a4,aa"},
	{0x1e0, 0xe01f0003, 4, "lb zero,-511(t5)"},
	{0x1e4, 0xd17f8a83, 4, "lb s5,-745(t6)"},
	{0x210, 0xd7081083, 4, "lh ra,-656(a6)"},
	{0x214, 0x17f59803, 4, "lh a6,383(a1)"},
	{0x240, 0xa5aa2c83, 4, "lw s9,-1446(s4)"},
	{0x244, 0x93f42883, 4, "lw a7,-1729(s0)"},
	{0x270, 0x05c6bf03, 4, "ld t5,92(a3)"},
	{0x274, 0xf0ce3803, 4, "ld a6,-244(t3)"},
	{0x2a0, 0x211c4083, 4, "lbu ra,529(s8)"},
	{0x2a4, 0xbd054183, 4, "lbu gp,-1072(a0)"},
	{0x2d0, 0x8ca85803, 4, "lhu a6,-1846(a6)"},
	{0x2d4, 0x47205703, 4, "lhu a4,1138(zero)"},
	{0x300, 0x5bd86d03, 4, "lwu s10,1469(a6)"},
	{0x304, 0xaec6e003, 4, "lwu zero,-1300(a3)"},
	{0x330, 0x3bbb89a3, 4, "sb s11,947(s7)"},
	{0x334, 0x031680a3, 4, "sb a7,33(a3)"},
	{0x360, 0x5e8716a3, 4, "sh s0,1517(a4)"},
	{0x364, 0x9c1c9aa3, 4, "sh ra,-1579(s9)"},
	{0x390, 0xad1b22a3, 4, "sw a7,-1339(s6)"},
	{0x394, 0xbd62a8a3, 4, "sw s6,-1071(t0)"},
	{0x3c0, 0x6472b1a3, 4, "sd t2,1603(t0)"},
	{0x3c4, 0x65e7b423, 4, "sd t5,1608(a5)"},
	{0x3f0, 0x35718113, 4, "addi sp,gp,855"},
	{0x3f4, 0x70cc8c13, 4, "addi s8,s9,1804"},
	{0x420, 0x19f9a193, 4, "slti gp,s3,415"},
	{0x424, 0xf2ee2e13, 4, "slti t3,t3,-210"},
	{0x450, 0x4093b693, 4, "sltiu a3,t2,1033"},
	{0x454, 0xf499bd13, 4, "sltiu s10,s3,-183"},
	{0x480, 0x774b4593, 4, "xori a1,s6,1908"},
	{0x484, 0x7afb4c13, 4, "xori s8,s6,1967"},
	{0x4b0, 0xd42fed93, 4, "ori s11,t6,-702"},
	{0x4b4, 0xb12ae193, 4, "ori gp,s5,-1262"},
	{0x4e0, 0x8b0d7913, 4, "andi s2,s10,-1872"},
	{0x4e4, 0xea057513, 4, "andi a0,a0,-352"},
	{0x510, 0x02d81213, 4, "slli tp,a6,0x2d"},
	{0x514, 0x00b59813, 4, "slli a6,a1,0xb"},
	{0x540, 0x0064dc93, 4, "srli s9,s1,0x6"},
	{0x544, 0x02eddb93, 4, "srli s7,s11,0x2e"},
	{0x570, 0x417e5493, 4, "srai s1,t3,0x17"},
	{0x574, 0x42935013, 4, "srai zero,t1,0x29"},
	{0x5a0, 0x01268233, 4, "add tp,a3,s2"},
	{0x5a4, 0x00448bb3, 4, "add s7,s1,tp"},
	{0x5d0, 0x41e08f33, 4, "sub t5,ra,t5"},
	{0x5d4, 0x411e89b3, 4, "sub s3,t4,a7"},
	{0x600, 0x005b15b3, 4, "sll a1,s6,t0"},
	{0x604, 0x007596b3, 4, "sll a3,a1,t2"},
	{0x630, 0x0129a1b3, 4, "slt gp,s3,s2"},
	{0x634, 0x0010a633, 4, "slt a2,ra,ra"},
	{0x660, 0x000934b3, 4, "sltu s1,s2,zero"},
	{0x664, 0x0106b8b3, 4, "sltu a7,a3,a6"},
	{0x690, 0x00bec833, 4, "xor a6,t4,a1"},
	{0x694, 0x00c9c133, 4, "xor sp,s3,a2"},
	{0x6c0, 0x0085d633, 4, "srl a2,a1,s0"},
	{0x6c4, 0x010d5133, 4, "srl sp,s10,a6"},
	{0x6f0, 0x40f554b3, 4, "sra s1,a0,a5"},
	{0x6f4, 0x416f54b3, 4, "sra s1,t5,s6"},
	{0x720, 0x008c6233, 4, "or tp,s8,s0"},
	{0x724, 0x01f36333, 4, "or t1,t1,t6"},
	{0x750, 0x017ef933, 4, "and s2,t4,s7"},
	{0x754, 0x01b87c33, 4, "and s8,a6,s11"},
	{0x780, 0x42658b1b, 4, "addiw s6,a1,1062"},
	{0x784, 0x8b5a839b, 4, "addiw t2,s5,-1867"},
	{0x7b0, 0x0156181b, 4, "slliw a6,a2,0x15"},
	{0x7b4, 0x00a69c1b, 4, "slliw s8,a3,0xa"},
	{0x7e0, 0x0004d71b, 4, "srliw a4,s1,0x0"},
	{0x7e4, 0x00b3559b, 4, "srliw a1,t1,0xb"},
	{0x810, 0x401eda1b, 4, "sraiw s4,t4,0x1"},
	{0x814, 0x403d551b, 4, "sraiw a0,s10,0x3"},
	{0x840, 0x0031003b, 4, "addw zero,sp,gp"},
	{0x844, 0x018404bb, 4, "addw s1,s0,s8"},
	{0x870, 0x41b2873b, 4, "subw a4,t0,s11"},
	{0x874, 0x410585bb, 4, "subw a1,a1,a6"},
	{0x8a0, 0x00ce90bb, 4, "sllw ra,t4,a2"},
	{0x8a4, 0x012e133b, 4, "sllw t1,t3,s2"},
	{0x8d0, 0x0060d6bb, 4, "srlw a3,ra,t1"},
	{0x8d4, 0x01fc56bb, 4, "srlw a3,s8,t6"},
	{0x900, 0x413c5bbb, 4, "sraw s7,s8,s3"},
	{0x904, 0x408bd63b, 4, "sraw a2,s7,s0"},
	{0x990, 0x0100000f, 4, "pause"},
	{0x994, 0x0100000f, 4, "pause"},
	{0x9c0, 0x00000073, 4, "ecall"},
	{0x9c4, 0x00000073, 4, "ecall"},
	{0x9f0, 0x00100073, 4, "ebreak"},
	{0x9f4, 0x00100073, 4, "ebreak"},
	{0xa74, 0xc17a9273, 4, "csrrw tp,hpmcounter23,s5"},
	{0xad0, 0xb02e3df3, 4, "csrrc s11,minstret,t3"},
	{0xb58, 0x3d0a7773, 4, "csrrci a4,pmpaddr32,20"},
	{0xb70, 0x02e58f33, 4, "mul t5,a1,a4"},
	{0xb74, 0x025f8533, 4, "mul a0,t6,t0"},
	{0xba0, 0x02059e33, 4, "mulh t3,a1,zero"},
	{0xba4, 0x02121eb3, 4, "mulh t4,tp,ra"},
	{0xbd0, 0x03ab27b3, 4, "mulhsu a5,s6,s10"},
	{0xbd4, 0x0372aa33, 4, "mulhsu s4,t0,s7"},
	{0xc00, 0x03a4b033, 4, "mulhu zero,s1,s10"},
	{0xc04, 0x026d38b3, 4, "mulhu a7,s10,t1"},
	{0xc30, 0x020fc7b3, 4, "div a5,t6,zero"},
	{0xc34, 0x03164c33, 4, "div s8,a2,a7"},
	{0xc60, 0x039a54b3, 4, "divu s1,s4,s9"},
	{0xc64, 0x034bd033, 4, "divu zero,s7,s4"},
	{0xc90, 0x036ee9b3, 4, "rem s3,t4,s6"},
	{0xc94, 0x024565b3, 4, "rem a1,a0,tp"},
	{0xcc0, 0x022cf7b3, 4, "remu a5,s9,sp"},
	{0xcc4, 0x0349fab3, 4, "remu s5,s3,s4"},
	{0xcf0, 0x036385bb, 4, "mulw a1,t2,s6"},
	{0xcf4, 0x03380e3b, 4, "mulw t3,a6,s3"},
	{0xd20, 0x033ec83b, 4, "divw a6,t4,s3"},
	{0xd24, 0x03c64ebb, 4, "divw t4,a2,t3"},
	{0xd50, 0x03735dbb, 4, "divuw s11,t1,s7"},
	{0xd54, 0x0388df3b, 4, "divuw t5,a7,s8"},
	{0xd80, 0x02aaefbb, 4, "remw t6,s5,a0"},
	{0xd84, 0x02dbe8bb, 4, "remw a7,s7,a3"},
	{0xdb0, 0x02237e3b, 4, "remuw t3,t1,sp"},
	{0xdb4, 0x03befabb, 4, "remuw s5,t4,s11"},
	{0xdec, 0x100fabaf, 4, "lr.w s7,(t6)"},
	{0xdf0, 0x100225af, 4, "lr.w a1,(tp)"},
	{0xe18, 0x1898a6af, 4, "sc.w a3,s1,(a7)"},
	{0xe2c, 0x196b232f, 4, "sc.w t1,s6,(s6)"},
	{0xe40, 0x091e262f, 4, "amoswap.w a2,a7,(t3)"},
	{0xe44, 0x0987af2f, 4, "amoswap.w t5,s8,(a5)"},
	{0xe78, 0x017da22f, 4, "amoadd.w tp,s7,(s11)"},
	{0xea4, 0x206a2daf, 4, "amoxor.w s11,t1,(s4)"},
	{0xeb8, 0x20b5282f, 4, "amoxor.w a6,a1,(a0)"},
	{0xed8, 0x60d9252f, 4, "amoand.w a0,a3,(s2)"},
	{0xee4, 0x61f2a42f, 4, "amoand.w s0,t6,(t0)"},
	{0xf00, 0x40c7a9af, 4, "amoor.w s3,a2,(a5)"},
	{0xf08, 0x40e8ad2f, 4, "amoor.w s10,a4,(a7)"},
	{0xf34, 0x81a624af, 4, "amomin.w s1,s10,(a2)"},
	{0xf48, 0x81c9a62f, 4, "amomin.w a2,t3,(s3)"},
	{0xf64, 0xa11427af, 4, "amomax.w a5,a7,(s0)"},
	{0xf6c, 0xa18dafaf, 4, "amomax.w t6,s8,(s11)"},
	{0xf98, 0xc1022aaf, 4, "amominu.w s5,a6,(tp)"},
	{0xfa4, 0xc16127af, 4, "amominu.w a5,s6,(sp)"},
	{0xfcc, 0xe0f629af, 4, "amomaxu.w s3,a5,(a2)"},
	{0xfd4, 0xe17a24af, 4, "amomaxu.w s1,s7,(s4)"},
	{0xff4, 0x100931af, 4, "lr.d gp,(s2)"},
	{0x102c, 0x1912bf2f, 4, "sc.d t5,a7,(t0)"},
	{0x1040, 0x19e4b0af, 4, "sc.d ra,t5,(s1)"},
	{0x1098, 0x01f237af, 4, "amoadd.d a5,t6,(tp)"},
	{0x10a0, 0x01f9bdaf, 4, "amoadd.d s11,t6,(s3)"},
	{0x10cc, 0x204b3daf, 4, "amoxor.d s11,tp,(s6)"},
	{0x10dc, 0x20b8b02f, 4, "amoxor.d zero,a1,(a7)"},
	{0x10e0, 0x60eb3e2f, 4, "amoand.d t3,a4,(s6)"},
	{0x1108, 0x600db5af, 4, "amoand.d a1,zero,(s11)"},
	{0x1110, 0x40ea3daf, 4, "amoor.d s11,a4,(s4)"},
	{0x1120, 0x40723faf, 4, "amoor.d t6,t2,(tp)"},
	{0x115c, 0x80d2b42f, 4, "amomin.d s0,a3,(t0)"},
	{0x1164, 0x80a23b2f, 4, "amomin.d s6,a0,(tp)"},
	{0x118c, 0xa172b2af, 4, "amomax.d t0,s7,(t0)"},
	{0x11ac, 0xc17736af, 4, "amominu.d a3,s7,(a4)"},
	{0x11b0, 0xc11eb9af, 4, "amominu.d s3,a7,(t4)"},
	{0x11d4, 0xe0cb302f, 4, "amomaxu.d zero,a2,(s6)"},
	{0x11d8, 0xe099b22f, 4, "amomaxu.d tp,s1,(s3)"},
	{0x1200, 0xa1822307, 4, "flw ft6,-1512(tp)"},
	{0x1204, 0x66692107, 4, "flw ft2,1638(s2)"},
	{0x1230, 0xbb7b23a7, 4, "fsw fs7,-1113(s6)"},
	{0x1234, 0x692fa327, 4, "fsw fs2,1670(t6)"},
	{0x1260, 0xe94142c3, 4, "fmadd.s ft5,ft2,fs4,ft9,rmm"},
	{0x1268, 0x209779c3, 4, "fmadd.s fs3,fa4,fs1,ft4"},
	{0x1290, 0xf9ee8bc7, 4, "fmsub.s fs7,ft9,ft10,ft11,rne"},
	{0x1294, 0xa11f11c7, 4, "fmsub.s ft3,ft10,fa7,fs4,rtz"},
	{0x12c0, 0x28d64ccb, 4, "fnmsub.s fs9,fa2,fa3,ft5,rmm"},
	{0x12c4, 0xa0a915cb, 4, "fnmsub.s fa1,fs2,fa0,fs4,rtz"},
	{0x12f0, 0xe8009dcf, 4, "fnmadd.s fs11,ft1,ft0,ft9,rtz"},
	{0x12f4, 0x5134a04f, 4, "fnmadd.s ft0,fs1,fs3,fa0,rdn"},
	{0x1324, 0x004dc3d3, 4, "fadd.s ft7,fs11,ft4,rmm"},
	{0x1328, 0x0151f553, 4, "fadd.s fa0,ft3,fs5"},
	{0x1350, 0x09e98fd3, 4, "fsub.s ft11,fs3,ft10,rne"},
	{0x1354, 0x08e0a853, 4, "fsub.s fa6,ft1,fa4,rdn"},
	{0x1380, 0x11e321d3, 4, "fmul.s ft3,ft6,ft10,rdn"},
	{0x1384, 0x11867d53, 4, "fmul.s fs10,fa2,fs8"},
	{0x13b0, 0x18e47b53, 4, "fdiv.s fs6,fs0,fa4"},
	{0x13b4, 0x193ff753, 4, "fdiv.s fa4,ft11,fs3"},
	{0x13e0, 0x5805a553, 4, "fsqrt.s fa0,fa1,rdn"},
	{0x13e4, 0x58004853, 4, "fsqrt.s fa6,ft0,rmm"},
	{0x1410, 0x214c0dd3, 4, "fsgnj.s fs11,fs8,fs4"},
	{0x1414, 0x21e307d3, 4, "fsgnj.s fa5,ft6,ft10"},
	{0x1440, 0x21599053, 4, "fsgnjn.s ft0,fs3,fs5"},
	{0x1444, 0x21219cd3, 4, "fsgnjn.s fs9,ft3,fs2"},
	{0x1470, 0x21b9a0d3, 4, "fsgnjx.s ft1,fs3,fs11"},
	{0x1474, 0x20cdaed3, 4, "fsgnjx.s ft9,fs11,fa2"},
	{0x14a0, 0x29130153, 4, "fmin.s ft2,ft6,fa7"},
	{0x14a4, 0x29c28853, 4, "fmin.s fa6,ft5,ft8"},
	{0x14d0, 0x293f9dd3, 4, "fmax.s fs11,ft11,fs3"},
	{0x14d4, 0x290b9853, 4, "fmax.s fa6,fs7,fa6"},
	{0x1500, 0xc004ba53, 4, "fcvt.w.s s4,fs1,rup"},
	{0x1504, 0xc00536d3, 4, "fcvt.w.s a3,fa0,rup"},
	{0x1530, 0xc01f20d3, 4, "fcvt.wu.s ra,ft10,rdn"},
	{0x1534, 0xc01b7fd3, 4, "fcvt.wu.s t6,fs6"},
	{0x1560, 0xc02f03d3, 4, "fcvt.l.s t2,ft10,rne"},
	{0x1564, 0xc02b25d3, 4, "fcvt.l.s a1,fs6,rdn"},
	{0x1590, 0xc0319fd3, 4, "fcvt.lu.s t6,ft3,rtz"},
	{0x1594, 0xc038b653, 4, "fcvt.lu.s a2,fa7,rup"},
	{0x15c0, 0xe00787d3, 4, "fmv.x.w a5,fa5"},
	{0x15c4, 0xe00004d3, 4, "fmv.x.w s1,ft0"},
	{0x15f0, 0xe00c90d3, 4, "fclass.s ra,fs9"},
	{0x15f4, 0xe0079b53, 4, "fclass.s s6,fa5"},
	{0x1620, 0xa048a953, 4, "feq.s s2,fa7,ft4"},
	{0x1624, 0xa14e21d3, 4, "feq.s gp,ft8,fs4"},
	{0x1650, 0xa1809853, 4, "flt.s a6,ft1,fs8"},
	{0x1654, 0xa1e793d3, 4, "flt.s t2,fa5,ft10"},
	{0x1680, 0xa0508953, 4, "fle.s s2,ft1,ft5"},
	{0x1684, 0xa0710953, 4, "fle.s s2,ft2,ft7"},
	{0x16b0, 0xd00448d3, 4, "fcvt.s.w fa7,s0,rmm"},
	{0x16b4, 0xd006aad3, 4, "fcvt.s.w fs5,a3,rdn"},
	{0x16e0, 0xd013c8d3, 4, "fcvt.s.wu fa7,t2,rmm"},
	{0x16e4, 0xd01b0a53, 4, "fcvt.s.wu fs4,s6,rne"},
	{0x1710, 0xd02e11d3, 4, "fcvt.s.l ft3,t3,rtz"},
	{0x1714, 0xd025abd3, 4, "fcvt.s.l fs7,a1,rdn"},
	{0x1740, 0xd034af53, 4, "fcvt.s.lu ft10,s1,rdn"},
	{0x1744, 0xd034a5d3, 4, "fcvt.s.lu fa1,s1,rdn"},
	{0x1770, 0xf00a0a53, 4, "fmv.w.x fs4,s4"},
	{0x1774, 0xf0010ad3, 4, "fmv.w.x fs5,sp"},
	{0x17a0, 0x0c9c3087, 4, "fld ft1,201(s8)"},
	{0x17a4, 0xb48bb007, 4, "fld ft0,-1208(s7)"},
	{0x17d0, 0xe5a13b27, 4, "fsd fs10,-426(sp)"},
	{0x17d4, 0x797b3527, 4, "fsd fs7,1930(s6)"},
	{0x1800, 0x0aec37c3, 4, "fmadd.d fa5,fs8,fa4,ft1,rup"},
	{0x1804, 0x72cc0543, 4, "fmadd.d fa0,fs8,fa2,fa4,rne"},
	{0x1830, 0x52cd42c7, 4, "fmsub.d ft5,fs10,fa2,fa0,rmm"},
	{0x183c, 0x53c0a747, 4, "fmsub.d fa4,ft1,ft8,fa0,rdn"},
	{0x1860, 0x5305124b, 4, "fnmsub.d ft4,fa0,fa6,fa0,rtz"},
	{0x1864, 0xea9a364b, 4, "fnmsub.d fa2,fs4,fs1,ft9,rup"},
	{0x1894, 0x12b99acf, 4, "fnmadd.d fs5,fs3,fa1,ft2,rtz"},
	{0x1898, 0x0235afcf, 4, "fnmadd.d ft11,fa1,ft3,ft0,rdn"},
	{0x18c0, 0x02f2a253, 4, "fadd.d ft4,ft5,fa5,rdn"},
	{0x18c4, 0x02304253, 4, "fadd.d ft4,ft0,ft3,rmm"},
	{0x18f0, 0x0b751e53, 4, "fsub.d ft8,fa0,fs7,rtz"},
	{0x18f4, 0x0a59b3d3, 4, "fsub.d ft7,fs3,ft5,rup"},
	{0x1920, 0x13cdf2d3, 4, "fmul.d ft5,fs11,ft8"},
	{0x1924, 0x13f5c1d3, 4, "fmul.d ft3,fa1,ft11,rmm"},
	{0x1950, 0x1b4f8bd3, 4, "fdiv.d fs7,ft11,fs4,rne"},
	{0x1954, 0x1a62bf53, 4, "fdiv.d ft10,ft5,ft6,rup"},
	{0x1984, 0x5a0fca53, 4, "fsqrt.d fs4,ft11,rmm"},
	{0x1988, 0x5a0205d3, 4, "fsqrt.d fa1,ft4,rne"},
	{0x19b0, 0x23b38053, 4, "fsgnj.d ft0,ft7,fs11"},
	{0x19b4, 0x22dc8353, 4, "fsgnj.d ft6,fs9,fa3"},
	{0x19e0, 0x237b1c53, 4, "fsgnjn.d fs8,fs6,fs7"},
	{0x19e4, 0x23df1e53, 4, "fsgnjn.d ft8,ft10,ft9"},
	{0x1a10, 0x231f22d3, 4, "fsgnjx.d ft5,ft10,fa7"},
	{0x1a14, 0x2285a053, 4, "fsgnjx.d ft0,fa1,fs0"},
	{0x1a40, 0x2b400fd3, 4, "fmin.d ft11,ft0,fs4"},
	{0x1a44, 0x2a068253, 4, "fmin.d ft4,fa3,ft0"},
	{0x1a70, 0x2be014d3, 4, "fmax.d fs1,ft0,ft10"},
	{0x1a74, 0x2abc1bd3, 4, "fmax.d fs7,fs8,fa1"},
	{0x1aa0, 0x401a0d53, 4, "fcvt.s.d fs10,fs4,rne"},
	{0x1aa8, 0x4010b753, 4, "fcvt.s.d fa4,ft1,rup"},
	{0x1b00, 0xa3baa553, 4, "feq.d a0,fs5,fs11"},
	{0x1b04, 0xa381ad53, 4, "feq.d s10,ft3,fs8"},
	{0x1b30, 0xa29d1853, 4, "flt.d a6,fs10,fs1"},
	{0x1b34, 0xa3af1cd3, 4, "flt.d s9,ft10,fs10"},
	{0x1b60, 0xa34205d3, 4, "fle.d a1,ft4,fs4"},
	{0x1b64, 0xa3c985d3, 4, "fle.d a1,fs3,ft8"},
	{0x1b90, 0xe2061cd3, 4, "fclass.d s9,fa2"},
	{0x1b94, 0xe20e9453, 4, "fclass.d s0,ft9"},
	{0x1bc0, 0xc20288d3, 4, "fcvt.w.d a7,ft5,rne"},
	{0x1bc8, 0xc2048c53, 4, "fcvt.w.d s8,fs1,rne"},
	{0x1bf0, 0xc2178b53, 4, "fcvt.wu.d s6,fa5,rne"},
	{0x1bf8, 0xc2161ed3, 4, "fcvt.wu.d t4,fa2,rtz"},
	{0x1c20, 0xc226f2d3, 4, "fcvt.l.d t0,fa3"},
	{0x1c24, 0xc22e7153, 4, "fcvt.l.d sp,ft8"},
	{0x1c50, 0xc230c6d3, 4, "fcvt.lu.d a3,ft1,rmm"},
	{0x1c54, 0xc23c8653, 4, "fcvt.lu.d a2,fs9,rne"},
	{0x1ca8, 0xd20c85d3, 4, "fcvt.d.w fa1,s9"},
	{0x1cac, 0xd2060c53, 4, "fcvt.d.w fs8,a2"},
	{0x1ce0, 0xd22f9bd3, 4, "fcvt.d.l fs7,t6,rtz"},
	{0x1ce8, 0xd2247dd3, 4, "fcvt.d.l fs11,s0"},
	{0x1d14, 0xd23c70d3, 4, "fcvt.d.lu ft1,s8"},
	{0x1d18, 0xd2320a53, 4, "fcvt.d.lu fs4,tp,rne"},
	{0x1d40, 0xe20d08d3, 4, "fmv.x.d a7,fs10"},
	{0x1d44, 0xe2028453, 4, "fmv.x.d s0,ft5"},
	{0x1d70, 0xf20b0453, 4, "fmv.d.x fs0,s6"},
	{0x1d74, 0xf2098753, 4, "fmv.d.x fa4,s3"},
	{0x1da0, 0x098c0cbb, 4, "add.uw s9,s8,s8"},
	{0x1da4, 0x095e82bb, 4, "add.uw t0,t4,s5"},
	{0x1dd0, 0x2094aab3, 4, "sh1add s5,s1,s1"},
	{0x1dd4, 0x200f2033, 4, "sh1add zero,t5,zero"},
	{0x1e00, 0x20854733, 4, "sh2add a4,a0,s0"},
	{0x1e04, 0x2044c033, 4, "sh2add zero,s1,tp"},
	{0x1e30, 0x217a60b3, 4, "sh3add ra,s4,s7"},
	{0x1e34, 0x20aae333, 4, "sh3add t1,s5,a0"},
	{0x1e60, 0x20fd293b, 4, "sh1add.uw s2,s10,a5"},
	{0x1e64, 0x21a326bb, 4, "sh1add.uw a3,t1,s10"},
	{0x1e90, 0x214fca3b, 4, "sh2add.uw s4,t6,s4"},
	{0x1e94, 0x211c43bb, 4, "sh2add.uw t2,s8,a7"},
	{0x1ec0, 0x2124eebb, 4, "sh3add.uw t4,s1,s2"},
	{0x1ec4, 0x207ce63b, 4, "sh3add.uw a2,s9,t2"},
	{0x1ef0, 0x0a999d1b, 4, "slli.uw s10,s3,0x29"},
	{0x1ef4, 0x08371d9b, 4, "slli.uw s11,a4,0x3"},
	{0x1f20, 0x40f077b3, 4, "andn a5,zero,a5"},
	{0x1f24, 0x4078f7b3, 4, "andn a5,a7,t2"},
	{0x1f50, 0x4168e233, 4, "orn tp,a7,s6"},
	{0x1f54, 0x40fe62b3, 4, "orn t0,t3,a5"},
	{0x1f80, 0x41eb40b3, 4, "xnor ra,s6,t5"},
	{0x1f84, 0x41b2cbb3, 4, "xnor s7,t0,s11"},
	{0x1fb0, 0x60059b93, 4, "clz s7,a1"},
	{0x1fb4, 0x60019a13, 4, "clz s4,gp"},
	{0x1fe0, 0x601c9893, 4, "ctz a7,s9"},
	{0x1fe4, 0x60169113, 4, "ctz sp,a3"},
	{0x2010, 0x60299c13, 4, "cpop s8,s3"},
	{0x2014, 0x60261113, 4, "cpop sp,a2"},
	{0x2040, 0x600f911b, 4, "clzw sp,t6"},
	{0x2044, 0x600c1b9b, 4, "clzw s7,s8"},
	{0x2070, 0x6015979b, 4, "ctzw a5,a1"},
	{0x2074, 0x6018931b, 4, "ctzw t1,a7"},
	{0x20a0, 0x6027941b, 4, "cpopw s0,a5"},
	{0x20a4, 0x6025141b, 4, "cpopw s0,a0"},
	{0x20d0, 0x0b916b33, 4, "max s6,sp,s9"},
	{0x20d4, 0x0a736533, 4, "max a0,t1,t2"},
	{0x2100, 0x0a5c7933, 4, "maxu s2,s8,t0"},
	{0x2104, 0x0b3e7c33, 4, "maxu s8,t3,s3"},
	{0x2130, 0x0bfbc8b3, 4, "min a7,s7,t6"},
	{0x2134, 0x0bafc0b3, 4, "min ra,t6,s10"},
	{0x2160, 0x0bb5d633, 4, "minu a2,a1,s11"},
	{0x2164, 0x0a28d033, 4, "minu zero,a7,sp"},
	{0x2190, 0x60421d13, 4, "sext.b s10,tp"},
	{0x2194, 0x604b1f93, 4, "sext.b t6,s6"},
	{0x21c0, 0x60591913, 4, "sext.h s2,s2"},
	{0x21c4, 0x60599e93, 4, "sext.h t4,s3"},
	{0x21f0, 0x080ec43b, 4, "zext.h s0,t4"},
	{0x21f4, 0x080cc83b, 4, "zext.h a6,s9"},
	{0x2220, 0x610c92b3, 4, "rol t0,s9,a6"},
	{0x2224, 0x605c1833, 4, "rol a6,s8,t0"},
	{0x2250, 0x61f4dfb3, 4, "ror t6,s1,t6"},
	{0x2254, 0x60865333, 4, "ror t1,a2,s0"},
	{0x2280, 0x639dd013, 4, "rori zero,s11,0x39"},
	{0x2284, 0x6243d013, 4, "rori zero,t2,0x24"},
	{0x22b0, 0x60f1903b, 4, "rolw zero,gp,a5"},
	{0x22b4, 0x61679bbb, 4, "rolw s7,a5,s6"},
	{0x22e0, 0x6113d13b, 4, "rorw sp,t2,a7"},
	{0x22e4, 0x60acdfbb, 4, "rorw t6,s9,a0"},
	{0x2310, 0x6133d09b, 4, "roriw ra,t2,0x13"},
	{0x2314, 0x60535b9b, 4, "roriw s7,t1,0x5"},
	{0x2340, 0x28705d13, 4, "orc.b s10,zero"},
	{0x2344, 0x287a5713, 4, "orc.b a4,s4"},
	{0x2370, 0x6b87d113, 4, "rev8 sp,a5"},
	{0x2374, 0x6b81dd13, 4, "rev8 s10,gp"},
	{0x23a0, 0x49f29db3, 4, "bclr s11,t0,t6"},
	{0x23a4, 0x495e98b3, 4, "bclr a7,t4,s5"},
	{0x23d0, 0x49d79c13, 4, "bclri s8,a5,0x1d"},
	{0x23d4, 0x4ad29c13, 4, "bclri s8,t0,0x2d"},
	{0x2400, 0x494ad433, 4, "bext s0,s5,s4"},
	{0x2404, 0x49e6d6b3, 4, "bext a3,a3,t5"},
	{0x2430, 0x4b03d613, 4, "bexti a2,t2,0x30"},
	{0x2434, 0x4a3ad693, 4, "bexti a3,s5,0x23"},
	{0x2460, 0x69751bb3, 4, "binv s7,a0,s7"},
	{0x2464, 0x69f31533, 4, "binv a0,t1,t6"},
	{0x2490, 0x6a971b13, 4, "binvi s6,a4,0x29"},
	{0x2494, 0x69a21b13, 4, "binvi s6,tp,0x1a"},
	{0x24c0, 0x28431933, 4, "bset s2,t1,tp"},
	{0x24c4, 0x283d19b3, 4, "bset s3,s10,gp"},
	{0x24f0, 0x2b4f1613, 4, "bseti a2,t5,0x34"},
	{0x24f4, 0x2b391e93, 4, "bseti t4,s2,0x33"},
	{0x2520, 0x114c, 2, "c.addi4spn a1,sp,164"},
	{0x2522, 0x04bc, 2, "c.addi4spn a5,sp,584"},
	{0x2538, 0x3d08, 2, "c.fld fa0,56(a0)"},
	{0x253a, 0x3304, 2, "c.fld fs1,32(a4)"},
	{0x2550, 0x4a14, 2, "c.lw a3,16(a2)"},
	{0x2552, 0x5614, 2, "c.lw a3,40(a2)"},
	{0x2568, 0x7900, 2, "c.ld s0,48(a0)"},
	{0x256a, 0x693c, 2, "c.ld a5,80(a0)"},
	{0x2580, 0xb990, 2, "c.fsd fa2,48(a1)"},
	{0x2582, 0xa1f4, 2, "c.fsd fa3,192(a1)"},
	{0x2598, 0xc558, 2, "c.sw a4,12(a0)"},
	{0x259a, 0xd9d4, 2, "c.sw a3,52(a1)"},
	{0x25b0, 0xf6c8, 2, "c.sd a0,168(a3)"},
	{0x25b2, 0xfa1c, 2, "c.sd a5,48(a2)"},
	{0x25c8, 0x0fb9, 2, "c.addi t6,14"},
	{0x25ca, 0x04c5, 2, "c.addi s1,17"},
	{0x25e0, 0x3cb9, 2, "c.addiw s9,-18"},
	{0x25e2, 0x33ed, 2, "c.addiw t2,-5"},
	{0x25f8, 0x431d, 2, "c.li t1,7"},
	{0x25fa, 0x4021, 2, "c.li zero,8"},
	{0x2610, 0x613d, 2, "c.addi16sp sp,480"},
	{0x2612, 0x7115, 2, "c.addi16sp sp,-224"},
	{0x2628, 0x68a1, 2, "c.lui a7,0x8"},
	{0x262a, 0x70b1, 2, "c.lui ra,0xfffec"},
	{0x2640, 0x90b5, 2, "c.srli s1,0x2d"},
	{0x2642, 0x9181, 2, "c.srli a1,0x20"},
	{0x2658, 0x86b9, 2, "c.srai a3,0xe"},
	{0x265a, 0x85b1, 2, "c.srai a1,0xc"},
	{0x2670, 0x98c5, 2, "c.andi s1,-15"},
	{0x2672, 0x8999, 2, "c.andi a1,6"},
	{0x2688, 0x8f89, 2, "c.sub a5,a0"},
	{0x268a, 0x8d85, 2, "c.sub a1,s1"},
	{0x26a0, 0x8d35, 2, "c.xor a0,a3"},
	{0x26a2, 0x8ca1, 2, "c.xor s1,s0"},
	{0x26b8, 0x8f45, 2, "c.or a4,s1"},
	{0x26ba, 0x8ed1, 2, "c.or a3,a2"},
	{0x26d0, 0x8ef5, 2, "c.and a3,a3"},
	{0x26d2, 0x8e71, 2, "c.and a2,a2"},
	{0x26e8, 0x9f91, 2, "c.subw a5,a2"},
	{0x26ea, 0x9d0d, 2, "c.subw a0,a1"},
	{0x2700, 0x9fbd, 2, "c.addw a5,a5"},
	{0x2702, 0x9cad, 2, "c.addw s1,a1"},
	{0x2718, 0xba05, 2, "c.j 2048"},
	{0x271a, 0xb205, 2, "c.j 203a"},
	{0x2730, 0xd239, 2, "c.beqz a2,2676"},
	{0x2732, 0xdbf9, 2, "c.beqz a5,2708"},
	{0x2748, 0xe625, 2, "c.bnez a2,27b0"},
	{0x274a, 0xfab5, 2, "c.bnez a3,26be"},
	{0x2760, 0x044e, 2, "c.slli s0,0x13"},
	{0x2762, 0x01da, 2, "c.slli gp,0x16"},
	{0x2778, 0x32f2, 2, "c.fldsp ft5,312(sp)"},
	{0x277a, 0x3662, 2, "c.fldsp fa2,56(sp)"},
	{0x2790, 0x462a, 2, "c.lwsp a2,136(sp)"},
	{0x2792, 0x4446, 2, "c.lwsp s0,80(sp)"},
	{0x27aa, 0x6282, 2, "c.ldsp t0,0(sp)"},
	{0x27ac, 0x60d6, 2, "c.ldsp ra,336(sp)"},
	{0x27c0, 0x8102, 2, "c.jr sp"},
	{0x27c2, 0x8802, 2, "c.jr a6"},
	{0x27d8, 0x8cde, 2, "c.mv s9,s7"},
	{0x27da, 0x893e, 2, "c.mv s2,a5"},
	{0x27f0, 0x9002, 2, "c.ebreak"},
	{0x27f2, 0x9002, 2, "c.ebreak"},
	{0x2808, 0x9082, 2, "c.jalr ra"},
	{0x280a, 0x9302, 2, "c.jalr t1"},
	{0x2820, 0x931e, 2, "c.add t1,t2"},
	{0x2822, 0x941e, 2, "c.add s0,t2"},
	{0x2838, 0xb5ca, 2, "c.fsdsp fs2,232(sp)"},
	{0x283a, 0xbd82, 2, "c.fsdsp ft0,248(sp)"},
	{0x2850, 0xdb02, 2, "c.swsp zero,180(sp)"},
	{0x2852, 0xc336, 2, "c.swsp a3,132(sp)"},
	{0x2868, 0xebaa, 2, "c.sdsp a0,464(sp)"},
	{0x286a, 0xe0ea, 2, "c.sdsp s10,64(sp)"},
};

/* Hand-picked: fences, CSRs, immediates at their limits, every RVC form */
static const struct golden edge_goldens[] = {
	{0x0, 0x0310000f, 4, "fence rw,w"},
	{0x4, 0x0ff0000f, 4, "fence iorw,iorw"},
	{0x8, 0x8330000f, 4, "fence.tso"},
	{0xc, 0x0100000f, 4, "pause"},
	{0x10, 0x0000100f, 4, "fence.i"},
	{0x14, 0x00102573, 4, "csrrs a0,fflags,zero"},
	{0x18, 0xc0002573, 4, "csrrs a0,cycle,zero"},
	{0x1c, 0xc01025f3, 4, "csrrs a1,time,zero"},
	{0x20, 0xc0202673, 4, "csrrs a2,instret,zero"},
	{0x24, 0x003312f3, 4, "csrrw t0,fcsr,t1"},
	{0x28, 0x00253073, 4, "csrrc zero,frm,a0"},
	{0x2c, 0x1232d573, 4, "csrrwi a0,0x123,5"},
	{0x30, 0x0020e573, 4, "csrrsi a0,frm,1"},
	{0x34, 0x001ff073, 4, "csrrci zero,fflags,31"},
	{0x38, 0x0cc5b52f, 4, "amoswap.d.aq a0,a2,(a1)"},
	{0x3c, 0x0ac5a52f, 4, "amoswap.w.rl a0,a2,(a1)"},
	{0x40, 0x160132af, 4, "lr.d.aqrl t0,(sp)"},
	{0x44, 0x42058553, 4, "fcvt.d.s fa0,fa1"},
	{0x48, 0xd2150553, 4, "fcvt.d.wu fa0,a0"},
	{0x4c, 0xd20005d3, 4, "fcvt.d.w fa1,zero"},
	{0x50, 0x00000073, 4, "ecall"},
	{0x54, 0x9002, 2, "c.ebreak"},
	{0x56, 0x157e, 2, "c.slli a0,0x3f"},
	{0x58, 0x8585, 2, "c.srai a1,0x1"},
	{0x5a, 0x757d, 2, "c.lui a0,0xfffff"},
	{0x5c, 0x80010113, 4, "addi sp,sp,-2048"},
	{0x60, 0x7ff10113, 4, "addi sp,sp,2047"},
	{0x64, 0x00008067, 4, "jalr zero,0(ra)"},
	{0x68, 0x800000ef, 4, "jal ra,fffffffffff00068"},
	{0x6c, 0x7eb50fe3, 4, "beq a0,a1,106a"},
	{0x70, 0x8062f063, 4, "bgeu t0,t1,fffffffffffff070"},
	{0x74, 0x80043503, 4, "ld a0,-2048(s0)"},
	{0x78, 0x7ea43fa3, 4, "sd a0,2047(s0)"},
	{0x7c, 0x0001, 2, "c.addi zero,0"},
	{0x7e, 0x1101, 2, "c.addi sp,-32"},
	{0x80, 0x8082, 2, "c.jr ra"},
	{0x82, 0x5501, 2, "c.li a0,-32"},
	{0x84, 0x7281, 2, "c.lui t0,0xfffe0"},
	{0x86, 0x62fd, 2, "c.lui t0,0x1f"},
	{0x88, 0x1ffc, 2, "c.addi4spn a5,sp,1020"},
	{0x8a, 0x7101, 2, "c.addi16sp sp,-512"},
	{0x8c, 0x617d, 2, "c.addi16sp sp,496"},
	{0x8e, 0x50fe, 2, "c.lwsp ra,252(sp)"},
	{0x90, 0x747e, 2, "c.ldsp s0,504(sp)"},
	{0x92, 0xff86, 2, "c.sdsp ra,504(sp)"},
	{0x94, 0xdf86, 2, "c.swsp ra,252(sp)"},
	{0x96, 0x347e, 2, "c.fldsp fs0,504(sp)"},
	{0x98, 0xa06e, 2, "c.fsdsp fs11,0(sp)"},
	{0x9a, 0xb001, 2, "c.j fffffffffffff89a"},
	{0x9c, 0xaffd, 2, "c.j 89a"},
	{0x9e, 0xd081, 2, "c.beqz s1,ffffffffffffff9e"},
	{0xa0, 0xeffd, 2, "c.bnez a5,19e"},
	{0xa2, 0x917d, 2, "c.srli a0,0x3f"},
	{0xa4, 0x9481, 2, "c.srai s1,0x20"},
	{0xa6, 0x9bfd, 2, "c.andi a5,-1"},
	{0xa8, 0x0086, 2, "c.slli ra,0x1"},
	{0xaa, 0x852e, 2, "c.mv a0,a1"},
	{0xac, 0x947e, 2, "c.add s0,t6"},
	{0xae, 0x9282, 2, "c.jalr t0"},
	{0xb0, 0x9002, 2, "c.ebreak"},
	{0xb2, 0x257d, 2, "c.addiw a0,31"},
	{0xb4, 0x9c05, 2, "c.subw s0,s1"},
	{0xb6, 0x9f3d, 2, "c.addw a4,a5"},
	{0xb8, 0x5de8, 2, "c.lw a0,124(a1)"},
	{0xba, 0x7de8, 2, "c.ld a0,248(a1)"},
	{0xbc, 0xc01c, 2, "c.sw a5,0(s0)"},
	{0xbe, 0xffe4, 2, "c.sd s1,248(a5)"},
	{0xc0, 0x3cfc, 2, "c.fld fa5,248(s1)"},
	{0xc2, 0xa500, 2, "c.fsd fs0,8(a0)"},
};

/* Reserved or unassigned encodings: illegal, shown as data */
static const struct golden illegal[] = {
	{0, 0x0000, 2, ".2byte 0x0"},        /* all-zero parcel (c.addi4spn imm 0) */
	{0, 0x0004, 2, ".2byte 0x4"},        /* c.addi4spn with nzuimm 0 */
	{0, 0x6081, 2, ".2byte 0x6081"},     /* c.lui ra, 0 */
	{0, 0x6101, 2, ".2byte 0x6101"},     /* c.addi16sp sp, 0 */
	{0, 0x8002, 2, ".2byte 0x8002"},     /* c.jr zero */
	{0, 0x2001, 2, ".2byte 0x2001"},     /* c.addiw zero, 0 */
	{0, 0x4002, 2, ".2byte 0x4002"},     /* c.lwsp zero, 0(sp) */
	{0, 0x6002, 2, ".2byte 0x6002"},     /* c.ldsp zero, 0(sp) */
	{0, 0x8000, 2, ".2byte 0x8000"},     /* Q0 funct3 100 (reserved) */
	{0, 0x9c41, 2, ".2byte 0x9c41"},     /* c.subw row, funct2 10 (reserved) */
	{0, 0x9c61, 2, ".2byte 0x9c61"},     /* c.subw row, funct2 11 (reserved) */
	{0, 0x00007003, 4, ".4byte 0x7003"},  /* load funct3 111 */
	{0, 0x00007023, 4, ".4byte 0x7023"},  /* store funct3 111 */
	{0, 0x30200073, 4, ".4byte 0x30200073"}, /* mret: not in user mode */
	{0, 0x10500073, 4, ".4byte 0x10500073"}, /* wfi */
	{0, 0x12000073, 4, ".4byte 0x12000073"}, /* sfence.vma */
	{0, 0x0a00102f, 4, ".4byte 0xa00102f"},  /* AMO width funct3 001 */
	{0, 0x1015a52f, 4, ".4byte 0x1015a52f"}, /* lr.w with rs2 != 0 */
	{0, 0x0000707f, 4, ".4byte 0x707f"},     /* 48-bit+ prefix: not supported */
	{0, 0xffffffff, 4, ".4byte 0xffffffff"},
	{0, 0x0ac595b3, 4, ".4byte 0xac595b3"},  /* clmul (Zbc): not provided */
	{0, 0x0600005b, 4, ".4byte 0x600005b"},  /* custom-2 opcode */
};

static void check_golden(const struct golden *g)
{
	uint8_t b[4] = {(uint8_t)g->insn, (uint8_t)(g->insn >> 8), (uint8_t)(g->insn >> 16),
			(uint8_t)(g->insn >> 24)};
	char buf[96];
	unsigned n = rv_disas(buf, sizeof(buf), g->pc, b, g->len, 0);

	ck_assert_msg(n == g->len, "%08x: length %u, want %u", g->insn, n, g->len);
	ck_assert_msg(!strcmp(buf, g->text), "%08x at %llx: \"%s\", want \"%s\"", g->insn,
		      (unsigned long long)g->pc, buf, g->text);
}

static enum rv_insn decode(uint32_t insn, unsigned len, struct rv_args *a)
{
	return len == 4 ? rv_decode32(insn, a) : rv_decode16(insn, a);
}

START_TEST(disas_goldens)
{
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		check_golden(&goldens[i]);
	for (size_t i = 0; i < sizeof(edge_goldens) / sizeof(edge_goldens[0]); i++)
		check_golden(&edge_goldens[i]);
}
END_TEST

/* The golden table exercises every instruction of the decoder. */
START_TEST(goldens_cover_every_pattern)
{
	static bool seen[RV_INSN_COUNT];
	struct rv_args a;

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		seen[decode(goldens[i].insn, goldens[i].len, &a)] = true;
	for (size_t i = 0; i < sizeof(edge_goldens) / sizeof(edge_goldens[0]); i++)
		seen[decode(edge_goldens[i].insn, edge_goldens[i].len, &a)] = true;
	ck_assert(!seen[RV_INSN_ILLEGAL]);
	for (unsigned id = 1; id < RV_INSN_COUNT; id++)
		ck_assert_msg(seen[id], "no golden for %s", rv_insn_info[id].name);
}
END_TEST

START_TEST(reserved_are_illegal)
{
	struct rv_args a;

	for (size_t i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++) {
		const struct golden *g = &illegal[i];
		ck_assert_msg(decode(g->insn, g->len, &a) == RV_INSN_ILLEGAL, "%08x decodes as %s",
			      g->insn, rv_insn_info[decode(g->insn, g->len, &a)].name);
		check_golden(g);
	}
	ck_assert_int_eq(rv_decode32(3, &a), RV_INSN_LB); /* lb zero,0(zero) is legal */
}
END_TEST

/* Every 16-bit parcel decodes to an RVC instruction or illegal, never a 32-bit one. */
START_TEST(rvc_exhaustive)
{
	struct rv_args a;
	unsigned legal = 0;

	for (uint32_t v = 0; v < 0x10000; v++) {
		if ((v & 3) == 3)
			continue;
		enum rv_insn id = rv_decode16(v, &a);
		if (id == RV_INSN_ILLEGAL)
			continue;
		legal++;
		ck_assert_msg(rv_insn_info[id].width == 16, "%04x: %s", v, rv_insn_info[id].name);
		ck_assert_msg(!strncmp(rv_insn_info[id].name, "c.", 2), "%04x", v);
	}
	/* 3 quadrants x 2^14 minus the reserved encodings (counted with objdump) */
	ck_assert_uint_gt(legal, 45000);
	ck_assert_uint_lt(legal, 49152);
}
END_TEST

/* Compressed instructions carry the arguments of their 32-bit expansion. */
START_TEST(rvc_expansion)
{
	struct rv_args a;
	enum rv_insn id;

	id = rv_decode16(0x1ffc, &a); /* c.addi4spn a5,sp,1020 */
	ck_assert_int_eq(id, RV_INSN_C_ADDI4SPN);
	ck_assert_str_eq(rv_insn_info[id].trans, "addi");
	ck_assert(a.rd == 15 && a.rs1 == 2 && a.imm == 1020);

	id = rv_decode16(0x852e, &a); /* c.mv a0,a1 -> add a0,zero,a1 */
	ck_assert_str_eq(rv_insn_info[id].trans, "add");
	ck_assert(a.rd == 10 && a.rs1 == 0 && a.rs2 == 11);

	id = rv_decode16(0x947e, &a); /* c.add s0,t6 -> add s0,s0,t6 */
	ck_assert_str_eq(rv_insn_info[id].trans, "add");
	ck_assert(a.rd == 8 && a.rs1 == 8 && a.rs2 == 31);

	id = rv_decode16(0x8082, &a); /* c.jr ra -> jalr zero,0(ra) */
	ck_assert_str_eq(rv_insn_info[id].trans, "jalr");
	ck_assert(a.rd == 0 && a.rs1 == 1 && a.imm == 0);

	id = rv_decode16(0x9282, &a); /* c.jalr t0 -> jalr ra,0(t0) */
	ck_assert_str_eq(rv_insn_info[id].trans, "jalr");
	ck_assert(a.rd == 1 && a.rs1 == 5 && a.imm == 0);

	id = rv_decode16(0x7101, &a); /* c.addi16sp sp,-512 */
	ck_assert_str_eq(rv_insn_info[id].trans, "addi");
	ck_assert(a.rd == 2 && a.rs1 == 2 && a.imm == -512);

	id = rv_decode16(0x7281, &a); /* c.lui t0,0xfffe0 -> lui t0,-0x20000 */
	ck_assert_str_eq(rv_insn_info[id].trans, "lui");
	ck_assert(a.rd == 5 && a.imm == -0x20000);

	id = rv_decode16(0xd081, &a); /* c.beqz s1,-256 -> beq s1,zero */
	ck_assert_str_eq(rv_insn_info[id].trans, "beq");
	ck_assert(a.rs1 == 9 && a.rs2 == 0 && a.imm == -256);

	id = rv_decode16(0xb001, &a); /* c.j -2048 -> jal zero */
	ck_assert_str_eq(rv_insn_info[id].trans, "jal");
	ck_assert(a.rd == 0 && a.imm == -2048);

	id = rv_decode16(0x3cfc, &a); /* c.fld fa5,248(s1) -> fld */
	ck_assert_str_eq(rv_insn_info[id].trans, "fld");
	ck_assert(a.rd == 15 && a.rs1 == 9 && a.imm == 248);

	id = rv_decode16(0xa06e, &a); /* c.fsdsp fs11,0(sp) -> fsd */
	ck_assert_str_eq(rv_insn_info[id].trans, "fsd");
	ck_assert(a.rs1 == 2 && a.rs2 == 27 && a.imm == 0);

	id = rv_decode16(0x347e, &a); /* c.fldsp fs0,504(sp) -> fld */
	ck_assert_str_eq(rv_insn_info[id].trans, "fld");
	ck_assert(a.rd == 8 && a.rs1 == 2 && a.imm == 504);

	id = rv_decode16(0x9002, &a);
	ck_assert_str_eq(rv_insn_info[id].trans, "ebreak");
}
END_TEST

START_TEST(decode32_fields)
{
	struct rv_args a;

	ck_assert_int_eq(rv_decode32(0x8062f063, &a), RV_INSN_BGEU); /* bgeu t0,t1,-4096 */
	ck_assert(a.rs1 == 5 && a.rs2 == 6 && a.imm == -4096);
	ck_assert_int_eq(rv_decode32(0x800000ef, &a), RV_INSN_JAL); /* jal ra,-1 MiB */
	ck_assert(a.rd == 1 && a.imm == -1048576);
	ck_assert_int_eq(rv_decode32(0x7ea43fa3, &a), RV_INSN_SD); /* sd a0,2047(s0) */
	ck_assert(a.rs1 == 8 && a.rs2 == 10 && a.imm == 2047);
	ck_assert_int_eq(rv_decode32(0xfffff537, &a), RV_INSN_LUI);
	ck_assert(a.rd == 10 && a.imm == -4096);
	ck_assert_int_eq(rv_decode32(0x03f51513, &a), RV_INSN_SLLI); /* slli a0,a0,63 */
	ck_assert_int_eq(a.shamt, 63);
	ck_assert_int_eq(rv_decode32(0x160132af, &a), RV_INSN_LR_D); /* lr.d.aqrl */
	ck_assert_int_eq(a.aqrl, 3);
	ck_assert_int_eq(rv_decode32(0x8330000f, &a), RV_INSN_FENCE_TSO);
	ck_assert_str_eq(rv_insn_info[RV_INSN_FENCE_TSO].trans, "fence");
	ck_assert(a.fm == 8 && a.pred == 3 && a.succ == 3);
}
END_TEST

START_TEST(disas_short_buffer)
{
	const uint8_t add[4] = {0x33, 0x85, 0xc5, 0x00};
	char buf[64];

	ck_assert_uint_eq(rv_disas(buf, sizeof(buf), 0, add, 1, 0), 0);
	ck_assert_uint_eq(rv_disas(buf, sizeof(buf), 0, add, 3, 0), 0);
	ck_assert_uint_eq(rv_disas(buf, sizeof(buf), 0, add, 4, 0), 4);
	ck_assert_str_eq(buf, "add a0,a1,a2");
	/* truncation keeps a terminated string */
	ck_assert_uint_eq(rv_disas(buf, 5, 0, add, 4, 0), 4);
	ck_assert_str_eq(buf, "add ");
}
END_TEST

/* ---- The translation loop, with code fetched from a test buffer */

#define CODE_BASE 0x10000u
#define CODE_SIZE 0x2000u
static uint8_t code[CODE_SIZE];
static uint64_t mapped_end = CODE_BASE + CODE_SIZE; /* fetches at or past this fail */
static struct ir_ctx ir;

static int test_fetch(struct cpu *cpu, uint64_t pc, void *buf, unsigned len)
{
	(void)cpu;
	if (pc < CODE_BASE || pc + len > mapped_end)
		return -1;
	memcpy(buf, code + (pc - CODE_BASE), len);
	return 0;
}

static void put32(uint64_t pc, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		code[pc - CODE_BASE + i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint64_t pc, uint16_t v)
{
	code[pc - CODE_BASE] = (uint8_t)v;
	code[pc - CODE_BASE + 1] = (uint8_t)(v >> 8);
}

static struct rv_cpu *test_cpu(void)
{
	static struct rv_cpu cpu;
	static bool inited;

	if (!inited) {
		rv64_arch.init();
		exec_set_fetch(test_fetch);
		inited = true;
	}
	memset(&cpu, 0, sizeof(cpu));
	mapped_end = CODE_BASE + CODE_SIZE;
	memset(code, 0, sizeof(code));
	return &cpu;
}

static struct translate_result translate(struct rv_cpu *cpu, uint64_t pc, unsigned max)
{
	ir_ctx_init(&ir, rv64_arch.globals, rv64_arch.nglobals, offsetof(struct cpu, pc));
	return rv64_arch.translate(&cpu->c, &ir, pc, 0, max);
}

static unsigned count_ops(enum ir_opc opc)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ir.nops; i++)
		n += ir.ops[i].opc == opc;
	return n;
}

static bool calls_helper(unsigned hid)
{
	for (unsigned i = 0; i < ir.nops; i++) {
		const struct ir_op *op = &ir.ops[i];
		if (op->opc == IR_call && op->args[op->nout + op->nin] == hid)
			return true;
	}
	return false;
}

static const struct ir_op *last_op(void)
{
	return &ir.ops[ir.nops - 1];
}

START_TEST(tb_ends_at_branch)
{
	struct rv_cpu *cpu = test_cpu();

	put32(CODE_BASE, 0x00c58533);      /* add a0,a1,a2 */
	put16(CODE_BASE + 4, 0x0505);      /* c.addi a0,1 */
	put32(CODE_BASE + 6, 0xfeb50ce3);  /* beq a0,a1,. - 8 */
	put32(CODE_BASE + 10, 0x00000013); /* not translated */
	struct translate_result r = translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(r.ninsns, 3);
	ck_assert_uint_eq(r.size, 10);
	ck_assert_uint_eq(count_ops(IR_insn_start), 3);
	ck_assert_uint_eq(count_ops(IR_goto_tb), 2);
	ck_assert_uint_eq(count_ops(IR_brcond), 1);
	ck_assert_uint_eq(last_op()->opc, IR_goto_tb);
	ck_assert_uint_eq(last_op()->args[1], CODE_BASE + 6 - 8); /* taken: slot 0 */
	ck_assert_uint_eq(last_op()->args[0], 0);
}
END_TEST

START_TEST(tb_max_insns_and_page_end)
{
	struct rv_cpu *cpu = test_cpu();

	for (uint64_t pc = CODE_BASE; pc < CODE_BASE + CODE_SIZE; pc += 4)
		put32(pc, 0x00150513); /* addi a0,a0,1 */
	struct translate_result r = translate(cpu, CODE_BASE, 5);
	ck_assert_uint_eq(r.ninsns, 5);
	ck_assert_uint_eq(last_op()->opc, IR_goto_tb);
	ck_assert_uint_eq(last_op()->args[1], CODE_BASE + 20);

	/* A TB stops at the 4 KiB page end, whatever the budget */
	r = translate(cpu, CODE_BASE + 0x1000 - 8, 100);
	ck_assert_uint_eq(r.ninsns, 2);
	ck_assert_uint_eq(last_op()->args[1], CODE_BASE + 0x1000);

	/* ... but an instruction straddling it is translated whole, and ends it */
	put16(CODE_BASE + 0x1000 - 6, 0x0505);   /* c.addi a0,1 */
	put16(CODE_BASE + 0x1000 - 4, 0x0505);   /* c.addi a0,1 */
	put32(CODE_BASE + 0x1000 - 2, 0x00150513); /* addi across the boundary */
	r = translate(cpu, CODE_BASE + 0x1000 - 6, 100);
	ck_assert_uint_eq(r.ninsns, 3);
	ck_assert_uint_eq(r.size, 8);
	ck_assert_uint_eq(last_op()->args[1], CODE_BASE + 0x1000 + 2);
}
END_TEST

START_TEST(tb_illegal_raises_at_run_time)
{
	struct rv_cpu *cpu = test_cpu();

	put32(CODE_BASE, 0x00c58533); /* add */
	put32(CODE_BASE + 4, 0x30200073); /* mret: illegal in user mode */
	struct translate_result r = translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(r.ninsns, 2);
	ck_assert(calls_helper(hid_rv_illegal));
	ck_assert_uint_eq(last_op()->opc, IR_exit_tb);

	/* an unknown CSR: the trans function refuses, the TB raises */
	put32(CODE_BASE, 0x30002573); /* csrrs a0,mstatus,zero */
	r = translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(r.ninsns, 1);
	ck_assert(calls_helper(hid_rv_illegal));
	/* a write to a read-only CSR too; a read of it is fine */
	put32(CODE_BASE, 0xc0051073); /* csrrw zero,cycle,a0 */
	translate(cpu, CODE_BASE, 1);
	ck_assert(calls_helper(hid_rv_illegal));
	put32(CODE_BASE, 0xc0002573); /* csrrs a0,cycle,zero */
	translate(cpu, CODE_BASE, 1);
	ck_assert(!calls_helper(hid_rv_illegal));
	ck_assert(calls_helper(hid_rv_csrr_counter));
}
END_TEST

START_TEST(tb_fetch_faults)
{
	struct rv_cpu *cpu = test_cpu();
	struct translate_result r;

	/* the first fetch fails: the TB raises (at run time) */
	r = translate(cpu, CODE_BASE + CODE_SIZE, 64);
	ck_assert_uint_eq(r.ninsns, 1);
	ck_assert(calls_helper(hid_rv_fetch_fault));

	/* a later instruction cannot be fetched: the TB ends before it */
	for (uint64_t pc = CODE_BASE; pc < CODE_BASE + CODE_SIZE; pc += 4)
		put32(pc, 0x00150513);
	mapped_end = CODE_BASE + 8;
	r = translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(r.ninsns, 2);
	ck_assert(!calls_helper(hid_rv_fetch_fault));
	ck_assert_uint_eq(last_op()->opc, IR_goto_tb);

	/* a 32-bit instruction whose upper half is unmapped */
	mapped_end = CODE_BASE + 2;
	r = translate(cpu, CODE_BASE, 64);
	ck_assert(calls_helper(hid_rv_fetch_fault));
}
END_TEST

START_TEST(tb_system_instructions)
{
	struct rv_cpu *cpu = test_cpu();

	put32(CODE_BASE, 0x00000073); /* ecall */
	translate(cpu, CODE_BASE, 64);
	ck_assert(calls_helper(hid_rv_ecall));
	put32(CODE_BASE, 0x0000100f); /* fence.i: asks for a flush, leaves the TB */
	struct translate_result r = translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(r.ninsns, 1);
	ck_assert(calls_helper(hid_rv_fence_i));
	ck_assert_uint_eq(last_op()->opc, IR_exit_tb);
	put32(CODE_BASE, 0x00008067); /* ret */
	translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(last_op()->opc, IR_lookup_and_goto);
	put32(CODE_BASE, 0x0ff0000f); /* fence iorw,iorw */
	put32(CODE_BASE + 4, 0x00008067);
	translate(cpu, CODE_BASE, 64);
	ck_assert_uint_eq(count_ops(IR_mb), 1);
}
END_TEST

static Suite *rv_decode_suite(void)
{
	Suite *s = suite_create("rv-decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, disas_goldens);
	tcase_add_test(tc, goldens_cover_every_pattern);
	tcase_add_test(tc, reserved_are_illegal);
	tcase_add_test(tc, rvc_exhaustive);
	tcase_add_test(tc, rvc_expansion);
	tcase_add_test(tc, decode32_fields);
	tcase_add_test(tc, disas_short_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("translate");
	tcase_add_test(tc, tb_ends_at_branch);
	tcase_add_test(tc, tb_max_insns_and_page_end);
	tcase_add_test(tc, tb_illegal_raises_at_run_time);
	tcase_add_test(tc, tb_fetch_faults);
	tcase_add_test(tc, tb_system_instructions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rv_decode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
