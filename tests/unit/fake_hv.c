#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "cpu/hv.h"
#include "cpu/vm.h"
#include "tests/unit/fake_hv.h"

struct fake_hv fake_hv;

void fake_hv_reset(void)
{
	memset(&fake_hv, 0, sizeof(fake_hv));
}

int fake_hv_sreset_count(struct vcpu *v)
{
	int n = 0;

	for (int i = 0; i < fake_hv.sreset_calls && i < FAKE_HV_MAX_CALLS; i++)
		n += fake_hv.sreset_v[i] == v;
	return n;
}

int hv_cpu_char(struct vm *vm, uint64_t *character, uint64_t *behaviour)
{
	(void)vm;
	fake_hv.cpu_char_calls++;
	if (fake_hv.cpu_char_ret)
		return fake_hv.cpu_char_ret;
	*character = fake_hv.cpu_char[0];
	*behaviour = fake_hv.cpu_char[1];
	return 0;
}

void hv_kick_all(struct vm *vm)
{
	(void)vm;
	fake_hv.kick_calls++;
}

int hv_sync_lpcr(struct vm *vm)
{
	(void)vm;
	fake_hv.sync_lpcr_calls++;
	return fake_hv.sync_lpcr_ret;
}

int hv_configure_mmu(struct vm *vm, uint64_t flags, uint64_t proc_tbl)
{
	(void)vm;
	fake_hv.mmu_calls++;
	fake_hv.mmu_flags = flags;
	fake_hv.mmu_proc_tbl = proc_tbl;
	return fake_hv.mmu_ret;
}

int hv_start_cpu(struct vm *vm, struct vcpu *v, uint64_t pc, uint64_t r3)
{
	int stopped = VCPU_STOPPED;

	(void)vm;
	fake_hv.start_calls++;
	fake_hv.start_v = v;
	fake_hv.start_pc = pc;
	fake_hv.start_r3 = r3;
	fake_hv.start_state = atomic_load(&v->state);
	if (fake_hv.start_ret)
		return fake_hv.start_ret;
	if (!atomic_compare_exchange_strong(&v->state, &stopped, VCPU_RUNNING))
		return -EBUSY;
	v->start_pc = pc;
	v->start_r3 = r3;
	return 0;
}

int hv_set_sprg0(struct vm *vm, struct vcpu *v, uint64_t val)
{
	(void)vm;
	fake_hv.sprg0_calls++;
	fake_hv.sprg0_vcpu = v;
	fake_hv.sprg0_val = val;
	return fake_hv.sprg0_ret;
}

int hv_system_reset(struct vm *vm, struct vcpu *v)
{
	(void)vm;
	if (fake_hv.sreset_calls < FAKE_HV_MAX_CALLS)
		fake_hv.sreset_v[fake_hv.sreset_calls] = v;
	fake_hv.sreset_calls++;
	return fake_hv.sreset_ret;
}

int hv_vcpu_get_papr(struct vm *vm, struct vcpu *v, struct vcpu_papr *s)
{
	(void)vm;
	(void)v;
	*s = fake_hv.papr;
	return fake_hv.papr_ret;
}

int hv_vcpu_set_papr(struct vm *vm, struct vcpu *v,
		     const struct vcpu_papr *s)
{
	(void)vm;
	(void)v;
	fake_hv.papr = *s;
	return fake_hv.papr_ret;
}

/* A real eventfd, so tests can read what was raised. */
int hv_irqfd(struct vm *vm, uint32_t irq)
{
	(void)vm;
	fake_hv.irq_calls++;
	fake_hv.irq_last = irq;
	if (fake_hv.irq_ret < 0)
		return fake_hv.irq_ret;
	fake_hv.irq_fd = eventfd(0, EFD_NONBLOCK);
	return fake_hv.irq_fd;
}

int hv_ioeventfd(struct vm *vm, uint64_t gpa, unsigned len, int fd)
{
	(void)vm;
	(void)fd;
	fake_hv.ioeventfd_calls++;
	fake_hv.ioeventfd_last = gpa;
	fake_hv.ioeventfd_len = len;
	if (len == 0 && fake_hv.ioeventfd_any_ret)
		return fake_hv.ioeventfd_any_ret;
	return fake_hv.ioeventfd_ret;
}

/* Raises and level changes are recorded in order, so tests can check
 * what a guest would have seen. */
static int fake_irq_record(uint32_t irq, int level)
{
	if (fake_hv.irq_events < FAKE_HV_MAX_CALLS) {
		fake_hv.irq_seen[fake_hv.irq_events] = irq;
		fake_hv.irq_level[fake_hv.irq_events] = level;
	}
	fake_hv.irq_events++;
	return fake_hv.irq_line_ret;
}

int hv_irq_raise(struct vm *vm, uint32_t irq)
{
	(void)vm;
	return fake_irq_record(irq, FAKE_HV_EDGE);
}

int hv_irq_set_level(struct vm *vm, uint32_t irq, int level)
{
	(void)vm;
	return fake_irq_record(irq, level);
}

