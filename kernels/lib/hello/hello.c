/*
 * hello.c — the smallest useful application: say one line, and succeed.
 *
 * The greeting is the option `greeting`: the build writes it into config.h as a string
 * constant, so changing it means rebuilding the image — the configuration is part of the
 * program, not something read at run time.
 */
#include "app.h"
#include "config.h"
#include "console.h"
#include "telemetry.h"

int app_main(void)
{
    static const char line[] = CONFIG_HELLO_GREETING "\n";

    /* Tell the workbench the application is up (the boot timeline ends here). */
    telemetry_write("ready app=hello");
    console_write(line, sizeof line - 1);
    return 0;   /* success: the boot component turns this into exit status 33 */
}
