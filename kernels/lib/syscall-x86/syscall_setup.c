/*
 * syscall_setup.c — where the kernel is entered from the user process.
 *
 * The cpu component owns the privilege machinery (cpu.h): it switches the `syscall`
 * instruction on and keeps the Task State Segment. This layout only says where to go:
 *
 * - a system call enters at syscall_entry (syscall_entry.S), which switches to the kernel
 *   stack by itself, because `syscall` does not;
 * - an exception in ring 3 (a page fault, a #GP from a privileged instruction) makes the CPU
 *   switch to the TSS's rsp0 — the same kernel stack. There is one process and no nesting
 *   (interrupts stay off), so one stack is enough.
 */
#include "cpu.h"
#include "syscall_x86.h"

extern void syscall_entry(void);

void syscall_setup(void)
{
    cpu_syscall_init(syscall_entry);
    cpu_set_kernel_stack(kernel_stack_top);
}
