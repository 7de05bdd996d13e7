/*
 * pvh.h — what the PVH boot protocol hands us, and the names shared by the boot files.
 *
 * PVH is Xen's boot protocol, which QEMU also speaks: the loader puts our ELF segments in
 * memory, enters our 32-bit entry point in protected mode with paging off, and leaves in EBX
 * the physical address of a `struct hvm_start_info` describing memory and the command line.
 * Included by both C and assembly files, hence the __ASSEMBLER__ guard.
 */
#ifndef BOOT_PVH_H
#define BOOT_PVH_H

/* ELF note type that names the 32-bit PVH entry point (Xen's elfnote.h). */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* Segment selectors of the boot GDT (gdt64.S): byte offsets of the descriptors. */
#define BOOT_CS 0x08
#define BOOT_DS 0x10

#ifndef __ASSEMBLER__
#include <stdint.h>

#define HVM_START_MAGIC 0x336ec578u /* "xEn3" with the top bit cleared */
#define HVM_MEMMAP_TYPE_RAM 1        /* same numbering as the PC's E820 map */

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;        /* 1 and above have the memory map fields */
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;   /* array of struct hvm_memmap_entry */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

/* start_info.c: remember what the loader told us before anything can overwrite it. */
void pvh_read_start_info(const struct hvm_start_info *info);

/* boot_main.c: the first C function, called from entry64.S. */
_Noreturn void boot_main(const struct hvm_start_info *info);
#endif

#endif
