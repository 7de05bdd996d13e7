/*
 * ipv4.c — sending and receiving IPv4 packets (RFC 791).
 *
 * The 20-byte header we write (no options):
 *
 *   version=4, header length=5 words | type of service | total length
 *   identification                   | flags (DF) + fragment offset
 *   time to live | protocol          | header checksum
 *   source address
 *   destination address
 *
 * Receiving is a list of checks, each one a way a broken or hostile packet is turned away
 * before anything trusts its fields. Fragments are dropped rather than reassembled:
 * reassembly needs buffers and timers, and the peers of this stack (TCP with a negotiated
 * segment size, DNS over UDP within 1232 bytes) never fragment.
 */
#include "arp.h"
#include "clock.h"
#include "config.h"
#include "eth.h"
#include "ipv4.h"
#include "libc.h"
#include "net/wire.h"
#include "netdev.h"
#include "telemetry.h"

#define HANDLERS 4
#define PARK_RETRY_NS 250000000ull /* ask ARP again every 250 ms ... */
#define PARK_TRIES 4               /* ... four times, then give up on the parked packet */

static uint32_t my_addr, netmask, gateway;
static int started;
static uint16_t next_id;
static int busy; /* frames handled since the last ipv4_wait */
static uint8_t out[ETH_MTU];

static struct {
    uint8_t protocol;
    ipv4_handler_fn fn;
} handlers[HANDLERS];

/* One packet may wait for an ARP answer. A busier stack would keep a queue per neighbour. */
static struct {
    int used;
    uint32_t next_hop;
    uint64_t asked_ns;
    int tries;
    size_t len;
    uint8_t packet[ETH_MTU];
} parked;

/* "10.0.2.15" -> 0x0a00020f; -1 when the text is not four numbers 0..255 with dots. */
static int parse_address(const char *s, uint32_t *out_addr)
{
    uint32_t addr = 0;
    for (int part = 0; part < 4; part++) {
        uint32_t v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (uint32_t)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || v > 255 || *s != (part < 3 ? '.' : '\0'))
            return -1;
        if (part < 3)
            s++;
        addr = (addr << 8) | v;
    }
    *out_addr = addr;
    return 0;
}

static void ipv4_input(const uint8_t *src_mac, const uint8_t *p, size_t len)
{
    (void)src_mac;
    if (len < IPV4_HEADER_LEN || (p[0] >> 4) != 4)
        return; /* too short, or not version 4 */
    size_t hlen = (size_t)(p[0] & 0x0f) * 4;
    size_t total = get16(p + 2);
    if (hlen < IPV4_HEADER_LEN || hlen > total || total > len)
        return; /* lengths that contradict each other or the frame */
    if (ipv4_checksum(p, hlen, 0) != 0)
        return; /* damaged header */
    if (get16(p + 6) & 0x3fff)
        return; /* a fragment: more-fragments flag or a non-zero offset */
    uint32_t src = get32(p + 12), dst = get32(p + 16);
    uint32_t subnet_broadcast = my_addr | ~netmask;
    if (dst != my_addr && dst != 0xffffffffu && dst != subnet_broadcast)
        return; /* not for us: we are not a router */
    for (int i = 0; i < HANDLERS; i++) {
        if (handlers[i].fn && handlers[i].protocol == p[9]) {
            /* `total` (not the frame length) ends the payload: short frames carry padding. */
            handlers[i].fn(src, dst, p + hlen, total - hlen);
            return;
        }
    }
}

int ipv4_init(void)
{
    if (started)
        return 0;
    if (parse_address(CONFIG_NET_IPV4_ADDRESS, &my_addr) < 0 ||
        parse_address(CONFIG_NET_IPV4_NETMASK, &netmask) < 0 ||
        parse_address(CONFIG_NET_IPV4_GATEWAY, &gateway) < 0) {
        telemetry_write("net error=bad-ipv4-option");
        return -1;
    }
    if (eth_init() < 0)
        return -1;
    arp_init(my_addr);
    eth_register(ETH_TYPE_IPV4, ipv4_input);
    started = 1;
    /* Ask for the gateway's MAC now: the gateway learns ours from the question, and the answer
     * is cached before the first reply has to go out. */
    arp_request(gateway);
    char rec[96];
    snprintf(rec, sizeof rec, "net address=%s netmask=%s gateway=%s", CONFIG_NET_IPV4_ADDRESS,
             CONFIG_NET_IPV4_NETMASK, CONFIG_NET_IPV4_GATEWAY);
    telemetry_write(rec);
    return 0;
}

