/* virtio-blk (io/virtio_blk.c): --disk PATH[,ro][,direct]. */
#ifndef PVMM_VIRTIO_BLK_H
#define PVMM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

struct io;

struct disk_spec {
	const char *path;
	bool ro;     /* ",ro": the guest cannot write */
	bool direct; /* ",direct": O_DIRECT, no host page cache */
	int fd;
	uint64_t size; /* bytes; the guest sees size / 512 sectors */
};

/* One disk on the host bridge, on the image @s names (opened).  0 or
 * -errno. */
int virtio_blk_create(struct io *io, const struct disk_spec *s);

#endif
