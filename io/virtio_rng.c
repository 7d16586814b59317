/* virtio-rng: entropy from the host's getrandom(), one request at a time
 * on the event loop thread. */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "io/io.h"
#include "io/device.h"
#include "io/virtio.h"
#include "io/virtio_rng.h"

/* Fill each writable buffer of @c; bytes written, or -1 if the host's
 * generator failed. */
static long rng_fill(const struct virtq_chain *c)
{
	long done = 0;

	for (unsigned i = c->nout; i < c->nout + c->nin; i++) {
		uint8_t *p = c->iov[i].iov_base;
		size_t left = c->iov[i].iov_len;

		while (left) {
			ssize_t n = getrandom(p, left, 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return -1;
			p += n;
			left -= (size_t)n;
			done += n;
		}
	}
	return done;
}

static const char *rng_serve(struct virtio_dev *d, struct virtq *vq,
			     struct virtq_chain *c, bool *used)
{
	long n;

	if (c->nout)
		return "request with a device-readable buffer";
	n = rng_fill(c);
	if (n < 0)
		return "host random generator failed";
	if (virtq_push(vq, &d->io->vm->mem, c->head, (uint32_t)n) < 0)
		return "used ring outside RAM";
	*used = true;
	return NULL;
}

static void rng_notify(struct virtio_dev *d, unsigned q)
{
	virtio_serve_queue(d, q, d->priv, rng_serve);
}

static const struct virtio_ops rng_ops = {
	.name = "rng",
	.device_id = VIRTIO_ID_RNG,
	.class_code = 0xff0000,		/* unclassified device */
	.nqueues = 1,
	.queue_size = 64,
	.notify = rng_notify,
};

int virtio_rng_create(struct io *io)
{
	struct virtio_dev *d = calloc(1, sizeof(*d));
	struct virtq_chain *c = calloc(1, sizeof(*c));
	int err;

	if (!d || !c) {
		free(d);
		free(c);
		return -ENOMEM;
	}
	err = virtio_pci_init(io, d, &rng_ops, c);
	if (err < 0) {
		free(d);
		free(c);
	}
	return err;
}

/* --- the module: --rng --------------------------------------------------- */

static bool rng_wanted;	/* --rng given (main's thread) */

static int rng_parse(const char *arg, char *err, size_t errlen)
{
	(void)arg;
	(void)err;
	(void)errlen;
	rng_wanted = true;
	return 0;
}

static int rng_create(struct io *io, unsigned i)
{
	(void)i;
	return virtio_rng_create(io);
}

static unsigned rng_count(void)
{
	return rng_wanted;
}

DEVICE_MODULE(virtio_rng, .rank = 30, .option = "rng", .has_arg = false,
	      .usage = "      --rng           a virtio-rng device fed from getrandom()\n",
	      .parse = rng_parse, .create = rng_create, .count = rng_count);
