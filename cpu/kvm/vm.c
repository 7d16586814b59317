/* VM life cycle on KVM-HV: create the VM, its RAM slot, interrupt
 * controller and vCPUs; run them; tear down. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/hv.h"
#include "cpu/kvm/kvm.h"
#include "cpu/be.h"

#define DEFAULT_TIMEBASE_HZ	512000000ULL	/* POWER9 */
#define DEFAULT_CLOCK_HZ	1000000000ULL

/* A be32 property of the host's first cpu node, or @def. */
static uint64_t host_cpu_prop(const char *prop, uint64_t def)
{
	static const char *const paths[] = {
		"/proc/device-tree/cpus/PowerPC,POWER9@0/%s",
		"/proc/device-tree/cpus/PowerPC,POWER10@0/%s",
		"/proc/device-tree/cpus/PowerPC,POWER9@800/%s",
	};
	char path[128];
	uint8_t buf[4];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), paths[i], prop);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n == 4)
			return be32_load(buf);
	}
	return def;
}

static int vcpu_create(struct vm *vm, struct vcpu *v)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = &k->vcpu[v - vm->cpu];
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };

	v->hv = kv;
	kv->vm = vm;
	kv->fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->id);
	if (kv->fd < 0)
		return kvm_fail(k, "KVM_CREATE_VCPU");
	kv->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       kv->fd, 0);
	if (kv->run == MAP_FAILED)
		return kvm_fail(k, "mmap kvm_run");
	/* PAPR mode first: the XICS connection is refused before it. */
	if (ioctl(kv->fd, KVM_ENABLE_CAP, &papr) < 0)
		return kvm_fail(k, "KVM_ENABLE_CAP(PPC_PAPR)");
	return k->xics_fd >= 0 ? kvm_xics_connect(vm, v) : 0;
}

static int vm_memory(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_userspace_memory_region slot = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.host,
	};

	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return kvm_fail(k, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

static void smmu_to_mmu_info(const struct kvm_ppc_smmu_info *si,
			     struct mmu_info *mi)
{
	mi->slb_size = si->slb_size;
	for (int i = 0; i < KVM_PPC_PAGE_SIZES_MAX_SZ && i < MMU_MAX_SIZES;
	     i++) {
		const struct kvm_ppc_one_seg_page_size *sps = &si->sps[i];
		struct mmu_seg_size *seg = &mi->seg[mi->nseg];

		if (!sps->page_shift)
			continue;
		seg->shift = sps->page_shift;
		seg->slb_enc = sps->slb_enc;
		seg->nenc = 0;
		for (int j = 0; j < KVM_PPC_PAGE_SIZES_MAX_SZ &&
				j < MMU_MAX_SIZES; j++) {
			if (!sps->enc[j].page_shift)
				continue;
			seg->enc[seg->nenc].shift = sps->enc[j].page_shift;
			seg->enc[seg->nenc].pte_enc = sps->enc[j].pte_enc;
			seg->nenc++;
		}
		mi->nseg++;
	}
}

/* Page sizes from KVM, as it offers them (hpt/ keeps those guest RAM can
 * be backed with). */
static void vm_read_mmu(struct vm *vm, struct mmu_info *mi)
{
	struct kvm_ppc_smmu_info si;
	struct kvm_ppc_rmmu_info ri;
	int vm_fd = kvm_of(vm)->vm_fd;

	memset(mi, 0, sizeof(*mi));
	mi->slb_size = 32;
	memset(&si, 0, sizeof(si));
	if (ioctl(vm_fd, KVM_PPC_GET_SMMU_INFO, &si) == 0)
		smmu_to_mmu_info(&si, mi);
	memset(&ri, 0, sizeof(ri));
	if (ioctl(vm_fd, KVM_PPC_GET_RMMU_INFO, &ri) < 0)
		return;
	for (int i = 0; i < 8 && mi->nap < MMU_MAX_SIZES; i++) {
		uint32_t shift = ri.ap_encodings[i] & 0x3f;

		if (ri.ap_encodings[i] && shift <= 30)
			mi->radix_ap[mi->nap++] = ri.ap_encodings[i];
	}
}

/* SMT: KVM lays vCPUs out in virtual cores of threads_per_core, by id. */
static int vm_smt(struct vm *vm, const struct host *h)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_enable_cap smt = {
		.cap = KVM_CAP_PPC_SMT,
		.args = { (uint64_t)vm->threads_per_core, 0 },
	};
	int possible = ioctl(h->kvm_fd, KVM_CHECK_EXTENSION,
			     KVM_CAP_PPC_SMT_POSSIBLE);

	if (vm->threads_per_core == 1)
		return 0;
	if (possible <= 0 || !(possible & vm->threads_per_core)) {
		snprintf(k->why, sizeof(k->why), "--threads-per-core %d: this "
			 "host's KVM offers SMT modes %#x", vm->threads_per_core,
			 possible > 0 ? possible : 0);
		return -EINVAL;
	}
	if (ioctl(k->vm_fd, KVM_ENABLE_CAP, &smt) < 0)
		return kvm_fail(k, "KVM_ENABLE_CAP(PPC_SMT)");
	return 0;
}

