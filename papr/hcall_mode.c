/* H_SET_MODE: the LPCR fields a guest may choose for itself. */
#include "cpu/hv.h"
#include "papr/papr.h"
#include "papr/hcall.h"

#define SET_MODE_ADDR_TRANS	3	/* AIL: where interrupts land */
#define SET_MODE_LE		4	/* endianness of interrupts */

#define AIL_RESERVED		1	/* ISA 3.0: AIL=1 is reserved */
#define AIL_MAX			3

static int64_t set_mode_le(struct papr *papr, uint64_t mflags)
{
	if (mflags > 1)
		return H_UNSUPPORTED_FLAG;
	papr->vm->lpcr_ile = mflags;
	return hv_sync_lpcr(papr->vm) < 0 ? H_HARDWARE : H_SUCCESS;
}

static int64_t set_mode_ail(struct papr *papr, uint64_t mflags)
{
	if (mflags > AIL_MAX || mflags == AIL_RESERVED)
		return H_UNSUPPORTED_FLAG;
	papr->vm->lpcr_ail = mflags;
	return hv_sync_lpcr(papr->vm) < 0 ? H_HARDWARE : H_SUCCESS;
}

int64_t h_set_mode(struct papr *papr, struct vcpu *v, uint64_t *args)
{
	uint64_t mflags = args[0], resource = args[1];

	(void)v;
	if (resource != SET_MODE_LE && resource != SET_MODE_ADDR_TRANS)
		return H_P2;
	if (args[2])
		return H_P3;
	if (args[3])
		return H_P4;
	return resource == SET_MODE_LE ? set_mode_le(papr, mflags) :
					 set_mode_ail(papr, mflags);
}
