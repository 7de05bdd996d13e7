/*
 * virtqueue.c — handing buffers to a virtio device and taking them back.
 *
 * See virtqueue.h for the picture. The two functions here are the whole protocol: the driver
 * writes a descriptor number into the next slot of the available ring and *then* publishes
 * the new index; the device does the same with the used ring. The barrier between the two
 * writes matters: if the index became visible first, the device could read a stale slot.
 */
#include "virtqueue.h"

void vq_give(struct virtqueue *q, uint16_t id)
{
    volatile struct vq_avail *avail = &q->mem->avail;
    uint16_t idx = avail->idx;
    avail->ring[idx % VQ_SIZE] = id;
    vq_barrier(); /* the slot before the index */
    avail->idx = (uint16_t)(idx + 1);
    vq_barrier();
}

int vq_take(struct virtqueue *q, uint16_t *id, uint32_t *len)
{
    volatile struct vq_used *used = &q->mem->used;
    if (used->idx == q->last_used)
        return 0;
    vq_barrier(); /* read the index before the slot it covers */
    const volatile struct vq_used_elem *e = &used->ring[q->last_used % VQ_SIZE];
    *id = (uint16_t)e->id;
    *len = e->len;
    q->last_used++;
    return 1;
}
