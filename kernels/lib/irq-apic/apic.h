/*
 * apic.h — what the files of irq-apic share: the two interrupt controllers of a modern PC.
 *
 *   device ──► I/O APIC (one per machine, at 0xfec00000): a table that turns each input line
 *              (a "GSI") into a message "vector V for CPU N"
 *          ──► local APIC (one per CPU, at 0xfee00000): queues the vectors, interrupts the CPU,
 *              and has a timer of its own
 *
 * The old 8259 PIC is still there on QEMU's microvm (`pic=on`); we mask all its lines so only
 * the APICs speak.
 */
#ifndef IRQ_APIC_H
#define IRQ_APIC_H

#include <stdint.h>

/* The vectors we use: 32-47 are free for interrupts (0-31 are CPU exceptions). */
#define VECTOR_TIMER 32
#define VECTOR_DEVICE 33
#define VECTOR_SPURIOUS 47 /* the low four bits must be 1 on older CPUs */

/* irq_entry.S */
void irq_wake_entry(void);
void irq_spurious_entry(void);
extern volatile uint32_t *lapic_eoi; /* the register irq_wake_entry writes to say "done" */

#endif
