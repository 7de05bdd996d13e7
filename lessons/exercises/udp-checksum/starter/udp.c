/*
 * udp.c — the User Datagram Protocol (RFC 768).
 *
 *   source port | destination port
 *   length      | checksum          (8 bytes, then the data)
 *
 * The checksum covers the pseudo-header (see ipv4_pseudo_sum), the UDP header and the data.
 * Zero means "the sender did not compute one"; a computed checksum that happens to be zero is
 * sent as 0xffff, which is the same number in one's-complement arithmetic.
 */
#include "clock.h"
#include "libc.h"
#include "ipv4.h"
#include "net/wire.h"
#include "udp.h"

#define BINDINGS 4
#define UDP_HEADER_LEN 8

static struct {
    uint16_t port;
    udp_handler_fn fn;
} bindings[BINDINGS];

static uint8_t out[IPV4_MAX_PAYLOAD];

static void udp_input(uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
    if (len < UDP_HEADER_LEN)
        return;
    size_t ulen = get16(p + 4);
    if (ulen < UDP_HEADER_LEN || ulen > len)
        return; /* the length field contradicts the packet */
    /*
     * TODO (exercise "udp-checksum"): drop the datagram (return) if its checksum is wrong.
     *
     *  - A checksum field (p + 6) of zero means the sender computed none: accept it.
     *  - Otherwise sum the pseudo-header and the whole datagram — header, checksum field
     *    included, and data: ulen bytes from p. ipv4_pseudo_sum(src, dst, IPV4_PROTO_UDP,
     *    ulen) gives the pseudo-header's partial sum; pass it as the last argument of
     *    ipv4_checksum(). A datagram that arrived intact gives 0 (see checksum.c for why).
     *
     * Use the addresses of *this* packet: a datagram whose checksum was made for another
     * destination must fail the check — that is what the pseudo-header is for.
     */
    (void)src;
    (void)dst;
    uint16_t dport = get16(p + 2);
    for (int i = 0; i < BINDINGS; i++) {
        if (bindings[i].fn && bindings[i].port == dport) {
            bindings[i].fn(src, get16(p), dport, p + UDP_HEADER_LEN, ulen - UDP_HEADER_LEN);
            return;
        }
    }
    /* Nobody listens: a full stack would answer with ICMP "port unreachable". */
}

int udp_init(void)
{
    if (ipv4_init() < 0)
        return -1;
    ipv4_register(IPV4_PROTO_UDP, udp_input);
    return 0;
}

int udp_bind(uint16_t port, udp_handler_fn handler)
{
    for (int i = 0; i < BINDINGS; i++) {
        if (!bindings[i].fn || bindings[i].port == port) {
            bindings[i].port = port;
            bindings[i].fn = handler;
            return 0;
        }
    }
    return -1;
}

int udp_send(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, const void *data, size_t len)
{
    if (len > IPV4_MAX_PAYLOAD - UDP_HEADER_LEN)
        return -1;
    uint16_t ulen = (uint16_t)(UDP_HEADER_LEN + len);
    put16(out, src_port);
    put16(out + 2, dst_port);
    put16(out + 4, ulen);
    put16(out + 6, 0);
    memcpy(out + UDP_HEADER_LEN, data, len);
    /*
     * TODO (exercise "udp-checksum"): compute the checksum and store it at out + 6.
     *
     * It covers the pseudo-header (our address ipv4_address(), dst_ip, IPV4_PROTO_UDP and
     * ulen — the UDP length, not the IP length) and the ulen bytes of out, with the
     * checksum field still zero while summing. A result of 0 must be sent as 0xffff: zero
     * on the wire means "no checksum", and 0xffff is the same number in one's complement.
     *
     * Until this is written the field stays 0, which receivers accept as "not computed".
     */
    return ipv4_send(dst_ip, IPV4_PROTO_UDP, out, ulen);
}

/* UDP has no timers; the application's own (if any) are looked at every 100 ms at least. */
#define UDP_WAIT_NS 100000000ull

int udp_poll(void)
{
    int frames = ipv4_poll();
    ipv4_wait(clock_ns() + UDP_WAIT_NS);
    return frames;
}
