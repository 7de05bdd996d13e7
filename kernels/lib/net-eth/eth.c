/*
 * eth.c — Ethernet: a 14-byte header, and a table saying who wants which ethertype.
 *
 *   0      6      12   14
 *   | dst  | src  |type| payload ...
 *
 * Incoming frames are kept only when they are addressed to our MAC or to everyone
 * (ff:ff:ff:ff:ff:ff, used by ARP requests). Values of `type` below 0x0600 are not ethertypes
 * but lengths (old IEEE 802.3 framing); nothing we speak uses that, so those frames are dropped.
 */
#include "eth.h"
#include "libc.h"
#include "net/wire.h"
#include "netdev.h"

#define HANDLERS 4

static struct {
    uint16_t type;
    eth_handler_fn fn;
} handlers[HANDLERS];

static int started;
static uint8_t rx_frame[NETDEV_MAX_FRAME];
static uint8_t tx_frame[NETDEV_MAX_FRAME];
static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

int eth_init(void)
{
    if (started)
        return 0;
    if (netdev_init() < 0)
        return -1;
    started = 1;
    return 0;
}

const uint8_t *eth_mac(void)
{
    return netdev_mac();
}

void eth_register(uint16_t ethertype, eth_handler_fn handler)
{
    int free_slot = -1;
    for (int i = 0; i < HANDLERS; i++) {
        if (handlers[i].fn && handlers[i].type == ethertype) {
            handlers[i].fn = handler;
            return;
        }
        if (!handlers[i].fn && free_slot < 0)
            free_slot = i;
    }
    if (free_slot >= 0) {
        handlers[free_slot].type = ethertype;
        handlers[free_slot].fn = handler;
    }
}

int eth_send(const uint8_t *dst_mac, uint16_t ethertype, const void *payload, size_t len)
{
    if (!started || len > ETH_MTU)
        return -1;
    memcpy(tx_frame, dst_mac, 6);
    memcpy(tx_frame + 6, netdev_mac(), 6);
    put16(tx_frame + 12, ethertype);
    memcpy(tx_frame + ETH_HEADER_LEN, payload, len);
    /* The minimum frame is 60 bytes; short ones are padded with zeros (the receiver's IP
     * length field tells it where the real payload ends). */
    size_t total = ETH_HEADER_LEN + len;
    if (total < 60) {
        memset(tx_frame + total, 0, 60 - total);
        total = 60;
    }
    return netdev_send(tx_frame, total);
}

static void dispatch(const uint8_t *frame, size_t len)
{
    if (len < ETH_HEADER_LEN)
        return; /* a runt: not even a whole header */
    if (memcmp(frame, netdev_mac(), 6) != 0 && memcmp(frame, broadcast, 6) != 0)
        return; /* for someone else (or multicast, which we do not join) */
    uint16_t type = get16(frame + 12);
    for (int i = 0; i < HANDLERS; i++) {
        if (handlers[i].fn && handlers[i].type == type) {
            handlers[i].fn(frame + 6, frame + ETH_HEADER_LEN, len - ETH_HEADER_LEN);
            return;
        }
    }
}

int eth_poll(void)
{
    if (!started)
        return 0;
    int frames = 0;
    /* A bounded batch, so a flood of frames cannot starve the caller's other work. */
    while (frames < 32) {
        int n = netdev_receive(rx_frame, sizeof rx_frame);
        if (n <= 0)
            break;
        frames++;
        dispatch(rx_frame, (size_t)n);
    }
    return frames;
}
