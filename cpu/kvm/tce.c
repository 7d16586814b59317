/* TCE tables held by KVM (KVM_CAP_SPAPR_TCE_64): the guest's H_PUT_TCE
 * and H_GET_TCE on a LIOBN KVM knows are answered in the kernel
 * (book3s_64_vio.c).  The multi-TCE calls are not handed to KVM (see
 * papr/hcall_tce.c: older KVM writes past its table on them), and a TCE
 * KVM cannot take (an address outside every memslot, ...) comes back to
 * pvmm as the hcall (H_TOO_HARD inside KVM): pvmm answers both on the
 * same table through the mapping. */
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"

static size_t map_bytes(uint64_t n)
{
	size_t page = (size_t)getpagesize();

	return ((size_t)n * sizeof(uint64_t) + page - 1) & ~(page - 1);
}

int hv_tce_create(struct vm *vm, uint32_t liobn, unsigned shift,
		  uint64_t bus, uint64_t n, uint64_t **tces)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_create_spapr_tce_64 args = {
		.liobn = liobn,
		.page_shift = shift,
		.offset = bus >> shift,
		.size = n,
	};
	void *p;
	int fd;

	if (!k ||
	    ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE_64) <= 0)
		return -EOPNOTSUPP;
	fd = ioctl(k->vm_fd, KVM_CREATE_SPAPR_TCE_64, &args);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, map_bytes(n), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		int err = -errno;

		close(fd);
		return err;
	}
	*tces = p;
	return fd;
}

/* KVM's table pages are the kernel's (book3s_64_vio.c hands them out from
 * the fault handler); MADV_DONTNEED drops only this mapping's PTEs, and
 * the next access faults the same page in again, so every page the
 * entries touch goes, a neighbour's entries on it included. */
void hv_tce_release(uint64_t *tces, uint64_t first, uint64_t count)
{
	size_t page = (size_t)getpagesize();
	uintptr_t a = (uintptr_t)(tces + first) & ~(uintptr_t)(page - 1);
	uintptr_t end = (uintptr_t)(tces + first + count);

	if (count)
		madvise((void *)a, end - a, MADV_DONTNEED);
}

void hv_tce_destroy(struct vm *vm, int fd, uint64_t *tces, uint64_t n)
{
	(void)vm;
	munmap(tces, map_bytes(n));
	close(fd);
}
