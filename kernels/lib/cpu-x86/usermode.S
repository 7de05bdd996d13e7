/*
 * usermode.S — drop to ring 3, and come back when the user code is done.
 *
 * There is no instruction "go to user mode". What the CPU does have is `iretq`, the return
 * from an interrupt: it pops RIP, CS, RFLAGS, RSP and SS, and if the CS it pops asks for
 * ring 3, the CPU continues in ring 3. So we build the frame an interrupt from user mode
 * would have left, and "return" into a program that was never interrupted.
 *
 * int cpu_enter_user(uint64_t entry, uint64_t user_stack)      (RDI, RSI)
 *
 * looks like an ordinary function to its caller. It saves the callee-saved registers and
 * the stack pointer, so that cpu_leave_user(status), called by the kernel on any of its
 * stacks (typically in the system call that says "I am done"), can restore them and return
 * `status` from cpu_enter_user, exactly once.
 */
#include "x86_tables.h"

#define RFLAGS_RESERVED 0x2         /* bit 1 is always set; IF stays 0, IOPL stays 0 */

    .section .text.cpu_enter_user, "ax", @progbits
    .globl cpu_enter_user
cpu_enter_user:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, kernel_resume_rsp(%rip)

    /* The interrupt frame, pushed in reverse: SS, RSP, RFLAGS, CS, RIP. IOPL 0 in RFLAGS is
     * what makes in/out/cli/hlt privileged: in ring 3 they raise a general-protection fault. */
    pushq $USER_DS
    pushq %rsi
    pushq $RFLAGS_RESERVED
    pushq $USER_CS
    pushq %rdi
    /* Nothing of the kernel should leak into user registers. */
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    iretq

/* _Noreturn void cpu_leave_user(int status)   (EDI) — in ring 0, on any kernel stack */
    .section .text.cpu_leave_user, "ax", @progbits
    .globl cpu_leave_user
cpu_leave_user:
    movq kernel_resume_rsp(%rip), %rsp
    movl %edi, %eax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret                             /* to cpu_enter_user's caller, with status in EAX */

    .section .bss.kernel_resume_rsp, "aw", @nobits
    .balign 8
kernel_resume_rsp:
    .skip 8
