/*
 * httpd_main.c — the web-server appliance: one loop over every client connection.
 *
 * Each turn of the loop: poll the stack (frames in, timers), accept new connections, then let
 * every client make progress without waiting — read what has arrived; when a whole request is
 * in, decide the response; push as much of it as the connection's send buffer takes. A 1 MiB
 * file therefore goes out in pieces over many turns, interleaved with other clients' requests.
 * No threads, no blocking, no copies of the file: the body is sent straight from the image.
 */
#include "app.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "icmp.h"
#include "libc.h"
#include "site.h"
#include "tcp.h"
#include "telemetry.h"

#define CLIENTS CONFIG_HTTPD_CLIENTS
#define REQUEST_MAX 2048

struct client {
    int conn; /* TCP connection number, -1: slot free */
    char req[REQUEST_MAX];
    size_t req_len;
    int responding;
    struct http_response resp;
    size_t sent; /* bytes of head + body already handed to TCP */
    uint64_t last_active_ns;
    uint64_t request_start_ns; /* when the first byte of the request being read arrived */
};

static struct client clients[CLIENTS];
static uint32_t requests;

static void drop(struct client *c)
{
    tcp_close(c->conn);
    c->conn = -1;
}

/* Hand TCP as much of the response as it takes. Returns 1 when all of it is handed over. */
static int push(struct client *c)
{
    struct http_response *r = &c->resp;
    while (c->sent < r->head_len + r->body_len) {
        const void *from;
        size_t n;
        if (c->sent < r->head_len) {
            from = r->head + c->sent;
            n = r->head_len - c->sent;
        } else {
            from = r->body + (c->sent - r->head_len);
            n = r->head_len + r->body_len - c->sent;
        }
        int k = tcp_send(c->conn, from, n);
        if (k < 0) {
            drop(c); /* the client went away mid-response */
            return 0;
        }
        if (k == 0)
            return 0; /* send buffer full: continue on a later turn */
        c->sent += (size_t)k;
    }
    return 1;
}

static void serve(struct client *c, uint64_t now)
{
    if (c->responding) {
        if (!push(c))
            return;
        c->responding = 0;
        c->last_active_ns = now;
        if (c->resp.close) {
            drop(c);
            return;
        }
    }
    if (c->req_len < REQUEST_MAX) {
        int n = tcp_recv(c->conn, c->req + c->req_len, REQUEST_MAX - c->req_len);
        if (n < 0 && http_request_end(c->req, c->req_len) == 0) {
            drop(c); /* closed by the client, no complete request left */
            return;
        }
        if (n > 0) {
            if (c->req_len == 0)
                c->request_start_ns = now;
            c->req_len += (size_t)n;
            c->last_active_ns = now;
        }
    }
    size_t end = http_request_end(c->req, c->req_len);
    if (end == 0) {
        if (c->req_len == REQUEST_MAX) { /* headers larger than we accept */
            http_too_large(&c->resp);
            c->req_len = 0;
            c->sent = 0;
            c->responding = 1;
        } else if (now - c->last_active_ns > (uint64_t)CONFIG_HTTPD_IDLE_SECONDS * 1000000000u) {
            drop(c); /* an idle keep-alive connection gives its slot to others */
        } else if (c->req_len > 0 &&
                   now - c->request_start_ns > (uint64_t)CONFIG_HTTPD_REQUEST_SECONDS * 1000000000u) {
            drop(c); /* a request trickling in a byte at a time (slowloris) must not hold a slot */
        }
        return;
    }
    requests++;
    http_respond(c->req, end, &c->resp);
    /* Keep bytes after this request: a pipelining client may have sent the next one. */
    memmove(c->req, c->req + end, c->req_len - end);
    c->req_len -= end;
    c->sent = 0;
    c->responding = 1;
    serve(c, now); /* start sending at once */
}

/* Accept only while a client slot is free: a connection left waiting in TCP is taken on a
 * later turn, when a slot frees, or evicted by TCP if its client does nothing. */
static void accept_new(uint64_t now)
{
    for (int i = 0; i < CLIENTS; i++) {
        struct client *c = &clients[i];
        if (c->conn >= 0)
            continue;
        int conn = tcp_accept();
        if (conn < 0)
            return;
        c->conn = conn;
        c->req_len = 0;
        c->responding = 0;
        c->last_active_ns = now;
    }
}

int app_main(void)
{
    clock_init();
    for (int i = 0; i < CLIENTS; i++)
        clients[i].conn = -1;
    if (tcp_init() < 0) {
        printf("httpd: no network card; start QEMU with a virtio-net device\n");
        return 1;
    }
    icmp_init();
    if (tcp_listen(CONFIG_HTTPD_PORT) < 0)
        return 1;
    uint64_t bytes = 0;
    for (int i = 0; i < site_file_count; i++)
        bytes += site_files[i].size;
    printf("httpd: %u files (%llu bytes) on TCP port %d\n", site_file_count,
           (unsigned long long)bytes, CONFIG_HTTPD_PORT);
    telemetry_write("ready app=httpd");
    for (;;) {
        tcp_poll();
        uint64_t now = clock_ns();
        accept_new(now);
        for (int i = 0; i < CLIENTS; i++)
            if (clients[i].conn >= 0)
                serve(&clients[i], now);
    }
}
