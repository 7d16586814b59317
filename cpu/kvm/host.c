/* Host capability check.  Builds on any Linux host: on one that is not a
 * POWER KVM-HV host it is what tells the user so. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cpu/kvm/kvm.h"
#include "cpu/vm.h"

static int cap(int fd, long c)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, c);

	return r < 0 ? 0 : r;
}

static const char *machine_name(void)
{
	static struct utsname u;

	return uname(&u) == 0 ? u.machine : "unknown";
}

/* One per process: pvmm runs one guest. */
static struct host the_host;

struct host *host_open(struct host_caps *caps)
{
	struct host *h = &the_host;

	memset(h, 0, sizeof(*h));
	h->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (h->kvm_fd < 0) {
		fprintf(stderr, "pvmm: /dev/kvm: %s (pvmm needs KVM-HV on a "
			"POWER host; this is %s)\n", strerror(errno),
			machine_name());
		return NULL;
	}
	if (ioctl(h->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		fprintf(stderr, "pvmm: /dev/kvm: unsupported KVM API version\n");
		goto fail;
	}
	if (!cap(h->kvm_fd, KVM_CAP_PPC_PAPR)) {
		fprintf(stderr, "pvmm: KVM on this %s host cannot run PAPR "
			"guests (no KVM_CAP_PPC_PAPR: need a POWER host with "
			"kvm-hv loaded)\n", machine_name());
		goto fail;
	}
	h->radix = cap(h->kvm_fd, KVM_CAP_PPC_MMU_RADIX);
	h->hash = cap(h->kvm_fd, KVM_CAP_PPC_MMU_HASH_V3) ||
		  !h->radix;
	h->xics = cap(h->kvm_fd, KVM_CAP_IRQ_XICS);
	h->max_vcpus = cap(h->kvm_fd, KVM_CAP_MAX_VCPUS);
	if (!h->max_vcpus)
		h->max_vcpus = cap(h->kvm_fd, KVM_CAP_NR_VCPUS);
	*caps = (struct host_caps){ h->radix, h->hash, h->xics };
	return h;
fail:
	close(h->kvm_fd);
	h->kvm_fd = -1;
	return NULL;
}
