/*
 * virtqueue.h — the "split" virtqueue: how a driver and a virtio device share buffers.
 *
 * A virtqueue is three arrays in guest memory that both sides read and write:
 *
 *   descriptor table  one entry per buffer: its physical address, length, and whether the
 *                     device writes into it (receive) or reads from it (transmit);
 *   available ring    the driver appends descriptor numbers it hands to the device, then
 *                     bumps `idx`;
 *   used ring         the device appends descriptor numbers it has finished with (and how
 *                     many bytes it wrote), then bumps its own `idx`.
 *
 * Each side only ever writes its own ring, so no lock is needed: a memory barrier between
 * filling an entry and publishing the new index is enough. Indexes run freely and wrap at
 * 65536; the slot is `idx % size`.
 *
 * Physical addresses: the boot code maps memory one-to-one (virtual == physical), so the
 * address of a static array is also what the device must be told.
 */
#ifndef VIRTQUEUE_H
#define VIRTQUEUE_H

#include <stdint.h>

#include "config.h"

/*
 * Entries per queue: a power of two no larger than the device's maximum (QEMU: 256). The
 * receive queue is also where a burst waits while the appliance catches up: every frame that
 * does not fit waits in QEMU and in the host's socket buffer instead, and once that is full
 * the host drops datagrams — the next good query among them.
 */
#define VQ_SIZE CONFIG_VIRTIO_NET_QUEUE_SIZE
#define VQ_ALIGN 4096
_Static_assert((VQ_SIZE & (VQ_SIZE - 1)) == 0, "queue_size must be a power of two");

/* Legacy devices find the used ring at the first VQ_ALIGN boundary after the available ring. */
#define VQ_FIRST_PART (((16 * VQ_SIZE + 6 + 2 * VQ_SIZE) + VQ_ALIGN - 1) / VQ_ALIGN * VQ_ALIGN)

#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2 /* the device writes into this buffer */
#define VQ_AVAIL_F_NO_INTERRUPT 1 /* we poll: please do not raise interrupts */
#define VQ_USED_F_NO_NOTIFY 1     /* the device is busy anyway: no need to notify it */

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VQ_SIZE];
    uint16_t used_event;
};

struct vq_used_elem {
    uint32_t id;  /* descriptor number */
    uint32_t len; /* bytes the device wrote into it */
};

struct vq_used {
    uint16_t flags;
    uint16_t idx;
    struct vq_used_elem ring[VQ_SIZE];
    uint16_t avail_event;
};

/*
 * The memory of one queue in the legacy layout: descriptors and the available ring first,
 * the used ring on the next page boundary. The modern layout allows any
 * addresses, so the same memory serves both.
 */
struct vq_memory {
    union {
        struct {
            struct vq_desc desc[VQ_SIZE];
            struct vq_avail avail;
        };
        uint8_t first_part[VQ_FIRST_PART];
    };
    struct vq_used used;
} __attribute__((aligned(VQ_ALIGN)));

/* The driver's side of a queue: the shared memory plus what the driver remembers. */
struct virtqueue {
    struct vq_memory *mem;
    uint16_t last_used; /* used.idx value up to which we have consumed entries */
};

/* Hand descriptor `id` to the device (append to the available ring, publish). */
void vq_give(struct virtqueue *q, uint16_t id);

/* 1 and the descriptor number and written length of the next finished buffer, or 0. */
int vq_take(struct virtqueue *q, uint16_t *id, uint32_t *len);

/* Order memory accesses: everything written before is visible to the device after. */
static inline void vq_barrier(void)
{
    __asm__ volatile("mfence" : : : "memory");
}

#endif
