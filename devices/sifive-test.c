/*
 * SiFive's test finisher ("sifive,test1", also a syscon): one 32-bit
 * register at offset 0. Linux's syscon-poweroff/syscon-reboot drivers and
 * OpenSBI's SiFive test driver write 0x5555 (poweroff), 0x7777 (reboot) or
 * 0x3333 | code << 16 (failure, bare-metal tests).
 */
#include <stdlib.h>

#include "morph/devices.h"
#include "dev.h"

struct sifive_test {
	void (*action)(void *opaque, enum sifive_test_action what, unsigned code);
	void *opaque;
};

static uint64_t sifive_test_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)opaque;
	(void)offset;
	(void)size;
	return 0;
}

static void sifive_test_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct sifive_test *t = opaque;
	unsigned what = value & 0xffff, code = (unsigned)(value >> 16) & 0xffff;

	/* regmap writes from Linux are 32-bit; accept any size that holds the command */
	if (offset != 0 || size < 2)
		return;
	switch (what) {
	case SIFIVE_TEST_FAIL:
	case SIFIVE_TEST_PASS:
	case SIFIVE_TEST_RESET:
		if (t->action)
			t->action(t->opaque, (enum sifive_test_action)what, code);
		break;
	default:
		bus_guest_error("sifive_test", "unknown command 0x%x", what);
		break;
	}
}

static const struct bus_ops sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
};

static void sifive_test_free(void *opaque)
{
	free(opaque);
}

struct sifive_test *sifive_test_new(struct bus *bus, uint64_t base,
				    void (*action)(void *opaque, enum sifive_test_action what,
						   unsigned code),
				    void *opaque)
{
	struct sifive_test *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	t->action = action;
	t->opaque = opaque;
	err = dev_own(bus, t, NULL, sifive_test_free);
	if (!err)
		err = bus_map_io(bus, base, SIFIVE_TEST_SIZE, &sifive_test_ops, t, "sifive_test");
	return err ? dev_fail(err) : t;
}
