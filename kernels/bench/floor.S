/*
 * floor.S - the smallest kernel QEMU can boot: it exits the moment it starts.
 *
 * Booting it measures the cost nobody's kernel can avoid: QEMU starting, setting up the
 * machine, loading the ELF and jumping to it. The boot benchmark subtracts nothing and
 * compares: (time until a real image is ready) / (time for this one to exit). Everything above
 * 1.0 is the image's own boot work.
 *
 * There is no stack, no long mode, no console: QEMU's PVH loader enters in 32-bit protected
 * mode with paging off, which is enough to execute one OUT instruction.
 */

/*
 * The PVH ELF note tells QEMU "this ELF can be entered directly at this 32-bit address".
 * Without it QEMU's -kernel refuses a 64-bit ELF. Layout: name size, descriptor size, type
 * (18 = XEN_ELFNOTE_PHYS32_ENTRY), the name "Xen" padded to 4 bytes, then the entry address.
 */
        .section .note.Xen, "a"
        .p2align 2
        .long 4                 /* strlen("Xen") + 1 */
        .long 4                 /* a 32-bit address follows */
        .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
        .asciz "Xen"
        .long _start

        .section .text.floor, "ax"
        .code32
        .globl _start
_start:
        /* isa-debug-exit on port 0xf4: QEMU exits with (0x10 << 1) | 1 = 33, "success". */
        mov $0x10, %al
        out %al, $0xf4
        /* Not reached; if the exit device were missing, wait here instead of running off. */
1:      hlt
        jmp 1b
