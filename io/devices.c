/* Command-line devices: parse, open, create, run (io/devices.h). */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/machine.h"
#include "io/devices.h"
#include "io/loop.h"
#include "io/virtio.h"

#define LOOP_ENTRIES	256

/* Split "a,b,c" in place: the next item of *@s, or NULL. */
static char *next_item(char **s)
{
	char *item = *s;

	if (!item || !*item)
		return NULL;
	*s = strchr(item, ',');
	if (*s)
		*(*s)++ = '\0';
	return item;
}

static int errf(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -1;
}

/* The same, then free the parse buffer @arg may point into. */
static int errf_free(char *err, size_t errlen, const char *fmt,
		     const char *arg, char *dup)
{
	errf(err, errlen, fmt, arg);
	free(dup);
	return -1;
}

int io_parse_disk(struct io_config *c, const char *arg, char *err,
		  size_t errlen)
{
	struct disk_spec *d;
	char *dup, *s, *item;

	if (c->ndisks == CONFIG_MAX_DISKS)
		return errf(err, errlen, "--disk %s: too many disks", arg);
	d = &c->disk[c->ndisks];
	*d = (struct disk_spec){ .fd = -1 };
	s = dup = strdup(arg);
	if (!dup)
		return errf(err, errlen, "--disk %s: out of memory", arg);
	d->path = next_item(&s);
	if (!d->path)
		return errf_free(err, errlen, "--disk %s: no path", arg, dup);
	while ((item = next_item(&s))) {
		if (strcmp(item, "ro") == 0)
			d->ro = true;
		else if (strcmp(item, "direct") == 0)
			d->direct = true;
		else
			return errf_free(err, errlen, "--disk: unknown option "
					 "'%s' (ro, direct)", item, dup);
	}
	c->ndisks++;
	return 0;	/* d->path keeps dup */
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char end;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return mac[0] & 1 ? -1 : 0;	/* a multicast address is no NIC's */
}

int io_parse_net(struct io_config *c, const char *arg, char *err,
		 size_t errlen)
{
	struct net_spec *n;
	char *dup, *s, *item;

	if (c->nnets == CONFIG_MAX_NETS)
		return errf(err, errlen, "--net %s: too many interfaces", arg);
	n = &c->net[c->nnets];
	/* Locally administered, one per interface: 02:70:76:6d:00:NN. */
	*n = (struct net_spec){ .fd = -1,
				.mac = { 0x02, 0x70, 0x76, 0x6d, 0x00,
					 (uint8_t)c->nnets } };
	s = dup = strdup(arg);
	if (!dup)
		return errf(err, errlen, "--net %s: out of memory", arg);
	while ((item = next_item(&s))) {
		if (strncmp(item, "tap=", 4) == 0 && item[4])
			n->tap = item + 4;
		else if (strncmp(item, "mac=", 4) == 0) {
			if (parse_mac(item + 4, n->mac) < 0)
				return errf_free(err, errlen,
					    "--net: bad MAC address '%s'",
					    item + 4, dup);
		} else
			return errf_free(err, errlen,
				    "--net: unknown option '%s' (tap=, mac=)",
				    item, dup);
	}
	if (!n->tap)
		return errf_free(err, errlen, "--net %s: tap=NAME is required", arg, dup);
	if (strlen(n->tap) >= 16)
		return errf_free(err, errlen, "--net: tap name '%s' too long",
			    n->tap, dup);
	c->nnets++;
	return 0;
}

int io_parse_vsock(struct io_config *c, const char *arg, char *err,
		   size_t errlen)
{
	char *dup = strdup(arg), *s = dup, *item, *end;
	unsigned long cid;

	if (!dup)
		return errf(err, errlen, "--vsock %s: out of memory", arg);
	c->vsock = (struct vsock_spec){ .cid = 3 };
	while ((item = next_item(&s))) {
		if (strncmp(item, "cid=", 4) == 0) {
			errno = 0;
			cid = strtoul(item + 4, &end, 0);
			if (errno || *end || cid < 3 || cid > 0xfffffffeul)
				return errf_free(err, errlen,
					    "--vsock: bad cid '%s' (3 or more)",
					    item + 4, dup);
			c->vsock.cid = (uint32_t)cid;
		} else if (strncmp(item, "uds=", 4) == 0 && item[4]) {
			c->vsock.uds = item + 4;
		} else
			return errf_free(err, errlen,
				    "--vsock: unknown option '%s' (cid=, uds=)",
				    item, dup);
	}
	if (!c->vsock.uds)
		return errf_free(err, errlen, "--vsock %s: uds=PATH is required",
			    arg, dup);
	c->vsock_on = true;
	return 0;
}

