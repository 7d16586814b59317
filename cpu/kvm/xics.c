/* KVM's in-kernel XICS: one device per VM, its RTAS calls answered in the
 * kernel once their tokens are defined, each vCPU a presentation server.
 * Raising a source (hv_irq_*, irqfds) is the same in XIVE mode (xive.c):
 * KVM routes KVM_IRQ_LINE to whichever controller the VM has. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu/kvm/kvm.h"
#include "cpu/hv.h"
#include "cpu/irq.h"

/* Create pvmm's sources in the XICS, masked at priority 0xff (server 0
 * until the guest says otherwise); the guest routes and unmasks them with
 * ibm,set-xive / ibm,int-on, which KVM answers itself.  A source raised
 * while masked stays pending in KVM and arrives once unmasked. */
static int xics_sources(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	for (uint32_t irq = IRQ_BASE; irq < IRQ_BASE + IRQ_COUNT; irq++) {
		uint64_t val = KVM_XICS_MASKED |
			       ((uint64_t)KVM_XICS_PRIORITY_MASK <<
				KVM_XICS_PRIORITY_SHIFT) |
			       (irq_is_lsi(irq) ? KVM_XICS_LEVEL_SENSITIVE : 0);
		struct kvm_device_attr attr = {
			.group = KVM_DEV_XICS_GRP_SOURCES,
			.attr = irq,
			.addr = (uintptr_t)&val,
		};

		if (ioctl(k->xics_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
			return kvm_fail(k, "XICS source");
	}
	return 0;
}

int kvm_xics_create(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_XICS };

	if (ioctl(k->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return kvm_fail(k, "cannot create the in-kernel XICS");
	k->xics_fd = (int)dev.fd;
	for (size_t i = 0; i < k->cfg.nrtas; i++) {
		struct kvm_rtas_token_args t = { 0 };

		snprintf(t.name, sizeof(t.name), "%s", k->cfg.rtas[i].name);
		t.token = k->cfg.rtas[i].token;
		if (ioctl(k->vm_fd, KVM_PPC_RTAS_DEFINE_TOKEN, &t) < 0)
			return kvm_fail(k, "KVM_PPC_RTAS_DEFINE_TOKEN");
	}
	return xics_sources(vm);
}

/* KVM_IRQ_LINE_STATUS rather than KVM_IRQ_LINE: the XICS reports a
 * source it does not know only through the status. */
static int xics_line(struct vm *vm, uint32_t irq, uint32_t level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level };

	if (ioctl(kvm_of(vm)->vm_fd, KVM_IRQ_LINE_STATUS, &l) < 0)
		return -errno;
	return l.status < 0 ? -EINVAL : 0;
}

/* The irqfd of MSI source @irq, made on first use; or -errno. */
static int msi_irqfd(struct vm *vm, uint32_t irq)
{
	struct kvm_vm *k = kvm_of(vm);
	_Atomic int *slot = &k->msi_fd[irq - IRQ_MSI_BASE];
	int fd = atomic_load(slot) - 1, expect = 0;	/* slot: fd + 1 */

	if (fd >= 0)
		return fd;
	fd = hv_irqfd(vm, irq);
	if (fd < 0)
		return fd;
	/* Two threads may race to make it; the loser's fd goes. */
	if (!atomic_compare_exchange_strong(slot, &expect, fd + 1)) {
		close(fd);
		fd = expect - 1;
	}
	return fd;
}

/* Device MSIs go through an irqfd: one eventfd write from the I/O thread,
 * no ioctl.  Event sources (EPOW) take KVM_INTERRUPT_SET, which presents
 * an edge once (KVM ignores level 0 for one). */
int hv_irq_raise(struct vm *vm, uint32_t irq)
{
	int fd;

	if (!irq_valid(irq) || irq_is_lsi(irq))
		return -EINVAL;
	if (irq_kind_of(irq) != IRQ_KIND_MSI)
		return xics_line(vm, irq, KVM_INTERRUPT_SET);
	fd = msi_irqfd(vm, irq);
	if (fd < 0)
		return fd;
	return eventfd_write(fd, 1) < 0 ? -errno : 0;
}

int hv_irq_set_level(struct vm *vm, uint32_t irq, int level)
{
	if (!irq_is_lsi(irq))
		return -EINVAL;
	atomic_store(&kvm_of(vm)->lsi_level[irq - IRQ_LSI_BASE], level != 0);
	return xics_line(vm, irq, level ? KVM_INTERRUPT_SET_LEVEL :
					 KVM_INTERRUPT_UNSET);
}

/* With the XICS, KVM maps a GSI to the source of the same number, so no
 * routing table is needed. */
int hv_irqfd(struct vm *vm, uint32_t irq)
{
	struct kvm_irqfd req = { .gsi = irq };
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), err;

	if (fd < 0)
		return -errno;
	req.fd = (uint32_t)fd;
	if (ioctl(kvm_of(vm)->vm_fd, KVM_IRQFD, &req) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int kvm_xics_connect(struct vm *vm, struct vcpu *v)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS,
		.args = { (uint64_t)kvm_of(vm)->xics_fd, (uint64_t)v->id },
	};

	if (ioctl(kvm_vcpu_of(v)->fd, KVM_ENABLE_CAP, &cap) < 0)
		return kvm_fail(kvm_of(vm), "a vCPU cannot connect to the XICS");
	return 0;
}
