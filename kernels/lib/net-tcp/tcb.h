/*
 * tcb.h — the transmission control block: everything TCP remembers about one connection.
 *
 * Private to the net-tcp component (not an interface). Sequence numbers are 32-bit and wrap
 * around, so they are compared with the SEQ_* macros: "a is before b" means the distance from
 * a to b, taken as a signed number, is positive.
 *
 * Send side, in sequence space:
 *
 *      snd_una           snd_nxt                     snd_una + snd_len
 *         |  sent, not yet  |  buffered, not yet sent  |
 *         |   acknowledged  |                          |
 *
 * The send buffer is a ring holding exactly the bytes from snd_una on; an acknowledgement
 * frees bytes at its start. snd_max is the highest sequence number ever sent: after a
 * retransmission timeout snd_nxt goes back to snd_una ("go-back-N"), but an acknowledgement up
 * to snd_max is still valid.
 */
#ifndef TCB_H
#define TCB_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)

#define TCP_HEADER_LEN 20
#define TCP_OUR_MSS 1460 /* 1500 - 20 (IP) - 20 (TCP): one segment fills one frame */

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define SNDBUF CONFIG_NET_TCP_SEND_BUFFER
#define RCVBUF CONFIG_NET_TCP_RECEIVE_BUFFER

/* The states of RFC 793 that a server passes through (no SYN_SENT: we never connect out). */
enum tcp_state {
    TCP_CLOSED,       /* slot free (or dead, waiting for the application's tcp_close) */
    TCP_SYN_RECEIVED, /* SYN seen, SYN-ACK sent, waiting for the handshake's last ACK */
    TCP_ESTABLISHED,  /* data flows both ways */
    TCP_CLOSE_WAIT,   /* the peer sent FIN; we may still send */
    TCP_FIN_WAIT_1,   /* we sent FIN; not yet acknowledged */
    TCP_FIN_WAIT_2,   /* our FIN is acknowledged; waiting for the peer's */
    TCP_CLOSING,      /* both sent FIN at once; ours not yet acknowledged */
    TCP_LAST_ACK,     /* the peer closed first, then we did; waiting for the last ACK */
    TCP_TIME_WAIT,    /* both sides done; linger briefly to re-acknowledge a repeated FIN */
};

struct tcb {
    uint8_t state;
    uint8_t accepted;   /* tcp_accept has handed this connection out */
    uint8_t owned;      /* ... and the application has not called tcp_close yet */
    uint8_t app_closed; /* tcp_close called: FIN goes out after the buffered bytes */
    uint8_t fin_sent;   /* our FIN is in flight (cleared again when going back) */
    uint8_t peer_fin;   /* the peer's FIN arrived: no more bytes will come */
    uint8_t reset;      /* ended by RST or by too many retransmissions */
    uint8_t probe;      /* the timer ran out with a zero window: may send one byte */

    uint32_t remote_ip;
    uint16_t remote_port, local_port;

    uint32_t iss;                         /* our initial sequence number */
    uint32_t snd_una, snd_nxt, snd_max;   /* see the picture above */
    uint32_t snd_wnd;                     /* the peer's receive window: how much may be in flight */
    uint16_t mss;                         /* largest segment the peer accepts */
    uint32_t rcv_nxt;                     /* next sequence number we expect from the peer */
    uint32_t adv_wnd;                     /* window we last advertised */

    uint64_t rto_deadline; /* 0: timer off */
    uint64_t rto_ns;       /* current timeout; doubles on each expiry (back-off) */
    int retries;
    uint64_t linger_until; /* TIME_WAIT ends */
    uint64_t born_ns;      /* when the SYN arrived */
    uint64_t heard_ns;     /* when the peer last sent us a byte (or its SYN, or its FIN) */
    uint16_t generation;   /* bumped each time the slot is reused: part of the number */

    size_t snd_head, snd_len; /* send ring: first byte (at snd_una) and count */
    size_t rcv_head, rcv_len; /* receive ring: first unread byte and count */
    uint8_t sndbuf[SNDBUF];
    uint8_t rcvbuf[RCVBUF];
};

#define TCP_LISTENERS 4

/*
 * The number the application holds for a connection: the slot in the low 8 bits, the
 * slot's generation above. When a slot is taken over by another client (see allocate() in
 * tcp_input.c), the old number stops matching and every call with it fails as "reset".
 */
#define TCP_SLOT_BITS 8
#define TCP_GENERATIONS 0x7fff /* keeps the number a positive int */

extern struct tcb tcp_conns[CONFIG_NET_TCP_CONNECTIONS];
extern uint16_t tcp_listening[TCP_LISTENERS]; /* ports; 0 = unused slot */

/* A SYN that has no slot yet: what passive open needs to remember of it. */
struct tcp_syn {
    uint32_t ip;
    uint16_t remote_port, local_port;
    uint32_t seq;
    uint16_t window, mss;
    uint64_t since; /* when it first arrived */
};

/* tcp_output.c */
void tcp_send_segment(struct tcb *c, uint8_t flags, uint32_t seq, size_t offset, size_t len);
void tcp_send_reset(uint32_t ip, uint16_t local_port, uint16_t remote_port, uint32_t seq,
                    uint32_t ack, int with_ack);
void tcp_output(struct tcb *c);
void tcp_timers(void);
uint64_t tcp_next_timer(void);
void tcp_arm_timer(struct tcb *c);
void tcp_release(struct tcb *c);
void tcp_enter_time_wait(struct tcb *c);
uint32_t tcp_receive_window(const struct tcb *c);

/* tcp_input.c */
void tcp_input(uint32_t src, uint32_t dst, const uint8_t *p, size_t len);
int tcp_is_listening(uint16_t port);
struct tcb *tcp_allocate(uint64_t now);
void tcp_open(struct tcb *c, const struct tcp_syn *s, uint64_t now);

/* tcp_backlog.c */
void tcp_backlog_syn(struct tcp_syn *s);
void tcp_backlog_admit(void);

/* tcp_api.c */
int tcp_number(const struct tcb *c);

#endif