/* Size of a regular file or a block device. */
static int disk_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	return -EINVAL;
}

static int disk_open(struct disk_spec *d, char *err, size_t errlen)
{
	int flags = (d->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC |
		    (d->direct ? O_DIRECT : 0);
	int e;

	d->fd = open(d->path, flags);
	if (d->fd < 0) {
		snprintf(err, errlen, "--disk %s: %s", d->path,
			 strerror(errno));
		return -1;
	}
	/* Two writers on one image corrupt it: refuse, as QEMU does. */
	if (flock(d->fd, (d->ro ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		snprintf(err, errlen, "--disk %s: in use by another process",
			 d->path);
		return -1;
	}
	e = disk_size(d->fd, &d->size);
	if (e < 0) {
		snprintf(err, errlen, "--disk %s: %s", d->path,
			 e == -EINVAL ? "not a file or block device" :
					strerror(-e));
		return -1;
	}
	if (d->size < 512) {
		snprintf(err, errlen, "--disk %s: smaller than one sector",
			 d->path);
		return -1;
	}
	return 0;
}

int io_open(struct io_config *c, char *err, size_t errlen)
{
	for (int i = 0; i < c->ndisks; i++)
		if (disk_open(&c->disk[i], err, errlen) < 0)
			return -1;
	for (int i = 0; i < c->nnets; i++)
		if (net_open(&c->net[i], err, errlen) < 0)
			return -1;
	return 0;
}

static bool io_wanted(const struct io_config *c)
{
	return c->ndisks || c->nnets || c->rng || c->vsock_on;
}

int io_early(struct machine *m, const struct io_config *c)
{
	return loop_init(&m->loop, io_wanted(c) ? LOOP_ENTRIES : 16);
}

int io_create(struct machine *m, struct io_config *c)
{
	uint64_t t0 = machine_now_ns();
	int err = 0;

	m->phb.iommu = c->iommu;
	for (int i = 0; !err && i < c->ndisks; i++)
		err = virtio_blk_create(m, &c->disk[i]);
	for (int i = 0; !err && i < c->nnets; i++)
		err = virtio_net_create(m, &c->net[i]);
	if (!err && c->rng)
		err = virtio_rng_create(m);
#if CONFIG_VIRTIO_VSOCK
	if (!err && c->vsock_on)
		err = virtio_vsock_create(m, &c->vsock);
#endif
	if (!err)
		err = phb_dma_start(m);
	m->io_setup_ns = machine_now_ns() - t0;
	return err;
}

void io_report(const struct machine *m, FILE *f)
{
	const char *sep = "";

	fprintf(f, "  \"io\": {\"setup_ns\": %" PRIu64 ", \"thread_cpu_ns\": %"
		PRIu64 ", \"devices\": [", m->io_setup_ns, loop_cpu_ns(m->loop));
	for (unsigned s = 0; s < PHB_SLOTS; s++) {
		const struct pci_func *fn = m->phb.func[s];
		const struct virtio_dev *d = fn ? fn->priv : NULL;

		if (!d)
			continue;
		fprintf(f, "%s{\"slot\": %u, \"name\": \"%s\", \"requests\": %"
			PRIu64 "}", sep, s, fn->name, atomic_load(&d->requests));
		sep = ", ";
	}
	fprintf(f, "]},\n");
}

int io_start(struct machine *m)
{
	return m->loop ? loop_start(m->loop) : 0;
}

void io_stop(struct machine *m)
{
	loop_stop(m->loop);
}
