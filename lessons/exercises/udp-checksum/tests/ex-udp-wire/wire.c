/*
 * wire.c — a network card made of memory, so the test can see both sides of the wire.
 *
 * QEMU's user network always hands the guest datagrams with correct checksums, so it cannot
 * show whether a stack rejects damaged ones; and it hides the checksums the guest sends. This
 * card can: netdev_receive() hands out a fixed script of frames built here, and
 * netdev_send() inspects every UDP datagram the stack sends. The checksum is computed from
 * scratch below, not with the stack's own functions.
 */
#include "libc.h"
#include "net/wire.h"
#include "netdev.h"
#include "telemetry.h"

#define OUR_IP IPV4(10, 0, 2, 15)   /* net-ipv4's default address */
#define PEER_IP IPV4(10, 0, 2, 2)
#define OTHER_IP IPV4(10, 0, 2, 99) /* somebody else on the subnet */
#define TEST_PORT 7                 /* where ex-udp-test listens */

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* One's-complement sum of 16-bit big-endian words, folded; an odd last byte is padded. */
static uint32_t add_words(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)((p[i] << 8) | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

/* The UDP checksum as RFC 768 defines it: pseudo-header, then header and data. */
static uint16_t udp_sum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t len)
{
    uint8_t pseudo[12];
    put32(pseudo, src);
    put32(pseudo + 4, dst);
    pseudo[8] = 0;
    pseudo[9] = 17;
    put16(pseudo + 10, (uint16_t)len);
    return (uint16_t)~add_words(add_words(0, pseudo, sizeof pseudo), udp, len);
}

/* How each scripted datagram is spoiled (or not). */
enum spoil { INTACT, NO_CHECKSUM, DAMAGED, OTHER_DESTINATION };

static const struct {
    const char *data; /* ex-udp-test recognises the datagram by its data */
    enum spoil how;
} script[] = {
    {"valid", INTACT},
    {"unchecked", NO_CHECKSUM},
    {"damaged", DAMAGED},
    {"misdelivered", OTHER_DESTINATION},
};
#define SCRIPT_LEN (sizeof script / sizeof script[0])

static size_t next_frame;

/* Ethernet + IPv4 + UDP from PEER_IP:1000 to our TEST_PORT. Returns the frame length. */
static size_t build_frame(uint8_t *f, const char *data, enum spoil how)
{
    size_t dlen = strlen(data), ulen = 8 + dlen, total = 20 + ulen;
    memcpy(f, our_mac, 6);
    memcpy(f + 6, peer_mac, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)total);
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, PEER_IP);
    put32(ip + 16, OUR_IP);
    put16(ip + 10, (uint16_t)~add_words(0, ip, 20));
    uint8_t *u = ip + 20;
    put16(u, 1000);
    put16(u + 2, TEST_PORT);
    put16(u + 4, (uint16_t)ulen);
    put16(u + 6, 0);
    memcpy(u + 8, data, dlen);
    if (how != NO_CHECKSUM) {
        uint16_t sum = udp_sum(PEER_IP, how == OTHER_DESTINATION ? OTHER_IP : OUR_IP, u, ulen);
        put16(u + 6, sum ? sum : 0xffff);
    }
    if (how == DAMAGED)
        u[8] ^= 0x20; /* one bit flipped on the way, after the checksum was made */
    return 14 + total;
}

int netdev_init(void)
{
    next_frame = 0;
    return 0;
}

const uint8_t *netdev_mac(void)
{
    return our_mac;
}

int netdev_receive(void *buf, size_t cap)
{
    if (next_frame >= SCRIPT_LEN || cap < 128)
        return 0;
    size_t n = build_frame(buf, script[next_frame].data, script[next_frame].how);
    next_frame++;
    return (int)n;
}

/* Every UDP datagram sent is checked and reported; anything else (ARP) is ignored. */
int netdev_send(const void *frame, size_t len)
{
    const uint8_t *f = frame;
    if (len > NETDEV_MAX_FRAME)
        return -1;
    if (len < 14 + 20 + 8 || get16(f + 12) != 0x0800 || f[14 + 9] != 17)
        return 0;
    const uint8_t *ip = f + 14, *u = ip + (ip[0] & 0x0f) * 4;
    size_t ulen = get16(u + 4);
    if (ulen < 8 || u + ulen > f + len)
        return 0;
    uint16_t field = get16(u + 6);
    const char *verdict = "zero";
    if (field != 0)
        verdict = udp_sum(get32(ip + 12), get32(ip + 16), u, ulen) == 0 ? "valid" : "wrong";

    char tag[17];
    size_t t = 0;
    while (t < 16 && 8 + t < ulen && ((u[8 + t] >= 'a' && u[8 + t] <= 'z') || u[8 + t] == '-')) {
        tag[t] = (char)u[8 + t];
        t++;
    }
    tag[t] = 0;
    char record[96];
    snprintf(record, sizeof record, "wire udp tag=%s checksum=%s field=0x%04x", tag, verdict,
             field);
    telemetry_write(record);
    printf("  wire: datagram '%s' left with checksum field 0x%04x (%s)\n", tag, field, verdict);
    return 0;
}

/* A card made of memory has its frames at once: nothing to wait for. */
void netdev_wait(uint64_t deadline_ns)
{
    (void)deadline_ns;
}
