/*
 * selftest.c — run the checks, print each one, and give a verdict.
 *
 * A self-test inside the image is the unikernel's answer to "does this configuration work?":
 * the same allocator and clock the application would use are exercised on the (virtual)
 * machine they will run on. The verdict is both text (`selftest: PASS`) and the exit status,
 * so a script on the host needs no parsing to know the result.
 */
#include "app.h"
#include "clock.h"
#include "libc.h"
#include "selftest.h"
#include "telemetry.h"

static int failures;

void check(const char *name, int ok, const char *detail)
{
    printf("  [%s] %s%s%s\n", ok ? " ok " : "FAIL", name, detail[0] ? ": " : "", detail);

    char record[96];
    snprintf(record, sizeof record, "check name=%s result=%s", name, ok ? "pass" : "fail");
    telemetry_write(record);

    if (!ok)
        failures++;
}

int app_main(void)
{
    clock_init();
    telemetry_write("ready app=selftest");

    printf("selftest: allocator\n");
    test_alloc();
    printf("selftest: clock\n");
    test_clock();

    if (failures == 0) {
        printf("selftest: PASS\n");
        telemetry_write("selftest result=pass");
        return 0;
    }
    printf("selftest: FAIL (%d failed checks)\n", failures);
    telemetry_write("selftest result=fail");
    return 1;
}
