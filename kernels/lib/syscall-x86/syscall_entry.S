/*
 * syscall_entry.S — where every system call enters the kernel.
 *
 * The `syscall` instruction jumps here (MSR LSTAR) in ring 0, with interrupts off (SFMASK),
 * and leaves us:
 *   RAX = system-call number, RDI RSI RDX R10 R8 R9 = up to six arguments,
 *   RCX = the user's RIP, R11 = the user's RFLAGS, RSP = still the *user's* stack.
 * The arguments are where the C calling convention wants them, except the fourth: C expects
 * it in RCX, which `syscall` used for the return address, so user stubs put it in R10.
 *
 * The user stack cannot be trusted (it may be unmapped, or a pointer into the kernel), so
 * the first thing is to switch to the kernel's own stack. With one CPU and interrupts off,
 * a global variable can hold the user's RSP meanwhile; a kernel with several CPUs keeps it
 * in per-CPU memory reached with `swapgs`.
 *
 * Then: the number indexes the generated table (syscall_table.c in the build folder), the
 * function runs, its result is in RAX, and `sysretq` returns to ring 3 at RCX with RFLAGS
 * from R11. The kernel keeps every other register as the user left it, so a user stub only
 * has to tell its compiler that RAX, RCX and R11 change.
 *
 * A real kernel must also refuse to sysretq to a non-canonical RCX (on Intel CPUs the fault
 * would be raised in ring 0 on the user's stack); our RCX always comes from `syscall`.
 */
#include "config.h"

    .section .text.syscall_entry, "ax", @progbits
    .globl syscall_entry
syscall_entry:
    movq %rsp, user_rsp(%rip)
    leaq kernel_stack_top(%rip), %rsp

    pushq user_rsp(%rip)            /* 1 */
    pushq %rcx                      /* 2: where to return in user mode */
    pushq %r11                      /* 3: the user's RFLAGS */
    pushq %rdi                      /* 4..9: the registers C may change */
    pushq %rsi
    pushq %rdx
    pushq %r8
    pushq %r9
    pushq %r10
    subq $8, %rsp                   /* 10 words: RSP is 16-byte aligned for the call */

    cmpq syscall_count(%rip), %rax  /* unsigned: a negative number is too big as well */
    jae 1f
    movq %r10, %rcx                 /* the fourth argument, where C expects it */
    leaq syscall_table(%rip), %r11
    call *(%r11, %rax, 8)
    jmp 2f
1:  movq $-1, %rax                  /* no such system call (Linux would return -ENOSYS) */

2:  addq $8, %rsp
    popq %r10
    popq %r9
    popq %r8
    popq %rdx
    popq %rsi
    popq %rdi
    popq %r11
    popq %rcx
    popq %rsp                       /* the user's stack again */
    sysretq

    .section .bss.user_rsp, "aw", @nobits
    .balign 8
user_rsp:
    .skip 8

/* The kernel stack: system calls and exceptions from ring 3 (the TSS's rsp0) start here. */
    .section .stack, "aw", @nobits
    .balign 16
    .globl kernel_stack_top
kernel_stack_bottom:
    .skip CONFIG_SYSCALL_X86_KERNEL_STACK_KIB * 1024
kernel_stack_top:
