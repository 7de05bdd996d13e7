/*
 * boot — the entry point of the image and what it learned from the loader.
 *
 * The boot component is the first code that runs: it switches the CPU to 64-bit mode, then
 * calls cpu_init(), console_init(), telemetry_init(), emits `phase name=boot`, calls the
 * application's app_main() and hands its result to power_exit(). It is the root of every
 * image: resolution starts here and at the application.
 */
#ifndef WB_BOOT_H
#define WB_BOOT_H

#include <stdint.h>

/* Bytes of usable RAM reported by the loader (0 when the loader gave no memory map). */
uint64_t boot_memory_bytes(void);

#endif
