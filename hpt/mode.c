/* MMU mode: chosen once, before the guest starts, from what the user asked
 * for and what the host's KVM can give. */
#include <errno.h>
#include <stddef.h>

#include "hpt/mmu.h"

const char *mmu_mode_name(enum mmu_mode mode)
{
	static const char *const names[] = {
		[MMU_AUTO] = "auto", [MMU_RADIX] = "radix",
		[MMU_HASH] = "hash",
	};

	return mode <= MMU_HASH ? names[mode] : "?";
}

int mmu_mode_parse(const char *s, enum mmu_mode *mode)
{
	for (int m = MMU_AUTO; m <= MMU_HASH; m++) {
		const char *name = mmu_mode_name((enum mmu_mode)m);
		size_t i = 0;

		while (name[i] && name[i] == s[i])
			i++;
		if (!name[i] && !s[i]) {
			*mode = (enum mmu_mode)m;
			return 0;
		}
	}
	return -EINVAL;
}

int mmu_choose(enum mmu_mode want, bool host_radix, bool host_hash,
	       enum mmu_mode *mode, const char **why)
{
	*why = NULL;
	if (want == MMU_AUTO)
		want = host_radix ? MMU_RADIX : MMU_HASH;
	if (want == MMU_RADIX && !host_radix) {
		*why = "this host's KVM cannot run radix guests "
		       "(no KVM_CAP_PPC_MMU_RADIX)";
		return -ENODEV;
	}
	if (want == MMU_HASH && !host_hash) {
		*why = "this host's KVM cannot run hash (HPT) guests: "
		       "it is radix-only, as under nested KVM";
		return -ENODEV;
	}
	*mode = want;
	return 0;
}

/* PAPR sizes the HPT at 1/128 of RAM (rounded up to a power of two):
 * enough PTEGs for every page of RAM with room for collisions. */
unsigned hpt_order_for_ram(uint64_t ram)
{
	unsigned order = 0;

	while (order < 63 && (1ULL << order) < ram)
		order++;
	order = order > 7 ? order - 7 : 0;
	if (order < HPT_ORDER_MIN)
		return HPT_ORDER_MIN;
	return order > HPT_ORDER_MAX ? HPT_ORDER_MAX : order;
}
