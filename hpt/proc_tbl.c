/* H_REGISTER_PROC_TBL: the guest registers (or keeps) its process table;
 * pvmm validates it as PAPR says and hands it to KVM. */
#include <errno.h>

#include "cpu/hv.h"
#include "cpu/machine.h"
#include "hpt/mmu.h"
#include "papr/hcall.h"

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

static int64_t errno_to_hcall(int err)
{
	switch (err) {
	case -EINVAL:
		return H_PARAMETER;
	case -ENODEV:
		return H_NOT_AVAILABLE;
	default:
		return H_HARDWARE;
	}
}

int64_t h_register_proc_tbl(struct machine *m, struct vcpu *v, uint64_t *args)
{
	uint64_t flags = args[0], pate1, cfg = 0;
	int64_t rc;
	int err;

	(void)v;
	if (flags & ~(uint64_t)PROC_TBL_FLAGS)
		return H_PARAMETER;
	if (!(flags & PROC_TBL_MODIFY)) {
		/* Keep the current table: the mode must agree with it. */
		if (!(flags & PROC_TBL_RADIX) != !(m->mmu.pate1 & PATE1_GR))
			return H_PARAMETER;
		pate1 = m->mmu.pate1;
	} else if (flags & PROC_TBL_REGISTER) {
		rc = proc_tbl_entry(flags, args[1], args[2], args[3], &pate1);
		if (rc != H_SUCCESS)
			return rc;
	} else {
		/* Deregister: keep only the mode so KVM accepts it. */
		pate1 = m->mmu.pate1 & PATE1_GR;
	}
	if (flags & PROC_TBL_RADIX)
		cfg |= MMU_CFG_RADIX;
	if (flags & PROC_TBL_GTSE)
		cfg |= MMU_CFG_GTSE;
	err = hv_configure_mmu(m, cfg, pate1);
	if (err < 0)
		return errno_to_hcall(err);
	m->mmu.pate1 = pate1;
	m->mmu.cfg_flags = cfg;
	return H_SUCCESS;
}
