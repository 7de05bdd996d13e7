/*
 * tcp — the Transmission Control Protocol: reliable, ordered byte streams.
 *
 * A server listens on a port; each client that connects becomes a connection, named by a small
 * integer. Everything is non-blocking and driven by tcp_poll(): the application's loop calls it,
 * then asks each connection for received bytes and offers bytes to send. The stack keeps the
 * bytes it sent until the peer acknowledges them and sends them again when a timer runs out.
 *
 * Connection numbers are opaque non-negative ints (a slot and its generation), not small
 * indexes: keep them as they are, and test `conn >= 0` for "valid". When every slot is taken,
 * the stack evicts a connection on which nothing is happening (nothing to send, nothing
 * unread, peer silent for the `evict_after_ms` option) and gives its slot to a new client; the
 * old number then behaves as a reset connection (tcp_recv and tcp_send return -1, tcp_close does
 * nothing). Read what has arrived promptly: unread bytes protect a connection from eviction.
 * An application that limits how long a request may take (httpd's request_seconds) closes
 * slow clients itself.
 */
#ifndef WB_TCP_H
#define WB_TCP_H

#include <stddef.h>
#include <stdint.h>

/* Bring up IPv4 underneath and register with it. 0 on success, -1 without a card. */
int tcp_init(void);

/* Accept connections to port. 0 on success, -1 when every listening slot is taken. */
int tcp_listen(uint16_t port);

/* A newly established connection (>= 0), or -1 when none is waiting. */
int tcp_accept(void);

/* Copy received bytes: how many (> 0), 0 when none are waiting yet, -1 once the peer has
 * closed its side (after the last byte) or the connection was reset. */
int tcp_recv(int conn, void *buf, size_t cap);

/* Offer bytes to send: how many were taken into the send buffer (0 when it is full),
 * -1 when the connection can no longer send. */
int tcp_send(int conn, const void *data, size_t len);

/* Bytes tcp_send would take right now (0 when the buffer is full or the connection is gone). */
size_t tcp_send_space(int conn);

/* Finish: send what is buffered, then FIN. The number conn must not be used afterwards. */
void tcp_close(int conn);

/* Receive and dispatch what has arrived, run retransmission timers: frames handled. When
 * nothing has arrived since the previous call, first sleep (interrupt-driven card) until a
 * frame comes or the next timer is due (at most 100 ms): do the work frames gave you before
 * polling again. */
int tcp_poll(void);

#endif
