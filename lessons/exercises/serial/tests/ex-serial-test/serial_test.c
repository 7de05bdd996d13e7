/*
 * serial_test.c — known bytes out of the UART; the grader checks what QEMU received.
 */
#include "app.h"
#include "console.h"
#include "telemetry.h"

int app_main(void)
{
    static const char digits[] = "0123456789";

    telemetry_write("ready app=ex-serial-test");
    console_write("serial-test: hello\n", 19);

    /* Only the first five bytes: console_write must respect len, not look for a NUL. */
    console_write("abcdefgh", 5);
    console_write("|\n", 2);

    /* A long line: far more than the UART's FIFO holds, so the sender has to wait. */
    for (int i = 0; i < 40; i++)
        console_write(digits, 10);
    console_write("\n", 1);

    /* Two lines in one call. */
    console_write("line one\nline two\n", 18);

    telemetry_write("serial-test done=1");
    return 0;
}
