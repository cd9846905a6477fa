/*
 * Public entry points to the shared op semantics (fold.h).
 */
#include "morph/ir.h"
#include "src/ir/fold.h"

bool ir_eval_cond(enum ir_cond c, enum ir_type t, uint64_t a, uint64_t b)
{
	return ir_cond_eval(c, t, a, b);
}

bool ir_fold(enum ir_opc opc, enum ir_type t, const uint64_t *in, uint64_t *out)
{
	if (ir_op_is_binary(opc)) {
		*out = ir_fold_binary(opc, t, in[0], in[1]);
		return true;
	}
	if (ir_op_is_unary(opc)) {
		*out = ir_fold_unary(opc, t, in[0]);
		return true;
	}
	return false;
}
