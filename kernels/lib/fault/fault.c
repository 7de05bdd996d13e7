/*
 * fault.c — an application that crashes on purpose, to show the panic report.
 *
 * The option `kind` chooses the mistake. The default writes to 0x7f0000001000: the boot
 * page tables map only the low 4 GiB, so the CPU raises a page fault (vector 14) and puts
 * the address in CR2, and the cpu component's handler prints it. In a unikernel there is no
 * kernel underneath to survive the application's bug: one address space, one fate.
 */
#include <stdint.h>

#include "app.h"
#include "config.h"
#include "libc.h"
#include "telemetry.h"

#define UNMAPPED_ADDRESS 0x7f0000001000ull

int app_main(void)
{
    telemetry_write("ready app=fault");

#if defined(CONFIG_FAULT_KIND_DIVIDE_ERROR)
    printf("fault: dividing by zero\n");
    /* In assembly, because in C a division by zero is undefined and may be optimised away. */
    __asm__ volatile("xorl %%ecx, %%ecx\n\t"
                     "divl %%ecx" : : : "eax", "ecx", "edx");
#elif defined(CONFIG_FAULT_KIND_INVALID_OPCODE)
    printf("fault: executing an undefined instruction (ud2)\n");
    __asm__ volatile("ud2");
#elif defined(CONFIG_FAULT_KIND_BREAKPOINT)
    printf("fault: executing a breakpoint (int3)\n");
    __asm__ volatile("int3");
#else
    printf("fault: writing to 0x%lx, an address no page table maps\n",
           (unsigned long)UNMAPPED_ADDRESS);
    /* volatile: the compiler must really perform this store. */
    *(volatile uint64_t *)UNMAPPED_ADDRESS = 0x1234;
#endif

    printf("fault: still running, which should not happen\n");
    return 1;
}
