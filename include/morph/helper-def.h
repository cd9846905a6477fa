/*
 * Declaring helpers once. A helper list is a file of rows
 *
 *   DEF_HELPER(name, flags, ret, arg types...)
 *
 * where types are void (return only), i32, i64 and env (the CPU state, passed
 * by the core). Include the list three ways to get everything from one row:
 *
 *   #define HELPER_ENV struct rv_cpu          (type the C code sees for env)
 *   #define HELPER_LIST "frontends/riscv/helpers.def"
 *   #include "morph/helper-def.h"             declares prototypes helper_NAME()
 *                                             and ids hid_NAME (for ir_call)
 * and, in exactly one .c file, additionally
 *   #define HELPER_DEFINE_TABLE rv_helpers_register
 *   before the include, which defines the id variables and a function
 *   void rv_helpers_register(void) that registers every helper with the
 *   core (building the libffi cif and the JIT's call descriptor).
 */
#ifndef HELPER_LIST
#error "define HELPER_LIST before including morph/helper-def.h"
#endif
#ifndef HELPER_ENV
#error "define HELPER_ENV before including morph/helper-def.h"
#endif

#include <stdint.h>
#include "morph/ir.h"

#ifndef MORPH_HELPER_DEF_MACROS
#define MORPH_HELPER_DEF_MACROS
#define HDEF_C_void void
#define HDEF_C_i32 uint32_t
#define HDEF_C_i64 uint64_t
#define HDEF_C_env HELPER_ENV *
#define HDEF_T_void IR_HT_VOID
#define HDEF_T_i32 IR_HT_I32
#define HDEF_T_i64 IR_HT_I64
#define HDEF_T_env IR_HT_ENV

#define HDEF_NARG(...) HDEF_NARG_(__VA_ARGS__, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define HDEF_NARG_(a1, a2, a3, a4, a5, a6, a7, a8, n, ...) n
#define HDEF_CAT(a, b) HDEF_CAT_(a, b)
#define HDEF_CAT_(a, b) a##b

/* Map HDEF_C_ or HDEF_T_ over the argument types, comma separated */
#define HDEF_MAP(p, ...) HDEF_CAT(HDEF_MAP, HDEF_NARG(__VA_ARGS__))(p, __VA_ARGS__)
#define HDEF_MAP1(p, a) p##a
#define HDEF_MAP2(p, a, ...) p##a, HDEF_MAP1(p, __VA_ARGS__)
#define HDEF_MAP3(p, a, ...) p##a, HDEF_MAP2(p, __VA_ARGS__)
#define HDEF_MAP4(p, a, ...) p##a, HDEF_MAP3(p, __VA_ARGS__)
#define HDEF_MAP5(p, a, ...) p##a, HDEF_MAP4(p, __VA_ARGS__)
#define HDEF_MAP6(p, a, ...) p##a, HDEF_MAP5(p, __VA_ARGS__)
#define HDEF_MAP7(p, a, ...) p##a, HDEF_MAP6(p, __VA_ARGS__)
#define HDEF_MAP8(p, a, ...) p##a, HDEF_MAP7(p, __VA_ARGS__)
#endif

/* Prototypes and ids */
#define DEF_HELPER(name, flags, ret, ...)                                          \
	HDEF_C_##ret helper_##name(HDEF_MAP(HDEF_C_, __VA_ARGS__));                \
	extern unsigned hid_##name;
#include HELPER_LIST
#undef DEF_HELPER

#ifdef HELPER_DEFINE_TABLE
#define DEF_HELPER(name, flags, ret, ...) unsigned hid_##name;
#include HELPER_LIST
#undef DEF_HELPER

void HELPER_DEFINE_TABLE(void)
{
#define DEF_HELPER(name, flags, ret, ...)                                          \
	{                                                                          \
		static const struct ir_helper h = {                                \
			#name, (void *)helper_##name, HDEF_T_##ret,                \
			HDEF_NARG(__VA_ARGS__), {HDEF_MAP(HDEF_T_, __VA_ARGS__)}, \
			(flags), 0};                                               \
		hid_##name = ir_helper_register(&h);                               \
	}
#include HELPER_LIST
#undef DEF_HELPER
}
#endif
