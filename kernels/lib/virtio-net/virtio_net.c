/*
 * virtio_net.c — a polled driver for QEMU's virtio network card on the MMIO transport.
 *
 * Start-up follows the virtio specification's recipe, one status bit at a time:
 *   1. find the card: scan the MMIO slots for the magic value and device id 1 (network);
 *   2. reset it, then say ACKNOWLEDGE and DRIVER;
 *   3. read the features it offers, accept the ones we understand (just "MAC in config
 *      space", and VERSION_1 on a modern device), and on modern devices confirm FEATURES_OK;
 *   4. give it two queues: 0 receives, 1 transmits;
 *   5. fill the receive queue with empty buffers, then set DRIVER_OK.
 *
 * Every packet is preceded by a small virtio-net header (checksum offload, segmentation). We
 * negotiate none of those features, so the header is all zeros on the way out and ignored on
 * the way in; it is 10 bytes on a legacy device and 12 on a modern one.
 *
 * Two ways to learn that a frame arrived (the `mode` option):
 *   poll       ask the device not to interrupt (VQ_AVAIL_F_NO_INTERRUPT) and look at the used
 *              ring again and again: netdev_wait returns at once, the loop spins, and a host
 *              core is busy even when nobody talks to the appliance;
 *   interrupt  the receive queue raises the card's interrupt line, routed through the `irq`
 *              interface; netdev_wait halts the CPU until it rings (or a deadline passes).
 * Transmit completions never interrupt: a sent buffer is taken back lazily when the next frame
 * goes out.
 */
#include <stdint.h>

#include "clock.h"
#include "config.h"
#include "irq.h"
#include "libc.h"
#include "netdev.h"
#include "telemetry.h"
#include "virtio_mmio.h"
#include "virtqueue.h"

#define RX_QUEUE 0
#define TX_QUEUE 1
#define BUF_SIZE 1536 /* virtio-net header + the largest frame, rounded up */
#ifdef CONFIG_VIRTIO_NET_MODE_INTERRUPT
#define INTERRUPTS 1
#else
#define INTERRUPTS 0
#endif

static volatile uint8_t *regs; /* the card's register window; NULL until found */
static uint32_t hdr_len;       /* virtio-net header: 10 legacy, 12 modern */
static uint8_t mac[6];

static struct vq_memory rxq_mem, txq_mem;
static struct virtqueue rxq = {&rxq_mem, 0}, txq = {&txq_mem, 0};
static uint8_t rx_buf[VQ_SIZE][BUF_SIZE] __attribute__((aligned(64)));
static uint8_t tx_buf[VQ_SIZE][BUF_SIZE] __attribute__((aligned(64)));
static uint16_t tx_free[VQ_SIZE]; /* stack of transmit descriptors not lent to the device */
static int tx_free_count;

static uint32_t rd(uint32_t off)
{
    return *(volatile uint32_t *)(regs + off);
}

static void wr(uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(regs + off) = v;
}

/* Step 1: which slot holds a network card? QEMU fills the slots from the top down. */
static int probe(void)
{
    for (int i = 0; i < CONFIG_VIRTIO_NET_MMIO_SLOTS; i++) {
        regs = (volatile uint8_t *)(uintptr_t)(CONFIG_VIRTIO_NET_MMIO_BASE + 0x200u * (uint32_t)i);
        if (rd(VMMIO_MAGIC) == VIRTIO_MAGIC && rd(VMMIO_DEVICE_ID) == VIRTIO_DEVICE_NET)
            return i;
    }
    regs = 0;
    return -1;
}

