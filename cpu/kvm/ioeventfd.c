/* KVM ioeventfds: virtqueue kicks that do not stop the vCPU. */
#include <errno.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"

int hv_ioeventfd(struct vm *vm, uint64_t gpa, unsigned len, int fd)
{
	struct kvm_ioeventfd req = {
		.addr = gpa,
		.len = len,
		.fd = fd,
	};

	if (ioctl(kvm_of(vm)->vm_fd, KVM_IOEVENTFD, &req) < 0)
		return -errno;
	return 0;
}
