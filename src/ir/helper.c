/*
 * Helper registry: every helper declared with DEF_HELPER gets an id and a
 * prepared libffi call interface for the interpreter.
 */
#include <ffi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "morph/ir.h"

#define MAX_HELPERS 1024

static struct ir_helper helpers[MAX_HELPERS];
static ffi_cif cifs[MAX_HELPERS];
static ffi_type *cif_args[MAX_HELPERS][IR_MAX_CALL_ARGS];
static unsigned nhelpers;
static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;

static ffi_type *ffi_of(uint8_t t)
{
	switch (t) {
	case IR_HT_VOID:
		return &ffi_type_void;
	case IR_HT_I32:
		return &ffi_type_uint32;
	case IR_HT_I64:
		return &ffi_type_uint64;
	default:
		return &ffi_type_pointer;
	}
}

unsigned ir_helper_register(const struct ir_helper *h)
{
	pthread_mutex_lock(&helper_lock);
	/* Registering the same table twice (e.g. several exec_init calls in tests) is harmless. */
	for (unsigned i = 0; i < nhelpers; i++) {
		if (helpers[i].fn == h->fn) {
			pthread_mutex_unlock(&helper_lock);
			return i;
		}
	}
	if (nhelpers >= MAX_HELPERS || h->nargs > IR_MAX_CALL_ARGS) {
		fprintf(stderr, "morph: internal error: too many helpers\n");
		abort();
	}
	unsigned id = nhelpers;
	helpers[id] = *h;
	for (unsigned i = 0; i < h->nargs; i++)
		cif_args[id][i] = ffi_of(h->args[i]);
	if (ffi_prep_cif(&cifs[id], FFI_DEFAULT_ABI, h->nargs, ffi_of(h->ret), cif_args[id]) !=
	    FFI_OK) {
		fprintf(stderr, "morph: internal error: libffi cannot describe helper %s\n",
			h->name);
		abort();
	}
	helpers[id].ffi_cif = &cifs[id];
	nhelpers++;
	pthread_mutex_unlock(&helper_lock);
	return id;
}

const struct ir_helper *ir_helper_get(unsigned id)
{
	if (id >= nhelpers) {
		fprintf(stderr, "morph: internal error: bad helper id %u\n", id);
		abort();
	}
	return &helpers[id];
}

unsigned ir_helper_count(void)
{
	return nhelpers;
}
