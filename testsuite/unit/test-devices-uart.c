/*
 * ns16550a UART register behaviour through the bus, with the in-memory
 * character backend as the terminal: transmit, receive through the FIFO
 * with flow control, the divisor latch, interrupt identification and
 * priorities, THRE interrupt rules, loopback, FIFO trigger levels, reset.
 */
#include "test-devices-harness.h"

#define UART 0x10000000ull
#define RBR 0
#define THR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

struct ut {
	struct hbus h;
	struct chardev *chr;
	struct probe irq;
};

static void ut_start(struct ut *t, unsigned shift)
{
	memset(t, 0, sizeof(*t));
	hbus_init(&t->h);
	t->chr = chardev_buffer_new();
	ck_assert_ptr_nonnull(uart16550_new(t->h.bus, UART, shift, probe_line(&t->irq, 0), t->chr));
}

static void ut_stop(struct ut *t)
{
	hbus_fini(&t->h);
	chardev_close(t->chr);
}

static uint8_t rd(struct ut *t, unsigned reg)
{
	return (uint8_t)hrd(&t->h, UART + reg, 1);
}

static void wr(struct ut *t, unsigned reg, uint8_t v)
{
	hwr(&t->h, UART + reg, 1, v);
}

START_TEST(reset_values)
{
	struct ut t;

	ut_start(&t, 0);
	ck_assert_uint_eq(rd(&t, IIR), 0x01);
	ck_assert_uint_eq(rd(&t, LSR), 0x60); /* THRE | TEMT */
	ck_assert_uint_eq(rd(&t, MSR), 0xb0); /* DCD | DSR | CTS, no deltas */
	ck_assert_uint_eq(rd(&t, LCR), 0);
	ck_assert_uint_eq(rd(&t, IER), 0);
	ck_assert_int_eq(t.irq.level, 0);
	/* the window is 0x100 bytes (as the device tree says); past the registers reads 0 */
	uint64_t v;

	ck_assert_int_eq(bus_read(t.h.bus, UART + 8, 1, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(bus_read(t.h.bus, UART + 0x100, 1, &v), BUS_ERR_UNMAPPED);
	ut_stop(&t);
}
END_TEST

START_TEST(transmit)
{
	struct ut t;
	size_t n;

	ut_start(&t, 0);
	for (const char *p = "hello\n"; *p; p++)
		wr(&t, THR, (uint8_t)*p);
	ck_assert_str_eq(chardev_buffer_output(t.chr, &n), "hello\n");
	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(rd(&t, LSR) & 0x60, 0x60);
	ck_assert_int_eq(t.irq.level, 0); /* THRI not enabled */
	ut_stop(&t);
}
END_TEST

START_TEST(divisor_latch)
{
	struct ut t;

	ut_start(&t, 0);
	wr(&t, LCR, 0x83);
	wr(&t, 0, 0x01); /* DLL */
	wr(&t, 1, 0x02); /* DLM */
	ck_assert_uint_eq(rd(&t, 0), 0x01);
	ck_assert_uint_eq(rd(&t, 1), 0x02);
	ck_assert_uint_eq(rd(&t, LCR), 0x83);
	wr(&t, LCR, 0x03);
	ck_assert_uint_eq(rd(&t, IER), 0); /* DLM did not land in IER */
	wr(&t, THR, 'x');
	ck_assert_str_eq(chardev_buffer_output(t.chr, NULL), "x");
	wr(&t, LCR, 0x83);
	ck_assert_uint_eq(rd(&t, 0), 0x01); /* THR did not land in DLL */
	wr(&t, SCR, 0x5a);
	ck_assert_uint_eq(rd(&t, SCR), 0x5a);
	ut_stop(&t);
}
END_TEST

START_TEST(receive_fifo)
{
	struct ut t;

	ut_start(&t, 0);
	wr(&t, FCR, 0x07); /* FIFO on, cleared; trigger 1 */
	chardev_buffer_input(t.chr, "abc", 3);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 0);
	ck_assert_uint_eq(rd(&t, LSR) & 1, 1);
	ck_assert_int_eq(t.irq.level, 0);
	wr(&t, IER, 0x01);
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_eq(rd(&t, IIR), 0xc4); /* RDA, FIFOs enabled */
	ck_assert_uint_eq(rd(&t, RBR), 'a');
	ck_assert_uint_eq(rd(&t, RBR), 'b');
	ck_assert_uint_eq(rd(&t, RBR), 'c');
	ck_assert_uint_eq(rd(&t, LSR) & 1, 0);
	ck_assert_int_eq(t.irq.level, 0);
	ck_assert_uint_eq(rd(&t, IIR), 0xc1);
	/* empty FIFO reads 0 */
	ck_assert_uint_eq(rd(&t, RBR), 0);
	ut_stop(&t);
}
END_TEST

START_TEST(receive_flow_control)
{
	struct ut t;
	char in[40], got[40];

	ut_start(&t, 0);
	wr(&t, FCR, 0x01);
	for (int i = 0; i < 40; i++)
		in[i] = (char)('A' + i);
	chardev_buffer_input(t.chr, in, 40);
	/* the FIFO holds 16, the backend keeps the rest: no overrun */
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 24);
	for (int i = 0; i < 40; i++) {
		ck_assert_uint_eq(rd(&t, LSR) & 0x03, 0x01);
		got[i] = (char)rd(&t, RBR);
	}
	ck_assert_mem_eq(in, got, 40);
	ck_assert_uint_eq(rd(&t, LSR) & 1, 0);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 0);
	/* without the FIFO, one byte at a time */
	wr(&t, FCR, 0x00);
	chardev_buffer_input(t.chr, "xy", 2);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 1);
	ck_assert_uint_eq(rd(&t, IIR), 0x01); /* no FIFO bits */
	ck_assert_uint_eq(rd(&t, RBR), 'x');
	ck_assert_uint_eq(rd(&t, RBR), 'y');
	ut_stop(&t);
}
END_TEST