uint32_t ipv4_address(void)
{
    return my_addr;
}

void ipv4_register(uint8_t protocol, ipv4_handler_fn handler)
{
    for (int i = 0; i < HANDLERS; i++) {
        if (!handlers[i].fn || handlers[i].protocol == protocol) {
            handlers[i].protocol = protocol;
            handlers[i].fn = handler;
            return;
        }
    }
}

int ipv4_send(uint32_t dst, uint8_t protocol, const void *payload, size_t len)
{
    if (!started || len > IPV4_MAX_PAYLOAD)
        return -1;
    size_t total = IPV4_HEADER_LEN + len;
    uint8_t *h = out;
    h[0] = 0x45; /* version 4, 5 words of header */
    h[1] = 0;
    put16(h + 2, (uint16_t)total);
    put16(h + 4, next_id++);
    put16(h + 6, 0x4000); /* don't fragment: we never send more than one MTU */
    h[8] = CONFIG_NET_IPV4_TTL;
    h[9] = protocol;
    put16(h + 10, 0);
    put32(h + 12, my_addr);
    put32(h + 16, dst);
    put16(h + 10, ipv4_checksum(h, IPV4_HEADER_LEN, 0));
    memcpy(h + IPV4_HEADER_LEN, payload, len);

    static const uint8_t everyone[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (dst == 0xffffffffu)
        return eth_send(everyone, ETH_TYPE_IPV4, h, total);
    /* Routing in one line: on our subnet, deliver directly; anywhere else, via the gateway. */
    uint32_t hop = ((dst & netmask) == (my_addr & netmask)) ? dst : gateway;
    uint8_t mac[6];
    if (arp_lookup(hop, mac))
        return eth_send(mac, ETH_TYPE_IPV4, h, total);
    /* Unknown neighbour: park the packet (replacing an older parked one) and ask. */
    parked.used = 1;
    parked.next_hop = hop;
    parked.len = total;
    parked.tries = 1;
    parked.asked_ns = clock_ns();
    memcpy(parked.packet, h, total);
    arp_request(hop);
    return 0;
}

static void retry_parked(void)
{
    uint8_t mac[6];
    if (!parked.used)
        return;
    if (arp_lookup(parked.next_hop, mac)) {
        parked.used = 0;
        eth_send(mac, ETH_TYPE_IPV4, parked.packet, parked.len);
        return;
    }
    uint64_t now = clock_ns();
    if (now - parked.asked_ns < PARK_RETRY_NS)
        return;
    if (parked.tries >= PARK_TRIES) {
        parked.used = 0; /* nobody answers: drop it, as IP may */
        return;
    }
    parked.tries++;
    parked.asked_ns = now;
    arp_request(parked.next_hop);
}

/*
 * Sleep only after a whole turn of the application's loop found nothing: a loop may poll
 * twice per turn (UDP and TCP), and the first poll may take every frame — the second must not
 * then sleep on work the application has not done yet.
 */
void ipv4_wait(uint64_t deadline_ns)
{
    if (busy) {
        busy = 0;
        return;
    }
    if (parked.used && parked.asked_ns + PARK_RETRY_NS < deadline_ns)
        deadline_ns = parked.asked_ns + PARK_RETRY_NS; /* wake to ask ARP again */
    netdev_wait(deadline_ns);
}

int ipv4_poll(void)
{
    if (!started)
        return 0;
    int frames = eth_poll();
    if (frames > 0)
        busy = 1;
    retry_parked();
    return frames;
}
