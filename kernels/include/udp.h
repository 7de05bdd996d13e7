/*
 * udp — the User Datagram Protocol: one message in, one message out, no connection.
 *
 * A datagram adds source and destination ports and a checksum to an IP packet. There is no
 * ordering, no retransmission and no flow control; a DNS server needs nothing more, which is
 * why a DNS appliance links no TCP at all.
 */
#ifndef WB_UDP_H
#define WB_UDP_H

#include <stddef.h>
#include <stdint.h>

/* Called for each datagram that arrives on a bound port. */
typedef void (*udp_handler_fn)(uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
                               const uint8_t *data, size_t len);

/* Bring up IPv4 underneath and register with it. 0 on success, -1 without a card. */
int udp_init(void);

/* Deliver datagrams for port to handler. 0 on success, -1 when every slot is taken. */
int udp_bind(uint16_t port, udp_handler_fn handler);

/* Send one datagram. 0 on success, -1 if it is too long or cannot be routed. */
int udp_send(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, const void *data, size_t len);

/* Receive and dispatch what has arrived: frames handled. When nothing has arrived since the
 * previous call, first sleep (interrupt-driven card) until a frame comes or 100 ms pass. */
int udp_poll(void);

#endif
