/* KVM's binary statistics (KVM_GET_STATS_FD): counters the kernel keeps
 * for exits it handles itself (halts, cedes woken, in-kernel hcalls...),
 * which pvmm never sees otherwise. */
#ifndef PVMM_KVM_STATS_H
#define PVMM_KVM_STATS_H

#include <stdint.h>

#define KVM_STATS_MAX	64
#define KVM_STAT_NAME	48

struct kvm_stat {
	char name[KVM_STAT_NAME];
	uint64_t value;
};

struct kvm_stats {
	int n;
	struct kvm_stat stat[KVM_STATS_MAX];
};

/* Read every scalar statistic from a stats fd; 0 or -errno (-EINVAL for
 * a layout that does not add up). */
int kvm_stats_read(int fd, struct kvm_stats *out);

#endif
