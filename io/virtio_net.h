/* virtio-net (io/virtio_net.c): --net tap=NAME[,mac=MAC]. */
#ifndef PVMM_VIRTIO_NET_H
#define PVMM_VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

struct io;

struct net_spec {
	const char *tap; /* host tap interface name */
	uint8_t mac[6];
	int fd;
};

/* Attach to tap interface @n->tap.  0, or -errno with one line in
 * @err. */
int net_open(struct net_spec *n, char *err, size_t errlen);

/* One interface on the host bridge, on the tap @s names (opened).  0 or
 * -errno. */
int virtio_net_create(struct io *io, const struct net_spec *s);

#endif
