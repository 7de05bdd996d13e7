/*
 * mk_entry.S — the two ways control moves between the kernel and the domains.
 *
 * 1. mk_syscall_entry: `syscall` from any domain (MSR LSTAR) lands here in ring 0, with
 *    RAX = number, RDI RSI RDX R10 R8 R9 = arguments, RCX/R11 = where to return.
 *    - MK_SYS_REPLY_WAIT (a server has answered): save the server where it stands and go
 *      back into the kernel that sent it the request — a `ret` from mk_upcall, below.
 *    - anything else: a request. Switch to the kernel stack, lay the registers out as a
 *      struct mk_msg, and let C (mk_call.c) check, copy and forward it; then `sysretq`.
 *
 * 2. mk_upcall(domain, msg): the kernel runs a domain until it replies. It saves its own
 *    registers in a frame on its stack, switches CR3 to the domain's tree, loads the domain's
 *    saved registers and the message, and `sysretq`s into it. The domain's next
 *    SYS_REPLY_WAIT returns from mk_upcall with the reply, in the caller's address space.
 *
 * Requests nest: the application asks the clock server, which asks the console server for a
 * printf. Each mk_upcall frame remembers the one before it (mk_resume_rsp), and system calls
 * made meanwhile start their kernel stack below the newest frame (mk_kernel_sp), so nothing
 * is overwritten. Interrupts stay off throughout, so no other code runs in between.
 */
#include "config.h"
#include "mk.h"

    .section .text.mk_syscall_entry, "ax", @progbits
    .globl mk_syscall_entry
mk_syscall_entry:
    cmpq $MK_SYS_REPLY_WAIT, %rax
    je mk_reply

    /* A request. The user stack cannot be trusted: switch to the kernel's first. */
    movq %rsp, mk_user_rsp(%rip)
    movq mk_kernel_sp(%rip), %rsp
    pushq mk_user_rsp(%rip)
    pushq %rcx                      /* where to return in user mode */
    pushq %r11                      /* the user's RFLAGS */
    pushq %r9                       /* struct mk_msg, from its last field down: */
    pushq %r8
    pushq %r10
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rax                      /* fn = the system-call number */
    movq %rsp, %rdi
    call mk_syscall                 /* result in RAX */
    /* The caller's stub told its compiler that only RAX, RCX and R11 change. */
    movq 8(%rsp), %rdi
    movq 16(%rsp), %rsi
    movq 24(%rsp), %rdx
    movq 32(%rsp), %r10
    movq 40(%rsp), %r8
    movq 48(%rsp), %r9
    addq $56, %rsp
    popq %r11
    popq %rcx
    popq %rsp                       /* the user's stack again */
    sysretq

/* A server replies (RDI = the reply) and waits: keep it exactly here, resume the kernel. */
mk_reply:
    cmpq $0, mk_resume_rsp(%rip)
    jne 1f
    movq $-1, %rax                  /* nobody is waiting for a reply: the application at top */
    sysretq                         /* level tried it. Refuse, as for an unknown number. */
1:  movq mk_current(%rip), %rax
    imulq $CTX_SIZE, %rax
    leaq mk_ctx(%rip), %rdx
    addq %rdx, %rax                 /* RAX = &mk_ctx[mk_current] */
    movq %rsp, CTX_RSP(%rax)
    movq %rcx, CTX_RIP(%rax)        /* the next request resumes it after its `syscall` */
    movq %r11, CTX_RFLAGS(%rax)
    movq %rbx, CTX_RBX(%rax)
    movq %rbp, CTX_RBP(%rax)
    movq %r12, CTX_R12(%rax)
    movq %r13, CTX_R13(%rax)
    movq %r14, CTX_R14(%rax)
    movq %r15, CTX_R15(%rax)
    movq %rdi, %rcx                 /* the reply */

    movq mk_resume_rsp(%rip), %rsp  /* the newest mk_upcall frame */
    addq $8, %rsp                   /* (alignment padding) */
    popq %rdx
    movq %rdx, %cr3                 /* the caller's address space again */
    popq mk_resume_rsp(%rip)
    popq mk_kernel_sp(%rip)
    popq mk_current(%rip)
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    movq %rcx, %rax
    ret                             /* from mk_upcall, with the reply */

/* uint64_t mk_upcall(int64_t domain, const struct mk_msg *m)     (RDI, RSI) */
    .section .text.mk_upcall, "ax", @progbits
    .globl mk_upcall
mk_upcall:
    pushq %rbx                      /* the frame mk_reply unwinds, field by field */
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq mk_current(%rip)
    pushq mk_kernel_sp(%rip)
    pushq mk_resume_rsp(%rip)
    movq %cr3, %rax
    pushq %rax
    subq $8, %rsp                   /* keep RSP 16-byte aligned for nested system calls */
    movq %rsp, mk_resume_rsp(%rip)
    movq %rsp, mk_kernel_sp(%rip)   /* nested requests build their stack below this frame */

    movq %rdi, mk_current(%rip)
    imulq $CTX_SIZE, %rdi, %r11
    leaq mk_ctx(%rip), %rax
    addq %rax, %r11                 /* R11 = &mk_ctx[domain] */
    movq CTX_CR3(%r11), %rax
    movq %rax, %cr3                 /* the domain's page tables; the kernel is in all of them */
    movq CTX_RBX(%r11), %rbx
    movq CTX_RBP(%r11), %rbp
    movq CTX_R12(%r11), %r12
    movq CTX_R13(%r11), %r13
    movq CTX_R14(%r11), %r14
    movq CTX_R15(%r11), %r15
    movq CTX_RIP(%r11), %rcx
    movq CTX_RSP(%r11), %rsp        /* the domain's own stack: not touched here */
    movq %rsi, %rax                 /* the message, into the registers of the convention */
    movq 8(%rax), %rdi
    movq 16(%rax), %rsi
    movq 24(%rax), %rdx
    movq 32(%rax), %r10
    movq 40(%rax), %r8
    movq 48(%rax), %r9
    movq 0(%rax), %rax
    movq CTX_RFLAGS(%r11), %r11     /* last: R11 held the context's address */
    sysretq

    .section .bss.mk_state, "aw", @nobits
    .balign 8
    .globl mk_current, mk_kernel_sp
mk_current:     .skip 8
mk_kernel_sp:   .skip 8
mk_resume_rsp:  .skip 8
mk_user_rsp:    .skip 8

/* The kernel stack for requests from the domains (and the TSS's rsp0). */
    .section .stack, "aw", @nobits
    .balign 16
    .skip CONFIG_MICROKERNEL_X86_KERNEL_STACK_KIB * 1024
    .globl mk_stack_top
mk_stack_top:
