/*
 * arp.c — the Address Resolution Protocol (RFC 826) for IPv4 over Ethernet.
 *
 * One 28-byte message format serves both directions:
 *
 *   hardware type (1 = Ethernet) | protocol type (0x0800) | 6 | 4 | operation (1 ask, 2 answer)
 *   sender MAC | sender IP | target MAC | target IP
 *
 * A request is broadcast; the owner of the target IP answers to the sender directly. Whenever
 * a message concerns us we also remember the sender's pair: QEMU's gateway asks for our MAC
 * before it delivers anything, so by the time we answer a client we already know the
 * gateway's MAC and never have to ask.
 */
#include "arp.h"
#include "eth.h"
#include "libc.h"
#include "net/wire.h"

#define ARP_LEN 28
#define CACHE_SIZE 8
#define OP_REQUEST 1
#define OP_REPLY 2

static uint32_t my_ip;
static struct {
    uint32_t ip; /* 0: empty slot */
    uint8_t mac[6];
} cache[CACHE_SIZE];
static unsigned next_victim; /* round-robin replacement: simple, and enough for a few peers */

static void remember(uint32_t ip, const uint8_t *mac, int insert)
{
    if (ip == 0)
        return;
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (cache[i].ip == ip) {
            memcpy(cache[i].mac, mac, 6);
            return;
        }
    }
    if (!insert)
        return;
    unsigned slot = next_victim++ % CACHE_SIZE;
    cache[slot].ip = ip;
    memcpy(cache[slot].mac, mac, 6);
}

static void send_arp(uint16_t op, const uint8_t *dst_mac, const uint8_t *target_mac, uint32_t target_ip)
{
    uint8_t m[ARP_LEN];
    put16(m + 0, 1);
    put16(m + 2, ETH_TYPE_IPV4);
    m[4] = 6;
    m[5] = 4;
    put16(m + 6, op);
    memcpy(m + 8, eth_mac(), 6);
    put32(m + 14, my_ip);
    memcpy(m + 18, target_mac, 6);
    put32(m + 24, target_ip);
    eth_send(dst_mac, ETH_TYPE_ARP, m, ARP_LEN);
}

static void arp_input(const uint8_t *src_mac, const uint8_t *m, size_t len)
{
    (void)src_mac;
    if (len < ARP_LEN || get16(m) != 1 || get16(m + 2) != ETH_TYPE_IPV4 || m[4] != 6 || m[5] != 4)
        return;
    uint16_t op = get16(m + 6);
    uint32_t sender_ip = get32(m + 14);
    uint32_t target_ip = get32(m + 24);
    int for_us = target_ip == my_ip;
    /* RFC 826's "merge" rule: refresh a known pair always, add a new one only if it is for us. */
    remember(sender_ip, m + 8, for_us);
    if (for_us && op == OP_REQUEST)
        send_arp(OP_REPLY, m + 8, m + 8, sender_ip);
}

void arp_init(uint32_t ip)
{
    my_ip = ip;
    eth_register(ETH_TYPE_ARP, arp_input);
}

int arp_lookup(uint32_t ip, uint8_t *mac_out)
{
    for (int i = 0; i < CACHE_SIZE; i++) {
        if (ip != 0 && cache[i].ip == ip) {
            memcpy(mac_out, cache[i].mac, 6);
            return 1;
        }
    }
    return 0;
}

void arp_request(uint32_t ip)
{
    static const uint8_t everyone[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t unknown[6] = {0};
    send_arp(OP_REQUEST, everyone, unknown, ip);
}
