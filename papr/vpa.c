#include "cpu/be.h"
#include "papr/vpa.h"

int64_t vpa_dispatch_count(const struct gmem *g, uint64_t addr)
{
	const uint8_t *vpa;

	if (!addr || (addr & 0x7f))
		return -1;
	vpa = gmem_ptr(g, addr, VPA_MIN_SIZE);
	if (!vpa || be16_load(vpa + VPA_SIZE_OFF) < VPA_MIN_SIZE)
		return -1;
	return be32_load(vpa + VPA_DISPATCH_OFF);
}