/* How many edges were raised on @irq. */
int fake_hv_raised(uint32_t irq)
{
	int n = 0;

	for (int i = 0; i < fake_hv.irq_events && i < FAKE_HV_MAX_CALLS; i++)
		n += fake_hv.irq_seen[i] == irq &&
		     fake_hv.irq_level[i] == FAKE_HV_EDGE;
	return n;
}

long hv_resize_hpt(struct vm *vm, bool commit, unsigned shift)
{
	(void)vm;
	fake_hv.resize_calls++;
	fake_hv.resize_commit = commit;
	fake_hv.resize_shift = shift;
	return fake_hv.resize_ret;
}

/* The HTAB calls: counted and refused (-ENOSYS), unless the test set
 * htab_fake and the tables. */
static bool htab_first = true;

int hv_htab_open(struct vm *vm, bool write)
{
	(void)vm;
	fake_hv.htab_calls++;
	if (!fake_hv.htab_fake)
		return -ENOSYS;
	if (!write)
		htab_first = true;
	return eventfd(0, EFD_CLOEXEC);
}

int hv_htab_read(int fd, hv_htab_fn *fn, void *ctx)
{
	const uint8_t zero[16] = {0};
	int err = 0;

	fake_hv.htab_calls++;
	if (fd < 0)
		return -EBADF;
	if (!fake_hv.htab_fake)
		return -ENOSYS;
	fake_hv.htab_reads++;
	/* One run per entry to report: valid (not all zero) or invalid. */
	for (uint32_t i = 0; !err && i < FAKE_HPT_ENTRIES; i++) {
		const uint8_t *e = fake_hv.hpt + (size_t)i * 16;
		bool valid = memcmp(e, zero, 16) != 0;

		if (!htab_first && !fake_hv.hpt_changed[i])
			continue;
		/* As KVM: the first pass covers every entry, invalid
		 * ones as runs of n_invalid. */
		err = fn(ctx, i, valid, !valid, e);
		fake_hv.hpt_changed[i] = 0;
	}
	htab_first = false;
	return err;
}

int hv_htab_write(int fd, uint32_t index, uint16_t n_valid,
		  uint16_t n_invalid, const uint8_t *hptes)
{
	fake_hv.htab_calls++;
	if (fd < 0 || n_valid + n_invalid == 0)
		return -EINVAL;
	if (!fake_hv.htab_fake)
		return -ENOSYS;
	if ((uint64_t)index + n_valid + n_invalid > FAKE_HPT_ENTRIES)
		return -EINVAL;
	memcpy(fake_hv.hpt_in + (size_t)index * 16, hptes,
	       (size_t)n_valid * 16);
	memset(fake_hv.hpt_in + ((size_t)index + n_valid) * 16, 0,
	       (size_t)n_invalid * 16);
	return 0;
}

int hv_vm_spare(struct vm *vm, struct vm *spare, unsigned order)
{
	(void)vm;
	vm_init(spare, 0, 1);
	fake_hv.htab_calls++;
	return order ? -ENOSYS : -EINVAL;
}

/* The fake keeps no backend state: nothing to end. */
void vm_destroy(struct vm *vm)
{
	(void)vm;
}

int hv_tce_create(struct vm *vm, uint32_t liobn, unsigned shift,
		  uint64_t bus, uint64_t n, uint64_t **tces)
{
	int fd;

	(void)vm;
	fake_hv.tce_creates++;
	fake_hv.tce_liobn = liobn;
	fake_hv.tce_shift = shift;
	fake_hv.tce_bus = bus;
	fake_hv.tce_n = n;
	if (!fake_hv.tce_in_kernel)
		return fake_hv.tce_ret ? fake_hv.tce_ret : -EOPNOTSUPP;
	*tces = calloc(n, sizeof(uint64_t));
	if (!*tces)
		return -ENOMEM;
	fd = eventfd(0, 0);
	if (fd < 0)
		free(*tces);
	return fd < 0 ? -errno : fd;
}

void hv_tce_release(uint64_t *tces, uint64_t first, uint64_t count)
{
	(void)tces;
	fake_hv.tce_released += count;
	if (count > fake_hv.tce_release_max)
		fake_hv.tce_release_max = count;
	fake_hv.tce_release_bad |= first % HV_TCE_RELEASE_STEP != 0;
}

void hv_tce_destroy(struct vm *vm, int fd, uint64_t *tces, uint64_t n)
{
	(void)vm;
	(void)n;
	fake_hv.tce_destroys++;
	free(tces);
	close(fd);
}

int hv_xive_source_config(struct vm *vm, uint32_t lisn, uint32_t server,
			  uint8_t prio, bool masked, uint32_t eisn)
{
	(void)vm;
	fake_hv.xive_calls++;
	fake_hv.xive_lisn = lisn;
	fake_hv.xive_server = server;
	fake_hv.xive_prio = prio;
	fake_hv.xive_masked = masked;
	fake_hv.xive_eisn = eisn;
	return fake_hv.xive_ret;
}

int hv_xive_queue_config(struct vm *vm, uint32_t server, uint8_t prio,
			 uint64_t qpage, unsigned qshift)
{
	(void)vm;
	fake_hv.xive_calls++;
	fake_hv.xive_server = server;
	fake_hv.xive_prio = prio;
	fake_hv.xive_qpage = qpage;
	fake_hv.xive_qshift = qshift;
	return fake_hv.xive_ret;
}

