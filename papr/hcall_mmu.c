/* The MMU hcalls: the guest's process table (H_REGISTER_PROC_TBL) and
 * HPT resizing (H_RESIZE_HPT_PREPARE / _COMMIT), checked as PAPR says and
 * handed to the hypervisor; the MMU state they change is hpt/'s struct
 * mmu.
 *
 * H_REGISTER_PROC_TBL: the guest registers (or keeps) its process table. */
#include <errno.h>

#include "cpu/hv.h"
#include "hpt/mmu.h"
#include "papr/hcall.h"
#include "papr/papr.h"

/* Doubleword 1 of the partition-table entry for a new registration, or a
 * negative hcall code when the arguments are not acceptable. */
static int64_t proc_tbl_entry(uint64_t flags, uint64_t table,
			      uint64_t page_size, uint64_t size,
			      uint64_t *pate1)
{
	if (!(flags & PROC_TBL_RADIX)) {
		/* Hash: the table (if any) is the guest's business. */
		*pate1 = table | (size & PATE1_SIZE_MASK);
		return H_SUCCESS;
	}
	if ((table & 0xfff) || (table >> 60))
		return H_P2;
	if (page_size)
		return H_P3;
	if (size > PROC_TBL_SIZE_MAX)
		return H_P4;
	*pate1 = PATE1_GR | table | size;
	return H_SUCCESS;
}

int64_t h_register_proc_tbl(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t flags = args[0], pate1, cfg = 0;
	int64_t rc;
	int err;

	(void)v;
	if (flags & ~(uint64_t)PROC_TBL_FLAGS)
		return H_PARAMETER;
	if (!(flags & PROC_TBL_MODIFY)) {
		/* Keep the current table: the mode must agree with it. */
		if (!(flags & PROC_TBL_RADIX) != !(papr->mmu->pate1 & PATE1_GR))
			return H_PARAMETER;
		pate1 = papr->mmu->pate1;
	} else if (flags & PROC_TBL_REGISTER) {
		rc = proc_tbl_entry(flags, args[1], args[2], args[3], &pate1);
		if (rc != H_SUCCESS)
			return rc;
	} else {
		/* Deregister: keep only the mode so KVM accepts it. */
		pate1 = papr->mmu->pate1 & PATE1_GR;
	}
	if (flags & PROC_TBL_RADIX)
		cfg |= MMU_CFG_RADIX;
	if (flags & PROC_TBL_GTSE)
		cfg |= MMU_CFG_GTSE;
	err = hv_configure_mmu(papr->vm, cfg, pate1);
	if (err < 0)
		return hcall_errno(err);
	papr->mmu->pate1 = pate1;
	papr->mmu->cfg_flags = cfg;
	return H_SUCCESS;
}

/* HPT resizing, carried out by the hypervisor.  Preparing is
 * asynchronous: while the kernel builds the new table it returns an
 * estimate in ms, which the guest gets back as an H_LONG_BUSY code
 * telling it when to ask again. */
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
static int64_t resize_args(const struct papr *papr, uint64_t flags,
			   uint64_t shift)
{
	if (papr->mmu->mode != MMU_HASH)
		return H_NOT_AVAILABLE;
	if (flags)
		return H_PARAMETER;
	if (shift && (shift < HPT_ORDER_MIN || shift > HPT_ORDER_MAX))
		return H_PARAMETER;
	return H_SUCCESS;
}

/* A table at most one order above what the guest's RAM calls for (RAM/128,
 * as it booted with): the kernel allocates what is prepared, zeroes it, and
 * a later commit rehashes every entry of it while that vCPU cannot be
 * stopped: a 256 MiB guest (a 2 MiB table) gets at most 4 MiB.  Linux
 * resizes for memory hotplug only (pseries_lpar_resize_hpt), which pvmm's
 * fixed RAM never needs; QEMU's spapr has the same bound and answers
 * H_RESOURCE above it. */
static bool resize_too_big(const struct papr *papr, uint64_t shift)
{
	return shift > hpt_order_for_ram(papr->vm->mem.size) + 1;
}

int64_t h_resize_hpt_prepare(struct papr *papr, struct vcpu *v,
			     uint64_t *args)
{
	int64_t rc = resize_args(papr, args[0], args[1]);

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	if (resize_too_big(papr, args[1]))
		return H_RESOURCE;
	return hpt_resize_rc(hv_resize_hpt(papr->vm, false, (unsigned)args[1]));
}

int64_t h_resize_hpt_commit(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	int64_t rc = resize_args(papr, args[0], args[1]);

	(void)v;
	if (rc != H_SUCCESS)
		return rc;
	if (!args[1])
		return H_PARAMETER;
	rc = hpt_resize_rc(hv_resize_hpt(papr->vm, true, (unsigned)args[1]));
	if (rc == H_SUCCESS)
		papr->mmu->hpt_order = (unsigned)args[1];
	return rc;
}
