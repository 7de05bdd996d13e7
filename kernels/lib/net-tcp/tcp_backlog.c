/*
 * tcp_backlog.c — the waiting room: SYNs that arrive while every connection slot is busy.
 *
 * A slot costs a send and a receive buffer, so there are few of them. A SYN costs a few bytes
 * to remember. When a crowd arrives at once, the SYNs that find no slot wait here, oldest
 * first, and each gets its SYN-ACK as soon as a slot frees — instead of being dropped and
 * retried by the client seconds later (a dropped SYN is retried after 1 s, then 3 s, 7 s ...
 * by Linux; QEMU's user-mode network waits longer still). This is what a listen backlog is
 * in a larger kernel.
 *
 * A repeated SYN from a client already waiting is not queued twice. When the room itself is
 * full, the newest SYN takes the place of the oldest, which will retry; and a SYN that has
 * waited `WAIT_LIMIT_NS` is forgotten, as its client has given up by then.
 */
#include "clock.h"
#include "libc.h"
#include "tcb.h"

#define WAITING CONFIG_NET_TCP_BACKLOG
#define WAIT_LIMIT_NS 20000000000ull

static struct tcp_syn waiting[WAITING];
static int count; /* entries 0 .. count-1, oldest first */

static void forget(int i)
{
    memmove(&waiting[i], &waiting[i + 1], (size_t)(count - i - 1) * sizeof waiting[0]);
    count--;
}

static int find(const struct tcp_syn *s)
{
    for (int i = 0; i < count; i++)
        if (waiting[i].ip == s->ip && waiting[i].remote_port == s->remote_port &&
            waiting[i].local_port == s->local_port)
            return i;
    return -1;
}

/* A SYN for a listening port with no connection yet: open it now, or let it wait. */
void tcp_backlog_syn(struct tcp_syn *s)
{
    uint64_t now = clock_ns();
    if (find(s) >= 0)
        return; /* the client repeats itself: it is already waiting */
    struct tcb *c = count == 0 ? tcp_allocate(now) : 0; /* nobody may jump the queue */
    if (c) {
        tcp_open(c, s, now);
        return;
    }
    if (count == WAITING)
        forget(0);
    s->since = now;
    waiting[count++] = *s;
}

/* Called on every poll: give freed slots to the SYNs that waited longest. */
void tcp_backlog_admit(void)
{
    if (count == 0)
        return;
    uint64_t now = clock_ns();
    while (count > 0 && now - waiting[0].since >= WAIT_LIMIT_NS)
        forget(0);
    while (count > 0) {
        struct tcb *c = tcp_allocate(now);
        if (!c)
            return;
        tcp_open(c, &waiting[0], now);
        forget(0);
    }
}
