/*
 * isa_exit.c — end the run through QEMU's isa-debug-exit device.
 *
 * A real PC powers off through ACPI, which needs tables to parse and says nothing about
 * success or failure. QEMU offers a simpler device for tests: writing a value v to its port
 * (0xf4, `-device isa-debug-exit,iobase=0xf4,iosize=4`) makes the QEMU process exit at once
 * with status (v << 1) | 1. That is how the host learns whether the guest succeeded.
 */
#include "arch/x86.h"
#include "power.h"

#define ISA_DEBUG_EXIT_PORT 0xf4

_Noreturn void power_exit(int code)
{
    outb(ISA_DEBUG_EXIT_PORT, (uint8_t)code);

    /* Still running: the device is missing (e.g. QEMU started by hand without it). Stop the
     * CPU for good; with interrupts off, nothing wakes it. */
    for (;;) {
        cli();
        hlt();
    }
}
