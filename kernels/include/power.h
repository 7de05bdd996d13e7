/*
 * power — ending the run with a status the host can see.
 *
 * The codes are the values written to QEMU's isa-debug-exit device; QEMU then exits with
 * status (code << 1) | 1, so success is 33, failure 35 and panic 37.
 */
#ifndef WB_POWER_H
#define WB_POWER_H

#define POWER_SUCCESS 0x10
#define POWER_FAILURE 0x11
#define POWER_PANIC 0x12

/* Stop the machine with the given code. Never returns. */
_Noreturn void power_exit(int code);

#endif
