/* Stand-in for cpu/kvm/ on hosts that are not POWER.  host_open()
 * (cpu/kvm/host.c, built everywhere) already refused such a host with a
 * clear message, so none of this runs; it exists so that the native pvmm
 * links and says why it cannot run a guest. */
#include <errno.h>
#include <stdio.h>

#include "cpu/hv.h"
#include "cpu/vm.h"

int vm_create(struct vm *vm, const struct host *h,
	      const struct vm_config *cfg, struct vm_info *info, char *why,
	      size_t len)
{
	snprintf(why, len, "no hypervisor backend in this build");
	(void)vm;
	(void)h;
	(void)cfg;
	(void)info;
	return -ENOSYS;
}

int vm_run(struct vm *vm)
{
	(void)vm;
	return -ENOSYS;
}

void vm_destroy(struct vm *vm)
{
	(void)vm;
}

int hv_cpu_char(struct vm *vm, uint64_t *character, uint64_t *behaviour)
{
	(void)vm;
	(void)character;
	(void)behaviour;
	return -ENOSYS;
}

void hv_kick_all(struct vm *vm)
{
	(void)vm;
}

int hv_sync_lpcr(struct vm *vm)
{
	(void)vm;
	return -ENOSYS;
}

int hv_configure_mmu(struct vm *vm, uint64_t flags, uint64_t proc_tbl)
{
	(void)vm;
	(void)flags;
	(void)proc_tbl;
	return -ENOSYS;
}

int hv_start_cpu(struct vm *vm, struct vcpu *v, uint64_t pc, uint64_t r3)
{
	(void)vm;
	(void)v;
	(void)pc;
	(void)r3;
	return -ENOSYS;
}

int hv_set_sprg0(struct vm *vm, struct vcpu *v, uint64_t val)
{
	(void)vm;
	(void)v;
	(void)val;
	return -ENOSYS;
}

int hv_system_reset(struct vm *vm, struct vcpu *v)
{
	(void)vm;
	(void)v;
	return -ENOSYS;
}

int hv_vcpu_get_papr(struct vm *vm, struct vcpu *v, struct vcpu_papr *s)
{
	(void)vm;
	(void)v;
	(void)s;
	return -ENOSYS;
}

int hv_vcpu_set_papr(struct vm *vm, struct vcpu *v,
		     const struct vcpu_papr *s)
{
	(void)vm;
	(void)v;
	(void)s;
	return -ENOSYS;
}

int hv_irq_raise(struct vm *vm, uint32_t irq)
{
	(void)vm;
	(void)irq;
	return -ENOSYS;
}

int hv_irq_set_level(struct vm *vm, uint32_t irq, int level)
{
	(void)vm;
	(void)irq;
	(void)level;
	return -ENOSYS;
}

int hv_ioeventfd(struct vm *vm, uint64_t gpa, unsigned len, int fd)
{
	(void)vm;
	(void)gpa;
	(void)len;
	(void)fd;
	return -ENOSYS;
}

int hv_irqfd(struct vm *vm, uint32_t irq)
{
	(void)vm;
	(void)irq;
	return -ENOSYS;
}

long hv_resize_hpt(struct vm *vm, bool commit, unsigned shift)
{
	(void)vm;
	(void)commit;
	(void)shift;
	return -ENOSYS;
}

int hv_htab_open(struct vm *vm, bool write)
{
	(void)vm;
	(void)write;
	return -ENOSYS;
}

int hv_htab_read(int fd, hv_htab_fn *fn, void *ctx)
{
	(void)fd;
	(void)fn;
	(void)ctx;
	return -ENOSYS;
}

int hv_htab_write(int fd, uint32_t index, uint16_t n_valid,
		  uint16_t n_invalid, const uint8_t *hptes)
{
	(void)fd;
	(void)index;
	(void)n_valid;
	(void)n_invalid;
	(void)hptes;
	return -ENOSYS;
}

int hv_vm_spare(struct vm *vm, struct vm *spare, unsigned order)
{
	(void)vm;
	(void)order;
	vm_init(spare, 0, 1);
	return -ENOSYS;
}

int hv_tce_create(struct vm *vm, uint32_t liobn, unsigned shift,
		  uint64_t bus, uint64_t n, uint64_t **tces)
{
	(void)vm;
	(void)liobn;
	(void)shift;
	(void)bus;
	(void)n;
	*tces = NULL;
	return -ENOSYS;
}

void hv_tce_release(uint64_t *tces, uint64_t first, uint64_t count)
{
	(void)tces;
	(void)first;
	(void)count;
}

void hv_tce_destroy(struct vm *vm, int fd, uint64_t *tces, uint64_t n)
{
	(void)vm;
	(void)fd;
	(void)tces;
	(void)n;
}

int hv_xive_source_config(struct vm *vm, uint32_t lisn, uint32_t server,
			  uint8_t prio, bool masked, uint32_t eisn)
{
	(void)vm;
	(void)lisn;
	(void)server;
	(void)prio;
	(void)masked;
	(void)eisn;
	return -ENOSYS;
}

int hv_xive_queue_config(struct vm *vm, uint32_t server, uint8_t prio,
			 uint64_t qpage, unsigned qshift)
{
	(void)vm;
	(void)server;
	(void)prio;
	(void)qpage;
	(void)qshift;
	return -ENOSYS;
}

int hv_xive_sync(struct vm *vm, uint32_t lisn)
{
	(void)vm;
	(void)lisn;
	return -ENOSYS;
}

int hv_xive_reset(struct vm *vm)
{
	(void)vm;
	return -ENOSYS;
}

int hv_xive_esb(struct vm *vm, uint32_t lisn, uint64_t offset, uint64_t data,
		bool store, uint64_t *out)
{
	(void)vm;
	(void)lisn;
	(void)offset;
	(void)data;
	(void)store;
	*out = 0;
	return -ENOSYS;
}

int vm_pause(struct vm *vm)
{
	(void)vm;
	return -ENOSYS;
}

int vm_resume(struct vm *vm)
{
	(void)vm;
	return -EALREADY;
}

bool vm_paused(const struct vm *vm)
{
	(void)vm;
	return false;
}

int hv_vcpu_get_cpu(struct vm *vm, struct vcpu *v, struct vcpu_cpu *s)
{
	(void)vm;
	(void)v;
	(void)s;
	return -ENOSYS;
}

int hv_vcpu_set_cpu(struct vm *vm, struct vcpu *v, const struct vcpu_cpu *s)
{
	(void)vm;
	(void)v;
	(void)s;
	return -ENOSYS;
}

bool hv_reg_known(uint64_t id, uint32_t len)
{
	(void)id;
	(void)len;
	return false;
}

int hv_xics_get(struct vm *vm, struct xics_state *s)
{
	(void)vm;
	(void)s;
	return -ENOSYS;
}

int hv_xics_set(struct vm *vm, const struct xics_state *s)
{
	(void)vm;
	(void)s;
	return -ENOSYS;
}

int hv_dirty_log(struct vm *vm, bool on)
{
	(void)vm;
	(void)on;
	return -ENOSYS;
}

int hv_dirty_get(struct vm *vm, uint64_t *bitmap, size_t words,
		 uint64_t *page_bytes)
{
	(void)vm;
	(void)bitmap;
	(void)words;
	(void)page_bytes;
	return -ENOSYS;
}
