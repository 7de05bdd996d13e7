/*
 * boot_main.c — the whole life of the unikernel, in order.
 *
 * Called from entry64.S on the boot stack, in 64-bit mode, with interrupts off. From here on
 * everything is an ordinary C function call: the "operating system" is just the libraries
 * linked into this image, and the application is one more function.
 */
#include "app.h"
#include "console.h"
#include "cpu.h"
#include "power.h"
#include "pvh.h"
#include "telemetry.h"

_Noreturn void boot_main(const struct hvm_start_info *info)
{
    /* First, before anything can overwrite the loader's data. */
    pvh_read_start_info(info);

    /* Exception handlers before anything else can fault, so a bug is reported, not a reset. */
    cpu_init();
    console_init();
    telemetry_init();
    telemetry_write("phase name=boot");

    int rc = app_main();

    power_exit(rc == 0 ? POWER_SUCCESS : POWER_FAILURE);
}
