/*
 * paging.S — identity-map the low 4 GiB with 2 MiB pages, in 32-bit code.
 *
 * 64-bit mode cannot run without paging, so before the switch we build page tables in which
 * every virtual address below 4 GiB maps to the same physical address ("identity map"). Then
 * turning paging on changes nothing about where code and data are, and device windows near
 * the top of the first 4 GiB (the LAPIC at 0xfee00000, virtio-mmio at 0xfeb00000) are
 * reachable. Everything above 4 GiB stays unmapped, so a wild pointer there page-faults.
 *
 * Four levels: PML4 -> PDPT -> page directory -> page. With the PS ("page size") bit set in
 * a page-directory entry, that entry maps a whole 2 MiB page and the fourth level is skipped:
 * 1 PML4 + 1 PDPT + 4 page directories = 24 KiB of tables for 4 GiB. (1 GiB pages would need
 * even less, but QEMU's default CPU model does not offer them.)
 *
 * The tables live in `.pagetables`, which is not loaded from the file: we cannot rely on it
 * holding zeros, so we write every entry the CPU can reach.
 */
#define PTE_PRESENT 0x001
#define PTE_WRITE   0x002
#define PTE_PWT     0x008       /* write-through ... */
#define PTE_PCD     0x010       /* ... and cache-disable: right for device registers */
#define PTE_HUGE    0x080       /* PS: this entry maps a 2 MiB page */

#define PAGE_SIZE   4096
#define HUGE_SIZE   0x200000

    .section .pagetables, "aw", @nobits
    .balign PAGE_SIZE
    .globl boot_pml4
boot_pml4:  .skip PAGE_SIZE     /* level 4: entry 0 covers the first 512 GiB */
boot_pdpt:  .skip PAGE_SIZE     /* level 3: entries 0..3 cover one GiB each */
boot_pd:    .skip 4 * PAGE_SIZE /* level 2: 4 x 512 entries of 2 MiB */

    .code32
    .section .text.pvh_build_page_tables, "ax", @progbits
    .globl pvh_build_page_tables
pvh_build_page_tables:
    /* Clear the PML4 and the PDPT: only their first entries are used, the rest must be
     * "not present". The page directories are filled completely below. */
    movl $boot_pml4, %edi
    xorl %eax, %eax
    movl $(2 * PAGE_SIZE / 4), %ecx
    rep stosl

    /* PML4[0] -> PDPT. The upper half of each 8-byte entry stays 0 (cleared above). */
    movl $boot_pdpt, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl %eax, boot_pml4

    /* PDPT[0..3] -> the four page directories, which lie one after the other. */
    movl $boot_pdpt, %edi
    movl $boot_pd, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl $4, %ecx
1:  movl %eax, (%edi)
    addl $PAGE_SIZE, %eax
    addl $8, %edi
    loop 1b

    /* 2048 entries: entry i maps the 2 MiB page at physical address i * 2 MiB. */
    movl $boot_pd, %edi
    movl $(PTE_PRESENT | PTE_WRITE | PTE_HUGE), %eax
    movl $2048, %ecx
2:  movl %eax, (%edi)
    movl $0, 4(%edi)            /* upper half: addresses below 4 GiB fit in 32 bits */
    addl $HUGE_SIZE, %eax
    addl $8, %edi
    loop 2b

    /* The last GiB (3..4 GiB) holds device windows, not RAM: mark it uncached so writes to
     * device registers reach the device at once. (QEMU does not model caches; real
     * hardware and KVM do.) */
    movl $(boot_pd + 3 * PAGE_SIZE), %edi
    movl $512, %ecx
3:  orl $(PTE_PWT | PTE_PCD), (%edi)
    addl $8, %edi
    loop 3b
    ret