int hv_xive_sync(struct vm *vm, uint32_t lisn)
{
	(void)vm;
	fake_hv.xive_calls++;
	fake_hv.xive_syncs++;
	fake_hv.xive_lisn = lisn;
	return fake_hv.xive_ret;
}

int hv_xive_reset(struct vm *vm)
{
	(void)vm;
	fake_hv.xive_calls++;
	fake_hv.xive_resets++;
	return fake_hv.xive_ret;
}

int hv_xive_esb(struct vm *vm, uint32_t lisn, uint64_t offset, uint64_t data,
		bool store, uint64_t *out)
{
	(void)vm;
	fake_hv.xive_calls++;
	fake_hv.xive_lisn = lisn;
	fake_hv.xive_offset = offset;
	fake_hv.xive_data = data;
	fake_hv.xive_store = store;
	*out = store ? 0 : fake_hv.esb_out;
	return fake_hv.xive_ret;
}

int vm_pause(struct vm *vm)
{
	(void)vm;
	fake_hv.pause_calls++;
	if (fake_hv.paused)
		return -EALREADY;
	fake_hv.paused = true;
	return 0;
}

int vm_resume(struct vm *vm)
{
	(void)vm;
	fake_hv.resume_calls++;
	if (!fake_hv.paused)
		return -EALREADY;
	fake_hv.paused = false;
	return 0;
}

bool vm_paused(const struct vm *vm)
{
	(void)vm;
	return fake_hv.paused;
}

int hv_vcpu_get_cpu(struct vm *vm, struct vcpu *v, struct vcpu_cpu *s)
{
	*s = fake_hv.cpu[v - vm->cpu];
	return fake_hv.state_ret;
}

int hv_vcpu_set_cpu(struct vm *vm, struct vcpu *v, const struct vcpu_cpu *s)
{
	fake_hv.cpu[v - vm->cpu] = *s;
	return fake_hv.state_ret;
}

/* The fake knows the ids below 0x1000 of the sizes ONE_REG has. */
bool hv_reg_known(uint64_t id, uint32_t len)
{
	return id < 0x1000 && (len == 4 || len == 8 || len == 16);
}

int hv_xics_get(struct vm *vm, struct xics_state *s)
{
	(void)vm;
	*s = fake_hv.xics;
	return fake_hv.state_ret;
}

int hv_xics_set(struct vm *vm, const struct xics_state *s)
{
	(void)vm;
	fake_hv.xics = *s;
	return fake_hv.state_ret;
}

int hv_xive_freeze(struct vm *vm)
{
	(void)vm;
	fake_hv.xive_freezes++;
	fake_hv.xive_freeze_dirty_gets = fake_hv.dirty_get_calls;
	return fake_hv.state_ret;
}

int hv_xive_get(struct vm *vm, struct xive_state *s)
{
	fake_hv.xive_gets++;
	for (uint32_t i = 0; i < HV_XIVE_SOURCES; i++)
		s->src[i].pq = fake_hv.xive.src[i].pq;
	for (int c = 0; c < vm->ncpus; c++) {
		for (int p = 0; p < HV_XIVE_PRIOS; p++) {
			if (!s->eq[c][p].qshift)
				continue;
			s->eq[c][p].toggle = fake_hv.xive.eq[c][p].toggle;
			s->eq[c][p].index = fake_hv.xive.eq[c][p].index;
		}
		s->vp[c][0] = fake_hv.xive.vp[c][0];
		s->vp[c][1] = fake_hv.xive.vp[c][1];
	}
	return fake_hv.state_ret;
}

int hv_xive_set(struct vm *vm, const struct xive_state *s)
{
	(void)vm;
	fake_hv.xive_sets++;
	fake_hv.xive = *s;
	return fake_hv.state_ret;
}

int hv_dirty_log(struct vm *vm, bool on)
{
	(void)vm;
	fake_hv.dirty_log_calls++;
	if (fake_hv.dirty_ret)
		return fake_hv.dirty_ret;
	fake_hv.dirty_on = on;
	return 0;
}

int hv_dirty_get(struct vm *vm, uint64_t *bitmap, size_t words,
		 uint64_t *page_bytes)
{
	uint64_t page = fake_hv.dirty_page ? fake_hv.dirty_page : 65536;
	size_t need = (size_t)((vm->mem.size / page + 63) / 64);

	fake_hv.dirty_get_calls++;
	if (fake_hv.dirty_hook)
		fake_hv.dirty_hook(fake_hv.dirty_get_calls);
	if (fake_hv.dirty_ret)
		return fake_hv.dirty_ret;
	if (!fake_hv.dirty_on || words < need ||
	    need > sizeof(fake_hv.dirty) / 8)
		return -EINVAL;
	memcpy(bitmap, fake_hv.dirty, need * 8);
	memset(fake_hv.dirty, 0, sizeof(fake_hv.dirty));
	*page_bytes = page;
	return 0;
}
