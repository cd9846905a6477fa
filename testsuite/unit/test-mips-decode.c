/*
 * MIPS decoder and disassembler goldens.
 *
 * The golden encodings and texts come from GNU binutils 2.40: random
 * encodings of every pattern of frontends/mips/insn.decode (two each)
 * disassembled with mipsel-linux-gnu-objdump -d -M no-aliases -m mips:isa32r2
 * (tabs turned into spaces, symbol comments dropped, branch targets without
 * the 0x objdump prints when no symbol is near). The reserved encodings are
 * random words from the opcodes the frontend decodes that objdump shows as
 * .word. The test needs no toolchain at run time.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "morph/frontend.h"
#include "frontends/mips/mips-gen.h"

struct golden {
	uint64_t pc;
	uint32_t insn;
	const char *text;
};

static const struct golden goldens[] = {
	{0x0, 0x00156c80, "sll t5,s5,0x12"},
	{0x4, 0x00029fc0, "sll s3,v0,0x1f"},
	{0x8, 0x00fc7801, "movf t7,a3,$fcc7"},
	{0xc, 0x00985801, "movf t3,a0,$fcc6"},
	{0x10, 0x02e59801, "movt s3,s7,$fcc1"},
	{0x14, 0x016d7001, "movt t6,t3,$fcc3"},
	{0x18, 0x0017bec2, "srl s7,s7,0x1b"},
	{0x1c, 0x00001c42, "srl v1,zero,0x11"},
	{0x20, 0x0029c042, "ror t8,t1,0x1"},
	{0x24, 0x003c7c02, "ror t7,gp,0x10"},
	{0x28, 0x00166a03, "sra t5,s6,0x8"},
	{0x2c, 0x00177283, "sra t6,s7,0xa"},
	{0x30, 0x00abf804, "sllv ra,t3,a1"},
	{0x34, 0x035cd004, "sllv k0,gp,k0"},
	{0x38, 0x033f4006, "srlv t0,ra,t9"},
	{0x3c, 0x006ab806, "srlv s7,t2,v1"},
	{0x40, 0x025a4046, "rorv t0,k0,s2"},
	{0x44, 0x01c1c046, "rorv t8,at,t6"},
	{0x48, 0x01440807, "srav at,a0,t2"},
	{0x4c, 0x00d96007, "srav t4,t9,a2"},
	{0x50, 0x01e00008, "jr t7"},
	{0x54, 0x01400008, "jr t2"},
	{0x58, 0x02a00408, "jr.hb s5"},
	{0x5c, 0x00200408, "jr.hb at"},
	{0x60, 0x00c0f809, "jalr a2"},
	{0x64, 0x03a05009, "jalr t2,sp"},
	{0x68, 0x03a03c09, "jalr.hb a3,sp"},
	{0x6c, 0x01c03409, "jalr.hb a2,t6"},
	{0x70, 0x0004100a, "movz v0,zero,a0"},
	{0x74, 0x033ff80a, "movz ra,t9,ra"},
	{0x78, 0x00dfa00b, "movn s4,a2,ra"},
	{0x7c, 0x0172800b, "movn s0,t3,s2"},
	{0x80, 0x0009404c, "syscall 0x2501"},
	{0x84, 0x0087e94c, "syscall 0x21fa5"},
	{0x88, 0x009c458d, "break 0x9c,0x116"},
	{0x8c, 0x03da6e8d, "break 0x3da,0x1ba"},
	{0x90, 0x0000000f, "sync"},
	{0x94, 0x0000014f, "sync 0x5"},
	{0x98, 0x00009010, "mfhi s2"},
	{0x9c, 0x00002810, "mfhi a1"},
	{0xa0, 0x02e00011, "mthi s7"},
	{0xa4, 0x03600011, "mthi k1"},
	{0xa8, 0x00007012, "mflo t6"},
	{0xac, 0x00009812, "mflo s3"},
	{0xb0, 0x01000013, "mtlo t0"},
	{0xb4, 0x00200013, "mtlo at"},
	{0xb8, 0x00c60018, "mult a2,a2"},
	{0xbc, 0x00290018, "mult at,t1"},
	{0xc0, 0x02160019, "multu s0,s6"},
	{0xc4, 0x02e40019, "multu s7,a0"},
	{0xc8, 0x00e4001a, "div zero,a3,a0"},
	{0xcc, 0x0153001a, "div zero,t2,s3"},
	{0xd0, 0x0079001b, "divu zero,v1,t9"},
	{0xd4, 0x0347001b, "divu zero,k0,a3"},
	{0xd8, 0x01637020, "add t6,t3,v1"},
	{0xdc, 0x0007d020, "add k0,zero,a3"},
	{0xe0, 0x0232a821, "addu s5,s1,s2"},
	{0xe4, 0x00f57821, "addu t7,a3,s5"},
	{0xe8, 0x02003822, "sub a3,s0,zero"},
	{0xec, 0x03e4c822, "sub t9,ra,a0"},
	{0xf0, 0x01f81023, "subu v0,t7,t8"},
	{0xf4, 0x00f74023, "subu t0,a3,s7"},
	{0xf8, 0x02fc0024, "and zero,s7,gp"},
	{0xfc, 0x003b9824, "and s3,at,k1"},
	{0x100, 0x02e11825, "or v1,s7,at"},
	{0x104, 0x038aa825, "or s5,gp,t2"},
	{0x108, 0x01b28026, "xor s0,t5,s2"},
	{0x10c, 0x01861026, "xor v0,t4,a2"},
	{0x110, 0x00377027, "nor t6,at,s7"},
	{0x114, 0x01724027, "nor t0,t3,s2"},
	{0x118, 0x036d682a, "slt t5,k1,t5"},
	{0x11c, 0x00de702a, "slt t6,a2,s8"},
	{0x120, 0x015f202b, "sltu a0,t2,ra"},
	{0x124, 0x0210582b, "sltu t3,s0,s0"},
	{0x128, 0x00dd7c70, "tge a2,sp,0x1f1"},
	{0x12c, 0x039949b0, "tge gp,t9,0x126"},
	{0x130, 0x0365f631, "tgeu k1,a1,0x3d8"},
	{0x134, 0x03e635f1, "tgeu ra,a2,0xd7"},
	{0x138, 0x00e4a5f2, "tlt a3,a0,0x297"},
	{0x13c, 0x02a81bf2, "tlt s5,t0,0x6f"},
	{0x140, 0x023c1bb3, "tltu s1,gp,0x6e"},
	{0x144, 0x0207eab3, "tltu s0,a3,0x3aa"},
	{0x148, 0x010ee6f4, "teq t0,t6,0x39b"},
	{0x14c, 0x02ed25f4, "teq s7,t5,0x97"},
	{0x150, 0x00d77236, "tne a2,s7,0x1c8"},
	{0x154, 0x02433b76, "tne s2,v1,0xed"},
	{0x158, 0x068033be, "bltz s4,d054"},
	{0x15c, 0x06009c14, "bltz s0,fffe71b0"},
	{0x160, 0x04c11188, "bgez a2,4784"},
	{0x164, 0x06e174b5, "bgez s7,1d43c"},
	{0x168, 0x042260f0, "bltzl at,1852c"},
	{0x16c, 0x0462ec8d, "bltzl v1,ffffb3a4"},
	{0x170, 0x054350b4, "bgezl t2,14444"},
	{0x174, 0x06233725, "bgezl s1,de0c"},
	{0x178, 0x07a87b89, "tgei sp,31625"},
	{0x17c, 0x05683fb5, "tgei t3,16309"},
	{0x180, 0x05496242, "tgeiu t2,25154"},
	{0x184, 0x0609c3f6, "tgeiu s0,-15370"},
	{0x188, 0x064a084e, "tlti s2,2126"},
	{0x18c, 0x056a5199, "tlti t3,20889"},
	{0x190, 0x046b71a3, "tltiu v1,29091"},
	{0x194, 0x05abab92, "tltiu t5,-21614"},
	{0x198, 0x058cf9bc, "teqi t4,-1604"},
	{0x19c, 0x050cc71c, "teqi t0,-14564"},
	{0x1a0, 0x074e3482, "tnei k0,13442"},
	{0x1a4, 0x054e223f, "tnei t2,8767"},
	{0x1a8, 0x06b0ae96, "bltzal s5,fffebc04"},
	{0x1ac, 0x05d02902, "bltzal t6,a5b8"},
	{0x1b0, 0x07113c58, "bgezal t8,f314"},
	{0x1b4, 0x0751d66c, "bgezal k0,ffff5b68"},
	{0x1b8, 0x0432048d, "bltzall at,13f0"},
	{0x1bc, 0x0712e3a9, "bltzall t8,ffff9064"},
	{0x1c0, 0x07335ae6, "bgezall t9,16d5c"},
	{0x1c4, 0x06b3c6b9, "bgezall s5,ffff1cac"},
	{0x1c8, 0x055f3788, "synci 14216(t2)"},
	{0x1cc, 0x07df8ecf, "synci -28977(s8)"},
	{0x1d0, 0x0bfe4567, "j ff9159c"},
	{0x1d4, 0x088013f4, "j 2004fd0"},
	{0x1d8, 0x0fa06e16, "jal e81b858"},
	{0x1dc, 0x0de51054, "jal 7944150"},
	{0x1e0, 0x10ddd7a6, "beq a2,sp,ffff607c"},
	{0x1e4, 0x1214e734, "beq s0,s4,ffff9eb8"},
	{0x1e8, 0x16792ca7, "bne s3,t9,b488"},
	{0x1ec, 0x147ba108, "bne v1,k1,fffe8610"},
	{0x1f0, 0x1ac0be6c, "blez s6,fffefba4"},
	{0x1f4, 0x1aa03a9e, "blez s5,ec70"},
	{0x1f8, 0x1ca0885a, "bgtz a1,fffe2364"},
	{0x1fc, 0x1d007044, "bgtz t0,1c310"},
	{0x200, 0x2335dbeb, "addi s5,t9,-9237"},
	{0x204, 0x20c672c3, "addi a2,a2,29379"},
	{0x208, 0x2447c61c, "addiu a3,v0,-14820"},
	{0x20c, 0x25b69b6d, "addiu s6,t5,-25747"},
	{0x210, 0x2ac0a309, "slti zero,s6,-23799"},
	{0x214, 0x282e8136, "slti t6,at,-32458"},
	{0x218, 0x2f38d94d, "sltiu t8,t9,-9907"},
	{0x21c, 0x2ccdf20c, "sltiu t5,a2,-3572"},
	{0x220, 0x3005391c, "andi a1,zero,0x391c"},
	{0x224, 0x327cd9ec, "andi gp,s3,0xd9ec"},
	{0x228, 0x34ea07e4, "ori t2,a3,0x7e4"},
	{0x22c, 0x35c4d367, "ori a0,t6,0xd367"},
	{0x230, 0x39a86ea2, "xori t0,t5,0x6ea2"},
	{0x234, 0x38b8a6a1, "xori t8,a1,0xa6a1"},
	{0x238, 0x3c09a800, "lui t1,0xa800"},
	{0x23c, 0x3c1b9de8, "lui k1,0x9de8"},
	{0x240, 0x523cc336, "beql s1,gp,ffff0f1c"},
	{0x244, 0x51f4cd4e, "beql t7,s4,ffff3780"},
	{0x248, 0x56148a9d, "bnel s0,s4,fffe2cc0"},
	{0x24c, 0x54d4817a, "bnel a2,s4,fffe0838"},
	{0x250, 0x58a08408, "blezl a1,fffe1274"},
	{0x254, 0x5b201e16, "blezl t9,7ab0"},
	{0x258, 0x5de04466, "bgtzl t7,113f4"},
	{0x25c, 0x5d60675a, "bgtzl t3,19fc8"},
	{0x260, 0x71f50000, "madd t7,s5"},
	{0x264, 0x72fe0000, "madd s7,s8"},
	{0x268, 0x70b70001, "maddu a1,s7"},
	{0x26c, 0x70c80001, "maddu a2,t0"},
	{0x270, 0x70096002, "mul t4,zero,t1"},
	{0x274, 0x7231f802, "mul ra,s1,s1"},
	{0x278, 0x729e0004, "msub s4,s8"},
	{0x27c, 0x70930004, "msub a0,s3"},
	{0x280, 0x734d0005, "msubu k0,t5"},
	{0x284, 0x71020005, "msubu t0,v0"},
	{0x288, 0x73e84020, "clz t0,ra"},
	{0x28c, 0x7377b820, "clz s7,k1"},
	{0x290, 0x72242021, "clo a0,s1"},
	{0x294, 0x723ff821, "clo ra,s1"},
	{0x298, 0x7eb56ac0, "ext s5,s5,0xb,0xe"},
	{0x29c, 0x7d0a4cc0, "ext t2,t0,0x13,0xa"},
	{0x2a0, 0x7d239304, "ins v1,t1,0xc,0x7"},
	{0x2a4, 0x7c5c6004, "ins gp,v0,0x0,0xd"},
	{0x2a8, 0x7c1cb8a0, "wsbh s7,gp"},
	{0x2ac, 0x7c1610a0, "wsbh v0,s6"},
	{0x2b0, 0x7c1eec20, "seb sp,s8"},
	{0x2b4, 0x7c046c20, "seb t5,a0"},
	{0x2b8, 0x7c102e20, "seh a1,s0"},
	{0x2bc, 0x7c1cae20, "seh s5,gp"},
	{0x2c0, 0x7c16683b, "rdhwr s6,$13"},
	{0x2c4, 0x7c01103b, "rdhwr at,hwr_cc"},
	{0x2c8, 0x8379b21e, "lb t9,-19938(k1)"},
	{0x2cc, 0x81a2b3b0, "lb v0,-19536(t5)"},
	{0x2d0, 0x86f4d70c, "lh s4,-10484(s7)"},
	{0x2d4, 0x841f6a99, "lh ra,27289(zero)"},
	{0x2d8, 0x8b99e916, "lwl t9,-5866(gp)"},
	{0x2dc, 0x8942251c, "lwl v0,9500(t2)"},
	{0x2e0, 0x8d601561, "lw zero,5473(t3)"},
	{0x2e4, 0x8df797b8, "lw s7,-26696(t7)"},
	{0x2e8, 0x92ffc09e, "lbu ra,-16226(s7)"},
	{0x2ec, 0x913ec48c, "lbu s8,-15220(t1)"},
	{0x2f0, 0x96b927fc, "lhu t9,10236(s5)"},
	{0x2f4, 0x97125d5e, "lhu s2,23902(t8)"},
	{0x2f8, 0x980a0a5e, "lwr t2,2654(zero)"},
	{0x2fc, 0x9b1d6cce, "lwr sp,27854(t8)"},
	{0x300, 0xa2c01bf0, "sb zero,7152(s6)"},
	{0x304, 0xa09565ea, "sb s5,26090(a0)"},
	{0x308, 0xa7c14eac, "sh at,20140(s8)"},
	{0x30c, 0xa67efd83, "sh s8,-637(s3)"},
	{0x310, 0xa9bacb82, "swl k0,-13438(t5)"},
	{0x314, 0xa9dd6d9d, "swl sp,28061(t6)"},
	{0x318, 0xac0dcef6, "sw t5,-12554(zero)"},
	{0x31c, 0xaef2942b, "sw s2,-27605(s7)"},
	{0x320, 0xb8adef96, "swr t5,-4202(a1)"},
	{0x324, 0xb9850f20, "swr a1,3872(t4)"},
	{0x328, 0xbc22d064, "cache 0x2,-12188(at)"},
	{0x32c, 0xbe610e57, "cache 0x1,3671(s3)"},
	{0x330, 0xc2003da7, "ll zero,15783(s0)"},
	{0x334, 0xc336747b, "ll s6,29819(t9)"},
	{0x338, 0xcdb84b6b, "pref 0x18,19307(t5)"},
	{0x33c, 0xceb4d6b5, "pref 0x14,-10571(s5)"},
	{0x340, 0xe2302496, "sc s0,9366(s1)"},
	{0x344, 0xe30531ba, "sc a1,12730(t8)"},
	{0x348, 0xc44bfe78, "lwc1 $f11,-392(v0)"},
	{0x34c, 0xc7a39b3a, "lwc1 $f3,-25798(sp)"},
	{0x350, 0xd74bacc2, "ldc1 $f11,-21310(k0)"},
	{0x354, 0xd69205cd, "ldc1 $f18,1485(s4)"},
	{0x358, 0xe4a5f315, "swc1 $f5,-3307(a1)"},
	{0x35c, 0xe7ad5541, "swc1 $f13,21825(sp)"},
	{0x360, 0xf602bc3e, "sdc1 $f2,-17346(s0)"},
	{0x364, 0xf77a1b0d, "sdc1 $f26,6925(k1)"},
	{0x368, 0x4412b000, "mfc1 s2,$f22"},
	{0x36c, 0x44018000, "mfc1 at,$f16"},
	{0x370, 0x4442e000, "cfc1 v0,c1_fenr"},
	{0x374, 0x44435000, "cfc1 v1,$10"},
	{0x378, 0x447af000, "mfhc1 k0,$f30"},
	{0x37c, 0x446ac800, "mfhc1 t2,$f25"},
	{0x380, 0x448d9000, "mtc1 t5,$f18"},
	{0x384, 0x448db800, "mtc1 t5,$f23"},
	{0x388, 0x44db7000, "ctc1 k1,$14"},
	{0x38c, 0x44cfa800, "ctc1 t7,$21"},
	{0x390, 0x44e76800, "mthc1 a3,$f13"},
	{0x394, 0x44ea6800, "mthc1 t2,$f13"},
	{0x398, 0x451cd295, "bc1f $fcc7,ffff4df0"},
	{0x39c, 0x45102e3d, "bc1f $fcc4,bc94"},
	{0x3a0, 0x4501e6ac, "bc1t ffff9e54"},
	{0x3a4, 0x4511b280, "bc1t $fcc4,fffecda8"},
	{0x3a8, 0x451ac6a6, "bc1fl $fcc6,ffff1e44"},
	{0x3ac, 0x4516227b, "bc1fl $fcc5,8d9c"},
	{0x3b0, 0x4503da59, "bc1tl ffff6d18"},
	{0x3b4, 0x450b032e, "bc1tl $fcc2,1070"},
	{0x3b8, 0x461ef500, "add.s $f20,$f30,$f30"},
	{0x3bc, 0x461a19c0, "add.s $f7,$f3,$f26"},
	{0x3c0, 0x46000981, "sub.s $f6,$f1,$f0"},
	{0x3c4, 0x46103b01, "sub.s $f12,$f7,$f16"},
	{0x3c8, 0x461ec5c2, "mul.s $f23,$f24,$f30"},
	{0x3cc, 0x460de8c2, "mul.s $f3,$f29,$f13"},
	{0x3d0, 0x46179d43, "div.s $f21,$f19,$f23"},
	{0x3d4, 0x460a96c3, "div.s $f27,$f18,$f10"},
	{0x3d8, 0x46000444, "sqrt.s $f17,$f0"},
	{0x3dc, 0x46002ac4, "sqrt.s $f11,$f5"},
	{0x3e0, 0x4600f585, "abs.s $f22,$f30"},
	{0x3e4, 0x4600a585, "abs.s $f22,$f20"},
	{0x3e8, 0x46001ac6, "mov.s $f11,$f3"},
	{0x3ec, 0x4600bdc6, "mov.s $f23,$f23"},
	{0x3f0, 0x460086c7, "neg.s $f27,$f16"},
	{0x3f4, 0x46007d47, "neg.s $f21,$f15"},
	{0x3f8, 0x46001788, "round.l.s $f30,$f2"},
	{0x3fc, 0x46003e08, "round.l.s $f24,$f7"},
	{0x400, 0x460054c9, "trunc.l.s $f19,$f10"},
	{0x404, 0x46000749, "trunc.l.s $f29,$f0"},
	{0x408, 0x4600b6ca, "ceil.l.s $f27,$f22"},
	{0x40c, 0x460065ca, "ceil.l.s $f23,$f12"},
	{0x410, 0x4600ed0b, "floor.l.s $f20,$f29"},
	{0x414, 0x46003c4b, "floor.l.s $f17,$f7"},
	{0x418, 0x4600750c, "round.w.s $f20,$f14"},
	{0x41c, 0x46007c8c, "round.w.s $f18,$f15"},
	{0x420, 0x46009c4d, "trunc.w.s $f17,$f19"},
	{0x424, 0x4600fdcd, "trunc.w.s $f23,$f31"},
	{0x428, 0x460045ce, "ceil.w.s $f23,$f8"},
	{0x42c, 0x4600438e, "ceil.w.s $f14,$f8"},
	{0x430, 0x46001f4f, "floor.w.s $f29,$f3"},
	{0x434, 0x46005fcf, "floor.w.s $f31,$f11"},
	{0x438, 0x46088b91, "movf.s $f14,$f17,$fcc2"},
	{0x43c, 0x46105491, "movf.s $f18,$f10,$fcc4"},
	{0x440, 0x461d4e11, "movt.s $f24,$f9,$fcc7"},
	{0x444, 0x4601ba51, "movt.s $f9,$f23,$fcc0"},
	{0x448, 0x4605d752, "movz.s $f29,$f26,a1"},
	{0x44c, 0x460d7012, "movz.s $f0,$f14,t5"},
	{0x450, 0x46193a53, "movn.s $f9,$f7,t9"},
	{0x454, 0x46057d93, "movn.s $f22,$f15,a1"},
	{0x458, 0x46008c55, "recip.s $f17,$f17"},
	{0x45c, 0x46001015, "recip.s $f0,$f2"},
	{0x460, 0x4600fe56, "rsqrt.s $f25,$f31"},
	{0x464, 0x46009a56, "rsqrt.s $f9,$f19"},
	{0x468, 0x46004b21, "cvt.d.s $f12,$f9"},
	{0x46c, 0x460062e1, "cvt.d.s $f11,$f12"},
	{0x470, 0x4600d824, "cvt.w.s $f0,$f27"},
	{0x474, 0x460028a4, "cvt.w.s $f2,$f5"},
	{0x478, 0x460021e5, "cvt.l.s $f7,$f4"},
	{0x47c, 0x4600c625, "cvt.l.s $f24,$f24"},
	{0x480, 0x461c8f3b, "c.ngl.s $fcc7,$f17,$f28"},
	{0x484, 0x4614123e, "c.le.s $fcc2,$f2,$f20"},
	{0x488, 0x463924c0, "add.d $f19,$f4,$f25"},
	{0x48c, 0x46242240, "add.d $f9,$f4,$f4"},
	{0x490, 0x463f01c1, "sub.d $f7,$f0,$f31"},
	{0x494, 0x46274001, "sub.d $f0,$f8,$f7"},
	{0x498, 0x463c7b42, "mul.d $f13,$f15,$f28"},
	{0x49c, 0x46390842, "mul.d $f1,$f1,$f25"},
	{0x4a0, 0x4633d443, "div.d $f17,$f26,$f19"},
	{0x4a4, 0x46324803, "div.d $f0,$f9,$f18"},
	{0x4a8, 0x46205544, "sqrt.d $f21,$f10"},
	{0x4ac, 0x46202ec4, "sqrt.d $f27,$f5"},
	{0x4b0, 0x46204785, "abs.d $f30,$f8"},
	{0x4b4, 0x462013c5, "abs.d $f15,$f2"},
	{0x4b8, 0x4620ed46, "mov.d $f21,$f29"},
	{0x4bc, 0x46205a06, "mov.d $f8,$f11"},
	{0x4c0, 0x46206447, "neg.d $f17,$f12"},
	{0x4c4, 0x46206d87, "neg.d $f22,$f13"},
	{0x4c8, 0x46206548, "round.l.d $f21,$f12"},
	{0x4cc, 0x46200e48, "round.l.d $f25,$f1"},
	{0x4d0, 0x46208909, "trunc.l.d $f4,$f17"},
	{0x4d4, 0x46203089, "trunc.l.d $f2,$f6"},
	{0x4d8, 0x46209c8a, "ceil.l.d $f18,$f19"},
	{0x4dc, 0x4620010a, "ceil.l.d $f4,$f0"},
	{0x4e0, 0x4620a3cb, "floor.l.d $f15,$f20"},
	{0x4e4, 0x4620600b, "floor.l.d $f0,$f12"},
	{0x4e8, 0x4620794c, "round.w.d $f5,$f15"},
	{0x4ec, 0x4620830c, "round.w.d $f12,$f16"},
	{0x4f0, 0x46209d8d, "trunc.w.d $f22,$f19"},
	{0x4f4, 0x4620368d, "trunc.w.d $f26,$f6"},
	{0x4f8, 0x4620994e, "ceil.w.d $f5,$f19"},
	{0x4fc, 0x462089ce, "ceil.w.d $f7,$f17"},
	{0x500, 0x4620a44f, "floor.w.d $f17,$f20"},
	{0x504, 0x4620e74f, "floor.w.d $f29,$f28"},
	{0x508, 0x4620f0d1, "movf.d $f3,$f30,$fcc0"},
	{0x50c, 0x4630e791, "movf.d $f30,$f28,$fcc4"},
	{0x510, 0x4625efd1, "movt.d $f31,$f29,$fcc1"},
	{0x514, 0x46315c51, "movt.d $f17,$f11,$fcc4"},
	{0x518, 0x4626ddd2, "movz.d $f23,$f27,a2"},
	{0x51c, 0x463204d2, "movz.d $f19,$f0,s2"},
	{0x520, 0x462c2253, "movn.d $f9,$f4,t4"},
	{0x524, 0x462bef53, "movn.d $f29,$f29,t3"},
	{0x528, 0x462062d5, "recip.d $f11,$f12"},
	{0x52c, 0x462069d5, "recip.d $f7,$f13"},
	{0x530, 0x4620b3d6, "rsqrt.d $f15,$f22"},
	{0x534, 0x462020d6, "rsqrt.d $f3,$f4"},
	{0x538, 0x46207560, "cvt.s.d $f21,$f14"},
	{0x53c, 0x46204360, "cvt.s.d $f13,$f8"},
	{0x540, 0x46208d24, "cvt.w.d $f20,$f17"},
	{0x544, 0x4620b7e4, "cvt.w.d $f31,$f22"},
	{0x548, 0x46208b25, "cvt.l.d $f12,$f17"},
	{0x54c, 0x46204b25, "cvt.l.d $f12,$f9"},
	{0x550, 0x4628403f, "c.ngt.d $f8,$f8"},
	{0x554, 0x46210934, "c.olt.d $fcc1,$f1,$f1"},
	{0x558, 0x46801f60, "cvt.s.w $f29,$f3"},
	{0x55c, 0x4680b860, "cvt.s.w $f1,$f23"},
	{0x560, 0x4680ab61, "cvt.d.w $f13,$f21"},
	{0x564, 0x46801aa1, "cvt.d.w $f10,$f3"},
	{0x568, 0x46a02ea0, "cvt.s.l $f26,$f5"},
	{0x56c, 0x46a085e0, "cvt.s.l $f23,$f16"},
	{0x570, 0x46a0fb21, "cvt.d.l $f12,$f31"},
	{0x574, 0x46a06f61, "cvt.d.l $f29,$f13"},
	{0x578, 0x4e900440, "lwxc1 $f17,s0(s4)"},
	{0x57c, 0x4d0b0440, "lwxc1 $f17,t3(t0)"},
	{0x580, 0x4eed0201, "ldxc1 $f8,t5(s7)"},
	{0x584, 0x4de500c1, "ldxc1 $f3,a1(t7)"},
	{0x588, 0x4eac02c5, "luxc1 $f11,t4(s5)"},
	{0x58c, 0x4c2b06c5, "luxc1 $f27,t3(at)"},
	{0x590, 0x4cfaa008, "swxc1 $f20,k0(a3)"},
	{0x594, 0x4ccba808, "swxc1 $f21,t3(a2)"},
	{0x598, 0x4c725009, "sdxc1 $f10,s2(v1)"},
	{0x59c, 0x4c59f009, "sdxc1 $f30,t9(v0)"},
	{0x5a0, 0x4f42380d, "suxc1 $f7,v0(k0)"},
	{0x5a4, 0x4ccec00d, "suxc1 $f24,t6(a2)"},
	{0x5a8, 0x4e29380f, "prefx 0x7,t1(s1)"},
	{0x5ac, 0x4f00100f, "prefx 0x2,zero(t8)"},
	{0x5b0, 0x4d5905a0, "madd.s $f22,$f10,$f0,$f25"},
	{0x5b4, 0x4c5007a0, "madd.s $f30,$f2,$f0,$f16"},
	{0x5b8, 0x4c774521, "madd.d $f20,$f3,$f8,$f23"},
	{0x5bc, 0x4cb89a21, "madd.d $f8,$f5,$f19,$f24"},
	{0x5c0, 0x4c09fba8, "msub.s $f14,$f0,$f31,$f9"},
	{0x5c4, 0x4c7b5328, "msub.s $f12,$f3,$f10,$f27"},
	{0x5c8, 0x4f0866e9, "msub.d $f27,$f24,$f12,$f8"},
	{0x5cc, 0x4c99daa9, "msub.d $f10,$f4,$f27,$f25"},
	{0x5d0, 0x4e5fea70, "nmadd.s $f9,$f18,$f29,$f31"},
	{0x5d4, 0x4c019ff0, "nmadd.s $f31,$f0,$f19,$f1"},
	{0x5d8, 0x4f1205f1, "nmadd.d $f23,$f24,$f0,$f18"},
	{0x5dc, 0x4d531431, "nmadd.d $f16,$f10,$f2,$f19"},
	{0x5e0, 0x4f588df8, "nmsub.s $f23,$f26,$f17,$f24"},
	{0x5e4, 0x4d28e2f8, "nmsub.s $f11,$f9,$f28,$f8"},
	{0x5e8, 0x4c954239, "nmsub.d $f8,$f4,$f8,$f21"},
	{0x5ec, 0x4fec6d79, "nmsub.d $f21,$f31,$f13,$f12"},
	/* COP0 (system mode) */
	{0x5f0, 0x400af001, "mfc0 t2,$30,1"},
	{0x5f4, 0x400ca000, "mfc0 t4,c0_xcontext"},
	{0x5f8, 0x40826000, "mtc0 v0,c0_status"},
	{0x5fc, 0x40835804, "mtc0 v1,$11,4"},
	{0x600, 0x41616000, "di at"},
	{0x604, 0x41606000, "di"},
	{0x608, 0x417d6020, "ei sp"},
	{0x60c, 0x41606020, "ei"},
	{0x610, 0x42000001, "tlbr"},
	{0x614, 0x42000002, "tlbwi"},
	{0x618, 0x42000006, "tlbwr"},
	{0x61c, 0x42000008, "tlbp"},
	{0x620, 0x42000018, "eret"},
	{0x624, 0x4303cea0, "wait 0x40f3a"},
	{0x628, 0x42000020, "wait"},
	{0x62c, 0xbc9f0010, "cache 0x1f,16(a0)"},
};

