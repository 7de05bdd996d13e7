/*
 * addrspace.c — one page-table tree per domain: the separation a microkernel pays for.
 *
 * In a library OS there is one address space and everything may touch everything. Here each
 * protection domain (a microkernel's servers and its application, ipc-bench's client and
 * server) gets its own tree of page tables, loaded into CR3 whenever the kernel switches to
 * it. Every tree maps the whole machine the same way *for the kernel* (supervisor-only
 * pages), so the kernel keeps running across a CR3 switch; what differs is which few pages
 * have the user bit U: the pages of that one domain, its code read-only, its data writable.
 *
 * So one domain that reads another's memory page-faults (try ipc-bench's option
 * `trespass`), even though the same bytes are right there in physical memory.
 *
 * Building a tree: copy the boot component's top three levels, and replace the one 2 MiB
 * page that holds the user pages by a table of 512 small (4 KiB) pages. The CPU checks U at
 * every level of the walk, so the entries on the way down get U as well; that grants nothing
 * by itself, because the last level decides.
 *
 * The price: loading CR3 empties the TLB (without PCIDs), so after every switch the first
 * accesses walk the page tables again. That is part of what the benchmark measures.
 */
#include <stdint.h>

#include "addrspace.h"
#include "arch/x86.h"
#include "config.h"
#include "libc.h"
#include "power.h"

#define PTE_PRESENT 0x001ull
#define PTE_WRITE   0x002ull
#define PTE_USER    0x004ull
#define PTE_ADDRESS 0x000ffffffffff000ull
#define HUGE_SIZE   0x200000ull
#define PAGE_SIZE   4096ull
#define ENTRIES     512
#define TREES       CONFIG_ADDRSPACE_X86_TREES

/* Four levels per domain: PML4, PDPT, page directory, and the small-page table. */
struct tree {
    uint64_t pml4[ENTRIES], pdpt[ENTRIES], pd[ENTRIES], pt[ENTRIES];
};
static struct tree trees[TREES] __attribute__((section(".pagetables"), aligned(4096)));

static uint64_t *next_level(uint64_t entry)
{
    return (uint64_t *)(entry & PTE_ADDRESS);
}

static uint64_t user_flags(uint64_t addr, const struct addrspace_range *r, int count)
{
    for (int i = 0; i < count; i++)
        if (addr >= r[i].start && addr < r[i].end)
            return PTE_USER | (r[i].writable ? PTE_WRITE : 0);
    return PTE_WRITE;                           /* the kernel's: supervisor-only */
}

uint64_t addrspace_build(int slot, const struct addrspace_range *ranges, int count)
{
    if (slot < 0 || slot >= TREES) {
        printf("addrspace-x86: tree %d asked for, but the option `trees` allows %d\n", slot,
               TREES);
        power_exit(POWER_PANIC);
    }
    struct tree *t = &trees[slot];
    uint64_t base = ranges[0].start & ~(HUGE_SIZE - 1);
    for (int i = 0; i < count; i++) {
        if ((ranges[i].start & ~(HUGE_SIZE - 1)) != base ||
            ((ranges[i].end - 1) & ~(HUGE_SIZE - 1)) != base) {
            printf("addrspace-x86: the user pages 0x%lx-0x%lx lie outside the 2 MiB page at "
                   "0x%lx; this small builder maps one\n", ranges[i].start, ranges[i].end, base);
            power_exit(POWER_PANIC);
        }
    }
    unsigned i4 = (base >> 39) & 511, i3 = (base >> 30) & 511, i2 = (base >> 21) & 511;

    /* The boot tables, level by level down to the directory that holds our 2 MiB page. */
    uint64_t *pml4 = next_level(read_cr3());
    uint64_t *pdpt = next_level(pml4[i4]);
    uint64_t *pd = next_level(pdpt[i3]);
    memcpy(t->pml4, pml4, sizeof t->pml4);
    memcpy(t->pdpt, pdpt, sizeof t->pdpt);
    memcpy(t->pd, pd, sizeof t->pd);

    for (uint64_t i = 0; i < ENTRIES; i++) {
        uint64_t addr = base + i * PAGE_SIZE;
        t->pt[i] = addr | PTE_PRESENT | user_flags(addr, ranges, count);
    }
    t->pd[i2] = (uint64_t)t->pt | PTE_PRESENT | PTE_WRITE | PTE_USER;
    t->pdpt[i3] = (uint64_t)t->pd | PTE_PRESENT | PTE_WRITE | PTE_USER;
    t->pml4[i4] = (uint64_t)t->pdpt | PTE_PRESENT | PTE_WRITE | PTE_USER;
    return (uint64_t)t->pml4;
}
