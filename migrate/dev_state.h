/* A PCI function's state as a snapshot carries it (section
 * SNAP_SEC_DEVICE, instance = slot): its PCI side (struct pci_state,
 * io/pci.h) and its virtio transport (struct virtio_state, io/virtio.h).
 * Device models keep nothing else a guest could tell apart after a
 * restore: disks, taps and vsock sockets are reopened by path, requests
 * in flight are completed before the snapshot is taken. */
#ifndef PVMM_DEV_STATE_H
#define PVMM_DEV_STATE_H

#include "io/pci.h"
#include "io/virtio.h"

struct snap_out;
struct snap_sec;

struct dev_saved {
	struct pci_state pci;
	struct virtio_state vio;
};

void dev_save(struct virtio_dev *d, struct dev_saved *s);
void dev_saved_encode(const struct dev_saved *s, struct snap_out *o);
/* Decode a section, every field in range; 0 or -EINVAL. */
int dev_saved_decode(const struct snap_sec *sec, struct dev_saved *s);
/* Is @s a state of device @d (after guest RAM is in place)?  0 or
 * -EINVAL. */
int dev_check(struct virtio_dev *d, const struct dev_saved *s);
void dev_load(struct virtio_dev *d, const struct dev_saved *s);

#endif
