/* Dynamic DMA windows: the RTAS calls the PHB's ibm,ddw-applicable and
 * ibm,ddw-extensions name.  Layouts as Linux's pseries/iommu.c (query_ddw,
 * create_ddw, __remove_dma_window, reset_dma_window) calls them; the PE
 * is named by a function's config address (bus << 16 | devfn << 8) and
 * the BUID, and every function here shares the bridge's one PE.
 *
 *   query  (addr, buid hi, buid lo) -> (status, windows available,
 *          largest block in TCEs [hi, lo with 6 outputs], page sizes,
 *          migration page sizes)
 *   create (addr, buid hi, buid lo, page shift, window shift) ->
 *          (status, LIOBN, bus address hi, lo)
 *   remove (LIOBN) -> (status)
 *   reset  (addr, buid hi, buid lo) -> (status): no DDW, the default
 *          window back, empty
 * A malformed call is -3 (parameter error), a window that cannot be had
 * (one exists already, the hypervisor refuses its table) -1. */
#include <errno.h>

#include "papr/papr.h"
#include "io/phb.h"
#include "papr/rtas.h"

#define CFG_ADDR_REG_BITS 0xf00000ffu

/* LoPAR page-size bits of the query's answer (Linux
 * iommu_get_page_shift): 4K, 64K, 16M, 32M, 64M, 128M, 256M, 16G, 2M. */
static const unsigned ddw_page_shift[] = {12, 16, 24, 25, 26, 27, 28, 34, 21};

static uint32_t ddw_page_bits(uint64_t shifts)
{
	uint32_t bits = 0;

	for (unsigned i = 0; i < sizeof(ddw_page_shift) / sizeof(unsigned); i++)
		if (shifts & (1ull << ddw_page_shift[i]))
			bits |= 1u << i;
	return bits;
}

/* Does (addr, buid hi, buid lo) in args[0..2] name a function here? */
static bool pe_ok(struct papr *papr, const struct rtas_args *a)
{
	uint64_t buid = (uint64_t)a->args[1] << 32 | a->args[2];

	return !(a->args[0] & CFG_ADDR_REG_BITS) &&
	       phb_lookup(papr->phb, buid, a->args[0]) != NULL;
}

void rtas_query_pe_dma_window(struct papr *papr, struct vcpu *v,
			      struct rtas_args *a)
{
	uint64_t largest, shifts;
	uint32_t avail, n = 1;

	(void)v;
	if (!pe_ok(papr, a)) {
		a->rets[0] = (uint32_t)RTAS_PARAM_ERROR;
		return;
	}
	tce_ddw_query(&papr->phb->dma, &avail, &largest, &shifts);
	a->rets[0] = RTAS_OK;
	a->rets[n++] = avail;
	if (a->nret >= 6) /* extension 1: the block in two cells */
		a->rets[n++] = (uint32_t)(largest >> 32);
	else if (largest > UINT32_MAX)
		largest = UINT32_MAX;
	a->rets[n++] = (uint32_t)largest;
	a->rets[n++] = ddw_page_bits(shifts);
	a->rets[n] = 0; /* no migration */
}

void rtas_create_pe_dma_window(struct papr *papr, struct vcpu *v,
			       struct rtas_args *a)
{
	uint32_t liobn = 0;
	uint64_t bus = 0;
	int err = -EINVAL;

	(void)v;
	if (pe_ok(papr, a))
		err = tce_ddw_create(&papr->phb->dma, a->args[3], a->args[4],
				     &liobn, &bus);
	a->rets[0] = (uint32_t)rtas_errno(err);
	if (err)
		return;
	a->rets[1] = liobn;
	a->rets[2] = (uint32_t)(bus >> 32);
	a->rets[3] = (uint32_t)bus;
}

void rtas_remove_pe_dma_window(struct papr *papr, struct vcpu *v,
			       struct rtas_args *a)
{
	(void)v;
	a->rets[0] = (uint32_t)rtas_errno(tce_window_remove(&papr->phb->dma, a->args[0]));
}

void rtas_reset_pe_dma_window(struct papr *papr, struct vcpu *v,
			      struct rtas_args *a)
{
	(void)v;
	a->rets[0] = pe_ok(papr, a) ? (uint32_t)rtas_errno(tce_reset(&papr->phb->dma))
				 : (uint32_t)RTAS_PARAM_ERROR;
}
