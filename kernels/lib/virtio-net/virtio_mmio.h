/*
 * virtio_mmio.h — the register map of a virtio device on the "MMIO" transport.
 *
 * On QEMU's microvm there is no PCI bus. Instead each virtio device is a 512-byte window of
 * memory-mapped registers at a fixed address (0xfeb00000, 0xfeb00200, ...). Reading and writing
 * these addresses talks to the device model inside QEMU.
 *
 * Two versions of the layout exist. Version 1 ("legacy") describes each queue by one page
 * frame number; version 2 ("modern", virtio 1.0) gives the three parts of a queue separate
 * 64-bit addresses and adds a FEATURES_OK handshake. QEMU 7.2 offers legacy unless started
 * with `-global virtio-mmio.force-legacy=false`; the driver handles both.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#define VIRTIO_MAGIC 0x74726976 /* "virt" read as a little-endian number */
#define VIRTIO_DEVICE_NET 1

/* Register offsets inside a device's window. */
#define VMMIO_MAGIC 0x000
#define VMMIO_VERSION 0x004
#define VMMIO_DEVICE_ID 0x008
#define VMMIO_DEVICE_FEATURES 0x010
#define VMMIO_DEVICE_FEATURES_SEL 0x014
#define VMMIO_DRIVER_FEATURES 0x020
#define VMMIO_DRIVER_FEATURES_SEL 0x024
#define VMMIO_GUEST_PAGE_SIZE 0x028 /* legacy only */
#define VMMIO_QUEUE_SEL 0x030
#define VMMIO_QUEUE_NUM_MAX 0x034
#define VMMIO_QUEUE_NUM 0x038
#define VMMIO_QUEUE_ALIGN 0x03c /* legacy only */
#define VMMIO_QUEUE_PFN 0x040   /* legacy only */
#define VMMIO_QUEUE_READY 0x044 /* modern only */
#define VMMIO_QUEUE_NOTIFY 0x050
#define VMMIO_INTERRUPT_STATUS 0x060
#define VMMIO_INTERRUPT_ACK 0x064
#define VMMIO_STATUS 0x070
#define VMMIO_QUEUE_DESC_LOW 0x080 /* modern only, and the five below */
#define VMMIO_QUEUE_DESC_HIGH 0x084
#define VMMIO_QUEUE_DRIVER_LOW 0x090
#define VMMIO_QUEUE_DRIVER_HIGH 0x094
#define VMMIO_QUEUE_DEVICE_LOW 0x0a0
#define VMMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VMMIO_CONFIG 0x100 /* device-specific configuration: for a network card, its MAC */

/* Device status bits: the driver walks through them in this order during start-up. */
#define VSTATUS_ACKNOWLEDGE 1 /* "I see a virtio device" */
#define VSTATUS_DRIVER 2      /* "and I know how to drive it" */
#define VSTATUS_DRIVER_OK 4   /* "the queues are ready: go" */
#define VSTATUS_FEATURES_OK 8 /* modern: "I accept these features" (the device may refuse) */
#define VSTATUS_FAILED 128

/* Feature bits this driver cares about. */
#define VIRTIO_NET_F_MAC 5     /* the MAC address is in the configuration space */
#define VIRTIO_F_VERSION_1 32  /* modern device; must be accepted when offered */

#endif
