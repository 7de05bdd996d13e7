/*
 * user_pages.c — which pages the application may touch.
 *
 * The boot component mapped the low 4 GiB with 2 MiB pages, all of them kernel-only (the
 * "user" bit U is clear). A 2 MiB page is too coarse to separate the application from the
 * kernel: both live in the first few MiB of the image. So the 2 MiB pages that hold the
 * image are replaced by page tables of 512 small (4 KiB) pages each, mapping the same
 * addresses, and the user bit is set only on the pages of the user domain, which the linker
 * script starts on a page boundary:
 *
 *   __user_start .. __user_rodata_start   application code         user, read-only
 *   __user_rodata_start .. __user_data_start  its constants        user, read-only
 *   __user_data_start .. __user_end      data, bss, user stack,
 *                                        the heap it is lent       user, writable
 *
 * Every other page keeps U clear: ring 3 code that touches it page-faults. The CPU checks U
 * at every level of the walk, so the upper-level entries on the way to the user pages must
 * have U set too; that grants nothing by itself, because the last level decides.
 *
 * Kernel pages stay writable, as in the library OS (that is what the boot tables did).
 * The kernel can still read and write user pages: no SMAP/SMEP is switched on. A real kernel
 * turns both on and opens user memory only inside copy_from_user()/copy_to_user().
 */
#include <stdint.h>

#include "arch/x86.h"
#include "libc.h"
#include "power.h"
#include "syscall_x86.h"

#define PTE_PRESENT 0x001
#define PTE_WRITE   0x002
#define PTE_USER    0x004
#define PTE_ADDRESS 0x000ffffffffff000ull
#define PAGE_SIZE   4096ull
#define HUGE_SIZE   0x200000ull
#define ENTRIES     512

/* Enough small-page tables for the first 8 MiB: the build checks the user domain ends below. */
#define SMALL_TABLES 4

static uint64_t small_tables[SMALL_TABLES][ENTRIES]
    __attribute__((section(".pagetables"), aligned(4096)));

static uint64_t flags_for(uint64_t addr)
{
    uint64_t user_start = (uint64_t)__user_start;
    uint64_t user_data = (uint64_t)__user_data_start;
    uint64_t user_end = (uint64_t)__user_end;

    if (addr >= user_start && addr < user_data)
        return PTE_PRESENT | PTE_USER;                  /* user code and constants */
    if (addr >= user_data && addr < user_end)
        return PTE_PRESENT | PTE_USER | PTE_WRITE;      /* user data, stack, heap */
    return PTE_PRESENT | PTE_WRITE;                     /* the kernel's, as before */
}

void user_pages_init(void)
{
    /* Walk from CR3 to the page directory of the first GiB: PML4[0] -> PDPT[0] -> PD. */
    uint64_t *pml4 = (uint64_t *)(read_cr3() & PTE_ADDRESS);
    uint64_t *pdpt = (uint64_t *)(pml4[0] & PTE_ADDRESS);
    uint64_t *pd = (uint64_t *)(pdpt[0] & PTE_ADDRESS);

    uint64_t end = (uint64_t)__user_end;
    uint64_t huge_pages = (end + HUGE_SIZE - 1) / HUGE_SIZE;
    if (huge_pages > SMALL_TABLES) {
        printf("syscall-x86: the user domain ends at 0x%lx, beyond the %llu MiB this "
               "component can map with small pages\n", end, SMALL_TABLES * HUGE_SIZE >> 20);
        power_exit(POWER_PANIC);
    }

    for (uint64_t t = 0; t < huge_pages; t++) {
        for (uint64_t i = 0; i < ENTRIES; i++) {
            uint64_t addr = t * HUGE_SIZE + i * PAGE_SIZE;
            small_tables[t][i] = addr | flags_for(addr);
        }
        /* The 2 MiB entry becomes a pointer to the table of its 512 small pages. */
        pd[t] = (uint64_t)small_tables[t] | PTE_PRESENT | PTE_WRITE | PTE_USER;
    }
    pdpt[0] |= PTE_USER;
    pml4[0] |= PTE_USER;

    /* Reloading CR3 empties the TLB, which may still hold the old 2 MiB translations. */
    write_cr3(read_cr3());
}
