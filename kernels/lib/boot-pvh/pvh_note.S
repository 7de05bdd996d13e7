/*
 * pvh_note.S — the ELF note that makes this file bootable with `qemu -kernel`.
 *
 * QEMU's multiboot loader refuses 64-bit ELF files, and our image is a 64-bit ELF. But QEMU
 * also implements PVH: when an ELF file carries a note of type XEN_ELFNOTE_PHYS32_ENTRY in
 * the name space "Xen", QEMU loads its segments and starts the CPU at the address in that
 * note, in 32-bit protected mode. That address is pvh_entry32 (entry32.S).
 *
 * An ELF note is: name size, descriptor size, type, the name (padded to 4 bytes), the
 * descriptor (padded to 4 bytes). The descriptor is 8 bytes because QEMU reads a pointer-sized
 * value from a 64-bit ELF file. The section must stay 4-byte aligned: QEMU finds the
 * descriptor by rounding the name size up to the note segment's alignment.
 */
#include "pvh.h"

    .section .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f                       /* name size, terminating NUL included */
    .long 4f - 3f                       /* descriptor size */
    .long XEN_ELFNOTE_PHYS32_ENTRY      /* type */
1:  .asciz "Xen"
2:  .balign 4
3:  .quad pvh_entry32                   /* physical address of the 32-bit entry */
4:  .balign 4
