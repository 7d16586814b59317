/* The guest's HPT through KVM_PPC_GET_HTAB_FD: read it out as the HPT
 * stream (the first pass of the fd gives every entry), load a stream into
 * a VM through a WRITE fd.  KVM's record headers are host-endian; the
 * stream's are big-endian. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu/kvm/kvm.h"
#include "migrate/hpt_stream.h"

#define HTAB_READ_CHUNK	(64 << 10)

static int htab_fd(int vm_fd, uint64_t flags)
{
	struct kvm_get_htab_fd req = { .flags = flags };
	int fd = ioctl(vm_fd, KVM_PPC_GET_HTAB_FD, &req);

	return fd < 0 ? -errno : fd;
}

/* Append one KVM record as a stream chunk. */
static int put_record(uint8_t **out, size_t *len, size_t *cap,
		      const struct kvm_get_htab_header *h, const uint8_t *data)
{
	size_t need = HPT_CHUNK_HEADER + (size_t)h->n_valid * HPTE_BYTES + 16;

	if (*len + need > *cap) {
		size_t ncap = (*cap + need) * 2;
		uint8_t *n = realloc(*out, ncap);

		if (!n)
			return -ENOMEM;
		*out = n;
		*cap = ncap;
	}
	*len += hpt_stream_put_chunk(*out + *len, *cap - *len, h->index,
				     h->n_valid, h->n_invalid, data);
	return 0;
}

static int convert(uint8_t *buf, ssize_t n, uint8_t **out, size_t *len,
		   size_t *cap)
{
	ssize_t off = 0;

	while (off + (ssize_t)sizeof(struct kvm_get_htab_header) <= n) {
		struct kvm_get_htab_header h;
		int err;

		memcpy(&h, buf + off, sizeof(h));
		off += sizeof(h);
		if (off + (ssize_t)h.n_valid * HPTE_BYTES > n)
			return -EIO;
		err = put_record(out, len, cap, &h, buf + off);
		if (err)
			return err;
		off += (ssize_t)h.n_valid * HPTE_BYTES;
	}
	return off == n ? 0 : -EIO;
}

/* One pass over an HTAB fd as a stream in a new buffer: the first pass
 * of a fresh fd gives every valid entry, each later one only the entries
 * changed since (nothing at all once the guest is stopped). */
static int htab_pass(int fd, unsigned order, uint8_t **out, size_t *len)
{
	uint8_t *buf = malloc(HTAB_READ_CHUNK);
	size_t cap = 4096;
	int err = 0;
	ssize_t n;

	*out = malloc(cap);
	*len = 0;
	if (!buf || !*out) {
		err = -ENOMEM;
		goto done;
	}
	*len = hpt_stream_put_header(*out, cap, order);
	while ((n = read(fd, buf, HTAB_READ_CHUNK)) > 0) {
		err = convert(buf, n, out, len, &cap);
		if (err)
			goto done;
	}
	if (n < 0) {
		err = -errno;
		goto done;
	}
	err = put_record(out, len, &cap, &(struct kvm_get_htab_header){ 0 },
			 NULL);
done:
	free(buf);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/* The whole HPT of @vm_fd: the first pass of a fresh fd. */
static int htab_save_fd(int vm_fd, unsigned order, uint8_t **out,
			size_t *len)
{
	int fd = htab_fd(vm_fd, 0), err;

	if (fd < 0)
		return fd;
	err = htab_pass(fd, order, out, len);
	close(fd);
	return err;
}

int hv_htab_save(struct machine *m, uint8_t **out, size_t *len)
{
	return htab_save_fd(kvm_of(m)->vm_fd, m->mmu.hpt_order, out, len);
}

struct loader {
	int fd;
};

static int write_chunk(void *ctx, uint32_t index, uint16_t n_valid,
		       uint16_t n_invalid, const uint8_t *hptes)
{
	struct loader *l = ctx;
	struct kvm_get_htab_header h = { index, n_valid, n_invalid };
	size_t dlen = (size_t)n_valid * HPTE_BYTES;
	uint8_t *rec = malloc(sizeof(h) + dlen);
	ssize_t n;

	if (!rec)
		return -ENOMEM;
	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), hptes, dlen);
	n = write(l->fd, rec, sizeof(h) + dlen);
	free(rec);
	return n == (ssize_t)(sizeof(h) + dlen) ? 0 : -EIO;
}

/* Check the whole stream first: a corrupt one writes nothing. */
static int htab_load_fd(int vm_fd, const uint8_t *stream, size_t len)
{
	struct loader l;
	uint32_t order;
	int err = hpt_stream_load(stream, len, &order, NULL, NULL);

	if (err)
		return err;
	l.fd = htab_fd(vm_fd, KVM_GET_HTAB_WRITE);
	if (l.fd < 0)
		return l.fd;
	err = hpt_stream_load(stream, len, &order, write_chunk, &l);
	close(l.fd);
	return err;
}

int hv_htab_load(struct machine *m, const uint8_t *stream, size_t len)
{
	return htab_load_fd(kvm_of(m)->vm_fd, stream, len);
}

/* Save, load into a second VM with an HPT of the same size, save again:
 * the streams must be the same.  What migration will do, in one process.
 * The source fd's second pass must be empty: the guest is stopped, so it
 * has converged. */
int vm_check_htab_migration(struct machine *m, size_t *bytes)
{
	struct kvm_vm *k = kvm_of(m);
	uint32_t order = m->mmu.hpt_order;
	uint8_t *first = NULL, *second = NULL;
	size_t len1 = 0, len2 = 0;
	int vm2 = -1, fd, err;

	fd = htab_fd(k->vm_fd, 0);
	if (fd < 0)
		return fd;
	err = htab_pass(fd, order, &first, &len1);
	if (!err)
		err = htab_pass(fd, order, &second, &len2);
	close(fd);
	if (!err && len2 != 4 + HPT_CHUNK_HEADER)
		err = -EAGAIN;		/* a stopped guest changed its HPT */
	free(second);
	second = NULL;
	if (err)
		goto done;
	vm2 = ioctl(k->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (vm2 < 0 || ioctl(vm2, KVM_PPC_ALLOCATE_HTAB, &order) < 0) {
		err = -errno;
		goto done;
	}
	err = htab_load_fd(vm2, first, len1);
	if (!err)
		err = htab_save_fd(vm2, order, &second, &len2);
	if (!err && (len1 != len2 || memcmp(first, second, len1)))
		err = -EILSEQ;
	*bytes = len1;
done:
	if (vm2 >= 0)
		close(vm2);
	free(first);
	free(second);
	return err;
}
