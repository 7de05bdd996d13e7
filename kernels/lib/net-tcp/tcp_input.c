/*
 * tcp_input.c — what happens when a segment arrives (RFC 793, "segment arrives", simplified).
 *
 * For a segment of no known connection: a SYN to a listening port opens one (passive open:
 * answer SYN-ACK, enter SYN_RECEIVED); anything else is answered with RST, which tells the
 * sender that this connection does not exist.
 *
 * For a known connection, in this order:
 *   1. RST   — the peer aborts: the connection ends at once;
 *   2. SYN   — a repeated SYN gets our SYN-ACK again; any other SYN is ignored (just ACKed);
 *   3. ACK   — completes the handshake, frees acknowledged bytes from the send buffer,
 *              updates the peer's window, may complete our FIN;
 *   4. data  — accepted only if it starts exactly at rcv_nxt (in order); bytes beyond our
 *              buffer are cut off; anything out of order is dropped, and the ACK we send back
 *              makes the peer resend from rcv_nxt;
 *   5. FIN   — once every byte before it has arrived: the peer will send no more.
 */
#include "clock.h"
#include "ipv4.h"
#include "libc.h"
#include "net/wire.h"
#include "tcb.h"

uint16_t tcp_listening[TCP_LISTENERS];
static uint32_t iss_counter;

int tcp_is_listening(uint16_t port)
{
    for (int i = 0; i < TCP_LISTENERS; i++)
        if (port != 0 && tcp_listening[i] == port)
            return 1;
    return 0;
}

static struct tcb *find(uint32_t ip, uint16_t rport, uint16_t lport)
{
    for (int i = 0; i < CONFIG_NET_TCP_CONNECTIONS; i++) {
        struct tcb *c = &tcp_conns[i];
        if (c->state != TCP_CLOSED && c->remote_ip == ip && c->remote_port == rport &&
            c->local_port == lport)
            return c;
    }
    return 0;
}

/*
 * A connection may be evicted when it holds a slot while nothing is happening on it: no byte
 * of ours is waiting to be sent or acknowledged, no byte of the peer's is waiting for the
 * application, and the peer has been silent for `evict_after_ms`. That covers a half-open
 * connection (a SYN flood, or a client that vanished), a client that connected and sent
 * nothing, one that trickles a request a byte at a time (slowloris), a keep-alive connection
 * between requests, and a close the peer never finishes (FIN_WAIT_2).
 */
static int evictable(const struct tcb *c, uint64_t now)
{
    return c->state != TCP_CLOSED && c->state != TCP_TIME_WAIT && c->snd_len == 0 &&
           c->rcv_len == 0 && now - c->heard_ns >= (uint64_t)CONFIG_NET_TCP_EVICT_AFTER_MS * 1000000u;
}

/*
 * A slot for a new connection: a free one; failing that, the one lingering longest in
 * TIME_WAIT; failing that, the evictable connection whose peer has been silent longest (it is
 * told so with RST). NULL when every slot is busy: the SYN then waits (tcp_backlog.c).
 *
 * The trade-off: a client that is slow but honest (a request typed by hand, a phone on a bad
 * link) may lose its connection when the table is full — in exchange, no group of clients can
 * hold every slot by doing nothing. The age limit keeps a crowd of new connections from
 * evicting each other before their requests arrive.
 */
struct tcb *tcp_allocate(uint64_t now)
{
    struct tcb *lingering = 0, *idle = 0;
    for (int i = 0; i < CONFIG_NET_TCP_CONNECTIONS; i++) {
        struct tcb *c = &tcp_conns[i];
        if (c->state == TCP_CLOSED)
            return c; /* an application still holding its old number is told apart by generation */
        if (c->state == TCP_TIME_WAIT && (!lingering || c->linger_until < lingering->linger_until))
            lingering = c;
        else if (evictable(c, now) && (!idle || c->heard_ns < idle->heard_ns))
            idle = c;
    }
    if (lingering)
        return lingering;
    if (idle)
        tcp_send_reset(idle->remote_ip, idle->local_port, idle->remote_port, idle->snd_nxt, 0, 0);
    return idle;
}

/* The peer's MSS option, or 536, the size every host must accept (RFC 879). */
static uint16_t parse_mss(const uint8_t *opt, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == 0)
            break; /* end of options */
        if (kind == 1) {
            i++; /* no-operation padding */
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            break; /* malformed: stop reading, keep the default */
        if (kind == 2 && opt[i + 1] == 4) {
            uint16_t mss = get16(opt + i + 2);
            return mss < 64 ? 64 : (mss > TCP_OUR_MSS ? TCP_OUR_MSS : mss);
        }
        i += opt[i + 1];
    }
    return 536;
}

