/* The Virtual Processor Area as pvmm reads it: a measurement channel the
 * guest registers with H_REGISTER_VPA (handled inside KVM). */
#ifndef PVMM_VPA_H
#define PVMM_VPA_H

#include <stdint.h>

#include "cpu/gmem.h"

#define VPA_MIN_SIZE		640
#define VPA_SIZE_OFF		0x04	/* be16 size the guest declared */
#define VPA_DISPATCH_OFF	0x100	/* be32 dispatch (yield) count */

/* The dispatch count of the VPA at @addr, or -1 when @addr does not hold
 * a VPA inside RAM (none registered, or the guest moved it away). */
int64_t vpa_dispatch_count(const struct gmem *g, uint64_t addr);

#endif