/* objdump: .word; here: illegal */
static const uint32_t reserved[] = {
	0x676b1b69,
	0x61790134,
	0x3f9931ee,
	0x6210b784,
	0xb35331ce,
	0xf0397722,
	0x9fb932d4,
	0x7d411fab,
	0x6bf08d62,
	0x9cfbba43,
	0x5fbd238e,
	0xd283eb3a,
	0x635b4c41,
	0xdc8ac0bb,
	0xf2655b19,
	0xb7785728,
	0x7812f170,
	0x67124890,
	0x44f758cd,
	0x01f35efe,
	0x6cda4ccb,
	0x5ccedc77,
	0xfd547512,
	0xeee1f220,
	0x5b86c0ef,
	0xf3d2273a,
	0xb713b4c7,
	0xecc2c55e,
	0xf1a41fe5,
	0x1c1b5b32,
	0x05f73dba,
	0x79462a34,
	0xd1d5c42f,
	0x6b451936,
	0xefca6c3a,
	0x6ce8571b,
	0x9e0d5425,
	0x0173745f,
	0x618d3f43,
	0x67c3b9fe,
};

extern const struct morph_arch mipsel_arch, mips_arch;

static void disas_word(const struct morph_arch *arch, uint64_t pc, uint32_t w, char *buf,
		       size_t size)
{
	uint8_t le[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16), (uint8_t)(w >> 24)};
	uint8_t be[4] = {le[3], le[2], le[1], le[0]};
	unsigned n = arch->disas(buf, size, pc, arch->big_endian ? be : le, 4, 0);

	ck_assert_uint_eq(n, 4);
}

