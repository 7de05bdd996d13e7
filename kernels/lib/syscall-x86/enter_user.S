/*
 * enter_user.S — drop to ring 3, and come back when the process exits.
 *
 * There is no instruction "go to user mode". What the CPU does have is `iretq`, the return
 * from an interrupt: it pops RIP, CS, RFLAGS, RSP and SS, and if the CS it pops asks for
 * ring 3, the CPU continues in ring 3. So we build the frame an interrupt from user mode
 * would have left, and "return" into a program that was never interrupted.
 *
 * int enter_user_mode(uint64_t entry, uint64_t user_stack)      (RDI, RSI)
 *
 * looks like an ordinary function to its caller. It saves the callee-saved registers and
 * the stack pointer, so that leave_user_mode(status), called by the exit system call on the
 * kernel stack, can restore them and return `status` from enter_user_mode, exactly once.
 */
#include "syscall_x86.h"

#define RFLAGS_RESERVED 0x2         /* bit 1 is always set; IF stays 0, IOPL stays 0 */

    .section .text.enter_user_mode, "ax", @progbits
    .globl enter_user_mode
enter_user_mode:
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

/* _Noreturn void leave_user_mode(int status)   (EDI) — on the kernel stack, in ring 0 */
    .section .text.leave_user_mode, "ax", @progbits
    .globl leave_user_mode
leave_user_mode:
    movq kernel_resume_rsp(%rip), %rsp
    movl %edi, %eax
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret                             /* to enter_user_mode's caller, with status in EAX */

    .section .bss.kernel_resume_rsp, "aw", @nobits
    .balign 8
kernel_resume_rsp:
    .skip 8
