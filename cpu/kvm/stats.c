/* Parser for the KVM binary statistics file: header, descriptors (each
 * followed by a name of header.name_size bytes), then u64 data.  Offsets
 * come from the kernel but are still checked before use. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/kvm/stats.h"

#define STATS_FILE_MAX	(1 << 20)

static int read_at(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n = pread(fd, buf, len, off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EINVAL;
}

static bool scalar(const struct kvm_stats_desc *d)
{
	unsigned type = d->flags & KVM_STATS_TYPE_MASK;

	return d->size == 1 && (type == KVM_STATS_TYPE_CUMULATIVE ||
				type == KVM_STATS_TYPE_INSTANT ||
				type == KVM_STATS_TYPE_PEAK);
}

static int stats_parse(int fd, const struct kvm_stats_header *h,
		       const uint8_t *descs, struct kvm_stats *out)
{
	size_t dsize = sizeof(struct kvm_stats_desc) + h->name_size;

	for (uint32_t i = 0; i < h->num_desc && out->n < KVM_STATS_MAX; i++) {
		const struct kvm_stats_desc *d =
			(const void *)(descs + i * dsize);
		struct kvm_stat *s = &out->stat[out->n];
		int err;

		if (!scalar(d))
			continue;
		if (d->offset > STATS_FILE_MAX)
			return -EINVAL;
		err = read_at(fd, &s->value, sizeof(s->value),
			      (off_t)h->data_offset + d->offset);
		if (err)
			return err;
		memcpy(s->name, d->name, h->name_size < KVM_STAT_NAME ?
					     h->name_size : KVM_STAT_NAME);
		s->name[KVM_STAT_NAME - 1] = '\0';
		out->n++;
	}
	return 0;
}

int kvm_stats_read(int fd, struct kvm_stats *out)
{
	struct kvm_stats_header h;
	uint8_t *descs;
	size_t dsize;
	int err;

	out->n = 0;
	err = read_at(fd, &h, sizeof(h), 0);
	if (err)
		return err;
	if (h.name_size == 0 || h.name_size > 256 || h.num_desc > 4096 ||
	    h.desc_offset > STATS_FILE_MAX || h.data_offset > STATS_FILE_MAX)
		return -EINVAL;
	dsize = sizeof(struct kvm_stats_desc) + h.name_size;
	descs = calloc(h.num_desc ? h.num_desc : 1, dsize);
	if (!descs)
		return -ENOMEM;
	err = read_at(fd, descs, h.num_desc * dsize, h.desc_offset);
	if (!err)
		err = stats_parse(fd, &h, descs, out);
	free(descs);
	return err;
}
