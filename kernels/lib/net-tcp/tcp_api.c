/*
 * tcp_api.c — what the application calls: listen, accept, recv, send, close, poll.
 *
 * A connection is named by a number made of its slot and the slot's generation (tcb.h). A
 * slot may be given to a new client while the application still holds the old number — the
 * peer reset, or the connection was evicted — and the generation makes sure that a number the
 * application still uses never comes to mean another client's connection: calls with it
 * fail as they would after a reset, and tcp_close with it does nothing.
 */
#include "ipv4.h"
#include "libc.h"
#include "tcb.h"
#include "tcp.h"
#include "telemetry.h"

struct tcb tcp_conns[CONFIG_NET_TCP_CONNECTIONS];

int tcp_init(void)
{
    if (ipv4_init() < 0)
        return -1;
    ipv4_register(IPV4_PROTO_TCP, tcp_input);
    return 0;
}

int tcp_listen(uint16_t port)
{
    if (tcp_is_listening(port))
        return 0;
    for (int i = 0; i < TCP_LISTENERS; i++) {
        if (tcp_listening[i] == 0) {
            tcp_listening[i] = port;
            char rec[48];
            snprintf(rec, sizeof rec, "tcp listen port=%u", port);
            telemetry_write(rec);
            return 0;
        }
    }
    return -1;
}

int tcp_accept(void)
{
    for (int i = 0; i < CONFIG_NET_TCP_CONNECTIONS; i++) {
        struct tcb *c = &tcp_conns[i];
        if (!c->accepted && (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT)) {
            c->accepted = 1;
            c->owned = 1;
            return tcp_number(c);
        }
    }
    return -1;
}

int tcp_number(const struct tcb *c)
{
    return (int)(c - tcp_conns) | (int)c->generation << TCP_SLOT_BITS;
}

static struct tcb *owned(int conn)
{
    int slot = conn & ((1 << TCP_SLOT_BITS) - 1);
    if (conn < 0 || slot >= CONFIG_NET_TCP_CONNECTIONS)
        return 0;
    struct tcb *c = &tcp_conns[slot];
    return c->owned && tcp_number(c) == conn ? c : 0;
}

int tcp_recv(int conn, void *buf, size_t cap)
{
    struct tcb *c = owned(conn);
    if (!c)
        return -1;
    if (c->rcv_len == 0)
        return (c->peer_fin || c->reset || c->state == TCP_CLOSED) ? -1 : 0;
    size_t n = c->rcv_len < cap ? c->rcv_len : cap;
    uint8_t *out = buf;
    for (size_t i = 0; i < n; i++)
        out[i] = c->rcvbuf[(c->rcv_head + i) % RCVBUF];
    c->rcv_head = (c->rcv_head + n) % RCVBUF;
    c->rcv_len -= n;
    /* If the window we advertised was nearly shut, tell the peer it is open again; otherwise
     * it would wait for its own timer before sending more. */
    if (c->state != TCP_CLOSED && c->adv_wnd < c->mss && tcp_receive_window(c) >= c->mss)
        tcp_send_segment(c, 0x10 /* ACK */, c->snd_nxt, 0, 0);
    return (int)n;
}

size_t tcp_send_space(int conn)
{
    struct tcb *c = owned(conn);
    if (!c || c->app_closed || (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT))
        return 0;
    return SNDBUF - c->snd_len;
}

int tcp_send(int conn, const void *data, size_t len)
{
    struct tcb *c = owned(conn);
    if (!c || c->app_closed || (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT))
        return -1;
    size_t space = SNDBUF - c->snd_len;
    size_t take = len < space ? len : space;
    const uint8_t *in = data;
    size_t tail = (c->snd_head + c->snd_len) % SNDBUF;
    size_t first = take < SNDBUF - tail ? take : SNDBUF - tail;
    memcpy(c->sndbuf + tail, in, first);
    memcpy(c->sndbuf, in + first, take - first);
    c->snd_len += take;
    tcp_output(c);
    return (int)take;
}

void tcp_close(int conn)
{
    struct tcb *c = owned(conn);
    if (!c)
        return;
    c->owned = 0;
    if (c->state == TCP_CLOSED)
        return; /* already reset: the slot is free now */
    c->app_closed = 1;
    tcp_output(c); /* sends the FIN now if nothing is left to send */
}

int tcp_poll(void)
{
    int frames = ipv4_poll();
    tcp_timers();
    tcp_backlog_admit();
    ipv4_wait(tcp_next_timer());
    return frames;
}
