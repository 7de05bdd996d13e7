/*
 * netdev — a network card: send and receive whole Ethernet frames.
 *
 * This is the boundary between the network stack and the hardware. Everything above it
 * (Ethernet, ARP, IP, UDP, TCP) is ordinary code that builds and parses byte arrays; only the
 * provider of this interface knows how the virtual card is programmed. netdev_receive() never
 * blocks and returns 0 when no frame has arrived; a stack that has nothing to do calls
 * netdev_wait(), which halts the CPU until a frame may have arrived (or returns at once when
 * the card is polled).
 */
#ifndef WB_NETDEV_H
#define WB_NETDEV_H

#include <stddef.h>
#include <stdint.h>

/* Largest frame handed in or out: 14-byte Ethernet header + 1500-byte payload (no FCS). */
#define NETDEV_MAX_FRAME 1514

/* Find and start the card. 0 on success, -1 when there is no usable card. */
int netdev_init(void);

/* The card's 6-byte MAC address (valid after netdev_init). */
const uint8_t *netdev_mac(void);

/* Queue one frame for sending (copied; len <= NETDEV_MAX_FRAME). 0 when queued, -1 if not. */
int netdev_send(const void *frame, size_t len);

/* Copy the next received frame into buf: its length, or 0 when none is waiting. */
int netdev_receive(void *buf, size_t cap);

/* Nothing to do: sleep until a frame may have arrived or clock_ns() reaches deadline_ns.
 * May return early (check again); returns at once when the card is polled. */
void netdev_wait(uint64_t deadline_ns);

#endif
