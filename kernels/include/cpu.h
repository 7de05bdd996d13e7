/*
 * cpu — the processor's own tables: segments (GDT), task state (TSS) and exception
 * handlers (IDT).
 *
 * After cpu_init() any CPU exception (page fault, invalid opcode, ...) produces a readable
 * panic report on the console, a `panic ...` telemetry record, and exit status "panic".
 */
#ifndef WB_CPU_H
#define WB_CPU_H

#include <stdint.h>

/* Install the GDT, TSS and IDT. Called once by the boot component. */
void cpu_init(void);

/* Stop the CPU until the next interrupt; with interrupts disabled, that is forever. */
void cpu_halt(void);

/* Entry code for an interrupt or for `syscall`: hand-written assembly that knows the register
 * rules (it ends in iretq or sysretq, not in a C return). */
typedef void (*cpu_entry_fn)(void);

/* Let interrupt `vector` (32-47) run `entry`, with interrupts disabled while it runs.
 * 0, or -1 for a vector outside that range. */
int cpu_set_interrupt_gate(uint8_t vector, cpu_entry_fn entry);

/*
 * User mode (ring 3), for the layouts that have one. A library OS never calls these, and
 * the linker drops them from its image.
 */

/* Switch on the `syscall` instruction and make it enter the kernel at `entry`. */
void cpu_syscall_init(cpu_entry_fn entry);

/* The stack an exception or interrupt from ring 3 switches to (the TSS's rsp0). */
void cpu_set_kernel_stack(void *top);

/* Run code in ring 3 at `entry` on `user_stack`; returns the status given to cpu_leave_user. */
int cpu_enter_user(uint64_t entry, uint64_t user_stack);

/* From the kernel, on behalf of user code that is done: return `status` from cpu_enter_user. */
_Noreturn void cpu_leave_user(int status);

#endif
