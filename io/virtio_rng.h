/* virtio-rng (io/virtio_rng.c): --rng. */
#ifndef PVMM_VIRTIO_RNG_H
#define PVMM_VIRTIO_RNG_H

struct io;

/* The entropy device on the host bridge.  0 or -errno. */
int virtio_rng_create(struct io *io);

#endif
