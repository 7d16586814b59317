/* vCPU PAPR state through ONE_REG.  The SLB shadow and DTL registers are
 * 128 bits: address then length, host-endian. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"

struct reg128 {
	uint64_t addr;
	uint64_t len;
};

static int get128(int fd, uint64_t id, uint64_t *addr, uint64_t *len)
{
	struct reg128 r = { 0, 0 };
	struct kvm_one_reg one = { .id = id, .addr = (uintptr_t)&r };

	if (ioctl(fd, KVM_GET_ONE_REG, &one) < 0)
		return -errno;
	*addr = r.addr;
	*len = r.len;
	return 0;
}

static int set128(int fd, uint64_t id, uint64_t addr, uint64_t len)
{
	struct reg128 r = { addr, len };
	struct kvm_one_reg one = { .id = id, .addr = (uintptr_t)&r };

	return ioctl(fd, KVM_SET_ONE_REG, &one) < 0 ? -errno : 0;
}

int hv_vcpu_get_papr(struct vm *vm, struct vcpu *v, struct vcpu_papr *s)
{
	int fd = kvm_vcpu_of(v)->fd, err;

	(void)vm;
	err = kvm_one_reg_get(fd, KVM_REG_PPC_VPA_ADDR, &s->vpa_addr);
	if (!err)
		err = get128(fd, KVM_REG_PPC_VPA_SLB, &s->slb_addr, &s->slb_len);
	if (!err)
		err = get128(fd, KVM_REG_PPC_VPA_DTL, &s->dtl_addr, &s->dtl_len);
	if (!err)
		err = kvm_one_reg_get(fd, KVM_REG_PPC_DEC_EXPIRY,
				      &s->dec_expiry);
	if (!err)
		err = kvm_one_reg_get(fd, KVM_REG_PPC_TB_OFFSET, &s->tb_offset);
	return err;
}

/* The VPA first: KVM refuses an SLB shadow or DTL without one. */
int hv_vcpu_set_papr(struct vm *vm, struct vcpu *v,
		     const struct vcpu_papr *s)
{
	int fd = kvm_vcpu_of(v)->fd, err;

	(void)vm;
	err = kvm_one_reg_set(fd, KVM_REG_PPC_VPA_ADDR, s->vpa_addr);
	if (!err)
		err = set128(fd, KVM_REG_PPC_VPA_SLB, s->slb_addr, s->slb_len);
	if (!err)
		err = set128(fd, KVM_REG_PPC_VPA_DTL, s->dtl_addr, s->dtl_len);
	if (!err)
		err = kvm_one_reg_set(fd, KVM_REG_PPC_TB_OFFSET, s->tb_offset);
	if (!err)
		err = kvm_one_reg_set(fd, KVM_REG_PPC_DEC_EXPIRY,
				      s->dec_expiry);
	return err;
}
