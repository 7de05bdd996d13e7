/*
 * icmp — the Internet Control Message Protocol; here, only what `ping` needs.
 *
 * An echo request (type 8) is answered with an echo reply (type 0) carrying the same
 * identifier, sequence number and data. Every IP host is expected to do this much (RFC 1122).
 */
#ifndef WB_ICMP_H
#define WB_ICMP_H

#include <stdint.h>

/* Register with IPv4 (call after ipv4_init). */
void icmp_init(void);

/* How many echo requests have been answered so far. */
uint32_t icmp_echo_count(void);

#endif
