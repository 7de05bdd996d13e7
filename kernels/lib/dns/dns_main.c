/*
 * dns_main.c — the appliance: bring up UDP and TCP, open the DNS port, answer queries forever.
 *
 * This is the whole "operating system" the application sees: udp_init() and tcp_init() start
 * the card, Ethernet, ARP and IPv4 underneath (once); the handler below is called for every
 * datagram that arrives on our port; the loop polls the stack, which hands UDP datagrams to the
 * handler and TCP segments to the connections dns_tcp.c serves. There is nothing else to
 * schedule.
 */
#include "answer.h"
#include "app.h"
#include "clock.h"
#include "config.h"
#include "icmp.h"
#include "libc.h"
#include "tcp.h"
#include "telemetry.h"
#include "udp.h"
#include "zone.h"

static uint8_t response[DNS_EDNS_SIZE];
static uint32_t queries;

static void on_datagram(uint32_t src_ip, uint16_t src_port, uint16_t dst_port,
                        const uint8_t *data, size_t len)
{
    queries++;
    size_t n = dns_answer(data, len, response, sizeof response, 0);
    if (n)
        udp_send(src_ip, dst_port, src_port, response, n);
}

/* "example.org." from the wire form of the zone apex, for the console. */
static void print_apex(void)
{
    const uint8_t *p = zone_nodes[0].name;
    char text[256];
    size_t t = 0;
    while (*p && t + *p + 2 < sizeof text) {
        memcpy(text + t, p + 1, *p);
        t += *p;
        text[t++] = '.';
        p += 1 + *p;
    }
    text[t] = 0;
    printf("dns: authoritative for %s (%u names, %u records), UDP and TCP port %d\n",
           t ? text : ".", zone_node_count, zone_rr_count, CONFIG_DNS_PORT);
}

int app_main(void)
{
    clock_init();
    if (udp_init() < 0 || tcp_init() < 0) {
        printf("dns: no network card; start QEMU with a virtio-net device\n");
        return 1;
    }
    icmp_init();
    if (udp_bind(CONFIG_DNS_PORT, on_datagram) < 0 || dns_tcp_start(CONFIG_DNS_PORT) < 0)
        return 1;
    print_apex();
    telemetry_write("ready app=dns");
    for (;;) {
        tcp_poll(); /* frames of both protocols: datagrams go to on_datagram at once */
        dns_tcp_poll();
    }
}
