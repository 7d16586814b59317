/* virtio-net on a host tap interface.
 *
 * The tap is opened with IFF_VNET_HDR and a 12-byte header, which is the
 * virtio 1.x net header: frames move between the tap and the guest's
 * buffers with one readv/writev each, header included, no copy.  No
 * offloads are offered, so every header is all zeros but num_buffers;
 * the tap gets a zeroed header whatever the guest wrote in its own.
 * The tap fd is non-blocking and watched by the event loop; a frame that
 * finds no receive buffer waits in the tap's queue (which drops when full,
 * as a real link would), and a frame the tap refuses is dropped. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "io/io.h"
#include "io/device.h"
#include "io/iov.h"
#include "io/le.h"
#include "io/loop.h"
#include "io/virtio.h"
#include "io/virtio_net.h"

#define NET_QUEUE_SIZE	256
#define NET_HDR		12	/* struct virtio_net_hdr_v1 */
#define NET_RX		0
#define NET_TX		1

struct net {
	int fd;
	uint8_t mac[6];
	struct virtq_chain chain;	/* loop thread scratch */
};

static struct net *net_of(struct virtio_dev *d)
{
	return d->priv;
}

int net_open(struct net_spec *n, char *err, size_t errlen)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr = NET_HDR;
	unsigned offload = 0;

	int e;

	n->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (n->fd < 0) {
		e = -errno;
		snprintf(err, errlen, "--net: /dev/net/tun: %s", strerror(-e));
		return e;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", n->tap);
	if (ioctl(n->fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(n->fd, TUNSETVNETHDRSZ, &hdr) < 0 ||
	    ioctl(n->fd, TUNSETOFFLOAD, offload) < 0) {
		e = -errno;
		snprintf(err, errlen, "--net tap=%s: %s", n->tap, strerror(-e));
		return e;
	}
	return 0;
}

enum rx_state {
	RX_FRAME,		/* a frame went to the guest */
	RX_NO_BUFFER,		/* the guest posted no receive buffer */
	RX_TAP_EMPTY,		/* nothing to receive */
};

/* Receive one frame into one chain.  NULL, or why the device fails. */
static const char *net_rx_one(struct virtio_dev *d, enum rx_state *st)
{
	struct net *n = net_of(d);
	struct virtq *vq = &d->vq[NET_RX];
	struct virtq_chain *c = &n->chain;
	uint8_t one[2];
	ssize_t got;
	int r;

	*st = RX_NO_BUFFER;
	r = virtq_pop(vq, &d->io->vm->mem, c);
	if (r <= 0)
		return r < 0 ? "malformed descriptor chain" : NULL;
	if (c->nout || c->in_len < NET_HDR)
		return "receive buffer too small or device-readable";
	got = readv(n->fd, c->iov, (int)c->nin);
	if (got < 0) {
		virtq_unpop(vq);	/* not used: the next frame takes it */
		*st = RX_TAP_EMPTY;
		return NULL;
	}
	/* The tap writes the first 10 header bytes; num_buffers is ours. */
	le16_store(one, 1);
	virtq_chain_write(c, offsetof(struct virtio_net_hdr_v1, num_buffers),
			  one, sizeof(one));
	if (virtq_push(vq, &d->io->vm->mem, c->head, (uint32_t)got) < 0)
		return "used ring outside RAM";
	atomic_fetch_add(&d->requests, 1);
	*st = RX_FRAME;
	return NULL;
}

/* Move frames until the tap is empty or the guest has no buffer left
 * (then ask for a kick, and look once more in case buffers came), or a
 * ring's worth moved: then the rest comes after the loop's other
 * sources, through a kick of our own. */
static void net_rx(struct virtio_dev *d)
{
	unsigned budget = VIRTIO_SERVE_BUDGET(&d->vq[NET_RX]);
	const char *why = NULL;
	enum rx_state st = RX_FRAME;
	bool used = false;

	pthread_mutex_lock(&d->lock);
	while (!why && virtio_running(d)) {
		if (budget-- == 0) {
			virtio_kick_again(d, NET_RX);
			break;
		}
		why = net_rx_one(d, &st);
		used |= st == RX_FRAME;
		if (st == RX_TAP_EMPTY ||
		    (st == RX_NO_BUFFER &&
		     !virtq_enable_notify(&d->vq[NET_RX], &d->io->vm->mem)))
			break;
	}
	if (why)
		virtio_fail(d, why);
	pthread_mutex_unlock(&d->lock);
	if (used)
		virtio_queue_interrupt(d, NET_RX);
}

static void net_tap_readable(void *arg, int res)
{
	(void)res;
	net_rx(arg);
}

static const char *net_tx_serve(struct virtio_dev *d, struct virtq *vq,
				struct virtq_chain *c, bool *used)
{
	struct net *n = net_of(d);

	/* The guest's header is not passed on: with no offload negotiated
	 * its fields (NEEDS_CSUM, GSO type and size...) mean nothing, and
	 * the tap would act on them (issue 14).  An all-zero header goes
	 * instead, then the frame from the guest's buffers. */
	static uint8_t zero_hdr[NET_HDR];
	struct iovec part[VIRTQ_MAX_SEGS + 1] = { { zero_hdr, NET_HDR } };
	unsigned np;

	if (c->nin || c->out_len < NET_HDR)
		return "transmit buffer too small or device-writable";
	np = iov_slice(c->iov, c->nout, NET_HDR, c->out_len - NET_HDR,
		       part + 1, VIRTQ_MAX_SEGS);
	/* A frame the tap refuses is dropped, as on a full link. */
	(void)writev(n->fd, part, (int)np + 1);
	if (virtq_push(vq, &d->io->vm->mem, c->head, 0) < 0)
		return "used ring outside RAM";
	*used = true;
	return NULL;
}

static void net_notify(struct virtio_dev *d, unsigned q)
{
	if (q == NET_RX)
		net_rx(d);
	else if (q == NET_TX)
		virtio_serve_queue(d, q, &net_of(d)->chain, net_tx_serve);
}

static void net_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			    uint32_t len)
{
	uint8_t cfg[sizeof(struct virtio_net_config)] = { 0 };

	memcpy(cfg + offsetof(struct virtio_net_config, mac), net_of(d)->mac,
	       6);
	le16_store(cfg + offsetof(struct virtio_net_config, status),
		   VIRTIO_NET_S_LINK_UP);
	le16_store(cfg + offsetof(struct virtio_net_config,
				  max_virtqueue_pairs), 1);
	memcpy(buf, cfg + off, len);
}