/* Hash guests: allocate the HPT at the size the device tree will give. */
static int vm_hpt(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	uint32_t order = k->cfg.hpt_order;

	if (!order)
		return 0;
	if (ioctl(k->vm_fd, KVM_PPC_ALLOCATE_HTAB, &order) < 0)
		return kvm_fail(k, "KVM_PPC_ALLOCATE_HTAB");
	k->cfg.hpt_order = order;
	return 0;
}

static void vm_read_info(struct vm *vm, struct vm_info *info)
{
	struct kvm_sregs sregs;

	memset(&sregs, 0, sizeof(sregs));
	info->pvr = 0;
	if (ioctl(kvm_of(vm)->vcpu[0].fd, KVM_GET_SREGS, &sregs) == 0)
		info->pvr = sregs.pvr;
	info->timebase_hz = host_cpu_prop("timebase-frequency",
					  DEFAULT_TIMEBASE_HZ);
	info->clock_hz = host_cpu_prop("clock-frequency", DEFAULT_CLOCK_HZ);
	info->hpt_order = kvm_of(vm)->cfg.hpt_order;
	vm_read_mmu(vm, &info->mmu);
}

/* What vm_create can refuse before it makes anything. */
static int vm_check(const struct vm *vm, const struct host *h, char *why,
		    size_t len)
{
	if (vm->ncpus > h->max_vcpus && h->max_vcpus > 0) {
		snprintf(why, len, "--cpus %d: this host's KVM allows %d",
			 vm->ncpus, h->max_vcpus);
		return -EINVAL;
	}
	if (!h->xics) {
		snprintf(why, len, "this host's KVM has no in-kernel XICS "
			 "interrupt controller (KVM_CAP_IRQ_XICS)");
		return -ENODEV;
	}
	return 0;
}

static int vm_build(struct vm *vm, const struct host *h,
		    const struct vm_config *cfg, struct vm_info *info)
{
	struct kvm_vm *k = kvm_of(vm);
	int run_size;
	int err;

	k->kvm_fd = h->kvm_fd;
	k->xics_fd = -1;
	k->cfg = *cfg;
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->wake, NULL);
	vm->lpcr_ile = cfg->boot.little_endian;
	k->lpcr_gen = 1;

	run_size = ioctl(h->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		return kvm_fail(k, "KVM_GET_VCPU_MMAP_SIZE");
	k->run_size = (size_t)run_size;
	k->vm_fd = ioctl(h->kvm_fd, KVM_CREATE_VM, KVM_VM_PPC_HV);
	if (k->vm_fd < 0)
		return kvm_fail(k, "KVM_CREATE_VM (is kvm-hv loaded?)");
	if ((err = vm_memory(vm)) < 0 || (err = vm_smt(vm, h)) < 0 ||
	    (err = vm_hpt(vm)) < 0 || (err = kvm_xics_create(vm)) < 0)
		return err;
	kvm_tce_enable_hcalls(vm);
	for (int i = 0; i < vm->ncpus; i++)
		if ((err = vcpu_create(vm, &vm->cpu[i])) < 0)
			return err;
	vm_read_info(vm, info);
	return 0;
}

