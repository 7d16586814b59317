/* The TCE hcalls (PAPR; Linux arch/powerpc/platforms/pseries/iommu.c
 * makes them, arch/powerpc/kvm/book3s_64_vio.c answers them when KVM
 * holds the table).  They reach pvmm when KVM holds no table for the
 * LIOBN or turns the TCE down; the answers follow KVM's: everything wrong
 * is H_PARAMETER, and nothing is written unless all of it is right.
 *
 *   H_GET_TCE(liobn, ioba)                 -> r4 = the TCE
 *   H_PUT_TCE(liobn, ioba, tce)
 *   H_PUT_TCE_INDIRECT(liobn, ioba, list, count): count big-endian TCEs
 *       at guest-physical @list (4 KiB aligned, count <= 512)
 *   H_STUFF_TCE(liobn, ioba, tce, count): the same TCE @count times; it
 *       only clears (a TCE with permission bits is refused, as by KVM)
 *
 * LIOBNs are 32 bits: a value above that names no window.
 *
 * The two multi-TCE calls are always answered here, never by KVM
 * (KVM_CAP_PPC_ENABLE_HCALL could hand them to it where it holds the
 * table, as QEMU does): KVM before Linux's fix "powerpc/iommu: Fix the
 * overflow validation in iommu_tce_check_ioba" checks only a call's
 * first entry against the window, so H_STUFF_TCE or H_PUT_TCE_INDIRECT
 * running past the window's end writes past KVM's table.  Debian 12's
 * point-release kernel (6.1.0-50, 6.1.176) has that bug: pvmm's
 * papr_tce test guest crashed Host A's and Host B's KVM with it
 * (kvmppc_tce_put from kvmppc_h_stuff_tce).  Here every entry is
 * checked first; the cost is an exit per call, at most 512 entries
 * each. */
#include <stdint.h>

#include "papr/papr.h"
#include "io/phb.h"
#include "io/tce.h"
#include "cpu/be.h"
#include "papr/hcall.h"

static struct tce_set *dma(struct papr *papr)
{
	return &papr->phb->dma;
}

static int64_t h_code(int err)
{
	return err ? H_PARAMETER : H_SUCCESS;
}

static int liobn_of(uint64_t arg, uint32_t *liobn)
{
	*liobn = (uint32_t)arg;
	return arg >> 32 ? -1 : 0;
}

int64_t h_get_tce(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t tce = 0;
	uint32_t liobn;
	int err;

	(void)v;
	if (liobn_of(args[0], &liobn) < 0)
		return H_PARAMETER;
	err = tce_read(dma(papr), liobn, args[1], &tce);
	if (!err)
		args[0] = tce;
	return h_code(err);
}

int64_t h_put_tce(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint32_t liobn;

	(void)v;
	if (liobn_of(args[0], &liobn) < 0)
		return H_PARAMETER;
	return h_code(tce_write(dma(papr), liobn, args[1], &args[2], 1));
}

int64_t h_stuff_tce(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint32_t liobn;

	(void)v;
	if (liobn_of(args[0], &liobn) < 0 || (args[2] & TCE_PERMS))
		return H_PARAMETER;
	return h_code(tce_fill(dma(papr), liobn, args[1], args[2], args[3]));
}

/* The list is copied once, then checked and written from the copy: the
 * guest may change it meanwhile without effect. */
int64_t h_put_tce_indirect(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t list = args[2], n = args[3], tces[TCE_LIST_MAX];
	const uint8_t *p;
	uint32_t liobn;

	(void)v;
	if (liobn_of(args[0], &liobn) < 0 || n > TCE_LIST_MAX || (list & 0xfff))
		return H_PARAMETER;
	p = gmem_ptr(&papr->vm->mem, list, n * sizeof(uint64_t));
	if (!p)
		return H_PARAMETER;
	for (uint64_t i = 0; i < n; i++)
		tces[i] = be64_load(p + 8 * i);
	return h_code(tce_write(dma(papr), liobn, args[1], tces, n));
}
