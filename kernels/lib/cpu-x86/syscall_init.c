/*
 * syscall_init.c — the ways from ring 3 into the kernel, for layouts that have a user mode.
 *
 * Two ways lead from ring 3 into the kernel, and both need to know where the kernel is:
 *
 * - the `syscall` instruction (a system call, or an IPC message in a microkernel). It is off
 *   until EFER.SCE is set. It loads RIP from the MSR LSTAR, the kernel's CS and SS from STAR,
 *   clears the RFLAGS bits named in SFMASK, and saves the user's RIP in RCX and RFLAGS in R11.
 *   It does *not* switch stacks: the entry code the layout writes does that.
 * - an exception or interrupt (a page fault, a #GP from a privileged instruction). The CPU
 *   switches to the stack whose address is in the TSS's `rsp0` (gdt.c), then runs the IDT's
 *   handler — the same panic report as in ring 0, with the user's registers.
 *
 * The way down, into ring 3, is in usermode.S.
 */
#include <stdint.h>

#include "arch/x86.h"
#include "cpu.h"
#include "x86_tables.h"

#define MSR_EFER   0xc0000080
#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_SFMASK 0xc0000084
#define EFER_SCE   (1ull << 0)      /* System Call Extensions: syscall/sysret allowed */

/* RFLAGS bits cleared on entry: trap (single-step), interrupts, direction, alignment check.
 * The kernel must not start with a user's choice of any of them. */
#define SFMASK_BITS ((1ull << 8) | (1ull << 9) | (1ull << 10) | (1ull << 18))

void cpu_syscall_init(cpu_entry_fn entry)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

    /* STAR bits 32..47: syscall loads CS = this, SS = this + 8 (kernel code, kernel data).
     * Bits 48..63: sysretq loads SS = this + 8 and CS = this + 16, with ring 3 in the low
     * bits: 0x10 gives user data 0x18 and user code 0x20 — the order of our GDT (gdt.c). */
    wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)entry);
    wrmsr(MSR_SFMASK, SFMASK_BITS);
}
