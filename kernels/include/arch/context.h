/*
 * arch/context.h — a ring-3 domain that is not running, as a kernel keeps it.
 *
 * Not an interface either: the layout both microkernels share (microkernel-x86 and the one
 * inside ipc-bench) for saving one domain and resuming another. What must be kept is small:
 *
 *   - where it stopped: RSP, and RIP and RFLAGS (which `syscall` left in RCX and R11);
 *   - the registers the C calling convention says a called function must not change (RBX,
 *     RBP, R12-R15): the domain's compiled code counts on finding them as it left them;
 *   - its address space: the value of CR3 that selects its page tables.
 *
 * Every other register is either the message or free to change across a system call.
 * The assembly that saves and loads a context uses the CTX_* byte offsets; a static check
 * below keeps them and the C struct in step.
 */
#ifndef WB_ARCH_CONTEXT_H
#define WB_ARCH_CONTEXT_H

#define CTX_RSP    0
#define CTX_RIP    8
#define CTX_RFLAGS 16
#define CTX_RBX    24
#define CTX_RBP    32
#define CTX_R12    40
#define CTX_R13    48
#define CTX_R14    56
#define CTX_R15    64
#define CTX_CR3    72
#define CTX_SIZE   80

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct context {
    uint64_t rsp, rip, rflags;
    uint64_t rbx, rbp, r12, r13, r14, r15;
    uint64_t cr3;
};
_Static_assert(sizeof(struct context) == CTX_SIZE, "CTX_* must match struct context");
_Static_assert(offsetof(struct context, rbx) == CTX_RBX, "CTX_* must match struct context");
_Static_assert(offsetof(struct context, cr3) == CTX_CR3, "CTX_* must match struct context");
#endif

#endif
