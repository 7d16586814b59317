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

int host_open(struct host **hp, struct host_caps *caps, char *why,
	      size_t len)
{
	struct host *h = &the_host;
	int err;

	memset(h, 0, sizeof(*h));
	h->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (h->kvm_fd < 0) {
		err = -errno;
		snprintf(why, len, "/dev/kvm: %s (pvmm needs KVM-HV on a POWER "
			 "host; this is %s)", strerror(-err), machine_name());
		return err;
	}
	if (ioctl(h->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm: unsupported KVM API version");
		err = -ENOTSUP;
		goto fail;
	}
	if (!cap(h->kvm_fd, KVM_CAP_PPC_PAPR)) {
		snprintf(why, len, "KVM on this %s host cannot run PAPR guests "
			 "(no KVM_CAP_PPC_PAPR: need a POWER host with kvm-hv "
			 "loaded)", machine_name());
		err = -ENODEV;
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
	*hp = h;
	return 0;
fail:
	close(h->kvm_fd);
	h->kvm_fd = -1;
	return err;
}
