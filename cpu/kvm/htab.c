/* The guest's HPT through KVM_PPC_GET_HTAB_FD (cpu/hv.h): KVM's records
 * are a host-endian header {u32 index, u16 n_valid, u16 n_invalid} and
 * n_valid HPTEs (Documentation/virt/kvm/api.rst, 4.79); what they mean is
 * migrate/'s business. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"

#define HTAB_READ_CHUNK (64 << 10)
#define HPTE_BYTES	16

int hv_htab_open(struct vm *vm, bool write)
{
	struct kvm_get_htab_fd req = {.flags = write ? KVM_GET_HTAB_WRITE : 0};
	int fd = ioctl(kvm_of(vm)->vm_fd, KVM_PPC_GET_HTAB_FD, &req);

	return fd < 0 ? -errno : fd;
}

/* Hand each record of one read() to @fn; a record cut by the end of the
 * buffer is KVM breaking its promise (it returns whole records). */
static int htab_records(const uint8_t *buf, ssize_t n, hv_htab_fn *fn,
			void *ctx)
{
	ssize_t off = 0;

	while (off + (ssize_t)sizeof(struct kvm_get_htab_header) <= n) {
		struct kvm_get_htab_header h;
		int err;

		memcpy(&h, buf + off, sizeof(h));
		off += sizeof(h);
		if (off + (ssize_t)h.n_valid * HPTE_BYTES > n)
			return -EIO;
		err = fn(ctx, h.index, h.n_valid, h.n_invalid, buf + off);
		if (err)
			return err;
		off += (ssize_t)h.n_valid * HPTE_BYTES;
	}
	return off == n ? 0 : -EIO;
}

int hv_htab_read(int fd, hv_htab_fn *fn, void *ctx)
{
	uint8_t *buf = malloc(HTAB_READ_CHUNK);
	ssize_t n;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while ((n = read(fd, buf, HTAB_READ_CHUNK)) > 0) {
		err = htab_records(buf, n, fn, ctx);
		if (err)
			break;
		/* kvm_htab_read fills a read until less than a header and
		 * an entry is left, and ends it early only where the pass
		 * wraps around the table: the next read is the next pass,
		 * which a running guest (live migration) has filled already.
		 * One pass per call. */
		if ((size_t)n + sizeof(struct kvm_get_htab_header) + HPTE_BYTES <
		    HTAB_READ_CHUNK)
			break;
	}
	if (!err && n < 0)
		err = -errno;
	free(buf);
	return err;
}

int hv_htab_write(int fd, uint32_t index, uint16_t n_valid, uint16_t n_invalid,
		  const uint8_t *hptes)
{
	struct kvm_get_htab_header h = {index, n_valid, n_invalid};
	size_t dlen = (size_t)n_valid * HPTE_BYTES;
	uint8_t *rec = malloc(sizeof(h) + dlen);
	ssize_t n;

	if (!rec)
		return -ENOMEM;
	memcpy(rec, &h, sizeof(h));
	if (dlen)
		memcpy(rec + sizeof(h), hptes, dlen);
	n = write(fd, rec, sizeof(h) + dlen);
	free(rec);
	return n == (ssize_t)(sizeof(h) + dlen) ? 0 : -EIO;
}

int hv_vm_spare(struct vm *vm, struct vm *spare, unsigned order)
{
	struct kvm_vm *k = kvm_of(vm), *k2;
	uint32_t o = order;

	vm_init(spare, 0, 1);
	k2 = calloc(1, sizeof(*k2));
	if (!k2)
		return -ENOMEM;
	spare->hv = k2;
	k2->kvm_fd = k->kvm_fd;
	k2->xics_fd = -1;
	k2->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (k2->vm_fd < 0 || ioctl(k2->vm_fd, KVM_PPC_ALLOCATE_HTAB, &o) < 0)
		return -errno;
	return 0;
}