START_TEST(trigger_levels)
{
	struct ut t;

	ut_start(&t, 0);
	wr(&t, FCR, 0x81); /* trigger at 8 */
	wr(&t, IER, 0x01);
	chardev_buffer_input(t.chr, "1234567", 7);
	/* below the trigger: character timeout (reported at once) */
	ck_assert_uint_eq(rd(&t, IIR), 0xcc);
	ck_assert_int_eq(t.irq.level, 1);
	chardev_buffer_input(t.chr, "8", 1);
	ck_assert_uint_eq(rd(&t, IIR), 0xc4);
	/* clearing the RX FIFO drops everything */
	wr(&t, FCR, 0x83);
	ck_assert_uint_eq(rd(&t, LSR) & 1, 0);
	ck_assert_int_eq(t.irq.level, 0);
	ut_stop(&t);
}
END_TEST

START_TEST(thre_interrupt)
{
	struct ut t;

	ut_start(&t, 0);
	wr(&t, FCR, 0x01);
	/* enabling THRI while THR is empty raises it (Linux's THRE test) */
	wr(&t, IER, 0x02);
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_eq(rd(&t, IIR), 0xc2);
	/* reading IIR that reports THRE clears it */
	ck_assert_int_eq(t.irq.level, 0);
	ck_assert_uint_eq(rd(&t, IIR), 0xc1);
	/* each write leaves THR empty again: interrupt */
	wr(&t, THR, 'a');
	ck_assert_int_eq(t.irq.level, 1);
	/* re-writing IER with THRI still set does not re-raise after a clear */
	rd(&t, IIR);
	wr(&t, IER, 0x02);
	ck_assert_int_eq(t.irq.level, 0);
	/* disabling THRI lowers the line */
	wr(&t, THR, 'b');
	ck_assert_int_eq(t.irq.level, 1);
	wr(&t, IER, 0x00);
	ck_assert_int_eq(t.irq.level, 0);
	ut_stop(&t);
}
END_TEST

