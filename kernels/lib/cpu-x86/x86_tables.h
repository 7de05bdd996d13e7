/*
 * x86_tables.h — what the files of the cpu component share.
 */
#ifndef CPU_X86_TABLES_H
#define CPU_X86_TABLES_H

/* Segment selectors: byte offset of the descriptor in the GDT, plus the ring in the low bits.
 * The order kernel code, kernel data, user data, user code is the one the syscall/sysret
 * instructions expect, should a layout with user mode need it. */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS   (0x18 | 3)
#define USER_CS   (0x20 | 3)
#define TSS_SEL   0x28

/* Interrupt-stack-table slot used for the double fault (see gdt.c). */
#define IST_DOUBLE_FAULT 1

#ifndef __ASSEMBLER__       /* the rest is C; usermode.S needs only the selectors above */
#include <stdint.h>

/*
 * The registers of the interrupted code, as laid out on the stack by the CPU and by
 * vectors.S. The lowest address (pushed last) comes first.
 */
struct trap_frame {
    /* pushed by exception_common in vectors.S */
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
    /* pushed by the stub for this vector */
    uint64_t vector;
    uint64_t error;     /* by the CPU for some vectors, a 0 pushed by the stub for the others */
    /* pushed by the CPU on every exception in 64-bit mode */
    uint64_t rip, cs, rflags, rsp, ss;
};

void gdt_init(void);
void idt_init(void);

/* vectors.S: the address of the entry stub of each of the 32 exception vectors. */
extern const uint64_t exception_stubs[32];

/* exception.c: called by every stub, with a pointer to the saved registers. */
_Noreturn void cpu_exception(struct trap_frame *frame);

#endif /* __ASSEMBLER__ */

#endif
