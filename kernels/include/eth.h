/*
 * eth — Ethernet framing: who a frame is for, and which protocol it carries.
 *
 * A frame starts with the destination MAC, the source MAC and a 16-bit "ethertype" that names
 * the protocol inside (0x0800 IPv4, 0x0806 ARP). Protocols register a handler for their
 * ethertype; eth_poll() takes frames from the card and calls the handler. That way this layer
 * does not depend on the layers above it: the arrows of the dependency graph point down only.
 */
#ifndef WB_ETH_H
#define WB_ETH_H

#include <stddef.h>
#include <stdint.h>

#define ETH_HEADER_LEN 14
#define ETH_MTU 1500 /* largest payload of one frame */
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806

/* Called with the sender's MAC and the payload (the bytes after the Ethernet header). */
typedef void (*eth_handler_fn)(const uint8_t *src_mac, const uint8_t *payload, size_t len);

/* Start the card underneath (idempotent). 0 on success, -1 when there is no card. */
int eth_init(void);

/* Our own MAC address. */
const uint8_t *eth_mac(void);

/* Deliver frames of this ethertype to handler (a few slots; a later call replaces). */
void eth_register(uint16_t ethertype, eth_handler_fn handler);

/* Send payload to dst_mac (6 bytes) as one frame. 0 when queued, -1 if too long or refused. */
int eth_send(const uint8_t *dst_mac, uint16_t ethertype, const void *payload, size_t len);

/* Handle every frame that has arrived: the number of frames taken from the card. */
int eth_poll(void);

#endif