/* Step 3: accept only the features we use. Returns 0, or -1 if the device disagrees. */
static int negotiate(uint32_t version)
{
    wr(VMMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t offered = rd(VMMIO_DEVICE_FEATURES);
    wr(VMMIO_DRIVER_FEATURES_SEL, 0);
    wr(VMMIO_DRIVER_FEATURES, offered & (1u << VIRTIO_NET_F_MAC));
    if (version == 1)
        return 0; /* legacy: no second feature word, no FEATURES_OK handshake */
    wr(VMMIO_DEVICE_FEATURES_SEL, 1);
    uint32_t offered_hi = rd(VMMIO_DEVICE_FEATURES);
    wr(VMMIO_DRIVER_FEATURES_SEL, 1);
    wr(VMMIO_DRIVER_FEATURES, offered_hi & (1u << (VIRTIO_F_VERSION_1 - 32)));
    wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VSTATUS_FEATURES_OK);
    return (rd(VMMIO_STATUS) & VSTATUS_FEATURES_OK) ? 0 : -1;
}

/* Step 4: tell the device where queue `index` lives. */
static int setup_queue(uint32_t version, uint32_t index, struct virtqueue *q)
{
    memset(q->mem, 0, sizeof *q->mem);
    q->last_used = 0;
    q->mem->avail.flags = (INTERRUPTS && index == RX_QUEUE) ? 0 : VQ_AVAIL_F_NO_INTERRUPT;
    wr(VMMIO_QUEUE_SEL, index);
    uint32_t max = rd(VMMIO_QUEUE_NUM_MAX);
    if (max < VQ_SIZE)
        return -1;
    wr(VMMIO_QUEUE_NUM, VQ_SIZE);
    uint64_t base = (uint64_t)(uintptr_t)q->mem;
    if (version == 1) {
        wr(VMMIO_QUEUE_ALIGN, VQ_ALIGN);
        wr(VMMIO_QUEUE_PFN, (uint32_t)(base / VQ_ALIGN));
    } else {
        uint64_t avail = (uint64_t)(uintptr_t)&q->mem->avail;
        uint64_t used = (uint64_t)(uintptr_t)&q->mem->used;
        wr(VMMIO_QUEUE_DESC_LOW, (uint32_t)base);
        wr(VMMIO_QUEUE_DESC_HIGH, (uint32_t)(base >> 32));
        wr(VMMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
        wr(VMMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
        wr(VMMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
        wr(VMMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
        wr(VMMIO_QUEUE_READY, 1);
    }
    return 0;
}

static void notify(struct virtqueue *q, uint32_t index)
{
    vq_barrier();
    if (!(((volatile struct vq_used *)&q->mem->used)->flags & VQ_USED_F_NO_NOTIFY))
        wr(VMMIO_QUEUE_NOTIFY, index);
}

int netdev_init(void)
{
    if (regs)
        return 0;
    int slot = probe();
    if (slot < 0) {
        telemetry_write("netdev error=no-virtio-net-device");
        return -1;
    }
    uint32_t version = rd(VMMIO_VERSION);
    hdr_len = version == 1 ? 10 : 12;

    wr(VMMIO_STATUS, 0); /* step 2: reset, then introduce ourselves */
    wr(VMMIO_STATUS, VSTATUS_ACKNOWLEDGE);
    wr(VMMIO_STATUS, VSTATUS_ACKNOWLEDGE | VSTATUS_DRIVER);
    if (negotiate(version) < 0)
        goto fail;
    if (version == 1)
        wr(VMMIO_GUEST_PAGE_SIZE, VQ_ALIGN);
    if (setup_queue(version, RX_QUEUE, &rxq) < 0 || setup_queue(version, TX_QUEUE, &txq) < 0)
        goto fail;

    /* Step 5: every receive descriptor owns one buffer the device may write into. */
    for (uint16_t i = 0; i < VQ_SIZE; i++) {
        rxq.mem->desc[i] = (struct vq_desc){(uint64_t)(uintptr_t)rx_buf[i], BUF_SIZE,
                                            VQ_DESC_F_WRITE, 0};
        vq_give(&rxq, i);
        tx_free[i] = i;
    }
    tx_free_count = VQ_SIZE;
    for (int i = 0; i < 6; i++)
        mac[i] = regs[VMMIO_CONFIG + i];
    /* microvm wires slot n's interrupt line to input irq_base + n of the I/O APIC. */
    unsigned gsi = (unsigned)(CONFIG_VIRTIO_NET_IRQ_BASE + slot);
    if (INTERRUPTS && irq_route(gsi) < 0)
        goto fail;
    wr(VMMIO_STATUS, rd(VMMIO_STATUS) | VSTATUS_DRIVER_OK);
    notify(&rxq, RX_QUEUE);

    char rec[112];
    snprintf(rec, sizeof rec, "netdev slot=%d version=%u mac=%02x:%02x:%02x:%02x:%02x:%02x mode=%s",
             slot, version, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
             INTERRUPTS ? "interrupt" : "poll");
    telemetry_write(rec);
    return 0;
fail:
    wr(VMMIO_STATUS, VSTATUS_FAILED);
    telemetry_write("netdev error=device-refused-setup");
    regs = 0;
    return -1;
}

const uint8_t *netdev_mac(void)
{
    return mac;
}

/* Take back transmit buffers the device has finished sending. */
static void reclaim_tx(void)
{
    uint16_t id;
    uint32_t len;
    while (vq_take(&txq, &id, &len))
        tx_free[tx_free_count++] = id;
}

int netdev_send(const void *frame, size_t len)
{
    if (!regs || len > NETDEV_MAX_FRAME)
        return -1;
    reclaim_tx();
    /* All buffers in flight: the device empties the queue within microseconds, so wait a
     * bounded while rather than drop the frame. */
    for (uint32_t spins = 0; tx_free_count == 0 && spins < 10000000; spins++) {
        __asm__ volatile("pause");
        reclaim_tx();
    }
    if (tx_free_count == 0)
        return -1;
    uint16_t id = tx_free[--tx_free_count];
    memset(tx_buf[id], 0, hdr_len); /* no offloads: an all-zero virtio-net header */
    memcpy(tx_buf[id] + hdr_len, frame, len);
    txq.mem->desc[id] = (struct vq_desc){(uint64_t)(uintptr_t)tx_buf[id],
                                         (uint32_t)(hdr_len + len), 0, 0};
    vq_give(&txq, id);
    notify(&txq, TX_QUEUE);
    return 0;
}

int netdev_receive(void *buf, size_t cap)
{
    uint16_t id;
    uint32_t len;
    if (!regs || !vq_take(&rxq, &id, &len))
        return 0;
    size_t n = 0;
    if (id < VQ_SIZE && len > hdr_len) {
        n = len - hdr_len;
        if (n > cap)
            n = cap;
        memcpy(buf, rx_buf[id] + hdr_len, n);
    }
    if (id < VQ_SIZE) {
        vq_give(&rxq, id); /* the buffer goes straight back to the device */
        notify(&rxq, RX_QUEUE);
    }
    return (int)n;
}

/* Has the device put a received frame in the used ring that we have not taken yet? */
static int rx_waiting(void)
{
    return ((volatile struct vq_used *)&rxq.mem->used)->idx != rxq.last_used;
}

/*
 * Sleep until a frame may have arrived, or until deadline_ns. The order matters: first lower
 * the interrupt line (acknowledge what the device has signalled), then look at the used ring.
 * A frame arriving after the look raises the line again — a new edge — and that interrupt waits
 * in the APIC until irq_wait's `sti; hlt`, which it ends at once. Looking first and
 * acknowledging second could swallow that edge and sleep with a frame waiting.
 */
void netdev_wait(uint64_t deadline_ns)
{
    if (!INTERRUPTS || !regs)
        return; /* polling: the caller's loop comes straight back */
    /* Under load the next frame is usually microseconds away: look for it a little while
     * before paying for an interrupt and a wake-up (what Linux calls busy polling). */
    uint64_t spin_end = clock_ns() + (uint64_t)CONFIG_VIRTIO_NET_SPIN_US * 1000u;
    while (clock_ns() < spin_end) {
        if (rx_waiting())
            return;
        __asm__ volatile("pause"); /* a busy-wait: tell the CPU (and a hypervisor) */
    }
    wr(VMMIO_INTERRUPT_ACK, rd(VMMIO_INTERRUPT_STATUS));
    vq_barrier();
    if (rx_waiting())
        return;
    irq_wait(deadline_ns);
}