int vm_create(struct vm *vm, const struct host *h,
	      const struct vm_config *cfg, struct vm_info *info, char *why,
	      size_t len)
{
	struct kvm_vm *k;
	int err = vm_check(vm, h, why, len);

	if (err)
		return err;
	k = calloc(1, sizeof(*k) + (size_t)vm->ncpus * sizeof(k->vcpu[0]));
	if (!k) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	vm->hv = k;
	err = vm_build(vm, h, cfg, info);
	if (err)
		snprintf(why, len, "%s", k->why);
	return err;
}

static void kick_handler(int sig)
{
	(void)sig;	/* only interrupts KVM_RUN */
}

int vm_run(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	struct sigaction sa = { .sa_handler = kick_handler };
	struct vcpu *boot = &vm->cpu[0];
	int err = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);

	/* A restored guest goes on where its loaded registers say. */
	if (!vm->restored) {
		boot->start_pc = k->cfg.boot.pc;
		boot->start_r3 = k->cfg.boot.r3;
		k->vcpu[0].start_pending = true;
		k->vcpu[0].boot_entry = true;
		atomic_store(&boot->state, VCPU_RUNNING);
	}

	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *kv = &k->vcpu[i];

		errno = pthread_create(&kv->thread, NULL, kvm_vcpu_thread,
				       &vm->cpu[i]);
		if (errno) {
			err = -errno;
			vm_request_stop(vm, POWER_ERROR);
			break;
		}
		kv->thread_started = true;
	}
	for (int i = 0; i < vm->ncpus; i++)
		if (k->vcpu[i].thread_started)
			pthread_join(k->vcpu[i].thread, NULL);
	return err;
}

void vm_destroy(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	if (!k)
		return;
	for (int i = 0; i < vm->ncpus; i++) {
		if (k->vcpu[i].run && k->vcpu[i].run != MAP_FAILED)
			munmap(k->vcpu[i].run, k->run_size);
		if (k->vcpu[i].fd > 0)
			close(k->vcpu[i].fd);
	}
	if (k->xics_fd >= 0)
		close(k->xics_fd);
	if (k->vm_fd > 0)
		close(k->vm_fd);
	free(k);
	vm->hv = NULL;
}

/* --- the hv.h seam ------------------------------------------------------ */

/* Make a vCPU thread leave (or not enter) KVM_RUN.  immediate_exit covers
 * a thread that is about to enter; the signal one that is inside.  The
 * thread looks at what changed before it enters again. */
static void vcpu_kick(struct kvm_vcpu *kv)
{
	kv->run->immediate_exit = 1;
	pthread_kill(kv->thread, SIGUSR1);
}

void hv_kick_all(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *kv = &k->vcpu[i];

		if (kv->thread_started)
			vcpu_kick(kv);
	}
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
}

int vm_pause(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = 0, started = 0;

	if (!k)
		return -ESHUTDOWN;
	pthread_mutex_lock(&k->lock);
	if (k->pause) {
		pthread_mutex_unlock(&k->lock);
		return -EALREADY;
	}
	k->pause = true;
	for (int i = 0; i < vm->ncpus; i++) {
		if (!k->vcpu[i].thread_started)
			continue;
		started++;
		if (!k->vcpu[i].parked)
			vcpu_kick(&k->vcpu[i]);
	}
	pthread_cond_broadcast(&k->wake);
	/* A thread not started yet parks before it ever enters. */
	while (k->nparked < started && atomic_load(&vm->power) == POWER_ON)
		pthread_cond_wait(&k->wake, &k->lock);
	if (atomic_load(&vm->power) != POWER_ON) {
		k->pause = false;
		err = -ESHUTDOWN;
	}
	pthread_mutex_unlock(&k->lock);
	return err;
}

