/* Live migration's dirty log: KVM marks each page of the RAM slot the
 * guest writes (KVM_MEM_LOG_DIRTY_PAGES), KVM_GET_DIRTY_LOG hands the
 * marks out and clears them (Documentation/virt/kvm/api.rst 4.8, 4.35). */
#include <errno.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"

int hv_dirty_log(struct vm *vm, bool on)
{
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.flags = on ? KVM_MEM_LOG_DIRTY_PAGES : 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.host,
	};

	/* Changing only the flags of a slot is allowed while vCPUs run. */
	if (ioctl(kvm_of(vm)->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return -errno;
	return 0;
}

int hv_dirty_get(struct vm *vm, uint64_t *bitmap, size_t words,
		 uint64_t *page_bytes)
{
	uint64_t page = (uint64_t)getpagesize();
	uint64_t pages = vm->mem.size / page;
	struct kvm_dirty_log log = {.slot = 0, .dirty_bitmap = bitmap};

	/* KVM fills one bit per page, in longs: 64 bits on POWER. */
	if (words < (pages + 63) / 64)
		return -EINVAL;
	if (ioctl(kvm_of(vm)->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0)
		return -errno;
	*page_bytes = page;
	return 0;
}
