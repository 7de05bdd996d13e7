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
    /* TODO (exercise "ipc"): keep the running domain in \ctx, so that it can be resumed
     * later exactly where it stopped. Store at \ctx+CTX_RSP(%rip), CTX_RIP, CTX_RFLAGS ...:
     *   - RSP (still the domain's own stack pointer),
     *   - RCX and R11 (`syscall` put the domain's RIP and RFLAGS there),
     *   - RBX, RBP, R12, R13, R14, R15 (the C calling convention says a call keeps them).
     * One `movq %reg, \ctx+CTX_...(%rip)` per register. */
.endm

.macro RESUME ctx
    /* TODO (exercise "ipc"): switch to the domain kept in \ctx and continue it.
     *   1. Load its page tables: CR3 <- \ctx+CTX_CR3 (through a register you may change,
     *      such as RDX: `mov` to CR3 takes a register).
     *   2. Load RSP, RCX (where it continues), R11 (its RFLAGS), RBX, RBP, R12-R15.
     *   3. The message: RDI holds it; the other side wants it in RAX too.
     *   4. Clear RDX, RSI, R8, R9, R10: nothing of one domain may leak into the other.
     *   5. `sysretq`: back to ring 3, at RCX, with RFLAGS from R11.
     * Until this is written, the call falls through to the code below it and the client
     * gets wrong replies. */
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
