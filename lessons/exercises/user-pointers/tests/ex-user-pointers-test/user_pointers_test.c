/*
 * user_pointers_test.c — console_write() with buffers the application does not own.
 *
 * Built as a microkernel, this runs in ring 3 and its console_write is a message: the kernel
 * copies the buffer into the console server's message page. Whose bytes it copies is the
 * kernel's to check. The last case is a string, whose length the kernel finds itself.
 */
#include <stdint.h>

#include "console.h"
#include "telemetry.h"

static const char own[] = "ok";

int app_main(void)
{
    telemetry_write("ready app=ex-user-pointers-test");

    /* 1. Kernel memory: the boot component's code at 1 MiB + 0x18. */
    console_write("<", 1);
    console_write((const char *)0x100018, 16);
    console_write(">\n", 2);

    /* 2. Half ours, half not: 8 bytes below the first page of our own code. */
    uint64_t first_page = (uint64_t)(uintptr_t)&app_main & ~0xfffull;
    console_write("[", 1);
    console_write((const char *)(uintptr_t)(first_page - 8), 16);
    console_write("]\n", 2);

    /* 3. Starts in our memory, but a megabyte long: most of it is not ours. */
    console_write("{", 1);
    console_write(own, 1u << 20);
    console_write("}\n", 2);

    /* 4. Our own bytes: these must still arrive. */
    console_write("(", 1);
    console_write(own, 2);
    console_write(")\n", 2);

    /* 5. A string (telemetry_write takes one, without a length) far from anything mapped:
     * the kernel must refuse it before it reads a byte of it. Reading it first to find its
     * NUL faults inside the kernel, and the run ends in a panic before the closing '#'. */
    console_write("#", 1);
    telemetry_write((const char *)(uintptr_t)0x00007f0000000000ull);
    console_write("#\n", 2);
    return 0;
}
