/* virtio-vsock (io/virtio_vsock.c): what the event loop, and unit tests
 * standing in for it, call besides the transport's notify. */
#ifndef PVMM_VIRTIO_VSOCK_H
#define PVMM_VIRTIO_VSOCK_H

struct virtio_dev;

/* The host sockets' epoll set is readable: handle it and feed the guest
 * what became ready.  Event loop thread; takes d->lock. */
void virtio_vsock_host_ready(struct virtio_dev *d);

#endif
