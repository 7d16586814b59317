/* virtio-vsock (io/virtio_vsock.c). */
#ifndef PVMM_VIRTIO_VSOCK_H
#define PVMM_VIRTIO_VSOCK_H

struct virtio_dev;
struct vsock;

/* The device's streams and host sockets (io/vsock_conn.h): what it holds
 * for the guest, e.g. to report on its connections.  Covered by d->lock. */
struct vsock *virtio_vsock_state(struct virtio_dev *d);

#endif
