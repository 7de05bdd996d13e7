/*
 * start_info.c — read the loader's description of the machine.
 *
 * The PVH loader passes a struct hvm_start_info (see pvh.h). Its memory map lists physical
 * address ranges and their type, like the PC BIOS's E820 map. We add up the RAM ranges once,
 * early, and keep the result: the structure lives in memory the loader owned, which later
 * code is free to reuse.
 */
#include <stdint.h>

#include "boot.h"
#include "pvh.h"

static uint64_t ram_bytes;

void pvh_read_start_info(const struct hvm_start_info *info)
{
    /* Another loader (or none) may have entered us: trust only a structure with the magic. */
    if (info == 0 || info->magic != HVM_START_MAGIC)
        return;
    if (info->version < 1 || info->memmap_paddr == 0)
        return;

    /* The map's address is physical; the low 4 GiB are identity-mapped (paging.S). */
    const struct hvm_memmap_entry *map =
        (const struct hvm_memmap_entry *)(uintptr_t)info->memmap_paddr;
    for (uint32_t i = 0; i < info->memmap_entries; i++) {
        if (map[i].type == HVM_MEMMAP_TYPE_RAM)
            ram_bytes += map[i].size;
    }
}

uint64_t boot_memory_bytes(void)
{
    return ram_bytes;
}