START_TEST(disas_goldens)
{
	char buf[96];

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		const struct golden *g = &goldens[i];

		disas_word(&mipsel_arch, g->pc, g->insn, buf, sizeof(buf));
		ck_assert_msg(!strcmp(buf, g->text), "%08x at %llx: \"%s\", want \"%s\"",
			      g->insn, (unsigned long long)g->pc, buf, g->text);
		/* the same word in big-endian memory reads the same */
		disas_word(&mips_arch, g->pc, g->insn, buf, sizeof(buf));
		ck_assert_msg(!strcmp(buf, g->text), "big-endian %08x: \"%s\"", g->insn, buf);
	}
}
END_TEST

/* The golden table exercises every instruction of the decoder. */
START_TEST(goldens_cover_every_pattern)
{
	static bool seen[MIPS_INSN_COUNT];
	struct mips_args a;

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		seen[mips_decode32(goldens[i].insn, &a)] = true;
	ck_assert(!seen[MIPS_INSN_ILLEGAL]);
	for (unsigned id = 1; id < MIPS_INSN_COUNT; id++)
		ck_assert_msg(seen[id], "no golden for %s", mips_insn_info[id].name);
}
END_TEST

START_TEST(reserved_are_illegal)
{
	struct mips_args a;
	char buf[96], want[32];

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		enum mips_insn id = mips_decode32(reserved[i], &a);

		ck_assert_msg(id == MIPS_INSN_ILLEGAL, "%08x decodes as %s", reserved[i],
			      mips_insn_info[id].name);
		disas_word(&mipsel_arch, 0, reserved[i], buf, sizeof(buf));
		snprintf(want, sizeof(want), ".word 0x%x", reserved[i]);
		ck_assert_str_eq(buf, want);
	}
	/* the hint field of jr/jalr: 0 or 16 only */
	ck_assert_int_eq(mips_decode32(0x00200288, &a), MIPS_INSN_ILLEGAL);
	ck_assert_int_eq(mips_decode32(0x03e00008, &a), MIPS_INSN_JR);
	ck_assert_int_eq(mips_decode32(0x03e00408, &a), MIPS_INSN_JR_HB);
}
END_TEST

