/* The devices a guest gets: parsed from the command line, opened before
 * the VM exists (so a bad path fails at once, with one clear line), and
 * created on the PCI host bridge once the VM exists. */
#ifndef PVMM_DEVICES_H
#define PVMM_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

struct machine;
struct virtio_dev;
struct virtq;
struct virtq_chain;

struct disk_spec {
	const char *path;
	bool ro;		/* ",ro": the guest cannot write */
	bool direct;		/* ",direct": O_DIRECT, no host page cache */
	int fd;
	uint64_t size;		/* bytes; the guest sees size / 512 sectors */
};

struct net_spec {
	const char *tap;	/* host tap interface name */
	uint8_t mac[6];
	int fd;
};

struct vsock_spec {
	uint32_t cid;		/* the guest's context id (>= 3) */
	const char *uds;	/* host unix socket path prefix */
};

struct io_config {
	struct disk_spec disk[CONFIG_MAX_DISKS];
	int ndisks;
	struct net_spec net[CONFIG_MAX_NETS];
	int nnets;
	bool rng;
	bool vsock_on;
	struct vsock_spec vsock;
	bool iommu;		/* --iommu: device DMA through the TCE tables */
};

/* Option parsers: 0, or -1 with a message (no newline) in @err. */
int io_parse_disk(struct io_config *c, const char *arg, char *err,
		  size_t errlen);
int io_parse_net(struct io_config *c, const char *arg, char *err,
		 size_t errlen);
int io_parse_vsock(struct io_config *c, const char *arg, char *err,
		   size_t errlen);

/* Open disks and taps.  0, or -1 with a message in @err. */
int io_open(struct io_config *c, char *err, size_t errlen);

/* Start the event loop (it also serves the console and signals): early,
 * so its set-up overlaps loading the kernel.  0 or -errno. */
int io_early(struct machine *m, const struct io_config *c);

/* Create the devices on the host bridge (after the VM exists, before the
 * device tree is built); wait for the loop to be ready, and stop it.
 * 0 or -errno. */
int io_create(struct machine *m, struct io_config *c);
int io_start(struct machine *m);
void io_stop(struct machine *m);

/* Attach to tap interface @n->tap (net backend).  0, or -1 with a
 * message in @err. */
int net_open(struct net_spec *n, char *err, size_t errlen);

/* The "io" section of --report: the loop thread's CPU time and each
 * device's requests. */
void io_report(const struct machine *m, FILE *f);

/* Device models. */
int virtio_blk_create(struct machine *m, const struct disk_spec *s);
int virtio_rng_create(struct machine *m);
int virtio_net_create(struct machine *m, const struct net_spec *s);
int virtio_vsock_create(struct machine *m, const struct vsock_spec *s);

/* Serve one chain taken from @vq: NULL, or why the driver must reset the
 * device.  Set *@used when the chain was returned at once (push done);
 * a chain handed to asynchronous I/O is returned by its completion. */
typedef const char *virtio_serve_fn(struct virtio_dev *d, struct virtq *vq,
				    struct virtq_chain *c, bool *used);

/* Serve queue @q until it is empty (re-checking after enabling
 * notifications), failing the device on a broken chain, then interrupt
 * the driver if anything was returned.  Event loop thread; takes
 * d->lock.  @c is the device's scratch chain. */
void virtio_serve_queue(struct virtio_dev *d, unsigned q,
			struct virtq_chain *c, virtio_serve_fn *serve);

#endif