int vm_resume(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	int err = 0;

	if (!k)
		return -EALREADY;
	pthread_mutex_lock(&k->lock);
	if (!k->pause)
		err = -EALREADY;
	k->pause = false;
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
	return err;
}

bool vm_paused(const struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);
	bool p;

	if (!k)
		return false;
	pthread_mutex_lock(&k->lock);
	p = k->pause;
	pthread_mutex_unlock(&k->lock);
	return p;
}

/* LPCR changes are applied by each vCPU's own thread before it next
 * enters the guest: another thread may be inside KVM_RUN. */
int hv_sync_lpcr(struct vm *vm)
{
	struct kvm_vm *k = kvm_of(vm);

	pthread_mutex_lock(&k->lock);
	k->lpcr_gen++;
	pthread_mutex_unlock(&k->lock);
	for (int i = 0; i < vm->ncpus; i++) {
		struct kvm_vcpu *kv = &k->vcpu[i];

		if (kv->thread_started && kv->thread != pthread_self() &&
		    atomic_load(&vm->cpu[i].state) == VCPU_RUNNING)
			vcpu_kick(kv);
	}
	return 0;
}

int hv_configure_mmu(struct vm *vm, uint64_t flags, uint64_t proc_tbl)
{
	struct kvm_ppc_mmuv3_cfg cfg = { .flags = flags,
					 .process_table = proc_tbl };

	if (ioctl(kvm_of(vm)->vm_fd, KVM_PPC_CONFIGURE_V3_MMU, &cfg) < 0)
		return -errno;
	return 0;
}

int hv_start_cpu(struct vm *vm, struct vcpu *v, uint64_t pc, uint64_t r3)
{
	struct kvm_vm *k = kvm_of(vm);
	int stopped = VCPU_STOPPED;

	pthread_mutex_lock(&k->lock);
	if (!atomic_compare_exchange_strong(&v->state, &stopped,
					    VCPU_RUNNING)) {
		pthread_mutex_unlock(&k->lock);
		return -EBUSY;
	}
	v->start_pc = pc;
	v->start_r3 = r3;
	kvm_vcpu_of(v)->start_pending = true;
	kvm_vcpu_of(v)->boot_entry = false;
	pthread_cond_broadcast(&k->wake);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

int hv_set_sprg0(struct vm *vm, struct vcpu *v, uint64_t val)
{
	struct kvm_regs regs;
	int fd = kvm_vcpu_of(v)->fd;

	(void)vm;
	if (ioctl(fd, KVM_GET_REGS, &regs) < 0)
		return -errno;
	regs.sprg0 = val;
	if (ioctl(fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

int hv_system_reset(struct vm *vm, struct vcpu *v)
{
	struct kvm_vm *k = kvm_of(vm);
	struct kvm_vcpu *kv = kvm_vcpu_of(v);

	pthread_mutex_lock(&k->lock);
	kv->sreset_pending = true;
	pthread_mutex_unlock(&k->lock);
	if (kv->thread_started && kv->thread != pthread_self())
		vcpu_kick(kv);
	return 0;
}

long hv_resize_hpt(struct vm *vm, bool commit, unsigned shift)
{
	struct kvm_ppc_resize_hpt rhpt = { .flags = 0, .shift = shift };
	long r = ioctl(kvm_of(vm)->vm_fd, commit ? KVM_PPC_RESIZE_HPT_COMMIT :
				KVM_PPC_RESIZE_HPT_PREPARE, &rhpt);

	return r < 0 ? -errno : r;
}