START_TEST(decode_fields)
{
	struct mips_args a;

	/* ext v0,v1,4,8 and ins v0,v1,4,8: the size from msbd / msb - lsb */
	ck_assert_int_eq(mips_decode32(0x7c623900, &a), MIPS_INSN_EXT);
	ck_assert_int_eq(a.lsb, 4);
	ck_assert_int_eq(a.size, 8);
	ck_assert_int_eq(mips_decode32(0x7c625904, &a), MIPS_INSN_INS);
	ck_assert_int_eq(a.lsb, 4);
	ck_assert_int_eq(a.size, 8);
	/* c.lt.d $fcc2,$f0,$f2 */
	ck_assert_int_eq(mips_decode32(0x4622023c, &a), MIPS_INSN_C_COND_D);
	ck_assert_int_eq(a.cc, 2);
	ck_assert_int_eq(a.cond, 12);
	ck_assert_int_eq(a.fs, 0);
	ck_assert_int_eq(a.ft, 2);
	/* beq v0,v1,-24 */
	ck_assert_int_eq(mips_decode32(0x1043fffa, &a), MIPS_INSN_BEQ);
	ck_assert_int_eq(a.imm, -24);
}
END_TEST

START_TEST(disas_short_buffer)
{
	char buf[8];
	uint8_t code[4] = {0x21, 0x10, 0x64, 0x00}; /* addu v0,v1,a0 */

	ck_assert_uint_eq(mipsel_arch.disas(buf, sizeof(buf), 0, code, 3, 0), 0);
	ck_assert_uint_eq(mipsel_arch.disas(buf, sizeof(buf), 0, code, 4, 0), 4);
	ck_assert_str_eq(buf, "addu v0");
}
END_TEST

static Suite *mips_decode_suite(void)
{
	Suite *s = suite_create("mips-decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, disas_goldens);
	tcase_add_test(tc, goldens_cover_every_pattern);
	tcase_add_test(tc, reserved_are_illegal);
	tcase_add_test(tc, decode_fields);
	tcase_add_test(tc, disas_short_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mips_decode_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
