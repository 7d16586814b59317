/* HPT resizing: H_RESIZE_HPT_PREPARE / H_RESIZE_HPT_COMMIT, carried out by
 * KVM.  Preparing is asynchronous: while the kernel builds the new table
 * it returns an estimate in ms, which the guest gets back as an
 * H_LONG_BUSY code telling it when to ask again. */
#include <errno.h>

#include "cpu/hv.h"
#include "cpu/machine.h"
#include "hpt/mmu.h"
#include "papr/hcall.h"

#define H_AUTHORITY	(-14)
#define H_NO_MEM	(-9)

/* The hcall code for what KVM answered: > 0 is ms still to wait. */
int64_t hpt_resize_rc(long kvm_ret)
{
	static const struct { long ms; int64_t rc; } busy[] = {
		{ 100000, H_LONG_BUSY_ORDER_1_MSEC + 5 },	/* 100 s */
		{ 10000, H_LONG_BUSY_ORDER_1_MSEC + 4 },
		{ 1000, H_LONG_BUSY_ORDER_1_MSEC + 3 },
		{ 100, H_LONG_BUSY_ORDER_1_MSEC + 2 },
		{ 10, H_LONG_BUSY_ORDER_1_MSEC + 1 },
		{ 1, H_LONG_BUSY_ORDER_1_MSEC },
	};

	for (size_t i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
		if (kvm_ret >= busy[i].ms)
			return busy[i].rc;
	switch (kvm_ret) {
	case 0: return H_SUCCESS;
	case -EPERM: return H_AUTHORITY;
	case -EINVAL: return H_PARAMETER;
	case -ENXIO: return H_CLOSED;
	case -ENOSPC: return H_PTEG_FULL;
	case -EBUSY: return H_BUSY;
	case -ENOMEM: return H_NO_MEM;
	default: return H_HARDWARE;
	}
}

/* flags must be 0; shift 0 cancels a prepared resize, otherwise it is the
 * new HPT order. */
static int64_t resize_args(const struct machine *m, uint64_t flags,
			   uint64_t shift)
{
	if (m->mmu.mode != MMU_HASH)
		return H_NOT_AVAILABLE;
	if (flags)
		return H_PARAMETER;
	if (shift && (shift < HPT_ORDER_MIN || shift > HPT_ORDER_MAX))
		return H_PARAMETER;
	return H_SUCCESS;
}

int64_t h_resize_hpt_prepare(struct machine *m, struct vcpu *v,
			     uint64_t *args)
{
	int64_t rc = resize_args(m, args[0], args[1]);

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	return hpt_resize_rc(hv_resize_hpt(m, false, (unsigned)args[1]));
}

int64_t h_resize_hpt_commit(struct machine *m, struct vcpu *v, uint64_t *args)
{
	int64_t rc = resize_args(m, args[0], args[1]);

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	if (!args[1])
		return H_PARAMETER;
	rc = hpt_resize_rc(hv_resize_hpt(m, true, (unsigned)args[1]));
	if (rc == H_SUCCESS)
		m->mmu.hpt_order = (unsigned)args[1];
	return rc;
}
