/*
 * privileged.c — which ring am I in, and may I talk to the hardware?
 *
 * The processor decides what code may do by its current privilege level (CPL), which is the
 * low two bits of the CS register: 0 for the kernel, 3 for user programs. Instructions that
 * touch the machine as a whole (in/out, cli, hlt, loading page tables) need CPL 0, or for
 * in/out a CPL no higher than the IOPL field of RFLAGS, which is 0 here.
 */
#include <stdint.h>

#include "app.h"
#include "arch/x86.h"
#include "libc.h"
#include "telemetry.h"

/* Port 0x80 is the PC's "POST code" port: writing to it has no effect worth mentioning,
 * which makes it the traditional harmless target. */
#define HARMLESS_PORT 0x80

int app_main(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    unsigned ring = cs & 3;

    char record[48];
    snprintf(record, sizeof record, "ring app=privileged ring=%u", ring);
    telemetry_write(record);
    telemetry_write("ready app=privileged");

    printf("privileged: running in ring %u (cs 0x%x); trying outb to port 0x%x\n", ring, cs,
           HARMLESS_PORT);
    outb(HARMLESS_PORT, 0);
    printf("privileged: the CPU allowed it: ring %u may use I/O instructions\n", ring);
    return 0;
}