/* Passive open: the SYN `s` gets slot `c`, and its SYN-ACK goes out. */
void tcp_open(struct tcb *c, const struct tcp_syn *s, uint64_t now)
{
    uint16_t generation = (uint16_t)((c->generation + 1) & TCP_GENERATIONS);
    memset(c, 0, offsetof(struct tcb, sndbuf)); /* the buffers need no clearing */
    c->generation = generation;
    c->heard_ns = now;
    c->remote_ip = s->ip;
    c->remote_port = s->remote_port;
    c->local_port = s->local_port;
    /* RFC 6528 wants initial sequence numbers hard to guess; clock bits mixed with a counter
     * are a teaching-sized stand-in for its keyed hash. */
    c->iss = (uint32_t)(now * 2654435761u) + (iss_counter += 64000);
    c->snd_una = c->iss;
    c->snd_nxt = c->snd_max = c->iss + 1;
    c->snd_wnd = s->window;
    c->mss = s->mss;
    c->rcv_nxt = s->seq + 1; /* the SYN takes one sequence number */
    c->rto_ns = (uint64_t)CONFIG_NET_TCP_RTO_MS * 1000000u;
    c->state = TCP_SYN_RECEIVED;
    c->born_ns = now;
    tcp_send_segment(c, TCP_SYN | TCP_ACK, c->iss, 0, 0);
    c->rto_deadline = now + c->rto_ns;
}

/* Step 3: an acknowledgement of bytes we sent (and maybe of our FIN). */
static void take_ack(struct tcb *c, uint32_t ack, uint16_t win)
{
    if (SEQ_LT(ack, c->snd_una) || SEQ_GT(ack, c->snd_max))
        return; /* old, or acknowledges what we never sent */
    c->snd_wnd = win;
    c->retries = 0; /* the peer is alive */
    uint32_t acked = ack - c->snd_una;
    if (acked == 0)
        return;
    int fin_acked = acked > c->snd_len; /* one past the data: that is our FIN */
    size_t data = fin_acked ? c->snd_len : acked;
    c->snd_head = (c->snd_head + data) % SNDBUF;
    c->snd_len -= data;
    c->snd_una = ack;
    if (SEQ_LT(c->snd_nxt, ack))
        c->snd_nxt = ack; /* after going back, the peer had more than we thought */
    c->rto_deadline = 0; /* restart the timer for what is still in flight */
    c->rto_ns = (uint64_t)CONFIG_NET_TCP_RTO_MS * 1000000u;
    if (fin_acked) {
        c->fin_sent = 1;
        if (c->state == TCP_FIN_WAIT_1)
            c->state = TCP_FIN_WAIT_2;
        else if (c->state == TCP_CLOSING)
            tcp_enter_time_wait(c);
        else if (c->state == TCP_LAST_ACK)
            tcp_release(c);
    }
}

/* Step 4: bytes for the application. Returns 1 if every byte up to `end` is now in. */
static int take_data(struct tcb *c, uint32_t seq, const uint8_t *data, size_t n)
{
    uint32_t end = seq + (uint32_t)n;
    if (SEQ_LT(seq, c->rcv_nxt)) { /* starts with bytes we already have: skip them */
        uint32_t skip = c->rcv_nxt - seq;
        if (skip >= n)
            return SEQ_LEQ(end, c->rcv_nxt);
        data += skip;
        n -= skip;
        seq = c->rcv_nxt;
    }
    if (seq != c->rcv_nxt)
        return 0; /* a gap before it: out of order, dropped */
    size_t space = RCVBUF - c->rcv_len;
    size_t take = n < space ? n : space;
    for (size_t i = 0; i < take; i++)
        c->rcvbuf[(c->rcv_head + c->rcv_len + i) % RCVBUF] = data[i];
    c->rcv_len += take;
    c->rcv_nxt += (uint32_t)take;
    return c->rcv_nxt == end;
}

