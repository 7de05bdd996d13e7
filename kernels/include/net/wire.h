/*
 * net/wire.h — reading and writing numbers in network byte order.
 *
 * This is not an interface: like arch/x86.h it is a handful of static inline helpers. Every
 * protocol header on the wire stores multi-byte numbers big-endian ("network byte order"),
 * while x86 stores them little-endian. Reading byte by byte through these helpers works on any
 * CPU and never makes an unaligned access, which is why the stack uses them instead of
 * casting a packet to a struct.
 *
 * IPv4 addresses are kept in host order as uint32_t everywhere in the stack: 10.0.2.15 is
 * 0x0a00020f. They become bytes only when a header is written.
 */
#ifndef WB_NET_WIRE_H
#define WB_NET_WIRE_H

#include <stdint.h>

static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Build an address from its four dotted-decimal parts: IPV4(10, 0, 2, 15). */
#define IPV4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

#endif
