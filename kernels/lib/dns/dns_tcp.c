/*
 * dns_tcp.c — DNS over TCP (RFC 1035 §4.2.2, RFC 7766).
 *
 * UDP answers are limited to 512 bytes, or what the client's EDNS record offers; a longer
 * answer comes back truncated (TC set), and the client asks again over TCP, where a message
 * can be 65535 bytes long. RFC 7766 makes this a requirement for every server: without it, a
 * truncated answer could never be had in full.
 *
 * TCP is a byte stream, not a sequence of datagrams, so each message is framed by a two-byte
 * length in network order:
 *
 *   00 1d | <29 bytes of query>  00 1d | <29 bytes of the next query> ...
 *
 * A client may send several queries on one connection without waiting (pipelining); they are
 * answered one after another, in order. A connection that stays silent for idle_seconds is
 * closed, so idle clients cannot hold the few connection slots forever.
 */
#include "answer.h"
#include "clock.h"
#include "config.h"
#include "libc.h"
#include "net/wire.h"
#include "tcp.h"

#define CLIENTS CONFIG_DNS_TCP_CLIENTS
#define QUERY_MAX 1024          /* a query is a header, one question and an OPT record */
#define ANSWER_MAX (2 + 65535)  /* the length prefix and the longest message there is */
#define IDLE_NS ((uint64_t)CONFIG_DNS_TCP_IDLE_SECONDS * 1000000000u)

struct client {
    int conn; /* TCP connection number, -1: slot free */
    uint8_t in[QUERY_MAX];
    size_t in_len;
    uint8_t out[ANSWER_MAX];
    size_t out_len, sent; /* an answer is being sent while sent < out_len */
    uint64_t last_active_ns;
};

static struct client clients[CLIENTS];

static void drop(struct client *c)
{
    tcp_close(c->conn);
    c->conn = -1;
}

/* Hand TCP what it takes of the answer. 1 when all of it is handed over. */
static int push(struct client *c)
{
    while (c->sent < c->out_len) {
        int k = tcp_send(c->conn, c->out + c->sent, c->out_len - c->sent);
        if (k < 0) {
            drop(c);
            return 0;
        }
        if (k == 0)
            return 0; /* the send buffer is full: continue on a later turn */
        c->sent += (size_t)k;
    }
    return 1;
}

/* If a whole message has arrived, answer it. 0 when one was taken, -1 when none is complete. */
static int next_query(struct client *c)
{
    if (c->in_len < 2)
        return -1;
    size_t len = get16(c->in);
    if (c->in_len < 2 + len)
        return -1;
    size_t n = dns_answer(c->in + 2, len, c->out + 2, ANSWER_MAX - 2, 1);
    put16(c->out, (uint16_t)n);
    c->out_len = n ? 2 + n : 0; /* a message that deserves no answer gets none */
    c->sent = 0;
    memmove(c->in, c->in + 2 + len, c->in_len - 2 - len); /* the next query may follow */
    c->in_len -= 2 + len;
    return 0;
}

static void serve(struct client *c, uint64_t now)
{
    if (!push(c))
        return; /* the previous answer first: answers go out in the order of the queries */
    int n = tcp_recv(c->conn, c->in + c->in_len, QUERY_MAX - c->in_len);
    if (n > 0) {
        c->in_len += (size_t)n;
        c->last_active_ns = now;
    }
    if (next_query(c) == 0) {
        c->last_active_ns = now;
        push(c);
        return;
    }
    if (n < 0 || c->in_len == QUERY_MAX || now - c->last_active_ns > IDLE_NS)
        drop(c); /* the client is done, sent more than a query can be, or went quiet */
}

static void accept_new(uint64_t now)
{
    int conn;
    while ((conn = tcp_accept()) >= 0) {
        struct client *c = 0;
        for (int i = 0; i < CLIENTS && !c; i++)
            if (clients[i].conn < 0)
                c = &clients[i];
        if (!c) {
            tcp_close(conn); /* every slot busy: this client may try again */
            continue;
        }
        c->conn = conn;
        c->in_len = c->out_len = c->sent = 0;
        c->last_active_ns = now;
    }
}

int dns_tcp_start(uint16_t port)
{
    for (int i = 0; i < CLIENTS; i++)
        clients[i].conn = -1;
    return tcp_listen(port);
}

void dns_tcp_poll(void)
{
    uint64_t now = clock_ns();
    accept_new(now);
    for (int i = 0; i < CLIENTS; i++)
        if (clients[i].conn >= 0)
            serve(&clients[i], now);
}
