/*
 * icmp.c — answering ping (ICMP echo, RFC 792).
 *
 *   type (8 request, 0 reply) | code (0) | checksum
 *   identifier                | sequence number
 *   data ...
 *
 * The reply is the request with the type changed and the checksum recomputed; identifier,
 * sequence number and data go back unchanged so the sender can match and time it.
 */
#include "icmp.h"
#include "ipv4.h"
#include "libc.h"
#include "net/wire.h"

#define ECHO_REPLY 0
#define ECHO_REQUEST 8

static uint8_t reply[IPV4_MAX_PAYLOAD];
static uint32_t answered;

static void icmp_input(uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
    if (len < 8 || len > sizeof reply || ipv4_checksum(p, len, 0) != 0)
        return;
    if (p[0] != ECHO_REQUEST || p[1] != 0)
        return;
    if (dst != ipv4_address())
        return; /* no replies to broadcast pings: they would multiply traffic */
    memcpy(reply, p, len);
    reply[0] = ECHO_REPLY;
    put16(reply + 2, 0);
    put16(reply + 2, ipv4_checksum(reply, len, 0));
    if (ipv4_send(src, IPV4_PROTO_ICMP, reply, len) == 0)
        answered++;
}

void icmp_init(void)
{
    ipv4_register(IPV4_PROTO_ICMP, icmp_input);
}

uint32_t icmp_echo_count(void)
{
    return answered;
}
