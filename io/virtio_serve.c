/* The queue-draining loop every device model shares. */
#include <errno.h>

#include "io/io.h"
#include "io/devices.h"
#include "io/virtio.h"

/* Pop and serve until the ring is empty or *@budget chains were served;
 * NULL or why the device fails. */
static const char *serve_all(struct virtio_dev *d, struct virtq *vq,
			     struct virtq_chain *c, virtio_serve_fn *serve,
			     bool *used, unsigned *budget)
{
	const char *why = NULL;
	int got;

	while (!why && virtio_running(d) && *budget) {
		got = virtq_pop(vq, &d->io->vm->mem, c);
		if (got == 0)
			break;
		--*budget;
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
	unsigned budget = VIRTIO_SERVE_BUDGET(vq);
	const char *why;
	bool used = false;

	pthread_mutex_lock(&d->lock);
	do
		why = serve_all(d, vq, c, serve, &used, &budget);
	while (!why && virtio_running(d) && budget &&
	       virtq_enable_notify(vq, &d->io->vm->mem));
	if (why)
		virtio_fail(d, why);
	else if (!budget && virtio_running(d))
		virtio_kick_again(d, q);	/* the rest after the others */
	pthread_mutex_unlock(&d->lock);
	if (used)
		virtio_queue_interrupt(d, q);
}
