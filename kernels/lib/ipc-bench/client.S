/*
 * client.S — the client domain: ring 3, its own address space, two measurements.
 *
 * 1. CALLS null system calls: enter the kernel and come straight back — a *trap*, what a
 *    monolithic kernel's system call costs at the least.
 * 2. CALLS IPC round trips: message i to the server, which answers i + 1 — what a
 *    microkernel pays for one request to a service: a trap into the kernel, a switch of
 *    address space to the server, the server's trap back, a switch back to the client.
 *    Every reply is checked: the registers the kernel must keep for us (RBX, R12-R15) are the
 *    loop's own state, so a kernel that let the server's registers leak would be caught.
 *
 * Then SYS_EXIT with the cycle counts and the number of wrong replies.
 *
 * The code sits on a page of its own (.balign 4096 at both ends): the client's address space
 * grants user access to this page and its stack page, and to nothing else. In assembly, so
 * that no compiler-generated call can reach into kernel pages the client cannot execute.
 * RDTSC is allowed in ring 3 because CR4.TSD is clear.
 */
#include "config.h"
#include "ipc_bench.h"

#define CALLS CONFIG_IPC_BENCH_CALLS

/* RAX = the time-stamp counter (RDTSC splits it into EDX:EAX). Changes RDX. */
.macro TSC
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
.endm

    .section .text.ipc_client, "ax", @progbits
    .balign USER_PAGE
    .globl ipc_client_start
ipc_client_start:
#if CONFIG_IPC_BENCH_TRESPASS
    /* The lesson's experiment: read the server's stack. Same machine, same physical memory,
     * but not in this address space: a page fault, reported with CR2 = that address. */
    movabsq $ipc_server_stack, %rax
    movq (%rax), %rax
#endif
    TSC
    movq %rax, %r12                 /* R12: start time */
    movl $CALLS, %r13d
1:  movl $SYS_NULL, %eax
    syscall
    decl %r13d
    jnz 1b
    TSC
    subq %r12, %rax
    movq %rax, %r14                 /* R14: cycles of CALLS null system calls */

    TSC
    movq %rax, %r12
    xorl %ebx, %ebx                 /* RBX: the message */
    xorl %r15d, %r15d               /* R15: wrong replies */
2:  movl $SYS_CALL, %eax
    movq %rbx, %rdi
    syscall                         /* the reply comes back in RAX */
    leaq 1(%rbx), %rcx
    cmpq %rcx, %rax
    setne %cl
    movzbl %cl, %ecx
    addq %rcx, %r15
    incq %rbx
    cmpq $CALLS, %rbx
    jb 2b
    TSC
    subq %r12, %rax

    movq %rax, %rdi                 /* cycles of CALLS round trips */
    movq %r14, %rsi
    movq %r15, %rdx
    movl $SYS_EXIT, %eax
    syscall
    ud2                             /* SYS_EXIT does not come back */
    .balign USER_PAGE
    .globl ipc_client_end
ipc_client_end:

    .section .bss.ipc_client_stack, "aw", @nobits
    .balign USER_PAGE
    .globl ipc_client_stack
ipc_client_stack:
    .skip USER_PAGE
