/* Stand-in for cpu/kvm/ on hosts that are not POWER.  host_check() already
 * refused such a host with a clear message, so none of this runs; it exists
 * so that the native pvmm links and says why it cannot run a guest. */
#include <errno.h>

#include "cpu/hv.h"
#include "cpu/vm.h"

int vm_create(struct machine *m, const struct host *h,
	      const struct vm_config *cfg, struct vm_info *info)
{
	(void)m;
	(void)h;
	(void)cfg;
	(void)info;
	return -ENOSYS;
}

int vm_run(struct machine *m)
{
	(void)m;
	return -ENOSYS;
}

void vm_destroy(struct machine *m)
{
	(void)m;
}

void hv_kick_all(struct machine *m)
{
	(void)m;
}

int hv_sync_lpcr(struct machine *m)
{
	(void)m;
	return -ENOSYS;
}

int hv_configure_mmu(struct machine *m, uint64_t flags, uint64_t proc_tbl)
{
	(void)m;
	(void)flags;
	(void)proc_tbl;
	return -ENOSYS;
}

int hv_start_cpu(struct machine *m, struct vcpu *v, uint64_t pc, uint64_t r3)
{
	(void)m;
	(void)v;
	(void)pc;
	(void)r3;
	return -ENOSYS;
}

int hv_set_sprg0(struct machine *m, struct vcpu *v, uint64_t val)
{
	(void)m;
	(void)v;
	(void)val;
	return -ENOSYS;
}

int hv_system_reset(struct machine *m, struct vcpu *v)
{
	(void)m;
	(void)v;
	return -ENOSYS;
}

int hv_vcpu_get_papr(struct machine *m, struct vcpu *v, struct vcpu_papr *s)
{
	(void)m;
	(void)v;
	(void)s;
	return -ENOSYS;
}

int hv_vcpu_set_papr(struct machine *m, struct vcpu *v,
		     const struct vcpu_papr *s)
{
	(void)m;
	(void)v;
	(void)s;
	return -ENOSYS;
}

int hv_irq_raise(struct machine *m, uint32_t irq)
{
	(void)m;
	(void)irq;
	return -ENOSYS;
}

int hv_irq_set_level(struct machine *m, uint32_t irq, int level)
{
	(void)m;
	(void)irq;
	(void)level;
	return -ENOSYS;
}

int hv_ioeventfd(struct machine *m, uint64_t gpa, unsigned len, int fd)
{
	(void)m;
	(void)gpa;
	(void)len;
	(void)fd;
	return -ENOSYS;
}

int hv_irqfd(struct machine *m, uint32_t irq)
{
	(void)m;
	(void)irq;
	return -ENOSYS;
}

long hv_resize_hpt(struct machine *m, bool commit, unsigned shift)
{
	(void)m;
	(void)commit;
	(void)shift;
	return -ENOSYS;
}

int hv_htab_save(struct machine *m, uint8_t **stream, size_t *len)
{
	(void)m;
	*stream = NULL;
	*len = 0;
	return -ENOSYS;
}

int hv_htab_load(struct machine *m, const uint8_t *stream, size_t len)
{
	(void)m;
	(void)stream;
	(void)len;
	return -ENOSYS;
}

int vm_check_htab_migration(struct machine *m, size_t *bytes)
{
	(void)m;
	*bytes = 0;
	return -ENOSYS;
}

int vm_check_vcpu_state(struct machine *m, struct vcpu_papr *seen)
{
	(void)m;
	(void)seen;
	return -ENOSYS;
}

int hv_tce_create(struct machine *m, uint32_t liobn, unsigned shift,
		  uint64_t bus, uint64_t n, uint64_t **tces)
{
	(void)m;
	(void)liobn;
	(void)shift;
	(void)bus;
	(void)n;
	*tces = NULL;
	return -ENOSYS;
}

void hv_tce_destroy(struct machine *m, int fd, uint64_t *tces, uint64_t n)
{
	(void)m;
	(void)fd;
	(void)tces;
	(void)n;
}