static const struct virtio_ops net_ops = {
	.name = "ethernet",
	.device_id = VIRTIO_ID_NET,
	.class_code = 0x020000,		/* network, Ethernet */
	.nqueues = 2,
	.queue_size = NET_QUEUE_SIZE,
	.features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS,
	.config_size = offsetof(struct virtio_net_config, mtu),
	.config_read = net_config_read,
	.notify = net_notify,
};

int virtio_net_create(struct io *io, const struct net_spec *s)
{
	struct virtio_dev *d = calloc(1, sizeof(*d));
	struct net *n = calloc(1, sizeof(*n));
	int err;

	if (!d || !n) {
		free(d);
		free(n);
		return -ENOMEM;
	}
	n->fd = s->fd;
	memcpy(n->mac, s->mac, sizeof(n->mac));
	err = virtio_pci_init(io, d, &net_ops, n);
	if (err < 0) {
		free(d);
		free(n);
		return err;
	}
	return loop_watch(io->loop, n->fd, net_tap_readable, d);
}

/* --- the module: --net --------------------------------------------------- */

/* What --net asked for (main's thread, before the VM runs). */
static struct net_spec nets[CONFIG_MAX_NETS];
static int nnets;

/* Six hex bytes between colons, nothing after. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		char *end;
		unsigned long b;

		if (!isxdigit((unsigned char)*s))
			return -1; /* strtoul would skip spaces, take signs */
		b = strtoul(s, &end, 16);
		if (b > 0xff || *end != (i < 5 ? ':' : '\0'))
			return -1;
		mac[i] = (uint8_t)b;
		s = end + 1;
	}
	return mac[0] & 1 ? -1 : 0;	/* a multicast address is no NIC's */
}

static int net_parse(const char *arg, char *err, size_t errlen)
{
	struct net_spec *n;
	char *dup, *s, *item;

	if (nnets == CONFIG_MAX_NETS)
		return device_error(err, errlen, "--net %s: too many interfaces",
				    arg);
	n = &nets[nnets];
	/* Locally administered, one per interface: 02:70:76:6d:00:NN. */
	*n = (struct net_spec){ .fd = -1,
				.mac = { 0x02, 0x70, 0x76, 0x6d, 0x00,
					 (uint8_t)nnets } };
	s = dup = strdup(arg);
	if (!dup)
		return device_error(err, errlen, "--net %s: out of memory", arg);
	while ((item = device_next_item(&s))) {
		if (strncmp(item, "tap=", 4) == 0 && item[4])
			n->tap = item + 4;
		else if (strncmp(item, "mac=", 4) == 0) {
			if (parse_mac(item + 4, n->mac) < 0)
				return device_refuse(err, errlen,
					    "--net: bad MAC address '%s'",
					    item + 4, dup);
		} else
			return device_refuse(err, errlen,
				    "--net: unknown option '%s' (tap=, mac=)",
				    item, dup);
	}
	if (!n->tap)
		return device_refuse(err, errlen, "--net %s: tap=NAME is required", arg, dup);
	if (strlen(n->tap) >= 16)
		return device_refuse(err, errlen, "--net: tap name '%s' too long",
			    n->tap, dup);
	nnets++;
	return 0;
}

static unsigned nets_count(void)
{
	return (unsigned)nnets;
}

static int nets_open(unsigned i, char *err, size_t errlen)
{
	return net_open(&nets[i], err, errlen);
}

static int nets_create(struct io *io, unsigned i)
{
	return virtio_net_create(io, &nets[i]);
}

DEVICE_MODULE(virtio_net, .rank = 20, .option = "net", .has_arg = true,
	      .usage = "      --net tap=NAME[,mac=MAC]\n"
		       "                      a virtio-net interface on host tap NAME\n"
		       "                      (repeatable)\n",
	      .parse = net_parse, .open = nets_open, .create = nets_create,
	      .count = nets_count);
