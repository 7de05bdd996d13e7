/*
 * tcp_output.c — building segments, deciding what to send, and the retransmission timer.
 *
 * A segment header (20 bytes, plus 4 for the MSS option on our SYN-ACK):
 *
 *   source port | destination port
 *   sequence number: where this segment's first byte sits in our stream
 *   acknowledgement number: the next byte we expect from the peer
 *   header length | flags (FIN SYN RST PSH ACK) | window: how much more we can receive
 *   checksum (with the IPv4 pseudo-header) | urgent pointer (unused)
 *
 * tcp_output() sends as much buffered data as the peer's window allows, in segments of at most
 * the peer's MSS, then the FIN once the application has closed and everything is sent. One
 * timer per connection covers every byte in flight; when it runs out we go back to the oldest
 * unacknowledged byte and send everything again, waiting twice as long each time.
 */
#include "clock.h"
#include "ipv4.h"
#include "libc.h"
#include "net/wire.h"
#include "tcb.h"

#define RTO_MAX_NS 4000000000ull
#define TIME_WAIT_NS 1000000000ull /* 2 x MSL would be minutes; the link is virtual and local */
/* Our FIN is acknowledged but the peer never sends its own: give up after this long (Linux's
 * tcp_fin_timeout is 60 s). Without a limit such a peer would hold its slot forever. */
#define FIN_WAIT_2_NS 5000000000ull

static uint8_t seg[TCP_HEADER_LEN + 4 + TCP_OUR_MSS];

uint32_t tcp_receive_window(const struct tcb *c)
{
    uint32_t space = RCVBUF - (uint32_t)c->rcv_len;
    return space > 65535 ? 65535 : space; /* no window scaling: 16 bits is all there is */
}

static void finish_and_send(uint32_t ip, size_t len, uint32_t src_ip)
{
    put16(seg + 16, 0);
    put16(seg + 16, ipv4_checksum(seg, len, ipv4_pseudo_sum(src_ip, ip, IPV4_PROTO_TCP, (uint16_t)len)));
    ipv4_send(ip, IPV4_PROTO_TCP, seg, len);
}

/* Copy `len` bytes starting `offset` bytes after snd_una out of the send ring. */
static void copy_out(const struct tcb *c, size_t offset, uint8_t *dst, size_t len)
{
    size_t start = (c->snd_head + offset) % SNDBUF;
    size_t first = len < SNDBUF - start ? len : SNDBUF - start;
    memcpy(dst, c->sndbuf + start, first);
    memcpy(dst + first, c->sndbuf, len - first); /* the part that wrapped around */
}

void tcp_send_segment(struct tcb *c, uint8_t flags, uint32_t seq, size_t offset, size_t len)
{
    size_t hlen = TCP_HEADER_LEN;
    put16(seg, c->local_port);
    put16(seg + 2, c->remote_port);
    put32(seg + 4, seq);
    put32(seg + 8, (flags & TCP_ACK) ? c->rcv_nxt : 0);
    if (flags & TCP_SYN) {
        /* Option MSS (kind 2, length 4): the largest segment we accept. */
        seg[20] = 2;
        seg[21] = 4;
        put16(seg + 22, TCP_OUR_MSS);
        hlen += 4;
    }
    seg[12] = (uint8_t)((hlen / 4) << 4);
    seg[13] = flags;
    c->adv_wnd = tcp_receive_window(c);
    put16(seg + 14, (uint16_t)c->adv_wnd);
    put16(seg + 18, 0);
    if (len)
        copy_out(c, offset, seg + hlen, len);
    finish_and_send(c->remote_ip, hlen + len, ipv4_address());
}

/* An RST for a segment that belongs to no connection (RFC 793, "reset generation"). */
void tcp_send_reset(uint32_t ip, uint16_t local_port, uint16_t remote_port, uint32_t seq,
                    uint32_t ack, int with_ack)
{
    put16(seg, local_port);
    put16(seg + 2, remote_port);
    put32(seg + 4, seq);
    put32(seg + 8, with_ack ? ack : 0);
    seg[12] = (TCP_HEADER_LEN / 4) << 4;
    seg[13] = (uint8_t)(TCP_RST | (with_ack ? TCP_ACK : 0));
    put16(seg + 14, 0);
    put16(seg + 18, 0);
    finish_and_send(ip, TCP_HEADER_LEN, ipv4_address());
}

void tcp_arm_timer(struct tcb *c)
{
    int waiting = c->snd_una != c->snd_max || (c->snd_len > 0 && c->snd_wnd == 0);
    if (!waiting)
        c->rto_deadline = 0;
    else if (c->rto_deadline == 0)
        c->rto_deadline = clock_ns() + c->rto_ns;
}

