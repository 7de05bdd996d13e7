/*
 * hang.c — an application that never finishes, to show how a hang is caught.
 *
 * It turns interrupts off and spins. Nothing inside the guest can stop it now: no timer
 * interrupt, no scheduler, no other program. Only the host can, which is why the workbench
 * runs every image under a watchdog that ends QEMU after a deadline and reports a timeout.
 */
#include "app.h"
#include "arch/x86.h"
#include "console.h"
#include "telemetry.h"

int app_main(void)
{
    static const char line[] = "hang: spinning forever with interrupts off\n";

    telemetry_write("ready app=hang");
    console_write(line, sizeof line - 1);

    cli();
    for (;;)
        cpu_relax();
}
