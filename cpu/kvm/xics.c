/* KVM's in-kernel XICS: one device per VM, its RTAS calls answered in the
 * kernel once their tokens are defined, each vCPU a presentation server. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu/kvm/kvm.h"
#include "cpu/hv.h"
#include "papr/irq.h"
#include "papr/rtas.h"

/* Create pvmm's sources in the XICS, masked; the guest routes and unmasks
 * them with ibm,set-xive / ibm,int-on, which KVM answers itself. */
static int xics_sources(struct machine *m)
{
	struct kvm_vm *k = kvm_of(m);

	for (uint32_t irq = IRQ_BASE; irq < IRQ_BASE + IRQ_COUNT; irq++) {
		uint64_t val = KVM_XICS_MASKED |
			       ((uint64_t)KVM_XICS_PRIORITY_MASK <<
				KVM_XICS_PRIORITY_SHIFT);
		struct kvm_device_attr attr = {
			.group = KVM_DEV_XICS_GRP_SOURCES,
			.attr = irq,
			.addr = (uintptr_t)&val,
		};

		if (ioctl(k->xics_fd, KVM_SET_DEVICE_ATTR, &attr) < 0) {
			fprintf(stderr, "pvmm: XICS source %#x: %s\n", irq,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

int kvm_xics_create(struct machine *m)
{
	struct kvm_vm *k = kvm_of(m);
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_XICS };

	if (ioctl(k->vm_fd, KVM_CREATE_DEVICE, &dev) < 0) {
		fprintf(stderr, "pvmm: cannot create the in-kernel XICS: %s\n",
			strerror(errno));
		return -1;
	}
	k->xics_fd = (int)dev.fd;
	for (size_t i = 0; i < rtas_ncalls; i++) {
		struct kvm_rtas_token_args t = { 0 };

		if (rtas_calls[i].fn)
			continue;	/* pvmm's own call */
		snprintf(t.name, sizeof(t.name), "%s", rtas_calls[i].name);
		t.token = (uint64_t)rtas_token(rtas_calls[i].name);
		if (ioctl(k->vm_fd, KVM_PPC_RTAS_DEFINE_TOKEN, &t) < 0) {
			fprintf(stderr, "pvmm: KVM_PPC_RTAS_DEFINE_TOKEN %s: "
				"%s\n", t.name, strerror(errno));
			return -1;
		}
	}
	return xics_sources(m);
}

/* With the XICS, KVM maps a GSI to the source of the same number, so no
 * routing table is needed. */
int hv_irqfd(struct machine *m, uint32_t irq)
{
	struct kvm_irqfd req = { .gsi = irq };
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), err;

	if (fd < 0)
		return -errno;
	req.fd = (uint32_t)fd;
	if (ioctl(kvm_of(m)->vm_fd, KVM_IRQFD, &req) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int kvm_xics_connect(struct machine *m, struct vcpu *v)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS,
		.args = { (uint64_t)kvm_of(m)->xics_fd, (uint64_t)v->id },
	};

	if (ioctl(kvm_vcpu_of(v)->fd, KVM_ENABLE_CAP, &cap) < 0) {
		fprintf(stderr, "pvmm: vCPU %d: cannot connect to XICS: %s\n",
			v->id, strerror(errno));
		return -1;
	}
	return 0;
}
