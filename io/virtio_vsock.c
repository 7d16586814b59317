/* virtio-vsock: a guest's stream sockets to host unix sockets, in
 * Firecracker's model (the connections: io/vsock_conn.h).
 *
 * Three queues: rx (buffers the guest posts for packets to it), tx
 * (packets from it) and event (transport resets after a migration, never
 * sent: its buffers just wait).  Only STREAM sockets.  Everything runs on
 * the event loop thread under d->lock: queue kicks, and the host sockets,
 * which all sit in one epoll set the loop watches.  A packet for the guest
 * is produced only once a receive buffer is in hand, so nothing waits for
 * one but a few flags in the connection table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_vsock.h>

#include "io/io.h"
#include "io/iov.h"
#include "io/device.h"
#include "io/le.h"
#include "io/loop.h"
#include "io/virtio.h"
#include "io/virtio_vsock.h"
#include "io/vsock_conn.h"

#define VSOCK_RX		0
#define VSOCK_TX		1
#define VSOCK_EVENT		2
#define VSOCK_QUEUE_SIZE	128
#define VSOCK_F_STREAM		0	/* virtio 1.2; not in older uapi */

_Static_assert(VIRTQ_MAX_SEGS <= VSOCK_MAX_IOV, "a chain fits vsock's iovecs");

struct vsock_dev {
	struct vsock v;
	struct virtq_chain chain;		/* loop thread scratch */
	struct iovec payload[VSOCK_MAX_IOV];	/* the chain past the header */
};

static struct vsock_dev *vsock_of(struct virtio_dev *d)
{
	return d->priv;
}

/* --- tx: packets from the guest ---------------------------------------- */

static const char *tx_serve(struct virtio_dev *d, struct virtq *vq,
			    struct virtq_chain *c, bool *used)
{
	struct vsock_dev *s = vsock_of(d);
	uint8_t raw[VSOCK_HDR_SIZE];
	struct vsock_hdr h;
	unsigned n;

	if (c->nin)
		return "transmit packet with a device-writable buffer";
	if (virtq_chain_read(c, 0, raw, sizeof(raw)) != sizeof(raw))
		return "transmit packet shorter than its header";
	vsock_hdr_load(&h, raw);
	n = iov_slice(c->iov, c->nout, VSOCK_HDR_SIZE,
			    c->out_len - VSOCK_HDR_SIZE, s->payload,
			    VSOCK_MAX_IOV);
	vsock_from_guest(&s->v, &h, s->payload, n,
			 c->out_len - VSOCK_HDR_SIZE);
	if (virtq_push(vq, &d->io->vm->mem, c->head, 0) < 0)
		return "used ring outside RAM";
	*used = true;
	return NULL;
}

/* --- rx: packets to the guest ------------------------------------------- */

/* One packet into the receive buffer @c. */
static const char *rx_fill(struct virtio_dev *d, struct virtq_chain *c)
{
	struct vsock_dev *s = vsock_of(d);
	uint8_t raw[VSOCK_HDR_SIZE];
	struct vsock_hdr h;
	size_t cap, len;
	unsigned n;

	if (c->nout || c->in_len < VSOCK_HDR_SIZE)
		return "receive buffer readable or smaller than a header";
	cap = c->in_len - VSOCK_HDR_SIZE;
	n = iov_slice(c->iov + c->nout, c->nin, VSOCK_HDR_SIZE, cap,
			    s->payload, VSOCK_MAX_IOV);
	len = vsock_emit(&s->v, &h, s->payload, n, cap);
	vsock_hdr_store(&h, raw);
	virtq_chain_write(c, 0, raw, sizeof(raw));
	if (virtq_push(&d->vq[VSOCK_RX], &d->io->vm->mem, c->head,
		       (uint32_t)(VSOCK_HDR_SIZE + len)) < 0)
		return "used ring outside RAM";
	return NULL;
}

/* Give the guest every packet there is a receive buffer for, a ring's
 * worth at a time: with more left, the rest comes after the loop's
 * other sources, through a kick of our own. */
static void rx_pump(struct virtio_dev *d)
{
	struct vsock_dev *s = vsock_of(d);
	struct virtq *vq = &d->vq[VSOCK_RX];
	unsigned budget = VIRTIO_SERVE_BUDGET(vq);
	const char *why = NULL;
	bool used = false;

	pthread_mutex_lock(&d->lock);
	while (!why && virtio_running(d) && vsock_pending(&s->v)) {
		int got;

		if (budget-- == 0) {
			virtio_kick_again(d, VSOCK_RX);
			break;
		}
		got = virtq_pop(vq, &d->io->vm->mem, &s->chain);
		if (got == 0 && !virtq_enable_notify(vq, &d->io->vm->mem))
			break;		/* kicked when buffers come */
		if (got < 0)
			why = "malformed descriptor chain";
		else if (got > 0)
			why = rx_fill(d, &s->chain);
		used |= got > 0 && !why;
	}
	if (why)
		virtio_fail(d, why);
	pthread_mutex_unlock(&d->lock);
	if (used)
		virtio_queue_interrupt(d, VSOCK_RX);
}

static void tx_notify(struct virtio_dev *d)
{
	virtio_serve_queue(d, VSOCK_TX, &vsock_of(d)->chain, tx_serve);
	rx_pump(d);		/* replies the packets asked for */
}

/* The event queue's buffers wait for an event we never send. */
static void event_notify(struct virtio_dev *d)
{
	(void)d;
}

static void (*const queue_notify[])(struct virtio_dev *d) = {
	[VSOCK_RX] = rx_pump,
	[VSOCK_TX] = tx_notify,
	[VSOCK_EVENT] = event_notify,
};

