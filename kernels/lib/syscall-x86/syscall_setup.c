/*
 * syscall_setup.c — teach the CPU how to enter the kernel from user mode.
 *
 * Two ways lead from ring 3 to ring 0, and both need to know where the kernel's stack is:
 *
 * - the `syscall` instruction (a system call). It is off until EFER.SCE is set. It loads
 *   RIP from the MSR LSTAR, the kernel's CS and SS from STAR, clears the RFLAGS bits named
 *   in SFMASK, and saves the user's RIP in RCX and RFLAGS in R11. It does *not* switch
 *   stacks: the entry code does that (syscall_entry.S).
 * - an exception or interrupt (a page fault, a #GP from a privileged instruction). The CPU
 *   switches to the stack whose address is in the TSS's `rsp0`, then runs the IDT's handler.
 *
 * The TSS belongs to the cpu component; we find it the way the CPU does: the task register
 * holds its selector, the selector indexes the GDT, the descriptor holds its base address.
 */
#include <stdint.h>

#include "arch/x86.h"
#include "syscall_x86.h"

#define MSR_EFER   0xc0000080
#define MSR_STAR   0xc0000081
#define MSR_LSTAR  0xc0000082
#define MSR_SFMASK 0xc0000084
#define EFER_SCE   (1ull << 0)      /* System Call Extensions: syscall/sysret allowed */

/* RFLAGS bits cleared on entry: trap (single-step), interrupts, direction, alignment check.
 * The kernel must not start with a user's choice of any of them. */
#define SFMASK_BITS ((1ull << 8) | (1ull << 9) | (1ull << 10) | (1ull << 18))

/* In the 64-bit TSS, rsp0 is the 8 bytes after a 4-byte reserved field. */
#define TSS_RSP0_OFFSET 4

extern void syscall_entry(void);

static uint8_t *find_tss(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr;
    uint16_t selector;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("str %0" : "=r"(selector));

    /* A TSS descriptor is 16 bytes; its base address is spread over four fields. */
    const uint64_t *d = (const uint64_t *)(gdtr.base + (selector & ~7u));
    uint64_t base = ((d[0] >> 16) & 0xffffff) | (((d[0] >> 56) & 0xff) << 24) | (d[1] << 32);
    return (uint8_t *)base;
}

void syscall_setup(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

    /* STAR bits 32..47: syscall loads CS = this, SS = this + 8 (kernel code, kernel data).
     * Bits 48..63: sysretq loads SS = this + 8 and CS = this + 16, with ring 3 in the low
     * bits: 0x10 gives user data 0x18 and user code 0x20, the order of cpu-x86's GDT. */
    wrmsr(MSR_STAR, ((uint64_t)0x10 << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_SFMASK, SFMASK_BITS);

    /* Exceptions in ring 3 switch to the same kernel stack as system calls. There is one
     * process and no nesting (interrupts stay off), so one stack is enough. */
    uint8_t *tss = find_tss();
    uint64_t top = (uint64_t)kernel_stack_top;
    for (int i = 0; i < 8; i++)     /* byte by byte: the field is not 8-byte aligned */
        tss[TSS_RSP0_OFFSET + i] = (uint8_t)(top >> (8 * i));
}