static void segment(struct tcb *c, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
                    const uint8_t *data, size_t n)
{
    if (flags & TCP_RST) { /* 1 */
        uint32_t wnd = c->adv_wnd ? c->adv_wnd : 1;
        if (c->state == TCP_SYN_RECEIVED || (SEQ_LEQ(c->rcv_nxt, seq) && SEQ_LT(seq, c->rcv_nxt + wnd))) {
            c->reset = 1; /* in the window: genuine; outside it could be forged */
            tcp_release(c);
        }
        return;
    }
    if (flags & TCP_SYN) { /* 2 */
        if (c->state == TCP_SYN_RECEIVED && seq + 1 == c->rcv_nxt)
            tcp_send_segment(c, TCP_SYN | TCP_ACK, c->iss, 0, 0); /* our SYN-ACK was lost */
        else
            tcp_send_segment(c, TCP_ACK, c->snd_nxt, 0, 0);
        return;
    }
    if (!(flags & TCP_ACK))
        return; /* after the handshake every segment carries ACK */
    if (c->state == TCP_SYN_RECEIVED) { /* 3: the handshake's last step */
        if (ack != c->iss + 1) {
            tcp_send_reset(c->remote_ip, c->local_port, c->remote_port, ack, 0, 0);
            return;
        }
        c->snd_una = ack;
        c->state = TCP_ESTABLISHED;
        c->rto_deadline = 0;
        c->rto_ns = (uint64_t)CONFIG_NET_TCP_RTO_MS * 1000000u;
        c->snd_wnd = win;
    } else {
        take_ack(c, ack, win);
        if (c->state == TCP_CLOSED || c->state == TCP_TIME_WAIT) {
            if (c->state == TCP_TIME_WAIT && (flags & TCP_FIN))
                tcp_send_segment(c, TCP_ACK, c->snd_nxt, 0, 0); /* our last ACK was lost */
            return;
        }
    }
    if (n > 0 || (flags & TCP_FIN))
        c->heard_ns = clock_ns(); /* a sign of life; a bare ACK is not (see evictable) */
    int all_in = 1, must_ack = 0;
    int receiving = c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
                    c->state == TCP_FIN_WAIT_2;
    if (n > 0) { /* 4 */
        must_ack = 1;
        all_in = receiving ? take_data(c, seq, data, n) : 0;
    }
    if ((flags & TCP_FIN) && receiving && all_in && seq + (uint32_t)n == c->rcv_nxt) { /* 5 */
        c->rcv_nxt++;
        c->peer_fin = 1;
        if (c->state == TCP_ESTABLISHED)
            c->state = TCP_CLOSE_WAIT;
        else if (c->state == TCP_FIN_WAIT_1)
            c->state = TCP_CLOSING;
        else
            tcp_enter_time_wait(c);
    }
    if (flags & TCP_FIN)
        must_ack = 1; /* also re-acknowledges a repeated FIN */
    if (must_ack)
        tcp_send_segment(c, TCP_ACK, c->snd_nxt, 0, 0);
    tcp_output(c); /* the ACK may have opened the window */
}

void tcp_input(uint32_t src, uint32_t dst, const uint8_t *p, size_t len)
{
    if (len < TCP_HEADER_LEN || dst != ipv4_address())
        return; /* too short, or broadcast: TCP is one-to-one */
    size_t hlen = (size_t)(p[12] >> 4) * 4;
    if (hlen < TCP_HEADER_LEN || hlen > len)
        return;
    if (ipv4_checksum(p, len, ipv4_pseudo_sum(src, dst, IPV4_PROTO_TCP, (uint16_t)len)) != 0)
        return;
    uint16_t sport = get16(p), dport = get16(p + 2);
    uint32_t seq = get32(p + 4), ack = get32(p + 8);
    uint8_t flags = p[13];
    uint16_t win = get16(p + 14);
    const uint8_t *data = p + hlen;
    size_t n = len - hlen;

    struct tcb *c = find(src, sport, dport);
    if (c) {
        segment(c, flags, seq, ack, win, data, n);
        return;
    }
    if (flags & TCP_RST)
        return; /* never answer a reset with a reset */
    if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && tcp_is_listening(dport)) {
        struct tcp_syn syn = {src, sport, dport, seq, win,
                              parse_mss(p + TCP_HEADER_LEN, hlen - TCP_HEADER_LEN), 0};
        tcp_backlog_syn(&syn);
        return;
    }
    if (flags & TCP_ACK)
        tcp_send_reset(src, dport, sport, ack, 0, 0);
    else
        tcp_send_reset(src, dport, sport, 0, seq + (uint32_t)n + ((flags & TCP_SYN) ? 1 : 0) +
                       ((flags & TCP_FIN) ? 1 : 0), 1);
}
