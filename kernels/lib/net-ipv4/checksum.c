/*
 * checksum.c — the Internet checksum (RFC 1071), shared by IPv4, ICMP, UDP and TCP.
 *
 * Add the data as 16-bit big-endian words with "end-around carry" (a carry out of bit 15 is
 * added back at bit 0), then invert. Two properties make it convenient:
 *   - the order of the words does not matter, so parts can be summed separately and combined
 *     (the `sum` argument carries a partial sum, e.g. the pseudo-header's);
 *   - summing data that already contains its correct checksum gives 0xffff, whose inverse is
 *     0: checking and computing are the same function.
 */
#include "ipv4.h"

uint16_t ipv4_checksum(const void *data, size_t len, uint32_t sum)
{
    const uint8_t *p = data;
    while (len > 1) {
        sum += (uint32_t)((p[0] << 8) | p[1]);
        p += 2;
        len -= 2;
    }
    if (len)
        sum += (uint32_t)(p[0] << 8); /* an odd last byte is padded with a zero */
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/*
 * UDP and TCP also cover a "pseudo-header" that is never sent: both addresses, the protocol
 * and the segment length. It ties the segment to the IP packet it travelled in, so a packet
 * delivered to the wrong address fails the check.
 */
uint32_t ipv4_pseudo_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + protocol + len;
}
