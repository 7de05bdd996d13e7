/*
 * vectors.S — entry stubs for the 32 CPU exceptions.
 *
 * On an exception the CPU pushes SS, RSP, RFLAGS, CS and RIP, and for some vectors an error
 * code, then jumps to the gate's address. C cannot describe that entry, so each vector gets
 * a few instructions here that make every frame look the same:
 *   - vectors without an error code push a 0 in its place;
 *   - every stub pushes its vector number;
 * and jump to exception_common, which saves the general registers and calls C.
 */

    .section .text.cpu_exception_stubs, "ax", @progbits

/* For vectors where the CPU pushes no error code. */
.macro STUB_NO_ERROR vector
exc_stub_\vector:
    pushq $0
    pushq $\vector
    jmp exception_common
.endm

/* For vectors where the CPU already pushed an error code: 8, 10-14, 17, 21, 29, 30. */
.macro STUB_ERROR vector
exc_stub_\vector:
    pushq $\vector
    jmp exception_common
.endm

STUB_NO_ERROR 0
STUB_NO_ERROR 1
STUB_NO_ERROR 2
STUB_NO_ERROR 3
STUB_NO_ERROR 4
STUB_NO_ERROR 5
STUB_NO_ERROR 6
STUB_NO_ERROR 7
STUB_ERROR    8
STUB_NO_ERROR 9
STUB_ERROR    10
STUB_ERROR    11
STUB_ERROR    12
STUB_ERROR    13
STUB_ERROR    14
STUB_NO_ERROR 15
STUB_NO_ERROR 16
STUB_ERROR    17
STUB_NO_ERROR 18
STUB_NO_ERROR 19
STUB_NO_ERROR 20
STUB_ERROR    21
STUB_NO_ERROR 22
STUB_NO_ERROR 23
STUB_NO_ERROR 24
STUB_NO_ERROR 25
STUB_NO_ERROR 26
STUB_NO_ERROR 27
STUB_NO_ERROR 28
STUB_ERROR    29
STUB_ERROR    30
STUB_NO_ERROR 31

/*
 * Save the general registers in the order of struct trap_frame (x86_tables.h) and pass
 * their address to cpu_exception(). The stack is 16-byte aligned here, as the C ABI wants
 * before a call: the CPU aligned it before pushing its 5 words; with error code, vector and
 * 15 registers that is 22 words = 176 bytes, a multiple of 16.
 */
exception_common:
    pushq %rax
    pushq %rcx
    pushq %rdx
    pushq %rbx
    pushq %rbp
    pushq %rsi
    pushq %rdi
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld                         /* the C ABI assumes the direction flag is clear */
    call cpu_exception          /* reports and ends the run: it never returns */
1:  hlt
    jmp 1b

/* The table idt.c reads to fill in the gates. */
    .section .rodata.cpu_exception_stubs, "a", @progbits
    .balign 8
    .globl exception_stubs
exception_stubs:
    .quad exc_stub_0,  exc_stub_1,  exc_stub_2,  exc_stub_3
    .quad exc_stub_4,  exc_stub_5,  exc_stub_6,  exc_stub_7
    .quad exc_stub_8,  exc_stub_9,  exc_stub_10, exc_stub_11
    .quad exc_stub_12, exc_stub_13, exc_stub_14, exc_stub_15
    .quad exc_stub_16, exc_stub_17, exc_stub_18, exc_stub_19
    .quad exc_stub_20, exc_stub_21, exc_stub_22, exc_stub_23
    .quad exc_stub_24, exc_stub_25, exc_stub_26, exc_stub_27
    .quad exc_stub_28, exc_stub_29, exc_stub_30, exc_stub_31
