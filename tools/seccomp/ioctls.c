/* The ioctl requests the sandbox's rules name (rules.c), as the target's
 * compiler and headers define them: compiled with `-S` only, and the
 * Makefile reads the values out of the assembly for gen.c, so the
 * filters carry ppc64le's numbers, not the build machine's.  (A build
 * tool: it includes <linux/kvm.h> for the numbers, no code.) */
#include <sys/ioctl.h>

#include <linux/kvm.h>

#define X(n) const unsigned int ioctl_value_##n = (unsigned int)(n);

X(TCSETSF)
X(TCGETS)
X(TIOCGWINSZ)
X(KVM_RUN)
X(KVM_GET_REGS)
X(KVM_SET_REGS)
X(KVM_GET_SREGS)
X(KVM_GET_ONE_REG)
X(KVM_SET_ONE_REG)
X(KVM_IRQ_LINE_STATUS)
X(KVM_IRQFD)
X(KVM_IOEVENTFD)
X(KVM_CHECK_EXTENSION)
#ifdef __powerpc64__
X(KVM_CREATE_SPAPR_TCE_64)
X(KVM_PPC_CONFIGURE_V3_MMU)
#else /* POWER only: their structs are in POWER's <asm/kvm.h> */
const unsigned int ioctl_value_KVM_CREATE_SPAPR_TCE_64 = 0;
const unsigned int ioctl_value_KVM_PPC_CONFIGURE_V3_MMU = 0;
#endif
X(KVM_PPC_RESIZE_HPT_PREPARE)
X(KVM_PPC_RESIZE_HPT_COMMIT)
X(KVM_GET_STATS_FD)
X(KVM_SET_DEVICE_ATTR)
X(KVM_CREATE_VM)
X(KVM_GET_DEVICE_ATTR)
X(KVM_GET_DIRTY_LOG)
X(KVM_SET_USER_MEMORY_REGION)
#ifdef __powerpc64__
X(KVM_PPC_GET_HTAB_FD)
#else
const unsigned int ioctl_value_KVM_PPC_GET_HTAB_FD = 0;
#endif
