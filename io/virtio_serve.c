/* The queue-draining loop every device model shares. */
#include <errno.h>

#include "io/io.h"
#include "io/devices.h"
#include "io/virtio.h"

/* Pop and serve until the ring is empty; NULL or why the device fails. */
static const char *serve_all(struct virtio_dev *d, struct virtq *vq,
			     struct virtq_chain *c, virtio_serve_fn *serve,
			     bool *used)
{
	const char *why = NULL;
	int got;

	while (!why && virtio_running(d)) {
		got = virtq_pop(vq, &d->io->vm->mem, c);
		if (got == 0)
			break;
		if (got == -EFAULT)
			why = "DMA to an address the IOMMU does not map for it";
		else
			why = got < 0 ? "malformed descriptor chain"
				      : serve(d, vq, c, used);
		atomic_fetch_add(&d->requests, 1);
	}
	return why;
}

void virtio_serve_queue(struct virtio_dev *d, unsigned q,
			struct virtq_chain *c, virtio_serve_fn *serve)
{
	struct virtq *vq = &d->vq[q];
	const char *why;
	bool used = false;

	pthread_mutex_lock(&d->lock);
	do
		why = serve_all(d, vq, c, serve, &used);
	while (!why && virtio_running(d) &&
	       virtq_enable_notify(vq, &d->io->vm->mem));
	if (why)
		virtio_fail(d, why);
	pthread_mutex_unlock(&d->lock);
	if (used)
		virtio_queue_interrupt(d, q);
}
