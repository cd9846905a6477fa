/*
 * Interrupt lines: how a device tells an interrupt controller (or a hart)
 * that a wire changed level. A line is a plain value: the receiver's
 * callback, its opaque pointer and the input number on the receiver.
 *
 * Lines are level-sensitive: set_irq(opaque, n, 1) asserts input n until
 * set_irq(opaque, n, 0). Senders may repeat a level; receivers must treat
 * repeats as no-ops. An edge is a raise followed by a lower (irq_pulse()).
 *
 * Threading: a device calls set_irq with the device lock held (bus_lock(),
 * see bus.h), from whichever thread does the device work (the CPU thread on
 * MMIO, the I/O thread on host input or a timer). Receivers inside devices/
 * (PLIC, ...) rely on that lock. A receiver outside it -- a hart's mip bits --
 * must be safe to call from any thread with that lock held: update the
 * pending bits atomically, kick the hart (cpu_exit()) and wake it from wfi;
 * it must never take the device lock itself.
 */
#ifndef MORPH_IRQ_H
#define MORPH_IRQ_H

#include <stddef.h>

/** An interrupt line: input @n of whatever @opaque is. */
struct irq_line {
	void (*set_irq)(void *opaque, int n, int level);
	void *opaque;
	int n;
};

/** irq_set() - drive @line to @level (0 or 1). An unconnected line (NULL set_irq) is a no-op. */
static inline void irq_set(const struct irq_line *line, int level)
{
	if (line && line->set_irq)
		line->set_irq(line->opaque, line->n, level);
}

static inline void irq_raise(const struct irq_line *line)
{
	irq_set(line, 1);
}

static inline void irq_lower(const struct irq_line *line)
{
	irq_set(line, 0);
}

/** irq_pulse() - an edge: raise then lower. */
static inline void irq_pulse(const struct irq_line *line)
{
	irq_set(line, 1);
	irq_set(line, 0);
}

/** irq_line_make() - a line from its parts (for struct initialisers in function calls). */
static inline struct irq_line irq_line_make(void (*set_irq)(void *opaque, int n, int level),
					    void *opaque, int n)
{
	struct irq_line l = {set_irq, opaque, n};

	return l;
}

#endif
