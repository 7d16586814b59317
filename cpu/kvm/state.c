/* What a snapshot or migration reads out of KVM and loads back: a vCPU's
 * registers (KVM_GET/SET_REGS, the SLB through KVM_GET/SET_SREGS, every
 * other register through ONE_REG) and the in-kernel XICS (each vCPU's
 * KVM_REG_PPC_ICP_STATE, each source through the device's
 * KVM_DEV_XICS_GRP_SOURCES attributes). */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"

_Static_assert(HV_XICS_SOURCES == IRQ_COUNT, "one state per source");

/* The ONE_REG registers a vCPU carries, in the order they are loaded:
 * ARCH_COMPAT and LPCR first (they decide what the others mean), the
 * FPRs before the VSRs that contain them.  Registers this host's KVM
 * does not have are left out when saving (QEMU's spapr does the same).
 * Not here: the PAPR registrations, DEC expiry and timebase offset
 * (struct vcpu_papr, loaded last), and ICP_STATE (the XICS's).  AMOR is
 * not exposed by KVM-HV: it runs the guest with its own value. */
static const uint64_t one_regs_fixed[] = {
	KVM_REG_PPC_ARCH_COMPAT, KVM_REG_PPC_LPCR_64, KVM_REG_PPC_PID,
	KVM_REG_PPC_PSSCR,	 KVM_REG_PPC_TIDR,    KVM_REG_PPC_DSCR,
	KVM_REG_PPC_PURR,	 KVM_REG_PPC_SPURR,   KVM_REG_PPC_DAR,
	KVM_REG_PPC_DSISR,	 KVM_REG_PPC_AMR,     KVM_REG_PPC_UAMOR,
	KVM_REG_PPC_IAMR,	 KVM_REG_PPC_MMCR0,   KVM_REG_PPC_MMCR1,
	KVM_REG_PPC_MMCRA,	 KVM_REG_PPC_MMCR2,   KVM_REG_PPC_MMCRS,
	KVM_REG_PPC_MMCR3,	 KVM_REG_PPC_SIAR,    KVM_REG_PPC_SDAR,
	KVM_REG_PPC_SIER,	 KVM_REG_PPC_SIER2,   KVM_REG_PPC_SIER3,
	KVM_REG_PPC_PMC1,	 KVM_REG_PPC_PMC2,    KVM_REG_PPC_PMC3,
	KVM_REG_PPC_PMC4,	 KVM_REG_PPC_PMC5,    KVM_REG_PPC_PMC6,
	KVM_REG_PPC_PMC7,	 KVM_REG_PPC_PMC8,    KVM_REG_PPC_SPMC1,
	KVM_REG_PPC_SPMC2,	 KVM_REG_PPC_FSCR,    KVM_REG_PPC_PSPB,
	KVM_REG_PPC_EBBHR,	 KVM_REG_PPC_EBBRR,   KVM_REG_PPC_BESCR,
	KVM_REG_PPC_TAR,	 KVM_REG_PPC_DPDES,   KVM_REG_PPC_DAWR,
	KVM_REG_PPC_DAWRX,	 KVM_REG_PPC_DAWR1,   KVM_REG_PPC_DAWRX1,
	KVM_REG_PPC_CIABR,	 KVM_REG_PPC_IC,      KVM_REG_PPC_VTB,
	KVM_REG_PPC_PPR,	 KVM_REG_PPC_WORT,    KVM_REG_PPC_SPRG9,
	KVM_REG_PPC_FPSCR,	 KVM_REG_PPC_VSCR,    KVM_REG_PPC_VRSAVE,
	KVM_REG_PPC_ONLINE,
};

#define NFIXED (sizeof(one_regs_fixed) / sizeof(one_regs_fixed[0]))
#define NREGS  (NFIXED + 3 * 32)

/* Register @i of the list: the fixed ones, then FPR0-31, VR0-31,
 * VSR0-31. */
static uint64_t one_reg_id(size_t i)
{
	if (i < NFIXED)
		return one_regs_fixed[i];
	i -= NFIXED;
	if (i < 32)
		return KVM_REG_PPC_FPR(i);
	if (i < 64)
		return KVM_REG_PPC_VR(i - 32);
	return KVM_REG_PPC_VSR(i - 64);
}

