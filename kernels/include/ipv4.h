/*
 * ipv4 — Internet Protocol version 4: packets between addresses, across routers.
 *
 * Sending chooses the next hop (the destination itself when it is on our subnet, else the
 * gateway), finds its MAC through ARP and wraps the payload in a 20-byte header. Receiving
 * checks the header (version, lengths, checksum, that it is for us) and passes the payload to
 * the handler registered for its protocol number (1 ICMP, 6 TCP, 17 UDP). Addresses are
 * uint32_t in host byte order, e.g. 0x0a00020f for 10.0.2.15.
 */
#ifndef WB_IPV4_H
#define WB_IPV4_H

#include <stddef.h>
#include <stdint.h>

#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17
#define IPV4_HEADER_LEN 20
#define IPV4_MAX_PAYLOAD 1480 /* ETH_MTU minus our 20-byte header */

/* Called with source and destination address and the payload after the IP header. */
typedef void (*ipv4_handler_fn)(uint32_t src, uint32_t dst, const uint8_t *payload, size_t len);

/* Bring up the link underneath and ARP (idempotent). 0 on success, -1 without a card. */
int ipv4_init(void);

/* Our address (from the component's options). */
uint32_t ipv4_address(void);

/* Deliver packets of this protocol number to handler. */
void ipv4_register(uint8_t protocol, ipv4_handler_fn handler);

/* Send one packet. 0 when sent or parked until ARP answers, -1 if too long or unroutable. */
int ipv4_send(uint32_t dst, uint8_t protocol, const void *payload, size_t len);

/* Receive and dispatch what has arrived, retry parked packets: frames handled. */
int ipv4_poll(void);

/* Call once per poll: if no frame arrived since the previous call, sleep until a frame may
 * have, deadline_ns, or a parked packet's next ARP question, whichever is first (see
 * netdev_wait); otherwise return at once. */
void ipv4_wait(uint64_t deadline_ns);

/* The Internet checksum (RFC 1071) of data, starting from a partial sum; 0 means "valid"
 * when the data already contains its checksum field. */
uint16_t ipv4_checksum(const void *data, size_t len, uint32_t sum);

/* The partial sum of the "pseudo-header" UDP and TCP include in their checksums. */
uint32_t ipv4_pseudo_sum(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t len);

#endif
