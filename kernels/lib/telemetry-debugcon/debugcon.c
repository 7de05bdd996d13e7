/*
 * debugcon.c — telemetry records on QEMU's debug console, I/O port 0xe9.
 *
 * The debug console is the simplest output device there is: every byte written to port 0xe9
 * appears in a file or pipe on the host (`-debugcon file:tel.txt`). No setup, no status to
 * poll. Keeping records here, apart from the serial console, means the workbench never has
 * to separate its data from what the application prints.
 *
 * The option `enabled` shows compile-time specialisation: it becomes the constant
 * CONFIG_TELEMETRY_DEBUGCON_ENABLED, and when it is 0 the compiler sees `if (0)` and removes
 * the loop and the port writes entirely; telemetry_write shrinks to a bare `ret`.
 */
#include <stdint.h>

#include "arch/x86.h"
#include "config.h"
#include "telemetry.h"

#define DEBUGCON_PORT 0xe9

void telemetry_init(void)
{
    /* Nothing to prepare: the port works from power-on. */
}

void telemetry_write(const char *record)
{
    if (!CONFIG_TELEMETRY_DEBUGCON_ENABLED)
        return;
    for (const char *p = record; *p != '\0'; p++)
        outb(DEBUGCON_PORT, (uint8_t)*p);
    outb(DEBUGCON_PORT, '\n');
}