static uint32_t one_reg_len(uint64_t id)
{
	return 1u << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

bool hv_reg_known(uint64_t id, uint32_t len)
{
	for (size_t i = 0; i < NREGS; i++)
		if (one_reg_id(i) == id)
			return one_reg_len(id) == len;
	return false;
}

int hv_vcpu_get_cpu(struct vm *vm, struct vcpu *v, struct vcpu_cpu *s)
{
	int fd = kvm_vcpu_of(v)->fd;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	(void)vm;
	memset(s, 0, sizeof(*s));
	if (ioctl(fd, KVM_GET_REGS, &regs) < 0 ||
	    ioctl(fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	memcpy(s->gpr, regs.gpr, sizeof(s->gpr));
	s->pc = regs.pc;
	s->msr = regs.msr;
	s->cr = regs.cr;
	s->ctr = regs.ctr;
	s->lr = regs.lr;
	s->xer = regs.xer;
	s->srr0 = regs.srr0;
	s->srr1 = regs.srr1;
	s->sprg[0] = regs.sprg0;
	s->sprg[1] = regs.sprg1;
	s->sprg[2] = regs.sprg2;
	s->sprg[3] = regs.sprg3;
	s->sprg[4] = regs.sprg4;
	s->sprg[5] = regs.sprg5;
	s->sprg[6] = regs.sprg6;
	s->sprg[7] = regs.sprg7;
	s->sdr1 = sregs.u.s.sdr1;
	s->nslb = HV_SLB_MAX;
	for (int i = 0; i < HV_SLB_MAX; i++) {
		s->slb[i].esid = sregs.u.s.ppc64.slb[i].slbe;
		s->slb[i].vsid = sregs.u.s.ppc64.slb[i].slbv;
	}
	for (size_t i = 0; i < NREGS && s->nreg < HV_VCPU_MAX_REGS; i++) {
		struct hv_reg *r = &s->reg[s->nreg];
		struct kvm_one_reg one = {.id = one_reg_id(i),
					  .addr = (uintptr_t)r->val};

		r->id = one.id;
		r->len = one_reg_len(one.id);
		if (ioctl(fd, KVM_GET_ONE_REG, &one) == 0)
			s->nreg++;
		else if (errno != EINVAL && errno != ENOENT && errno != ENXIO &&
			 errno != EOPNOTSUPP)
			return -errno; /* not one this host's KVM has */
	}
	return 0;
}

int hv_vcpu_set_cpu(struct vm *vm, struct vcpu *v, const struct vcpu_cpu *s)
{
	int fd = kvm_vcpu_of(v)->fd;
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	(void)vm;
	memset(&regs, 0, sizeof(regs));
	memcpy(regs.gpr, s->gpr, sizeof(s->gpr));
	regs.pc = s->pc;
	regs.msr = s->msr;
	regs.cr = s->cr;
	regs.ctr = s->ctr;
	regs.lr = s->lr;
	regs.xer = s->xer;
	regs.srr0 = s->srr0;
	regs.srr1 = s->srr1;
	regs.sprg0 = s->sprg[0];
	regs.sprg1 = s->sprg[1];
	regs.sprg2 = s->sprg[2];
	regs.sprg3 = s->sprg[3];
	regs.sprg4 = s->sprg[4];
	regs.sprg5 = s->sprg[5];
	regs.sprg6 = s->sprg[6];
	regs.sprg7 = s->sprg[7];
	/* The PVR must be the host's: KVM refuses another one. */
	if (ioctl(fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.u.s.sdr1 = s->sdr1;
	for (uint32_t i = 0; i < HV_SLB_MAX; i++) {
		sregs.u.s.ppc64.slb[i].slbe = i < s->nslb ? s->slb[i].esid : 0;
		sregs.u.s.ppc64.slb[i].slbv = i < s->nslb ? s->slb[i].vsid : 0;
	}
	for (uint32_t i = 0; i < s->nreg; i++) {
		struct kvm_one_reg one = {.id = s->reg[i].id,
					  .addr = (uintptr_t)s->reg[i].val};

		if (ioctl(fd, KVM_SET_ONE_REG, &one) < 0)
			return -errno;
	}
	if (ioctl(fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

static int xics_src(struct vm *vm, uint32_t irq, uint64_t *val, bool set)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (uintptr_t)val,
	};

	if (ioctl(kvm_of(vm)->xics_fd,
		  set ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR, &attr) < 0)
		return -errno;
	return 0;
}

int hv_xics_get(struct vm *vm, struct xics_state *s)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	for (uint32_t i = 0; !err && i < HV_XICS_SOURCES; i++)
		err = xics_src(vm, IRQ_BASE + i, &s->src[i], false);
	for (int i = 0; !err && i < vm->ncpus; i++)
		err = kvm_one_reg_get(kvm_vcpu_of(&vm->cpu[i])->fd,
				      KVM_REG_PPC_ICP_STATE, &s->icp[i]);
	return err;
}

/* Sources first, so a presentation state that names a pending source
 * finds it configured. */
int hv_xics_set(struct vm *vm, const struct xics_state *s)
{
	int err = 0;

	for (uint32_t i = 0; !err && i < HV_XICS_SOURCES; i++) {
		uint64_t val = s->src[i];

		err = xics_src(vm, IRQ_BASE + i, &val, true);
	}
	for (int i = 0; !err && i < vm->ncpus; i++)
		err = kvm_one_reg_set(kvm_vcpu_of(&vm->cpu[i])->fd,
				      KVM_REG_PPC_ICP_STATE, s->icp[i]);
	return err;
}
