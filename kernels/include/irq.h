/*
 * irq — interrupts as a doorbell: sleep until a device or a timer rings.
 *
 * A polled appliance spins, asking its network card "anything yet?" millions of times a
 * second, and keeps a host core busy while nobody talks to it. With interrupts the CPU can
 * halt (`hlt`) instead and be woken by the card or by a timer when there is work.
 *
 * This interface keeps interrupts as simple as they can be: they only wake the CPU. Their
 * handlers do no work and touch no data, so nothing runs concurrently with the main loop and
 * nothing needs locks. Interrupts are enabled only inside irq_wait(): one that arrives at any
 * other moment waits in the interrupt controller and ends the next irq_wait() at once — which
 * is why "check for work, then sleep" cannot miss a wake-up.
 */
#ifndef WB_IRQ_H
#define WB_IRQ_H

#include <stdint.h>

/* Start the interrupt controllers and the wake-up timer (idempotent). 0, or -1 without them. */
int irq_init(void);

/* Let input `gsi` of the I/O interrupt controller wake the CPU (edge-triggered). 0 or -1. */
int irq_route(unsigned gsi);

/* Halt until an interrupt arrives or clock_ns() reaches deadline_ns; returns at once if the
 * deadline has passed or an interrupt is already waiting. */
void irq_wait(uint64_t deadline_ns);

#endif