START_TEST(priorities_and_loopback)
{
	struct ut t;

	ut_start(&t, 0);
	wr(&t, FCR, 0x01);
	wr(&t, MCR, 0x10 | 0x0b); /* loopback, DTR, RTS, OUT2 */
	/* MSR mirrors MCR: RTS -> CTS, DTR -> DSR, OUT2 -> DCD; deltas for the changes */
	ck_assert_uint_eq(rd(&t, MSR), 0xb0 | 0x00);
	wr(&t, MCR, 0x10);
	ck_assert_uint_eq(rd(&t, MSR), 0x0b); /* CTS, DSR, DCD dropped: deltas 0x01|0x02|0x08 */
	ck_assert_uint_eq(rd(&t, MSR), 0x00);
	/* loopback: transmitted bytes come back, nothing reaches the terminal */
	for (int i = 0; i < 17; i++)
		wr(&t, THR, (uint8_t)('a' + i));
	ck_assert_str_eq(chardev_buffer_output(t.chr, NULL), "");
	/* the 17th overran the FIFO: line status outranks received data */
	wr(&t, IER, 0x05);
	ck_assert_uint_eq(rd(&t, IIR), 0xc6);
	ck_assert_uint_eq(rd(&t, LSR) & 0x03, 0x03); /* DR | OE, OE clears on read */
	ck_assert_uint_eq(rd(&t, IIR), 0xc4);
	ck_assert_uint_eq(rd(&t, RBR), 'a');
	/* external input is held back in loopback */
	chardev_buffer_input(t.chr, "Z", 1);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 1);
	wr(&t, FCR, 0x03);
	wr(&t, MCR, 0x00);
	ck_assert_uint_eq(chardev_buffer_pending(t.chr), 0);
	ck_assert_uint_eq(rd(&t, RBR), 'Z');
	/* modem status interrupt: deltas with EDSSI */
	rd(&t, MSR);
	wr(&t, IER, 0x08);
	ck_assert_int_eq(t.irq.level, 0);
	wr(&t, MCR, 0x10 | 0x02); /* loopback RTS -> CTS change */
	ck_assert_int_eq(t.irq.level, 1);
	ck_assert_uint_eq(rd(&t, IIR), 0xc0);
	rd(&t, MSR);
	ck_assert_int_eq(t.irq.level, 0);
	ut_stop(&t);
}
END_TEST

START_TEST(reg_shift_and_reset)
{
	struct ut t;

	ut_start(&t, 2);
	/* registers 4 bytes apart, 32-bit accesses use the low byte */
	hwr(&t.h, UART + 4 * SCR, 4, 0x1234);
	ck_assert_uint_eq(hrd(&t.h, UART + 4 * SCR, 4), 0x34);
	hwr(&t.h, UART + 4 * THR, 4, 'q');
	ck_assert_str_eq(chardev_buffer_output(t.chr, NULL), "q");
	hwr(&t.h, UART + 4 * IER, 4, 0x02);
	ck_assert_int_eq(t.irq.level, 1);
	bus_reset(t.h.bus);
	ck_assert_int_eq(t.irq.level, 0);
	ck_assert_uint_eq(hrd(&t.h, UART + 4 * IER, 4), 0);
	ck_assert_uint_eq(hrd(&t.h, UART + 4 * SCR, 4), 0);
	ut_stop(&t);
}
END_TEST

static Suite *uart_suite(void)
{
	Suite *s = suite_create("uart16550");
	TCase *tc = tcase_create("registers");

	tcase_add_test(tc, reset_values);
	tcase_add_test(tc, transmit);
	tcase_add_test(tc, divisor_latch);
	tcase_add_test(tc, receive_fifo);
	tcase_add_test(tc, receive_flow_control);
	tcase_add_test(tc, trigger_levels);
	tcase_add_test(tc, thre_interrupt);
	tcase_add_test(tc, priorities_and_loopback);
	tcase_add_test(tc, reg_shift_and_reset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(uart_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