void tcp_output(struct tcb *c)
{
    if (c->state == TCP_CLOSED || c->state == TCP_SYN_RECEIVED || c->state == TCP_TIME_WAIT)
        return;
    for (;;) {
        size_t offset = c->snd_nxt - c->snd_una; /* buffered bytes already sent */
        if (offset >= c->snd_len)
            break;
        uint32_t wnd = c->snd_wnd;
        if (wnd == 0 && offset == 0 && c->probe)
            wnd = 1; /* zero-window probe: one byte, to learn when the window opens */
        if (offset >= wnd)
            break;
        size_t n = c->snd_len - offset;
        if (n > wnd - offset)
            n = wnd - offset;
        if (n > c->mss)
            n = c->mss;
        uint8_t flags = TCP_ACK | (offset + n == c->snd_len ? TCP_PSH : 0);
        tcp_send_segment(c, flags, c->snd_nxt, offset, n);
        c->snd_nxt += (uint32_t)n;
        if (SEQ_GT(c->snd_nxt, c->snd_max))
            c->snd_max = c->snd_nxt;
        c->probe = 0;
    }
    /* Everything sent and the application has closed: the FIN takes one sequence number. */
    if (c->app_closed && !c->fin_sent && c->snd_nxt - c->snd_una == c->snd_len &&
        c->state != TCP_FIN_WAIT_2) {
        tcp_send_segment(c, TCP_FIN | TCP_ACK, c->snd_nxt, 0, 0);
        c->snd_nxt++;
        if (SEQ_GT(c->snd_nxt, c->snd_max))
            c->snd_max = c->snd_nxt;
        c->fin_sent = 1;
        if (c->state == TCP_ESTABLISHED)
            c->state = TCP_FIN_WAIT_1;
        else if (c->state == TCP_CLOSE_WAIT)
            c->state = TCP_LAST_ACK;
    }
    tcp_arm_timer(c);
}

/* Free the slot, unless the application still holds its number (it will call tcp_close). */
void tcp_release(struct tcb *c)
{
    c->state = TCP_CLOSED;
    c->rto_deadline = 0;
}

static void expire(struct tcb *c, uint64_t now)
{
    if (++c->retries > CONFIG_NET_TCP_MAX_RETRIES) {
        /* The peer is gone: give up, and tell it so in case it is not. */
        tcp_send_reset(c->remote_ip, c->local_port, c->remote_port, c->snd_nxt, 0, 0);
        c->reset = 1;
        tcp_release(c);
        return;
    }
    c->rto_ns = c->rto_ns * 2 > RTO_MAX_NS ? RTO_MAX_NS : c->rto_ns * 2;
    c->rto_deadline = 0;
    if (c->state == TCP_SYN_RECEIVED) {
        tcp_send_segment(c, TCP_SYN | TCP_ACK, c->iss, 0, 0);
        c->rto_deadline = now + c->rto_ns;
        return;
    }
    c->snd_nxt = c->snd_una; /* go back N: resend everything unacknowledged */
    c->fin_sent = 0;
    c->probe = 1;
    tcp_output(c);
}

void tcp_timers(void)
{
    uint64_t now = clock_ns();
    for (int i = 0; i < CONFIG_NET_TCP_CONNECTIONS; i++) {
        struct tcb *c = &tcp_conns[i];
        if (c->state == TCP_TIME_WAIT && now >= c->linger_until)
            tcp_release(c);
        else if (c->state == TCP_FIN_WAIT_2 && now - c->heard_ns >= FIN_WAIT_2_NS) {
            tcp_send_reset(c->remote_ip, c->local_port, c->remote_port, c->snd_nxt, 0, 0);
            tcp_release(c);
        }
        else if (c->state != TCP_CLOSED && c->rto_deadline && now >= c->rto_deadline)
            expire(c, now);
    }
}

/* When tcp_timers() next has work: the earliest deadline of any connection, and at least every
 * 100 ms, so that the application's own time limits (httpd's idle_seconds) are looked at. */
uint64_t tcp_next_timer(void)
{
    uint64_t next = clock_ns() + 100000000ull;
    for (int i = 0; i < CONFIG_NET_TCP_CONNECTIONS; i++) {
        const struct tcb *c = &tcp_conns[i];
        uint64_t t = c->rto_deadline;
        if (c->state == TCP_TIME_WAIT)
            t = c->linger_until;
        else if (c->state == TCP_FIN_WAIT_2)
            t = c->heard_ns + FIN_WAIT_2_NS;
        if (t && t < next)
            next = t;
    }
    return next;
}

/* Enter TIME_WAIT: linger a moment to acknowledge a repeated FIN, then free the slot. */
void tcp_enter_time_wait(struct tcb *c)
{
    c->state = TCP_TIME_WAIT;
    c->rto_deadline = 0;
    c->linger_until = clock_ns() + TIME_WAIT_NS;
}
