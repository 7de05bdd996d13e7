/*
 * cpu — the processor's own tables: segments (GDT), task state (TSS) and exception
 * handlers (IDT).
 *
 * After cpu_init() any CPU exception (page fault, invalid opcode, ...) produces a readable
 * panic report on the console, a `panic ...` telemetry record, and exit status "panic".
 */
#ifndef WB_CPU_H
#define WB_CPU_H

/* Install the GDT, TSS and IDT. Called once by the boot component. */
void cpu_init(void);

/* Stop the CPU until the next interrupt; with interrupts disabled, that is forever. */
void cpu_halt(void);

#endif
