/*
 * printf_test.c — snprintf against known answers.
 *
 * The results are reported with console_write and fixed telemetry strings, never with the
 * printf under test, so a broken formatter cannot hide its own mistakes.
 */
#include <stdint.h>

#include "app.h"
#include "console.h"
#include "libc.h"
#include "telemetry.h"

static int failures;

static void say(const char *s)
{
    console_write(s, strlen(s));
}

static void expect(const char *name, const char *got, const char *want)
{
    int ok = strcmp(got, want) == 0;
    say(ok ? "  [ ok ] " : "  [FAIL] ");
    say(name);
    say(": expected \"");
    say(want);
    say("\", got \"");
    say(got);
    say("\"\n");
    /* name is a literal without spaces: it can go into the record as it is */
    char record[80] = "check name=";
    size_t n = strlen(record);
    for (const char *p = name; *p && n < 60; p++)
        record[n++] = *p;
    const char *verdict = ok ? " result=pass" : " result=fail";
    for (const char *p = verdict; *p; p++)
        record[n++] = *p;
    record[n] = '\0';
    telemetry_write(record);
    failures += !ok;
}

int app_main(void)
{
    char buf[64];
    telemetry_write("ready app=ex-printf-test");

    snprintf(buf, sizeof buf, "%d|%u|%i", -42, 4294967295u, 7);
    expect("decimal", buf, "-42|4294967295|7");

    snprintf(buf, sizeof buf, "%x", 0xbeefu);
    expect("hex-lower", buf, "beef");

    snprintf(buf, sizeof buf, "%X", 0xbeefu);
    expect("hex-upper", buf, "BEEF");

    snprintf(buf, sizeof buf, "%x|%x|%x", 0u, 0xfu, 0x10u);
    expect("hex-small", buf, "0|f|10");

    snprintf(buf, sizeof buf, "%08x|%-6x|%4X", 0x2au, 0xabu, 0xcu);
    expect("hex-width", buf, "0000002a|ab    |   C");

    snprintf(buf, sizeof buf, "%lx", 0xdeadbeefcafef00dul);
    expect("hex-64bit", buf, "deadbeefcafef00d");

    snprintf(buf, sizeof buf, "%x", 0xffffffffu);
    expect("hex-max32", buf, "ffffffff");

    snprintf(buf, sizeof buf, "%p", (void *)0x1000);
    expect("pointer", buf, "0x1000");

    say(failures ? "printf-test: FAIL\n" : "printf-test: PASS\n");
    return failures ? 1 : 0;
}
