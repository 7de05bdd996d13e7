/*
 * ipc_entry.S — the whole kernel side of message passing, in one entry point.
 *
 * `syscall` arrives here in ring 0 with interrupts off, and leaves:
 *   RAX = system-call number, RDI = the message (or the first argument),
 *   RCX = the caller's RIP, R11 = its RFLAGS, RSP = still the caller's stack.
 *
 * SYS_CALL (client → server) and SYS_REPLY_WAIT (server → client) are the same move in
 * opposite directions, which is why microkernels such as L4 made them one fast path:
 *
 *   1. save the running domain: where it stopped (RSP, RCX, R11) and the registers the C
 *      calling convention says must survive a call (RBX, RBP, R12-R15);
 *   2. load the other domain's address space into CR3 (this empties the TLB);
 *   3. load the other domain's saved registers;
 *   4. hand over the message in RAX and RDI, clear every other register the caller could
 *      have used (nothing may leak from one domain into another), and `sysretq` into the
 *      other domain, right after *its* last `syscall`.
 *
 * The path touches memory only through RIP-relative addresses, never through RSP, so it
 * does not even switch stacks: with interrupts off nothing else can run on the user's
 * stack meanwhile. (A real kernel switches stacks first, because an NMI or a machine check
 * can still arrive; an exception would be a bug in this code.)
 */
#include "ipc_bench.h"

    .section .text.ipc_entry, "ax", @progbits
    .globl ipc_entry
ipc_entry:
    cmpq $SYS_CALL, %rax
    je ipc_call
    cmpq $SYS_REPLY_WAIT, %rax
    je ipc_reply_wait
    cmpq $SYS_NULL, %rax
    je ipc_null
    cmpq $SYS_EXIT, %rax
    je ipc_exit_entry
    movq $-1, %rax                  /* no such system call */
    sysretq

.macro SAVE ctx
    movq %rsp, \ctx+CTX_RSP(%rip)
    movq %rcx, \ctx+CTX_RIP(%rip)
    movq %r11, \ctx+CTX_RFLAGS(%rip)
    movq %rbx, \ctx+CTX_RBX(%rip)
    movq %rbp, \ctx+CTX_RBP(%rip)
    movq %r12, \ctx+CTX_R12(%rip)
    movq %r13, \ctx+CTX_R13(%rip)
    movq %r14, \ctx+CTX_R14(%rip)
    movq %r15, \ctx+CTX_R15(%rip)
.endm

.macro RESUME ctx
    movq \ctx+CTX_CR3(%rip), %rdx
    movq %rdx, %cr3                 /* from here on, the other domain's page tables */
    movq \ctx+CTX_RSP(%rip), %rsp
    movq \ctx+CTX_RIP(%rip), %rcx
    movq \ctx+CTX_RFLAGS(%rip), %r11
    movq \ctx+CTX_RBX(%rip), %rbx
    movq \ctx+CTX_RBP(%rip), %rbp
    movq \ctx+CTX_R12(%rip), %r12
    movq \ctx+CTX_R13(%rip), %r13
    movq \ctx+CTX_R14(%rip), %r14
    movq \ctx+CTX_R15(%rip), %r15
    movq %rdi, %rax                 /* the message, in RAX and RDI */
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    sysretq
.endm

ipc_call:
    SAVE ipc_client_ctx
    RESUME ipc_server_ctx

ipc_reply_wait:
    SAVE ipc_server_ctx
    RESUME ipc_client_ctx

/* The null system call: what entering and leaving the kernel costs with nothing in between,
 * except the stack switch every real kernel makes. */
ipc_null:
    movq %rsp, null_user_rsp(%rip)
    leaq ipc_kernel_stack_top(%rip), %rsp
    xorl %eax, %eax
    movq null_user_rsp(%rip), %rsp
    sysretq

/* The client is done: continue in C, on the kernel stack (ipc_exit does not return). */
ipc_exit_entry:
    leaq ipc_kernel_stack_top(%rip), %rsp
    call ipc_exit
    ud2

    .section .bss.null_user_rsp, "aw", @nobits
    .balign 8
null_user_rsp:
    .skip 8

/* The kernel stack: the exit call, and exceptions from ring 3 (the TSS's rsp0). */
    .section .stack, "aw", @nobits
    .balign 16
    .skip 4096
    .globl ipc_kernel_stack_top
ipc_kernel_stack_top:
