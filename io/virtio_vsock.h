/* virtio-vsock (io/virtio_vsock.c): --vsock uds=PATH[,cid=N]. */
#ifndef PVMM_VIRTIO_VSOCK_H
#define PVMM_VIRTIO_VSOCK_H

#include <stdint.h>

struct io;
struct virtio_dev;
struct vsock;

struct vsock_spec {
	uint32_t cid;	 /* the guest's context id (>= 3) */
	const char *uds; /* host unix socket path prefix */
};

/* The device on the host bridge, listening on @s->uds.  0 or -errno. */
int virtio_vsock_create(struct io *io, const struct vsock_spec *s);

/* The device's streams and host sockets (io/vsock_conn.h): what it holds
 * for the guest, e.g. to report on its connections.  Covered by d->lock. */
struct vsock *virtio_vsock_state(struct virtio_dev *d);

#endif