static void vsock_notify(struct virtio_dev *d, unsigned q)
{
	if (q < sizeof(queue_notify) / sizeof(queue_notify[0]))
		queue_notify[q](d);
}

struct vsock *virtio_vsock_state(struct virtio_dev *d)
{
	return &vsock_of(d)->v;
}

/* The host sockets' epoll set is readable (event loop thread). */
static void host_ready(void *arg, int res)
{
	struct virtio_dev *d = arg;

	(void)res;
	pthread_mutex_lock(&d->lock);
	vsock_host_events(&vsock_of(d)->v);
	pthread_mutex_unlock(&d->lock);
	rx_pump(d);
}

/* --- the device ----------------------------------------------------------- */

static void vsock_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			      uint32_t len)
{
	uint8_t cfg[sizeof(struct virtio_vsock_config)];

	le64_store(cfg, vsock_of(d)->v.guest_cid);
	memcpy(buf, cfg + off, len);
}

/* The guest's sockets are gone: so are the host's. */
static void vsock_reset_dev(struct virtio_dev *d)
{
	vsock_reset(&vsock_of(d)->v);
}

/* Restored from a snapshot: the host ends of the guest's connections
 * are gone (new sockets, maybe new paths), so the driver gets a
 * VIRTIO_VSOCK_EVENT_TRANSPORT_RESET (virtio 1.2, 5.10.6.6): it resets
 * its connected sockets and reads the CID again; listeners stay (as
 * QEMU's vhost-vsock does after a load).  Needs an event buffer, which
 * the driver keeps posted; with none there is nothing to tell it with. */
static void vsock_restored(struct virtio_dev *d)
{
	struct virtq *q = &d->vq[VSOCK_EVENT];
	const struct gmem *g = &d->io->vm->mem;
	struct virtq_chain *c = malloc(sizeof(*c));
	uint8_t ev[sizeof(struct virtio_vsock_event)];

	if (!c)
		return;
	le32_store(ev, VIRTIO_VSOCK_EVENT_TRANSPORT_RESET);
	if (virtq_pop(q, g, c) == 1) {
		if (virtq_chain_write(c, 0, ev, sizeof(ev)) == sizeof(ev) &&
		    virtq_push(q, g, c->head, sizeof(ev)) == 0)
			virtio_queue_interrupt(d, VSOCK_EVENT);
		else
			virtio_fail(d, "event buffer too small");
	}
	free(c);
}

static const struct virtio_ops vsock_ops = {
	.name = "vsock",
	.device_id = VIRTIO_ID_VSOCK,
	.class_code = 0x078000,		/* communication controller, other */
	.nqueues = 3,
	.queue_size = VSOCK_QUEUE_SIZE,
	.features = 1ull << VSOCK_F_STREAM,
	.config_size = sizeof(struct virtio_vsock_config),
	.config_read = vsock_config_read,
	.notify = vsock_notify,
	.reset = vsock_reset_dev,
	.restored = vsock_restored,
};

int virtio_vsock_create(struct io *io, const struct vsock_spec *spec)
{
	struct virtio_dev *d = calloc(1, sizeof(*d));
	struct vsock_dev *s = calloc(1, sizeof(*s));
	int err = d && s ? 0 : -ENOMEM;

	if (!err)
		err = vsock_init(&s->v, spec->cid, spec->uds);
	if (!err) {
		err = virtio_pci_init(io, d, &vsock_ops, s);
		if (err < 0)
			vsock_destroy(&s->v);
	}
	if (err < 0) {
		free(d);
		free(s);
		return err;
	}
	return loop_watch(io->loop, s->v.epfd, host_ready, d);
}

/* --- the module: --vsock ------------------------------------------------- */

/* What --vsock asked for (main's thread, before the VM runs). */
static struct vsock_spec vsock_asked;
static bool vsock_wanted;

static int vsock_parse(const char *arg, char *err, size_t errlen)
{
	char *dup = strdup(arg), *s = dup, *item, *end;
	unsigned long cid;

	if (!dup)
		return device_error(err, errlen, "--vsock %s: out of memory",
				    arg);
	vsock_asked = (struct vsock_spec){ .cid = 3 };
	while ((item = device_next_item(&s))) {
		if (strncmp(item, "cid=", 4) == 0) {
			errno = 0;
			cid = strtoul(item + 4, &end, 0);
			if (errno || *end || cid < 3 || cid > 0xfffffffeul)
				return device_refuse(err, errlen,
					    "--vsock: bad cid '%s' (3 or more)",
					    item + 4, dup);
			vsock_asked.cid = (uint32_t)cid;
		} else if (strncmp(item, "uds=", 4) == 0 && item[4]) {
			vsock_asked.uds = item + 4;
		} else
			return device_refuse(err, errlen,
				    "--vsock: unknown option '%s' (cid=, uds=)",
				    item, dup);
	}
	if (!vsock_asked.uds)
		return device_refuse(err, errlen, "--vsock %s: uds=PATH is required",
			    arg, dup);
	vsock_wanted = true;
	return 0;
}

static int vsock_create_asked(struct io *io, unsigned i)
{
	(void)i;
	return virtio_vsock_create(io, &vsock_asked);
}

static unsigned vsock_count(void)
{
	return vsock_wanted;
}

DEVICE_MODULE(virtio_vsock, .rank = 40, .option = "vsock", .has_arg = true,
	      .usage = "      --vsock uds=PATH[,cid=N]\n"
		       "                      a virtio-vsock device (guest CID N, default 3):\n"
		       "                      host programs connect to the unix socket PATH\n"
		       "                      and send \"CONNECT port\\n\"; guest connections\n"
		       "                      to CID 2 port P go to the socket PATH_P\n",
	      .parse = vsock_parse, .create = vsock_create_asked,
	      .count = vsock_count);
