/*
 * udp_test.c — the grader's view of UDP checksums, over the ex-udp-wire card.
 *
 * Sends three datagrams (the card checks their checksums and reports them itself), then
 * polls the stack so the card's scripted datagrams arrive, and reports which ones reached
 * the handler: the intact and the unchecked ones must, the damaged one and the one checksummed
 * for another address must not.
 */
#include "app.h"
#include "ipv4.h"
#include "libc.h"
#include "net/wire.h"
#include "telemetry.h"
#include "udp.h"

#define TEST_PORT 7
#define BROADCAST 0xffffffffu /* needs no ARP: the card never answers ARP */

static int got_valid, got_unchecked, got_damaged, got_misdelivered, failures;

static int is(const uint8_t *data, size_t len, const char *text)
{
    return len == strlen(text) && memcmp(data, text, len) == 0;
}

static void on_datagram(uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
                        const uint8_t *data, size_t len)
{
    (void)src_ip;
    (void)src_port;
    (void)dst_port;
    got_valid |= is(data, len, "valid");
    got_unchecked |= is(data, len, "unchecked");
    /* the card flipped a bit of "damaged": delivered, it reads "Damaged" */
    got_damaged |= is(data, len, "Damaged") || is(data, len, "damaged");
    got_misdelivered |= is(data, len, "misdelivered");
}

static void report(const char *name, int ok, const char *detail)
{
    char record[96];
    printf("  [%s] %s %s\n", ok ? " ok " : "FAIL", name, ok ? "" : detail);
    snprintf(record, sizeof record, "check name=%s result=%s", name, ok ? "pass" : "fail");
    telemetry_write(record);
    failures += !ok;
}

/*
 * "zero-sum: " and two bytes chosen so that the checksum of the whole datagram comes out as
 * 0, which must be sent as 0xffff. Adding a word equal to the checksum of everything else
 * makes the one's-complement sum 0xffff, whose complement is 0. The header is the one
 * udp_send writes: ports 9 -> 9, length, checksum field 0.
 */
static void send_zero_sum(void)
{
    uint8_t d[8 + 12];
    put16(d, 9);
    put16(d + 2, 9);
    put16(d + 4, sizeof d);
    put16(d + 6, 0);
    memcpy(d + 8, "zero-sum: \0\0", 12);
    uint16_t rest = ipv4_checksum(d, sizeof d,
                                  ipv4_pseudo_sum(ipv4_address(), BROADCAST, IPV4_PROTO_UDP, sizeof d));
    put16(d + 18, rest);
    udp_send(BROADCAST, 9, 9, d + 8, 12);
}

int app_main(void)
{
    if (udp_init() < 0 || udp_bind(TEST_PORT, on_datagram) < 0) {
        printf("udp-test: the stack did not start\n");
        return 1;
    }
    telemetry_write("ready app=ex-udp-test");
    printf("udp-test: sending three datagrams\n");
    udp_send(BROADCAST, 9, 9, "odd", 3);
    udp_send(BROADCAST, 9, 9, "even", 4);
    send_zero_sum();

    for (int i = 0; i < 100; i++) /* the card's script is short: a few polls deliver it all */
        udp_poll();

    report("accepts-valid", got_valid, "a datagram with a correct checksum was dropped");
    report("accepts-unchecked", got_unchecked, "a datagram with checksum 0 (none) was dropped");
    report("rejects-damaged", !got_damaged, "a datagram with a flipped bit was delivered");
    report("rejects-misdelivered", !got_misdelivered,
           "a datagram checksummed for 10.0.2.99 was delivered to 10.0.2.15");
    printf("udp-test: %s\n", failures ? "FAIL" : "PASS");
    return failures ? 1 : 0;
}
